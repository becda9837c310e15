package rule

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pacer/share/iso8601"
	"pacer/share/score"
)

// crossCheckRules are evaluated both here and by crm_simulate 2.1.5. Left
// out on purpose: malformed date_spec ranges and a date_expression without
// its date_spec, which 2.1.5 lets pass but Pacer (like Pacemaker 3)
// rejects.
var crossCheckRules = []string{
	rule(expr("site", "eq", "alpha", "")),
	rule(expr("#uname", "eq", "N1", "")),
	rule(expr("cpu", "lt", "9", "")),
	rule(expr("cpu", "gt", "9", `type="string"`)),
	rule(expr("ver", "gt", "1.9", `type="version"`)),
	rule(expr("ver", "gt", "1.9", `type="number"`)),
	rule(expr("ver", "gt", "1.9", "")),
	rule(expr("fl", "eq", "2", `type="integer"`)),
	rule(expr("fl", "gt", "2", "")),
	rule(expr("cpu", "eq", "010", "")),
	rule(expr("cpu", "eq", "010", `type="integer"`)),
	rule(expr("site", "lt", "Beta", "")),
	rule(expr("cpu", "lte", "10", "")),
	rule(expr("cpu", "EQ", "10", "")),
	rule(expr("ver", "eq", "1.10.0", `type="version"`)),
	rule(expr("foo", "ne", "x", "")),
	rule(expr("foo", "eq", "x", "")),
	rule(expr("foo", "lt", "5", "")),
	rule(expr("cpu", "eq", "-", "")),
	rule(expr("cpu", "foo", "1", "")),
	rule(expr("#id", "eq", "1", "")),
	rule(expr("#kind", "eq", "cluster", "")),
	rule(expr("site", "eq", "want", `value-source="param"`)),
	rule(expr("cpu", "lt", "limit", `value-source="meta"`)),
	rule(expr("nope", "eq", "absent", `value-source="param"`)),
	rule(expr("nope", "ne", "absent", `value-source="param"`)),
	rule(expr("cpu", "ne", "absent", `value-source="param"`)),
	rule(expr("nope", "lte", "absent", `value-source="param"`)),
	`<rule id="r" score="100"/>`,
	`<rule id="r" score-attribute="cpu">` + expr("cpu", "defined", "-", "") + `</rule>`,
	`<rule id="r" score-attribute="nope"/>`,
	`<rule id="r" score-attribute="site"/>`,
	`<rule id="r" score-attribute="cpu" score="5"/>`,
	`<rule id="r" score="100" boolean-op="or">` + expr("cpu", "eq", "1", "") + expr("site", "eq", "Alpha", "") + `</rule>`,
	`<rule id="r" score="100" boolean-op="xor">` + expr("cpu", "eq", "1", "") + expr("site", "eq", "Alpha", "") + `</rule>`,
	`<rule id="r" score="100"><rule id="n">` + expr("cpu", "eq", "1", "") + `</rule>` + expr("site", "eq", "Alpha", "") + `</rule>`,
	dexpr(`operation="gt" start="2005-01-20 12:00:00"`, ""),
	dexpr(`operation="gt" start="2005-01-20 11:59:59"`, ""),
	dexpr(`operation="lt" end="2005-01-20 12:00:00"`, ""),
	dexpr(`operation="lt" end="2005-01-20 12:00:01"`, ""),
	dexpr(`operation="in_range" start="2005-01-01" end="2005-01-20 12:00:00"`, ""),
	dexpr(`operation="in_range" start="2005-01-20 12:00:01" end="2005-02-01"`, ""),
	dexpr(`operation="in_range" end="2005-02-01"`, ""),
	dexpr(`operation="in_range" start="2005-01-01"`, `<duration id="u" days="19" hours="12"/>`),
	dexpr(`operation="in_range" start="2005-01-01"`, `<duration id="u" days="19" hours="11" minutes="59" seconds="59"/>`),
	dexpr(`operation="in_range" start="2004-12-20T12:00:00"`, `<duration id="u" months="1"/>`),
	dexpr(`operation="in_range" start="2004-12-31T12:00:01"`, `<duration id="u" months="1"/>`),
	dexpr(`operation="in_range" start="2004-01-20T12:00:00"`, `<duration id="u" years="1"/>`),
	dexpr(`operation="in_range" start="2005-01-01" end="2005-01-02"`, `<duration id="u" years="1"/>`),
	dexpr(`operation="date_spec"`, `<date_spec id="s" hours="9-16" weekdays="1-5"/>`),
	dexpr(`operation="date_spec"`, `<date_spec id="s" hours="13-"/>`),
	dexpr(`operation="date_spec"`, `<date_spec id="s" weeks="3" weekyears="2005" yeardays="20"/>`),
	dexpr(`operation="date_spec"`, `<date_spec id="s" monthdays="20" months="1" years="2005" minutes="0"/>`),
	dexpr(`operation="date_spec"`, `<date_spec id="s" weekdays="1-3"/>`),
	dexpr(`operation="date_spec"`, `<date_spec id="s" moon="3"/>`),
	dexpr(`operation="date_spec"`, `<date_spec id="s" moon="2"/>`),
}

