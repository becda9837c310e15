package sandbox_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pacer/share/client"
)

// migratable is a heartbeat Dummy that may live-migrate.
func migratable(id string) string {
	return strings.Replace(dummy(id), `type="Dummy">`,
		`type="Dummy"><meta_attributes id="`+id+`-meta"><nvpair id="`+id+`-am" name="allow-migrate" value="true"/></meta_attributes>`, 1)
}

func TestMigratableResourceMovesByMigrateToAndFrom(t *testing.T) {
	c := startCluster(t, 3, false)
	c.oneDC(10*time.Second, "n1", "n2", "n3")
	cl := c.dial("n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second),
			configWith(t, true, []string{migratable("vm")}, []string{prefer("vm", "n2")}), client.Version{})
	})
	if where := c.runningOnce("n1", "vm", 20*time.Second); where != "n2" {
		t.Fatalf("vm runs on %s, want n2", where)
	}
	_, v := cibOf(t, c, "n1")
	write(t, func() (client.Version, error) {
		return cl.ReplaceConfiguration(ctx(t, 10*time.Second),
			configWith(t, true, []string{migratable("vm")}, []string{prefer("vm", "n3")}), v)
	})
	c.runningOnce("n1", "vm", 20*time.Second, "n2")
	eventually(t, 10*time.Second, "vm migrated", func() error {
		if got := c.dummyActive("vm"); len(got) != 1 || got[0] != "n3" {
			return fmt.Errorf("vm active per agent state on %v, want n3", got)
		}
		doc, _ := cibOf(t, c, "n1")
		ops := map[string]string{}
		for _, ns := range doc.Root.Child("status").ChildrenNamed("node_state") {
			for _, lr := range ns.Child("lrm").Child("lrm_resources").ChildrenNamed("lrm_resource") {
				if lr.ID() != "vm" {
					continue
				}
				for _, op := range lr.ChildrenNamed("lrm_rsc_op") {
					ops[ns.Attr("uname")+" "+op.Attr("operation")] = op.Attr("rc-code")
					if op.Attr("operation") == "migrate_from" {
						// where it came from, for a scheduler finding the
						// migration half done
						ops["from"] = op.Attr("migrate_source") + "->" + op.Attr("migrate_target")
					}
				}
			}
		}
		// The last operation on n3 is the migrate_from (on n2 the stop
		// that follows the migrate_to has replaced it, as in Pacemaker).
		if ops["n3 migrate_from"] != "0" || ops["n2 stop"] != "0" || ops["n3 start"] != "" || ops["from"] != "n2->n3" {
			return fmt.Errorf("history of vm: %v; want migrate_from n2->n3 on n3, no start there, stop on n2", ops)
		}
		return nil
	})
}
