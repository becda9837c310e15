package differential

import (
	"fmt"

	"pacer/share/xmltree"
)

// containers are kept by the shrinker: without them a CIB is not one.
var containers = map[string]bool{
	"cib": true, "configuration": true, "status": true, "crm_config": true,
	"nodes": true, "resources": true, "constraints": true, "lrm": true, "lrm_resources": true,
}

// ShrinkBatch is how many one-element-smaller variants go to the oracle at
// once: enough to keep both chroots busy, few enough not to waste runs
// after the first success.
const ShrinkBatch = 8

// Shrink removes elements from cib, one at a time, as long as still says
// the smaller CIB's case still shows the disagreement (and Pacemaker still
// accepts it), until no single element can go. It returns the smallest CIB
// found and the number of oracle runs spent.
func (o *Oracle) Shrink(cib string, still func(*Case) bool) (string, int, error) {
	doc, err := xmltree.ParseString(cib)
	if err != nil {
		return "", 0, fmt.Errorf("shrink: %w", err)
	}
	runs := 0
	from := 0
	for {
		n := countCandidates(doc.Root)
		progressed := false
		for start := from; start < n && !progressed; start += ShrinkBatch {
			var variants []string
			for i := start; i < n && i < start+ShrinkBatch; i++ {
				variants = append(variants, without(doc.Root, i))
			}
			cases, err := o.RunCases(variants, false)
			if err != nil {
				return "", runs, err
			}
			runs += len(variants)
			for i, c := range cases {
				if c.Simulated() && still(c) {
					if doc, err = xmltree.ParseString(variants[i]); err != nil {
						return "", runs, err
					}
					from = start + i
					progressed = true
					break
				}
			}
		}
		if !progressed {
			if from == 0 {
				return doc.Root.Indented(), runs, nil
			}
			from = 0 // one more full pass: a removal may have freed earlier ones
		}
	}
}

// candidates are the removable elements in document order (an element
// before its children, so whole subtrees go first).
func candidates(root *xmltree.Element) []*xmltree.Element {
	var out []*xmltree.Element
	root.Walk(func(e *xmltree.Element) bool {
		if !containers[e.Name] {
			out = append(out, e)
		}
		return true
	})
	return out
}

func countCandidates(root *xmltree.Element) int { return len(candidates(root)) }

// without is the text of root with its i-th candidate removed.
func without(root *xmltree.Element, i int) string {
	c := root.Clone()
	e := candidates(c)[i]
	e.Parent.Remove(e)
	return c.Indented()
}
