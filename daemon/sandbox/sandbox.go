// Package sandbox runs a local test cluster: N pacerd processes on this
// host, each with its own state directory, socket, log and agent state
// directories (HA_RSCTMP, HA_VARRUN), so a Dummy running on one node does
// not look running to another node's probe.
//
// Without --netns the nodes gossip on 127.0.0.1, one port each. With
// --netns (root only) each node lives in its own network namespace with a
// veth link into a hub namespace holding a bridge, on 10.213.X.0/24; a
// partition blackholes the routes between groups inside the namespaces, and
// heal removes them.
//
// Run by root, each node is a machine of its own (machine.go): an init in
// its own PID and mount namespaces, parent of the node's pacerd and of all
// it starts. Fencing "powers off" a node (PowerOff): the init kills every
// process of its namespace, waits until none is left, and wipes the node's
// agent state. Run by another user (no namespaces) the nodes are plain
// processes, and powering off kills the node's pacerd and every process
// carrying its PACER_SANDBOX_NODE marker in the environment.
package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"pacer/share/client"
	"pacer/share/keyfile"
	"pacer/share/xmltree"
)

// EnvMarker is set in each sandbox pacerd's environment (and so in its
// agents'), "DIR/NODE", so that PowerOff finds every process of a node.
const EnvMarker = "PACER_SANDBOX_NODE"

// Layout is the sandbox description kept in DIR/sandbox.json.
type Layout struct {
	Dir    string `json:"dir"`
	NetNS  bool   `json:"netns"`
	Prefix string `json:"prefix"` // namespace name prefix
	// PIDNS: every node is a machine in its own PID namespace (root only;
	// absent in sandboxes made before machines existed).
	PIDNS bool       `json:"pidns,omitempty"`
	Nodes []NodeInfo `json:"nodes"`
}

// NodeInfo is one sandbox node.
type NodeInfo struct {
	Name   string `json:"name"`
	Addr   string `json:"addr"`
	Port   int    `json:"port"`
	Socket string `json:"socket"`
	NS     string `json:"ns,omitempty"`
}

