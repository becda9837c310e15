package crm

import (
	"strings"

	"pacer/share/xmltree"
)

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
