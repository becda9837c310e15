package stonith

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Fence-agent exit codes (the fence-agent API): 0 success (for status: the
// target is on), 1 error, 2 status: the target is off.
const (
	RCOK     = 0
	RCError  = 1
	RCOff    = 2
	RCTimout = -2 // not from an agent: we killed it at its timeout
	RCExec   = -1 // not from an agent: it could not be started
)

// AgentResult is what one run of a fence agent gave.
type AgentResult struct {
	RC       int
	Stdout   string
	Stderr   string
	TimedOut bool
	Err      error // could not run it at all
	Duration time.Duration
}

// Reason is the best one-line explanation of a failed run: the agent's last
// error line, else its last output line.
func (r AgentResult) Reason() string {
	switch {
	case r.TimedOut:
		return fmt.Sprintf("timed out after %s", r.Duration.Round(time.Millisecond))
	case r.Err != nil:
		return r.Err.Error()
	}
	// fencing.py logs "ERROR: Failed: <why>" and then usage hints;
	// the "Failed:" line is the one that explains.
	for _, s := range []string{r.Stderr, r.Stdout} {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		first := ""
		for i := len(lines) - 1; i >= 0; i-- {
			l := strings.TrimSpace(lines[i])
			if _, after, ok := strings.Cut(l, "Failed: "); ok && strings.Contains(l, "ERROR") {
				return "Failed: " + strings.TrimSpace(after)
			}
			if _, after, ok := strings.Cut(l, "ERROR: "); ok {
				first = strings.TrimSpace(after)
			}
		}
		if first != "" {
			return first
		}
		for i := len(lines) - 1; i >= 0; i-- {
			if l := strings.TrimSpace(lines[i]); l != "" {
				return l
			}
		}
	}
	return fmt.Sprintf("exit code %d", r.RC)
}

// AgentRunner runs a fence agent once: params (including action=) go to its
// stdin as key=value lines. It must kill the agent and everything it
// started when timeout passes or ctx ends.
type AgentRunner interface {
	RunAgent(ctx context.Context, agent string, params map[string]string, timeout time.Duration) AgentResult
}

// ExecRunner runs fence agents as processes. Dirs are searched in order for
// the agent; by default PACER_FENCE_PATH (colon-separated), then /usr/sbin,
// /sbin, /usr/local/sbin — where Pacemaker looks.
type ExecRunner struct {
	Dirs []string
}

// DefaultDirs are the fence agent directories from the environment.
func DefaultDirs() []string {
	var d []string
	if p := os.Getenv("PACER_FENCE_PATH"); p != "" {
		d = filepath.SplitList(p)
	}
	return append(d, "/usr/sbin", "/sbin", "/usr/local/sbin")
}

// Path finds an agent's executable.
func (x ExecRunner) Path(agent string) (string, error) {
	if !strings.HasPrefix(agent, "fence_") || strings.ContainsAny(agent, "/\x00") {
		return "", fmt.Errorf("fence agent %q: names are fence_* without a path", agent)
	}
	dirs := x.Dirs
	if dirs == nil {
		dirs = DefaultDirs()
	}
	for _, d := range dirs {
		p := filepath.Join(d, agent)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("fence agent %s not found in %s", agent, strings.Join(dirs, ":"))
}

// maxOutput bounds what is kept of an agent's stdout/stderr: a list of a
// few thousand plugs fits, a runaway agent does not fill memory.
const maxOutput = 1 << 20

type capped struct {
	bytes.Buffer
}

func (c *capped) Write(p []byte) (int, error) {
	if room := maxOutput - c.Len(); room > 0 {
		if len(p) > room {
			c.Buffer.Write(p[:room])
		} else {
			c.Buffer.Write(p)
		}
	}
	return len(p), nil
}

// RunAgent implements AgentRunner.
func (x ExecRunner) RunAgent(ctx context.Context, agent string, params map[string]string, timeout time.Duration) AgentResult {
	start := time.Now()
	path, err := x.Path(agent)
	if err != nil {
		return AgentResult{RC: RCExec, Err: err}
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, path)
	cmd.Dir = "/"
	cmd.Stdin = strings.NewReader(stdinParams(params))
	var out, errb capped
	cmd.Stdout, cmd.Stderr = &out, &errb
	// Its own process group, so that a timeout kills whatever the agent
	// started too (ssh, ipmitool, ...).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	r := AgentResult{Stdout: out.String(), Stderr: errb.String(), Duration: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil && (err != nil || errors.Is(ctx.Err(), context.DeadlineExceeded)):
		r.RC, r.TimedOut = RCTimout, true
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			r.TimedOut = false
			r.RC, r.Err = RCExec, fmt.Errorf("%s: cancelled", agent)
		}
	case errors.As(err, &ee):
		r.RC = ee.ExitCode()
		if r.RC < 0 {
			r.RC = RCError
			r.Err = fmt.Errorf("%s: %v", agent, ee)
		}
	case err != nil:
		r.RC, r.Err = RCExec, fmt.Errorf("run %s: %w", path, err)
	}
	return r
}

