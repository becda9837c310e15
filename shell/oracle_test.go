package shell_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// oracle is ../shared/pacemaker-oracle/run: Pacemaker 3.0 and crmsh 5.0
// in a chroot, as black boxes. Tests that compare with them skip when it is
// not set up.
func oracle(t *testing.T) string {
	t.Helper()
	run := os.Getenv("PACER_ORACLE")
	if run == "" {
		wd, _ := os.Getwd()
		run = filepath.Join(wd, "..", "..", "shared", "pacemaker-oracle", "run")
	}
	dir := os.Getenv("PACEMAKER_ORACLE")
	if dir == "" {
		dir = "/var/lib/pacemaker-oracle"
	}
	if _, err := os.Stat(run); err != nil {
		t.Skipf("pacemaker oracle not found at %s", run)
	}
	if _, err := os.Stat(filepath.Join(dir, "usr", "sbin", "crm_verify")); err != nil {
		t.Skipf("pacemaker oracle not set up in %s (../shared/pacemaker-oracle/setup)", dir)
	}
	if os.Geteuid() != 0 {
		t.Skip("the pacemaker oracle needs root (chroot)")
	}
	return run
}

// oracleRun runs TOOL ARGS in the oracle with CIB_file=cib (when not "").
func oracleRun(t *testing.T, cib string, args ...string) (string, int) {
	t.Helper()
	run := oracle(t)
	cmd := exec.Command(run, args...)
	cmd.Env = append(os.Environ(), "TERM=dumb")
	if cib != "" {
		cmd.Env = append(cmd.Env, "CIB_file="+cib)
	}
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("oracle %s timed out", strings.Join(args, " "))
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("oracle %s: %v", strings.Join(args, " "), err)
	}
	return string(out), code
}
