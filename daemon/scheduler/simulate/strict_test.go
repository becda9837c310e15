package simulate

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pacer/share/schedcases"
)

// TestStricterLevels measures what the conformance test does not ratchet
// yet (the README of the cases calls them stricter levels): how many cases
// print the Executing Cluster Transition action list and the Revised
// Cluster Status exactly as crm_simulate did (as multisets of lines with
// white space collapsed; the action list's order is a partial order).
// It reports and fails nothing; run it with PACER_STRICT=1 -v.
func TestStricterLevels(t *testing.T) {
	if os.Getenv("PACER_STRICT") == "" {
		t.Skip("set PACER_STRICT=1 to measure the stricter levels")
	}
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skip("scheduler cases not found")
	}
	cases, err := schedcases.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ summary, actions, revised, all int }
	counts := map[string]*tally{}
	for _, c := range cases {
		args := []string{"-x", filepath.Join(dir, "xml", c.Name+".xml"), "-S"}
		if a := strings.TrimSpace(c.Args); a != "" {
			args = append(args, strings.Fields(a)...)
		}
		var out bytes.Buffer
		Main(args, &out, io.Discard)
		want, err := os.ReadFile(filepath.Join(dir, "summary", c.Name+".summary"))
		if err != nil {
			continue
		}
		k := counts[c.Class]
		if k == nil {
			k = &tally{}
			counts[c.Class] = k
		}
		k.all++
		same := func(title, next string) bool {
			return slices.Equal(block(out.String(), title, next), block(string(want), title, next))
		}
		if same("Transition Summary:", "Executing Cluster Transition:") {
			k.summary++
		}
		if same("Executing Cluster Transition:", "Revised Cluster Status:") {
			k.actions++
		}
		if same("Revised Cluster Status:", "\x00") {
			k.revised++
		}
	}
	for _, cl := range []string{"core", "collective", "advanced"} {
		if k := counts[cl]; k != nil {
			t.Logf("%-10s of %3d: summary %3d, actions %3d, revised status %3d", cl, k.all, k.summary, k.actions, k.revised)
		}
	}
}

// block is the sorted, space-collapsed lines between the title line and
// the next one.
func block(text, title, next string) []string {
	var out []string
	in := false
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, title):
			in = true
			continue
		case in && strings.HasPrefix(l, next):
			in = false
		}
		if in {
			if f := strings.Fields(l); len(f) > 0 {
				out = append(out, strings.Join(f, " "))
			}
		}
	}
	slices.Sort(out)
	return out
}
