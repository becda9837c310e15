package scheduler

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/iso8601"
	"pacer/share/score"
	"pacer/share/xmltree"
)

// histOp is one recorded operation.
type histOp struct {
	e        *xmltree.Element
	id       string
	task     string
	interval time.Duration
	callID   int
	rc       int
	status   int
	target   int
	lastRC   time.Time
	digest   string
	pending  bool
}

// rscHistory is a resource's operation history on one node.
type rscHistory struct {
	node         *Node
	ops          []*histOp
	last         *histOp // last op that decided the state
	failures     []*histOp
	monitors     map[time.Duration]*histOp // latest recurring monitors, active
	lastStart    *histOp
	notInstalled bool
}

func atoiDef(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

func parseHistOp(e *xmltree.Element) *histOp {
	h := &histOp{e: e, id: e.ID(), task: e.Attr("operation")}
	h.interval = time.Duration(atoiDef(e.Attr("interval"), 0)) * time.Millisecond
	h.callID = atoiDef(e.Attr("call-id"), -1)
	h.rc = atoiDef(e.Attr("rc-code"), 0)
	h.status = atoiDef(e.Attr("op-status"), 0)
	h.target = -1
	if tk := e.Attr("transition-key"); tk != "" {
		parts := strings.Split(tk, ":")
		if len(parts) >= 3 {
			h.target = atoiDef(parts[2], -1)
		}
	}
	if v := e.Attr("last-rc-change"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			h.lastRC = time.Unix(n, 0).UTC()
		}
	}
	h.digest = e.Attr("op-digest")
	h.pending = h.status == -1 || h.callID == -1
	return h
}

// isProbe reports whether the op is a one-shot monitor.
func (h *histOp) isProbe() bool { return h.task == "monitor" && h.interval == 0 }

// unpackStatus reads the operation history of every node whose history
// counts: online nodes, and unclean nodes (they may still run things).
func (c *cluster) unpackStatus() {
	st := c.root.Child("status")
	if st == nil {
		return
	}
	for _, ns := range st.ChildrenNamed("node_state") {
		n := c.byID[ns.Attr("id")]
		if n == nil {
			n = c.byName[ns.Attr("uname")]
		}
		if n == nil {
			continue
		}
		lrm := ns.Child("lrm")
		if lrm == nil {
			continue
		}
		lrs := lrm.Child("lrm_resources")
		if lrs == nil {
			continue
		}
		for _, le := range lrs.ChildrenNamed("lrm_resource") {
			r := c.historyResource(le, n)
			if r == nil {
				continue
			}
			if r.instOf != nil && le.ID() != r.ID {
				r.histID = le.ID()
			}
			c.unpackRscHistory(r, n, le)
		}
	}
	for _, r := range c.allList {
		c.settleMigrations(r)
	}
	for _, r := range c.allList {
		c.failCounts(r)
	}
	// Failures of what runs inside a container count against the container.
	for _, r := range c.allList {
		ct := c.all[r.Meta["container"]]
		if ct == nil || ct == r || r.Kind != Primitive {
			continue
		}
		for n, fc := range r.failCount {
			if ct.failCount == nil {
				ct.failCount = map[*Node]int{}
			}
			ct.failCount[n] += fc
		}
	}
}

// historyResource finds (or creates, for clone instances and orphans) the
// resource an lrm_resource entry on n belongs to.
func (c *cluster) historyResource(le *xmltree.Element, n *Node) *Resource {
	id := le.ID()
	if r := c.all[id]; r != nil {
		if r.Kind != Primitive {
			return nil
		}
		if r.instOf != nil {
			// "rsc:N" names an instance: a unique clone's own, an
			// anonymous clone's only a hint
			r = r.instOf
		}
		if r.cloneOf() == nil {
			return r
		}
		// nil: a unique clone's history without an instance number
		return c.historyInstance(r, id, n)
	} else if i := strings.LastIndexByte(id, ':'); i > 0 {
		if r := c.all[id[:i]]; r != nil && r.Kind == Primitive && r.instOf == nil && r.cloneOf() != nil {
			if inst := c.historyInstance(r, id, n); inst != nil {
				return inst
			}
		}
	}
	// Orphan: in the status but no longer configured.
	r := &Resource{ID: id, Kind: Primitive, Orphan: true, Class: le.Attr("class"), Provider: le.Attr("provider"), Type: le.Attr("type"),
		Meta: map[string]string{}, Params: map[string]string{}, Util: map[string]int{}}
	merge(r.Meta, c.rscDefaults)
	c.resMeta(r)
	c.addRsc(r)
	c.resources = append(c.resources, r)
	return r
}

