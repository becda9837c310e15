package lrm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestParseAgent(t *testing.T) {
	good := map[string]Agent{
		"ocf:heartbeat:IPaddr2": {ClassOCF, "heartbeat", "IPaddr2"},
		"lsb:cron":              {ClassLSB, "", "cron"},
		"systemd:sshd":          {ClassSystemd, "", "sshd"},
		"systemd:foo@bar":       {ClassSystemd, "", "foo@bar"},
		"service:nginx":         {ClassService, "", "nginx"},
		"stonith:fence_ipmilan": {ClassStonith, "", "fence_ipmilan"},
		"fence_dummy":           {ClassStonith, "", "fence_dummy"},
	}
	for in, want := range good {
		got, err := ParseAgent(in)
		if err != nil || got != want {
			t.Errorf("ParseAgent(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if in != "fence_dummy" && got.String() != in {
			t.Errorf("%q round-trips as %q", in, got.String())
		}
	}
	bad := map[string]string{
		"":                        "empty",
		"Dummy":                   "CLASS:TYPE",
		"ocf:Dummy":               "ocf:PROVIDER:TYPE",
		"ocf:heartbeat:../../bin": "invalid type",
		"ocf:..:Dummy":            "invalid provider",
		"lsb:../x":                "invalid type",
		"lsb:a:b":                 "only ocf",
		"nagios:check_x":          "unknown class",
		"stonith:ipmi":            "fence_",
		"lsb:":                    "empty type",
		"lsb:.hidden":             "invalid type",
	}
	for in, frag := range bad {
		_, err := ParseAgent(in)
		if err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("ParseAgent(%q) error %v, want one mentioning %q", in, err, frag)
		}
	}
}

func TestDummyLifecycle(t *testing.T) {
	needFile(t, filepath.Join(heartbeatDir, "Dummy"), "resource-agents")
	e, state := nodeExec(t, Config{})
	ctx := context.Background()
	op := func(action string) Result {
		return e.Exec(ctx, Op{Resource: "d1", Agent: "ocf:heartbeat:Dummy", Action: action, Timeout: 20 * time.Second})
	}
	wantRC(t, op("monitor"), OCFNotRunning, StatusDone) // probe
	start := op("start")
	wantRC(t, start, OCFSuccess, StatusDone)
	// The state lands in this node's HA_RSCTMP, not the host's.
	if _, err := os.Stat(filepath.Join(state, "Dummy-d1.state")); err != nil {
		t.Fatalf("Dummy's state file not in the executor's HA_RSCTMP: %v", err)
	}
	wantRC(t, op("monitor"), OCFSuccess, StatusDone)
	wantRC(t, op("validate-all"), OCFSuccess, StatusDone)
	wantRC(t, op("stop"), OCFSuccess, StatusDone)
	mon := op("monitor")
	wantRC(t, mon, OCFNotRunning, StatusDone)
	if mon.CallID <= start.CallID {
		t.Errorf("call ids not increasing: start %d, later monitor %d", start.CallID, mon.CallID)
	}
	if start.ExecTime <= 0 || start.LastRun.IsZero() || start.LastRCChange.IsZero() {
		t.Errorf("start result lacks times: %+v", start)
	}
	hist := e.History("d1")
	keys := []string{}
	for _, r := range hist {
		keys = append(keys, r.Key())
	}
	if strings.Join(keys, " ") != "d1_start_0 d1_validate-all_0 d1_stop_0 d1_monitor_0" {
		t.Errorf("history keys by call id = %v", keys)
	}
}

func TestDummyMetadata(t *testing.T) {
	needFile(t, filepath.Join(heartbeatDir, "Dummy"), "resource-agents")
	m, err := Metadata("ocf:heartbeat:Dummy")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "Dummy" || m.ShortDesc == "" {
		t.Errorf("meta = %+v", m)
	}
	p, ok := m.Param("state")
	if !ok || !p.Unique || p.Type != "string" {
		t.Errorf("state parameter = %+v, %v", p, ok)
	}
	a, ok := m.Action("start")
	if !ok || a.Timeout != "20s" {
		t.Errorf("start action = %+v, %v", a, ok)
	}
	if a, ok := m.Action("monitor"); !ok || a.Interval == "" {
		t.Errorf("monitor action = %+v", a)
	}
}

