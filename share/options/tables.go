package options

// The tables follow Pacemaker Explained ("Cluster Options", "Resource
// Meta-Attributes", "Clone Options", "Operation Properties") and the option
// metadata of Pacemaker 2.1.5's daemons; names are Pacemaker 3.x's, with the
// 2.x names as aliases.

var roles = []string{"Stopped", "Started", "Unpromoted", "Promoted", "Slave", "Master"}

// ClusterOptions are the nvpairs of crm_config.
var ClusterOptions = newTable(Cluster, []*Option{
	{Name: "cluster-name", Kind: Text, Desc: "An arbitrary name for the cluster (#cluster-name in rules)"},
	{Name: "dc-version", Kind: Version, DefaultNote: "detected", Desc: "Version of the cluster software on the DC (maintained by the cluster)"},
	{Name: "cluster-infrastructure", Kind: Text, DefaultNote: "detected", Desc: "The messaging layer the cluster runs on (maintained by the cluster)"},
	{Name: "no-quorum-policy", Kind: Enum, Default: "stop", Allowed: []string{"stop", "freeze", "ignore", "demote", "fence", "suicide"},
		Desc: "What to do when the partition does not have quorum"},
	{Name: "batch-limit", Kind: Integer, Default: "0", Desc: "Most actions executed in parallel across the cluster (0: dynamic, -1: unlimited)"},
	{Name: "migration-limit", Kind: Integer, Default: "-1", Desc: "Most live migrations in parallel on a node (-1: unlimited)"},
	{Name: "load-threshold", Kind: Percentage, Default: "80%", Desc: "System load above which the cluster slows its recovery"},
	{Name: "node-action-limit", Kind: Integer, Default: "0", Desc: "Most actions in parallel on one node (0: twice the CPU cores)"},
	{Name: "symmetric-cluster", Kind: Boolean, Default: "true", Desc: "Whether resources can run on any node unless a constraint says otherwise"},
	{Name: "stop-all-resources", Kind: Boolean, Default: "false", Desc: "Whether all resources should be stopped"},
	{Name: "stop-removed-resources", Aliases: []string{"stop-orphan-resources"}, Kind: Boolean, Default: "true",
		Desc: "Whether to stop resources removed from the configuration"},
	{Name: "cancel-removed-actions", Aliases: []string{"stop-orphan-actions"}, Kind: Boolean, Default: "true",
		Desc: "Whether to cancel recurring actions removed from the configuration"},
	{Name: "start-failure-is-fatal", Kind: Boolean, Default: "true", Desc: "Whether a failed start bans the resource from that node"},
	{Name: "enable-startup-probes", Kind: Boolean, Default: "true", Desc: "Whether to probe for active resources at start-up"},
	{Name: "maintenance-mode", Kind: Boolean, Default: "false", Desc: "Whether the cluster leaves all resources alone (no start, stop or monitor)"},
	{Name: "fencing-enabled", Aliases: []string{"stonith-enabled"}, Kind: Boolean, Default: "true", Advanced: true,
		Desc: "Whether failed nodes may be fenced as part of recovery"},
	{Name: "fencing-action", Aliases: []string{"stonith-action"}, Kind: Enum, Default: "reboot", Allowed: []string{"reboot", "off", "poweroff"},
		Desc: "Action sent to fence devices when a node must be fenced (poweroff is a deprecated alias of off)"},
	{Name: "fencing-timeout", Aliases: []string{"stonith-timeout"}, Kind: Duration, Default: "60s",
		Desc: "How long to wait for on, off and reboot fence actions by default"},
	{Name: "stonith-max-attempts", Kind: Integer, Default: "10", Desc: "Failed fencing attempts on a target before the cluster stops retrying at once"},
	{Name: "stonith-watchdog-timeout", Kind: Duration, Default: "0", Desc: "How long before unseen nodes are assumed self-fenced by watchdog (SBD)"},
	{Name: "have-watchdog", Kind: Boolean, Default: "false", DefaultNote: "detected", Desc: "Whether watchdog integration (SBD) is enabled (maintained by the cluster)"},
	{Name: "concurrent-fencing", Kind: Boolean, Default: "true", Desc: "Whether several fence actions may run in parallel (false before Pacemaker 3.0)"},
	{Name: "startup-fencing", Kind: Boolean, Default: "true", Advanced: true, Desc: "Whether to fence nodes not seen at start-up"},
	{Name: "priority-fencing-delay", Kind: Duration, Default: "0", Desc: "Delay fencing of the lost nodes with the highest total resource priority"},
	{Name: "node-pending-timeout", Kind: Duration, Default: "0", Desc: "Fence nodes that do not join the controller group within this time (0: never)"},
	{Name: "fence-reaction", Kind: Enum, Default: "stop", Allowed: []string{"stop", "panic"}, Desc: "How a node reacts to news of its own fencing"},
	{Name: "cluster-delay", Kind: Duration, Default: "60s", Desc: "Round-trip allowance beyond an action's timeout for remote actions"},
	{Name: "dc-deadtime", Kind: Duration, Default: "20s", Desc: "How long to wait for other nodes during DC election at start-up"},
	{Name: "cluster-recheck-interval", Kind: Duration, Default: "15min", Desc: "Polling interval to recheck state and date_spec rules (0: disabled)"},
	{Name: "cluster-ipc-limit", Kind: NonNegInt, Default: "500", Desc: "IPC message backlog before a cluster daemon is disconnected"},
	{Name: "pe-error-series-max", Kind: Integer, Default: "-1", Desc: "Scheduler inputs with errors to keep (-1: all)"},
	{Name: "pe-warn-series-max", Kind: Integer, Default: "5000", Desc: "Scheduler inputs with warnings to keep (-1: all)"},
	{Name: "pe-input-series-max", Kind: Integer, Default: "4000", Desc: "Scheduler inputs without problems to keep (-1: all)"},
	{Name: "enable-acl", Kind: Boolean, Default: "false", Desc: "Whether access control lists authorise CIB changes"},
	{Name: "placement-strategy", Kind: Enum, Default: "default", Allowed: []string{"default", "utilization", "minimal", "balanced"},
		Desc: "How resources are assigned to nodes (utilization)"},
	{Name: "node-health-strategy", Kind: Enum, Default: "none", Allowed: []string{"none", "migrate-on-red", "only-green", "progressive", "custom"},
		Desc: "How the cluster reacts to node health attributes"},
	{Name: "node-health-base", Kind: ScoreKind, Default: "0", Desc: "Base health score of a node (progressive strategy)"},
	{Name: "node-health-green", Kind: ScoreKind, Default: "0", Desc: "Score of a health attribute that is green"},
	{Name: "node-health-yellow", Kind: ScoreKind, Default: "0", Desc: "Score of a health attribute that is yellow"},
	{Name: "node-health-red", Kind: ScoreKind, Default: "-INFINITY", Desc: "Score of a health attribute that is red"},
	{Name: "shutdown-lock", Kind: Boolean, Default: "false", Desc: "Whether resources stay locked to a cleanly shut down node"},
	{Name: "shutdown-lock-limit", Kind: Duration, Default: "0", Desc: "Longest time a shutdown lock lasts (0: until the node rejoins)"},
	{Name: "election-timeout", Kind: Duration, Default: "2min", Advanced: true, Desc: "Time after which an election's initiator declares itself winner"},
	{Name: "shutdown-escalation", Kind: Duration, Default: "20min", Advanced: true, Desc: "Time after which a stuck shutdown exits anyway"},
	{Name: "join-integration-timeout", Aliases: []string{"crmd-integration-timeout"}, Kind: Duration, Default: "3min", Advanced: true,
		Desc: "Join integration phase timeout"},
	{Name: "join-finalization-timeout", Aliases: []string{"crmd-finalization-timeout"}, Kind: Duration, Default: "30min", Advanced: true,
		Desc: "Join finalization phase timeout"},
	{Name: "transition-delay", Aliases: []string{"crmd-transition-delay"}, Kind: Duration, Default: "0s", Advanced: true,
		Desc: "Delay before recovery, to let related events arrive"},
	{Name: "remove-after-stop", Kind: Boolean, Default: "false", Deprecated: "removed in Pacemaker 3.0; leave unset",
		Desc: "Whether to remove stopped resources from the executor"},
})

