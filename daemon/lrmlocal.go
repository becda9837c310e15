package daemon

import (
	"context"
	"fmt"
	"pacer/share/opdigest"
	"strings"
	"time"

	"pacer/daemon/cibedit"
	"pacer/lrm"
	"pacer/share/protocol"
	"pacer/share/xmltree"
)

func agentSpec(class, provider, typ string) string {
	if provider != "" {
		return class + ":" + provider + ":" + typ
	}
	return class + ":" + typ
}

// execLocal runs a graph action on this node's LRM and records the result
// in this node's own history (which a new DC collects).
func (n *Node) execLocal(a *wireAction) cibedit.OpRecord {
	rec := cibedit.OpRecord{Resource: a.Resource, Class: a.Class, Provider: a.Provider, Type: a.Type,
		Task: a.Task, IntervalMS: a.IntervalMS, TransitionKey: a.TransitionKey, TargetRC: a.TargetRC,
		MigrateSource: a.Meta["migrate_source"], MigrateTarget: a.Meta["migrate_target"]}
	interval := time.Duration(a.IntervalMS) * time.Millisecond
	switch a.Task {
	case "cancel":
		n.lrm.Cancel(a.Resource, interval)
		rec.LastRun, rec.LastRCChange = time.Now(), time.Now()
		n.localRecord(rec)
		return rec
	case "stop":
		n.lrm.CancelAll(a.Resource)
	case "delete":
		n.lrm.CancelAll(a.Resource)
		n.lrm.Forget(a.Resource)
		return rec
	}
	if a.Class == "stonith" {
		// Fencing devices are the fencer's: start and monitor check the
		// device, stop has nothing to do, a probe says "not running".
		ctx, cancel := context.WithTimeout(context.Background(), max(time.Duration(a.TimeoutMS)*time.Millisecond, 20*time.Second))
		rec.LastRun = time.Now()
		rec.RC, rec.ExitReason = n.fsvc.ResourceOp(ctx, a.Resource, a.Task, a.Task == "monitor" && a.IntervalMS == 0)
		cancel()
		rec.LastRCChange = time.Now()
		rec.ExecMS = time.Since(rec.LastRun).Milliseconds()
		rec.CallID = int(n.stonithCalls.Add(1))
		if a.Task == "monitor" && a.IntervalMS > 0 && rec.RC == 0 {
			n.stonithMonitor(a)
		}
		if a.Task == "stop" {
			n.stonithStop(a.Resource)
		}
		n.localRecord(rec)
		return rec
	}
	op := lrm.Op{Resource: a.Resource, Agent: agentSpec(a.Class, a.Provider, a.Type), Action: a.Task,
		Interval: interval, Timeout: time.Duration(a.TimeoutMS) * time.Millisecond, Params: a.Params, Meta: a.Meta}
	var res lrm.Result
	if interval > 0 {
		first := make(chan lrm.Result, 1)
		sent := false
		n.lrm.Cancel(a.Resource, interval)
		err := n.lrm.StartRecurring(op, func(r lrm.Result) {
			if !sent {
				sent = true
				first <- r
				return
			}
			later := toRecord(r, a)
			n.localRecord(later)
			n.reportToDC(later)
		})
		if err != nil {
			rec.RC, rec.OpStatus, rec.ExitReason = 1, int(lrm.StatusError), err.Error()
			rec.LastRun, rec.LastRCChange = time.Now(), time.Now()
			n.localRecord(rec)
			return rec
		}
		res = <-first
	} else {
		// Record it as pending first: a DC taking over meanwhile must see
		// that something is under way here, not start it elsewhere.
		pending := rec
		pending.CallID, pending.OpStatus, pending.RC = -1, -1, 193
		pending.LastRun, pending.LastRCChange = time.Now(), time.Now()
		n.localRecord(pending)
		res = n.lrm.Exec(context.Background(), op)
	}
	rec = toRecord(res, a)
	n.localRecord(rec)
	return rec
}

func toRecord(r lrm.Result, a *wireAction) cibedit.OpRecord {
	return cibedit.OpRecord{Resource: a.Resource, Class: a.Class, Provider: a.Provider, Type: a.Type,
		Task: a.Task, IntervalMS: a.IntervalMS, TransitionKey: a.TransitionKey, TargetRC: a.TargetRC,
		CallID: r.CallID, RC: r.RC, OpStatus: int(r.Status), ExitReason: r.ExitReason,
		LastRun: r.LastRun, LastRCChange: r.LastRCChange, ExecMS: r.ExecTime.Milliseconds(), QueueMS: r.QueueTime.Milliseconds(),
		Digest: paramDigest(a.Params), MigrateSource: a.Meta["migrate_source"], MigrateTarget: a.Meta["migrate_target"]}
}

func (n *Node) localRecord(rec cibedit.OpRecord) {
	n.localMu.Lock()
	if rec.Task == "cancel" {
		cibedit.CancelOp(n.local, n.name, rec.Resource, rec.IntervalMS)
		n.localMu.Unlock()
		return
	}
	cibedit.RecordOp(n.local, n.name, rec)
	n.localMu.Unlock()
	if rec.OpStatus != -1 { // a result, not the record of one under way
		n.alertResource(rec)
	}
}

// localLRM is this node's own history as an <lrm> element.
func (n *Node) localLRM() *xmltree.Element {
	n.localMu.Lock()
	defer n.localMu.Unlock()
	if ns := cibedit.NodeState(n.local, n.name, false); ns != nil {
		if l := ns.Child("lrm"); l != nil {
			return l.Clone()
		}
	}
	return xmltree.New("lrm", "id", n.name)
}

