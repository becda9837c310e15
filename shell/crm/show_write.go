package crm

import (
	"sort"
	"strconv"
	"strings"

	"pacer/share/xmltree"
)

// writer builds an object's text: a head line and continuation lines.
type writer struct {
	inline bool // attribute sets continue the current line (alert recipients)
	lines  []string
	cur    strings.Builder
	// refd are the ids that id-refs in the configuration point to: such
	// an nvpair is written with its id ($ID:NAME=VALUE) so the reference
	// still resolves once the text is loaded again.
	refd map[string]bool
	// obscure replaces secret values (passwords) with "******", as
	// crmsh's show does; only for display, never for text loaded again.
	obscure bool
}

// secret tells whether a parameter's value is hidden on display: crmsh's
// default obscure_pattern, "passw*".
func secret(name string) bool { return strings.HasPrefix(name, "passw") }

func (w *writer) word(s string) {
	if w.cur.Len() > 0 {
		w.cur.WriteByte(' ')
	}
	w.cur.WriteString(s)
}

func (w *writer) newline() {
	if w.cur.Len() > 0 {
		w.lines = append(w.lines, w.cur.String())
		w.cur.Reset()
	}
}

func (w *writer) String() string {
	w.newline()
	return strings.Join(w.lines, " \\\n\t")
}

// object writes o; false means crm syntax cannot express it.
func (w *writer) object(o object) bool {
	e := o.el
	switch o.kind {
	case "node":
		return w.node(e)
	case "primitive", "rsc_template":
		return w.primitive(o.kind, e)
	case "group", "clone", "ms":
		return w.container(o.kind, e)
	case "bundle":
		return w.bundle(e)
	case "location":
		return w.location(e)
	case "colocation":
		return w.colocation(e)
	case "order":
		return w.order(e)
	case "rsc_ticket":
		return w.ticket(e)
	case "property", "rsc_defaults", "op_defaults":
		return w.nvset(o.kind, e)
	case "fencing_topology":
		return w.fencing(e)
	case "tag":
		w.word("tag " + e.ID())
		for _, r := range e.Children {
			w.word(r.ID())
		}
		return true
	case "alert":
		return w.alert(e)
	case "role":
		return w.role(e)
	case "acl_target", "acl_group":
		w.word(o.kind + " " + e.ID())
		w.newline()
		for _, r := range e.Children {
			if r.Name != "role" {
				return false
			}
			w.word(r.ID())
		}
		return true
	}
	return false
}

// value quotes v when crm would: anything beyond letters, digits and ._-+.
func value(v string) string { return quote(v) }

// term quotes only what the tokenizer would split.
func term(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\n\"'\\") {
		return quote(v)
	}
	return v
}

func (w *writer) nvpairs(set *xmltree.Element) bool {
	for _, c := range set.Children {
		switch c.Name {
		case "nvpair":
			if ref := c.Attr("id-ref"); ref != "" && len(c.Attrs) == 1 {
				w.word("@" + ref)
				continue
			}
			n := c.Attr("name")
			// A name that cannot be part of an id would make crmsh
			// generate an invalid nvpair id: the xml form avoids that.
			if n == "" || !idSafe(n) || setKeywords[n] {
				return false
			}
			v := value(c.Attr("value"))
			if w.obscure && secret(n) {
				v = `"******"`
			}
			// An id that a reference needs, or that loading the text
			// would not give back (crmsh names nvpairs SET-NAME), is
			// written: the text then loads to the same CIB, ids included.
			if id := c.ID(); id != "" && (w.refd[id] || id != sanitizeID(set.ID()+"-"+n)) && validID(id) {
				w.word("$" + id + ":" + n + "=" + v)
				continue
			}
			w.word(n + "=" + v)
		case "rule":
		default:
			return false
		}
	}
	return true
}

