package crm

import (
	"os"
	"strings"
	"testing"

	"pacer/share/xmltree"
)

// canonWithIDs is Canonical but keeping every id, for golden tests that
// check crmsh's id naming too.
func canonWithIDs(e *xmltree.Element) string {
	saved := idFree
	idFree = map[string]bool{}
	defer func() { idFree = saved }()
	return Canonical(e)
}

func emptyConfig() *xmltree.Element {
	cfg := xmltree.New("configuration")
	for _, s := range []string{"crm_config", "nodes", "resources", "constraints"} {
		cfg.Append(xmltree.New(s))
	}
	return cfg
}

// testdata/constructs.crm is what crmsh 5.0.0's `crm configure show`
// printed (4.4.1's differed only in writing node1:member), and
// constructs.xml the configuration crmsh 4.4.1 made, for one
// configuration using every construct crmsh supports. Pacer must read the
// text to the same XML (ids included) and print the XML to the same text.
func TestGoldenConstructs(t *testing.T) {
	text, err := os.ReadFile("testdata/constructs.crm")
	if err != nil {
		t.Fatal(err)
	}
	want, err := xmltree.ParseElement(string(mustRead(t, "testdata/constructs.xml")))
	if err != nil {
		t.Fatal(err)
	}
	sts, err := Parse(string(text))
	if err != nil {
		t.Fatal(err)
	}
	cfg := emptyConfig()
	if err := Apply(cfg, sts, Replace); err != nil {
		t.Fatal(err)
	}
	if a, b := canonWithIDs(want), canonWithIDs(cfg); a != b {
		saved := idFree
		idFree = map[string]bool{}
		t.Errorf("parsed XML differs from crmsh's:\n%s", FirstDifference(want, cfg))
		idFree = saved
	}
	got := Show(want)
	if got != string(text) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(text), "\n")
		for i := range wl {
			if i >= len(gl) || gl[i] != wl[i] {
				g := ""
				if i < len(gl) {
					g = gl[i]
				}
				t.Errorf("Show differs from crm configure show at line %d:\n got: %q\nwant: %q", i+1, g, wl[i])
				break
			}
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
