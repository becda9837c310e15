package cts

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"pacer/daemon/sandbox"
)

// Fault kinds.
const (
	FaultKillMember   = "kill-member"           // SIGKILL a member's pacerd (its resources keep running)
	FaultKillDC       = "kill-dc"               // SIGKILL the DC's pacerd
	FaultPartitionOne = "partition-one"         // cut one node off
	FaultPartitionDC  = "partition-dc-minority" // cut the DC off with a minority
	FaultPartitionAll = "partition-all"         // cut every node off from every other
	FaultHeal         = "heal"                  // remove every cut
	FaultRestart      = "restart-clean"         // SIGTERM a node's pacerd, then start it again
	FaultAgentCrash   = "agent-crash"           // a resource dies under its agent (state file removed)
	FaultDouble       = "double"                // two of the above within a second
	FaultSkipped      = "skipped"               // the fault drawn had no target (no DC, too few nodes up...)
)

const skipped = "skipped: "

// FaultKinds in report order.
var FaultKinds = []string{FaultKillMember, FaultKillDC, FaultPartitionOne, FaultPartitionDC, FaultPartitionAll,
	FaultHeal, FaultRestart, FaultAgentCrash, FaultDouble, FaultSkipped}

// weights of the faults drawn (heal is drawn when the network is cut).
var weights = []struct {
	kind string
	w    int
}{
	{FaultKillMember, 4}, {FaultKillDC, 3}, {FaultPartitionOne, 3}, {FaultPartitionDC, 3},
	{FaultPartitionAll, 1}, {FaultRestart, 3}, {FaultAgentCrash, 3}, {FaultDouble, 3},
}

func (c *campaign) draw() string {
	total := 0
	for _, w := range weights {
		total += w.w
	}
	x := c.rng.IntN(total)
	for _, w := range weights {
		if x < w.w {
			return w.kind
		}
		x -= w.w
	}
	return weights[0].kind
}

// nemesis injects the faults.
func (c *campaign) nemesis(ctx context.Context) {
	start := time.Now()
	downSince := map[string]time.Time{}
	for i := 1; i <= c.cfg.Faults; i++ {
		gap := c.cfg.MinGap + time.Duration(c.rng.Int64N(int64(c.cfg.MaxGap-c.cfg.MinGap)+1))
		// Decisions drawn up front, whatever the cluster does, so that a
		// seed replays the same sequence.
		kind := c.draw()
		r1, r2 := c.rng.IntN(1000), c.rng.IntN(1000)
		second := c.draw()
		within := time.Duration(c.rng.IntN(1000)) * time.Millisecond
		healAfter := c.rng.IntN(3) // partitions last 1 to 3 faults
		powerAfter := time.Duration(2+c.rng.IntN(8)) * time.Second
		waitAll := c.rng.IntN(4) == 0

		select {
		case <-ctx.Done():
			return
		case <-time.After(gap):
		}
		if c.cfg.Max > 0 && time.Since(start) > c.cfg.Max {
			c.logf("time is up after %d faults", i-1)
			return
		}

		// Repairs: nodes down for a while are powered on again.
		now := time.Now()
		for _, n := range c.nodes {
			if sandbox.DaemonRunning(c.dir, n) || c.isBusy(n) {
				delete(downSince, n)
				continue
			}
			if _, ok := downSince[n]; !ok {
				downSince[n] = now
			}
			if now.Sub(downSince[n]) >= powerAfter {
				c.powerOn(n, nil, "down since "+downSince[n].Format("15:04:05"))
				delete(downSince, n)
			}
		}

		c.mu.Lock()
		parted := c.net.groups != nil
		c.partAge++
		c.mu.Unlock()
		if parted && (c.partAge > healAfter || strings.HasPrefix(kind, "partition")) {
			kind = FaultHeal
		}
		if waitAll && i > 1 {
			// Now and then the last faults are repaired and the cluster
			// must recover fully before the next one.
			c.repairAll(ctx, "full recovery")
			c.waitRecovered(ctx, 90*time.Second, fmt.Sprintf("after fault %d", i-1))
			c.mu.Lock()
			parted = c.net.groups != nil
			c.mu.Unlock()
			if !parted && kind == FaultHeal {
				kind = FaultKillMember
			}
		}
		c.inject(ctx, i, kind, second, within, r1, r2)
	}
}