// reportToDC sends a recurring operation's changed result to the DC.
func (n *Node) reportToDC(rec cibedit.OpRecord) {
	for try := 0; try < 10; try++ {
		n.mu.Lock()
		dc, ready := n.dc, n.dcReady
		n.mu.Unlock()
		if dc == n.name && ready {
			n.dcOpResult(n.name, rec)
			return
		}
		if dc != "" && dc != n.name {
			if err := n.send(dc, &wireMsg{T: msgOpResult, Record: &rec}); err == nil {
				return
			}
		}
		select {
		case <-n.stopping:
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
	n.log.Error("could not report an operation result to the DC; the next DC reads it from this node's history", "rsc", rec.Resource, "task", rec.Task)
}

// lrmExecLocal runs a direct agent action (outside the cluster's control).
func (n *Node) lrmExecLocal(req *protocol.LRMRequest) (*protocol.LRMResult, error) {
	if req == nil || req.Agent == "" || req.Action == "" {
		return nil, fmt.Errorf("lrm_exec needs agent and action")
	}
	res := n.lrm.Exec(context.Background(), lrm.Op{Resource: req.Resource, Agent: req.Agent, Action: req.Action,
		Interval: time.Duration(req.IntervalMS) * time.Millisecond, Timeout: time.Duration(req.TimeoutMS) * time.Millisecond,
		Params: req.Params, Meta: req.Meta})
	return &protocol.LRMResult{CallID: res.CallID, RC: res.RC, OpStatus: int(res.Status), ExitReason: res.ExitReason,
		Output: res.Output, Stderr: res.Stderr, Started: res.LastRun, ExecMS: res.ExecTime.Milliseconds(),
		QueueMS: res.QueueTime.Milliseconds()}, nil
}

// shutdownResources stops what runs here before a clean exit: the node
// asks the DC to move its resources away (the shutdown attribute) and
// waits until its own history shows nothing active, at most a minute.
func (n *Node) shutdownResources() {
	n.mu.Lock()
	dc := n.dc
	n.mu.Unlock()
	if dc == "" {
		return
	}
	req := &protocol.Request{Op: protocol.OpSetNodeAttr, Node: n.name, Name: "shutdown",
		Value: fmt.Sprint(time.Now().Unix()), Lifetime: protocol.LifetimeReboot, Client: "pacerd"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	r := n.handleAsDC(ctx, req)
	cancel()
	if r.Error != nil {
		n.log.Warn("could not announce shutdown", "err", r.Error)
		return
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) && n.anyActive() {
		time.Sleep(200 * time.Millisecond)
	}
}

// anyActive reports whether this node's history shows a resource whose
// last one-shot operation left it running.
func (n *Node) anyActive() bool {
	l := n.localLRM()
	active := false
	l.Walk(func(e *xmltree.Element) bool {
		if e.Name == "lrm_rsc_op" && len(e.ID()) > 7 && e.ID()[len(e.ID())-7:] == "_last_0" {
			op, rc := e.Attr("operation"), e.Attr("rc-code")
			if (op == "start" || op == "promote" || op == "demote" || op == "migrate_from") && rc == "0" ||
				op == "monitor" && (rc == "0" || rc == "8") {
				active = true
			}
		}
		return true
	})
	return active
}

// stonithMonitor keeps a fencing device's recurring monitor: every
// interval the fencer checks the device; a change is reported to the DC
// like any recurring result.
func (n *Node) stonithMonitor(a *wireAction) {
	n.localMu.Lock()
	if stop, ok := n.stonithUp[a.Resource]; ok {
		close(stop)
	}
	stop := make(chan struct{})
	n.stonithUp[a.Resource] = stop
	n.localMu.Unlock()
	go func() {
		last := 0
		t := time.NewTicker(time.Duration(a.IntervalMS) * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-n.stopping:
				return
			case <-t.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), max(time.Duration(a.TimeoutMS)*time.Millisecond, 20*time.Second))
			start := time.Now()
			rc, reason := n.fsvc.ResourceOp(ctx, a.Resource, "monitor", false)
			cancel()
			if rc == last {
				continue
			}
			last = rc
			rec := cibedit.OpRecord{Resource: a.Resource, Class: a.Class, Provider: a.Provider, Type: a.Type,
				Task: "monitor", IntervalMS: a.IntervalMS, TransitionKey: a.TransitionKey, TargetRC: a.TargetRC,
				CallID: int(n.stonithCalls.Add(1)), RC: rc, ExitReason: reason, LastRun: start, LastRCChange: time.Now(),
				ExecMS: time.Since(start).Milliseconds()}
			n.localRecord(rec)
			n.reportToDC(rec)
		}
	}()
}

func (n *Node) stonithStop(rsc string) {
	n.localMu.Lock()
	defer n.localMu.Unlock()
	if stop, ok := n.stonithUp[rsc]; ok {
		close(stop)
		delete(n.stonithUp, rsc)
	}
}

// paramDigest is the op-digest recorded with a result: Pacemaker's digest
// of the parameters the agent ran with, so that the scheduler (and
// Pacemaker's own tools reading this CIB) notice a later change of the
// resource's definition and restart it.
func paramDigest(params map[string]string) string {
	p := make(map[string]string, len(params))
	for k, v := range params {
		if v == "#default" || strings.HasPrefix(k, "CRM_meta_") {
			continue
		}
		p[k] = v
	}
	return opdigest.Digest(p)
}
