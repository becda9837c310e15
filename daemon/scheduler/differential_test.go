package scheduler

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pacer/share/opdigest"
	"pacer/share/xmltree"
)

// TestDifferentialAgainstCrmSimulate generates small random clusters
// (nodes up, down or lost, primitives and a group, location, colocation and
// order constraints, stickiness, running resources and failures) and
// compares Pacer's Transition Summary with crm_simulate 2.1.5's. Pacemaker
// 3.x (the reference of the conformance suite) and 2.1.5 differ in places,
// so disagreements are printed with their input and counted; only a crash
// or an invalid graph fails the test.
func TestDifferentialAgainstCrmSimulate(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test skipped in -short mode")
	}
	if _, err := exec.LookPath("crm_simulate"); err != nil {
		t.Skip("crm_simulate (pacemaker-cli-utils) not installed")
	}
	const cases = 30
	deadline := time.Now().Add(60 * time.Second)
	rng := rand.New(rand.NewSource(20261124))
	dir := t.TempDir()
	agree, disagree, skipped := 0, 0, 0
	for i := 0; i < cases; i++ {
		if time.Now().After(deadline) {
			t.Logf("time budget used up after %d cases", i)
			break
		}
		cib := randomCIB(rng, i)
		path := filepath.Join(dir, fmt.Sprintf("cib%02d.xml", i))
		if err := os.WriteFile(path, []byte(cib), 0o644); err != nil {
			t.Fatal(err)
		}
		doc, err := xmltree.ParseFile(path)
		if err != nil {
			t.Fatalf("case %d: generated CIB does not parse: %v", i, err)
		}
		res, err := Run(doc, Input{Now: time.Unix(1700000000, 0).UTC()})
		if err != nil {
			t.Errorf("case %d: scheduler failed: %v\n%s", i, err, cib)
			continue
		}
		if err := res.Graph.Validate(); err != nil {
			t.Errorf("case %d: invalid graph: %v\n%s", i, err, cib)
			continue
		}
		want, err := crmSimulateSummary(path)
		if err != nil {
			t.Logf("case %d: crm_simulate: %v", i, err)
			skipped++
			continue
		}
		got := normalize(res.Summary)
		if equal(got, want) {
			agree++
			continue
		}
		disagree++
		t.Logf("case %d disagrees:\n pacer:        %s\n crm_simulate: %s\ninput:\n%s", i,
			strings.Join(got, "\n               "), strings.Join(want, "\n               "), cib)
	}
	t.Logf("differential: %d agree, %d disagree, %d not compared", agree, disagree, skipped)
	fmt.Printf("differential vs crm_simulate: %d agree, %d disagree, %d not compared\n", agree, disagree, skipped)
}

func crmSimulateSummary(path string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "crm_simulate", "-x", path, "-R")
	cmd.Env = append(os.Environ(), "CIB_file=")
	out, err := cmd.Output()
	if err != nil && !strings.Contains(string(out), "Transition Summary:") {
		return nil, err
	}
	if !strings.Contains(string(out), "Transition Summary:") {
		return nil, fmt.Errorf("no Transition Summary in output")
	}
	return normalize(expectedSummary(string(out))), nil
}

