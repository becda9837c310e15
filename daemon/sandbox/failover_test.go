package sandbox_test

import (
	"slices"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
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
