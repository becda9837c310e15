package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	"pacer/share/cib"
	"pacer/share/cibschema"
	"pacer/share/xmltree"
	"pacer/shell/backend"
	"pacer/shell/cmdtree"
	"pacer/shell/crm"
)

// cmdConfigureShow prints the configuration: crm text, or XML with "xml".
func (s *session) cmdConfigureShow(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	asXML, changed := false, false
	var ids []string
	for _, a := range args {
		switch a {
		case "xml":
			asXML = true
		case "changed":
			changed = true
		default:
			ids = append(ids, a)
		}
	}
	cfg, err := s.currentConfiguration(ctx)
	if err != nil {
		return err
	}
	if changed {
		if !s.dirty {
			return nil
		}
		ids = s.changedIDs(ctx)
		if len(ids) == 0 {
			return nil
		}
	}
	var elems []*xmltree.Element
	if len(ids) > 0 {
		elems, err = selectObjects(cfg, ids)
		if err != nil {
			return err
		}
	}
	if s.output == "json" {
		return s.showJSON(cfg, elems, len(ids) > 0)
	}
	if asXML {
		if len(ids) == 0 {
			_, err := io.WriteString(s.stdout, cfg.Indented())
			return err
		}
		for _, e := range elems {
			io.WriteString(s.stdout, e.Indented())
		}
		return nil
	}
	text, err := crmDisplay(cfg, elems, len(ids) > 0)
	if err != nil {
		return err
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if s.color() {
		text = colorize(text)
	}
	_, err = io.WriteString(s.stdout, text)
	return err
}

// currentConfiguration is the <configuration> being edited or stored; from
// the daemon only that section is fetched.
func (s *session) currentConfiguration(ctx context.Context) (*xmltree.Element, error) {
	if s.work == nil {
		be, err := s.backend()
		if err != nil {
			return nil, err
		}
		if d, ok := be.(*backend.Daemon); ok {
			return d.Configuration(ctx)
		}
	}
	doc, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	cfg := doc.Root.Child("configuration")
	if cfg == nil {
		return nil, fmt.Errorf("the CIB has no configuration section")
	}
	return cfg, nil
}

// changedIDs lists the ids of objects that differ between the staged and
// the stored configuration.
func (s *session) changedIDs(ctx context.Context) []string {
	be, err := s.backend()
	if err != nil {
		return nil
	}
	old, err := be.CIB(ctx)
	if err != nil {
		return nil
	}
	oldObjs := objectIndex(configuration(old))
	var ids []string
	for id, e := range objectIndex(configuration(s.work)) {
		if o, ok := oldObjs[id]; !ok || !xmltree.Equal(o, e) {
			ids = append(ids, id)
		}
	}
	return ids
}

// objectIndex maps the ids of the configuration's top-level objects (the
// things crm text has one statement for) to their elements.
func objectIndex(cfg *xmltree.Element) map[string]*xmltree.Element {
	out := map[string]*xmltree.Element{}
	for _, sec := range cfg.Children {
		switch sec.Name {
		case "resources", "constraints", "nodes", "tags", "alerts", "crm_config", "rsc_defaults", "op_defaults":
			for _, e := range sec.Children {
				if id := e.ID(); id != "" {
					out[id] = e
				}
			}
		case "acls":
			for _, e := range sec.Children {
				if id := e.ID(); id != "" {
					out[id] = e
				}
			}
		case "fencing-topology":
			out["fencing_topology"] = sec
		}
	}
	return out
}

// selectObjects finds objects by id or by type:KIND.
func selectObjects(cfg *xmltree.Element, sel []string) ([]*xmltree.Element, error) {
	idx := objectIndex(cfg)
	var out []*xmltree.Element
	seen := map[*xmltree.Element]bool{}
	add := func(e *xmltree.Element) {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	for _, id := range sel {
		if t, ok := strings.CutPrefix(id, "tag:"); ok {
			// crmsh's tag:T: the objects the tag names
			tag := cfg.Find(func(e *xmltree.Element) bool { return e.Name == "tag" && e.ID() == t })
			if tag == nil {
				return nil, notFound("tag", t, nil)
			}
			for _, r := range tag.ChildrenNamed("obj_ref") {
				if e := findResource(cfg, r.ID()); e != nil {
					add(e)
				} else if e, ok := idx[r.ID()]; ok {
					add(e)
				}
			}
			continue
		}
		if x, ok := strings.CutPrefix(id, "related:"); ok {
			// crmsh's related:X: X, the containers holding it, and every
			// constraint or tag that refers to X itself.
			e := findResource(cfg, x)
			if e == nil {
				if e, ok = idx[x]; !ok {
					return nil, notFound("object", x, append(keys(idx), resourceIDs(cfg)...))
				}
			}
			names := map[string]bool{x: true}
			for p := e; p != nil && p.Name != "resources" && p.Name != "configuration"; p = p.Parent {
				add(p)
			}
			for _, sec := range []string{"constraints", "tags"} {
				secEl := cfg.Child(sec)
				if secEl == nil {
					continue
				}
				for _, c := range secEl.Children {
					if refersToAny(c, names) {
						add(c)
					}
				}
			}
			continue
		}
		if kind, ok := strings.CutPrefix(id, "type:"); ok {
			for _, sec := range cfg.Children {
				for _, e := range sec.Children {
					if crmKind(e) == kind {
						add(e)
					}
				}
			}
			continue
		}
		e, ok := idx[id]
		if !ok {
			if e = findResource(cfg, id); e == nil {
				return nil, notFound("object", id, append(keys(idx), resourceIDs(cfg)...))
			}
		}
		add(e)
	}
	return out, nil
}

// crmKind is the crm keyword of an element; elements that are not crm
// objects of their own (a defaults set) are named by their parent.
func crmKind(e *xmltree.Element) string {
	if k := crm.KindOf(e); k != "" {
		return k
	}
	if e.Name == "meta_attributes" && e.Parent != nil {
		return e.Parent.Name
	}
	return e.Name
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// notFound is "KIND ID not found", with a suggestion from known names.
func notFound(kind, id string, known []string) error {
	msg := fmt.Sprintf("%s %q not found", kind, id)
	if sug := cmdtree.Suggest(id, known); len(sug) > 0 {
		msg += "; did you mean " + strings.Join(quoteAll(sug), " or ") + "?"
	}
	return errors.New(msg)
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

// verifyDoc validates a CIB and prints the problems on stderr. It returns
// an error when there are errors.
func (s *session) verifyDoc(doc *xmltree.Document, where string) error {
	c, err := cib.Decode(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	ps := cib.Validate(c, nil)
	// The schema, as crm_verify checks it first: a CIB Pacemaker's own
	// tools would reject is not valid whatever else holds.
	sps, err := cibschema.Check(context.Background(), doc)
	switch {
	case errors.Is(err, cibschema.ErrUnavailable):
		ps = append([]cib.Problem{{Severity: cib.Warning, Path: "/cib", Msg: "schema not checked: " + strings.TrimPrefix(err.Error(), cibschema.ErrUnavailable.Error()+": ")}}, ps...)
	case err != nil:
		return fmt.Errorf("%s: schema check: %w", where, err)
	}
	var schemaPs []cib.Problem
	for _, p := range sps {
		schemaPs = append(schemaPs, cib.Problem{Severity: cib.Error, Path: p.Path, Line: p.Line,
			Msg: fmt.Sprintf("does not validate against %s: %s", doc.Root.Attr("validate-with"), p.Msg)})
	}
	ps = append(schemaPs, ps...)
	nerr := 0
	type problem struct {
		Severity string `json:"severity"`
		Path     string `json:"path"`
		Line     int    `json:"line,omitempty"`
		Message  string `json:"message"`
	}
	out := []problem{}
	for _, p := range ps {
		if p.Severity == cib.Error {
			nerr++
		}
		if s.output == "json" {
			out = append(out, problem{p.Severity.String(), p.Path, p.Line, p.Msg})
			continue
		}
		fmt.Fprintf(s.stderr, "%s\n", p)
	}
	if s.output == "json" {
		if err := s.printJSON(map[string]any{"cib": where, "valid": nerr == 0, "problems": out}); err != nil {
			return err
		}
		if nerr > 0 {
			return &exitError{1}
		}
		return nil
	}
	if nerr > 0 {
		return fmt.Errorf("%s: %d error(s) found, configuration not valid", where, nerr)
	}
	return nil
}

func (s *session) cmdConfigureVerify(ctx context.Context, inv *cmdtree.Invocation) error {
	doc, err := s.current(ctx)
	if err != nil {
		return err
	}
	return s.verifyDoc(doc, s.cibName())
}

// cibName names the CIB in use in messages.
func (s *session) cibName() string {
	switch {
	case s.shadow != "":
		return "shadow CIB " + s.shadow
	case s.cibFile != "":
		return s.cibFile
	}
	return "live CIB"
}

func (s *session) cmdCIBVerify(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) > 0 {
		return usagef("no arguments expected")
	}
	be, err := s.backend()
	if err != nil {
		return err
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return err
	}
	return s.verifyDoc(doc, s.cibName())
}

func (s *session) cmdCommit(ctx context.Context, inv *cmdtree.Invocation) error {
	force := s.force
	for _, a := range inv.Args {
		if a != "force" && a != "--force" {
			return usagef("unknown argument %q", a)
		}
		force = true
	}
	return s.commit(ctx, force)
}

// commit stores the staged configuration: validated (errors refuse the
// commit unless forced), previewed and confirmed on a terminal.
func (s *session) commit(ctx context.Context, force bool) error {
	if !s.dirty {
		if s.terminal {
			fmt.Fprintln(s.stdout, "INFO: nothing to commit")
		}
		return nil
	}
	if err := s.checkNewProblems(s.workOrig, s.work.Root); err != nil && !force {
		return fmt.Errorf("%w; fix it or use \"commit force\"", err)
	}
	if s.terminal && !s.yes {
		s.preview(ctx, s.workOrig, s.work)
		if !s.ask("Do you want to commit") {
			return errors.New("commit cancelled")
		}
	}
	if err := s.commitDoc(ctx, s.work, s.workBase, force); err != nil {
		return err
	}
	s.work, s.dirty = nil, false
	return nil
}

func (s *session) cmdRefresh(ctx context.Context, inv *cmdtree.Invocation) error {
	if s.dirty && s.terminal && !s.yes && !s.ask("Drop the staged changes") {
		return nil
	}
	s.work, s.dirty = nil, false
	return s.ensureWork(ctx)
}

// cmdDelete removes objects and what refers to them: a constraint that
// names a deleted resource goes too (as crmsh does), a group member is taken
// out of its group.
func (s *session) cmdDelete(ctx context.Context, inv *cmdtree.Invocation) error {
	var ids []string
	force := s.force
	for _, a := range inv.Args {
		// crmsh's "delete --force X" and "delete X --force"
		if a == "--force" || a == "-F" {
			force = true
			continue
		}
		ids = append(ids, a)
	}
	if len(ids) == 0 {
		return usagef("which objects?")
	}
	var went []string
	err := s.edit(ctx, func(doc *xmltree.Document) error {
		cfg := configuration(doc)
		for _, id := range ids {
			e := cfg.FindID(id)
			if e == nil {
				return notFound("object", id, append(keys(objectIndex(cfg)), resourceIDs(cfg)...))
			}
			if isResource(e) && isRunning(doc, id) && !force {
				return fmt.Errorf("resource %s is running, can't delete it (stop it first, or --force)", id)
			}
		}
		before := objectIndex(cfg)
		if err := crmApply(doc, "delete "+joinArgs(ids)); err != nil {
			return err
		}
		// What went with the objects: constraints and tags left without
		// their resource, a group left empty.
		after := objectIndex(configuration(doc))
		went = went[:0]
		for id, e := range before {
			if _, ok := after[id]; !ok && !slices.Contains(ids, id) {
				went = append(went, crm.KindOf(e)+" "+id)
			}
		}
		sort.Strings(went)
		return nil
	})
	if err == nil && len(went) > 0 {
		fmt.Fprintf(s.stderr, "INFO: deleted with %s: %s\n", strings.Join(ids, ", "), strings.Join(went, ", "))
	}
	return err
}

func isResource(e *xmltree.Element) bool {
	switch e.Name {
	case "primitive", "group", "clone", "master", "bundle", "template":
		return true
	}
	return false
}

// findResource finds a resource (or template) by id at any depth.
func findResource(cfg *xmltree.Element, id string) *xmltree.Element {
	rs := cfg.Child("resources")
	if rs == nil {
		return nil
	}
	return rs.Find(func(e *xmltree.Element) bool { return isResource(e) && e.ID() == id })
}

// cmdRename changes an object's id and every reference to it.
func (s *session) cmdRename(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) != 2 {
		return usagef("rename needs OLD and NEW")
	}
	old, nw := inv.Args[0], inv.Args[1]
	return s.edit(ctx, func(doc *xmltree.Document) error {
		cfg := configuration(doc)
		e := cfg.FindID(old)
		if e == nil {
			return notFound("object", old, keys(objectIndex(cfg)))
		}
		if cfg.FindID(nw) != nil {
			return fmt.Errorf("id %q is already in use", nw)
		}
		if isResource(e) && isRunning(doc, old) && !s.force {
			return fmt.Errorf("resource %s is running, can't rename it (stop it first, or --force)", old)
		}
		return crmApply(doc, "rename "+joinArgs([]string{old, nw}))
	})
}

// cmdLoad reads a configuration (crm text or CIB XML) from a file.
func (s *session) cmdLoad(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) != 2 || (inv.Args[0] != "replace" && inv.Args[0] != "update" && inv.Args[0] != "push") {
		return usagef("load replace|update FILE|-")
	}
	mode, name := inv.Args[0], inv.Args[1]
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(s.stdin)
		name = "<stdin>"
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("load %s: %w", name, err)
	}
	return s.edit(ctx, func(doc *xmltree.Document) error {
		if looksXML(data) {
			return loadXML(doc, data, name, mode)
		}
		return crmLoad(doc, string(data), name, mode)
	})
}

func looksXML(data []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(data), []byte("<"))
}

