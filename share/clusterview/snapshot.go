// Package clusterview is the cluster status as the monitor shows it: one
// self-contained, JSON-serializable snapshot of what a crm_mon-style view needs
// (summary, nodes, resource tree, failures, fencing, tickets) plus the event
// type of the live log.
//
// The scheduler fills a Snapshot from a CIB (configuration + status), the daemon
// sends it over the wire, and the TUI and `pacer status` render it. Keeping one
// type for all three means the wire format is the render model: the daemon never
// needs to know about screens and the TUI never needs to parse a CIB.
//
// Compatibility rule: fields are only ever added, never renamed or removed, so
// an older client can read a newer daemon's snapshot. Zero values mean
// "unknown / not applicable" and are omitted on the wire.
//
// Durations are integer milliseconds (Pacemaker's own unit for intervals and
// exec times) so the JSON reads the same as the CIB; times are time.Time
// (RFC 3339 in JSON).
package clusterview

import "time"

// Snapshot is the whole cluster status at one moment.
type Snapshot struct {
	// ClusterName is the cluster-name property, empty when unset.
	ClusterName string `json:"cluster_name,omitempty"`
	// Stack is the messaging layer ("corosync" for Pacemaker CIBs, "pacer" for
	// a Pacer cluster); empty when unknown.
	Stack string `json:"stack,omitempty"`
	// Version is the version of the software that produced the snapshot.
	Version string `json:"version,omitempty"`
	// DC is the name of the designated controller node; empty when none.
	DC string `json:"dc,omitempty"`
	// DCVersion is the software version the DC runs (crm_mon's
	// "Current DC: n1 (version X)"); empty when unknown.
	DCVersion string `json:"dc_version,omitempty"`
	// HaveQuorum says whether the partition the DC sits in has quorum.
	HaveQuorum bool `json:"have_quorum"`

	// Generated is when the snapshot was made ("Last updated").
	Generated time.Time `json:"generated,omitzero"`
	// LastChange is when the CIB last changed, with who/what/where made the
	// change (the cib element's cib-last-written, update-user, update-client,
	// update-origin attributes).
	LastChange       time.Time `json:"last_change,omitzero"`
	LastChangeUser   string    `json:"last_change_user,omitempty"`
	LastChangeClient string    `json:"last_change_client,omitempty"`
	LastChangeNode   string    `json:"last_change_node,omitempty"`
	// Epoch is the CIB version "admin_epoch.epoch.num_updates"; clients use it
	// to tell whether two snapshots show the same configuration.
	Epoch string `json:"epoch,omitempty"`

	// Transition is the transition the DC is executing or has scheduled.
	Transition Transition `json:"transition,omitzero"`

	// MaintenanceMode is the cluster-wide maintenance-mode property.
	MaintenanceMode bool `json:"maintenance_mode,omitempty"`
	// StopAllResources is the stop-all-resources property.
	StopAllResources bool `json:"stop_all_resources,omitempty"`
	// FencingEnabled is fencing-enabled (stonith-enabled) as in effect.
	FencingEnabled bool `json:"fencing_enabled,omitempty"`
	// NoQuorumPolicy is the effective no-quorum-policy ("stop", "freeze", ...).
	NoQuorumPolicy string `json:"no_quorum_policy,omitempty"`

	// Nodes in configuration order (cluster nodes first, then remote/guest).
	Nodes []Node `json:"nodes,omitempty"`
	// Resources is the top level of the resource tree in configuration order.
	Resources []Resource `json:"resources,omitempty"`
	// FailedActions are the operations whose last result was a failure.
	FailedActions []FailedAction `json:"failed_actions,omitempty"`
	// FailCounts are per resource per node (only non-zero counts).
	FailCounts []FailCount `json:"fail_counts,omitempty"`
	// Fencing is the fencing history, newest first.
	Fencing []FencingEvent `json:"fencing,omitempty"`
	// Tickets are the multi-site tickets the CIB knows about.
	Tickets []Ticket `json:"tickets,omitempty"`
	// Events is the most recent part of the event log, oldest first, at most
	// MaxEvents long; a fresh client shows it before live events arrive.
	Events []Event `json:"events,omitempty"`
	// Warnings are configuration or state problems the monitor shows
	// prominently (e.g. "No fencing devices and fencing-enabled is not
	// false"); FormatText leaves them out, as crm_mon -1 does.
	Warnings []string `json:"warnings,omitempty"`
}

