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

// The CIB's alerts run Pacemaker's own sample agent (alert_file.sh) on
// every node: the start of a resource where it ran, a transient attribute
// change, and, when a node is killed, its loss and its fencing on the nodes
// that remain.
func TestAlertAgentHearsOfResourceNodeAndFencingEvents(t *testing.T) {
	const agent = "/usr/share/pacemaker/alerts/alert_file.sh.sample"
	if _, err := os.Stat(agent); err != nil {
		t.Skipf("no %s (apt-get install pacemaker-common)", agent)
	}
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	log := filepath.Join(c.dir, "alerts.log")
	cfg := configWith(t, true, []string{dummy("d")}, []string{prefer("d", "n3")})
	cfg.Append(parseXML(t, `<alerts><alert id="file" path="`+agent+`"><recipient id="file-log" value="`+log+`"/></alert></alerts>`))
	cl := c.dial("n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), cfg, client.Version{})
	})
	where := c.runningOnce("n1", "d", 20*time.Second)
	if where != "n3" {
		t.Fatalf("d runs on %s, want n3", where)
	}
	lines := func() string { b, _ := os.ReadFile(log); return string(b) }
	eventually(t, 10*time.Second, "an alert for d's start", func() error {
		if !strings.Contains(lines(), "Resource operation 'start' for 'd' on 'n3': ok") {
			return fmt.Errorf("alerts so far:\n%s", lines())
		}
		return nil
	})
	// A transient attribute (attrd's, in Pacemaker) is alerted once.
	if _, err := cl.SetNodeAttr(ctx(t, 10*time.Second), "n1", "pingd", "100", protocol.LifetimeReboot); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "an attribute alert", func() error {
		if n := strings.Count(lines(), "Attribute 'pingd' on node 'n1' was updated to '100'"); n != 1 {
			return fmt.Errorf("%d alerts for pingd, want 1:\n%s", n, lines())
		}
		return nil
	})
	if err := sandbox.Kill(c.dir, "n3"); err != nil {
		t.Fatal(err)
	}
	now := c.runningOnce("n1", "d", 30*time.Second, "n3")
	eventually(t, 10*time.Second, "alerts for n3's loss and fencing on n1 and n2", func() error {
		got := lines()
		if n := strings.Count(got, "Node 'n3' is now 'lost'"); n != 2 {
			return fmt.Errorf("%d node-lost alerts, want 2 (n1, n2):\n%s", n, got)
		}
		if n := strings.Count(got, "Fencing Operation reboot of n3 by "); n < 2 || !strings.Contains(got, ": OK") {
			return fmt.Errorf("want a successful fencing alert from n1 and n2:\n%s", got)
		}
		if !strings.Contains(got, "Resource operation 'start' for 'd' on '"+now+"': ok") {
			return fmt.Errorf("no alert for d's recovery:\n%s", got)
		}
		return nil
	})
	t.Logf("alerts:\n%s", lines())
}
