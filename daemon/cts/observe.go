package cts

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/protocol"
)

// netState is the network as the nemesis made it: nil groups when whole.
type netState struct {
	groups [][]string
}

func (n netState) group(node string) int {
	for i, g := range n.groups {
		for _, x := range g {
			if x == node {
				return i
			}
		}
	}
	return 0
}

type netChange struct {
	at     time.Time
	groups [][]string
}

// quorateSample says, at one moment, which nodes were on a side holding a
// majority of live pacerds (by the real network, not by anyone's view).
type quorateSample struct {
	at      time.Time
	quorate map[string]bool
}

type plannedWindow struct {
	node     string
	from, to time.Time // to is zero while the node is not back
}

type pendingFailover struct {
	fault int
	rsc   string
	from  string
	at    time.Time
}

// goneRecord is how a resource disappeared from the node it last ran on.
type goneRecord struct {
	from string
	at   time.Time
	// down: the node's pacerd or machine was down at both ends of the
	// interval in which the resource went (a node that stops a resource
	// and then leaves cleanly was up when it stopped it).
	down bool
	// reach: the nodes in the node's network group at one or the other
	// end of that interval.
	reach map[string]bool
	// rejoined: nodes that shared a network group with it, its pacerd up,
	// since.
	rejoined map[string]bool
	why      string // what the observer saw of the node then
}

// Quorum tolerance: a fencing decision taken just before a cut may be
// carried out just after it.
const fenceGrace = 500 * time.Millisecond

// quorumGrace: how long a side must have been without a majority before a
// resource start on it counts as decided there.
const quorumGrace = 2 * time.Second

// quorateWithin says whether node was on a majority side at some sample
// in [from, to].
func (c *campaign) quorateWithin(node string, from, to time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, q := range c.quorate {
		if !q.at.Before(from) && !q.at.After(to) && q.quorate[node] {
			return true
		}
	}
	return false
}

// sideSettle: how long a partition must have been as it is before two
// DCs in it count (memberlist pushes its state every 5 s; pacerd retries
// joins as often).
const sideSettle = 10 * time.Second

// observe samples four times a second until ctx ends.
func (c *campaign) observe(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	prev := map[string][]string{}
	gone := map[string]*goneRecord{}
	for tick := 0; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.kick: // right after a fault
		}
		c.sample(ctx, tick, prev, gone)
	}
}

