package cts

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Median of the undisturbed failovers (all of them when none was), and
// how many there were.
func (r *Result) FailoverMedian() (time.Duration, int) {
	var ds []time.Duration
	for _, f := range r.Failovers {
		if f.Undisturbed {
			ds = append(ds, f.Took)
		}
	}
	if len(ds) == 0 {
		for _, f := range r.Failovers {
			ds = append(ds, f.Took)
		}
	}
	if len(ds) == 0 {
		return 0, 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return m, len(ds)
}

// FaultCounts counts the injected faults by kind.
func (r *Result) FaultCounts() map[string]int {
	out := map[string]int{}
	for _, f := range r.Faults {
		out[f.Kind]++
	}
	return out
}

// WriteReport writes the campaign's report in Markdown to path, and the
// same data as JSON to path's .json sibling.
func (r *Result) WriteReport(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	r.Markdown(f)
	if err := f.Close(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r.jsonView(), "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(strings.TrimSuffix(path, ".md")+".json", b, 0o644)
}

// Markdown writes the report.
func (r *Result) Markdown(w io.Writer) {
	c := r.Config
	fmt.Fprintf(w, "# pacerd fault campaign, seed %d\n\n", c.Seed)
	fmt.Fprintf(w, "%d nodes (--netns sandbox), %d Dummy resources, %d faults injected of %d asked, %s to %s (%s).\n\n",
		c.Nodes, c.Resources, len(r.Faults), c.Faults, r.Start.UTC().Format("2006-01-02 15:04:05"), r.End.UTC().Format("15:04:05 UTC"),
		r.End.Sub(r.Start).Round(time.Second))
	fmt.Fprintf(w, "Replay: `make cts SEED=%d NODES=%d FAULTS=%d`\n\n", c.Seed, c.Nodes, c.Faults)
	if r.Err != nil {
		fmt.Fprintf(w, "**The campaign could not run:** %v\n\n", r.Err)
	}
	verdict := "no violation"
	if n := len(r.Violations); n > 0 {
		unknown := 0
		for _, v := range r.Violations {
			if !v.Known {
				unknown++
			}
		}
		verdict = fmt.Sprintf("%d violations (%d of checks outside the known list)", n, unknown)
	}
	fmt.Fprintf(w, "Verdict: **%s**.\n\n", verdict)

	fmt.Fprintf(w, "## Faults by kind\n\n| kind | count |\n|---|---|\n")
	counts := r.FaultCounts()
	for _, k := range FaultKinds {
		fmt.Fprintf(w, "| %s | %d |\n", k, counts[k])
	}
	rep := map[string]int{}
	for _, f := range r.Repairs {
		rep[f.Kind]++
	}
	fmt.Fprintf(w, "\nRepairs: %d power-ons, %d heals, %d cleanups (a resource stopped everywhere 30 s into a recovery wait).\n\n",
		rep["power-on"], rep[FaultHeal], rep["cleanup"])

	fmt.Fprintf(w, "## Checks\n\n| check | what it holds | evaluations | violations | known |\n|---|---|---|---|---|\n")
	for _, k := range checkOrder {
		s := r.Checks[k]
		known := ""
		for _, x := range c.Known {
			if x == k {
				known = "yes"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %s |\n", k, checkDoc[k], s.Evaluations, s.Violations, known)
	}
	fmt.Fprintf(w, "\nConfiguration writes: %d tried, %d acknowledged, %d refused (stale, no quorum, no DC), %d without answer, %d acknowledged and lost.\n\n",
		r.Writes.Tried, r.Writes.Acked, r.Writes.Refused, r.Writes.Ambiguous, r.Writes.Lost)

	if len(r.Violations) > 0 {
		fmt.Fprintf(w, "## Violations\n\n")
		for _, v := range r.Violations {
			k := ""
			if v.Known {
				k = " (known)"
			}
			fmt.Fprintf(w, "- %s +%s after fault %d, **%s**%s: %s\n", v.At.UTC().Format("15:04:05.000"),
				v.At.Sub(r.Start).Round(time.Millisecond), v.Fault, v.Check, k, v.Detail)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintf(w, "## Failover (kill -9 to running elsewhere, fencing included; agents' state)\n\n")
	m, n := r.FailoverMedian()
	if n == 0 {
		fmt.Fprintf(w, "No resource was on a killed node.\n\n")
	} else {
		fmt.Fprintf(w, "Median %s over %d undisturbed failovers (%d measured in all).\n\n", m.Round(10*time.Millisecond), n, len(r.Failovers))
		fmt.Fprintf(w, "| fault | resource | from | to | took | undisturbed |\n|---|---|---|---|---|---|\n")
		for _, f := range r.Failovers {
			fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %v |\n", f.Fault, f.Resource, f.From, f.To, f.Took.Round(10*time.Millisecond), f.Undisturbed)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintf(w, "## Every fault\n\n")
	all := append(append([]Fault(nil), r.Faults...), r.Repairs...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].At.Before(all[j].At) })
	for _, f := range all {
		label := fmt.Sprintf("fault %d", f.N)
		if f.Repair {
			label = "repair"
		}
		fmt.Fprintf(w, "- +%s %s **%s**: %s\n", f.At.Sub(r.Start).Round(time.Millisecond), label, f.Kind, f.Detail)
	}
}

type jsonResult struct {
	Seed           uint64                `json:"seed"`
	Nodes          int                   `json:"nodes"`
	FaultsAsked    int                   `json:"faults_asked"`
	Start          time.Time             `json:"start"`
	End            time.Time             `json:"end"`
	Error          string                `json:"error,omitempty"`
	FaultCounts    map[string]int        `json:"fault_counts"`
	Faults         []Fault               `json:"faults"`
	Repairs        []Fault               `json:"repairs"`
	Checks         map[string]*CheckStat `json:"checks"`
	Known          []string              `json:"known"`
	Violations     []Violation           `json:"violations"`
	Failovers      []Failover            `json:"failovers"`
	FailoverMedian string                `json:"failover_median"`
	Writes         WriteStats            `json:"writes"`
}

func (r *Result) jsonView() jsonResult {
	m, _ := r.FailoverMedian()
	j := jsonResult{Seed: r.Config.Seed, Nodes: r.Config.Nodes, FaultsAsked: r.Config.Faults, Start: r.Start, End: r.End,
		FaultCounts: r.FaultCounts(), Faults: r.Faults, Repairs: r.Repairs, Checks: r.Checks, Known: r.Config.Known,
		Violations: r.Violations, Failovers: r.Failovers, FailoverMedian: m.String(), Writes: r.Writes}
	if r.Err != nil {
		j.Error = r.Err.Error()
	}
	return j
}

// checkDoc says what each check holds, for the report.
var checkDoc = map[string]string{
	CheckOneCopy:        "never two copies of a primitive (Dummy state files of the powered-on machines, 4 times a second)",
	CheckFenceFirst:     "a resource that left a lost node starts elsewhere only after that node was powered off (or came back)",
	CheckQuorumStart:    "a side without a majority of live nodes starts nothing (no-quorum-policy=stop)",
	CheckFenceQuorum:    "every power-off was done from a side holding a majority of live nodes (0.5 s grace)",
	CheckAckDurable:     "every acknowledged configuration change is in the CIB the nodes converge to",
	CheckOneDC:          "at most one node calls itself DC in a partition stable for 10 s (for 2 s running)",
	CheckOneCIB:         "whenever the campaign waits for recovery, the nodes converge to one version and configuration",
	CheckVersionUnique:  "a version (admin_epoch.epoch) never names two configurations",
	CheckPlannedStop:    "a node stopped with SIGTERM is not powered off during its stop",
	CheckRecovered:      "with every node back and the network whole, every resource runs once within 90 s",
	checkCleanStopEnded: "pacerd exits within 30 s of SIGTERM",
}
