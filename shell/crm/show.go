package crm

import (
	"sort"
	"strings"

	"pacer/share/xmltree"
)

// object is one printable crm object found in a configuration.
type object struct {
	rank int    // section order, as crmsh prints them
	id   string // sort key inside the section
	el   *xmltree.Element
	kind string
}

// Ranks follow crmsh 4.4: nodes, templates, primitives, groups, bundles,
// clones, tags, then location/colocation/order constraints together by
// id, fencing, tickets, properties, defaults, ACL roles, ACL targets and
// groups, alerts.
const (
	rankNode = iota
	rankTemplate
	rankPrimitive
	rankGroup
	rankBundle
	rankClone
	rankTag
	rankConstraint
	rankFencing
	rankTicket
	rankProperty
	rankRscDefaults
	rankOpDefaults
	rankRole
	rankTarget
	rankAlert
)

// collect lists the configuration's objects in the order Show prints them.
func collect(cfg *xmltree.Element) []object {
	var out []object
	add := func(rank int, kind string, e *xmltree.Element) {
		out = append(out, object{rank, e.ID(), e, kind})
	}
	for _, sec := range cfg.Children {
		switch sec.Name {
		case "nodes":
			for _, n := range sec.ChildrenNamed("node") {
				add(rankNode, "node", n)
			}
		case "resources":
			var walk func(e *xmltree.Element)
			walk = func(e *xmltree.Element) {
				switch e.Name {
				case "primitive":
					add(rankPrimitive, "primitive", e)
				case "template":
					add(rankTemplate, "rsc_template", e)
				case "group":
					add(rankGroup, "group", e)
				case "clone":
					add(rankClone, "clone", e)
				case "master":
					add(rankClone, "ms", e)
				case "bundle":
					add(rankBundle, "bundle", e)
				default:
					return
				}
				for _, c := range e.Children {
					walk(c)
				}
			}
			for _, c := range sec.Children {
				walk(c)
			}
		case "constraints":
			for _, c := range sec.Children {
				if k := KindOf(c); k == "rsc_ticket" {
					add(rankTicket, k, c)
				} else if k != "" {
					add(rankConstraint, k, c)
				}
			}
		case "tags":
			for _, c := range sec.ChildrenNamed("tag") {
				add(rankTag, "tag", c)
			}
		case "fencing-topology":
			if len(sec.Children) > 0 || len(sec.Attrs) > 0 {
				add(rankFencing, "fencing_topology", sec)
			}
		case "crm_config":
			for _, c := range sec.ChildrenNamed("cluster_property_set") {
				add(rankProperty, "property", c)
			}
		case "rsc_defaults":
			for _, c := range sec.ChildrenNamed("meta_attributes") {
				add(rankRscDefaults, "rsc_defaults", c)
			}
		case "op_defaults":
			for _, c := range sec.ChildrenNamed("meta_attributes") {
				add(rankOpDefaults, "op_defaults", c)
			}
		case "alerts":
			for _, c := range sec.ChildrenNamed("alert") {
				add(rankAlert, "alert", c)
			}
		case "acls":
			for _, c := range sec.Children {
				switch c.Name {
				case "acl_role":
					add(rankRole, "role", c)
				case "acl_target", "acl_user":
					add(rankTarget, "acl_target", c)
				case "acl_group":
					add(rankTarget, "acl_group", c)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].rank != out[j].rank {
			return out[i].rank < out[j].rank
		}
		return out[i].id < out[j].id
	})
	return out
}

// Show prints the configuration (or the objects with the given ids, in
// configuration order; nodes also by name, the fencing topology as
// "fencing_topology") as crm configure text, in crmsh 4.4's layout and
// order. An object whose crm text would not read back to the same XML is
// printed in crmsh's "xml <...>" form instead, so Show never loses
// information: Parse+Apply of its output gives an equivalent configuration.
func Show(cfg *xmltree.Element, ids ...string) string {
	return show(cfg, false, ids)
}

// ShowObscured is Show for display: secret parameter values (passw*) are
// replaced by "******", as crmsh's configure show does. Its text is not
// for loading back.
func ShowObscured(cfg *xmltree.Element, ids ...string) string {
	return show(cfg, true, ids)
}

func show(cfg *xmltree.Element, obscure bool, ids []string) string {
	objs := collect(cfg)
	refd := map[string]bool{}
	cfg.Walk(func(x *xmltree.Element) bool {
		if r := x.Attr("id-ref"); r != "" {
			refd[r] = true
		}
		return true
	})
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var b strings.Builder
	// A container printed as XML carries its members, which must then
	// not be printed again; members come first in the order, so render
	// everything before writing anything.
	texts := make([]string, len(objs))
	inXML := map[*xmltree.Element]bool{}
	for i, o := range objs {
		if len(ids) > 0 && !want[o.id] && !(o.kind == "fencing_topology" && want["fencing_topology"]) &&
			!(o.kind == "node" && want[o.el.Attr("uname")]) {
			continue
		}
		text, ok := render(o, refd, obscure)
		if !ok {
			el := o.el
			if o.kind == "rsc_defaults" || o.kind == "op_defaults" {
				// A bare <meta_attributes> would not say which defaults
				// it sets.
				el = xmltree.New(o.kind)
				el.Children = []*xmltree.Element{o.el}
			}
			text = xmlText(el)
			if isResource(o.el.Name) {
				o.el.Walk(func(x *xmltree.Element) bool {
					if x != o.el {
						inXML[x] = true
					}
					return true
				})
			}
		}
		texts[i] = text
	}
	for i, o := range objs {
		if texts[i] == "" || inXML[o.el] {
			continue
		}
		for _, c := range commentsBefore(o.el) {
			b.WriteString(c)
			b.WriteByte('\n')
		}
		b.WriteString(texts[i])
		b.WriteByte('\n')
	}
	return b.String()
}

// xmlText is crmsh's fallback: the element's XML, one line per element.
func xmlText(e *xmltree.Element) string {
	c := e.Clone()
	stripMisc(c)
	s := strings.TrimRight(c.Indented(), "\n")
	return "xml " + strings.ReplaceAll(s, "\n", " \\\n")
}

func stripMisc(e *xmltree.Element) {
	e.Misc = nil
	for _, c := range e.Children {
		stripMisc(c)
	}
}

// render prints one object and checks that it reads back the same.
func render(o object, refd map[string]bool, obscure bool) (string, bool) {
	w := &writer{refd: refd}
	if !w.object(o) {
		return "", false
	}
	text := w.String()
	sts, err := Parse(text)
	if err != nil || len(sts) != 1 || sts[0].Elem == nil {
		return "", false
	}
	if !sameObject(o.el, sts[0]) {
		return "", false
	}
	if obscure {
		// Checked in clear; shown with the secrets hidden.
		w := &writer{refd: refd, obscure: true}
		w.object(o)
		text = w.String()
	}
	return text, true
}

// sameObject compares an object with a parsed statement: containers by
// their own attributes and sets plus the list of member ids.
func sameObject(orig *xmltree.Element, st *Statement) bool {
	a := shallow(orig)
	b := st.Elem.Clone()
	for _, m := range st.Members {
		b.Append(xmltree.New("member", "id", m))
	}
	return Canonical(a) == Canonical(b)
}

// shallow copies a container with its member resources reduced to ids.
func shallow(e *xmltree.Element) *xmltree.Element {
	switch e.Name {
	case "group", "clone", "master", "bundle":
	default:
		return e
	}
	c := xmltree.New(e.Name)
	c.Attrs = e.Attrs
	for _, k := range e.Children {
		if isResource(k.Name) {
			c.Append(xmltree.New("member", "id", k.ID()))
		} else {
			c.Append(k)
		}
	}
	// Members must stay in document order relative to one another; the
	// parsed form lists them last, so move them last here too.
	var sets, mem []*xmltree.Element
	for _, k := range c.Children {
		if k.Name == "member" {
			mem = append(mem, k)
		} else {
			sets = append(sets, k)
		}
	}
	c.Children = append(sets, mem...)
	return c
}

func isResource(name string) bool {
	switch name {
	case "primitive", "group", "clone", "master", "bundle":
		return true
	}
	return false
}

// commentsBefore returns the comments that belong to e as crm comment
// lines: those right before it in its parent and, as crmsh keeps them,
// those that open its own content.
func commentsBefore(e *xmltree.Element) []string {
	var out []string
	add := func(misc []xmltree.Misc, at int) {
		for _, m := range misc {
			if m.Kind != xmltree.Comment || m.Before != at {
				continue
			}
			for _, l := range strings.Split(strings.TrimSpace(m.Data), "\n") {
				l = strings.TrimRight(l, " \t")
				if !strings.HasPrefix(l, "#") {
					l = "# " + l
				}
				out = append(out, l)
			}
		}
	}
	// Inside a container, a comment opening it is the container's.
	if p := e.Parent; p != nil && len(p.Misc) > 0 && !isResource(p.Name) {
		for i, c := range p.Children {
			if c == e {
				add(p.Misc, i)
				break
			}
		}
	}
	add(e.Misc, 0)
	return out
}
