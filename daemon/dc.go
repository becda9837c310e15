package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"pacer/daemon/cibedit"
	"pacer/daemon/controller"
	"pacer/share/cib"
	"pacer/share/clusterview"
	"pacer/share/graph"
	"pacer/share/protocol"
	"pacer/share/xmltree"
	"pacer/stonith"
)

// dcHost is the Node seen by its controller.
type dcHost Node

func (h *dcHost) n() *Node { return (*Node)(h) }

func (h *dcHost) CIB() *xmltree.Document { return h.n().CIB() }

func (h *dcHost) ExecOp(ctx context.Context, tid int, a *graph.Action) controller.Result {
	n := h.n()
	wa := toWireAction(tid, a, n.uuid)
	var rec cibedit.OpRecord
	if a.Node == n.name || a.Node == "" {
		rec = n.execLocal(wa)
	} else {
		timeout := time.Until(deadline(ctx, time.Minute))
		r, err := n.rpc(ctx, a.Node, &wireMsg{T: msgExec, Action: wa}, timeout)
		if err != nil {
			// The node is gone or did not answer in time: the action failed
			// (op-status Timeout), the membership change or the next run
			// decides what follows.
			n.log.Warn("action lost", "action", a.Key, "node", a.Node, "err", err)
			return controller.Result{RC: 1, OpStatus: 2, Err: err}
		}
		rec = *r.Record
	}
	n.recordResult(a.Node, rec)
	return controller.Result{RC: rec.RC, OpStatus: rec.OpStatus}
}

func deadline(ctx context.Context, def time.Duration) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(def)
}

// recordResult (DC) writes an operation result to the status section and,
// for a failure, the fail count and last-failure attributes.
func (n *Node) recordResult(node string, rec cibedit.OpRecord) {
	failed := rec.OpStatus != 0 || rec.RC != rec.TargetRC
	probe := rec.Task == "monitor" && rec.IntervalMS == 0
	countIt := failed && !(probe && (rec.RC == 0 || rec.RC == 7 || rec.RC == 8) && rec.OpStatus == 0) && rec.Task != "cancel"
	var attrs [][2]string // fail count and last failure, for attribute alerts
	defer func() {
		for _, a := range attrs {
			n.alertAttribute(node, a[0], a[1])
		}
	}()
	n.commitStatus("operation result", func(doc *xmltree.Document) bool {
		if rec.Task == "cancel" {
			cibedit.CancelOp(doc, node, rec.Resource, rec.IntervalMS)
			return true
		}
		cibedit.RecordOp(doc, node, rec)
		if countIt {
			cnt, last := cibedit.FailAttrs(rec.Resource, rec.Task, rec.IntervalMS)
			val := "INFINITY"
			if rec.Task != "start" {
				cur := cibedit.NodeAttrs(doc, node)[cnt]
				k, _ := strconv.Atoi(cur)
				if cur == "INFINITY" {
					val = cur
				} else {
					val = strconv.Itoa(k + 1)
				}
			}
			now := strconv.FormatInt(time.Now().Unix(), 10)
			cibedit.SetNodeAttr(doc, node, cnt, val, false)
			cibedit.SetNodeAttr(doc, node, last, now, false)
			attrs = [][2]string{{cnt, val}, {last, now}}
		}
		return true
	})
}

// dcOpResult (DC) takes a recurring operation's changed result.
func (n *Node) dcOpResult(node string, rec cibedit.OpRecord) {
	n.recordResult(node, rec)
	ok := rec.OpStatus == 0 && rec.RC == rec.TargetRC
	n.emit(clusterview.Event{Time: time.Now(), Kind: clusterview.EventActionFinished, Node: node,
		Resource: rec.Resource, Op: rec.Task, IntervalMS: rec.IntervalMS, RC: rec.RC, OK: ok,
		Result:  rcText(rec.RC, rec.OpStatus),
		Message: fmt.Sprintf("%s_%s_%d on %s: %s", rec.Resource, rec.Task, rec.IntervalMS, node, rcText(rec.RC, rec.OpStatus))})
	if !ok || rec.IntervalMS == 0 {
		// A failure, or the late result of a one-shot operation of a lost
		// transition: either way the scheduler must look again.
		n.triggerController("operation result")
	}
}

