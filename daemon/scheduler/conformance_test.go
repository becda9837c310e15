package scheduler

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

var updateRatchet = flag.Bool("update", false, "rewrite testdata/passing.txt with the cases that pass now")

// expectedSummary extracts the Transition Summary block of a summary file.
func expectedSummary(text string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "Transition Summary:") {
			in = true
			continue
		}
		if strings.HasPrefix(l, "Executing Cluster Transition:") {
			break
		}
		if in && strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func normalize(lines []string) []string {
	var out []string
	for _, l := range lines {
		for _, x := range strings.Split(l, "\n") {
			if f := strings.Fields(x); len(f) > 0 {
				out = append(out, strings.Join(f, " "))
			}
		}
	}
	sort.Strings(out)
	return out
}

// caseInput reads a case's CIB and the time it runs at: the execution
// date it carries, or the -t of its arguments.
func caseInput(dir string, c schedcases.Case) (*xmltree.Document, time.Time, error) {
	doc, err := xmltree.ParseFile(filepath.Join(dir, "xml", c.Name+".xml"))
	if err != nil {
		return nil, time.Time{}, err
	}
	now := time.Now().UTC()
	if t, ok := ExecutionDate(doc); ok {
		now = t
	}
	if a := strings.TrimSpace(c.Args); strings.HasPrefix(a, "-t ") {
		if now, err = ParseNow(strings.TrimSpace(a[3:])); err != nil {
			return nil, time.Time{}, err
		}
	}
	return doc, now, nil
}

func runCase(dir string, c schedcases.Case) (got, want []string, err error) {
	doc, now, err := caseInput(dir, c)
	if err != nil {
		return nil, nil, err
	}
	res, err := Run(doc, Input{Now: now})
	if err != nil {
		return nil, nil, err
	}
	if err := res.Graph.Validate(); err != nil {
		return nil, nil, fmt.Errorf("invalid graph: %w", err)
	}
	exp, err := os.ReadFile(filepath.Join(dir, "summary", c.Name+".summary"))
	if err != nil {
		return nil, nil, err
	}
	return normalize(res.Summary), normalize(expectedSummary(string(exp))), nil
}

// ratchet runs one comparison over Pacemaker's regression cases: the
// cases named in list must stay equal, the counts per class are printed,
// and PACER_SCHED_UPDATE=1 (or update) rewrites list with those equal now.
// PACER_SCHED_CASE=name (or prefix*) runs some; PACER_SCHED_VERBOSE=1
// shows what differs (show says how).
type ratchet struct {
	list   string
	label  string // "conformance", "scores"
	update bool
	run    func(dir string, c schedcases.Case) (got, want []string, err error)
	show   func(t *testing.T, c schedcases.Case, got, want []string, err error, only bool, listed bool)
}

func (r ratchet) check(t *testing.T) {
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skip("scheduler cases not found (../shared/pacemaker-scheduler or $PACER_SCHED_CASES)")
	}
	cases, err := schedcases.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	if b, err := os.ReadFile(r.list); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				listed[l] = true
			}
		}
	}
	only := os.Getenv("PACER_SCHED_CASE")
	verbose := os.Getenv("PACER_SCHED_VERBOSE") != ""
	passed := map[string]int{}
	failed := map[string]int{}
	var passing []string
	for _, c := range cases {
		if only != "" && c.Name != only && !(strings.HasSuffix(only, "*") && strings.HasPrefix(c.Name, strings.TrimSuffix(only, "*"))) {
			continue
		}
		got, want, err := r.run(dir, c)
		if err == nil && slices.Equal(got, want) {
			passed[c.Class]++
			passing = append(passing, c.Name)
			continue
		}
		failed[c.Class]++
		if listed[c.Name] || verbose {
			r.show(t, c, got, want, err, only != "", listed[c.Name])
		}
	}
	for _, cl := range []string{"core", "collective", "advanced"} {
		t.Logf("%s %s: %d equal, %d differ", r.label, cl, passed[cl], failed[cl])
		fmt.Printf("%s %s: %d equal, %d differ\n", r.label, cl, passed[cl], failed[cl])
	}
	if r.update || os.Getenv("PACER_SCHED_UPDATE") != "" {
		if only != "" {
			t.Fatal("refusing to rewrite the ratchet from a partial run")
		}
		sort.Strings(passing)
		if err := os.WriteFile(r.list, []byte(strings.Join(passing, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConformance runs Pacemaker's regression cases and compares
// Transition Summaries; cases listed in testdata/passing.txt must pass.
func TestConformance(t *testing.T) {
	ratchet{list: "testdata/passing.txt", label: "conformance", update: *updateRatchet, run: runCase,
		show: func(t *testing.T, c schedcases.Case, got, want []string, err error, only, listed bool) {
			if listed {
				t.Errorf("%s (listed in testdata/passing.txt) no longer passes: err=%v\n got: %q\nwant: %q", c.Name, err, got, want)
			} else if c.Class == "core" || only {
				t.Logf("FAIL %s [%s] err=%v\n got: %s\nwant: %s", c.Name, c.Group, err, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
			}
		}}.check(t)
}
