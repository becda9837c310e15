package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"pacer/daemon/agenttools"
	"pacer/daemon/alerts"
	"pacer/daemon/cibedit"
	"pacer/daemon/cibstore"
	"pacer/daemon/config"
	"pacer/daemon/consensus"
	"pacer/daemon/controller"
	"pacer/daemon/fencer"
	"pacer/daemon/membership"
	"pacer/daemon/peinput"
	"pacer/daemon/server"
	"pacer/lrm"
	"pacer/share/cib"
	"pacer/share/clusterview"
	"pacer/share/keyfile"
	"pacer/share/protocol"
	"pacer/share/version"
	"pacer/share/xmltree"
	"pacer/stonith"
)

// Node is one running pacerd.
type Node struct {
	cfg     *config.Config
	log     *slog.Logger
	name    string
	uuid    string // this process's id, in transition keys
	started time.Time

	mem   *membership.Membership
	store *cibstore.Store
	lrm   *lrm.Executor
	srv   *server.Server
	fsvc  *fencer.Service
	sched controller.Scheduler
	view  func(doc *xmltree.Document, now time.Time) (*clusterview.Snapshot, error)
	hub   *hub
	// peInputs keeps the scheduler's inputs; only the controller's
	// goroutine (saveSchedulerInput) touches it.
	peInputs *peinput.Store
	peOnce   sync.Once

	// clog is the replicated log: its leader is the DC, its state machine
	// (fsm, replicated.go) the only writer of doc, ver, fsmVer and fsmData.
	clog *consensus.Log

	mu      sync.Mutex
	doc     *xmltree.Document // the CIB as shown here (the disk copy until the log's arrives)
	ver     cib.Version
	fsmVer  cib.Version // the version the state machine holds ({} before the log had a CIB)
	fsmData []byte      // that CIB as committed, for snapshots
	dc      string
	dcReady bool // this node is DC and has synced the cluster
	quorate bool
	// leaving: members that announced a clean stop (until they join again):
	// a takeover or sync must not record them as expected members.
	leaving map[string]bool
	// fencedAlone: peers this node fenced before carrying on alone
	// (two_node), for its takeover to record.
	fencedAlone []string
	// leaderless is when this node last saw the log without a leader
	// (zero while there is one).
	leaderless time.Time
	members    []string
	ctrl       *controller.Controller
	trans      clusterview.Transition
	lastFence  stonith.Entry
	// alerts runs the CIB's alert agents; alertProblems is what was last
	// logged about their configuration.
	alerts        *alerts.Sender
	alertProblems string
	lastTID       int
	memberLRM     map[string]bool      // members whose LRM history the DC has taken
	memberUp      map[string]time.Time // members' process start times: a change is a restart
	membersSeen   bool

	writeMu sync.Mutex // serializes the DC's proposals

	localMu      sync.Mutex
	local        *xmltree.Document        // this node's own operation history
	stonithUp    map[string]chan struct{} // fencing devices monitored here: stop channels
	stonithCalls atomic.Int64

	goneMu sync.Mutex
	gone   map[string]chan struct{} // closed when that member leaves

	rpcMu   sync.Mutex
	rpcSeq  uint64
	rpcWait map[uint64]chan *wireMsg

	saveMu   sync.Mutex
	saved    cib.Version
	saveData []byte
	saveVer  cib.Version
	saveKick chan struct{}
	memKick  chan struct{}
	stopping chan struct{}
	memReady chan struct{} // closed once n.mem is set: peers may talk before
	wg       sync.WaitGroup
}

