package rule

import (
	"strings"

	"pacer/share/iso8601"
	"pacer/share/score"
	"pacer/share/xmltree"
)

// Check reports what is malformed in a <rule> element without evaluating
// it: unknown conditions or operators, missing required attributes, dates,
// durations, ranges and scores that do not parse. Each error names the
// element (and its id and line). id-ref elements are not followed.
func Check(r *xmltree.Element) []error {
	ev := &evaluator{ctx: &Context{}}
	ev.checkRule(r, 0)
	return ev.errs
}

var (
	exprOps  = []string{"lt", "gt", "lte", "gte", "eq", "ne", "defined", "not_defined"}
	exprType = []string{"string", "integer", "number", "version"}
	sources  = []string{"literal", "param", "meta"}
	dateOps  = []string{"gt", "lt", "in_range", "date_spec"}
)

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func (ev *evaluator) checkRule(r *xmltree.Element, depth int) {
	if _, ok := r.AttrOK("id-ref"); ok {
		return
	}
	if depth > maxDepth {
		ev.fail(r, "rules nested too deeply")
		return
	}
	s, hasScore := r.AttrOK("score")
	if hasScore {
		if _, err := score.Parse(s); err != nil {
			ev.fail(r, "%v", err)
		}
	}
	if _, ok := r.AttrOK("score-attribute"); ok && hasScore {
		ev.fail(r, "has both score and score-attribute; only one may be used")
	}
	if op, ok := r.AttrOK("boolean-op"); ok && !oneOf(op, []string{"and", "or"}) {
		ev.fail(r, "boolean-op %q is neither and nor or", op)
	}
	if role, ok := r.AttrOK("role"); ok && !oneOf(role, []string{"Started", "Unpromoted", "Promoted", "Slave", "Master", "Stopped"}) {
		ev.fail(r, "role %q unknown (want Started, Unpromoted or Promoted)", role)
	}
	if len(r.Children) == 0 {
		ev.fail(r, "has no conditions (it always passes)")
	}
	for _, c := range r.Children {
		if _, ok := c.AttrOK("id-ref"); ok {
			continue
		}
		switch c.Name {
		case "rule":
			ev.checkRule(c, depth+1)
		case "expression":
			ev.checkExpression(c)
		case "date_expression":
			ev.checkDateExpression(c)
		case "rsc_expression":
		case "op_expression":
			if _, ok := c.AttrOK("name"); !ok {
				ev.fail(c, "no name to match")
			}
			if iv, ok := c.AttrOK("interval"); ok {
				if _, err := iso8601.ParseInterval(iv); err != nil {
					ev.fail(c, "%v", err)
				}
			}
		default:
			ev.fail(c, "not a rule condition (want rule, expression, date_expression, rsc_expression or op_expression)")
		}
	}
}

func (ev *evaluator) checkExpression(e *xmltree.Element) {
	if _, ok := e.AttrOK("attribute"); !ok {
		ev.fail(e, "no attribute to test")
	}
	op, ok := e.AttrOK("operation")
	switch {
	case !ok:
		ev.fail(e, "no operation")
	case !oneOf(op, exprOps):
		ev.fail(e, "operation %q unknown (want %s)", op, strings.Join(exprOps, ", "))
	case !oneOf(op, []string{"defined", "not_defined"}):
		if _, ok := e.AttrOK("value"); !ok {
			ev.fail(e, "operation %s needs a value", op)
		}
	}
	if t, ok := e.AttrOK("type"); ok && !oneOf(t, exprType) {
		ev.fail(e, "type %q unknown (want %s)", t, strings.Join(exprType, ", "))
	}
	if s, ok := e.AttrOK("value-source"); ok && !oneOf(s, sources) {
		ev.fail(e, "value-source %q unknown (want %s)", s, strings.Join(sources, ", "))
	}
}

func (ev *evaluator) checkDateExpression(e *xmltree.Element) {
	op := e.Attr("operation")
	if op == "" {
		op = "in_range"
	}
	if !oneOf(op, dateOps) {
		ev.fail(e, "operation %q unknown (want %s)", op, strings.Join(dateOps, ", "))
		return
	}
	_, hasStart, _ := ev.parseDate(e, "start")
	_, hasEnd, _ := ev.parseDate(e, "end")
	switch strings.ToLower(op) {
	case "gt":
		if !hasStart {
			ev.fail(e, "operation gt needs start")
		}
	case "lt":
		if !hasEnd {
			ev.fail(e, "operation lt needs end")
		}
	case "in_range":
		d := e.Child("duration")
		if d != nil && !hasStart {
			ev.fail(e, "a duration needs start")
		}
		if !hasStart && !hasEnd {
			ev.fail(e, "operation in_range needs start or end")
		}
		if d != nil {
			if _, ok := d.AttrOK("id-ref"); !ok {
				ev.duration(d)
			}
		}
	case "date_spec":
		spec := e.Child("date_spec")
		if spec == nil {
			ev.fail(e, "operation date_spec needs a date_spec element")
			return
		}
		if _, ok := spec.AttrOK("id-ref"); ok {
			return
		}
		ev.checkDateSpec(spec)
	}
}

// dateSpecBounds are the documented ranges of the date_spec fields.
var dateSpecBounds = map[string][2]int{
	"seconds": {0, 59}, "minutes": {0, 59}, "hours": {0, 23}, "monthdays": {1, 31},
	"weekdays": {1, 7}, "yeardays": {1, 366}, "months": {1, 12}, "weeks": {1, 53},
	"years": {1, 9999}, "weekyears": {1, 9999}, "moon": {0, 7},
}

func (ev *evaluator) checkDateSpec(spec *xmltree.Element) {
	for _, a := range spec.Attrs {
		b, known := dateSpecBounds[a.Name]
		if !known {
			if a.Name != "id" {
				ev.fail(spec, "unknown field %s", a.Name)
			}
			continue
		}
		lo, hi, err := parseRange(a.Value)
		if err != nil {
			ev.fail(spec, "%s %q: %v", a.Name, a.Value, err)
			continue
		}
		if lo > hi {
			ev.fail(spec, "%s %q: empty range", a.Name, a.Value)
		}
		if (lo != -1<<31 && (lo < b[0] || lo > b[1])) || (hi != 1<<31 && (hi < b[0] || hi > b[1])) {
			ev.fail(spec, "%s %q: outside %d-%d", a.Name, a.Value, b[0], b[1])
		}
	}
	if _, ok := spec.AttrOK("moon"); ok {
		ev.fail(spec, "moon is deprecated since Pacemaker 2.1.6")
	}
}
