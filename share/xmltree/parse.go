package xmltree

import (
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// SyntaxError is malformed XML, with where it was found.
type SyntaxError struct {
	File string // may be empty
	Line int
	Col  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	where := "line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Col)
	if e.File != "" {
		where = e.File + ": " + where
	}
	return where + ": " + e.Msg
}

// maxDepth bounds nesting so a hostile file cannot exhaust the stack.
const maxDepth = 256

// ParseFile reads and parses a file; errors name the file.
func ParseFile(path string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("BZh")) {
		// Pacemaker keeps the scheduler's inputs bzip2-compressed
		// (pe-input-N.bz2), and its tools read them as they are.
		if data, err = io.ReadAll(bzip2.NewReader(bytes.NewReader(data))); err != nil {
			return nil, fmt.Errorf("%s: bzip2: %w", path, err)
		}
	}
	// The buffer is ours and never written again, so the parser may
	// share it instead of copying it.
	var src string
	if len(data) > 0 {
		src = unsafe.String(&data[0], len(data))
	}
	doc, err := parse(data, src)
	if se, ok := err.(*SyntaxError); ok {
		se.File = path
	}
	return doc, err
}

// Parse reads a whole document from r.
func Parse(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return ParseBytes(data)
}

// ParseString parses a document held in a string.
func ParseString(s string) (*Document, error) { return ParseBytes([]byte(s)) }

// ParseElement parses a fragment holding exactly one element.
func ParseElement(s string) (*Element, error) {
	d, err := ParseString(s)
	if err != nil {
		return nil, err
	}
	return d.Root, nil
}

// ParseBytes parses a document. It is a small hand-written parser rather
// than encoding/xml because a CIB of a large cluster is megabytes and is
// parsed on every change; this one is several times faster and keeps what
// encoding/xml would drop (attribute order is the same, but comments and
// their positions come for free here).
func ParseBytes(data []byte) (*Document, error) {
	return parse(data, string(data))
}

func parse(data []byte, src string) (*Document, error) {
	p := &parser{data: data, src: src, line: 1, names: make(map[string]string, 256)}
	return p.document()
}

type parser struct {
	data      []byte
	src       string // one copy of data: values without escapes are substrings of it
	pos       int
	line      int
	lineStart int
	names     map[string]string // interning: CIBs repeat the same few names
	// Slabs: elements and attributes are allocated in chunks, since a
	// large CIB has hundreds of thousands of each.
	elems []Element
	attrs []Attr     // scratch stack of attributes being read
	slab  []Attr     // where finished attribute lists live
	kids  []*Element // scratch stack for children being collected
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{Line: p.line, Col: p.col(p.pos), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) errAt(pos, line, lineStart int, format string, args ...any) error {
	return &SyntaxError{Line: line, Col: utf8.RuneCount(p.data[lineStart:pos]) + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) col(pos int) int {
	if pos > len(p.data) {
		pos = len(p.data)
	}
	if p.lineStart > pos {
		return 1
	}
	return utf8.RuneCount(p.data[p.lineStart:pos]) + 1
}

// advance moves to pos, counting newlines on the way.
func (p *parser) advance(to int) {
	for i := p.pos; i < to; i++ {
		if p.data[i] == '\n' {
			p.line++
			p.lineStart = i + 1
		}
	}
	p.pos = to
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\n':
			p.line++
			p.lineStart = p.pos + 1
		case ' ', '\t', '\r':
		default:
			return
		}
		p.pos++
	}
}

func (p *parser) intern(b []byte) string {
	if s, ok := p.names[string(b)]; ok {
		return s
	}
	s := string(b)
	p.names[s] = s
	return s
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}

func (p *parser) name() (string, error) {
	start := p.pos
	if p.pos >= len(p.data) || !isNameStart(p.data[p.pos]) {
		if p.pos >= len(p.data) {
			return "", p.errf("unexpected end of file, expected a name")
		}
		return "", p.errf("expected a name, found %q", p.data[p.pos])
	}
	for p.pos < len(p.data) && isNameChar(p.data[p.pos]) {
		p.pos++
	}
	return p.intern(p.data[start:p.pos]), nil
}

