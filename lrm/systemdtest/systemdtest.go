// Package systemdtest boots a real systemd as PID 1 in private namespaces
// for tests of the systemd agent class, and hands out D-Bus connections to
// it.
//
// Isolation, so that the host is never touched:
//   - new PID, mount, UTS, IPC, network and cgroup namespaces;
//   - tmpfs over /run, /tmp and /var/tmp before systemd starts (the test's
//     units are copied into the private /run/systemd/system);
//   - /proc/sys and a fresh /sys read-only, as container managers do, so
//     systemd's boot-time sysctl bumps fail instead of changing the host;
//   - its own cgroup (a child of the host's cgroup2 hierarchy, seen as the
//     root inside), removed afterwards;
//   - booted into a minimal target of our own (pacer-test.target), and
//     every test unit must say DefaultDependencies=no, so nothing from the
//     host's sysinit.target is ever pulled in;
//   - ended with SIGKILL (systemd as PID 1 ignores SIGTERM), which takes
//     the whole PID namespace with it.
//
// Tests call Start, which skips the test (with a message) when not root or
// when systemd is not installed.
package systemdtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
	"github.com/godbus/dbus/v5"
)

// Binary is systemd's PID 1 program.
var Binary = "/lib/systemd/systemd"

// TargetName is the target the private systemd boots into.
const TargetName = "pacer-test.target"

const target = `[Unit]
Description=Pacer test target
DefaultDependencies=no
AllowIsolate=yes
Wants=pacer-bus.socket
`

// systemd drops connections to its private socket from peers whose pid it
// cannot see (SO_PEERCRED pid 0 from outside its PID namespace). So the
// host reaches it through systemd-socket-proxyd running inside: systemd
// sees the proxy, a process of its own, as the peer.
const busSocket = `[Unit]
Description=Pacer test bus proxy socket
DefaultDependencies=no
[Socket]
ListenStream=/run/pacer-bus.sock
SocketMode=0600
`

const busProxy = `[Unit]
Description=Pacer test bus proxy
DefaultDependencies=no
Requires=pacer-bus.socket
After=pacer-bus.socket
[Service]
ExecStart=` + proxyd + ` /run/systemd/private
`

const proxyd = "/lib/systemd/systemd-socket-proxyd"

