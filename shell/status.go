package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"pacer/daemon/scheduler"
	"pacer/daemon/scheduler/simulate"
	"pacer/share/clusterview"
	"pacer/share/xmltree"
	"pacer/shell/backend"
	"pacer/shell/cmdtree"
	"pacer/tui"
)

// snapshot is the cluster status: the daemon's own, or computed from the
// CIB file by the scheduler (read-only, no daemon needed).
func (s *session) snapshot(ctx context.Context) (*clusterview.Snapshot, error) {
	be, err := s.backend()
	if err != nil {
		return nil, err
	}
	if d, ok := be.(*backend.Daemon); ok {
		return d.Status(ctx)
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return nil, err
	}
	return viewOf(doc, time.Now())
}

func (s *session) cmdStatus(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	opts := clusterview.DefaultTextOptions
	for _, a := range args {
		switch a {
		case "--all", "-A", "full":
			opts.Attributes, opts.FailCounts, opts.Tickets = true, true, true
		case "--inactive", "-r", "inactive":
			opts.Inactive = true
		case "bynode", "-n", "--group-by-node":
			opts.GroupByNode = true
		default:
			return usagef("unknown argument %q", a)
		}
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	if s.output == "json" {
		return s.printJSON(snap)
	}
	_, err = io.WriteString(s.stdout, clusterview.FormatText(snap, opts))
	return err
}

func (s *session) cmdResourceStatus(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	var list []*clusterview.Resource
	if len(args) == 0 {
		for i := range snap.Resources {
			list = append(list, &snap.Resources[i])
		}
	} else {
		var all []string
		for i := range snap.Resources {
			snap.Resources[i].Walk(func(r *clusterview.Resource, _ int) bool {
				all = append(all, r.ID)
				return true
			})
		}
		for _, id := range args {
			r := snap.Resource(id)
			if r == nil {
				return notFound("resource", id, all)
			}
			list = append(list, r)
		}
	}
	if s.output == "json" {
		return s.printJSON(list)
	}
	for _, r := range list {
		r.Walk(func(x *clusterview.Resource, depth int) bool {
			pad := fmt.Sprintf("%*s", 2*depth, "")
			if x.Kind == clusterview.KindPrimitive {
				fmt.Fprintf(s.stdout, "%s * %s\n", pad, clusterview.PrimitiveLine(x, x.ID, snap))
			} else {
				fmt.Fprintf(s.stdout, "%s * %s %s:\n", pad, kindTitle(x), x.ID)
			}
			return true
		})
	}
	return nil
}

func kindTitle(r *clusterview.Resource) string {
	switch r.Kind {
	case clusterview.KindGroup:
		return "Resource Group"
	case clusterview.KindBundle:
		return "Container bundle set"
	}
	return "Clone Set"
}

// cmdMon runs the live monitor, or with -1 prints once like status.
func (s *session) cmdMon(ctx context.Context, inv *cmdtree.Invocation) error {
	for _, a := range inv.Args {
		switch a {
		case "-1", "--one-shot", "-o":
			return s.cmdStatus(ctx, &cmdtree.Invocation{Cmd: inv.Cmd})
		default:
			return usagef("unknown argument %q", a)
		}
	}
	if !s.terminal {
		return s.cmdStatus(ctx, &cmdtree.Invocation{Cmd: inv.Cmd})
	}
	be, err := s.backend()
	if err != nil {
		return err
	}
	var src tui.Source
	var acts tui.Actions
	if _, ok := be.(*backend.Daemon); ok {
		// The monitor outlives daemon restarts: each lost connection is
		// dropped and a new one dialled, not the dead one retried.
		src = &tui.Redialing{Dial: func(ctx context.Context) (tui.Source, error) {
			d, err := backend.DialDaemon("")
			if err != nil {
				return nil, err
			}
			return daemonSource{d}, nil
		}}
		acts = &shellActions{s: s}
	} else {
		path := s.cibFile
		if s.shadow != "" {
			path = shadowPath(s.shadow)
		}
		changed, err := tui.WatchFile(ctx, path)
		if err != nil {
			return err
		}
		src = &tui.StaticSource{Load: s.snapshot, Changed: changed}
		acts = tui.ReadOnlyActions{Reason: s.cibName()}
	}
	opts := tui.Options{NoColor: os.Getenv("NO_COLOR") != ""}
	err = tui.Run(ctx, src, acts, opts)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// daemonSource feeds the monitor from the daemon.
type daemonSource struct{ d *backend.Daemon }

// Close lets tui.Redialing release a dead connection.
func (d daemonSource) Close() error { return d.d.Close() }

func (d daemonSource) Snapshot(ctx context.Context) (*clusterview.Snapshot, error) {
	return d.d.Status(ctx)
}

func (d daemonSource) Subscribe(ctx context.Context) (<-chan clusterview.Event, error) {
	in, err := d.d.C.Subscribe(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan clusterview.Event)
	go func() {
		defer close(out)
		for ev := range in {
			select {
			case out <- ev.Event:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// shellActions are the monitor's actions, made by the same code as the
// shell's commands.
type shellActions struct{ s *session }

func (a *shellActions) quiet() func() {
	out, errw, oneShot := a.s.stdout, a.s.stderr, a.s.oneShot
	a.s.stdout, a.s.stderr, a.s.oneShot = io.Discard, io.Discard, true
	return func() { a.s.stdout, a.s.stderr, a.s.oneShot = out, errw, oneShot }
}

func (a *shellActions) run(ctx context.Context, path []string, args ...string) error {
	defer a.quiet()()
	c := a.s.tree.Find(path...)
	return c.Run(ctx, &cmdtree.Invocation{Cmd: c, Args: args})
}

func (a *shellActions) Standby(ctx context.Context, node string) error {
	return a.run(ctx, []string{"node", "standby"}, node)
}
func (a *shellActions) Online(ctx context.Context, node string) error {
	return a.run(ctx, []string{"node", "online"}, node)
}
func (a *shellActions) Cleanup(ctx context.Context, rsc, node string) error {
	if node == "" {
		return a.run(ctx, []string{"resource", "cleanup"}, rsc)
	}
	return a.run(ctx, []string{"resource", "cleanup"}, rsc, node)
}
func (a *shellActions) Start(ctx context.Context, rsc string) error {
	return a.run(ctx, []string{"resource", "start"}, rsc)
}
func (a *shellActions) Stop(ctx context.Context, rsc string) error {
	return a.run(ctx, []string{"resource", "stop"}, rsc)
}
func (a *shellActions) Move(ctx context.Context, rsc, node string) error {
	return a.run(ctx, []string{"resource", "move"}, rsc, node, "--force")
}
func (a *shellActions) Clear(ctx context.Context, rsc string) error {
	return a.run(ctx, []string{"resource", "clear"}, rsc)
}

// viewOf computes a status snapshot from a CIB with the scheduler.
func viewOf(doc *xmltree.Document, now time.Time) (*clusterview.Snapshot, error) {
	return scheduler.View(doc, now)
}

// simulateDoc runs `simulate` on doc (written to a temporary file).
func (s *session) simulateDoc(ctx context.Context, doc *xmltree.Document, args []string) error {
	f, err := os.CreateTemp("", "pacer-simulate-*.xml")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := doc.Write(f, xmltree.Pretty); err != nil {
		f.Close()
		return err
	}
	f.Close()
	var rest []string
	for _, a := range args {
		if a != "nograph" && a != "actions" {
			rest = append(rest, a)
		}
	}
	if code := simulate.Main(append([]string{"-x", f.Name()}, rest...), s.stdout, s.stderr); code != 0 {
		return &exitError{code}
	}
	return nil
}

// cmdSimulate is `pacer simulate`: on CIB_file (or -x FILE) as given; on
// the live cluster or a shadow CIB, on a copy of it.
func (s *session) cmdSimulate(ctx context.Context, inv *cmdtree.Invocation) error {
	if s.output == "json" {
		return s.simulateJSON(ctx, inv.Args)
	}
	hasFile := s.cibFile != "" && s.shadow == ""
	for _, a := range inv.Args {
		if a == "-x" || a == "--xml-file" || strings.HasPrefix(a, "--xml-file=") || a == "-h" || a == "--help" {
			hasFile = true
		}
	}
	if hasFile {
		if code := simulate.Main(inv.Args, s.stdout, s.stderr); code != 0 {
			return &exitError{code}
		}
		return nil
	}
	doc, err := s.readCIB(ctx)
	if err != nil {
		return err
	}
	return s.simulateDoc(ctx, doc, inv.Args)
}

// preview prints what the scheduler would do differently with the new
// configuration than with the one stored: the actions the change causes.
func (s *session) preview(ctx context.Context, orig *xmltree.Element, doc *xmltree.Document) {
	now := time.Now()
	res, err := scheduler.Run(doc, scheduler.Input{Now: now})
	if err != nil {
		s.warnf("cannot preview the change: %v", err)
		return
	}
	before := map[string]bool{}
	if orig != nil {
		if r0, err := scheduler.Run(&xmltree.Document{Root: orig}, scheduler.Input{Now: now}); err == nil {
			for _, l := range r0.Summary {
				before[l] = true
			}
		}
	}
	var lines []string
	for _, l := range res.Summary {
		if !before[l] {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		fmt.Fprintln(s.stdout, "The change makes the cluster start, stop or move nothing.")
		return
	}
	fmt.Fprintln(s.stdout, "The cluster will:")
	for _, l := range lines {
		fmt.Fprintln(s.stdout, l)
	}
}

// schedule runs the scheduler on the CIB in use.
func (s *session) schedule(ctx context.Context) (*xmltree.Document, *scheduler.Result, error) {
	doc, err := s.current(ctx)
	if err != nil {
		return nil, nil, err
	}
	// The revised status says where things will run: `resource why`
	// needs it.
	res, err := scheduler.Run(doc, scheduler.Input{Now: time.Now(), Scores: true, Transcript: true})
	if err != nil {
		return nil, nil, err
	}
	return doc, res, nil
}

func (s *session) cmdScores(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	if len(args) > 1 {
		return usagef("scores [RSC]")
	}
	doc, res, err := s.schedule(ctx)
	if err != nil {
		return err
	}
	rsc := ""
	if len(args) == 1 {
		rsc = args[0]
		if _, err := mustResource(configuration(doc), rsc); err != nil {
			return err
		}
	}
	var lines []string
	for _, l := range res.Scores {
		if rsc == "" || scoreLineFor(l, rsc) {
			lines = append(lines, l)
		}
	}
	if s.output == "json" {
		if lines == nil {
			lines = []string{}
		}
		return s.printJSON(lines)
	}
	for _, l := range lines {
		fmt.Fprintln(s.stdout, l)
	}
	return nil
}

// scoreLineFor: "pcmk__primitive_assign: rsc1 allocation score on node1: 0".
func scoreLineFor(line, rsc string) bool {
	_, rest, ok := strings.Cut(line, ": ")
	if !ok {
		return false
	}
	id, _, _ := strings.Cut(rest, " ")
	return id == rsc || backendMatch(id, rsc)
}

// cmdWhy explains where a resource runs and why, from the scheduler's
// score contributions and its decision.
func (s *session) cmdWhy(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	if len(args) == 0 || len(args) > 2 {
		return usagef("why RSC [NODE]")
	}
	rsc, node := args[0], ""
	doc, res, err := s.schedule(ctx)
	if err != nil {
		return err
	}
	cfg := configuration(doc)
	r, err := mustResource(cfg, rsc)
	if err != nil {
		return err
	}
	if len(args) == 2 {
		node = args[1]
		if err := mustNode(doc, node); err != nil {
			return err
		}
	}
	exp := explain(doc, res, r, node)
	if s.output == "json" {
		return s.printJSON(exp)
	}
	fmt.Fprint(s.stdout, exp.text())
	return nil
}

// showJSON prints the configuration, or selected objects, as JSON: each
// element as {"tag", "attrs", "children"}.
func (s *session) showJSON(cfg *xmltree.Element, elems []*xmltree.Element, selected bool) error {
	if !selected {
		return s.printJSON(elementJSON(cfg))
	}
	out := make([]any, 0, len(elems))
	for _, e := range elems {
		out = append(out, elementJSON(e))
	}
	return s.printJSON(out)
}

type jsonElement struct {
	Tag      string            `json:"tag"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	Children []jsonElement     `json:"children,omitempty"`
}

func elementJSON(e *xmltree.Element) jsonElement {
	j := jsonElement{Tag: e.Name}
	if len(e.Attrs) > 0 {
		j.Attrs = map[string]string{}
		for _, a := range e.Attrs {
			j.Attrs[a.Name] = a.Value
		}
	}
	for _, c := range e.Children {
		j.Children = append(j.Children, elementJSON(c))
	}
	return j
}
