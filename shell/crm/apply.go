package crm

import (
	"fmt"
	"strconv"
	"strings"

	"pacer/share/xmltree"
)

// Mode says how Apply treats what is already configured.
type Mode int

const (
	// Update keeps existing objects and replaces those the statements
	// define again (crm configure load update, and interactive commands).
	Update Mode = iota
	// Replace makes the statements the whole configuration
	// (crm configure load replace).
	Replace
)

// sectionOf names the <configuration> child an object kind lives in.
func sectionOf(kind string) string {
	switch kind {
	case "node":
		return "nodes"
	case "primitive", "rsc_template", "group", "clone", "ms", "bundle":
		return "resources"
	case "location", "colocation", "order", "rsc_ticket":
		return "constraints"
	case "property":
		return "crm_config"
	case "rsc_defaults":
		return "rsc_defaults"
	case "op_defaults":
		return "op_defaults"
	case "fencing_topology":
		return "fencing-topology"
	case "tag":
		return "tags"
	case "alert":
		return "alerts"
	case "role", "acl_target", "acl_group", "user":
		return "acls"
	}
	return ""
}

// replaceable are the sections load replace starts afresh.
var replaceable = []string{"crm_config", "nodes", "resources", "constraints", "rsc_defaults",
	"op_defaults", "fencing-topology", "tags", "alerts", "acls"}

// Apply applies statements to a <configuration> element. It works on a copy
// and changes cfg only when every statement succeeded, so a failed Apply
// leaves cfg exactly as it was. On success cfg's children are the copy's:
// pointers to elements inside cfg taken before the call are stale.
//
// Objects are created, or replace the object with the same id (a group,
// clone or ms takes its member resources from wherever they are).
// property, rsc_defaults and op_defaults merge into the set with the same
// id. fencing_topology replaces the whole topology. delete removes objects
// and the constraint references to them; rename changes an id and every
// reference to it.
func Apply(cfg *xmltree.Element, stmts []*Statement, mode Mode) error {
	if cfg == nil || cfg.Name != "configuration" {
		return fmt.Errorf("apply: need a <configuration> element")
	}
	work := cfg.Clone()
	a := &applier{cfg: work, ids: map[string]int{}}
	if mode == Replace {
		for _, name := range replaceable {
			if s := work.Child(name); s != nil {
				for _, c := range append([]*xmltree.Element(nil), s.Children...) {
					s.Remove(c)
				}
				s.Attrs = keepID(s.Attrs)
				s.Misc = nil
			}
		}
	}
	a.index(work, 1)
	// Statements apply in order. A container whose members are not there
	// yet (crm text may define a group before its primitives) waits until
	// the end and is retried as long as that makes progress.
	run := func(st *Statement) error {
		var err error
		switch {
		case st.Elem != nil:
			err = a.object(st)
		case st.Kind == "delete":
			err = a.delete(st.Args)
		case st.Kind == "rename":
			err = a.rename(st.Args[0], st.Args[1])
		default:
			err = fmt.Errorf("%s is not supported here", st.Kind)
		}
		if err != nil {
			return fmt.Errorf("line %d: %s: %w", st.Line, describe(st), err)
		}
		return nil
	}
	var waiting []*Statement
	for _, st := range stmts {
		if len(st.Members) > 0 && !a.haveAll(st.Members) {
			waiting = append(waiting, st)
			continue
		}
		if err := run(st); err != nil {
			return err
		}
	}
	for len(waiting) > 0 {
		var still []*Statement
		for _, st := range waiting {
			if a.haveAll(st.Members) {
				if err := run(st); err != nil {
					return err
				}
			} else {
				still = append(still, st)
			}
		}
		if len(still) == len(waiting) {
			return run(still[0]) // reports the missing member
		}
		waiting = still
	}
	cfg.Attrs = work.Attrs
	cfg.Misc = work.Misc
	cfg.Children = work.Children
	for _, c := range cfg.Children {
		c.Parent = cfg
	}
	return nil
}

