package crm

import (
	"sort"
	"strings"

	"pacer/share/xmltree"
)

// idFree are elements whose id is a generated detail: two configurations
// that differ only in these ids mean the same to the cluster.
var idFree = map[string]bool{
	"nvpair": true, "op": true, "instance_attributes": true, "meta_attributes": true,
	"utilization": true, "operations": true, "rule": true, "expression": true,
	"date_expression": true, "date_spec": true, "duration": true, "resource_set": true,
	"fencing-level": true, "recipient": true, "acl_permission": true,
	"rsc_expression": true, "op_expression": true,
}

// orderedChildren are children whose order carries meaning.
var orderedChildren = map[string]bool{
	"resource_set": true, "resource_ref": true, "obj_ref": true,
	"member": true, // Show's stand-in for a container's member resource
}

// Canonical returns a text form of e in which generated ids are dropped,
// attributes are sorted and children are sorted where their order means
// nothing (group members and resource sets keep theirs). Two elements are
// equivalent when their canonical forms are equal.
func Canonical(e *xmltree.Element) string {
	var b strings.Builder
	canon(&b, e, 0, false)
	return b.String()
}

// CanonicalExact is Canonical keeping every id: two tools that load the
// same text must name what they create alike.
func CanonicalExact(e *xmltree.Element) string {
	var b strings.Builder
	canon(&b, e, 0, true)
	return b.String()
}

// Equivalent reports whether a and b configure the same thing.
func Equivalent(a, b *xmltree.Element) bool { return Canonical(a) == Canonical(b) }

// Same reports whether a and b are the same configuration, ids included,
// attribute order and white space aside.
func Same(a, b *xmltree.Element) bool { return CanonicalExact(a) == CanonicalExact(b) }

// sections of <configuration> that may be absent when empty.
var sections = map[string]bool{
	"crm_config": true, "nodes": true, "resources": true, "constraints": true,
	"rsc_defaults": true, "op_defaults": true, "alerts": true, "fencing-topology": true,
	"tags": true, "acls": true,
}

func canon(b *strings.Builder, e *xmltree.Element, depth int, exact bool) {
	for i := 0; i < depth; i++ {
		b.WriteString("  ")
	}
	b.WriteByte('<')
	b.WriteString(e.Name)
	attrs := make([]xmltree.Attr, 0, len(e.Attrs))
	for _, a := range e.Attrs {
		if a.Name == "id" && idFree[e.Name] && !exact {
			continue
		}
		if e.Name == "node" && a.Name == "type" && a.Value == "member" {
			continue // the default: the same node either way
		}
		attrs = append(attrs, a)
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].Name < attrs[j].Name })
	for _, a := range attrs {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteString(`="`)
		b.WriteString(a.Value)
		b.WriteByte('"')
	}
	b.WriteString(">\n")
	type kid struct {
		key string
		pos int
	}
	kids := make([]kid, 0, len(e.Children))
	for i, c := range e.Children {
		if e.Name == "configuration" && sections[c.Name] && len(c.Children) == 0 && len(c.Attrs) == 0 {
			continue
		}
		var cb strings.Builder
		canon(&cb, c, depth+1, exact)
		pos := -1
		// Members of groups and resource sets keep their place; so do
		// ordered refs. Everything else sorts by content.
		if orderedChildren[c.Name] || (e.Name == "group" && c.Name == "primitive") {
			pos = i
		}
		kids = append(kids, kid{cb.String(), pos})
	}
	sort.SliceStable(kids, func(i, j int) bool {
		a, c := kids[i], kids[j]
		if (a.pos >= 0) != (c.pos >= 0) {
			return a.pos < 0
		}
		if a.pos >= 0 {
			return a.pos < c.pos
		}
		return a.key < c.key
	})
	for _, k := range kids {
		b.WriteString(k.key)
	}
}

// FirstDifference describes where the canonical forms of a and b first
// differ, for test failures; "" when equivalent.
func FirstDifference(a, b *xmltree.Element) string {
	return firstDiff(Canonical(a), Canonical(b))
}

// FirstDifferenceExact is FirstDifference for Same.
func FirstDifferenceExact(a, b *xmltree.Element) string {
	return firstDiff(CanonicalExact(a), CanonicalExact(b))
}

func firstDiff(x, y string) string {
	ca, cb := strings.Split(x, "\n"), strings.Split(y, "\n")
	for i := 0; i < len(ca) || i < len(cb); i++ {
		var la, lb string
		if i < len(ca) {
			la = ca[i]
		}
		if i < len(cb) {
			lb = cb[i]
		}
		if la != lb {
			return "- " + strings.TrimSpace(la) + "\n+ " + strings.TrimSpace(lb)
		}
	}
	return ""
}