func (c *cluster) unpackRscHistory(r *Resource, n *Node, le *xmltree.Element) {
	if r.Probed == nil {
		r.Probed = map[*Node]bool{}
		r.history = map[*Node]*rscHistory{}
	}
	r.Probed[n] = true
	if c.opts.ShutdownLock && !n.Online && !n.Unclean && r.Class != "stonith" && !r.inCollective() {
		// Resources stopped by a clean shutdown stay with their node until
		// it returns or shutdown-lock-limit passes.
		if v := le.Attr("shutdown-lock"); v != "" {
			if t, err := strconv.ParseInt(v, 10, 64); err == nil {
				lim := c.opts.ShutdownLockLimit
				if lim == 0 || c.now.Before(time.Unix(t, 0).Add(lim)) {
					r.lockNode = n
				}
			}
		}
	}
	offline := !n.Online && !n.Unclean && !n.Maintenance && !n.Pending
	if offline && !c.opts.FencingEnabled {
		// Without fencing a node that is down runs nothing.
		return
	}
	h := &rscHistory{node: n, monitors: map[time.Duration]*histOp{}}
	if !r.Orphan && le.Attr("type") != "" && (le.Attr("type") != r.Type || le.Attr("class") != r.Class || le.Attr("provider") != r.Provider) {
		// the history is of another agent than the one configured now
		r.agentChangedOn = append(r.agentChangedOn, n)
	}
	// Fencing settles whatever failed on a node that is already unclean.
	fencedAnyway := n.Unclean || offline
	r.history[n] = h
	seen := map[string]bool{}
	for _, oe := range le.ChildrenNamed("lrm_rsc_op") {
		op := parseHistOp(oe)
		key := op.id + "/" + strconv.Itoa(op.callID)
		if seen[key] {
			continue
		}
		seen[key] = true
		h.ops = append(h.ops, op)
	}
	sort.SliceStable(h.ops, func(i, j int) bool {
		a, b := h.ops[i], h.ops[j]
		if a.pending != b.pending {
			return !a.pending
		}
		if a.callID != b.callID {
			return a.callID < b.callID
		}
		return !strings.Contains(a.id, "_last_failure_") && strings.Contains(b.id, "_last_failure_")
	})
	role := "Stopped"
	failed := false
	hardFail := false
	agentMissing := false
	var hardNode *Node
	var failOp *histOp
	for _, op := range h.ops {
		switch op.task {
		case "notify", "meta-data", "reload-agent", "reload":
			continue
		}
		if op.status == 1 { // cancelled
			continue
		}
		if op.pending {
			r.Pending = op.task
			r.pendingProbe = op.isProbe()
			switch op.task {
			case "start":
				role = "Started"
				// The start runs with the parameters it was sent with:
				// a change since then is a definition change.
				h.lastStart = op
			case "stop", "migrate_to", "migrate_from":
				role = "Started"
			case "promote", "demote":
				role = "Promoted"
			}
			h.last = op
			continue
		}
		expected := op.target
		if expected < 0 {
			expected = 0
			if op.isProbe() {
				expected = 7
			}
		}
		rc := op.rc
		switch rc { // degraded results count as success
		case 190:
			rc = 0
		case 191:
			rc = 8
		}
		// an error status with the expected rc is an old way of saying done
		done := op.status == 0 || (op.status == 4 && rc == expected)
		ok := done && (rc == expected || (op.isProbe() && (rc == 0 || rc == 7 || rc == 8)))
		if op.status == 0 && op.task == "monitor" && op.interval > 0 && rc == 0 && expected == 8 {
			ok = false
		}
		if op.status == 0 && rc == 7 && op.task == "stop" {
			ok = true
		}
		if op.isProbe() && rc == 7 && op.status != 2 {
			// old histories mark "not running" probes with an error status
			ok = true
		}
		// An expired failure no longer counts.
		if !ok && r.FailureTimeout > 0 && !op.lastRC.IsZero() && !c.now.Before(op.lastRC.Add(r.FailureTimeout)) {
			if op.task == "stop" {
				// The stop failed, so it may still run; the failure
				// itself no longer counts.
				role = "Started"
				h.last = op
			}
			continue
		}
		if ok {
			switch op.task {
			case "start", "migrate_from":
				role = "Started"
				if rc == 7 {
					// "not running" was what the transition expected:
					// whatever ran, the resource is stopped here.
					role = "Stopped"
				}
				failed = false
				h.lastStart = op
				h.monitors = map[time.Duration]*histOp{}
			case "stop", "migrate_to":
				role = "Stopped"
				failed = false
				h.monitors = map[time.Duration]*histOp{}
			case "promote":
				role = "Promoted"
			case "demote":
				role = "Unpromoted"
			case "monitor":
				switch rc {
				case 0:
					if role == "Stopped" || op.isProbe() {
						role = "Started"
					}
					if op.isProbe() {
						h.lastStart = op
					}
					if r.promotable() && role == "Started" {
						role = "Unpromoted"
					}
				case 8:
					role = "Promoted"
				case 7:
					role = "Stopped"
					if op.isProbe() {
						failed = false
					}
				}
				if op.interval > 0 {
					h.monitors[op.interval] = op
				}
			}
			h.last = op
			continue
		}
		// failure
		if op.task == "migrate_to" {
			// The resource may be partly active on the migration target.
			if t := c.byName[op.e.Attr("migrate_target")]; t != nil {
				r.partialOn = append(r.partialOn, t)
			}
		}
		if rc == 6 {
			// not configured: no node can run it
			r.banAll = true
		}
		if op.isProbe() && (rc == 5 || op.status == 7) {
			// agent not installed: not running here, and never can be
			role = "Stopped"
			h.notInstalled = true
			continue
		}
		h.failures = append(h.failures, op)
		failOp = op
		failed = true
		if op.task == "stop" {
			// a resource that failed to stop somewhere may not start
			// there again (its score there is -INFINITY)
			r.stopFailedOn = append(r.stopFailedOn, n)
		}
		if rc == 4 || rc == 5 || op.status == 7 {
			// a hard error: this node can never run it (unless the
			// failure is ignored and the agent itself did run)
			hardFail = true
			hardNode = n
			agentMissing = op.status == 7
		}
		switch op.task {
		case "start":
			role = "Started"
		case "stop":
			role = "Started"
		case "monitor":
			if op.isProbe() {
				if rc == 8 || rc == 9 {
					role = "Promoted"
				} else {
					role = "Started"
				}
			} else if role == "Stopped" {
				role = "Started"
			}
			if op.interval > 0 {
				h.monitors[op.interval] = op
			}
		case "promote":
			role = "Promoted"
		case "demote":
			// a failed demote is recovered from the unpromoted role
			role = "Unpromoted"
		case "migrate_from", "migrate_to":
			// a half-done migration may have left it running here
			role = "Started"
		}
		h.last = op
	}
	if failed && failOp != nil && failOp.task == "demote" && h.last == failOp && c.onFail(r, "demote", failOp.interval) == "block" {
		// blocked where the demote failed: still promoted as far as anyone knows
		role = "Promoted"
	}
	if h.notInstalled {
		r.banNodes = append(r.banNodes, n)
	}
	if role != "Stopped" && offline && r.Managed {
		// A down node whose history says the resource still runs there
		// must be fenced before the resource counts as stopped. Not for
		// an unmanaged one: the cluster neither stops nor recovers it, so
		// its state on a node that left cleanly is no reason to fence.
		if !n.Unclean {
			n.Unclean = true
			n.FenceReason = r.ID + " is thought to be active there"
		}
	}
	if role != "Stopped" {
		r.Running = append(r.Running, n)
		if r.Role == "" || r.Role == "Stopped" || role == "Promoted" {
			r.Role = role
		}
	} else if r.Role == "" {
		r.Role = "Stopped"
	}
	if failed && failOp != nil && !fencedAnyway {
		of := c.onFail(r, failOp.task, failOp.interval)
		if failOp.isProbe() {
			of = c.onFail(r, "monitor", 0)
			if of == "fence" || of == "block" {
				of = "restart"
			}
		}
		if hardFail && of == "ignore" && agentMissing {
			of = "restart"
		}
		if hardFail && of != "ignore" {
			r.banNodes = append(r.banNodes, hardNode)
		}
		if of == "ignore" || of == "restart-container" {
			// an ignored failure bans nothing
			r.stopFailedOn = slices.DeleteFunc(r.stopFailedOn, func(x *Node) bool { return x == n })
		}
		switch of {
		case "restart-container":
			if failOp.task == "stop" {
				// the container's restart stops it
				r.failIgnored = true
				r.containerFailedOn = append(r.containerFailedOn, n)
				if k := len(r.Running); k > 0 && r.Running[k-1] == n {
					r.Running = r.Running[:k-1]
				}
				return
			}
		case "ignore":
			r.failIgnored = true
			if failOp.task == "stop" {
				// An ignored failed stop counts as stopped.
				if k := len(r.Running); k > 0 && r.Running[k-1] == n {
					r.Running = r.Running[:k-1]
				}
				if len(r.Running) == 0 {
					r.Role = "Stopped"
				}
			}
			return
		case "block":
			r.Blocked = true
		case "fence":
			if !n.Unclean {
				n.Unclean = true
				n.FenceReason = r.ID + " failed there"
			}
		case "standby":
			n.StandbyFail = true
		case "stop":
			r.stopOnFail = true
		case "demote":
			if role == "Promoted" && r.promotable() && (failOp.task == "promote" || failOp.task == "monitor" && failOp.interval > 0) {
				// recovered by demoting it where it is, not by a restart
				r.demoteOnFail = true
				return
			}
		}
		if role != "Stopped" {
			r.Failed = true
			if r.FailedOn == nil {
				r.FailedOn = map[*Node]bool{}
			}
			r.FailedOn[n] = true
		}
	}
}

