package daemon

import (
	"context"
	"strconv"
	"sync"
	"time"

	"pacer/daemon/cibedit"
	"pacer/share/cib"
	"pacer/share/clusterview"
	"pacer/share/protocol"
	"pacer/share/version"
	"pacer/share/xmltree"
)

// Handle answers one socket request (server.Handler).
func (n *Node) Handle(ctx context.Context, req *protocol.Request) *protocol.Response {
	switch req.Op {
	case "":
		return errResp(protocol.CodeBadRequest, "request without op")
	case protocol.OpHello:
		n.mu.Lock()
		defer n.mu.Unlock()
		return &protocol.Response{Hello: &protocol.Hello{Protocol: protocol.Version, Version: version.String("pacerd"),
			Node: n.name, ClusterName: n.cfg.ClusterName, DC: n.dc, HaveQuorum: n.quorate}}
	case protocol.OpGetCIB:
		n.mu.Lock()
		defer n.mu.Unlock()
		doc := readable(n.doc, policy(n.doc.Root, req))
		sec := cibedit.Section(doc, req.Section)
		if sec == nil {
			return errResp(protocol.CodeNotFound, "the CIB has no section %q", req.Section)
		}
		var xml string
		if sec == doc.Root {
			xml = string(doc.Bytes(xmltree.WriteOptions{NoDecl: true}))
		} else {
			xml = sec.String()
		}
		return &protocol.Response{XML: xml, CIBVersion: n.ver.String()}
	case protocol.OpStatus:
		s, err := n.status(req)
		if err != nil {
			return errResp(protocol.CodeInternal, "status: %v", err)
		}
		return &protocol.Response{Status: s}
	case protocol.OpMembers:
		return &protocol.Response{Members: n.memberList()}
	case protocol.OpLRMExec:
		if r := n.needFullWrite(req); r != nil {
			return r
		}
		if req.Node == "" || req.Node == n.name {
			res, err := n.lrmExecLocal(req.LRM)
			if err != nil {
				return errResp(protocol.CodeBadRequest, "%v", err)
			}
			return &protocol.Response{LRMResult: res}
		}
		r, err := n.rpc(ctx, req.Node, &wireMsg{T: msgLRMExec, LRMReq: req.LRM}, reqTimeout(req, 5*time.Minute))
		if err != nil {
			return errResp(protocol.CodeUnavailable, "%v", err)
		}
		if r.LRMRes == nil {
			return errResp(protocol.CodeFailed, "%s", r.Err)
		}
		return &protocol.Response{LRMResult: r.LRMRes}
	case protocol.OpFenceDevices:
		return n.fenceDevices(ctx, req)
	case protocol.OpFenceConfirm:
		if r := n.needFullWrite(req); r != nil {
			return r
		}
		return n.fenceConfirm(req)
	}
	return n.handleAsDC(ctx, req)
}

func (n *Node) memberList() []protocol.Member {
	alive := map[string]string{}
	for _, m := range n.mem.Members() {
		alive[m.Name] = m.Addr
	}
	n.mu.Lock()
	dc := n.dc
	n.mu.Unlock()
	var out []protocol.Member
	add := func(name, id string) {
		a, ok := alive[name]
		out = append(out, protocol.Member{Name: name, ID: id, Addr: a, Online: ok, DC: name == dc})
		delete(alive, name)
	}
	for _, nd := range n.cfg.Nodes {
		add(nd.Name, strconv.Itoa(nd.ID))
	}
	if len(n.cfg.Nodes) == 0 {
		for name := range alive {
			add(name, name)
		}
	}
	return out
}

// status builds the monitor's snapshot from this node's copy of the CIB.
// status is the cluster's state as the client of req may see it: under
// ACLs, computed from the part of the CIB it may read.
func (n *Node) status(req *protocol.Request) (*clusterview.Snapshot, error) {
	doc := n.CIB()
	doc = readable(doc, policy(doc.Root, req))
	s, err := n.view(doc, time.Now())
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	s.DC = n.dc
	s.HaveQuorum = n.quorate
	if n.dc == n.name {
		s.Transition = n.trans
	}
	s.Epoch = n.ver.String()
	if t, err := time.ParseInLocation("Mon Jan _2 15:04:05 2006", n.doc.Root.Attr("cib-last-written"), time.Local); err == nil {
		s.LastChange = t
	}
	s.LastChangeUser = n.doc.Root.Attr("update-user")
	s.LastChangeClient = n.doc.Root.Attr("update-client")
	s.LastChangeNode = n.doc.Root.Attr("update-origin")
	n.mu.Unlock()
	s.Fencing = n.fenceHistory()
	var unclean []string
	for _, nd := range s.Nodes {
		if nd.State == clusterview.NodeUnclean {
			unclean = append(unclean, nd.Name)
		}
	}
	for i := range s.Nodes {
		for _, p := range n.fsvc.Pending() {
			if p.Target == s.Nodes[i].Name {
				s.Nodes[i].BeingFenced = true
			}
		}
	}
	s.Warnings = append(s.Warnings, n.fsvc.Warnings(unclean)...)
	s.Stack = "pacer"
	s.Version = version.String("pacerd")
	s.DCVersion = s.Version
	s.Events = n.hub.recent()
	return s, nil
}

// Subscribe hands out a live event channel (server.Handler).
func (n *Node) Subscribe() (<-chan protocol.Event, func()) { return n.hub.subscribe() }

// emit publishes an event locally; v, when given, is the CIB version.
func (n *Node) emit(ev clusterview.Event, v ...cib.Version) {
	pe := protocol.Event{Event: ev}
	if len(v) > 0 {
		pe.CIBVersion = v[0].String()
	}
	n.hub.publish(pe)
}

// emitAction publishes an action event here and on every member, so that
// subscribers anywhere see what the DC does.
func (n *Node) emitAction(ev clusterview.Event, tid, aid int) {
	pe := protocol.Event{Event: ev, Transition: tid, ActionID: aid}
	n.hub.publish(pe)
	n.mu.Lock()
	members := append([]string(nil), n.members...)
	n.mu.Unlock()
	for _, m := range members {
		if m != n.name {
			go n.send(m, &wireMsg{T: msgEvent, Event: &pe})
		}
	}
}

// hub fans events out to subscribers and keeps the recent ones.
type hub struct {
	mu   sync.Mutex
	seq  uint64
	subs map[chan protocol.Event]bool
	ring []clusterview.Event
}

func newHub() *hub { return &hub{subs: map[chan protocol.Event]bool{}} }

func (h *hub) publish(ev protocol.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	ev.Seq = h.seq
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	h.ring = append(h.ring, ev.Event)
	if len(h.ring) > clusterview.MaxEvents {
		h.ring = h.ring[len(h.ring)-clusterview.MaxEvents:]
	}
	for ch := range h.subs {
		select {
		case ch <- ev:
		default: // a slow subscriber loses events (seq shows the gap)
		}
	}
}

func (h *hub) subscribe() (<-chan protocol.Event, func()) {
	ch := make(chan protocol.Event, 1024)
	h.mu.Lock()
	h.subs[ch] = true
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

func (h *hub) recent() []clusterview.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]clusterview.Event(nil), h.ring...)
}
