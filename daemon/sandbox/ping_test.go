package sandbox_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"pacer/share/client"
	"pacer/share/xmltree"
)

// ocf:pacemaker:ping, cloned on every node, records connectivity in the
// node attribute pingd through attrd_updater, which pacerd provides to its
// agents: the classic "run where the network is" setup starts there.
func TestPingAgentSetsPingdThroughAttrdUpdater(t *testing.T) {
	if _, err := os.Stat("/usr/lib/ocf/resource.d/pacemaker/ping"); err != nil {
		t.Skip("no ocf:pacemaker:ping (apt-get install pacemaker-resource-agents or resource-agents)")
	}
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	ping := `<clone id="ping-clone"><primitive id="ping" class="ocf" provider="pacemaker" type="ping">
  <instance_attributes id="ping-ia"><nvpair id="ping-h" name="host_list" value="127.0.0.1"/>
    <nvpair id="ping-m" name="multiplier" value="100"/><nvpair id="ping-d" name="dampen" value="1s"/></instance_attributes>
  <operations><op id="ping-mon" name="monitor" interval="2s" timeout="20s"/></operations>
</primitive></clone>`
	cl := c.dial("n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), configWith(t, true, []string{ping}, nil), client.Version{})
	})
	eventually(t, 40*time.Second, "pingd=100 on every node", func() error {
		doc, _ := cibOf(t, c, "n1")
		for _, n := range []string{"n1", "n2", "n3"} {
			if v := transientAttr(doc, n, "pingd"); v != "100" {
				return fmt.Errorf("pingd on %s is %q", n, v)
			}
		}
		return nil
	})
}

func transientAttr(doc *xmltree.Document, node, name string) string {
	ns := doc.Root.Find(func(e *xmltree.Element) bool { return e.Name == "node_state" && e.Attr("uname") == node })
	if ns == nil || ns.Child("transient_attributes") == nil {
		return ""
	}
	nv := ns.Child("transient_attributes").Find(func(e *xmltree.Element) bool { return e.Name == "nvpair" && e.Attr("name") == name })
	if nv == nil {
		return ""
	}
	return nv.Attr("value")
}
