// Package controller is the DC's executor of transitions: it runs the
// scheduler when something relevant changed (debounced), walks the
// resulting graph in dependency order within batch-limit, sends each action
// to its node, and aborts and recomputes when a result is not the expected
// one or the cluster changed under it.
package controller

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"pacer/share/graph"
	"pacer/share/xmltree"
)

// Scheduler computes a transition graph from a CIB (a private copy).
type Scheduler func(doc *xmltree.Document, now time.Time) (*graph.Graph, error)

// Result is the outcome of a resource operation.
type Result struct {
	RC       int
	OpStatus int // Pacemaker's op-status; 0 = done
	// Recorded is true when the executor already wrote it to the CIB.
	Err error
}

// Host is what the controller needs from the DC.
type Host interface {
	// CIB returns a private copy of the current CIB.
	CIB() *xmltree.Document
	// ExecOp runs an rsc_op action on its node and records the result in
	// the status section (including fail counts); it returns the result.
	ExecOp(ctx context.Context, transition int, a *graph.Action) Result
	// Fence fences a node and records it (node down, history cleared).
	Fence(ctx context.Context, target, action string) error
	// ClearFailcount removes the fail counts of rsc on node.
	ClearFailcount(node, rsc string)
	// Transition reports progress for status and events.
	Transition(id int, actions, completed int, pending bool)
	// ActionEvent reports an action starting (done=false) or finishing.
	ActionEvent(transition int, a *graph.Action, done bool, r Result, took time.Duration)
}

// Controller runs on the DC only; Stop it when the node loses the DC role.
type Controller struct {
	sched Scheduler
	host  Host
	log   *slog.Logger
	// Debounce coalesces bursts of changes into one scheduler run.
	Debounce time.Duration
	// Recheck is cluster-recheck-interval: rerun even when nothing changed,
	// so time-based rules and failure-timeout act.
	Recheck func() time.Duration
	// SaveInput, when set, keeps each run's input (Pacemaker's
	// pe-input-N, pe-error-N when the run failed) and says where.
	SaveInput func(doc *xmltree.Document, failed bool) string

	kick   chan struct{}
	abort  chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	// backoff delays the next run after a transition that failed (say,
	// fencing without a working device) so that a persistent failure does
	// not spin; lastKeys is the last completed graph, to notice a
	// scheduler asking for the same successful actions over and over.
	backoff  time.Duration
	lastKeys string

	mu       sync.Mutex
	dirty    bool
	running  bool
	idleWait []chan struct{}
	tid      int
}

// New creates a controller; call Start.
func New(s Scheduler, h Host, log *slog.Logger, firstTransition int) *Controller {
	c := &Controller{sched: s, host: h, log: log, Debounce: 50 * time.Millisecond,
		kick: make(chan struct{}, 1), abort: make(chan struct{}, 1), done: make(chan struct{}), tid: firstTransition}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// Start begins the loop with an initial run.
func (c *Controller) Start() {
	c.Trigger("start")
	go c.loop()
}

// Stop cancels the running transition (in-flight actions are abandoned:
// the next DC re-reads their results from the nodes) and waits.
func (c *Controller) Stop() {
	c.cancel()
	<-c.done
	c.mu.Lock()
	for _, w := range c.idleWait {
		close(w)
	}
	c.idleWait = nil
	c.mu.Unlock()
}

// Trigger asks for a new scheduler run; a running transition is aborted
// (no new actions are started) and recomputed once its in-flight actions
// are back.
func (c *Controller) Trigger(why string) {
	c.mu.Lock()
	c.dirty = true
	c.mu.Unlock()
	c.log.Debug("transition trigger", "why", why)
	for _, ch := range []chan struct{}{c.kick, c.abort} {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Idle returns a channel closed when nothing is pending: no transition
// running and no change waiting to be scheduled.
func (c *Controller) Idle() <-chan struct{} {
	ch := make(chan struct{})
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty && !c.running {
		close(ch)
		return ch
	}
	c.idleWait = append(c.idleWait, ch)
	return ch
}

func (c *Controller) setIdle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dirty || c.running {
		return
	}
	for _, w := range c.idleWait {
		close(w)
	}
	c.idleWait = nil
}

func (c *Controller) loop() {
	defer close(c.done)
	recheck := time.NewTimer(c.recheck())
	defer recheck.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.kick:
		case <-recheck.C:
			c.Trigger("cluster-recheck-interval")
			continue
		}
		// Debounce: let a burst of changes settle.
		select {
		case <-c.ctx.Done():
			return
		case <-time.After(c.Debounce):
		}
		for {
			c.mu.Lock()
			if !c.dirty {
				c.mu.Unlock()
				break
			}
			c.dirty = false
			c.running = true
			c.mu.Unlock()
			more := c.runOnce()
			c.mu.Lock()
			c.running = false
			if more {
				c.dirty = true
			}
			c.mu.Unlock()
			if c.ctx.Err() != nil {
				return
			}
			if c.backoff > 0 {
				select {
				case <-c.ctx.Done():
					return
				case <-time.After(c.backoff):
				}
			}
		}
		c.setIdle()
		if !recheck.Stop() {
			select {
			case <-recheck.C:
			default:
			}
		}
		recheck.Reset(c.recheck())
	}
}

