package score

import "testing"

// FuzzParse: no panic, results stay in range, and what is printed reads
// back as the same score.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"INFINITY", "-INFINITY", "+5", "10abc", "99999999999999999999", " -7", "red"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, parse := range []func(string) (Score, error){Parse, Lenient} {
			v, err := parse(s)
			if v < MinusInfinity || v > Infinity {
				t.Fatalf("%q gave %d, out of range", s, int64(v))
			}
			if err == nil {
				back, err := Parse(v.String())
				if err != nil || back != v {
					t.Fatalf("%q -> %v -> %v, %v", s, v, back, err)
				}
			}
		}
	})
}