// Start brings a node up: CIB from disk, membership, socket.
func Start(cfg *config.Config, log *slog.Logger) (*Node, error) {
	n := &Node{cfg: cfg, log: log, name: cfg.NodeName, started: time.Now(), hub: newHub(),
		rpcWait: map[uint64]chan *wireMsg{}, saveKick: make(chan struct{}, 1),
		memKick: make(chan struct{}, 1), stopping: make(chan struct{}), memReady: make(chan struct{}), memberLRM: map[string]bool{}, leaving: map[string]bool{}, memberUp: map[string]time.Time{}, stonithUp: map[string]chan struct{}{}, gone: map[string]chan struct{}{}}
	n.alerts = &alerts.Sender{Version: version.String("pacerd"), Log: log.With("component", "alerts")}
	var id [8]byte
	rand.Read(id[:])
	n.uuid = hex.EncodeToString(id[:])
	n.sched = defaultScheduler
	n.view = defaultView
	n.local = cibedit.Empty()

	st, err := cibstore.Open(filepath.Join(cfg.StateDir, "cib"), cfg.History)
	if err != nil {
		return nil, err
	}
	n.store = st
	doc, err := st.Load()
	if err != nil {
		return nil, err
	}
	for _, c := range st.Corrupt {
		log.Error("CIB file on disk is corrupt; using an older copy until the cluster's arrives", "problem", c)
	}
	if doc == nil {
		doc = cibedit.Empty()
	}
	n.doc = doc
	n.ver, err = cib.ReadVersion(doc.Root)
	if err != nil {
		return nil, fmt.Errorf("cib from disk: %w", err)
	}
	n.saved = n.ver
	log.Info("cib loaded", "version", n.ver.String(), "file", st.Path())

	agentEnv, err := agenttools.Env(filepath.Join(cfg.StateDir, "agent-tools"), cfg.Socket, cfg.NodeName, cfg.Env)
	if err != nil {
		log.Warn("resource agents get no crm_attribute or crm_node", "err", err)
	}
	n.lrm = lrm.New(lrm.Config{Env: agentEnv, Logger: log.With("component", "lrm")})
	if err := n.startFencer(); err != nil {
		return nil, err
	}

	var key []byte
	if cfg.KeyFile != "" {
		key, err = keyfile.Load(cfg.KeyFile)
		if err != nil {
			return nil, err
		}
	}
	bind, port := "0.0.0.0", cfg.Membership.Port
	adv := ""
	var join []string
	for _, nd := range cfg.Nodes {
		if nd.Addr != "" {
			join = append(join, net.JoinHostPort(nd.Addr, strconv.Itoa(nd.Port)))
		}
	}
	if self := cfg.Self(); self != nil {
		if self.Addr != "" {
			bind, adv = self.Addr, self.Addr
		}
		port = self.Port
	}
	if cfg.Membership.BindAddr != "" {
		bind = cfg.Membership.BindAddr
	}
	if cfg.Membership.AdvertiseAddr != "" {
		adv = cfg.Membership.AdvertiseAddr
	}
	if adv == "" && bind != "0.0.0.0" {
		adv = bind
	}

	n.srv, err = server.Listen(cfg.Socket, n, log.With("component", "api"))
	if err != nil {
		return nil, err
	}
	n.mem, err = membership.Start(membership.Options{
		Name: n.name, BindAddr: bind, BindPort: port, AdvertiseAddr: adv, AdvertisePort: port,
		Key: key, Join: join, Started: n.started, Logger: log.With("component", "membership"),
		ProbeInterval: cfg.Membership.ProbeInterval.Duration, ProbeTimeout: cfg.Membership.ProbeTimeout.Duration,
		SuspicionMult: cfg.Membership.SuspicionMult, GossipInterval: cfg.Membership.GossipInterval.Duration,
		OnMessage: n.onMessage,
		OnChange:  n.kickMembership,
	})
	if err != nil {
		n.srv.Close()
		return nil, err
	}
	close(n.memReady)
	n.clog, err = consensus.Start(consensus.Options{
		Name: n.name, Dir: filepath.Join(cfg.StateDir, "consensus"), Key: key,
		Bind: consensus.Addr(bind, cfg.RaftPort(cfg.Self())), Advertise: raftAdvertise(cfg, adv),
		Voters: raftVoters(cfg), FSM: (*fsm)(n), Logger: log.With("component", "consensus"),
		ElectionTimeout: cfg.Consensus.ElectionTimeout.Duration,
		OnLeader:        func(string) { n.kickMembership() },
		Reset:           (*fsm)(n).reset,
	})
	if err != nil {
		n.mem.Shutdown()
		n.srv.Close()
		return nil, err
	}
	n.wg.Add(3)
	go n.membershipLoop()
	go n.saveLoop()
	go n.noQuorumLoop()
	return n, nil
}

