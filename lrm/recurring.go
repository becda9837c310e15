package lrm

import (
	"errors"
	"fmt"
	"time"
)

type recKey struct {
	rsc      string
	interval time.Duration
}

type recurring struct {
	op     Op
	stop   chan struct{}
	done   chan struct{}
	report func(Result)
}

// StartRecurring runs op every op.Interval (after op.StartDelay) until
// cancelled, calling report with the first result and then only when the
// result changes (rc-code or op-status), like Pacemaker's executor. Every
// run keeps the call id given at registration. report runs on the
// monitor's own goroutine; it must not block for long. A resource has at
// most one recurring operation per interval, as in Pacemaker.
func (e *Executor) StartRecurring(op Op, report func(Result)) error {
	if op.Interval <= 0 {
		return errors.New("recurring operation needs an interval > 0")
	}
	if op.Resource == "" {
		return errors.New("recurring operation needs a resource")
	}
	if _, err := ParseAgent(op.Agent); err != nil {
		return err
	}
	k := recKey{op.Resource, op.Interval}
	r := &recurring{op: op, stop: make(chan struct{}), done: make(chan struct{}), report: report}
	e.mu.Lock()
	if _, dup := e.rec[k]; dup {
		e.mu.Unlock()
		return fmt.Errorf("%s already has a recurring operation every %s", op.Resource, op.Interval)
	}
	e.rec[k] = r
	e.mu.Unlock()
	callID := int(e.callID.Add(1))
	go e.runRecurring(r, callID)
	return nil
}

func (e *Executor) runRecurring(r *recurring, callID int) {
	defer close(r.done)
	var last Result
	first := true
	wait := r.op.StartDelay
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-timer.C:
		}
		// A run in progress finishes even if cancelled meanwhile (it is
		// harmless), but its result is not reported.
		res := e.exec(r.stop, nil, r.op, callID)
		select {
		case <-r.stop:
			return
		default:
		}
		if first || res.RC != last.RC || res.Status != last.Status {
			if !first && res.RC == last.RC && res.Status == last.Status {
				res.LastRCChange = last.LastRCChange
			}
			first = false
			last = res
			if r.report != nil {
				r.report(res)
			}
		}
		timer.Reset(r.op.Interval)
	}
}

// Cancel stops the recurring operation of rsc with that interval. When it
// returns, no further result of it will be reported. It reports whether
// such an operation existed.
func (e *Executor) Cancel(rsc string, interval time.Duration) bool {
	k := recKey{rsc, interval}
	e.mu.Lock()
	r, ok := e.rec[k]
	delete(e.rec, k)
	e.mu.Unlock()
	if !ok {
		return false
	}
	close(r.stop)
	<-r.done
	return true
}

// CancelAll stops every recurring operation of a resource (before a stop
// or migration) and returns how many there were.
func (e *Executor) CancelAll(rsc string) int {
	e.mu.Lock()
	var ivs []time.Duration
	for k := range e.rec {
		if k.rsc == rsc {
			ivs = append(ivs, k.interval)
		}
	}
	e.mu.Unlock()
	n := 0
	for _, iv := range ivs {
		if e.Cancel(rsc, iv) {
			n++
		}
	}
	return n
}

// Recurring lists the active recurring operations.
func (e *Executor) Recurring() []Op {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Op, 0, len(e.rec))
	for _, r := range e.rec {
		out = append(out, r.op)
	}
	return out
}
