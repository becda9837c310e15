package shell_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pacer/share/protocol"
)

const fenceCIB = `<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.9"><configuration><crm_config/>
<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/><node id="3" uname="n3"/></nodes><resources>
<primitive id="ipmi1" class="stonith" type="fence_ipmilan"><instance_attributes id="i1">
  <nvpair id="i1a" name="pcmk_host_list" value="n1,n2"/><nvpair id="i1b" name="ip" value="192.0.2.1"/></instance_attributes></primitive>
<primitive id="asks" class="stonith" type="fence_dummy"/>
<primitive id="all" class="stonith" type="fence_dummy"><instance_attributes id="i3">
  <nvpair id="i3a" name="pcmk_host_check" value="none"/></instance_attributes></primitive>
<primitive id="off" class="stonith" type="fence_dummy"><instance_attributes id="i4">
  <nvpair id="i4a" name="pcmk_host_list" value="n3"/></instance_attributes>
  <meta_attributes id="m4"><nvpair id="m4a" name="target-role" value="Stopped"/></meta_attributes></primitive>
</resources><constraints/><fencing-topology><fencing-level id="fl1" target="n1" index="1" devices="ipmi1"/></fencing-topology>
</configuration><status/></cib>`

// stonith list on a CIB file: what the configuration alone says, and a
// clear word that agent-decided targets need the running cluster.
func TestStonithListOnAFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "cib.xml")
	if err := os.WriteFile(p, []byte(fenceCIB), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, p, "", "stonith", "list")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	rows := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			rows[strings.TrimSuffix(f[0], ":")] = f
		}
	}
	if !slices.Equal(rows["DEVICE"], []string{"DEVICE", "AGENT", "HOST-CHECK", "TARGETS", "LEVELS"}) ||
		!slices.Equal(rows["ipmi1"], []string{"ipmi1", "fence_ipmilan", "static-list", "n1", "n2", "n1:1"}) ||
		!slices.Equal(rows["all"], []string{"all", "fence_dummy", "none", "n1", "n2", "n3", "-"}) ||
		!strings.Contains(r.stdout, "disabled") ||
		!strings.Contains(r.stdout, "asks: targets are asked from the agent (list or status): needs the running cluster") {
		t.Fatalf("stonith list on a file:\n%s", r.stdout)
	}
	r = run(t, p, "", "stonith", "list", "-o", "json")
	var devs []protocol.FenceDevice
	if err := json.Unmarshal([]byte(r.stdout), &devs); err != nil || r.code != 0 {
		t.Fatalf("stonith list -o json: %v %+v", err, r)
	}
	var ids []string
	for _, d := range devs {
		ids = append(ids, d.ID)
	}
	if !slices.Equal(ids, []string{"ipmi1", "asks", "all", "off"}) || !devs[3].Disabled ||
		(devs[1].Check != "status" && devs[1].Check != "dynamic-list") || len(devs[1].Targets) != 0 {
		t.Fatalf("stonith list -o json: %+v", devs)
	}
	// Fencing needs the cluster.
	if r := run(t, p, "", "--yes", "node", "fence", "n1", "--off"); r.code == 0 || !strings.Contains(r.stderr, "running cluster") {
		t.Fatalf("node fence on a file: %+v", r)
	}
	if r := run(t, p, "", "--yes", "node", "fence", "n1", "--bogus"); r.code == 0 || !strings.Contains(r.stderr, "--bogus") {
		t.Fatalf("node fence with an unknown option: %+v", r)
	}
}
