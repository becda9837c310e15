package racmd

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pacer/lrm"
)

func ra(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	rc := Main(args, &out, &errb)
	return rc, out.String(), errb.String()
}

func needDummy(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/lib/ocf/resource.d/heartbeat/Dummy"); err != nil {
		t.Skipf("resource-agents not installed: %v", err)
	}
}

func testdata(t *testing.T, p ...string) string {
	abs, err := filepath.Abs(filepath.Join(append([]string{"..", "testdata"}, p...)...))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func TestClassesAndList(t *testing.T) {
	rc, out, _ := ra(t, "classes")
	if rc != 0 || out != "ocf\nlsb\nservice\nsystemd\nstonith\n" {
		t.Errorf("classes: rc %d, %q", rc, out)
	}
	t.Setenv("OCF_ROOT", testdata(t, "ocf"))
	rc, out, _ = ra(t, "list", "ocf:pacertest")
	if rc != 0 || !strings.Contains(out, "Env\n") || strings.Contains(out, "NotExec") {
		t.Errorf("list ocf:pacertest: rc %d\n%s", rc, out)
	}
	rc, _, errs := ra(t, "list", "ocf:nobody")
	if rc != 1 || !strings.Contains(errs, `"nobody"`) {
		t.Errorf("unknown provider: rc %d, %q", rc, errs)
	}
	rc, _, errs = ra(t, "list", "nagios")
	if rc != 1 || !strings.Contains(errs, "unknown agent class") {
		t.Errorf("unknown class: rc %d, %q", rc, errs)
	}
	if rc, _, errs = ra(t, "list"); rc != 2 || !strings.Contains(errs, "usage") {
		t.Errorf("list without class: rc %d, %q", rc, errs)
	}
	if rc, _, _ = ra(t); rc != 2 {
		t.Errorf("no command: rc %d", rc)
	}
	if rc, _, errs = ra(t, "frobnicate"); rc != 2 || !strings.Contains(errs, "frobnicate") {
		t.Errorf("unknown command: rc %d, %q", rc, errs)
	}
}

func TestInfo(t *testing.T) {
	needDummy(t)
	rc, out, errs := ra(t, "info", "ocf:heartbeat:Dummy")
	if rc != 0 {
		t.Fatalf("rc %d: %s", rc, errs)
	}
	for _, want := range []string{"ocf:heartbeat:Dummy - ", "Parameters (*: required, []: default):", "state (string, [", "Operations' defaults", "monitor           timeout=20s interval=10s"} {
		if !strings.Contains(out, want) {
			t.Errorf("info lacks %q:\n%s", want, out)
		}
	}
	rc, out, _ = ra(t, "info", "-o", "json", "ocf:heartbeat:IPaddr2")
	var m lrm.AgentMeta
	if rc != 0 || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("json info: rc %d\n%s", rc, out)
	}
	if p, ok := m.Param("ip"); !ok || !p.Required {
		t.Errorf("IPaddr2 ip parameter in JSON: %+v", p)
	}
	rc, _, errs = ra(t, "info", "ocf:heartbeat:NoSuchThing")
	if rc != lrm.OCFErrInstalled || !strings.Contains(errs, "no such agent") {
		t.Errorf("unknown agent: rc %d, %q", rc, errs)
	}
	if rc, _, _ = ra(t, "info", "-o", "yaml", "ocf:heartbeat:Dummy"); rc != 2 {
		t.Errorf("bad format: rc %d", rc)
	}
	rc, out, _ = ra(t, "info", "lsb:pacer-test-daemon")
	if rc == 0 {
		t.Errorf("lsb agent outside /etc/init.d found: %s", out)
	}
}

func TestRunDummy(t *testing.T) {
	needDummy(t)
	t.Setenv("HA_RSCTMP", t.TempDir())
	steps := []struct {
		action string
		rc     int
		words  string
	}{
		{"monitor", 7, "rc=7 (not running)"},
		{"start", 0, "ocf:heartbeat:Dummy start: rc=0 (ok) in "},
		{"monitor", 0, "rc=0 (ok)"},
		{"stop", 0, "rc=0 (ok)"},
		{"monitor", 7, "rc=7 (not running)"},
	}
	for _, s := range steps {
		rc, out, errs := ra(t, "run", "ocf:heartbeat:Dummy", s.action, "--id", "rd1", "--timeout=10s")
		if rc != s.rc || !strings.Contains(out, s.words) {
			t.Fatalf("run %s: rc %d want %d\n%s%s", s.action, rc, s.rc, out, errs)
		}
	}
}

