package sandbox_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"pacer/share/client"
	"pacer/share/clusterview"
	"pacer/share/xmltree"
)

// unfenceAgent is a fence agent like fence_scsi as far as the cluster can
// tell: "on" lets a node at the shared storage again (here: appends
// "on NODE" to LOG), off/reboot cut it off (here: append and succeed, so
// that nothing is powered off by this device).
const unfenceAgent = `#!/bin/sh
action=reboot
port=
while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in
	action=*|option=*) action=${line#*=} ;;
	port=*|plug=*) port=${line#*=} ;;
	nodename=*) [ -n "$port" ] || port=${line#*=} ;;
	esac
done
case "$action" in
on|off|reboot) echo "$action $port" >> LOG; exit 0 ;;
monitor|validate-all|status) exit 0 ;;
list) for n in n1 n2 n3; do echo "$n,"; done; exit 0 ;;
metadata|meta-data)
	cat <<'XML'
<?xml version="1.0" ?>
<resource-agent name="fence_pacer_unfence" shortdesc="Test agent that unfences">
<parameters><parameter name="port" unique="0" required="0"><content type="string"/></parameter></parameters>
<actions><action name="on" on_target="1" automatic="1"/><action name="off"/><action name="reboot"/><action name="status"/><action name="list"/><action name="monitor"/><action name="metadata"/><action name="validate-all"/></actions>
</resource-agent>
XML
	exit 0 ;;
esac
exit 1
`

// A fencing device that provides unfencing (fence_scsi and the like):
// every node is unfenced once, through that device, before resources run
// on it; the cluster records it and does not do it again.
func TestUnfencingDeviceUnfencesEachNodeOnce(t *testing.T) {
	c := startCluster(t, 3, false)
	dc := c.oneDC(10*time.Second, "n1", "n2", "n3")
	log := filepath.Join(c.dir, "unfence.log")
	agent := strings.ReplaceAll(unfenceAgent, "LOG", log)
	if err := os.WriteFile(filepath.Join(c.dir, "bin", "fence_pacer_unfence"), []byte(agent), 0o755); err != nil {
		t.Fatal(err)
	}
	unfence := `<primitive id="storage-fence" class="stonith" type="fence_pacer_unfence">
  <instance_attributes id="sf-ia"><nvpair id="sf-hl" name="pcmk_host_list" value="n1 n2 n3"/></instance_attributes>
  <meta_attributes id="sf-meta"><nvpair id="sf-provides" name="provides" value="unfencing"/></meta_attributes>
  <operations><op id="sf-mon" name="monitor" interval="60s"/></operations>
</primitive>`
	cl := c.dial(dc)
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), configWith(t, true, []string{unfence, dummy("d")}, nil), client.Version{})
	})

	eventually(t, 30*time.Second, "d runs and every node is unfenced", func() error {
		doc, _ := cibOf(t, c, dc)
		for _, n := range []string{"n1", "n2", "n3"} {
			if !hasNodeAttr(doc, n, "#node-unfenced") {
				return fmt.Errorf("%s has no #node-unfenced", n)
			}
		}
		if on := c.dummyActive("d"); len(on) != 1 {
			return fmt.Errorf("d is active on %v", on)
		}
		return nil
	})
	// Let the cluster settle, then count: once per node, only "on".
	time.Sleep(2 * time.Second)
	b, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	slices.Sort(lines)
	if want := []string{"on n1", "on n2", "on n3"}; !slices.Equal(lines, want) {
		t.Fatalf("the unfencing device was asked %q; want %q", lines, want)
	}
	h, err := cl.FenceHistory(ctx(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var ons []string
	for _, e := range h {
		if e.Action == "on" && e.Result == clusterview.FencingSuccess {
			ons = append(ons, e.Target)
		}
	}
	slices.Sort(ons)
	if !slices.Equal(ons, []string{"n1", "n2", "n3"}) {
		t.Fatalf("successful unfencings in the history: %v, want n1 n2 n3 (%+v)", ons, h)
	}
}

func hasNodeAttr(doc *xmltree.Document, node, name string) bool {
	found := false
	doc.Root.Walk(func(e *xmltree.Element) bool {
		if e.Name == "node_state" && e.Attr("uname") != node {
			return false
		}
		if e.Name == "nvpair" && e.Attr("name") == name {
			found = true
		}
		return !found
	})
	return found
}
