package shell

import (
	"context"
	"encoding/json"
	"fmt"
	"pacer/share/options"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/cib"
	"pacer/share/clusterview"
	"pacer/share/iso8601"
	"pacer/share/xmltree"
	"pacer/shell/backend"
	"pacer/shell/cmdtree"
)

// resourceIDs lists every resource id of the configuration (all depths).
func resourceIDs(cfg *xmltree.Element) []string {
	var out []string
	if rs := cfg.Child("resources"); rs != nil {
		rs.Walk(func(e *xmltree.Element) bool {
			if isResource(e) && e.Name != "template" {
				out = append(out, e.ID())
			}
			return true
		})
	}
	return out
}

// mustResource finds a resource or says which ones exist.
func mustResource(cfg *xmltree.Element, id string) (*xmltree.Element, error) {
	if r := findResource(cfg, id); r != nil && r.Name != "template" {
		return r, nil
	}
	return nil, notFound("resource", id, resourceIDs(cfg))
}

// nodeNames lists the configured nodes' names, then nodes only known from
// the status section.
func nodeNames(doc *xmltree.Document) []string {
	var out []string
	seen := map[string]bool{}
	if cfg := doc.Root.Child("configuration"); cfg != nil {
		if nodes := cfg.Child("nodes"); nodes != nil {
			for _, n := range nodes.ChildrenNamed("node") {
				name := n.Attr("uname")
				if name == "" {
					name = n.ID()
				}
				if !seen[name] {
					seen[name] = true
					out = append(out, name)
				}
			}
		}
	}
	if st := doc.Root.Child("status"); st != nil {
		for _, ns := range st.ChildrenNamed("node_state") {
			if name := ns.Attr("uname"); name != "" && !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

func mustNode(doc *xmltree.Document, name string) error {
	for _, n := range nodeNames(doc) {
		if n == name {
			return nil
		}
	}
	return notFound("node", name, nodeNames(doc))
}

// setMeta sets (or with value nil removes) a meta-attribute of a resource
// the way crm_resource --meta does: in its first meta_attributes set,
// created as RSC-meta_attributes.
func setRscAttr(r *xmltree.Element, kind, name string, value *string) {
	var set *xmltree.Element
	for _, x := range r.ChildrenNamed(kind) {
		set = x
		break
	}
	if set == nil {
		if value == nil {
			return
		}
		set = xmltree.New(kind, "id", uniqueID(rootOf(r), r.ID()+"-"+kind))
		r.Append(set)
	}
	if value != nil {
		// crm_resource's nvpair id: SETID-NAME.
		for _, nv := range set.ChildrenNamed("nvpair") {
			if nv.Attr("name") == name {
				nv.SetAttr("value", *value)
				return
			}
		}
		set.Append(xmltree.New("nvpair", "id", uniqueID(rootOf(r), set.ID()+"-"+name), "name", name, "value", *value))
		return
	}
	for _, x := range r.ChildrenNamed(kind) {
		backend.SetNVPair(x, name, nil)
	}
}

func rootOf(e *xmltree.Element) *xmltree.Element {
	for e.Parent != nil {
		e = e.Parent
	}
	return e
}

// uniqueID returns id, or id-1, id-2... if it is taken.
func uniqueID(root *xmltree.Element, id string) string {
	cand := id
	for i := 1; root.FindID(cand) != nil; i++ {
		cand = id + "-" + strconv.Itoa(i)
	}
	return cand
}

func strp(s string) *string { return &s }

// cmdTargetRole sets target-role on resources (start, stop, promote, demote).
func (s *session) cmdTargetRole(role string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		args, err := s.outputFlags(inv.Args)
		if err != nil {
			return err
		}
		if len(args) == 0 {
			return usagef("which resource?")
		}
		return s.change(ctx, func(doc *xmltree.Document) error {
			cfg := configuration(doc)
			for _, id := range args {
				r, err := mustResource(cfg, id)
				if err != nil {
					return err
				}
				if (role == "Promoted" || role == "Unpromoted") && !isPromotable(r) {
					return fmt.Errorf("%s is not a promotable clone", id)
				}
				setRscAttr(r, "meta_attributes", "target-role", strp(role))
			}
			return nil
		})
	}
}

func isPromotable(r *xmltree.Element) bool {
	if r.Name == "master" {
		return true
	}
	if r.Name != "clone" {
		return false
	}
	for _, set := range r.ChildrenNamed("meta_attributes") {
		for _, nv := range set.ChildrenNamed("nvpair") {
			if nv.Attr("name") == "promotable" && options.IsTrue(nv.Attr("value")) {
				return true
			}
		}
	}
	return false
}

func (s *session) cmdMeta2(name, value string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		if len(inv.Args) == 0 {
			return usagef("which resource?")
		}
		return s.change(ctx, func(doc *xmltree.Document) error {
			cfg := configuration(doc)
			for _, id := range inv.Args {
				r, err := mustResource(cfg, id)
				if err != nil {
					return err
				}
				setRscAttr(r, "meta_attributes", name, strp(value))
			}
			return nil
		})
	}
}

func (s *session) cmdResourceMaintenance(ctx context.Context, inv *cmdtree.Invocation) error {
	args := inv.Args
	if len(args) == 0 || len(args) > 2 {
		return usagef("maintenance RSC [on|off]")
	}
	v := "true"
	if len(args) == 2 {
		switch args[1] {
		case "on", "true":
		case "off", "false":
			v = "false"
		default:
			return usagef("on or off, not %q", args[1])
		}
	}
	return s.change(ctx, func(doc *xmltree.Document) error {
		r, err := mustResource(configuration(doc), args[0])
		if err != nil {
			return err
		}
		setRscAttr(r, "meta_attributes", "maintenance", strp(v))
		return nil
	})
}

func (s *session) cmdRestart(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) == 0 {
		return usagef("which resource?")
	}
	wait := s.wait
	s.wait = true
	defer func() { s.wait = wait }()
	if err := s.cmdTargetRole("Stopped")(ctx, inv); err != nil {
		return err
	}
	return s.cmdTargetRole("Started")(ctx, inv)
}

