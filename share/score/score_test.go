package score

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParseAcceptsKeywordsAndSignedIntegers(t *testing.T) {
	cases := map[string]Score{
		"INFINITY":  Infinity,
		"+INFINITY": Infinity,
		"-INFINITY": MinusInfinity,
		"0":         0,
		"+5":        5,
		"-42":       -42,
		" 7":        7,
		"1000000":   Infinity,
		"999999":    999999,
	}
	for in, want := range cases {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseClipsIntegersBeyondInfinity(t *testing.T) {
	for in, want := range map[string]Score{"2000000": Infinity, "-3000000000": MinusInfinity} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseRejectsJunkNamingTheText(t *testing.T) {
	for _, in := range []string{"", "abc", "10abc", "infinity", "1.5", "99999999999999999999", "red"} {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) accepted junk", in)
			continue
		}
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("Parse(%q) error %q does not name the text or wrap ErrSyntax", in, err)
		}
	}
}

func TestLenientReadsWhatPacemakerReads(t *testing.T) {
	// Values observed from crm_simulate 2.1.5 with validate-with="none".
	cases := map[string]Score{
		"10abc": 10, "abc": 0, "infinity": 0, "": 0,
		"99999999999999999999": 0, "3000000000": Infinity, "INFINITY": Infinity,
	}
	for in, want := range cases {
		got, _ := Lenient(in)
		if got != want {
			t.Errorf("Lenient(%q) = %v; want %v", in, got, want)
		}
	}
	if _, err := Lenient("10abc"); err == nil {
		t.Error("Lenient(10abc) gave no error to warn with")
	}
	if _, err := Lenient("-5"); err != nil {
		t.Errorf("Lenient(-5): %v", err)
	}
}

func TestParseHealthResolvesAliasesThroughOptions(t *testing.T) {
	h := Health{Red: -7, Yellow: -3, Green: 2}
	for in, want := range map[string]Score{"red": -7, "RED": -7, "Yellow": -3, "green": 2, "5": 5} {
		if got, err := ParseHealth(in, h); err != nil || got != want {
			t.Errorf("ParseHealth(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestAddMinusInfinityBeatsInfinity(t *testing.T) {
	if got := Add(Infinity, MinusInfinity); got != MinusInfinity {
		t.Errorf("INFINITY + -INFINITY = %v", got)
	}
	if got := Add(MinusInfinity, Infinity); got != MinusInfinity {
		t.Errorf("-INFINITY + INFINITY = %v", got)
	}
	if got := Sub(Infinity, Infinity); got != MinusInfinity {
		t.Errorf("INFINITY - INFINITY = %v", got)
	}
}

func TestAddInfinityAbsorbsFiniteValues(t *testing.T) {
	for _, v := range []Score{-999999, -1, 0, 1, 999999} {
		if got := Add(Infinity, v); got != Infinity {
			t.Errorf("INFINITY + %v = %v", v, got)
		}
		if got := Add(v, MinusInfinity); got != MinusInfinity {
			t.Errorf("%v + -INFINITY = %v", v, got)
		}
		if got := Sub(v, Infinity); got != MinusInfinity {
			t.Errorf("%v - INFINITY = %v", v, got)
		}
	}
}

func TestAddSaturatesFiniteSums(t *testing.T) {
	if got := Add(600000, 600000); got != Infinity {
		t.Errorf("600000+600000 = %v", got)
	}
	if got := Add(-600000, -600000); got != MinusInfinity {
		t.Errorf("-600000-600000 = %v", got)
	}
	if got := Add(999999, -5); got != 999994 {
		t.Errorf("999999-5 = %v", got)
	}
	if got := Sum(1, 2, 3, Infinity, MinusInfinity, 4); got != MinusInfinity {
		t.Errorf("Sum = %v", got)
	}
}

func TestStringPrintsLikePacemaker(t *testing.T) {
	cases := map[Score]string{Infinity: "INFINITY", MinusInfinity: "-INFINITY", 0: "0", 5: "5", -5: "-5"}
	for in, want := range cases {
		if got := in.String(); got != want {
			t.Errorf("%d.String() = %q; want %q", int64(in), got, want)
		}
	}
	var s Score
	if err := s.UnmarshalText([]byte("-INFINITY")); err != nil || s != MinusInfinity {
		t.Errorf("UnmarshalText: %v %v", s, err)
	}
	if b, _ := Score(12).MarshalText(); string(b) != "12" {
		t.Errorf("MarshalText = %s", b)
	}
}

// TestAddMatchesCrmSimulate builds a CIB where resource rN gets two location
// scores on node n1 and compares crm_simulate's allocation score with Add.
func TestAddMatchesCrmSimulate(t *testing.T) {
	bin, err := exec.LookPath("crm_simulate")
	if err != nil {
		t.Skip("crm_simulate not installed (apt install pacemaker-cli-utils)")
	}
	pairs := [][2]string{
		{"INFINITY", "-INFINITY"}, {"-INFINITY", "INFINITY"}, {"600000", "600000"},
		{"-600000", "-600000"}, {"999999", "-5"}, {"2000000", "-1"}, {"+5", "7"},
		{"INFINITY", "-999999"}, {"-2000000", "5"}, {"12", "-20"},
	}
	var rscs, cons strings.Builder
	for i, p := range pairs {
		fmt.Fprintf(&rscs, `<primitive id="r%d" class="ocf" provider="pacemaker" type="Dummy"/>`, i)
		fmt.Fprintf(&cons, `<rsc_location id="a%d" rsc="r%d" node="n1" score="%s"/>`, i, i, p[0])
		fmt.Fprintf(&cons, `<rsc_location id="b%d" rsc="r%d" node="n1" score="%s"/>`, i, i, p[1])
	}
	cib := fmt.Sprintf(`<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
<configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
<resources>%s</resources><constraints>%s</constraints></configuration><status/></cib>`, rscs.String(), cons.String())
	file := filepath.Join(t.TempDir(), "cib.xml")
	if err := os.WriteFile(file, []byte(cib), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-x", file, "-s").CombinedOutput()
	if err != nil {
		t.Fatalf("crm_simulate: %v\n%s", err, out)
	}
	re := regexp.MustCompile(`(?m)^\S+: r(\d+) allocation score on n1: (\S+)$`)
	seen := 0
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		var i int
		fmt.Sscan(m[1], &i)
		a, _ := Parse(pairs[i][0])
		b, _ := Parse(pairs[i][1])
		if got := Add(a, b).String(); got != m[2] {
			t.Errorf("%s + %s: Add gives %s, crm_simulate %s", pairs[i][0], pairs[i][1], got, m[2])
		}
		seen++
	}
	if seen != len(pairs) {
		t.Fatalf("found %d scores in crm_simulate output, want %d:\n%s", seen, len(pairs), out)
	}
}
