package stonith

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Clock is time as the executor sees it; tests inject one to check delays
// without waiting for them.
type Clock interface {
	Now() time.Time
	// Sleep waits d or until ctx ends, whichever is first.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

func (RealClock) Now() time.Time { return time.Now() }
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Executor runs device actions on this node. One Executor per node: it
// holds the pcmk_action_limit slots and the dynamic-list cache.
type Executor struct {
	Runner AgentRunner
	Meta   *MetaCache
	Clock  Clock
	// Rand draws a number in [0, n) for pcmk_delay_max; nil = math/rand.
	Rand func(n int64) int64
	Log  *slog.Logger
	// ListTTL is how long a dynamic list stays valid (Pacemaker: 60s).
	ListTTL time.Duration

	mu    sync.Mutex
	slots map[string]chan struct{}
	lists map[string]listEntry
}

type listEntry struct {
	key   string // device parameters the list was made with
	names []string
	err   error
	at    time.Time
}

// NewExecutor returns an executor running agents as processes.
func NewExecutor(log *slog.Logger) *Executor {
	r := ExecRunner{}
	return &Executor{Runner: r, Meta: &MetaCache{Runner: r}, Clock: RealClock{}, Log: log}
}

func (x *Executor) log() *slog.Logger {
	if x.Log == nil {
		return slog.Default()
	}
	return x.Log
}

func (x *Executor) clock() Clock {
	if x.Clock == nil {
		return RealClock{}
	}
	return x.Clock
}

func (x *Executor) meta(ctx context.Context, agent string) *AgentMeta {
	if x.Meta == nil {
		x.Meta = &MetaCache{Runner: x.Runner}
	}
	m, err := x.Meta.Get(ctx, agent)
	if err != nil {
		x.log().Warn("fence agent metadata unavailable; assuming it has every action", "agent", agent, "err", err)
		return nil
	}
	return m
}

// DeviceResult is the outcome of one device action.
type DeviceResult struct {
	Device   string `json:"device"`
	Action   string `json:"action"`  // what was asked (reboot, off, on)
	Command  string `json:"command"` // what the agent was told
	OK       bool   `json:"ok"`
	RC       int    `json:"rc"`
	Reason   string `json:"reason,omitempty"`
	Attempts int    `json:"attempts"`
	// Delay is the pcmk_delay_* (plus any requested) delay waited first.
	Delay    time.Duration `json:"delay,omitempty"`
	Node     string        `json:"node,omitempty"` // who ran it (filled by the coordinator)
	Started  time.Time     `json:"started"`
	Finished time.Time     `json:"finished"`
	// Output is the agent's stdout of the last attempt (list needs it).
	Output string `json:"-"`
}

// ExecOptions tune one device action.
type ExecOptions struct {
	// FencingTimeout is the cluster's fencing-timeout, for actions the
	// device does not time itself.
	FencingTimeout time.Duration
	// ExtraDelay is added before fencing (priority-fencing-delay).
	ExtraDelay time.Duration
	// NoDelay skips pcmk_delay_base/max (the "on" half of a remapped
	// reboot, unfencing).
	NoDelay bool
}

// agentParams builds what the agent gets on stdin for action on target
// ("" for actions about the device itself).
func (x *Executor) agentParams(d *Device, meta *AgentMeta, command, target string) map[string]string {
	p := make(map[string]string, len(d.Params)+3)
	for k, v := range d.Params {
		p[k] = v
	}
	p["action"] = command
	if target != "" {
		p["nodename"] = target
		if arg := d.EffectiveHostArgument(meta); arg != "" {
			// A port configured on the device itself (one device per node)
			// is the admin's choice and stays.
			if _, set := d.Params[arg]; !set {
				p[arg] = d.Port(target)
			}
		}
	}
	return p
}

// acquire takes one of the device's pcmk_action_limit slots.
func (x *Executor) acquire(ctx context.Context, d *Device) (func(), error) {
	if d.ActionLimit < 0 {
		return func() {}, nil
	}
	x.mu.Lock()
	if x.slots == nil {
		x.slots = map[string]chan struct{}{}
	}
	ch, ok := x.slots[d.ID]
	if !ok || cap(ch) != max(d.ActionLimit, 1) {
		ch = make(chan struct{}, max(d.ActionLimit, 1))
		x.slots[d.ID] = ch
	}
	x.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("device %s: waiting for a free action slot (pcmk_action_limit=%d): %w", d.ID, d.ActionLimit, ctx.Err())
	}
}

