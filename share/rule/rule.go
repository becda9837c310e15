// Package rule evaluates Pacemaker's rules: the <rule> elements inside
// location constraints and inside option blocks (instance_attributes,
// meta_attributes, cluster_property_set, rsc_defaults, op_defaults).
//
// Behaviour follows Pacemaker Explained's "Rules" chapter, with the corner
// cases (missing attributes, case, unknown operators) as observed from
// crm_simulate 2.1.5. The clock is an input: Context.Now.
//
// Evaluation never fails outright. Pacemaker treats a malformed expression
// as not passing and carries on, so Evaluate returns the result Pacemaker
// would use together with an error describing what was wrong, for the
// caller to report as a configuration warning.
package rule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pacer/share/iso8601"
	"pacer/share/score"
	"pacer/share/xmltree"
)

// Resource identifies the agent of the resource a rule is evaluated for
// (rsc_expression).
type Resource struct {
	Class, Provider, Type string
}

// Op identifies the action a rule is evaluated for (op_expression).
type Op struct {
	Name     string
	Interval time.Duration
}

// Context is everything a rule can look at.
type Context struct {
	// Node holds the node attributes, including the built-in ones
	// (#uname, #id, #kind, #is_dc, #cluster-name, #site-name, #role).
	// Nil when the rule is not evaluated for a node: then every node
	// attribute is undefined.
	Node map[string]string
	// Params and Meta are the resource's instance and meta attributes,
	// read by expressions with value-source="param" / "meta".
	Params, Meta map[string]string
	// Rsc and Op are nil outside rsc_defaults / op_defaults evaluation.
	Rsc *Resource
	Op  *Op
	// Now is the time date expressions compare with. Its location is the
	// zone date_spec fields (hours, weekdays, ...) are taken in, and the
	// zone dates without an offset are read in (Pacemaker uses the host's
	// local zone).
	Now time.Time
	// Submatches are the rsc-pattern submatches of a location constraint
	// (index 0 the whole match); %1..%9 in attribute and score-attribute
	// are replaced by them.
	Submatches []string
	// Health gives the node-health aliases red/yellow/green their values
	// when a score-attribute holds one.
	Health score.Health
	// Resolve finds the element an id-ref points to; nil disables id-ref.
	Resolve func(id string) *xmltree.Element
	// FirstSetID names the option set that always comes first whatever
	// the scores ("cib-bootstrap-options" for cluster options).
	FirstSetID string
}

// Result is the outcome of a rule.
type Result struct {
	Matched bool
	// Score is the rule's score (score, or the score-attribute's value on
	// the node; 0 when neither is given). Meaningful when Matched.
	Score score.Score
	// NextChange is the earliest time after Now at which a date
	// expression in the rule changes value, or zero when none will (or it
	// is not known: date_spec, like in Pacemaker, gives no hint).
	NextChange time.Time
}

// Evaluate evaluates one <rule> element. The error, when not nil, lists
// what was malformed; the result is still the one Pacemaker would act on.
func Evaluate(r *xmltree.Element, ctx *Context) (Result, error) {
	if ctx == nil {
		ctx = &Context{}
	}
	ev := &evaluator{ctx: ctx}
	res := Result{}
	r = ev.deref(r)
	if r == nil {
		return res, errors.Join(ev.errs...)
	}
	res.Matched = ev.rule(r, 0)
	res.Score = ev.ruleScore(r)
	res.NextChange = ev.next
	return res, errors.Join(ev.errs...)
}

// Matches is Evaluate without the details, for callers that only need a yes
// or no and report problems elsewhere.
func Matches(r *xmltree.Element, ctx *Context) bool {
	res, _ := Evaluate(r, ctx)
	return res.Matched
}

type evaluator struct {
	ctx  *Context
	errs []error
	next time.Time
	// Rules reached through id-ref may be shared or even loop: results
	// are remembered so a rule is evaluated once, and a rule met again
	// while being evaluated is a loop.
	done    map[*xmltree.Element]bool
	running map[*xmltree.Element]bool
}