func TestOCFEnvironment(t *testing.T) {
	e, state := testExec(t, Config{Env: map[string]string{"HA_VARRUN": "/nowhere"}})
	t.Setenv("OCF_RESKEY_leak", "from-parent")
	e = New(Config{OCFRoot: e.cfg.OCFRoot, Env: e.cfg.Env}) // pick up the leak attempt
	defer e.Close()
	marker := filepath.Join(state, "pwned")
	evil := "$(touch " + marker + "); `touch " + marker + "` ' \" ; | & \n second line"
	r := e.Exec(context.Background(), Op{
		Resource: "env1", Agent: "ocf:pacertest:Env", Action: "monitor",
		Interval: 10 * time.Second, Timeout: 7 * time.Second, Depth: 10,
		Params: map[string]string{"must": evil, "plain": "v"},
		Meta:   map[string]string{"clone-max": "3", "notify_type": "pre", "timeout": "999s", "interval": "1"},
	})
	wantRC(t, r, OCFSuccess, StatusDone)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a parameter value was interpreted by a shell")
	}
	want := []string{
		"OCF_ROOT=" + testdata(t, "ocf"),
		"OCF_RA_VERSION_MAJOR=1", "OCF_RA_VERSION_MINOR=1",
		"OCF_RESOURCE_INSTANCE=env1", "OCF_RESOURCE_TYPE=Env", "OCF_RESOURCE_PROVIDER=pacertest",
		"OCF_RESKEY_plain=v", "OCF_RESKEY_must=" + strings.Split(evil, "\n")[0],
		"OCF_RESKEY_CRM_meta_clone_max=3", "OCF_RESKEY_CRM_meta_notify_type=pre",
		"OCF_RESKEY_CRM_meta_timeout=7000", "OCF_RESKEY_CRM_meta_interval=10000",
		"OCF_CHECK_LEVEL=10", "OCF_EXIT_REASON_PREFIX=ocf-exit-reason:",
		"HA_RSCTMP=" + state, "HA_VARRUN=/nowhere",
	}
	lines := strings.Split(r.Output, "\n")
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || l == w
		}
		if !found {
			t.Errorf("agent environment lacks %q; got:\n%s", w, r.Output)
		}
	}
	if strings.Count(r.Output, "OCF_RESKEY_CRM_meta_timeout=") != 1 || strings.Count(r.Output, "OCF_RESKEY_CRM_meta_interval=") != 1 {
		t.Errorf("timeout/interval given twice:\n%s", r.Output)
	}
	if strings.Contains(r.Output, "leak") {
		t.Errorf("OCF_ variable of the parent reached the agent:\n%s", r.Output)
	}
}

func TestExitReasonAndCodes(t *testing.T) {
	e, _ := testExec(t, Config{})
	for _, code := range []int{1, 2, 3, 5, 6, 7, 8, 9, 190, 191} {
		r := e.Exec(context.Background(), Op{Resource: "env", Agent: "ocf:pacertest:Env", Action: "start",
			Params: map[string]string{"fail": itoa64(int64(code))}})
		wantRC(t, r, code, StatusDone)
		if r.ExitReason != "asked to fail with "+itoa64(int64(code)) {
			t.Errorf("rc %d: exit reason %q", code, r.ExitReason)
		}
	}
}