// ResourceMeta are resource meta-attributes (also rsc_defaults), including
// those of clones and promotable clones.
var ResourceMeta = newTable(Resource, []*Option{
	{Name: "priority", Kind: ScoreKind, Default: "0", Desc: "Higher-priority resources are kept active when not all can be"},
	{Name: "critical", Kind: Boolean, Default: "true", Desc: "Default influence of colocations involving this resource"},
	{Name: "target-role", Kind: Enum, Default: "Started", Allowed: roles, Desc: "The role the cluster keeps the resource in"},
	{Name: "is-managed", Kind: Boolean, Default: "true", Desc: "Whether the cluster may start, stop, promote or demote the resource"},
	{Name: "maintenance", Kind: Boolean, Default: "false", Desc: "Whether the cluster leaves the resource alone and pauses its monitors"},
	{Name: "resource-stickiness", Kind: ScoreKind, Default: "0", DefaultNote: "1 for clone instances, 0 otherwise",
		Desc: "Preference for staying on the current node"},
	{Name: "requires", Kind: Enum, Allowed: []string{"nothing", "quorum", "fencing", "unfencing"},
		DefaultNote: "quorum for stonith resources, unfencing if unfencing is in use, fencing if fencing is enabled, quorum otherwise",
		Desc:        "Conditions under which the resource can start"},
	{Name: "migration-threshold", Kind: ScoreKind, Default: "INFINITY", Desc: "Failures on a node before the resource is banned from it (0: never)"},
	{Name: "failure-timeout", Kind: Duration, Default: "0", Desc: "Time after which a failure is forgotten (0: never)"},
	{Name: "multiple-active", Kind: Enum, Default: "stop_start", Allowed: []string{"block", "stop_only", "stop_start", "stop_unexpected"},
		Desc: "What to do when the resource is found active on several nodes"},
	{Name: "allow-migrate", Kind: Boolean, Default: "false", DefaultNote: "true for ocf:pacemaker:remote resources",
		Desc: "Whether to live-migrate instead of stop and start"},
	{Name: "allow-unhealthy-nodes", Kind: Boolean, Default: "false", Desc: "Whether the resource may run on nodes with a bad health score"},
	{Name: "container-attribute-target", Kind: Enum, Allowed: []string{"host"}, Desc: "For bundles: where node attributes are looked up"},
	{Name: "remote-node", Kind: Text, Desc: "Makes the resource a guest node of this name"},
	{Name: "remote-addr", Kind: Text, DefaultNote: "the value of remote-node", Desc: "Address of the guest node's Pacemaker Remote"},
	{Name: "remote-port", Kind: Port, Default: "3121", Desc: "Port of the guest node's Pacemaker Remote"},
	{Name: "remote-connect-timeout", Kind: Duration, Default: "60s", Desc: "Timeout of a pending guest node connection"},
	{Name: "remote-allow-migrate", Kind: Boolean, Default: "true", Desc: "allow-migrate of the guest node's implicit connection resource"},
	{Name: "restart-type", Kind: Enum, Allowed: []string{"ignore", "restart"}, Default: "ignore", Deprecated: "use ordering constraints",
		Desc: "Whether to restart when a dependency restarts"},
	// Clones.
	{Name: "globally-unique", Kind: Boolean, Default: "false", CloneOnly: true, Desc: "Whether each clone instance is different from the others"},
	{Name: "clone-max", Kind: NonNegInt, DefaultNote: "the number of nodes", CloneOnly: true, Desc: "How many clone instances to run"},
	{Name: "clone-node-max", Kind: NonNegInt, Default: "1", CloneOnly: true, Desc: "How many clone instances may run on one node"},
	{Name: "clone-min", Kind: NonNegInt, Default: "0", CloneOnly: true, Desc: "Instances needed before ordered dependents may start"},
	{Name: "notify", Kind: Boolean, Default: "false", CloneOnly: true, Desc: "Whether instances get pre and post notifications"},
	{Name: "ordered", Kind: Boolean, Default: "false", CloneOnly: true, Desc: "Whether instances start one after another"},
	{Name: "interleave", Kind: Boolean, Default: "false", CloneOnly: true, Desc: "Whether ordering against other clones is per instance"},
	{Name: "promotable", Kind: Boolean, Default: "false", CloneOnly: true, Desc: "Whether instances can be promoted"},
	{Name: "promoted-max", Aliases: []string{"master-max"}, Kind: NonNegInt, Default: "1", CloneOnly: true, Desc: "How many instances may be promoted"},
	{Name: "promoted-node-max", Aliases: []string{"master-node-max"}, Kind: NonNegInt, Default: "1", CloneOnly: true,
		Desc: "How many instances may be promoted on one node"},
})