// failCounts turns fail-count node attributes into bans (migration-threshold).
func (c *cluster) failCounts(r *Resource) {
	if r.Kind != Primitive {
		return
	}
	for _, n := range c.nodes {
		fc, last := c.failCount(r, n)
		if fc <= 0 {
			continue
		}
		if r.FailureTimeout > 0 && !last.IsZero() && !c.now.Before(last.Add(r.FailureTimeout)) {
			// expired: the controller clears it
			if r.expired == nil {
				r.expired = map[*Node]bool{}
			}
			r.expired[n] = true
			continue
		}
		if r.failCount == nil {
			r.failCount = map[*Node]int{}
		}
		r.failCount[n] = fc
	}
}

// anyInstance prefixes the index key of the failure attributes of every
// numbered instance of a primitive.
const anyInstance = "\x00"

// failAttr is one fail-count-* or last-failure-* node attribute.
type failAttr struct {
	rest  string // what follows the prefix: RSC or RSC#OP_INTERVAL
	value string
	count bool
}

// failAttrs indexes a node's fail-count and last-failure attributes by
// resource id (the part before '#'), built once per node.
func (c *cluster) failAttrs(n *Node) map[string][]failAttr {
	if c.failIdx == nil {
		c.failIdx = map[*Node]map[string][]failAttr{}
	}
	if m, ok := c.failIdx[n]; ok {
		return m
	}
	m := map[string][]failAttr{}
	for k, v := range n.Attrs {
		var rest string
		var isFC bool
		switch {
		case strings.HasPrefix(k, "fail-count-"):
			rest, isFC = k[len("fail-count-"):], true
		case strings.HasPrefix(k, "last-failure-"):
			rest = k[len("last-failure-"):]
		default:
			continue
		}
		id := rest
		if i := strings.IndexByte(rest, '#'); i >= 0 {
			id = rest[:i]
		}
		m[id] = append(m[id], failAttr{rest, v, isFC})
		if i := strings.LastIndexByte(id, ':'); i > 0 && atoiDef(id[i+1:], -1) >= 0 {
			// also under the primitive's id: an anonymous clone's
			// failures count whichever instance number they name
			m[anyInstance+id[:i]] = append(m[anyInstance+id[:i]], failAttr{rest, v, isFC})
		}
	}
	c.failIdx[n] = m
	return m
}

