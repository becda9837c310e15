package simulate

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"pacer/share/cib/cibgen"
	"pacer/share/opdigest"
	"pacer/share/xmltree"
)

// benchSimulate times the whole `pacer simulate -x FILE` command on a
// generated cluster with running status and a lost node.
func benchSimulate(b *testing.B, nodes, rscs int) {
	o := cibgen.Defaults(nodes, rscs)
	o.Digest = opdigest.Digest
	path := filepath.Join(b.TempDir(), "cib.xml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := cibgen.Generate(o).Write(f, xmltree.Pretty); err != nil {
		b.Fatal(err)
	}
	f.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if rc := Main([]string{"-x", path}, io.Discard, io.Discard); rc != 0 {
			b.Fatalf("simulate exit %d", rc)
		}
	}
}

func BenchmarkSimulate16x1000(b *testing.B) { benchSimulate(b, 16, 1000) }
func BenchmarkSimulate32x4000(b *testing.B) { benchSimulate(b, 32, 4000) }