// DefaultDir is the sandbox directory unless --dir or PACER_SANDBOX_DIR says otherwise.
func DefaultDir() string {
	if d := os.Getenv("PACER_SANDBOX_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("pacer-sandbox-%d", os.Getuid()))
}

// Main runs `pacerd sandbox ARGS`; it returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: pacerd sandbox start|stop|restart|kill|partition|heal|fence|status [--dir DIR] ...")
		return 2
	}
	cmd := args[0]
	if cmd == "machine" {
		// Internal: the init of a node's machine (machine.go).
		// pacerd sandbox machine --dir DIR NODE -- PACERD ARGS...
		if len(args) < 6 || args[1] != "--dir" || args[4] != "--" {
			fmt.Fprintln(stderr, "usage: pacerd sandbox machine --dir DIR NODE -- PACERD ARGS...")
			return 2
		}
		return machineMain(args[2], args[3], args[5:], stderr)
	}
	fs := flag.NewFlagSet("sandbox "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", DefaultDir(), "sandbox directory")
	n := fs.Int("n", 3, "number of nodes (start)")
	netns := fs.Bool("netns", false, "put each node in its own network namespace (root)")
	timeout := fs.Duration("timeout", 60*time.Second, "how long start waits for a DC")
	pacerd := fs.String("pacerd", "", "pacerd binary (default: this one)")
	if err := fs.Parse(reorder(args[1:])); err != nil {
		return 2
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "pacerd sandbox:", err)
		return 1
	}
	rest := fs.Args()
	switch cmd {
	case "start":
		bin := *pacerd
		if bin == "" {
			bin, _ = os.Executable()
		}
		l, err := Start(abs, *n, *netns, bin, rest, *timeout)
		if err != nil {
			fmt.Fprintln(stderr, "pacerd sandbox start:", err)
			return 1
		}
		// The shell checks agents locally: it must find the fence agent too.
		fmt.Fprintf(stdout, "export PACER_FENCE_PATH=%s\n", filepath.Join(abs, "bin"))
		fmt.Fprintf(stdout, "export PACER_SOCKET=%s\n", l.Nodes[0].Socket)
		return 0
	case "stop":
		if len(rest) > 0 {
			// Named nodes: a clean stop of their pacerd (SIGTERM, what
			// systemctl stop sends); their machines stay on.
			for _, node := range rest {
				if err = StopNode(abs, node, *timeout); err != nil {
					break
				}
			}
			break
		}
		err = Stop(abs)
	case "restart":
		if len(rest) == 0 {
			fmt.Fprintln(stderr, "usage: pacerd sandbox restart NODE... [--dir DIR]")
			return 2
		}
		bin := *pacerd
		if bin == "" {
			bin, _ = os.Executable()
		}
		for _, node := range rest {
			if err = StopNode(abs, node, *timeout); err != nil {
				break
			}
		}
		if err == nil {
			_, err = Start(abs, *n, *netns, bin, rest, *timeout)
		}
	case "kill":
		if len(rest) != 1 {
			fmt.Fprintln(stderr, "usage: pacerd sandbox kill NODE [--dir DIR]")
			return 2
		}
		err = Kill(abs, rest[0])
	case "fence", "poweroff":
		if len(rest) != 1 {
			fmt.Fprintln(stderr, "usage: pacerd sandbox fence NODE [--dir DIR]")
			return 2
		}
		err = PowerOff(abs, rest[0])
	case "partition":
		if len(rest) < 2 {
			fmt.Fprintln(stderr, "usage: pacerd sandbox partition A,B C [--dir DIR]")
			return 2
		}
		var groups [][]string
		for _, g := range rest {
			groups = append(groups, strings.Split(g, ","))
		}
		err = Partition(abs, groups)
	case "heal":
		err = Heal(abs)
	case "status":
		l, lerr := LoadLayout(abs)
		if lerr != nil {
			err = lerr
			break
		}
		for _, nd := range l.Nodes {
			state := "stopped"
			if pid := nodePID(abs, nd.Name); pid > 0 {
				state = "running pid " + strconv.Itoa(pid)
			} else if l.PIDNS && machinePID(abs, nd.Name) > 0 {
				state = "stopped (machine on)"
			}
			fmt.Fprintf(stdout, "%s\t%s:%d\t%s\t%s\n", nd.Name, nd.Addr, nd.Port, nd.Socket, state)
		}
	default:
		fmt.Fprintf(stderr, "pacerd sandbox: unknown command %q\n", cmd)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "pacerd sandbox %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

// reorder moves flags before positional arguments (flag stops at the first
// positional one; `sandbox kill n2 --dir D` should work).
func reorder(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && takesValue(a) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func takesValue(f string) bool {
	switch strings.TrimLeft(f, "-") {
	case "netns":
		return false
	}
	return true
}

// LoadLayout reads DIR/sandbox.json.
func LoadLayout(dir string) (*Layout, error) {
	b, err := os.ReadFile(filepath.Join(dir, "sandbox.json"))
	if err != nil {
		return nil, fmt.Errorf("no sandbox in %s: %w", dir, err)
	}
	var l Layout
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%s/sandbox.json: %w", dir, err)
	}
	return &l, nil
}

func (l *Layout) node(name string) *NodeInfo {
	for i := range l.Nodes {
		if l.Nodes[i].Name == name {
			return &l.Nodes[i]
		}
	}
	return nil
}

// freePort finds a port free on 127.0.0.1 for TCP and UDP that is not
// among taken, and adds it there: the kernel may hand the same free port
// out twice in a row, and two nodes (or a node's gossip and its log) on
// one port do not start.
func freePort(taken map[int]bool) (int, error) {
	for range 50 {
		ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			return 0, err
		}
		p := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if taken[p] {
			continue
		}
		u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p})
		if err != nil {
			continue
		}
		u.Close()
		taken[p] = true
		return p, nil
	}
	return 0, errors.New("no free port on 127.0.0.1")
}

