package acl

import (
	"fmt"
	"strconv"
	"strings"

	"pacer/share/xmltree"
)

// Path is a compiled XPath location path, the subset ACL permissions use
// in practice: absolute paths of element steps joined by / or //, name
// tests or *, and predicates on attributes ([@id='x'], [@a], [@a!='v'],
// combined with and / or, in parentheses) or positions ([2]). Anything
// else is refused at compile time, so a permission never silently selects
// the wrong part of the CIB.
type Path struct {
	src   string
	steps []step
}

type step struct {
	deep  bool // reached by //: any descendant, not only a child
	name  string
	preds []expr
}

// expr is one predicate; pos > 0 is a position test.
type expr struct {
	pos int
	or  [][]cond // disjunction of conjunctions
}

type cond struct {
	attr   string
	op     string // "" (present), "=", "!="
	value  string
	negate bool // not(...)
}

// Compile parses an XPath; errors say what is wrong and where.
func Compile(src string) (*Path, error) {
	p := &xp{s: src}
	path, err := p.path()
	if err != nil {
		return nil, fmt.Errorf("xpath %q: %w", src, err)
	}
	return path, nil
}

func (p *Path) String() string { return p.src }

// Select returns the elements of the tree under root (root included) that
// the path selects, in document order.
func (p *Path) Select(root *xmltree.Element) []*xmltree.Element {
	// The document node's only child is root.
	cur := []*xmltree.Element{nil}
	for _, st := range p.steps {
		var next []*xmltree.Element
		seen := map[*xmltree.Element]bool{}
		for _, ctx := range cur {
			var cands []*xmltree.Element
			children := func(e *xmltree.Element) []*xmltree.Element {
				if e == nil {
					return []*xmltree.Element{root}
				}
				return e.Children
			}
			if st.deep {
				var walk func(e *xmltree.Element)
				walk = func(e *xmltree.Element) {
					for _, c := range children(e) {
						cands = append(cands, c)
						walk(c)
					}
				}
				walk(ctx)
			} else {
				cands = children(ctx)
			}
			for _, c := range st.filter(cands) {
				if !seen[c] {
					seen[c] = true
					next = append(next, c)
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

// filter applies the name test and the predicates in order; a position
// counts among the candidates that passed the tests before it (per
// parent, as XPath's child axis does).
func (st step) filter(cands []*xmltree.Element) []*xmltree.Element {
	var out []*xmltree.Element
	for _, c := range cands {
		if st.name == "*" || c.Name == st.name {
			out = append(out, c)
		}
	}
	for _, pr := range st.preds {
		var kept []*xmltree.Element
		count := map[*xmltree.Element]int{}
		for _, c := range out {
			if pr.pos > 0 {
				count[c.Parent]++
				if count[c.Parent] == pr.pos {
					kept = append(kept, c)
				}
				continue
			}
			if pr.match(c) {
				kept = append(kept, c)
			}
		}
		out = kept
	}
	return out
}

func (x expr) match(e *xmltree.Element) bool {
	for _, and := range x.or {
		ok := true
		for _, c := range and {
			if c.match(e) == c.negate {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (c cond) match(e *xmltree.Element) bool {
	v, ok := e.AttrOK(c.attr)
	switch c.op {
	case "=":
		return ok && v == c.value
	case "!=":
		return ok && v != c.value
	}
	return ok
}

// xp is the parser's state.
type xp struct {
	s string
	i int
}

func (p *xp) errf(format string, args ...any) error {
	return fmt.Errorf("at offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *xp) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *xp) eat(tok string) bool {
	p.ws()
	if strings.HasPrefix(p.s[p.i:], tok) {
		p.i += len(tok)
		return true
	}
	return false
}

func (p *xp) path() (*Path, error) {
	path := &Path{src: p.s}
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != '/' {
		return nil, p.errf("want an absolute path starting with /")
	}
	for {
		p.ws()
		if p.i >= len(p.s) {
			break
		}
		var st step
		switch {
		case strings.HasPrefix(p.s[p.i:], "//"):
			st.deep = true
			p.i += 2
		case p.s[p.i] == '/':
			p.i++
		default:
			return nil, p.errf("unexpected %q", p.s[p.i:])
		}
		name, err := p.name(true)
		if err != nil {
			return nil, err
		}
		st.name = name
		for p.eat("[") {
			e, err := p.pred()
			if err != nil {
				return nil, err
			}
			if !p.eat("]") {
				return nil, p.errf("want ]")
			}
			st.preds = append(st.preds, e)
		}
		path.steps = append(path.steps, st)
	}
	if len(path.steps) == 0 {
		return nil, p.errf("empty path")
	}
	return path, nil
}

func isNameByte(c byte, first bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		return true
	case c >= '0' && c <= '9', c == '-', c == '.':
		return !first
	}
	return false
}

func (p *xp) name(star bool) (string, error) {
	p.ws()
	if star && p.i < len(p.s) && p.s[p.i] == '*' {
		p.i++
		return "*", nil
	}
	start := p.i
	for p.i < len(p.s) && isNameByte(p.s[p.i], p.i == start) {
		p.i++
	}
	if p.i == start {
		return "", p.errf("want a name")
	}
	return p.s[start:p.i], nil
}

func (p *xp) pred() (expr, error) {
	p.ws()
	if p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		n, err := strconv.Atoi(p.s[start:p.i])
		if err != nil || n < 1 {
			return expr{}, p.errf("bad position %q", p.s[start:p.i])
		}
		return expr{pos: n}, nil
	}
	return p.orExpr()
}

func (p *xp) orExpr() (expr, error) {
	var e expr
	for {
		and, err := p.andExpr()
		if err != nil {
			return expr{}, err
		}
		e.or = append(e.or, and...)
		if !p.keyword("or") {
			return e, nil
		}
	}
}

// andExpr returns a conjunction as one-element disjunction, or, for a
// parenthesised or, that whole disjunction when it stands alone.
func (p *xp) andExpr() ([][]cond, error) {
	var conj []cond
	var group [][]cond
	for {
		if p.eat("(") {
			inner, err := p.orExpr()
			if err != nil {
				return nil, err
			}
			if !p.eat(")") {
				return nil, p.errf("want )")
			}
			if len(inner.or) == 1 {
				conj = append(conj, inner.or[0]...)
			} else if group == nil && len(conj) == 0 {
				group = inner.or
			} else {
				return nil, p.errf("a parenthesised or combined with and is not supported")
			}
		} else {
			c, err := p.cond()
			if err != nil {
				return nil, err
			}
			if group != nil {
				return nil, p.errf("a parenthesised or combined with and is not supported")
			}
			conj = append(conj, c)
		}
		if !p.keyword("and") {
			break
		}
		if group != nil {
			return nil, p.errf("a parenthesised or combined with and is not supported")
		}
	}
	if group != nil {
		return group, nil
	}
	return [][]cond{conj}, nil
}

func (p *xp) keyword(k string) bool {
	p.ws()
	if strings.HasPrefix(p.s[p.i:], k) {
		rest := p.s[p.i+len(k):]
		if rest == "" || rest[0] == ' ' || rest[0] == '(' || rest[0] == '@' || rest[0] == '\t' {
			p.i += len(k)
			return true
		}
	}
	return false
}

func (p *xp) cond() (cond, error) {
	if p.keyword("not") {
		if !p.eat("(") {
			return cond{}, p.errf("want ( after not")
		}
		c, err := p.cond()
		if err != nil {
			return cond{}, err
		}
		if !p.eat(")") {
			return cond{}, p.errf("want )")
		}
		c.negate = !c.negate
		return c, nil
	}
	if !p.eat("@") {
		return cond{}, p.errf("want @attribute, a position or not(...)")
	}
	attr, err := p.name(false)
	if err != nil {
		return cond{}, err
	}
	c := cond{attr: attr}
	switch {
	case p.eat("!="):
		c.op = "!="
	case p.eat("="):
		c.op = "="
	default:
		return c, nil
	}
	p.ws()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return cond{}, p.errf("want a quoted value")
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return cond{}, p.errf("unterminated string")
	}
	c.value = p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return c, nil
}
