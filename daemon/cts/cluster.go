package cts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"pacer/daemon/sandbox"
	"pacer/share/cib"
	"pacer/share/client"
	"pacer/share/protocol"
	"pacer/share/xmltree"
)

// writesSet is the crm_config property set the writer adds its markers to.
const writesSet = "cts-writes"

func (c *campaign) sock(node string) string { return filepath.Join(c.dir, node, "pacerd.sock") }

// call runs f on a fresh connection to node with a deadline.
func (c *campaign) call(ctx context.Context, node string, d time.Duration, f func(context.Context, *client.Client) error) error {
	cl, err := client.Dial(c.sock(node))
	if err != nil {
		return err
	}
	defer cl.Close()
	cl.Name = "cts"
	cx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return f(cx, cl)
}

func (c *campaign) hello(ctx context.Context, node string) (*protocol.Hello, error) {
	var h *protocol.Hello
	err := c.call(ctx, node, time.Second, func(cx context.Context, cl *client.Client) error {
		var err error
		h, err = cl.Hello(cx)
		return err
	})
	return h, err
}

// configOf reads node's configuration section and its version.
func (c *campaign) configOf(ctx context.Context, node string, d time.Duration) (*xmltree.Element, cib.Version, error) {
	var el *xmltree.Element
	var v cib.Version
	err := c.call(ctx, node, d, func(cx context.Context, cl *client.Client) error {
		r, err := cl.Do(cx, protocol.Request{Op: protocol.OpGetCIB, Section: "configuration"})
		if err != nil {
			return err
		}
		doc, err := xmltree.ParseString(r.XML)
		if err != nil {
			return err
		}
		el = doc.Root
		v, err = cib.ParseVersion(r.CIBVersion)
		return err
	})
	return el, v, err
}

func digest(el *xmltree.Element) string {
	h := sha256.Sum256([]byte(el.String()))
	return hex.EncodeToString(h[:8])
}

func dummy(id string) string {
	return fmt.Sprintf(`<primitive id="%[1]s" class="ocf" provider="heartbeat" type="Dummy">
  <operations><op id="%[1]s-monitor-2s" name="monitor" interval="2s" timeout="20s"/></operations>
</primitive>`, id)
}

// configure sets fencing on, no-quorum-policy=stop, and the resources.
func (c *campaign) configure(ctx context.Context) error {
	var last error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		cfg, v, err := c.configOf(ctx, "n1", 10*time.Second)
		if err != nil {
			last = err
			continue
		}
		crm := cfg.Child("crm_config")
		if crm == nil {
			crm = mustParse(`<crm_config/>`)
			cfg.Append(crm)
		}
		crm.Append(mustParse(`<cluster_property_set id="cts-options">
  <nvpair id="cts-opt-stonith" name="stonith-enabled" value="true"/>
  <nvpair id="cts-opt-nqp" name="no-quorum-policy" value="stop"/>
</cluster_property_set>`))
		crm.Append(mustParse(`<cluster_property_set id="` + writesSet + `"/>`))
		rs := cfg.Child("resources")
		if rs == nil || rs.FindID(sandbox.FenceDeviceID) == nil {
			// n1 may not have the sandbox's configuration yet: it
			// comes through the replicated log after the DC is up.
			last = fmt.Errorf("the sandbox has no fencing device %s", sandbox.FenceDeviceID)
			continue
		}
		for _, r := range c.rscs {
			rs.Append(mustParse(dummy(r)))
		}
		err = c.call(ctx, "n1", 20*time.Second, func(cx context.Context, cl *client.Client) error {
			_, err := cl.ReplaceConfiguration(cx, cfg, v)
			return err
		})
		if err == nil {
			return nil
		}
		last = err
	}
	return fmt.Errorf("configure the cluster: %w", last)
}

func mustParse(s string) *xmltree.Element {
	el, err := xmltree.ParseElement(s)
	if err != nil {
		panic(err)
	}
	return el
}

type ackedWrite struct {
	id      string
	at      time.Time
	via     string
	version cib.Version
}

// writer changes the configuration all along: each change adds a marker
// nvpair; an acknowledged one must never disappear.
func (c *campaign) writer(ctx context.Context, seed uint64) {
	rng := rand.New(rand.NewPCG(seed+1, seed))
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(300+rng.IntN(700)) * time.Millisecond):
		}
		live := c.liveDaemons()
		if len(live) == 0 {
			continue
		}
		node := live[rng.IntN(len(live))]
		id := "cts-w-" + strconv.Itoa(n)
		c.mu.Lock()
		c.res.Writes.Tried++
		c.mu.Unlock()
		ver, err := c.writeMarker(ctx, node, id)
		c.mu.Lock()
		switch {
		case err == nil:
			c.res.Writes.Acked++
			c.acked = append(c.acked, ackedWrite{id: id, at: time.Now(), via: node, version: ver})
		case errors.Is(err, client.ErrStale), errors.Is(err, client.ErrNoQuorum), errors.Is(err, client.ErrUnavailable),
			errors.Is(err, errNotSent):
			c.res.Writes.Refused++
		default:
			c.res.Writes.Ambiguous++
		}
		c.mu.Unlock()
	}
}