// failCount sums the fail-count attributes of r on n and returns the
// latest last-failure. An anonymous clone instance counts the failures
// recorded under any instance number of its primitive.
func (c *cluster) failCount(r *Resource, n *Node) (int, time.Time) {
	if cl := r.cloneOf(); r.instOf != nil && cl != nil && !cl.clone.unique {
		return c.failCountOf([]string{r.instOf.ID, anyInstance + r.instOf.ID}, n)
	}
	return c.recordedFailCount(r, n)
}

// recordedFailCount sums the fail-count attributes named after r (or, for
// "rsc:N", after rsc) on n, as the status shows them.
func (c *cluster) recordedFailCount(r *Resource, n *Node) (int, time.Time) {
	ids := []string{r.ID}
	if i := strings.LastIndexByte(r.ID, ':'); i > 0 {
		ids = append(ids, r.ID[:i])
	}
	return c.failCountOf(ids, n)
}

func (c *cluster) failCountOf(ids []string, n *Node) (int, time.Time) {
	total := score.Score(0)
	var last time.Time
	idx := c.failAttrs(n)
	for _, id := range ids {
		for _, a := range idx[id] {
			if a.count {
				s, _ := score.Lenient(a.value)
				total = score.Add(total, s)
			} else if t, err := strconv.ParseInt(a.value, 10, 64); err == nil {
				if tt := time.Unix(t, 0).UTC(); tt.After(last) {
					last = tt
				}
			}
		}
	}
	return int(total), last
}