// haveAll reports whether every id names an existing resource.
func (a *applier) haveAll(ids []string) bool {
	for _, id := range ids {
		if a.findResource(id) == nil {
			return false
		}
	}
	return true
}

func keepID(attrs []xmltree.Attr) []xmltree.Attr {
	var out []xmltree.Attr
	for _, a := range attrs {
		if a.Name == "id" {
			out = append(out, a)
		}
	}
	return out
}

func describe(st *Statement) string {
	if st.ID != "" {
		return st.Kind + " " + st.ID
	}
	if len(st.Args) > 0 {
		return st.Kind + " " + strings.Join(st.Args, " ")
	}
	return st.Kind
}

type applier struct {
	cfg *xmltree.Element
	ids map[string]int // how many elements carry each id
}

func (a *applier) index(e *xmltree.Element, delta int) {
	e.Walk(func(x *xmltree.Element) bool {
		if id, ok := x.AttrOK("id"); ok && idBearing(x) {
			k := idKey(x.Name, id)
			a.ids[k] += delta
			if a.ids[k] <= 0 {
				delete(a.ids, k)
			}
		}
		return true
	})
}

// idKey keys the id index. Node ids live apart from other ids: a remote
// node and the resource that runs it commonly share a name.
func idKey(elName, id string) string {
	if elName == "node" {
		return "node\x00" + id
	}
	return id
}

// idBearing tells elements that define an id from those that refer to
// one (resource_ref, obj_ref, role inside an ACL target).
func idBearing(x *xmltree.Element) bool {
	switch x.Name {
	case "resource_ref", "obj_ref", "role", "member":
		return false
	}
	return true
}

func (a *applier) section(name string) *xmltree.Element {
	if s := a.cfg.Child(name); s != nil {
		return s
	}
	return a.cfg.Append(xmltree.New(name))
}

// findObject finds a top-level-ish object by id: any element with that id
// in the configuration that is a crm object (resources at any depth).
func (a *applier) findObject(id string) *xmltree.Element {
	if a.ids[id] == 0 {
		return nil
	}
	return a.cfg.Find(func(x *xmltree.Element) bool {
		return x.Attr("id") == id && idBearing(x) && x.Name != "node" && KindOf(x) != ""
	})
}

// findNode finds a node by id.
func (a *applier) findNode(id string) *xmltree.Element {
	if nodes := a.cfg.Child("nodes"); nodes != nil {
		for _, n := range nodes.ChildrenNamed("node") {
			if n.ID() == id {
				return n
			}
		}
	}
	return nil
}

