package rule

import (
	"testing"
	"time"

	"pacer/share/xmltree"
)

// FuzzEvaluate feeds arbitrary rule XML to Check, Evaluate and
// UnpackNVSets: malformed rules must give errors, never a panic or a hang.
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{
		rule(expr("cpu", "gt", "5", `type="version"`)),
		dexpr(`operation="in_range" start="2005-001"`, `<duration id="u" years="1" months="-13"/>`),
		dexpr(`operation="date_spec"`, `<date_spec id="s" hours="9-16" weekdays="1-" moon="-3"/>`),
		`<rule id="r" boolean-op="or"><rule id-ref="r"/><op_expression id="o" name="x" interval="P1Y"/></rule>`,
		`<instance_attributes id="a" score="x"><rule id="r"/><nvpair id-ref="a"/><nvpair name="n" value="v"/></instance_attributes>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := xmltree.ParseElement(s)
		if err != nil {
			return
		}
		ctx := nodeCtx()
		ctx.Now = time.Date(2005, 1, 31, 23, 59, 59, 0, time.UTC)
		ctx.Submatches = []string{"a", "b"}
		ctx.Resolve = func(id string) *xmltree.Element {
			if e.ID() == id {
				return e
			}
			return nil
		}
		Check(e)
		Evaluate(e, ctx)
		UnpackNVSets([]*xmltree.Element{e, e}, ctx)
	})
}