// inject applies one fault (a double is two, within a second).
func (c *campaign) inject(ctx context.Context, n int, kind, second string, within time.Duration, r1, r2 int) {
	c.mu.Lock()
	c.fault = n
	c.mu.Unlock()
	if kind != FaultDouble {
		detail := c.apply(ctx, kind, r1)
		if strings.HasPrefix(detail, skipped) {
			kind = FaultSkipped
		}
		c.record(n, kind, detail)
		return
	}
	if second == FaultDouble || second == FaultHeal {
		second = FaultKillDC
	}
	first := FaultKillMember
	if r1%2 == 1 {
		first = FaultAgentCrash
	}
	if strings.HasPrefix(second, "partition") {
		// A cut, then a kill: the double of the first finding.
		first, second = second, FaultKillMember
		c.mu.Lock()
		parted := c.net.groups != nil
		c.mu.Unlock()
		if parted {
			first = FaultKillDC
		}
	}
	d1 := c.apply(ctx, first, r1)
	time.Sleep(within)
	d2 := c.apply(ctx, second, r2)
	c.record(n, FaultDouble, fmt.Sprintf("%s: %s; %s later %s: %s", first, d1, within.Round(time.Millisecond), second, d2))
}

func (c *campaign) record(n int, kind, detail string) {
	select {
	case c.kick <- struct{}{}:
	default:
	}
	c.mu.Lock()
	c.res.Faults = append(c.res.Faults, Fault{N: n, At: time.Now(), Kind: kind, Detail: detail})
	c.mu.Unlock()
	c.logf("fault %d %s: %s", n, kind, detail)
}

// pick chooses among candidates by rank r (sorted, so a seed picks alike).
func pick(cands []string, r int) string {
	if len(cands) == 0 {
		return ""
	}
	sort.Strings(cands)
	return cands[r%len(cands)]
}

func (c *campaign) disturb(nodes ...string) {
	c.mu.Lock()
	for _, n := range nodes {
		c.disturbed[n] = time.Now()
	}
	c.mu.Unlock()
}

