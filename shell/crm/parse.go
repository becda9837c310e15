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

	// Comments are the '#' lines right before the statement, without the
	// '#'; Apply keeps them as XML comments before the object.
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
	e.Attrs = append(e.Attrs, xmltree.Attr{Name: "id", Value: p.newID(idBase)})
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Attrs = append(e.Attrs, xmltree.Attr{Name: attrs[i], Value: attrs[i+1]})
	}
	p.st.generated = append(p.st.generated, e)
	return e
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
	st.Elem = e
	st.ID = e.ID()
	st.Kind = kindOfElement(e)
	if st.Kind == "" {
		return nil, &SyntaxError{Line: r.Line, Object: "xml", Msg: fmt.Sprintf("element <%s> is not a configuration object", e.Name)}
	}
	// Group and clone members given in XML come with their definitions.
	return st, nil
}

// kindOfElement names the crm keyword for a configuration element.
func kindOfElement(e *xmltree.Element) string {
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
		n, v, ok := splitNV(t.Val)
		if !ok {
			break
		}
		if strings.HasPrefix(n, "$") {
			return nil, p.errf("unexpected %s in attribute list", n)
		}
		p.next()
		set.Append(p.gen("nvpair", set.ID()+"-"+n, "name", n, "value", v))
	}
	return set, nil
}

// ---- rules

var binaryOps = map[string]bool{"lt": true, "gt": true, "lte": true, "gte": true, "eq": true, "ne": true}

var durationKeys = map[string]bool{
	"hours": true, "monthdays": true, "weekdays": true, "yeardays": true, "months": true,
	"weeks": true, "years": true, "weekyears": true, "moon": true, "minutes": true, "seconds": true,
}

// rule parses "rule [$id=X] [$role=R] SCORE: expression [and|or expression]...".
func (p *parser) rule(parentID string) (*xmltree.Element, error) {
	p.next() // "rule"
	r := xmltree.New("rule")
	var explicitID string
	for {
		t := p.peek()
		if t == nil {
			return nil, p.errf("expected score in rule")
		}
		n, v, ok := splitNV(t.Val)
		if !ok || !strings.HasPrefix(n, "$") {
			break
		}
		p.next()
		switch n {
		case "$id":
			id, err := p.useID(t, v)
			if err != nil {
				return nil, err
			}
			explicitID = id
		case "$id-ref":
			r.SetAttr("id-ref", v)
			return r, nil
		case "$role":
			r.SetAttr("role", v)
		default:
			return nil, p.errAt(t, "unknown rule option %s", n)
		}
	}
	if explicitID != "" {
		r.Attrs = append([]xmltree.Attr{{Name: "id", Value: explicitID}}, r.Attrs...)
	} else {
		g := p.gen("rule", parentID+"-rule")
		r.Attrs = append(g.Attrs, r.Attrs...)
		p.st.generated[len(p.st.generated)-1] = r
	}
	t := p.peek()
	if t == nil {
		return nil, p.errf("expected score or expression in rule")
	}
	if strings.HasSuffix(t.Val, ":") && len(t.Val) >= 2 && !t.Quoted {
		p.next()
		s := strings.TrimSuffix(t.Val, ":")
		if sc, ok := parseScore(s); ok {
			r.SetAttr("score", sc)
		} else {
			r.SetAttr("score-attribute", s)
		}
	} else {
		// crm leaves out an infinite score.
		r.SetAttr("score", "INFINITY")
	}
	boolOp := ""
	for {
		if err := p.expression(r); err != nil {
			return nil, err
		}
		op := p.peekVal()
		if op != "and" && op != "or" {
			break
		}
		if boolOp != "" && op != boolOp {
			return nil, p.errf("cannot mix and with or in one rule (use nested rules in XML)")
		}
		boolOp = op
		p.next()
	}
	if boolOp == "or" {
		// "and" is the default, and crmsh writes it only when needed.
		r.SetAttr("boolean-op", boolOp)
	}
	return r, nil
}

// expression parses one simple expression into rule r.
func (p *parser) expression(r *xmltree.Element) error {
	t := p.next()
	if t == nil {
		return p.errf("expected expression")
	}
	base := r.ID() + "-expression"
	switch {
	case (t.Val == "defined" || t.Val == "not_defined") && !t.Quoted:
		a := p.next()
		if a == nil {
			return p.errf("expected attribute after %s", t.Val)
		}
		r.Append(p.gen("expression", base, "operation", t.Val, "attribute", a.Val))
		return nil
	case t.Val == "date" && !t.Quoted:
		return p.dateExpr(r, base)
	}
	attr := t.Val
	opTok := p.next()
	if opTok == nil {
		return p.errf("expected operator after %q", attr)
	}
	op, typ := opTok.Val, ""
	if i := strings.IndexByte(op, ':'); i > 0 {
		typ, op = op[:i], op[i+1:]
	}
	if !binaryOps[op] {
		return p.errAt(opTok, "expected operator (lt, gt, lte, gte, eq, ne, defined, not_defined) after %q, found %q", attr, opTok.Val)
	}
	v := p.next()
	if v == nil {
		return p.errf("expected value after %s %s", attr, opTok.Val)
	}
	e := p.gen("expression", base, "operation", op, "attribute", attr)
	if typ != "" {
		e.SetAttr("type", typ)
	}
	val := v.Val
	for _, src := range []string{"param", "meta"} {
		if !v.Quoted && strings.HasPrefix(val, src+"{") && strings.HasSuffix(val, "}") {
			e.SetAttr("value-source", src)
			val = val[len(src)+1 : len(val)-1]
			break
		}
	}
	e.SetAttr("value", val)
	// crmsh's attribute order: operation, attribute, type, value.
	r.Append(e)
	return nil
}

