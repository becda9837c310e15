package cib

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"pacer/share/acl"
	"pacer/share/iso8601"
	"pacer/share/options"
	"pacer/share/rule"
	"pacer/share/score"
	"pacer/share/xmltree"
)

// Severity of a validation problem.
type Severity int

const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Problem is one finding of Validate: what is wrong and where.
type Problem struct {
	Severity Severity
	Path     string // element path, e.g. /cib/configuration/constraints/rsc_order[@id='o1']
	Line     int    // source line when the document was parsed from text
	Msg      string
}

func (p Problem) String() string {
	loc := p.Path
	if p.Line > 0 {
		loc = fmt.Sprintf("%s (line %d)", p.Path, p.Line)
	}
	return fmt.Sprintf("%s: %s: %s", p.Severity, loc, p.Msg)
}

// HasErrors reports whether any problem is an error.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

type validator struct {
	c     *CIB
	out   []Problem
	ids   map[string]*xmltree.Element // configuration ids
	rscs  map[string]*Resource
	nodes map[string]bool // by uname and id
	tmpls map[string]bool
	tags  map[string]bool
}

func (v *validator) add(sev Severity, e *xmltree.Element, format string, args ...any) {
	p := Problem{Severity: sev, Msg: fmt.Sprintf(format, args...)}
	if e != nil {
		p.Path, p.Line = e.Path(), e.Line
	}
	v.out = append(v.out, p)
}

// Validate checks a CIB the way crm_verify would care about: structure,
// unique ids, references, values. It never modifies the document.
// Cluster options are checked against Pacemaker's option table (3.x names
// and 2.x aliases): unknown and deprecated names are warnings, unusable
// values errors. knownOption, when non-nil, decides instead which names
// are known.
func Validate(c *CIB, knownOption func(string) bool) []Problem {
	v := &validator{c: c, ids: map[string]*xmltree.Element{}, rscs: map[string]*Resource{},
		nodes: map[string]bool{}, tmpls: map[string]bool{}, tags: map[string]bool{}}
	root := c.Doc.Root
	v.structure(root)
	cfg := root.Child("configuration")
	if cfg == nil {
		v.add(Error, root, "no <configuration> section")
		return v.out
	}
	v.collectIDs(cfg)
	nodeIDs := map[string]bool{}
	for _, n := range c.Config.Nodes {
		if nodeIDs[n.ID] {
			v.add(Error, n.X, "node id %q is used twice", n.ID)
		}
		nodeIDs[n.ID] = true
		v.nodes[n.Uname] = true
		v.nodes[n.ID] = true
		if n.ID == "" {
			v.add(Error, n.X, "node has no id")
		}
	}
	for _, r := range c.Config.AllResources() {
		if r.Kind == KindTemplate {
			v.tmpls[r.ID] = true
		} else {
			v.rscs[r.ID] = r
		}
	}
	for _, t := range c.Config.Tags {
		v.tags[t.ID] = true
	}
	v.resources(c.Config)
	v.constraints(c.Config)
	v.options(c.Config, knownOption)
	v.idrefs(cfg)
	v.acls(c.Config.ACLs)
	for _, t := range c.Config.Tags {
		for _, r := range t.Refs {
			if v.ids[r] == nil {
				v.add(Error, t.X, "tag %s refers to %s, which does not exist", t.ID, r)
			}
		}
	}
	for _, l := range c.Config.FencingTopology {
		if l.Index == "" || atoi(l.Index) < 1 || atoi(l.Index) > 9 {
			v.add(Error, l.X, "fencing-level %s: index %q must be 1 to 9", l.ID, l.Index)
		}
		if l.Target == "" && l.TargetPattern == "" && l.TargetAttribute == "" {
			v.add(Error, l.X, "fencing-level %s names no target (target, target-pattern or target-attribute)", l.ID)
		}
		for _, d := range strings.Split(l.Devices, ",") {
			if d = strings.TrimSpace(d); d != "" && v.rscs[d] == nil {
				v.add(Error, l.X, "fencing-level %s uses device %s, which does not exist", l.ID, d)
			}
		}
	}
	sort.SliceStable(v.out, func(i, j int) bool { return v.out[i].Severity > v.out[j].Severity })
	return v.out
}