// apply carries out one simple fault and says what it did.
func (c *campaign) apply(ctx context.Context, kind string, r int) string {
	live := c.usable()
	dc := c.dc(ctx)
	switch kind {
	case FaultKillMember, FaultKillDC:
		var victim string
		if kind == FaultKillDC {
			if !contains(live, dc) {
				return skipped + "no DC to kill (" + dc + ")"
			}
			victim = dc
		} else {
			var members []string
			for _, n := range live {
				if n != dc {
					members = append(members, n)
				}
			}
			victim = pick(members, r)
		}
		if victim == "" || len(c.liveDaemons()) < 2 {
			return skipped + "nothing to kill"
		}
		state, _ := c.realState()
		c.disturb(victim)
		at := time.Now()
		if err := sandbox.Kill(c.dir, victim); err != nil {
			return "kill " + victim + ": " + err.Error()
		}
		var had []string
		c.mu.Lock()
		for _, rsc := range c.rscs {
			if contains(state[rsc], victim) {
				had = append(had, rsc)
				c.pending = append(c.pending, &pendingFailover{fault: c.fault, rsc: rsc, from: victim, at: at})
			}
		}
		c.mu.Unlock()
		return fmt.Sprintf("pacerd of %s killed (DC %s; running %v)", victim, dc, had)
	case FaultPartitionOne, FaultPartitionDC, FaultPartitionAll:
		var groups [][]string
		switch kind {
		case FaultPartitionOne:
			x := pick(append([]string(nil), c.nodes...), r)
			groups = [][]string{{x}, without(c.nodes, x)}
		case FaultPartitionDC:
			if dc == "" {
				return skipped + "no DC to cut off"
			}
			side := []string{dc}
			others := without(c.nodes, dc)
			sort.Strings(others)
			for k := 0; len(side) < (len(c.nodes)-1)/2; k++ {
				x := others[(r+k)%len(others)]
				side = append(side, x)
				others = without(others, x)
			}
			groups = [][]string{side, without(c.nodes, side...)}
		default:
			for _, n := range c.nodes {
				groups = append(groups, []string{n})
			}
		}
		for _, g := range groups {
			c.disturb(g...)
		}
		if err := sandbox.Partition(c.dir, groups); err != nil {
			return "partition: " + err.Error()
		}
		c.mu.Lock()
		c.net = netState{groups: groups}
		c.netHist = append(c.netHist, netChange{at: time.Now(), groups: groups})
		c.partAge = 0
		c.mu.Unlock()
		var parts []string
		for _, g := range groups {
			parts = append(parts, strings.Join(g, ","))
		}
		return fmt.Sprintf("%s (DC %s)", strings.Join(parts, " | "), dc)
	case FaultHeal:
		return c.heal("")
	case FaultRestart:
		node := pick(live, r)
		if node == "" {
			return skipped + "no node to restart"
		}
		c.mu.Lock()
		parted := c.net.groups != nil
		c.mu.Unlock()
		w := plannedWindow{node: node, from: time.Now()}
		c.mu.Lock()
		c.plannedWindows = append(c.plannedWindows, w)
		idx := len(c.plannedWindows) - 1
		c.mu.Unlock()
		c.setBusy(node, true)
		go func() {
			defer c.setBusy(node, false)
			err := sandbox.StopNode(c.dir, node, 30*time.Second)
			c.evaluated(checkCleanStopEnded, 1)
			if err != nil {
				c.violate(checkCleanStopEnded, err.Error())
			}
			if _, err := sandbox.Start(c.dir, c.cfg.Nodes, true, c.cfg.Pacerd, []string{node}, 8*time.Second); err != nil {
				c.logf("restart %s: %v", node, err)
			}
			// Fencing for the stop could still be on its way.
			time.Sleep(5 * time.Second)
			c.mu.Lock()
			c.plannedWindows[idx].to = time.Now()
			c.mu.Unlock()
			c.evaluated(CheckPlannedStop, 1)
		}()
		note := ""
		if parted {
			note = " (network cut)"
		}
		return fmt.Sprintf("%s stopped with SIGTERM and started again (DC %s)%s", node, dc, note)
	case FaultAgentCrash:
		state, _ := c.realState()
		var cands []string
		for _, rsc := range c.rscs {
			if len(state[rsc]) == 1 && contains(live, state[rsc][0]) {
				cands = append(cands, rsc)
			}
		}
		rsc := pick(cands, r)
		if rsc == "" {
			return skipped + "no resource running"
		}
		where := state[rsc][0]
		if err := os.Remove(c.stateFile(where, rsc)); err != nil {
			return "crash " + rsc + ": " + err.Error()
		}
		return fmt.Sprintf("%s died on %s", rsc, where)
	}
	return "unknown fault " + kind
}

func (c *campaign) heal(why string) string {
	if err := sandbox.Heal(c.dir); err != nil {
		return "heal: " + err.Error()
	}
	c.mu.Lock()
	c.net = netState{}
	c.netHist = append(c.netHist, netChange{at: time.Now()})
	c.mu.Unlock()
	if why != "" {
		c.repair(FaultHeal, why)
	}
	return "network whole again"
}

// usable are the nodes whose pacerd runs and that no background start or
// stop is working on.
func (c *campaign) usable() []string {
	var out []string
	for _, n := range c.liveDaemons() {
		if !c.isBusy(n) {
			out = append(out, n)
		}
	}
	return out
}

func (c *campaign) isBusy(n string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.busy[n]
}

func (c *campaign) setBusy(n string, b bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.busy == nil {
		c.busy = map[string]bool{}
	}
	c.busy[n] = b
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, x := range list {
		if !contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}