// Transition describes the DC's current transition.
type Transition struct {
	// ID is the transition number; 0 when none has run.
	ID int `json:"id,omitempty"`
	// Pending is true while a transition is being computed or executed.
	Pending bool `json:"pending,omitempty"`
	// Actions and Completed count the actions of the pending transition.
	Actions   int `json:"actions,omitempty"`
	Completed int `json:"completed,omitempty"`
	// Started is when the current transition began.
	Started time.Time `json:"started,omitzero"`
}

// NodeState is the one-word state of a node, in crm_mon's precedence order:
// a node that is both unclean and offline is NodeUnclean (Online tells which).
type NodeState string

const (
	NodeOnline        NodeState = "online"
	NodeStandby       NodeState = "standby"
	NodeStandbyOnFail NodeState = "standby-on-fail" // put in standby by on-fail=standby
	NodeMaintenance   NodeState = "maintenance"
	NodeOffline       NodeState = "offline"
	NodeUnclean       NodeState = "unclean" // state unknown: must be fenced
	NodePending       NodeState = "pending" // joining, not yet a full member
	NodeShuttingDown  NodeState = "shutting-down"
)

// NodeType tells cluster members from Pacemaker Remote nodes.
type NodeType string

const (
	NodeMember NodeType = "member"
	NodeRemote NodeType = "remote"
	NodeGuest  NodeType = "guest"
)

// Node is one node and its state.
type Node struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
	// Type is empty for an ordinary cluster member.
	Type  NodeType  `json:"type,omitempty"`
	State NodeState `json:"state"`
	// Online is membership alone: an unclean or shutting-down node may be
	// online or not.
	Online bool `json:"online"`
	// BeingFenced is true while a fencing action against the node is pending.
	BeingFenced bool `json:"being_fenced,omitempty"`
	// Attributes are the transient and permanent node attributes
	// (name -> value), e.g. "master-rsc", "pingd", as crm_mon -A lists
	// them: without "standby" (that is State), fail-count-*/last-failure-*
	// (those are FailCounts) and the internal "#..." ones.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Utilization is the node's capacity (name -> value) as configured.
	Utilization map[string]string `json:"utilization,omitempty"`
	// RunningResources is how many resource instances are active on the node.
	RunningResources int `json:"running_resources,omitempty"`
	// Health is the node's health ("green", "yellow" or "red") from its
	// #health-* attributes when a node-health-strategy is set; empty when
	// health is not tracked.
	Health string `json:"health,omitempty"`
}

// ResourceKind is the shape of a node of the resource tree.
type ResourceKind string

const (
	KindPrimitive ResourceKind = "primitive"
	KindGroup     ResourceKind = "group"
	KindClone     ResourceKind = "clone" // Promotable tells a promotable clone
	KindBundle    ResourceKind = "bundle"
)

// Role is a resource instance's role, Pacemaker's names (3.x spelling).
type Role string

const (
	RoleUnknown    Role = ""
	RoleStopped    Role = "Stopped"
	RoleStarted    Role = "Started"
	RoleUnpromoted Role = "Unpromoted"
	RolePromoted   Role = "Promoted"
)

