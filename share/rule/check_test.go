package rule

import (
	"strings"
	"testing"
)

func TestCheckAcceptsWellFormedRules(t *testing.T) {
	for _, xml := range []string{
		rule(expr("cpu", "gt", "5", `type="integer"`)),
		rule(expr("cpu", "defined", "-", "")),
		`<rule id="r" score-attribute="cpu" boolean-op="or">` + expr("a", "eq", "b", `value-source="param"`) + expr("c", "ne", "d", "") + `</rule>`,
		dexpr(`operation="in_range" start="2005-001"`, `<duration id="u" years="1"/>`),
		dexpr(`operation="date_spec"`, `<date_spec id="s" hours="9-16" weekdays="1-5"/>`),
		dexpr(`start="2019-09-20 21:00:00 -05:00" end="2019-09-20 23:00:00 -05:00"`, ""),
		rule(`<rsc_expression id="x" class="ocf" provider="heartbeat" type="IPaddr2"/><op_expression id="y" name="monitor" interval="10s"/>`),
		`<rule id="r" score="INFINITY" role="Promoted"><rule id-ref="other"/></rule>`,
	} {
		if errs := Check(el(t, xml)); len(errs) != 0 {
			t.Errorf("%s: %v", xml, errs)
		}
	}
}

func TestCheckNamesEachProblem(t *testing.T) {
	cases := map[string]string{
		`<rule id="r" score="lots"/>`: `rule "r" (line 1): score "lots"`,
		`<rule id="r" score="1" score-attribute="x">` + expr("a", "defined", "-", "") + `</rule>`: "both score and score-attribute",
		`<rule id="r" boolean-op="xor">` + expr("a", "defined", "-", "") + `</rule>`:              `boolean-op "xor"`,
		`<rule id="r"/>`: "no conditions",
		rule(`<expression id="e" operation="eq" value="1"/>`):                                  `expression "e" (line 1): no attribute`,
		rule(`<expression id="e" attribute="a" operation="like" value="1"/>`):                  `operation "like" unknown`,
		rule(`<expression id="e" attribute="a" operation="eq"/>`):                              "needs a value",
		rule(`<expression id="e" attribute="a" operation="eq" value="1" type="float"/>`):       `type "float"`,
		rule(`<expression id="e" attribute="a" operation="eq" value="1" value-source="env"/>`): `value-source "env"`,
		dexpr(`operation="gt"`, ""):                                                         "needs start",
		dexpr(`operation="lt" start="2005-01-01"`, ""):                                      "needs end",
		dexpr(`operation="in_range"`, ""):                                                   "needs start or end",
		dexpr(`operation="gt" start="2005-02-30"`, ""):                                      `start: invalid date/time "2005-02-30"`,
		dexpr(`operation="in_range" start="2005-01-01"`, `<duration id="u" months="one"/>`): `duration "u" (line 1): months "one"`,
		dexpr(`operation="date_spec"`, ""):                                                  "needs a date_spec",
		dexpr(`operation="date_spec"`, `<date_spec id="s" hours="9-25"/>`):                  `hours "9-25": outside 0-23`,
		dexpr(`operation="date_spec"`, `<date_spec id="s" hours="17-9"/>`):                  "empty range",
		dexpr(`operation="date_spec"`, `<date_spec id="s" hours="1,2"/>`):                   `hours "1,2"`,
		dexpr(`operation="date_spec"`, `<date_spec id="s" fortnights="1"/>`):                "unknown field fortnights",
		dexpr(`operation="date_spec"`, `<date_spec id="s" moon="4"/>`):                      "deprecated",
		dexpr(`operation="sometimes"`, ""):                                                  `operation "sometimes" unknown`,
		rule(`<op_expression id="o" interval="10s"/>`):                                      `op_expression "o" (line 1): no name`,
		rule(`<op_expression id="o" name="monitor" interval="often"/>`):                     `invalid interval "often"`,
		rule(`<nvpair id="n" name="a" value="b"/>`):                                         `nvpair "n" (line 1): not a rule condition`,
	}
	for xml, want := range cases {
		errs := Check(el(t, xml))
		var all []string
		for _, e := range errs {
			all = append(all, e.Error())
		}
		if !strings.Contains(strings.Join(all, "\n"), want) {
			t.Errorf("%s: errors %q lack %q", xml, all, want)
		}
	}
}

func TestCheckReportsLine(t *testing.T) {
	errs := Check(el(t, "<rule id=\"r\">\n  <expression id=\"e\" attribute=\"a\" operation=\"bad\" value=\"1\"/>\n</rule>"))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 2") {
		t.Errorf("errors %v lack the line", errs)
	}
}
