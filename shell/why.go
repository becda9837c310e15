package shell

import (
	"fmt"
	"pacer/share/options"
	"sort"
	"strings"

	"pacer/daemon/scheduler"
	"pacer/share/score"
	"pacer/share/xmltree"
)

// explanation is `resource why`: where a resource runs, what the cluster
// will do with it, and the reasons, in words.
type explanation struct {
	Resource   string   `json:"resource"`
	RunningOn  []string `json:"running_on"`
	WillRunOn  []string `json:"will_run_on"`
	Actions    []string `json:"actions,omitempty"`
	Reasons    []reason `json:"reasons,omitempty"`
	Scores     []string `json:"scores,omitempty"` // the allocation scores, as crm_simulate -s prints them
	Notes      []string `json:"notes,omitempty"`
	nodeFilter string
}

type reason struct {
	Node   string `json:"node"`
	Score  string `json:"score"`
	Source string `json:"source"`
}

func explain(doc *xmltree.Document, res *scheduler.Result, r *xmltree.Element, node string) *explanation {
	id := r.ID()
	e := &explanation{Resource: id, nodeFilter: node, RunningOn: []string{}, WillRunOn: []string{}}
	prims := primitivesOf(r)
	where := func(st *scheduler.Status) []string {
		seen := map[string]bool{}
		out := []string{}
		if st == nil {
			return out
		}
		var walk func(rs []scheduler.RscStatus)
		walk = func(rs []scheduler.RscStatus) {
			for _, x := range rs {
				if x.ID == id || backendMatch(x.ID, id) || containsMatch(prims, x.ID) {
					for _, n := range x.Nodes {
						if !seen[n] {
							seen[n] = true
							out = append(out, n)
						}
					}
				}
				walk(x.Children)
			}
		}
		walk(st.Resources)
		sort.Strings(out)
		return out
	}
	e.RunningOn = where(res.Status)
	e.WillRunOn = where(res.Revised)
	for _, l := range res.Summary {
		for _, p := range append([]string{id}, prims...) {
			if strings.Contains(l, " "+p+" ") || strings.Contains(l, " "+p+"\t") || strings.Contains(l, " "+p+":") {
				e.Actions = append(e.Actions, strings.TrimSpace(l))
				break
			}
		}
	}
	ids := append([]string{id}, prims...)
	for _, rid := range ids {
		for _, c := range res.Why[rid] {
			if node != "" && c.Node != node {
				continue
			}
			src := c.Source
			if rid != id {
				src += " (of " + rid + ")"
			}
			e.Reasons = append(e.Reasons, reason{c.Node, c.Score.String(), src})
		}
	}
	for _, l := range res.Scores {
		for _, rid := range ids {
			if strings.Contains(l, " "+rid+" allocation score on ") || strings.HasPrefix(l, rid+" promotion score") || strings.HasPrefix(l, rid+":") {
				if node == "" || strings.Contains(l, " on "+node+":") {
					e.Scores = append(e.Scores, l)
				}
				break
			}
		}
	}
	// What else decides, in words.
	meta := attrValues(r, "meta_attributes")
	if v := meta["target-role"]; v != "" && !strings.EqualFold(v, "Started") {
		e.Notes = append(e.Notes, fmt.Sprintf("target-role is %s: the resource is meant to be %s", v, strings.ToLower(v)))
	}
	if v := meta["is-managed"]; v != "" && !options.IsTrue(v) {
		e.Notes = append(e.Notes, "is-managed=false: the cluster does not start or stop it")
	}
	if options.IsTrue(meta["maintenance"]) {
		e.Notes = append(e.Notes, "the resource is in maintenance mode")
	}
	if res.Status != nil {
		if !res.Status.HaveQuorum {
			e.Notes = append(e.Notes, "the cluster has no quorum: no-quorum-policy decides (default: stop everything)")
		}
		for _, n := range res.Status.Nodes {
			if node != "" && n.Name != node {
				continue
			}
			switch {
			case n.Unclean:
				e.Notes = append(e.Notes, fmt.Sprintf("%s is unclean: it must be fenced before its resources can run elsewhere", n.Name))
			case !n.Online:
				e.Notes = append(e.Notes, fmt.Sprintf("%s is offline", n.Name))
			case n.Standby:
				e.Notes = append(e.Notes, fmt.Sprintf("%s is in standby: it runs no resources", n.Name))
			case n.Maintenance:
				e.Notes = append(e.Notes, fmt.Sprintf("%s is in maintenance: its resources are left alone", n.Name))
			}
		}
	}
	for _, p := range prims {
		for _, n := range nodeNames(doc) {
			if node != "" && n != node {
				continue
			}
			if fc := failCount(doc, p, n); fc > 0 {
				e.Notes = append(e.Notes, fmt.Sprintf("%s has failed %s on %s (fail count %s)", p, timesWord(fc), n, fcText(fc)))
			}
		}
	}
	for _, c := range configuration(doc).Child("constraints").ChildrenNamed("rsc_location") {
		if c.Attr("rsc") != id {
			continue
		}
		if strings.HasPrefix(c.ID(), "cli-ban-") {
			e.Notes = append(e.Notes, fmt.Sprintf("banned from %s by \"resource ban/move\" (%s); \"resource clear %s\" removes it", orDefault(c.Attr("node"), ruleNode(c)), c.ID(), id))
		}
		if strings.HasPrefix(c.ID(), "cli-prefer-") {
			e.Notes = append(e.Notes, fmt.Sprintf("moved to %s by \"resource move\" (%s); \"resource clear %s\" removes it", orDefault(c.Attr("node"), ruleNode(c)), c.ID(), id))
		}
	}
	for _, w := range res.Warnings {
		if strings.Contains(w, id) {
			e.Notes = append(e.Notes, w)
		}
	}
	return e
}

