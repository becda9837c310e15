// Package consensus is the cluster's replicated log: hashicorp/raft with its
// log and votes in a bolt database (raft-boltdb), over TLS authenticated by
// the cluster key. The node that leads the log is the DC; an entry is
// committed once a quorum of the voters holds it on disk, and only committed
// entries reach the state machine, in the same order on every node.
//
// The state machine is the caller's (pacerd's CIB): this package knows
// nothing of what the entries mean.
package consensus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
)

// Server is one voter: its node name and the address of its log.
type Server struct {
	Name string
	Addr string // host:port
}

// Options configure a Log.
type Options struct {
	Name      string
	Dir       string // the node's consensus state: raft.db, snapshots/
	Bind      string // host:port to listen on
	Advertise string // host:port the others reach this node at
	Key       []byte // the cluster key; nil: plain TCP (tests only)
	// Voters is the configured membership, used to bootstrap a log that
	// has no state yet (every node bootstraps with the same list).
	Voters []Server
	FSM    raft.FSM
	Logger *slog.Logger

	// ElectionTimeout bounds how long the others take to notice a lost
	// leader; the leader's lease (how long it goes on acting without
	// hearing from a quorum) is half of it, so an isolated DC steps down
	// before a new one can be elected. Default 1s.
	ElectionTimeout time.Duration
	// Reset empties the state machine before RecoverAlone rebuilds it from
	// the snapshot and the log.
	Reset func()
	// OnLeader is called (on its own goroutine) whenever the leader this
	// node knows of changes, "" when there is none.
	OnLeader func(leader string)
}

// ErrNotLeader: the entry was not accepted because this node does not lead
// the log (or lost the lead before a quorum had the entry).
var ErrNotLeader = errors.New("this node is not the DC: no quorum behind it")

// Log is this node's member of the replicated log.
type Log struct {
	rp    atomic.Pointer[raft.Raft] // replaced by RecoverAlone
	conf  *raft.Config
	fsm   raft.FSM
	reset func()
	logs  raft.LogStore
	snaps raft.SnapshotStore
	store *raftboltdb.BoltStore
	trans *raft.NetworkTransport
	recMu sync.Mutex
	name  string
	log   *slog.Logger
	obs   *raft.Observer
	obsCh chan raft.Observation
	done  chan struct{}
}

