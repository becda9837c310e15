// Package crm is the crmsh configuration language: it parses
// `crm configure` text into CIB XML and prints CIB XML as crm text, in
// crmsh 4.4's syntax, layout and object order, so admins can paste what
// `crm configure show` printed and read what Pacer prints with crmsh.
//
// The pieces, for the shell:
//
//	func Parse(text string) ([]*Statement, error)        // err is a *SyntaxError
//	func ParseObject(line string) (*xmltree.Element, error)
//	func Apply(cfg *xmltree.Element, stmts []*Statement, mode Mode) error // mode: Update or Replace
//	func Show(cfg *xmltree.Element, ids ...string) string // all, or just these objects
//	func Keywords() KeywordSet                            // words for completion
//	func CompletionContext(lineUpToCursor string) Context // what the word under the cursor is
//	func Equivalent(a, b *xmltree.Element) bool           // same configuration up to generated ids and order
//	func Canonical(e *xmltree.Element) string; func FirstDifference(a, b *xmltree.Element) string
//
// cfg is always the <configuration> element of a CIB.
//
// Parse reads one statement per logical line: a trailing backslash joins
// the next line and lines starting with '#' are comments. Besides objects
// (node, primitive, rsc_template, group, clone, ms, bundle, location,
// colocation, order, rsc_ticket, property, rsc_defaults, op_defaults,
// fencing_topology, tag, alert, role, acl_target, acl_group and crmsh's
// raw "xml <...>" form) it knows the commands delete and rename. Errors
// name the line, column, object and offending token and never panic.
// Generated ids follow crmsh: p1-instance_attributes,
// p1-instance_attributes-ip, p1-monitor-10s, l1-rule, l1-rule-expression,
// c1-0 for resource sets, cib-bootstrap-options for properties.
//
// Apply works on a copy and swaps it in only on success, so a failed
// Apply leaves the configuration exactly as it was. In Update mode objects
// replace same-id objects and the rest stays; in Replace mode the
// statements become the whole configuration (like crm configure load
// replace|update). property, rsc_defaults and op_defaults merge into an
// existing set of the same id. group/clone/ms/bundle statements move their
// member resources into place. delete removes objects and the constraint
// and tag references to them (a deleted container's members stay as
// top-level resources); rename also renames references. Statements apply
// in order, except that a container waits for members defined later.
// Comment lines before an object are kept as an XML comment opening it
// (where crmsh keeps them) and printed again by Show.
//
// Show prints in crmsh 4.4's order (nodes, templates, primitives, groups,
// bundles, clones, tags, location/colocation/order by id, fencing, tickets,
// properties, defaults, ACLs, alerts), each section sorted by id. It checks
// every object it prints by parsing it back; an object whose crm text
// would not mean the same XML, or that crmsh 4.4 writes only as XML
// (order require-all, colocation influence, property sets with rules...),
// is printed in crmsh's "xml <...>" form, so Show loses nothing and crmsh
// can read what it prints.
package crm
