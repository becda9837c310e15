package lrm

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Fence agent API (as fenced speaks it): parameters as key=value lines on
// stdin, the action among them; exit 0 for success, and for status 0 = on,
// 2 = off, anything else an error.
const fenceStatusOff = 2

// fenceAction maps an executor action on a stonith resource to the agent's
// action. start verifies the device like a monitor (the device is then
// usable); stop has nothing to run.
func fenceAction(action string) string {
	switch action {
	case "start":
		return "monitor"
	case "meta-data":
		return "metadata"
	}
	return action
}

func fenceStdin(params map[string]string, action string) string {
	var b strings.Builder
	b.WriteString("action=" + action + "\n")
	for _, k := range sortedKeys(params) {
		if k == "action" {
			continue // the device's own action parameter is overridden
		}
		b.WriteString(k + "=" + params[k] + "\n")
	}
	return b.String()
}

// checkFenceParams refuses what would break the line protocol: a newline
// in a value could smuggle in another key (say action=off).
func checkFenceParams(params map[string]string) error {
	for k, v := range params {
		if !validEnvName(k) || strings.ContainsAny(k, "\n ") {
			return fmt.Errorf("invalid fence parameter name %q", k)
		}
		if strings.ContainsAny(v, "\n\x00") {
			return fmt.Errorf("fence parameter %s: value must be one line", k)
		}
	}
	return nil
}

func fenceToOCF(action string, code int) int {
	if action == "status" || action == "monitor" {
		switch code {
		case 0:
			return OCFSuccess
		case fenceStatusOff:
			return OCFNotRunning
		}
		return OCFErrGeneric
	}
	if code == 0 {
		return OCFSuccess
	}
	return OCFErrGeneric
}

// fenceFailureReason picks the agent's own complaint (fence agents log
// "ERROR:" / "Failed:" lines to stderr) for the exit reason.
func fenceFailureReason(stderr string, code int) string {
	last := ""
	for line := range splitLines(stderr) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		for _, w := range []string{"Failed:", "ERROR:", "failed"} {
			if i := strings.Index(line, w); i >= 0 {
				return line[i:] // without the agent's timestamp and logger name
			}
		}
		last = line
	}
	if last != "" {
		return last
	}
	return fmt.Sprintf("fence agent exited with %d", code)
}

// Fence runs a fence agent once, outside any resource: agent is fence_X,
// stonith:fence_X, or a path to an agent; action is off, on, reboot,
// status, monitor, list, list-status, metadata, ... RC follows fenceToOCF
// (status "off" is rc 7); ExitCode keeps the agent's own code and Output
// its stdout (the list of a list action). Uses the default executor, so
// PACER_FENCE_PATH adds directories to search.
func Fence(ctx context.Context, agent string, params map[string]string, action string, timeout time.Duration) Result {
	return defaultExec().Fence(ctx, agent, params, action, timeout)
}

// Fence is the package-level Fence on this executor's agent directories.
// It takes neither a resource's slot nor one of the node-wide limit:
// fencing must never wait behind resource operations.
func (e *Executor) Fence(ctx context.Context, agent string, params map[string]string, action string, timeout time.Duration) Result {
	ex := e
	if strings.Contains(agent, "/") {
		// An explicit path: search only its directory.
		loc := e.loc
		loc.FenceDirs = []string{filepath.Dir(agent)}
		agent = filepath.Base(agent)
		ex = e.withLocator(loc)
	}
	spec := agent
	if !strings.HasPrefix(spec, ClassStonith+":") {
		spec = ClassStonith + ":" + agent
	}
	if err := checkFenceParams(params); err != nil {
		return Result{Agent: spec, Operation: action, CallID: int(e.callID.Add(1)), RC: OCFErrConfigured,
			Status: StatusErrorFatal, ExitCode: -1, ExitReason: err.Error(), LastRun: time.Now(), LastRCChange: time.Now()}
	}
	return ex.exec(ctx.Done(), ctx.Done(), Op{Agent: spec, Action: action, Timeout: timeout, Params: params}, int(e.callID.Add(1)))
}

// withLocator is a shallow sibling sharing limits and call ids.
func (e *Executor) withLocator(loc Locator) *Executor {
	return &Executor{cfg: e.cfg, loc: loc, base: e.base, sem: e.sem, log: e.log,
		locks: map[string]chan struct{}{}, history: map[string]map[string]Result{},
		meta: map[string]*AgentMeta{}, rec: map[recKey]*recurring{}}
}