// loadXML loads a <cib> or <configuration> document.
func loadXML(doc *xmltree.Document, data []byte, name, mode string) error {
	in, err := xmltree.ParseBytes(data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	newCfg := in.Root
	if newCfg.Name == "cib" {
		newCfg = newCfg.Child("configuration")
		if newCfg == nil {
			return fmt.Errorf("%s: the CIB has no <configuration>", name)
		}
	}
	if newCfg.Name != "configuration" {
		return fmt.Errorf("%s: expected <cib> or <configuration>, found <%s>", name, in.Root.Name)
	}
	cfg := configuration(doc)
	if mode == "replace" {
		doc.Root.Replace(cfg, newCfg.Clone())
		configuration(doc)
		return nil
	}
	// update: objects with the same id replace the old ones, new ones are added.
	for _, sec := range newCfg.Children {
		dst := cfg.Child(sec.Name)
		if dst == nil {
			cfg.Append(sec.Clone())
			continue
		}
		for _, o := range sec.Children {
			var old *xmltree.Element
			if id := o.ID(); id != "" {
				for _, x := range dst.Children {
					if x.ID() == id {
						old = x
					}
				}
			}
			if old != nil {
				dst.Replace(old, o.Clone())
			} else {
				dst.Append(o.Clone())
			}
		}
	}
	return nil
}

func (s *session) cmdSave(ctx context.Context, inv *cmdtree.Invocation) error {
	args := inv.Args
	asXML := false
	if len(args) > 0 && args[0] == "xml" {
		asXML, args = true, args[1:]
	}
	if len(args) != 1 {
		return usagef("save [xml] FILE")
	}
	doc, err := s.current(ctx)
	if err != nil {
		return err
	}
	cfg := configuration(doc)
	var text string
	if asXML {
		text = cfg.Indented()
	} else if text, err = crmShow(cfg, nil, false); err != nil {
		return err
	}
	if args[0] == "-" {
		_, err = io.WriteString(s.stdout, text)
		return err
	}
	return os.WriteFile(args[0], []byte(text), 0o644)
}

// cmdErase removes resources and constraints (and nodes with "nodes").
func (s *session) cmdErase(ctx context.Context, inv *cmdtree.Invocation) error {
	nodes := len(inv.Args) == 1 && inv.Args[0] == "nodes"
	if len(inv.Args) > 0 && !nodes {
		return usagef("erase [nodes]")
	}
	if !s.confirm("Erase the whole configuration", true) {
		return errors.New("not confirmed (use --yes)")
	}
	return s.edit(ctx, func(doc *xmltree.Document) error {
		cfg := configuration(doc)
		for _, name := range []string{"resources", "constraints"} {
			sec := cfg.Child(name)
			cfg.Replace(sec, xmltree.New(name))
		}
		for _, name := range []string{"tags", "fencing-topology"} {
			if sec := cfg.Child(name); sec != nil {
				cfg.Remove(sec)
			}
		}
		if nodes {
			cfg.Replace(cfg.Child("nodes"), xmltree.New("nodes"))
		}
		return nil
	})
}

func (s *session) cmdConfigureSimulate(ctx context.Context, inv *cmdtree.Invocation) error {
	doc, err := s.current(ctx)
	if err != nil {
		return err
	}
	return s.simulateDoc(ctx, doc, inv.Args)
}

// color says whether output may carry colors: only on a terminal, and not
// with NO_COLOR set. Programs reading show's output never see escapes.
func (s *session) color() bool {
	return s.terminal && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// colorize makes the keyword and the id of each crm statement stand out.
func colorize(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l == "" || strings.HasPrefix(l, "\t") || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "<") {
			continue
		}
		kw, rest, ok := strings.Cut(l, " ")
		if !ok {
			continue
		}
		id, tail, _ := strings.Cut(rest, " ")
		if tail != "" {
			tail = " " + tail
		}
		lines[i] = "\x1b[1;36m" + kw + "\x1b[0m \x1b[1m" + id + "\x1b[0m" + tail
	}
	return strings.Join(lines, "\n")
}

