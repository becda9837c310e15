// Package iso8601 reads the dates, durations and periods Pacemaker accepts
// in a CIB (date_expression start/end, crm_simulate -t, ...) and the
// interval/timeout values of operations ("10", "10s", "5min", "PT10S").
//
// It follows Pacemaker's behaviour where that is observable (checked against
// Pacemaker's own iso8601 tool), including its calendar arithmetic: adding
// years keeps the day of the year, adding months clamps the day to the end
// of the month. Nothing here reads the clock; "now" is always an argument.
package iso8601

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SyntaxError says what text could not be read and why.
type SyntaxError struct {
	What string // "date/time", "duration", "period", "interval"
	Text string
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.What, e.Text, e.Msg)
}

func timeErr(s, format string, args ...any) error {
	return &SyntaxError{What: "date/time", Text: s, Msg: fmt.Sprintf(format, args...)}
}

// ParseTime reads a date with an optional time and zone, in any of the forms
// Pacemaker accepts:
//
//	2005-01-20  20050120  2005-01        calendar
//	2005-020    2005020                  ordinal (day of year)
//	2005-W03-4  2005W034  2005-W03       ISO week date
//
// optionally followed by 'T' or a space and a time (12, 12:30, 12:30:45,
// 1230, 123045, with a fraction of a second that is dropped as Pacemaker
// works in whole seconds; 24:00:00 is the next midnight), and a zone (Z,
// +02, +02:00, -0500, optionally after a space). Without a zone the time is
// in loc, the way Pacemaker uses the host's local time zone. A nil loc means
// UTC.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, timeErr(s, "empty")
	}
	datePart, rest := t, ""
	if i := strings.IndexAny(t, "T "); i >= 0 {
		datePart, rest = t[:i], t[i+1:]
	}
	if datePart == "" {
		return time.Time{}, timeErr(s, "no date (a time of day alone needs a date)")
	}
	y, m, d, err := parseDate(datePart)
	if err != nil {
		return time.Time{}, timeErr(s, "%v", err)
	}
	var hh, mm, ss int
	zone := loc
	if i := strings.IndexAny(t, "T "); i >= 0 && rest == "" {
		return time.Time{}, timeErr(s, "nothing after %q", t[i:i+1])
	}
	if rest = strings.TrimLeft(rest, " "); rest != "" {
		timePart, zonePart := splitZone(rest)
		if timePart != "" {
			if hh, mm, ss, err = parseClock(timePart); err != nil {
				return time.Time{}, timeErr(s, "%v", err)
			}
		}
		if zonePart != "" {
			if zone, err = parseZone(zonePart); err != nil {
				return time.Time{}, timeErr(s, "%v", err)
			}
		}
	}
	// time.Date normalises 24:00:00 to the next day, as ISO 8601 means it.
	return time.Date(y, time.Month(m), d, hh, mm, ss, 0, zone), nil
}

// splitZone separates "12:30:45+02:00" or "12:30:45 Z" into clock and zone.
func splitZone(s string) (clock, zone string) {
	if i := strings.IndexAny(s, "Z+- "); i >= 0 {
		return s[:i], strings.TrimSpace(s[i:])
	}
	return s, ""
}

func parseDate(s string) (y, m, d int, err error) {
	if i := strings.IndexByte(s, 'W'); i >= 0 {
		return parseWeekDate(s, i)
	}
	parts := strings.Split(s, "-")
	for _, p := range parts {
		if p == "" || !allDigits(p) {
			return 0, 0, 0, fmt.Errorf("date %q is not YYYY-MM-DD, YYYY-DDD or YYYY-Www-D", s)
		}
	}
	switch len(parts) {
	case 1: // compact forms
		switch len(s) {
		case 8:
			y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
		case 7:
			return ordinal(atoi(s[:4]), atoi(s[4:]))
		default:
			return 0, 0, 0, fmt.Errorf("date %q is not YYYY-MM-DD, YYYY-DDD or YYYY-Www-D", s)
		}
	case 2:
		if len(parts[1]) == 3 {
			return ordinal(atoi(parts[0]), atoi(parts[1]))
		}
		y, m, d = atoi(parts[0]), atoi(parts[1]), 1
	case 3:
		y, m, d = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	default:
		return 0, 0, 0, fmt.Errorf("date %q has too many fields", s)
	}
	if err := checkYear(parts[0][:min(len(parts[0]), 4)], y); err != nil {
		return 0, 0, 0, err
	}
	if m < 1 || m > 12 {
		return 0, 0, 0, fmt.Errorf("month %d out of range 1-12", m)
	}
	if d < 1 || d > daysIn(y, time.Month(m)) {
		return 0, 0, 0, fmt.Errorf("day %d out of range for %04d-%02d", d, y, m)
	}
	return y, m, d, nil
}

func checkYear(text string, y int) error {
	if len(text) > 4 || y < 1 || y > 9999 {
		return fmt.Errorf("year %q out of range 1-9999", text)
	}
	return nil
}