// parseMoveArgs reads RSC [NODE] [lifetime=D|D] [--force].
func parseMoveArgs(args []string) (rsc, node, lifetime string, force bool, err error) {
	var pos []string
	for _, a := range args {
		switch {
		case a == "--force" || a == "force" || a == "-f" || a == "-F":
			force = true
		case strings.HasPrefix(a, "lifetime="):
			lifetime = strings.TrimPrefix(a, "lifetime=")
		case strings.HasPrefix(a, "P"):
			lifetime = a
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) == 0 || len(pos) > 2 {
		return "", "", "", false, usagef("expected RSC [NODE]")
	}
	rsc = pos[0]
	if len(pos) == 2 {
		node = pos[1]
	}
	return
}

// lifetimeEnd turns a lifetime into the constraint's end date.
func lifetimeEnd(lifetime string, now time.Time) (string, error) {
	if lifetime == "" {
		return "", nil
	}
	spec := lifetime
	if !strings.HasPrefix(strings.ToUpper(spec), "P") {
		d, err := time.ParseDuration(spec)
		if err != nil {
			return "", fmt.Errorf("lifetime %q: want an ISO 8601 duration (PT1H) or like 1h30m", lifetime)
		}
		return now.Add(d).UTC().Format("2006-01-02 15:04:05Z"), nil
	}
	d, err := iso8601.ParseDuration(spec)
	if err != nil {
		return "", fmt.Errorf("lifetime %q: %w", lifetime, err)
	}
	return d.AddTo(now).UTC().Format("2006-01-02 15:04:05Z"), nil
}

// locationConstraint writes crm_resource's cli-prefer-/cli-ban- constraint.
func locationConstraint(cfg *xmltree.Element, id, rsc, node, score, end string) {
	cons := cfg.Child("constraints")
	for _, c := range cons.ChildrenNamed("rsc_location") {
		if c.ID() == id {
			cons.Remove(c)
		}
	}
	loc := xmltree.New("rsc_location", "id", id, "rsc", rsc, "role", "Started")
	if end == "" {
		loc.SetAttr("node", node)
		loc.SetAttr("score", score)
	} else {
		kind := "prefer"
		if strings.HasPrefix(id, "cli-ban") {
			kind = "ban"
		}
		rule := loc.Append(xmltree.New("rule", "id", "cli-"+kind+"-rule-"+rsc, "score", score, "boolean-op", "and"))
		rule.Append(xmltree.New("expression", "id", "cli-"+kind+"-expr-"+rsc, "attribute", "#uname", "operation", "eq", "value", node, "type", "string"))
		rule.Append(xmltree.New("date_expression", "id", "cli-"+kind+"-lifetime-end-"+rsc, "operation", "lt", "end", end))
	}
	cons.Append(loc)
}

func (s *session) cmdMove(ctx context.Context, inv *cmdtree.Invocation) error {
	rsc, node, lifetime, force, err := parseMoveArgs(inv.Args)
	force = force || s.force
	if err != nil {
		return err
	}
	end, err := lifetimeEnd(lifetime, time.Now())
	if err != nil {
		return err
	}
	return s.change(ctx, func(doc *xmltree.Document) error {
		cfg := configuration(doc)
		r, err := mustResource(cfg, rsc)
		if err != nil {
			return err
		}
		if node == "" {
			// Away from where it runs: a ban on the current node.
			active, err := s.locate(ctx, doc, rsc)
			if err != nil {
				return err
			}
			switch {
			case len(active) == 0:
				return fmt.Errorf("resource %s is not running; give a node to move it to", rsc)
			case len(active) > 1 && !force:
				return fmt.Errorf("resource %s is active on %s; give a node (or --force to ban it from %s)", rsc, strings.Join(active, ", "), active[0])
			}
			s.warnf("Creating rsc_location constraint 'cli-ban-%s-on-%s' with a score of -INFINITY for resource %s on %s.\n"+
				"\tThis will prevent %s from running on %s until the constraint is removed using the clear option",
				rsc, active[0], rsc, active[0], rsc, active[0])
			locationConstraint(cfg, "cli-ban-"+rsc+"-on-"+active[0], rsc, active[0], "-INFINITY", end)
			return nil
		}
		if err := mustNode(doc, node); err != nil {
			return err
		}
		if isClone(r) && !force {
			return fmt.Errorf("%s is a clone; moving it moves every instance (use --force)", rsc)
		}
		if end != "" {
			fmt.Fprintf(s.stderr, "Migration will take effect until: %s\n", end)
		}
		locationConstraint(cfg, "cli-prefer-"+rsc, rsc, node, "INFINITY", end)
		return nil
	})
}

func isClone(r *xmltree.Element) bool { return r.Name == "clone" || r.Name == "master" }

func (s *session) cmdBan(ctx context.Context, inv *cmdtree.Invocation) error {
	rsc, node, lifetime, _, err := parseMoveArgs(inv.Args)
	if err != nil {
		return err
	}
	end, err := lifetimeEnd(lifetime, time.Now())
	if err != nil {
		return err
	}
	return s.change(ctx, func(doc *xmltree.Document) error {
		cfg := configuration(doc)
		if _, err := mustResource(cfg, rsc); err != nil {
			return err
		}
		if node == "" {
			active, err := s.locate(ctx, doc, rsc)
			if err != nil {
				return err
			}
			if len(active) != 1 {
				return fmt.Errorf("resource %s is active on %d nodes; say which node to ban it from", rsc, len(active))
			}
			node = active[0]
		} else if err := mustNode(doc, node); err != nil {
			return err
		}
		s.warnf("Creating rsc_location constraint 'cli-ban-%s-on-%s' with a score of -INFINITY for resource %s on %s.\n"+
			"\tThis will prevent %s from running on %s until the constraint is removed using the clear option",
			rsc, node, rsc, node, rsc, node)
		locationConstraint(cfg, "cli-ban-"+rsc+"-on-"+node, rsc, node, "-INFINITY", end)
		return nil
	})
}

func (s *session) cmdClear(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) == 0 || len(inv.Args) > 2 {
		return usagef("clear RSC [NODE]")
	}
	rsc, node := inv.Args[0], ""
	if len(inv.Args) == 2 {
		node = inv.Args[1]
	}
	return s.change(ctx, func(doc *xmltree.Document) error {
		cfg := configuration(doc)
		if _, err := mustResource(cfg, rsc); err != nil {
			return err
		}
		cons := cfg.Child("constraints")
		for _, c := range cons.ChildrenNamed("rsc_location") {
			id := c.ID()
			prefer := id == "cli-prefer-"+rsc && (node == "" || c.Attr("node") == node || ruleNode(c) == node)
			ban := strings.HasPrefix(id, "cli-ban-"+rsc+"-on-") && (node == "" || id == "cli-ban-"+rsc+"-on-"+node)
			if prefer || ban {
				cons.Remove(c)
			}
		}
		return nil
	})
}

