package lrm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	sdbus "github.com/coreos/go-systemd/v22/dbus"
)

// Config sets up an Executor. Zero values mean Pacemaker's defaults.
type Config struct {
	// MaxConcurrent caps operations running at once on this node
	// (Pacemaker's node-action-limit). Default: twice the CPU count, at
	// least 4.
	MaxConcurrent int
	// OCFRoot overrides $OCF_ROOT (default /usr/lib/ocf).
	OCFRoot string
	// LSBDir is where lsb: scripts live (default /etc/init.d).
	LSBDir string
	// FenceDirs are searched for stonith:fence_X (default: $PACER_FENCE_PATH,
	// /usr/sbin, /sbin, /usr/local/sbin).
	FenceDirs []string
	// Env is added to every agent's environment; use it for per-node state
	// when several nodes share a host, e.g. HA_RSCTMP, HA_VARRUN. OCF_
	// variables are set per operation and ignored here, except that
	// OCF_ROOT stands in for OCFRoot when that is empty.
	Env map[string]string
	// DefaultTimeout applies to operations without a timeout (20s, as in
	// Pacemaker).
	DefaultTimeout time.Duration
	// KillGrace is how long a timed-out agent's process group has between
	// SIGTERM and SIGKILL (default 2s).
	KillGrace time.Duration
	// OutputLimit caps each of stdout and stderr kept per operation
	// (default 64 KiB); the rest is read and dropped.
	OutputLimit int
	// Systemd dials systemd for the systemd and service classes. Default:
	// the system bus, else systemd's private socket. Tests point it at a
	// private systemd (lrm/systemdtest).
	Systemd func(ctx context.Context) (*sdbus.Conn, error)
	// SystemdUnitDir is where the drop-in that keeps systemd from
	// restarting a cluster-run unit goes (default /run/systemd/system).
	SystemdUnitDir string
	Logger         *slog.Logger
}

// Op is one operation to execute.
type Op struct {
	Resource string // resource id: OCF_RESOURCE_INSTANCE
	Agent    string // ocf:heartbeat:IPaddr2, lsb:x, systemd:x, service:x, stonith:fence_x
	Action   string // start, stop, monitor, promote, demote, notify, reload, validate-all, meta-data, ...
	Interval time.Duration
	Timeout  time.Duration
	// StartDelay delays the first run of a recurring operation.
	StartDelay time.Duration
	Params     map[string]string // instance attributes → OCF_RESKEY_<name>
	Meta       map[string]string // meta attributes, names without CRM_meta_ (clone_max, notify_type, ...)
	// Depth is the monitor depth (OCF_CHECK_LEVEL); a Params entry
	// OCF_CHECK_LEVEL is honoured too.
	Depth int
}

func (op Op) depth() string {
	if op.Depth > 0 {
		return strconv.Itoa(op.Depth)
	}
	return op.Params["OCF_CHECK_LEVEL"]
}

// Key is Pacemaker's operation key: RSC_ACTION_INTERVALMS.
func (op Op) Key() string {
	return fmt.Sprintf("%s_%s_%d", op.Resource, op.Action, op.Interval.Milliseconds())
}

// Result is the outcome of an operation, with everything the CIB's
// lrm_rsc_op records.
type Result struct {
	Resource  string
	Agent     string
	Operation string        // the action
	Interval  time.Duration // 0 for one-shot operations
	CallID    int           // call-id; a recurring monitor keeps its id
	RC        int           // rc-code (OCF meaning; LSB/systemd/fence codes mapped)
	Status    ExecStatus    // op-status
	// ExitCode is the agent's raw exit status (-1 when it did not run or
	// died by a signal). Fence-agent callers may want it.
	ExitCode     int
	ExitReason   string    // exit-reason
	Output       string    // stdout, capped
	Stderr       string    // stderr, capped
	LastRun      time.Time // when the agent was started
	LastRCChange time.Time // last-rc-change
	ExecTime     time.Duration
	QueueTime    time.Duration
	Timeout      time.Duration
}

// Key is Pacemaker's operation key of this result.
func (r Result) Key() string {
	return fmt.Sprintf("%s_%s_%d", r.Resource, r.Operation, r.Interval.Milliseconds())
}

// OK reports whether the operation completed with rc 0.
func (r Result) OK() bool { return r.Status == StatusDone && r.RC == OCFSuccess }

