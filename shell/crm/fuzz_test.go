package crm

import (
	"errors"
	"os"
	"pacer/share/xmltree"
	"strings"
	"testing"
)

// FuzzParse: any text either parses or gives a *SyntaxError naming a line;
// what parses applies or fails cleanly, and what applies prints and reads
// back to the same configuration.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/constructs.crm"); err == nil {
		f.Add(string(b))
		for _, l := range strings.Split(string(b), "\n") {
			f.Add(l)
		}
	}
	for _, s := range []string{
		baseConfig,
		"location l p rule 1: a eq b or date in start=2020 years=1",
		"order o ( a b ) [ c d ] e:start symmetrical=false",
		"xml <primitive id='x' class='ocf' provider='heartbeat' type='Dummy'/>",
		"primitive p \"unterminated",
		"fencing_topology attr:a=b: f1,f2 pattern:x.*: f3",
		"alert a /x to { /y meta a=b } to /z",
		"primitive p Dummy \\\n op monitor interval=1 \\\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sts, err := Parse(text)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Msg == "" {
				t.Fatalf("error without position: %#v", err)
			}
			return
		}
		cfg := emptyConfig()
		before := cfg.Indented()
		if err := Apply(cfg, sts, Replace); err != nil {
			if cfg.Indented() != before {
				t.Fatalf("failed Apply changed the configuration")
			}
			return
		}
		out := Show(cfg)
		back, err := pacerLoad(out)
		if err != nil {
			t.Fatalf("Show output does not parse: %v\n%s", err, out)
		}
		if !Equivalent(back, cfg) {
			t.Fatalf("Show output reads back differently:\n%s\n%s", FirstDifference(cfg, back), out)
		}
	})
}

// FuzzApply applies fuzzed statements to a populated configuration in
// update mode: no panic, a failure changes nothing, a success leaves no
// duplicate ids and prints text that reads back the same.
func FuzzApply(f *testing.F) {
	for _, s := range []string{
		"delete g1", "delete p1 p2", "rename g1 g2", "group g2 p3 p1", "clone c g1",
		"primitive p1 Dummy\ngroup g1 p1", "delete node1", "rename node1 n1", "clone p1 g1",
		"property stonith-enabled=true", "location l1 p3 rule #uname eq node2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sts, err := Parse(text)
		if err != nil {
			return
		}
		cfg, err := pacerLoad(baseConfig)
		if err != nil {
			t.Fatal(err)
		}
		before := cfg.Indented()
		if err := Apply(cfg, sts, Update); err != nil {
			if cfg.Indented() != before {
				t.Fatalf("failed Apply changed the configuration")
			}
			return
		}
		seen := map[string]bool{}
		var dup string
		cfg.Walk(func(x *xmltree.Element) bool {
			if id := x.ID(); id != "" && idBearing(x) && x.Name != "node" {
				if seen[id] {
					dup = id
				}
				seen[id] = true
			}
			return true
		})
		if dup != "" {
			t.Fatalf("duplicate id %s after:\n%s\n%s", dup, text, cfg.Indented())
		}
		out := Show(cfg)
		back, err := pacerLoad(out)
		if err != nil || !Equivalent(back, cfg) {
			t.Fatalf("Show output does not read back: %v\n%s", err, out)
		}
	})
}
