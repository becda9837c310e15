package rule

import (
	"strconv"
	"strings"
	"time"

	"pacer/share/iso8601"
	"pacer/share/xmltree"
)

func (ev *evaluator) parseDate(e *xmltree.Element, attr string) (time.Time, bool, bool) {
	s, ok := e.AttrOK(attr)
	if !ok {
		return time.Time{}, false, true
	}
	t, err := iso8601.ParseTime(s, ev.ctx.Now.Location())
	if err != nil {
		ev.fail(e, "%s: %v", attr, err)
		return time.Time{}, false, false
	}
	return t, true, true
}

func (ev *evaluator) dateExpression(e *xmltree.Element) bool {
	now := ev.now()
	start, hasStart, okStart := ev.parseDate(e, "start")
	end, hasEnd, okEnd := ev.parseDate(e, "end")
	if !okStart || !okEnd {
		return false
	}
	op := strings.ToLower(e.Attr("operation"))
	switch op {
	case "gt":
		if !hasStart {
			ev.fail(e, "operation gt needs start")
			return false
		}
		if !now.After(start) {
			ev.noteChange(start.Add(time.Second))
			return false
		}
		return true
	case "lt":
		if !hasEnd {
			ev.fail(e, "operation lt needs end")
			return false
		}
		if now.Before(end) {
			ev.noteChange(end)
			return true
		}
		return false
	case "", "in_range":
		if !hasEnd {
			if d := e.Child("duration"); d != nil && hasStart {
				dur, ok := ev.duration(ev.deref(d))
				if !ok {
					return false
				}
				end, hasEnd = dur.AddTo(start), true
			}
		}
		if !hasStart && !hasEnd {
			ev.fail(e, "operation in_range needs start, end, or start and a duration")
			return false
		}
		if hasStart && now.Before(start) {
			ev.noteChange(start)
			return false
		}
		if hasEnd {
			if now.After(end) {
				return false
			}
			ev.noteChange(end.Add(time.Second))
		}
		return true
	case "date_spec":
		spec := e.Child("date_spec")
		if spec == nil {
			ev.fail(e, "operation date_spec needs a date_spec element")
			return false
		}
		if spec = ev.deref(spec); spec == nil {
			return false
		}
		return ev.dateSpec(spec)
	}
	ev.fail(e, "operation %q unknown (want gt, lt, in_range or date_spec)", e.Attr("operation"))
	return false
}

// duration reads a <duration> element's attributes.
func (ev *evaluator) duration(d *xmltree.Element) (iso8601.Duration, bool) {
	if d == nil {
		return iso8601.Duration{}, false
	}
	var out iso8601.Duration
	for _, f := range []struct {
		attr string
		add  func(int)
	}{
		{"years", func(n int) { out.Years += n }},
		{"months", func(n int) { out.Months += n }},
		{"weeks", func(n int) { out.Days += 7 * n }},
		{"days", func(n int) { out.Days += n }},
		{"hours", func(n int) { out.Seconds += int64(n) * 3600 }},
		{"minutes", func(n int) { out.Seconds += int64(n) * 60 }},
		{"seconds", func(n int) { out.Seconds += int64(n) }},
	} {
		s, ok := d.AttrOK(f.attr)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n > 1<<30 || n < -(1<<30) {
			ev.fail(d, "%s %q is not an integer", f.attr, s)
			return out, false
		}
		f.add(n)
	}
	return out, true
}

// dateSpec matches Now's fields, in Now's location, against a date_spec.
func (ev *evaluator) dateSpec(spec *xmltree.Element) bool {
	now := ev.now()
	isoYear, isoWeek := now.ISOWeek()
	weekday := int(now.Weekday())
	if weekday == 0 {
		weekday = 7 // ISO: Monday is 1, Sunday 7
	}
	fields := []struct {
		attr string
		val  int
	}{
		{"years", now.Year()},
		{"months", int(now.Month())},
		{"monthdays", now.Day()},
		{"hours", now.Hour()},
		{"minutes", now.Minute()},
		{"seconds", now.Second()},
		{"yeardays", now.YearDay()},
		{"weekyears", isoYear},
		{"weeks", isoWeek},
		{"weekdays", weekday},
		{"moon", MoonPhase(now)},
	}
	ok := true
	for _, f := range fields {
		s, present := spec.AttrOK(f.attr)
		if !present {
			continue
		}
		lo, hi, err := parseRange(s)
		if err != nil {
			ev.fail(spec, "%s %q: %v", f.attr, s, err)
			ok = false
			continue
		}
		if f.val < lo || f.val > hi {
			ok = false
		}
	}
	return ok
}

// parseRange reads "N", "N-M", "N-" or "-M".
func parseRange(s string) (lo, hi int, err error) {
	t := strings.TrimSpace(s)
	a, b, isRange := strings.Cut(t, "-")
	num := func(x string, def int) (int, error) {
		x = strings.TrimSpace(x)
		if x == "" {
			return def, nil
		}
		return strconv.Atoi(x)
	}
	if !isRange {
		if t == "" {
			return 0, 0, errSyntaxRange
		}
		v, err := strconv.Atoi(t)
		if err != nil {
			return 0, 0, errSyntaxRange
		}
		return v, v, nil
	}
	if strings.TrimSpace(a) == "" && strings.TrimSpace(b) == "" {
		return 0, 0, errSyntaxRange
	}
	if lo, err = num(a, -1<<31); err != nil {
		return 0, 0, errSyntaxRange
	}
	if hi, err = num(b, 1<<31); err != nil {
		return 0, 0, errSyntaxRange
	}
	return lo, hi, nil
}

type rangeError struct{}

func (rangeError) Error() string { return "not a number or range like 1-5, 3- or -5" }

var errSyntaxRange = rangeError{}

// MoonPhase is the phase of the moon (0 new .. 4 full .. 7) for date_spec's
// deprecated moon field, by the traditional epact approximation Pacemaker
// uses; it agrees with crm_simulate 2.1.5.
func MoonPhase(t time.Time) int {
	y, yday := t.Year(), t.YearDay()
	golden := y%19 + 1
	epact := (11*golden + 18) % 30
	if (epact == 25 && golden > 11) || epact == 24 {
		epact++
	}
	return (((yday+epact)*6 + 11) % 177 / 22) & 7
}
