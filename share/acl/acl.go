// Package acl applies the CIB's access control lists (Pacemaker
// Explained, "Access Control Lists"): with enable-acl=true, a user other
// than root and hacluster may read and write only what the acl_role
// permissions of its acl_target (and of acl_groups it belongs to) allow.
//
// A permission selects elements by object-type (optionally only those with
// a given attribute), by reference (an id) or by xpath, and grants read,
// write (which includes read) or deny on each selected element's whole
// subtree. The most specific permission wins, that is the one on the
// nearest element; among several on the same element deny beats write,
// write beats read. Everything not granted is denied.
package acl

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"pacer/share/options"
	"pacer/share/rule"
	"pacer/share/xmltree"
)

// Access is what a user may do with an element.
type Access int8

const (
	Denied Access = iota // also: nothing granted
	Read
	Write
)

func (a Access) String() string { return [...]string{"none", "read", "write"}[a] }

// Policy is the ACLs of one CIB as they apply to one user.
type Policy struct {
	User  string
	perms []perm
	// Problems lists permissions that select nothing because they are
	// malformed (a bad xpath, no selector): they grant nothing.
	Problems []string
}

type perm struct {
	id         string
	kind       int8 // rank among permissions on the same element: read < write < deny
	objectType string
	attribute  string
	reference  string
	xpath      *Path
}

const (
	kindRead int8 = iota + 1
	kindWrite
	kindDeny
)

// Unrestricted reports whether user has full access to this CIB: ACLs are
// off, or the user is root or hacluster.
func Unrestricted(cib *xmltree.Element, user string) bool {
	if user == "root" || user == "hacluster" || cib == nil {
		return true
	}
	return !enabled(cib)
}

// enabled reads enable-acl the way every cluster option is read: the
// cluster_property_sets in Pacemaker's order, rules included, through the
// option table (default false).
func enabled(cib *xmltree.Element) bool {
	cfg := cib.Child("configuration")
	if cfg == nil || cfg.Child("crm_config") == nil {
		return false
	}
	vals := rule.UnpackNVSets(cfg.Child("crm_config").ChildrenNamed("cluster_property_set"),
		&rule.Context{Now: time.Now(), FirstSetID: "cib-bootstrap-options"})
	return options.ClusterOptions.Bind(vals).Bool("enable-acl")
}

// For builds user's policy from the acls section of cib; groups are the
// user's group names (for acl_group). It returns nil when the user is
// unrestricted.
func For(cib *xmltree.Element, user string, groups []string) *Policy {
	if Unrestricted(cib, user) {
		return nil
	}
	p := &Policy{User: user}
	var acls *xmltree.Element
	if cfg := cib.Child("configuration"); cfg != nil {
		acls = cfg.Child("acls")
	}
	if acls == nil {
		return p // nothing granted
	}
	roles := map[string]*xmltree.Element{}
	for _, r := range acls.ChildrenNamed("acl_role") {
		roles[r.ID()] = r
	}
	for _, s := range acls.Children {
		name := s.Attr("name")
		if name == "" {
			name = s.ID()
		}
		switch s.Name {
		case "acl_target", "acl_user":
			if name != user {
				continue
			}
		case "acl_group":
			if !slices.Contains(groups, name) {
				continue
			}
		default:
			continue
		}
		for _, c := range s.Children {
			switch c.Name {
			case "role", "role_ref":
				if r := roles[c.ID()]; r != nil {
					p.addPerms(r)
				} else {
					p.Problems = append(p.Problems, fmt.Sprintf("%s %s: no acl_role %q", s.Name, name, c.ID()))
				}
			case "acl_permission", "read", "write", "deny": // 1.x acl_user held rules itself
				p.addPerm(c)
			}
		}
	}
	return p
}

func (p *Policy) addPerms(role *xmltree.Element) {
	for _, c := range role.Children {
		switch c.Name {
		case "acl_permission", "read", "write", "deny":
			p.addPerm(c)
		}
	}
}

