package sandbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pacer/share/client"
)

// A resource deleted from the configuration while it runs is stopped
// with the parameters it ran with (the configuration has none any more),
// so its agent finds what to stop; no node is fenced for it.
func TestDeletedRunningResourceIsStoppedWithItsParameters(t *testing.T) {
	c := startCluster(t, 2, false)
	c.oneDC(10*time.Second, "n1", "n2")
	cl := c.dial("n1")
	state := filepath.Join(c.dir, "custom.state")
	rsc := fmt.Sprintf(`<primitive id="orph" class="ocf" provider="heartbeat" type="Dummy">
  <instance_attributes id="orph-ia"><nvpair id="orph-state" name="state" value="%s"/></instance_attributes>
  <operations><op id="orph-monitor-1s" name="monitor" interval="1s" timeout="20s"/></operations>
</primitive>`, state)
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, true, rsc), client.Version{})
	})
	eventually(t, 30*time.Second, "orph running", func() error {
		_, err := os.Stat(state)
		return err
	})
	c.runningOnce("n1", "orph", 20*time.Second)
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), config(t, true), client.Version{})
	})
	eventually(t, 30*time.Second, "orph stopped", func() error {
		if _, err := os.Stat(state); err == nil {
			return fmt.Errorf("%s still there", state)
		}
		return nil
	})
	if err := cl.WaitIdle(ctx(t, 30*time.Second)); err != nil {
		t.Fatal(err)
	}
	h, err := cl.FenceHistory(ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 0 {
		t.Fatalf("fencing after deleting a running resource: %+v", h)
	}
}
