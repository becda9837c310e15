package graph

import (
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/schedcases"
	"pacer/share/xmltree"
)

func TestReadsAndWritesPacemakerGraphs(t *testing.T) {
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skipf("scheduler cases not found at %s", dir)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "exp", "*.exp"))
	for _, f := range files {
		doc, err := xmltree.ParseFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		g, err := FromXML(doc.Root)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if err := g.Validate(); err != nil {
			t.Errorf("%s: Pacemaker's own graph fails validation: %v", filepath.Base(f), err)
		}
		back, err := FromXML(g.XML())
		if err != nil || len(back.Actions) != len(g.Actions) {
			t.Errorf("%s: rewrite lost actions: %v", filepath.Base(f), err)
		}
	}
}

func TestValidateFindsCyclesAndDanglingInputs(t *testing.T) {
	g := &Graph{Actions: []*Action{{ID: 1, Key: "a", Inputs: []int{2}}, {ID: 2, Key: "b", Inputs: []int{1}}}}
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: %v", err)
	}
	g = &Graph{Actions: []*Action{{ID: 1, Key: "a", Inputs: []int{7}}}}
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), "unknown action 7") {
		t.Errorf("dangling: %v", err)
	}
}

func TestValidateRefusesDuplicateAndSparseIDs(t *testing.T) {
	g := &Graph{Actions: []*Action{{ID: 1, Key: "a"}, {ID: 1, Key: "b"}}}
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate: %v", err)
	}
	g = &Graph{Actions: []*Action{{ID: 1 << 30, Key: "a"}}}
	if err := g.Validate(); err == nil {
		t.Error("a sparse id must be refused, not allocated")
	}
}

func TestValidateAcceptsALongChain(t *testing.T) {
	g := &Graph{}
	for i := 0; i < 200000; i++ {
		a := &Action{ID: i, Key: "x"}
		if i > 0 {
			a.Inputs = []int{i - 1}
		}
		g.Actions = append(g.Actions, a)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	g.Actions[0].Inputs = []int{199999}
	if err := g.Validate(); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle over the whole chain: %v", err)
	}
}
