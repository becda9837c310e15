package scheduler

import (
	"pacer/share/rule"
	"strings"
	"time"

	"pacer/share/score"
	"pacer/share/xmltree"
)

// ruleCtx is what a rule is evaluated against.
type ruleCtx struct {
	now       time.Time
	nodeAttrs map[string]string // nil: no node context
	role      string
	rscParams map[string]string
	rscMeta   map[string]string
	rsc       *Resource // for rsc_expression
	op        string    // for op_expression
	interval  time.Duration
	// nextChange is the earliest time after now when a date rule may
	// change its result (zero: none known).
}

// ruleContext adapts the scheduler's evaluation context to share/rule.
func (c *ruleCtx) ruleContext(doc *xmltree.Element) *rule.Context {
	rc := &rule.Context{Node: c.nodeAttrs, Params: c.rscParams, Meta: c.rscMeta, Now: c.now}
	if c.rsc != nil {
		rc.Rsc = &rule.Resource{Class: c.rsc.Class, Provider: c.rsc.Provider, Type: c.rsc.Type}
	}
	if c.op != "" {
		rc.Op = &rule.Op{Name: c.op, Interval: c.interval}
	}
	if doc != nil {
		rc.Resolve = func(id string) *xmltree.Element { return findByID(doc, id) }
	}
	return rc
}

// evalRule evaluates a <rule> element (share/rule implements the rules).
func evalRule(r *xmltree.Element, c *ruleCtx, doc *xmltree.Element) bool {
	if role := r.Attr("role"); role != "" && c.role != "" && normRole(role) != c.role {
		return false
	}
	return rule.Matches(r, c.ruleContext(doc))
}

func findByID(root *xmltree.Element, id string) *xmltree.Element {
	if root.Attr("id") == id {
		return root
	}
	for _, c := range root.Children {
		if f := findByID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// ruleScore is the score a location rule contributes on a node.
func ruleScore(r *xmltree.Element, attrs map[string]string) (score.Score, bool) {
	if s, ok := r.AttrOK("score"); ok {
		v, _ := score.Lenient(s)
		return v, true
	}
	if a := r.Attr("score-attribute"); a != "" {
		v, ok := attrs[a]
		if !ok {
			return 0, false
		}
		sc, _ := score.Lenient(v)
		return sc, true
	}
	return 0, true
}

// unpackNVSets merges the attribute blocks called name under parent the
// way Pacemaker does (share/rule.UnpackNVSets: score order, rules, first
// value wins).
func unpackNVSets(parent *xmltree.Element, name string, c *ruleCtx, root *xmltree.Element) map[string]string {
	if parent == nil {
		return map[string]string{}
	}
	sets := parent.ChildrenNamed(name)
	if len(sets) == 0 {
		return map[string]string{}
	}
	rc := c.ruleContext(root)
	if name == "cluster_property_set" {
		rc.FirstSetID = "cib-bootstrap-options"
	}
	return rule.UnpackNVSets(sets, rc)
}

// mergeNVSets is merge(dst, unpackNVSets(...)) without the maps between:
// it runs several times for every resource.
func mergeNVSets(dst map[string]string, parent *xmltree.Element, name string, c *ruleCtx, root *xmltree.Element) {
	if parent == nil {
		return
	}
	sets := parent.ChildrenNamed(name)
	if len(sets) == 0 {
		return
	}
	rc := c.ruleContext(root)
	if name == "cluster_property_set" {
		rc.FirstSetID = "cib-bootstrap-options"
	}
	if len(dst) == 0 {
		// nothing to override: unpack in place
		rule.UnpackNVSetsInto(dst, sets, rc)
		return
	}
	merge(dst, rule.UnpackNVSets(sets, rc))
}

func merge(dst, src map[string]string) {
	for k, v := range src {
		dst[k] = v
	}
}

func normRole(r string) string {
	switch strings.ToLower(r) {
	case "master", "promoted":
		return "Promoted"
	case "slave", "unpromoted":
		return "Unpromoted"
	case "started":
		return "Started"
	case "stopped":
		return "Stopped"
	}
	return r
}
