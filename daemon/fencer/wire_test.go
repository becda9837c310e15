package fencer

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"pacer/share/xmltree"
	"pacer/stonith"
)

// byteNet carries payloads between services in-process, like the daemon's
// transport would; only bytes cross it.
type byteNet struct {
	mu   sync.Mutex
	svcs map[string]*Service
}

func (b *byteNet) Members() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, n := range []string{"node1", "node2"} {
		if b.svcs[n] != nil {
			out = append(out, n)
		}
	}
	return out
}

func (b *byteNet) Request(ctx context.Context, node string, payload []byte) ([]byte, error) {
	b.mu.Lock()
	s := b.svcs[node]
	b.mu.Unlock()
	if s == nil {
		return nil, fmt.Errorf("%s unreachable", node)
	}
	return s.HandleMessage(ctx, append([]byte(nil), payload...))
}

func (b *byteNet) Send(node string, payload []byte) {
	b.Request(context.Background(), node, payload)
}

func TestTransportCarriesDelegationAndHistory(t *testing.T) {
	sw := t.TempDir()
	doc, err := xmltree.ParseString(cibWith(dev("pdu", "fence_pacertest", "state_dir", sw, "hosts", "node3"),
		`<rsc_location id="b" rsc="pdu" node="node1" score="-INFINITY"/>`, ""))
	if err != nil {
		t.Fatal(err)
	}
	net := &byteNet{svcs: map[string]*Service{}}
	for _, n := range []string{"node1", "node2"} {
		s, err := New(Config{Node: n, CIB: func() *xmltree.Element { return doc.Root }, Peers: PeersOver(net, n),
			Runner: stonith.ExecRunner{Dirs: agentDirs(t)}, Log: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		net.svcs[n] = s
	}
	r := net.svcs["node1"].Fence(ctx(t), "node3", "off", "", "test")
	if !r.OK || r.Delegate != "node2" {
		t.Fatalf("%+v", r)
	}
	if h := net.svcs["node2"].History("node3"); len(h) != 1 || h[0].State != stonith.StateSuccess {
		t.Fatalf("node2 history %+v", h)
	}
	for _, bad := range []string{"", "{", `{}`, `{"history":"x"}`} {
		if _, err := net.svcs["node2"].HandleMessage(ctx(t), []byte(bad)); err == nil || !strings.Contains(err.Error(), "fencer message") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

// FuzzHandleMessage: whatever bytes arrive from the network, the service
// answers with an error or a reply, never a panic.
func FuzzHandleMessage(f *testing.F) {
	f.Add([]byte(`{"peer":{"kind":"can-fence","request":{"device":"pdu","target":"node3"}}}`))
	f.Add([]byte(`{"history":[{"id":"a","target":"b","state":"success"}]}`))
	f.Add([]byte(`{"peer":{"kind":"execute","request":{"device":"nope"}}}`))
	doc, _ := xmltree.ParseString(cibWith(dev("pdu", "fence_pacertest", "state_dir", "/nonexistent", "pcmk_host_check", "static-list", "pcmk_host_list", "node3"), "", ""))
	s, err := New(Config{Node: "node1", CIB: func() *xmltree.Element { return doc.Root }, Log: quiet(),
		Runner: stonith.ExecRunner{Dirs: []string{"/nonexistent"}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// A request may ask for a delay; the context bounds it.
		c, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		s.HandleMessage(c, data)
	})
}
