package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pacer/share/cib"
	"pacer/share/cibschema"
	"pacer/share/client"
	"pacer/share/clusterview"
	"pacer/share/xmltree"
	"pacer/shell/backend"
	"pacer/shell/cmdtree"
)

// session is one run of pacer: its options, where the CIB is, the current
// level, and the configuration being edited.
type session struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	// terminal is set when stdin and stdout are terminals: only then are
	// there prompts and colors.
	terminal bool
	// oneShot: a single command from the command line; configuration
	// changes commit at once.
	oneShot bool

	yes, force, wait bool
	output           string // "text" or "json"

	tree  *cmdtree.Tree
	level *cmdtree.Command

	// shadow is the shadow CIB in use ("" = live or CIB_file).
	shadow  string
	cibFile string // CIB_file
	be      backend.Backend

	// work is the configuration being edited in the configure level:
	// a copy of the whole CIB and the version it was read at.
	work     *xmltree.Document
	workBase backend.Version
	workOrig *xmltree.Element // the CIB as read, to tell new problems from old
	dirty    bool

	// ask reads a yes/no answer on a terminal.
	ask func(q string) bool
	// quit is set by quit/exit.
	quit bool

	// hint is a line of help completion wants shown (see completer).
	hint        string
	compCache   *xmltree.Document
	compCacheAt time.Time
}

func newSession(stdin io.Reader, stdout, stderr io.Writer) *session {
	s := &session{stdin: stdin, stdout: stdout, stderr: stderr, output: "text"}
	s.cibFile = os.Getenv("CIB_file")
	s.shadow = os.Getenv("CIB_shadow")
	s.tree = buildTree(s)
	s.level = s.tree.Root
	s.ask = s.askLine
	return s
}

// errNotAvailable marks commands whose implementation lives in a package
// that is not there yet.
func errNotAvailable(what string) error {
	return fmt.Errorf("%s is not available yet in this build", what)
}

// usageError is a command used wrongly; the message is followed by the usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// exitError carries the exit status of a command run by another package
// (ra, simulate, sandbox) that already printed its own messages.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// backend returns the CIB the session works on, opening it on first use:
// a shadow CIB, CIB_file, or the daemon.
func (s *session) backend() (backend.Backend, error) {
	if s.be != nil {
		return s.be, nil
	}
	switch {
	case s.shadow != "":
		path := shadowPath(s.shadow)
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("shadow CIB %q: %w", s.shadow, err)
		}
		s.be = backend.NewFile(path, s.shadow)
	case s.cibFile != "":
		s.be = backend.NewFile(s.cibFile, "")
	default:
		d, err := backend.DialDaemon("")
		if err != nil {
			return nil, err
		}
		d.Force = s.force
		s.be = d
	}
	return s.be, nil
}

func (s *session) close() {
	if s.be != nil {
		s.be.Close()
		s.be = nil
	}
}

// switchBackend drops the current backend (cib use) and any edits.
func (s *session) switchBackend(shadow string) {
	s.close()
	s.shadow = shadow
	s.work, s.dirty = nil, false
}

// current returns the CIB to read: the configuration being edited when
// there is one, the backend's otherwise.
func (s *session) current(ctx context.Context) (*xmltree.Document, error) {
	if s.work != nil {
		return s.work, nil
	}
	be, err := s.backend()
	if err != nil {
		return nil, err
	}
	return be.CIB(ctx)
}

// configuration returns the <configuration> element of doc, creating the
// sections Pacemaker requires when the document lacks them.
func configuration(doc *xmltree.Document) *xmltree.Element {
	cfg := doc.Root.Child("configuration")
	if cfg == nil {
		cfg = xmltree.New("configuration")
		doc.Root.Insert(0, cfg)
	}
	for i, name := range []string{"crm_config", "nodes", "resources", "constraints"} {
		if cfg.Child(name) == nil {
			cfg.Insert(min(i, len(cfg.Children)), xmltree.New(name))
		}
	}
	return cfg
}