// stdinParams renders params in a stable order; values cannot carry a
// newline (it would inject another parameter), so they are cut there.
func stdinParams(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := params[k]
		if i := strings.IndexAny(v, "\r\n"); i >= 0 {
			v = v[:i]
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte('\n')
	}
	return b.String()
}

// AgentMeta is what the fencer needs from an agent's metadata.
type AgentMeta struct {
	Name    string
	Params  []string
	Actions []string
	// Automatic lists actions with automatic="1" (on: the device unfences).
	Automatic []string
}

// HasAction reports whether the agent advertises action.
func (m *AgentMeta) HasAction(a string) bool { return m != nil && contains(m.Actions, a) }

// HasParam reports whether the agent advertises parameter p.
func (m *AgentMeta) HasParam(p string) bool { return m != nil && contains(m.Params, p) }

// ParseAgentMeta reads fence agent metadata XML.
func ParseAgentMeta(agent string, data []byte) (*AgentMeta, error) {
	var x struct {
		Name   string `xml:"name,attr"`
		Params []struct {
			Name string `xml:"name,attr"`
		} `xml:"parameters>parameter"`
		Actions []struct {
			Name      string `xml:"name,attr"`
			Automatic string `xml:"automatic,attr"`
			OnTarget  string `xml:"on_target,attr"`
		} `xml:"actions>action"`
	}
	if err := xml.Unmarshal(data, &x); err != nil {
		return nil, fmt.Errorf("metadata of %s: %w", agent, err)
	}
	if len(x.Actions) == 0 {
		return nil, fmt.Errorf("metadata of %s: no <actions>", agent)
	}
	m := &AgentMeta{Name: x.Name}
	for _, p := range x.Params {
		m.Params = append(m.Params, p.Name)
	}
	for _, a := range x.Actions {
		m.Actions = append(m.Actions, a.Name)
		if a.Automatic == "1" || a.Automatic == "true" {
			m.Automatic = append(m.Automatic, a.Name)
		}
	}
	return m, nil
}

// MetaCache runs `action=metadata` once per agent and keeps the answer.
type MetaCache struct {
	Runner AgentRunner
	mu     sync.Mutex
	m      map[string]*AgentMeta
	failed map[string]metaFailure
}

type metaFailure struct {
	err error
	at  time.Time
}

// metaRetry is how long a failed metadata run is remembered: long enough
// not to run a missing agent on every check of a request, short enough
// that an agent installed meanwhile is picked up.
const metaRetry = 10 * time.Second

// Get returns an agent's metadata.
func (c *MetaCache) Get(ctx context.Context, agent string) (*AgentMeta, error) {
	c.mu.Lock()
	if m, ok := c.m[agent]; ok {
		c.mu.Unlock()
		return m, nil
	}
	if f, ok := c.failed[agent]; ok && time.Since(f.at) < metaRetry {
		c.mu.Unlock()
		return nil, f.err
	}
	c.mu.Unlock()
	m, err := c.fetch(ctx, agent)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if c.failed == nil {
			c.failed = map[string]metaFailure{}
		}
		c.failed[agent] = metaFailure{err, time.Now()}
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*AgentMeta{}
	}
	c.m[agent] = m
	delete(c.failed, agent)
	return m, nil
}

func (c *MetaCache) fetch(ctx context.Context, agent string) (*AgentMeta, error) {
	r := c.Runner.RunAgent(ctx, agent, map[string]string{"action": "metadata"}, 30*time.Second)
	if r.RC != 0 || r.Err != nil {
		return nil, fmt.Errorf("metadata of %s: %s", agent, r.Reason())
	}
	return ParseAgentMeta(agent, []byte(r.Stdout))
}
