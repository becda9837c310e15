package scheduler

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/schedcases"
)

// runCaseScores compares the score lines as multisets, white space
// collapsed: crm_simulate's order depends on the order Pacemaker happens
// to assign in, the multiset does not.
func runCaseScores(dir string, c schedcases.Case) (got, want []string, err error) {
	doc, now, err := caseInput(dir, c)
	if err != nil {
		return nil, nil, err
	}
	res, err := Run(doc, Input{Now: now, Scores: true})
	if err != nil {
		return nil, nil, err
	}
	exp, err := os.ReadFile(filepath.Join(dir, "scores", c.Name+".scores"))
	if err != nil {
		return nil, nil, err
	}
	return normalize(res.Scores), normalize([]string{string(exp)}), nil
}

// TestScoreConformance compares the allocation scores (crm_simulate -s)
// with the scores files of Pacemaker's regression cases, as multisets of
// lines; cases listed in testdata/scores-passing.txt must stay equal.
func TestScoreConformance(t *testing.T) {
	const list = "testdata/scores-passing.txt"
	ratchet{list: list, label: "scores", run: runCaseScores,
		show: func(t *testing.T, c schedcases.Case, got, want []string, err error, only, listed bool) {
			if listed {
				t.Errorf("%s (listed in %s): scores differ now: err=%v\n%s", c.Name, list, err, lineDiff(got, want))
			} else {
				t.Logf("DIFF %s [%s] err=%v\n%s", c.Name, c.Class, err, lineDiff(got, want))
			}
		}}.check(t)
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
