// Package agenttools is what pacerd gives resource agents in place of
// Pacemaker's command-line tools.
//
// Resource agents call a few of Pacemaker's tools: a promotable agent sets
// its promotion score with `crm_attribute --promotion -v N` (or the older
// crm_master), ping and the Health* agents set node attributes with
// attrd_updater, and many ask `crm_node -n` for the local node's name. With
// no Pacemaker on the node those would fail, so pacerd puts its own
// versions first in the agents' PATH and HA_SBIN_DIR: links to pacerd,
// which acts as the tool its name says, talking to the local pacerd over
// its socket. Other tools of the directory are linked to the real ones.
package agenttools

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pacer/share/client"
	"pacer/share/protocol"
	"pacer/share/xmltree"
)

// agentTools are the tools pacerd provides to agents.
var agentTools = []string{"crm_attribute", "crm_node", "attrd_updater"}

// Is reports whether pacerd was started as one of the tools it
// provides to agents (by the name of the link).
func Is(argv0 string) bool {
	base := filepath.Base(argv0)
	for _, t := range agentTools {
		if base == t {
			return true
		}
	}
	return false
}

// Run runs the tool pacerd was started as.
func Run(argv0 string, args []string, stdout, stderr io.Writer) int {
	switch filepath.Base(argv0) {
	case "crm_attribute":
		return crmAttribute(args, stdout, stderr)
	case "crm_node":
		return crmNode(args, stdout, stderr)
	case "attrd_updater":
		return attrdUpdater(args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "%s: not a tool pacerd provides\n", argv0)
	return 2
}

// Env prepares dir (under the state directory) with the tool
// links and returns the environment agents get: the tools first in PATH
// and HA_SBIN_DIR, and where to reach this node's pacerd. It does nothing
// unless this process is pacerd (tests run nodes in other binaries).
func Env(dir, socket, node string, env map[string]string) (map[string]string, error) {
	exe, err := os.Executable()
	if err != nil || filepath.Base(exe) != "pacerd" {
		return env, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return env, fmt.Errorf("agent tools: %w", err)
	}
	link := func(target, name string) error {
		p := filepath.Join(dir, name)
		if cur, err := os.Readlink(p); err == nil && cur == target {
			return nil
		}
		os.Remove(p)
		return os.Symlink(target, p)
	}
	for _, t := range agentTools {
		if err := link(exe, t); err != nil {
			return env, fmt.Errorf("agent tools: %w", err)
		}
	}
	// The rest of Pacemaker's tools an agent may call by HA_SBIN_DIR.
	sbin := "/usr/sbin"
	if v, ok := env["HA_SBIN_DIR"]; ok && v != "" {
		sbin = v
	}
	if ents, err := os.ReadDir(sbin); err == nil {
		for _, e := range ents {
			if name := e.Name(); (strings.HasPrefix(name, "crm_") || name == "attrd_updater" || name == "cibadmin" || name == "stonith_admin") && !Is(name) {
				link(filepath.Join(sbin, name), name)
			}
		}
	}
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	out["HA_SBIN_DIR"] = dir
	path := os.Getenv("PATH")
	if v, ok := env["PATH"]; ok {
		path = v
	}
	out["PATH"] = dir + string(os.PathListSeparator) + path
	if abs, err := filepath.Abs(socket); err == nil {
		socket = abs
	}
	out["PACER_SOCKET"] = socket
	out["PACER_NODE"] = node
	return out, nil
}

// crmNode is crm_node as agents and admins use it: -n this node's name, -i
// its id, -l the nodes ("ID NAME member|lost"), -p the members of this
// partition, -q whether it has quorum (1 or 0), and -R NODE to forget a node
// that is gone for good (refused for a member).
func crmNode(args []string, stdout, stderr io.Writer) int {
	want, remove := "", ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-n" || a == "--name" || a == "-i" || a == "--cluster-id" || a == "-l" || a == "--list" ||
			a == "-p" || a == "--partition" || a == "-q" || a == "--quorum":
			// the last command given wins, as with crm_node ("-l -p"
			// lists the partition)
			want = strings.TrimLeft(a, "-")[:1]
		case a == "-R" || a == "--remove":
			if i+1 >= len(args) {
				fmt.Fprintf(stderr, "crm_node: %s needs a node name\n", a)
				return 64
			}
			i++
			want, remove = "R", args[i]
		case strings.HasPrefix(a, "--remove="):
			want, remove = "R", strings.TrimPrefix(a, "--remove=")
		case a == "-V" || a == "--verbose" || a == "-f" || a == "--force":
		default:
			fmt.Fprintf(stderr, "crm_node: option %s is not provided under pacerd (-n, -i, -l, -p, -q, -R)\n", a)
			return 64
		}
	}
	if want == "n" {
		if node := localNode(); node != "" {
			fmt.Fprintln(stdout, node)
			return 0
		}
		fmt.Fprintln(stderr, "crm_node: PACER_NODE is not set and pacerd did not say (run by pacerd's agents only)")
		return 1
	}
	if want == "" {
		fmt.Fprintln(stderr, "crm_node: give one of -n, -i, -l, -p, -q, -R NODE")
		return 64
	}
	cl, ctx, done, code := dial("crm_node", stderr)
	if cl == nil {
		return code
	}
	defer done()
	if want == "R" {
		// Forget a node that left for good: its entry and its state.
		if _, err := cl.RemoveNode(ctx, remove); err != nil {
			fmt.Fprintln(stderr, "crm_node:", err)
			return 1
		}
		return 0
	}
	if want == "q" {
		h, err := cl.Hello(ctx)
		if err != nil {
			fmt.Fprintln(stderr, "crm_node:", err)
			return 1
		}
		if h.HaveQuorum {
			fmt.Fprintln(stdout, "1")
		} else {
			fmt.Fprintln(stdout, "0")
		}
		return 0
	}
	ms, err := cl.Members(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "crm_node:", err)
		return 1
	}
	switch want {
	case "i":
		node := localNode()
		for _, m := range ms {
			if m.Name == node {
				fmt.Fprintln(stdout, m.ID)
				return 0
			}
		}
		fmt.Fprintf(stderr, "crm_node: this node (%s) is not in the member list\n", node)
		return 105
	case "l":
		for _, m := range ms {
			state := "lost"
			if m.Online {
				state = "member"
			}
			fmt.Fprintf(stdout, "%s %s %s\n", m.ID, m.Name, state)
		}
	case "p":
		var names []string
		for _, m := range ms {
			if m.Online {
				names = append(names, m.Name)
			}
		}
		fmt.Fprintln(stdout, strings.Join(names, " "))
	}
	return 0
}