func (p *parser) document() (*Document, error) {
	doc := &Document{}
	// A UTF-8 byte order mark is allowed and dropped.
	if bytes.HasPrefix(p.data, []byte("\xef\xbb\xbf")) {
		p.pos = 3
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) {
			if doc.Root == nil {
				return nil, p.errf("no root element")
			}
			return doc, nil
		}
		if p.data[p.pos] != '<' {
			return nil, p.errf("text outside the root element")
		}
		if doc.Root == nil && p.pos+1 < len(p.data) && isNameStart(p.data[p.pos+1]) {
			root, err := p.element(nil, 0)
			if err != nil {
				return nil, err
			}
			doc.Root = root
			continue
		}
		if p.pos+1 < len(p.data) && isNameStart(p.data[p.pos+1]) {
			return nil, p.errf("a second root element")
		}
		m, err := p.misc()
		if err != nil {
			return nil, err
		}
		if m.Kind == Text {
			return nil, p.errf("text outside the root element")
		}
		if doc.Root == nil {
			doc.Prolog = append(doc.Prolog, m)
		} else {
			doc.Epilog = append(doc.Epilog, m)
		}
	}
}

// misc parses a comment, PI, CDATA or directive starting at '<'.
func (p *parser) misc() (Misc, error) {
	rest := p.data[p.pos:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		end := bytes.Index(rest[4:], []byte("-->"))
		if end < 0 {
			return Misc{}, p.errf("comment not closed")
		}
		m := Misc{Kind: Comment, Data: string(rest[4 : 4+end])}
		p.advance(p.pos + 4 + end + 3)
		return m, nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		end := bytes.Index(rest[9:], []byte("]]>"))
		if end < 0 {
			return Misc{}, p.errf("CDATA section not closed")
		}
		m := Misc{Kind: CData, Data: string(rest[9 : 9+end])}
		p.advance(p.pos + 9 + end + 3)
		return m, nil
	case bytes.HasPrefix(rest, []byte("<?")):
		end := bytes.Index(rest[2:], []byte("?>"))
		if end < 0 {
			return Misc{}, p.errf("processing instruction not closed")
		}
		m := Misc{Kind: ProcInst, Data: string(rest[2 : 2+end])}
		p.advance(p.pos + 2 + end + 2)
		return m, nil
	case bytes.HasPrefix(rest, []byte("<!")):
		// A directive may hold an internal subset in brackets.
		depth := 0
		for i := 2; i < len(rest); i++ {
			switch rest[i] {
			case '[':
				depth++
			case ']':
				depth--
			case '>':
				if depth <= 0 {
					m := Misc{Kind: Directive, Data: string(rest[2:i])}
					p.advance(p.pos + i + 1)
					return m, nil
				}
			}
		}
		return Misc{}, p.errf("directive not closed")
	}
	if len(rest) > 1 {
		return Misc{}, p.errf("unexpected %q after '<'", rest[1])
	}
	return Misc{}, p.errf("unexpected end of file after '<'")
}

