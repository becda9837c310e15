package scheduler

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"pacer/share/cib/cibgen"
	"pacer/share/opdigest"
	"pacer/share/xmltree"
)

// benchCIB writes a generated cluster (running status, one failed node)
// to a file once per size, so parsing is part of what is measured, as it
// is for `pacer simulate`.
func benchCIB(b *testing.B, nodes, rscs int) string {
	b.Helper()
	o := cibgen.Defaults(nodes, rscs)
	o.Digest = opdigest.Digest
	doc := cibgen.Generate(o)
	path := filepath.Join(b.TempDir(), "cib.xml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := doc.Write(f, xmltree.WriteOptions{Indent: "  "}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path
}

func benchRun(b *testing.B, nodes, rscs int) {
	path := benchCIB(b, nodes, rscs)
	now := time.Unix(1700000000, 0).UTC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := xmltree.ParseFile(path)
		if err != nil {
			b.Fatal(err)
		}
		res, err := Run(doc, Input{Now: now})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Summary) == 0 {
			b.Fatal("a failed node must lead to fencing and recovery")
		}
	}
}

func BenchmarkRun16x1000(b *testing.B) { benchRun(b, 16, 1000) }
func BenchmarkRun32x4000(b *testing.B) { benchRun(b, 32, 4000) }
