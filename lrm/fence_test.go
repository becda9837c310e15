package lrm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFenceDummy(t *testing.T) {
	needFile(t, fenceDummy, "fence-agents")
	ctx := context.Background()
	status := filepath.Join(t.TempDir(), "fence_dummy.status")
	// fence_dummy has no plug parameter (it fences "the" node).
	params := map[string]string{"status_file": status}
	fence := func(action string) Result { return Fence(ctx, "fence_dummy", params, action, 20*time.Second) }

	m, err := Metadata("stonith:fence_dummy")
	if err != nil {
		t.Fatal(err)
	}
	if m.ShortDesc != "Dummy fence agent" {
		t.Errorf("shortdesc %q", m.ShortDesc)
	}
	if p, ok := m.Param("status_file"); !ok || p.Default == "" {
		t.Errorf("status_file parameter: %+v", p)
	}
	wantRC(t, fence("monitor"), OCFSuccess, StatusDone)
	// No status file yet: fence_dummy says OFF (exit 2).
	r := fence("status")
	wantRC(t, r, OCFNotRunning, StatusDone)
	if r.ExitCode != 2 {
		t.Errorf("status exit code %d, want 2 (off)", r.ExitCode)
	}
	wantRC(t, fence("on"), OCFSuccess, StatusDone)
	wantRC(t, fence("status"), OCFSuccess, StatusDone)
	if b, _ := os.ReadFile(status); strings.TrimSpace(string(b)) != "on" {
		t.Errorf("status file holds %q after on", b)
	}
	wantRC(t, fence("off"), OCFSuccess, StatusDone)
	wantRC(t, fence("status"), OCFNotRunning, StatusDone)
	// Debian's fence_dummy 4.12.1 has no list: a clean failure with its
	// own complaint as the reason.
	r = fence("list")
	wantRC(t, r, OCFErrGeneric, StatusDone)
	if !strings.HasPrefix(r.ExitReason, "Failed: ") || !strings.Contains(r.ExitReason, "list") {
		t.Errorf("list failure reason %q", r.ExitReason)
	}
}

func TestFenceOwnAgent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	agent := testdata(t, "fence", "fence_pacer_test")
	params := map[string]string{"state_dir": dir, "hostlist": "node1,node2,node3"}
	r := Fence(ctx, agent, params, "list", 10*time.Second)
	wantRC(t, r, OCFSuccess, StatusDone)
	if r.Output != "node1,\nnode2,\nnode3,\n" {
		t.Errorf("list output %q", r.Output)
	}
	params["plug"] = "node2"
	wantRC(t, Fence(ctx, agent, params, "reboot", 10*time.Second), OCFSuccess, StatusDone)
	wantRC(t, Fence(ctx, agent, params, "off", 10*time.Second), OCFSuccess, StatusDone)
	wantRC(t, Fence(ctx, agent, params, "status", 10*time.Second), OCFNotRunning, StatusDone)
	log, _ := os.ReadFile(filepath.Join(dir, "log"))
	if string(log) != "off node2\non node2\noff node2\n" {
		t.Errorf("agent log %q", log)
	}
	// Through an executor configured with the test agent's directory,
	// as a stonith resource: start verifies (monitor), stop runs nothing.
	e, _ := testExec(t, Config{})
	for _, a := range []string{"start", "monitor", "stop"} {
		wantRC(t, e.Exec(ctx, Op{Resource: "fencer", Agent: "stonith:fence_pacer_test", Action: a, Params: params}), OCFSuccess, StatusDone)
	}
	m, err := e.Metadata("stonith:fence_pacer_test")
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := m.Param("state_dir"); !ok || !p.Required {
		t.Errorf("state_dir: %+v", p)
	}

	// A newline in a value would smuggle in another key: refused.
	bad := map[string]string{"state_dir": dir, "plug": "node1\naction=off"}
	r = Fence(ctx, agent, bad, "status", 10*time.Second)
	wantRC(t, r, OCFErrConfigured, StatusErrorFatal)
	if !strings.Contains(r.ExitReason, "one line") {
		t.Errorf("reason %q", r.ExitReason)
	}
	// Missing required parameter: the agent's own message.
	r = Fence(ctx, agent, map[string]string{"plug": "n"}, "status", 10*time.Second)
	wantRC(t, r, OCFErrGeneric, StatusDone)
	if r.ExitReason != "Failed: state_dir is required" {
		t.Errorf("reason %q", r.ExitReason)
	}
	r = Fence(ctx, "fence_no_such_agent", nil, "status", 10*time.Second)
	wantRC(t, r, OCFErrInstalled, StatusNotInstalled)
}

// Fencing does not wait for the node's operation slots: they may all be
// taken by hung resource operations.
func TestFenceNotBehindLimit(t *testing.T) {
	e, state := testExec(t, Config{MaxConcurrent: 1, KillGrace: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	hung := make(chan Result, 1)
	pidfile := filepath.Join(state, "hang.pid")
	go func() {
		hung <- e.Exec(ctx, Op{Resource: "h", Agent: "ocf:pacertest:Hang", Action: "start", Timeout: time.Minute,
			Params: map[string]string{"pidfile": pidfile}})
	}()
	waitFor(t, "hung agent to hold the only slot", 5*time.Second, func() bool { _, err := os.Stat(pidfile); return err == nil })
	r := e.Fence(context.Background(), "fence_pacer_test", map[string]string{"state_dir": t.TempDir(), "plug": "n1"}, "off", 10*time.Second)
	wantRC(t, r, OCFSuccess, StatusDone)
	cancel()
	wantRC(t, <-hung, OCFErrGeneric, StatusCancelled)
}
