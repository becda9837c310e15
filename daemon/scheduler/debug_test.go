package scheduler

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

func TestDebugCase(t *testing.T) {
	name := os.Getenv("PACER_DEBUG_CASE")
	if name == "" {
		t.Skip("set PACER_DEBUG_CASE")
	}
	dir, _ := schedcases.Dir()
	doc, err := xmltree.ParseFile(filepath.Join(dir, "xml", name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	now, _ := ExecutionDate(doc)
	c, err := unpack(doc, now)
	if err != nil {
		t.Fatal(err)
	}
	c.expandClones()
	c.place()
	for _, n := range c.nodes {
		fmt.Printf("node %s online=%v unclean=%v pending=%v standby=%v canRun=%v\n", n.Name, n.Online, n.Unclean, n.Pending, n.Standby, n.canRun())
	}
	for _, r := range c.allList {
		var run []string
		for _, n := range r.Running {
			run = append(run, n.Name)
		}
		an := "-"
		if r.Assigned != nil {
			an = r.Assigned.Name
		}
		fmt.Printf("rsc %s next=%s running=%v role=%s failed=%v blocked=%v managed=%v fixed=%v assigned=%s\n", r.ID, r.NextRole, run, r.Role, r.Failed, r.Blocked, r.Managed, r.fixed, an)
		for _, n := range c.nodes {
			if v, ok := r.final.get(n); ok {
				fmt.Printf("   %s: %s (base %s)\n", n.Name, v, r.Allowed.at(n))
			}
		}
		for _, w := range r.Why {
			fmt.Printf("   why %s %s %s\n", w.Node, w.Score, w.Source)
		}
	}
}
