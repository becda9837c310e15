package lrm

import (
	"bytes"
	"errors"
	"io"
	"iter"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// capBuffer keeps the first limit bytes written and counts the rest, so a
// chatty agent never blocks on a full pipe nor grows our memory.
type capBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	limit   int
	dropped int64
}

func (c *capBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	room := c.limit - c.buf.Len()
	if room >= len(p) {
		c.buf.Write(p)
	} else {
		if room > 0 {
			c.buf.Write(p[:room])
		}
		c.dropped += int64(len(p) - max(room, 0))
	}
	return len(p), nil
}

var readBufs = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// ReadFrom lets os/exec's copying goroutine use a pooled 4 KiB buffer
// instead of allocating 32 KiB per stream per operation: with a thousand
// monitors that garbage is most of the executor's own CPU.
func (c *capBuffer) ReadFrom(r io.Reader) (int64, error) {
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	var n int64
	for {
		m, err := r.Read(*bp)
		if m > 0 {
			n += int64(m)
			c.Write((*bp)[:m])
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func (c *capBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := strings.ToValidUTF8(c.buf.String(), "\uFFFD")
	if c.dropped > 0 {
		s += "\n[output truncated: " + itoa64(c.dropped) + " more bytes]"
	}
	return s
}

func itoa64(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// procRequest is one agent process to run.
type procRequest struct {
	path    string
	args    []string
	env     []string
	stdin   string
	timeout time.Duration
	grace   time.Duration   // TERM → KILL
	limit   int             // per stream
	cancel  <-chan struct{} // closing it kills the agent like a timeout
}

type procResult struct {
	exitCode  int
	signaled  bool
	timedOut  bool
	cancelled bool
	startErr  error // could not start (ENOENT, EACCES, ENOEXEC)
	stdout    string
	stderr    string
	started   time.Time
	elapsed   time.Duration
}

// runProc runs an agent in its own process group. On timeout the whole
// group gets SIGTERM, then SIGKILL after the grace period, and once the
// agent is gone whatever is left of its group is killed too: a hung agent
// must leave nothing behind. An agent that finishes in time keeps its
// group: daemons it started legitimately stay.
func runProc(r procRequest) procResult {
	cmd := exec.Command(r.path, r.args...)
	cmd.Env = r.env
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if r.stdin != "" {
		cmd.Stdin = strings.NewReader(r.stdin)
	}
	out := &capBuffer{limit: r.limit}
	errb := &capBuffer{limit: r.limit}
	cmd.Stdout, cmd.Stderr = out, errb
	// A daemon started by the agent may keep our pipes open forever; stop
	// reading shortly after the agent itself exits.
	cmd.WaitDelay = 250 * time.Millisecond

	res := procResult{started: time.Now()}
	if err := cmd.Start(); err != nil {
		res.startErr = err
		res.exitCode = -1
		return res
	}
	pgid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var err error
	timer := time.NewTimer(r.timeout)
	kill := false
	select {
	case err = <-done:
	case <-timer.C:
		res.timedOut, kill = true, true
	case <-r.cancel:
		res.cancelled, kill = true, true
	}
	timer.Stop()
	if kill {
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case err = <-done:
		case <-time.After(r.grace):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			err = <-done
		}
		// Children that ignored TERM, or were left behind by a leader that
		// did exit on TERM.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
	res.elapsed = time.Since(res.started)
	res.stdout, res.stderr = out.String(), errb.String()
	res.exitCode = cmd.ProcessState.ExitCode()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.signaled = true
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) && !errors.Is(err, exec.ErrWaitDelay) {
		// I/O copying failed; the exit code still stands.
		res.stderr += "\n[pacer: " + err.Error() + "]"
	}
	return res
}

// startErrRC maps a failure to start an agent to an OCF code and status.
func startErrRC(err error) (int, ExecStatus) {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return OCFErrInstalled, StatusNotInstalled
	case errors.Is(err, os.ErrPermission):
		return OCFErrPerm, StatusError
	}
	return OCFErrGeneric, StatusError
}

var _ io.ReaderFrom = (*capBuffer)(nil)

func splitLines(s string) iter.Seq[string] { return strings.SplitSeq(s, "\n") }