// refersToAny tells whether a constraint or tag names any of ids.
func refersToAny(c *xmltree.Element, ids map[string]bool) bool {
	found := false
	c.Walk(func(x *xmltree.Element) bool {
		for _, at := range []string{"rsc", "with-rsc", "first", "then"} {
			if ids[x.Attr(at)] {
				found = true
			}
		}
		if (x.Name == "resource_ref" || x.Name == "obj_ref") && ids[x.ID()] {
			found = true
		}
		return !found
	})
	return found
}

// cmdMaintenance is `maintenance [on|off]`: the cluster-wide
// maintenance-mode property (crmsh's `maintenance on|off`); without an
// argument it says whether it is on.
func (s *session) cmdMaintenance(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) == 0 {
		doc, err := s.readCIB(ctx)
		if err != nil {
			return err
		}
		on := false
		configuration(doc).Walk(func(x *xmltree.Element) bool {
			if x.Name == "nvpair" && x.Attr("name") == "maintenance-mode" && x.Parent != nil && x.Parent.Name == "cluster_property_set" {
				on = isTrue(x.Attr("value"))
			}
			return true
		})
		if s.output == "json" {
			return s.printJSON(map[string]bool{"maintenance_mode": on})
		}
		if on {
			fmt.Fprintln(s.stdout, "maintenance mode is on")
		} else {
			fmt.Fprintln(s.stdout, "maintenance mode is off")
		}
		return nil
	}
	var v string
	switch inv.Args[0] {
	case "on", "true", "yes":
		v = "true"
	case "off", "false", "no":
		v = "false"
	default:
		return usagef("on or off, not %q", inv.Args[0])
	}
	if len(inv.Args) > 1 {
		return usagef("on or off")
	}
	return s.change(ctx, func(doc *xmltree.Document) error {
		return crmApply(doc, "property maintenance-mode="+v)
	})
}

func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "on", "yes", "y", "1":
		return true
	}
	return false
}