func ruleNode(loc *xmltree.Element) string {
	if r := loc.Child("rule"); r != nil {
		for _, e := range r.ChildrenNamed("expression") {
			if e.Attr("attribute") == "#uname" {
				return e.Attr("value")
			}
		}
	}
	return ""
}

func (s *session) cmdCleanup(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) > 2 {
		return usagef("cleanup [RSC] [NODE]")
	}
	be, err := s.backend()
	if err != nil {
		return err
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return err
	}
	rsc, node := "", ""
	if len(inv.Args) > 0 {
		rsc = inv.Args[0]
		if _, err := mustResource(configuration(doc), rsc); err != nil {
			// A node name alone is allowed too: cleanup NODE.
			if mustNode(doc, rsc) != nil {
				return err
			}
			rsc, node = "", rsc
		}
	}
	if len(inv.Args) == 2 {
		node = inv.Args[1]
		if err := mustNode(doc, node); err != nil {
			return err
		}
	}
	targets := []string{rsc}
	if rsc != "" {
		targets = primitivesOf(findResource(configuration(doc), rsc))
	}
	for _, r := range targets {
		if err := be.Cleanup(ctx, r, node); err != nil {
			return err
		}
	}
	what := "all resources"
	if rsc != "" {
		what = rsc
	}
	where := "all nodes"
	if node != "" {
		where = node
	}
	fmt.Fprintf(s.stdout, "Cleaned up %s on %s\n", what, where)
	return s.waitIdle(ctx)
}

