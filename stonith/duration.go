package stonith

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseInterval reads a Pacemaker time value: a number with an optional
// unit (ms, msec, us, usec, s, sec, m, min, h, hr); a bare number is seconds,
// as for every Pacemaker time option.
func ParseInterval(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("empty time value")
	}
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.' || (i == 0 && (t[i] == '-' || t[i] == '+'))) {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" {
		return 0, fmt.Errorf("time value %q: not a number with an optional unit", s)
	}
	if f < 0 {
		return 0, fmt.Errorf("time value %q: negative", s)
	}
	var mult time.Duration
	switch unit {
	case "", "s", "sec", "secs", "second", "seconds":
		mult = time.Second
	case "ms", "msec", "msecs":
		mult = time.Millisecond
	case "us", "usec", "usecs":
		mult = time.Microsecond
	case "m", "min", "mins", "minute", "minutes":
		mult = time.Minute
	case "h", "hr", "hrs", "hour", "hours":
		mult = time.Hour
	default:
		return 0, fmt.Errorf("time value %q: unknown unit %q", s, unit)
	}
	if f*float64(mult) > float64(1<<62) {
		return 0, fmt.Errorf("time value %q: too large", s)
	}
	return time.Duration(f * float64(mult)), nil
}