// element parses one element starting at '<'.
func (p *parser) element(parent *Element, depth int) (*Element, error) {
	if depth >= maxDepth {
		return nil, p.errf("elements nested more than %d deep", maxDepth)
	}
	startPos, startLine, startLS := p.pos, p.line, p.lineStart
	p.pos++ // '<'
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	e := p.newElement()
	e.Name, e.Parent, e.Line = name, parent, startLine
	attrStart := len(p.attrs)
	// attributes
	for {
		hadSpace := p.pos < len(p.data) && isSpace(p.data[p.pos])
		p.skipSpace()
		if p.pos >= len(p.data) {
			return nil, p.errAt(startPos, startLine, startLS, "start tag <%s> not closed", name)
		}
		c := p.data[p.pos]
		if c == '/' {
			if p.pos+1 < len(p.data) && p.data[p.pos+1] == '>' {
				p.pos += 2
				e.Attrs = p.takeAttrs(attrStart)
				return e, nil
			}
			return nil, p.errf("expected '/>' in <%s>", name)
		}
		if c == '>' {
			p.pos++
			e.Attrs = p.takeAttrs(attrStart)
			break
		}
		if !hadSpace {
			return nil, p.errf("expected white space before attribute in <%s>", name)
		}
		aname, err := p.name()
		if err != nil {
			return nil, fmt.Errorf("%w (in <%s>)", err, name)
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '=' {
			return nil, p.errf("attribute %s of <%s> has no value", aname, name)
		}
		p.pos++
		p.skipSpace()
		if p.pos >= len(p.data) || (p.data[p.pos] != '"' && p.data[p.pos] != '\'') {
			return nil, p.errf("value of attribute %s of <%s> is not quoted", aname, name)
		}
		val, err := p.quoted()
		if err != nil {
			return nil, fmt.Errorf("%w (attribute %s of <%s>)", err, aname, name)
		}
		for _, a := range p.attrs[attrStart:] {
			if a.Name == aname {
				return nil, p.errf("attribute %s repeated in <%s>", aname, name)
			}
		}
		p.attrs = append(p.attrs, Attr{aname, val})
	}
	// content: children are collected on a shared stack and copied out
	// at the end tag, so each element gets an exactly sized slice.
	kidStart := len(p.kids)
	defer func() { p.kids = p.kids[:kidStart] }()
	for {
		textStart := p.pos
		i := bytes.IndexByte(p.data[p.pos:], '<')
		if i < 0 {
			p.advance(len(p.data))
			return nil, p.errAt(startPos, startLine, startLS, "element <%s> not closed", name)
		}
		if i > 0 {
			raw := p.data[textStart : textStart+i]
			p.advance(textStart + i)
			if !allSpace(raw) {
				txt, err := p.unescape(raw)
				if err != nil {
					return nil, err
				}
				e.Misc = append(e.Misc, Misc{Kind: Text, Data: txt, Before: len(p.kids) - kidStart})
			}
		}
		if p.pos+1 >= len(p.data) {
			return nil, p.errAt(startPos, startLine, startLS, "element <%s> not closed", name)
		}
		switch c := p.data[p.pos+1]; {
		case c == '/':
			p.pos += 2
			end, err := p.name()
			if err != nil {
				return nil, err
			}
			if end != name {
				return nil, p.errf("end tag </%s> does not match <%s> of line %d", end, name, startLine)
			}
			p.skipSpace()
			if p.pos >= len(p.data) || p.data[p.pos] != '>' {
				return nil, p.errf("end tag </%s> not closed", name)
			}
			p.pos++
			if n := len(p.kids) - kidStart; n > 0 {
				e.Children = make([]*Element, n)
				copy(e.Children, p.kids[kidStart:])
			}
			return e, nil
		case isNameStart(c):
			child, err := p.element(e, depth+1)
			if err != nil {
				return nil, err
			}
			p.kids = append(p.kids, child)
		default:
			m, err := p.misc()
			if err != nil {
				return nil, err
			}
			if m.Kind == Directive {
				return nil, p.errf("directive inside <%s>", name)
			}
			m.Before = len(p.kids) - kidStart
			e.Misc = append(e.Misc, m)
		}
	}
}

func (p *parser) newElement() *Element {
	if len(p.elems) == 0 {
		p.elems = make([]Element, 512)
	}
	e := &p.elems[0]
	p.elems = p.elems[1:]
	return e
}

// takeAttrs moves the attributes collected since start into a slice of
// their own (capacity-limited so that a later SetAttr cannot overwrite a
// neighbour's attributes).
func (p *parser) takeAttrs(start int) []Attr {
	n := len(p.attrs) - start
	if n == 0 {
		p.attrs = p.attrs[:start]
		return nil
	}
	if p.slab == nil || len(p.slab)+n > cap(p.slab) {
		p.slab = make([]Attr, 0, max(4096, n))
	}
	off := len(p.slab)
	p.slab = append(p.slab, p.attrs[start:]...)
	p.attrs = p.attrs[:start]
	return p.slab[off : off+n : off+n]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func allSpace(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// quoted reads a quoted attribute value at p.pos and unescapes it.
func (p *parser) quoted() (string, error) {
	q := p.data[p.pos]
	p.pos++
	start := p.pos
	end := bytes.IndexByte(p.data[start:], q)
	if end < 0 {
		return "", p.errf("attribute value not closed")
	}
	raw := p.data[start : start+end]
	if i := bytes.IndexByte(raw, '<'); i >= 0 {
		p.advance(start + i)
		return "", p.errf("'<' in attribute value")
	}
	var val string
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\n') < 0 {
		val = p.src[start : start+end]
		p.pos = start + end + 1
		return val, nil
	}
	p.advance(start)
	v, err := p.unescape(raw)
	if err != nil {
		return "", err
	}
	p.advance(start + end + 1)
	return v, nil
}

// unescape resolves the five predefined entities and character references.
func (p *parser) unescape(raw []byte) (string, error) {
	if bytes.IndexByte(raw, '&') < 0 {
		return string(raw), nil
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '&' {
			out = append(out, c)
			continue
		}
		semi := bytes.IndexByte(raw[i:], ';')
		if semi < 0 {
			return "", p.errf("'&' without ';' (write &amp; for a literal ampersand)")
		}
		ent := string(raw[i+1 : i+semi])
		switch ent {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return "", p.errf("unknown entity &%s;", ent)
			}
			var n uint64
			var err error
			if ent[1] == 'x' || ent[1] == 'X' {
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			} else {
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			}
			if err != nil || n == 0 || n > utf8.MaxRune || !utf8.ValidRune(rune(n)) {
				return "", p.errf("bad character reference &%s;", ent)
			}
			out = utf8.AppendRune(out, rune(n))
		}
		i += semi
	}
	return string(out), nil
}
