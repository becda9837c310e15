package sandbox_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
	"pacer/share/clusterview"
	"pacer/share/protocol"
	"pacer/share/xmltree"
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

// The DC cut off from the others (with fencing enabled) stops being DC
// within the election timeout: it refuses writes with no-quorum, every
// write it acknowledged is in the CIB the cluster has after the heal, and
// it fences none of the majority.
func TestIsolatedDCAcknowledgesNothingAndFencesNobody(t *testing.T) {
	c := startCluster(t, 3, true)
	dc := c.oneDC(15*time.Second, "n1", "n2", "n3")
	others := slices.DeleteFunc([]string{"n1", "n2", "n3"}, func(s string) bool { return s == dc })
	cl := c.dial(dc)
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), configWith(t, true, []string{dummy("p")}, nil), client.Version{})
	})
	c.runningOnce(dc, "p", 20*time.Second)
	if err := cl.WaitIdle(ctx(t, 30*time.Second)); err != nil {
		t.Fatal(err)
	}
	// Writers on the DC, then the partition.
	var acked []string
	done := make(chan error, 1)
	cut := make(chan time.Time, 1)
	go func() {
		for i := 0; ; i++ {
			name := fmt.Sprintf("w-%d", i)
			_, err := cl.SetNodeAttr(ctx(t, 5*time.Second), dc, name, "1", protocol.LifetimeForever)
			if err == nil {
				acked = append(acked, name)
				continue
			}
			if errorsIs(err, client.ErrNoQuorum) {
				done <- nil
				return
			}
			select {
			case <-cut:
				// After the cut an indeterminate answer (a timeout, the
				// lead lost mid-commit) is allowed; keep going until the
				// named refusal.
				cut <- time.Time{}
				time.Sleep(50 * time.Millisecond)
			default:
				done <- err
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	if err := sandbox.Partition(c.dir, [][]string{{dc}, others}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cut <- start
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("write on the isolated DC: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the isolated DC still accepts writes after 15s")
	}
	t.Logf("isolated DC refused writes with no-quorum after %s; %d writes acknowledged in all", time.Since(start).Round(time.Millisecond), len(acked))
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the isolated DC took %s to refuse writes", took)
	}
	// The majority takes over and fences the isolated node (and only it).
	eventually(t, 30*time.Second, "a new DC among "+strings.Join(others, ","), func() error {
		if now, err := c.dcSeenBy(others[0]); err != nil || now == dc || now == "" {
			return fmt.Errorf("%s sees DC %q (%v)", others[0], now, err)
		}
		return nil
	})
	c.runningOnce(others[0], "p", 40*time.Second, dc)
	var h []clusterview.FencingEvent
	eventually(t, 20*time.Second, "fencing history", func() error {
		var err error
		h, err = c.dial(others[0]).FenceHistory(ctx(t, 5*time.Second))
		return err
	})
	for _, e := range h {
		if e.Target != dc && e.Result == clusterview.FencingSuccess {
			t.Errorf("%s fenced although only %s was cut off: %+v", e.Target, dc, e)
		}
	}
	doc, _ := cibOf(t, c, others[0])
	for _, name := range acked {
		found := false
		doc.Root.Walk(func(e *xmltree.Element) bool {
			if e.Name == "nvpair" && e.Attr("name") == name {
				found = true
			}
			return !found
		})
		if !found {
			t.Errorf("acknowledged write %s is not in the cluster's CIB", name)
		}
	}
}
