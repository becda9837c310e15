package stonith

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Request asks for one node to be fenced.
type Request struct {
	Target string
	// Action is reboot, off or on; "" means the cluster's fencing-action.
	Action string
	Origin string // node that asked
	Client string // component that asked: "controller", "pacer node fence", ...
	// ExtraDelay is added before fencing (priority-fencing-delay, computed
	// by the controller with PriorityDelayApplies).
	ExtraDelay time.Duration
}

// DeviceRequest asks one node to run one device action.
type DeviceRequest struct {
	Device     string        `json:"device"`
	Target     string        `json:"target"`
	Action     string        `json:"action"`
	ExtraDelay time.Duration `json:"extra_delay,omitempty"`
	NoDelay    bool          `json:"no_delay,omitempty"`
}

// Result is the outcome of a fencing request.
type Result struct {
	Target string
	Action string
	OK     bool
	// Delegate names the node(s) that ran the devices of the step that
	// succeeded (comma-separated when several).
	Delegate string
	Level    int // topology index that succeeded; 0 without topology
	Reason   string
	Devices  []DeviceResult // every device action tried, in order
	Started  time.Time
	Finished time.Time
}

// Remote reaches the fencers of the cluster's nodes, this one included.
// daemon/fencer implements it over the daemon's peer messages; on the
// receiving side it calls Executor.CanFence and Executor.Run.
type Remote interface {
	// Members are the nodes that can run device actions now (online
	// cluster members with a running fencer), this node included.
	Members() []string
	// CanFence asks node to run device's host check for target; err is
	// for failing to ask, why explains a no.
	CanFence(ctx context.Context, node, device, target string) (ok bool, why string, err error)
	// Execute asks node to run one device action; err is for failing to
	// ask (the node is gone), not for the agent failing.
	Execute(ctx context.Context, node string, req DeviceRequest) (DeviceResult, error)
}

// Coordinator carries fencing requests out across the cluster. One per
// node; requests may come from the controller and from admins.
type Coordinator struct {
	Self   string
	Remote Remote
	Log    *slog.Logger
	Clock  Clock

	// serial is a one-slot semaphore held per request when
	// concurrent-fencing=false.
	serial   chan struct{}
	mu       sync.Mutex
	inflight map[string]*call
}

type call struct {
	done chan struct{}
	res  Result
}

func (c *Coordinator) log() *slog.Logger {
	if c.Log == nil {
		return slog.Default()
	}
	return c.Log
}

func (c *Coordinator) now() time.Time {
	if c.Clock == nil {
		return time.Now()
	}
	return c.Clock.Now()
}

// ValidAction normalises a requested fencing action.
func ValidAction(a, dflt string) (string, error) {
	switch a {
	case "":
		return dflt, nil
	case "reboot", "off", "on":
		return a, nil
	case "poweroff":
		return "off", nil
	}
	return "", fmt.Errorf("fencing action %q: want reboot, off or on", a)
}

// Fence carries out req with configuration cfg. A request identical to one
// in progress (same target and action) joins it rather than fencing twice.
func (c *Coordinator) Fence(ctx context.Context, cfg *Config, req Request) Result {
	action, err := ValidAction(req.Action, cfg.Options.Action)
	if err != nil {
		now := c.now()
		return Result{Target: req.Target, Action: req.Action, Reason: err.Error(), Started: now, Finished: now}
	}
	req.Action = action
	key := req.Target + "\x00" + action
	c.mu.Lock()
	if c.inflight == nil {
		c.inflight = map[string]*call{}
	}
	if cl, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		c.log().Info("joining fencing request already in progress", "target", req.Target, "action", action)
		select {
		case <-cl.done:
			return cl.res
		case <-ctx.Done():
			now := c.now()
			return Result{Target: req.Target, Action: action, Reason: "gave up waiting: " + ctx.Err().Error(), Started: now, Finished: now}
		}
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[key] = cl
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.inflight, key)
		c.mu.Unlock()
		close(cl.done)
	}()
	if !cfg.Options.Concurrent {
		c.mu.Lock()
		if c.serial == nil {
			c.serial = make(chan struct{}, 1)
		}
		sem := c.serial
		c.mu.Unlock()
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
		case <-ctx.Done():
			now := c.now()
			cl.res = Result{Target: req.Target, Action: action, Started: now, Finished: now,
				Reason: "gave up waiting for another fencing to finish (concurrent-fencing=false): " + ctx.Err().Error()}
			return cl.res
		}
	}
	cl.res = c.fence(ctx, cfg, req)
	return cl.res
}

// budget is the time a whole request may take when the caller set none:
// every device of every step at its timeout plus its longest delay.
func budget(cfg *Config, steps []Step, req Request) time.Duration {
	var total time.Duration
	for _, s := range steps {
		for _, id := range s.Devices {
			d := cfg.Devices[id]
			if d == nil {
				continue
			}
			a := req.Action
			if a == "reboot" && len(s.Devices) > 1 {
				total += d.Action("on", cfg.Options.Timeout).Timeout
				a = "off"
			}
			total += d.Action(a, cfg.Options.Timeout).Timeout + max(d.DelayMax, d.DelayBase) + req.ExtraDelay
			for _, b := range d.DelayBaseMap {
				total += b
			}
		}
	}
	return total + 10*time.Second
}