func TestHangingAgentKilledAtTimeout(t *testing.T) {
	e, state := testExec(t, Config{KillGrace: 300 * time.Millisecond})
	pidfile := filepath.Join(state, "hang.pid")
	r := e.Exec(context.Background(), Op{Resource: "h", Agent: "ocf:pacertest:Hang", Action: "start",
		Timeout: time.Second, Params: map[string]string{"pidfile": pidfile}})
	wantRC(t, r, OCFErrGeneric, StatusTimeout)
	if !strings.Contains(r.ExitReason, "timed out") {
		t.Errorf("exit reason %q", r.ExitReason)
	}
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("agent never ran: %v", err)
	}
	pgid := 0
	for _, c := range strings.TrimSpace(string(b)) {
		pgid = pgid*10 + int(c-'0')
	}
	// SIGKILL is asynchronous; the group must be empty almost at once.
	waitFor(t, "the hung agent's process group to be gone", 3*time.Second, func() bool { return len(groupMembers(pgid)) == 0 })
	// And the resource is not stuck: the next operation runs.
	wantRC(t, e.Exec(context.Background(), Op{Resource: "h", Agent: "ocf:pacertest:Hang", Action: "stop"}), OCFSuccess, StatusDone)
}

func TestCancelKillsRunningAgent(t *testing.T) {
	e, state := testExec(t, Config{KillGrace: 200 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	pidfile := filepath.Join(state, "hang.pid")
	go func() {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(pidfile); err == nil {
				break
			}
		}
		cancel()
	}()
	r := e.Exec(ctx, Op{Resource: "h", Agent: "ocf:pacertest:Hang", Action: "monitor", Timeout: 30 * time.Second,
		Params: map[string]string{"pidfile": pidfile}})
	wantRC(t, r, OCFErrGeneric, StatusCancelled)
}

func TestBadInput(t *testing.T) {
	e, state := testExec(t, Config{OutputLimit: 4096})
	ctx := context.Background()
	cases := []struct {
		name   string
		op     Op
		rc     int
		st     ExecStatus
		reason string
	}{
		{"unknown agent", Op{Agent: "ocf:pacertest:NoSuchAgent", Action: "start"}, OCFErrInstalled, StatusNotInstalled, "no such agent"},
		{"unknown provider", Op{Agent: "ocf:nobody:Dummy", Action: "start"}, OCFErrInstalled, StatusNotInstalled, "no such agent"},
		{"unknown class", Op{Agent: "nagios:x", Action: "start"}, OCFErrConfigured, StatusErrorFatal, "unknown class"},
		{"escaping name", Op{Agent: "lsb:../../bin/sh", Action: "start"}, OCFErrConfigured, StatusErrorFatal, "invalid type"},
		{"no action", Op{Agent: "ocf:pacertest:Env"}, OCFErrConfigured, StatusErrorFatal, "no action"},
		{"bad param name", Op{Agent: "ocf:pacertest:Env", Action: "start", Params: map[string]string{"a=b": "x"}}, OCFErrConfigured, StatusErrorFatal, "invalid parameter name"},
		{"not executable", Op{Agent: "ocf:pacertest:NotExec", Action: "start"}, OCFErrPerm, StatusError, "permission denied"},
		{"garbage", Op{Agent: "ocf:pacertest:Garbage", Action: "start"}, OCFErrGeneric, StatusDone, "garbage agent says"},
		{"missing required parameter", Op{Agent: "ocf:pacertest:Env", Action: "start", Params: map[string]string{"fail": "6"}}, OCFErrConfigured, StatusDone, "asked to fail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.op.Resource = "bad"
			r := e.Exec(ctx, c.op)
			wantRC(t, r, c.rc, c.st)
			if !strings.Contains(r.ExitReason, c.reason) {
				t.Errorf("exit reason %q lacks %q", r.ExitReason, c.reason)
			}
		})
	}
	t.Run("huge output", func(t *testing.T) {
		r := e.Exec(ctx, Op{Resource: "big", Agent: "ocf:pacertest:Huge", Action: "start"})
		wantRC(t, r, OCFSuccess, StatusDone)
		if len(r.Output) > 4096+100 || !strings.Contains(r.Output, "output truncated") {
			t.Errorf("stdout not capped: %d bytes, tail %q", len(r.Output), r.Output[max(0, len(r.Output)-80):])
		}
		if len(r.Stderr) > 4096+100 {
			t.Errorf("stderr not capped: %d bytes", len(r.Stderr))
		}
	})
	t.Run("garbage meta-data", func(t *testing.T) {
		_, err := e.Metadata("ocf:pacertest:Garbage")
		if err == nil || !strings.Contains(err.Error(), "ocf:pacertest:Garbage") {
			t.Errorf("error %v does not name the agent", err)
		}
	})
	t.Run("missing agent meta-data", func(t *testing.T) {
		_, err := e.Metadata("ocf:pacertest:Nope")
		if err == nil || !strings.Contains(err.Error(), "no such agent") {
			t.Errorf("error %v", err)
		}
	})
	// After all that the executor still serves.
	r := e.Exec(ctx, Op{Resource: "bad", Agent: "ocf:pacertest:Env", Action: "start", Params: map[string]string{"must": "x"}})
	wantRC(t, r, OCFSuccess, StatusDone)
	if !strings.Contains(r.Output, "HA_RSCTMP="+state) {
		t.Errorf("unexpected output %q", r.Output)
	}
}