func (a *applier) object(st *Statement) error {
	el := st.Elem.Clone()
	secName := sectionOf(st.Kind)
	if secName == "" {
		return fmt.Errorf("unknown object kind")
	}
	sec := a.section(secName)
	switch st.Kind {
	case "fencing_topology":
		a.index(sec, -1)
		for _, c := range append([]*xmltree.Element(nil), sec.Children...) {
			sec.Remove(c)
		}
		for _, c := range el.Children {
			sec.Append(c)
		}
		return a.fixGenerated(st, sec)
	case "property", "rsc_defaults", "op_defaults":
		var old *xmltree.Element
		for _, c := range sec.Children {
			if c.ID() == el.ID() {
				old = c
				break
			}
		}
		if old == nil {
			if a.ids[el.ID()] > 0 {
				return fmt.Errorf("id %s is already in use", el.ID())
			}
			sec.Append(el)
			return a.fixGenerated(st, el)
		}
		return a.merge(st, old, el)
	}
	id := el.ID()
	var old *xmltree.Element
	if el.Name == "node" {
		old = a.findNode(id)
	} else {
		old = a.findObject(id)
	}
	if old == nil && a.ids[idKey(el.Name, id)] > 0 {
		return fmt.Errorf("id %s is already in use by another element", id)
	}
	if old != nil && !sameKind(old.Name, el.Name) {
		return fmt.Errorf("id %s is already in use by a %s", id, old.Name)
	}
	if old != nil && old.Parent != nil && isResource(old.Parent.Name) && el.Name != old.Name {
		// Redefined in place: the container must still accept it.
		p := old.Parent
		if el.Name != "primitive" && (p.Name != "clone" && p.Name != "master" || el.Name != "group") {
			return fmt.Errorf("%s is in %s %s, which cannot hold a %s", id, p.Name, p.ID(), el.Name)
		}
	}
	// Members first: they must exist, and they move into the container.
	var members []*xmltree.Element
	for _, m := range st.Members {
		r := a.findResource(m)
		if r == nil {
			return fmt.Errorf("resource %s does not exist", m)
		}
		if r == old || isAncestor(r, old) {
			return fmt.Errorf("%s cannot contain itself or its own container %s", id, m)
		}
		members = append(members, r)
	}
	if err := a.checkMembers(st, el, members); err != nil {
		return err
	}
	if old != nil {
		// Members that sit inside the old container stay members.
		a.index(old, -1)
		for _, m := range members {
			if isAncestor(old, m) {
				a.index(m, 1)
			}
		}
	}
	for _, m := range members {
		if p := m.Parent; p != nil {
			p.Remove(m)
		}
	}
	// Resources inside an XML container replace their namesakes.
	if st.Kind != "" && len(st.Members) == 0 && isResource(el.Name) {
		for _, c := range el.Children {
			if isResource(c.Name) {
				if other := a.findResource(c.ID()); other != nil && other != old && !isAncestor(old, other) {
					a.index(other, -1)
					other.Parent.Remove(other)
				}
			}
		}
	}
	if old != nil && old.Parent != nil {
		old.Parent.Replace(old, el)
		// Members the new definition leaves out become top-level
		// resources rather than vanish.
		keep := map[string]bool{}
		el.Walk(func(x *xmltree.Element) bool { keep[x.ID()] = true; return true })
		for _, c := range resourceChildren(old) {
			if !keep[c.ID()] {
				old.Remove(c)
				a.index(c, 1)
				a.section("resources").Append(c)
			}
		}
	} else {
		sec.Append(el)
	}
	addComments(el, st.Comments)
	if err := a.fixGenerated(st, el); err != nil {
		return err
	}
	for _, m := range members {
		el.Append(m)
	}
	return nil
}

// checkMembers rejects member lists Pacemaker would not accept.
func (a *applier) checkMembers(st *Statement, el *xmltree.Element, members []*xmltree.Element) error {
	switch st.Kind {
	case "group":
		for _, m := range members {
			if m.Name != "primitive" {
				return fmt.Errorf("%s is a %s; a group holds only primitives", m.ID(), m.Name)
			}
		}
	case "bundle":
		if len(members) > 1 {
			return fmt.Errorf("a bundle holds at most one primitive")
		}
		if len(members) == 1 && members[0].Name != "primitive" {
			return fmt.Errorf("%s is a %s; a bundle holds only a primitive", members[0].ID(), members[0].Name)
		}
	case "clone", "ms":
		if len(members) != 1 {
			return fmt.Errorf("needs exactly one resource")
		}
		m := members[0]
		if m.Name != "primitive" && m.Name != "group" {
			return fmt.Errorf("%s is a %s and cannot be cloned", m.ID(), m.Name)
		}
	}
	seen := map[string]bool{}
	for _, m := range members {
		if seen[m.ID()] {
			return fmt.Errorf("%s listed twice", m.ID())
		}
		seen[m.ID()] = true
		if p := m.Parent; p != nil && p.Name != "resources" && p.ID() != el.ID() {
			if len(resourceChildren(p)) == 1 {
				return fmt.Errorf("%s belongs to %s %s, which would be left empty", m.ID(), p.Name, p.ID())
			}
		}
	}
	return nil
}

func resourceChildren(e *xmltree.Element) []*xmltree.Element {
	var out []*xmltree.Element
	for _, c := range e.Children {
		if isResource(c.Name) {
			out = append(out, c)
		}
	}
	return out
}

func isAncestor(anc, e *xmltree.Element) bool {
	if anc == nil {
		return false
	}
	for x := e; x != nil; x = x.Parent {
		if x == anc {
			return true
		}
	}
	return false
}

