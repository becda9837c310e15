// Package fencer is the fencing service one pacerd runs: the glue between
// package stonith (devices, topology, execution, history) and the daemon
// (the CIB, the state directory, the other nodes).
//
// # What the daemon does
//
// Create one Service per node at start-up:
//
//	svc, err := fencer.New(fencer.Config{
//		Node:     name,                    // this node's name
//		StateDir: stateDir,                // history lives in StateDir/fencing-history.json
//		CIB:      func() *xmltree.Element { return n.CIB().Root },
//		Peers:    peers,                   // the daemon's Peers implementation
//		LRM:      n.lrm,                   // optional: run agents through the LRM
//		Log:      log,
//		OnChange: func(e stonith.Entry) { ... emit a fencing event ... },
//		OnSelfFenced: func(reaction string, e stonith.Entry) { ... stop or panic ... },
//	})
//
// A corrupt history file is reported by New (wrapping
// stonith.ErrCorruptHistory) together with a usable Service; log it and
// carry on — the history comes back from the peers.
//
// Then:
//   - The controller fences through svc.Controller("pacer-controller"),
//     whose Fence(ctx, target, action) error matches the controller's
//     interface; it returns nil only once the target is confirmed down.
//   - Admin requests (pacer node fence): svc.Fence(ctx, target, action,
//     origin, client) → Result, and Result.Entry for the reply.
//   - pacer stonith history [NODE]: svc.History(node) (newest first;
//     Entry.View() gives the clusterview.FencingEvent for status).
//   - pacer stonith list: svc.Devices(ctx).
//   - Manual confirmation (node clearstate / stonith confirm):
//     svc.ConfirmManual(target, who).
//   - Peer messages: deliver a PeerRequest from another node to
//     svc.HandlePeer(ctx, req) and send back the PeerReply; deliver
//     history entries a peer broadcast to svc.MergeHistory(entries). When a
//     node joins (or partitions merge), send it svc.HistorySnapshot().
//   - When a node leaves the membership: svc.NodeLeft(node).
//   - OnChange with State success and Action off or reboot means the
//     target is down — whoever asked, including a manual confirmation
//     made on another node: mark it fenced in the status section and run
//     the controller. svc.Pending() lists requests in progress
//     (clusterview Node.BeingFenced); svc.Failures(node) against
//     Options().MaxAttempts says when to stop retrying.
//   - Operations of stonith-class resources (start, stop, monitor) go to
//     svc.ResourceOp(ctx, device, op, probe) → OCF rc and reason: the
//     device's monitor with its pcmk_monitor_action/_timeout, and agent
//     parameters without the fencer's own pcmk_* ones.
//   - Status: svc.Warnings(uncleanNodes) for clusterview Snapshot.Warnings
//     ("Node X is UNCLEAN: fencing failed 3 time(s), last: ..."), and
//     svc.History("") mapped through Entry.View for Snapshot.Fencing.
//   - A sandbox can fence with no configuration by passing its agent's
//     primitive in Config.Implicit.
//
// Instead of implementing Peers, a daemon whose wire carries opaque bytes
// can implement the smaller Transport and pass PeersOver(transport, name);
// on the receiving side it hands each payload to svc.HandleMessage, which
// returns the reply payload.
//
// Peers is the only way the service reaches other nodes; its Call must
// honour ctx and allow long calls (an execute carries a fence agent run
// of up to pcmk_<action>_timeout, 60s by default, plus delays).
package fencer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"pacer/share/protocol"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"pacer/lrm"
	"pacer/share/xmltree"
	"pacer/stonith"
)

// PeerRequest is what one node's fencer asks another's. It is plain data
// (JSON-encodable) for the daemon's transport.
type PeerRequest struct {
	// Kind is KindCanFence or KindExecute.
	Kind    string                `json:"kind"`
	Request stonith.DeviceRequest `json:"request"`
}

// Peer request kinds.
const (
	KindCanFence = "can-fence" // run the device's host check for the target
	KindExecute  = "execute"   // run the device action
)

// PeerReply answers a PeerRequest.
type PeerReply struct {
	CanFence bool                  `json:"can_fence,omitempty"`
	Why      string                `json:"why,omitempty"`
	Result   *stonith.DeviceResult `json:"result,omitempty"`
	Error    string                `json:"error,omitempty"`
}