// dcShutdown (DC) records a member's clean departure.
func (n *Node) dcShutdown(node string) {
	n.mu.Lock()
	n.leaving[node] = true
	n.mu.Unlock()
	n.commitStatus("clean shutdown", func(doc *xmltree.Document) bool {
		cibedit.ShutDown(doc, node)
		return true
	})
	n.mu.Lock()
	delete(n.memberLRM, node)
	n.mu.Unlock()
}

func (h *dcHost) Fence(ctx context.Context, target, action string) error {
	return h.n().fence(ctx, target, action, "pacer-controller")
}

// fenceHistory is the cluster's fencing history as this node knows it,
// newest first.
func (n *Node) fenceHistory() []clusterview.FencingEvent {
	var out []clusterview.FencingEvent
	for _, e := range n.fsvc.History("") {
		out = append(out, e.View())
	}
	return out
}

// fence runs fencing through the fencing service; the history, the events
// and the status update follow from its OnChange (fencingChanged). The
// status is also written here, so that the controller's next run already
// sees the node down.
func (n *Node) fence(ctx context.Context, target, action, client string) error {
	// Only a DC that a quorum follows may fence: the decision goes
	// through the log first, and a DC cut off from its quorum cannot
	// commit it.
	d, _ := json.Marshal(fenceDecision{Target: target, Action: action, Client: client, DC: n.name, Time: time.Now()})
	if _, err := n.clog.Apply(append([]byte{entryFence}, d...), 5*time.Second); err != nil {
		n.log.Error("not fencing: the decision could not be committed", "target", target, "err", err)
		return fmt.Errorf("fencing %s not authorised (no quorum behind this DC): %w", target, err)
	}
	n.log.Warn("fencing", "target", target, "action", action, "client", client)
	r := n.fsvc.Fence(ctx, target, action, n.name, client)
	n.mu.Lock()
	n.lastFence = r.Entry
	n.mu.Unlock()
	if err := r.Err(); err != nil {
		n.log.Error("fencing failed", "target", target, "err", err)
		return err
	}
	if action == "on" {
		// Unfenced (fence_scsi and the like let the node at its disks
		// again): the scheduler unfences a node once per membership, so it
		// must see it done. The attribute is transient: a node that leaves
		// loses it and is unfenced again when it comes back.
		n.commitStatus("unfenced", func(doc *xmltree.Document) bool {
			ch, err := cibedit.SetNodeAttr(doc, target, "#node-unfenced", strconv.FormatInt(time.Now().Unix(), 10), false)
			if err != nil {
				n.log.Error("cannot record unfencing", "target", target, "err", err)
			}
			return ch
		})
		return nil
	}
	n.commitStatus("fenced", func(doc *xmltree.Document) bool {
		cibedit.Fenced(doc, target)
		return true
	})
	return nil
}

func (h *dcHost) ClearFailcount(node, rsc string) {
	h.n().commitStatus("clear failcount", func(doc *xmltree.Document) bool {
		ch, _ := cibedit.DeleteNodeAttrs(doc, node, false, func(name string) bool {
			return cibedit.IsFailAttr(name, rsc)
		})
		return ch
	})
}

func (h *dcHost) Transition(id, actions, completed int, pending bool) {
	n := h.n()
	n.mu.Lock()
	started := n.trans.ID != id
	if started {
		n.trans = clusterview.Transition{ID: id, Started: time.Now()}
	}
	n.trans.Actions, n.trans.Completed, n.trans.Pending = actions, completed, pending && completed < actions
	ended := completed >= actions
	n.lastTID = id
	n.mu.Unlock()
	switch {
	case started:
		n.emitAction(clusterview.Event{Time: time.Now(), Kind: clusterview.EventTransition, Node: n.name,
			Message: fmt.Sprintf("transition %d started: %d actions", id, actions)}, id, 0)
	case ended:
		n.emitAction(clusterview.Event{Time: time.Now(), Kind: clusterview.EventTransition, Node: n.name, OK: true,
			Message: fmt.Sprintf("transition %d complete", id)}, id, 0)
	}
}

