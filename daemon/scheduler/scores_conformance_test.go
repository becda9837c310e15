package scheduler

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

// scoreLines is a scores file's allocation and promotion score lines,
// white space collapsed, sorted: crm_simulate's order depends on the
// order Pacemaker happens to assign in, the multiset does not.
func scoreFileLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, strings.Join(f, " "))
		}
	}
	sort.Strings(out)
	return out
}

func runCaseScores(dir string, c schedcases.Case) (got, want []string, err error) {
	doc, err := xmltree.ParseFile(filepath.Join(dir, "xml", c.Name+".xml"))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now().UTC()
	if t, ok := ExecutionDate(doc); ok {
		now = t
	}
	if a := strings.TrimSpace(c.Args); strings.HasPrefix(a, "-t ") {
		if now, err = ParseNow(strings.TrimSpace(a[3:])); err != nil {
			return nil, nil, err
		}
	}
	res, err := Run(doc, Input{Now: now, Scores: true})
	if err != nil {
		return nil, nil, err
	}
	exp, err := os.ReadFile(filepath.Join(dir, "scores", c.Name+".scores"))
	if err != nil {
		return nil, nil, err
	}
	return scoreFileLines(strings.Join(res.Scores, "\n")), scoreFileLines(string(exp)), nil
}

// TestScoreConformance compares the allocation scores (crm_simulate -s)
// with the scores files of Pacemaker's regression cases, as multisets of
// lines; cases listed in testdata/scores-passing.txt must stay equal.
// PACER_SCHED_CASE=name (or prefix*) runs some; PACER_SCHED_VERBOSE=1
// shows the lines that differ; PACER_SCHED_UPDATE=1 rewrites the list.
func TestScoreConformance(t *testing.T) {
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skip("scheduler cases not found (../shared/pacemaker-scheduler or $PACER_SCHED_CASES)")
	}
	cases, err := schedcases.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	const list = "testdata/scores-passing.txt"
	ratchet := map[string]bool{}
	if b, err := os.ReadFile(list); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				ratchet[l] = true
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
		got, want, err := runCaseScores(dir, c)
		if err == nil && equal(got, want) {
			passed[c.Class]++
			passing = append(passing, c.Name)
			continue
		}
		failed[c.Class]++
		if ratchet[c.Name] {
			t.Errorf("%s (listed in %s): scores differ now: err=%v\n%s", c.Name, list, err, lineDiff(got, want))
		} else if verbose {
			t.Logf("DIFF %s [%s] err=%v\n%s", c.Name, c.Class, err, lineDiff(got, want))
		}
	}
	for _, cl := range []string{"core", "collective", "advanced"} {
		t.Logf("scores %s: %d equal, %d differ", cl, passed[cl], failed[cl])
		fmt.Printf("scores %s: %d equal, %d differ\n", cl, passed[cl], failed[cl])
	}
	if os.Getenv("PACER_SCHED_UPDATE") != "" {
		if only != "" {
			t.Fatal("refusing to rewrite the ratchet from a partial run")
		}
		sort.Strings(passing)
		if err := os.WriteFile(list, []byte(strings.Join(passing, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lineDiff shows the lines only one of two sorted multisets has.
func lineDiff(got, want []string) string {
	var b strings.Builder
	i, j := 0, 0
	for i < len(got) || j < len(want) {
		switch {
		case j >= len(want) || (i < len(got) && got[i] < want[j]):
			fmt.Fprintf(&b, "  + %s\n", got[i])
			i++
		case i >= len(got) || want[j] < got[i]:
			fmt.Fprintf(&b, "  - %s\n", want[j])
			j++
		default:
			i++
			j++
		}
	}
	return b.String()
}