// primitivesOf lists the primitives inside a resource (itself if primitive).
func primitivesOf(r *xmltree.Element) []string {
	var out []string
	r.Walk(func(e *xmltree.Element) bool {
		if e.Name == "primitive" {
			out = append(out, e.ID())
		}
		return true
	})
	return out
}

// cmdFailcount: failcount RSC set|delete|show NODE [VALUE].
func (s *session) cmdFailcount(ctx context.Context, inv *cmdtree.Invocation) error {
	args := inv.Args
	if len(args) < 3 {
		return usagef("failcount RSC set|delete|show NODE [VALUE]")
	}
	rsc, verb, node := args[0], args[1], args[2]
	be, err := s.backend()
	if err != nil {
		return err
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return err
	}
	if _, err := mustResource(configuration(doc), rsc); err != nil {
		return err
	}
	if err := mustNode(doc, node); err != nil {
		return err
	}
	switch verb {
	case "show":
		n := failCount(doc, rsc, node)
		v := strconv.Itoa(n)
		if n >= 1000000 {
			v = "INFINITY"
		}
		if s.output == "json" {
			return s.printJSON(map[string]any{"resource": rsc, "node": node, "failcount": n})
		}
		fmt.Fprintf(s.stdout, "scope=status  name=fail-count-%s value=%s\n", rsc, v)
		return nil
	case "delete":
		return be.Cleanup(ctx, rsc, node)
	case "set":
		if len(args) != 4 {
			return usagef("failcount RSC set NODE VALUE")
		}
		if args[3] == "0" {
			return be.Cleanup(ctx, rsc, node)
		}
		return be.SetNodeAttr(ctx, node, "fail-count-"+rsc+"#start_0", strp(args[3]), backend.Transient)
	}
	return usagef("set, delete or show, not %q", verb)
}

