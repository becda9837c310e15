package sandbox_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
)

// A 3-node cluster split 2|1: the quorate side keeps (or takes) the
// resources, the lone node stops what it ran (no-quorum-policy=stop). After
// healing there is one DC and one CIB again.
func TestPartitionQuorateSideRunsResources(t *testing.T) {
	c := startCluster(t, 3, true)
	c.oneDC(15*time.Second, "n1", "n2", "n3")
	cl := c.dial("n1")
	// No fencing here: the minority must stop on its own, by quorum.
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second),
			configWith(t, false, []string{dummy("p3")}, []string{prefer("p3", "n3")}), client.Version{})
	})
	if where := c.runningOnce("n1", "p3", 20*time.Second); where != "n3" {
		t.Fatalf("p3 on %s, want n3", where)
	}
	if err := sandbox.Partition(c.dir, [][]string{{"n1", "n2"}, {"n3"}}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// The majority moves p3 to itself; the minority stops its copy.
	where := c.runningOnce("n1", "p3", 30*time.Second, "n3")
	eventually(t, 30*time.Second, "minority stops p3", func() error {
		if got := c.dummyActive("p3"); !slices.Equal(got, []string{where}) {
			return fmt.Errorf("p3 active on %v", got)
		}
		return nil
	})
	t.Logf("partitioned: p3 on %s only, after %s", where, time.Since(start).Round(time.Millisecond))
	h, err := c.dial("n3").Hello(ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if h.HaveQuorum {
		t.Fatal("lone n3 claims quorum")
	}
	// The minority refuses configuration changes.
	n3 := c.dial("n3")
	_, err = n3.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, false, dummy("p3")), client.Version{})
	if err == nil || !errorsIs(err, client.ErrNoQuorum) {
		t.Fatalf("config change in the minority: %v, want no-quorum refusal", err)
	}

	if err := sandbox.Heal(c.dir); err != nil {
		t.Fatal(err)
	}
	c.oneDC(30*time.Second, "n1", "n2", "n3")
	eventually(t, 20*time.Second, "one CIB", func() error {
		_, v1 := cibOf(t, c, "n1")
		for _, n := range []string{"n2", "n3"} {
			if _, v := cibOf(t, c, n); v.AdminEpoch != v1.AdminEpoch || v.Epoch != v1.Epoch {
				return fmt.Errorf("%s at %s, n1 at %s", n, v, v1)
			}
		}
		return nil
	})
	eventually(t, 30*time.Second, "p3 once after heal", func() error {
		if got := c.dummyActive("p3"); len(got) != 1 {
			return fmt.Errorf("p3 active on %v", got)
		}
		return nil
	})
}