func (p *Policy) addPerm(e *xmltree.Element) {
	kind := e.Attr("kind")
	if e.Name != "acl_permission" { // 1.x: <read .../>, <write .../>, <deny .../>
		kind = e.Name
	}
	pm := perm{id: e.ID(), objectType: e.Attr("object-type"), attribute: e.Attr("attribute"), reference: e.Attr("reference")}
	if pm.objectType == "" {
		pm.objectType = e.Attr("tag") // 1.x spelling
	}
	if pm.reference == "" {
		pm.reference = e.Attr("ref")
	}
	switch kind {
	case "read":
		pm.kind = kindRead
	case "write":
		pm.kind = kindWrite
	case "deny":
		pm.kind = kindDeny
	default:
		p.Problems = append(p.Problems, fmt.Sprintf("acl_permission %s: kind %q is not read, write or deny", pm.id, kind))
		return
	}
	if x := e.Attr("xpath"); x != "" {
		path, err := Compile(x)
		if err != nil {
			p.Problems = append(p.Problems, fmt.Sprintf("acl_permission %s: %v", pm.id, err))
			return
		}
		pm.xpath = path
	}
	if pm.xpath == nil && pm.objectType == "" && pm.reference == "" {
		p.Problems = append(p.Problems, fmt.Sprintf("acl_permission %s: no object-type, reference or xpath", pm.id))
		return
	}
	p.perms = append(p.perms, pm)
}

// Map is the effective access of every element of one tree.
type Map map[*xmltree.Element]Access

// Of is the access to e (Denied for an element not in the tree).
func (m Map) Of(e *xmltree.Element) Access { return m[e] }

// Evaluate computes the access to every element under root.
func (p *Policy) Evaluate(root *xmltree.Element) Map {
	own := map[*xmltree.Element]int8{} // the strongest permission on the element itself
	grant := func(e *xmltree.Element, k int8) {
		if k > own[e] {
			own[e] = k
		}
	}
	for _, pm := range p.perms {
		if pm.xpath != nil {
			for _, e := range pm.xpath.Select(root) {
				grant(e, pm.kind)
			}
		}
	}
	m := Map{}
	var walk func(e *xmltree.Element, inherited Access)
	walk = func(e *xmltree.Element, inherited Access) {
		for _, pm := range p.perms {
			if pm.xpath != nil {
				continue
			}
			if pm.reference != "" && e.ID() != pm.reference {
				continue
			}
			if pm.objectType != "" {
				if e.Name != pm.objectType {
					continue
				}
				if _, ok := e.AttrOK(pm.attribute); pm.attribute != "" && !ok {
					continue
				}
			}
			grant(e, pm.kind)
		}
		a := inherited
		switch own[e] {
		case kindRead:
			a = Read
		case kindWrite:
			a = Write
		case kindDeny:
			a = Denied
		}
		m[e] = a
		for _, c := range e.Children {
			walk(c, a)
		}
	}
	walk(root, Denied)
	return m
}

// Filter returns a copy of root with only what the user may read: a
// readable element whole (less its unreadable descendants); an unreadable
// one only as the scaffolding (its name and id) around readable
// descendants; nothing else.
func (p *Policy) Filter(root *xmltree.Element) *xmltree.Element {
	m := p.Evaluate(root)
	out := filter(root, m)
	if out == nil {
		out = &xmltree.Element{Name: root.Name}
	}
	return out
}

func filter(e *xmltree.Element, m Map) *xmltree.Element {
	var kids []*xmltree.Element
	for _, c := range e.Children {
		if k := filter(c, m); k != nil {
			kids = append(kids, k)
		}
	}
	readable := m[e] >= Read
	if !readable && len(kids) == 0 {
		return nil
	}
	n := &xmltree.Element{Name: e.Name, Line: e.Line}
	if readable {
		n.Attrs = slices.Clone(e.Attrs)
		// Text and comments stay only where no child was dropped: their
		// positions count children.
		if len(kids) == len(e.Children) {
			n.Misc = slices.Clone(e.Misc)
		}
	} else if id, ok := e.AttrOK("id"); ok {
		n.SetAttr("id", id)
	}
	for _, k := range kids {
		n.Append(k)
	}
	return n
}

// DeniedError is a write the ACLs do not allow.
type DeniedError struct {
	User string
	What string // the element's path, e.g. /cib/configuration/resources/primitive[@id='db']
	Why  string // "change", "removal" or "addition"
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("permission denied: ACLs do not let %s write %s (%s)", e.User, e.What, e.Why)
}

// CheckWrite compares the tree before and after a change and returns a
// *DeniedError for the first element the user changed, removed or added
// without write access. Access comes from the ACLs as they were before
// the change; an added element is judged where it lands in after.
// Elements carrying nothing but an id may be added as scaffolding around
// what the user may write.
func (p *Policy) CheckWrite(before, after *xmltree.Element) error {
	mb := p.Evaluate(before)
	ma := p.Evaluate(after)
	return p.check(before, after, mb, ma)
}