func (ev *evaluator) fail(e *xmltree.Element, format string, args ...any) {
	where := e.Name
	if id := e.ID(); id != "" {
		where = fmt.Sprintf("%s %q", e.Name, id)
	}
	if e.Line > 0 {
		where = fmt.Sprintf("%s (line %d)", where, e.Line)
	}
	ev.errs = append(ev.errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
}

func (ev *evaluator) noteChange(t time.Time) {
	if !t.After(ev.now()) {
		return
	}
	if ev.next.IsZero() || t.Before(ev.next) {
		ev.next = t
	}
}

// deref follows an id-ref on e, if any.
func (ev *evaluator) deref(e *xmltree.Element) *xmltree.Element {
	ref, ok := e.AttrOK("id-ref")
	if !ok {
		return e
	}
	if ev.ctx.Resolve == nil {
		ev.fail(e, "id-ref %q cannot be followed here", ref)
		return nil
	}
	t := ev.ctx.Resolve(ref)
	if t == nil {
		ev.fail(e, "id-ref %q points to nothing", ref)
		return nil
	}
	if t.Name != e.Name {
		ev.fail(e, "id-ref %q points to a %s, not a %s", ref, t.Name, e.Name)
		return nil
	}
	return t
}

const maxDepth = 64 // rules nest; an id-ref loop must not recurse forever

func (ev *evaluator) rule(r *xmltree.Element, depth int) bool {
	if v, ok := ev.done[r]; ok {
		return v
	}
	if ev.running[r] {
		ev.fail(r, "refers to itself through id-ref")
		return false
	}
	if depth > maxDepth {
		ev.fail(r, "rules nested too deeply")
		return false
	}
	if ev.done == nil {
		ev.done, ev.running = map[*xmltree.Element]bool{}, map[*xmltree.Element]bool{}
	}
	ev.running[r] = true
	v := ev.ruleConditions(r, depth)
	delete(ev.running, r)
	ev.done[r] = v
	return v
}

func (ev *evaluator) ruleConditions(r *xmltree.Element, depth int) bool {
	or := strings.EqualFold(r.Attr("boolean-op"), "or")
	if op, ok := r.AttrOK("boolean-op"); ok && !or && !strings.EqualFold(op, "and") {
		ev.fail(r, "boolean-op %q is neither and nor or; using and", op)
	}
	// Every condition is evaluated, without a short cut, so that
	// NextChange and the errors cover the whole rule.
	n, passed := 0, 0
	for _, c := range r.Children {
		n++
		if ev.condition(c, depth) {
			passed++
		}
	}
	switch {
	case n == 0:
		return true // an empty rule passes (crm_simulate 2.1.5)
	case or:
		return passed > 0
	}
	return passed == n
}

func (ev *evaluator) condition(c *xmltree.Element, depth int) bool {
	c = ev.deref(c)
	if c == nil {
		return false
	}
	switch c.Name {
	case "rule":
		return ev.rule(c, depth+1)
	case "expression":
		return ev.expression(c)
	case "date_expression":
		return ev.dateExpression(c)
	case "rsc_expression":
		return ev.rscExpression(c)
	case "op_expression":
		return ev.opExpression(c)
	}
	ev.fail(c, "not a rule condition (want rule, expression, date_expression, rsc_expression or op_expression)")
	return false
}

func (ev *evaluator) substitute(s string) string {
	if !strings.Contains(s, "%") || len(ev.ctx.Submatches) == 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			n := int(s[i+1] - '0')
			if n < len(ev.ctx.Submatches) {
				b.WriteString(ev.ctx.Submatches[n])
			}
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (ev *evaluator) ruleScore(r *xmltree.Element) score.Score {
	if s, ok := r.AttrOK("score"); ok {
		v, err := score.Lenient(s)
		if err != nil {
			ev.fail(r, "%v", err)
		}
		return v
	}
	name, ok := r.AttrOK("score-attribute")
	if !ok {
		return 0
	}
	name = ev.substitute(name)
	val, ok := ev.ctx.Node[name]
	if !ok {
		// crm_simulate 2.1.5 bans the node when the attribute is absent.
		return score.MinusInfinity
	}
	if v, err := score.ParseHealth(val, ev.ctx.Health); err == nil {
		return v
	}
	v, err := score.Lenient(val)
	if err != nil {
		ev.fail(r, "score-attribute %q: %v", name, err)
	}
	return v
}

func (ev *evaluator) expression(e *xmltree.Element) bool {
	attr, ok := e.AttrOK("attribute")
	if !ok {
		ev.fail(e, "no attribute to test")
		return false
	}
	attr = ev.substitute(attr)
	op := strings.ToLower(e.Attr("operation"))
	left, leftOK := ev.ctx.Node[attr]
	switch op {
	case "defined":
		return leftOK
	case "not_defined":
		return !leftOK
	case "lt", "gt", "lte", "gte", "eq", "ne":
	default:
		ev.fail(e, "operation %q unknown (want lt, gt, lte, gte, eq, ne, defined or not_defined)", e.Attr("operation"))
		return false
	}
	right, rightOK := e.AttrOK("value")
	switch src := strings.ToLower(e.Attr("value-source")); src {
	case "", "literal":
	case "param":
		right, rightOK = ev.ctx.Params[right]
	case "meta":
		right, rightOK = ev.ctx.Meta[right]
	default:
		ev.fail(e, "value-source %q unknown (want literal, param or meta); using literal", e.Attr("value-source"))
	}
	var cmp int
	switch {
	case leftOK && rightOK:
		cmp = compareTyped(left, right, e.Attr("type"), op)
	case !leftOK && !rightOK:
		cmp = 0
	case !rightOK:
		cmp = 1
	default:
		cmp = -1
	}
	switch op {
	case "eq":
		return cmp == 0
	case "ne":
		return cmp != 0
	}
	if !leftOK || !rightOK {
		return false // an absent value is not ordered against anything
	}
	switch op {
	case "lt":
		return cmp < 0
	case "gt":
		return cmp > 0
	case "lte":
		return cmp <= 0
	}
	return cmp >= 0 // gte
}

// compareTyped compares two values as the expression's type says.
// The default for ordering operators is number when either value has a
// decimal point, integer otherwise; for eq/ne it is string. When a value
// does not parse as the type, both are compared as strings.
func compareTyped(l, r, typ, op string) int {
	typ = strings.ToLower(typ)
	if typ == "" {
		switch op {
		case "lt", "gt", "lte", "gte":
			if strings.Contains(l, ".") || strings.Contains(r, ".") {
				typ = "number"
			} else {
				typ = "integer"
			}
		default:
			typ = "string"
		}
	}
	switch typ {
	case "integer":
		a, errA := parseInteger(l)
		b, errB := parseInteger(r)
		if errA == nil && errB == nil {
			return cmp3(a, b)
		}
	case "number":
		a, errA := strconv.ParseFloat(strings.TrimSpace(l), 64)
		b, errB := strconv.ParseFloat(strings.TrimSpace(r), 64)
		if errA == nil && errB == nil {
			return cmp3(a, b)
		}
	case "version":
		return CompareVersions(l, r)
	}
	return strings.Compare(asciiLower(l), asciiLower(r))
}

// parseInteger reads a 64-bit integer, truncating a floating-point value as
// Pacemaker's integer type does.
func parseInteger(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 9.2e18 || f < -9.2e18 {
		return 0, fmt.Errorf("not an integer: %q", s)
	}
	return int64(f), nil
}

func cmp3[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// asciiLower folds case the way strcasecmp does: ASCII letters only.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// CompareVersions compares dot-separated versions field by field as
// integers (the leading digits of each field; missing fields count as 0,
// so 1.10 equals 1.10.0 and is greater than 1.9).
func CompareVersions(a, b string) int {
	fa, fb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(fa) || i < len(fb); i++ {
		var x, y int64
		if i < len(fa) {
			x = leadingInt(fa[i])
		}
		if i < len(fb) {
			y = leadingInt(fb[i])
		}
		if c := cmp3(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func leadingInt(s string) int64 {
	s = strings.TrimSpace(s)
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' && end < 18 {
		end++
	}
	v, _ := strconv.ParseInt(s[:end], 10, 64)
	return v
}

func (ev *evaluator) rscExpression(e *xmltree.Element) bool {
	rsc := ev.ctx.Rsc
	for _, f := range []struct {
		attr string
		get  func(*Resource) string
	}{
		{"class", func(r *Resource) string { return r.Class }},
		{"provider", func(r *Resource) string { return r.Provider }},
		{"type", func(r *Resource) string { return r.Type }},
	} {
		want, ok := e.AttrOK(f.attr)
		if !ok {
			continue
		}
		if rsc == nil || f.get(rsc) != want {
			return false
		}
	}
	return true
}

func (ev *evaluator) opExpression(e *xmltree.Element) bool {
	name, ok := e.AttrOK("name")
	if !ok {
		ev.fail(e, "no name to match")
		return false
	}
	op := ev.ctx.Op
	if op == nil || op.Name != name {
		return false
	}
	iv, ok := e.AttrOK("interval")
	if !ok {
		return true
	}
	d, err := iso8601.ParseInterval(iv)
	if err != nil {
		ev.fail(e, "%v", err)
		return false
	}
	return d == op.Interval
}

// now is the evaluation time in whole seconds: Pacemaker's clock has no
// finer grain, so 12:00:00.5 is still not after a start of 12:00:00.
func (ev *evaluator) now() time.Time { return ev.ctx.Now.Truncate(time.Second) }