// failCount sums the fail-count-RSC#... attributes of node.
func failCount(doc *xmltree.Document, rsc, node string) int {
	total := 0
	st := doc.Root.Child("status")
	if st == nil {
		return 0
	}
	for _, ns := range st.ChildrenNamed("node_state") {
		if ns.Attr("uname") != node && ns.ID() != node {
			continue
		}
		ta := ns.Child("transient_attributes")
		if ta == nil {
			continue
		}
		ta.Walk(func(e *xmltree.Element) bool {
			if e.Name != "nvpair" {
				return true
			}
			n, ok := strings.CutPrefix(e.Attr("name"), "fail-count-")
			if r, _, _ := strings.Cut(n, "#"); ok && backendMatch(r, rsc) {
				v := e.Attr("value")
				if strings.Contains(strings.ToUpper(v), "INFINITY") {
					total += 1000000
				} else if x, err := strconv.Atoi(v); err == nil {
					total += x
				}
			}
			return true
		})
	}
	return min(total, 1000000)
}

// cmdRscAttr: param|meta|utilization RSC set|delete|show NAME [VALUE].
func (s *session) cmdRscAttr(kind string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		args, err := s.outputFlags(inv.Args)
		if err != nil {
			return err
		}
		if len(args) < 2 {
			return usagef("RSC set|delete|show NAME [VALUE]")
		}
		rsc, verb := args[0], args[1]
		if verb == "show" {
			doc, err := s.current(ctx)
			if err != nil {
				return err
			}
			r, err := mustResource(configuration(doc), rsc)
			if err != nil {
				return err
			}
			vals := attrValues(r, kind)
			if len(args) == 2 {
				return s.printValues(vals)
			}
			v, ok := vals[args[2]]
			if !ok {
				return notFound(strings.TrimSuffix(kind, "_attributes")+" attribute", args[2], keys(vals))
			}
			if s.output == "json" {
				return s.printJSON(map[string]string{args[2]: v})
			}
			fmt.Fprintln(s.stdout, v)
			return nil
		}
		if len(args) < 3 {
			return usagef("RSC set|delete|show NAME [VALUE]")
		}
		var value *string
		switch verb {
		case "set":
			if len(args) != 4 {
				return usagef("RSC set NAME VALUE")
			}
			value = strp(args[3])
		case "delete":
		default:
			return usagef("set, delete or show, not %q", verb)
		}
		return s.change(ctx, func(doc *xmltree.Document) error {
			r, err := mustResource(configuration(doc), rsc)
			if err != nil {
				return err
			}
			if value == nil {
				if _, ok := attrValues(r, kind)[args[2]]; !ok {
					return notFound("attribute", args[2], keys(attrValues(r, kind)))
				}
			}
			setRscAttr(r, kind, args[2], value)
			return nil
		})
	}
}

// attrValues collects name=value of a resource's attribute sets of kind.
func attrValues(r *xmltree.Element, kind string) map[string]string {
	out := map[string]string{}
	for _, set := range r.ChildrenNamed(kind) {
		for _, nv := range set.ChildrenNamed("nvpair") {
			if _, ok := out[nv.Attr("name")]; !ok {
				out[nv.Attr("name")] = nv.Attr("value")
			}
		}
	}
	return out
}

