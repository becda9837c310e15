package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"

	"pacer/share/options"
	"pacer/share/xmltree"
	"pacer/shell/cmdtree"
	"pacer/shell/crm"
)

// This file is the one place the shell meets the crm configuration language
// (package pacer/shell/crm): printing objects as crm text, parsing crm
// statements and applying them to a configuration.

// crmShow prints the configuration, or the selected objects, as crm text.
func crmShow(cfg *xmltree.Element, elems []*xmltree.Element, selected bool) (string, error) {
	return crmText(crm.Show, cfg, elems, selected)
}

// crmDisplay is crmShow for the eyes only: secrets hidden (configure show).
func crmDisplay(cfg *xmltree.Element, elems []*xmltree.Element, selected bool) (string, error) {
	return crmText(crm.ShowObscured, cfg, elems, selected)
}

func crmText(show func(*xmltree.Element, ...string) string, cfg *xmltree.Element, elems []*xmltree.Element, selected bool) (string, error) {
	if !selected {
		return withNewline(show(cfg)), nil
	}
	var ids []string
	for _, e := range elems {
		if e.Name == "fencing-topology" {
			ids = append(ids, "fencing_topology")
			continue
		}
		ids = append(ids, e.ID())
	}
	if len(ids) == 0 {
		return "", nil
	}
	return withNewline(show(cfg, ids...)), nil
}

func withNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// crmLoad applies crm text (a whole file) to doc: replace or update.
func crmLoad(doc *xmltree.Document, text, name, mode string) error {
	sts, err := crm.Parse(text)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	m := crm.Update
	if mode == "replace" {
		m = crm.Replace
	}
	if err := crm.Apply(configuration(doc), sts, m); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// crmApply applies one crm statement (the whole line, keyword included).
func crmApply(doc *xmltree.Document, line string) error {
	sts, err := crm.Parse(line)
	if err != nil {
		return err
	}
	return crm.Apply(configuration(doc), sts, crm.Update)
}

// cmdObject runs a configure object command (primitive, group, ...): the
// line is parsed as crm text and applied to the staged configuration. An
// object whose id exists already is refused (crmsh's rule); "edit" or
// "load update" replace objects.
func (s *session) cmdObject(kind string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		if inv.RawArgs == "" {
			return usagef("%s needs arguments", kind)
		}
		line := kind + " " + inv.RawArgs
		return s.edit(ctx, func(doc *xmltree.Document) error {
			sts, err := crm.Parse(line)
			if err != nil {
				return err
			}
			cfg := configuration(doc)
			for _, st := range sts {
				if st.ID == "" || st.Elem == nil {
					continue
				}
				switch st.Kind {
				case "property", "rsc_defaults", "op_defaults", "fencing_topology", "node":
					continue // these merge
				}
				if e := cfg.FindID(st.ID); e != nil && e.Name != "node" {
					return fmt.Errorf("id %s is already in use (by a %s); delete it or use edit", st.ID, crmKind(e))
				}
			}
			if err := s.checkAgents(sts); err != nil {
				return err
			}
			s.checkOptions(sts)
			return crm.Apply(cfg, sts, crm.Update)
		})
	}
}

// checkAgents checks primitives against their agents' meta-data, as
// crmsh does: an unknown agent, an unknown parameter, a required parameter
// not set and an operation the agent does not have are errors (with
// suggestions) unless forced, then warnings.
func (s *session) checkAgents(sts []*crm.Statement) error {
	var errs []string
	complain := func(msg string) {
		if s.force {
			s.warnf("%s", msg)
		} else {
			errs = append(errs, msg)
		}
	}
	if err := s.checkAgentsWith(sts, complain); err != nil {
		return err
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s (use --force to define it anyway)", errs[0])
	}
	return fmt.Errorf("%s (use --force to define it anyway)", strings.Join(errs, "; "))
}

// implicitParam tells the parameters that are not the agent's own but
// Pacemaker's: the fencer's pcmk_* and device options for fence agents,
// the tracing switches of OCF agents (resource trace).
func implicitParam(class, name string) bool {
	switch class {
	case "stonith":
		return strings.HasPrefix(name, "pcmk_") || name == "priority" || name == "provides"
	case "ocf":
		return name == "trace_ra" || name == "trace_file"
	}
	return false
}

// fencerSupplied are fence agent parameters the fencer fills in itself
// (the action, and the target's port), so a device need not set them.
var fencerSupplied = map[string]bool{"action": true, "port": true, "plug": true, "nodename": true}

// standardOps are the operations Pacemaker itself may ask of any agent.
var standardOps = []string{"start", "stop", "monitor", "status", "promote", "demote", "notify",
	"migrate_to", "migrate_from", "reload", "reload-agent", "meta-data", "validate-all"}