func (p *parser) dateExpr(r *xmltree.Element, base string) error {
	opTok := p.next()
	if opTok == nil {
		return p.errf("expected gt, lt, in_range or date_spec after date")
	}
	switch opTok.Val {
	case "gt", "lt":
		v := p.next()
		if v == nil {
			return p.errf("expected date after date %s", opTok.Val)
		}
		attr := "start"
		if opTok.Val == "lt" {
			attr = "end"
		}
		r.Append(p.gen("date_expression", base, "operation", opTok.Val, attr, v.Val))
		return nil
	case "in_range", "in":
		e := p.gen("date_expression", base, "operation", "in_range")
		var dur *xmltree.Element
		n := 0
		for {
			t := p.peek()
			if t == nil {
				break
			}
			k, v, ok := splitNV(t.Val)
			if !ok {
				break
			}
			switch {
			case k == "start" || k == "end":
				e.SetAttr(k, v)
			case durationKeys[k]:
				if dur == nil {
					dur = p.gen("duration", e.ID()+"-duration")
					e.Append(dur)
				}
				dur.SetAttr(k, v)
			default:
				goto out
			}
			p.next()
			n++
		}
	out:
		if n == 0 {
			return p.errf("expected start=, end= or a duration after date in_range")
		}
		r.Append(e)
		return nil
	case "date_spec", "spec":
		e := p.gen("date_expression", base, "operation", "date_spec")
		ds := p.gen("date_spec", e.ID()+"-date_spec")
		e.Append(ds)
		n := 0
		for {
			t := p.peek()
			if t == nil {
				break
			}
			k, v, ok := splitNV(t.Val)
			if !ok || !durationKeys[k] {
				break
			}
			p.next()
			ds.SetAttr(k, v)
			n++
		}
		if n == 0 {
			return p.errf("expected fields like hours=9-17 after date date_spec")
		}
		r.Append(e)
		return nil
	}
	return p.errAt(opTok, "expected gt, lt, in_range or date_spec after date, found %q", opTok.Val)
}

// ---- node

func (p *parser) node() error {
	e := xmltree.New("node")
	var id string
	if t := p.peek(); t != nil {
		if n, v, ok := splitNV(t.Val); ok && n == "$id" {
			p.next()
			var err error
			if id, err = p.useID(t, v); err != nil {
				return err
			}
		}
	}
	t := p.next()
	if t == nil {
		return p.errf("expected node name")
	}
	name := t.Val
	if strings.HasSuffix(name, ":") && id == "" {
		// node ID: UNAME
		id = strings.TrimSuffix(name, ":")
		if id == "" {
			return p.errAt(t, "empty node id")
		}
		t = p.next()
		if t == nil {
			return p.errf("expected node name after id %s:", id)
		}
		name = t.Val
	}
	typ := ""
	if i := strings.LastIndexByte(name, ':'); i > 0 {
		name, typ = name[:i], name[i+1:]
	}
	if name == "" {
		return p.errAt(t, "empty node name")
	}
	if id == "" {
		id = name
	}
	p.ids[id] = true
	p.obj = "node " + name
	e.SetAttr("id", id)
	e.SetAttr("uname", name)
	if typ != "" {
		e.SetAttr("type", typ)
	}
	p.st.ID = id
	p.st.Elem = e
	for !p.done() {
		t := p.peek()
		if n, v, ok := splitNV(t.Val); ok && n == "description" {
			p.next()
			e.SetAttr("description", v)
			continue
		}
		switch t.Val {
		case "attributes":
			p.next()
			s, err := p.attrSet("instance_attributes", name+"-instance_attributes")
			if err != nil {
				return err
			}
			e.Append(s)
		case "utilization":
			p.next()
			s, err := p.attrSet("utilization", name+"-utilization")
			if err != nil {
				return err
			}
			e.Append(s)
		default:
			return p.errf("expected attributes or utilization")
		}
	}
	return nil
}

// ---- primitive and template

// opAttrs are the attributes an <op> element has; other op options become
// its instance attributes (OCF_CHECK_LEVEL and the like).
var opAttrs = map[string]bool{
	"id": true, "name": true, "interval": true, "description": true, "start-delay": true,
	"interval-origin": true, "timeout": true, "enabled": true, "record-pending": true,
	"role": true, "requires": true, "on-fail": true,
}