// cmdLocate prints crm_resource --locate's lines.
func (s *session) cmdLocate(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("locate RSC")
	}
	rsc := args[0]
	doc, err := s.readCIB(ctx)
	if err != nil {
		return err
	}
	if _, err := mustResource(configuration(doc), rsc); err != nil {
		return err
	}
	nodes, err := s.locate(ctx, doc, rsc)
	if err != nil {
		return err
	}
	if s.output == "json" {
		if nodes == nil {
			nodes = []string{}
		}
		return s.printJSON(map[string]any{"resource": rsc, "nodes": nodes})
	}
	if len(nodes) == 0 {
		fmt.Fprintf(s.stdout, "resource %s is NOT running\n", rsc)
		return nil
	}
	for _, n := range nodes {
		fmt.Fprintf(s.stdout, "resource %s is running on: %s\n", rsc, n)
	}
	return nil
}

// readCIB reads the backend's CIB (not the staged edits).
func (s *session) readCIB(ctx context.Context) (*xmltree.Document, error) {
	be, err := s.backend()
	if err != nil {
		return nil, err
	}
	return be.CIB(ctx)
}

// readCIBVersion is readCIB with the version read, the base a write of
// it carries.
func (s *session) readCIBVersion(ctx context.Context) (*xmltree.Document, cib.Version, error) {
	doc, err := s.readCIB(ctx)
	if err != nil {
		return nil, cib.Version{}, err
	}
	v, err := cib.ReadVersion(doc.Root)
	if err != nil {
		return nil, cib.Version{}, err
	}
	return doc, v, nil
}

