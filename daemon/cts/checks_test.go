package cts

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/cib"
	"pacer/share/xmltree"
)

// newCampaign is a campaign with no cluster, for the checks alone.
func newCampaign(t *testing.T, nodes ...string) *campaign {
	c := &campaign{
		res: &Result{Checks: map[string]*CheckStat{}}, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		dir: t.TempDir(), nodes: nodes, reported: map[string]bool{}, disturbed: map[string]time.Time{},
		known: []string{CheckPlannedStop},
	}
	for _, k := range checkOrder {
		c.res.Checks[k] = &CheckStat{}
	}
	return c
}

func (c *campaign) logPowerOff(t *testing.T, at time.Time, target, by string) {
	f, err := os.OpenFile(filepath.Join(c.dir, sandbox.PowerLog), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "%d %s %s\n", at.UnixNano(), target, by)
	f.Close()
}

func violations(c *campaign, check string) []Violation {
	var out []Violation
	for _, v := range c.res.Violations {
		if v.Check == check {
			out = append(out, v)
		}
	}
	return out
}

func TestFenceFromQuorumCheck(t *testing.T) {
	c := newCampaign(t, "n1", "n2", "n3")
	t0 := time.Now().Add(-time.Minute)
	// n1 and n2 together (a majority) until t0+10s, then every node alone.
	for ms := 0; ms < 20000; ms += 250 {
		at := t0.Add(time.Duration(ms) * time.Millisecond)
		together := ms < 10000
		c.quorate = append(c.quorate, quorateSample{at: at, quorate: map[string]bool{"n1": together, "n2": together}})
	}
	c.logPowerOff(t, t0.Add(5*time.Second), "n3", "n1")                       // majority: fine
	c.logPowerOff(t, t0.Add(10*time.Second+200*time.Millisecond), "n3", "n2") // just after the cut: within the grace
	c.logPowerOff(t, t0.Add(15*time.Second), "n1", "n2")                      // alone for 5 s: a violation
	c.logPowerOff(t, t0.Add(16*time.Second), "n2", "-")                       // the host: not a fencing decision
	c.checkPowerLog()
	v := violations(c, CheckFenceQuorum)
	if len(v) != 1 || c.res.Checks[CheckFenceQuorum].Evaluations != 3 {
		t.Fatalf("violations %+v, %d evaluations: want n2's power-off of n1 only, of 3", v, c.res.Checks[CheckFenceQuorum].Evaluations)
	}
	// Checked once: a second pass over the same log finds nothing new.
	c.checkPowerLog()
	if len(violations(c, CheckFenceQuorum)) != 1 {
		t.Fatal("the same power-off reported twice")
	}
}

func TestPlannedStopCheck(t *testing.T) {
	c := newCampaign(t, "n1", "n2", "n3")
	t0 := time.Now().Add(-time.Minute)
	for ms := 0; ms < 30000; ms += 250 {
		c.quorate = append(c.quorate, quorateSample{at: t0.Add(time.Duration(ms) * time.Millisecond), quorate: map[string]bool{"n1": true, "n2": true, "n3": true}})
	}
	c.plannedWindows = []plannedWindow{
		{node: "n1", from: t0.Add(2 * time.Second), to: t0.Add(8 * time.Second)},
		{node: "n2", from: t0.Add(12 * time.Second), to: t0.Add(18 * time.Second)},
	}
	c.disturbed["n2"] = t0.Add(13 * time.Second)         // n2 was also cut off during its stop
	c.logPowerOff(t, t0.Add(3*time.Second), "n1", "n3")  // n1 fenced while stopping cleanly
	c.logPowerOff(t, t0.Add(9*time.Second), "n1", "n3")  // after the window
	c.logPowerOff(t, t0.Add(14*time.Second), "n2", "n3") // excused by the other fault
	c.checkPowerLog()
	v := violations(c, CheckPlannedStop)
	if len(v) != 1 || !v[0].Known {
		t.Fatalf("violations %+v: want one (known) for n1", v)
	}
	if c.res.Failed() {
		t.Fatal("a known violation failed the campaign")
	}
	c.known = nil
	c.logPowerOff(t, t0.Add(4*time.Second), "n1", "n2")
	c.checkPowerLog()
	if !c.res.Failed() {
		t.Fatal("an unknown violation did not fail the campaign")
	}
}

func TestAckDurableCheck(t *testing.T) {
	c := newCampaign(t, "n1")
	c.acked = []ackedWrite{{id: "cts-w-1", version: cib.Version{Epoch: 3}}, {id: "cts-w-2", version: cib.Version{Epoch: 4}}}
	cfg, err := xmltree.ParseElement(`<configuration><crm_config><cluster_property_set id="cts-writes">
  <nvpair id="cts-w-1" name="cts-w-1" value="1"/></cluster_property_set></crm_config></configuration>`)
	if err != nil {
		t.Fatal(err)
	}
	c.checkAcksIn(cfg, "test")
	c.checkAcksIn(cfg, "test again")
	v := violations(c, CheckAckDurable)
	if len(v) != 1 || c.res.Writes.Lost != 1 {
		t.Fatalf("violations %+v, lost %d: want cts-w-2 lost, once", v, c.res.Writes.Lost)
	}
}

func TestFailoverMedian(t *testing.T) {
	r := &Result{Failovers: []Failover{
		{Took: 4 * time.Second, Undisturbed: true}, {Took: 2 * time.Second, Undisturbed: true},
		{Took: 30 * time.Second}, {Took: 3 * time.Second, Undisturbed: true},
	}}
	if m, n := r.FailoverMedian(); m != 3*time.Second || n != 3 {
		t.Fatalf("median %s of %d, want 3s of the 3 undisturbed", m, n)
	}
}