// edit applies fn to a copy of the configuration being edited in the
// configure level (loading it on first use); if fn fails nothing changes.
// A one-shot command, or a configure command given from another level
// ("configure primitive ..." at the top), commits the change at once.
func (s *session) edit(ctx context.Context, fn func(doc *xmltree.Document) error) error {
	if s.oneShot || !inConfigure(s.level) {
		return s.change(ctx, fn)
	}
	if err := s.ensureWork(ctx); err != nil {
		return err
	}
	cp := &xmltree.Document{Prolog: s.work.Prolog, Root: s.work.Root.Clone(), Epilog: s.work.Epilog}
	configuration(cp)
	if err := fn(cp); err != nil {
		return err
	}
	s.work, s.dirty = cp, true
	return nil
}

// change is edit for commands outside the configure level: always
// committed at once, on the backend's current CIB (not on staged edits).
// The write carries the version read; if someone else wrote in between, the
// change is made again on the new CIB (no lost updates, no overwrites).
func (s *session) change(ctx context.Context, fn func(doc *xmltree.Document) error) error {
	be, err := s.backend()
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		doc, base, err := s.readCIBVersion(ctx)
		if err != nil {
			return err
		}
		configuration(doc)
		orig := doc.Root.Clone()
		if err := fn(doc); err != nil {
			return err
		}
		cibschema.FitRoles(doc.Root)
		if err := s.checkNewProblems(orig, doc.Root); err != nil {
			return err
		}
		err = be.ReplaceConfiguration(ctx, doc.Root.Child("configuration"), base)
		if isStale(err) && attempt < 5 {
			continue
		}
		if err != nil {
			return err
		}
		s.rebaseWork(ctx, fn)
		return s.waitIdle(ctx)
	}
}

// rebaseWork carries a change committed from outside the configure level
// (resource stop, node standby...) into the configuration being edited, so
// that its later commit neither is refused as stale nor undoes the change.
func (s *session) rebaseWork(ctx context.Context, fn func(doc *xmltree.Document) error) {
	if s.work == nil {
		return
	}
	if !s.dirty {
		s.work = nil // reloaded on next use
		return
	}
	doc, err := s.be.CIB(ctx)
	if err != nil {
		return
	}
	v, err := cib.ReadVersion(doc.Root)
	if err != nil {
		return
	}
	cp := &xmltree.Document{Prolog: s.work.Prolog, Root: s.work.Root.Clone(), Epilog: s.work.Epilog}
	if fn(cp) != nil {
		return // the staged edits conflict with it: the commit will say so
	}
	cp.Root.Replace(cp.Root.Child("status"), doc.Root.Child("status"))
	s.work, s.workBase, s.workOrig = cp, v, doc.Root.Clone()
}

func isStale(err error) bool {
	return err != nil && (errors.Is(err, backend.ErrStale) || errors.Is(err, client.ErrStale))
}

func (s *session) ensureWork(ctx context.Context) error {
	if s.work != nil {
		return nil
	}
	doc, v, err := s.readCIBVersion(ctx)
	if err != nil {
		return err
	}
	s.work, s.workBase, s.dirty = doc, v, false
	s.workOrig = doc.Root.Clone()
	return nil
}