func sameKind(a, b string) bool {
	if a == b {
		return true
	}
	// A resource may be redefined as another kind of resource.
	return isResource(a) && isResource(b) || (a == "template" && b == "template")
}

func (a *applier) findResource(id string) *xmltree.Element {
	res := a.cfg.Child("resources")
	if res == nil || a.ids[id] == 0 {
		return nil
	}
	return res.Find(func(x *xmltree.Element) bool { return x.Attr("id") == id && isResource(x.Name) })
}

// fixGenerated renumbers generated ids that clash with ids elsewhere, then
// records the subtree's ids.
func (a *applier) fixGenerated(st *Statement, root *xmltree.Element) error {
	gen := map[*xmltree.Element]bool{}
	for _, g := range st.generated {
		gen[g] = true
	}
	// Map generated elements of the statement to those in the clone by
	// position: the clone has the same shape as st.Elem.
	var origs, clones []*xmltree.Element
	st.Elem.Walk(func(x *xmltree.Element) bool { origs = append(origs, x); return true })
	start := root
	if st.Kind == "fencing_topology" {
		start = nil
		for _, c := range root.Children {
			c.Walk(func(x *xmltree.Element) bool { clones = append(clones, x); return true })
		}
		origs = origs[1:]
	}
	if start != nil {
		start.Walk(func(x *xmltree.Element) bool {
			clones = append(clones, x)
			return true
		})
	}
	for i, x := range clones {
		if i >= len(origs) {
			break
		}
		id, ok := x.AttrOK("id")
		if !ok || !idBearing(x) {
			continue
		}
		if !gen[origs[i]] && a.ids[idKey(x.Name, id)] > 0 {
			return fmt.Errorf("id %s is already in use", id)
		}
		if gen[origs[i]] && a.ids[id] > 0 {
			for n := 0; ; n++ {
				cand := id + "-" + strconv.Itoa(n)
				if a.ids[cand] == 0 {
					x.SetAttr("id", cand)
					id = cand
					break
				}
			}
		}
		a.ids[idKey(x.Name, id)]++
	}
	return nil
}

// merge folds a property/defaults set into the existing one.
func (a *applier) merge(st *Statement, old, el *xmltree.Element) error {
	for _, at := range el.Attrs {
		old.SetAttr(at.Name, at.Value)
	}
	for _, c := range el.Children {
		if c.Name == "nvpair" {
			name := c.Attr("name")
			found := false
			for _, o := range old.ChildrenNamed("nvpair") {
				if o.Attr("name") == name {
					o.SetAttr("value", c.Attr("value"))
					found = true
					break
				}
			}
			if found {
				continue
			}
		}
		cc := c
		// Fresh ids for what is added.
		base := cc.ID()
		for n := 0; a.ids[cc.ID()] > 0; n++ {
			cc.SetAttr("id", base+"-"+strconv.Itoa(n))
		}
		old.Append(cc)
		a.index(cc, 1)
	}
	return nil
}

// delete removes objects and what refers to them.
func (a *applier) delete(ids []string) error {
	for _, id := range ids {
		if id == "fencing_topology" {
			if s := a.cfg.Child("fencing-topology"); s != nil {
				a.index(s, -1)
				a.cfg.Remove(s)
			}
			continue
		}
		o := a.findObject(id)
		if o == nil {
			o = a.findNode(id)
		}
		if o == nil {
			return fmt.Errorf("object %s does not exist", id)
		}
		if o.Name == "fencing-topology" {
			return fmt.Errorf("%s is not an object", id)
		}
		parent := o.Parent
		a.index(o, -1)
		if isResource(o.Name) && o.Name != "primitive" {
			// Deleting a container keeps its members, as top-level resources.
			for _, c := range resourceChildren(o) {
				a.index(c, 1)
				o.Remove(c)
				a.section("resources").Append(c)
			}
		}
		parent.Remove(o)
		if isResource(o.Name) && parent.Name != "resources" && len(resourceChildren(parent)) == 0 {
			// An empty container cannot exist.
			a.index(parent, -1)
			gp := parent.Parent
			gp.Remove(parent)
			a.dropRefs(parent.ID())
		}
		a.dropRefs(id)
	}
	return nil
}