func (c *Controller) recheck() time.Duration {
	if c.Recheck != nil {
		if d := c.Recheck(); d > 0 {
			return d
		}
	}
	return 15 * time.Minute
}

// runOnce computes and executes one transition; it returns true when the
// transition was aborted or did work, so the caller recomputes (a graph
// that completes cleanly is followed by one more run, which must come out
// empty: that is how the controller knows the cluster is where the CIB
// wants it).
func (c *Controller) runOnce() bool {
	select {
	case <-c.abort: // this run covers the changes so far
	default:
	}
	doc := c.host.CIB()
	g, err := c.sched(doc, time.Now())
	input := ""
	if c.SaveInput != nil {
		input = c.SaveInput(doc, err != nil)
	}
	if err != nil {
		c.log.Error("scheduler failed; will retry", "err", err, "input", input)
		select {
		case <-c.ctx.Done():
		case <-time.After(2 * time.Second):
		}
		return true
	}
	if err := g.Validate(); err != nil {
		c.log.Error("scheduler produced an invalid graph; not executing it", "err", err)
		return false
	}
	if len(g.Actions) == 0 {
		c.backoff, c.lastKeys = 0, ""
		return false
	}
	keys := graphKeys(g)
	if keys == c.lastKeys {
		// The same actions again although they all succeeded: running
		// them once more would change nothing. Wait for news instead.
		c.log.Warn("the scheduler asks again for a transition that just completed; waiting for a change", "actions", keys)
		c.lastKeys = ""
		return false
	}
	c.tid++
	g.TransitionID = c.tid
	c.log.Info("transition start", "transition", g.TransitionID, "actions", len(g.Actions), "input", input)
	c.host.Transition(g.TransitionID, len(g.Actions), 0, true)
	aborted, failed := c.execute(g)
	c.log.Info("transition end", "transition", g.TransitionID, "aborted", aborted)
	switch {
	case failed:
		c.backoff = min(max(2*c.backoff, 500*time.Millisecond), 10*time.Second)
		c.lastKeys = ""
	case !aborted:
		c.backoff = 0
		c.lastKeys = keys
	default:
		c.backoff, c.lastKeys = 0, ""
	}
	return true
}

func graphKeys(g *graph.Graph) string {
	var b []byte
	for _, a := range g.Actions {
		b = append(b, a.Key...)
		b = append(b, '@')
		b = append(b, a.Node...)
		b = append(b, ' ')
	}
	return string(b)
}

type outcome struct {
	a      *graph.Action
	failed bool
}

