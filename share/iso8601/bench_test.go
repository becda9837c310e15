package iso8601

import "testing"

func BenchmarkParseTime(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTime("2019-09-20 21:00:00 -05:00", nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseInterval(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseInterval("10s"); err != nil {
			b.Fatal(err)
		}
	}
}