// allowed lists, per parent element, the children that may appear there.
// Anything else is an error: Pacemaker's schema would refuse the CIB.
var allowed = map[string][]string{
	"cib":              {"configuration", "status"},
	"configuration":    {"crm_config", "nodes", "resources", "constraints", "rsc_defaults", "op_defaults", "fencing-topology", "tags", "alerts", "acls"},
	"crm_config":       {"cluster_property_set"},
	"nodes":            {"node"},
	"resources":        {"primitive", "group", "clone", "master", "bundle", "template"},
	"group":            {"primitive", "meta_attributes", "instance_attributes", "utilization"},
	"clone":            {"primitive", "group", "meta_attributes", "instance_attributes", "utilization"},
	"master":           {"primitive", "group", "meta_attributes", "instance_attributes", "utilization"},
	"constraints":      {"rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket"},
	"rsc_defaults":     {"meta_attributes"},
	"op_defaults":      {"meta_attributes"},
	"operations":       {"op"},
	"fencing-topology": {"fencing-level"},
	"tags":             {"tag"},
	"alerts":           {"alert"},
	"resource_set":     {"resource_ref"},
	"node_state":       {"transient_attributes", "lrm"},
	"lrm_resources":    {"lrm_resource"},
	"lrm_resource":     {"lrm_rsc_op"},
}

func (v *validator) structure(e *xmltree.Element) {
	if ok, known := allowed[e.Name]; known {
		for _, c := range e.Children {
			found := false
			for _, n := range ok {
				if c.Name == n {
					found = true
					break
				}
			}
			if !found {
				v.add(Error, c, "<%s> cannot appear inside <%s> (allowed: %s)", c.Name, e.Name, strings.Join(ok, ", "))
			}
		}
	}
	for _, c := range e.Children {
		v.structure(c)
	}
}

func (v *validator) collectIDs(cfg *xmltree.Element) {
	cfg.Walk(func(e *xmltree.Element) bool {
		// References carry the id they point to, and node ids live in a
		// namespace of their own (a remote node shares its resource's id).
		if e.Name == "resource_ref" || e.Name == "obj_ref" || e.Name == "nodes" {
			return false
		}
		// An ACL subject's <role id="..."/> names the acl_role it holds.
		if e.Name == "role" && e.Parent != nil && (e.Parent.Name == "acl_target" || e.Parent.Name == "acl_group") {
			return false
		}
		id, ok := e.AttrOK("id")
		if !ok {
			return true
		}
		if id == "" {
			v.add(Error, e, "<%s> has an empty id", e.Name)
			return true
		}
		if prev := v.ids[id]; prev != nil {
			v.add(Error, e, "id %q is used twice: also by <%s> at %s", id, prev.Name, prev.Path())
			return true
		}
		v.ids[id] = e
		return true
	})
}

func (v *validator) idrefs(cfg *xmltree.Element) {
	cfg.Walk(func(e *xmltree.Element) bool {
		if ref, ok := e.AttrOK("id-ref"); ok {
			target := v.ids[ref]
			if target == nil {
				v.add(Error, e, "<%s id-ref=%q> refers to an id that does not exist", e.Name, ref)
			} else if target.Name != e.Name {
				v.add(Error, e, "<%s id-ref=%q> refers to a <%s>, not a <%s>", e.Name, ref, target.Name, e.Name)
			}
		}
		return true
	})
}

func (v *validator) resources(cfg *Configuration) {
	for _, r := range cfg.AllResources() {
		if r.ID == "" {
			v.add(Error, r.X, "<%s> has no id", r.Kind)
			continue
		}
		switch r.Kind {
		case KindPrimitive, KindTemplate:
			if r.Template != "" {
				if !v.tmpls[r.Template] {
					v.add(Error, r.X, "primitive %s uses template %s, which does not exist", r.ID, r.Template)
				}
			} else if r.Class == "" || r.Type == "" {
				v.add(Error, r.X, "%s %s needs class and type (or a template)", r.Kind, r.ID)
			} else if r.Class == "ocf" && r.Provider == "" {
				v.add(Error, r.X, "primitive %s of class ocf needs a provider", r.ID)
			}
			seen := map[string]string{}
			for _, op := range r.Ops {
				// Only recurring operations must be unique: several interval-0
				// entries for one action are tolerated, as in Pacemaker.
				if iv, err := iso8601.ParseInterval(op.Interval); err == nil && iv > 0 && op.Name != "" {
					key := op.Name + "/" + iv.String() + "/" + op.Role
					if prev, dup := seen[key]; dup {
						v.add(Error, op.X, "operation %s is a duplicate of %s (the same name and interval more than once for %s)", op.ID, prev, r.ID)
					}
					seen[key] = op.ID
				}
				if op.Name == "" {
					v.add(Error, op.X, "operation of %s has no name", r.ID)
				}
				for _, f := range []struct{ name, val string }{{"interval", op.Interval}, {"timeout", op.Timeout}, {"start-delay", op.StartDelay}} {
					if f.val == "" {
						continue
					}
					if _, err := iso8601.ParseInterval(f.val); err != nil {
						v.add(Error, op.X, "operation %s of %s: %s=%q is not a duration: %v", op.Name, r.ID, f.name, f.val, err)
					}
				}
				if op.OnFail != "" && !oneOf(op.OnFail, "ignore", "block", "demote", "stop", "restart", "standby", "fence", "restart-container") {
					v.add(Error, op.X, "operation %s of %s: on-fail=%q is not one of ignore, block, demote, stop, restart, standby, fence, restart-container", op.Name, r.ID, op.OnFail)
				}
			}
		case KindGroup:
			if len(r.Children) == 0 {
				v.add(Error, r.X, "group %s has no members", r.ID)
			}
		case KindClone, KindMaster:
			if len(r.Children) != 1 {
				v.add(Error, r.X, "%s %s must hold exactly one resource, it holds %d", r.Kind, r.ID, len(r.Children))
			}
		}
		for _, set := range append(append([]NVSet{}, r.Meta...), r.Params...) {
			if set.Score != "" {
				if _, err := score.Parse(set.Score); err != nil {
					v.add(Error, set.X, "%s: score %q: %v", set.ID, set.Score, err)
				}
			}
		}
		for _, set := range r.Meta {
			for _, p := range set.Pairs {
				if p.Name == "target-role" && p.Present && !oneOf(strings.ToLower(p.Value), "stopped", "started", "unpromoted", "promoted", "slave", "master", "#default") {
					v.add(Warning, p.X, "resource %s: target-role=%q is not one of Stopped, Started, Unpromoted, Promoted", r.ID, p.Value)
				}
			}
		}
	}
}

