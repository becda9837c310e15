package rule

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pacer/share/score"
	"pacer/share/xmltree"
)

func el(t *testing.T, s string) *xmltree.Element {
	t.Helper()
	e, err := xmltree.ParseElement(s)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return e
}

var now = time.Date(2005, 1, 20, 12, 0, 0, 0, time.UTC) // a Thursday, ISO week 3

func nodeCtx() *Context {
	return &Context{
		Node: map[string]string{"#uname": "n1", "#id": "1", "#kind": "cluster", "cpu": "10",
			"site": "Alpha", "ver": "1.10", "fl": "2.5", "prefer-httpd": "100"},
		Params: map[string]string{"want": "Alpha"},
		Meta:   map[string]string{"limit": "20"},
		Now:    now,
	}
}

func expr(attr, op, value, extra string) string {
	v := ""
	if value != "-" {
		v = ` value="` + value + `"`
	}
	return `<expression id="e" attribute="` + attr + `" operation="` + op + `"` + v + " " + extra + `/>`
}

func rule(body string) string { return `<rule id="r" score="100">` + body + `</rule>` }

func check(t *testing.T, ctx *Context, cases map[string]bool) {
	t.Helper()
	for xml, want := range cases {
		res, _ := Evaluate(el(t, xml), ctx)
		if res.Matched != want {
			t.Errorf("%s: matched=%v, want %v", xml, res.Matched, want)
		}
	}
}

func TestExpressionComparesAsPacemakerDoes(t *testing.T) {
	check(t, nodeCtx(), map[string]bool{
		rule(expr("site", "eq", "alpha", "")):                    true, // strings compare without case
		rule(expr("#uname", "eq", "N1", "")):                     true,
		rule(expr("cpu", "lt", "9", "")):                         false, // integers by default for lt
		rule(expr("cpu", "gt", "9", `type="string"`)):            false, // "10" < "9" as text
		rule(expr("ver", "gt", "1.9", `type="version"`)):         true,
		rule(expr("ver", "gt", "1.9", `type="number"`)):          false,
		rule(expr("ver", "gt", "1.9", "")):                       false, // a dot makes it number
		rule(expr("fl", "eq", "2", `type="integer"`)):            true,  // integer truncates
		rule(expr("fl", "gt", "2", "")):                          true,
		rule(expr("cpu", "eq", "010", "")):                       false, // eq is string by default
		rule(expr("cpu", "eq", "010", `type="integer"`)):         true,
		rule(expr("site", "lt", "Beta", "")):                     true, // not numbers: text
		rule(expr("cpu", "lte", "10", "")):                       true,
		rule(expr("cpu", "gte", "11", "")):                       false,
		rule(expr("cpu", "EQ", "10", "")):                        true,
		rule(expr("cpu", "eq", "10", `type="bogus"`)):            true,
		rule(expr("ver", "eq", "1.10.0", `type="version"`)):      true,
		rule(expr("ver", "lt", "1.a", `type="version"`)):         false,
		rule(expr("cpu", "defined", "-", "")):                    true,
		rule(expr("nope", "not_defined", "-", "")):               true,
		rule(expr("cpu", "eq", "-", "")):                         false,
		rule(expr("cpu", "foo", "1", "")):                        false,
		rule(expr("site", "eq", "want", `value-source="param"`)): true,
		rule(expr("cpu", "lt", "limit", `value-source="meta"`)):  true,
		rule(expr("cpu", "lt", "absent", `value-source="meta"`)): false,
	})
}

func TestMissingAttributeIsOnlyNotEqual(t *testing.T) {
	check(t, nodeCtx(), map[string]bool{
		rule(expr("foo", "ne", "x", "")): true,
		rule(expr("foo", "eq", "x", "")): false,
		rule(expr("foo", "lt", "5", "")): false,
		rule(expr("foo", "gt", "5", "")): false,
	})
}

func TestBooleanOpAndNesting(t *testing.T) {
	a, b := expr("cpu", "eq", "1", ""), expr("site", "eq", "Alpha", "")
	check(t, nodeCtx(), map[string]bool{
		`<rule id="r" boolean-op="or">` + a + b + `</rule>`:  true,
		`<rule id="r" boolean-op="OR">` + a + b + `</rule>`:  true,
		`<rule id="r" boolean-op="and">` + a + b + `</rule>`: false,
		`<rule id="r">` + a + b + `</rule>`:                  false,
		`<rule id="r" boolean-op="xor">` + a + b + `</rule>`: false, // unknown means and
		`<rule id="r"/>`: true, // empty passes
		`<rule id="r"><rule id="n">` + a + `</rule>` + b + `</rule>`:                            false,
		`<rule id="r"><rule id="n"/>` + b + `</rule>`:                                           true,
		`<rule id="r" boolean-op="or"><rule id="n" boolean-op="or">` + a + b + `</rule></rule>`: true,
	})
}