// dropRefs removes constraint and tag references to a deleted id, and
// constraints left meaningless by that.
func (a *applier) dropRefs(id string) {
	if cons := a.cfg.Child("constraints"); cons != nil {
		for _, c := range append([]*xmltree.Element(nil), cons.Children...) {
			drop := false
			for _, at := range []string{"rsc", "with-rsc", "first", "then"} {
				if c.Attr(at) == id {
					drop = true
				}
			}
			for _, s := range append([]*xmltree.Element(nil), c.ChildrenNamed("resource_set")...) {
				for _, r := range append([]*xmltree.Element(nil), s.ChildrenNamed("resource_ref")...) {
					if r.ID() == id {
						s.Remove(r)
					}
				}
				if len(s.ChildrenNamed("resource_ref")) == 0 {
					a.index(s, -1)
					c.Remove(s)
				}
			}
			if c.Attr("rsc") == "" && c.Attr("first") == "" && c.Attr("rsc-pattern") == "" && len(c.ChildrenNamed("resource_set")) == 0 {
				drop = true
			}
			if drop {
				a.index(c, -1)
				cons.Remove(c)
			}
		}
	}
	if tags := a.cfg.Child("tags"); tags != nil {
		for _, t := range append([]*xmltree.Element(nil), tags.Children...) {
			for _, r := range append([]*xmltree.Element(nil), t.Children...) {
				if r.ID() == id {
					t.Remove(r)
				}
			}
			if len(t.Children) == 0 {
				a.index(t, -1)
				tags.Remove(t)
			}
		}
	}
}

// rename changes an object's id and the references to it.
func (a *applier) rename(from, to string) error {
	o := a.findObject(from)
	if o == nil {
		o = a.findNode(from)
	}
	if o == nil {
		return fmt.Errorf("object %s does not exist", from)
	}
	if a.ids[idKey(o.Name, to)] > 0 {
		return fmt.Errorf("id %s is already in use", to)
	}
	o.SetAttr("id", to)
	if o.Name == "node" && o.Attr("uname") == from {
		o.SetAttr("uname", to)
	}
	delete(a.ids, idKey(o.Name, from))
	a.ids[idKey(o.Name, to)] = 1
	if o.Name == "node" {
		return nil
	}
	a.cfg.Walk(func(x *xmltree.Element) bool {
		switch x.Name {
		case "resource_ref", "obj_ref":
			if x.ID() == from {
				x.SetAttr("id", to)
			}
		case "role":
			if x.Parent != nil && x.Parent.Name != "resources" && x.ID() == from && o.Name == "acl_role" {
				x.SetAttr("id", to)
			}
		case "rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket":
			for _, at := range []string{"rsc", "with-rsc", "first", "then"} {
				if x.Attr(at) == from {
					x.SetAttr(at, to)
				}
			}
		case "primitive":
			if x.Attr("template") == from {
				x.SetAttr("template", to)
			}
		case "fencing-level":
			devs := strings.Split(x.Attr("devices"), ",")
			changed := false
			for i, d := range devs {
				if d == from {
					devs[i] = to
					changed = true
				}
			}
			if changed {
				x.SetAttr("devices", strings.Join(devs, ","))
			}
		}
		return true
	})
	return nil
}

// addComments keeps a statement's comment lines as XML comments that
// open the element's content, one a line, where crmsh keeps them too.
func addComments(el *xmltree.Element, lines []string) {
	have := map[string]bool{}
	for _, m := range el.Misc {
		if m.Kind == xmltree.Comment && m.Before == 0 {
			have[strings.TrimSpace(m.Data)] = true
		}
	}
	var add []xmltree.Misc
	for _, l := range lines {
		if strings.Contains(l, "--") || strings.HasSuffix(l, "-") || have[strings.TrimSpace(l)] {
			continue // not representable in an XML comment, or already there
		}
		add = append(add, xmltree.Misc{Kind: xmltree.Comment, Data: l, Before: 0})
	}
	el.Misc = append(add, el.Misc...)
}