// attrSet writes "KEYWORD [$id=ID] [SCORE:] [rule ...] name=value...".
func (w *writer) attrSet(keyword string, set *xmltree.Element) bool {
	if !w.inline {
		w.newline()
	}
	w.word(keyword)
	if r := set.Attr("id-ref"); r != "" {
		w.word("$id-ref=" + r)
		return len(set.Children) == 0
	}
	// A set id that loading would not give back (crmsh names sets
	// OWNER-instance_attributes and the like) is written.
	if id := set.ID(); id != "" && id != defaultSetID(set) {
		if !validID(id) {
			return false
		}
		w.word("$id=" + id)
	}
	if s := set.Attr("score"); s != "" {
		w.word(scoreText(s) + ":")
	}
	for _, r := range set.ChildrenNamed("rule") {
		// crmsh would take the name=value pairs after a trailing
		// "date in ..." or "date spec ..." as part of it.
		if n := len(r.Children); n > 0 && r.Children[n-1].Name == "date_expression" {
			if op := r.Children[n-1].Attr("operation"); op == "in_range" || op == "date_spec" {
				return false
			}
		}
		if !w.rule(r, false) {
			return false
		}
	}
	return w.nvpairs(set)
}

func (w *writer) node(e *xmltree.Element) bool {
	id, uname := e.ID(), e.Attr("uname")
	// crmsh reads no dots in a node id, so it gets the XML form.
	if uname == "" || strings.Contains(id, ".") {
		return false
	}
	head := uname
	// member is the default type: crmsh leaves it out.
	if t := e.Attr("type"); t != "" && t != "member" {
		head += ":" + t
	}
	if id != uname {
		w.word("node " + id + ": " + head)
	} else {
		w.word("node " + head)
	}
	if d, ok := e.AttrOK("description"); ok {
		w.newline()
		w.word("description=" + value(d))
	}
	for _, c := range e.Children {
		switch c.Name {
		case "instance_attributes":
			if !w.attrSet("attributes", c) {
				return false
			}
		case "utilization":
			if !w.attrSet("utilization", c) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func agentText(e *xmltree.Element) string {
	if t := e.Attr("template"); t != "" {
		return "@" + t
	}
	cls, prov, typ := e.Attr("class"), e.Attr("provider"), e.Attr("type")
	switch {
	case cls == "ocf" && prov == "heartbeat":
		return typ
	case prov != "":
		return cls + ":" + prov + ":" + typ
	}
	return cls + ":" + typ
}

func (w *writer) primitive(kind string, e *xmltree.Element) bool {
	w.word(kind + " " + e.ID() + " " + agentText(e))
	if d, ok := e.AttrOK("description"); ok {
		w.newline()
		w.word("description=" + value(d))
	}
	return w.resourceSets(e)
}

func (w *writer) resourceSets(e *xmltree.Element) bool {
	for _, c := range e.Children {
		switch c.Name {
		case "instance_attributes":
			if !w.attrSet("params", c) {
				return false
			}
		case "meta_attributes":
			if !w.attrSet("meta", c) {
				return false
			}
		case "utilization":
			if !w.attrSet("utilization", c) {
				return false
			}
		case "operations":
			if id := c.Attr("id"); id != "" {
				w.newline()
				w.word("operations $id=" + id)
			} else if r := c.Attr("id-ref"); r != "" {
				w.newline()
				w.word("operations $id-ref=" + r)
			}
			for _, op := range c.Children {
				if op.Name != "op" || !w.op(op) {
					return false
				}
			}
		case "primitive", "group":
			// members of containers, printed by the container
		default:
			return false
		}
	}
	return true
}

func (w *writer) op(op *xmltree.Element) bool {
	w.newline()
	w.word("op " + op.Attr("name"))
	for _, a := range op.Attrs {
		if a.Name == "id" || a.Name == "name" {
			continue
		}
		if !opAttrs[a.Name] {
			return false
		}
		w.word(a.Name + "=" + value(a.Value))
	}
	// An id that loading would not give back (crmsh names ops
	// RSC-NAME-INTERVAL, or after an explicit operations id) is written.
	if id := op.ID(); id != "" && id != defaultOpID(op) {
		if !validID(id) {
			return false
		}
		w.word("id=" + id)
	}
	for _, c := range op.Children {
		switch c.Name {
		case "instance_attributes":
			if !w.attrSet("op_params", c) {
				return false
			}
		case "meta_attributes":
			if !w.attrSet("op_meta", c) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (w *writer) container(kind string, e *xmltree.Element) bool {
	w.word(kind + " " + e.ID())
	for _, c := range e.Children {
		if isResource(c.Name) {
			w.word(c.ID())
		}
	}
	if d, ok := e.AttrOK("description"); ok {
		w.word("description=" + value(d))
	}
	for _, c := range e.Children {
		if isResource(c.Name) {
			continue
		}
		switch c.Name {
		case "meta_attributes":
			if !w.attrSet("meta", c) {
				return false
			}
		case "instance_attributes":
			if !w.attrSet("params", c) {
				return false
			}
		case "utilization":
			if !w.attrSet("utilization", c) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func (w *writer) bundle(e *xmltree.Element) bool {
	w.word("bundle " + e.ID())
	plain := func(kw string, x *xmltree.Element) {
		// crmsh keeps port and storage mappings on their section's line.
		if kw != "port-mapping" && kw != "storage-mapping" {
			w.newline()
		}
		w.word(kw)
		for _, a := range x.Attrs {
			w.word(a.Name + "=" + value(a.Value))
		}
	}
	for _, c := range e.Children {
		switch c.Name {
		case "docker", "rkt", "podman":
			plain(c.Name, c)
		case "network":
			plain("network", c)
			for _, pm := range c.Children {
				if pm.Name != "port-mapping" {
					return false
				}
				plain("port-mapping", pm)
			}
		case "storage":
			w.newline()
			w.word("storage")
			for _, sm := range c.Children {
				if sm.Name != "storage-mapping" {
					return false
				}
				plain("storage-mapping", sm)
			}
		case "primitive":
			w.newline()
			w.word("primitive " + c.ID())
		case "meta_attributes", "utilization":
			// after the primitive, below: they end the bundle's syntax
		default:
			return false
		}
	}
	for _, c := range e.Children {
		switch c.Name {
		case "meta_attributes":
			if !w.attrSet("meta", c) {
				return false
			}
		case "utilization":
			if !w.attrSet("utilization", c) {
				return false
			}
		}
	}
	return true
}

// rule writes "rule [$role=R] SCORE: expr [and|or expr]...".
func (w *writer) rule(r *xmltree.Element, ownLine bool) bool {
	if ownLine {
		w.newline()
	}
	w.word("rule")
	if ref := r.Attr("id-ref"); ref != "" {
		w.word("$id-ref=" + ref)
		return len(r.Children) == 0
	}
	if role := r.Attr("role"); role != "" {
		w.word("$role=" + term(role))
	}
	if s, ok := r.AttrOK("score"); ok {
		if s != "INFINITY" {
			w.word(scoreText(s) + ":")
		}
	} else if s := r.Attr("score-attribute"); s != "" {
		if _, isScore := parseScore(s); isScore {
			return false
		}
		w.word(term(s) + ":")
	} else {
		return false
	}
	op := r.Attr("boolean-op")
	if len(r.Children) == 0 {
		return false
	}
	for i, x := range r.Children {
		if i > 0 {
			if op == "" {
				op = "and"
			}
			w.word(op)
		}
		if !w.expression(x) {
			return false
		}
	}
	return true
}

func (w *writer) expression(x *xmltree.Element) bool {
	switch x.Name {
	case "expression":
		op, attr := x.Attr("operation"), x.Attr("attribute")
		if attr == "" {
			return false
		}
		if op == "defined" || op == "not_defined" {
			w.word(op + " " + term(attr))
			return true
		}
		if !binaryOps[op] {
			return false
		}
		if t := x.Attr("type"); t != "" {
			op = t + ":" + op
		}
		v, ok := x.AttrOK("value")
		if !ok {
			return false
		}
		switch src := x.Attr("value-source"); src {
		case "param", "meta":
			v = src + "{" + v + "}"
		case "", "literal":
			if strings.HasSuffix(v, "}") && (strings.HasPrefix(v, "param{") || strings.HasPrefix(v, "meta{")) {
				v = quote(v)
			} else {
				v = term(v)
			}
		default:
			return false
		}
		w.word(term(attr) + " " + op + " " + v)
		return true
	case "date_expression":
		switch x.Attr("operation") {
		case "gt":
			w.word("date gt " + term(x.Attr("start")))
		case "lt":
			w.word("date lt " + term(x.Attr("end")))
		case "in_range":
			w.word("date in")
			for _, k := range []string{"start", "end"} {
				if v, ok := x.AttrOK(k); ok {
					w.word(k + "=" + term(v))
				}
			}
			for _, d := range x.Children {
				if d.Name != "duration" {
					return false
				}
				for _, a := range d.Attrs {
					if a.Name != "id" {
						w.word(a.Name + "=" + term(a.Value))
					}
				}
			}
		case "date_spec":
			w.word("date spec")
			for _, d := range x.Children {
				if d.Name != "date_spec" {
					return false
				}
				for _, a := range d.Attrs {
					if a.Name != "id" {
						w.word(a.Name + "=" + term(a.Value))
					}
				}
			}
		default:
			return false
		}
		return true
	}
	return false
}

// sets writes resource sets: ( ) sequential=false, [ ] also
// require-all=false, bare otherwise; roles or actions as member suffixes.
func (w *writer) sets(e *xmltree.Element, suffixAttr string) bool {
	// Few enough bare members would read back as the plain form.
	bare, refs := true, 0
	for _, s := range e.ChildrenNamed("resource_set") {
		if s.Attr("sequential") == "false" {
			bare = false
		}
		refs += len(s.Children)
	}
	limit := 2
	if e.Name == "rsc_ticket" {
		limit = 1
	}
	if bare && refs <= limit && e.Name != "rsc_location" {
		w.word("_rsc_set_")
	}
	for _, s := range e.Children {
		if s.Name != "resource_set" {
			if s.Name == "rule" || s.Name == "lifetime" {
				continue
			}
			return false
		}
		suffix := ""
		if v := s.Attr(suffixAttr); v != "" {
			suffix = ":" + v
		}
		seq, reqAll := s.Attr("sequential"), s.Attr("require-all")
		var opts []string
		for _, a := range s.Attrs {
			switch a.Name {
			case "id", "sequential", "require-all", suffixAttr:
			default:
				opts = append(opts, a.Name+"="+term(a.Value))
			}
		}
		open, closer := "", ""
		switch {
		case seq == "false" && reqAll == "false":
			open, closer = "[", "]"
		case seq == "false" && reqAll == "":
			open, closer = "(", ")"
		case seq == "" && reqAll == "" && len(opts) == 0:
		default:
			return false
		}
		if open != "" {
			w.word(open)
		}
		if len(s.Children) == 0 {
			return false
		}
		for _, r := range s.Children {
			if r.Name != "resource_ref" {
				return false
			}
			w.word(r.ID() + suffix)
		}
		for _, o := range opts {
			w.word(o)
		}
		if closer != "" {
			w.word(closer)
		}
	}
	return true
}

func (w *writer) location(e *xmltree.Element) bool {
	w.word("location " + e.ID())
	switch {
	case e.Attr("rsc") != "":
		w.word(e.Attr("rsc"))
	case e.Attr("rsc-pattern") != "":
		w.word("/" + e.Attr("rsc-pattern") + "/")
	default:
		w.word("{")
		if !w.sets(e, "role") {
			return false
		}
		w.word("}")
	}
	for _, k := range []string{"role", "resource-discovery"} {
		if v, ok := e.AttrOK(k); ok {
			w.word(k + "=" + term(v))
		}
	}
	if sc, ok := e.AttrOK("score"); ok {
		w.word(scoreText(sc) + ": " + term(e.Attr("node")))
	}
	for _, r := range e.ChildrenNamed("rule") {
		if !w.rule(r, true) {
			return false
		}
	}
	return true
}

// qualified is crm's "rsc:qualifier" form of a constraint's resource and
// its role or action attribute (just "rsc" when the qualifier is unset).
func qualified(e *xmltree.Element, rscAttr, qualAttr string) string {
	if q := e.Attr(qualAttr); q != "" {
		return e.Attr(rscAttr) + ":" + q
	}
	return e.Attr(rscAttr)
}

func (w *writer) colocation(e *xmltree.Element) bool {
	w.word("colocation " + e.ID() + " " + scoreText(e.Attr("score")) + ":")
	if e.Attr("rsc") != "" {
		w.word(qualified(e, "rsc", "rsc-role") + " " + qualified(e, "with-rsc", "with-rsc-role"))
	} else if !w.sets(e, "role") {
		return false
	}
	// influence= crmsh reads only in the xml form.
	if v, ok := e.AttrOK("node-attribute"); ok {
		w.word("node-attribute=" + term(v))
	}
	return true
}

func (w *writer) order(e *xmltree.Element) bool {
	w.word("order " + e.ID())
	if k := e.Attr("kind"); k != "" {
		w.word(k + ":")
	} else if s, ok := e.AttrOK("score"); ok {
		w.word(scoreText(s) + ":")
	}
	if e.Attr("first") != "" {
		w.word(qualified(e, "first", "first-action") + " " + qualified(e, "then", "then-action"))
	} else if !w.sets(e, "action") {
		return false
	}
	// require-all on an order crmsh writes only in the xml form.
	if v, ok := e.AttrOK("symmetrical"); ok {
		w.word("symmetrical=" + term(v))
	}
	return true
}

func (w *writer) ticket(e *xmltree.Element) bool {
	w.word("rsc_ticket " + e.ID() + " " + e.Attr("ticket") + ":")
	if e.Attr("rsc") != "" {
		w.word(qualified(e, "rsc", "rsc-role"))
	} else if !w.sets(e, "role") {
		return false
	}
	if v, ok := e.AttrOK("loss-policy"); ok {
		w.word("loss-policy=" + term(v))
	}
	return true
}

// nvset writes property, rsc_defaults and op_defaults sets one
// name=value a line, like crmsh.
func (w *writer) nvset(kind string, e *xmltree.Element) bool {
	// A set with a score of its own is written in the xml form (Pacer
	// reads "property ID: SCORE: rule ... name=value" too); rules go on
	// lines of their own before the values, as crmsh 5.0 writes them.
	if _, ok := e.AttrOK("score"); ok {
		return false
	}
	if strings.Contains(e.ID(), ".") {
		// crmsh reads "ID:" only for ids without dots; $id= it reads.
		w.word(kind + " $id=" + e.ID())
	} else {
		w.word(kind + " " + e.ID() + ":")
	}
	for _, r := range e.ChildrenNamed("rule") {
		if n := len(r.Children); n > 0 && r.Children[n-1].Name == "date_expression" {
			// the values after "date in ..." would be read as part of it
			if op := r.Children[n-1].Attr("operation"); op == "in_range" || op == "date_spec" {
				return false
			}
		}
		if !w.rule(r, true) {
			return false
		}
	}
	for _, c := range e.Children {
		if c.Name == "rule" {
			continue
		}
		if c.Name != "nvpair" {
			return false
		}
		w.newline()
		n := c.Attr("name")
		if n == "" || strings.ContainsAny(n, "= \t\"'") {
			return false
		}
		if id := c.ID(); id != "" && (w.refd[id] || id != sanitizeID(e.ID()+"-"+n)) && validID(id) && idSafe(n) {
			w.word("$" + id + ":" + n + "=" + value(c.Attr("value")))
			continue
		}
		w.word(n + "=" + value(c.Attr("value")))
	}
	return true
}

func (w *writer) fencing(e *xmltree.Element) bool {
	w.word("fencing_topology")
	type target struct {
		key    string
		levels []*xmltree.Element
	}
	var targets []*target
	byKey := map[string]*target{}
	for _, lv := range e.Children {
		if lv.Name != "fencing-level" {
			return false
		}
		var key string
		switch {
		case lv.Attr("target") != "":
			key = lv.Attr("target") + ":"
		case lv.Attr("target-pattern") != "":
			key = "pattern:" + lv.Attr("target-pattern")
		case lv.Attr("target-attribute") != "":
			key = "attr:" + lv.Attr("target-attribute") + "=" + lv.Attr("target-value")
		default:
			return false
		}
		t := byKey[key]
		if t == nil {
			t = &target{key: key}
			byKey[key] = t
			targets = append(targets, t)
		}
		t.levels = append(t.levels, lv)
	}
	for _, t := range targets {
		sort.SliceStable(t.levels, func(i, j int) bool {
			return atoi(t.levels[i].Attr("index")) < atoi(t.levels[j].Attr("index"))
		})
		w.newline()
		w.word(term(t.key))
		for _, lv := range t.levels {
			w.word(term(lv.Attr("devices")))
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return n
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func (w *writer) alert(e *xmltree.Element) bool {
	w.word("alert " + e.ID() + " " + value(e.Attr("path")))
	if !w.alertBody(e) {
		return false
	}
	for _, r := range e.ChildrenNamed("recipient") {
		w.newline()
		w.word("to " + value(r.Attr("value")))
		w.inline = true
		ok := w.alertBody(r)
		w.inline = false
		if !ok {
			return false
		}
	}
	return true
}

func (w *writer) alertBody(e *xmltree.Element) bool {
	if d, ok := e.AttrOK("description"); ok {
		w.word("description=" + value(d))
	}
	for _, c := range e.Children {
		switch c.Name {
		case "instance_attributes":
			if !w.attrSet("attributes", c) {
				return false
			}
		case "meta_attributes":
			if !w.attrSet("meta", c) {
				return false
			}
		case "select":
			w.word("select")
			for _, s := range c.Children {
				if s.Name == "select_attributes" && len(s.Children) > 0 {
					w.word("attributes {")
					for _, a := range s.Children {
						w.word(term(a.Attr("name")))
					}
					w.word("}")
					continue
				}
				w.word(strings.TrimPrefix(s.Name, "select_"))
			}
		case "recipient":
		default:
			return false
		}
	}
	return true
}

func (w *writer) role(e *xmltree.Element) bool {
	w.word("role " + e.ID())
	if d, ok := e.AttrOK("description"); ok {
		w.newline()
		w.word("description=" + value(d))
	}
	for _, p := range e.Children {
		if p.Name != "acl_permission" {
			return false
		}
		w.newline()
		w.word(p.Attr("kind"))
		for _, a := range p.Attrs {
			switch a.Name {
			case "id", "kind", "xpath", "attribute", "reference", "object-type":
			default:
				return false
			}
		}
		// crmsh's order, whatever the XML's.
		for _, f := range [][2]string{{"xpath", "xpath:"}, {"reference", "ref:"}, {"attribute", "attr:"}, {"object-type", "type:"}} {
			if v, ok := p.AttrOK(f[0]); ok {
				if s, ok := aclShortcutOf(v); ok && f[0] == "xpath" {
					w.word(s) // crmsh's shorthand for that XPath
					continue
				}
				w.word(f[1] + value(v))
			}
		}
	}
	return true
}

// idSafe reports whether s may be part of an XML id as crmsh builds them.
func idSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c >= 0x80) {
			return false
		}
	}
	return true
}

// defaultOpID is the id the parser gives an op: after its resource (or
// its operations element's own id), name and interval.
func defaultOpID(op *xmltree.Element) string {
	ops := op.Parent
	if ops == nil {
		return ""
	}
	base := ops.Attr("id")
	if base == "" && ops.Parent != nil {
		base = ops.Parent.ID()
	}
	interval, ok := op.AttrOK("interval")
	if !ok {
		interval = "0"
	}
	return sanitizeID(base + "-" + op.Attr("name") + "-" + interval)
}

// defaultSetID is the id the parser gives an attribute set: after its
// owner (a node's name, else the owner's id) and its kind.
func defaultSetID(set *xmltree.Element) string {
	p := set.Parent
	if p == nil {
		return ""
	}
	owner := p.ID()
	if p.Name == "node" {
		owner = p.Attr("uname")
	}
	base := sanitizeID(owner + "-" + set.Name)
	// The parser numbers further sets of the same kind: base-0, base-1...
	k := 0
	for _, c := range p.Children {
		if c == set {
			break
		}
		if c.Name == set.Name {
			k++
		}
	}
	if k > 0 {
		return base + "-" + strconv.Itoa(k-1)
	}
	return base
}