func TestRulesMatchCrmSimulate(t *testing.T) {
	bin, err := exec.LookPath("crm_simulate")
	if err != nil {
		t.Skip("crm_simulate not installed (apt install pacemaker-cli-utils)")
	}
	ctx := nodeCtx()
	var rscs, cons, attrs strings.Builder
	for k, v := range ctx.Node {
		if !strings.HasPrefix(k, "#") {
			fmt.Fprintf(&attrs, `<nvpair id="na-%s" name="%s" value="%s"/>`, k, k, v)
		}
	}
	for i, r := range crossCheckRules {
		// Ids must be unique in a CIB: number them per constraint.
		r = regexp.MustCompile(`id="([^"]*)"`).ReplaceAllString(r, fmt.Sprintf(`id="${1}-%d"`, i))
		fmt.Fprintf(&rscs, `<primitive id="r%d" class="ocf" provider="pacemaker" type="Dummy">`, i)
		for k, v := range ctx.Params {
			fmt.Fprintf(&rscs, `<instance_attributes id="ia%d-%s"><nvpair id="ia%d-%s-v" name="%s" value="%s"/></instance_attributes>`, i, k, i, k, k, v)
		}
		for k, v := range ctx.Meta {
			fmt.Fprintf(&rscs, `<meta_attributes id="ma%d-%s"><nvpair id="ma%d-%s-v" name="%s" value="%s"/></meta_attributes>`, i, k, i, k, k, v)
		}
		rscs.WriteString(`</primitive>`)
		fmt.Fprintf(&cons, `<rsc_location id="l%d" rsc="r%d">%s</rsc_location>`, i, i, r)
	}
	cib := fmt.Sprintf(`<cib crm_feature_set="3.16.2" validate-with="none" epoch="1" num_updates="0" admin_epoch="0">
<configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"><instance_attributes id="n1a">%s</instance_attributes></node><node id="2" uname="n2"/></nodes>
<resources>%s</resources><constraints>%s</constraints></configuration><status/></cib>`, attrs.String(), rscs.String(), cons.String())
	file := filepath.Join(t.TempDir(), "cib.xml")
	if err := os.WriteFile(file, []byte(cib), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-x", file, "-s", "-t", "2005-01-20 12:00:00")
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("crm_simulate: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)\br(\d+) allocation score on n1: (\S+)`).FindAllStringSubmatch(string(out), -1) {
		got[m[1]] = m[2]
	}
	for i, r := range crossCheckRules {
		res, _ := Evaluate(el(t, r), ctx)
		want := score.Score(0)
		if res.Matched {
			want = res.Score
		}
		pm, ok := got[fmt.Sprint(i)]
		if !ok {
			t.Errorf("rule %d: no score in crm_simulate output", i)
			continue
		}
		if pm != want.String() {
			t.Errorf("%s\n  Pacer: matched=%v score=%v; crm_simulate: %s", r, res.Matched, res.Score, pm)
		}
	}
}

// TestClusterOptionSetsMatchCrmSimulate checks set ordering through an
// effect crm_simulate shows: symmetric-cluster=false leaves nodes without
// a location constraint at -INFINITY.
func TestClusterOptionSetsMatchCrmSimulate(t *testing.T) {
	bin, err := exec.LookPath("crm_simulate")
	if err != nil {
		t.Skip("crm_simulate not installed")
	}
	cases := []string{
		// higher score wins
		`<cluster_property_set id="a" score="1"><nvpair id="a1" name="symmetric-cluster" value="true"/></cluster_property_set>
		 <cluster_property_set id="b" score="2"><nvpair id="b1" name="symmetric-cluster" value="false"/></cluster_property_set>`,
		// equal scores: the last listed wins
		`<cluster_property_set id="a"><nvpair id="a1" name="symmetric-cluster" value="true"/></cluster_property_set>
		 <cluster_property_set id="b"><nvpair id="b1" name="symmetric-cluster" value="false"/></cluster_property_set>`,
		// a set whose rule fails does not count
		`<cluster_property_set id="b" score="2"><rule id="rl" score="0"><date_expression id="d" operation="gt" start="2006-01-01"/></rule>
		   <nvpair id="b1" name="symmetric-cluster" value="false"/></cluster_property_set>
		 <cluster_property_set id="a" score="1"><nvpair id="a1" name="symmetric-cluster" value="true"/></cluster_property_set>`,
		// equal scores again, the other way round
		`<cluster_property_set id="a"><nvpair id="a1" name="symmetric-cluster" value="false"/></cluster_property_set>
		 <cluster_property_set id="b"><nvpair id="b1" name="symmetric-cluster" value="true"/></cluster_property_set>`,
		// cib-bootstrap-options beats any score
		`<cluster_property_set id="b" score="100"><nvpair id="b1" name="symmetric-cluster" value="true"/></cluster_property_set>
		 <cluster_property_set id="cib-bootstrap-options"><nvpair id="a1" name="symmetric-cluster" value="false"/></cluster_property_set>`,
	}
	for _, sets := range cases {
		cib := `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
<configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set>` + sets + `</crm_config>
<nodes><node id="1" uname="n1"/></nodes>
<resources><primitive id="r" class="ocf" provider="pacemaker" type="Dummy"/></resources><constraints/></configuration><status/></cib>`
		file := filepath.Join(t.TempDir(), "cib.xml")
		if err := os.WriteFile(file, []byte(cib), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-x", file, "-s", "-t", "2005-01-20 12:00:00")
		cmd.Env = append(os.Environ(), "TZ=UTC")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("crm_simulate: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "r\t(ocf:pacemaker:Dummy)") {
			t.Fatalf("crm_simulate did not load the CIB:\n%s", out)
		}
		// An asymmetric cluster gives r no allocation score at all here.
		m := regexp.MustCompile(`r allocation score on n1: (\S+)`).FindStringSubmatch(string(out))
		pmSymmetric := m != nil && m[1] == "0"
		crm := el(t, "<crm_config>"+sets+"</crm_config>")
		opts := UnpackNVSets(crm.Children, &Context{Now: now, FirstSetID: "cib-bootstrap-options"})
		if got := opts["symmetric-cluster"] == "true"; got != pmSymmetric {
			t.Errorf("%s\n  Pacer symmetric-cluster=%s; crm_simulate symmetric=%v", sets, opts["symmetric-cluster"], pmSymmetric)
		}
	}
}

// TestDateSpecMatchesCrmSimulateOverTheCalendar runs date_spec rules at
// times chosen to cross week-year, leap-year and month boundaries, and
// every moon phase, and compares with crm_simulate -t.
func TestDateSpecMatchesCrmSimulateOverTheCalendar(t *testing.T) {
	bin, err := exec.LookPath("crm_simulate")
	if err != nil {
		t.Skip("crm_simulate not installed (apt install pacemaker-cli-utils)")
	}
	spec := func(attrs string) string {
		return dexpr(`operation="date_spec"`, `<date_spec id="s" `+attrs+`/>`)
	}
	rules := []string{
		spec(`weekyears="2004"`), spec(`weekyears="2005"`), spec(`weeks="53"`), spec(`weeks="1"`),
		spec(`years="2005"`), spec(`yeardays="366"`), spec(`yeardays="60"`), spec(`monthdays="29" months="2"`),
		spec(`weekdays="6-7"`), spec(`weekdays="1"`), spec(`hours="0" minutes="0-1"`), spec(`seconds="59"`),
		spec(`monthdays="31"`), spec(`months="12-"`),
		dexpr(`operation="in_range" start="2004-02-29"`, `<duration id="u" years="1"/>`),
		dexpr(`operation="in_range" start="2005-01-31"`, `<duration id="u" months="1"/>`),
	}
	for m := 0; m < 8; m++ {
		rules = append(rules, spec(fmt.Sprintf(`moon="%d"`, m)))
	}
	times := []string{"2005-01-01 00:00:59", "2005-01-02 23:59:59", "2005-01-03 00:01:00", "2004-12-31 12:00:00",
		"2004-02-29 00:00:00", "2005-03-01 00:00:00", "2005-02-28 23:00:00", "2004-03-01 06:00:00",
		"2008-12-29 00:00:00", "2010-01-03 10:00:00", "2012-06-15 12:00:00", "2020-10-31 09:00:00"}
	ctx := nodeCtx()
	var rscs, cons strings.Builder
	for i, r := range rules {
		r = regexp.MustCompile(`id="([^"]*)"`).ReplaceAllString(r, fmt.Sprintf(`id="${1}-%d"`, i))
		fmt.Fprintf(&rscs, `<primitive id="r%d" class="ocf" provider="pacemaker" type="Dummy"/>`, i)
		fmt.Fprintf(&cons, `<rsc_location id="l%d" rsc="r%d">%s</rsc_location>`, i, i, r)
	}
	cib := `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
<configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/></nodes><resources>` + rscs.String() + `</resources><constraints>` + cons.String() + `</constraints></configuration><status/></cib>`
	file := filepath.Join(t.TempDir(), "cib.xml")
	if err := os.WriteFile(file, []byte(cib), 0o644); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)\br(\d+) allocation score on n1: (\S+)`)
	for _, at := range times {
		cmd := exec.Command(bin, "-x", file, "-s", "-t", at)
		cmd.Env = append(os.Environ(), "TZ=UTC")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("crm_simulate -t %s: %v\n%s", at, err, out)
		}
		got := map[string]string{}
		for _, m := range re.FindAllStringSubmatch(string(out), -1) {
			got[m[1]] = m[2]
		}
		now, err := iso8601.ParseTime(at, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		ctx.Now = now
		for i, r := range rules {
			res, _ := Evaluate(el(t, r), ctx)
			want := "0"
			if res.Matched {
				want = res.Score.String()
			}
			if pm := got[fmt.Sprint(i)]; pm != want {
				t.Errorf("at %s %s: Pacer %s, crm_simulate %q", at, r, want, pm)
			}
		}
	}
}
