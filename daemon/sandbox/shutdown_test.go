package sandbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pacer/share/client"
)

// SIGTERM to the DC (what systemctl stop sends) is a planned stop: its
// resources move, the lead of the log is handed over, and nobody fences it.
func TestCleanStopOfTheDCHandsOverWithoutFencing(t *testing.T) {
	c := startCluster(t, 3, false)
	dc := c.oneDC(15*time.Second, "n1", "n2", "n3")
	others := slices.DeleteFunc([]string{"n1", "n2", "n3"}, func(s string) bool { return s == dc })
	cl := c.dial(others[0])
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), configWith(t, true, []string{dummy("d")}, []string{prefer("d", dc)}), client.Version{})
	})
	if where := c.runningOnce(others[0], "d", 30*time.Second); where != dc {
		t.Fatalf("d on %s, want the DC %s", where, dc)
	}
	b, err := os.ReadFile(filepath.Join(c.dir, dc, "pacerd.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, dc+"'s pacerd exits", func() error {
		if syscall.Kill(pid, 0) == nil {
			return fmt.Errorf("pid %d still runs", pid)
		}
		return nil
	})
	t.Logf("%s stopped cleanly in %s", dc, time.Since(start).Round(time.Millisecond))
	where := c.runningOnce(others[0], "d", 30*time.Second, dc)
	if got := c.dummyActive("d"); !slices.Equal(got, []string{where}) {
		t.Fatalf("d active on %v", got)
	}
	eventually(t, 10*time.Second, "a new DC", func() error {
		if now, err := c.dcSeenBy(others[1]); err != nil || now == dc || now == "" {
			return fmt.Errorf("%s sees DC %q (%v)", others[1], now, err)
		}
		return nil
	})
	// Give a wrongly scheduled fencing time to show up.
	time.Sleep(3 * time.Second)
	h, err := cl.FenceHistory(ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h {
		if e.Target == dc {
			t.Fatalf("the cleanly stopped DC %s was fenced: %+v", dc, e)
		}
	}
}