// Peers is implemented by the daemon.
type Peers interface {
	// Members lists the nodes whose fencer can be asked now: online
	// cluster members, this node included.
	Members() []string
	// Call delivers req to node's Service.HandlePeer and returns the
	// reply. It is never called for the local node.
	Call(ctx context.Context, node string, req PeerRequest) (PeerReply, error)
	// Broadcast sends history entries to every other member, which hand
	// them to Service.MergeHistory. Best effort; must not block long.
	Broadcast(entries []stonith.Entry)
}

// Config configures a Service.
type Config struct {
	Node     string
	StateDir string // "" = history in memory only
	// CIB returns the current CIB (the cib element; the configuration
	// element alone works too but loses device placement hints). The
	// service reads the returned tree from several goroutines without
	// locks, so the daemon must hand out a tree it no longer edits
	// (replace the document on change, or return a clone).
	CIB   func() *xmltree.Element
	Peers Peers // nil: a cluster of one
	// LRM, when set, runs the agents (stonith.LRMRunner); else they are
	// run directly (stonith.ExecRunner).
	LRM    *lrm.Executor
	Runner stonith.AgentRunner // overrides LRM, for tests
	// Implicit are stonith primitives used as if they were configured,
	// after the CIB's own devices (say a sandbox's fence_pacer_sandbox
	// device, so that a sandbox fences with no configuration). A CIB device
	// with the same id replaces one.
	Implicit []*xmltree.Element
	Log      *slog.Logger
	// OnChange is called for every history entry that changed here
	// (requests, results, manual confirmations, merges from peers).
	OnChange func(stonith.Entry)
	// OnSelfFenced is called when the history says this node was fenced
	// after the service started (fabric fencing that left it running, or a
	// misconfiguration): the daemon must stop ("stop") or reboot the node
	// ("panic"), per fence-reaction.
	OnSelfFenced func(reaction string, e stonith.Entry)
	Clock        stonith.Clock
	Rand         func(n int64) int64
}

// Service is one node's fencer.
type Service struct {
	cfg     Config
	log     *slog.Logger
	hist    *stonith.History
	exec    *stonith.Executor
	coord   *stonith.Coordinator
	started time.Time
	seq     atomic.Uint64

	mu          sync.Mutex
	selfFenced  bool
	lastOptions stonith.Options
}

// HistoryFile is the history's file name in the state directory.
const HistoryFile = "fencing-history.json"