// Start opens (or creates) the node's log and joins the others.
func Start(o Options) (*Log, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ElectionTimeout <= 0 {
		o.ElectionTimeout = time.Second
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("consensus state %s: %w", o.Dir, err)
	}
	hl := hclog.New(&hclog.LoggerOptions{Name: "raft", Level: hclog.Info, Output: &logWriter{o.Logger}})

	store, err := raftboltdb.New(raftboltdb.Options{Path: filepath.Join(o.Dir, "raft.db")})
	if err != nil {
		return nil, fmt.Errorf("consensus log %s: %w", filepath.Join(o.Dir, "raft.db"), err)
	}
	logs, err := raft.NewLogCache(256, store)
	if err != nil {
		store.Close()
		return nil, err
	}
	snaps, err := raft.NewFileSnapshotStoreWithLogger(o.Dir, 2, hl.Named("snapshots"))
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("consensus snapshots in %s: %w", o.Dir, err)
	}
	stream, err := listen(o.Bind, o.Advertise, o.Key)
	if err != nil {
		store.Close()
		return nil, err
	}
	trans := raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream: stream, MaxPool: 3, Timeout: 2 * time.Second, Logger: hl.Named("net"),
	})

	c := raft.DefaultConfig()
	c.LocalID = raft.ServerID(o.Name)
	c.Logger = hl
	c.HeartbeatTimeout = o.ElectionTimeout
	c.ElectionTimeout = o.ElectionTimeout
	c.LeaderLeaseTimeout = o.ElectionTimeout / 2
	c.CommitTimeout = 5 * time.Millisecond
	// Each entry carries a whole CIB: snapshot often and keep few, so the
	// log stays small (a member further behind gets the snapshot).
	c.SnapshotThreshold = 256
	c.SnapshotInterval = 10 * time.Second
	c.TrailingLogs = 128
	c.NoLegacyTelemetry = true

	has, err := raft.HasExistingState(logs, store, snaps)
	if err != nil {
		trans.Close()
		store.Close()
		return nil, fmt.Errorf("consensus state %s: %w", o.Dir, err)
	}
	r, err := raft.NewRaft(c, o.FSM, logs, store, snaps, trans)
	if err != nil {
		trans.Close()
		store.Close()
		return nil, fmt.Errorf("consensus: %w", err)
	}
	l := &Log{conf: c, fsm: o.FSM, reset: o.Reset, logs: logs, snaps: snaps, store: store, trans: trans, name: o.Name, log: o.Logger, done: make(chan struct{})}
	l.rp.Store(r)
	if !has {
		var conf raft.Configuration
		for _, s := range o.Voters {
			conf.Servers = append(conf.Servers, raft.Server{Suffrage: raft.Voter, ID: raft.ServerID(s.Name), Address: raft.ServerAddress(s.Addr)})
		}
		if len(conf.Servers) == 0 {
			conf.Servers = []raft.Server{{Suffrage: raft.Voter, ID: c.LocalID, Address: trans.LocalAddr()}}
		}
		// Every node bootstraps with the same list; a log that already
		// has a configuration from a peer refuses it, which is fine.
		if err := r.BootstrapCluster(conf).Error(); err != nil && !errors.Is(err, raft.ErrCantBootstrap) {
			o.Logger.Warn("bootstrapping the consensus log", "err", err)
		}
	}
	if o.OnLeader != nil {
		l.obsCh = make(chan raft.Observation, 16)
		l.obs = raft.NewObserver(l.obsCh, false, func(ob *raft.Observation) bool {
			switch ob.Data.(type) {
			case raft.LeaderObservation, raft.RaftState:
				return true
			}
			return false
		})
		r.RegisterObserver(l.obs)
		go func() {
			for {
				select {
				case <-l.done:
					return
				case <-l.obsCh:
					o.OnLeader(l.Leader())
				}
			}
		}()
	}
	return l, nil
}

func (l *Log) raft() *raft.Raft { return l.rp.Load() }

// RecoverAlone makes this node the only voter, without the others' consent
// (votequorum's two_node: the survivor that won the fencing race carries
// on alone). The caller must have fenced every other voter first: their
// entries not yet on this node are lost, and this node's uncommitted ones
// become committed. A voter that comes back is added again by AddVoter.
func (l *Log) RecoverAlone() error {
	l.recMu.Lock()
	defer l.recMu.Unlock()
	old := l.raft()
	if l.obs != nil {
		old.DeregisterObserver(l.obs)
	}
	if err := old.Shutdown().Error(); err != nil {
		return fmt.Errorf("consensus: stopping for recovery: %w", err)
	}
	conf := raft.Configuration{Servers: []raft.Server{{Suffrage: raft.Voter, ID: l.conf.LocalID, Address: l.trans.LocalAddr()}}}
	if l.reset != nil {
		l.reset()
	}
	if err := raft.RecoverCluster(l.conf, l.fsm, l.logs, l.store, l.snaps, l.trans, conf); err != nil {
		return fmt.Errorf("consensus: recovering as the only voter: %w", err)
	}
	r, err := raft.NewRaft(l.conf, l.fsm, l.logs, l.store, l.snaps, l.trans)
	if err != nil {
		return fmt.Errorf("consensus: restarting after recovery: %w", err)
	}
	if l.obs != nil {
		r.RegisterObserver(l.obs)
	}
	l.rp.Store(r)
	l.log.Warn("this node is now the only voter of the log")
	return nil
}

// AddVoter (leader) makes name a voter again, e.g. a fenced node that
// came back.
func (l *Log) AddVoter(name, addr string) error {
	return l.raft().AddVoter(raft.ServerID(name), raft.ServerAddress(addr), 0, 5*time.Second).Error()
}