// String is a one-line summary for logs and `pacer ra run`.
func (r Result) String() string {
	s := fmt.Sprintf("%s %s: rc=%d (%s)", r.Agent, r.Operation, r.RC, RCString(r.RC))
	if r.Status != StatusDone {
		s += ", " + r.Status.String()
	}
	if r.ExitReason != "" {
		s += ": " + r.ExitReason
	}
	return s
}

// Executor runs operations on this node: one at a time per resource, at
// most Config.MaxConcurrent at once.
type Executor struct {
	cfg    Config
	loc    Locator
	base   []string
	sem    chan struct{}
	callID atomic.Int64
	log    *slog.Logger

	mu      sync.Mutex
	locks   map[string]chan struct{}
	history map[string]map[string]Result // rsc → op key → last result
	params  map[string]map[string]string // rsc → parameters it last ran with
	meta    map[string]*AgentMeta
	rec     map[recKey]*recurring

	sdMu sync.Mutex
	sd   *sdbus.Conn
}

// New makes an Executor.
func New(cfg Config) *Executor {
	loc := DefaultLocator()
	if cfg.OCFRoot != "" {
		loc.OCFRoot = cfg.OCFRoot
	} else if r := cfg.Env["OCF_ROOT"]; r != "" {
		loc.OCFRoot = r
	}
	if cfg.LSBDir != "" {
		loc.LSBDir = cfg.LSBDir
	}
	if len(cfg.FenceDirs) > 0 {
		loc.FenceDirs = append([]string(nil), cfg.FenceDirs...)
	}
	// Agents run with / as working directory: relative paths would break.
	loc.OCFRoot = absPath(loc.OCFRoot)
	loc.LSBDir = absPath(loc.LSBDir)
	for i, d := range loc.FenceDirs {
		loc.FenceDirs[i] = absPath(d)
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = max(2*runtime.NumCPU(), 4)
	}
	if cfg.DefaultTimeout <= 0 {
		cfg.DefaultTimeout = 20 * time.Second
	}
	if cfg.KillGrace <= 0 {
		cfg.KillGrace = 2 * time.Second
	}
	if cfg.OutputLimit <= 0 {
		cfg.OutputLimit = 64 << 10
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Executor{
		cfg:     cfg,
		loc:     loc,
		base:    baseEnv(cfg.Env),
		sem:     make(chan struct{}, cfg.MaxConcurrent),
		log:     cfg.Logger.With("component", "lrm"),
		locks:   map[string]chan struct{}{},
		history: map[string]map[string]Result{},
		params:  map[string]map[string]string{},
		meta:    map[string]*AgentMeta{},
		rec:     map[recKey]*recurring{},
	}
}

// Locator tells where this executor finds agents.
func (e *Executor) Locator() Locator { return e.loc }

// Close cancels all recurring operations and drops the systemd connection.
func (e *Executor) Close() {
	e.mu.Lock()
	recs := make([]*recurring, 0, len(e.rec))
	for _, r := range e.rec {
		recs = append(recs, r)
	}
	e.mu.Unlock()
	for _, r := range recs {
		e.Cancel(r.op.Resource, r.op.Interval)
	}
	e.sdMu.Lock()
	if e.sd != nil {
		e.sd.Close()
		e.sd = nil
	}
	e.sdMu.Unlock()
}

func (e *Executor) rscLock(rsc string) chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	l, ok := e.locks[rsc]
	if !ok {
		l = make(chan struct{}, 1)
		e.locks[rsc] = l
	}
	return l
}

// Exec runs one operation and waits for its result. Cancelling ctx aborts
// an operation still queued and kills a running agent's process group
// (reported as Cancelled). Errors of any kind come back as a Result, never
// a panic or hang: an unknown agent is rc 5 (not installed).
func (e *Executor) Exec(ctx context.Context, op Op) Result {
	return e.exec(ctx.Done(), ctx.Done(), op, int(e.callID.Add(1)))
}

