package lrm

import (
	"errors"
	"fmt"
	"iter"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// outFile captures an agent's stdout or stderr in a memfd rather than a
// pipe: no pipe, no copying goroutine and no poller registration per
// operation (with a thousand monitors that is most of the executor's own
// CPU), and a daemon the agent starts cannot hold us up by keeping the
// descriptor open. The cap is kept while the agent runs by punching out
// whatever lies beyond it, so a runaway writer costs sparse file size, not
// memory; once the operation is over the file is sealed (see Close).
type outFile struct {
	f     *os.File
	limit int64
}

func newOutFile(name string, limit int) (*outFile, error) {
	fd, err := unix.MemfdCreate("pacer-"+name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd for agent %s: %w", name, err)
	}
	return &outFile{f: os.NewFile(uintptr(fd), name), limit: int64(limit)}, nil
}

// trim frees the pages past the cap; the file keeps its size, so the
// writer's offset and our count of dropped bytes stay right.
func (o *outFile) trim() {
	var st unix.Stat_t
	if unix.Fstat(int(o.f.Fd()), &st) != nil || st.Size <= o.limit {
		return
	}
	// Round up to a page so the head stays intact.
	off := (o.limit + 4095) &^ 4095
	if st.Size > off {
		_ = unix.Fallocate(int(o.f.Fd()), unix.FALLOC_FL_PUNCH_HOLE|unix.FALLOC_FL_KEEP_SIZE, off, st.Size-off)
	}
}

// text is the captured head, valid UTF-8, with a note of what was dropped.
func (o *outFile) text() string {
	var st unix.Stat_t
	if unix.Fstat(int(o.f.Fd()), &st) != nil {
		return ""
	}
	n := min(st.Size, o.limit)
	buf := make([]byte, n)
	m, _ := o.f.ReadAt(buf, 0)
	s := strings.ToValidUTF8(string(buf[:m]), "\uFFFD")
	if st.Size > o.limit {
		s += "\n[output truncated: " + itoa64(st.Size-o.limit) + " more bytes]"
	}
	return s
}

// Close seals the file first: a daemon the agent started with our stdout
// still open gets EPERM on its writes from now on (where a closed pipe
// would give it EPIPE) instead of filling memory nobody reads.
func (o *outFile) Close() error {
	_, _ = unix.FcntlInt(o.f.Fd(), unix.F_ADD_SEALS, unix.F_SEAL_WRITE|unix.F_SEAL_GROW|unix.F_SEAL_SHRINK|unix.F_SEAL_SEAL)
	return o.f.Close()
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
	} else if dn := devNull(); dn != nil {
		cmd.Stdin = dn
	}
	res := procResult{started: time.Now()}
	out, err := newOutFile("stdout", r.limit)
	if err != nil {
		res.startErr, res.exitCode = err, -1
		return res
	}
	defer out.Close()
	errf, err := newOutFile("stderr", r.limit)
	if err != nil {
		res.startErr, res.exitCode = err, -1
		return res
	}
	defer errf.Close()
	cmd.Stdout, cmd.Stderr = out.f, errf.f
	// Fence agents' stdin is a pipe fed by os/exec; an agent's daemon
	// keeping it open must not hold us up.
	cmd.WaitDelay = 250 * time.Millisecond

	if err := cmd.Start(); err != nil {
		res.startErr = err
		res.exitCode = -1
		return res
	}
	pgid := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	timer := time.NewTimer(r.timeout)
	trim := time.NewTicker(100 * time.Millisecond)
	kill := false
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-timer.C:
			res.timedOut, kill = true, true
			break wait
		case <-r.cancel:
			res.cancelled, kill = true, true
			break wait
		case <-trim.C:
			out.trim()
			errf.trim()
		}
	}
	timer.Stop()
	trim.Stop()
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
	res.stdout, res.stderr = out.text(), errf.text()
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

// devNull is one /dev/null shared by all agents' stdin; os/exec would
// otherwise open and close it for every operation.
var devNull = sync.OnceValue(func() *os.File {
	f, err := os.Open(os.DevNull)
	if err != nil {
		return nil
	}
	return f
})

func splitLines(s string) iter.Seq[string] { return strings.SplitSeq(s, "\n") }