func (p *parser) primitive(elName string) error {
	kind := "primitive"
	if elName == "template" {
		kind = "rsc_template"
	}
	id, err := p.idAndObj(kind)
	if err != nil {
		return err
	}
	e := xmltree.New(elName, "id", id)
	p.st.Elem = e
	at := p.peek()
	if at == nil || strings.Contains(at.Val, "=") || setKeywords[at.Val] {
		return p.errf("expected agent (like ocf:heartbeat:IPaddr2 or @template) after id")
	}
	p.next()
	if strings.HasPrefix(at.Val, "@") {
		if elName == "template" {
			return p.errAt(at, "a template cannot refer to a template")
		}
		e.SetAttr("template", at.Val[1:])
	} else {
		cls, prov, typ, err := splitAgent(at.Val)
		if err != nil {
			return p.errAt(at, "%v", err)
		}
		e.SetAttr("class", cls)
		if prov != "" {
			e.SetAttr("provider", prov)
		}
		e.SetAttr("type", typ)
	}
	return p.resourceBody(e, true)
}

// splitAgent splits class:provider:type; a bare type is ocf:heartbeat.
func splitAgent(s string) (cls, prov, typ string, err error) {
	parts := strings.SplitN(s, ":", 3)
	switch len(parts) {
	case 1:
		cls, prov, typ = "ocf", "heartbeat", parts[0]
	case 2:
		cls, typ = parts[0], parts[1]
		if cls == "ocf" {
			prov = "heartbeat"
		}
	default:
		cls, prov, typ = parts[0], parts[1], parts[2]
		if cls != "ocf" {
			// stonith:external/ipmi has no provider; systemd:a:b is a unit name.
			prov, typ = "", parts[1]+":"+parts[2]
		}
	}
	if cls == "" || typ == "" || (cls == "ocf" && prov == "") {
		return "", "", "", fmt.Errorf("bad agent %q: expected [class:[provider:]]type", s)
	}
	return cls, prov, typ, nil
}

// resourceBody parses the options after a resource's head: description,
// params, meta, utilization, operations and op (when ops is true).
func (p *parser) resourceBody(e *xmltree.Element, ops bool) error {
	id := e.ID()
	var opsEl *xmltree.Element
	var lastOp *xmltree.Element
	for !p.done() {
		t := p.peek()
		if n, v, ok := splitNV(t.Val); ok && !setKeywords[t.Val] {
			if n == "description" {
				p.next()
				e.SetAttr("description", v)
				continue
			}
			if ops && n != "" && !strings.HasPrefix(n, "$") {
				// Bare name=value pairs after the agent are parameters.
				s, err := p.attrSet("instance_attributes", id+"-instance_attributes")
				if err != nil {
					return err
				}
				e.Append(s)
				continue
			}
			return p.errf("unexpected attribute")
		}
		switch t.Val {
		case "params":
			p.next()
			s, err := p.attrSet("instance_attributes", id+"-instance_attributes")
			if err != nil {
				return err
			}
			e.Append(s)
		case "meta":
			p.next()
			s, err := p.attrSet("meta_attributes", id+"-meta_attributes")
			if err != nil {
				return err
			}
			e.Append(s)
		case "utilization":
			p.next()
			s, err := p.attrSet("utilization", id+"-utilization")
			if err != nil {
				return err
			}
			e.Append(s)
		case "operations":
			if !ops {
				return p.errf("unexpected")
			}
			p.next()
			opsEl = e.Child("operations")
			if opsEl == nil {
				opsEl = e.Append(xmltree.New("operations"))
			}
			if t := p.peek(); t != nil {
				if n, v, ok := splitNV(t.Val); ok && (n == "$id" || n == "$id-ref") {
					p.next()
					if n == "$id" {
						if _, err := p.useID(t, v); err != nil {
							return err
						}
					}
					opsEl.SetAttr(n[1:], v)
				}
			}
		case "op":
			if !ops {
				return p.errf("unexpected")
			}
			p.next()
			if opsEl == nil {
				opsEl = e.Append(xmltree.New("operations"))
			}
			op, err := p.op(id)
			if err != nil {
				return err
			}
			opsEl.Append(op)
			lastOp = op
		case "op_params", "op_meta":
			if lastOp == nil {
				return p.errf("%s must follow an op", t.Val)
			}
			p.next()
			name := "instance_attributes"
			if t.Val == "op_meta" {
				name = "meta_attributes"
			}
			s, err := p.attrSet(name, lastOp.ID()+"-"+name)
			if err != nil {
				return err
			}
			lastOp.Append(s)
		default:
			if ops {
				return p.errf("expected params, meta, utilization, operations or op")
			}
			return p.errf("expected meta, params or utilization")
		}
	}
	return nil
}