// attrRequest is what a crm_attribute command line asks for.
type attrRequest struct {
	name, value, node, lifetime string
	promotion                   bool
	update, del, query, quiet   bool
}

func parseCrmAttribute(args []string) (*attrRequest, error) {
	r := &attrRequest{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := ""
		if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "--") {
			a, val = k, v
		}
		next := func() (string, error) {
			if val != "" {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", a)
			}
			i++
			return args[i], nil
		}
		var err error
		switch a {
		case "-p", "--promotion":
			r.promotion = true
			if val != "" {
				r.name = val
			} else if a == "-p" && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++
				r.name = args[i]
			}
		case "-n", "--name":
			r.name, err = next()
		case "-v", "--update", "--attr-value":
			r.update = true
			r.value, err = next()
		case "-D", "--delete", "--delete-attr":
			r.del = true
		case "-G", "--query", "--get-value":
			r.query = true
		case "-q", "--quiet", "-Q":
			r.quiet = true
		case "-N", "--node", "-U", "--uname":
			r.node, err = next()
		case "-l", "--lifetime":
			r.lifetime, err = next()
		case "-t", "--type":
			var t string
			if t, err = next(); err == nil {
				switch t {
				case "status":
					r.lifetime = "reboot"
				case "nodes":
					r.lifetime = "forever"
				default:
					err = fmt.Errorf("--type %s is not provided under pacerd (status or nodes)", t)
				}
			}
		case "-V", "--verbose":
		default:
			err = fmt.Errorf("option %s is not provided under pacerd", a)
		}
		if err != nil {
			return nil, err
		}
	}
	if r.promotion {
		// the score of the resource the agent runs for; an anonymous
		// clone's is its primitive's, whatever instance this is
		rsc := r.name
		if rsc == "" {
			rsc = os.Getenv("OCF_RESOURCE_INSTANCE")
		}
		if rsc == "" {
			return nil, fmt.Errorf("--promotion needs a resource (OCF_RESOURCE_INSTANCE is not set)")
		}
		if i := strings.LastIndexByte(rsc, ':'); i > 0 && os.Getenv("OCF_RESKEY_CRM_meta_globally_unique") != "true" {
			rsc = rsc[:i]
		}
		r.name = "master-" + rsc
		if r.lifetime == "" {
			r.lifetime = "reboot"
		}
	}
	if r.name == "" {
		return nil, fmt.Errorf("no attribute name (-n NAME or --promotion)")
	}
	if r.node == "" {
		r.node = os.Getenv("OCF_RESKEY_CRM_meta_on_node")
	}
	if r.node == "" {
		r.node = localNode()
	}
	if r.node == "" {
		return nil, fmt.Errorf("no node (-N NODE)")
	}
	switch r.lifetime {
	case "", "reboot", "transient":
		r.lifetime = protocol.LifetimeReboot
	case "forever", "permanent":
		r.lifetime = protocol.LifetimeForever
	default:
		return nil, fmt.Errorf("unknown lifetime %q", r.lifetime)
	}
	if !r.update && !r.del {
		r.query = true
	}
	return r, nil
}