func TestMetadataCached(t *testing.T) {
	e, state := testExec(t, Config{})
	for i := 0; i < 3; i++ {
		m, err := e.Metadata("ocf:pacertest:Env")
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := m.Param("must"); !ok || !p.Required || !p.Unique {
			t.Fatalf("must = %+v", p)
		}
	}
	b, _ := os.ReadFile(filepath.Join(state, "metadata-runs"))
	if n := strings.Count(string(b), "x"); n != 1 {
		t.Errorf("meta-data action ran %d times for 3 lookups", n)
	}
	e.ForgetMetadata("ocf:pacertest:Env")
	if _, err := e.Metadata("ocf:pacertest:Env"); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(state, "metadata-runs"))
	if n := strings.Count(string(b), "x"); n != 2 {
		t.Errorf("meta-data ran %d times; ForgetMetadata should force one more run", n)
	}
}

// One operation at a time per resource; the node-wide limit holds across
// resources.
func TestSerializationAndLimit(t *testing.T) {
	run := func(t *testing.T, limit int, rscs []string) (overlaps int) {
		e, _ := testExec(t, Config{MaxConcurrent: limit})
		dir := t.TempDir()
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, rsc := range rscs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.Exec(context.Background(), Op{Resource: rsc, Agent: "ocf:pacertest:Env", Action: "monitor",
					Params: map[string]string{"overlap_dir": dir, "sleep": "0.5"}})
				mu.Lock()
				defer mu.Unlock()
				if r.ExitReason == "overlapping run" {
					overlaps++
				} else if !r.OK() {
					t.Errorf("%s: %s", rsc, r)
				}
			}()
		}
		wg.Wait()
		return overlaps
	}
	if n := run(t, 8, []string{"a", "a", "a"}); n != 0 {
		t.Errorf("same resource: %d runs overlapped", n)
	}
	if n := run(t, 1, []string{"a", "b", "c"}); n != 0 {
		t.Errorf("limit 1: %d runs overlapped", n)
	}
	// The control: the overlap detector does see parallel runs.
	if n := run(t, 3, []string{"a", "b", "c"}); n == 0 {
		t.Errorf("limit 3, three resources: no overlap seen; detector broken or no parallelism")
	}
}