func (s *session) checkAgentsWith(sts []*crm.Statement, complain func(string)) error {
	for _, st := range sts {
		if st.Kind != "primitive" || st.Elem == nil {
			continue
		}
		e := st.Elem
		if e.Attr("template") != "" {
			continue
		}
		agent := e.Attr("class") + ":"
		if p := e.Attr("provider"); p != "" {
			agent += p + ":"
		}
		agent += e.Attr("type")
		m := agentMeta(agent)
		if m == nil {
			if s.force {
				s.warnf("%s: agent %s not found here; no parameter check", st.ID, agent)
				continue
			}
			msg := fmt.Sprintf("resource agent %s not found (use --force to define it anyway)", agent)
			if sug := cmdtree.Suggest(e.Attr("type"), agentCache.list(e.Attr("class"), e.Attr("provider"))); len(sug) > 0 {
				msg += "; did you mean " + strings.Join(quoteAll(sug), " or ") + "?"
			}
			return errors.New(msg)
		}
		given := map[string]bool{}
		for _, set := range e.ChildrenNamed("instance_attributes") {
			for _, nv := range set.ChildrenNamed("nvpair") {
				name := nv.Attr("name")
				given[name] = true
				if _, ok := m.Param(name); !ok && !implicitParam(e.Attr("class"), name) {
					var names []string
					for _, p := range m.Parameters {
						names = append(names, p.Name)
					}
					msg := fmt.Sprintf("%s: %s has no parameter %q", st.ID, agent, name)
					if sug := cmdtree.Suggest(name, names); len(sug) > 0 {
						msg += ", did you mean " + strings.Join(quoteAll(sug), " or ") + "?"
					}
					complain(msg)
				}
			}
		}
		for _, p := range m.Parameters {
			if p.Required && !given[p.Name] && !(e.Attr("class") == "stonith" && fencerSupplied[p.Name]) {
				complain(fmt.Sprintf("%s: required parameter %s of %s is not set", st.ID, p.Name, agent))
			}
		}
		known := append([]string{}, standardOps...)
		for _, a := range m.Actions {
			known = append(known, a.Name)
		}
		for _, ops := range e.ChildrenNamed("operations") {
			for _, op := range ops.ChildrenNamed("op") {
				name := op.Attr("name")
				if slices.Contains(known, name) {
					continue
				}
				msg := fmt.Sprintf("%s: %s has no operation %q", st.ID, agent, name)
				if sug := cmdtree.Suggest(name, known); len(sug) > 0 {
					msg += ", did you mean " + strings.Join(quoteAll(sug), " or ") + "?"
				}
				complain(msg)
			}
		}
	}
	return nil
}

// cmdEdit opens the configuration (or the named objects) as crm text in
// $EDITOR and applies what comes back. A parse error is shown and, on a
// terminal, the editor opens again on the same text.
func (s *session) cmdEdit(ctx context.Context, inv *cmdtree.Invocation) error {
	if err := s.ensureWork(ctx); err != nil {
		return err
	}
	cfg := configuration(s.work)
	var text string
	if len(inv.Args) > 0 {
		elems, err := selectObjects(cfg, inv.Args)
		if err != nil {
			return err
		}
		text, _ = crmShow(cfg, elems, true)
	} else {
		text = crm.Show(cfg)
	}
	before, _ := crm.Parse(text)
	f, err := os.CreateTemp("", "pacer-edit-*.crm")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	f.WriteString(text)
	f.Close()
	editor := os.Getenv("EDITOR")
	if editor == "" {
		editor = "vi"
	}
	for {
		cmd := exec.CommandContext(ctx, "sh", "-c", editor+` "$1"`, "editor", f.Name())
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, s.stdout, s.stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("editor %s: %w", editor, err)
		}
		data, err := os.ReadFile(f.Name())
		if err != nil {
			return err
		}
		if bytes.Equal(data, []byte(text)) {
			return nil // unchanged
		}
		err = s.applyEdited(ctx, string(data), before, len(inv.Args) == 0)
		if err == nil {
			return nil
		}
		fmt.Fprintf(s.stderr, "ERROR: %v\n", err)
		if !s.terminal || !s.ask("Edit again") {
			return errors.New("edit not applied (your text was not kept)")
		}
	}
}

func (s *session) applyEdited(ctx context.Context, text string, before []*crm.Statement, whole bool) error {
	sts, err := crm.Parse(text)
	if err != nil {
		return err
	}
	return s.edit(ctx, func(doc *xmltree.Document) error {
		if whole {
			return crm.Apply(configuration(doc), sts, crm.Replace)
		}
		// Objects deleted from the text are deleted.
		var kept []string
		for _, st := range sts {
			kept = append(kept, st.ID)
		}
		var gone []string
		for _, st := range before {
			if st.ID != "" && !slices.Contains(kept, st.ID) {
				gone = append(gone, st.ID)
			}
		}
		if len(gone) > 0 {
			del, err := crm.Parse("delete " + strings.Join(gone, " "))
			if err != nil {
				return err
			}
			sts = append(del, sts...)
		}
		return crm.Apply(configuration(doc), sts, crm.Update)
	})
}

// checkOptions warns about unknown or invalid option names and values in
// property, rsc_defaults and op_defaults, suggesting the known names.
func (s *session) checkOptions(sts []*crm.Statement) {
	for _, st := range sts {
		var table *options.Table
		switch st.Kind {
		case "property":
			table = options.ClusterOptions
		case "rsc_defaults":
			table = options.ResourceMeta
		case "op_defaults":
			table = options.OperationOptions
		default:
			continue
		}
		if st.Elem == nil {
			continue
		}
		st.Elem.Walk(func(e *xmltree.Element) bool {
			if e.Name != "nvpair" {
				return true
			}
			name, value := e.Attr("name"), e.Attr("value")
			o, ok := table.Lookup(name)
			if !ok {
				msg := fmt.Sprintf("%s: unknown option %q", st.Kind, name)
				if sug := cmdtree.Suggest(name, table.Names(true)); len(sug) > 0 {
					msg += "; did you mean " + strings.Join(quoteAll(sug), " or ") + "?"
				}
				s.warnf("%s", msg)
				return true
			}
			if err := o.Validate(value); err != nil {
				s.warnf("%s: %s=%s: %v", st.Kind, name, value, err)
			}
			if o.Deprecated != "" {
				s.warnf("%s: %s is deprecated: %s", st.Kind, name, o.Deprecated)
			}
			return true
		})
	}
}