func oneOf(s string, opts ...string) bool {
	for _, o := range opts {
		if s == o {
			return true
		}
	}
	return false
}

// ref checks a constraint's reference to a resource (or tag/template,
// which constraints may name too).
func (v *validator) ref(e *xmltree.Element, what, id string) {
	if id == "" {
		return
	}
	if v.rscs[id] == nil && !v.tags[id] && !v.tmpls[id] {
		v.add(Error, e, "%s %s: %s refers to resource %s, which does not exist", e.Name, e.ID(), what, id)
	}
}

func (v *validator) score(e *xmltree.Element, s string) {
	if s == "" {
		return
	}
	if _, err := score.Parse(s); err != nil {
		v.add(Error, e, "%s %s: score %q: %v", e.Name, e.ID(), s, err)
	}
}

func (v *validator) sets(e *xmltree.Element, sets []ResourceSet) {
	for _, s := range sets {
		if len(s.Refs) == 0 {
			v.add(Error, s.X, "resource_set %s is empty", s.ID)
		}
		for _, r := range s.Refs {
			v.ref(e, "resource_ref", r)
		}
		v.score(s.X, s.Score)
	}
}

func (v *validator) role(e *xmltree.Element, attr, val string) {
	if val != "" && !oneOf(val, "Started", "Stopped", "Promoted", "Unpromoted", "Master", "Slave") {
		v.add(Error, e, "%s %s: %s=%q is not one of Started, Stopped, Promoted, Unpromoted", e.Name, e.ID(), attr, val)
	}
}

func (v *validator) constraints(cfg *Configuration) {
	for _, l := range cfg.Locations {
		if l.Rsc == "" && l.RscPattern == "" && len(l.Sets) == 0 {
			v.add(Error, l.X, "rsc_location %s names no resource (rsc, rsc-pattern or a resource_set)", l.ID)
		}
		v.ref(l.X, "rsc", l.Rsc)
		v.sets(l.X, l.Sets)
		v.score(l.X, l.Score)
		v.role(l.X, "role", l.Role)
		if l.Node == "" && len(l.Rules) == 0 {
			v.add(Error, l.X, "rsc_location %s needs node and score, or a rule", l.ID)
		}
		if l.Node != "" && l.Score == "" {
			v.add(Error, l.X, "rsc_location %s has node=%s but no score", l.ID, l.Node)
		}
		if l.Node != "" && !v.nodes[l.Node] {
			v.add(Warning, l.X, "rsc_location %s refers to node %s, which is not configured", l.ID, l.Node)
		}
		if l.ResourceDiscovery != "" && !oneOf(l.ResourceDiscovery, "always", "never", "exclusive") {
			v.add(Error, l.X, "rsc_location %s: resource-discovery=%q is not always, never or exclusive", l.ID, l.ResourceDiscovery)
		}
		for _, r := range l.Rules {
			v.rule(r)
		}
	}
	for _, c := range cfg.Colocations {
		if len(c.Sets) == 0 && (c.Rsc == "" || c.WithRsc == "") {
			v.add(Error, c.X, "rsc_colocation %s needs rsc and with-rsc, or resource sets", c.ID)
		}
		v.ref(c.X, "rsc", c.Rsc)
		v.ref(c.X, "with-rsc", c.WithRsc)
		v.sets(c.X, c.Sets)
		v.score(c.X, c.Score)
		v.role(c.X, "rsc-role", c.RscRole)
		v.role(c.X, "with-rsc-role", c.WithRscRole)
	}
	for _, o := range cfg.Orders {
		if len(o.Sets) == 0 && (o.First == "" || o.Then == "") {
			v.add(Error, o.X, "rsc_order %s needs first and then, or resource sets", o.ID)
		}
		v.ref(o.X, "first", o.First)
		v.ref(o.X, "then", o.Then)
		v.sets(o.X, o.Sets)
		v.score(o.X, o.Score)
		if o.Kind != "" && !oneOf(o.Kind, "Mandatory", "Optional", "Serialize") {
			v.add(Error, o.X, "rsc_order %s: kind=%q is not Mandatory, Optional or Serialize", o.ID, o.Kind)
		}
		for _, a := range []struct{ n, v string }{{"first-action", o.FirstAction}, {"then-action", o.ThenAction}} {
			if a.v != "" && !oneOf(a.v, "start", "stop", "promote", "demote") {
				v.add(Error, o.X, "rsc_order %s: %s=%q is not start, stop, promote or demote", o.ID, a.n, a.v)
			}
		}
	}
	for _, t := range cfg.Tickets {
		if t.Ticket == "" {
			v.add(Error, t.X, "rsc_ticket %s has no ticket", t.ID)
		}
		v.ref(t.X, "rsc", t.Rsc)
		v.sets(t.X, t.Sets)
		if t.LossPolicy != "" && !oneOf(t.LossPolicy, "stop", "demote", "fence", "freeze") {
			v.add(Error, t.X, "rsc_ticket %s: loss-policy=%q is not stop, demote, fence or freeze", t.ID, t.LossPolicy)
		}
	}
}

