package cib_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"pacer/share/cib"
	"pacer/share/cib/cibgen"
	"pacer/share/xmltree"
)

func generated(b testing.TB, nodes, rscs int) []byte {
	return cibgen.Generate(cibgen.Defaults(nodes, rscs)).Bytes(xmltree.Pretty)
}

func TestGeneratedCIBIsValidAndHasTheShapeAsked(t *testing.T) {
	data := generated(t, 4, 30)
	doc, err := xmltree.ParseBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cib.Decode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if ps := cib.Validate(c, nil); cib.HasErrors(ps) {
		t.Fatalf("generated CIB is invalid: %v", ps)
	}
	var prims, groups int
	for _, r := range c.Config.AllResources() {
		switch r.Kind {
		case cib.KindPrimitive:
			prims++
		case cib.KindGroup:
			groups++
			if len(r.Children) != 3 {
				t.Errorf("group %s has %d members", r.ID, len(r.Children))
			}
		}
	}
	// 30 grouped + 4 clones + 1 fencing device
	if prims != 35 || groups != 10 {
		t.Errorf("%d primitives, %d groups", prims, groups)
	}
	var ops int
	for _, n := range c.Status.Nodes {
		for _, r := range n.LRM {
			ops += len(r.Ops)
			if len(r.Ops) != 2 {
				t.Errorf("%s on %s: %d ops", r.ID, n.Uname, len(r.Ops))
			}
		}
	}
	if last := c.Status.Nodes[3]; last.InCCM != "false" {
		t.Errorf("the failed node is not marked lost: %+v", last)
	}
}

func BenchmarkLoad32x4000(b *testing.B) {
	data := generated(b, 32, 4000)
	b.SetBytes(int64(len(data)))
	b.ReportMetric(float64(len(data))/1e6, "MB-file")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := xmltree.ParseBytes(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cib.Decode(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWrite32x4000(b *testing.B) {
	doc, _ := xmltree.ParseBytes(generated(b, 32, 4000))
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		doc.Write(&buf, xmltree.Pretty)
	}
	b.SetBytes(int64(buf.Len()))
}

// BenchmarkLoadPeakRSS32x4000 loads the file in a fresh process (this test
// binary, re-executed) and reports that process's peak RSS, which is what an
// admin sees; the benchmark's own process holds the generator's garbage.
func BenchmarkLoadPeakRSS32x4000(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.xml")
	if err := os.WriteFile(path, generated(b, 32, 4000), 0o644); err != nil {
		b.Fatal(err)
	}
	var peak int64
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestLoadChild$")
		cmd.Env = append(os.Environ(), "PACER_LOAD_CHILD="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if rest, ok := strings.CutPrefix(line, "maxrss-kb "); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
				peak = max(peak, kb)
			}
		}
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
}

func TestLoadChild(t *testing.T) {
	path := os.Getenv("PACER_LOAD_CHILD")
	if path == "" {
		t.Skip("helper for BenchmarkLoadPeakRSS32x4000")
	}
	c, err := cib.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// VmHWM is this process image's own peak; getrusage's maxrss would
	// include the parent's peak, which Linux carries across fork+exec.
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("maxrss-kb %s\n", strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	runtime.KeepAlive(c)
}
