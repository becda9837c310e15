// Package importer converts the configuration of an old cluster stack into a
// Pacer CIB: Heartbeat's ha.cf, haresources and authkeys (heartbeat.go) and
// CMAN/rgmanager's cluster.conf (cman.go). Each importer is a pure function
// from the files' bytes to a Result: the whole CIB, the pacer.conf settings
// the input implies, and a Note for everything that was approximated or not
// converted, so nothing is dropped without the admin being told.
package importer

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"pacer/lrm"
	"pacer/share/xmltree"
)

// Severity says how a Note should be read.
type Severity int

const (
	// Info: converted, but the admin should know how (a choice was made).
	Info Severity = iota
	// Approximated: converted to the nearest Pacemaker behaviour, which differs.
	Approximated
	// NotConverted: left out of the result.
	NotConverted
)

func (s Severity) String() string {
	switch s {
	case Approximated:
		return "approximated"
	case NotConverted:
		return "not converted"
	}
	return "note"
}

// Note is one thing the admin must read: where in the input, what happened.
type Note struct {
	Where    string // "haresources:3", "cluster.conf:12 <service name=web>"
	Severity Severity
	Msg      string
}

func (n Note) String() string {
	if n.Where == "" {
		return fmt.Sprintf("%s: %s", n.Severity, n.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", n.Where, n.Severity, n.Msg)
}

// Result is what an import produced.
type Result struct {
	// CIB is the whole CIB: configuration with empty status.
	CIB *xmltree.Document
	// Conf is pacer.conf text (TOML) for the settings of the old cluster
	// stack's membership layer that have a meaning in Pacer.
	Conf  string
	Notes []Note
}

// Options are what an importer asks of the machine it runs on.
type Options struct {
	// Agent describes an agent ("ocf:heartbeat:IPaddr2",
	// "stonith:fence_ipmilan"); ok is false when it is not installed here,
	// and its parameters are then not checked.
	Agent func(agent string) (info AgentInfo, ok bool)
}

// InstalledAgent answers from the meta-data of the agents installed on
// this machine (what `pacer import` passes as Options.Agent).
func InstalledAgent(agent string) (AgentInfo, bool) {
	m, err := lrm.Metadata(agent)
	if err != nil || m == nil || m.Synthesized {
		return AgentInfo{}, false
	}
	info := AgentInfo{Params: map[string]bool{}, Timeouts: map[string]string{}}
	for _, p := range m.Parameters {
		info.Params[p.Name] = true
	}
	for _, a := range m.Actions {
		// The first of several monitor variants.
		if _, seen := info.Timeouts[a.Name]; !seen && a.Timeout != "" {
			info.Timeouts[a.Name] = a.Timeout
		}
	}
	return info, true
}

// AgentInfo is what the importers use of an agent's meta-data.
type AgentInfo struct {
	Params map[string]bool
	// Timeouts the agent advises per action ("start": "90s"); empty when
	// it advises none.
	Timeouts map[string]string
}

// builder assembles a CIB and the notes about it.
type builder struct {
	opts  Options
	doc   *xmltree.Document
	cfg   *xmltree.Element
	rscs  *xmltree.Element
	cons  *xmltree.Element
	ids   map[string]bool
	notes []Note
	// checked remembers agents already reported as not installed.
	checked map[string]bool
	conf    conf
}

// conf is the pacer.conf the import implies.
type conf struct {
	clusterName string
	twoNode     *bool
	nodes       []confNode
	probe       string // membership.probe_interval
	suspicion   int    // membership.suspicion_mult
	comments    []string
}

type confNode struct {
	name string
	id   int
	addr string
}

func newBuilder(opts Options) *builder {
	cib := xmltree.New("cib", "crm_feature_set", "3.17.4", "validate-with", "pacemaker-3.9",
		"epoch", "1", "num_updates", "0", "admin_epoch", "0")
	cfg := cib.Append(xmltree.New("configuration"))
	cfg.Append(xmltree.New("crm_config"))
	cfg.Append(xmltree.New("nodes"))
	b := &builder{opts: opts, doc: &xmltree.Document{Root: cib}, cfg: cfg,
		ids: map[string]bool{}, checked: map[string]bool{}}
	b.rscs = cfg.Append(xmltree.New("resources"))
	b.cons = cfg.Append(xmltree.New("constraints"))
	cib.Append(xmltree.New("status"))
	return b
}

func (b *builder) note(where string, sev Severity, format string, a ...any) {
	b.notes = append(b.notes, Note{Where: where, Severity: sev, Msg: fmt.Sprintf(format, a...)})
}

// id turns a name from the input into an unused XML ID: letters, digits,
// '_', '-' and '.', not starting with a digit, '-' or '.'.
func (b *builder) id(base string) string {
	var sb strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			sb.WriteRune(r)
		default:
			sb.WriteByte('_')
		}
	}
	s := strings.Trim(sb.String(), "_")
	if s == "" {
		s = "rsc"
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '-' || c == '.' {
		s = "r" + s
	}
	id := s
	for i := 2; b.ids[id]; i++ {
		id = s + "-" + strconv.Itoa(i)
	}
	b.ids[id] = true
	return id
}

// sub returns a child id derived from a parent's that is not in use.
func (b *builder) sub(parent, suffix string) string { return b.id(parent + "-" + suffix) }

type nv struct{ name, value string }

func (b *builder) nvset(owner *xmltree.Element, kind, ownerID string, pairs []nv) {
	if len(pairs) == 0 {
		return
	}
	suffix := map[string]string{"instance_attributes": "instance_attributes",
		"meta_attributes": "meta_attributes", "cluster_property_set": "options"}[kind]
	set := owner.Append(xmltree.New(kind, "id", b.sub(ownerID, suffix)))
	for _, p := range pairs {
		set.Append(xmltree.New("nvpair", "id", b.sub(set.ID(), p.name), "name", p.name, "value", p.value))
	}
}

// property sets a cluster option in the bootstrap set.
func (b *builder) property(name, value string) {
	crm := b.cfg.Child("crm_config")
	set := crm.Child("cluster_property_set")
	if set == nil {
		set = crm.Append(xmltree.New("cluster_property_set", "id", b.id("cib-bootstrap-options")))
	}
	for _, p := range set.Children {
		if p.Attr("name") == name {
			p.SetAttr("value", value)
			return
		}
	}
	set.Append(xmltree.New("nvpair", "id", b.sub(set.ID(), name), "name", name, "value", value))
}

// rscDefault sets a resource meta-attribute default.
func (b *builder) rscDefault(name, value string) {
	d := b.cfg.Child("rsc_defaults")
	if d == nil {
		d = xmltree.New("rsc_defaults")
		b.cfg.Insert(indexOf(b.cfg, b.cons)+1, d)
	}
	set := d.Child("meta_attributes")
	if set == nil {
		set = d.Append(xmltree.New("meta_attributes", "id", b.id("rsc-options")))
	}
	set.Append(xmltree.New("nvpair", "id", b.sub(set.ID(), name), "name", name, "value", value))
}

func indexOf(parent, child *xmltree.Element) int {
	for i, c := range parent.Children {
		if c == child {
			return i
		}
	}
	return len(parent.Children) - 1
}

func (b *builder) node(id, uname string) {
	b.cfg.Child("nodes").Append(xmltree.New("node", "id", id, "uname", uname))
}

// op is one operation of a primitive.
type op struct {
	name, interval, timeout string
	extra                   []nv // role, on-fail
}

// primitive is a resource to create.
type primitive struct {
	id     string
	agent  string // class:provider:type or class:type
	params []nv
	meta   []nv
	ops    []op
	where  string // for notes about its parameters
}

// agentParts splits "ocf:heartbeat:IPaddr2" into class, provider, type.
func agentParts(agent string) (class, provider, typ string) {
	parts := strings.SplitN(agent, ":", 3)
	switch len(parts) {
	case 3:
		return parts[0], parts[1], parts[2]
	case 2:
		return parts[0], "", parts[1]
	}
	return "", "", agent
}

// monitorOps are the operations every converted resource gets: neither
// Heartbeat v1 nor rgmanager's status checks map one to one, so a monitor
// that Pacemaker's recovery acts on is added.
func monitorOps(agent string) []op {
	class, _, _ := agentParts(agent)
	if class == "stonith" {
		return []op{{name: "monitor", interval: "60s", timeout: "20s"}}
	}
	return []op{{name: "monitor", interval: "30s", timeout: "60s"}}
}

// element builds the <primitive> and checks its parameters against the
// agent's meta-data where the agent is installed here.
func (b *builder) element(p *primitive) *xmltree.Element {
	class, provider, typ := agentParts(p.agent)
	e := xmltree.New("primitive", "id", p.id, "class", class)
	if provider != "" {
		e.SetAttr("provider", provider)
	}
	e.SetAttr("type", typ)
	info, installed := AgentInfo{}, false
	if b.opts.Agent != nil {
		info, installed = b.opts.Agent(p.agent)
	}
	b.checkParams(p, info, installed)
	if installed {
		p.ops = advisedOps(p.ops, info.Timeouts)
	}
	b.nvset(e, "instance_attributes", p.id, p.params)
	b.nvset(e, "meta_attributes", p.id, p.meta)
	if len(p.ops) > 0 {
		ops := e.Append(xmltree.New("operations"))
		for _, o := range p.ops {
			oid := b.sub(p.id, o.name+"-interval-"+o.interval)
			x := ops.Append(xmltree.New("op", "id", oid, "name", o.name, "interval", o.interval))
			if o.timeout != "" {
				x.SetAttr("timeout", o.timeout)
			}
			for _, kv := range o.extra {
				x.SetAttr(kv.name, kv.value)
			}
		}
	}
	return e
}

// advisedOps raises the operations' timeouts to what the agent advises
// and adds start and stop operations where it advises more than
// Pacemaker's default of 20s (a file system check, a database recovery).
func advisedOps(ops []op, advised map[string]string) []op {
	longer := func(a, b string) bool {
		x, err1 := seconds(a)
		y, err2 := seconds(b)
		return err1 == nil && err2 == nil && x > y
	}
	for i := range ops {
		if t := advised[ops[i].name]; t != "" && longer(t, ops[i].timeout) {
			ops[i].timeout = t
		}
	}
	for _, a := range []string{"start", "stop"} {
		if t := advised[a]; t != "" && longer(t, "20s") {
			ops = append(ops, op{name: a, interval: "0s", timeout: t})
		}
	}
	return ops
}

func (b *builder) checkParams(p *primitive, info AgentInfo, installed bool) {
	if b.opts.Agent == nil || len(p.params) == 0 {
		return
	}
	class, _, _ := agentParts(p.agent)
	if class == "lsb" || class == "systemd" || class == "service" {
		return
	}
	names, ok := info.Params, installed
	if !ok {
		if !b.checked[p.agent] {
			b.checked[p.agent] = true
			b.note(p.where, Info, "agent %s is not installed here: its parameters were not checked", p.agent)
		}
		return
	}
	for _, kv := range p.params {
		if strings.HasPrefix(kv.name, "pcmk_") {
			continue
		}
		if !names[kv.name] {
			b.note(p.where, Approximated, "%s: agent %s has no parameter %q (kept as given; check it with `pacer ra info %s`)",
				p.id, p.agent, kv.name, p.agent)
		}
	}
}

func (b *builder) add(e *xmltree.Element) *xmltree.Element { return b.rscs.Append(e) }

// group builds a group of the given primitives.
func (b *builder) group(id string, members []*xmltree.Element, meta []nv) *xmltree.Element {
	g := xmltree.New("group", "id", id)
	b.nvset(g, "meta_attributes", id, meta)
	for _, m := range members {
		g.Append(m)
	}
	return g
}

// promotable wraps a primitive in a promotable clone.
func (b *builder) promotable(id string, child *xmltree.Element, meta []nv) *xmltree.Element {
	c := xmltree.New("clone", "id", id)
	b.nvset(c, "meta_attributes", id, append([]nv{{"promotable", "true"}}, meta...))
	c.Append(child)
	return c
}

func (b *builder) location(rsc, node string, score string) {
	b.cons.Append(xmltree.New("rsc_location", "id", b.id("location-"+rsc+"-"+node), "rsc", rsc, "node", node, "score", score))
}

// locationOnlyOn keeps rsc off every node but those named.
func (b *builder) locationOnlyOn(rsc string, nodes []string) {
	id := b.id("location-" + rsc + "-restricted")
	l := b.cons.Append(xmltree.New("rsc_location", "id", id, "rsc", rsc))
	// Ids as crm's parser gives them, so that `-o crm` prints the rule.
	rule := l.Append(xmltree.New("rule", "id", b.sub(id, "rule"), "score", "-INFINITY"))
	for i, n := range nodes {
		eid := rule.ID() + "-expression"
		if i > 0 {
			eid += "-" + strconv.Itoa(i-1)
		}
		b.ids[eid] = true
		rule.Append(xmltree.New("expression", "id", eid, "operation", "ne", "attribute", "#uname", "value", n))
	}
}

func (b *builder) colocation(id, score, rsc, rscRole, with, withRole string) {
	c := xmltree.New("rsc_colocation", "id", b.id(id), "score", score, "rsc", rsc, "with-rsc", with)
	if rscRole != "" {
		c.SetAttr("rsc-role", rscRole)
	}
	if withRole != "" {
		c.SetAttr("with-rsc-role", withRole)
	}
	b.cons.Append(c)
}

func (b *builder) order(id, kind, first, firstAction, then, thenAction string) {
	o := xmltree.New("rsc_order", "id", b.id(id), "kind", kind, "first", first, "then", then)
	if firstAction != "" {
		o.SetAttr("first-action", firstAction)
	}
	if thenAction != "" {
		o.SetAttr("then-action", thenAction)
	}
	b.cons.Append(o)
}

func (b *builder) fencingLevel(target string, index int, devices []string) {
	ft := b.cfg.Child("fencing-topology")
	if ft == nil {
		ft = b.cfg.Append(xmltree.New("fencing-topology"))
	}
	ft.Append(xmltree.New("fencing-level", "id", b.id(fmt.Sprintf("fl-%s-%d", target, index)),
		"target", target, "index", strconv.Itoa(index), "devices", strings.Join(devices, ",")))
}

// finish settles fencing and returns the result. Without any fencing
// device, fencing is disabled explicitly and the admin is told: a cluster
// that believes it can fence but cannot would block recovery forever.
func (b *builder) finish(source string, haveFencing bool) *Result {
	if haveFencing {
		b.property("stonith-enabled", "true")
	} else {
		b.property("stonith-enabled", "false")
		b.note(source, Approximated, "no fencing device in the input: fencing is disabled (stonith-enabled=false); "+
			"a node that stops responding is then assumed down, and shared data may be corrupted. Configure a fence device and set stonith-enabled=true")
	}
	return &Result{CIB: b.doc, Conf: b.conf.render(), Notes: b.notes}
}

func (c *conf) render() string {
	var sb strings.Builder
	sb.WriteString("# pacer.conf written by `pacer import` (see pacerd(8)); set node_name on each node.\n")
	for _, l := range c.comments {
		sb.WriteString("# " + l + "\n")
	}
	if c.clusterName != "" {
		fmt.Fprintf(&sb, "cluster_name = %s\n", strconv.Quote(c.clusterName))
	}
	if c.twoNode != nil {
		fmt.Fprintf(&sb, "two_node = %t\n", *c.twoNode)
	}
	if c.probe != "" || c.suspicion > 0 {
		sb.WriteString("\n[membership]\n")
		if c.probe != "" {
			fmt.Fprintf(&sb, "probe_interval = %s\n", strconv.Quote(c.probe))
		}
		if c.suspicion > 0 {
			fmt.Fprintf(&sb, "suspicion_mult = %d\n", c.suspicion)
		}
	}
	for _, n := range c.nodes {
		sb.WriteString("\n[[node]]\n")
		fmt.Fprintf(&sb, "name = %s\n", strconv.Quote(n.name))
		if n.addr != "" {
			fmt.Fprintf(&sb, "addr = %s\n", strconv.Quote(n.addr))
		} else {
			sb.WriteString("# addr = \"\"   # the node's address: not in the input\n")
		}
		if n.id > 0 {
			fmt.Fprintf(&sb, "id = %d\n", n.id)
		}
	}
	return sb.String()
}

// sortedKeys returns a map's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// seconds reads a time as rgmanager and Heartbeat write them: a number of
// seconds, or with a unit suffix (ms, s, m, h, d).
func seconds(v string) (int, error) {
	v = strings.TrimSpace(v)
	mult := 1
	switch {
	case strings.HasSuffix(v, "ms"):
		n, err := strconv.Atoi(strings.TrimSuffix(v, "ms"))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad time %q", v)
		}
		return (n + 999) / 1000, nil
	case strings.HasSuffix(v, "s"):
		v = strings.TrimSuffix(v, "s")
	case strings.HasSuffix(v, "m"):
		v, mult = strings.TrimSuffix(v, "m"), 60
	case strings.HasSuffix(v, "h"):
		v, mult = strings.TrimSuffix(v, "h"), 3600
	case strings.HasSuffix(v, "d"):
		v, mult = strings.TrimSuffix(v, "d"), 86400
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 1<<31/mult {
		return 0, fmt.Errorf("bad time %q", v)
	}
	return n * mult, nil
}
