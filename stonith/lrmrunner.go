package stonith

import (
	"context"
	"errors"
	"maps"
	"time"

	"pacer/lrm"
)

// LRMRunner runs fence agents through the node's local resource manager
// (lrm.Executor.Fence), so fencing shares the LRM's agent lookup
// (PACER_FENCE_PATH) and node-wide limits.
type LRMRunner struct {
	Exec *lrm.Executor
}

// RunAgent implements AgentRunner.
func (r LRMRunner) RunAgent(ctx context.Context, agent string, params map[string]string, timeout time.Duration) AgentResult {
	p := maps.Clone(params)
	action := p["action"]
	delete(p, "action")
	res := r.Exec.Fence(ctx, agent, p, action, timeout)
	out := AgentResult{RC: res.ExitCode, Stdout: res.Output, Stderr: res.Stderr, Duration: res.ExecTime}
	switch {
	case res.Status == lrm.StatusTimeout:
		out.RC, out.TimedOut = RCTimout, true
	case res.Status != lrm.StatusDone || res.ExitCode < 0:
		why := res.ExitReason
		if why == "" {
			why = res.Status.String()
		}
		out.RC, out.Err = RCExec, errors.New(agent+": "+why)
	}
	return out
}