func containsMatch(prims []string, id string) bool {
	for _, p := range prims {
		if backendMatch(id, p) {
			return true
		}
	}
	return false
}

func timesWord(n int) string {
	if n == 1 {
		return "once"
	}
	return "repeatedly"
}

func fcText(n int) string {
	if n >= int(score.Infinity) {
		return "INFINITY"
	}
	return fmt.Sprint(n)
}

func (e *explanation) text() string {
	var b strings.Builder
	switch {
	case len(e.RunningOn) == 0:
		fmt.Fprintf(&b, "%s is not running", e.Resource)
	default:
		fmt.Fprintf(&b, "%s is running on %s", e.Resource, strings.Join(e.RunningOn, ", "))
	}
	if strings.Join(e.RunningOn, ",") != strings.Join(e.WillRunOn, ",") {
		if len(e.WillRunOn) == 0 {
			b.WriteString("; the cluster will stop it")
		} else {
			fmt.Fprintf(&b, "; the cluster will run it on %s", strings.Join(e.WillRunOn, ", "))
		}
	} else if len(e.WillRunOn) > 0 {
		b.WriteString(" and stays there")
	} else {
		b.WriteString(" and will not be started")
	}
	b.WriteString(".\n")
	if len(e.Actions) > 0 {
		b.WriteString("Planned actions:\n")
		for _, a := range e.Actions {
			fmt.Fprintf(&b, "  %s\n", a)
		}
	}
	if len(e.Reasons) > 0 {
		b.WriteString("Scores by node (what raised or lowered them):\n")
		for _, r := range e.Reasons {
			fmt.Fprintf(&b, "  %-12s %10s  %s\n", r.Node, r.Score, r.Source)
		}
	}
	if len(e.Scores) > 0 {
		b.WriteString("Allocation scores (crm_simulate -s):\n")
		for _, l := range e.Scores {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	if len(e.Notes) > 0 {
		b.WriteString("Also:\n")
		for _, n := range e.Notes {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	return b.String()
}
