package crm

import (
	"fmt"
	"strings"

	"pacer/share/xmltree"
)

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
	sets, plain, err := p.constraintSets(id, "role", true)
	if err != nil {
		return err
	}
	if plain && len(sets) <= 2 && countRefs(sets) == 2 {
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
	return p.trailingAttrs(e, "node-attribute", "influence")
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
	sets, plain, err := p.constraintSets(id, "action", true)
	if err != nil {
		return err
	}
	if plain && countRefs(sets) == 2 {
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
	sets, plain, err := p.constraintSets(id, "role", false)
	if err != nil {
		return err
	}
	if plain && countRefs(sets) == 1 {
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

// constraintSets reads the resources of a colocation, order or ticket
// (qual names what may follow "rsc:": role or action). plain is true when
// they were written without brackets or _rsc_set_, so that they may be the
// plain rsc/with-rsc (first/then) form rather than a set; pair says that
// the plain form names two resources, so one alone is an error.
func (p *parser) constraintSets(id, qual string, pair bool) (sets []*xmltree.Element, plain bool, err error) {
	// crmsh's "_rsc_set_" asks for resource sets where the plain form
	// would otherwise be meant.
	forceSets := p.peekVal() == "_rsc_set_"
	if forceSets {
		p.next()
	}
	start := p.i
	sets, err = p.resourceSets(id, "", qual)
	if err != nil {
		return nil, false, err
	}
	if len(sets) == 0 {
		return nil, false, p.errf("expected resources")
	}
	bare := true
	for _, t := range p.toks[start:p.i] {
		if t.Val == "(" || t.Val == "[" {
			bare = false
		}
	}
	if pair && bare && !forceSets && len(sets) == 1 && len(sets[0].Children) == 1 {
		p.i = start + 1
		return nil, false, p.errf("expected a second resource")
	}
	return sets, bare && !forceSets, nil
}