// Start creates (or, when DIR holds a sandbox, resumes) a sandbox and
// starts every node that is not running (only those named in only, if
// any). It returns once a DC is elected and every started node sees it.
func Start(dir string, n int, netns bool, pacerd string, only []string, timeout time.Duration) (*Layout, error) {
	l, err := LoadLayout(dir)
	fresh := false
	if err != nil {
		l, err = create(dir, n, netns)
		if err != nil {
			return nil, err
		}
		fresh = true
	}
	if l.NetNS {
		if err := setupNetNS(l); err != nil {
			return nil, err
		}
	}
	if err := writeFenceAgent(dir, pacerd); err != nil {
		return nil, err
	}
	var started []NodeInfo
	for _, nd := range l.Nodes {
		if len(only) > 0 && !contains(only, nd.Name) {
			continue
		}
		if nodePID(dir, nd.Name) > 0 {
			continue
		}
		if err := startNode(l, nd, pacerd); err != nil {
			return nil, err
		}
		if len(started) == 0 {
			// The first node up becomes the DC (the election prefers the
			// longest-running node): make that n1, predictably.
			for i := 0; i < 100; i++ {
				if _, err := os.Stat(nd.Socket); err == nil {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		started = append(started, nd)
	}
	deadline := time.Now().Add(timeout)
	// Every running node must name the same DC.
	dc := ""
	for {
		views := map[string]bool{}
		for _, nd := range l.Nodes {
			if nodePID(dir, nd.Name) <= 0 {
				continue
			}
			d, err := waitDC(nd, deadline)
			if err != nil {
				return nil, fmt.Errorf("node %s: %w (log: %s)", nd.Name, err, logPath(dir, nd.Name))
			}
			views[d] = true
			dc = d
		}
		if len(views) <= 1 {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the nodes do not agree on a DC: %v", views)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if nd := l.node(dc); nd != nil {
		if err := waitDCReady(*nd, deadline); err != nil {
			return nil, fmt.Errorf("DC %s: %w (log: %s)", dc, err, logPath(dir, dc))
		}
		if fresh {
			if err := addFenceDevice(*nd); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

// FenceDeviceID is the fencing device a new sandbox is configured with.
const FenceDeviceID = "fence-sandbox"

// addFenceDevice configures the sandbox's fencing device, so that the
// cluster starts with fencing enabled and usable, as a real one should.
func addFenceDevice(nd NodeInfo) error {
	c, err := client.Dial(nd.Socket)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	doc, err := c.GetCIB(ctx)
	if err != nil {
		return err
	}
	v, err := client.CIBVersion(doc)
	if err != nil {
		return err
	}
	cfg := doc.Root.Child("configuration")
	rs := cfg.Child("resources")
	if rs == nil || rs.FindID(FenceDeviceID) != nil {
		return nil
	}
	dev, err := xmltree.ParseElement(`<primitive id="` + FenceDeviceID + `" class="stonith" type="` + FenceAgent + `">
  <operations><op id="` + FenceDeviceID + `-monitor-60s" name="monitor" interval="60s"/></operations>
</primitive>`)
	if err != nil {
		return err
	}
	rs.Append(dev)
	if _, err := c.ReplaceConfiguration(ctx, cfg, v); err != nil {
		return fmt.Errorf("configure the sandbox fencing device: %w", err)
	}
	return nil
}

// waitDCReady waits until the DC has taken over (synced the members and
// started its controller): it answers wait_idle with anything but
// "unavailable".
func waitDCReady(nd NodeInfo, deadline time.Time) error {
	var last error
	for time.Now().Before(deadline) {
		c, err := client.Dial(nd.Socket)
		if err != nil {
			last = err
			time.Sleep(100 * time.Millisecond)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = c.WaitIdle(ctx)
		cancel()
		c.Close()
		if err == nil || !errors.Is(err, client.ErrUnavailable) {
			return nil
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("DC not ready in time: %v", last)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func logPath(dir, node string) string { return filepath.Join(dir, node, "pacerd.log") }

func create(dir string, n int, netns bool) (*Layout, error) {
	if n < 1 || n > 32 {
		return nil, fmt.Errorf("-n %d: want 1 to 32 nodes", n)
	}
	if netns && os.Geteuid() != 0 {
		return nil, errors.New("--netns needs root")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l := &Layout{Dir: dir, NetNS: netns, Prefix: fmt.Sprintf("pcr%d", os.Getpid()%100000), PIDNS: os.Geteuid() == 0}
	subnet := 1 + os.Getpid()%250
	taken := map[int]bool{}
	for i := 1; i <= n; i++ {
		nd := NodeInfo{Name: fmt.Sprintf("n%d", i), Socket: filepath.Join(dir, fmt.Sprintf("n%d", i), "pacerd.sock")}
		if netns {
			nd.Addr, nd.Port = fmt.Sprintf("10.213.%d.%d", subnet, 10+i), 7946
			nd.NS = fmt.Sprintf("%s-%s", l.Prefix, nd.Name)
		} else {
			p, err := freePort(taken)
			if err != nil {
				return nil, err
			}
			nd.Addr, nd.Port = "127.0.0.1", p
		}
		l.Nodes = append(l.Nodes, nd)
	}
	// Each node's replicated log listens on a port of its own (on
	// loopback a free one, not gossip port + 1, which may be taken).
	raftPort := map[string]int{}
	for _, nd := range l.Nodes {
		if !netns {
			p, err := freePort(taken)
			if err != nil {
				return nil, err
			}
			raftPort[nd.Name] = p
		}
	}
	key := filepath.Join(dir, "authkey")
	if err := keyfile.Generate(key, true); err != nil {
		return nil, err
	}
	for _, nd := range l.Nodes {
		nodeDir := filepath.Join(dir, nd.Name)
		if err := os.MkdirAll(filepath.Join(nodeDir, "state"), 0o755); err != nil {
			return nil, err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "# pacerd sandbox node %s\ncluster_name = \"sandbox\"\nnode_name = %q\nkey_file = %q\nstate_dir = %q\nsocket = %q\n",
			nd.Name, nd.Name, key, filepath.Join(nodeDir, "state"), nd.Socket)
		fmt.Fprintf(&b, "\n[agent_env]\nHA_RSCTMP = %q\nHA_VARRUN = %q\nHA_VARLOCK = %q\n",
			filepath.Join(nodeDir, "run", "resource-agents"), filepath.Join(nodeDir, "run"), filepath.Join(nodeDir, "run", "lock"))
		for _, o := range l.Nodes {
			fmt.Fprintf(&b, "\n[[node]]\nname = %q\naddr = %q\nport = %d\n", o.Name, o.Addr, o.Port)
			if p := raftPort[o.Name]; p != 0 {
				fmt.Fprintf(&b, "raft_port = %d\n", p)
			}
		}
		if err := os.WriteFile(filepath.Join(nodeDir, "pacer.conf"), []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
	}
	b, _ := json.MarshalIndent(l, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "sandbox.json"), b, 0o644); err != nil {
		return nil, err
	}
	return l, nil
}

func startNode(l *Layout, nd NodeInfo, pacerd string) error {
	nodeDir := filepath.Join(l.Dir, nd.Name)
	for _, d := range []string{"run/resource-agents", "run/lock"} {
		if err := os.MkdirAll(filepath.Join(nodeDir, d), 0o755); err != nil {
			return err
		}
	}
	conf := filepath.Join(nodeDir, "pacer.conf")
	argv := []string{pacerd, "--config", conf}
	if os.Getenv("PACER_SANDBOX_DEBUG") != "" {
		argv = append(argv, "--debug")
	}
	if l.PIDNS {
		if m := machinePID(l.Dir, nd.Name); m > 0 {
			// The machine is on and only pacerd is down (crashed or
			// stopped): start the daemon again on it.
			_, err := machineCall(l.Dir, nd.Name, "start", 10*time.Second)
			if err == nil {
				return waitMachinePacerd(l.Dir, nd.Name, m, conf)
			}
			// Powered off meanwhile (fenced): boot it again.
			for deadline := time.Now().Add(5 * time.Second); machinePID(l.Dir, nd.Name) > 0; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					return fmt.Errorf("start %s: %w", nd.Name, err)
				}
			}
		}
		argv = append([]string{pacerd, "sandbox", "machine", "--dir", l.Dir, nd.Name, "--"}, argv...)
	}
	logf, err := os.OpenFile(logPath(l.Dir, nd.Name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	if l.NetNS {
		argv = append([]string{"ip", "netns", "exec", nd.NS}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), EnvMarker+"="+filepath.Join(l.Dir, nd.Name),
		"PACER_FENCE_PATH="+filepath.Join(l.Dir, "bin"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = nodeDir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if l.PIDNS {
		cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWPID | syscall.CLONE_NEWNS
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", nd.Name, err)
	}
	go cmd.Wait() // reap it if we live that long; it outlives us otherwise
	if l.PIDNS {
		os.WriteFile(machinePIDPath(l.Dir, nd.Name), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644)
		return waitMachinePacerd(l.Dir, nd.Name, cmd.Process.Pid, conf)
	}
	os.WriteFile(pidPath(l.Dir, nd.Name), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644)
	return nil
}

// waitMachinePacerd waits for the machine's pacerd to appear and records
// its host pid in pacerd.pid.
func waitMachinePacerd(dir, node string, machine int, conf string) error {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if pid := machinePacerd(machine, conf); pid > 0 {
			return os.WriteFile(pidPath(dir, node), []byte(strconv.Itoa(pid)+"\n"), 0o644)
		}
		if !procAlive(machine) {
			break
		}
	}
	return fmt.Errorf("start %s: the machine did not start pacerd (log: %s)", node, logPath(dir, node))
}

func pidPath(dir, node string) string { return filepath.Join(dir, node, "pacerd.pid") }

// nodePID is the pid of the node's pacerd when it is running, else 0.
func nodePID(dir, node string) int {
	// On a machine: its child running the node's configuration, found
	// afresh (pacerd.pid may be behind a restart in progress).
	if m := machinePID(dir, node); m > 0 {
		return machinePacerd(m, filepath.Join(dir, node, "pacer.conf"))
	}
	b, err := os.ReadFile(pidPath(dir, node))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	// Alive and really that node's pacerd (pids get reused).
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil || !bytes.Contains(env, []byte(EnvMarker+"="+filepath.Join(dir, node)+"\x00")) {
		return 0
	}
	if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		if f := strings.Fields(string(st[bytes.LastIndexByte(st, ')')+1:])); len(f) > 0 && f[0] == "Z" {
			return 0
		}
	}
	return pid
}

func waitDC(nd NodeInfo, deadline time.Time) (string, error) {
	var last error
	for time.Now().Before(deadline) {
		c, err := client.Dial(nd.Socket)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			h, herr := c.Hello(ctx)
			cancel()
			c.Close()
			if herr == nil && h.DC != "" {
				return h.DC, nil
			}
			last = herr
			if herr == nil {
				last = errors.New("no DC elected yet")
			}
		} else {
			last = err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", fmt.Errorf("no DC in time: %v", last)
}

// Kill crashes a node's pacerd (SIGKILL) and leaves its resources running,
// as a real crash would; fencing then powers the node off.
func Kill(dir, node string) error {
	l, err := LoadLayout(dir)
	if err != nil {
		return err
	}
	if l.node(node) == nil {
		return fmt.Errorf("no node %q in the sandbox", node)
	}
	pid := nodePID(dir, node)
	if pid == 0 {
		return fmt.Errorf("node %s is not running", node)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return err
	}
	// Return once it is really gone, so that a following start does not
	// mistake the dying process for a running node.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if nodePID(dir, node) == 0 {
			return nil
		}
	}
	return fmt.Errorf("node %s (pid %d) survived SIGKILL", node, pid)
}

// PowerOff is the sandbox's fence agent: it kills everything of node and
// wipes its agent state, like pulling the plug on a machine. It returns
// once nothing of the node is left. It works from inside another node's
// machine too (the fence agent runs there).
func PowerOff(dir, node string) error {
	l, err := LoadLayout(dir)
	if err != nil {
		return err
	}
	if l.node(node) == nil {
		return fmt.Errorf("no node %q in the sandbox", node)
	}
	if l.PIDNS {
		// The machine wipes its own state before it answers. Nothing is
		// done here after that: the node may be booting again already,
		// and its new processes carry the same marker.
		_, err := machineCall(dir, node, "poweroff", 20*time.Second)
		switch {
		case err == nil:
			powerLog(dir, node)
		case !errors.Is(err, errMachineOff):
			return fmt.Errorf("power off %s: %w", node, err)
		}
		return nil
	}
	// Without machines: every process with the node's marker.
	wasOn := nodePID(dir, node) > 0
	marker := []byte(EnvMarker + "=" + filepath.Join(dir, node) + "\x00")
	for round := 0; round < 3; round++ {
		killed := 0
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
			if err != nil || !bytes.Contains(env, marker) {
				continue
			}
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				killed++
			}
		}
		if killed == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if wasOn {
		powerLog(dir, node)
	}
	os.Remove(pidPath(dir, node))
	os.RemoveAll(filepath.Join(dir, node, "run"))
	return nil
}

// PowerLog is DIR/power.log: one line per power-off, "UNIXNANO NODE BY",
// BY being the node whose fence agent did it ("-" from the host). Fault
// campaigns read it as the ground truth of fencing.
const PowerLog = "power.log"

func powerLog(dir, node string) {
	by := "-"
	if m := os.Getenv(EnvMarker); m != "" && filepath.Dir(m) == dir {
		by = filepath.Base(m)
	}
	f, err := os.OpenFile(filepath.Join(dir, PowerLog), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	fmt.Fprintf(f, "%d %s %s\n", time.Now().UnixNano(), node, by)
	f.Close()
}

// StopNode stops a node's pacerd cleanly (SIGTERM, as systemctl stop does)
// and waits until it has exited; its machine stays on.
func StopNode(dir, node string, timeout time.Duration) error {
	l, err := LoadLayout(dir)
	if err != nil {
		return err
	}
	if l.node(node) == nil {
		return fmt.Errorf("no node %q in the sandbox", node)
	}
	pid := nodePID(dir, node)
	if pid == 0 {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return err
	}
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if nodePID(dir, node) == 0 {
			os.Remove(pidPath(dir, node))
			return nil
		}
	}
	return fmt.Errorf("node %s (pid %d) still running %s after SIGTERM", node, pid, timeout)
}

// Stop ends every node: pacerd gets SIGTERM (a clean leave), then anything
// left is powered off. Network namespaces are removed.
func Stop(dir string) error {
	l, err := LoadLayout(dir)
	if err != nil {
		return err
	}
	for _, nd := range l.Nodes {
		if pid := nodePID(dir, nd.Name); pid > 0 {
			syscall.Kill(pid, syscall.SIGTERM)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, nd := range l.Nodes {
		for nodePID(dir, nd.Name) > 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, nd := range l.Nodes {
		PowerOff(dir, nd.Name)
	}
	if l.NetNS {
		teardownNetNS(l)
	}
	return nil
}

func run(args ...string) error {
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func hubNS(l *Layout) string { return l.Prefix + "-hub" }

func nsExists(name string) bool {
	_, err := os.Stat("/run/netns/" + name)
	return err == nil
}

func setupNetNS(l *Layout) error {
	hub := hubNS(l)
	if !nsExists(hub) {
		if err := run("ip", "netns", "add", hub); err != nil {
			return err
		}
		cmds := [][]string{
			{"ip", "-n", hub, "link", "set", "lo", "up"},
			{"ip", "-n", hub, "link", "add", "br0", "type", "bridge"},
			{"ip", "-n", hub, "link", "set", "br0", "up"},
		}
		for _, c := range cmds {
			if err := run(c...); err != nil {
				return err
			}
		}
	}
	for i, nd := range l.Nodes {
		if nsExists(nd.NS) {
			continue
		}
		peer := fmt.Sprintf("v%d", i+1)
		cmds := [][]string{
			{"ip", "netns", "add", nd.NS},
			{"ip", "-n", nd.NS, "link", "set", "lo", "up"},
			{"ip", "-n", nd.NS, "link", "add", "eth0", "type", "veth", "peer", "name", peer, "netns", hub},
			{"ip", "-n", nd.NS, "addr", "add", nd.Addr + "/24", "dev", "eth0"},
			{"ip", "-n", nd.NS, "link", "set", "eth0", "up"},
			{"ip", "-n", hub, "link", "set", peer, "master", "br0"},
			{"ip", "-n", hub, "link", "set", peer, "up"},
		}
		for _, c := range cmds {
			if err := run(c...); err != nil {
				return err
			}
		}
	}
	return nil
}

func teardownNetNS(l *Layout) {
	for _, nd := range l.Nodes {
		if nsExists(nd.NS) {
			run("ip", "netns", "del", nd.NS)
		}
	}
	if nsExists(hubNS(l)) {
		run("ip", "netns", "del", hubNS(l))
	}
}

// Partition cuts the links between the groups (every node must be in one).
func Partition(dir string, groups [][]string) error {
	l, err := LoadLayout(dir)
	if err != nil {
		return err
	}
	if !l.NetNS {
		return errors.New("partitions need a sandbox started with --netns")
	}
	group := map[string]int{}
	for gi, g := range groups {
		for _, name := range g {
			if l.node(name) == nil {
				return fmt.Errorf("no node %q in the sandbox", name)
			}
			group[name] = gi
		}
	}
	if err := Heal(dir); err != nil {
		return err
	}
	for _, a := range l.Nodes {
		for _, b := range l.Nodes {
			ga, oka := group[a.Name]
			gb, okb := group[b.Name]
			if a.Name == b.Name || (oka && okb && ga == gb) {
				continue
			}
			if err := run("ip", "-n", a.NS, "route", "add", "blackhole", b.Addr+"/32"); err != nil {
				return err
			}
		}
	}
	return nil
}

// Heal removes every cut.
func Heal(dir string) error {
	l, err := LoadLayout(dir)
	if err != nil {
		return err
	}
	if !l.NetNS {
		return errors.New("heal needs a sandbox started with --netns")
	}
	for _, a := range l.Nodes {
		for _, b := range l.Nodes {
			if a.Name != b.Name {
				exec.Command("ip", "-n", a.NS, "route", "del", "blackhole", b.Addr+"/32").Run()
			}
		}
	}
	return nil
}

// FenceAgent is the name of the sandbox's fence agent (stonith:fence_pacer_sandbox),
// written to DIR/bin; pacerd finds it through PACER_FENCE_PATH.
const FenceAgent = "fence_pacer_sandbox"

// writeFenceAgent writes a fence agent speaking the usual protocol
// (key=value lines on stdin) whose off/reboot is PowerOff.
func writeFenceAgent(dir, pacerd string) error {
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		return err
	}
	l, err := LoadLayout(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, nd := range l.Nodes {
		names = append(names, nd.Name)
	}
	script := fmt.Sprintf(`#!/bin/sh
# %[1]s: fence agent of the pacerd sandbox in %[2]s.
# off/reboot "power off" a node: kill its pacerd and everything it started.
action=reboot
port=
if [ $# -gt 0 ]; then
	while [ $# -gt 0 ]; do
		case "$1" in
		-o) action=$2; shift ;;
		-n) port=$2; shift ;;
		--action=*) action=${1#*=} ;;
		--plug=*|--port=*) port=${1#*=} ;;
		esac
		shift
	done
else
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		action=*|option=*) action=${line#*=} ;;
		port=*|plug=*) port=${line#*=} ;;
		nodename=*) [ -n "$port" ] || port=${line#*=} ;;
		esac
	done
fi
case "$action" in
off|reboot)
	[ -n "$port" ] || { echo "no plug given" >&2; exit 1; }
	exec %[3]q sandbox fence --dir %[2]q "$port" ;;
on) echo "sandbox nodes are powered on with: pacerd sandbox start --dir %[2]s" >&2; exit 1 ;;
monitor|validate-all) exit 0 ;;
status)
	[ -s %[2]q/"$port"/pacerd.pid ] && exit 0
	exit 2 ;;
list|list-status) for n in %[4]s; do echo "$n,"; done; exit 0 ;;
metadata|meta-data)
	cat <<'XML'
<?xml version="1.0" ?>
<resource-agent name="%[1]s" shortdesc="Fence agent of a local pacerd sandbox">
<longdesc>Powers off a sandbox node by killing its pacerd and every process it started.</longdesc>
<parameters>
<parameter name="port" unique="0" required="0"><getopt mixed="-n, --plug=[id]"/><content type="string"/><shortdesc lang="en">Node to fence</shortdesc></parameter>
<parameter name="plug" unique="0" required="0"><getopt mixed="-n, --plug=[id]"/><content type="string"/><shortdesc lang="en">Node to fence</shortdesc></parameter>
<parameter name="action" unique="0" required="0"><getopt mixed="-o, --action=[action]"/><content type="string" default="reboot"/><shortdesc lang="en">Fencing action</shortdesc></parameter>
</parameters>
<actions><action name="on"/><action name="off"/><action name="reboot"/><action name="status"/><action name="list"/><action name="list-status"/><action name="monitor"/><action name="metadata"/><action name="validate-all"/></actions>
</resource-agent>
XML
	exit 0 ;;
*) echo "unsupported action $action" >&2; exit 1 ;;
esac
`, FenceAgent, dir, pacerd, strings.Join(names, " "))
	// Nodes may be running the agent right now: replace it whole, and only
	// when it changes.
	path := filepath.Join(dir, "bin", FenceAgent)
	if old, err := os.ReadFile(path); err == nil && string(old) == script {
		return nil
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(script), 0o755); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