func TestLocatorLists(t *testing.T) {
	needFile(t, filepath.Join(heartbeatDir, "IPaddr2"), "resource-agents")
	l := DefaultLocator()
	ags, err := l.List("ocf", "heartbeat")
	if err != nil {
		t.Fatal(err)
	}
	if !contains(ags, "Dummy") || !contains(ags, "IPaddr2") {
		t.Errorf("ocf:heartbeat list lacks Dummy/IPaddr2: %v", ags)
	}
	if !contains(l.Providers(), "heartbeat") {
		t.Errorf("providers = %v", l.Providers())
	}
	if _, err := l.List("ocf", "nobody"); err == nil {
		t.Error("unknown provider listed without error")
	}
	if _, err := l.List("bogus", ""); err == nil || !strings.Contains(err.Error(), "unknown agent class") {
		t.Errorf("bogus class: %v", err)
	}
	e, _ := testExec(t, Config{})
	tl := e.Locator()
	if got, _ := tl.List("lsb", ""); !contains(got, "pacer-test-daemon") {
		t.Errorf("lsb list = %v", got)
	}
	if got, _ := tl.List("ocf", "pacertest"); contains(got, "NotExec") || !contains(got, "Env") {
		t.Errorf("pacertest list = %v (non-executables must not be listed)", got)
	}
	if got, _ := tl.List("stonith", ""); !contains(got, "fence_pacer_test") {
		t.Errorf("stonith list = %v", got)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestCIBAttrs(t *testing.T) {
	e, _ := testExec(t, Config{})
	r := e.Exec(context.Background(), Op{Resource: "env", Agent: "ocf:pacertest:Env", Action: "monitor",
		Interval: 15 * time.Second, Params: map[string]string{"fail": "7"}})
	a := r.CIBAttrs()
	want := map[string]string{"operation_key": "env_monitor_15000", "operation": "monitor", "rc-code": "7",
		"op-status": "0", "interval": "15000", "exit-reason": "asked to fail with 7", "call-id": itoa64(int64(r.CallID))}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %q, want %q", k, a[k], v)
		}
	}
	if a["last-rc-change"] == "0" || a["exec-time"] == "" {
		t.Errorf("times: %v", a)
	}
}

