package crm

import (
	"fmt"
	"strconv"
	"strings"

	"pacer/share/xmltree"
)

// Statement is one crm configure object or command, parsed.
type Statement struct {
	// Kind is the crm keyword: node, primitive, group, clone, ms,
	// rsc_template, bundle, location, colocation, order, rsc_ticket,
	// property, rsc_defaults, op_defaults, fencing_topology, tag, alert,
	// role, acl_target, user, group... for objects; delete and rename for
	// commands; xml for raw XML objects.
	Kind string
	ID   string // object id; "" for commands
	Line int    // first source line
	Text string // the source, continuation lines joined

	// Elem is the CIB element the object becomes: <primitive>, <rsc_location>,
	// <cluster_property_set>, the <meta_attributes> of rsc_defaults, a whole
	// <fencing-topology>... nil for commands.
	Elem *xmltree.Element
	// Members are the ids of resources a group, clone, ms or bundle
	// contains; Apply moves those resources into Elem, in this order.
	Members []string
	// Args are a command's arguments (delete: ids; rename: old, new).
	Args []string

	// Comments are the '#' lines right before the statement, as written;
	// Apply keeps them as XML comments before the object.
	Comments []string

	// generated lists elements whose id Parse made up (nvpairs, sets, ops,
	// rules...), so Apply may renumber them when they clash.
	generated []*xmltree.Element
}

// Parse reads crm configure text: one object or command per logical line,
// backslash continuations, '#' comment lines. Errors are *SyntaxError and
// name the line, the column, the object and the offending token.
func Parse(text string) ([]*Statement, error) {
	raws, err := split(text)
	if err != nil {
		return nil, err
	}
	out := make([]*Statement, 0, len(raws))
	for _, r := range raws {
		st, err := parseStatement(r)
		if err != nil {
			return nil, err
		}
		st.Comments = r.Comments
		out = append(out, st)
	}
	return out, nil
}

// ParseObject parses a single object definition and returns its element.
// Group, clone and ms members are returned as empty <primitive id=...>
// placeholders; use Parse and Apply to place real resources.
func ParseObject(line string) (*xmltree.Element, error) {
	sts, err := Parse(line)
	if err != nil {
		return nil, err
	}
	if len(sts) != 1 {
		return nil, fmt.Errorf("expected one object, found %d statements", len(sts))
	}
	st := sts[0]
	if st.Elem == nil {
		return nil, fmt.Errorf("line %d: %s is a command, not an object", st.Line, st.Kind)
	}
	e := st.Elem.Clone()
	for _, m := range st.Members {
		e.Append(xmltree.New("primitive", "id", m))
	}
	return e, nil
}

type parser struct {
	toks []token
	i    int
	line int
	obj  string // "primitive p1" for messages
	ids  map[string]bool
	st   *Statement
}

func (p *parser) peek() *token {
	if p.i < len(p.toks) {
		return &p.toks[p.i]
	}
	return nil
}

func (p *parser) peekVal() string {
	if t := p.peek(); t != nil {
		return t.Val
	}
	return ""
}

func (p *parser) next() *token {
	t := p.peek()
	if t != nil {
		p.i++
	}
	return t
}

func (p *parser) done() bool { return p.i >= len(p.toks) }

// errf reports a problem at the current token.
func (p *parser) errf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	t := p.peek()
	if t == nil {
		e := &SyntaxError{Line: p.line, Object: p.obj, Msg: msg + ", found end of line"}
		if n := len(p.toks); n > 0 {
			last := p.toks[n-1]
			e.Line, e.Col = last.Line, last.Col+len(last.Val)
		}
		return e
	}
	return &SyntaxError{Line: t.Line, Col: t.Col, Object: p.obj, Msg: fmt.Sprintf("%s, found %q", msg, t.Val)}
}

// errAt reports a problem at token t (the one just read).
func (p *parser) errAt(t *token, format string, args ...any) error {
	return &SyntaxError{Line: t.Line, Col: t.Col, Object: p.obj, Msg: fmt.Sprintf(format, args...)}
}