// Systemd is a running private systemd.
type Systemd struct {
	PID    int // host pid of the namespace's PID 1
	cmd    *exec.Cmd
	cgroup string
	out    *syncBuffer
	done   chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<20 {
		return len(p), nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// boot is PID 1's script before it becomes systemd.
const boot = `set -e
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /run/systemd/system
cp "$PACER_UNITS"/* /run/systemd/system/
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
mount -t proc proc /proc
mount --bind /proc/sys /proc/sys
mount -o remount,bind,ro /proc/sys
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs /sys
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup
# As PID 1 systemd logs to /dev/console: give it a private one.
: > /run/console.log
mount --bind /run/console.log /dev/console
unset PACER_UNITS
exec "$PACER_SYSTEMD" --unit=` + TargetName + ` --log-target=console --log-level=${PACER_SYSTEMD_LOG_LEVEL:-info} \
	--default-standard-output=null --default-standard-error=null --show-status=no
`

// Start boots systemd with the given extra units (file name → contents)
// and waits until it has reached its target. It is stopped at the end of
// the test.
func Start(t testing.TB, units map[string]string) *Systemd {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("systemd harness needs root (namespaces, mounts)")
	}
	if _, err := os.Stat(Binary); err != nil {
		t.Skipf("systemd not installed (%s): apt-get install systemd", Binary)
	}
	for name, body := range units {
		if strings.ContainsAny(name, "/") || name == "" {
			t.Fatalf("systemdtest: bad unit name %q", name)
		}
		if !strings.Contains(body, "DefaultDependencies=no") {
			t.Fatalf("systemdtest: unit %s must say DefaultDependencies=no, or it pulls the host's sysinit.target into the test", name)
		}
	}
	cg2, err := cgroup2Mount()
	if err != nil {
		t.Skipf("systemd harness needs a cgroup2 hierarchy: %v", err)
	}
	removeStaleCgroups(cg2)

	unitDir := t.TempDir()
	if _, err := os.Stat(proxyd); err != nil {
		t.Skipf("systemd-socket-proxyd missing (%v): the harness needs it to reach the private systemd", err)
	}
	all := map[string]string{TargetName: target, "pacer-bus.socket": busSocket, "pacer-bus.service": busProxy}
	for k, v := range units {
		all[k] = v
	}
	for name, body := range all {
		if err := os.WriteFile(filepath.Join(unitDir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	s := &Systemd{out: &syncBuffer{}, done: make(chan struct{})}
	s.cgroup = filepath.Join(cg2, fmt.Sprintf("pacer-systemdtest-%d-%d", os.Getpid(), time.Now().UnixNano()))
	if err := os.Mkdir(s.cgroup, 0o755); err != nil {
		t.Skipf("cannot create a cgroup for the private systemd: %v", err)
	}
	cgfd, err := syscall.Open(s.cgroup, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		removeCgroup(s.cgroup)
		t.Fatalf("open cgroup: %v", err)
	}
	defer syscall.Close(cgfd)

	cmd := exec.Command("/bin/sh", "-c", boot)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "container=pacer-systemdtest",
		"PACER_UNITS=" + unitDir, "PACER_SYSTEMD_LOG_LEVEL=" + os.Getenv("PACER_SYSTEMD_LOG_LEVEL"), "PACER_SYSTEMD=" + Binary, "LANG=C.UTF-8"}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC | syscall.CLONE_NEWNET,
		// After the clone placed the child in its cgroup, so that the new
		// cgroup namespace is rooted there; Go makes / private first.
		Unshareflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWCGROUP,
		UseCgroupFD:  true,
		CgroupFD:     cgfd,
		Pdeathsig:    syscall.SIGKILL,
	}
	// Pdeathsig fires when the forking thread exits, and Go does end
	// threads (one left locked by a goroutine that returns). So fork from
	// a thread of our own that lives exactly as long as systemd does.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			runtime.UnlockOSThread()
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(s.done)
	}()
	if err := <-started; err != nil {
		removeCgroup(s.cgroup)
		t.Skipf("cannot start systemd in new namespaces: %v", err)
	}
	s.cmd, s.PID = cmd, cmd.Process.Pid
	t.Cleanup(s.Stop)

	if err := s.waitRunning(60 * time.Second); err != nil {
		t.Fatalf("private systemd did not come up: %v\n--- its output ---\n%s", err, s.Output())
	}
	return s
}

// Output is what systemd logged to its console so far.
func (s *Systemd) Output() string {
	b, _ := os.ReadFile(s.Root() + "/run/console.log")
	return s.out.String() + string(b)
}

// Root is the namespace's root seen from the host.
func (s *Systemd) Root() string { return "/proc/" + strconv.Itoa(s.PID) + "/root" }

// UnitDir is the private systemd's /run/systemd/system, seen from the
// host; it fits lrm.Config.SystemdUnitDir.
func (s *Systemd) UnitDir() string { return s.Root() + "/run/systemd/system" }

func (s *Systemd) socket() string { return s.Root() + "/run/pacer-bus.sock" }

// Dial connects to the private systemd's private socket (no bus daemon in
// between) through the proxy; it fits lrm.Config.Systemd.
func (s *Systemd) Dial(ctx context.Context) (*sdbus.Conn, error) {
	return sdbus.NewConnection(func() (*dbus.Conn, error) {
		c, err := dbus.Dial("unix:path="+s.socket(), dbus.WithContext(ctx))
		if err != nil {
			return nil, err
		}
		if err := c.Auth([]dbus.Auth{dbus.AuthExternal(strconv.Itoa(os.Getuid()))}); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	})
}

func (s *Systemd) waitRunning(d time.Duration) error {
	deadline := time.Now().Add(d)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return errors.New("systemd exited")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := s.Dial(ctx)
		if err == nil {
			p, perr := c.SystemStateContext(ctx)
			c.Close()
			if perr == nil {
				state := strings.Trim(p.Value.String(), `"`)
				if state == "running" || state == "degraded" {
					cancel()
					return nil
				}
				err = fmt.Errorf("system state %s", state)
			} else {
				err = perr
			}
		}
		cancel()
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("after %s: %v", d, last)
}

// Stop kills the namespace's PID 1 (and so every process in it) and removes
// its cgroup.
func (s *Systemd) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
	s.cmd = nil
	removeCgroup(s.cgroup)
}

// removeCgroup removes a cgroup tree bottom-up, retrying while the killed
// processes are still being torn down.
func removeCgroup(dir string) {
	for i := 0; i < 50; i++ {
		var dirs []string
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		if len(dirs) == 0 {
			return
		}
		for j := len(dirs) - 1; j >= 0; j-- {
			_ = syscall.Rmdir(dirs[j])
		}
		if _, err := os.Stat(dir); err != nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// removeStaleCgroups removes cgroups left by test processes that died
// without cleaning up (their namespaces died with them).
func removeStaleCgroups(cg2 string) {
	dirs, _ := filepath.Glob(filepath.Join(cg2, "pacer-systemdtest-*"))
	for _, d := range dirs {
		f := strings.Split(filepath.Base(d), "-")
		if len(f) < 3 {
			continue
		}
		pid, err := strconv.Atoi(f[2])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat("/proc/" + f[2]); err == nil {
			continue // its test process still runs
		}
		removeCgroup(d)
	}
}

// cgroup2Mount finds where the host mounts the cgroup2 hierarchy
// (/sys/fs/cgroup on unified hosts, /sys/fs/cgroup/unified on hybrid ones).
func cgroup2Mount() (string, error) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		f, pf := strings.Fields(pre), strings.Fields(post)
		if len(f) > 4 && len(pf) > 0 && pf[0] == "cgroup2" {
			return f[4], nil
		}
	}
	return "", errors.New("no cgroup2 mount in /proc/self/mountinfo")
}