var errNotSent = errors.New("not sent")

func (c *campaign) writeMarker(ctx context.Context, node, id string) (cib.Version, error) {
	cfg, v, err := c.configOf(ctx, node, 3*time.Second)
	if err != nil {
		return cib.Version{}, errNotSent
	}
	set := cfg.FindID(writesSet)
	if set == nil {
		return cib.Version{}, errNotSent
	}
	set.Append(mustParse(fmt.Sprintf(`<nvpair id="%s" name="%s" value="%d"/>`, id, id, time.Now().UnixMilli())))
	var got cib.Version
	err = c.call(ctx, node, 5*time.Second, func(cx context.Context, cl *client.Client) error {
		var err error
		got, err = cl.ReplaceConfiguration(cx, cfg, v)
		return err
	})
	return got, err
}

// markers lists the writer's markers in a configuration.
func markers(cfg *xmltree.Element) map[string]bool {
	out := map[string]bool{}
	if set := cfg.FindID(writesSet); set != nil {
		for _, nv := range set.ChildrenNamed("nvpair") {
			out[nv.ID()] = true
		}
	}
	return out
}

func (c *campaign) liveDaemons() []string {
	var out []string
	for _, n := range c.nodes {
		if sandbox.DaemonRunning(c.dir, n) {
			out = append(out, n)
		}
	}
	return out
}

// dc is the DC most live nodes name ("" when none).
func (c *campaign) dc(ctx context.Context) string {
	votes := map[string]int{}
	for _, n := range c.liveDaemons() {
		if h, err := c.hello(ctx, n); err == nil && h.DC != "" {
			votes[h.DC]++
		}
	}
	best, bestN := "", 0
	for _, n := range c.nodes {
		if votes[n] > bestN {
			best, bestN = n, votes[n]
		}
	}
	return best
}

// realState is where each resource really runs: the Dummy state files in
// the run directories of the machines that are on. A copy counts only if
// it still exists after the other node's was seen (so a move between two
// reads is not mistaken for two copies).
func (c *campaign) realState() (map[string][]string, map[string]bool) {
	on := map[string]bool{}
	for _, n := range c.nodes {
		on[n] = sandbox.MachineRunning(c.dir, n)
	}
	exists := func(n, r string) bool {
		if !on[n] {
			return false
		}
		_, err := os.Stat(c.stateFile(n, r))
		return err == nil
	}
	out := map[string][]string{}
	for _, r := range c.rscs {
		var where []string
		for _, n := range c.nodes {
			if exists(n, r) {
				where = append(where, n)
			}
		}
		if len(where) > 1 {
			var confirmed []string
			for _, n := range where {
				if exists(n, r) {
					confirmed = append(confirmed, n)
				}
			}
			where = confirmed
		}
		out[r] = where
	}
	return out, on
}

