package shell_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmux drives an interactive pacer in a detached tmux session.
type tmux struct {
	t    *testing.T
	name string
	sock string // a private tmux server: nothing of the user's is touched
}

func (tm *tmux) cmd(args ...string) *exec.Cmd {
	return exec.Command("tmux", append([]string{"-S", tm.sock}, args...)...)
}

func startTmux(t *testing.T, env []string, args ...string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	return startTmuxLine(t, "env "+strings.Join(env, " ")+" "+pacerBin+" "+strings.Join(args, " "))
}

// startTmuxLine runs cmdline (a shell command line) in a new tmux session.
func startTmuxLine(t *testing.T, cmdline string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	name := fmt.Sprintf("pacer-shell-test-%d", os.Getpid())
	tm := &tmux{t, name, filepath.Join(t.TempDir(), "tmux.sock")}
	out, err := tm.cmd("new-session", "-d", "-s", name, "-x", "160", "-y", "40", cmdline).CombinedOutput()
	if err != nil {
		t.Fatalf("tmux: %v: %s", err, out)
	}
	t.Cleanup(func() { tm.cmd("kill-server").Run() })
	return tm
}

func (tm *tmux) keys(keys ...string) {
	tm.t.Helper()
	if out, err := tm.cmd(append([]string{"send-keys", "-t", tm.name}, keys...)...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys %q: %v: %s", keys, err, out)
	}
}

func (tm *tmux) screen() string {
	out, _ := tm.cmd("capture-pane", "-p", "-t", tm.name).Output()
	return string(out)
}

// waitFor waits until the screen's last non-empty line (or any line with
// anyLine) contains want.
func (tm *tmux) waitFor(want string, anyLine bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr := tm.screen()
		lines := strings.Split(strings.TrimRight(scr, "\n "), "\n")
		last := lines[len(lines)-1]
		if strings.Contains(last, want) || (anyLine && strings.Contains(scr, want)) {
			return scr
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q:\n%s", want, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTmuxCompletesAgentAndParameter(t *testing.T) {
	if _, err := os.Stat("/usr/lib/ocf/resource.d/heartbeat/IPaddr2"); err != nil {
		t.Skip("resource-agents not installed")
	}
	p := caseFile(t, "bug-5014-CthenAthenB-C-stopped")
	tm := startTmux(t, []string{"CIB_file=" + p, "HOME=" + t.TempDir(), "TERM=xterm"})
	tm.waitFor("pacer(", false)
	tm.keys("configure", "Enter")
	tm.waitFor(")configure#", false)
	// Agent names one level per Tab.
	tm.keys("primitive vip oc", "Tab")
	tm.waitFor("primitive vip ocf:", false)
	tm.keys("hea", "Tab")
	tm.waitFor("primitive vip ocf:heartbeat:", false)
	tm.keys("IPaddr", "Tab")
	tm.waitFor("IPaddr2", true) // two candidates: IPaddr and IPaddr2 listed
	tm.keys("2 params cidr_n", "Tab")
	tm.waitFor("primitive vip ocf:heartbeat:IPaddr2 params cidr_netmask=", false)
	tm.keys("24 ip=", "Tab")
	tm.waitFor("ip (string, required)", true)
	tm.keys("10.1.2.3", "Enter")
	tm.waitFor(")configure*#", false)
	tm.keys("show vip", "Enter")
	scr := tm.waitFor("params cidr_netmask=24 ip=10.1.2.3", true)
	_ = scr
	// Ctrl-C cancels the line being typed.
	tm.keys("this is not a command", "C-c")
	tm.waitFor(")configure*#", false)
	tm.keys("commit", "Enter")
	tm.waitFor("commit (y/n)?", false)
	tm.keys("y", "Enter")
	tm.waitFor(")configure#", false)
	tm.keys("quit", "Enter")
	deadline := time.Now().Add(5 * time.Second)
	for tm.cmd("has-session", "-t", tm.name).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("pacer did not quit:\n%s", tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), `<nvpair name="ip" value="10.1.2.3" id="vip-instance_attributes-ip"/>`) &&
		!strings.Contains(string(data), `value="10.1.2.3"`) {
		t.Fatalf("committed CIB lacks the primitive:\n%s", data)
	}
}
