package sandbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/client"
	"pacer/share/protocol"
)

// A two_node cluster (votequorum's two_node + wait_for_all) survives the
// loss of either node: the survivor fences its peer, carries on as the only
// voter of the replicated log and recovers the resource; the fenced node
// comes back as a voter with no manual step.
func TestTwoNodeSurvivesTheLossOfEitherNode(t *testing.T) {
	c := startCluster(t, 2, false)
	c.oneDC(15*time.Second, "n1", "n2")
	// The sandbox writes no two_node: add it and restart both nodes.
	if err := sandbox.Stop(c.dir); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"n1", "n2"} {
		p := filepath.Join(c.dir, n, "pacer.conf")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.Replace(string(b), "cluster_name = \"sandbox\"\n", "cluster_name = \"sandbox\"\ntwo_node = true\n", 1)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sandbox.Start(c.dir, 2, false, c.bin, nil, 60*time.Second); err != nil {
		t.Fatal(err)
	}
	c.oneDC(15*time.Second, "n1", "n2")
	cl := c.dial("n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, true, dummy("d")), client.Version{})
	})
	first := c.runningOnce("n1", "d", 30*time.Second)
	for round, victim := range []string{first, other(first)} {
		survivor := other(victim)
		if err := c.dial(survivor).WaitIdle(ctx(t, 30*time.Second)); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := sandbox.Kill(c.dir, victim); err != nil {
			t.Fatal(err)
		}
		where := c.runningOnce(survivor, "d", 40*time.Second, victim)
		t.Logf("round %d: %s lost, d on %s after %s", round, victim, where, time.Since(start).Round(time.Millisecond))
		// The survivor is the DC alone and accepts changes.
		eventually(t, 30*time.Second, survivor+" DC alone", func() error {
			if dc, err := c.dcSeenBy(survivor); err != nil || dc != survivor {
				return fmt.Errorf("%s sees DC %q (%v)", survivor, dc, err)
			}
			return nil
		})
		sc := c.dial(survivor)
		write(t, func() (client.Version, error) {
			return sc.SetNodeAttr(ctx(t, 10*time.Second), survivor, "round", "x", protocol.LifetimeForever)
		})
		// The victim comes back and rejoins, no manual step.
		if _, err := sandbox.Start(c.dir, 2, false, c.bin, []string{victim}, 30*time.Second); err != nil {
			t.Fatal(err)
		}
		c.oneDC(30*time.Second, "n1", "n2")
		eventually(t, 20*time.Second, victim+" a voter again", func() error {
			b, _ := os.ReadFile(filepath.Join(c.dir, survivor, "pacerd.log"))
			if strings.Count(string(b), "node is a voter of the log again") < 1 {
				return fmt.Errorf("%s's log does not say %s is a voter again", survivor, victim)
			}
			return nil
		})
	}
}

func other(n string) string {
	if n == "n1" {
		return "n2"
	}
	return "n1"
}