func TestRunErrors(t *testing.T) {
	t.Setenv("OCF_ROOT", testdata(t, "ocf"))
	t.Setenv("PACER_TEST_STATE", t.TempDir())
	rc, out, errs := ra(t, "run", "ocf:pacertest:Env", "start")
	if rc != lrm.OCFErrConfigured || !strings.Contains(errs, "missing required parameter(s): must") {
		t.Errorf("missing parameter: rc %d\n%s%s", rc, out, errs)
	}
	rc, out, _ = ra(t, "run", "ocf:pacertest:Env", "start", "must=1", "fail=9")
	if rc != 9 || !strings.Contains(out, "exit reason: asked to fail with 9") {
		t.Errorf("failing agent: rc %d\n%s", rc, out)
	}
	rc, out, errs = ra(t, "run", "ocf:pacertest:Hang", "start", "pidfile="+filepath.Join(t.TempDir(), "p"), "--timeout", "500ms")
	if rc != 1 || !strings.Contains(out, "[Timed Out]") {
		t.Errorf("hang: rc %d\n%s%s", rc, out, errs)
	}
	rc, _, errs = ra(t, "run", "ocf:pacertest:Nope", "start")
	if rc != lrm.OCFErrInstalled || !strings.Contains(errs, "no such agent") {
		t.Errorf("unknown agent: rc %d %q", rc, errs)
	}
	// A bare type is ocf:heartbeat:TYPE, as in crm's primitive.
	rc, _, errs = ra(t, "run", "Env", "start")
	if rc != lrm.OCFErrInstalled || !strings.Contains(errs, "ocf:heartbeat:Env") {
		t.Errorf("bare type: rc %d %q", rc, errs)
	}
	for _, args := range [][]string{
		{"run", "ocf:pacertest:Env"},
		{"run", "ocf:pacertest:Env", "start", "novalue"},
		{"run", "ocf:pacertest:Env", "start", "a=1", "a=2"},
		{"run", "ocf:pacertest:Env", "start", "--timeout", "soon"},
	} {
		if rc, _, errs := ra(t, args...); rc != 2 || errs == "" {
			t.Errorf("%v: rc %d, %q", args, rc, errs)
		}
	}
}

func TestRunFenceList(t *testing.T) {
	t.Setenv("PACER_FENCE_PATH", testdata(t, "fence"))
	dir := t.TempDir()
	rc, out, errs := ra(t, "run", "stonith:fence_pacer_test", "list", "state_dir="+dir, "hostlist=a,b")
	if rc != 0 || !strings.HasPrefix(out, "a,\nb,\n") {
		t.Errorf("list: rc %d\n%s%s", rc, out, errs)
	}
	rc, out, _ = ra(t, "run", "fence_pacer_test", "status", "state_dir="+dir, "plug=a")
	if rc != 0 || !strings.Contains(out, "Status: ON") {
		t.Errorf("status: rc %d\n%s", rc, out)
	}
}

func TestComplete(t *testing.T) {
	t.Setenv("OCF_ROOT", testdata(t, "ocf"))
	t.Setenv("PACER_TEST_STATE", t.TempDir())
	cases := []struct {
		args []string
		want string
	}{
		{[]string{""}, "classes help info list providers run"},
		{[]string{"l"}, "list"},
		{[]string{"list", ""}, "lsb ocf ocf:pacertest service stonith systemd"},
		{[]string{"info", "ocf:pacertest:E"}, "ocf:pacertest:Env"},
		{[]string{"info", "-o", ""}, "json text"},
		{[]string{"run", "ocf:pacertest:H"}, "ocf:pacertest:Hang ocf:pacertest:Huge"},
		{[]string{"run", "ocf:pacertest:Env", "st"}, "start stop"},
		{[]string{"run", "ocf:pacertest:Env", "start", ""}, "fail= must= overlap_dir= sleep="},
		{[]string{"run", "ocf:pacertest:Env", "start", "must=1", "--timeout", "5s", "s"}, "sleep="},
		{[]string{"run", "ocf:pacertest:Env", "start", "--t"}, "--timeout"},
		{[]string{"run", "ocf:pacertest:Nope", "st"}, ""},
	}
	for _, c := range cases {
		if got := strings.Join(Complete(c.args), " "); got != c.want {
			t.Errorf("Complete(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

// --timeout bounds the whole command: an agent whose meta-data hangs (it
// is fetched to check the parameters) is killed, its whole process group,
// when the timeout is reached, and so it is when the command is
// interrupted (Ctrl-C) during the meta-data call.
func TestRunTimeoutCoversMetadata(t *testing.T) {
	t.Setenv("OCF_ROOT", testdata(t, "ocf"))
	state := t.TempDir()
	t.Setenv("PACER_TEST_STATE", state)
	pidfile := filepath.Join(state, "SilentMeta.pid")

	start := time.Now()
	rc, out, errs := ra(t, "run", "ocf:pacertest:SilentMeta", "start", "--timeout", "500ms")
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("run --timeout 500ms took %s (meta-data has its own 30 s)", took)
	}
	if rc != lrm.OCFErrGeneric || !strings.Contains(errs, "--timeout reached") {
		t.Errorf("rc %d\n%s%s", rc, out, errs)
	}
	groupGone(t, pidfile)

	os.Remove(pidfile)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var errb bytes.Buffer
	go func() {
		done <- runCtx(ctx, []string{"ocf:pacertest:SilentMeta", "start", "--timeout", "60s"}, io.Discard, &errb)
	}()
	for i := 0; ; i++ {
		if _, err := os.Stat(pidfile); err == nil {
			break
		}
		if i > 500 {
			t.Fatal("the agent's meta-data never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel() // what Ctrl-C does
	select {
	case rc := <-done:
		if rc != lrm.OCFErrGeneric || !strings.Contains(errb.String(), "interrupted") {
			t.Errorf("interrupted: rc %d %q", rc, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("an interrupted meta-data call did not end")
	}
	groupGone(t, pidfile)
}

// groupGone waits for the process group whose leader's pid is in pidfile
// to be empty.
func groupGone(t *testing.T, pidfile string) {
	t.Helper()
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatalf("the agent wrote no pid: %v", err)
	}
	pgid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	for i := 0; i < 500; i++ {
		if syscall.Kill(-pgid, 0) != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
	t.Errorf("process group %d of the agent outlived the command", pgid)
}