// checkNewProblems validates after and refuses it (unless forced) when it
// has errors before did not have: a change must not break the
// configuration, but an already imperfect one (no fencing device yet) must
// not block every change either. New warnings are printed.
func (s *session) checkNewProblems(before, after *xmltree.Element) error {
	key := func(p cib.Problem) string { return p.Severity.String() + "|" + p.Path + "|" + p.Msg }
	old := map[string]bool{}
	for _, p := range validate(before) {
		old[key(p)] = true
	}
	var errs []string
	for _, p := range validate(after) {
		if old[key(p)] {
			continue
		}
		// Errors about the cluster as a whole (no fencing device yet) are
		// the admin's to-do, not a broken change: they warn.
		if p.Severity == cib.Error && p.Path != "/cib/configuration" && p.Path != "/cib" {
			errs = append(errs, p.Path+": "+p.Msg)
		} else {
			s.warnf("%s: %s", p.Path, p.Msg)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if s.force {
		for _, e := range errs {
			s.warnf("(forced) %s", e)
		}
		return nil
	}
	return fmt.Errorf("the change makes the configuration invalid: %s (use --force to store it anyway)", strings.Join(errs, "; "))
}

func validate(root *xmltree.Element) []cib.Problem {
	c, err := cib.Decode(&xmltree.Document{Root: root})
	if err != nil {
		return []cib.Problem{{Severity: cib.Error, Path: "/cib", Msg: err.Error()}}
	}
	return cib.Validate(c, nil)
}

// commitDoc stores doc's configuration on the backend if it is still at base.
func (s *session) commitDoc(ctx context.Context, doc *xmltree.Document, base backend.Version, force bool) error {
	be, err := s.backend()
	if err != nil {
		return err
	}
	if force {
		base = backend.Version{}
	}
	cibschema.FitRoles(doc.Root)
	if err := be.ReplaceConfiguration(ctx, configuration(doc), base); err != nil {
		if isStale(err) {
			return fmt.Errorf("%w; use \"refresh\" to reload (dropping your changes) or \"commit force\"", err)
		}
		return err
	}
	return s.waitIdle(ctx)
}

// waitIdle waits for the transition a change caused, with -w.
func (s *session) waitIdle(ctx context.Context) error {
	if !s.wait {
		return nil
	}
	d, ok := s.be.(*backend.Daemon)
	if !ok {
		return nil
	}
	if s.terminal {
		// Show the actions as they happen while waiting.
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		if evs, err := d.C.Subscribe(sctx); err == nil {
			fmt.Fprintln(s.stderr, "waiting for the cluster to settle...")
			go func() {
				defer close(done)
				for ev := range evs {
					switch ev.Kind {
					case clusterview.EventActionStarted, clusterview.EventActionFinished, clusterview.EventFencing, clusterview.EventNodeLeft:
						fmt.Fprintf(s.stderr, "  %s\n", ev.Message)
					}
				}
			}()
		} else {
			close(done)
		}
		defer func() {
			cancel()
			<-done
		}()
	}
	return d.C.WaitIdle(ctx)
}

// confirm asks a yes/no question. Without a terminal there is no prompt:
// the answer is yes when --yes or --force was given, and otherwise also yes
// for warnings (they never block a script) — callers pass dangerous=true
// for questions whose default must be no.
func (s *session) confirm(q string, dangerous bool) bool {
	if s.yes || s.force {
		return true
	}
	if !s.terminal {
		return !dangerous
	}
	return s.ask(q)
}

func (s *session) askLine(q string) bool {
	fmt.Fprintf(s.stdout, "%s (y/n)? ", q)
	r := bufio.NewReader(os.Stdin)
	line, err := r.ReadString('\n')
	if err != nil {
		return false
	}
	line = strings.ToLower(strings.TrimSpace(line))
	return line == "y" || line == "yes"
}

// warnf prints a warning on stderr.
func (s *session) warnf(format string, a ...any) {
	fmt.Fprintf(s.stderr, "WARNING: "+format+"\n", a...)
}

// shadowDir is where shadow CIBs live: $CIB_shadow_dir, else
// /var/lib/pacer/shadow for root, else ~/.cib (crm_shadow's layout: one
// file shadow.NAME per shadow).
func shadowDir() string {
	if d := os.Getenv("CIB_shadow_dir"); d != "" {
		return d
	}
	if os.Geteuid() == 0 {
		return "/var/lib/pacer/shadow"
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cib")
}

func shadowPath(name string) string { return filepath.Join(shadowDir(), "shadow."+name) }