func TestScoreAndScoreAttribute(t *testing.T) {
	ctx := nodeCtx()
	cases := map[string]score.Score{
		`<rule id="r" score="INFINITY"/>`:                score.Infinity,
		`<rule id="r" score="-50"/>`:                     -50,
		`<rule id="r" score-attribute="cpu"/>`:           10,
		`<rule id="r" score-attribute="nope"/>`:          score.MinusInfinity,
		`<rule id="r" score-attribute="site"/>`:          0,
		`<rule id="r" score-attribute="cpu" score="5"/>`: 5,
		`<rule id="r"/>`:                                 0,
		`<rule id="r" score-attribute="prefer-%2"/>`:     100,
	}
	ctx.Submatches = []string{"ip-httpd", "ip", "httpd"}
	for xml, want := range cases {
		res, _ := Evaluate(el(t, xml), ctx)
		if res.Score != want {
			t.Errorf("%s: score %v, want %v", xml, res.Score, want)
		}
	}
	ctx.Node["h"] = "yellow"
	ctx.Health = score.Health{Yellow: -3}
	if res, _ := Evaluate(el(t, `<rule id="r" score-attribute="h"/>`), ctx); res.Score != -3 {
		t.Errorf("health alias gave %v", res.Score)
	}
}

func TestSubmatchesReplaceInAttribute(t *testing.T) {
	ctx := nodeCtx()
	ctx.Submatches = []string{"ip-httpd", "ip", "httpd"}
	check(t, ctx, map[string]bool{
		rule(expr("prefer-%2", "defined", "-", "")): true,
		rule(expr("prefer-%1", "defined", "-", "")): false,
	})
}

func dexpr(attrs, inner string) string {
	return rule(`<date_expression id="d" ` + attrs + `>` + inner + `</date_expression>`)
}

func TestDateExpressionsCompareWithNow(t *testing.T) {
	check(t, nodeCtx(), map[string]bool{
		dexpr(`operation="gt" start="2005-01-20 12:00:00"`, ""):                                                               false,
		dexpr(`operation="gt" start="2005-01-20 11:59:59"`, ""):                                                               true,
		dexpr(`operation="lt" end="2005-01-20 12:00:00"`, ""):                                                                 false,
		dexpr(`operation="lt" end="2005-01-20 12:00:01"`, ""):                                                                 true,
		dexpr(`operation="in_range" start="2005-01-01" end="2005-01-20 12:00:00"`, ""):                                        true,
		dexpr(`operation="in_range" start="2005-01-20 12:00:00" end="2005-02-01"`, ""):                                        true,
		dexpr(`start="2005-01-01" end="2005-02-01"`, ""):                                                                      true,
		dexpr(`operation="in_range" end="2005-02-01"`, ""):                                                                    true,
		dexpr(`operation="in_range"`, ""):                                                                                     false,
		dexpr(`operation="in_range" start="2005-01-01"`, `<duration id="u" days="19" hours="12"/>`):                           true,
		dexpr(`operation="in_range" start="2005-01-01"`, `<duration id="u" days="19" hours="11" minutes="59" seconds="59"/>`): false,
		dexpr(`operation="in_range" start="2005-01-01" end="2005-01-02"`, `<duration id="u" years="1"/>`):                     false,
		dexpr(`operation="in_range" start="2004-12-20T12:00:00"`, `<duration id="u" months="1"/>`):                            true,
		dexpr(`operation="in_range" start="2005-01-06T12:00:00"`, `<duration id="u" weeks="2"/>`):                             true,
		dexpr(`operation="gt" start="garbage"`, ""):                                                                           false,
		dexpr(`operation="gt"`, ""):                                                                                           false,
		dexpr(`operation="foo" start="2005-01-01"`, ""):                                                                       false,
		dexpr(`operation="in_range" start="2005-01-20T14:00:00+02:00" end="2005-01-20T14:00:00+02:00"`, ""):                   true,
	})
}