// newID returns base, or base-0, base-1... the first not yet used in this
// statement, the way crmsh numbers generated ids.
func (p *parser) newID(base string) string {
	id := base
	for n := 0; p.ids[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	p.ids[id] = true
	return id
}

// gen makes an element with a generated id.
func (p *parser) gen(name, idBase string, attrs ...string) *xmltree.Element {
	e := xmltree.New(name)
	e.Attrs = append(e.Attrs, xmltree.Attr{Name: "id", Value: p.newID(sanitizeID(idBase))})
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Attrs = append(e.Attrs, xmltree.Attr{Name: attrs[i], Value: attrs[i+1]})
	}
	p.st.generated = append(p.st.generated, e)
	return e
}

// sanitizeID makes a generated id valid: an attribute name such as
// "master-rsc:0" must not put a colon into the nvpair's id.
func sanitizeID(s string) string {
	if validID(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c >= 0x80) {
			b[i] = '_'
		}
	}
	if len(b) == 0 || !(b[0] == '_' || b[0] >= 'a' && b[0] <= 'z' || b[0] >= 'A' && b[0] <= 'Z' || b[0] >= 0x80) {
		b = append([]byte{'_'}, b...)
	}
	return string(b)
}

// useID records an id given explicitly in the text.
func (p *parser) useID(t *token, id string) (string, error) {
	if !validID(id) {
		return "", p.errAt(t, "invalid id %q", id)
	}
	p.ids[id] = true
	return id, nil
}