// rule reports what share/rule finds malformed in a rule (the same check
// the scheduler's evaluation relies on), at the rule's path.
func (v *validator) rule(r *xmltree.Element) {
	for _, err := range rule.Check(r) {
		v.add(Error, r, "%v", err)
	}
}

func (v *validator) options(cfg *Configuration, known func(string) bool) {
	for _, set := range cfg.CrmConfig {
		vals := map[string]string{}
		where := map[string]*xmltree.Element{}
		for _, p := range set.Pairs {
			if !p.Present {
				continue
			}
			vals[p.Name] = p.Value
			where[p.Name] = p.X
			if known != nil && !known(p.Name) {
				v.add(Warning, p.X, "unknown cluster option %q", p.Name)
			}
		}
		for _, p := range options.ClusterOptions.Check(vals) {
			if known != nil && errors.Is(p.Err, options.ErrUnknown) {
				continue // the caller decided about names
			}
			sev := Error
			if p.Warning {
				sev = Warning
			}
			v.add(sev, where[p.Name], "%v", p.Err)
		}
	}
	// Pacemaker refuses to start resources when fencing is on but no
	// device exists; crm_verify reports it as an error.
	fencing := "true"
	if s, ok := cfg.Property("fencing-enabled", "stonith-enabled"); ok {
		fencing = s
	}
	if options.IsTrue(fencing) {
		has := false
		for _, r := range cfg.AllResources() {
			if r.Kind == KindPrimitive && r.Class == "stonith" {
				has = true
			}
		}
		if !has && len(cfg.Resources) > 0 {
			v.add(Error, cfg.X, "resource start-up disabled since no fencing (stonith) resources have been defined; configure some or set fencing-enabled=false (stonith-enabled=false)")
		}
	}
}

// acls checks what share/acl would ignore: a permission it cannot use
// grants nothing, and a role reference to nothing grants no role.
func (v *validator) acls(a *ACLs) {
	if a == nil {
		return
	}
	roles := map[string]bool{}
	for _, r := range a.Roles {
		roles[r.ID] = true
		for _, p := range r.Permissions {
			switch p.Kind {
			case "read", "write", "deny":
			default:
				v.add(Error, p.X, "acl_permission %s: kind %q must be read, write or deny", p.ID, p.Kind)
			}
			n := 0
			for _, s := range []string{p.XPath, p.Reference, p.ObjectType} {
				if s != "" {
					n++
				}
			}
			if n != 1 {
				v.add(Error, p.X, "acl_permission %s: give exactly one of object-type, reference and xpath", p.ID)
			}
			if p.XPath != "" {
				if _, err := acl.Compile(p.XPath); err != nil {
					v.add(Warning, p.X, "acl_permission %s grants nothing: %v", p.ID, err)
				}
			}
		}
	}
	for _, s := range a.Subjects {
		for _, r := range s.Roles {
			if !roles[r] {
				v.add(Error, s.X, "%s %s holds role %s, which does not exist", s.Kind, s.ID, r)
			}
		}
	}
}