// Resource is one node of the resource tree.
//
// A primitive is a leaf. A group's Children are its members in order. A
// clone's Children are its instances ("rsc:0", "rsc:1", ... for anonymous
// clones the instance number is arbitrary), each a primitive or a group
// instance; Template names the cloned resource ("rsc" of clone "rsc-clone").
// A bundle's Children are its replicas' resources.
type Resource struct {
	ID   string       `json:"id"`
	Kind ResourceKind `json:"kind"`
	// Description is the resource's description meta-attribute, if any.
	Description string `json:"description,omitempty"`

	// Class, Provider and Type are the agent of a primitive
	// (ocf:heartbeat:IPaddr2 -> "ocf", "heartbeat", "IPaddr2").
	Class    string `json:"class,omitempty"`
	Provider string `json:"provider,omitempty"`
	Type     string `json:"type,omitempty"`

	// Role is the current role of a primitive (for a collective, empty).
	Role Role `json:"role,omitempty"`
	// TargetRole is the target-role meta-attribute, empty when unset.
	TargetRole Role `json:"target_role,omitempty"`
	// Nodes where a primitive is active; more than one means it is multiply
	// active, which is an error except for a migrating resource.
	Nodes []string `json:"nodes,omitempty"`
	// PendingOp names an operation in progress ("start", "stop",
	// "promote", "migrate_to", ...), empty when none.
	PendingOp string `json:"pending_op,omitempty"`
	// LockedTo is the node a shutdown lock holds the resource to.
	LockedTo string `json:"locked_to,omitempty"`

	Failed    bool `json:"failed,omitempty"`    // the last operation failed
	Unmanaged bool `json:"unmanaged,omitempty"` // is-managed=false or maintenance
	Blocked   bool `json:"blocked,omitempty"`   // failure stopped further actions
	Orphaned  bool `json:"orphaned,omitempty"`  // in status but not configured
	Disabled  bool `json:"disabled,omitempty"`  // target-role Stopped (on it or a parent)
	// FailureIgnored is on-fail=ignore on a failed operation.
	FailureIgnored bool `json:"failure_ignored,omitempty"`
	// NotInstalledOn lists the nodes where a probe found the agent
	// missing (for a clone: an instance's agent), in node order.
	NotInstalledOn []string `json:"not_installed_on,omitempty"`

	// Template is the id of the resource a clone clones.
	Template string `json:"template,omitempty"`
	// Promotable marks a promotable clone (a master resource in 1.x CIBs).
	Promotable bool `json:"promotable,omitempty"`
	// Unique is globally-unique=true on a clone.
	Unique bool `json:"unique,omitempty"`
	// Children of a group, clone or bundle (see the type comment). A clone
	// carries all its clone-max instances (by default one per node), the
	// stopped ones with RoleStopped and no Nodes, so the instance count is
	// right; an anonymous clone active on two nodes is two instances
	// ("ping:0" on n1, "ping:1" on n2), not one instance with two Nodes.
	// A cloned group's instances are groups ("g:0") of member instances
	// ("a:0", "b:0").
	Children []Resource `json:"children,omitempty"`
	// AllowedNodes of a clone are the nodes it may run on; its "Stopped: [ ]"
	// list is these minus the nodes with an active instance. When empty, all
	// nodes of the snapshot are assumed.
	AllowedNodes []string `json:"allowed_nodes,omitempty"`
}

// FailedAction is an operation whose recorded result is a failure
// (crm_mon's "Failed Resource Actions").
type FailedAction struct {
	// Resource is the id as the operation history records it (the
	// lrm_resource id), which crm_mon shows verbatim: "ping" for an
	// anonymous clone's instance, not "ping:0".
	Resource string `json:"resource"`
	// Op is the operation name: "start", "monitor", "stop", "promote", ...
	Op string `json:"op"`
	// IntervalMS is the recurring interval in ms, 0 for one-shot operations.
	IntervalMS int64  `json:"interval_ms,omitempty"`
	Node       string `json:"node"`
	// RC is the agent's exit code and RCText its meaning ("not running",
	// "unknown error", "not installed", ...).
	RC     int    `json:"rc"`
	RCText string `json:"rc_text,omitempty"`
	// Status is the execution status: "complete", "Timed Out", "Error",
	// "Not installed", "Cancelled", ...
	Status     string `json:"status,omitempty"`
	ExitReason string `json:"exit_reason,omitempty"`
	CallID     int    `json:"call_id,omitempty"`
	// LastRCChange is when the result last changed.
	LastRCChange time.Time `json:"last_rc_change,omitzero"`
	ExecMS       int64     `json:"exec_ms,omitempty"`
	QueueMS      int64     `json:"queue_ms,omitempty"`
}

