// Package scheduler decides what a Pacemaker-compatible cluster must do: a
// pure function from the CIB (configuration + status), the time "now" and
// options to a transition graph, a summary of changes and the allocation
// scores. It reads no clock and no randomness; the same input always gives
// byte-identical output.
//
// The rules implemented are Pacemaker's documented behaviour (Pacemaker
// Explained) checked against Pacemaker's own regression cases; see the
// conformance test.
//
// A run goes through these steps, one file each:
//
//   - unpack.go, history.go, constraints.go: the CIB into a working set:
//     options (3.x names and 2.x aliases), nodes and their state (online,
//     unclean with the reason Pacemaker prints, pending, standby,
//     maintenance, shutdown), resources with inherited meta attributes,
//     operation history into current role, failures and on-fail, fail
//     counts, and the constraints with sets, tags and templates expanded.
//
//   - assign.go, scores.go, location.go, colocation.go, utilization.go,
//     tickets.go: assignment in Pacemaker's order, each resource's node
//     scores from locations and rules, stickiness, failures, health,
//     tickets and target-role, moved by colocations both ways (a primary
//     takes in what its dependents prefer, scaled and rolled back when it
//     would leave nowhere to run; a dependent follows its placed
//     primaries) and limited by utilization; per variant:
//     primitive.go, group.go, clone.go (instances: history mapped to
//     instance numbers, instance order, per-node limits) and
//     promotable.go (promotion scores and roles).
//
//   - decide.go: restarts and reloads for changed definitions (op digests).
//
//   - actions.go, probes.go, unfencing.go, group.go: start/stop actions
//     per resource, group pseudo actions, orderings with their
//     implications (required, runnable) and the reasons they carry,
//     fencing, unfencing, probes and monitors; then the Transition
//     Summary lines.
//
//   - clone.go, notify.go, migrate.go: clone actions and orderings
//     (interleave), notifications; live migration.
//
//   - output.go, format.go, view.go: the graph, the allocation scores
//     as crm_simulate -s prints them, crm_simulate's layout and the
//     status snapshot for pacer status/mon.
package scheduler

import (
	"fmt"
	"pacer/share/options"
	"strconv"
	"strings"
	"time"

	"pacer/share/iso8601"

	"pacer/share/graph"
	"pacer/share/xmltree"
)

// Input is what a run depends on besides the CIB.
type Input struct {
	// Now is the time rules and failure timeouts are evaluated at.
	Now time.Time
	// TransitionID numbers the produced graph.
	TransitionID int
	// Scores asks for Result.Scores (crm_simulate -s); they cost time on
	// large clusters, so they are only rendered on request.
	Scores bool
	// Transcript asks for Result.Revised, the cluster status once the
	// transition has run (see also ExecutionLines).
	Transcript bool
}

// Result is what the scheduler decided.
type Result struct {
	Graph *graph.Graph
	// Summary is the Transition Summary, one line per change, in
	// crm_simulate's layout ("  * Start      rsc1   ( node1 )").
	Summary []string
	// Scores are the allocation score lines in the layout of
	// crm_simulate -s ("pcmk__primitive_assign: rsc1 allocation score on node1: 0").
	Scores []string
	// Why holds, per resource, the contributions to its node scores.
	Why map[string][]Contribution
	// Status is the unpacked state the decisions were made from.
	Status *Status
	// Revised is the state once the transition has completed.
	Revised *Status
	// Warnings are problems found in the input that did not stop the run.
	Warnings []string
}

// Run computes a transition for the CIB in doc.
func Run(doc *xmltree.Document, in Input) (*Result, error) {
	if doc == nil || doc.Root == nil {
		return nil, fmt.Errorf("scheduler: empty CIB")
	}
	if doc.Root.Name != "cib" {
		return nil, fmt.Errorf("scheduler: root element is <%s>, want <cib> (line %d)", doc.Root.Name, doc.Root.Line)
	}
	c, err := unpack(doc, in.Now)
	if err != nil {
		return nil, err
	}
	c.showScores = in.Scores
	c.expandClones()
	c.requireUnfencing() // clone instances too
	c.withoutFencingDevices()
	c.place()
	c.decide()
	c.createActions()
	c.extraActions()
	c.unfencing()
	c.propagate()
	c.blockColocated()
	c.finishPseudo()
	res := &Result{Summary: c.summaryLines(), Why: map[string][]Contribution{}, Warnings: c.warnings}
	for _, r := range c.allList {
		if len(r.Why) > 0 {
			res.Why[r.ID] = r.Why
		}
	}
	if in.Scores {
		res.Scores = c.scoreLines()
	}
	res.Graph = c.buildGraph(in.TransitionID)
	res.Status = c.status()
	if in.Transcript {
		res.Revised = c.revisedStatus()
	}
	return res, nil
}

func unpack(doc *xmltree.Document, now time.Time) (*cluster, error) {
	c := &cluster{root: doc.Root, now: now}
	c.unpackOptions()
	c.unpackNodes()
	if err := c.unpackResources(); err != nil {
		return nil, err
	}
	c.requireUnfencing()
	c.unpackTickets()
	c.unpackStatus()
	c.unpackConstraints()
	c.containerConstraints()
	c.ticketLoss()
	// no-quorum-policy=fence: every node of a partition that lost the
	// quorum it had (the controller sets no-quorum-panic) is fenced. A
	// partition that never had quorum is only held back, as with "stop".
	if c.opts.NoQuorumPolicy == "fence" && !c.opts.HaveQuorum && c.opts.FencingEnabled &&
		options.IsTrue(doc.Root.Attr("no-quorum-panic")) {
		for _, n := range c.nodes {
			if n.Online && !n.Unclean {
				n.Unclean = true
				n.FenceReason = "cluster does not have quorum"
			}
		}
	}
	return c, nil
}

// withoutFencingDevices: with fencing enabled but no fencing device
// configured, Pacemaker starts nothing ("resource start-up disabled"):
// every resource is left as it is, as if unmanaged, and no node can be
// fenced.
func (c *cluster) withoutFencingDevices() {
	if !c.opts.FencingEnabled {
		return
	}
	if options.IsTrue(c.opts.Raw["have-watchdog"]) {
		// SBD's watchdog fences without a device
		return
	}
	for _, r := range c.allList {
		// a device known only from the history (removed from the
		// configuration, maybe only probed) counts as one
		if r.Kind == Primitive && r.Class == "stonith" {
			return
		}
	}
	c.noFencingDevice = true
	for _, r := range c.allList {
		r.Managed = false
	}
}

// ExecutionDate returns the cib element's execution-date (seconds since
// the epoch), which crm_simulate uses as "now" when no time is given.
func ExecutionDate(doc *xmltree.Document) (time.Time, bool) {
	if doc == nil || doc.Root == nil {
		return time.Time{}, false
	}
	v, ok := doc.Root.AttrOK("execution-date")
	if !ok {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0).UTC(), true
}

// ParseNow reads a -t argument: ISO 8601 ("2005-020T12:30") or
// "YYYY-MM-DD HH:MM:SS".
func ParseNow(s string) (time.Time, error) {
	t, err := iso8601.ParseTime(s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q: %w", s, err)
	}
	return t, nil
}

// ExecutionLines lists a graph's actions in an order the controller may run
// them, in crm_simulate's "Executing Cluster Transition" layout. It needs
// only the graph, so a caller can let the CIB go before calling it.
func ExecutionLines(g *graph.Graph) []string {
	return executedLines(g)
}
