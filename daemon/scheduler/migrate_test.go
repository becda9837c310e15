package scheduler

import (
	"fmt"
	"strings"
	"testing"

	"pacer/share/opdigest"
)

// vmHistory is an lrm_resource for a migratable "vm" with the given ops
// (task:rc, with migrate_source/target n1 -> n2 on migrations).
func vmHistory(ops ...string) string {
	var b strings.Builder
	b.WriteString(`<lrm_resource id="vm" class="ocf" provider="pacemaker" type="Dummy">`)
	for _, o := range ops {
		task, rc, _ := strings.Cut(o, ":")
		callID++
		mig := ""
		if strings.HasPrefix(task, "migrate_") {
			mig = ` migrate_source="n1" migrate_target="n2"`
		}
		fmt.Fprintf(&b, `<lrm_rsc_op id="vm_%s_%d" operation_key="vm_%s_0" operation="%s" transition-key="1:1:0:x" call-id="%d" rc-code="%s" op-status="0" interval="0" op-digest="%s"%s/>`,
			task, callID, task, task, callID, rc, opdigest.Digest(nil), mig)
	}
	return b.String() + `</lrm_resource>`
}

const vmRsc = `<primitive id="vm" class="ocf" provider="pacemaker" type="Dummy"><meta_attributes id="vm-m"><nvpair id="vm-am" name="allow-migrate" value="true"/></meta_attributes></primitive>`

// A migrate_to that succeeded while the target has not run migrate_from
// yet is half a migration: it goes on with migrate_from on the target
// (no second migrate_to) and the stop on the source.
func TestPartialMigrationGoesOnWithMigrateFrom(t *testing.T) {
	ban := `<rsc_location id="l" rsc="vm" node="n1" score="-INFINITY"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), vmRsc, ban,
		online(1, "n1", vmHistory("start:0", "migrate_to:0"))+online(2, "n2")))
	wantSummary(t, res, "* Migrate vm ( n1 -> n2 )")
	for _, a := range res.Graph.Actions {
		if strings.HasPrefix(a.Key, "vm_migrate_to") {
			t.Errorf("migrate_to done already, scheduled again: %s", a.Key)
		}
	}
}

// When the migrate_from on the target failed (and it was stopped there),
// the resource never left the source: it is failed there and recovered.
func TestMigrationWhoseMigrateFromFailedIsRecoveredFromTheSource(t *testing.T) {
	ban := `<rsc_location id="l" rsc="vm" node="n1" score="-INFINITY"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), vmRsc, ban,
		online(1, "n1", vmHistory("start:0", "migrate_to:0"))+online(2, "n2", vmHistory("migrate_from:1", "stop:0"))))
	wantSummary(t, res, "* Recover vm ( n1 -> n2 )")
}

// A failed migrate_to (then stopped on the source) may have left the
// resource active on the target, which has done nothing with it since:
// it is restarted there.
func TestFailedMigrateToLeavesTheResourceActiveOnTheTarget(t *testing.T) {
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), vmRsc, `<rsc_location id="l" rsc="vm" node="n2" score="10"/>`,
		online(1, "n1", vmHistory("start:0", "migrate_to:1", "stop:0"))+online(2, "n2")))
	wantSummary(t, res, "* Restart vm ( n2 )")
}

// Migrated, then stopped on the source, with nothing on record on the
// target since: the target runs it (its migrate_from went unrecorded),
// and it leaves there by stop and start, not by another migration.
func TestUnrecordedMigrationTargetRunsItAndItMovesWithoutMigrating(t *testing.T) {
	ban := `<rsc_location id="l" rsc="vm" node="n2" score="-INFINITY"/>`
	res := run(t, testCIB(noFencing, nodesXML("n1", "n2"), vmRsc, ban,
		online(1, "n1", vmHistory("start:0", "migrate_to:0", "stop:0"))+online(2, "n2")))
	wantSummary(t, res, "* Move vm ( n2 -> n1 )")
}