// New creates the service. An error wrapping stonith.ErrCorruptHistory
// comes with a usable Service (see the package comment); any other error
// comes with none.
func New(cfg Config) (*Service, error) {
	if cfg.Node == "" {
		return nil, errors.New("fencer: node name is required")
	}
	if cfg.CIB == nil {
		return nil, errors.New("fencer: a CIB source is required")
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	log = log.With("component", "fencer")
	path := ""
	if cfg.StateDir != "" {
		path = filepath.Join(cfg.StateDir, HistoryFile)
	}
	hist, herr := stonith.OpenHistory(path)
	if hist == nil {
		return nil, herr
	}
	runner := cfg.Runner
	if runner == nil {
		if cfg.LRM != nil {
			runner = stonith.LRMRunner{Exec: cfg.LRM}
		} else {
			runner = stonith.ExecRunner{}
		}
	}
	clock := cfg.Clock
	if clock == nil {
		clock = stonith.RealClock{}
	}
	s := &Service{cfg: cfg, log: log, hist: hist, started: clock.Now()}
	s.exec = &stonith.Executor{Runner: runner, Meta: &stonith.MetaCache{Runner: runner}, Clock: clock, Rand: cfg.Rand, Log: log}
	s.coord = &stonith.Coordinator{Self: cfg.Node, Remote: remote{s}, Log: log, Clock: clock}
	if herr != nil {
		log.Error("fencing history was corrupt; starting empty, peers will fill it in", "err", herr)
	}
	// Requests this node made before it stopped will never get a result
	// from it: say so (a delegate's success, if any, still wins on merge).
	for _, e := range hist.List("") {
		if e.State == stonith.StatePending && e.Origin == cfg.Node {
			e.State, e.Completed = stonith.StateFailed, s.started
			e.Reason = "pacerd on " + cfg.Node + " stopped before the result arrived"
			if _, err := hist.Merge([]stonith.Entry{e}); err != nil {
				log.Error("cannot save fencing history", "err", err)
			}
		}
	}
	return s, herr
}

func (s *Service) now() time.Time { return s.coord.Clock.Now() }

// config loads the fencing configuration from the current CIB. Problems
// with single devices or levels are logged (once per distinct message set)
// and the rest is used.
func (s *Service) config() (*stonith.Config, error) {
	root := s.cfg.CIB()
	if root == nil {
		return nil, errors.New("no CIB yet")
	}
	c, err := stonith.LoadConfig(root)
	if err != nil {
		s.log.Warn("fencing configuration has problems", "err", err)
	}
	for _, p := range s.cfg.Implicit {
		d, err := stonith.ParseDevice(p, nil)
		if err != nil {
			s.log.Warn("implicit fencing device has problems", "err", err)
		}
		if d != nil {
			c.AddDevice(d)
		}
	}
	s.mu.Lock()
	s.lastOptions = c.Options
	s.mu.Unlock()
	return c, nil
}

// Result is the outcome of a fencing request and its history entry.
type Result struct {
	stonith.Result
	Entry stonith.Entry
}

// Err is nil when the target was fenced, else an error with the reason.
func (r Result) Err() error {
	if r.OK {
		return nil
	}
	return fmt.Errorf("fencing %s (%s) failed: %s", r.Target, r.Action, r.Reason)
}

func (s *Service) newID() string {
	return fmt.Sprintf("%s-%d-%d", s.cfg.Node, s.started.UnixNano(), s.seq.Add(1))
}

// Fence fences target with action ("" = fencing-action) on behalf of
// origin (a node name) and client (what asked: "pacer-controller",
// "pacer node fence", ...). It records a pending entry at once, then the
// result, and shares both with the peers.
func (s *Service) Fence(ctx context.Context, target, action, origin, client string) Result {
	return s.FenceRequest(ctx, stonith.Request{Target: target, Action: action, Origin: origin, Client: client})
}

// FenceRequest is Fence with every request field, e.g. ExtraDelay for
// priority-fencing-delay.
func (s *Service) FenceRequest(ctx context.Context, req stonith.Request) Result {
	if req.Origin == "" {
		req.Origin = s.cfg.Node
	}
	cfg, err := s.config()
	if err != nil {
		now := s.now()
		r := stonith.Result{Target: req.Target, Action: req.Action, Reason: err.Error(), Started: now, Finished: now}
		return Result{Result: r}
	}
	action, err := stonith.ValidAction(req.Action, cfg.Options.Action)
	if err != nil || req.Target == "" {
		if err == nil {
			err = errors.New("no target node given")
		}
		now := s.now()
		return Result{Result: stonith.Result{Target: req.Target, Action: req.Action, Reason: err.Error(), Started: now, Finished: now}}
	}
	req.Action = action
	e := stonith.Entry{ID: s.newID(), Target: req.Target, Action: action, Origin: req.Origin, Client: req.Client,
		State: stonith.StatePending, Started: s.now()}
	s.record(e)
	r := s.coord.Fence(ctx, cfg, req)
	e.Completed = r.Finished
	e.Level = r.Level
	if r.OK {
		e.State, e.Delegate = stonith.StateSuccess, r.Delegate
		for _, d := range r.Devices {
			if d.OK && d.Action != "on" && !contains(e.Devices, d.Device) {
				e.Devices = append(e.Devices, d.Device)
			}
		}
	} else {
		e.State, e.Reason = stonith.StateFailed, r.Reason
		for _, d := range r.Devices {
			if !contains(e.Devices, d.Device) {
				e.Devices = append(e.Devices, d.Device)
			}
		}
	}
	s.record(e)
	return Result{Result: r, Entry: e}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// record stores an entry locally, tells the daemon and the peers.
func (s *Service) record(e stonith.Entry) {
	changed, err := s.hist.Merge([]stonith.Entry{e})
	if err != nil {
		s.log.Error("cannot save fencing history", "err", err)
	}
	if len(changed) == 0 {
		return
	}
	s.notify(changed)
	if s.cfg.Peers != nil {
		s.cfg.Peers.Broadcast(changed)
	}
}

func (s *Service) notify(changed []stonith.Entry) {
	for _, e := range changed {
		if s.cfg.OnChange != nil {
			s.cfg.OnChange(e)
		}
		s.checkSelf(e)
	}
}

// checkSelf applies fence-reaction when the history says this node was
// fenced while it is obviously still running.
func (s *Service) checkSelf(e stonith.Entry) {
	if e.Target != s.cfg.Node || e.State != stonith.StateSuccess || e.Action == "on" || e.Completed.Before(s.started) {
		return
	}
	s.mu.Lock()
	if s.selfFenced {
		s.mu.Unlock()
		return
	}
	s.selfFenced = true
	reaction := s.lastOptions.Reaction
	s.mu.Unlock()
	if reaction == "" {
		if cfg, err := s.config(); err == nil {
			reaction = cfg.Options.Reaction
		} else {
			reaction = "stop"
		}
	}
	s.log.Error("this node was fenced but is still running; applying fence-reaction",
		"reaction", reaction, "delegate", e.Delegate, "origin", e.Origin)
	if s.cfg.OnSelfFenced != nil {
		s.cfg.OnSelfFenced(reaction, e)
	}
}

// MergeHistory folds entries broadcast by a peer (or sent on join) into
// this node's history.
func (s *Service) MergeHistory(entries []stonith.Entry) error {
	changed, err := s.hist.Merge(entries)
	s.notify(changed)
	if err != nil {
		return fmt.Errorf("merge fencing history: %w", err)
	}
	return nil
}

// HistorySnapshot is the whole history, for a node that joins.
func (s *Service) HistorySnapshot() []stonith.Entry { return s.hist.List("") }

// History lists the entries for target ("" = all), newest first.
func (s *Service) History(target string) []stonith.Entry { return s.hist.List(target) }

// Fenced reports the latest successful fencing (or manual confirmation)
// of target completed at or after since: what the controller waits for
// before recovering the target's resources.
func (s *Service) Fenced(target string, since time.Time) (stonith.Entry, bool) {
	return s.hist.LastSuccess(target, since)
}

// NodeLeft marks the pending requests node originated as failed: nobody
// will report their result. (A success reported by a delegate still wins
// when it arrives.) The controller of the new DC fences again as needed.
func (s *Service) NodeLeft(node string) {
	var upd []stonith.Entry
	for _, e := range s.hist.List("") {
		if e.State == stonith.StatePending && e.Origin == node {
			e.State, e.Completed = stonith.StateFailed, s.now()
			e.Reason = "the requesting node " + node + " left the cluster before reporting a result"
			upd = append(upd, e)
		}
	}
	for _, e := range upd {
		s.record(e)
	}
}

// ConfirmManual records that an admin has made sure target is down (powered
// off by hand, unplugged): the cluster then treats it as fenced. It is
// refused for this node and for nodes that are cluster members right now.
func (s *Service) ConfirmManual(target, who string) (stonith.Entry, error) {
	if target == "" {
		return stonith.Entry{}, errors.New("confirm: no node given")
	}
	if target == s.cfg.Node {
		return stonith.Entry{}, fmt.Errorf("confirm: %s is this node, which is running", target)
	}
	if contains(s.members(), target) {
		return stonith.Entry{}, fmt.Errorf("confirm: %s is an active cluster member; it is not down", target)
	}
	s.log.Warn("MANUAL FENCING CONFIRMATION: treating node as fenced without running any device. "+
		"If it is in fact still running, its resources may now run twice and shared data may be corrupted.",
		"target", target, "confirmed_by", who)
	now := s.now()
	e := stonith.Entry{ID: s.newID(), Target: target, Action: "off", Delegate: stonith.ManualDelegate,
		Origin: s.cfg.Node, Client: who, State: stonith.StateSuccess, Reason: "manually confirmed down by " + who,
		Started: now, Completed: now}
	s.record(e)
	return e, nil
}

func (s *Service) members() []string {
	if s.cfg.Peers == nil {
		return []string{s.cfg.Node}
	}
	return s.cfg.Peers.Members()
}

// DeviceInfo says what one device can fence, for pacer stonith list. It is
// the wire type itself, so the daemon hands it to clients as it is.
type DeviceInfo = protocol.FenceDevice

// Devices lists the configured devices and what they can fence. Dynamic
// checks run the agents on this node (list results are cached a minute).
func (s *Service) Devices(ctx context.Context) ([]DeviceInfo, error) {
	cfg, err := s.config()
	if err != nil {
		return nil, err
	}
	var nodes []string
	for n := range cfg.NodeAttrs {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	members := s.members()
	var out []DeviceInfo
	for _, id := range cfg.Order {
		d := cfg.Devices[id]
		meta, merr := s.exec.Meta.Get(ctx, d.Agent)
		info := DeviceInfo{ID: id, Agent: d.Agent, Check: d.EffectiveCheck(meta), Disabled: d.Disabled,
			Executors: cfg.Executors(id, "", members, s.cfg.Node)}
		if merr != nil {
			info.Error = merr.Error()
		}
		for _, l := range cfg.Topology.Levels {
			if contains(l.Devices, id) {
				info.Levels = append(info.Levels, fmt.Sprintf("%s:%d", l.Describe(), l.Index))
			}
		}
		switch info.Check {
		case stonith.CheckStatic:
			info.Targets = d.Targets()
		case stonith.CheckNone:
			info.Targets = nodes
		default:
			for _, n := range nodes {
				ok, err := s.exec.CanFence(ctx, d, n, cfg.Options.Timeout)
				if ok {
					info.Targets = append(info.Targets, n)
				} else if err != nil && info.Check == stonith.CheckDynamic && info.Error == "" {
					info.Error = err.Error()
				}
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// Monitor runs a device's monitor action (pcmk_monitor_action) here.
func (s *Service) Monitor(ctx context.Context, device string) (stonith.DeviceResult, error) {
	cfg, err := s.config()
	if err != nil {
		return stonith.DeviceResult{}, err
	}
	d := cfg.Devices[device]
	if d == nil {
		return stonith.DeviceResult{}, fmt.Errorf("no fencing device %s", device)
	}
	return s.exec.Monitor(ctx, d, cfg.Options.Timeout), nil
}

// HandlePeer answers another node's fencer.
func (s *Service) HandlePeer(ctx context.Context, req PeerRequest) PeerReply {
	cfg, err := s.config()
	if err != nil {
		return PeerReply{Error: err.Error()}
	}
	d := cfg.Devices[req.Request.Device]
	if d == nil {
		return PeerReply{Error: fmt.Sprintf("device %s is not in %s's configuration", req.Request.Device, s.cfg.Node)}
	}
	switch req.Kind {
	case KindCanFence:
		ok, err := s.exec.CanFence(ctx, d, req.Request.Target, cfg.Options.Timeout)
		r := PeerReply{CanFence: ok}
		if err != nil {
			r.Why = err.Error()
		}
		return r
	case KindExecute:
		r := s.exec.Run(ctx, d, req.Request.Target, req.Request.Action, stonith.ExecOptions{
			FencingTimeout: cfg.Options.Timeout, ExtraDelay: req.Request.ExtraDelay, NoDelay: req.Request.NoDelay})
		r.Node = s.cfg.Node
		return PeerReply{Result: &r}
	}
	return PeerReply{Error: fmt.Sprintf("unknown fencer request %q", req.Kind)}
}

// remote is stonith.Remote over Peers, with the local node served
// directly.
type remote struct{ s *Service }

func (r remote) Members() []string { return r.s.members() }

func (r remote) call(ctx context.Context, node string, req PeerRequest) (PeerReply, error) {
	if node == r.s.cfg.Node || r.s.cfg.Peers == nil {
		return r.s.HandlePeer(ctx, req), nil
	}
	rep, err := r.s.cfg.Peers.Call(ctx, node, req)
	if err != nil {
		return rep, err
	}
	if rep.Error != "" {
		return rep, errors.New(rep.Error)
	}
	return rep, nil
}

func (r remote) CanFence(ctx context.Context, node, device, target string) (bool, string, error) {
	rep, err := r.call(ctx, node, PeerRequest{Kind: KindCanFence, Request: stonith.DeviceRequest{Device: device, Target: target}})
	return rep.CanFence, rep.Why, err
}

func (r remote) Execute(ctx context.Context, node string, req stonith.DeviceRequest) (stonith.DeviceResult, error) {
	rep, err := r.call(ctx, node, PeerRequest{Kind: KindExecute, Request: req})
	if err != nil {
		return stonith.DeviceResult{}, err
	}
	if rep.Result == nil {
		return stonith.DeviceResult{}, fmt.Errorf("%s sent no result", node)
	}
	return *rep.Result, nil
}

// ControllerFencer is what the controller calls.
type ControllerFencer struct {
	s      *Service
	client string
}

// Controller returns the fencer for the controller: requests are made by
// this node on behalf of client.
func (s *Service) Controller(client string) ControllerFencer {
	return ControllerFencer{s: s, client: client}
}

// Fence fences target; nil means it is confirmed down (or was powered on,
// for "on").
func (c ControllerFencer) Fence(ctx context.Context, target, action string) error {
	return c.s.Fence(ctx, target, action, c.s.cfg.Node, c.client).Err()
}

// Failures counts the failed requests against target since its last
// successful fencing: the controller stops retrying on its own once this
// reaches Options().MaxAttempts (stonith-max-attempts), as Pacemaker does.
func (s *Service) Failures(target string) int {
	n := 0
	for _, e := range s.hist.List(target) {
		if e.State == stonith.StateSuccess && e.Action != "on" {
			break
		}
		if e.State == stonith.StateFailed {
			n++
		}
	}
	return n
}

// Pending lists the requests in progress anywhere in the cluster, as far
// as this node has heard.
func (s *Service) Pending() []stonith.Entry {
	var out []stonith.Entry
	for _, e := range s.hist.List("") {
		if e.State == stonith.StatePending {
			out = append(out, e)
		}
	}
	return out
}

// OCF result codes ResourceOp returns.
const (
	ocfOK         = 0
	ocfError      = 1
	ocfNotRunning = 7
)

// ResourceOp runs an operation of a stonith-class resource on this node
// and returns its OCF result code and a reason: start and monitor run the
// device's monitor (a device that cannot be reached is not usable), stop
// has nothing to do (fencing does not need the resource started), and a
// probe of a device never started here answers "not running" so that the
// device is placed normally.
func (s *Service) ResourceOp(ctx context.Context, device, op string, probe bool) (int, string) {
	switch op {
	case "stop":
		return ocfOK, ""
	case "start", "monitor":
	default:
		return ocfError, fmt.Sprintf("stonith resources have no %s operation", op)
	}
	if probe {
		return ocfNotRunning, ""
	}
	r, err := s.Monitor(ctx, device)
	if err != nil {
		return ocfError, err.Error()
	}
	if !r.OK {
		return ocfError, r.Reason
	}
	return ocfOK, ""
}

// Warnings are the fencing problems `pacer status` should show: no
// device while fencing is enabled, and for each unclean node (as the
// daemon knows them) why its resources are not recovered yet.
func (s *Service) Warnings(unclean []string) []string {
	cfg, err := s.config()
	if err != nil {
		return nil
	}
	var out []string
	if cfg.Options.Enabled && len(cfg.Devices) == 0 {
		out = append(out, "No fencing devices are configured and fencing-enabled is not false: unclean nodes cannot be fenced, so their resources will not be recovered")
	}
	for _, n := range unclean {
		if !cfg.Options.Enabled {
			continue
		}
		var msg string
		h := s.hist.List(n)
		switch {
		case len(h) > 0 && h[0].State == stonith.StatePending:
			msg = fmt.Sprintf("Node %s is UNCLEAN: waiting for fencing (%s requested by %s at %s); its resources are not recovered until it succeeds",
				n, h[0].Action, h[0].Origin, h[0].Started.Format("15:04:05"))
		case len(h) > 0 && h[0].State == stonith.StateFailed:
			msg = fmt.Sprintf("Node %s is UNCLEAN: fencing failed %d time(s), last: %s; its resources are not recovered until it is fenced or confirmed down (pacer node clearstate %s)",
				n, s.Failures(n), h[0].Reason, n)
		default:
			msg = fmt.Sprintf("Node %s is UNCLEAN: waiting for fencing; its resources are not recovered until it is fenced or confirmed down", n)
		}
		out = append(out, msg)
	}
	return out
}

// Options returns the fencing options of the current CIB.
func (s *Service) Options() stonith.Options {
	if cfg, err := s.config(); err == nil {
		return cfg.Options
	}
	return stonith.DefaultOptions()
}