// locate says where a resource (or any instance of it) is active: from the
// daemon's status when there is one, else from the CIB's operation history.
func (s *session) locate(ctx context.Context, doc *xmltree.Document, rsc string) ([]string, error) {
	if d, ok := s.be.(*backend.Daemon); ok {
		snap, err := d.Status(ctx)
		if err != nil {
			return nil, err
		}
		var out []string
		seen := map[string]bool{}
		add := func(r *clusterview.Resource) {
			r.Walk(func(x *clusterview.Resource, _ int) bool {
				for _, n := range x.Nodes {
					if !seen[n] {
						seen[n] = true
						out = append(out, n)
					}
				}
				return true
			})
		}
		if r := snap.Resource(rsc); r != nil {
			add(r)
			return out, nil
		}
		for i := range snap.Resources {
			snap.Resources[i].Walk(func(x *clusterview.Resource, _ int) bool {
				if backendMatch(x.ID, rsc) {
					add(x)
				}
				return true
			})
		}
		return out, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range primitivesOf(findResource(configuration(doc), rsc)) {
		for _, n := range activeNodes(doc, p) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

func (s *session) cmdConstraints(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) != 1 {
		return usagef("constraints RSC")
	}
	rsc := inv.Args[0]
	doc, err := s.current(ctx)
	if err != nil {
		return err
	}
	cfg := configuration(doc)
	if _, err := mustResource(cfg, rsc); err != nil {
		return err
	}
	var list []*xmltree.Element
	for _, c := range cfg.Child("constraints").Children {
		if refersTo(c, rsc) {
			list = append(list, c)
		}
	}
	if s.output == "json" {
		ids := []map[string]string{}
		for _, c := range list {
			ids = append(ids, map[string]string{"id": c.ID(), "type": crmKind(c)})
		}
		return s.printJSON(ids)
	}
	text, err := crmShow(cfg, list, true)
	if err != nil {
		for _, c := range list {
			fmt.Fprint(s.stdout, c.Indented())
		}
		return nil
	}
	fmt.Fprint(s.stdout, text)
	return nil
}

func refersTo(c *xmltree.Element, rsc string) bool {
	found := false
	c.Walk(func(e *xmltree.Element) bool {
		for _, a := range []string{"rsc", "with-rsc", "first", "then"} {
			if e.Attr(a) == rsc {
				found = true
			}
		}
		if e.Name == "resource_ref" && e.ID() == rsc {
			found = true
		}
		return !found
	})
	return found
}

// activeNodes reads where a primitive (or its clone instances "id:N") is
// active from the operation history in the status section: on each node
// the last operation decides (Pacemaker's rule, simplified: a successful
// start/promote/demote/migrate or a monitor that found it running means
// active; a stop or a "not running" result means not).
func activeNodes(doc *xmltree.Document, rsc string) []string {
	st := doc.Root.Child("status")
	if st == nil {
		return nil
	}
	var out []string
	for _, ns := range st.ChildrenNamed("node_state") {
		name := ns.Attr("uname")
		lrm := ns.Child("lrm")
		if lrm == nil {
			continue
		}
		lr := lrm.Child("lrm_resources")
		if lr == nil {
			continue
		}
		for _, r := range lr.ChildrenNamed("lrm_resource") {
			if !backendMatch(r.ID(), rsc) {
				continue
			}
			if historyActive(r) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

func backendMatch(id, rsc string) bool {
	if id == rsc {
		return true
	}
	i := strings.LastIndexByte(id, ':')
	return i > 0 && id[:i] == rsc
}

func historyActive(r *xmltree.Element) bool {
	type op struct {
		name     string
		call     int
		rc       int
		interval string
	}
	var ops []op
	for _, o := range r.ChildrenNamed("lrm_rsc_op") {
		call, _ := strconv.Atoi(o.Attr("call-id"))
		rc, _ := strconv.Atoi(o.Attr("rc-code"))
		ops = append(ops, op{o.Attr("operation"), call, rc, o.Attr("interval")})
	}
	if len(ops) == 0 {
		return false
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].call < ops[j].call })
	last := ops[len(ops)-1]
	switch last.name {
	case "stop", "migrate_to":
		return last.rc != 0 // a failed stop leaves it (maybe) active
	case "start", "promote", "demote", "migrate_from", "notify":
		return true // a failed start counts as active: it must be stopped
	case "monitor":
		return last.rc == 0 || last.rc == 8 || (last.rc != 7 && last.interval != "0")
	}
	return false
}

func (s *session) printJSON(v any) error {
	enc := json.NewEncoder(s.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// outputFlags strips "-o json" and "--output=json" from args.
func (s *session) outputFlags(args []string) ([]string, error) { return s.commandFlags(args) }

// commandFlags strips the shell's own flags given after a command: -o
// FORMAT, -w/--wait, -y/--yes.
func (s *session) commandFlags(args []string) ([]string, error) {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o" || a == "--output":
			if i+1 >= len(args) {
				return nil, usagef("%s needs a format", a)
			}
			i++
			if err := s.setOutput(args[i]); err != nil {
				return nil, err
			}
		case a == "-w" || a == "--wait":
			s.wait = true
		case a == "-y" || a == "--yes":
			s.yes = true
		case strings.HasPrefix(a, "--output="):
			if err := s.setOutput(strings.TrimPrefix(a, "--output=")); err != nil {
				return nil, err
			}
		default:
			out = append(out, a)
		}
	}
	return out, nil
}

// isRunning says whether any primitive of a resource is active according
// to the CIB's operation history.
func isRunning(doc *xmltree.Document, id string) bool {
	r := findResource(configuration(doc), id)
	if r == nil {
		return false
	}
	for _, p := range primitivesOf(r) {
		if len(activeNodes(doc, p)) > 0 {
			return true
		}
	}
	return false
}

// printValues prints a set of attributes: JSON with -o json, else sorted
// name=value lines (crm_resource's and crm_attribute's listing).
func (s *session) printValues(vals map[string]string) error {
	if s.output == "json" {
		return s.printJSON(vals)
	}
	names := keys(vals)
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(s.stdout, "%s=%s\n", n, vals[n])
	}
	return nil
}
