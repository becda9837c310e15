// Package membership is who is in the cluster: memberlist gossip with the
// cluster key for discovery and fast failure detection, and point-to-point
// messages between nodes over memberlist's encrypted reliable channel. The
// DC and quorum are the replicated log's (daemon/consensus). Each member's
// metadata carries its process start time, so that a restart faster than
// failure detection is still seen as one.
package membership

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// Options configure a Membership.
type Options struct {
	Name          string
	BindAddr      string
	BindPort      int
	AdvertiseAddr string
	AdvertisePort int
	Key           []byte // 16, 24 or 32 bytes; nil disables encryption (tests only)
	Join          []string

	ProbeInterval  time.Duration
	ProbeTimeout   time.Duration
	SuspicionMult  int
	GossipInterval time.Duration

	// Started is this process's start time (default: now).
	Started time.Time
	Logger  *slog.Logger
	// OnMessage receives messages from other nodes (on memberlist's
	// goroutine: do not block).
	OnMessage func(from string, msg []byte)
	// OnChange is called after the member list changed.
	OnChange func()
}

// Member is one alive member.
type Member struct {
	Name    string
	Addr    string
	Started time.Time
}

// Membership is this node's view of the cluster.
type Membership struct {
	opts Options
	ml   *memberlist.Memberlist
	meta []byte
	log  *slog.Logger

	// alive mirrors memberlist's alive members, copied inside its event
	// callbacks: the *Node values it hands out are updated by its own
	// goroutines without a lock readers could take.
	mu    sync.Mutex
	alive map[string]peer
}

type peer struct {
	addr    net.IP
	port    uint16
	started time.Time
}

type nodeMeta struct {
	Started int64 `json:"s"`
}

// Start joins (or founds) the cluster. Join failures are not fatal: the
// node forms its own partition and merges when the others appear.
func Start(o Options) (*Membership, error) {
	if o.Started.IsZero() {
		o.Started = time.Now()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	m := &Membership{opts: o, log: o.Logger, alive: map[string]peer{}}
	m.meta, _ = json.Marshal(nodeMeta{Started: o.Started.UnixNano()})

	c := memberlist.DefaultLANConfig()
	c.Name = o.Name
	c.BindAddr = o.BindAddr
	c.BindPort = o.BindPort
	c.AdvertiseAddr = o.AdvertiseAddr
	c.AdvertisePort = o.AdvertisePort
	if c.AdvertisePort == 0 {
		c.AdvertisePort = o.BindPort
	}
	if o.Key != nil {
		c.SecretKey = o.Key
		c.GossipVerifyIncoming = true
		c.GossipVerifyOutgoing = true
	}
	if o.ProbeInterval > 0 {
		c.ProbeInterval = o.ProbeInterval
	}
	if o.ProbeTimeout > 0 {
		c.ProbeTimeout = o.ProbeTimeout
	}
	if o.SuspicionMult > 0 {
		c.SuspicionMult = o.SuspicionMult
	}
	if o.GossipInterval > 0 {
		c.GossipInterval = o.GossipInterval
	}
	c.SuspicionMaxTimeoutMult = 2
	c.PushPullInterval = 5 * time.Second
	c.TCPTimeout = 2 * time.Second
	c.DeadNodeReclaimTime = time.Second // a restarted node may come back at once
	c.Delegate = (*delegate)(m)
	c.Events = (*events)(m)
	c.Logger = log.New(&logWriter{m.log}, "", 0)
	ml, err := memberlist.Create(c)
	if err != nil {
		return nil, fmt.Errorf("membership on %s:%d: %w", o.BindAddr, o.BindPort, err)
	}
	m.ml = ml
	m.TryJoin()
	return m, nil
}

// TryJoin contacts the join list; memberlist keeps the others once one answers.
func (m *Membership) TryJoin() int {
	var peers []string
	self := net.JoinHostPort(m.opts.AdvertiseAddr, strconv.Itoa(m.opts.AdvertisePort))
	for _, p := range m.opts.Join {
		if p != self {
			peers = append(peers, p)
		}
	}
	if len(peers) == 0 {
		return 0
	}
	n, err := m.ml.Join(peers)
	if err != nil && n == 0 {
		m.log.Debug("join", "peers", peers, "err", err)
	}
	return n
}

// Name is this node's name.
func (m *Membership) Name() string { return m.opts.Name }

// Members returns the alive members of this partition, this node included,
// sorted by name.
func (m *Membership) Members() []Member {
	m.mu.Lock()
	out := make([]Member, 0, len(m.alive))
	for name, p := range m.alive {
		out = append(out, Member{Name: name, Addr: net.JoinHostPort(p.addr.String(), strconv.Itoa(int(p.port))), Started: p.started})
	}
	m.mu.Unlock()
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Send delivers msg to node over the encrypted reliable (TCP) channel.
func (m *Membership) Send(node string, msg []byte) error {
	m.mu.Lock()
	p, ok := m.alive[node]
	m.mu.Unlock()
	if !ok {
		return fmt.Errorf("send to %s: not a member", node)
	}
	return m.ml.SendReliable(&memberlist.Node{Name: node, Addr: p.addr, Port: p.port}, msg)
}

// Leave announces a graceful departure and stops gossip.
func (m *Membership) Leave(timeout time.Duration) {
	_ = m.ml.Leave(timeout)
	_ = m.ml.Shutdown()
}

// Shutdown stops gossip without announcing (as a crash would).
func (m *Membership) Shutdown() { _ = m.ml.Shutdown() }

type delegate Membership

func (d *delegate) NodeMeta(limit int) []byte { return d.meta }
func (d *delegate) NotifyMsg(b []byte) {
	if d.opts.OnMessage == nil || len(b) == 0 {
		return
	}
	// The sender's name travels in the message itself (see Frame).
	d.opts.OnMessage("", slices.Clone(b))
}
func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (d *delegate) LocalState(join bool) []byte                { return nil }
func (d *delegate) MergeRemoteState(buf []byte, join bool)     {}

type events Membership

func (e *events) changed() {
	if e.opts.OnChange != nil {
		go e.opts.OnChange()
	}
}

// record copies n (memberlist holds its lock while calling us).
func (e *events) record(n *memberlist.Node) {
	var md nodeMeta
	_ = json.Unmarshal(n.Meta, &md)
	e.mu.Lock()
	e.alive[n.Name] = peer{addr: slices.Clone(n.Addr), port: n.Port, started: time.Unix(0, md.Started)}
	e.mu.Unlock()
}

func (e *events) NotifyJoin(n *memberlist.Node) {
	e.record(n)
	e.log.Info("node joined", "node", n.Name, "addr", n.Address())
	e.changed()
}
func (e *events) NotifyLeave(n *memberlist.Node) {
	e.mu.Lock()
	delete(e.alive, n.Name)
	e.mu.Unlock()
	e.log.Info("node left", "node", n.Name)
	e.changed()
}
func (e *events) NotifyUpdate(n *memberlist.Node) {
	e.record(n)
	e.changed()
}

// logWriter turns memberlist's log lines into slog records.
type logWriter struct{ l *slog.Logger }

func (w *logWriter) Write(p []byte) (int, error) {
	s := strings.TrimSpace(string(p))
	switch {
	case strings.Contains(s, "[ERR]"):
		w.l.Error("memberlist", "msg", s)
	case strings.Contains(s, "[WARN]"):
		w.l.Warn("memberlist", "msg", s)
	default:
		w.l.Debug("memberlist", "msg", s)
	}
	return len(p), nil
}

var _ io.Writer = (*logWriter)(nil)
