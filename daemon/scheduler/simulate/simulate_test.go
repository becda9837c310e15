package simulate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const cib = `<cib validate-with="pacemaker-3.0" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1"%s>
<configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/></nodes>
<resources><primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/></resources>
<constraints><rsc_location id="l" rsc="a"><rule id="r" score="-INFINITY"><date_expression id="d" operation="lt" end="2020-01-01"/></rule></rsc_location></constraints>
</configuration>
<status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/></status></cib>`

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "cib.xml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func simulate(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	clock := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	rc := run(args, &out, &errb, getenv, clock)
	return rc, out.String(), errb.String()
}

func TestSimulatePrintsCrmSimulateSections(t *testing.T) {
	p := write(t, strings.Replace(cib, "%s", "", 1))
	rc, out, _ := simulate(t, nil, "-x", p)
	if rc != 0 {
		t.Fatalf("rc %d", rc)
	}
	for _, h := range []string{"Current cluster status:\n", "\nTransition Summary:\n", "\nExecuting Cluster Transition:\n", "\nRevised Cluster Status:\n"} {
		if !strings.Contains(out, h) {
			t.Errorf("missing %q in:\n%s", h, out)
		}
	}
	if !strings.Contains(out, "* Start      a") || !strings.Contains(out, "Started n1") {
		t.Errorf("a should start on n1:\n%s", out)
	}
}

func TestSimulateDatetimeChangesRules(t *testing.T) {
	p := write(t, strings.Replace(cib, "%s", "", 1))
	_, out, _ := simulate(t, nil, "-x", p, "-t", "2019-06-01 12:00:00")
	if strings.Contains(out, "* Start") {
		t.Errorf("in 2019 the rule bans a:\n%s", out)
	}
	_, out, _ = simulate(t, nil, "-x", p, "-t", "2019-152T12:00")
	if strings.Contains(out, "* Start") {
		t.Errorf("ordinal dates work too:\n%s", out)
	}
}

func TestSimulateUsesExecutionDateAndSaysSo(t *testing.T) {
	// 1546300800 is 2019-01-01 00:00:00Z: the rule still bans a.
	p := write(t, strings.Replace(cib, "%s", ` execution-date="1546300800"`, 1))
	_, out, _ := simulate(t, nil, "-x", p)
	if !strings.HasPrefix(out, "Using the original execution date of: 2019-01-01 00:00:00Z\n") {
		t.Errorf("banner missing:\n%s", out)
	}
	if strings.Contains(out, "* Start") {
		t.Errorf("execution date not used:\n%s", out)
	}
}

func TestSimulateReadsCIBFileFromEnvironment(t *testing.T) {
	p := write(t, strings.Replace(cib, "%s", "", 1))
	rc, out, _ := simulate(t, map[string]string{"CIB_file": p})
	if rc != 0 || !strings.Contains(out, "Transition Summary:") {
		t.Errorf("rc %d out:\n%s", rc, out)
	}
}

func TestSimulateScoresOption(t *testing.T) {
	p := write(t, strings.Replace(cib, "%s", "", 1))
	_, out, _ := simulate(t, nil, "-x", p, "-s")
	if !strings.Contains(out, "pcmk__primitive_assign: a allocation score on n1: 0") {
		t.Errorf("scores missing:\n%s", out)
	}
}

// TestSimulateGroupedShortOptions: crm_simulate's "-sSQ" is "-s -S -Q":
// the scores, then only the Transition Summary.
func TestSimulateGroupedShortOptions(t *testing.T) {
	p := write(t, strings.Replace(cib, "%s", "", 1))
	rc, grouped, errs := simulate(t, nil, "-x", p, "-sSQ")
	if rc != 0 {
		t.Fatalf("-sSQ: exit %d: %s", rc, errs)
	}
	_, apart, _ := simulate(t, nil, "-x", p, "-s", "-S", "-Q")
	if grouped != apart {
		t.Errorf("-sSQ printed\n%s\nbut -s -S -Q printed\n%s", grouped, apart)
	}
	want := "pcmk__primitive_assign: a allocation score on n1: 0\nTransition Summary:\n  * Start      a                    ( n1 )\n"
	if grouped != want {
		t.Errorf("-sSQ printed\n%q\nwant\n%q", grouped, want)
	}
	if rc, _, _ := simulate(t, nil, "-x", p, "-sZ"); rc != 2 {
		t.Errorf("-sZ (unknown option in a group): exit %d, want 2", rc)
	}
}

func TestSimulateBadInputExitsNonZeroWithLocation(t *testing.T) {
	p := write(t, "<cib><configuration>")
	rc, out, errs := simulate(t, nil, "-x", p)
	if rc == 0 || out != "" || !strings.Contains(errs, p) {
		t.Errorf("rc %d out %q err %q", rc, out, errs)
	}
	rc, _, errs = simulate(t, nil)
	if rc != 2 || !strings.Contains(errs, "CIB_file") {
		t.Errorf("no input: rc %d err %q", rc, errs)
	}
	rc, _, _ = simulate(t, nil, "-x", write(t, strings.Replace(cib, "%s", "", 1)), "-t", "not a date")
	if rc != 2 {
		t.Errorf("bad -t: rc %d", rc)
	}
}
