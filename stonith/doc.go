// Package stonith is Pacer's fencer: what Pacemaker's pacemaker-fenced does.
//
// It reads fencing devices (stonith: primitives) and the fencing topology from
// a CIB, decides which device can fence which node (pcmk_host_list,
// pcmk_host_map, pcmk_host_check), runs fence agents (key=value on stdin,
// action=..., exit codes of the fence-agent API) with pcmk_delay_base/max,
// pcmk_action_limit and pcmk_<action>_action/_timeout/_retries, walks the
// topology levels in order (every device of a level must succeed; a reboot
// over several devices is all-off-then-all-on) and keeps the fencing history.
//
// The package knows nothing about the daemon: a Request is coordinated by a
// Coordinator, which reaches other nodes only through the Remote interface.
// daemon/fencer wires this to the CIB, the state directory and the peers.
//
// Layout:
//   - options.go   cluster options (fencing-enabled, fencing-action, ...)
//   - device.go    one fence device as configured
//   - hostmap.go   pcmk_host_list / pcmk_host_map / delay maps
//   - topology.go  fencing-topology levels
//   - config.go    the whole fencing configuration of a CIB, and placement
//   - agent.go     running fence agents, agent metadata
//   - exec.go      one device action on the local node: delay, limit, retries
//   - coord.go     one fencing request across the cluster
//   - history.go   the fencing history: persisted, mergeable
//   - lrmrunner.go running agents through the LRM instead (lrm.Executor.Fence)
//
// testdata/fence_pacertest is a pretend power switch that speaks the
// fence-agent protocol, for tests.
//
// Typical use (daemon/fencer does this):
//
//	cfg, err := stonith.LoadConfig(cibRoot)           // err: problems, cfg still usable
//	x := stonith.NewExecutor(log)                     // one per node
//	co := &stonith.Coordinator{Self: name, Remote: r} // r reaches the nodes' executors
//	res := co.Fence(ctx, cfg, stonith.Request{Target: "node2", Origin: name})
package stonith
