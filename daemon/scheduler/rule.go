package scheduler

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/iso8601"
	"pacer/share/score"
	"pacer/share/xmltree"
)

// ruleCtx is what a rule is evaluated against.
type ruleCtx struct {
	now       time.Time
	nodeAttrs map[string]string // nil: no node context
	role      string
	rscParams map[string]string
	rscMeta   map[string]string
	rsc       *Resource // for rsc_expression
	op        string    // for op_expression
	interval  time.Duration
	// nextChange is the earliest time after now when a date rule may
	// change its result (zero: none known).
}

// evalRule evaluates a <rule> element.
func evalRule(r *xmltree.Element, c *ruleCtx, doc *xmltree.Element) bool {
	if ref := r.Attr("id-ref"); ref != "" && len(r.Children) == 0 && doc != nil {
		if t := findByID(doc, ref); t != nil {
			r = t
		}
	}
	if role := r.Attr("role"); role != "" && c.role != "" && normRole(role) != c.role {
		return false
	}
	or := strings.EqualFold(r.Attr("boolean-op"), "or")
	any := false
	for _, e := range r.Children {
		var ok bool
		switch e.Name {
		case "expression":
			ok = evalExpr(e, c)
		case "date_expression":
			ok = evalDate(e, c.now)
		case "rule":
			ok = evalRule(e, c, doc)
		case "rsc_expression":
			ok = c.rsc != nil && (e.Attr("class") == "" || e.Attr("class") == c.rsc.Class) &&
				(e.Attr("provider") == "" || e.Attr("provider") == c.rsc.Provider) &&
				(e.Attr("type") == "" || e.Attr("type") == c.rsc.Type)
		case "op_expression":
			ok = c.op != "" && e.Attr("name") == c.op
			if iv := e.Attr("interval"); ok && iv != "" {
				d, _ := iso8601.ParseInterval(iv)
				ok = d == c.interval
			}
		default:
			continue
		}
		any = true
		if or && ok {
			return true
		}
		if !or && !ok {
			return false
		}
	}
	if or {
		return false
	}
	return true || any
}

