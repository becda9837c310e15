package scheduler

import (
	"strings"
	"testing"

	"pacer/share/xmltree"
)

// FuzzRun feeds arbitrary CIB text to the scheduler: whatever parses must
// be scheduled without a panic, and the graph must be valid.
func FuzzRun(f *testing.F) {
	f.Add(testCIB(noFencing, nodesXML("n1", "n2"), dummy("a")+`<group id="g">`+dummy("b")+dummy("c")+`</group>`,
		`<rsc_colocation id="c" rsc="g" with-rsc="a" score="INFINITY"/><rsc_order id="o" first="a" then="g"/>`,
		online(1, "n1", ran("a", nil))+online(2, "n2", failed("b"))))
	f.Add(testCIB(opt("stonith-enabled", "true"), nodesXML("n1", "n2"), dummy("a"), `<rsc_location id="l" rsc="a"><rule id="r" score="-INFINITY"><date_expression id="d" operation="lt" end="2030-01-01"/></rule></rsc_location>`,
		online(1, "n1")+`<node_state id="2" uname="n2" in_ccm="false" crmd="online" join="member" expected="member"/>`))
	f.Add(`<cib><configuration><resources><clone id="c"><primitive id="p" class="ocf" type="X"/></clone></resources></configuration><status/></cib>`)
	// a promotable, notified clone and a migratable primitive, with history
	f.Add(testCIB(noFencing, nodesXML("n1", "n2", "n3"),
		`<clone id="ms"><meta_attributes id="ms-m"><nvpair id="ms-p" name="promotable" value="true"/><nvpair id="ms-n" name="notify" value="true"/></meta_attributes>`+dummy("st")+`</clone>`+
			dummy("vm", "allow-migrate", "true"),
		`<rsc_location id="l" rsc="ms" role="Promoted" node="n2" score="10"/><rsc_colocation id="c" rsc="vm" with-rsc="ms" with-rsc-role="Promoted" score="INFINITY"/>`,
		online(1, "n1", ran("st", nil), ran("vm", nil))+online(2, "n2", ran("st", nil))+online(3, "n3")))
	f.Fuzz(func(t *testing.T, text string) {
		doc, err := xmltree.Parse(strings.NewReader(text))
		if err != nil {
			return
		}
		res, err := Run(doc, Input{Now: testNow, Scores: true, Transcript: true})
		if err != nil {
			return
		}
		if err := res.Graph.Validate(); err != nil {
			t.Fatalf("invalid graph: %v", err)
		}
	})
}
