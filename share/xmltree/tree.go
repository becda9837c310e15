// Package xmltree is a lossless XML element tree for the CIB.
//
// Pacemaker's CIB is plain XML: elements, attributes, an occasional comment.
// Admins bring their own cib.xml and expect every element and attribute they
// wrote — including ones Pacer does not understand — to survive a load and a
// save. So the tree is the source of truth: typed views (package cib) are read
// from it, and edits are made on it. Element and attribute order is kept;
// comments, processing instructions and non-blank text are kept in place.
package xmltree

import (
	"strconv"
	"strings"
)

// Attr is one attribute, in document order.
type Attr struct {
	Name  string
	Value string
}

// MiscKind says what a non-element piece of content is.
type MiscKind uint8

const (
	Comment   MiscKind = iota + 1 // <!--...-->
	Text                          // character data that is not only white space
	CData                         // <![CDATA[...]]>
	ProcInst                      // <?target ...?>
	Directive                     // <!DOCTYPE ...> and friends
)

// Misc is content other than a child element. Before is the index in Children
// it precedes (len(Children) means after the last child).
type Misc struct {
	Kind   MiscKind
	Data   string
	Before int
}

// Element is one XML element.
type Element struct {
	Name     string
	Attrs    []Attr
	Children []*Element
	Misc     []Misc
	Parent   *Element
	Line     int // 1-based source line of the start tag; 0 when built in memory
}

// Document is a whole file: what comes before the root, and the root.
type Document struct {
	Prolog []Misc // XML declaration, comments, doctype before the root
	Root   *Element
	// Epilog holds comments and PIs after the root element.
	Epilog []Misc
}

// New returns an element with the given attributes given as name, value pairs.
func New(name string, attrs ...string) *Element {
	e := &Element{Name: name}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Attrs = append(e.Attrs, Attr{attrs[i], attrs[i+1]})
	}
	return e
}

// Attr returns the value of attribute name, or "".
func (e *Element) Attr(name string) string {
	for i := range e.Attrs {
		if e.Attrs[i].Name == name {
			return e.Attrs[i].Value
		}
	}
	return ""
}

// AttrOK returns the value of attribute name and whether it is present.
func (e *Element) AttrOK(name string) (string, bool) {
	for i := range e.Attrs {
		if e.Attrs[i].Name == name {
			return e.Attrs[i].Value, true
		}
	}
	return "", false
}

// ID is shorthand for Attr("id").
func (e *Element) ID() string { return e.Attr("id") }

// SetAttr sets an attribute, keeping its position when it exists and
// appending it otherwise.
func (e *Element) SetAttr(name, value string) {
	for i := range e.Attrs {
		if e.Attrs[i].Name == name {
			e.Attrs[i].Value = value
			return
		}
	}
	e.Attrs = append(e.Attrs, Attr{name, value})
}

// DelAttr removes an attribute; it reports whether it was there.
func (e *Element) DelAttr(name string) bool {
	for i := range e.Attrs {
		if e.Attrs[i].Name == name {
			e.Attrs = append(e.Attrs[:i], e.Attrs[i+1:]...)
			return true
		}
	}
	return false
}