// Stop leaves the cluster. With clean set the node first tells the DC it
// is shutting down, so it is not fenced.
//
// A DC stopping cleanly first runs its own shutdown transition like any
// node, then hands the log's lead to another voter and tells the new DC it
// is leaving, so that it is not taken for lost.
func (n *Node) Stop(clean bool) {
	if clean {
		n.shutdownResources()
		if n.clog.IsLeader() {
			n.mu.Lock()
			ctrl := n.ctrl
			n.mu.Unlock()
			if ctrl != nil {
				// Let what is under way finish: its results are this
				// DC's to record.
				select {
				case <-ctrl.Idle():
				case <-time.After(10 * time.Second):
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := n.clog.TransferLeadership(ctx); err != nil {
				n.log.Warn("could not hand the DC role over", "err", err)
			}
			cancel()
			for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
				if l := n.clog.Leader(); l != "" && l != n.name {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		dc := n.clog.Leader()
		if dc != "" && dc != n.name {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			n.rpc(ctx, dc, &wireMsg{T: msgShutdown}, 3*time.Second)
			cancel()
		}
	}
	n.mu.Lock()
	ctrl := n.ctrl
	n.ctrl = nil
	n.mu.Unlock()
	if ctrl != nil {
		ctrl.Stop()
	}
	close(n.stopping)
	n.clog.Shutdown()
	if clean {
		n.mem.Leave(2 * time.Second)
	} else {
		n.mem.Shutdown()
	}
	n.srv.Close()
	n.wg.Wait()
	n.flushSave()
	n.lrm.Close()
}

// raftVoters are the configured nodes at their logs' addresses.
func raftVoters(cfg *config.Config) []consensus.Server {
	var out []consensus.Server
	for i := range cfg.Nodes {
		nd := &cfg.Nodes[i]
		host := nd.Addr
		if host == "" {
			host = "127.0.0.1"
		}
		out = append(out, consensus.Server{Name: nd.Name, Addr: consensus.Addr(host, cfg.RaftPort(nd))})
	}
	return out
}

func raftAdvertise(cfg *config.Config, adv string) string {
	if adv == "" {
		adv = "127.0.0.1"
	}
	return consensus.Addr(adv, cfg.RaftPort(cfg.Self()))
}

func (n *Node) kickMembership() {
	select {
	case n.memKick <- struct{}{}:
	default:
	}
}

// membershipLoop recomputes members, quorum and the DC on every change
// (and every second, to retry joins and catch anything missed).
func (n *Node) membershipLoop() {
	defer n.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastJoin := time.Now()
	n.refreshMembership()
	for {
		select {
		case <-n.stopping:
			return
		case <-n.memKick:
		case <-tick.C:
			if len(n.mem.Members()) < len(n.cfg.Nodes) && time.Since(lastJoin) > 2*time.Second {
				lastJoin = time.Now()
				n.mem.TryJoin()
			}
		}
		n.refreshMembership()
	}
}

func (n *Node) configured(name string) bool {
	return len(n.cfg.Nodes) == 0 || n.cfg.Node(name) != nil
}

func (n *Node) refreshMembership() {
	var alive []membership.Member
	for _, m := range n.mem.Members() {
		if n.configured(m.Name) {
			alive = append(alive, m)
		}
	}
	names := make([]string, len(alive))
	for i, m := range alive {
		names[i] = m.Name
	}
	// The DC is the log's leader; a partition has quorum when a leader
	// that a quorum of voters follows is known (a leader cut off from its
	// quorum steps down within its lease, a follower forgets it within the
	// election timeout).
	dc := n.clog.Leader()
	quorate := dc != ""

	n.mu.Lock()
	oldDC, oldQ, oldMembers := n.dc, n.quorate, slices.Clone(n.members)
	// A member whose process start time changed restarted faster than
	// failure detection noticed: it left and joined again.
	for _, m := range alive {
		if t, ok := n.memberUp[m.Name]; ok && !t.Equal(m.Started) {
			oldMembers = slices.DeleteFunc(oldMembers, func(s string) bool { return s == m.Name })
			delete(n.memberLRM, m.Name)
			n.log.Info("node restarted", "node", m.Name)
		}
		n.memberUp[m.Name] = m.Started
	}
	for name := range n.memberUp {
		if !slices.Contains(names, name) {
			delete(n.memberUp, name)
		}
	}
	n.dc, n.quorate, n.members = dc, quorate, names
	if dc != "" {
		n.leaderless = time.Time{}
	} else if n.leaderless.IsZero() {
		n.leaderless = time.Now()
	}
	if len(names) >= len(n.cfg.Nodes) {
		n.membersSeen = true // no need for dc-deadtime any more
	}
	n.mu.Unlock()

	now := time.Now()
	for _, m := range names {
		if !slices.Contains(oldMembers, m) && m != n.name {
			n.mu.Lock()
			delete(n.leaving, m)
			n.mu.Unlock()
			go n.shareFencingHistory(m)
			n.emit(clusterview.Event{Time: now, Kind: clusterview.EventNodeJoined, Node: m, Message: "node " + m + " joined"})
			n.alertNode(m, true)
		}
	}
	var left []string
	for _, m := range oldMembers {
		if !slices.Contains(names, m) {
			n.nodeGone(m)
			n.fsvc.NodeLeft(m)
			left = append(left, m)
			n.emit(clusterview.Event{Time: now, Kind: clusterview.EventNodeLeft, Node: m, Message: "node " + m + " left"})
			n.alertNode(m, false)
		}
	}
	if dc != oldDC {
		n.log.Info("DC elected", "dc", dc, "members", names)
		n.emit(clusterview.Event{Time: now, Kind: clusterview.EventDCElected, Node: dc, Message: "DC is " + dc})
	}
	if quorate != oldQ {
		n.log.Info("quorum changed", "quorate", quorate, "members", len(alive), "voters", len(n.clog.Voters()))
		msg := "partition lost quorum"
		if quorate {
			msg = "partition has quorum"
		}
		n.emit(clusterview.Event{Time: now, Kind: clusterview.EventQuorum, OK: quorate, Message: msg})
	}

	switch {
	case dc == n.name && oldDC != n.name:
		n.becomeDC()
	case dc == n.name:
		n.readdVoters(names)
		for _, m := range names {
			n.mu.Lock()
			have := n.memberLRM[m]
			n.mu.Unlock()
			if !have && m != n.name {
				n.syncMember(m)
			}
		}
		if len(left) > 0 || quorate != oldQ {
			n.commitStatus("membership", func(doc *xmltree.Document) bool {
				changed := false
				for _, m := range left {
					if cibedit.SetMember(doc, m, false) {
						changed = true
					}
				}
				return n.setQuorumAttrs(doc) || changed
			})
			n.mu.Lock()
			for _, m := range left {
				delete(n.memberLRM, m)
			}
			n.mu.Unlock()
			n.triggerController("membership changed")
		}
	case oldDC == n.name:
		n.loseDC()
	}
}

// clearStaleShutdown drops a node's shutdown attribute set before its
// pacerd started: that was the last run's clean stop, not this one's (as
// Pacemaker's attribute manager forgets a node's transient attributes when
// it starts).
func clearStaleShutdown(doc *xmltree.Document, node string, started time.Time) {
	v, ok := cibedit.NodeAttrs(doc, node)["shutdown"]
	if !ok || started.IsZero() {
		return
	}
	if t, err := strconv.ParseInt(v, 10, 64); err == nil && t < started.Unix() {
		cibedit.DeleteNodeAttrs(doc, node, false, func(name string) bool { return name == "shutdown" })
	}
}

// readdVoters (DC) makes configured members that are back voters of the
// log again (after a two_node survivor carried on alone).
func (n *Node) readdVoters(alive []string) {
	voters := n.clog.Voters()
	for _, s := range raftVoters(n.cfg) {
		if slices.Contains(alive, s.Name) && !slices.Contains(voters, s.Name) {
			go func() {
				if err := n.clog.AddVoter(s.Name, s.Addr); err != nil {
					n.log.Warn("could not make a returning node a voter again", "node", s.Name, "err", err)
					return
				}
				n.log.Info("node is a voter of the log again", "node", s.Name)
			}()
		}
	}
}

// setQuorumAttrs records have-quorum and dc-uuid; called from an edit
// function, so with n.mu held.
func (n *Node) setQuorumAttrs(doc *xmltree.Document) bool {
	q := n.quorate
	want := "0"
	if q {
		want = "1"
	}
	changed := doc.Root.Attr("have-quorum") != want
	doc.Root.SetAttr("have-quorum", want)
	id := cibedit.NodeID(doc, n.name)
	if id == "" {
		id = n.name
	}
	if doc.Root.Attr("dc-uuid") != id {
		doc.Root.SetAttr("dc-uuid", id)
		changed = true
	}
	return changed
}

// becomeDC takes over as the log's new leader: first apply everything the
// log holds (the last DC's committed changes), then wait (dc-deadtime) for
// the configured nodes at first start, collect every member's operation
// history, then start the controller.
func (n *Node) becomeDC() {
	n.log.Info("this node is now the DC")
	if err := n.clog.Barrier(10 * time.Second); err != nil {
		n.log.Warn("new DC could not catch up with the log", "err", err)
		n.kickMembership()
		return
	}
	n.mu.Lock()
	seen := n.membersSeen
	n.mu.Unlock()
	if !seen && len(n.cfg.Nodes) > 1 {
		deadline := time.Now().Add(n.dcDeadtime())
		for time.Now().Before(deadline) && len(n.currentMembers()) < len(n.cfg.Nodes) && n.clog.IsLeader() {
			select {
			case <-n.stopping:
				return
			case <-time.After(100 * time.Millisecond):
			}
			n.mem.TryJoin()
		}
	}
	n.mu.Lock()
	n.membersSeen = true
	n.memberLRM = map[string]bool{}
	n.mu.Unlock()
	for _, m := range n.currentMembers() {
		if m != n.name {
			n.syncMember(m)
		}
	}
	n.commitStatus("dc takeover", func(doc *xmltree.Document) bool {
		n.ensureNodes(doc)
		cibedit.ReplaceLRM(doc, n.name, n.localLRM())
		cibedit.SetMember(doc, n.name, true)
		clearStaleShutdown(doc, n.name, n.started)
		for _, p := range n.fencedAlone { // n.mu is held by commit
			cibedit.Fenced(doc, p)
		}
		n.fencedAlone = nil
		members := n.currentMembers()
		if st := cibedit.Section(doc, "status"); st != nil {
			for _, ns := range st.ChildrenNamed("node_state") {
				if !slices.Contains(members, ns.Attr("uname")) {
					cibedit.SetMember(doc, ns.Attr("uname"), false)
				}
			}
		}
		n.setQuorumAttrs(doc)
		return true
	})
	n.mu.Lock()
	n.memberLRM[n.name] = true
	if n.dc != n.name || !n.clog.IsLeader() {
		n.mu.Unlock()
		return
	}
	n.dcReady = true
	c := controller.New(n.sched, (*dcHost)(n), n.log.With("component", "controller"), n.lastTID)
	c.Recheck = n.recheckInterval
	c.SaveInput = n.saveSchedulerInput
	n.ctrl = c
	n.mu.Unlock()
	c.Start()
}

func (n *Node) dcDeadtime() time.Duration {
	if v, ok := n.property("dc-deadtime"); ok {
		if d, err := parseInterval(v); err == nil {
			return d
		}
	}
	return 20 * time.Second
}

func (n *Node) recheckInterval() time.Duration {
	if v, ok := n.property("cluster-recheck-interval"); ok {
		if d, err := parseInterval(v); err == nil {
			return d
		}
	}
	return 15 * time.Minute
}

// property reads a cluster option from crm_config.
func (n *Node) property(name string) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	cc := cibedit.Section(n.doc, "crm_config")
	if cc == nil {
		return "", false
	}
	var v string
	found := false
	cc.Walk(func(e *xmltree.Element) bool {
		if e.Name == "nvpair" && e.Attr("name") == name {
			v, found = e.Attr("value"), true
		}
		return true
	})
	return v, found
}

func (n *Node) currentMembers() []string {
	var out []string
	for _, m := range n.mem.Members() {
		if n.configured(m.Name) {
			out = append(out, m.Name)
		}
	}
	return out
}

func (n *Node) ensureNodes(doc *xmltree.Document) bool {
	changed := false
	for _, nd := range n.cfg.Nodes {
		if cibedit.EnsureNode(doc, strconv.Itoa(nd.ID), nd.Name) {
			changed = true
		}
	}
	if len(n.cfg.Nodes) == 0 && cibedit.EnsureNode(doc, "1", n.name) {
		changed = true
	}
	return changed
}

// syncMember (DC) takes a member's CIB if it is newer (partition merge) and
// its operation history.
func (n *Node) syncMember(m string) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	r, err := n.rpc(ctx, m, &wireMsg{T: msgSync}, 3*time.Second)
	if err != nil {
		n.log.Warn("could not sync with member", "node", m, "err", err)
		return
	}
	theirs, err := xmltree.ParseString(r.CIB)
	adopted := false
	if err == nil {
		tv, verr := cib.ReadVersion(theirs.Root)
		n.mu.Lock()
		// Once the log holds a CIB every copy comes from it and none can
		// be newer; before that (a new cluster, or one from before the
		// log) the newest copy any node has on disk seeds it.
		if verr == nil && n.fsmVer == (cib.Version{}) && tv.Newer(n.ver) {
			n.log.Info("taking a newer CIB from a member to seed the log", "node", m, "theirs", tv.String(), "ours", n.ver.String())
			n.doc, n.ver = theirs, tv
			adopted = true
			// Its status section is that member's view (after a partition,
			// maybe one where this side was gone): re-take every member's
			// history and state.
			for k := range n.memberLRM {
				if k != m {
					delete(n.memberLRM, k)
				}
			}
		}
		n.mu.Unlock()
	}
	lrmEl, err := xmltree.ParseElement(r.LRM)
	if err != nil {
		n.log.Warn("member sent an unreadable operation history", "node", m, "err", err)
		lrmEl = xmltree.New("lrm")
	}
	n.commitStatus("member joined", func(doc *xmltree.Document) bool {
		n.ensureNodes(doc)
		cibedit.ReplaceLRM(doc, m, lrmEl)
		if n.leaving[m] { // n.mu is held by commit
			cibedit.ShutDown(doc, m)
			return true
		}
		cibedit.SetMember(doc, m, true)
		clearStaleShutdown(doc, m, n.memberUp[m]) // n.mu is held by commit
		if adopted {
			cibedit.ReplaceLRM(doc, n.name, n.localLRM())
			for _, o := range n.currentMembers() {
				cibedit.SetMember(doc, o, true)
			}
		}
		n.setQuorumAttrs(doc)
		return true
	})
	if adopted {
		n.mu.Lock()
		n.memberLRM[n.name] = true
		n.mu.Unlock()
	}
	n.mu.Lock()
	n.memberLRM[m] = true
	n.mu.Unlock()
	n.triggerController("node " + m + " joined")
}

func (n *Node) loseDC() {
	n.log.Info("this node is no longer the DC")
	n.mu.Lock()
	c := n.ctrl
	n.ctrl = nil
	n.dcReady = false
	n.mu.Unlock()
	if c != nil {
		c.Stop()
	}
}

func (n *Node) triggerController(why string) {
	n.mu.Lock()
	c := n.ctrl
	n.mu.Unlock()
	if c != nil {
		c.Trigger(why)
	}
}

// cibXML is the current CIB as text.
func (n *Node) cibXML() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return string(n.doc.Bytes(xmltree.WriteOptions{}))
}

// CIB returns a private copy of the current CIB.
func (n *Node) CIB() *xmltree.Document {
	n.mu.Lock()
	defer n.mu.Unlock()
	return &xmltree.Document{Prolog: n.doc.Prolog, Root: n.doc.Root.Clone(), Epilog: n.doc.Epilog}
}

// commit applies a change on the DC: edit a copy of the CIB the state
// machine holds (under n.mu, which edit functions rely on), bump the
// version, and propose the result through the log. It returns once a
// quorum has the change on disk and this node applied it; a DC without
// quorum gets no-quorum. edit returns whether it changed anything and
// whether the configuration changed.
func (n *Node) commit(client, user string, edit func(doc *xmltree.Document) (changed, config bool, err error)) (cib.Version, error) {
	n.writeMu.Lock()
	defer n.writeMu.Unlock()
	if !n.clog.IsLeader() {
		n.mu.Lock()
		v := n.ver
		n.mu.Unlock()
		return v, errNotDC
	}
	n.mu.Lock()
	base := n.fsmVer
	work := &xmltree.Document{Prolog: n.doc.Prolog, Root: n.doc.Root.Clone(), Epilog: n.doc.Epilog}
	changed, isConfig, err := edit(work)
	if err != nil || !changed {
		v := n.ver
		n.mu.Unlock()
		return v, err
	}
	n.mu.Unlock()
	ver, err := cib.ReadVersion(work.Root)
	if err != nil {
		return ver, fmt.Errorf("commit: %w", err)
	}
	if isConfig {
		ver = ver.BumpConfig()
		work.Root.SetAttr("cib-last-written", time.Now().Format("Mon Jan _2 15:04:05 2006"))
		work.Root.SetAttr("update-origin", n.name)
		if client != "" {
			work.Root.SetAttr("update-client", client)
		}
		if user != "" {
			work.Root.SetAttr("update-user", user)
		}
	} else {
		ver = ver.BumpStatus()
	}
	cib.WriteVersion(work.Root, ver)
	res, err := n.clog.Apply(cibEntry(base, work.Bytes(xmltree.WriteOptions{})), 10*time.Second)
	if err != nil {
		n.log.Warn("change not committed", "version", ver.String(), "err", err)
		if errors.Is(err, consensus.ErrNotLeader) {
			return base, errNotDC
		}
		return base, &protocol.Error{Code: protocol.CodeUnavailable, Message: "the change was not committed: " + err.Error()}
	}
	if e, ok := res.(error); ok {
		return base, &protocol.Error{Code: protocol.CodeUnavailable, Message: "the change was not committed: " + e.Error()}
	}
	return ver, nil
}

// errNotDC: a write reached a node that no longer leads the log (it lost
// its quorum, or a new DC was elected). Whether a change whose commit was
// under way survives is decided by the log; the client should re-read.
var errNotDC = &protocol.Error{Code: protocol.CodeNoQuorum,
	Message: "not-dc: this node lost the DC role (no quorum behind it); the change was not acknowledged, re-read and retry"}

// commitStatus is commit of a status-only change.
func (n *Node) commitStatus(why string, edit func(doc *xmltree.Document) bool) {
	_, err := n.commit("", "", func(doc *xmltree.Document) (bool, bool, error) {
		before := cibedit.Section(doc, "nodes")
		nb := 0
		if before != nil {
			nb = len(before.Children)
		}
		ch := edit(doc)
		after := cibedit.Section(doc, "nodes")
		return ch, after != nil && len(after.Children) != nb, nil
	})
	if err != nil {
		n.log.Error("status update failed", "why", why, "err", err)
	}
}

// persist writes the CIB to disk: at once (and fsynced) when wait is set,
// else soon, coalescing bursts of status updates.
func (n *Node) persist(data []byte, v cib.Version, wait bool) {
	n.saveMu.Lock()
	if !v.Newer(n.saved) && n.saved != (cib.Version{}) {
		n.saveMu.Unlock()
		return
	}
	if wait {
		defer n.saveMu.Unlock()
		if err := n.store.SaveBytes(data); err != nil {
			n.log.Error("saving the CIB failed", "err", err)
			return
		}
		n.saved = v
		return
	}
	n.saveData, n.saveVer = data, v
	n.saveMu.Unlock()
	select {
	case n.saveKick <- struct{}{}:
	default:
	}
}

func (n *Node) saveLoop() {
	defer n.wg.Done()
	for {
		select {
		case <-n.stopping:
			return
		case <-n.saveKick:
		}
		n.flushSave()
		// Coalesce: replicated copies and status updates reach the disk at
		// most twice a second, leaving the journal to the DC's
		// acknowledged configuration writes (the cluster's copy is the
		// authority; a member that crashes takes it again when it joins).
		select {
		case <-n.stopping:
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func (n *Node) flushSave() {
	n.saveMu.Lock()
	defer n.saveMu.Unlock()
	if n.saveData == nil || !n.saveVer.Newer(n.saved) {
		n.saveData = nil
		return
	}
	if err := n.store.SaveBytes(n.saveData); err != nil {
		n.log.Error("saving the CIB failed", "err", err)
		return
	}
	n.saved = n.saveVer
	n.saveData = nil
}

func parseInterval(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	return 0, fmt.Errorf("bad interval %q", s)
}

// goneCh is closed when node leaves the membership (rpc gives up at once
// instead of waiting out a timeout).
func (n *Node) goneCh(node string) <-chan struct{} {
	n.goneMu.Lock()
	defer n.goneMu.Unlock()
	ch, ok := n.gone[node]
	if !ok {
		ch = make(chan struct{})
		n.gone[node] = ch
	}
	return ch
}

func (n *Node) nodeGone(node string) {
	n.goneMu.Lock()
	defer n.goneMu.Unlock()
	if ch, ok := n.gone[node]; ok {
		close(ch)
		delete(n.gone, node)
	}
}