func (h *dcHost) ActionEvent(tid int, a *graph.Action, done bool, r controller.Result, took time.Duration) {
	n := h.n()
	ev := clusterview.Event{Time: time.Now(), Node: a.Node, Op: a.Task, IntervalMS: a.Interval().Milliseconds()}
	if a.Resource != nil {
		ev.Resource = a.Resource.ID
	}
	what := a.Key
	if what == "" {
		what = a.Task + " " + a.Node
	}
	if !done {
		ev.Kind = clusterview.EventActionStarted
		ev.Message = fmt.Sprintf("initiating %s on %s", what, a.Node)
	} else {
		ev.Kind = clusterview.EventActionFinished
		ev.RC, ev.DurationMS = r.RC, took.Milliseconds()
		ev.OK = r.Err == nil && r.OpStatus == 0 && (a.Kind != graph.RscOp || r.RC == controller.TargetRC(a))
		ev.Result = rcText(r.RC, r.OpStatus)
		if r.Err != nil {
			ev.Result = r.Err.Error()
		}
		ev.Message = fmt.Sprintf("%s on %s: %s", what, a.Node, ev.Result)
	}
	n.emitAction(ev, tid, a.ID)
}

func rcText(rc, status int) string {
	if status == 2 {
		return "Timed Out"
	}
	if status != 0 {
		return "error"
	}
	switch rc {
	case 0:
		return "ok"
	case 7:
		return "not running"
	case 8:
		return "promoted"
	case 1:
		return "error"
	case 2:
		return "invalid parameter"
	case 3:
		return "unimplemented feature"
	case 4:
		return "insufficient privileges"
	case 5:
		return "not installed"
	case 6:
		return "not configured"
	case 9:
		return "promoted (failed)"
	}
	return "rc " + strconv.Itoa(rc)
}

