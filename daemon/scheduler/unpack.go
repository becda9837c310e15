package scheduler

import (
	"fmt"
	"pacer/share/options"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/iso8601"
	"pacer/share/score"
	"pacer/share/xmltree"
)

// Options are the cluster options the scheduler uses.
type Options struct {
	FencingEnabled     bool
	FencingAction      string
	Symmetric          bool
	NoQuorumPolicy     string
	StopOrphans        bool
	StopOrphanActions  bool
	StartFailureFatal  bool
	MaintenanceMode    bool
	StopAll            bool
	PlacementStrategy  string
	StartupFencing     bool
	HealthStrategy     string
	HealthRed          score.Score
	HealthYellow       score.Score
	HealthGreen        score.Score
	HealthBase         score.Score
	ShutdownLock       bool
	ShutdownLockLimit  time.Duration
	ConcurrentFencing  bool
	DefaultStickiness  score.Score
	ClusterDelay       time.Duration
	FencingTimeout     time.Duration
	PriorityFenceDelay time.Duration
	HaveQuorum         bool
	Raw                map[string]string
}

// cluster is the working set of one scheduler run.
type cluster struct {
	root *xmltree.Element
	now  time.Time
	// showScores keeps what crm_simulate -s prints along the way
	showScores bool
	scoreLog   []string
	opts       Options
	// noFencingDevice: fencing is enabled but no device is configured, so
	// nothing starts and no node can be fenced (withoutFencingDevices).
	noFencingDevice bool
	nodes           []*Node
	byName          map[string]*Node
	byID            map[string]*Node

	resources []*Resource // top level, configuration order
	all       map[string]*Resource
	allList   []*Resource
	templates map[string]*xmltree.Element
	tags      map[string][]string

	rscDefaults  map[string]string
	opDefaults   map[string]string
	opDefaultsE  *xmltree.Element
	rscDefaultsE *xmltree.Element

	locations   []*Location
	colocations []*Colocation
	orderings   []*Ordering
	tickets     []*TicketDep
	ticketState map[string]*ticketState

	dc       *Node
	warnings []string

	actions             []*action
	orders              []*order
	summary             []string
	fenceOps            map[*Node]*action
	allStopped          *action
	stonithDone         *action
	hasStonithRsc       bool
	digests             map[string]string
	anyOf               []*anyOrder
	assignedCount       map[*Node]int
	usage               map[*Node]map[string]int
	colByDep, colByPrim map[*Resource][]*Colocation
	locByRsc            map[*Resource][]*Location
	failIdx             map[*Node]map[string][]failAttr
	msText              map[time.Duration]string
	unfenceOps          map[*Node]*action
	reunfence           map[*Node]bool // nodes to unfence again (a device changed)

	// Actions and orderings are carved from chunks: a large cluster has
	// one probe (and its ordering) per resource and node.
	actionSlab []action
	orderSlab  []order
}

// unpackOptions reads crm_config through share/options' cluster table:
// 3.x names and their 2.x aliases, Pacemaker's defaults, and an invalid
// value read as the default, as Pacemaker does. Scores are read leniently
// ("10abc" is 10), as Pacemaker's scheduler reads them.
func (c *cluster) unpackOptions() {
	cfg := c.root.Child("configuration")
	raw := map[string]string{}
	if cfg != nil {
		raw = unpackNVSets(cfg.Child("crm_config"), "cluster_property_set", &ruleCtx{now: c.now}, c.root)
	}
	c.opts.Raw = raw
	v := options.ClusterOptions.Bind(raw)
	lenient := func(name string, def score.Score) score.Score {
		if s, ok := v.Raw(name); ok {
			n, _ := score.Lenient(s)
			return n
		}
		return def
	}
	o := &c.opts
	o.FencingEnabled = v.Bool("fencing-enabled")
	o.FencingAction = v.String("fencing-action")
	if o.FencingAction == "poweroff" {
		o.FencingAction = "off"
	}
	o.Symmetric = v.Bool("symmetric-cluster")
	o.NoQuorumPolicy = v.String("no-quorum-policy")
	if o.NoQuorumPolicy == "suicide" {
		o.NoQuorumPolicy = "fence"
	}
	o.StopOrphans = v.Bool("stop-removed-resources")
	o.StopOrphanActions = v.Bool("cancel-removed-actions")
	o.StartFailureFatal = v.Bool("start-failure-is-fatal")
	o.MaintenanceMode = v.Bool("maintenance-mode")
	o.StopAll = v.Bool("stop-all-resources")
	o.PlacementStrategy = v.String("placement-strategy")
	o.StartupFencing = v.Bool("startup-fencing")
	o.HealthStrategy = v.String("node-health-strategy")
	o.HealthRed, o.HealthYellow, o.HealthGreen = 0, 0, 0
	switch o.HealthStrategy {
	case "migrate-on-red":
		o.HealthRed = score.MinusInfinity
	case "only-green":
		o.HealthRed, o.HealthYellow = score.MinusInfinity, score.MinusInfinity
	case "progressive", "custom":
		o.HealthRed = lenient("node-health-red", v.Score("node-health-red"))
		o.HealthYellow = lenient("node-health-yellow", 0)
		o.HealthGreen = lenient("node-health-green", 0)
	}
	o.HealthBase = lenient("node-health-base", 0)
	o.ShutdownLock = v.Bool("shutdown-lock")
	o.ShutdownLockLimit = v.Duration("shutdown-lock-limit")
	o.ConcurrentFencing = v.Bool("concurrent-fencing")
	// Pacemaker 1.x's cluster-wide stickiness, still found in old CIBs
	// (not in the 3.x table, so read as it is).
	if s, ok := raw["default-resource-stickiness"]; ok {
		o.DefaultStickiness, _ = score.Lenient(s)
	}
	o.ClusterDelay = v.Duration("cluster-delay")
	o.FencingTimeout = v.Duration("fencing-timeout")
	o.PriorityFenceDelay = v.Duration("priority-fencing-delay")
	o.HaveQuorum = options.IsTrue(c.root.Attr("have-quorum"))
}