func crmAttribute(args []string, stdout, stderr io.Writer) int {
	req, err := parseCrmAttribute(args)
	if err != nil {
		fmt.Fprintln(stderr, "crm_attribute:", err)
		return 64 // CRM_EX_USAGE
	}
	cl, ctx, done, code := dial("crm_attribute", stderr)
	if cl == nil {
		return code
	}
	defer done()
	switch {
	case req.update:
		_, err = cl.SetNodeAttr(ctx, req.node, req.name, req.value, req.lifetime)
	case req.del:
		_, err = cl.DeleteNodeAttr(ctx, req.node, req.name, req.lifetime)
	default:
		var v string
		var ok bool
		if v, ok, err = nodeAttr(ctx, cl, req.node, req.name, req.lifetime); err == nil && !ok {
			fmt.Fprintf(stderr, "crm_attribute: no attribute %s on %s\n", req.name, req.node)
			return 105 // CRM_EX_NOSUCH
		}
		if err == nil {
			if req.quiet {
				fmt.Fprintln(stdout, v)
			} else {
				scope := "status"
				if req.lifetime == protocol.LifetimeForever {
					scope = "nodes"
				}
				fmt.Fprintf(stdout, "scope=%s  name=%s value=%s\n", scope, req.name, v)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "crm_attribute:", err)
		return 1
	}
	return 0
}

// nodeAttr reads a node attribute from the CIB: transient ones in the
// node's status, permanent ones in the nodes section.
func nodeAttr(ctx context.Context, cl *client.Client, node, name, lifetime string) (string, bool, error) {
	doc, err := cl.GetCIB(ctx)
	if err != nil {
		return "", false, err
	}
	var where []string
	if lifetime == protocol.LifetimeForever {
		where = []string{"configuration", "nodes"}
	} else {
		where = []string{"status"}
	}
	e := doc.Root
	for _, w := range where {
		if e = e.Child(w); e == nil {
			return "", false, nil
		}
	}
	for _, ne := range e.Children {
		if ne.Attr("uname") != node && ne.ID() != node {
			continue
		}
		value, found := "", false
		ne.Walk(func(x *xmltree.Element) bool {
			if found || x.Name == "lrm" {
				return false // operation history, not attributes
			}
			if x.Name == "nvpair" && x.Attr("name") == name {
				value, found = x.Attr("value"), true
				return false
			}
			return true
		})
		if found {
			return value, true, nil
		}
	}
	return "", false, nil
}

// attrdUpdater is attrd_updater: transient attributes of this node (or of
// -N NODE). Updates go straight to the CIB, so --delay (dampening) and
// --refresh have nothing to do.
func attrdUpdater(args []string, stdout, stderr io.Writer) int {
	var name, value, node string
	var update, del, query bool
	for i := 0; i < len(args); i++ {
		a, val, hasVal := args[i], "", false
		if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "--") {
			a, val, hasVal = k, v, true
		}
		next := func() (string, bool) {
			if hasVal {
				return val, true
			}
			if i+1 >= len(args) {
				return "", false
			}
			i++
			return args[i], true
		}
		ok := true
		switch a {
		case "-n", "--name":
			name, ok = next()
		case "-U", "--update", "-v", "-B", "--update-both":
			update = true
			value, ok = next()
		case "-D", "--delete":
			del = true
		case "-Q", "--query":
			query = true
		case "-N", "--node":
			node, ok = next()
		case "-d", "--delay", "-s", "--set", "-l", "--lifetime":
			_, ok = next()
		case "-R", "--refresh", "-Y", "--update-delay", "-p", "--private", "-q", "--quiet", "-V", "--verbose":
		default:
			fmt.Fprintf(stderr, "attrd_updater: option %s is not provided under pacerd\n", a)
			return 64
		}
		if !ok {
			fmt.Fprintf(stderr, "attrd_updater: %s needs a value\n", a)
			return 64
		}
	}
	if name == "" && (update || del || query) {
		fmt.Fprintln(stderr, "attrd_updater: no attribute name (-n NAME)")
		return 64
	}
	if !update && !del && !query {
		return 0 // --refresh and the like
	}
	if node == "" {
		node = localNode()
	}
	if node == "" {
		fmt.Fprintln(stderr, "attrd_updater: PACER_NODE is not set and pacerd did not say (run by pacerd's agents only)")
		return 69
	}
	cl, ctx, done, code := dial("attrd_updater", stderr)
	if cl == nil {
		return code
	}
	defer done()
	var err error
	switch {
	case update:
		_, err = cl.SetNodeAttr(ctx, node, name, value, protocol.LifetimeReboot)
	case del:
		_, err = cl.DeleteNodeAttr(ctx, node, name, protocol.LifetimeReboot)
	default:
		v, found, qerr := nodeAttr(ctx, cl, node, name, protocol.LifetimeReboot)
		if qerr == nil && !found {
			fmt.Fprintf(stderr, "attrd_updater: Could not query value of %s: attribute does not exist\n", name)
			return 105
		}
		if qerr == nil {
			fmt.Fprintf(stdout, "name=\"%s\" host=\"%s\" value=\"%s\"\n", name, node, v)
		}
		err = qerr
	}
	if err != nil {
		fmt.Fprintln(stderr, "attrd_updater:", err)
		return 1
	}
	return 0
}

