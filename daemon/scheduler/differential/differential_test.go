package differential

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"pacer/daemon/scheduler/randcib"
)

// needOracle returns the Pacemaker oracle, or skips the test when it is not
// installed; under CI (CI=true, where .ci/run installs it) its absence is a
// failure.
func needOracle(t *testing.T) *Oracle {
	t.Helper()
	o, err := Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v (CI=true: .ci/run should have run ../shared/pacemaker-oracle/setup)", err)
		}
		t.Skip(err)
	}
	return o
}

// sampleSeeds are the seeds `make test` compares: a fixed sample, each of
// which must agree with Pacemaker on every decision.
func sampleSeeds(t *testing.T) []int64 {
	b, err := os.ReadFile("testdata/sample-seeds.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		n, err := strconv.ParseInt(l, 10, 64)
		if err != nil {
			t.Fatalf("testdata/sample-seeds.txt: %q: %v", l, err)
		}
		out = append(out, n)
	}
	return out
}

// TestSampleAgreesWithPacemaker runs the fixed sample of generated
// clusters through Pacer and Pacemaker 3.0: decisions must agree on every
// one; the other aspects are reported.
func TestSampleAgreesWithPacemaker(t *testing.T) {
	o := needOracle(t)
	seeds := sampleSeeds(t)
	var clusters []*randcib.Cluster
	var cibs []string
	for _, s := range seeds {
		cl := randcib.Generate(s)
		clusters = append(clusters, cl)
		cibs = append(cibs, cl.XML)
	}
	cases, err := o.RunCases(cibs, false)
	if err != nil {
		t.Fatal(err)
	}
	f := NewFigures()
	for i, c := range cases {
		f.Add(clusters[i], c)
		if !c.Simulated() {
			t.Errorf("seed %d: crm_simulate exit %d: %s", seeds[i], c.Oracle.RC, c.Oracle.Stderr)
			continue
		}
		if !c.Verdict["decisions"] {
			t.Errorf("seed %d: Pacer decides otherwise than Pacemaker 3.0:\n%s", seeds[i], c.Explain("decisions", "exact"))
		}
	}
	var b strings.Builder
	f.Print(&b)
	t.Logf("sample of %d seeds:\n%s", len(seeds), b.String())
}

// TestDifferential is `make differential`: PACER_DIFF_N clusters from seed
// PACER_DIFF_SEED (default 1), figures per stratum; with PACER_DIFF_SHRINK
// set to a directory, each disagreement on decisions (at most
// PACER_DIFF_SHRINK_MAX, default 20) is shrunk and written there with
// Pacemaker's transcript; PACER_DIFF_SHOW=1 prints every disagreement.
func TestDifferential(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PACER_DIFF_N"))
	if n <= 0 {
		t.Skip("PACER_DIFF_N not set (make differential N=2000)")
	}
	o := needOracle(t)
	first := int64(1)
	if s := os.Getenv("PACER_DIFF_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("PACER_DIFF_SEED: %v", err)
		}
		first = v
	}
	shrinkDir := os.Getenv("PACER_DIFF_SHRINK")
	shrinkMax := 20
	if v, err := strconv.Atoi(os.Getenv("PACER_DIFF_SHRINK_MAX")); err == nil {
		shrinkMax = v
	}
	show := os.Getenv("PACER_DIFF_SHOW") != ""
	f := NewFigures()
	kinds := map[string][]int64{}
	var disagree []struct {
		seed int64
		c    *Case
	}
	const chunk = 100
	for start := int64(0); start < int64(n); start += chunk {
		var clusters []*randcib.Cluster
		var cibs []string
		for s := first + start; s < first+min(start+chunk, int64(n)); s++ {
			cl := randcib.Generate(s)
			clusters = append(clusters, cl)
			cibs = append(cibs, cl.XML)
		}
		cases, err := o.RunCases(cibs, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cases {
			f.Add(clusters[i], c)
			if c.Rejected() {
				if show {
					t.Logf("seed %d rejected by Pacemaker:\n%s%s", clusters[i].Seed, problems(c.Oracle.VerifyOut), c.Oracle.Stderr)
				}
				continue
			}
			if c.PacerErr != nil {
				kinds["pacer error"] = append(kinds["pacer error"], clusters[i].Seed)
			}
			if !c.Verdict["decisions"] {
				for _, k := range Kinds(c) {
					kinds[k] = append(kinds[k], clusters[i].Seed)
				}
				disagree = append(disagree, struct {
					seed int64
					c    *Case
				}{clusters[i].Seed, c})
			}
			if show && !c.Verdict.All() {
				t.Logf("seed %d:\n%s", clusters[i].Seed, c.Explain(Aspects...))
			}
		}
	}
	var b strings.Builder
	f.Print(&b)
	fmt.Fprintf(&b, "decision disagreements by kind (count, first seeds):\n")
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return len(kinds[ks[i]]) > len(kinds[ks[j]]) })
	for _, k := range ks {
		fmt.Fprintf(&b, "  %-36s %4d  %v\n", k, len(kinds[k]), kinds[k][:min(len(kinds[k]), 8)])
	}
	fmt.Print(b.String())
	if shrinkDir == "" {
		return
	}
	if err := os.MkdirAll(shrinkDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, d := range disagree {
		if i >= shrinkMax {
			break
		}
		kind := MainKind(d.c)
		small, runs, err := o.Shrink(d.c.CIB, func(c *Case) bool { return HasKind(c, kind) })
		if err != nil {
			t.Errorf("seed %d: shrink: %v", d.seed, err)
			continue
		}
		res, err := o.RunCases([]string{small}, false)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("seed-%d", d.seed)
		if err := WriteCase(shrinkDir, name, small, res[0].Oracle.Simulate); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("seed %d (%s) shrunk to %d lines in %d oracle runs (%s):\n%s", d.seed, kind, strings.Count(small, "\n"), runs,
			filepath.Join(shrinkDir, name+".xml"), res[0].Explain("decisions", "exact"))
	}
}

// TestRegressionCases runs the shrunk disagreements kept in testdata/cases
// (each NAME.xml with Pacemaker 3.0's transcript NAME.pcmk): Pacer's
// Transition Summary must equal Pacemaker's. No oracle needed.
func TestRegressionCases(t *testing.T) {
	files, err := filepath.Glob("testdata/cases/*.xml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no regression cases in testdata/cases")
	}
	tmp := t.TempDir()
	for _, x := range files {
		name := strings.TrimSuffix(filepath.Base(x), ".xml")
		t.Run(name, func(t *testing.T) {
			cib, err := os.ReadFile(x)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(x, ".xml") + ".pcmk")
			if err != nil {
				t.Fatal(err)
			}
			out, err := Pacer(string(cib), tmp)
			if err != nil {
				t.Fatal(err)
			}
			c := &Case{Pacer: Parse(out), Pcmk: Parse(string(want))}
			c.Verdict = Compare(c.Pacer, c.Pcmk)
			if !c.Verdict["decisions"] || !c.Verdict["exact"] {
				t.Errorf("Transition Summary differs from Pacemaker 3.0's:\n%s", c.Explain("decisions", "exact"))
			}
		})
	}
}

// problems are crm_verify's error and warning lines.
func problems(out string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "error:") || strings.Contains(l, "warning:") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