func (c *cluster) unpackNodes() {
	cfg := c.root.Child("configuration")
	var nodesE *xmltree.Element
	if cfg != nil {
		nodesE = cfg.Child("nodes")
	}
	c.byName = map[string]*Node{}
	c.byID = map[string]*Node{}
	if nodesE == nil {
		return
	}
	for _, ne := range nodesE.ChildrenNamed("node") {
		t := ne.Attr("type")
		if t == "ping" || t == "remote" {
			continue
		}
		n := &Node{ID: ne.Attr("id"), Name: ne.Attr("uname"), Index: len(c.nodes), Attrs: map[string]string{}, Util: map[string]int{}}
		if n.Name == "" {
			n.Name = n.ID
		}
		// a node's own score is where every resource's score there starts
		n.Base, _ = score.Lenient(ne.Attr("score"))
		ctx := &ruleCtx{now: c.now, nodeAttrs: map[string]string{"#uname": n.Name, "#id": n.ID}}
		merge(n.Attrs, unpackNVSets(ne, "instance_attributes", ctx, c.root))
		for k, v := range unpackNVSets(ne, "utilization", ctx, c.root) {
			iv, _ := strconv.Atoi(v)
			n.Util[k] = iv
		}
		c.nodes = append(c.nodes, n)
		c.byName[n.Name] = n
		c.byID[n.ID] = n
	}
	dcUUID := c.root.Attr("dc-uuid")
	st := c.root.Child("status")
	for _, n := range c.nodes {
		n.Attrs["#uname"] = n.Name
		n.Attrs["#id"] = n.ID
		n.Attrs["#kind"] = "cluster"
		if n.ID == dcUUID {
			n.DC = true
			c.dc = n
		}
		n.Attrs["#is_dc"] = strconv.FormatBool(n.DC)
		if v, ok := c.opts.Raw["cluster-name"]; ok {
			n.Attrs["#cluster-name"] = v
		}
	}
	if st != nil {
		for _, ns := range st.ChildrenNamed("node_state") {
			n := c.byID[ns.Attr("id")]
			if n == nil {
				n = c.byName[ns.Attr("uname")]
			}
			if n == nil {
				continue
			}
			n.HasState = true
			if ta := ns.Child("transient_attributes"); ta != nil {
				ctx := &ruleCtx{now: c.now}
				merge(n.Attrs, unpackNVSets(ta, "instance_attributes", ctx, c.root))
				for k, v := range unpackNVSets(ta, "utilization", ctx, c.root) {
					iv, _ := strconv.Atoi(v)
					n.Util[k] = iv
				}
			}
			c.nodeStatus(n, ns)
		}
	}
	for _, n := range c.nodes {
		if !n.HasState {
			// Never seen: with startup-fencing it might be running anything.
			if c.opts.FencingEnabled && c.opts.StartupFencing {
				n.Unclean = true
				n.FenceReason = "node is unclean"
			}
		}
		if options.IsTrue(n.Attrs["standby"]) {
			n.Standby = true
		}
		if options.IsTrue(n.Attrs["maintenance"]) {
			n.Maintenance = true
		}
		if v := n.Attrs["shutdown"]; v != "" && v != "0" && n.Online {
			n.Shutdown = true
		}
		if c.opts.HealthStrategy != "none" && c.opts.HealthStrategy != "" {
			n.Health = c.nodeHealth(n)
		}
	}
}