func TestDateSpecMatchesFieldsAndRanges(t *testing.T) {
	spec := func(attrs string) string {
		return dexpr(`operation="date_spec"`, `<date_spec id="s" `+attrs+`/>`)
	}
	check(t, nodeCtx(), map[string]bool{
		spec(`hours="12"`):                             true,
		spec(`hours="9-11"`):                           false,
		spec(`hours="9-12"`):                           true,
		spec(`hours="09-16" weekdays="1-5"`):           true,
		spec(`weekdays="4"`):                           true,
		spec(`weekdays="1-3"`):                         false,
		spec(`yeardays="20"`):                          true,
		spec(`weeks="3" weekyears="2005"`):             true,
		spec(`monthdays="20" months="1" years="2005"`): true,
		spec(`years="2004"`):                           false,
		spec(``):                                       true,
		spec(`hours="12-"`):                            true,
		spec(`hours="-12"`):                            true,
		spec(`hours="13-"`):                            false,
		spec(`hours="12-9"`):                           false,
		spec(`hours=" 12"`):                            true,
		spec(`minutes="0" seconds="0"`):                true,
		spec(`moon="3"`):                               true,
		spec(`moon="4"`):                               false,
		spec(`hours="x"`):                              false,
	})
}

func TestDateSpecUsesNowsZone(t *testing.T) {
	ctx := nodeCtx()
	ctx.Now = now.In(time.FixedZone("", 3*3600)) // 15:00 local
	check(t, ctx, map[string]bool{
		dexpr(`operation="date_spec"`, `<date_spec id="s" hours="15"/>`): true,
		dexpr(`operation="date_spec"`, `<date_spec id="s" hours="12"/>`): false,
	})
}

func TestNextChangeSaysWhenADateRuleFlips(t *testing.T) {
	cases := map[string]time.Time{
		dexpr(`operation="gt" start="2005-01-21"`, ""):                   time.Date(2005, 1, 21, 0, 0, 1, 0, time.UTC),
		dexpr(`operation="lt" end="2005-01-21"`, ""):                     time.Date(2005, 1, 21, 0, 0, 0, 0, time.UTC),
		dexpr(`start="2005-01-01" end="2005-01-21"`, ""):                 time.Date(2005, 1, 21, 0, 0, 1, 0, time.UTC),
		dexpr(`start="2005-02-01" end="2005-03-01"`, ""):                 time.Date(2005, 2, 1, 0, 0, 0, 0, time.UTC),
		dexpr(`start="2005-01-31"`, `<duration id="u" months="1"/>`):     time.Date(2005, 1, 31, 0, 0, 0, 0, time.UTC),
		dexpr(`operation="gt" start="2005-01-01"`, ""):                   {},
		dexpr(`operation="date_spec"`, `<date_spec id="s" hours="13"/>`): {},
		`<rule id="r" boolean-op="or"><date_expression id="a" operation="lt" end="2005-03-01"/>` +
			`<date_expression id="b" operation="gt" start="2005-02-01"/></rule>`: time.Date(2005, 2, 1, 0, 0, 1, 0, time.UTC),
	}
	for xml, want := range cases {
		res, err := Evaluate(el(t, xml), nodeCtx())
		if err != nil {
			t.Errorf("%s: %v", xml, err)
		}
		if !res.NextChange.Equal(want) {
			t.Errorf("%s: next change %v, want %v", xml, res.NextChange, want)
		}
	}
}

func TestRscAndOpExpressions(t *testing.T) {
	ctx := nodeCtx()
	ctx.Rsc = &Resource{Class: "ocf", Provider: "heartbeat", Type: "IPaddr2"}
	ctx.Op = &Op{Name: "monitor", Interval: 10 * time.Second}
	check(t, ctx, map[string]bool{
		rule(`<rsc_expression id="x" class="ocf" provider="heartbeat" type="IPaddr2"/>`): true,
		rule(`<rsc_expression id="x" type="IPaddr2"/>`):                                  true,
		rule(`<rsc_expression id="x" class="stonith"/>`):                                 false,
		rule(`<rsc_expression id="x" provider="pacemaker"/>`):                            false,
		rule(`<op_expression id="x" name="monitor"/>`):                                   true,
		rule(`<op_expression id="x" name="monitor" interval="10s"/>`):                    true,
		rule(`<op_expression id="x" name="monitor" interval="10000ms"/>`):                true,
		rule(`<op_expression id="x" name="monitor" interval="PT10S"/>`):                  true,
		rule(`<op_expression id="x" name="monitor" interval="20s"/>`):                    false,
		rule(`<op_expression id="x" name="start"/>`):                                     false,
	})
	ctx.Rsc, ctx.Op = nil, nil
	check(t, ctx, map[string]bool{
		rule(`<rsc_expression id="x" class="ocf"/>`):   false,
		rule(`<op_expression id="x" name="monitor"/>`): false,
	})
}