func (p *parser) op(rscID string) (*xmltree.Element, error) {
	nt := p.next()
	if nt == nil || strings.Contains(nt.Val, "=") || setKeywords[nt.Val] {
		if nt != nil {
			p.i--
		}
		return nil, p.errf("expected operation name (monitor, start...) after op")
	}
	op := xmltree.New("op")
	op.SetAttr("name", nt.Val)
	var extra []xmltree.Attr
	explicitID := ""
	for {
		t := p.peek()
		if t == nil || setKeywords[t.Val] {
			break
		}
		n, v, ok := splitNV(t.Val)
		if !ok {
			break
		}
		p.next()
		switch {
		case n == "$id" || n == "id":
			id, err := p.useID(t, v)
			if err != nil {
				return nil, err
			}
			explicitID = id
		case opAttrs[n]:
			op.SetAttr(n, v)
		default:
			extra = append(extra, xmltree.Attr{Name: n, Value: v})
		}
	}
	interval := op.Attr("interval")
	if _, ok := op.AttrOK("interval"); !ok {
		interval = "0"
		op.SetAttr("interval", "0")
	}
	if explicitID != "" {
		op.Attrs = append(op.Attrs, xmltree.Attr{Name: "id", Value: explicitID})
	} else {
		g := p.gen("op", rscID+"-"+nt.Val+"-"+interval)
		op.Attrs = append(op.Attrs, g.Attrs...)
		p.st.generated[len(p.st.generated)-1] = op
	}
	if len(extra) > 0 {
		s := p.gen("instance_attributes", op.ID()+"-instance_attributes")
		for _, a := range extra {
			s.Append(p.gen("nvpair", s.ID()+"-"+a.Name, "name", a.Name, "value", a.Value))
		}
		op.Append(s)
	}
	return op, nil
}

// ---- group, clone, ms

func (p *parser) group() error {
	id, err := p.idAndObj("group")
	if err != nil {
		return err
	}
	e := xmltree.New("group", "id", id)
	p.st.Elem = e
	for !p.done() {
		t := p.peek()
		if setKeywords[t.Val] || strings.Contains(t.Val, "=") {
			break
		}
		if !validID(t.Val) {
			return p.errf("expected resource id")
		}
		p.next()
		p.st.Members = append(p.st.Members, t.Val)
	}
	if len(p.st.Members) == 0 {
		return p.errf("expected at least one resource in group")
	}
	return p.resourceBody(e, false)
}

func (p *parser) clone(elName string) error {
	kind := "clone"
	if elName == "master" {
		kind = "ms"
	}
	id, err := p.idAndObj(kind)
	if err != nil {
		return err
	}
	e := xmltree.New(elName, "id", id)
	p.st.Elem = e
	t := p.peek()
	if t == nil || setKeywords[t.Val] || strings.Contains(t.Val, "=") || !validID(t.Val) {
		return p.errf("expected the resource to clone after id")
	}
	p.next()
	p.st.Members = []string{t.Val}
	return p.resourceBody(e, false)
}

// ---- bundle (best effort)

func (p *parser) bundle() error {
	id, err := p.idAndObj("bundle")
	if err != nil {
		return err
	}
	e := xmltree.New("bundle", "id", id)
	p.st.Elem = e
	nport := 0
	nstor := 0
	var network, storage *xmltree.Element
	for !p.done() {
		t := p.next()
		switch t.Val {
		case "docker", "rkt", "podman":
			c := xmltree.New(t.Val)
			if err := p.plainAttrs(c); err != nil {
				return err
			}
			e.Append(c)
		case "network":
			if network == nil {
				network = e.Append(xmltree.New("network"))
			}
			if err := p.plainAttrs(network); err != nil {
				return err
			}
		case "port-mapping":
			if network == nil {
				network = e.Append(xmltree.New("network"))
			}
			nport++
			pm := p.gen("port-mapping", fmt.Sprintf("%s-port-map-%d", id, nport))
			if err := p.plainAttrs(pm); err != nil {
				return err
			}
			network.Append(pm)
		case "storage":
			if storage == nil {
				storage = e.Append(xmltree.New("storage"))
			}
		case "storage-mapping":
			if storage == nil {
				storage = e.Append(xmltree.New("storage"))
			}
			nstor++
			sm := p.gen("storage-mapping", fmt.Sprintf("%s-storage-map-%d", id, nstor))
			if err := p.plainAttrs(sm); err != nil {
				return err
			}
			storage.Append(sm)
		case "primitive":
			m := p.next()
			if m == nil || !validID(m.Val) {
				return p.errf("expected resource id after primitive")
			}
			p.st.Members = []string{m.Val}
		case "meta", "utilization", "params":
			p.i--
			return p.resourceBody(e, false)
		default:
			p.i--
			return p.errf("expected docker, podman, rkt, network, port-mapping, storage, storage-mapping, primitive or meta")
		}
	}
	return nil
}

// plainAttrs reads name=value pairs into e's attributes.
func (p *parser) plainAttrs(e *xmltree.Element) error {
	for {
		t := p.peek()
		if t == nil || setKeywords[t.Val] {
			return nil
		}
		n, v, ok := splitNV(t.Val)
		if !ok {
			return nil
		}
		p.next()
		if n == "$id" {
			n = "id"
		}
		e.SetAttr(n, v)
	}
}

// ---- constraints