func (c *Coordinator) fence(ctx context.Context, cfg *Config, req Request) Result {
	res := Result{Target: req.Target, Action: req.Action, Started: c.now()}
	steps, err := cfg.Plan(req.Target)
	if err != nil {
		res.Reason, res.Finished = err.Error(), c.now()
		return res
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, budget(cfg, steps, req))
		defer cancel()
	}
	c.log().Info("fencing", "target", req.Target, "action", req.Action, "origin", req.Origin, "client", req.Client, "steps", len(steps))
	var reasons []string
	for _, st := range steps {
		delegates, why := c.step(ctx, cfg, st, &req, &res)
		if why == "" {
			res.OK, res.Delegate, res.Level, res.Reason = true, strings.Join(delegates, ","), st.Level, ""
			break
		}
		what := "device " + st.Devices[0]
		if st.Level > 0 {
			what = fmt.Sprintf("level %d (%s)", st.Level, strings.Join(st.Devices, ","))
		}
		reasons = append(reasons, what+": "+why)
		c.log().Warn("fencing step failed", "target", req.Target, "step", what, "reason", why)
		if ctx.Err() != nil {
			reasons = append(reasons, "out of time: "+ctx.Err().Error())
			break
		}
	}
	if !res.OK {
		res.Reason = strings.Join(reasons, "; ")
	}
	res.Finished = c.now()
	if res.OK {
		c.log().Info("fenced", "target", req.Target, "action", req.Action, "delegate", res.Delegate, "level", res.Level)
	} else {
		c.log().Error("fencing failed", "target", req.Target, "action", req.Action, "reason", res.Reason)
	}
	return res
}

// step runs one level; it returns the nodes that ran its devices, or why
// it failed.
func (c *Coordinator) step(ctx context.Context, cfg *Config, st Step, req *Request, res *Result) ([]string, string) {
	var delegates []string
	run := func(dev, action string, noDelay bool) string {
		r := c.device(ctx, cfg, dev, *req, action, noDelay)
		res.Devices = append(res.Devices, r)
		if r.Attempts > 0 {
			// priority-fencing-delay is waited once per request.
			req.ExtraDelay = 0
		}
		if !r.OK {
			return r.Reason
		}
		if !contains(delegates, r.Node) {
			delegates = append(delegates, r.Node)
		}
		return ""
	}
	if req.Action == "reboot" && len(st.Devices) > 1 {
		// Several devices in one level (redundant power supplies):
		// rebooting them one by one would never cut the power, so all
		// off, then all on. Once every off succeeded the node is down and
		// the request has succeeded; failures of "on" are logged only.
		for _, dev := range st.Devices {
			if why := run(dev, "off", false); why != "" {
				return nil, fmt.Sprintf("%s off: %s", dev, why)
			}
		}
		for _, dev := range st.Devices {
			if why := run(dev, "on", true); why != "" {
				c.log().Warn("ignoring failure of 'on' after a successful 'off'", "target", req.Target, "device", dev, "reason", why)
			}
		}
		return delegates, ""
	}
	for _, dev := range st.Devices {
		if why := run(dev, req.Action, false); why != "" {
			return nil, fmt.Sprintf("%s: %s", dev, why)
		}
	}
	return delegates, ""
}

// device finds a node that can use dev against the target and has it run
// the action. A node that cannot be asked is passed over; an agent that
// fails is the device's failure.
func (c *Coordinator) device(ctx context.Context, cfg *Config, dev string, req Request, action string, noDelay bool) DeviceResult {
	r := DeviceResult{Device: dev, Action: action, Started: c.now()}
	fail := func(why string) DeviceResult {
		r.Reason, r.Finished = why, c.now()
		return r
	}
	if cfg.Devices[dev] == nil {
		return fail("no such device")
	}
	nodes := cfg.Executors(dev, req.Target, c.Remote.Members(), c.Self)
	if len(nodes) == 0 {
		return fail("no cluster member may use this device (disabled, or banned by location constraints)")
	}
	// Reasons are grouped: a static list says the same on every node.
	var whys []string
	byWhy := map[string][]string{}
	no := func(node, why string) {
		if _, seen := byWhy[why]; !seen {
			whys = append(whys, why)
		}
		byWhy[why] = append(byWhy[why], node)
	}
	for _, n := range nodes {
		if ctx.Err() != nil {
			no("-", ctx.Err().Error())
			break
		}
		ok, why, err := c.Remote.CanFence(ctx, n, dev, req.Target)
		if err != nil {
			no(n, fmt.Sprintf("not reachable: %v", err))
			continue
		}
		if !ok {
			no(n, why)
			continue
		}
		dr, err := c.Remote.Execute(ctx, n, DeviceRequest{Device: dev, Target: req.Target, Action: action,
			ExtraDelay: req.ExtraDelay, NoDelay: noDelay})
		if err != nil {
			no(n, fmt.Sprintf("not reachable: %v", err))
			continue
		}
		dr.Node = n
		return dr
	}
	var parts []string
	for _, w := range whys {
		parts = append(parts, "on "+strings.Join(byWhy[w], ",")+": "+w)
	}
	return fail("cannot fence " + req.Target + " (" + strings.Join(parts, "; ") + ")")
}
