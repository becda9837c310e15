package alerts

import (
	"strconv"
	"strings"
	"time"
)

// Strftime formats t by a C strftime format, with Pacemaker's extension
// %N (fractions of a second; %3N milliseconds, %06N microseconds, %N
// nanoseconds). Conversions it does not know are copied as they are.
func Strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		start := i
		i++
		// %[0][width]N
		j := i
		for j < len(format) && format[j] >= '0' && format[j] <= '9' {
			j++
		}
		if j < len(format) && format[j] == 'N' {
			width := 9
			if j > i {
				if w, err := strconv.Atoi(format[i:j]); err == nil && w >= 1 && w <= 9 {
					width = w
				}
			}
			ns := strconv.Itoa(t.Nanosecond())
			ns = strings.Repeat("0", 9-len(ns)) + ns
			b.WriteString(ns[:width])
			i = j
			continue
		}
		if v, ok := conv(format[i], t); ok {
			b.WriteString(v)
		} else {
			b.WriteString(format[start : i+1])
		}
	}
	return b.String()
}

func conv(c byte, t time.Time) (string, bool) {
	two := func(n int) string { return strconv.Itoa(n/10) + strconv.Itoa(n%10) }
	switch c {
	case 'Y':
		return strconv.Itoa(t.Year()), true
	case 'y':
		return two(t.Year() % 100), true
	case 'm':
		return two(int(t.Month())), true
	case 'd':
		return two(t.Day()), true
	case 'e':
		return t.Format("_2"), true
	case 'H':
		return two(t.Hour()), true
	case 'I':
		return t.Format("03"), true
	case 'p':
		return t.Format("PM"), true
	case 'M':
		return two(t.Minute()), true
	case 'S':
		return two(t.Second()), true
	case 'j':
		return t.Format("002"), true
	case 'a':
		return t.Format("Mon"), true
	case 'A':
		return t.Format("Monday"), true
	case 'b', 'h':
		return t.Format("Jan"), true
	case 'B':
		return t.Format("January"), true
	case 'Z':
		return t.Format("MST"), true
	case 'z':
		return t.Format("-0700"), true
	case 's':
		return strconv.FormatInt(t.Unix(), 10), true
	case 'F':
		return t.Format("2006-01-02"), true
	case 'T':
		return t.Format("15:04:05"), true
	case 'c':
		return t.Format("Mon Jan _2 15:04:05 2006"), true
	case '%':
		return "%", true
	}
	return "", false
}