// rscRole splits "rsc:Role".
func rscRole(s string) (string, string) {
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func (p *parser) location() error {
	id, err := p.idAndObj("location")
	if err != nil {
		return err
	}
	e := xmltree.New("rsc_location", "id", id)
	p.st.Elem = e
	t := p.peek()
	if t == nil || strings.Contains(t.Val, "=") {
		return p.errf("expected resource, { resources } or /pattern/ after id")
	}
	switch {
	case t.Val == "{" && !t.Quoted:
		p.next()
		sets, err := p.resourceSets(id, "}", "role")
		if err != nil {
			return err
		}
		if p.peekVal() != "}" {
			return p.errf("expected }")
		}
		p.next()
		for _, s := range sets {
			e.Append(s)
		}
	case len(t.Val) >= 2 && strings.HasPrefix(t.Val, "/") && strings.HasSuffix(t.Val, "/"):
		p.next()
		e.SetAttr("rsc-pattern", t.Val[1:len(t.Val)-1])
	default:
		p.next()
		if !validID(t.Val) {
			return p.errAt(t, "expected resource id, found %q", t.Val)
		}
		e.SetAttr("rsc", t.Val)
	}
	for {
		t := p.peek()
		if t == nil {
			return p.errf("expected score and node, or rule")
		}
		n, v, ok := splitNV(t.Val)
		if !ok {
			break
		}
		if n != "role" && n != "resource-discovery" {
			return p.errf("expected role=, resource-discovery=, a score or rule")
		}
		p.next()
		e.SetAttr(n, v)
	}
	if p.peekVal() == "rule" {
		for p.peekVal() == "rule" {
			r, err := p.rule(id)
			if err != nil {
				return err
			}
			e.Append(r)
		}
		return nil
	}
	st := p.peek()
	if !isScoreToken(st) {
		return p.errf("expected score (like 100: or -inf:) or rule")
	}
	p.next()
	sc, _ := parseScore(strings.TrimSuffix(st.Val, ":"))
	nt := p.next()
	if nt == nil {
		return p.errf("expected node after score")
	}
	e.SetAttr("score", sc)
	e.SetAttr("node", nt.Val)
	// crmsh also accepts the options after the node.
	for {
		t := p.peek()
		if t == nil {
			return nil
		}
		n, v, ok := splitNV(t.Val)
		if !ok || (n != "role" && n != "resource-discovery") {
			return p.errf("unexpected token after node")
		}
		p.next()
		e.SetAttr(n, v)
	}
}

// resourceSets parses set syntax up to (not including) a token equal to
// end, or to the first top-level name=value, or to the end of the line.
// Bare members form sets split where the member suffix (role or action,
// named by suffixAttr) changes; ( ) is a set with sequential=false;
// [ ] adds require-all=false. Options inside brackets are set attributes.
func (p *parser) resourceSets(consID, end, suffixAttr string) ([]*xmltree.Element, error) {
	var sets []*xmltree.Element
	var cur *xmltree.Element
	curSuffix := ""
	newSet := func() *xmltree.Element {
		s := p.gen("resource_set", fmt.Sprintf("%s-%d", consID, len(sets)))
		// crmsh numbers sets c-0, c-1... irrespective of clashes
		sets = append(sets, s)
		return s
	}
	for {
		t := p.peek()
		if t == nil || (end != "" && t.Val == end && !t.Quoted) {
			break
		}
		if strings.Contains(t.Val, "=") && !t.Quoted {
			break
		}
		if (t.Val == "(" || t.Val == "[") && !t.Quoted {
			p.next()
			closer := ")"
			s := newSet()
			if t.Val == "[" {
				closer = "]"
				s.SetAttr("require-all", "false")
			}
			s.SetAttr("sequential", "false")
			suffix := ""
			n := 0
			for {
				m := p.peek()
				if m == nil {
					return nil, p.errf("expected %s to close the set", closer)
				}
				if m.Val == closer && !m.Quoted {
					p.next()
					break
				}
				p.next()
				if k, v, ok := splitNV(m.Val); ok {
					if k == "sequential" || k == "require-all" {
						if v == "true" || v == "yes" || v == "1" {
							s.DelAttr(k)
						} else {
							s.SetAttr(k, v)
						}
					} else {
						s.SetAttr(k, v)
					}
					continue
				}
				r, sfx := rscRole(m.Val)
				if !validID(r) {
					return nil, p.errAt(m, "expected resource id in set, found %q", m.Val)
				}
				if sfx != "" {
					if suffix != "" && sfx != suffix {
						return nil, p.errAt(m, "all resources in a set must have the same %s", suffixAttr)
					}
					suffix = sfx
				}
				s.Append(xmltree.New("resource_ref", "id", r))
				n++
			}
			if n == 0 {
				return nil, p.errAt(t, "empty resource set")
			}
			if suffix != "" {
				s.SetAttr(suffixAttr, suffix)
			}
			cur = nil
			continue
		}
		if (t.Val == ")" || t.Val == "]" || t.Val == "{" || t.Val == "}") && !t.Quoted {
			return nil, p.errf("unexpected bracket")
		}
		p.next()
		r, sfx := rscRole(t.Val)
		if !validID(r) {
			return nil, p.errAt(t, "expected resource id, found %q", t.Val)
		}
		if cur == nil || sfx != curSuffix {
			cur = newSet()
			curSuffix = sfx
			if sfx != "" {
				cur.SetAttr(suffixAttr, sfx)
			}
		}
		cur.Append(xmltree.New("resource_ref", "id", r))
	}
	return sets, nil
}

// trailingAttrs reads name=value options at the end of a constraint.
func (p *parser) trailingAttrs(e *xmltree.Element, allowed ...string) error {
	for !p.done() {
		t := p.peek()
		n, v, ok := splitNV(t.Val)
		if !ok {
			return p.errf("unexpected token")
		}
		okName := false
		for _, a := range allowed {
			if a == n {
				okName = true
			}
		}
		if !okName {
			return p.errf("unknown option %s (expected one of %s)", n, strings.Join(allowed, ", "))
		}
		p.next()
		e.SetAttr(n, v)
	}
	return nil
}

// simpleRefs reports whether sets are the plain "a b" form: two bare
// one-member sets, which crm means as rsc and with-rsc (or first, then).
func simplePair(sets []*xmltree.Element) bool {
	if len(sets) != 2 {
		return false
	}
	for _, s := range sets {
		if len(s.Children) != 1 {
			return false
		}
		for _, a := range s.Attrs {
			if a.Name != "id" && a.Name != "role" && a.Name != "action" {
				return false
			}
		}
	}
	return true
}

func (p *parser) colocation() error {
	id, err := p.idAndObj("colocation")
	if err != nil {
		return err
	}
	e := xmltree.New("rsc_colocation", "id", id)
	p.st.Elem = e
	st := p.peek()
	if !isScoreToken(st) {
		return p.errf("expected score (like inf: or 100:) after id")
	}
	p.next()
	sc, _ := parseScore(strings.TrimSuffix(st.Val, ":"))
	e.SetAttr("score", sc)
	start := p.i
	sets, err := p.resourceSets(id, "", "role")
	if err != nil {
		return err
	}
	if len(sets) == 0 {
		return p.errf("expected resources")
	}
	bare := true
	for _, t := range p.toks[start:p.i] {
		if t.Val == "(" || t.Val == "[" {
			bare = false
		}
	}
	if bare && len(sets) == 1 && len(sets[0].Children) == 1 {
		p.i = start + 1
		return p.errf("expected a second resource")
	}
	if bare && len(sets) <= 2 && countRefs(sets) == 2 {
		var refs [][2]string
		for _, s := range sets {
			for _, r := range s.Children {
				refs = append(refs, [2]string{r.ID(), s.Attr("role")})
			}
		}
		p.dropGenerated(sets)
		e.SetAttr("rsc", refs[0][0])
		if refs[0][1] != "" {
			e.SetAttr("rsc-role", refs[0][1])
		}
		e.SetAttr("with-rsc", refs[1][0])
		if refs[1][1] != "" {
			e.SetAttr("with-rsc-role", refs[1][1])
		}
	} else {
		for _, s := range sets {
			e.Append(s)
		}
	}
	return p.trailingAttrs(e, "node-attribute", "influence", "symmetrical")
}

func countRefs(sets []*xmltree.Element) int {
	n := 0
	for _, s := range sets {
		n += len(s.Children)
	}
	return n
}

// dropGenerated forgets elements that were generated but not used.
func (p *parser) dropGenerated(els []*xmltree.Element) {
	drop := map[*xmltree.Element]bool{}
	for _, e := range els {
		drop[e] = true
		delete(p.ids, e.ID())
	}
	g := p.st.generated[:0]
	for _, e := range p.st.generated {
		if !drop[e] {
			g = append(g, e)
		}
	}
	p.st.generated = g
}

var orderKinds = map[string]string{"mandatory": "Mandatory", "optional": "Optional", "serialize": "Serialize"}

func (p *parser) order() error {
	id, err := p.idAndObj("order")
	if err != nil {
		return err
	}
	e := xmltree.New("rsc_order", "id", id)
	p.st.Elem = e
	if t := p.peek(); t != nil && strings.HasSuffix(t.Val, ":") && !t.Quoted {
		s := strings.TrimSuffix(t.Val, ":")
		if k, ok := orderKinds[strings.ToLower(s)]; ok {
			p.next()
			e.SetAttr("kind", k)
		} else if sc, ok := parseScore(s); ok {
			// crmsh turns a score into a kind: inf is Mandatory, 0 Optional.
			p.next()
			switch sc {
			case "INFINITY", "+INFINITY":
				e.SetAttr("kind", "Mandatory")
			case "0":
				e.SetAttr("kind", "Optional")
			default:
				e.SetAttr("score", sc)
			}
		} else {
			return p.errf("expected kind (Mandatory:, Optional:, Serialize:), score or resource")
		}
	}
	start := p.i
	sets, err := p.resourceSets(id, "", "action")
	if err != nil {
		return err
	}
	if len(sets) == 0 {
		return p.errf("expected resources")
	}
	bare := true
	for _, t := range p.toks[start:p.i] {
		if t.Val == "(" || t.Val == "[" {
			bare = false
		}
	}
	if bare && len(sets) == 1 && len(sets[0].Children) == 1 {
		p.i = start + 1
		return p.errf("expected a second resource")
	}
	if bare && countRefs(sets) == 2 {
		var refs [][2]string
		for _, s := range sets {
			for _, r := range s.Children {
				refs = append(refs, [2]string{r.ID(), s.Attr("action")})
			}
		}
		p.dropGenerated(sets)
		e.SetAttr("first", refs[0][0])
		if refs[0][1] != "" {
			e.SetAttr("first-action", refs[0][1])
		}
		e.SetAttr("then", refs[1][0])
		if refs[1][1] != "" {
			e.SetAttr("then-action", refs[1][1])
		}
	} else {
		for _, s := range sets {
			e.Append(s)
		}
	}
	return p.trailingAttrs(e, "symmetrical", "require-all")
}

func (p *parser) ticket() error {
	id, err := p.idAndObj("rsc_ticket")
	if err != nil {
		return err
	}
	e := xmltree.New("rsc_ticket", "id", id)
	p.st.Elem = e
	t := p.peek()
	if t == nil || !strings.HasSuffix(t.Val, ":") || len(t.Val) < 2 {
		return p.errf("expected ticket (like ticketA:) after id")
	}
	p.next()
	e.SetAttr("ticket", strings.TrimSuffix(t.Val, ":"))
	start := p.i
	sets, err := p.resourceSets(id, "", "role")
	if err != nil {
		return err
	}
	if len(sets) == 0 {
		return p.errf("expected resources")
	}
	bare := true
	for _, t := range p.toks[start:p.i] {
		if t.Val == "(" || t.Val == "[" {
			bare = false
		}
	}
	if bare && countRefs(sets) == 1 {
		r := sets[0]
		p.dropGenerated(sets)
		e.SetAttr("rsc", r.Children[0].ID())
		if role := r.Attr("role"); role != "" {
			e.SetAttr("rsc-role", role)
		}
	} else {
		for _, s := range sets {
			e.Append(s)
		}
	}
	return p.trailingAttrs(e, "loss-policy")
}

// ---- property, rsc_defaults, op_defaults

func (p *parser) nvset(elName, defID string) error {
	p.obj = p.st.Kind
	id := defID
	if t := p.peek(); t != nil {
		if n, v, ok := splitNV(t.Val); ok && n == "$id" {
			p.next()
			var err error
			if id, err = p.useID(t, v); err != nil {
				return err
			}
		} else if !ok && strings.HasSuffix(t.Val, ":") && !isScoreToken(t) {
			p.next()
			var err error
			if id, err = p.useID(t, strings.TrimSuffix(t.Val, ":")); err != nil {
				return err
			}
		}
	}
	p.ids[id] = true
	p.obj = p.st.Kind + " " + id
	e := xmltree.New(elName, "id", id)
	p.st.Elem = e
	p.st.ID = id
	if t := p.peek(); isScoreToken(t) {
		p.next()
		sc, _ := parseScore(strings.TrimSuffix(t.Val, ":"))
		e.SetAttr("score", sc)
	}
	for p.peekVal() == "rule" {
		r, err := p.rule(id)
		if err != nil {
			return err
		}
		e.Append(r)
	}
	for !p.done() {
		t := p.peek()
		n, v, ok := splitNV(t.Val)
		if !ok {
			return p.errf("expected name=value")
		}
		p.next()
		e.Append(p.gen("nvpair", id+"-"+n, "name", n, "value", v))
	}
	return nil
}

// ---- fencing_topology

func (p *parser) fencing() error {
	p.obj = "fencing_topology"
	e := xmltree.New("fencing-topology")
	p.st.Elem = e
	p.st.ID = "fencing_topology"
	var target []string // attr name, value
	index := map[string]int{}
	for !p.done() {
		t := p.next()
		if strings.HasSuffix(t.Val, ":") && !t.Quoted {
			tv := strings.TrimSuffix(t.Val, ":")
			switch {
			case strings.HasPrefix(tv, "attr:"):
				n, v, ok := splitNV(tv[5:])
				if !ok {
					return p.errAt(t, "expected attr:NAME=VALUE:")
				}
				target = []string{"target-attribute", n, "target-value", v}
			case strings.HasPrefix(tv, "pattern:"):
				target = []string{"target-pattern", tv[8:]}
			case tv == "":
				return p.errAt(t, "empty fencing target")
			default:
				target = []string{"target", tv}
			}
			continue
		}
		if target == nil {
			return p.errAt(t, "expected a target (node:) before %q; Pacer needs the nodes named", t.Val)
		}
		key := strings.Join(target, "\x00")
		index[key]++
		lv := p.gen("fencing-level", "fencing")
		lv.Attrs = append(lv.Attrs, xmltree.Attr{Name: target[0], Value: target[1]})
		if len(target) > 2 {
			lv.Attrs = append(lv.Attrs, xmltree.Attr{Name: target[2], Value: target[3]})
		}
		lv.SetAttr("index", strconv.Itoa(index[key]))
		lv.SetAttr("devices", t.Val)
		e.Append(lv)
	}
	return nil
}

// ---- tag

func (p *parser) tag() error {
	t := p.peek()
	if t != nil && strings.HasSuffix(t.Val, ":") {
		t.Val = strings.TrimSuffix(t.Val, ":")
	}
	id, err := p.idAndObj("tag")
	if err != nil {
		return err
	}
	e := xmltree.New("tag", "id", id)
	p.st.Elem = e
	for !p.done() {
		t := p.next()
		if !validID(t.Val) {
			return p.errAt(t, "expected resource id, found %q", t.Val)
		}
		e.Append(xmltree.New("obj_ref", "id", t.Val))
	}
	if len(e.Children) == 0 {
		return p.errf("expected resources to tag")
	}
	return nil
}

// ---- alert

func (p *parser) alert() error {
	id, err := p.idAndObj("alert")
	if err != nil {
		return err
	}
	e := xmltree.New("alert", "id", id)
	p.st.Elem = e
	path := p.next()
	if path == nil {
		return p.errf("expected path of the alert agent")
	}
	e.SetAttr("path", path.Val)
	if err := p.alertBody(e, id); err != nil {
		return err
	}
	nrec := 0
	for p.peekVal() == "to" {
		p.next()
		brace := false
		if p.peekVal() == "{" {
			p.next()
			brace = true
		}
		v := p.next()
		if v == nil {
			return p.errf("expected recipient after to")
		}
		nrec++
		r := p.gen("recipient", fmt.Sprintf("%s-recipient-%d", id, nrec), "value", v.Val)
		if err := p.alertBody(r, r.ID()); err != nil {
			return err
		}
		if brace {
			if p.peekVal() != "}" {
				return p.errf("expected }")
			}
			p.next()
		}
		e.Append(r)
	}
	return nil
}

func (p *parser) alertBody(e *xmltree.Element, id string) error {
	for !p.done() {
		t := p.peek()
		if n, v, ok := splitNV(t.Val); ok && n == "description" {
			p.next()
			e.SetAttr("description", v)
			continue
		}
		switch t.Val {
		case "attributes":
			p.next()
			s, err := p.attrSet("instance_attributes", id+"-instance_attributes")
			if err != nil {
				return err
			}
			e.Append(s)
		case "meta":
			p.next()
			s, err := p.attrSet("meta_attributes", id+"-meta_attributes")
			if err != nil {
				return err
			}
			e.Append(s)
		case "select":
			p.next()
			sel := xmltree.New("select")
			for !p.done() {
				w := p.peekVal()
				if w == "to" || w == "meta" || w == "}" {
					break
				}
				p.next()
				switch w {
				case "nodes", "fencing", "resources":
					sel.Append(xmltree.New("select_" + w))
				case "attributes":
					sa := sel.Append(xmltree.New("select_attributes"))
					if p.peekVal() == "{" {
						p.next()
						for {
							a := p.next()
							if a == nil {
								return p.errf("expected } after attribute names")
							}
							if a.Val == "}" {
								break
							}
							sa.Append(xmltree.New("attribute", "name", a.Val))
						}
					}
				default:
					p.i--
					return p.errf("expected nodes, fencing, resources or attributes after select")
				}
			}
			e.Append(sel)
		default:
			return nil
		}
	}
	return nil
}

// ---- ACL

func (p *parser) aclRole() error {
	id, err := p.idAndObj("role")
	if err != nil {
		return err
	}
	e := xmltree.New("acl_role", "id", id)
	p.st.Elem = e
	for !p.done() {
		t := p.next()
		if n, v, ok := splitNV(t.Val); ok && n == "description" {
			e.SetAttr("description", v)
			continue
		}
		switch t.Val {
		case "read", "write", "deny":
		default:
			return p.errAt(t, "expected read, write or deny, found %q", t.Val)
		}
		perm := p.gen("acl_permission", id+"-"+t.Val, "kind", t.Val)
		n := 0
		for !p.done() {
			s := p.peekVal()
			k, v, ok := strings.Cut(s, ":")
			if !ok {
				break
			}
			switch k {
			case "xpath", "attribute":
				perm.SetAttr(k, v)
			case "ref":
				perm.SetAttr("reference", v)
			case "tag", "type":
				perm.SetAttr("object-type", v)
			default:
				return p.errf("expected xpath:, ref:, tag: or attribute:")
			}
			p.next()
			n++
		}
		if n == 0 {
			return p.errf("expected xpath:, ref: or tag: after %s", t.Val)
		}
		e.Append(perm)
	}
	return nil
}

func (p *parser) aclTarget(elName string) error {
	id, err := p.idAndObj(p.st.Kind)
	if err != nil {
		return err
	}
	e := xmltree.New(elName, "id", id)
	p.st.Elem = e
	for !p.done() {
		t := p.next()
		if t.Val == "role" || t.Val == "roles" {
			continue
		}
		if !validID(t.Val) {
			return p.errAt(t, "expected role id, found %q", t.Val)
		}
		e.Append(xmltree.New("role", "id", t.Val))
	}
	return nil
}

// ---- commands

func (p *parser) cmdDelete() error {
	p.obj = "delete"
	for !p.done() {
		p.st.Args = append(p.st.Args, p.next().Val)
	}
	if len(p.st.Args) == 0 {
		return p.errf("expected ids to delete")
	}
	return nil
}

func (p *parser) cmdRename() error {
	p.obj = "rename"
	for i := 0; i < 2; i++ {
		t := p.next()
		if t == nil {
			return p.errf("expected old and new id")
		}
		if !validID(t.Val) {
			return p.errAt(t, "invalid id %q", t.Val)
		}
		p.st.Args = append(p.st.Args, t.Val)
	}
	return nil
}
