package shell_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const oldSchemaCIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0" crm_feature_set="3.0.14">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes><node id="1" uname="n1"/></nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`

const promotedConf = `primitive a ocf:pacemaker:Stateful op monitor interval=10s role=Promoted op monitor interval=11s role=Unpromoted
clone c a meta promotable=true
primitive b ocf:heartbeat:Dummy
colocation co inf: b c:Promoted
location l c rule $role=Promoted 100: #uname eq n1
`

var roleValues = regexp.MustCompile(`(role|rsc-role|with-rsc-role|value)="(Promoted|Unpromoted|Master|Slave)"`)

// On a CIB whose schema predates Promoted/Unpromoted (pacemaker-3.0),
// Pacer writes Master/Slave, as crmsh does, and the result passes the
// schema check, Pacer's and Pacemaker's; cib verify finds the new names
// there, as crm_verify does.
func TestRolesFollowSchema(t *testing.T) {
	dir := t.TempDir()
	cib := filepath.Join(dir, "cib.xml")
	os.WriteFile(cib, []byte(oldSchemaCIB), 0o644)
	conf := filepath.Join(dir, "conf.crm")
	os.WriteFile(conf, []byte(promotedConf), 0o644)
	if r := run(t, cib, "", "-F", "configure", "load", "update", conf); r.code != 0 {
		t.Fatalf("load: %s", r.stderr)
	}
	if r := run(t, cib, "", "resource", "promote", "c"); r.code != 0 {
		t.Fatalf("promote: %s", r.stderr)
	}
	data, _ := os.ReadFile(cib)
	got := roleValues.FindAllString(string(data), -1)
	if strings.Contains(string(data), "Promoted") || len(got) != 5 {
		t.Fatalf("roles written under pacemaker-3.0: %v\n%s", got, data)
	}
	if r := run(t, cib, "", "cib", "verify"); r.code != 0 {
		t.Errorf("cib verify: exit %d\n%s", r.code, r.stderr)
	}
	// The new names by hand: cib verify refuses them as crm_verify does.
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte(strings.Replace(string(data), `role="Master"`, `role="Promoted"`, 1)), 0o644)
	r := run(t, bad, "", "cib", "verify")
	if r.code == 0 || !strings.Contains(r.stderr, "pacemaker-3.0") {
		t.Errorf("cib verify with Promoted under pacemaker-3.0: exit %d\n%s", r.code, r.stderr)
	}

	// crmsh 5.0 on the same CIB file writes the same roles, and
	// Pacemaker 3.0's crm_verify accepts Pacer's file and refuses the bad one.
	// (Pacemaker 3.0 exits non-zero on its deprecation warnings for
	// Master/Slave too: errors are what count.)
	if out, _ := oracleRun(t, cib, "crm_verify", "-V", "-x", cib); strings.Contains(out, "error:") {
		t.Errorf("crm_verify finds errors in Pacer's CIB:\n%s", out)
	}
	if out, _ := oracleRun(t, bad, "crm_verify", "-V", "-x", bad); !strings.Contains(out, "schema validation") {
		t.Errorf("crm_verify accepts Promoted under pacemaker-3.0 (Pacer's verify refused it):\n%s", out)
	}
	ccib := filepath.Join(dir, "crmsh.xml")
	os.WriteFile(ccib, []byte(oldSchemaCIB), 0o644)
	if out, code := oracleRun(t, ccib, "crm", "-F", "configure", "load", "update", conf); code != 0 {
		t.Fatalf("crmsh load: %s", out)
	}
	oracleRun(t, ccib, "crm", "-F", "resource", "promote", "c")
	cdata, _ := os.ReadFile(ccib)
	want := roleValues.FindAllString(string(cdata), -1)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("roles: Pacer %v, crmsh 5.0 %v", got, want)
	}
}