// exec queues until abortQueue closes, and kills the agent when killRun
// closes. Recurring monitors pass a killRun that never closes: cancelling
// a monitor lets a run in progress finish.
func (e *Executor) exec(abortQueue, killRun <-chan struct{}, op Op, callID int) Result {
	queued := time.Now()
	timeout := op.Timeout
	if timeout <= 0 {
		timeout = e.cfg.DefaultTimeout
	}
	res := Result{Resource: op.Resource, Agent: op.Agent, Operation: op.Action, Interval: op.Interval,
		CallID: callID, ExitCode: -1, Timeout: timeout}
	fail := func(rc int, st ExecStatus, format string, args ...any) Result {
		res.RC, res.Status, res.ExitReason = rc, st, fmt.Sprintf(format, args...)
		res.LastRun, res.LastRCChange = time.Now(), time.Now()
		e.log.Warn("operation not executed", "op", res.Key(), "agent", op.Agent, "rc", rc, "reason", res.ExitReason)
		e.record(res)
		return res
	}
	// A definition that can never run anywhere is a fatal error, so the
	// scheduler bans it rather than retrying elsewhere.
	a, err := ParseAgent(op.Agent)
	if err != nil {
		return fail(OCFErrConfigured, StatusErrorFatal, "%v", err)
	}
	if op.Action == "" {
		return fail(OCFErrConfigured, StatusErrorFatal, "no action given for %s", op.Agent)
	}
	for k := range op.Params {
		if !validEnvName(k) {
			return fail(OCFErrConfigured, StatusErrorFatal, "invalid parameter name %q", k)
		}
	}
	if a.Class == ClassStonith {
		if err := checkFenceParams(op.Params); err != nil {
			return fail(OCFErrConfigured, StatusErrorFatal, "%v", err)
		}
	}

	select {
	case <-abortQueue:
		return fail(OCFErrGeneric, StatusCancelled, "cancelled before it was queued")
	default:
	}
	if op.Resource != "" {
		lock := e.rscLock(op.Resource)
		select {
		case lock <- struct{}{}:
			defer func() { <-lock }()
		case <-abortQueue:
			return fail(OCFErrGeneric, StatusCancelled, "cancelled while queued")
		}
	}
	// The node-wide limit is for resource operations; fencing and
	// meta-data lookups (no resource) must never wait behind them.
	if op.Resource != "" {
		select {
		case e.sem <- struct{}{}:
			defer func() { <-e.sem }()
		case <-abortQueue:
			return fail(OCFErrGeneric, StatusCancelled, "cancelled while queued")
		}
	}
	res.QueueTime = time.Since(queued)
	op = e.withRunParams(op)

	switch a.Class {
	case ClassSystemd:
		e.execSystemd(a, op, timeout, killRun, &res)
	case ClassService:
		if e.serviceIsSystemd(a) {
			e.execSystemd(a, op, timeout, killRun, &res)
		} else {
			e.execScript(Agent{Class: ClassLSB, Type: a.Type}, op, timeout, killRun, &res)
		}
	default:
		e.execScript(a, op, timeout, killRun, &res)
	}
	res.LastRCChange = res.LastRun
	if res.Status != StatusDone || res.RC != OCFSuccess {
		e.log.Info("operation result", "op", res.Key(), "call", callID, "rc", res.RC, "status", res.Status.String(),
			"reason", res.ExitReason, "exec_ms", res.ExecTime.Milliseconds())
	} else {
		e.log.Debug("operation result", "op", res.Key(), "call", callID, "rc", res.RC, "exec_ms", res.ExecTime.Milliseconds())
	}
	e.record(res)
	e.keepRunParams(op, res)
	return res
}

// withRunParams gives a stop that comes without parameters those the
// resource last ran with here. A resource deleted from the configuration
// while running (an orphan) is stopped so, and most agents need their
// parameters to find what to stop (Filesystem its device, IPaddr2 its
// address): without them the stop fails and the node is fenced for a
// planned change. Pacemaker's controller keeps them for the same reason.
func (e *Executor) withRunParams(op Op) Op {
	if op.Action != "stop" || len(op.Params) > 0 || op.Resource == "" {
		return op
	}
	e.mu.Lock()
	p := e.params[op.Resource]
	e.mu.Unlock()
	if p != nil {
		op.Params = maps.Clone(p)
		e.log.Info("stopping with the parameters it last ran with", "rsc", op.Resource)
	}
	return op
}

// keepRunParams remembers the parameters of an operation that ran the
// resource here, for withRunParams.
func (e *Executor) keepRunParams(op Op, res Result) {
	if op.Resource == "" || len(op.Params) == 0 || res.Status != StatusDone {
		return
	}
	switch op.Action {
	case "stop", "meta-data", "metadata", "validate-all":
		return
	}
	e.mu.Lock()
	e.params[op.Resource] = maps.Clone(op.Params)
	e.mu.Unlock()
}