// ActionKey is the operation key as Pacemaker spells it: rsc_op_interval.
func (f FailedAction) ActionKey() string {
	return f.Resource + "_" + f.Op + "_" + itoa64(f.IntervalMS)
}

// FailCountInfinity is how Pacemaker stores an INFINITY fail count.
const FailCountInfinity = 1000000

// FailCount is the fail count of one resource on one node.
type FailCount struct {
	Resource string `json:"resource"`
	Node     string `json:"node"`
	// Count is the sum over operations; FailCountInfinity means INFINITY.
	Count int `json:"count"`
	// MigrationThreshold is the resource's migration-threshold
	// (FailCountInfinity by default, 0 = disabled).
	MigrationThreshold int       `json:"migration_threshold,omitempty"`
	LastFailure        time.Time `json:"last_failure,omitzero"`
}

// FencingResult is the outcome of a fencing operation.
type FencingResult string

const (
	FencingPending FencingResult = "pending"
	FencingSuccess FencingResult = "success"
	FencingFailed  FencingResult = "failed"
)

// FencingEvent is one entry of the fencing history.
type FencingEvent struct {
	Target string `json:"target"`
	// Action is "reboot", "off" or "on".
	Action string `json:"action"`
	// Delegate is the node that executed the fencing device.
	Delegate string `json:"delegate,omitempty"`
	// Origin is the node that requested fencing and Client the component.
	Origin     string        `json:"origin,omitempty"`
	Client     string        `json:"client,omitempty"`
	Result     FencingResult `json:"result"`
	ExitReason string        `json:"exit_reason,omitempty"`
	// Completed is when it finished (zero while pending); Started when asked.
	Completed time.Time `json:"completed,omitzero"`
	Started   time.Time `json:"started,omitzero"`
}

// Ticket is a multi-site ticket (booth / crm_ticket).
type Ticket struct {
	ID          string    `json:"id"`
	Granted     bool      `json:"granted"`
	Standby     bool      `json:"standby,omitempty"`
	LastGranted time.Time `json:"last_granted,omitzero"`
}

// MaxEvents bounds the event log a Snapshot carries and the TUI keeps.
const MaxEvents = 500

// EventKind classifies a log event.
type EventKind string

const (
	EventActionStarted  EventKind = "action-started"
	EventActionFinished EventKind = "action-finished"
	EventNodeJoined     EventKind = "node-joined"
	EventNodeLeft       EventKind = "node-left"
	EventFencing        EventKind = "fencing"
	EventCIBChanged     EventKind = "cib-changed"
	EventTransition     EventKind = "transition" // a transition started or ended
	EventQuorum         EventKind = "quorum"     // quorum gained or lost
	EventDCElected      EventKind = "dc-elected"
)

// Event is one entry of the live event log. Which fields are set depends on
// Kind; Message is always a complete human-readable line on its own, so a
// client that does not know a newer Kind can still show it.
type Event struct {
	// Seq increases by one per event on the daemon that sent it, so a client
	// can tell it missed some after a reconnect.
	Seq  uint64    `json:"seq,omitempty"`
	Time time.Time `json:"time"`
	Kind EventKind `json:"kind"`
	Node string    `json:"node,omitempty"`
	// Resource, Op and IntervalMS identify an action.
	Resource   string `json:"resource,omitempty"`
	Op         string `json:"op,omitempty"`
	IntervalMS int64  `json:"interval_ms,omitempty"`
	// Result of a finished action or fencing ("ok", "not running",
	// "Timed Out", "success", "failed", ...) and the exit code.
	Result string `json:"result,omitempty"`
	RC     int    `json:"rc,omitempty"`
	// DurationMS is how long a finished action took.
	DurationMS int64 `json:"duration_ms,omitempty"`
	// OK says whether the result was the expected one.
	OK      bool   `json:"ok,omitempty"`
	Message string `json:"message,omitempty"`
}