func toWireAction(tid int, a *graph.Action, dcUUID string) *wireAction {
	wa := &wireAction{Task: a.Task, TransitionKey: controller.TransitionKey(tid, a, dcUUID), TargetRC: controller.TargetRC(a),
		IntervalMS: a.Interval().Milliseconds(), TimeoutMS: a.Timeout().Milliseconds(),
		Params: map[string]string{}, Meta: map[string]string{}}
	if a.Resource != nil {
		wa.Resource, wa.Class, wa.Provider, wa.Type = a.Resource.ID, a.Resource.Class, a.Resource.Provider, a.Resource.Type
	}
	for k, v := range a.Attrs {
		if m, ok := cutPrefix(k, "CRM_meta_"); ok {
			wa.Meta[m] = v
		} else if k != "crm_feature_set" {
			wa.Params[k] = v
		}
	}
	// A cancel names the interval of the operation it cancels.
	if a.Task == "cancel" {
		if iv, ok := a.Attrs["CRM_meta_interval"]; ok {
			ms, _ := strconv.ParseInt(iv, 10, 64)
			wa.IntervalMS = ms
		}
	}
	return wa
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

// handleAsDC answers a request that needs the DC; on another node it is
// forwarded there.
func (n *Node) handleAsDC(ctx context.Context, req *protocol.Request) *protocol.Response {
	n.mu.Lock()
	dc, ready, leaderless := n.dc, n.dcReady, n.leaderless
	n.mu.Unlock()
	// A request forwarded to a DC just elected, which is taking over
	// (catching up with the log, collecting the members' histories), waits
	// for it rather than being refused; a local client is told to retry.
	for deadline := time.Now().Add(5 * time.Second); req.Via != "" && dc == n.name && !ready && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(20 * time.Millisecond)
		n.mu.Lock()
		dc, ready, leaderless = n.dc, n.dcReady, n.leaderless
		n.mu.Unlock()
	}
	if dc != n.name || !ready {
		if dc == "" && !leaderless.IsZero() && time.Since(leaderless) > 2*n.cfg.Consensus.ElectionTimeout.Duration {
			return errResp(protocol.CodeNoQuorum, "this partition has no quorum (no DC for %s): changes and fencing are refused",
				time.Since(leaderless).Round(time.Second))
		}
		if dc == "" || dc == n.name {
			return errResp(protocol.CodeUnavailable, "no DC is ready yet (election in progress); retry")
		}
		timeout := 30 * time.Second
		if req.TimeoutMS > 0 {
			timeout = time.Duration(req.TimeoutMS)*time.Millisecond + 2*time.Second
		}
		asked := time.Now()
		r, err := n.rpc(ctx, dc, &wireMsg{T: msgRequest, Req: req, User: req.User}, timeout)
		if err != nil && req.Op == protocol.OpFence && req.Node == dc {
			// Fencing the DC: it handed over and the new DC fenced it,
			// so its answer cannot come; the shared history tells.
			if e, ok := n.awaitFenced(ctx, req.Node, asked, 10*time.Second); ok {
				v := e.View()
				return &protocol.Response{Fencing: &v}
			}
		}
		if err != nil {
			return errResp(protocol.CodeUnavailable, "forwarding to the DC %s: %v", dc, err)
		}
		if r.Resp != nil && r.Resp.Error == nil && r.Resp.CIBVersion != "" {
			// Read your writes: answer once this node's copy has the change,
			// so a client reading back through this node sees it.
			if v, err := cib.ParseVersion(r.Resp.CIBVersion); err == nil {
				n.waitVersion(ctx, v, 2*time.Second)
			}
		}
		return r.Resp
	}
	switch req.Op {
	case protocol.OpReplaceConfiguration, protocol.OpReplaceCIB, protocol.OpSetNodeAttr,
		protocol.OpDeleteNodeAttr, protocol.OpCleanup, protocol.OpRemoveNode:
		n.mu.Lock()
		was := n.ver
		n.mu.Unlock()
		v, err := n.dcWrite(req)
		if err != nil {
			var pe *protocol.Error
			if errors.As(err, &pe) {
				return &protocol.Response{Error: pe}
			}
			return errResp(protocol.CodeInternal, "%v", err)
		}
		// Transient attributes are attrd's in Pacemaker, which alerts on
		// each change; permanent ones are plain CIB writes.
		if v != was && req.Lifetime != protocol.LifetimeForever {
			switch req.Op {
			case protocol.OpSetNodeAttr:
				n.alertAttribute(req.Node, req.Name, req.Value)
			case protocol.OpDeleteNodeAttr:
				n.alertAttribute(req.Node, req.Name, "")
			}
		}
		return &protocol.Response{CIBVersion: v.String()}
	case protocol.OpFence:
		if r := n.needFullWrite(req); r != nil {
			return r
		}
		if req.Node == n.name && req.Action != "on" {
			// A DC fencing itself would not live to record it: it hands
			// the DC role over and the new DC fences it.
			tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := n.clog.TransferLeadership(tctx)
			cancel()
			if err != nil {
				return errResp(protocol.CodeUnavailable, "fencing the DC %s: handing the DC role over: %v", n.name, err)
			}
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				n.mu.Lock()
				dc := n.dc
				n.mu.Unlock()
				if dc != "" && dc != n.name {
					return n.handleAsDC(ctx, req)
				}
			}
			return errResp(protocol.CodeUnavailable, "fencing the DC %s: no new DC took over", n.name)
		}
		// An empty action is the cluster's fencing-action: the fencer
		// resolves it from the CIB.
		action := req.Action
		fctx, cancel := context.WithTimeout(ctx, reqTimeout(req, 120*time.Second))
		defer cancel()
		// This node coordinates the request, so it is the history's
		// origin; the requester names who asked and where.
		err := n.fence(fctx, req.Node, action, requester(req))
		n.mu.Lock()
		v := n.lastFence.View()
		rec := &v
		n.mu.Unlock()
		n.triggerController("fencing")
		if err != nil {
			return &protocol.Response{Fencing: rec, Error: protocol.Errorf(protocol.CodeFailed, "fencing %s: %v", req.Node, err)}
		}
		return &protocol.Response{Fencing: rec}
	case protocol.OpFenceHistory:
		return &protocol.Response{FenceHistory: n.fenceHistory()}
	case protocol.OpWaitIdle:
		n.mu.Lock()
		c := n.ctrl
		n.mu.Unlock()
		if c == nil {
			return errResp(protocol.CodeUnavailable, "the DC's controller is not running")
		}
		t := time.NewTimer(reqTimeout(req, 10*time.Minute))
		defer t.Stop()
		select {
		case <-c.Idle():
			return &protocol.Response{}
		case <-t.C:
			return errResp(protocol.CodeTimeout, "the cluster did not settle in time")
		case <-ctx.Done():
			return errResp(protocol.CodeTimeout, "cancelled")
		}
	}
	return errResp(protocol.CodeBadRequest, "unknown operation %q", req.Op)
}