// execScript runs an executable agent: ocf, lsb, or a fence agent.
func (e *Executor) execScript(a Agent, op Op, timeout time.Duration, killRun <-chan struct{}, res *Result) {
	res.LastRun = time.Now()
	if a.Class == ClassStonith && op.Action == "stop" {
		res.Status, res.RC = StatusDone, OCFSuccess // nothing runs for a device
		return
	}
	path, err := e.loc.Path(a)
	if err != nil {
		res.RC, res.Status, res.ExitReason = OCFErrInstalled, StatusNotInstalled, err.Error()
		return
	}
	req := procRequest{path: path, timeout: timeout, grace: e.cfg.KillGrace, limit: e.cfg.OutputLimit, cancel: killRun}
	if op.Action == "meta-data" || op.Action == "metadata" {
		// Meta-data must arrive whole to parse; the largest shipped
		// agents print ~13 KiB, a generous cap still bounds a broken one.
		req.limit = max(req.limit, 1<<20)
	}
	action := op.Action
	switch a.Class {
	case ClassOCF:
		req.args = []string{action}
		req.env = ocfEnv(e.base, e.loc.OCFRoot, a, op, timeout.Milliseconds())
	case ClassLSB:
		if action == "monitor" {
			action = "status"
		}
		req.args = []string{action}
		req.env = e.base
	case ClassStonith:
		fa := fenceAction(action)
		req.stdin = fenceStdin(op.Params, fa)
		req.env = e.base
		action = fa
	}
	pr := runProc(req)
	res.LastRun = pr.started
	res.ExecTime = pr.elapsed
	res.Output, res.Stderr = pr.stdout, pr.stderr
	res.ExitCode = pr.exitCode
	switch {
	case pr.startErr != nil:
		res.RC, res.Status = startErrRC(pr.startErr)
		res.ExitReason = fmt.Sprintf("cannot execute %s: %v", path, errors.Unwrap(pr.startErr))
		if errors.Unwrap(pr.startErr) == nil {
			res.ExitReason = fmt.Sprintf("cannot execute %s: %v", path, pr.startErr)
		}
		return
	case pr.cancelled:
		res.RC, res.Status = OCFErrGeneric, StatusCancelled
		res.ExitReason = "cancelled; agent's process group killed"
		return
	case pr.timedOut:
		res.RC, res.Status = OCFErrGeneric, StatusTimeout
		res.ExitReason = fmt.Sprintf("%s %s timed out after %s; agent's process group killed", a, op.Action, timeout)
		return
	case pr.signaled:
		res.RC, res.Status = OCFErrGeneric, StatusError
		res.ExitReason = fmt.Sprintf("%s %s killed by a signal", a, op.Action)
		return
	}
	res.Status = StatusDone
	res.ExitReason = exitReason(pr.stderr, pr.stdout)
	switch a.Class {
	case ClassOCF:
		res.RC = pr.exitCode
		if !knownOCF(res.RC) {
			if res.ExitReason == "" {
				res.ExitReason = fmt.Sprintf("agent exited with %d, not an OCF code", pr.exitCode)
			}
			res.RC = OCFErrGeneric
		}
	case ClassLSB:
		res.RC = lsbToOCF(action, pr.exitCode)
	case ClassStonith:
		res.RC = fenceToOCF(action, pr.exitCode)
		if res.RC == OCFErrGeneric && res.ExitReason == "" {
			res.ExitReason = fenceFailureReason(pr.stderr, pr.exitCode)
		}
	}
}

func knownOCF(rc int) bool {
	return (rc >= OCFSuccess && rc <= OCFFailedPromoted) || rc == OCFDegraded || rc == OCFDegradedPromoted
}

func (e *Executor) record(r Result) {
	if r.Resource == "" || r.Operation == "meta-data" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	h := e.history[r.Resource]
	if h == nil {
		h = map[string]Result{}
		e.history[r.Resource] = h
	}
	if prev, ok := h[r.Key()]; ok && prev.RC == r.RC && prev.Status == r.Status && !prev.LastRCChange.IsZero() {
		r.LastRCChange = prev.LastRCChange
	}
	h[r.Key()] = r
}

// History returns the last result of each operation key of a resource,
// ordered by call id: what the resource's lrm_resource entry lists.
func (e *Executor) History(rsc string) []Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Result
	for _, r := range e.history[rsc] {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Result) int { return a.CallID - b.CallID })
	return out
}

// Forget drops a resource's history (after a cleanup).
func (e *Executor) Forget(rsc string) {
	e.mu.Lock()
	delete(e.history, rsc)
	e.mu.Unlock()
}

// Metadata returns an agent's meta-data, running the agent only the first
// time.
func (e *Executor) Metadata(agent string) (*AgentMeta, error) {
	return e.MetadataContext(context.Background(), agent)
}