// sample is one observation and the checks on it.
func (c *campaign) sample(ctx context.Context, tick int, prev map[string][]string, gone map[string]*goneRecord) {
	now := time.Now()
	state, on := c.realState()
	daemon := map[string]bool{}
	for _, n := range c.nodes {
		daemon[n] = sandbox.DaemonRunning(c.dir, n)
	}
	c.mu.Lock()
	nst := c.net
	c.mu.Unlock()
	for _, n := range c.nodes {
		st := fmt.Sprintf("pacerd %v, machine %v", daemon[n], on[n])
		if c.seenState[n] != st {
			pid, _ := os.ReadFile(filepath.Join(c.dir, n, "pacerd.pid"))
			c.logf("observer: %s: %s (pacerd.pid %q)", n, st, strings.TrimSpace(string(pid)))
			c.seenState[n] = st
		}
	}

	// Which nodes sit on a side with a live majority.
	q := quorateSample{at: now, quorate: map[string]bool{}}
	for _, n := range c.nodes {
		live := 0
		for _, m := range c.nodes {
			if daemon[m] && nst.group(m) == nst.group(n) {
				live++
			}
		}
		q.quorate[n] = daemon[n] && live > len(c.nodes)/2
	}
	c.mu.Lock()
	c.quorate = append(c.quorate, q)
	if len(c.quorate) > 400 {
		c.quorate = c.quorate[len(c.quorate)-400:]
	}
	c.mu.Unlock()

	// Never two copies.
	for _, r := range c.rscs {
		if len(state[r]) > 1 {
			c.violateKey(CheckOneCopy, CheckOneCopy+"\x00"+r+strings.Join(state[r], ",")+now.Truncate(10*time.Second).String(),
				fmt.Sprintf("%s runs on %v at once (agents' state files)", r, state[r]))
		}
	}
	c.evaluated(CheckOneCopy, len(c.rscs))

	// Recovery only after fencing: follow each resource from node to node.
	group := map[string]map[string]bool{}
	for _, n := range c.nodes {
		group[n] = map[string]bool{}
		for _, m := range c.nodes {
			if nst.group(m) == nst.group(n) {
				group[n][m] = true
			}
		}
	}
	for _, r := range c.rscs {
		was, is := prev[r], state[r]
		if g := gone[r]; g != nil && daemon[g.from] && on[g.from] {
			for m := range group[g.from] {
				g.rejoined[m] = true
			}
		}
		if len(was) == 1 && !contains(is, was[0]) {
			a := was[0]
			g := &goneRecord{from: a, at: now, reach: map[string]bool{}, rejoined: map[string]bool{},
				down: (!daemon[a] || !on[a]) && c.downBefore[a],
				why:  fmt.Sprintf("pacerd up %v, machine on %v, down at the sample before %v", daemon[a], on[a], c.downBefore[a])}
			for m := range group[a] {
				g.reach[m] = true
			}
			for m := range c.groupBefore[a] {
				g.reach[m] = true
			}
			gone[r] = g
		}
		if len(is) == 1 && !contains(was, is[0]) {
			b := is[0]
			if g := gone[r]; g != nil && g.from != b {
				c.evaluated(CheckFenceFirst, 1)
				lost := g.down || !g.reach[b]
				if lost && !g.rejoined[b] && !c.poweredOffSince(g.from, g.at.Add(-2*time.Second)) {
					c.violate(CheckFenceFirst, fmt.Sprintf("%s started on %s at %s; it left %s at %s, which was lost to %s (%s; in reach %v) and has not been powered off since",
						r, b, now.Format("15:04:05.000"), g.from, g.at.Format("15:04:05.000"), b, g.why, sorted(g.reach)))
				}
			}
			// no-quorum-policy=stop: a side without a majority starts
			// nothing (a start decided just before a cut may land just
			// after it).
			c.evaluated(CheckQuorumStart, 1)
			if !c.quorateWithin(b, now.Add(-quorumGrace), now) {
				c.violate(CheckQuorumStart, fmt.Sprintf("%s started on %s at %s, on a side without a majority of live nodes for %s",
					r, b, now.Format("15:04:05.000"), quorumGrace))
			}
		}
		if len(is) > 0 {
			c.mu.Lock()
			c.lastSeen[r] = seen{node: is[0], at: now}
			c.mu.Unlock()
		}
		prev[r] = is
	}
	for _, n := range c.nodes {
		c.downBefore[n] = !daemon[n] || !on[n]
		c.groupBefore[n] = group[n]
	}

	// Failover times: a killed node's resources running elsewhere.
	c.mu.Lock()
	var keep []*pendingFailover
	for _, p := range c.pending {
		where := state[p.rsc]
		if len(where) == 1 && where[0] != p.from {
			c.res.Failovers = append(c.res.Failovers, Failover{Fault: p.fault, Resource: p.rsc, From: p.from, To: where[0],
				Took: now.Sub(p.at), Undisturbed: c.fault == p.fault})
			continue
		}
		if now.Sub(p.at) < 2*time.Minute {
			keep = append(keep, p)
		}
	}
	c.pending = keep
	c.mu.Unlock()

	// What the cluster says: who is DC, and (every other tick) the CIB.
	type view struct {
		hello   *protocol.Hello
		version string
		digest  string
	}
	views := map[string]*view{}
	var vmu sync.Mutex
	var wg sync.WaitGroup
	for _, n := range c.nodes {
		if !daemon[n] {
			continue
		}
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			v := &view{}
			h, err := c.hello(ctx, n)
			if err != nil {
				return
			}
			v.hello = h
			if tick%2 == 0 {
				if cfg, ver, err := c.configOf(ctx, n, time.Second); err == nil {
					v.version = fmt.Sprintf("%d.%d", ver.AdminEpoch, ver.Epoch)
					v.digest = digest(cfg)
				}
			}
			vmu.Lock()
			views[n] = v
			vmu.Unlock()
		}(n)
	}
	wg.Wait()

	// At most one DC per partition (for longer than an election).
	sides := map[string][]string{}
	for n, v := range views {
		if v.hello.DC == n {
			key := sideKey(nst, n, daemon, c.nodes)
			sides[key] = append(sides[key], n)
		}
	}
	// A side only counts once it has been the same for a while: after a
	// heal or a start, the nodes need a few gossip rounds to find each
	// other, and each side had its DC until then.
	present := map[string]bool{}
	for _, n := range c.nodes {
		if daemon[n] {
			present[sideKey(nst, n, daemon, c.nodes)] = true
		}
	}
	c.mu.Lock()
	for key := range c.sideSince {
		if !present[key] {
			delete(c.sideSince, key)
		}
	}
	for key := range present {
		if _, ok := c.sideSince[key]; !ok {
			c.sideSince[key] = now
		}
	}
	for key := range c.dcClaims {
		if len(sides[key]) < 2 {
			delete(c.dcClaims, key)
		}
	}
	var twoDCs [][]string
	for key, dcs := range sides {
		if len(dcs) > 1 && now.Sub(c.sideSince[key]) >= sideSettle {
			c.dcClaims[key]++
			if c.dcClaims[key] == 8 {
				sort.Strings(dcs)
				twoDCs = append(twoDCs, dcs)
			}
		}
	}
	c.mu.Unlock()
	c.evaluated(CheckOneDC, len(sides))
	for _, dcs := range twoDCs {
		c.violate(CheckOneDC, fmt.Sprintf("%v each call themselves DC in one partition for 2 s (until %s)", dcs, now.Format("15:04:05.000")))
	}

	// A version names one configuration.
	for n, v := range views {
		if v.version == "" {
			continue
		}
		c.mu.Lock()
		old, ok := c.versions[v.version]
		if !ok {
			c.versions[v.version] = v.digest
		}
		c.mu.Unlock()
		c.evaluated(CheckVersionUnique, 1)
		if ok && old != v.digest {
			c.violateKey(CheckVersionUnique, CheckVersionUnique+"\x00"+v.version, fmt.Sprintf("version %s names two configurations (%s, and %s on %s)", v.version, old, v.digest, n))
		}
	}

	c.checkPowerLog()
}