// randomCIB writes a small cluster in Pacemaker 2.x terms.
func randomCIB(rng *rand.Rand, seq int) string {
	var b strings.Builder
	nNodes := 2 + rng.Intn(3)
	nRsc := 3 + rng.Intn(5)
	fencing := rng.Intn(3) != 0
	quorum := rng.Intn(5) != 0
	nqp := []string{"stop", "ignore", "freeze"}[rng.Intn(3)]
	stick := []int{0, 0, 100, 1000}[rng.Intn(4)]
	fmt.Fprintf(&b, `<cib validate-with="pacemaker-3.0" crm_feature_set="3.16.2" epoch="%d" num_updates="0" admin_epoch="0" have-quorum="%v" dc-uuid="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="opts">
        <nvpair id="o1" name="stonith-enabled" value="%v"/>
        <nvpair id="o2" name="no-quorum-policy" value="%s"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
`, seq+1, quorum, fencing, nqp)
	nodes := make([]string, nNodes)
	for i := range nodes {
		nodes[i] = fmt.Sprintf("node%d", i+1)
		fmt.Fprintf(&b, "      <node id=\"%d\" uname=\"%s\"", i+1, nodes[i])
		if rng.Intn(8) == 0 {
			fmt.Fprintf(&b, ">\n        <instance_attributes id=\"na%d\"><nvpair id=\"na%d-s\" name=\"standby\" value=\"on\"/></instance_attributes>\n      </node>\n", i, i)
		} else {
			b.WriteString("/>\n")
		}
	}
	b.WriteString("    </nodes>\n    <resources>\n")
	if fencing {
		b.WriteString(`      <primitive id="fence" class="stonith" type="fence_dummy"/>` + "\n")
	}
	rscs := make([]string, nRsc)
	groupFrom := -1
	if nRsc >= 5 && rng.Intn(2) == 0 {
		groupFrom = nRsc - 2
	}
	for i := range rscs {
		rscs[i] = fmt.Sprintf("rsc%d", i+1)
		if i == groupFrom {
			b.WriteString("      <group id=\"grp\">\n")
		}
		meta := ""
		if rng.Intn(10) == 0 {
			meta = fmt.Sprintf(`<meta_attributes id="m%d"><nvpair id="m%d-t" name="target-role" value="Stopped"/></meta_attributes>`, i, i)
		}
		fmt.Fprintf(&b, `      <primitive id="%s" class="ocf" provider="pacemaker" type="Dummy">%s<operations><op id="%s-mon" name="monitor" interval="10s"/></operations></primitive>`+"\n", rscs[i], meta, rscs[i])
	}
	if groupFrom >= 0 {
		b.WriteString("      </group>\n")
	}
	b.WriteString("    </resources>\n    <constraints>\n")
	scores := []string{"INFINITY", "-INFINITY", "100", "-100", "50"}
	for i := 0; i < rng.Intn(4); i++ {
		fmt.Fprintf(&b, `      <rsc_location id="loc%d" rsc="%s" node="%s" score="%s"/>`+"\n", i, rscs[rng.Intn(groupFromOr(groupFrom, nRsc))], nodes[rng.Intn(nNodes)], scores[rng.Intn(len(scores))])
	}
	for i := 0; i < rng.Intn(3); i++ {
		a, c := rng.Intn(groupFromOr(groupFrom, nRsc)), rng.Intn(groupFromOr(groupFrom, nRsc))
		if a != c {
			fmt.Fprintf(&b, `      <rsc_colocation id="col%d" rsc="%s" with-rsc="%s" score="%s"/>`+"\n", i, rscs[a], rscs[c], scores[rng.Intn(len(scores))])
		}
	}
	for i := 0; i < rng.Intn(3); i++ {
		a, c := rng.Intn(groupFromOr(groupFrom, nRsc)), rng.Intn(groupFromOr(groupFrom, nRsc))
		if a != c {
			fmt.Fprintf(&b, `      <rsc_order id="ord%d" first="%s" then="%s" kind="%s"/>`+"\n", i, rscs[a], rscs[c], []string{"Mandatory", "Optional"}[rng.Intn(2)])
		}
	}
	fmt.Fprintf(&b, "    </constraints>\n    <rsc_defaults><meta_attributes id=\"rd\"><nvpair id=\"rd-s\" name=\"resource-stickiness\" value=\"%d\"/><nvpair id=\"rd-m\" name=\"migration-threshold\" value=\"2\"/></meta_attributes></rsc_defaults>\n  </configuration>\n  <status>\n", stick)
	digest := opdigest.Digest(map[string]string{})
	call := 10
	for i, n := range nodes {
		state := rng.Intn(10)
		switch {
		case i == 0 || state < 7: // online
			fmt.Fprintf(&b, `    <node_state id="%d" uname="%s" in_ccm="true" crmd="online" join="member" expected="member">`+"\n", i+1, n)
		case state < 9: // cleanly down
			fmt.Fprintf(&b, `    <node_state id="%d" uname="%s" in_ccm="false" crmd="offline" join="down" expected="down">`+"\n", i+1, n)
		default: // lost
			fmt.Fprintf(&b, `    <node_state id="%d" uname="%s" in_ccm="false" crmd="online" join="member" expected="member">`+"\n", i+1, n)
		}
		b.WriteString("      <lrm id=\"" + fmt.Sprint(i+1) + "\"><lrm_resources>\n")
		var failed []string
		for _, r := range rscs {
			if rng.Intn(nNodes) != 0 {
				continue
			}
			call++
			fmt.Fprintf(&b, `        <lrm_resource id="%s" class="ocf" provider="pacemaker" type="Dummy">`+"\n", r)
			fmt.Fprintf(&b, `          <lrm_rsc_op id="%s_last_0" operation_key="%s_start_0" operation="start" transition-key="1:1:0:00000000-0000-0000-0000-000000000000" transition-magic="0:0;1:1:0:00000000-0000-0000-0000-000000000000" call-id="%d" rc-code="0" op-status="0" interval="0" last-rc-change="1699999000" op-digest="%s" on_node="%s"/>`+"\n", r, r, call, digest, n)
			if rng.Intn(5) == 0 {
				call++
				failed = append(failed, r)
				fmt.Fprintf(&b, `          <lrm_rsc_op id="%s_last_failure_0" operation_key="%s_monitor_10000" operation="monitor" transition-key="2:1:0:00000000-0000-0000-0000-000000000000" transition-magic="0:1;2:1:0:00000000-0000-0000-0000-000000000000" call-id="%d" rc-code="1" op-status="0" interval="10000" last-rc-change="1699999500" op-digest="%s" on_node="%s"/>`+"\n", r, r, call, digest, n)
				fmt.Fprintf(&b, `        </lrm_resource>`+"\n")
				continue
			}
			b.WriteString("        </lrm_resource>\n")
		}
		b.WriteString("      </lrm_resources></lrm>\n")
		if len(failed) > 0 {
			fmt.Fprintf(&b, `      <transient_attributes id="%d"><instance_attributes id="st%d">`, i+1, i+1)
			for _, r := range failed {
				fmt.Fprintf(&b, `<nvpair id="st%d-%s" name="fail-count-%s#monitor_10000" value="%d"/>`, i+1, r, r, 1+rng.Intn(2))
			}
			b.WriteString("</instance_attributes></transient_attributes>\n")
		}
		b.WriteString("    </node_state>\n")
	}
	b.WriteString("  </status>\n</cib>\n")
	return b.String()
}

func groupFromOr(g, n int) int {
	if g >= 0 {
		return g
	}
	return n
}