func (c *cluster) nodeHealth(n *Node) score.Score {
	var total score.Score = c.opts.HealthBase
	keys := make([]string, 0)
	for k := range n.Attrs {
		if strings.HasPrefix(k, "#health") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.ToLower(n.Attrs[k])
		var s score.Score
		switch v {
		case "red":
			s = c.opts.HealthRed
		case "yellow":
			s = c.opts.HealthYellow
		case "green":
			s = c.opts.HealthGreen
		default:
			s, _ = score.Lenient(v)
		}
		total = score.Add(total, s)
	}
	return total
}

// stateFlag reads in_ccm/crmd values: "true"/"online" or (3.x) a timestamp.
func stateFlag(v string, word string) bool {
	if v == word || options.IsTrue(v) {
		return true
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return true
	}
	return false
}

func (c *cluster) nodeStatus(n *Node, ns *xmltree.Element) {
	inCCMv, ccmKnown := ns.AttrOK("in_ccm")
	inCCM := stateFlag(inCCMv, "true")
	crmd := stateFlag(ns.Attr("crmd"), "online")
	join := ns.Attr("join")
	expected := ns.Attr("expected")
	n.ExpectedUp = expected == "member"
	terminate := false
	if v := n.Attrs["terminate"]; v != "" && v != "0" && !strings.EqualFold(v, "false") {
		terminate = true
	}
	n.Terminate = terminate
	if !c.opts.FencingEnabled {
		// Without fencing a node is simply up or down: one that has not
		// joined yet is down (never "pending"), so nothing waits for it.
		n.Online = inCCM && crmd && join == "member"
		return
	}
	switch {
	case inCCM && crmd && join == "member":
		n.Online = true
		if terminate {
			n.Unclean, n.FenceReason = true, "termination was requested"
		}
	case !ccmKnown && !inCCM:
		n.Unclean, n.FenceReason = true, "peer has not been seen by the cluster"
	case join == "banned" || join == "nack":
		n.Online = inCCM && crmd
		n.Unclean, n.FenceReason = true, "peer failed Pacemaker membership criteria"
	case !terminate && (expected == "down" || expected == ""):
		// not expected up (no expected state counts as down): coming up,
		// or gone cleanly; never fenced for being away
		if inCCM || crmd {
			n.Pending = true
		}
	case terminate && join == "down" && !inCCM && !crmd:
		// just fenced
	case !inCCM:
		shuttingDown := n.Attrs["shutdown"] != "" && n.Attrs["shutdown"] != "0"
		if !crmd && (join == "down" || join == "") && (expected != "member" || shuttingDown) {
			// cleanly gone (a node still expected up that went away
			// without shutting down is no longer part of the cluster)
			return
		}
		if crmd && join != "member" && expected != "member" {
			// its controller is up but it has not joined yet
			n.Pending = true
			return
		}
		n.Unclean, n.FenceReason = true, "peer is no longer part of the cluster"
	case !crmd:
		// A member whose controller is gone, while still expected up, is
		// fenced whatever its join state says (a controller that stopped
		// cleanly would have set expected="down" first).
		n.Online = true
		n.Unclean, n.FenceReason = true, "peer process is no longer available"
	case join == "pending" || join == "down" || join == "":
		n.Pending = true
	default:
		n.Online = true
		n.Unclean, n.FenceReason = true, "peer was in an unknown state"
	}
}

// unpackResources reads the resources section.
func (c *cluster) unpackResources() error {
	c.all = map[string]*Resource{}
	c.templates = map[string]*xmltree.Element{}
	c.tags = map[string][]string{}
	cfg := c.root.Child("configuration")
	if cfg == nil {
		return fmt.Errorf("cib has no configuration section")
	}
	ctx := &ruleCtx{now: c.now}
	if d := cfg.Child("rsc_defaults"); d != nil {
		c.rscDefaultsE = d
		c.rscDefaults = unpackNVSets(d, "meta_attributes", ctx, c.root)
	} else {
		c.rscDefaults = map[string]string{}
	}
	if d := cfg.Child("op_defaults"); d != nil {
		c.opDefaultsE = d
		c.opDefaults = unpackNVSets(d, "meta_attributes", ctx, c.root)
	} else {
		c.opDefaults = map[string]string{}
	}
	if tg := cfg.Child("tags"); tg != nil {
		for _, t := range tg.ChildrenNamed("tag") {
			for _, r := range t.ChildrenNamed("obj_ref") {
				c.tags[t.ID()] = append(c.tags[t.ID()], r.ID())
			}
		}
	}
	res := cfg.Child("resources")
	if res == nil {
		return nil
	}
	for _, e := range res.ChildrenNamed("template") {
		c.templates[e.ID()] = e
	}
	for _, e := range res.Children {
		r, err := c.unpackResource(e, nil)
		if err != nil {
			return err
		}
		if r != nil {
			c.resources = append(c.resources, r)
		}
	}
	return nil
}

