package lrm

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestLSBScript(t *testing.T) {
	e, state := testExec(t, Config{})
	ctx := context.Background()
	op := func(agent, action string) Result {
		return e.Exec(ctx, Op{Resource: "daemon", Agent: agent, Action: action})
	}
	wantRC(t, op("lsb:pacer-test-daemon", "monitor"), OCFNotRunning, StatusDone)
	wantRC(t, op("lsb:pacer-test-daemon", "start"), OCFSuccess, StatusDone)
	t.Cleanup(func() { op("lsb:pacer-test-daemon", "stop") })
	wantRC(t, op("lsb:pacer-test-daemon", "monitor"), OCFSuccess, StatusDone)
	wantRC(t, op("lsb:pacer-test-daemon", "status"), OCFSuccess, StatusDone)
	// service: falls back to LSB when systemd has no such unit (or no
	// systemd runs at all).
	wantRC(t, op("service:pacer-test-daemon", "monitor"), OCFSuccess, StatusDone)
	// A dead daemon whose pid file stays: LSB status 1, OCF "not running".
	pid := readPid(t, filepath.Join(state, "pacer-test-daemon.pid"))
	killAndReap(t, pid)
	r := op("lsb:pacer-test-daemon", "monitor")
	wantRC(t, r, OCFNotRunning, StatusDone)
	if r.ExitCode != 1 {
		t.Errorf("status exit code %d, want LSB 1 (dead, pid file exists)", r.ExitCode)
	}
	wantRC(t, op("lsb:pacer-test-daemon", "stop"), OCFSuccess, StatusDone)
	// Unknown action: the script's usage exit 2 = OCF invalid parameter.
	wantRC(t, op("lsb:pacer-test-daemon", "promote"), OCFErrArgs, StatusDone)

	m, err := e.Metadata("lsb:pacer-test-daemon")
	if err != nil {
		t.Fatal(err)
	}
	if m.ShortDesc != "Pacer's LSB test daemon" || !strings.Contains(m.LongDesc, "one per test node") || !m.Synthesized {
		t.Errorf("LSB meta-data from the header: %+v", m)
	}
}

func TestLSBStatusMapping(t *testing.T) {
	for code, want := range map[int]int{0: 0, 1: 7, 2: 7, 3: 7, 4: 1, 150: 5, 151: 4, 99: 1} {
		if got := lsbToOCF("status", code); got != want {
			t.Errorf("status %d → %d, want %d", code, got, want)
		}
	}
	for code, want := range map[int]int{0: 0, 1: 1, 5: 5, 7: 7, 8: 1, 150: 1} {
		if got := lsbToOCF("start", code); got != want {
			t.Errorf("start %d → %d, want %d", code, got, want)
		}
	}
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file %s: %v", path, err)
	}
	return pid
}

// killAndReap kills a daemon the test started and waits until it is gone.
// The test binary is a child subreaper (TestMain), so the orphaned daemon
// is our child and we reap it: a zombie would still answer kill -0.
func killAndReap(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
		t.Logf("reap %d: %v (not our child; polling)", pid, err)
		waitFor(t, "daemon to die", 5*time.Second, func() bool {
			_, err := os.Stat("/proc/" + strconv.Itoa(pid))
			return err != nil
		})
	}
}

func TestRecurringMonitorNoticesKill(t *testing.T) {
	e, state := testExec(t, Config{})
	ctx := context.Background()
	wantRC(t, e.Exec(ctx, Op{Resource: "daemon", Agent: "lsb:pacer-test-daemon", Action: "start"}), OCFSuccess, StatusDone)
	t.Cleanup(func() { e.Exec(ctx, Op{Resource: "daemon", Agent: "lsb:pacer-test-daemon", Action: "stop"}) })

	var mu sync.Mutex
	var reports []Result
	got := func() []Result { mu.Lock(); defer mu.Unlock(); return append([]Result(nil), reports...) }
	mon := Op{Resource: "daemon", Agent: "lsb:pacer-test-daemon", Action: "monitor", Interval: 100 * time.Millisecond}
	if err := e.StartRecurring(mon, func(r Result) { mu.Lock(); reports = append(reports, r); mu.Unlock() }); err != nil {
		t.Fatal(err)
	}
	if err := e.StartRecurring(mon, nil); err == nil {
		t.Error("a second monitor with the same interval was accepted")
	}
	waitFor(t, "first monitor report", 5*time.Second, func() bool { return len(got()) == 1 })
	// Several more runs happen, all rc 0: nothing reported.
	time.Sleep(500 * time.Millisecond)
	if n := len(got()); n != 1 {
		t.Fatalf("%d reports while nothing changed: %v", n, got())
	}
	first := got()[0]
	wantRC(t, first, OCFSuccess, StatusDone)

	killAndReap(t, readPid(t, filepath.Join(state, "pacer-test-daemon.pid")))
	waitFor(t, "monitor to notice the killed daemon", 5*time.Second, func() bool { return len(got()) == 2 })
	second := got()[1]
	wantRC(t, second, OCFNotRunning, StatusDone)
	if second.CallID != first.CallID || second.Interval != mon.Interval || second.Operation != "monitor" {
		t.Errorf("recurring result identity: first %+v second %+v", first, second)
	}
	if !second.LastRCChange.After(first.LastRCChange) {
		t.Error("last-rc-change did not move on the change")
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(got()); n != 2 {
		t.Errorf("%d reports; a steady failure was reported again", n)
	}
	if !e.Cancel("daemon", mon.Interval) {
		t.Fatal("Cancel found no monitor")
	}
	n := len(got())
	// Restart the daemon: a cancelled monitor must not report the change.
	wantRC(t, e.Exec(ctx, Op{Resource: "daemon", Agent: "lsb:pacer-test-daemon", Action: "start"}), OCFSuccess, StatusDone)
	time.Sleep(300 * time.Millisecond)
	if len(got()) != n {
		t.Errorf("report after Cancel returned")
	}
	if e.Cancel("daemon", mon.Interval) {
		t.Error("second Cancel found a monitor")
	}
}

func TestRecurringStartDelayAndCancelAll(t *testing.T) {
	e, _ := testExec(t, Config{})
	reported := make(chan Result, 10)
	op := Op{Resource: "env", Agent: "ocf:pacertest:Env", Action: "monitor", Interval: time.Hour,
		StartDelay: 200 * time.Millisecond, Params: map[string]string{"must": "1"}}
	t0 := time.Now()
	if err := e.StartRecurring(op, func(r Result) { reported <- r }); err != nil {
		t.Fatal(err)
	}
	op2 := op
	op2.Interval, op2.StartDelay = 2*time.Hour, time.Hour
	if err := e.StartRecurring(op2, func(r Result) { reported <- r }); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-reported:
		if d := time.Since(t0); d < 200*time.Millisecond {
			t.Errorf("first run after %s, before start-delay", d)
		}
		if !strings.Contains(r.Output, "OCF_RESKEY_CRM_meta_interval=3600000") {
			t.Errorf("interval not passed: %s", r.Output)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no report")
	}
	if n := e.CancelAll("env"); n != 2 {
		t.Errorf("CancelAll cancelled %d, want 2", n)
	}
	if len(e.Recurring()) != 0 {
		t.Errorf("left: %v", e.Recurring())
	}
	if err := e.StartRecurring(Op{Resource: "x", Agent: "ocf:a:b", Action: "monitor"}, nil); err == nil {
		t.Error("recurring op without interval accepted")
	}
}