// Child returns the first child element called name, or nil.
func (e *Element) Child(name string) *Element {
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ChildrenNamed returns the child elements called name, in order.
func (e *Element) ChildrenNamed(name string) []*Element {
	var out []*Element
	for _, c := range e.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Append adds c as the last child.
func (e *Element) Append(c *Element) *Element {
	c.Parent = e
	e.Children = append(e.Children, c)
	return c
}

// Insert puts c at index i among the children, keeping misc content anchored
// to the element it preceded.
func (e *Element) Insert(i int, c *Element) {
	if i < 0 || i > len(e.Children) {
		i = len(e.Children)
	}
	c.Parent = e
	e.Children = append(e.Children, nil)
	copy(e.Children[i+1:], e.Children[i:])
	e.Children[i] = c
	for k := range e.Misc {
		if e.Misc[k].Before > i || (e.Misc[k].Before == i && i < len(e.Children)-1) {
			e.Misc[k].Before++
		}
	}
}

// Remove deletes child c; it reports whether c was a child of e.
func (e *Element) Remove(c *Element) bool {
	for i, x := range e.Children {
		if x == c {
			e.Children = append(e.Children[:i], e.Children[i+1:]...)
			for k := range e.Misc {
				if e.Misc[k].Before > i {
					e.Misc[k].Before--
				}
			}
			c.Parent = nil
			return true
		}
	}
	return false
}

// Replace puts n where old was; it reports whether old was a child of e.
func (e *Element) Replace(old, n *Element) bool {
	for i, x := range e.Children {
		if x == old {
			n.Parent = e
			e.Children[i] = n
			old.Parent = nil
			return true
		}
	}
	return false
}

// Text returns the concatenated character data directly inside e.
func (e *Element) Text() string {
	var b strings.Builder
	for _, m := range e.Misc {
		if m.Kind == Text || m.Kind == CData {
			b.WriteString(m.Data)
		}
	}
	return b.String()
}

// Clone returns a deep copy of e with no parent.
func (e *Element) Clone() *Element {
	n := &Element{Name: e.Name, Line: e.Line}
	if e.Attrs != nil {
		n.Attrs = append([]Attr(nil), e.Attrs...)
	}
	if e.Misc != nil {
		n.Misc = append([]Misc(nil), e.Misc...)
	}
	if len(e.Children) > 0 {
		n.Children = make([]*Element, len(e.Children))
		for i, c := range e.Children {
			cc := c.Clone()
			cc.Parent = n
			n.Children[i] = cc
		}
	}
	return n
}

// Walk calls fn for e and every descendant in document order; returning
// false from fn skips that element's children.
func (e *Element) Walk(fn func(*Element) bool) {
	if !fn(e) {
		return
	}
	for _, c := range e.Children {
		c.Walk(fn)
	}
}

// Find returns the first descendant-or-self for which match is true.
func (e *Element) Find(match func(*Element) bool) *Element {
	var found *Element
	e.Walk(func(x *Element) bool {
		if found != nil {
			return false
		}
		if match(x) {
			found = x
			return false
		}
		return true
	})
	return found
}

// FindID returns the first descendant-or-self with attribute id equal to id.
func (e *Element) FindID(id string) *Element {
	return e.Find(func(x *Element) bool { return x.Attr("id") == id })
}

// Path names e for error messages, like an XPath:
// /cib/configuration/resources/primitive[@id='rsc1']/operations/op[2].
func (e *Element) Path() string {
	var parts []string
	for x := e; x != nil; x = x.Parent {
		seg := x.Name
		if id, ok := x.AttrOK("id"); ok {
			seg += "[@id='" + id + "']"
		} else if x.Parent != nil {
			n, pos := 0, 0
			for _, s := range x.Parent.Children {
				if s.Name == x.Name {
					n++
					if s == x {
						pos = n
					}
				}
			}
			if n > 1 {
				seg += "[" + strconv.Itoa(pos) + "]"
			}
		}
		parts = append(parts, seg)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(parts[i])
	}
	return b.String()
}

// Equal reports whether two trees have the same names, attributes (in
// order), children and misc content.
func Equal(a, b *Element) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Name != b.Name || len(a.Attrs) != len(b.Attrs) || len(a.Children) != len(b.Children) || len(a.Misc) != len(b.Misc) {
		return false
	}
	for i := range a.Attrs {
		if a.Attrs[i] != b.Attrs[i] {
			return false
		}
	}
	for i := range a.Misc {
		if a.Misc[i] != b.Misc[i] {
			return false
		}
	}
	for i := range a.Children {
		if !Equal(a.Children[i], b.Children[i]) {
			return false
		}
	}
	return true
}