func TestCompleteAgent(t *testing.T) {
	e, _ := testExec(t, Config{})
	l := e.Locator()
	cases := map[string][]string{
		"":                {"lsb:", "ocf:", "service:", "stonith:", "systemd:"},
		"o":               {"ocf:"},
		"ocf:":            {"ocf:pacertest:"},
		"ocf:pacertest:H": {"ocf:pacertest:Hang", "ocf:pacertest:Huge"},
		"lsb:pacer":       {"lsb:pacer-test-daemon"},
		"stonith:fence_p": {"stonith:fence_pacer_test"},
		"fence_pa":        {"fence_pacer_test"},
		"bogus:":          nil,
	}
	for in, want := range cases {
		if got := l.CompleteAgent(in); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("CompleteAgent(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestCancelledBeforeQueued(t *testing.T) {
	e, _ := testExec(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := e.Exec(ctx, Op{Resource: "x", Agent: "ocf:pacertest:Env", Action: "start"})
	wantRC(t, r, OCFErrGeneric, StatusCancelled)
	if r.Output != "" {
		t.Errorf("agent ran: %q", r.Output)
	}
}

// A runaway writer is held to the cap while it runs, not only in the result.
func TestOutputCapWhileRunning(t *testing.T) {
	o, err := newOutFile("test", 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	chunk := []byte(strings.Repeat("y\n", 1<<19)) // 1 MiB
	for i := 0; i < 16; i++ {
		if _, err := o.f.Write(chunk); err != nil {
			t.Fatal(err)
		}
		o.trim()
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(o.f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if used := st.Blocks * 512; used > 2<<20 {
		t.Errorf("16 MiB written, %d bytes still held", used)
	}
	txt := o.text()
	if !strings.HasPrefix(txt, "y\ny\n") || !strings.HasSuffix(txt, "[output truncated: "+itoa64(16<<20-4096)+" more bytes]") {
		t.Errorf("captured text: %q...%q", txt[:10], txt[len(txt)-60:])
	}
}

// An agent whose daemon keeps stdout/stderr open must not hold the
// operation up, and the daemon's later output goes nowhere.
func TestLingeringOutputHolder(t *testing.T) {
	e, state := testExec(t, Config{})
	pidfile := filepath.Join(state, "leaky.pid")
	done := make(chan Result, 1)
	go func() {
		done <- e.Exec(context.Background(), Op{Resource: "l", Agent: "ocf:pacertest:Leaky", Action: "start",
			Params: map[string]string{"pidfile": pidfile}})
	}()
	var r Result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("operation held up by a daemon keeping the agent's output open")
	}
	pid := readPid(t, pidfile)
	t.Cleanup(func() { killAndReap(t, pid) })
	wantRC(t, r, OCFSuccess, StatusDone)
	if !strings.HasPrefix(r.Output, "started") && !strings.Contains(r.Output, "started") {
		t.Errorf("output %q", r.Output)
	}
	if _, err := os.Stat("/proc/" + itoa64(int64(pid))); err != nil {
		t.Errorf("the daemon should still run (it is not the agent's to kill): %v", err)
	}
}

// The wording is crm_mon's (Pacemaker 2.1.5), which the shell and monitor
// reproduce.
func TestResultWording(t *testing.T) {
	rcs := map[int]string{0: "ok", 1: "error", 5: "not installed", 7: "not running", 8: "promoted",
		9: "promoted (failed)", 190: "OCF_DEGRADED", 191: "promoted (degraded)"}
	for rc, want := range rcs {
		if got := RCString(rc); got != want {
			t.Errorf("RCString(%d) = %q, want %q", rc, got, want)
		}
	}
	sts := map[ExecStatus]string{StatusTimeout: "Timed Out", StatusNotInstalled: "Not installed", StatusError: "Error",
		StatusNotSupported: "NOT SUPPORTED", StatusErrorHard: "Hard error", StatusErrorFatal: "Fatal error",
		StatusNotConnected: "Internal communication failure", StatusInvalid: "Cannot execute now"}
	for st, want := range sts {
		if got := st.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(st), got, want)
		}
	}
}

// queue-time is the wait for the resource's previous operation.
func TestQueueTime(t *testing.T) {
	e, _ := testExec(t, Config{})
	first := make(chan Result, 1)
	go func() {
		first <- e.Exec(context.Background(), Op{Resource: "q", Agent: "ocf:pacertest:Env", Action: "start",
			Params: map[string]string{"sleep": "0.6", "must": "1"}})
	}()
	time.Sleep(150 * time.Millisecond) // let the first take the resource
	second := e.Exec(context.Background(), Op{Resource: "q", Agent: "ocf:pacertest:Env", Action: "monitor"})
	r1 := <-first
	wantRC(t, r1, OCFSuccess, StatusDone)
	if second.QueueTime < 200*time.Millisecond || r1.QueueTime > second.QueueTime {
		t.Errorf("queue times: first %s, second %s (second waited for the first)", r1.QueueTime, second.QueueTime)
	}
	if second.LastRun.Before(r1.LastRun.Add(r1.ExecTime)) {
		t.Error("second operation started before the first finished")
	}
}

func TestMetadataNotCutByOutputCap(t *testing.T) {
	e, _ := testExec(t, Config{OutputLimit: 100})
	m, err := e.Metadata("ocf:pacertest:Env")
	if err != nil {
		t.Fatalf("meta-data cut by a 100-byte operation output cap: %v", err)
	}
	if _, ok := m.Action("meta-data"); !ok {
		t.Errorf("actions: %+v", m.Actions)
	}
}

// A resource deleted while it runs is stopped with no parameters (the
// configuration no longer has them): the stop uses those it last ran
// with, so the agent finds what to stop instead of failing (which would
// get the node fenced for a planned change).
func TestStopWithoutParametersUsesThoseItRanWith(t *testing.T) {
	needFile(t, filepath.Join(heartbeatDir, "Dummy"), "resource-agents")
	e, _ := nodeExec(t, Config{})
	state := filepath.Join(t.TempDir(), "custom.state")
	r := e.Exec(context.Background(), Op{Resource: "gone", Agent: "ocf:heartbeat:Dummy", Action: "start",
		Params: map[string]string{"state": state}})
	if !r.OK() {
		t.Fatal(r)
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatal(err)
	}
	r = e.Exec(context.Background(), Op{Resource: "gone", Agent: "ocf:heartbeat:Dummy", Action: "stop"})
	if !r.OK() {
		t.Fatal(r)
	}
	if _, err := os.Stat(state); err == nil {
		t.Fatal("the stop without parameters left the resource running (its state file is still there)")
	}
}