func (c *cluster) addRsc(r *Resource) {
	r.Index = len(c.allList)
	c.allList = append(c.allList, r)
	c.all[r.ID] = r
}

func (c *cluster) unpackResource(e *xmltree.Element, parent *Resource) (*Resource, error) {
	r := &Resource{ID: e.ID(), Parent: parent, Elem: e, Meta: map[string]string{}, Params: map[string]string{}, Util: map[string]int{}}
	switch e.Name {
	case "primitive":
		r.Kind = Primitive
	case "group":
		r.Kind = Group
	case "clone", "master":
		r.Kind = Clone
		r.Promotable = e.Name == "master"
	default:
		return nil, nil
	}
	if r.ID == "" {
		return nil, fmt.Errorf("%s at line %d has no id", e.Name, e.Line)
	}
	ctx := &ruleCtx{now: c.now}
	if r.Kind == Primitive {
		r.Class, r.Provider, r.Type = e.Attr("class"), e.Attr("provider"), e.Attr("type")
		if t := c.templates[e.Attr("template")]; t != nil && r.Class == "" {
			r.Class, r.Provider, r.Type = t.Attr("class"), t.Attr("provider"), t.Attr("type")
		}
	}
	// Meta attributes: rsc_defaults < parent < template < own.
	if c.rscDefaultsE != nil {
		mergeNVSets(r.Meta, c.rscDefaultsE, "meta_attributes", &ruleCtx{now: c.now, rsc: r}, c.root)
	}
	if parent != nil {
		merge(r.Meta, parent.Meta)
		// A group's or clone's instance attributes are inherited by its
		// children (Pacemaker Explained: groups and clones have none of
		// their own).
		merge(r.Params, parent.Params)
	}
	var tmpl *xmltree.Element
	if r.Kind == Primitive {
		if t := e.Attr("template"); t != "" {
			tmpl = c.templates[t]
		}
		r.Class, r.Provider, r.Type = e.Attr("class"), e.Attr("provider"), e.Attr("type")
		if tmpl != nil {
			if r.Class == "" {
				r.Class, r.Provider, r.Type = tmpl.Attr("class"), tmpl.Attr("provider"), tmpl.Attr("type")
			}
			mergeNVSets(r.Meta, tmpl, "meta_attributes", ctx, c.root)
			mergeNVSets(r.Params, tmpl, "instance_attributes", ctx, c.root)
		}
	}
	mergeNVSets(r.Meta, e, "meta_attributes", ctx, c.root)
	mergeNVSets(r.Params, e, "instance_attributes", ctx, c.root)
	for k, v := range unpackNVSets(e, "utilization", ctx, c.root) {
		iv, _ := strconv.Atoi(v)
		r.Util[k] = iv
	}
	if tmpl != nil {
		for k, v := range unpackNVSets(tmpl, "utilization", ctx, c.root) {
			if _, ok := r.Util[k]; !ok {
				iv, _ := strconv.Atoi(v)
				r.Util[k] = iv
			}
		}
	}
	if r.Kind == Primitive {
		if tmpl != nil {
			c.unpackOps(r, tmpl.Child("operations"))
		}
		c.unpackOps(r, e.Child("operations"))
	}
	c.resMeta(r)
	c.addRsc(r)
	if r.Promotable {
		r.Meta["promotable"] = "true"
	}
	if options.IsTrue(r.Meta["promotable"]) && r.Kind == Clone {
		r.Promotable = true
	}
	if r.Kind == Clone {
		c.unpackCloneSpec(r)
	}
	for _, ce := range e.Children {
		ch, err := c.unpackResource(ce, r)
		if err != nil {
			return nil, err
		}
		if ch != nil {
			r.Children = append(r.Children, ch)
		}
	}
	return r, nil
}

