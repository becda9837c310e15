// Package lrm is Pacer's local resource manager: it runs resource agents
// on this node exactly the way Pacemaker's executor does, so an agent that
// works under Pacemaker works under Pacer unmodified.
//
// # Agents
//
// ParseAgent reads the specs the CIB uses: ocf:PROVIDER:TYPE (found under
// $OCF_ROOT/resource.d, default /usr/lib/ocf), lsb:NAME (/etc/init.d),
// systemd:UNIT (over D-Bus with coreos/go-systemd: the unit is loaded,
// start/stop queue a job and wait for it, monitor reads ActiveState),
// service:NAME (systemd when such a unit exists, else LSB) and
// stonith:fence_X (a fence agent: key=value lines on stdin).
//
// Listing is a directory read, never a process per agent, so shell
// completion can call it on every TAB:
//
//	func Classes() []string
//	func Providers() []string
//	func ListAgents(class, provider string) ([]string, error)
//	func Metadata(agent string) (*AgentMeta, error) // parsed, cached per process
//	func CompleteAgent(prefix string) []string      // "ocf:he" → "ocf:heartbeat:"
//
// # Executing operations
//
//	e := lrm.New(lrm.Config{Env: map[string]string{"HA_RSCTMP": nodeStateDir}})
//	res := e.Exec(ctx, lrm.Op{Resource: "vip", Agent: "ocf:heartbeat:IPaddr2",
//		Action: "start", Timeout: 20 * time.Second, Params: map[string]string{"ip": "192.0.2.10"}})
//	err := e.StartRecurring(lrm.Op{..., Action: "monitor", Interval: 10 * time.Second}, report)
//	e.Cancel("vip", 10*time.Second)
//
// Cancel recurring operations (Cancel, CancelAll) before stopping a
// resource; once Cancel returns, that monitor reports nothing more.
//
// One operation runs at a time per resource (FIFO), at most
// Config.MaxConcurrent on the node. Parameters reach agents only through
// the environment (OCF_RESKEY_*) or stdin (fence agents), never through a
// shell. An agent runs in its own process group; at its timeout the group
// gets SIGTERM, then SIGKILL, and nothing of it is left behind. Output is
// captured up to Config.OutputLimit per stream. Recurring monitors report
// their first result and then only changes, and keep one call id, as in
// Pacemaker. Several executors can share a host (the sandbox runs several
// nodes on one machine): each has its own Config.Env, OCF root and call
// ids.
//
// A Result carries what the CIB's lrm_rsc_op needs (call-id, rc-code,
// op-status, exit-reason, last-rc-change, exec-time, queue-time, interval,
// operation); Result.CIBAttrs gives them as attribute values. rc codes are
// OCF's (LSB, systemd and fence-agent codes mapped as Pacemaker maps them);
// op-status is Pacemaker's numbering (ExecStatus).
//
// # Fencing
//
//	func Fence(ctx context.Context, agent string, params map[string]string,
//		action string, timeout time.Duration) Result
//
// runs a fence agent once (agent: fence_X, stonith:fence_X or a path;
// $PACER_FENCE_PATH adds directories to search). RC 0 is success; for
// status and monitor, RC 7 means "off" (agent exit 2); ExitCode keeps the
// agent's own code and Output its stdout (the plugs of list).
//
// Subpackages: racmd implements `pacer ra`; systemdtest boots a private
// systemd for tests of the systemd class.
package lrm
