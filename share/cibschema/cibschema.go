// Package cibschema checks a CIB against Pacemaker's RelaxNG schemas, the
// way crm_verify and cibadmin do, and knows which role names a schema
// version allows. The schemas are Pacemaker's own (Debian's
// pacemaker-common / pacemaker-schemas); validation is libxml2's, run as
// xmllint, rather than a RelaxNG implementation of our own.
package cibschema

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"pacer/share/xmltree"
)

// Dir is where Pacemaker's schemas are: $PCMK_schema_directory, else
// Debian's /usr/share/pacemaker.
func Dir() string {
	if d := os.Getenv("PCMK_schema_directory"); d != "" {
		return d
	}
	return "/usr/share/pacemaker"
}

// ErrUnavailable says the check could not be made (no xmllint, or no
// schema file for the CIB's validate-with); the reason is wrapped.
var ErrUnavailable = errors.New("schema check unavailable")

// Problem is one schema violation: the element (its path and, when the
// document was parsed from text, its line there) and libxml2's message.
type Problem struct {
	Path string // /cib/configuration/resources/primitive[@id='a']/operations/op[@id='a-mon']
	Line int
	Msg  string
}

// Check validates doc against the schema its validate-with names. It
// returns the violations (none when valid), or an error wrapping
// ErrUnavailable when it cannot check.
func Check(ctx context.Context, doc *xmltree.Document) ([]Problem, error) {
	if doc == nil || doc.Root == nil {
		return nil, fmt.Errorf("no CIB")
	}
	schema := doc.Root.Attr("validate-with")
	switch schema {
	case "none":
		return nil, nil // the admin turned validation off, as Pacemaker allows
	case "":
		return nil, fmt.Errorf("%w: the CIB has no validate-with", ErrUnavailable)
	}
	if strings.ContainsAny(schema, "/\\") || strings.HasPrefix(schema, ".") {
		return []Problem{{Msg: fmt.Sprintf("validate-with %q is not a schema name", schema)}}, nil
	}
	rng := filepath.Join(Dir(), schema+".rng")
	if _, err := os.Stat(rng); err != nil {
		return nil, fmt.Errorf("%w: schema %s is not installed here (%s)", ErrUnavailable, schema, rng)
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		return nil, fmt.Errorf("%w: xmllint not found (Debian: libxml2-utils)", ErrUnavailable)
	}
	var text bytes.Buffer
	if err := doc.Write(&text, xmltree.Pretty); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, xmllint, "--noout", "--relaxng", rng, "-")
	cmd.Stdin = bytes.NewReader(text.Bytes())
	cmd.Dir = Dir() // the schema's externalRefs are relative to it
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &ee) && ee.ExitCode() == 3:
		// xmllint's "validation error"
	default:
		return nil, fmt.Errorf("%w: xmllint: %v: %s", ErrUnavailable, err, strings.TrimSpace(stderr.String()))
	}
	ps := parseXmllint(stderr.String())
	// xmllint's lines are those of the text written here: name the
	// element, and its line in the document as it was read.
	written, err := xmltree.ParseBytes(text.Bytes())
	if err != nil {
		return ps, nil
	}
	at := map[int]*xmltree.Element{}
	paths := map[*xmltree.Element]string{}
	var pair func(w, o *xmltree.Element, path string)
	pair = func(w, o *xmltree.Element, path string) {
		p := path + "/" + w.Name
		if id := w.Attr("id"); id != "" {
			p += "[@id='" + id + "']"
		}
		if _, ok := at[w.Line]; !ok {
			at[w.Line] = o
			paths[o] = p
		}
		for i, c := range w.Children {
			if i < len(o.Children) && c != nil && o.Children[i] != nil && c.Name == o.Children[i].Name {
				pair(c, o.Children[i], p)
			}
		}
	}
	pair(written.Root, doc.Root, "")
	for i := range ps {
		if e, ok := at[ps[i].Line]; ok {
			ps[i].Path, ps[i].Line = paths[e], e.Line
		} else {
			ps[i].Path, ps[i].Line = "/cib", 0
		}
	}
	return ps, nil
}

// "-:12: element op: Relax-NG validity error : Invalid attribute role for element op"
var xmllintLine = regexp.MustCompile(`^-:(\d+): (.*)$`)

func parseXmllint(out string) []Problem {
	var ps []Problem
	seen := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		m := xmllintLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		msg := strings.Replace(m[2], " Relax-NG validity error : ", " ", 1)
		if seen[m[1]+msg] {
			continue
		}
		seen[m[1]+msg] = true
		ps = append(ps, Problem{Line: n, Msg: msg})
	}
	if len(ps) == 0 {
		ps = append(ps, Problem{Msg: "the CIB does not validate against its schema"})
	}
	return ps
}

// Version parses "pacemaker-X.Y" into X and Y. ok is false for other
// names ("pacemaker-next", "none", "transitional-0.6").
func Version(validateWith string) (major, minor int, ok bool) {
	v, found := strings.CutPrefix(validateWith, "pacemaker-")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(v, ".")
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if !found || err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return x, y, true
}

// NewRoleNames reports whether a CIB validated with validateWith may name
// roles Promoted and Unpromoted: pacemaker-3.7 introduced them; older
// schemas know only Master and Slave.
func NewRoleNames(validateWith string) bool {
	x, y, ok := Version(validateWith)
	if !ok {
		// pacemaker-next, latest, none: the newest rules; the 0.6 era's
		// transitional schemas: the oldest.
		return validateWith != "" && !strings.HasPrefix(validateWith, "transitional-")
	}
	return x > 3 || (x == 3 && y >= 7)
}

// roleAttrs are the attributes that hold a role, by element.
var roleAttrs = map[string][]string{
	"rsc_colocation": {"rsc-role", "with-rsc-role"},
	"rsc_location":   {"role"},
	"rsc_ticket":     {"rsc-role"},
	"rule":           {"role"},
	"resource_set":   {"role"},
	"op":             {"role"},
}

// FitRoles rewrites role names in root (a <cib>) to those its schema
// allows, as crmsh does: Promoted/Unpromoted become Master/Slave under a
// schema older than pacemaker-3.7. Newer schemas accept both spellings, so
// nothing is changed there. It returns how many values it changed.
func FitRoles(root *xmltree.Element) int {
	if root == nil || NewRoleNames(root.Attr("validate-with")) {
		return 0
	}
	old := map[string]string{"Promoted": "Master", "Unpromoted": "Slave"}
	n := 0
	var walk func(e *xmltree.Element, inMeta bool)
	walk = func(e *xmltree.Element, inMeta bool) {
		for _, a := range roleAttrs[e.Name] {
			if v, ok := old[e.Attr(a)]; ok {
				e.SetAttr(a, v)
				n++
			}
		}
		if inMeta && e.Name == "nvpair" && e.Attr("name") == "target-role" {
			if v, ok := old[e.Attr("value")]; ok {
				e.SetAttr("value", v)
				n++
			}
		}
		if e.Name == "status" {
			return
		}
		for _, c := range e.Children {
			walk(c, inMeta || e.Name == "meta_attributes")
		}
	}
	walk(root, false)
	return n
}
