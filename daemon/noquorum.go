package daemon

import (
	"context"
	"slices"
	"strings"
	"time"

	"pacer/daemon/cibedit"
	"pacer/share/graph"
)

// A partition without quorum has no DC: the log elects a leader only with
// a quorum of voters behind it. Pacemaker's no-quorum-policy is then this
// node's own business, applied to what runs here (Pacemaker Explained,
// "Cluster Options"):
//
//	stop (default)  stop every resource here
//	demote          demote promoted instances, stop the rest
//	freeze, ignore  leave what runs alone (nothing new starts: no DC)
//	fence, suicide  fence this node (self-fencing needs no quorum)
//
// The node runs the scheduler on its last copy of the CIB with
// have-quorum="0" and its own operation history, and executes only the
// stops and demotes the graph gives it, in the graph's order. It starts
// nothing and fences no one else.

// noQuorumLoop watches for the loss of quorum: no leader known for longer
// than an election takes.
func (n *Node) noQuorumLoop() {
	defer n.wg.Done()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	var lost time.Time
	selfFenced := false
	grace := 2 * n.cfg.Consensus.ElectionTimeout.Duration
	for {
		select {
		case <-n.stopping:
			return
		case <-tick.C:
		}
		if n.clog.Leader() != "" {
			lost, selfFenced = time.Time{}, false
			continue
		}
		if lost.IsZero() {
			lost = time.Now()
			continue
		}
		if time.Since(lost) < grace {
			continue
		}
		if n.twoNodeRace() {
			lost = time.Time{}
			continue
		}
		policy, _ := n.property("no-quorum-policy")
		switch strings.ToLower(policy) {
		case "freeze", "ignore":
			continue
		case "fence", "suicide":
			if !selfFenced {
				selfFenced = true
				n.log.Warn("no quorum and no-quorum-policy=" + policy + ": fencing this node")
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				r := n.fsvc.Fence(ctx, n.name, "", n.name, "pacer-no-quorum")
				cancel()
				if r.Err() == nil {
					continue
				}
				n.log.Error("self-fencing failed; stopping what runs here instead", "err", r.Err())
			}
		}
		n.stopWithoutQuorum(strings.EqualFold(policy, "demote"))
	}
}

// stopWithoutQuorum runs one round of the local no-quorum transition.
func (n *Node) stopWithoutQuorum(demote bool) {
	if !n.anyActive() {
		return
	}
	doc := n.CIB()
	doc.Root.SetAttr("have-quorum", "0")
	cibedit.ReplaceLRM(doc, n.name, n.localLRM())
	g, err := n.sched(doc, time.Now())
	if err != nil {
		n.log.Error("no quorum: scheduler failed", "err", err)
		return
	}
	mine := map[int]*graph.Action{}
	for _, a := range g.Actions {
		if a.Kind == graph.RscOp && a.Node == n.name && (a.Task == "stop" || a.Task == "demote") {
			mine[a.ID] = a
		}
	}
	if len(mine) == 0 {
		return
	}
	n.log.Warn("no quorum: stopping what runs here (no-quorum-policy)", "actions", len(mine), "demote", demote)
	// Run them in the graph's order: an action waits for the inputs that
	// are among them (what other nodes would do is not this node's).
	done := map[int]bool{}
	for len(done) < len(mine) {
		progress := false
		for id, a := range mine {
			if done[id] || !inputsDone(a, mine, done) {
				continue
			}
			rec := n.execLocal(toWireAction(0, a, n.uuid))
			n.log.Info("no quorum: local action", "action", a.Key, "rc", rec.RC)
			done[id], progress = true, true
		}
		if !progress {
			return
		}
	}
}

func inputsDone(a *graph.Action, set map[int]*graph.Action, done map[int]bool) bool {
	for _, in := range a.Inputs {
		if _, ok := set[in]; ok && !done[in] {
			return false
		}
	}
	return true
}

// twoNodeRace is votequorum's two_node in terms of the log: a two-node
// cluster has no majority once one node is gone, so the survivor fences
// its peer (both race when the link between them fails; the fencing device
// lets one win) and, once the peer is confirmed off, carries on as the
// only voter of the log. With wait_for_all it does so only if both nodes
// were seen together since it started. The peer, when it comes back, is
// made a voter again by the DC (refreshMembership). It reports whether
// this node now leads alone.
func (n *Node) twoNodeRace() bool {
	if !n.cfg.TwoNode || len(n.cfg.Nodes) != 2 {
		return false
	}
	var peer string
	for _, nd := range n.cfg.Nodes {
		if nd.Name != n.name {
			peer = nd.Name
		}
	}
	if slices.Contains(n.currentMembers(), peer) {
		return false // the peer is there: an election, not a loss
	}
	voters := n.clog.Voters()
	if len(voters) == 1 && voters[0] == n.name {
		return false // already alone; the log elects this node by itself
	}
	n.mu.Lock()
	seen := n.membersSeen
	n.mu.Unlock()
	if *n.cfg.WaitForAll && !seen {
		return false
	}
	n.log.Warn("two_node: the peer is lost; fencing it before carrying on alone", "peer", peer)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	r := n.fsvc.Fence(ctx, peer, "", n.name, "pacer-two-node")
	cancel()
	if err := r.Err(); err != nil {
		n.log.Error("two_node: fencing the peer failed; no quorum", "peer", peer, "err", err)
		return false
	}
	if slices.Contains(n.currentMembers(), peer) {
		return false
	}
	// The new DC (this node) records the peer fenced, so it does not
	// fence it again (perhaps just as it comes back).
	n.mu.Lock()
	n.fencedAlone = append(n.fencedAlone, peer)
	n.mu.Unlock()
	if err := n.clog.RecoverAlone(); err != nil {
		n.log.Error("two_node: could not carry on alone", "err", err)
		return false
	}
	n.kickMembership()
	return true
}