// Apply proposes data and waits until a quorum holds it on disk and this
// node's state machine applied it; it returns what the state machine's
// Apply returned.
func (l *Log) Apply(data []byte, timeout time.Duration) (any, error) {
	f := l.raft().Apply(data, timeout)
	if err := f.Error(); err != nil {
		if errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost) || errors.Is(err, raft.ErrLeadershipTransferInProgress) {
			return nil, fmt.Errorf("%w (%v)", ErrNotLeader, err)
		}
		return nil, fmt.Errorf("consensus: %w", err)
	}
	return f.Response(), nil
}

// Barrier waits until every entry before it is applied to the state
// machine: a new leader calls it before acting on its state.
func (l *Log) Barrier(timeout time.Duration) error {
	if err := l.raft().Barrier(timeout).Error(); err != nil {
		if errors.Is(err, raft.ErrNotLeader) || errors.Is(err, raft.ErrLeadershipLost) {
			return fmt.Errorf("%w (%v)", ErrNotLeader, err)
		}
		return err
	}
	return nil
}

// VerifyLeader checks with a quorum that this node still leads.
func (l *Log) VerifyLeader() error {
	if err := l.raft().VerifyLeader().Error(); err != nil {
		return fmt.Errorf("%w (%v)", ErrNotLeader, err)
	}
	return nil
}

// IsLeader says whether this node leads the log now.
func (l *Log) IsLeader() bool { return l.raft().State() == raft.Leader }

// Leader is the name of the leader this node knows of, "" when none.
func (l *Log) Leader() string {
	_, id := l.raft().LeaderWithID()
	return string(id)
}

// LastContact is when this node last heard from a leader (zero on the
// leader itself).
func (l *Log) LastContact() time.Time { return l.raft().LastContact() }

// Voters lists the voters of the current configuration.
func (l *Log) Voters() []string {
	f := l.raft().GetConfiguration()
	if f.Error() != nil {
		return nil
	}
	var out []string
	for _, s := range f.Configuration().Servers {
		if s.Suffrage == raft.Voter {
			out = append(out, string(s.ID))
		}
	}
	return out
}

// TransferLeadership hands the lead to another voter (clean shutdown of
// the DC) and waits for it, within ctx.
func (l *Log) TransferLeadership(ctx context.Context) error {
	if !l.IsLeader() {
		return nil
	}
	ch := make(chan error, 1)
	go func() { ch <- l.raft().LeadershipTransfer().Error() }()
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// AppliedIndex is the index of the last entry applied here.
func (l *Log) AppliedIndex() uint64 { return l.raft().AppliedIndex() }

// Shutdown stops the log (this node stops voting and replicating).
func (l *Log) Shutdown() {
	select {
	case <-l.done:
		return
	default:
	}
	close(l.done)
	if l.obs != nil {
		l.raft().DeregisterObserver(l.obs)
	}
	if err := l.raft().Shutdown().Error(); err != nil {
		l.log.Warn("stopping the consensus log", "err", err)
	}
	l.trans.Close()
	l.store.Close()
}

// Addr joins a host and port.
func Addr(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

// logWriter turns hclog's lines into slog records.
type logWriter struct{ l *slog.Logger }

func (w *logWriter) Write(p []byte) (int, error) {
	s := strings.TrimSpace(string(p))
	switch {
	case strings.Contains(s, "failed to heartbeat") || strings.Contains(s, "failed to appendEntries") ||
		strings.Contains(s, "failed to make requestVote"):
		// A peer that is down is retried every few hundred ms: the
		// membership reports it once.
		w.l.Debug("raft", "msg", s)
	case strings.Contains(s, "[ERROR]"):
		w.l.Error("raft", "msg", s)
	case strings.Contains(s, "[WARN]"):
		w.l.Warn("raft", "msg", s)
	default:
		w.l.Info("raft", "msg", s)
	}
	return len(p), nil
}

var _ io.Writer = (*logWriter)(nil)