// sideKey names node's partition: the live nodes it can reach.
func sideKey(nst netState, node string, daemon map[string]bool, nodes []string) string {
	var side []string
	for _, m := range nodes {
		if daemon[m] && nst.group(m) == nst.group(node) {
			side = append(side, m)
		}
	}
	return strings.Join(side, ",")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type powerOff struct {
	at     time.Time
	target string
	by     string
}

// powerOffs reads the sandbox's power log.
func (c *campaign) powerOffs() []powerOff {
	f, err := os.Open(filepath.Join(c.dir, sandbox.PowerLog))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []powerOff
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) != 3 {
			continue
		}
		ns, err := strconv.ParseInt(fl[0], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, powerOff{at: time.Unix(0, ns), target: fl[1], by: fl[2]})
	}
	return out
}

func (c *campaign) poweredOffSince(node string, since time.Time) bool {
	for _, p := range c.powerOffs() {
		if p.target == node && !p.at.Before(since) {
			return true
		}
	}
	return false
}

// checkPowerLog checks the power-offs not yet checked: each was done from
// a side holding a majority, and none hit a node being stopped cleanly.
func (c *campaign) checkPowerLog() {
	offs := c.powerOffs()
	c.mu.Lock()
	from := c.powerSeen
	if from > len(offs) {
		from = len(offs)
	}
	c.powerSeen = len(offs)
	quorate := append([]quorateSample(nil), c.quorate...)
	windows := append([]plannedWindow(nil), c.plannedWindows...)
	disturbed := map[string]time.Time{}
	for k, v := range c.disturbed {
		disturbed[k] = v
	}
	c.mu.Unlock()
	for _, p := range offs[from:] {
		if p.by == "-" {
			continue // the campaign's own end
		}
		c.evaluated(CheckFenceQuorum, 1)
		ok := false
		for _, q := range quorate {
			if !q.at.Before(p.at.Add(-fenceGrace-250*time.Millisecond)) && !q.at.After(p.at) && q.quorate[p.by] {
				ok = true
				break
			}
		}
		if !ok {
			c.violate(CheckFenceQuorum, fmt.Sprintf("%s powered off %s at %s from a side without a majority of live nodes",
				p.by, p.target, p.at.Format("15:04:05.000")))
		}
		for _, w := range windows {
			if w.node != p.target || p.at.Before(w.from) || (!w.to.IsZero() && p.at.After(w.to)) {
				continue
			}
			if d, ok := disturbed[p.target]; ok && !d.Before(w.from) {
				continue // another fault hit the node meanwhile
			}
			c.violate(CheckPlannedStop, fmt.Sprintf("%s was powered off by %s at %s during its clean stop (SIGTERM at %s)",
				p.target, p.by, p.at.Format("15:04:05.000"), w.from.Format("15:04:05.000")))
		}
	}
}
