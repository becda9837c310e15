package rule

import (
	"errors"
	"sort"
	"time"

	"pacer/share/score"
	"pacer/share/xmltree"
)

// UnpackNVSets reads option blocks (instance_attributes, meta_attributes,
// utilization, cluster_property_set, the sets inside rsc_defaults and
// op_defaults) into a map, the way Pacemaker unpacks them: blocks are taken
// by their score, highest first, and the block whose id is ctx.FirstSetID
// before all others; a block counts when it has no rule or its rule passes;
// and for each name the first value found wins.
//
// Among blocks of equal score the one listed LAST wins. Pacemaker
// Explained says equal scores go in listed order, but Pacemaker does the
// opposite: crm_simulate 2.1.5 shows it for meta_attributes and
// cluster_property_set, and the 3.0.2 regression case op-defaults-3
// expects it for op_defaults (as the Rules chapter says for those: "the
// last one specified will be the one that takes effect").
//
// Problems are dropped; use UnpackNVSetsInto to see them.
func UnpackNVSets(sets []*xmltree.Element, ctx *Context) map[string]string {
	out := map[string]string{}
	UnpackNVSetsInto(out, sets, ctx)
	return out
}

// UnpackNVSetsInto is UnpackNVSets adding to dst, never replacing a name
// dst already has. Unpacking a resource's own blocks first and then its
// template's and rsc_defaults into the same map gives Pacemaker's layering.
// It returns the earliest time after ctx.Now at which a rule among the
// blocks may change (zero if none) and what was malformed.
func UnpackNVSetsInto(dst map[string]string, sets []*xmltree.Element, ctx *Context) (time.Time, error) {
	if ctx == nil {
		ctx = &Context{}
	}
	ev := &evaluator{ctx: ctx}
	type block struct {
		el    *xmltree.Element
		score score.Score
		first bool
	}
	var blocks []block
	for i := len(sets) - 1; i >= 0; i-- { // reversed: see UnpackNVSets
		s := sets[i]
		if s == nil {
			continue
		}
		sc := s.Attr("score")
		target := ev.deref(s)
		if target == nil {
			continue
		}
		if sc == "" {
			sc = target.Attr("score")
		}
		v, err := score.Lenient(sc)
		if err != nil && sc != "" {
			ev.fail(s, "score: %v", err)
		}
		first := ctx.FirstSetID != "" && (s.ID() == ctx.FirstSetID || target.ID() == ctx.FirstSetID)
		blocks = append(blocks, block{target, v, first})
	}
	sort.SliceStable(blocks, func(i, j int) bool {
		if blocks[i].first != blocks[j].first {
			return blocks[i].first
		}
		return blocks[i].score > blocks[j].score
	})
	for _, b := range blocks {
		if !ev.blockApplies(b.el) {
			continue
		}
		for _, nv := range b.el.ChildrenNamed("nvpair") {
			nv = ev.deref(nv)
			if nv == nil {
				continue
			}
			name, ok := nv.AttrOK("name")
			if !ok {
				ev.fail(nv, "nvpair without a name")
				continue
			}
			value, ok := nv.AttrOK("value")
			// "#default" means "no value here": a later block may set it.
			if !ok || value == "#default" {
				continue
			}
			if _, seen := dst[name]; !seen {
				dst[name] = value
			}
		}
	}
	return ev.next, errors.Join(ev.errs...)
}

// blockApplies evaluates the rules directly inside an option block; all of
// them must pass (Pacemaker allows only one, which may nest others).
func (ev *evaluator) blockApplies(b *xmltree.Element) bool {
	ok := true
	for _, r := range b.ChildrenNamed("rule") {
		if r = ev.deref(r); r == nil || !ev.rule(r, 0) {
			ok = false
		}
	}
	return ok
}