// execute walks g; it returns whether it was aborted and whether an
// action failed.
func (c *Controller) execute(g *graph.Graph) (aborted, failed bool) {
	state := make(map[int]int, len(g.Actions)) // 0 waiting, 1 running, 2 done, 3 failed
	results := make(chan outcome)
	running, completed := 0, 0
	limit := g.BatchLimit
	delay := g.ClusterDelay
	if delay <= 0 {
		delay = 60 * time.Second
	}
	ctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	for {
		if !aborted {
			c.mu.Lock()
			if c.dirty {
				aborted = true
				c.log.Info("transition aborted: cluster changed", "transition", g.TransitionID)
			}
			c.mu.Unlock()
		}
		if !aborted {
			for _, a := range g.Actions {
				if state[a.ID] != 0 || (limit > 0 && running >= limit && a.Kind == graph.RscOp) {
					continue
				}
				ready := true
				for _, in := range a.Inputs {
					if state[in] != 2 {
						ready = false
						break
					}
				}
				if !ready {
					continue
				}
				state[a.ID] = 1
				running++
				go func(a *graph.Action) { results <- c.run(ctx, g, a, delay) }(a)
			}
		}
		if running == 0 {
			return aborted || completed < len(g.Actions), failed
		}
		select {
		case o := <-results:
			running--
			completed++
			if o.failed {
				failed = true
				state[o.a.ID] = 3
				if !aborted {
					c.log.Info("transition aborted: unexpected result", "transition", g.TransitionID, "action", o.a.Key)
				}
				aborted = true
			} else {
				state[o.a.ID] = 2
			}
			c.host.Transition(g.TransitionID, len(g.Actions), completed, true)
		case <-c.abort:
			// A change arrived; the dirty flag, checked at the top, aborts.
		case <-c.ctx.Done():
			return true, failed
		}
	}
}

func (c *Controller) run(ctx context.Context, g *graph.Graph, a *graph.Action, delay time.Duration) outcome {
	c.log.Debug("action", "transition", g.TransitionID, "id", a.ID, "kind", a.Kind, "task", a.Task, "key", a.Key, "node", a.Node)
	switch a.Kind {
	case graph.Pseudo:
		return outcome{a: a}
	case graph.Event:
		start := time.Now()
		c.host.ActionEvent(g.TransitionID, a, false, Result{}, 0)
		var err error
		switch a.Task {
		case "stonith":
			action := a.Attrs["CRM_meta_stonith_action"]
			if action == "" {
				action = "reboot"
			}
			timeout := g.FencingTimeout
			if timeout <= 0 {
				timeout = 60 * time.Second
			}
			fctx, cancel := context.WithTimeout(ctx, timeout+delay)
			err = c.host.Fence(fctx, a.Node, action)
			cancel()
		case "clear_failcount":
			if a.Resource != nil {
				c.host.ClearFailcount(a.Node, a.Resource.ID)
			}
		}
		r := Result{Err: err}
		if err != nil {
			r.RC = 1
		}
		c.host.ActionEvent(g.TransitionID, a, true, r, time.Since(start))
		return outcome{a: a, failed: err != nil}
	}
	start := time.Now()
	timeout := a.Timeout()
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	c.host.ActionEvent(g.TransitionID, a, false, Result{}, 0)
	actx, cancel := context.WithTimeout(ctx, timeout+delay)
	r := c.host.ExecOp(actx, g.TransitionID, a)
	cancel()
	c.host.ActionEvent(g.TransitionID, a, true, r, time.Since(start))
	return outcome{a: a, failed: r.Err != nil || r.OpStatus != 0 || r.RC != TargetRC(a)}
}

// TargetRC is the rc the scheduler expects: CRM_meta_op_target_rc, else 7
// (not running) for a probe, else 0.
func TargetRC(a *graph.Action) int {
	if s, ok := a.Attrs["CRM_meta_op_target_rc"]; ok {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	if a.Task == "monitor" && a.Interval() == 0 {
		return 7
	}
	return 0
}

// TransitionKey is Pacemaker's "action:transition:target-rc:dc-uuid".
func TransitionKey(tid int, a *graph.Action, dcUUID string) string {
	return fmt.Sprintf("%d:%d:%d:%s", a.ID, tid, TargetRC(a), dcUUID)
}