func (c *cluster) resMeta(r *Resource) {
	m := r.Meta
	r.Managed = true
	if v, ok := m["is-managed"]; ok {
		r.Managed = options.IsTrue(v)
	} else if v, ok := c.opts.Raw["is-managed-default"]; ok {
		r.Managed = options.IsTrue(v)
	}
	if options.IsTrue(m["maintenance"]) || c.opts.MaintenanceMode {
		r.Managed = false
	}
	r.Stickiness = c.opts.DefaultStickiness
	if v, ok := m["resource-stickiness"]; ok {
		r.Stickiness, _ = score.Lenient(v)
	} else if v, ok := m["stickiness"]; ok {
		r.Stickiness, _ = score.Lenient(v)
	}
	r.Priority, _ = score.Lenient(m["priority"])
	r.MigrationThreshold = int(score.Infinity)
	if v, ok := m["migration-threshold"]; ok {
		s, _ := score.Lenient(v)
		r.MigrationThreshold = int(s)
	}
	if v, ok := m["failure-timeout"]; ok {
		r.FailureTimeout, _ = iso8601.ParseInterval(v)
	}
	r.TargetRole = ""
	if v, ok := m["target-role"]; ok {
		r.TargetRole = normRole(v)
	}
	r.MultipleActive = m["multiple-active"]
	if r.MultipleActive == "" {
		r.MultipleActive = "stop_start"
	}
	r.Critical = true
	if v, ok := m["critical"]; ok {
		r.Critical = options.IsTrue(v)
	}
	r.Requires = m["requires"]
	r.requiresSet = r.Requires != ""
	if r.Requires == "" {
		switch {
		case r.Class == "stonith":
			r.Requires = "quorum"
		case !c.opts.FencingEnabled:
			r.Requires = "quorum"
		default:
			r.Requires = "fencing"
		}
	}
}

func (c *cluster) unpackOps(r *Resource, ops *xmltree.Element) {
	if ops == nil {
		return
	}
	if ref := ops.Attr("id-ref"); ref != "" {
		if t := findByID(c.root, ref); t != nil {
			ops = t
		}
	}
	for _, oe := range ops.ChildrenNamed("op") {
		if ref := oe.Attr("id-ref"); ref != "" {
			if t := findByID(c.root, ref); t != nil {
				oe = t
			}
		}
		iv, _ := iso8601.ParseInterval(orStr(oe.Attr("interval"), "0"))
		op := &Op{ID: oe.ID(), Name: oe.Attr("name"), Interval: iv, Role: normRole(oe.Attr("role")), OnFail: oe.Attr("on-fail"), Enabled: true, Elem: oe}
		ctx := &ruleCtx{now: c.now, op: op.Name, interval: iv, rsc: r}
		op.Meta = map[string]string{}
		mergeNVSets(op.Meta, c.opDefaultsE, "meta_attributes", ctx, c.root)
		mergeNVSets(op.Meta, oe, "meta_attributes", ctx, c.root)
		op.Params = unpackNVSets(oe, "instance_attributes", ctx, c.root)
		for _, a := range oe.Attrs {
			switch a.Name {
			case "id", "name", "interval", "description":
			default:
				op.Meta[a.Name] = a.Value
			}
		}
		if v, ok := op.Meta["enabled"]; ok {
			op.Enabled = options.IsTrue(v)
		}
		if v, ok := op.Meta["on-fail"]; ok {
			op.OnFail = v
		}
		if v, ok := op.Meta["role"]; ok && op.Role == "" {
			op.Role = normRole(v)
		}
		if v, ok := op.Meta["timeout"]; ok {
			op.Timeout, _ = iso8601.ParseInterval(v)
		}
		r.Ops = append(r.Ops, op)
	}
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// findOp returns the configured op with the name and interval.
func (r *Resource) findOp(name string, interval time.Duration) *Op {
	for _, o := range r.Ops {
		if o.Name == name && o.Interval == interval {
			return o
		}
	}
	return nil
}

// onFail returns the effective on-fail for a failed operation.
func (c *cluster) onFail(r *Resource, name string, interval time.Duration) string {
	var of string
	if o := r.findOp(name, interval); o != nil && o.OnFail != "" {
		of = o.OnFail
	} else if name == "monitor" && interval == 0 {
		// probes use the policy of the recurring monitor? no: default
		of = ""
	}
	if of == "" {
		if v, ok := c.opDefaults["on-fail"]; ok {
			of = v
		}
	}
	if of == "" && r.Meta["container"] != "" && c.all[r.Meta["container"]] != nil {
		// what runs inside a container is recovered with the container
		of = "restart-container"
	}
	if of == "" {
		switch name {
		case "stop":
			if c.opts.FencingEnabled {
				of = "fence"
			} else {
				of = "block"
			}
		default:
			of = "restart"
		}
	}
	if of == "fence" && !c.opts.FencingEnabled {
		of = "block"
	}
	return of
}
