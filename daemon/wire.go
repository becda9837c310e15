package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"pacer/daemon/cibedit"
	"pacer/share/protocol"
)

// Message kinds between nodes (over memberlist's encrypted reliable channel).
const (
	msgSync       = "sync"        // DC -> member: send me your CIB and your LRM history
	msgRequest    = "request"     // member -> DC: a client request only the DC can answer
	msgExec       = "exec"        // DC -> node: run a graph action
	msgOpResult   = "opresult"    // node -> DC: a recurring operation's result changed
	msgEvent      = "event"       // DC -> member: an event for local subscribers
	msgLRMExec    = "lrmexec"     // any -> node: a direct agent action (lrm_exec)
	msgShutdown   = "shutdown"    // node -> DC: I am leaving cleanly
	msgFencer     = "fencer"      // a fencer request with a reply (daemon/fencer)
	msgFencerSend = "fencer-send" // a fencer message without reply (history)
	msgReply      = "reply"
)

// wireMsg is the envelope of every message between nodes.
type wireMsg struct {
	T    string `json:"t"`
	From string `json:"from"`
	Seq  uint64 `json:"seq,omitempty"`
	Err  string `json:"err,omitempty"`

	CIB     string            `json:"cib,omitempty"`
	Version string            `json:"ver,omitempty"`
	LRM     string            `json:"lrm,omitempty"`
	Req     *protocol.Request `json:"req,omitempty"`
	// User travels with a forwarded Req: the forwarding node read it from
	// its client's peer credentials, and members are trusted (the gossip
	// is authenticated by the cluster key). Request.User itself is never
	// read off a socket.
	User    string               `json:"user,omitempty"`
	Resp    *protocol.Response   `json:"resp,omitempty"`
	Action  *wireAction          `json:"action,omitempty"`
	Record  *cibedit.OpRecord    `json:"record,omitempty"`
	Event   *protocol.Event      `json:"event,omitempty"`
	LRMReq  *protocol.LRMRequest `json:"lrmreq,omitempty"`
	LRMRes  *protocol.LRMResult  `json:"lrmres,omitempty"`
	Payload []byte               `json:"payload,omitempty"`
}

// wireAction is one rsc_op for a node's LRM.
type wireAction struct {
	Resource      string            `json:"rsc"`
	Class         string            `json:"class"`
	Provider      string            `json:"provider,omitempty"`
	Type          string            `json:"type"`
	Task          string            `json:"task"`
	IntervalMS    int64             `json:"interval_ms,omitempty"`
	TimeoutMS     int64             `json:"timeout_ms,omitempty"`
	Params        map[string]string `json:"params,omitempty"`
	Meta          map[string]string `json:"meta,omitempty"`
	TransitionKey string            `json:"tkey"`
	TargetRC      int               `json:"target_rc"`
}

func (n *Node) send(to string, m *wireMsg) error {
	m.From = n.name
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return n.mem.Send(to, b)
}

// rpc sends m to node and waits for its reply.
func (n *Node) rpc(ctx context.Context, to string, m *wireMsg, timeout time.Duration) (*wireMsg, error) {
	ch := make(chan *wireMsg, 1)
	n.rpcMu.Lock()
	n.rpcSeq++
	m.Seq = n.rpcSeq
	n.rpcWait[m.Seq] = ch
	n.rpcMu.Unlock()
	defer func() {
		n.rpcMu.Lock()
		delete(n.rpcWait, m.Seq)
		n.rpcMu.Unlock()
	}()
	gone := n.goneCh(to)
	if err := n.send(to, m); err != nil {
		return nil, fmt.Errorf("%s to %s: %w", m.T, to, err)
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		if r.Err != "" && r.Resp == nil {
			return r, fmt.Errorf("%s on %s: %s", m.T, to, r.Err)
		}
		return r, nil
	case <-t.C:
		return nil, fmt.Errorf("%s to %s: no answer within %s", m.T, to, timeout)
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-n.stopping:
		return nil, fmt.Errorf("%s to %s: pacerd is stopping", m.T, to)
	case <-gone:
		return nil, fmt.Errorf("%s to %s: the node left the cluster", m.T, to)
	}
}

func (n *Node) reply(to *wireMsg, r *wireMsg) {
	r.T = msgReply
	r.Seq = to.Seq
	if err := n.send(to.From, r); err != nil {
		n.log.Warn("reply lost", "to", to.From, "kind", to.T, "err", err)
	}
}

// onMessage runs on memberlist's goroutine: hand everything slow to another.
func (n *Node) onMessage(_ string, b []byte) {
	var m wireMsg
	if err := json.Unmarshal(b, &m); err != nil {
		n.log.Warn("undecodable message from a peer", "err", err)
		return
	}
	if m.T == msgReply {
		n.rpcMu.Lock()
		ch := n.rpcWait[m.Seq]
		n.rpcMu.Unlock()
		if ch != nil {
			ch <- &m
		}
		return
	}
	go n.handleMsg(&m)
}

func (n *Node) handleMsg(m *wireMsg) {
	<-n.memReady
	switch m.T {
	case msgSync:
		n.reply(m, &wireMsg{CIB: n.cibXML(), LRM: n.localLRM().String()})
	case msgRequest:
		if m.Req == nil {
			n.log.Warn("dropping a forwarded request without a body", "from", m.From)
			return
		}
		m.Req.User, m.Req.Via = m.User, m.From
		resp := n.handleAsDC(context.Background(), m.Req)
		n.reply(m, &wireMsg{Resp: resp})
	case msgExec:
		rec := n.execLocal(m.Action)
		n.mu.Lock()
		dc := n.dc
		n.mu.Unlock()
		if dc != "" && dc != m.From {
			// The DC that asked is gone: the result goes to its successor,
			// which reads it as news about the resource. (A node that has
			// not heard from the log's leader yet, just started, answers
			// whoever asked.)
			n.reportToDC(rec)
			return
		}
		n.reply(m, &wireMsg{Record: &rec})
	case msgOpResult:
		n.dcOpResult(m.From, *m.Record)
	case msgEvent:
		if m.Event != nil {
			n.hub.publish(*m.Event)
		}
	case msgLRMExec:
		res, err := n.lrmExecLocal(m.LRMReq)
		r := &wireMsg{LRMRes: res}
		if err != nil {
			r.Err = err.Error()
		}
		n.reply(m, r)
	case msgFencer, msgFencerSend:
		if n.fsvc == nil {
			n.reply(m, &wireMsg{Err: "no fencer on " + n.name})
			return
		}
		out, err := n.fsvc.HandleMessage(context.Background(), m.Payload)
		if m.T == msgFencerSend {
			if err != nil {
				n.log.Warn("fencer message from a peer", "from", m.From, "err", err)
			}
			return
		}
		r := &wireMsg{Payload: out}
		if err != nil {
			r.Err = err.Error()
		}
		n.reply(m, r)
	case msgShutdown:
		n.dcShutdown(m.From)
		n.reply(m, &wireMsg{})
	default:
		n.log.Warn("unknown message kind from a peer", "kind", m.T, "from", m.From)
	}
}