func ordinal(y, yday int) (int, int, int, error) {
	if err := checkYear(strconv.Itoa(y), y); err != nil {
		return 0, 0, 0, err
	}
	if yday < 1 || yday > daysInYear(y) {
		return 0, 0, 0, fmt.Errorf("day of year %d out of range for %04d", yday, y)
	}
	t := time.Date(y, 1, yday, 0, 0, 0, 0, time.UTC)
	return t.Year(), int(t.Month()), t.Day(), nil
}

// parseWeekDate reads 2005-W03-4, 2005-W03 or 2005W034; w is the index of W.
func parseWeekDate(s string, w int) (int, int, int, error) {
	bad := fmt.Errorf("week date %q is not YYYY-Www-D", s)
	yText := strings.TrimSuffix(s[:w], "-")
	rest := s[w+1:]
	var wText, dText string
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		wText, dText = rest[:i], rest[i+1:]
	} else if len(rest) == 3 {
		wText, dText = rest[:2], rest[2:]
	} else {
		wText, dText = rest, "1"
	}
	if !allDigits(yText) || !allDigits(wText) || !allDigits(dText) || yText == "" || wText == "" || dText == "" {
		return 0, 0, 0, bad
	}
	y, wk, wd := atoi(yText), atoi(wText), atoi(dText)
	if err := checkYear(yText, y); err != nil {
		return 0, 0, 0, err
	}
	if wk < 1 || wk > WeeksInYear(y) {
		return 0, 0, 0, fmt.Errorf("week %d out of range for week-year %04d", wk, y)
	}
	if wd < 1 || wd > 7 {
		return 0, 0, 0, fmt.Errorf("weekday %d out of range 1-7", wd)
	}
	t := weekStart(y).AddDate(0, 0, (wk-1)*7+wd-1)
	return t.Year(), int(t.Month()), t.Day(), nil
}

// weekStart is the Monday of ISO week 1 of year y: the week holding 4 January.
func weekStart(y int) time.Time {
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	off := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -off)
}

// WeeksInYear is 52 or 53: the number of ISO weeks in week-year y.
func WeeksInYear(y int) int {
	_, w := time.Date(y, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

func parseClock(s string) (hh, mm, ss int, err error) {
	bad := fmt.Errorf("time %q is not HH:MM:SS", s)
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		// Fractions of a second are accepted and dropped, like Pacemaker.
		if i+1 == len(s) || !allDigits(s[i+1:]) {
			return 0, 0, 0, bad
		}
		s = s[:i]
	}
	var fields []string
	if strings.Contains(s, ":") {
		fields = strings.Split(s, ":")
	} else {
		switch len(s) {
		case 2:
			fields = []string{s}
		case 4:
			fields = []string{s[:2], s[2:]}
		case 6:
			fields = []string{s[:2], s[2:4], s[4:]}
		default:
			return 0, 0, 0, bad
		}
	}
	if len(fields) > 3 {
		return 0, 0, 0, bad
	}
	vals := [3]int{}
	for i, f := range fields {
		if f == "" || len(f) > 2 || !allDigits(f) {
			return 0, 0, 0, bad
		}
		vals[i] = atoi(f)
	}
	hh, mm, ss = vals[0], vals[1], vals[2]
	switch {
	case hh == 24 && (mm != 0 || ss != 0), hh > 24:
		return 0, 0, 0, fmt.Errorf("hour %d out of range 0-23", hh)
	case mm > 59:
		return 0, 0, 0, fmt.Errorf("minute %d out of range 0-59", mm)
	case ss > 59:
		return 0, 0, 0, fmt.Errorf("second %d out of range 0-59", ss)
	}
	return hh, mm, ss, nil
}

func parseZone(s string) (*time.Location, error) {
	if s == "Z" {
		return time.UTC, nil
	}
	bad := fmt.Errorf("zone %q is not Z, +HH, +HH:MM or +HHMM", s)
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return nil, bad
	}
	body := strings.Replace(s[1:], ":", "", 1)
	if !allDigits(body) || (len(body) != 1 && len(body) != 2 && len(body) != 4) {
		return nil, bad
	}
	h, m := 0, 0
	if len(body) == 4 {
		h, m = atoi(body[:2]), atoi(body[2:])
	} else {
		h = atoi(body)
	}
	if h > 23 || m > 59 {
		return nil, fmt.Errorf("zone %q out of range", s)
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	if off == 0 {
		return time.UTC, nil
	}
	return time.FixedZone("", off), nil
}

// Format writes t the way Pacemaker's tools print a date: "2005-01-20
// 12:30:45Z" for UTC, "2005-01-20 12:30:45 +02:00" otherwise.
func Format(t time.Time) string {
	if _, off := t.Zone(); off == 0 {
		return t.Format("2006-01-02 15:04:05Z")
	}
	return t.Format("2006-01-02 15:04:05 -07:00")
}

func allDigits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func daysInYear(y int) int {
	if daysIn(y, time.February) == 29 {
		return 366
	}
	return 365
}