// OperationOptions are the properties of an op (as attributes or
// meta_attributes) and of op_defaults.
var OperationOptions = newTable(Operation, []*Option{
	{Name: "interval", Kind: Duration, Default: "0", Desc: "How often to run a recurring action (0: not recurring)"},
	{Name: "timeout", Kind: Duration, Default: "20s", Desc: "How long to wait before declaring the action failed"},
	{Name: "on-fail", Kind: Enum, Allowed: []string{"ignore", "block", "demote", "stop", "restart", "standby", "fence", "restart-container"},
		Default: "restart", DefaultNote: "fence for stop when fencing is enabled (block otherwise); restart otherwise",
		Desc: "What to do when the action fails"},
	{Name: "enabled", Kind: Boolean, Default: "true", Desc: "Whether the operation is used"},
	{Name: "record-pending", Kind: Boolean, Default: "true", Desc: "Whether pending actions are recorded in the CIB"},
	{Name: "role", Kind: Enum, Allowed: roles, Desc: "Run the operation only in this role"},
	{Name: "start-delay", Kind: Duration, Default: "0", Deprecated: "not needed with well-written agents",
		Desc: "Delay before the first run of the action"},
	{Name: "interval-origin", Kind: DateTime, Deprecated: "use a date_spec rule instead", Desc: "Time recurring runs are aligned to"},
	{Name: "description", Kind: Text, Desc: "Free text"},
})

// NodeAttributes are the node attributes the cluster itself acts on
// (instance_attributes of a node, or transient attributes). Any other name
// is a user attribute for rules, so they are never "unknown".
var NodeAttributes = newTable(Node, []*Option{
	{Name: "standby", Kind: Boolean, Default: "false", Desc: "Whether the node may run no resources"},
	{Name: "maintenance", Kind: Boolean, Default: "false", Desc: "Whether the cluster leaves the node's resources alone"},
	{Name: "site-name", Kind: Text, DefaultNote: "the cluster-name", Desc: "The site the node is in (#site-name in rules)"},
	{Name: "resource-discovery-enabled", Kind: Boolean, Default: "true", Desc: "Whether resources are probed on this (remote) node"},
})