// Run performs action (reboot, off, on, status, monitor, list) with device
// d against target on this node: the delay first (off and reboot only),
// then the agent, retried up to pcmk_<action>_retries times while the
// action's timeout has time left.
func (x *Executor) Run(ctx context.Context, d *Device, target, action string, o ExecOptions) DeviceResult {
	clk := x.clock()
	res := DeviceResult{Device: d.ID, Action: action, Started: clk.Now()}
	meta := x.meta(ctx, d.Agent)
	asked := action
	// A device without reboot is asked to power off instead (Pacemaker
	// Explained, "Remapping Reboots").
	if action == "reboot" && meta != nil && !meta.HasAction("reboot") && meta.HasAction("off") {
		x.log().Info("device has no reboot; using off", "device", d.ID, "target", target)
		asked = "off"
	}
	conf := d.Action(asked, o.FencingTimeout)
	res.Command = conf.Command
	release, err := x.acquire(ctx, d)
	if err != nil {
		res.Reason, res.Finished = err.Error(), clk.Now()
		return res
	}
	defer release()

	if (asked == "off" || asked == "reboot") && target != "" {
		delay := o.ExtraDelay
		if !o.NoDelay {
			delay += d.Delay(target, x.Rand)
		}
		if delay > 0 {
			x.log().Info("delaying fencing", "device", d.ID, "target", target, "delay", delay)
			res.Delay = delay
			if err := clk.Sleep(ctx, delay); err != nil {
				res.Reason, res.Finished = fmt.Sprintf("cancelled during the %s delay: %v", delay, err), clk.Now()
				return res
			}
		}
	}
	deadline := clk.Now().Add(conf.Timeout)
	params := x.agentParams(d, meta, conf.Command, targetFor(asked, target))
	for attempt := 0; attempt <= conf.Retries; attempt++ {
		left := deadline.Sub(clk.Now())
		if left <= 0 || ctx.Err() != nil {
			break
		}
		res.Attempts++
		r := x.Runner.RunAgent(ctx, d.Agent, params, left)
		res.RC, res.Output = r.RC, r.Stdout
		if agentOK(asked, r.RC) && r.Err == nil && !r.TimedOut {
			res.OK, res.Reason = true, ""
			break
		}
		res.Reason = r.Reason()
		x.log().Warn("fence agent failed", "device", d.ID, "agent", d.Agent, "action", conf.Command,
			"target", target, "attempt", res.Attempts, "rc", r.RC, "reason", res.Reason)
		if r.Err != nil && r.RC == RCExec {
			break // cannot be started: retrying will not help
		}
	}
	if !res.OK && res.Attempts == 0 {
		res.Reason = fmt.Sprintf("no time left to run %s (timeout %s)", conf.Command, conf.Timeout)
	}
	res.Finished = clk.Now()
	return res
}

// targetFor says whether an action names a target: list and monitor are
// about the device.
func targetFor(action, target string) string {
	if action == "list" || action == "monitor" || action == "metadata" {
		return ""
	}
	return target
}

func agentOK(action string, rc int) bool {
	if action == "status" {
		return rc == RCOK || rc == RCOff
	}
	return rc == RCOK
}

// Monitor runs the device's monitor (pcmk_monitor_action): the recurring
// operation of a stonith resource.
func (x *Executor) Monitor(ctx context.Context, d *Device, fencingTimeout time.Duration) DeviceResult {
	return x.Run(ctx, d, "", "monitor", ExecOptions{FencingTimeout: fencingTimeout})
}

// failedListTTL is how long a failed list answer is reused.
const failedListTTL = 5 * time.Second

// List runs the device's list action and returns the names it reports;
// each line is "plug[,alias]" or white-space separated, and every field
// counts. Results are cached for ListTTL, failures for a few seconds (so a
// device without list is not asked several times per request).
func (x *Executor) List(ctx context.Context, d *Device, fencingTimeout time.Duration) ([]string, error) {
	key := stdinParams(d.Params) + d.Agent
	ttl := x.ListTTL
	if ttl == 0 {
		ttl = time.Minute
	}
	now := x.clock().Now()
	x.mu.Lock()
	// A failed list is asked again sooner: it may have been a passing
	// fault, and a device is useless while its list is missing.
	if e, ok := x.lists[d.ID]; ok && e.key == key && (now.Sub(e.at) < ttl && e.err == nil || now.Sub(e.at) < failedListTTL) {
		x.mu.Unlock()
		return e.names, e.err
	}
	x.mu.Unlock()
	r := x.Run(ctx, d, "", "list", ExecOptions{FencingTimeout: fencingTimeout})
	var names []string
	var err error
	if !r.OK {
		err = fmt.Errorf("device %s: list failed: %s", d.ID, r.Reason)
	} else {
		names = parseList(r.Output)
	}
	x.mu.Lock()
	if x.lists == nil {
		x.lists = map[string]listEntry{}
	}
	x.lists[d.ID] = listEntry{key: key, names: names, err: err, at: now}
	x.mu.Unlock()
	return names, err
}

func parseList(out string) []string {
	var names []string
	for _, line := range strings.Split(out, "\n") {
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			if !contains(names, f) {
				names = append(names, f)
			}
		}
	}
	return names
}

// CanFence runs the device's host check for target on this node:
// static-list looks at the configuration, dynamic-list at the agent's
// list, status asks the agent about the target's port, none says yes.
// The error explains a "no".
func (x *Executor) CanFence(ctx context.Context, d *Device, target string, fencingTimeout time.Duration) (bool, error) {
	meta := x.meta(ctx, d.Agent)
	switch check := d.EffectiveCheck(meta); check {
	case CheckNone:
		return true, nil
	case CheckStatic:
		if contains(d.HostList, target) {
			return true, nil
		}
		if _, ok := d.HostMap.Port(target); ok {
			return true, nil
		}
		return false, fmt.Errorf("device %s: %s not in its pcmk_host_list/pcmk_host_map", d.ID, target)
	case CheckDynamic:
		names, err := x.List(ctx, d, fencingTimeout)
		if err != nil {
			return false, err
		}
		if contains(names, target) || contains(names, d.Port(target)) {
			return true, nil
		}
		return false, fmt.Errorf("device %s: %s not in the list the agent reports", d.ID, target)
	default: // status
		r := x.Run(ctx, d, target, "status", ExecOptions{FencingTimeout: fencingTimeout})
		if r.OK {
			return true, nil
		}
		return false, fmt.Errorf("device %s: status of %s failed: %s", d.ID, target, r.Reason)
	}
}