func TestMalformedRulesReportWhereAndFail(t *testing.T) {
	cases := map[string]string{
		rule(`<expression id="bad1" attribute="cpu" operation="foo" value="1"/>`):                                 `expression "bad1"`,
		rule(`<date_expression id="bad2" operation="gt" start="2005-13-01"/>`):                                    `date_expression "bad2"`,
		rule(`<date_expression id="bad3" operation="date_spec"><date_spec id="s3" hours="x"/></date_expression>`): `date_spec "s3"`,
		rule(`<frobnicate id="bad4"/>`):                   `frobnicate "bad4"`,
		rule(`<op_expression id="bad5" interval="10s"/>`): `op_expression "bad5"`,
		`<rule id="r" score="lots"/>`:                     `rule "r"`,
	}
	for xml, where := range cases {
		res, err := Evaluate(el(t, xml), nodeCtx())
		if err == nil || !strings.Contains(err.Error(), where) {
			t.Errorf("%s: error %v does not name %s", xml, err, where)
		}
		if res.Matched && !strings.HasPrefix(xml, `<rule id="r" score="lots"`) {
			t.Errorf("%s: malformed rule matched", xml)
		}
	}
}

func TestIDRefFollowsResolverAndStopsLoops(t *testing.T) {
	doc := el(t, `<x><rule id="real" score="7">`+expr("cpu", "eq", "10", "")+`</rule>`+
		`<rule id="loop"><rule id-ref="loop"/></rule></x>`)
	ctx := nodeCtx()
	ctx.Resolve = func(id string) *xmltree.Element {
		for _, c := range doc.Children {
			if c.ID() == id {
				return c
			}
		}
		return nil
	}
	res, err := Evaluate(el(t, `<rule id-ref="real"/>`), ctx)
	if err != nil || !res.Matched || res.Score != 7 {
		t.Errorf("id-ref: %+v %v", res, err)
	}
	if _, err := Evaluate(el(t, `<rule id-ref="missing"/>`), ctx); err == nil {
		t.Error("dangling id-ref gave no error")
	}
	res, err = Evaluate(doc.Children[1], ctx)
	if err == nil || res.Matched {
		t.Errorf("id-ref loop: %+v %v", res, err)
	}
}

func TestCompareVersions(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{{"1.10", "1.9", 1}, {"1.10", "1.10.0", 0}, {"2", "10", -1}, {"1.2.3", "1.2.4", -1}, {"3.0.2", "2.1.5", 1}}
	for _, c := range cases {
		if got := CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%s, %s) = %d", c.a, c.b, got)
		}
	}
}

func TestDateExpressionsWorkInWholeSeconds(t *testing.T) {
	ctx := nodeCtx()
	ctx.Now = now.Add(500 * time.Millisecond)
	check(t, ctx, map[string]bool{
		dexpr(`operation="gt" start="2005-01-20 12:00:00"`, ""):   false,
		dexpr(`operation="lt" end="2005-01-20 12:00:00"`, ""):     false,
		dexpr(`start="2005-01-01" end="2005-01-20 12:00:00"`, ""): true,
	})
}

func TestSharedAndLoopingIDRefsStayCheap(t *testing.T) {
	// Rule k refers twice to rule k+1: evaluated naively that is 2^40 calls.
	var b strings.Builder
	b.WriteString("<x>")
	for k := 0; k < 40; k++ {
		fmt.Fprintf(&b, `<rule id="r%d" boolean-op="or"><rule id-ref="r%d"/><rule id-ref="r%d"/></rule>`, k, k+1, k+1)
	}
	b.WriteString(`<rule id="r40">` + expr("cpu", "eq", "10", "") + `</rule>`)
	b.WriteString(`<rule id="loop"><rule id-ref="loop"/><rule id-ref="loop"/></rule></x>`)
	doc := el(t, b.String())
	ctx := nodeCtx()
	ctx.Resolve = func(id string) *xmltree.Element {
		for _, c := range doc.Children {
			if c.ID() == id {
				return c
			}
		}
		return nil
	}
	if res, err := Evaluate(doc.Children[0], ctx); !res.Matched || err != nil {
		t.Errorf("shared refs: %+v %v", res, err)
	}
	res, err := Evaluate(doc.Children[len(doc.Children)-1], ctx)
	if res.Matched || err == nil || !strings.Contains(err.Error(), "refers to itself") {
		t.Errorf("loop: %+v %v", res, err)
	}
}
