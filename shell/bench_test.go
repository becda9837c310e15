package shell

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/cib/cibgen"
	"pacer/share/xmltree"
)

// Speed goals (issue 7): configure show and status under 20 ms on a small
// CIB and under 100 ms on 8 nodes x 500 resources. The in-process benchmarks
// measure the command; the Exec ones the whole bin/pacer run, process
// start included, which is what an admin waits for.

func benchCIB(b *testing.B, nodes, rscs int) string {
	b.Helper()
	doc := cibgen.Generate(cibgen.Defaults(nodes, rscs))
	p := filepath.Join(b.TempDir(), "cib.xml")
	if err := os.WriteFile(p, doc.Bytes(xmltree.Pretty), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

func benchCommand(b *testing.B, cibPath, line string) {
	b.Setenv("CIB_file", cibPath)
	b.Setenv("CIB_shadow", "")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := newSession(strings.NewReader(""), io.Discard, io.Discard)
		s.oneShot = true
		if err := s.runLine(context.Background(), line); err != nil {
			b.Fatal(err)
		}
	}
}

var benchSizes = []struct{ nodes, rscs int }{{3, 12}, {8, 500}}

func BenchmarkConfigureShow(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(fmt.Sprintf("%dx%d", sz.nodes, sz.rscs), func(b *testing.B) {
			benchCommand(b, benchCIB(b, sz.nodes, sz.rscs), "configure show")
		})
	}
}

func BenchmarkStatus(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(fmt.Sprintf("%dx%d", sz.nodes, sz.rscs), func(b *testing.B) {
			benchCommand(b, benchCIB(b, sz.nodes, sz.rscs), "status")
		})
	}
}

// BenchmarkExec runs bin/pacer ($PACER_BIN) as a user would.
func BenchmarkExec(b *testing.B) {
	dir := os.Getenv("PACER_BIN")
	if dir == "" {
		b.Skip("PACER_BIN not set (make bench sets it)")
	}
	for _, sz := range benchSizes {
		p := benchCIB(b, sz.nodes, sz.rscs)
		for _, args := range [][]string{{"configure", "show"}, {"status"}} {
			b.Run(fmt.Sprintf("%s/%dx%d", strings.Join(args, "_"), sz.nodes, sz.rscs), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					cmd := exec.Command(filepath.Join(dir, "pacer"), args...)
					cmd.Env = append(os.Environ(), "CIB_file="+p)
					if out, err := cmd.CombinedOutput(); err != nil {
						b.Fatalf("%v: %s", err, out)
					}
				}
			})
		}
	}
}
