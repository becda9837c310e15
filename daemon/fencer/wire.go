package fencer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"pacer/stonith"
)

// Message is what fencers send each other through a Transport: a request
// to answer, or history entries to merge.
type Message struct {
	Peer    *PeerRequest    `json:"peer,omitempty"`
	History []stonith.Entry `json:"history,omitempty"`
}

// maxMessage bounds a payload HandleMessage accepts (a full history of
// MaxHistory entries is well under it).
const maxMessage = 8 << 20

// Transport is the least a daemon can provide instead of implementing
// Peers: the membership, a request with a reply to one node, and a one-way
// send. Payloads are opaque bytes made and read by this package; the
// receiving daemon hands them to Service.HandleMessage.
type Transport interface {
	// Members lists the online members, this node included.
	Members() []string
	// Request delivers payload to node's HandleMessage and returns its
	// reply; it must honour ctx and allow calls as long as a fence agent
	// run.
	Request(ctx context.Context, node string, payload []byte) ([]byte, error)
	// Send delivers payload to node's HandleMessage, no reply; best
	// effort.
	Send(node string, payload []byte)
}

// PeersOver builds Peers on a Transport; self is this node's name.
func PeersOver(t Transport, self string) Peers { return transportPeers{t, self} }

type transportPeers struct {
	t    Transport
	self string
}

func (p transportPeers) Members() []string { return p.t.Members() }

func (p transportPeers) Call(ctx context.Context, node string, req PeerRequest) (PeerReply, error) {
	data, err := json.Marshal(Message{Peer: &req})
	if err != nil {
		return PeerReply{}, err
	}
	out, err := p.t.Request(ctx, node, data)
	if err != nil {
		return PeerReply{}, err
	}
	var rep PeerReply
	if err := json.Unmarshal(out, &rep); err != nil {
		return PeerReply{}, fmt.Errorf("reply from %s's fencer: %w", node, err)
	}
	return rep, nil
}

func (p transportPeers) Broadcast(entries []stonith.Entry) {
	data, err := json.Marshal(Message{History: entries})
	if err != nil {
		return
	}
	for _, n := range p.t.Members() {
		if n != p.self {
			p.t.Send(n, data)
		}
	}
}

// HandleMessage answers a payload from another node's PeersOver: a peer
// request gets a reply payload, history is merged (reply nil). A malformed
// payload is an error; the service is unaffected.
func (s *Service) HandleMessage(ctx context.Context, payload []byte) ([]byte, error) {
	if len(payload) > maxMessage {
		return nil, fmt.Errorf("fencer message of %d bytes is too large", len(payload))
	}
	var m Message
	if err := json.Unmarshal(payload, &m); err != nil {
		return nil, fmt.Errorf("fencer message: %w", err)
	}
	switch {
	case m.Peer != nil:
		return json.Marshal(s.HandlePeer(ctx, *m.Peer))
	case m.History != nil:
		return nil, s.MergeHistory(m.History)
	}
	return nil, errors.New("fencer message: neither a request nor history")
}
