// Package cts is pacerd's fault campaign, after Pacemaker's CTS and
// Jepsen: a seeded random sequence of faults (kills of members and of the
// DC, partitions, heals, clean restarts, agent crashes, double faults)
// played on a --netns sandbox while a writer changes the configuration,
// and checked four times a second against what really runs on each node
// (the Dummy agents' state files in each machine's run directory, the
// sandbox's power log) as well as against what the cluster says.
//
// The campaign only uses public interfaces: the sandbox package (its
// command line's functions) and share/client. A seed fixes the sequence of
// decisions (fault types, targets by rank, pauses); the cluster's timing
// does not replay exactly, but a violation found with a seed shows again
// with the same seed in most runs.
package cts

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"pacer/daemon/sandbox"
)

// Config is one campaign.
type Config struct {
	Seed   uint64
	Nodes  int           // 3 or 5 are the usual sizes
	Faults int           // how many faults to inject
	Max    time.Duration // stop injecting after this long (0: no limit)
	// MinGap and MaxGap bound the pause between two faults.
	MinGap, MaxGap time.Duration
	// Resources is the number of Dummy primitives (default: Nodes).
	Resources int
	Pacerd    string // the pacerd binary
	Dir       string // sandbox directory (default: a new temporary one)
	Keep      bool   // leave the sandbox directory (logs) after the campaign
	// Known lists checks whose violations are reported but do not fail
	// the campaign (see KnownToday).
	Known []string
	Log   io.Writer // progress lines (nil: discarded)
}

// KnownToday are checks main is known to fail, reported but not failed
// by the short campaign and by `-known=today`. Empty since the DC and the
// CIB rest on the replicated log: before it, the campaign found a minority
// DC fencing and starting resources, acknowledged changes lost with the
// DC, a version naming two CIBs and SIGTERM answered with fencing.
var KnownToday = []string{}

// Check names.
const (
	CheckOneCopy        = "one-copy"                // never two copies of a primitive (agents' state)
	CheckFenceFirst     = "fence-before-recovery"   // a lost node's resource restarts elsewhere only after it was powered off
	CheckFenceQuorum    = "fence-from-quorum"       // every power-off was done from a side holding a majority
	CheckAckDurable     = "ack-durable"             // every acknowledged change is in the converged CIB
	CheckOneDC          = "one-dc-per-partition"    // at most one node of a partition calls itself DC
	CheckOneCIB         = "one-cib-after-heal"      // the nodes converge to one CIB after a heal
	CheckVersionUnique  = "version-names-one-cib"   // a version number never names two configurations
	CheckPlannedStop    = "planned-stop-not-fenced" // a clean stop (SIGTERM) is never answered with fencing
	CheckQuorumStart    = "no-start-without-quorum" // no-quorum-policy=stop: a side without a majority starts nothing
	CheckRecovered      = "recovered"               // with every node back, every resource runs once again
	checkCleanStopEnded = "clean-stop-ends"         // pacerd exits after SIGTERM
)

var checkOrder = []string{CheckOneCopy, CheckFenceFirst, CheckQuorumStart, CheckFenceQuorum, CheckAckDurable, CheckOneDC,
	CheckOneCIB, CheckVersionUnique, CheckPlannedStop, CheckRecovered, checkCleanStopEnded}

// Result is what a campaign found.
type Result struct {
	Config     Config
	Start, End time.Time
	Faults     []Fault
	Repairs    []Fault
	Checks     map[string]*CheckStat
	Violations []Violation
	Failovers  []Failover
	Writes     WriteStats
	Err        error // the campaign could not run (setup failed...)
}

// Fault is one injected fault (or repair).
type Fault struct {
	N      int
	At     time.Time
	Kind   string
	Detail string
	Repair bool `json:",omitempty"`
}

// CheckStat counts one check's evaluations and violations.
type CheckStat struct {
	Evaluations int
	Violations  int
}

// Violation is a broken promise.
type Violation struct {
	At     time.Time
	Check  string
	Detail string
	Fault  int // the last fault injected before it (0: none yet)
	Known  bool
}

// Failover is one resource's kill-to-running-elsewhere time.
type Failover struct {
	Fault       int
	Resource    string
	From, To    string
	Took        time.Duration
	Undisturbed bool // no other fault happened until it ran again
}

// WriteStats counts the writer's configuration changes.
type WriteStats struct {
	Tried, Acked, Refused, Ambiguous, Lost int
}

// Failed says whether a violation of a check outside Known was found.
func (r *Result) Failed() bool {
	if r.Err != nil {
		return true
	}
	for _, v := range r.Violations {
		if !v.Known {
			return true
		}
	}
	return false
}

// Run plays a campaign and returns what it found; the sandbox is stopped
// at the end.
func Run(ctx context.Context, cfg Config) *Result {
	if cfg.Nodes == 0 {
		cfg.Nodes = 3
	}
	if cfg.Resources == 0 {
		cfg.Resources = cfg.Nodes
	}
	if cfg.MinGap == 0 {
		cfg.MinGap = 2 * time.Second
	}
	if cfg.MaxGap < cfg.MinGap {
		cfg.MaxGap = cfg.MinGap + 3*time.Second
	}
	logw := cfg.Log
	if logw == nil {
		logw = io.Discard
	}
	c := &campaign{
		cfg: cfg,
		res: &Result{Config: cfg, Start: time.Now(), Checks: map[string]*CheckStat{}},
		log: slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelInfo})),
		rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
	}
	for _, k := range checkOrder {
		c.res.Checks[k] = &CheckStat{}
	}
	for _, k := range cfg.Known {
		c.known = append(c.known, k)
	}
	if err := c.run(ctx); err != nil {
		c.res.Err = err
	}
	c.res.End = time.Now()
	return c.res
}