var _ = iso8601.ParseInterval

// settleMigrations looks at a live migration whose migrate_to succeeded
// last on the source: it is complete once the target runs the resource;
// while the target, up, has not run migrate_from yet, it is only half
// done and goes on from there. When the target is down or its migrate_from failed, the resource never
// left the source, and is failed there (it is recovered).
func (c *cluster) settleMigrations(r *Resource) {
	if r.Kind != Primitive || r.history == nil {
		return
	}
	for _, src := range c.nodes {
		h := r.history[src]
		if h == nil || h.last == nil {
			continue
		}
		op := h.last
		if op.task == "migrate_to" && !op.pending && (op.rc != 0 || op.status != 0) {
			continue
		}
		if mt := doneMigrateTo(h); mt != nil && mt != op && op.task == "stop" && !r.runningOn(src) {
			// Migrated, then stopped on the source: the target runs it
			// unless it has done something with it since.
			tgt := c.byName[mt.e.Attr("migrate_target")]
			if tgt != nil && tgt != src && tgt.Online && !tgt.Unclean && !r.runningOn(tgt) && !newerOn(r.history[tgt], mt) {
				r.Running = append(r.Running, tgt)
				if r.Role == "" || r.Role == "Stopped" {
					r.Role = "Started"
				}
				// with no migrate_from on record it does not migrate
				// again: it moves by stop and start
				r.unsettled = true
			}
			continue
		}
		if mt := failedMigrateTo(h); mt != nil && !r.runningOn(src) {
			// A failed migrate_to may have left the resource active on
			// the target, unless the target has done something with
			// it since: it is stopped there (and started again, if it
			// is to run there).
			tgt := c.byName[mt.e.Attr("migrate_target")]
			if tgt != nil && tgt != src && tgt.Online && !tgt.Unclean && !r.runningOn(tgt) && !newerOn(r.history[tgt], mt) {
				r.Running = append(r.Running, tgt)
				if r.Role == "" || r.Role == "Stopped" {
					r.Role = "Started"
				}
				if r.restartNeed == nil {
					r.restartNeed = map[*Node]string{}
				}
				r.restartNeed[tgt] = ""
			}
			continue
		}
		if op.task != "migrate_to" || op.pending || op.rc != 0 || op.status != 0 {
			continue
		}
		tgt := c.byName[op.e.Attr("migrate_target")]
		if tgt == nil || tgt == src || r.runningOn(tgt) || r.runningOn(src) {
			continue
		}
		failedFrom, triedFrom := false, false
		if ht := r.history[tgt]; ht != nil {
			for _, o := range ht.ops {
				if o.task == "migrate_from" {
					triedFrom = true
					if !o.pending && (o.rc != 0 || o.status != 0) {
						failedFrom = true
					}
				}
			}
		}
		if tgt.Online && !tgt.Unclean && !triedFrom {
			// Half way: the migration goes on with migrate_from on the
			// target when the resource is to run there.
			r.Running = append(r.Running, src)
			if r.Role == "" || r.Role == "Stopped" {
				r.Role = "Started"
			}
			r.partialTarget = tgt
			continue
		}
		if tgt.Online && !failedFrom {
			continue
		}
		r.Running = append(r.Running, src)
		if r.Role == "" || r.Role == "Stopped" {
			r.Role = "Started"
		}
		r.Failed = true
		if r.FailedOn == nil {
			r.FailedOn = map[*Node]bool{}
		}
		r.FailedOn[src] = true
	}
}

// failedMigrateTo is the last failed migrate_to in h, if any.
func failedMigrateTo(h *rscHistory) *histOp {
	var out *histOp
	for _, f := range h.failures {
		if f.task == "migrate_to" {
			out = f
		}
	}
	return out
}

// newerOn reports whether h (the migration target's history) has an
// operation later than the failed migrate_to mt.
func newerOn(h *rscHistory, mt *histOp) bool {
	if h == nil {
		return false
	}
	for _, o := range h.ops {
		if !o.lastRC.IsZero() && !mt.lastRC.IsZero() {
			if o.lastRC.After(mt.lastRC) {
				return true
			}
			continue
		}
		switch o.task {
		case "stop", "start", "migrate_from":
			return true
		}
	}
	return false
}

// doneMigrateTo is the last successful migrate_to in h, if any.
func doneMigrateTo(h *rscHistory) *histOp {
	var out *histOp
	for _, o := range h.ops {
		if o.task == "migrate_to" && !o.pending && o.rc == 0 && o.status == 0 {
			out = o
		}
	}
	return out
}