func findByID(root *xmltree.Element, id string) *xmltree.Element {
	if root.Attr("id") == id {
		return root
	}
	for _, c := range root.Children {
		if f := findByID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// ruleScore is the score a location rule contributes on a node.
func ruleScore(r *xmltree.Element, attrs map[string]string) (score.Score, bool) {
	if s, ok := r.AttrOK("score"); ok {
		v, _ := score.Lenient(s)
		return v, true
	}
	if a := r.Attr("score-attribute"); a != "" {
		v, ok := attrs[a]
		if !ok {
			return 0, false
		}
		sc, _ := score.Lenient(v)
		return sc, true
	}
	return 0, true
}

func evalExpr(e *xmltree.Element, c *ruleCtx) bool {
	attr := e.Attr("attribute")
	op := e.Attr("operation")
	want, hasWant := e.AttrOK("value")
	switch e.Attr("value-source") {
	case "param":
		want, hasWant = c.rscParams[want]
	case "meta":
		want, hasWant = c.rscMeta[want]
	}
	var have string
	var present bool
	if c.nodeAttrs != nil {
		have, present = c.nodeAttrs[attr]
	}
	switch op {
	case "defined":
		return present
	case "not_defined":
		return !present
	}
	if !present || !hasWant {
		return op == "ne" && present != hasWant
	}
	typ := strings.ToLower(e.Attr("type"))
	if typ == "" {
		switch op {
		case "lt", "lte", "gt", "gte":
			if strings.Contains(have, ".") || strings.Contains(want, ".") {
				typ = "number"
			} else {
				typ = "integer"
			}
		default:
			typ = "string"
		}
	}
	cmp := 0
	switch typ {
	case "integer":
		a, err1 := strconv.ParseInt(strings.TrimSpace(have), 10, 64)
		b, err2 := strconv.ParseInt(strings.TrimSpace(want), 10, 64)
		if err1 != nil || err2 != nil {
			// Pacemaker accepts a decimal here and truncates it.
			fa, e1 := strconv.ParseFloat(strings.TrimSpace(have), 64)
			fb, e2 := strconv.ParseFloat(strings.TrimSpace(want), 64)
			if e1 != nil || e2 != nil {
				cmp = strings.Compare(strings.ToLower(have), strings.ToLower(want))
				break
			}
			a, b = int64(fa), int64(fb)
		}
		cmp = cmpInt(a, b)
	case "number":
		a, err1 := strconv.ParseFloat(strings.TrimSpace(have), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(want), 64)
		if err1 != nil || err2 != nil || math.IsNaN(a) || math.IsNaN(b) {
			cmp = strings.Compare(strings.ToLower(have), strings.ToLower(want))
			break
		}
		switch {
		case a < b:
			cmp = -1
		case a > b:
			cmp = 1
		}
	case "version":
		cmp = cmpVersion(have, want)
	default:
		cmp = strings.Compare(strings.ToLower(have), strings.ToLower(want))
	}
	switch op {
	case "lt":
		return cmp < 0
	case "lte":
		return cmp <= 0
	case "gt":
		return cmp > 0
	case "gte":
		return cmp >= 0
	case "eq":
		return cmp == 0
	case "ne":
		return cmp != 0
	}
	return false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpVersion(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int64
		if i < len(pa) {
			x, _ = strconv.ParseInt(pa[i], 10, 64)
		}
		if i < len(pb) {
			y, _ = strconv.ParseInt(pb[i], 10, 64)
		}
		if c := cmpInt(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func parseDate(s string) (time.Time, bool) {
	t, err := iso8601.ParseTime(s, time.UTC)
	return t, err == nil
}

func evalDate(e *xmltree.Element, now time.Time) bool {
	op := e.Attr("operation")
	if op == "" {
		op = "in_range"
	}
	start, hasStart := parseDate(e.Attr("start"))
	end, hasEnd := parseDate(e.Attr("end"))
	switch op {
	case "gt":
		return hasStart && now.After(start)
	case "lt":
		return hasEnd && now.Before(end)
	case "in_range":
		if !hasEnd {
			if d := e.Child("duration"); d != nil && hasStart {
				end = durationFrom(d).AddTo(start)
				hasEnd = true
			}
		}
		if hasStart && now.Before(start) {
			return false
		}
		if hasEnd && now.After(end) {
			return false
		}
		return hasStart || hasEnd
	case "date_spec":
		ds := e.Child("date_spec")
		if ds == nil {
			return false
		}
		return matchDateSpec(ds, now)
	}
	return false
}

func durationFrom(d *xmltree.Element) iso8601.Duration {
	var out iso8601.Duration
	get := func(n string) int {
		v, _ := strconv.Atoi(d.Attr(n))
		return v
	}
	out.Years = get("years")
	out.Months = get("months")
	out.Days = get("days") + 7*get("weeks")
	out.Seconds = int64(get("hours"))*3600 + int64(get("minutes"))*60 + int64(get("seconds"))
	return out
}

func matchDateSpec(ds *xmltree.Element, t time.Time) bool {
	yr, wk := t.ISOWeek()
	wd := int(t.Weekday())
	if wd == 0 {
		wd = 7
	}
	vals := map[string]int{
		"years": t.Year(), "months": int(t.Month()), "monthdays": t.Day(),
		"hours": t.Hour(), "minutes": t.Minute(), "seconds": t.Second(),
		"yeardays": t.YearDay(), "weekyears": yr, "weeks": wk, "weekdays": wd,
	}
	for name, v := range vals {
		spec, ok := ds.AttrOK(name)
		if !ok {
			continue
		}
		if !inRange(spec, v) {
			return false
		}
	}
	return true
}

func inRange(spec string, v int) bool {
	spec = strings.TrimSpace(spec)
	if i := strings.Index(spec, "-"); i > 0 {
		lo, e1 := strconv.Atoi(strings.TrimSpace(spec[:i]))
		hi, e2 := strconv.Atoi(strings.TrimSpace(spec[i+1:]))
		if e1 != nil || e2 != nil {
			return false
		}
		return v >= lo && v <= hi
	}
	n, err := strconv.Atoi(spec)
	return err == nil && n == v
}

// nvset is one instance/meta attribute block.
type nvset struct {
	score score.Score
	index int
	elem  *xmltree.Element
}

// unpackNVSets merges the attribute blocks called name under parent: blocks
// apply in score order (highest first wins), a block whose rule fails is
// skipped, and the first value seen for a name is kept.
func unpackNVSets(parent *xmltree.Element, name string, c *ruleCtx, root *xmltree.Element) map[string]string {
	out := map[string]string{}
	if parent == nil {
		return out
	}
	var sets []nvset
	for i, e := range parent.ChildrenNamed(name) {
		if ref := e.Attr("id-ref"); ref != "" && root != nil {
			if t := findByID(root, ref); t != nil {
				e = t
			}
		}
		sc, _ := score.Lenient(e.Attr("score"))
		sets = append(sets, nvset{sc, i, e})
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].score > sets[j].score })
	for _, s := range sets {
		if r := s.elem.Child("rule"); r != nil && !evalRule(r, c, root) {
			continue
		}
		for _, nv := range s.elem.ChildrenNamed("nvpair") {
			if ref := nv.Attr("id-ref"); ref != "" && root != nil {
				if t := findByID(root, ref); t != nil {
					nv = t
				}
			}
			n := nv.Attr("name")
			if n == "" {
				continue
			}
			if _, have := out[n]; have {
				continue
			}
			out[n] = nv.Attr("value")
		}
	}
	return out
}

func merge(dst, src map[string]string) {
	for k, v := range src {
		dst[k] = v
	}
}

func normRole(r string) string {
	switch strings.ToLower(r) {
	case "master", "promoted":
		return "Promoted"
	case "slave", "unpromoted":
		return "Unpromoted"
	case "started":
		return "Started"
	case "stopped":
		return "Stopped"
	}
	return r
}

func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "y", "1":
		return true
	}
	return false
}
