package consensus

import (
	"crypto/rand"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// kv is a state machine that keeps the entries it was given, in order.
type kv struct {
	mu      sync.Mutex
	entries []string
}

func (k *kv) Apply(l *raft.Log) any {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries = append(k.entries, string(l.Data))
	return len(k.entries)
}
func (k *kv) Snapshot() (raft.FSMSnapshot, error) {
	return kvSnap(strings.Join(k.list(), "\n")), nil
}
func (k *kv) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries = nil
	if len(b) > 0 {
		k.entries = strings.Split(string(b), "\n")
	}
	return nil
}

type kvSnap string

func (s kvSnap) Persist(sink raft.SnapshotSink) error {
	if _, err := sink.Write([]byte(s)); err != nil {
		sink.Cancel()
		return err
	}
	return sink.Close()
}
func (s kvSnap) Release() {}
func (k *kv) list() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.entries)
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

type node struct {
	log *Log
	fsm *kv
}

func startNodes(t *testing.T, keys [][]byte) []*node {
	var voters []Server
	for i := range keys {
		voters = append(voters, Server{Name: "n" + strconv.Itoa(i+1), Addr: Addr("127.0.0.1", freePort(t))})
	}
	var out []*node
	for i, v := range voters {
		f := &kv{}
		l, err := Start(Options{Name: v.Name, Reset: func() { f.Restore(io.NopCloser(strings.NewReader(""))) }, Dir: t.TempDir(), Bind: v.Addr, Advertise: v.Addr, Key: keys[i],
			Voters: voters, FSM: f, ElectionTimeout: 300 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(l.Shutdown)
		out = append(out, &node{l, f})
	}
	return out
}

func leaderOf(t *testing.T, nodes []*node, d time.Duration) *node {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for _, n := range nodes {
			if n.log.IsLeader() {
				return n
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no leader elected")
	return nil
}

// A change is applied everywhere once committed; a leader cut off from its
// majority steps down within the election timeout and commits nothing.
func TestCommitNeedsAMajorityAndAnIsolatedLeaderStepsDown(t *testing.T) {
	key := make([]byte, 32)
	rand.Read(key)
	nodes := startNodes(t, [][]byte{key, key, key})
	l := leaderOf(t, nodes, 10*time.Second)
	if _, err := l.log.Apply([]byte("one"), time.Second); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		deadline := time.Now().Add(5 * time.Second)
		for !slices.Equal(n.fsm.list(), []string{"one"}) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if got := n.fsm.list(); !slices.Equal(got, []string{"one"}) {
			t.Fatalf("%s applied %v", n.log.name, got)
		}
	}
	// Cut the leader off: stop the two others.
	for _, n := range nodes {
		if n != l {
			n.log.Shutdown()
		}
	}
	start := time.Now()
	_, err := l.log.Apply([]byte("two"), time.Second)
	if !errors.Is(err, ErrNotLeader) {
		t.Fatalf("apply without a majority: %v, want ErrNotLeader", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the isolated leader took %s to refuse", took)
	}
	if l.log.IsLeader() {
		t.Fatal("the isolated leader still leads")
	}
	if got := l.fsm.list(); !slices.Equal(got, []string{"one"}) {
		t.Fatalf("the isolated leader applied %v", got)
	}
}

// A node with another key cannot take part: the two with the key elect a
// leader and commit, the third never applies anything.
func TestOnlyHoldersOfTheClusterKeyTakePart(t *testing.T) {
	key, bad := make([]byte, 32), make([]byte, 32)
	rand.Read(key)
	rand.Read(bad)
	nodes := startNodes(t, [][]byte{key, key, bad})
	l := leaderOf(t, nodes[:2], 10*time.Second)
	if _, err := l.log.Apply([]byte("x"), time.Second); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if got := nodes[2].fsm.list(); len(got) != 0 {
		t.Fatalf("the node without the key applied %v", got)
	}
	if nodes[2].log.IsLeader() {
		t.Fatal("the node without the key leads")
	}
}

// RecoverAlone: the survivor of a two-voter log carries on as its only voter
// and commits alone, keeping what was committed before.
func TestRecoverAloneCommitsWithoutThePeer(t *testing.T) {
	nodes := startNodes(t, [][]byte{nil, nil})
	l := leaderOf(t, nodes, 10*time.Second)
	if _, err := l.log.Apply([]byte("before"), time.Second); err != nil {
		t.Fatal(err)
	}
	var survivor *node
	for _, n := range nodes {
		if n != l {
			survivor = n
		}
	}
	l.log.Shutdown()
	if _, err := survivor.log.Apply([]byte("lost"), 500*time.Millisecond); err == nil {
		t.Fatal("a follower of two committed alone")
	}
	if err := survivor.log.RecoverAlone(); err != nil {
		t.Fatal(err)
	}
	leaderOf(t, []*node{survivor}, 10*time.Second)
	if _, err := survivor.log.Apply([]byte("after"), time.Second); err != nil {
		t.Fatal(err)
	}
	got := survivor.fsm.list()
	if !slices.Contains(got, "before") || got[len(got)-1] != "after" {
		t.Fatalf("survivor applied %v", got)
	}
	if v := survivor.log.Voters(); !slices.Equal(v, []string{survivor.log.name}) {
		t.Fatalf("voters %v", v)
	}
}
