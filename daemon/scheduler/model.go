package scheduler

import (
	"pacer/share/graph"
	"time"

	"pacer/share/score"
	"pacer/share/xmltree"
)

// Node is one cluster node as the scheduler sees it after unpacking.
type Node struct {
	ID, Name string
	Index    int // configuration order

	Attrs map[string]string // permanent then transient attributes (transient win)
	Base  score.Score       // the node's score attribute: every resource's score there starts from it
	Util  map[string]int

	HasState    bool // has a node_state entry
	Online      bool
	Unclean     bool   // must be fenced before its resources count as stopped
	FenceReason string // why, as Pacemaker prints it
	Pending     bool
	Standby     bool
	StandbyFail bool // on-fail=standby
	Maintenance bool
	Shutdown    bool // shutdown attribute set: draining
	ExpectedUp  bool
	DC          bool
	Health      score.Score
	Fence       bool   // fencing scheduled
	FenceAction string // reboot, off, on
	Terminate   bool
	unfence     bool
}

// canRun says whether new resources may be placed on the node.
func (n *Node) canRun() bool {
	return n.Online && !n.Unclean && !n.Pending && !n.Standby && !n.StandbyFail && !n.Shutdown && !n.Maintenance
}

// Kind of a resource.
type Kind int

const (
	Primitive Kind = iota
	Group
	Clone
)

// Op is a configured operation.
type Op struct {
	ID       string
	Name     string
	Interval time.Duration
	Role     string
	Timeout  time.Duration
	OnFail   string
	Enabled  bool
	Params   map[string]string // instance attributes of the op
	Meta     map[string]string
	Elem     *xmltree.Element
}

// Resource is a primitive, group or collective.
type Resource struct {
	ID       string
	Kind     Kind
	Parent   *Resource
	Children []*Resource
	Index    int // configuration order among all resources
	Elem     *xmltree.Element

	Class, Provider, Type string
	Meta                  map[string]string
	Params                map[string]string
	Util                  map[string]int
	Ops                   []*Op
	Promotable            bool
	Orphan                bool
	clone                 *cloneSpec // a clone's instance settings
	instOf                *Resource  // a clone instance's template (member)
	instNum               int        // a clone instance's number
	histID                string     // the id the history records a clone instance by, when not ID

	Priority           score.Score
	Stickiness         score.Score
	MigrationThreshold int
	FailureTimeout     time.Duration
	Managed            bool
	TargetRole         string // Started, Stopped, Promoted, Unpromoted, or ""
	Requires           string
	requiresSet        bool // requires was configured, not defaulted
	MultipleActive     string
	Critical           bool

	// status
	Running           []*Node // nodes where it is active (in history order)
	Role              string  // Started, Stopped, Promoted, Unpromoted
	Failed            bool
	FailedOn          map[*Node]bool
	Blocked           bool // a stop failed with on-fail=block, or unmanaged and failed
	Pending           string
	Probed            map[*Node]bool // any history on the node
	history           map[*Node]*rscHistory
	failIgnored       bool
	restartNeed       map[*Node]string // reason a restart is needed on node
	lockNode          *Node
	banNodes          []*Node
	banAll            bool
	containerFailedOn []*Node
	stopFailedOn      []*Node // where a stop failed
	reloadOn          map[*Node]bool
	partialOn         []*Node
	partialTarget     *Node   // migrate_to done, migrate_from not yet
	agentChangedOn    []*Node // where the history is of another agent
	pendingProbe      bool    // the pending operation is a probe
	unsettled         bool    // thought active where a migration went, unrecorded there
	stopOnFail        bool
	demoteOnFail      bool // a promoted instance failed with on-fail=demote
	migrating         bool // moves by live migration
	expired           map[*Node]bool
	failCount         map[*Node]int

	// placement
	Allowed       scores
	Assigned      *Node
	assigned      bool // assignment done (Assigned may be nil: stopped)
	assigning     bool
	prefer        *Node         // a clone instance takes this node only if it is among its best
	withThisCols  []*Colocation // what it takes in when assigned (withThis)
	withThisKnown bool
	// promotionFirst orders a promotable clone's instances for placement:
	// the resource's priority, raised to its highest promotion score
	promotionFirst score.Score
	NextRole       string
	fixed          bool
	final          scores
	Why            []Contribution

	// actions
	start                             *action
	gStart, gRunning, gStop, gStopped *action
	// a promotable clone's pseudo actions; an instance's promote and demote
	gPromote, gPromoted, gDemote, gDemoted *action
	promote, demote                        *action
	migrateTo, migrateFrom                 *action        // a live migration's
	cancels                                []roleCancel   // monitors a role change cancels
	notifyPhases                           []*notifyPhase // a notifying clone's
	stops                                  map[*Node]*action
	startOn                                *Node
	graphRsc                               *graph.Resource // shared by all of its graph actions
	keys                                   map[opKey]string
	probes                                 []*action // the start waits for these
}

// Contribution is one reason a resource's score on a node changed.
type Contribution struct {
	Node   string
	Score  score.Score
	Source string // e.g. "location loc1", "stickiness", "colocation c1 with rsc2", "fail-count"
}

// IsPrimitive reports whether r is a primitive.
func (r *Resource) IsPrimitive() bool { return r.Kind == Primitive }

func (r *Resource) top() *Resource {
	for r.Parent != nil {
		r = r.Parent
	}
	return r
}

func (r *Resource) primitives() []*Resource {
	if r.Kind == Primitive {
		return []*Resource{r}
	}
	var out []*Resource
	for _, c := range r.Children {
		out = append(out, c.primitives()...)
	}
	return out
}

func (r *Resource) agent() string {
	if r.Provider != "" {
		return r.Class + ":" + r.Provider + ":" + r.Type
	}
	return r.Class + ":" + r.Type
}

func (r *Resource) isRunning() bool { return len(r.Running) > 0 }

func (r *Resource) runningOn(n *Node) bool {
	for _, x := range r.Running {
		if x == n {
			return true
		}
	}
	return false
}

func (r *Resource) inCollective() bool {
	for p := r.Parent; p != nil; p = p.Parent {
		if p.Kind == Clone {
			return true
		}
	}
	return false
}

// Colocation is rsc_colocation after set expansion: Dep with Prim.
type Colocation struct {
	ID            string
	Dep, Prim     *Resource
	Score         score.Score
	DepRole       string
	PrimRole      string
	NodeAttribute string
	Influence     bool
	implicit      bool
	dep, prim     *Resource // primitives the constraint acts on (a group's first member)
}

// Ordering is rsc_order after set expansion.
type Ordering struct {
	ID          string
	First, Then *Resource
	FirstAction string
	ThenAction  string
	Kind        string // Mandatory, Optional, Serialize
	Symmetrical bool
}

// Location is a location preference of one resource.
type Location struct {
	ID        string
	Rsc       *Resource
	Role      string
	Discovery string
	Node      string
	Score     score.Score
	Rules     []*xmltree.Element
	// paramSource: a rule compares with a resource parameter, which may
	// differ from node to node.
	paramSource bool
}

// Ticket is rsc_ticket after expansion.
type TicketDep struct {
	ID         string
	Rsc        *Resource
	Ticket     string
	LossPolicy string
	Role       string
}

type ticketState struct {
	Granted bool
	Standby bool
}
