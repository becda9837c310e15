package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

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
	if d, ok := be.(*backend.Daemon); ok {
		src = daemonSource{d}
		acts = &shellActions{s: s}
	} else {
		src = &tui.StaticSource{Load: s.snapshot}
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
	return nil, errNotAvailable("status of a CIB file (the scheduler's View)")
}

func (s *session) simulateDoc(ctx context.Context, doc *xmltree.Document, args []string) error {
	return errNotAvailable("simulate (package daemon/scheduler/simulate)")
}

func (s *session) cmdSimulate(ctx context.Context, inv *cmdtree.Invocation) error {
	return errNotAvailable("simulate (package daemon/scheduler/simulate)")
}

// preview prints what the scheduler would do with doc, before a commit.
func (s *session) preview(ctx context.Context, doc *xmltree.Document) {}

func (s *session) cmdScores(ctx context.Context, inv *cmdtree.Invocation) error {
	return errNotAvailable("resource scores (the scheduler's score contributions)")
}

func (s *session) cmdWhy(ctx context.Context, inv *cmdtree.Invocation) error {
	return errNotAvailable("resource why (the scheduler's score contributions)")
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
