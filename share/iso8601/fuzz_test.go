package iso8601

import (
	"testing"
	"time"
)

// FuzzParse feeds arbitrary text to every parser: none may panic, and what
// ParseTime accepts must print and read back to the same second.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2005-01-20", "2005-020", "2005-W03-4T12:30", "2005-01-20 12:30:45 -05:00",
		"20050120T123045Z", "P1Y2M3DT4H5M6S", "PT10S", "10ms", "5min", "2005-040/P1D", "P1D/2005-043",
		"2005-01-20T24:00:00", "2004-W53-7", "P-1D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tm, err := ParseTime(s, time.UTC); err == nil {
			back, err := ParseTime(Format(tm), time.UTC)
			if err != nil || !back.Equal(tm.Truncate(time.Second)) {
				t.Fatalf("%q -> %v -> %q -> %v, %v", s, tm, Format(tm), back, err)
			}
		}
		if d, err := ParseDuration(s); err == nil {
			back, err := ParseDuration(d.String())
			if err != nil {
				t.Fatalf("%q -> %q: %v", s, d.String(), err)
			}
			_ = back.AddTo(time.Date(2005, 1, 31, 0, 0, 0, 0, time.UTC))
		}
		_, _ = ParsePeriod(s, time.UTC)
		if v, err := ParseInterval(s); err == nil && v < 0 {
			t.Fatalf("%q gave negative interval %v", s, v)
		}
	})
}
