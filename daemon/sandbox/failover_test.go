package sandbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
	"pacer/share/clusterview"
	"pacer/share/xmltree"
)

func TestKillNodeRunningResourceFencesAndRecovers(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second),
			configWith(t, true, []string{dummy("d1")}, []string{prefer("d1", "n2")}), client.Version{})
	})
	where := c.runningOnce("n1", "d1", 20*time.Second)
	if where != "n2" {
		t.Fatalf("d1 runs on %s, want n2 (preferred)", where)
	}
	if got := c.dummyActive("d1"); !slices.Equal(got, []string{where}) {
		t.Fatalf("d1 active per agent state on %v, status says %s", got, where)
	}
	start := time.Now()
	if err := sandbox.Kill(c.dir, where); err != nil {
		t.Fatal(err)
	}
	now := c.runningOnce("n1", "d1", 30*time.Second, where)
	t.Logf("d1 moved from %s to %s in %s", where, now, time.Since(start).Round(time.Millisecond))
	// Fenced: the victim's state was wiped, d1 is active exactly once.
	if got := c.dummyActive("d1"); !slices.Equal(got, []string{now}) {
		t.Fatalf("d1 active per agent state on %v, want only %s", got, now)
	}
	h, err := cl.FenceHistory(ctx(t, 5*time.Second))
	if err != nil || len(h) == 0 || h[0].Target != where || h[0].Result != "success" {
		t.Fatalf("fence history %+v, %v: want %s fenced", h, err, where)
	}
}

// slow is a pacemaker Dummy whose start and stop take secs seconds.
func slow(id string, secs int) string {
	return fmt.Sprintf(`<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy">
  <instance_attributes id="%s-ia"><nvpair id="%s-sleep" name="op_sleep" value="%d"/></instance_attributes>
  <operations><op id="%s-monitor-2s" name="monitor" interval="2s" timeout="20s"/></operations>
</primitive>`, id, id, id, secs, id)
}

// slowActive lists the nodes where pacemaker Dummy rsc is active (its
// state file lives in the node's HA_VARRUN).
func (c *cluster) slowActive(rsc string) []string {
	var out []string
	for _, nd := range c.l.Nodes {
		if _, err := os.Stat(filepath.Join(c.dir, nd.Name, "run", "Dummy-"+rsc+".state")); err == nil {
			out = append(out, nd.Name)
		}
	}
	return out
}

func TestKillDCMidTransitionNewDCFinishes(t *testing.T) {
	c := startCluster(t, 3, false)
	// The DC is whichever node the log elected; the others watch.
	dc := c.oneDC(10*time.Second, "n1", "n2", "n3")
	others := slices.DeleteFunc([]string{"n1", "n2", "n3"}, func(s string) bool { return s == dc })
	events, err := c.dial(others[0]).Subscribe(ctx(t, 60*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	cl := c.dial(others[0])
	rscs := []string{slow("s1", 2), slow("s2", 2), slow("s3", 2)}
	cons := []string{avoid("s1", dc), avoid("s2", dc), avoid("s3", dc)}
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), configWith(t, true, rscs, cons), client.Version{})
	})
	// Wait for the DC to start one of the slow starts, then kill it.
	deadline := time.After(20 * time.Second)
wait:
	for {
		select {
		case ev := <-events:
			if ev.Kind == clusterview.EventActionStarted && ev.Op == "start" && strings.HasPrefix(ev.Resource, "s") {
				break wait
			}
		case <-deadline:
			t.Fatal("no start action seen")
		}
	}
	if err := sandbox.Kill(c.dir, dc); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "new DC", func() error {
		if now, err := c.dcSeenBy(others[0]); err != nil || now == dc || now == "" {
			return fmt.Errorf("%s sees DC %q (%v)", others[0], now, err)
		}
		return nil
	})
	for _, r := range []string{"s1", "s2", "s3"} {
		where := c.runningOnce(others[0], r, 40*time.Second, dc)
		if got := c.slowActive(r); !slices.Equal(got, []string{where}) {
			t.Fatalf("%s active per agent state on %v, status says %s", r, got, where)
		}
	}
	// Nothing left to do, and still exactly one copy each.
	w := c.dial(others[1])
	if err := w.WaitIdle(ctx(t, 30*time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"s1", "s2", "s3"} {
		if got := c.slowActive(r); len(got) != 1 {
			t.Fatalf("%s active on %v after the new DC settled", r, got)
		}
	}
}

func TestRestartedNodeRejoinsAndReprobes(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second),
			configWith(t, true, []string{dummy("d1")}, []string{prefer("d1", "n2")}), client.Version{})
	})
	c.runningOnce("n1", "d1", 20*time.Second)
	if err := cl.WaitIdle(ctx(t, 20*time.Second)); err != nil {
		t.Fatal(err)
	}
	// n3 crashes (and is fenced), then comes back.
	if err := sandbox.Kill(c.dir, "n3"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 15*time.Second, "n3 fenced", func() error {
		h, err := cl.FenceHistory(ctx(t, 5*time.Second))
		if err != nil {
			return err
		}
		for _, e := range h {
			if e.Target == "n3" && e.Result == clusterview.FencingSuccess {
				return nil
			}
		}
		return fmt.Errorf("history %+v", h)
	})
	before := time.Now().Add(-time.Second).Unix()
	if _, err := sandbox.Start(c.dir, 3, false, c.bin, []string{"n3"}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "n3 online and re-probed", func() error {
		doc, _ := cibOf(t, c, "n1")
		var probe *xmltree.Element
		doc.Root.Walk(func(e *xmltree.Element) bool {
			if e.Name == "node_state" && e.Attr("uname") == "n3" {
				if e.Attr("in_ccm") != "true" {
					return false
				}
				e.Walk(func(o *xmltree.Element) bool {
					if o.Name == "lrm_rsc_op" && o.Parent.ID() == "d1" && o.Attr("operation") == "monitor" && o.Attr("interval") == "0" {
						probe = o
					}
					return true
				})
				return false
			}
			return true
		})
		if probe == nil {
			return fmt.Errorf("no probe of d1 on n3 yet")
		}
		if t, _ := strconv.ParseInt(probe.Attr("last-rc-change"), 10, 64); t < before {
			return fmt.Errorf("probe of d1 on n3 is old (%d < %d)", t, before)
		}
		if probe.Attr("rc-code") != "7" {
			return fmt.Errorf("probe rc %s, want 7 (not running)", probe.Attr("rc-code"))
		}
		return nil
	})
	if got := c.dummyActive("d1"); len(got) != 1 {
		t.Fatalf("d1 active on %v", got)
	}
}