// MetadataContext is Metadata bounded by ctx: when it ends first, the
// agent's process group is killed and the error wraps ctx's.
func (e *Executor) MetadataContext(ctx context.Context, agent string) (*AgentMeta, error) {
	a, err := ParseAgent(agent)
	if err != nil {
		return nil, err
	}
	key := a.String()
	e.mu.Lock()
	m, ok := e.meta[key]
	e.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err = e.fetchMeta(ctx, a)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.meta[key] = m
	e.mu.Unlock()
	return m, nil
}

// metaTimeout bounds an agent's meta-data when the caller sets no deadline.
const metaTimeout = 30 * time.Second

func (e *Executor) fetchMeta(ctx context.Context, a Agent) (*AgentMeta, error) {
	switch a.Class {
	case ClassSystemd:
		return e.systemdMetaOf(a)
	case ClassService:
		if e.serviceIsSystemd(a) {
			return e.systemdMetaOf(a)
		}
		fallthrough
	case ClassLSB:
		path, err := e.loc.Path(a)
		if err != nil {
			return nil, err
		}
		return lsbMeta(a.String(), path)
	}
	if _, err := e.loc.Path(a); err != nil {
		return nil, fmt.Errorf("meta-data: %w", err)
	}
	timeout := metaTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, max(time.Until(d), time.Millisecond))
	}
	r := e.exec(ctx.Done(), ctx.Done(), Op{Agent: a.String(), Action: "meta-data", Timeout: timeout}, int(e.callID.Add(1)))
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("meta-data of %s: %w", a, err)
	}
	if r.Status != StatusDone || r.RC != OCFSuccess {
		if r.Status == StatusNotInstalled {
			return nil, fmt.Errorf("meta-data of %s: %s", a, r.ExitReason)
		}
		return nil, fmt.Errorf("meta-data of %s: rc=%d (%s) %s %s", a, r.RC, RCString(r.RC), r.Status, firstLine(r.ExitReason, r.Stderr))
	}
	return ParseMeta(a.String(), []byte(r.Output))
}

func firstLine(ss ...string) string {
	for _, s := range ss {
		for line := range splitLines(s) {
			if line != "" {
				return line
			}
		}
	}
	return ""
}

// ForgetMetadata drops cached meta-data (all of it when agent is ""), for
// after an agent package was upgraded.
func (e *Executor) ForgetMetadata(agent string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if agent == "" {
		e.meta = map[string]*AgentMeta{}
		return
	}
	if a, err := ParseAgent(agent); err == nil {
		delete(e.meta, a.String())
	}
}

var (
	defaultMu    sync.Mutex
	defaultExecs = map[string]*Executor{}
)

// defaultExec is the executor the package-level functions use, configured
// from the environment (OCF_ROOT, PACER_FENCE_PATH); one per distinct
// environment so that a changed OCF_ROOT is honoured and caches stay valid.
func defaultExec() *Executor {
	key := os.Getenv("OCF_ROOT") + "\x00" + os.Getenv("PACER_FENCE_PATH")
	defaultMu.Lock()
	defer defaultMu.Unlock()
	e, ok := defaultExecs[key]
	if !ok {
		// Callers of the package-level functions (the CLI, completion)
		// report errors themselves; executor logs would only be noise.
		e = New(Config{Logger: slog.New(slog.DiscardHandler)})
		defaultExecs[key] = e
	}
	return e
}

// Metadata returns an agent's parsed meta-data using the default
// (environment-configured) executor; cached for the life of the process.
func Metadata(agent string) (*AgentMeta, error) { return defaultExec().Metadata(agent) }

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// CIBAttrs gives the lrm_rsc_op attributes this result determines, in the
// CIB's units: intervals and times in milliseconds, last-rc-change in
// seconds since the epoch. The caller adds id, transition-key/magic,
// on_node, op-digest and the like.
func (r Result) CIBAttrs() map[string]string {
	a := map[string]string{
		"operation_key":  r.Key(),
		"operation":      r.Operation,
		"call-id":        strconv.Itoa(r.CallID),
		"rc-code":        strconv.Itoa(r.RC),
		"op-status":      strconv.Itoa(int(r.Status)),
		"interval":       strconv.FormatInt(r.Interval.Milliseconds(), 10),
		"last-rc-change": strconv.FormatInt(r.LastRCChange.Unix(), 10),
		"exec-time":      strconv.FormatInt(r.ExecTime.Milliseconds(), 10),
		"queue-time":     strconv.FormatInt(r.QueueTime.Milliseconds(), 10),
		"exit-reason":    r.ExitReason,
	}
	if r.LastRCChange.IsZero() {
		a["last-rc-change"] = "0"
	}
	return a
}
