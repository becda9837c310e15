package sandbox

// A sandbox node run by root is a "machine": an init process
// (`pacerd sandbox machine`) that is PID 1 of its own PID and mount
// namespaces (and, with --netns, lives in the node's network namespace).
// The node's pacerd is its child, and so is, in the end, everything pacerd
// starts: agents, their daemons, whatever they double-fork or run under
// `su -` with a clean environment. Killing pacerd (a crash) leaves the
// machine and its resources up, as on a real host; powering the machine
// off kills every process of the namespace, which nothing can escape.
//
// The init answers on DIR/NODE/machine.sock (a path socket, reachable from
// every namespace of the sandbox, as the fence agent runs inside another
// machine and cannot see host pids): one line in, one line out.
//
//	start     start pacerd if it is not running   -> "ok"
//	poweroff  kill everything, wipe the node's run directory, then exit
//	          -> "off" once nothing of the node is left
//	ping      -> "ok PID" (pacerd's pid in the machine, 0 when down)

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func machineSock(dir, node string) string { return filepath.Join(dir, node, "machine.sock") }
func machinePIDPath(dir, node string) string {
	return filepath.Join(dir, node, "machine.pid")
}

// machineMain is `pacerd sandbox machine --dir DIR NODE -- PACERD ARGS...`.
func machineMain(dir, node string, argv []string, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, nil)).With("machine", node)
	if len(argv) == 0 {
		log.Error("no pacerd command line")
		return 2
	}
	// Our own /proc: the node's agents (pidof, pgrep, ps) see the node's
	// processes only, as on a machine of its own. The mounts must not
	// propagate back to the host.
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		log.Warn("make mounts private", "err", err)
	} else if err := syscall.Mount("proc", "/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		log.Warn("mount /proc", "err", err)
	}
	sockPath := machineSock(dir, node)
	os.Remove(sockPath)
	ln, err := net.Listen("unix", sockPath)
	if err != nil {
		log.Error("control socket", "err", err)
		return 1
	}
	m := &machine{dir: dir, node: node, argv: argv, log: log, reqs: make(chan machineReq)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go m.serve(c)
		}
	}()
	return m.run()
}

type machineReq struct {
	cmd   string
	reply chan string
}

// machine is the init's state, owned by run's goroutine.
type machine struct {
	dir, node string
	argv      []string
	log       *slog.Logger
	reqs      chan machineReq
	pacerd    int // pid of pacerd in the machine, 0 when not running
}

func (m *machine) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	r := machineReq{cmd: strings.TrimSpace(line), reply: make(chan string, 1)}
	m.reqs <- r
	fmt.Fprintln(c, <-r.reply)
}

func (m *machine) run() int {
	sig := make(chan os.Signal, 8)
	// As PID 1 we only get the signals we handle: SIGTERM and SIGINT go to
	// pacerd (a clean stop of the daemon, not of the machine).
	signal.Notify(sig, syscall.SIGCHLD, syscall.SIGTERM, syscall.SIGINT)
	m.startPacerd()
	for {
		select {
		case s := <-sig:
			if s == syscall.SIGCHLD {
				m.reap(false)
				continue
			}
			if m.pacerd > 0 {
				syscall.Kill(m.pacerd, s.(syscall.Signal))
			}
		case r := <-m.reqs:
			switch r.cmd {
			case "start":
				// The old pacerd may have exited before its SIGCHLD
				// reached us, or still be dying from a kill sent just
				// before (no longer in /proc's command lines, not yet a
				// zombie): give it a moment, or this start would be
				// taken for one that found pacerd running.
				m.reap(false)
				for i := 0; i < 100 && m.pacerd > 0 && dying(m.pacerd); i++ {
					time.Sleep(20 * time.Millisecond)
					m.reap(false)
				}
				m.startPacerd()
				r.reply <- "ok"
			case "ping":
				r.reply <- "ok " + strconv.Itoa(m.pacerd)
			case "poweroff":
				m.powerOff()
				r.reply <- "off"
				// Let the reply leave before the machine (and the
				// socket) vanish.
				time.Sleep(50 * time.Millisecond)
				return 0
			default:
				r.reply <- "error unknown command " + strconv.Quote(r.cmd)
			}
		}
	}
}

// dying reports whether pid is on its way out: gone, a zombie, or
// exiting (its command line already released).
func dying(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	st := string(b)
	if i := strings.LastIndexByte(st, ')'); i > 0 && i+2 < len(st) && (st[i+2] == 'Z' || st[i+2] == 'X') {
		return true
	}
	cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return err != nil || len(cmd) == 0
}

