package differential

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"pacer/daemon/scheduler/randcib"
)

// Figures are the agreement counts of a run, overall and per stratum.
type Figures struct {
	Clusters int
	Rejected int // by crm_verify or crm_simulate: not compared
	Coverage map[string]int
	// Compared and Agree count per stratum ("overall" included).
	Compared map[string]int
	Agree    map[string]map[string]int // stratum -> aspect -> agreeing cases
}

// NewFigures starts an empty count.
func NewFigures() *Figures {
	return &Figures{Coverage: map[string]int{}, Compared: map[string]int{}, Agree: map[string]map[string]int{}}
}

// Add counts one generated cluster and its case.
func (f *Figures) Add(cl *randcib.Cluster, c *Case) {
	f.Clusters++
	for k, v := range cl.Features {
		if v {
			f.Coverage[k]++
		}
	}
	if c.Rejected() {
		f.Rejected++
		return
	}
	for _, s := range append([]string{"overall"}, cl.StrataOf()...) {
		f.Compared[s]++
		if f.Agree[s] == nil {
			f.Agree[s] = map[string]int{}
		}
		for _, a := range Aspects {
			if c.Verdict[a] {
				f.Agree[s][a]++
			}
		}
	}
}

// Print writes the coverage table and the agreement figures.
func (f *Figures) Print(w io.Writer) {
	fmt.Fprintf(w, "coverage (%d clusters; share of clusters with each feature):\n", f.Clusters)
	feats := append([]string(nil), randcib.AllFeatures...)
	for i, k := range feats {
		pct := 100 * float64(f.Coverage[k]) / float64(max(f.Clusters, 1))
		mark := ""
		if pct < 10 {
			mark = "  < 10%"
		}
		sep := "   "
		if i%3 == 2 || i == len(feats)-1 {
			sep = "\n"
		}
		fmt.Fprintf(w, "  %-20s %5.1f%%%s%s", k, pct, mark, sep)
	}
	fmt.Fprintf(w, "rejected by Pacemaker's crm_verify (not compared): %d of %d (%.1f%%)\n",
		f.Rejected, f.Clusters, 100*float64(f.Rejected)/float64(max(f.Clusters, 1)))
	fmt.Fprintf(w, "%-16s %6s", "stratum", "cases")
	for _, a := range Aspects {
		fmt.Fprintf(w, " %10s", a)
	}
	fmt.Fprintln(w)
	strata := []string{"overall"}
	for _, s := range randcib.Strata {
		strata = append(strata, s.Name)
	}
	for _, s := range strata {
		n := f.Compared[s]
		fmt.Fprintf(w, "%-16s %6d", s, n)
		for _, a := range Aspects {
			fmt.Fprintf(w, " %9.1f%%", 100*float64(f.Agree[s][a])/float64(max(n, 1)))
		}
		fmt.Fprintln(w)
	}
}

// Kinds groups decision disagreements by the verbs and reasons involved,
// so that a run's misses can be read as a few kinds with an example each.
func Kinds(c *Case) []string {
	x, y := Decisions(c.Pacer.Summary), Decisions(c.Pcmk.Summary)
	count := map[string]int{}
	for _, l := range x {
		count[l]++
	}
	for _, l := range y {
		count[l]--
	}
	set := map[string]bool{}
	for l, n := range count {
		if n == 0 {
			continue
		}
		verb := strings.Fields(l)[0]
		side := "pacer-only"
		if n < 0 {
			side = "pacemaker-only"
		}
		if strings.HasSuffix(l, "(blocked)") {
			verb += "(blocked)"
		}
		set[side+" "+verb] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// severity orders the kinds of disagreement: what is done to nodes first,
// then what stops or starts something.
var severity = []string{"Fence", "Stop", "Recover", "Restart", "Move", "Migrate", "Start", "Demote", "Promote"}

// MainKind is the most severe kind of c's decision disagreement: the one
// the shrinker keeps while it cuts.
func MainKind(c *Case) string {
	if c.PacerErr != nil {
		return "pacer error"
	}
	ks := Kinds(c)
	for _, v := range severity {
		for _, side := range []string{"pacemaker-only ", "pacer-only "} {
			for _, k := range ks {
				if k == side+v {
					return k
				}
			}
		}
	}
	if len(ks) > 0 {
		return ks[0]
	}
	return ""
}

// HasKind is true when c disagrees on decisions in the way kind says.
func HasKind(c *Case, kind string) bool {
	if kind == "pacer error" || c.PacerErr != nil {
		return kind == "pacer error" && c.PacerErr != nil
	}
	if c.Verdict["decisions"] {
		return false
	}
	for _, k := range Kinds(c) {
		if k == kind {
			return true
		}
	}
	return false
}
