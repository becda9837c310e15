package shell_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPty returns a new pseudo-terminal pair, 80x24. Nothing answers on
// the master side unless the test writes there: a terminal that ignores
// queries, as over `ssh -tt`, under script(1) or in a CI job.
func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty slave: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		t.Fatalf("pty size: %v", err)
	}
	return m, s
}

// ptyOutput collects what the program writes to the terminal.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *ptyOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *ptyOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// runOnPty runs pacer with the pty as its controlling terminal (in the
// foreground, as a login shell would start it). input, when not "", is
// typed once the output contains waitFor.
func runOnPty(t *testing.T, cib string, waitFor, input string, args ...string) (string, time.Duration) {
	t.Helper()
	master, slave := openPty(t)
	defer master.Close()
	cmd := exec.Command(pacerBin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "TERM=xterm-256color",
		"PACER_SOCKET=" + filepath.Join(t.TempDir(), "none.sock"), "CIB_file=" + cib,
		"CIB_shadow_dir=" + t.TempDir()}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	out := &ptyOutput{}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			out.Write(buf[:n])
			if err != nil { // EIO once the last slave descriptor closes
				return
			}
		}
	}()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if input != "" {
		go func() {
			for !strings.Contains(out.String(), waitFor) && time.Since(start) < 20*time.Second {
				time.Sleep(10 * time.Millisecond)
			}
			master.Write([]byte(input))
		}()
	}
	// Generous: a stall on an unanswered query is 5 s per query, and its
	// cause (the query itself) is asserted separately.
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("pacer %q on a silent terminal did not finish in 30 s; output:\n%q", args, out.String())
	}
	took := time.Since(start)
	select {
	case <-copied:
	case <-time.After(2 * time.Second):
	}
	return out.String(), took
}

// Every top-level command on a terminal that never answers queries: none
// asks the terminal anything that waits for an answer (its background
// colour, OSC 11, or the cursor position, DSR 6), so none stalls.
func TestSilentTerminalNoQueries(t *testing.T) {
	cib := emptyFile(t)
	type pc struct {
		args           []string
		waitFor, input string
	}
	// One invocation per top-level command; the list is checked against
	// the command tree below, so a new command must be added here.
	cases := map[string]pc{
		"":            {nil, "pacer", "quit\r"}, // interactive shell
		"--version":   {args: []string{"--version"}},
		"configure":   {args: []string{"configure", "show"}},
		"resource":    {args: []string{"resource", "status"}},
		"node":        {args: []string{"node", "show"}},
		"ra":          {args: []string{"ra", "classes"}},
		"cib":         {args: []string{"cib", "verify"}},
		"cluster":     {args: []string{"cluster", "status"}},
		"stonith":     {args: []string{"stonith", "list"}},
		"status":      {args: []string{"status"}},
		"mon -1":      {args: []string{"mon", "-1"}},
		"mon":         {[]string{"mon"}, "quit", "q"},
		"simulate":    {args: []string{"simulate"}},
		"sandbox":     {args: []string{"sandbox", "--help"}},
		"help":        {args: []string{"help"}},
		"maintenance": {args: []string{"maintenance"}},
		"verify":      {args: []string{"verify"}},
		"completion":  {args: []string{"completion", "bash"}},
		"import":      {args: []string{"import", "heartbeat", "importer/testdata/ha.cf", "importer/testdata/haresources"}},
		"cd":          {args: []string{"cd"}},
		"up":          {args: []string{"up"}},
		"end":         {args: []string{"end"}},
		"quit":        {args: []string{"quit"}},
	}
	for _, name := range topLevelCommands(t) {
		if _, ok := cases[name]; !ok {
			t.Errorf("top-level command %q has no case in this test", name)
		}
	}
	for name, c := range cases {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			out, took := runOnPty(t, cib, c.waitFor, c.input, c.args...)
			for _, q := range []string{"\x1b]11;?", "\x1b[6n"} {
				if strings.Contains(out, q) {
					t.Errorf("pacer %q asked the terminal %q; output:\n%q", c.args, q, out)
				}
			}
			if c.waitFor != "" && !strings.Contains(out, c.waitFor) {
				t.Errorf("pacer %q never showed %q; output:\n%q", c.args, c.waitFor, out)
			}
			if strings.Contains(out, "panic") {
				t.Errorf("pacer %q panicked:\n%s", c.args, out)
			}
			t.Logf("pacer %q on a silent terminal: %v", c.args, took.Round(time.Millisecond))
		})
	}
}

// topLevelCommands lists the top level's commands as `pacer help` shows them.
func topLevelCommands(t *testing.T) []string {
	t.Helper()
	r := run(t, "", "", "help")
	var names []string
	inList := false
	for _, l := range strings.Split(r.stdout, "\n") {
		switch {
		case strings.HasPrefix(l, "Commands:"):
			inList = true
		case inList && strings.HasPrefix(l, "  "):
			names = append(names, strings.TrimSuffix(strings.Fields(l)[0], "/"))
		case inList:
			inList = false
		}
	}
	if len(names) < 10 {
		t.Fatalf("pacer help listed %d commands:\n%s", len(names), r.stdout)
	}
	return names
}