func (m *machine) startPacerd() {
	if m.pacerd > 0 {
		return
	}
	p, err := os.StartProcess(m.argv[0], m.argv, &os.ProcAttr{
		Dir:   filepath.Join(m.dir, m.node),
		Env:   os.Environ(),
		Files: []*os.File{nil, os.Stdout, os.Stderr},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	})
	if err != nil {
		m.log.Error("start pacerd", "err", err)
		return
	}
	m.pacerd = p.Pid
	p.Release() // reaped by reap, with everything else
}

// reap collects every exited process (orphans are ours as PID 1). With
// all, it waits until no process is left.
func (m *machine) reap(all bool) {
	for {
		flags := syscall.WNOHANG
		if all {
			flags = 0
		}
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, flags, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil || (pid == 0 && !all) {
			return
		}
		if pid == m.pacerd {
			m.log.Info("pacerd exited", "status", ws)
			m.pacerd = 0
		}
	}
}

// powerOff kills every process of the machine, waits until they are gone
// and wipes the node's run directory (its RAM).
func (m *machine) powerOff() {
	for range 50 {
		syscall.Kill(-1, syscall.SIGKILL)
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(-1, &ws, 0, nil)
		if errors.Is(err, syscall.ECHILD) {
			break
		}
	}
	m.reap(true)
	m.pacerd = 0
	os.RemoveAll(filepath.Join(m.dir, m.node, "run"))
	os.Remove(filepath.Join(m.dir, m.node, "pacerd.pid"))
	os.Remove(machinePIDPath(m.dir, m.node))
	os.Remove(machineSock(m.dir, m.node))
}

// machineCall sends one command to a node's machine and returns its answer;
// errMachineOff when no machine is listening.
func machineCall(dir, node, cmd string, timeout time.Duration) (string, error) {
	c, err := net.DialTimeout("unix", machineSock(dir, node), timeout)
	if err != nil {
		if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED) {
			return "", errMachineOff
		}
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := fmt.Fprintln(c, cmd); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		if cmd == "poweroff" && errors.Is(err, io.EOF) {
			return "off", nil
		}
		return "", fmt.Errorf("machine %s: %s: %w", node, cmd, err)
	}
	return strings.TrimSpace(line), nil
}

var errMachineOff = errors.New("machine is off")

// machinePID is the host pid of the node's machine init when it runs
// (read from the host's /proc), else 0.
func machinePID(dir, node string) int {
	b, err := os.ReadFile(machinePIDPath(dir, node))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 || !procAlive(pid) {
		return 0
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.Contains(string(cmdline), "\x00sandbox\x00machine\x00") ||
		!strings.Contains(string(cmdline), "\x00"+node+"\x00") {
		return 0
	}
	return pid
}

// procAlive: pid exists and is not a zombie.
func procAlive(pid int) bool {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(st), ')')
	f := strings.Fields(string(st[i+1:]))
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// machinePacerd finds the host pid of the pacerd the machine runs: its
// child started with this node's configuration (orphaned agents are the
// init's children too).
func machinePacerd(machine int, conf string) int {
	// Children are listed per thread of the parent: any of the init's
	// threads may have forked it.
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", machine))
	var kids []string
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		kids = append(kids, strings.Fields(string(b))...)
	}
	for _, f := range kids {
		pid, _ := strconv.Atoi(f)
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err == nil && strings.Contains(string(cmdline), "\x00--config\x00"+conf+"\x00") && procAlive(pid) {
			return pid
		}
	}
	return 0
}

// PIDNamespace is the inode of the PID namespace of the node's machine, 0
// without one. Fault campaigns use it to tell which node a process (an
// agent's daemon, say) belongs to, from /proc/PID/ns/pid.
func PIDNamespace(dir, node string) uint64 {
	pid := machinePID(dir, node)
	if pid == 0 {
		return 0
	}
	var st syscall.Stat_t
	if err := syscall.Stat(fmt.Sprintf("/proc/%d/ns/pid", pid), &st); err != nil {
		return 0
	}
	return st.Ino
}

// MachineRunning says whether the node's machine is powered on (in a
// sandbox without machines: whether its pacerd runs).
func MachineRunning(dir, node string) bool {
	l, err := LoadLayout(dir)
	if err == nil && l.PIDNS {
		return machinePID(dir, node) > 0
	}
	return nodePID(dir, node) > 0
}

// DaemonRunning says whether the node's pacerd runs.
func DaemonRunning(dir, node string) bool { return nodePID(dir, node) > 0 }