// waitRecovered waits until every node's pacerd names the same DC, the
// nodes hold one CIB (same version and configuration), and every resource
// runs exactly once. A failure is a violation of CheckOneCIB or
// CheckRecovered; the error says what was missing.
func (c *campaign) waitRecovered(ctx context.Context, d time.Duration, when string) error {
	deadline := time.Now().Add(d)
	stage := "every node up with one DC"
	var last error
	// since when the nodes were first found all up with one DC and only
	// resources missing (the writer keeps the CIB moving, so a pass can
	// fail on one CIB in between: not a reason to start counting again)
	var stuck time.Time
	cleaned := false
	for i := 0; time.Now().Before(deadline); i++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if i%12 == 0 && when != "setup" {
			// A node fenced meanwhile (a clean stop answered with
			// fencing, say) is powered on again.
			for _, n := range c.nodes {
				if !sandbox.DaemonRunning(c.dir, n) && !c.isBusy(n) {
					c.powerOn(n, nil, "down while recovering")
				}
			}
		}
		last = c.recoveredOnce(ctx, &stage)
		if last == nil {
			return nil
		}
		if i%40 == 39 {
			c.logf("waiting for recovery (%s): %s: %v", when, stage, last)
		}
		// A resource that failed to start everywhere (say a start lost
		// with a node) stays stopped until an admin cleans it up, as in
		// Pacemaker: do what the admin would, once, and say so.
		if strings.HasPrefix(stage, "every resource") {
			if stuck.IsZero() {
				stuck = time.Now()
			}
			if !cleaned && time.Since(stuck) > 30*time.Second && when != "setup" {
				cleaned = true
				err := c.call(ctx, c.nodes[0], 10*time.Second, func(cx context.Context, cl *client.Client) error {
					_, err := cl.Cleanup(cx, "", "")
					return err
				})
				c.repair("cleanup", fmt.Sprintf("%s: %v for 30 s (cleanup: %v)", when, last, err))
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	err := fmt.Errorf("%s: not within %s: %v", stage, d, last)
	if when != "setup" {
		check := CheckRecovered
		if strings.HasPrefix(stage, "one CIB") {
			check = CheckOneCIB
		}
		c.violate(check, when+": "+err.Error())
	}
	return err
}

func (c *campaign) recoveredOnce(ctx context.Context, stage *string) error {
	*stage = "every node up with one DC"
	dc := ""
	for _, n := range c.nodes {
		h, err := c.hello(ctx, n)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		if h.DC == "" || (dc != "" && h.DC != dc) {
			return fmt.Errorf("%s names DC %q, another %q", n, h.DC, dc)
		}
		dc = h.DC
	}
	*stage = "one CIB on every node"
	var ref *xmltree.Element
	var refV cib.Version
	var refD string
	for _, n := range c.nodes {
		cfg, v, err := c.configOf(ctx, n, 3*time.Second)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		d := digest(cfg)
		if ref == nil {
			ref, refV, refD = cfg, v, d
			continue
		}
		if v.AdminEpoch != refV.AdminEpoch || v.Epoch != refV.Epoch || d != refD {
			return fmt.Errorf("%s has %d.%d (%s), n1 %d.%d (%s)", n, v.AdminEpoch, v.Epoch, d, refV.AdminEpoch, refV.Epoch, refD)
		}
	}
	c.evaluated(CheckOneCIB, 1)
	*stage = "every resource running once"
	state, _ := c.realState()
	for _, r := range c.rscs {
		if len(state[r]) != 1 {
			return fmt.Errorf("%s runs on %v", r, state[r])
		}
	}
	c.evaluated(CheckRecovered, 1)
	c.checkAcksIn(ref, "recovered")
	return nil
}

// checkAcks compares the acknowledged writes with the converged CIB.
func (c *campaign) checkAcks(ctx context.Context, when string) {
	cfg, _, err := c.configOf(ctx, "n1", 5*time.Second)
	if err != nil {
		return
	}
	c.checkAcksIn(cfg, when)
}

func (c *campaign) checkAcksIn(cfg *xmltree.Element, when string) {
	have := markers(cfg)
	c.mu.Lock()
	acked := append([]ackedWrite(nil), c.acked...)
	c.mu.Unlock()
	c.evaluated(CheckAckDurable, len(acked))
	for _, a := range acked {
		if !have[a.id] {
			key := CheckAckDurable + "\x00" + a.id
			c.mu.Lock()
			dup := c.reported[key]
			if !dup {
				c.res.Writes.Lost++
			}
			c.mu.Unlock()
			c.violateKey(CheckAckDurable, key, fmt.Sprintf("%s, acknowledged via %s at version %s (%s), is not in the CIB the nodes agree on (%s)",
				a.id, a.via, a.version, a.at.Format("15:04:05.000"), when))
		}
	}
}

// repairAll heals the network and starts every node that is down, and
// waits for those starts.
func (c *campaign) repairAll(ctx context.Context, why string) {
	c.mu.Lock()
	parted := c.net.groups != nil
	c.mu.Unlock()
	if parted {
		c.heal("repair: " + why)
	}
	var wg sync.WaitGroup
	for _, n := range c.nodes {
		if !sandbox.DaemonRunning(c.dir, n) && !c.isBusy(n) {
			wg.Add(1)
			c.powerOn(n, &wg, why)
		}
	}
	wg.Wait()
}

// powerOn starts node (its machine if it is off, else its pacerd) in the
// background; wg (if any) is done when the start returned.
func (c *campaign) powerOn(node string, wg *sync.WaitGroup, why string) {
	c.setBusy(node, true)
	c.repair("power-on", node+" ("+why+")")
	go func() {
		defer c.setBusy(node, false)
		if wg != nil {
			defer wg.Done()
		}
		// Start waits for the nodes to agree on a DC, which they do not
		// in a partition: the node is started all the same.
		_, err := sandbox.Start(c.dir, c.cfg.Nodes, true, c.cfg.Pacerd, []string{node}, 8*time.Second)
		if err != nil {
			c.logf("start %s: %v", node, err)
		}
	}()
}

func (c *campaign) repair(kind, detail string) {
	c.mu.Lock()
	c.res.Repairs = append(c.res.Repairs, Fault{N: c.fault, At: time.Now(), Kind: kind, Detail: detail, Repair: true})
	c.mu.Unlock()
	c.logf("repair %s %s", kind, detail)
}

func sorted(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
