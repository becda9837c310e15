package scheduler

import (
	"strings"
	"time"

	"pacer/share/iso8601"
	"pacer/share/opdigest"
)

func parseIntervalLoose(s string) (time.Duration, error) { return iso8601.ParseInterval(s) }

// decide records per-resource facts placement does not cover: restarts
// and reloads for changed definitions.
func (c *cluster) decide() {
	for _, r := range c.allList {
		if r.Kind != Primitive || r.Orphan || !r.Managed {
			continue
		}
		c.checkDigests(r)
		for _, n := range r.agentChangedOn {
			if !r.runningOn(n) {
				continue
			}
			// another agent than the one that runs it: restarted
			c.needRestart(r, n, "")
			if c.opts.FencingEnabled && r.Class == "stonith" && r.Meta["provides"] == "unfencing" && n.Online && !n.Unclean {
				// a device that unfences changed: its node is
				// unfenced again
				if c.reunfence == nil {
					c.reunfence = map[*Node]bool{}
				}
				c.reunfence[n] = true
			}
		}
		// A failed resource inside a container is recovered by
		// restarting the container.
		if ct := c.all[r.Meta["container"]]; ct != nil && ct != r {
			for n := range r.FailedOn {
				if ct.runningOn(n) {
					c.needRestart(ct, n, "")
				}
			}
			for _, n := range r.containerFailedOn {
				if ct.runningOn(n) {
					c.needRestart(ct, n, "")
				}
			}
		}
	}
	c.restartForUnfencing()
}

// restartForUnfencing: what requires unfencing and runs on a node that
// is unfenced again stops before and starts after.
func (c *cluster) restartForUnfencing() {
	for n := range c.reunfence {
		for _, r := range c.allList {
			if r.Kind == Primitive && r.Managed && r.Requires == "unfencing" && r.runningOn(n) && !hasKey(r.restartNeed, n) {
				c.needRestart(r, n, "required stonith")
			}
		}
	}
}

func (c *cluster) rscParams(r *Resource) map[string]string {
	p := map[string]string{}
	for k, v := range r.Params {
		if v != "#default" {
			p[k] = v
		}
	}
	return p
}

// startParams are the parameters a start is run with, as digested.
func (c *cluster) startParams(r *Resource) map[string]string {
	p := map[string]string{}
	for k, v := range r.Params {
		if v == "#default" { // old CIBs' way of saying "unset"
			continue
		}
		p[k] = v
	}
	if op := r.findOp("start", 0); op != nil {
		for k, v := range op.Params {
			p[k] = v
		}
	}
	return p
}

// checkDigests compares the digest recorded with the last start on each
// node with the current definition: a change of a parameter that needs a
// restart restarts the resource; other changes reload it.
func (c *cluster) checkDigests(r *Resource) {
	for _, n := range r.Running {
		h := r.history[n]
		if h == nil || h.lastStart == nil || h.lastStart.digest == "" {
			continue
		}
		op := h.lastStart
		params := c.startParams(r)
		all := opdigest.Digest(params)
		if rd, ok := op.e.AttrOK("op-restart-digest"); ok {
			opOnly := all != op.digest && opdigest.Digest(c.rscParams(r)) == op.digest
			if opOnly || opdigest.Subset(params, op.e.Attr("op-force-restart"), true) != rd {
				c.needRestart(r, n, "resource definition change")
			} else if all != op.digest && op.pending {
				// A reload cannot change what a start still in flight
				// was given: a restart does (Pacemaker names no reason).
				c.needRestart(r, n, "")
			} else if all != op.digest {
				if r.reloadOn == nil {
					r.reloadOn = map[*Node]bool{}
				}
				r.reloadOn[n] = true
			}
			continue
		}
		if sd, ok := op.e.AttrOK("op-secure-digest"); ok && all != op.digest {
			// The status may hide secret values (crm_simulate inputs
			// are sanitized); the digest without them then decides.
			secure := map[string]string{}
			for k, v := range params {
				// fencing devices' pcmk_* options are not agent parameters
				if r.Class == "stonith" && strings.HasPrefix(k, "pcmk_") {
					continue
				}
				secure[k] = v
			}
			if opdigest.Subset(secure, op.e.Attr("op-secure-params"), false) == sd {
				continue
			}
		}
		if all != op.digest {
			c.needRestart(r, n, "resource definition change")
		}
	}
}

func (c *cluster) needRestart(r *Resource, n *Node, why string) {
	if r.Class == "lsb" || r.Class == "systemd" || r.Class == "service" || r.Class == "upstart" || r.Requires == "nothing" {
		// agents without parameters: the change is not a definition change
		// Pacemaker names (nor is it for what requires nothing to start)
		why = ""
	}
	if r.restartNeed == nil {
		r.restartNeed = map[*Node]string{}
	}
	r.restartNeed[n] = why
}
