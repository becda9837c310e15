package sandbox_test

import (
	"fmt"
	"os"
	osuser "os/user"
	"strconv"
	"strings"
	"testing"
	"time"

	"pacer/share/client"
)

// With enable-acl=true a user outside root and hacluster gets what its
// acl_target's roles grant, whichever node it talks to: here "nobody"
// (in group haclient, so the socket lets it in) may read all but a secret
// parameter and write only resource d.
func TestACLsLimitWhatAUserReadsAndWrites(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run the shell as another user")
	}
	nobody, err := osuser.Lookup("nobody")
	if err != nil {
		t.Skipf("no user nobody: %v", err)
	}
	ha, err := osuser.LookupGroup("haclient")
	if err != nil {
		t.Skipf("no group haclient (pacemaker's packages create it): %v", err)
	}
	uid, _ := strconv.Atoi(nobody.Uid)
	gid, _ := strconv.Atoi(ha.Gid)

	c := startCluster(t, 3, false)
	dc := c.oneDC(10*time.Second, "n1", "n2", "n3")
	via := "n1"
	if dc == via {
		via = "n2" // through a node that forwards writes to the DC
	}
	acls := `<acls>
  <acl_role id="operator">
    <acl_permission id="op-read" kind="read" xpath="/cib"/>
    <acl_permission id="op-d" kind="write" reference="d"/>
    <acl_permission id="op-secret" kind="deny" xpath="//nvpair[@name='secret']"/>
  </acl_role>
  <acl_target id="nobody"><role id="operator"/></acl_target>
</acls>`
	keeper := `<primitive id="keeper" class="ocf" provider="heartbeat" type="Dummy">
  <instance_attributes id="keeper-ia"><nvpair id="keeper-secret" name="secret" value="hunter2"/></instance_attributes>
</primitive>`
	cfg := withOption(configWith(t, true, []string{dummy("d"), keeper}, nil), "enable-acl", "true")
	cfg.Append(parseXML(t, acls))
	cl := c.dial(dc)
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second), cfg, client.Version{})
	})
	c.runningOnce(dc, "d", 30*time.Second)
	// Status on another node follows the DC's by replication: wait for
	// via's own view before comparing nobody's with it.
	c.runningOnce(via, "d", 30*time.Second)

	asNobody := c.pacerAs(uid, gid, via)

	// Reads: everything but the denied parameter.
	out, err := asNobody("configure", "show")
	if err != nil || !strings.Contains(out, "primitive d ") || !strings.Contains(out, "primitive keeper ") {
		t.Fatalf("nobody: configure show: %v\n%s", err, out)
	}
	if strings.Contains(out, "hunter2") {
		t.Fatalf("nobody reads the denied secret:\n%s", out)
	}
	if out, err := asNobody("status"); err != nil || !strings.Contains(out, "d\t(ocf:heartbeat:Dummy):\t Started") {
		rootOut, _ := c.pacerCLI(via, "status")
		t.Fatalf("nobody: status: %v\n%s\nroot sees:\n%s", err, out, rootOut)
	}

	// Writes: d yes, anything else no, and nothing of the refused change lands.
	if out, err := asNobody("resource", "stop", "d"); err != nil {
		t.Fatalf("nobody may write d but resource stop d failed: %v\n%s", err, out)
	}
	eventually(t, 30*time.Second, "d stopped", func() error {
		if on := c.dummyActive("d"); len(on) != 0 {
			return fmt.Errorf("d still active on %v", on)
		}
		return nil
	})
	_, before := cibOf(t, c, dc)
	out, err = asNobody("configure", "primitive", "x", "ocf:heartbeat:Dummy")
	if err == nil || !strings.Contains(out, "permission denied") {
		t.Fatalf("nobody added a primitive: %v\n%s", err, out)
	}
	if doc, after := cibOf(t, c, dc); after.Epoch != before.Epoch || doc.Root.FindID("x") != nil {
		t.Fatalf("a refused change reached the CIB: %s -> %s", before, after)
	}
	if out, err := asNobody("--yes", "node", "fence", dc, "--off"); err == nil || !strings.Contains(out, "permission denied") {
		t.Fatalf("nobody fenced the DC: %v\n%s", err, out)
	}

	// root is never restricted.
	if out, err := c.pacerCLI(via, "configure", "primitive", "x", "ocf:heartbeat:Dummy"); err != nil {
		t.Fatalf("root: configure primitive x: %v\n%s", err, out)
	}
}