// localNode is the name of the node the agent runs on: PACER_NODE, else
// what the daemon answering PACER_SOCKET says. A remote node learns its
// name only when the cluster connects (pacerd remote), so its agents ask.
func localNode() string {
	if n := os.Getenv("PACER_NODE"); n != "" {
		return n
	}
	cl, ctx, done, _ := dial("crm_node", io.Discard)
	if cl == nil {
		return ""
	}
	defer done()
	h, err := cl.Hello(ctx)
	if err != nil {
		return ""
	}
	return h.Node
}

// dial connects a tool to the pacerd that runs the agent (PACER_SOCKET),
// with a deadline; on failure cl is nil and code the exit code
// (69: not run by pacerd's agents, 102: pacerd not reachable).
func dial(tool string, stderr io.Writer) (cl *client.Client, ctx context.Context, done func(), code int) {
	sock := os.Getenv("PACER_SOCKET")
	if sock == "" {
		fmt.Fprintf(stderr, "%s: PACER_SOCKET is not set (run by pacerd's agents only)\n", tool)
		return nil, nil, nil, 69
	}
	cl, err := client.Dial(sock)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", tool, err)
		return nil, nil, nil, 102 // CRM_EX_NOT_CONNECTED
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	return cl, ctx, func() { cancel(); cl.Close() }, 0
}
