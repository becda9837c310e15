package sandbox_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// A monitor that finds the resource gone: the fail count is set, the
// resource is recovered; standby moves resources off a node; cleanup clears
// the fail count.
func TestMonitorFailureStandbyAndCleanup(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n3")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second),
			configWith(t, true, []string{dummy("m1")}, []string{prefer("m1", "n2")}), client.Version{})
	})
	if where := c.runningOnce("n1", "m1", 20*time.Second); where != "n2" {
		t.Fatalf("m1 on %s", where)
	}
	// Pull the rug: the agent's state file disappears, its 1s monitor fails.
	if err := os.Remove(filepath.Join(c.dir, "n2", "run", "resource-agents", "Dummy-m1.state")); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "fail count on n2", func() error {
		st, err := cl.Status(ctx(t, 5*time.Second))
		if err != nil {
			return err
		}
		for _, f := range st.FailCounts {
			if f.Resource == "m1" && f.Node == "n2" && f.Count >= 1 {
				return nil
			}
		}
		return fmt.Errorf("fail counts %+v", st.FailCounts)
	})
	eventually(t, 20*time.Second, "m1 recovered", func() error {
		if got := c.dummyActive("m1"); len(got) != 1 {
			return fmt.Errorf("m1 active on %v", got)
		}
		return nil
	})
	c.runningOnce("n1", "m1", 20*time.Second)

	// Standby (a permanent node attribute) moves m1 away from wherever it is.
	where := c.runningOnce("n1", "m1", 20*time.Second)
	if _, err := cl.SetNodeAttr(ctx(t, 10*time.Second), where, "standby", "on", protocol.LifetimeForever); err != nil {
		t.Fatal(err)
	}
	now := c.runningOnce("n1", "m1", 20*time.Second, where)
	eventually(t, 10*time.Second, "agent state follows", func() error {
		if got := c.dummyActive("m1"); len(got) != 1 || got[0] != now {
			return fmt.Errorf("m1 active on %v, want %s", got, now)
		}
		return nil
	})

	// Cleanup forgets the failure.
	if _, err := cl.Cleanup(ctx(t, 10*time.Second), "m1", ""); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "fail count cleared", func() error {
		st, err := cl.Status(ctx(t, 5*time.Second))
		if err != nil {
			return err
		}
		for _, f := range st.FailCounts {
			if f.Resource == "m1" {
				return fmt.Errorf("still %+v", f)
			}
		}
		return nil
	})
	if err := cl.WaitIdle(ctx(t, 30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := c.dummyActive("m1"); len(got) != 1 {
		t.Fatalf("m1 active on %v after cleanup", got)
	}
	// Cleanup reprobes: the probe that finds m1 running where it runs is
	// recorded as m1's last failure (expected "not running", got "ok"),
	// as Pacemaker records it, but it is no failed action: crm_mon lists
	// none after a cleanup.
	st, err := cl.Status(ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.FailedActions) != 0 {
		t.Errorf("failed actions after cleanup: %+v", st.FailedActions)
	}
}

// Direct agent actions on another node, an admin's fencing request, and
// the events a subscriber sees for them.
func TestLRMExecFenceAndEvents(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n2")
	events, err := cl.Subscribe(ctx(t, 60*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	// Start a Dummy by hand on n3 through n2, then probe it there and on n1:
	// each node has its own agent state.
	req := protocol.LRMRequest{Resource: "manual", Agent: "ocf:heartbeat:Dummy", Action: "start", TimeoutMS: 20000}
	if r, err := cl.LRMExec(ctx(t, 30*time.Second), "n3", req); err != nil || r.RC != 0 {
		t.Fatalf("start on n3: %+v %v", r, err)
	}
	req.Action = "monitor"
	if r, err := cl.LRMExec(ctx(t, 30*time.Second), "n3", req); err != nil || r.RC != 0 {
		t.Fatalf("monitor on n3: %+v %v", r, err)
	}
	if r, err := cl.LRMExec(ctx(t, 30*time.Second), "n1", req); err != nil || r.RC != 7 {
		t.Fatalf("monitor on n1 must say not running: %+v %v", r, err)
	}
	// Fence n3 by hand: it is powered off (its manual Dummy state wiped).
	ev, err := cl.Fence(ctx(t, 60*time.Second), "n3", "off")
	if err != nil || ev == nil || ev.Result != clusterview.FencingSuccess {
		t.Fatalf("fence n3: %+v %v", ev, err)
	}
	eventually(t, 10*time.Second, "n3 gone", func() error {
		if _, err := c.dcSeenBy("n3"); err == nil {
			return fmt.Errorf("n3 still answers")
		}
		return nil
	})
	if got := c.dummyActive("manual"); len(got) != 0 {
		t.Fatalf("manual Dummy state survived the power-off on %v", got)
	}
	var sawFence, sawLeft bool
	deadline := time.After(10 * time.Second)
	for !(sawFence && sawLeft) {
		select {
		case e := <-events:
			sawFence = sawFence || (e.Kind == clusterview.EventFencing && e.Node == "n3" && e.OK)
			sawLeft = sawLeft || (e.Kind == clusterview.EventNodeLeft && e.Node == "n3")
		case <-deadline:
			t.Fatalf("events: fencing %v, node-left %v", sawFence, sawLeft)
		}
	}
}

// crm_node, as pacerd provides it to agents (galera asks -p and -q,
// mpathpersist -i, db2 -l): the answers come from the cluster.
func TestAgentsCrmNodeAnswersFromTheCluster(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	tool := filepath.Join(c.dir, "n2", "state", "agent-tools", "crm_node")
	if _, err := os.Lstat(tool); err != nil {
		t.Fatalf("no crm_node among n2's agent tools: %v", err)
	}
	ask := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(tool, args...)
		cmd.Env = append(os.Environ(), "PACER_SOCKET="+c.sock("n2"), "PACER_NODE=n2")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("crm_node %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := ask("-n"); got != "n2" {
		t.Errorf("crm_node -n: %q", got)
	}
	if got := ask("-q"); got != "1" {
		t.Errorf("crm_node -q: %q, want 1 (quorate)", got)
	}
	if got := strings.Fields(ask("-l", "-p")); !slices.Equal(got, []string{"n1", "n2", "n3"}) {
		t.Errorf("crm_node -l -p: %q, want the partition n1 n2 n3", got)
	}
	lines := strings.Split(ask("-l"), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[1], " n2 member") {
		t.Errorf("crm_node -l: %q, want 3 lines \"ID NAME member\"", lines)
	}
	if id := ask("-i"); !strings.HasPrefix(lines[1], id+" ") {
		t.Errorf("crm_node -i: %q, list says %q", id, lines[1])
	}

	// -R forgets a node gone for good, and refuses a member.
	cmd := exec.Command(tool, "-R", "n3")
	cmd.Env = append(os.Environ(), "PACER_SOCKET="+c.sock("n2"), "PACER_NODE=n2")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "is a member") {
		t.Fatalf("crm_node -R of a member: %v\n%s", err, out)
	}
	if err := sandbox.Kill(c.dir, "n3"); err != nil {
		t.Fatal(err)
	}
	cl := c.dial("n2")
	eventually(t, 20*time.Second, "n3 fenced", func() error {
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
	if err := cl.WaitIdle(ctx(t, 30*time.Second)); err != nil {
		t.Fatal(err)
	}
	ask("-R", "n3")
	doc, _ := cibOf(t, c, "n2")
	doc.Root.Walk(func(e *xmltree.Element) bool {
		if (e.Name == "node" || e.Name == "node_state") && e.Attr("uname") == "n3" {
			t.Errorf("n3 still in the CIB after crm_node -R: %s", e.String())
		}
		return true
	})
}