type campaign struct {
	cfg   Config
	res   *Result
	log   *slog.Logger
	rng   *rand.Rand
	known []string

	dir   string
	nodes []string
	rscs  []string

	kick      chan struct{}     // asks the observer for a sample now (after a fault)
	seenState map[string]string // node -> what the observer last saw of it (logged on change)

	mu             sync.Mutex // guards what the observer, writer and nemesis share below
	fault          int        // number of the last fault injected
	net            netState   // the network as the nemesis made it
	netHist        []netChange
	planned        map[string]time.Time // node -> since when it is being stopped cleanly (cleared at start)
	plannedWindows []plannedWindow
	disturbed      map[string]time.Time // node -> last time a fault other than a clean stop hit it
	lastSeen       map[string]seen      // resource -> where it last really ran
	pending        []*pendingFailover
	acked          []ackedWrite
	versions       map[string]string          // "admin.epoch" -> configuration digest
	dcClaims       map[string]int             // partition key -> consecutive samples with two self-claimed DCs
	quorate        []quorateSample            // per sample: which nodes' sides held a live majority
	powerSeen      int                        // lines of the power log already checked
	reported       map[string]bool            // violations already reported (dedup key)
	partAge        int                        // faults since the network was cut
	busy           map[string]bool            // nodes a background start or stop works on
	sideSince      map[string]time.Time       // partition (live nodes of a side) -> since when it is so
	downBefore     map[string]bool            // node -> pacerd or machine down at the previous sample (the observer's own)
	groupBefore    map[string]map[string]bool // node -> its network group at the previous sample (the observer's own)
}

type seen struct {
	node string
	at   time.Time
}

func (c *campaign) logf(format string, args ...any) {
	c.log.Info(fmt.Sprintf(format, args...))
}

func (c *campaign) run(ctx context.Context) error {
	dir := c.cfg.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "pacer-cts-")
		if err != nil {
			return err
		}
		dir = d
	}
	c.dir = dir
	defer func() {
		sandbox.Stop(dir)
		if !c.cfg.Keep && c.cfg.Dir == "" {
			os.RemoveAll(dir)
		}
	}()
	for i := 1; i <= c.cfg.Nodes; i++ {
		c.nodes = append(c.nodes, fmt.Sprintf("n%d", i))
	}
	for i := 1; i <= c.cfg.Resources; i++ {
		c.rscs = append(c.rscs, fmt.Sprintf("d%d", i))
	}
	c.planned = map[string]time.Time{}
	c.disturbed = map[string]time.Time{}
	c.lastSeen = map[string]seen{}
	c.versions = map[string]string{}
	c.dcClaims = map[string]int{}
	c.sideSince = map[string]time.Time{}
	c.kick = make(chan struct{}, 1)
	c.seenState = map[string]string{}
	c.downBefore = map[string]bool{}
	c.groupBefore = map[string]map[string]bool{}
	c.reported = map[string]bool{}
	c.net = netState{}
	c.logf("campaign seed %d: %d nodes, %d faults, sandbox %s", c.cfg.Seed, c.cfg.Nodes, c.cfg.Faults, dir)
	if _, err := sandbox.Start(dir, c.cfg.Nodes, true, c.cfg.Pacerd, nil, 90*time.Second); err != nil {
		return fmt.Errorf("start the sandbox: %w", err)
	}
	if err := c.configure(ctx); err != nil {
		return err
	}
	if err := c.waitRecovered(ctx, 90*time.Second, "setup"); err != nil {
		return fmt.Errorf("the cluster did not settle after setup: %w", err)
	}

	obsCtx, stopObs := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.observe(obsCtx) }()
	go func() { defer wg.Done(); c.writer(obsCtx, c.cfg.Seed) }()

	c.nemesis(ctx)

	// The end: every fault repaired, full recovery, the final checks.
	c.repairAll(ctx, "end")
	if err := c.waitRecovered(ctx, 90*time.Second, "end"); err != nil {
		c.violate(CheckRecovered, "after the last fault: "+err.Error())
	}
	stopObs()
	wg.Wait()
	c.checkPowerLog()
	c.checkAcks(ctx, "end")
	sort.Slice(c.res.Violations, func(i, j int) bool { return c.res.Violations[i].At.Before(c.res.Violations[j].At) })
	return nil
}

func (c *campaign) isKnown(check string) bool {
	for _, k := range c.known {
		if k == check {
			return true
		}
	}
	return false
}

// violate records a violation (once per key).
func (c *campaign) violate(check, detail string) {
	c.violateKey(check, check+"\x00"+detail, detail)
}

func (c *campaign) violateKey(check, key, detail string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.reported[key] {
		return
	}
	c.reported[key] = true
	v := Violation{At: time.Now(), Check: check, Detail: detail, Fault: c.fault, Known: c.isKnown(check)}
	c.res.Violations = append(c.res.Violations, v)
	c.res.Checks[check].Violations++
	tag := "VIOLATION"
	if v.Known {
		tag = "violation (known)"
	}
	c.log.Warn(fmt.Sprintf("%s %s after fault %d: %s", tag, check, v.Fault, detail))
}

func (c *campaign) evaluated(check string, n int) {
	c.mu.Lock()
	c.res.Checks[check].Evaluations += n
	c.mu.Unlock()
}

func (c *campaign) stateFile(node, rsc string) string {
	return filepath.Join(c.dir, node, "run", "resource-agents", "Dummy-"+rsc+".state")
}
