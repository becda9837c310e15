package shell

import (
	"context"

	"pacer/share/xmltree"
	"pacer/shell/cmdtree"
)

// This file is the one place the shell meets the crm configuration language
// (package pacer/shell/crm): printing objects as crm text, parsing crm
// statements and applying them to a configuration.

// crmShow prints the configuration, or the selected objects, as crm text.
func crmShow(cfg *xmltree.Element, elems []*xmltree.Element, selected bool) (string, error) {
	return "", errNotAvailable("crm text output (package shell/crm)")
}

// crmLoad applies crm text (a whole file) to doc: replace or update.
func crmLoad(doc *xmltree.Document, text, name, mode string) error {
	return errNotAvailable("loading crm text (package shell/crm)")
}

// crmApply applies one crm statement (the whole line, keyword included).
func crmApply(doc *xmltree.Document, line string) error {
	return errNotAvailable("crm configuration statements (package shell/crm)")
}

// cmdObject runs a configure object command (primitive, group, ...): the
// line is parsed as crm text and applied to the staged configuration.
func (s *session) cmdObject(kind string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		if inv.RawArgs == "" {
			return usagef("%s needs arguments", kind)
		}
		line := kind + " " + inv.RawArgs
		return s.edit(ctx, func(doc *xmltree.Document) error { return crmApply(doc, line) })
	}
}

func (s *session) cmdEdit(ctx context.Context, inv *cmdtree.Invocation) error {
	return errNotAvailable("configure edit (needs package shell/crm)")
}