// awaitFenced waits for the fencing history to show node fenced since t.
func (n *Node) awaitFenced(ctx context.Context, node string, t time.Time, d time.Duration) (stonith.Entry, bool) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(50 * time.Millisecond) {
		if e, ok := n.fsvc.Fenced(node, t); ok {
			return e, true
		}
	}
	return stonith.Entry{}, false
}

// waitVersion waits until this node's CIB is at least v (or the time is up).
func (n *Node) waitVersion(ctx context.Context, v cib.Version, d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		n.mu.Lock()
		have := n.ver
		n.mu.Unlock()
		if have.Compare(v) >= 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func reqTimeout(req *protocol.Request, def time.Duration) time.Duration {
	if req.TimeoutMS > 0 {
		return time.Duration(req.TimeoutMS) * time.Millisecond
	}
	return def
}

func errResp(code, format string, args ...any) *protocol.Response {
	return &protocol.Response{Error: protocol.Errorf(code, format, args...)}
}

// dcWrite applies a client's change on the DC.
func (n *Node) dcWrite(req *protocol.Request) (cib.Version, error) {
	return n.commit(req.Client, req.User, func(doc *xmltree.Document) (bool, bool, error) {
		cur, _ := cib.ReadVersion(doc.Root)
		isConfig := req.Op == protocol.OpReplaceConfiguration || req.Op == protocol.OpReplaceCIB || req.Op == protocol.OpRemoveNode ||
			(req.Op == protocol.OpSetNodeAttr || req.Op == protocol.OpDeleteNodeAttr) && req.Lifetime == protocol.LifetimeForever
		if isConfig && !req.Force {
			if !n.quorate { // n.mu is held by commit
				return false, false, &protocol.Error{Code: protocol.CodeNoQuorum,
					Message: "this partition does not have quorum: configuration changes are refused (force to override)"}
			}
		}
		if req.Base != "" {
			base, err := cib.ParseVersion(req.Base)
			if err != nil {
				return false, false, &protocol.Error{Code: protocol.CodeBadRequest, Message: err.Error()}
			}
			if base.AdminEpoch != cur.AdminEpoch || base.Epoch != cur.Epoch {
				return false, false, &protocol.Error{Code: protocol.CodeStale, Current: cur.String(),
					Message: fmt.Sprintf("the configuration changed since version %s (now %s): re-read and retry", base, cur)}
			}
		}
		p := policy(doc.Root, req)
		if p == nil {
			return n.applyWrite(doc, req, cur)
		}
		if req.Op == protocol.OpReplaceCIB {
			if r := needFullWriteOf(doc.Root, req); r != nil {
				return false, false, r.Error
			}
			return n.applyWrite(doc, req, cur)
		}
		if req.Op == protocol.OpReplaceConfiguration {
			// The client wrote back what it could read: what was hidden
			// from it is kept, not taken for removed.
			el, err := xmltree.ParseElement(req.XML)
			if err != nil {
				return false, false, &protocol.Error{Code: protocol.CodeInvalid, Message: "configuration: " + err.Error()}
			}
			if cur := doc.Root.Child("configuration"); cur != nil && el.Name == "configuration" {
				p.RestoreHidden(doc.Root, cur, el)
			}
			r := *req
			r.XML = el.String()
			req = &r
		}
		// Under ACLs the change is made, compared with what was there,
		// and taken back if it touches anything the user may not write.
		before := doc.Root.Clone()
		changed, config, err := n.applyWrite(doc, req, cur)
		if err != nil || !changed {
			doc.Root = before
			return changed, config, err
		}
		if err := p.CheckWrite(before, doc.Root); err != nil {
			doc.Root = before
			n.log.Warn("write refused by ACLs", "user", req.User, "op", req.Op, "err", err)
			return false, false, &protocol.Error{Code: protocol.CodeDenied, Message: err.Error()}
		}
		return changed, config, nil
	})
}

// applyWrite makes the change req asks for in doc (n.mu held).
func (n *Node) applyWrite(doc *xmltree.Document, req *protocol.Request, cur cib.Version) (bool, bool, error) {
	switch req.Op {
	case protocol.OpReplaceConfiguration:
		el, err := xmltree.ParseElement(req.XML)
		if err != nil {
			return false, false, &protocol.Error{Code: protocol.CodeInvalid, Message: "configuration: " + err.Error()}
		}
		if err := cibedit.ReplaceConfiguration(doc, el); err != nil {
			return false, false, &protocol.Error{Code: protocol.CodeInvalid, Message: err.Error()}
		}
		n.ensureNodes(doc)
		return true, true, nil
	case protocol.OpReplaceCIB:
		nd, err := xmltree.ParseString(req.XML)
		if err != nil {
			return false, false, &protocol.Error{Code: protocol.CodeInvalid, Message: "cib: " + err.Error()}
		}
		nv, err := cib.ReadVersion(nd.Root)
		if err != nil || nd.Root.Name != "cib" {
			return false, false, &protocol.Error{Code: protocol.CodeInvalid, Message: "cib: want a <cib> with valid versions"}
		}
		if !nv.Newer(cur) {
			return false, false, &protocol.Error{Code: protocol.CodeStale, Current: cur.String(),
				Message: fmt.Sprintf("replacement CIB version %s is not newer than %s", nv, cur)}
		}
		if err := cibedit.ReplaceConfiguration(doc, nd.Root.Child("configuration")); err != nil {
			return false, false, &protocol.Error{Code: protocol.CodeInvalid, Message: err.Error()}
		}
		// Keep the newer version: the bump goes on from it.
		nv.Epoch--
		cib.WriteVersion(doc.Root, nv)
		return true, true, nil
	case protocol.OpRemoveNode:
		if req.Node == "" {
			return false, false, &protocol.Error{Code: protocol.CodeBadRequest, Message: "remove_node: node is required"}
		}
		if slices.Contains(n.members, req.Node) { // n.mu is held by commit
			return false, false, &protocol.Error{Code: protocol.CodeInvalid,
				Message: "node " + req.Node + " is a member of the cluster: stop pacerd there first"}
		}
		if !cibedit.RemoveNode(doc, req.Node) {
			return false, false, &protocol.Error{Code: protocol.CodeNotFound, Message: "no node named " + req.Node}
		}
		return true, true, nil
	case protocol.OpSetNodeAttr, protocol.OpDeleteNodeAttr:
		if req.Node == "" || req.Name == "" {
			return false, false, &protocol.Error{Code: protocol.CodeBadRequest, Message: "node attribute: node and name are required"}
		}
		forever := req.Lifetime == protocol.LifetimeForever
		if !forever && req.Lifetime != "" && req.Lifetime != protocol.LifetimeReboot {
			return false, false, &protocol.Error{Code: protocol.CodeBadRequest, Message: "lifetime must be reboot or forever"}
		}
		if cibedit.NodeID(doc, req.Node) == "" && cibedit.NodeState(doc, req.Node, false) == nil {
			return false, false, &protocol.Error{Code: protocol.CodeNotFound, Message: "no node named " + req.Node}
		}
		var ch bool
		var err error
		if req.Op == protocol.OpSetNodeAttr {
			ch, err = cibedit.SetNodeAttr(doc, req.Node, req.Name, req.Value, forever)
		} else {
			ch, err = cibedit.DeleteNodeAttrs(doc, req.Node, forever, func(s string) bool { return s == req.Name })
		}
		if err != nil {
			return false, false, &protocol.Error{Code: protocol.CodeNotFound, Message: err.Error()}
		}
		if ch && !forever {
			go n.triggerController("node attribute")
		}
		return ch, forever, nil
	case protocol.OpCleanup:
		ch := cibedit.Cleanup(doc, req.Resource, req.Node)
		if ch {
			go n.triggerController("cleanup")
		}
		return ch, false, nil
	}
	return false, false, &protocol.Error{Code: protocol.CodeBadRequest, Message: "not a write: " + req.Op}
}
