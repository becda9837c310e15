package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"pacer/daemon/cibedit"
	"pacer/daemon/fencer"
	"pacer/share/clusterview"
	"pacer/share/protocol"
	"pacer/share/xmltree"
	"pacer/stonith"
)

// startFencer creates this node's fencing service (daemon/fencer: devices,
// topology, history shared with the peers).
func (n *Node) startFencer() error {
	svc, err := fencer.New(fencer.Config{
		Node:     n.name,
		StateDir: n.cfg.StateDir,
		CIB:      func() *xmltree.Element { return n.CIB().Root },
		Peers:    fencer.PeersOver(fencerTransport{n}, n.name),
		LRM:      n.lrm,
		Log:      n.log,
		OnChange: n.fencingChanged,
		OnSelfFenced: func(reaction string, e stonith.Entry) {
			n.log.Error("this node was fenced while running; stopping", "reaction", reaction, "by", e.Origin)
			os.Exit(100)
		},
	})
	if svc == nil {
		return fmt.Errorf("fencer: %w", err)
	}
	if err != nil {
		n.log.Error("fencing history was corrupt; peers will fill it in", "err", err)
	}
	n.fsvc = svc
	return nil
}

// fencingChanged turns history entries into events and, on the DC, a
// confirmed fencing into the node's status (down, nothing running).
func (n *Node) fencingChanged(e stonith.Entry) {
	v := e.View()
	msg := fmt.Sprintf("fencing %s (%s) by %s: %s", e.Target, e.Action, e.Origin, v.Result)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	n.emit(clusterview.Event{Time: time.Now(), Kind: clusterview.EventFencing, Node: e.Target, Op: e.Action,
		Result: string(v.Result), OK: v.Result == clusterview.FencingSuccess, Message: msg})
	// Alert on news only: a node that joins (or restarts) is sent the
	// whole history, and what ended before it started is not news.
	if e.State != stonith.StatePending && e.Completed.After(n.started) {
		n.alertFencing(e)
	}
	if e.State != stonith.StateSuccess || e.Action == "on" {
		return
	}
	n.mu.Lock()
	isDC := n.dc == n.name && n.dcReady
	n.mu.Unlock()
	if isDC {
		n.commitStatus("fenced", func(doc *xmltree.Document) bool {
			cibedit.Fenced(doc, e.Target)
			return true
		})
		n.triggerController("fencing confirmed")
	}
}

// fencerTransport carries the fencers' messages over the cluster channel.
type fencerTransport struct{ n *Node }

func (t fencerTransport) Members() []string { return t.n.currentMembers() }

func (t fencerTransport) Request(ctx context.Context, node string, payload []byte) ([]byte, error) {
	timeout := 5 * time.Minute
	if d, ok := ctx.Deadline(); ok {
		timeout = time.Until(d)
	}
	r, err := t.n.rpc(ctx, node, &wireMsg{T: msgFencer, Payload: payload}, timeout)
	if err != nil {
		return nil, err
	}
	if r.Err != "" {
		return nil, errors.New(r.Err)
	}
	return r.Payload, nil
}

func (t fencerTransport) Send(node string, payload []byte) {
	if err := t.n.send(node, &wireMsg{T: msgFencerSend, Payload: payload}); err != nil {
		t.n.log.Debug("fencer message lost", "to", node, "err", err)
	}
}

// shareFencingHistory sends a (re)joined member this node's history.
func (n *Node) shareFencingHistory(member string) {
	if n.fsvc == nil {
		return
	}
	snap := n.fsvc.HistorySnapshot()
	if len(snap) == 0 {
		return // nothing to share (an empty message is not one the fencer takes)
	}
	b, err := json.Marshal(fencer.Message{History: snap})
	if err != nil {
		return
	}
	fencerTransport{n}.Send(member, b)
}

// fenceDevices answers fence_devices from this node's fencer: dynamic
// checks run the agents here.
func (n *Node) fenceDevices(ctx context.Context, req *protocol.Request) *protocol.Response {
	dctx, cancel := context.WithTimeout(ctx, reqTimeout(req, 2*time.Minute))
	defer cancel()
	infos, err := n.fsvc.Devices(dctx)
	if err != nil {
		return errResp(protocol.CodeUnavailable, "fencing devices: %v", err)
	}
	return &protocol.Response{FenceDevices: infos}
}

// requester names who asked, for the fencing history's client: the user
// from the peer credentials, the program, and the node the request came in
// on when that is not the one recording it ("root (pacer) via n2").
func requester(req *protocol.Request) string {
	who := req.User
	if who == "" {
		who = "unknown user"
	}
	if req.Client != "" {
		who += " (" + req.Client + ")"
	}
	if req.Via != "" {
		who += " via " + req.Via
	}
	return who
}

// fenceConfirm records an admin's word that a node is down (pacer node
// clearstate on a live cluster). The entry reaches every node's history;
// the DC's OnChange (fencingChanged) marks the node fenced and runs the
// controller, wherever the confirmation was made.
func (n *Node) fenceConfirm(req *protocol.Request) *protocol.Response {
	if req.Node == "" {
		return errResp(protocol.CodeBadRequest, "fence_confirm: no node given")
	}
	if !n.knownNode(req.Node) {
		return errResp(protocol.CodeNotFound, "fence_confirm: no node named %s in the cluster", req.Node)
	}
	e, err := n.fsvc.ConfirmManual(req.Node, requester(req))
	if err != nil {
		return errResp(protocol.CodeInvalid, "manual fencing confirmation refused: %s", strings.TrimPrefix(err.Error(), "confirm: "))
	}
	v := e.View()
	return &protocol.Response{Fencing: &v}
}

// knownNode says whether name is a node of the cluster: configured in
// pacer.conf or in the CIB's nodes or status section.
func (n *Node) knownNode(name string) bool {
	if len(n.cfg.Nodes) > 0 && n.cfg.Node(name) != nil {
		return true
	}
	doc := n.CIB()
	return cibedit.NodeID(doc, name) != "" || cibedit.NodeState(doc, name, false) != nil
}