func (p *Policy) check(b, a *xmltree.Element, mb, ma Map) error {
	if !sameAttrs(b, a) || b.Text() != a.Text() {
		if mb[b] < Write {
			return &DeniedError{User: p.User, What: b.Path(), Why: "change"}
		}
	}
	pairs, removed, added := match(b.Children, a.Children)
	for _, r := range removed {
		if err := p.needAll(r, mb, "removal"); err != nil {
			return err
		}
	}
	for _, ad := range added {
		if err := p.needAdded(ad, ma); err != nil {
			return err
		}
	}
	for _, pr := range pairs {
		if err := p.check(pr[0], pr[1], mb, ma); err != nil {
			return err
		}
	}
	return nil
}

// needAll: removing e removes its subtree, so all of it must be writable.
func (p *Policy) needAll(e *xmltree.Element, m Map, why string) error {
	if m[e] < Write {
		return &DeniedError{User: p.User, What: e.Path(), Why: why}
	}
	for _, c := range e.Children {
		if err := p.needAll(c, m, why); err != nil {
			return err
		}
	}
	return nil
}

func (p *Policy) needAdded(e *xmltree.Element, m Map) error {
	if m[e] < Write && !scaffolding(e) {
		return &DeniedError{User: p.User, What: e.Path(), Why: "addition"}
	}
	for _, c := range e.Children {
		if err := p.needAdded(c, m); err != nil {
			return err
		}
	}
	return nil
}

func scaffolding(e *xmltree.Element) bool {
	for _, a := range e.Attrs {
		if a.Name != "id" {
			return false
		}
	}
	return strings.TrimSpace(e.Text()) == ""
}

func sameAttrs(a, b *xmltree.Element) bool {
	if len(a.Attrs) != len(b.Attrs) {
		return false
	}
	for _, x := range a.Attrs {
		if v, ok := b.AttrOK(x.Name); !ok || v != x.Value {
			return false
		}
	}
	return true
}

// match pairs children by name and id, or, without an id, by name and
// position among the same-named children without one.
func match(before, after []*xmltree.Element) (pairs [][2]*xmltree.Element, removed, added []*xmltree.Element) {
	key := func(list []*xmltree.Element) (map[string]*xmltree.Element, []string) {
		m := map[string]*xmltree.Element{}
		var order []string
		n := map[string]int{}
		for _, e := range list {
			k := e.Name + "\x00"
			if id, ok := e.AttrOK("id"); ok {
				k += "id:" + id
			} else {
				n[e.Name]++
				k += fmt.Sprintf("#%d", n[e.Name])
			}
			if _, dup := m[k]; dup {
				k += fmt.Sprintf("\x00dup%d", len(order))
			}
			m[k] = e
			order = append(order, k)
		}
		return m, order
	}
	bm, border := key(before)
	am, aorder := key(after)
	for _, k := range border {
		if a, ok := am[k]; ok {
			pairs = append(pairs, [2]*xmltree.Element{bm[k], a})
		} else {
			removed = append(removed, bm[k])
		}
	}
	for _, k := range aorder {
		if _, ok := bm[k]; !ok {
			added = append(added, am[k])
		}
	}
	return pairs, removed, added
}

// RestoreHidden puts back into proposed what the user could not read of
// current (a subtree of the CIB whose root is cib): a client that writes
// back the whole section it read from Filter would otherwise remove, or
// strip the attributes of, everything that was hidden from it. Elements
// hidden entirely come back where they were; scaffolding gets its
// attributes back. Something the user saw part of and left out stays out
// (CheckWrite then judges that removal).
func (p *Policy) RestoreHidden(cib, current, proposed *xmltree.Element) {
	restore(current, proposed, p.Evaluate(cib))
}

func restore(cur, prop *xmltree.Element, m Map) {
	if m[cur] < Read {
		prop.Attrs = slices.Clone(cur.Attrs)
	}
	pairs, removed, _ := match(cur.Children, prop.Children)
	for _, pr := range pairs {
		restore(pr[0], pr[1], m)
	}
	for _, r := range removed {
		if visible(r, m) {
			continue
		}
		i := slices.Index(cur.Children, r)
		c := r.Clone()
		if i > len(prop.Children) {
			i = len(prop.Children)
		}
		prop.Insert(i, c)
	}
}

// visible: the user could read e or something in it.
func visible(e *xmltree.Element, m Map) bool {
	if m[e] >= Read {
		return true
	}
	for _, c := range e.Children {
		if visible(c, m) {
			return true
		}
	}
	return false
}