// validID accepts what the CIB schema's XML ID type would: an NCName.
func validID(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f:
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

func (p *parser) expectID(what string) (string, error) {
	t := p.peek()
	if t == nil {
		return "", p.errf("expected %s", what)
	}
	if !validID(t.Val) {
		return "", p.errf("expected %s", what)
	}
	p.next()
	return p.useID(t, t.Val)
}

// kinds maps each object keyword to its parser.
var kinds map[string]func(*parser) error

func init() {
	kinds = map[string]func(*parser) error{
		"node":             (*parser).node,
		"primitive":        func(p *parser) error { return p.primitive("primitive") },
		"rsc_template":     func(p *parser) error { return p.primitive("template") },
		"group":            (*parser).group,
		"clone":            func(p *parser) error { return p.clone("clone") },
		"ms":               func(p *parser) error { return p.clone("master") },
		"master":           func(p *parser) error { return p.clone("master") },
		"bundle":           (*parser).bundle,
		"location":         (*parser).location,
		"colocation":       (*parser).colocation,
		"collocation":      (*parser).colocation,
		"order":            (*parser).order,
		"rsc_ticket":       (*parser).ticket,
		"property":         func(p *parser) error { return p.nvset("cluster_property_set", "cib-bootstrap-options") },
		"rsc_defaults":     func(p *parser) error { return p.nvset("meta_attributes", "rsc-options") },
		"op_defaults":      func(p *parser) error { return p.nvset("meta_attributes", "op-options") },
		"fencing_topology": (*parser).fencing,
		"tag":              (*parser).tag,
		"alert":            (*parser).alert,
		"role":             (*parser).aclRole,
		"acl_target":       func(p *parser) error { return p.aclTarget("acl_target") },
		"user":             func(p *parser) error { return p.aclTarget("acl_target") },
		"acl_group":        func(p *parser) error { return p.aclTarget("acl_group") },
		"delete":           (*parser).cmdDelete,
		"rename":           (*parser).cmdRename,
	}
}

func parseStatement(r rawStatement) (st *Statement, err error) {
	st = &Statement{Line: r.Line, Text: r.Text}
	kw := r.Toks[0]
	st.Kind = kw.Val
	if kw.Val == "xml" {
		return parseXMLStatement(st, r)
	}
	if kw.Val == "colocation" || kw.Val == "collocation" {
		st.Kind = "colocation"
	}
	if kw.Val == "master" {
		st.Kind = "ms"
	}
	fn := kinds[kw.Val]
	if fn == nil {
		return nil, &SyntaxError{Line: kw.Line, Col: kw.Col, Msg: fmt.Sprintf("unknown object or command %q (one of %s)", kw.Val, strings.Join(Keywords().Objects, ", "))}
	}
	p := &parser{toks: r.Toks, i: 1, line: r.Line, obj: kw.Val, ids: map[string]bool{}, st: st}
	if err := fn(p); err != nil {
		return nil, err
	}
	if !p.done() {
		return nil, p.errf("unexpected token")
	}
	if st.Elem != nil && st.ID == "" {
		st.ID = st.Elem.ID()
	}
	return st, nil
}

func parseXMLStatement(st *Statement, r rawStatement) (*Statement, error) {
	i := strings.Index(r.Text, "xml")
	body := strings.TrimSpace(r.Text[i+3:])
	e, err := xmltree.ParseElement(body)
	if err != nil {
		return nil, &SyntaxError{Line: r.Line, Object: "xml", Msg: err.Error()}
	}
	if (e.Name == "rsc_defaults" || e.Name == "op_defaults") && len(e.Children) == 1 && e.Children[0].Name == "meta_attributes" {
		// Show's xml form of a defaults set names its section.
		st.Kind = e.Name
		st.Elem = e.Children[0]
		st.Elem.Parent = nil
		st.ID = st.Elem.ID()
		return st, nil
	}
	if e.Name == "meta_attributes" {
		// crmsh writes a defaults set it cannot print as a bare
		// <meta_attributes>; operation options tell op_defaults.
		st.Kind = "rsc_defaults"
		e.Walk(func(x *xmltree.Element) bool {
			if x.Name == "op_expression" || x.Name == "nvpair" && opAttrs[x.Attr("name")] {
				st.Kind = "op_defaults"
			}
			return true
		})
		st.Elem, st.ID = e, e.ID()
		return st, nil
	}
	st.Elem = e
	st.ID = e.ID()
	st.Kind = KindOf(e)
	if st.Kind == "" {
		return nil, &SyntaxError{Line: r.Line, Object: "xml", Msg: fmt.Sprintf("element <%s> is not a configuration object", e.Name)}
	}
	// Group and clone members given in XML come with their definitions.
	return st, nil
}

// KindOf names the crm keyword for a configuration element ("" when it
// is not a configuration object).
func KindOf(e *xmltree.Element) string {
	switch e.Name {
	case "node", "primitive", "group", "clone", "bundle", "tag", "alert":
		return e.Name
	case "master":
		return "ms"
	case "template":
		return "rsc_template"
	case "rsc_location":
		return "location"
	case "rsc_colocation":
		return "colocation"
	case "rsc_order":
		return "order"
	case "rsc_ticket":
		return "rsc_ticket"
	case "cluster_property_set":
		return "property"
	case "fencing-topology":
		return "fencing_topology"
	case "acl_role":
		return "role"
	case "acl_target", "acl_user":
		return "acl_target"
	case "acl_group":
		return "acl_group"
	}
	return ""
}

// idAndObj reads the object id and names the object in later messages.
func (p *parser) idAndObj(kind string) (string, error) {
	id, err := p.expectID("id after " + kind)
	if err != nil {
		return "", err
	}
	p.obj = kind + " " + id
	p.st.ID = id
	return id, nil
}

// splitNV splits "name=value"; ok is false when there is no '='.
func splitNV(s string) (name, value string, ok bool) {
	i := strings.IndexByte(s, '=')
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// ---- scores

// parseScore turns crm's score spelling into the CIB's: inf, +inf,
// INFINITY, mandatory -> INFINITY; advisory -> 0. ok is false when s is
// not a score (then it may be a score attribute name).
func parseScore(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "inf", "infinity", "mandatory":
		return "INFINITY", true
	case "+inf", "+infinity":
		return "+INFINITY", true
	case "-inf", "-infinity":
		return "-INFINITY", true
	case "advisory":
		return "0", true
	}
	if s == "" {
		return "", false
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i = 1
	}
	if i == len(s) {
		return "", false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	return s, true
}

// scoreText prints a CIB score the way crm writes it.
func scoreText(s string) string {
	switch strings.ToUpper(s) {
	case "INFINITY":
		return "inf"
	case "+INFINITY":
		return "+inf"
	case "-INFINITY":
		return "-inf"
	}
	return s
}

// isScoreToken reports whether t is "SCORE:".
func isScoreToken(t *token) bool {
	if t == nil || !strings.HasSuffix(t.Val, ":") || t.Quoted {
		return false
	}
	_, ok := parseScore(strings.TrimSuffix(t.Val, ":"))
	return ok
}

// ---- attribute sets

// setKeywords end an attribute list.
var setKeywords = map[string]bool{
	"params": true, "meta": true, "utilization": true, "attributes": true,
	"op": true, "operations": true, "op_params": true, "op_meta": true,
	"rule": true, "to": true, "select": true, "}": true,
}

// attrSet parses "[$id=X|$id-ref=X] [SCORE:] [rule ...]... name=value..."
// into an element called setName whose generated id is idBase.
// appendSet reads an attribute set of the given kind (instance_attributes,
// meta_attributes, utilization...) into e, its id generated as
// OWNER-KIND the way crmsh names it.
func (p *parser) appendSet(e *xmltree.Element, kind, owner string) error {
	s, err := p.attrSet(kind, owner+"-"+kind)
	if err != nil {
		return err
	}
	e.Append(s)
	return nil
}

func (p *parser) attrSet(setName, idBase string) (*xmltree.Element, error) {
	var set *xmltree.Element
	if t := p.peek(); t != nil {
		if n, v, ok := splitNV(t.Val); ok && (n == "$id" || n == "$id-ref") {
			p.next()
			set = xmltree.New(setName)
			if n == "$id" {
				id, err := p.useID(t, v)
				if err != nil {
					return nil, err
				}
				set.SetAttr("id", id)
			} else {
				set.SetAttr("id-ref", v)
				return set, nil
			}
		}
	}
	if set == nil {
		set = p.gen(setName, idBase)
	}
	if t := p.peek(); isScoreToken(t) {
		p.next()
		sc, _ := parseScore(strings.TrimSuffix(t.Val, ":"))
		set.SetAttr("score", sc)
	}
	for p.peekVal() == "rule" {
		r, err := p.rule(set.ID())
		if err != nil {
			return nil, err
		}
		set.Append(r)
	}
	for {
		t := p.peek()
		if t == nil || setKeywords[t.Val] && !t.Quoted {
			break
		}
		if strings.HasPrefix(t.Val, "@") && len(t.Val) > 1 && !strings.Contains(t.Val, "=") {
			// crmsh's "@ID": a reference to an nvpair defined elsewhere.
			p.next()
			set.Append(xmltree.New("nvpair", "id-ref", t.Val[1:]))
			continue
		}
		n, v, ok := splitNV(t.Val)
		if !ok {
			break
		}
		nvID := ""
		if strings.HasPrefix(n, "$") {
			// crmsh's "$ID:NAME=VALUE": the nvpair's own id, so that
			// another set can refer to it with @ID.
			id, name, found := strings.Cut(n[1:], ":")
			if !found || name == "" {
				return nil, p.errf("unexpected %s in attribute list (an nvpair id is written $ID:NAME=VALUE)", n)
			}
			var err error
			if nvID, err = p.useID(t, id); err != nil {
				return nil, err
			}
			n = name
		}
		p.next()
		if nvID != "" {
			set.Append(xmltree.New("nvpair", "id", nvID, "name", n, "value", v))
			continue
		}
		set.Append(p.gen("nvpair", set.ID()+"-"+n, "name", n, "value", v))
	}
	return set, nil
}
