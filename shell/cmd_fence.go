package shell

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"pacer/share/protocol"
	"pacer/share/xmltree"
	"pacer/shell/backend"
	"pacer/shell/cmdtree"
	"pacer/stonith"
)

// cmdFenceDevices is `stonith list`: the configured fencing devices and
// the nodes each can fence. The running cluster answers from a node's
// fencer, which asks dynamic-list and status devices' agents; on a file
// (CIB_file, shadow) only what the configuration says can be known.
func (s *session) cmdFenceDevices(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("list [-o json]")
	}
	be, err := s.backend()
	if err != nil {
		return err
	}
	var devs []protocol.FenceDevice
	if d, ok := be.(*backend.Daemon); ok {
		if devs, err = d.C.FenceDevices(ctx); err != nil {
			if errors.Is(err, &protocol.Error{Code: protocol.CodeBadRequest}) {
				return fmt.Errorf("this pacerd cannot list fencing devices (too old?): %w", err)
			}
			return err
		}
	} else {
		doc, err := be.CIB(ctx)
		if err != nil {
			return err
		}
		if devs, err = offlineFenceDevices(ctx, doc.Root); err != nil {
			return err
		}
	}
	if s.output == "json" {
		if devs == nil {
			devs = []protocol.FenceDevice{}
		}
		return s.printJSON(devs)
	}
	if len(devs) == 0 {
		fmt.Fprintln(s.stdout, "No fencing devices are configured.")
		return nil
	}
	withLevels := false
	for _, d := range devs {
		withLevels = withLevels || len(d.Levels) > 0
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	head := "DEVICE\tAGENT\tHOST-CHECK\tTARGETS"
	if withLevels {
		head += "\tLEVELS"
	}
	fmt.Fprintln(tw, head)
	for _, d := range devs {
		targets := strings.Join(d.Targets, " ")
		switch {
		case d.Disabled:
			targets = "(disabled: fences nothing)"
		case targets == "" && d.Error != "":
			targets = "?"
		case targets == "":
			targets = "(none)"
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s", d.ID, d.Agent, d.Check, targets)
		if withLevels {
			lv := strings.Join(d.Levels, " ")
			if lv == "" {
				lv = "-"
			}
			line += "\t" + lv
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	for _, d := range devs {
		if d.Error != "" {
			fmt.Fprintf(s.stdout, "%s: %s\n", d.ID, d.Error)
		}
	}
	return nil
}

// needsDaemon is what a file-based `stonith list` says of a device whose
// targets only its agent knows.
const needsDaemon = "targets are asked from the agent (list or status): needs the running cluster"

// offlineFenceDevices is `stonith list` on a CIB file: devices and levels
// from the configuration, targets where the configuration alone decides
// (static-list, none). The agents' metadata (which says whether they have
// a list action, hence the default host check) is read here when the
// agent is installed; no agent is asked about hosts.
func offlineFenceDevices(ctx context.Context, root *xmltree.Element) ([]protocol.FenceDevice, error) {
	cfg, err := stonith.LoadConfig(root)
	if cfg == nil {
		return nil, fmt.Errorf("fencing configuration: %w", err)
	}
	var problems []string
	if err != nil {
		// One bad device must not hide the others: say what is wrong.
		problems = strings.Split(err.Error(), "\n")
	}
	var nodes []string
	for n := range cfg.NodeAttrs {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	meta := &stonith.MetaCache{Runner: stonith.ExecRunner{}}
	var out []protocol.FenceDevice
	for _, id := range cfg.Order {
		d := cfg.Devices[id]
		mctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		m, merr := meta.Get(mctx, d.Agent)
		cancel()
		if merr != nil {
			m = nil // unknown agent: EffectiveCheck assumes a list action
		}
		fd := protocol.FenceDevice{ID: id, Agent: d.Agent, Check: d.EffectiveCheck(m), Disabled: d.Disabled}
		for _, l := range cfg.Topology.Levels {
			if slices.Contains(l.Devices, id) {
				fd.Levels = append(fd.Levels, fmt.Sprintf("%s:%d", l.Describe(), l.Index))
			}
		}
		switch fd.Check {
		case stonith.CheckStatic:
			fd.Targets = d.Targets()
		case stonith.CheckNone:
			fd.Targets = nodes
		default:
			fd.Error = needsDaemon
		}
		for _, p := range problems {
			if strings.Contains(p, id) && fd.Error == "" {
				fd.Error = p
			}
		}
		out = append(out, fd)
	}
	return out, nil
}

// cmdFence is `node fence NODE [--off|--reboot]`: fence through the DC.
// Without an action the cluster's fencing-action applies.
func (s *session) cmdFence(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.commandFlags(inv.Args)
	if err != nil {
		return err
	}
	action := ""
	var rest []string
	for _, a := range args {
		switch a {
		case "--off", "off":
			action = "off"
		case "--reboot", "reboot":
			action = "reboot"
		default:
			if strings.HasPrefix(a, "-") {
				return usagef("fence NODE [--off|--reboot]: unknown option %s", a)
			}
			rest = append(rest, a)
		}
	}
	if len(rest) != 1 {
		return usagef("fence NODE [--off|--reboot]")
	}
	node := rest[0]
	be, err := s.backend()
	if err != nil {
		return err
	}
	d, ok := be.(*backend.Daemon)
	if !ok {
		return errors.New("fencing needs the running cluster (not a file or shadow CIB)")
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return err
	}
	if err := mustNode(doc, node); err != nil {
		return err
	}
	what := "shut down"
	if action == "off" {
		what = "power off"
	}
	if !s.confirm(fmt.Sprintf("Fencing %s will %s the node and migrate any resources that are running on it! Do you want to fence %s", node, what, node), true) {
		return errors.New("not confirmed (use --yes)")
	}
	ev, err := d.C.Fence(ctx, node, action)
	if err != nil {
		return err
	}
	if s.output == "json" {
		return s.printJSON(ev)
	}
	fmt.Fprintf(s.stdout, "%s fenced (%s) by %s\n", node, ev.Action, ev.Delegate)
	return nil
}

// cmdClearState is `node clearstate NODE`. On the running cluster it is
// the admin's manual confirmation that NODE is down: recorded in the
// fencing history of every node, after which the cluster treats NODE as
// fenced and recovers its resources. On a file it rewrites NODE's state
// as cleanly down.
func (s *session) cmdClearState(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.commandFlags(inv.Args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("clearstate NODE")
	}
	node := args[0]
	be, err := s.backend()
	if err != nil {
		return err
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return err
	}
	if err := mustNode(doc, node); err != nil {
		return err
	}
	d, live := be.(*backend.Daemon)
	if !live {
		if !s.confirm(fmt.Sprintf("Do you really want to drop state for node %s", node), true) {
			return errors.New("not confirmed (use --yes)")
		}
		return be.ClearNodeState(ctx, node)
	}
	// A member is not down: say so before any warning (the daemon refuses
	// it too).
	if ms, err := d.C.Members(ctx); err == nil {
		for _, m := range ms {
			if m.Name == node && m.Online {
				return fmt.Errorf("%s is online, a member of the cluster: clearstate is only for a node that is down (to take it down, use node fence)", node)
			}
		}
	}
	s.warnf("node clearstate %s tells the cluster that %s is DOWN (powered off) WITHOUT fencing it.", node, node)
	s.warnf("The cluster will then start %s's resources on other nodes. If %s is in fact still running,", node, node)
	s.warnf("they will run twice and shared data may be CORRUPTED. Make sure %s is powered off first.", node)
	if !s.confirm(fmt.Sprintf("Do you confirm that node %s is powered off and want the cluster to treat it as fenced", node), true) {
		return errors.New("not confirmed (use --yes)")
	}
	ev, err := d.C.ConfirmFenced(ctx, node)
	if err != nil {
		return err
	}
	if s.output == "json" {
		return s.printJSON(ev)
	}
	when := ev.Completed
	if when.IsZero() {
		when = time.Now()
	}
	fmt.Fprintf(s.stdout, "%s manually confirmed down by %s at %s; the cluster treats it as fenced\n",
		node, ev.Client, when.Format(time.RFC3339))
	return nil
}
