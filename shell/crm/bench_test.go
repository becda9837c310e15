package crm

import (
	"os"
	"testing"

	"pacer/share/cib/cibgen"
	"pacer/share/xmltree"
)

// BenchmarkShow prints an 8-node x 500-resource configuration (the goal
// is under 100 ms; crmsh takes 1.3 s). Every object is also parsed back
// to check it, which is most of the cost.
func BenchmarkShow(b *testing.B) {
	doc := cibgen.Generate(cibgen.Defaults(8, 500))
	cfg := doc.Root.Child("configuration")
	if n := len(collect(cfg)); n < 500 {
		b.Fatalf("generated configuration has only %d objects", n)
	}
	out := Show(cfg)
	back, err := pacerLoad(out)
	if err != nil || !Equivalent(back, cfg) {
		b.Fatalf("Show of the generated configuration does not read back: %v", err)
	}
	b.SetBytes(int64(len(out)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Show(cfg)
	}
}

// BenchmarkLoad parses and applies the same configuration's text.
func BenchmarkLoad(b *testing.B) {
	doc := cibgen.Generate(cibgen.Defaults(8, 500))
	text := Show(doc.Root.Child("configuration"))
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := pacerLoad(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkShowSmall prints the golden configuration (about 40 objects).
func BenchmarkShowSmall(b *testing.B) {
	data, err := os.ReadFile("testdata/constructs.xml")
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := xmltree.ParseElement(string(data))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Show(cfg)
	}
}
