package options

import (
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"pacer/share/score"
)

func TestParseBoolAcceptsPacemakerSpellings(t *testing.T) {
	for _, s := range []string{"true", "TRUE", "yes", "Yes", "on", "ON", "y", "Y", "1", " true "} {
		if v, err := ParseBool(s); err != nil || !v {
			t.Errorf("ParseBool(%q) = %v, %v", s, v, err)
		}
	}
	for _, s := range []string{"false", "False", "no", "NO", "off", "Off", "n", "N", "0"} {
		if v, err := ParseBool(s); err != nil || v {
			t.Errorf("ParseBool(%q) = %v, %v", s, v, err)
		}
	}
	for _, s := range []string{"", "2", "yess", "t", "enabled"} {
		if _, err := ParseBool(s); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
			t.Errorf("ParseBool(%q) error %v does not name the text", s, err)
		}
	}
}

func TestLookupResolvesOldNames(t *testing.T) {
	cases := map[string]string{
		"stonith-enabled": "fencing-enabled", "fencing-enabled": "fencing-enabled",
		"stonith-action": "fencing-action", "stonith-timeout": "fencing-timeout",
		"stop-orphan-resources": "stop-removed-resources", "stop-orphan-actions": "cancel-removed-actions",
		"master-max": "promoted-max", "master-node-max": "promoted-node-max",
		"crmd-transition-delay": "transition-delay", "interval": "interval", "target-role": "target-role",
	}
	for in, want := range cases {
		o, ok := Lookup(in)
		if !ok || o.Name != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", in, o, ok, want)
		}
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q", in, got)
		}
	}
	if _, ok := Lookup("no-such-option"); ok {
		t.Error("unknown name found")
	}
	if Canonical("no-such-option") != "no-such-option" {
		t.Error("Canonical changed an unknown name")
	}
	if o, _ := ClusterOptions.Lookup("stonith-enabled"); o.Scope != Cluster || o.Kind != Boolean || o.Default != "true" {
		t.Errorf("fencing-enabled: %+v", o)
	}
	if o, _ := ResourceMeta.Lookup("clone-max"); !o.CloneOnly || o.DefaultNote == "" {
		t.Errorf("clone-max: %+v", o)
	}
}

func TestNamesForCompletion(t *testing.T) {
	all := Names()
	for _, want := range []string{"fencing-enabled", "no-quorum-policy", "target-role", "interval", "on-fail", "promoted-max"} {
		if !slices.Contains(all, want) {
			t.Errorf("Names() lacks %s", want)
		}
	}
	if slices.Contains(all, "remove-after-stop") || slices.Contains(all, "stonith-enabled") {
		t.Error("Names() offers deprecated or old names")
	}
	if !slices.IsSorted(all) {
		t.Error("Names() not sorted")
	}
	if got := ClusterOptions.Complete("stonith-e"); !slices.Equal(got, []string{"stonith-enabled"}) {
		t.Errorf("Complete(stonith-e) = %v", got)
	}
	if got := ClusterOptions.Complete("node-health-"); len(got) != 5 {
		t.Errorf("Complete(node-health-) = %v", got)
	}
	if got := ResourceMeta.Complete("promoted"); !slices.Equal(got, []string{"promoted-max", "promoted-node-max"}) {
		t.Errorf("Complete(promoted) = %v", got)
	}
}

func TestEveryDefaultIsValid(t *testing.T) {
	for _, tab := range append(tables, NodeAttributes) {
		for _, o := range tab.Options() {
			if o.Default != "" {
				if err := o.Validate(o.Default); err != nil {
					t.Errorf("default of %s: %v", o.Name, err)
				}
			}
			if o.Kind == Enum && len(o.Allowed) == 0 {
				t.Errorf("%s: enumeration without values", o.Name)
			}
			if o.Desc == "" {
				t.Errorf("%s: no description", o.Name)
			}
		}
	}
}

func TestCheckWarnsAboutUnknownAndDeprecatedNames(t *testing.T) {
	probs := ClusterOptions.Check(map[string]string{
		"stonith-enabled":   "false",
		"symetric-cluster":  "true",
		"totally-made-up":   "1",
		"remove-after-stop": "false",
		"no-quorum-policy":  "panic",
		"fencing-timeout":   "ten seconds",
		"batch-limit":       "many",
		"load-threshold":    "80%",
	})
	byName := map[string]Problem{}
	for _, p := range probs {
		byName[p.Name] = p
	}
	if _, ok := byName["stonith-enabled"]; ok {
		t.Error("a 2.x alias is not a problem")
	}
	if p := byName["symetric-cluster"]; !p.Warning || !errors.Is(p.Err, ErrUnknown) || !strings.Contains(p.Error(), "did you mean symmetric-cluster") {
		t.Errorf("typo: %+v", p)
	}
	if p := byName["totally-made-up"]; !p.Warning || strings.Contains(p.Error(), "did you mean") {
		t.Errorf("unknown: %+v", p)
	}
	if p := byName["remove-after-stop"]; !p.Warning || !strings.Contains(p.Error(), "deprecated") {
		t.Errorf("deprecated: %+v", p)
	}
	for _, n := range []string{"no-quorum-policy", "fencing-timeout", "batch-limit"} {
		p, ok := byName[n]
		if !ok || p.Warning || !strings.Contains(p.Error(), n) {
			t.Errorf("%s: %+v", n, p)
		}
	}
	if _, ok := byName["load-threshold"]; ok {
		t.Error("80% is a valid percentage")
	}
}

func TestValuesTypedAccessWithDefaults(t *testing.T) {
	v := ClusterOptions.Bind(map[string]string{
		"stonith-enabled":          "No",
		"fencing-timeout":          "90s",
		"stonith-timeout":          "30s", // the current name wins
		"no-quorum-policy":         "FREEZE",
		"cluster-recheck-interval": "PT5M",
		"batch-limit":              "bogus",
		"node-health-red":          "-INFINITY",
		"custom-thing":             "x",
	})
	if v.Bool("fencing-enabled") {
		t.Error("fencing-enabled should be false")
	}
	if d := v.Duration("fencing-timeout"); d != 90*time.Second {
		t.Errorf("fencing-timeout = %v", d)
	}
	if s := v.String("no-quorum-policy"); s != "freeze" {
		t.Errorf("no-quorum-policy = %q", s)
	}
	if d := v.Duration("cluster-recheck-interval"); d != 5*time.Minute {
		t.Errorf("cluster-recheck-interval = %v", d)
	}
	if n := v.Int("batch-limit"); n != 0 {
		t.Errorf("invalid batch-limit should read as default 0, got %d", n)
	}
	if v.Bool("symmetric-cluster") != true || v.Duration("dc-deadtime") != 20*time.Second {
		t.Error("defaults not applied")
	}
	if v.Score("node-health-red") != score.MinusInfinity || v.Percentage("load-threshold") != 80 {
		t.Error("score/percentage access")
	}
	if raw, ok := v.Raw("custom-thing"); !ok || raw != "x" {
		t.Error("unknown names must stay readable raw")
	}
	if raw, ok := v.Raw("stonith-enabled"); !ok || raw != "No" {
		t.Errorf("Raw by old name = %q, %v", raw, ok)
	}
	defer func() {
		if recover() == nil {
			t.Error("typed access to an unknown option must panic (a programming error)")
		}
	}()
	v.Bool("no-such-option")
}

func TestHealthScoresFollowStrategy(t *testing.T) {
	set := func(strategy string) score.Health {
		return ClusterOptions.Bind(map[string]string{"node-health-strategy": strategy,
			"node-health-red": "-7", "node-health-yellow": "-3", "node-health-green": "2"}).Health()
	}
	cases := map[string]score.Health{
		"none":           {},
		"migrate-on-red": {Red: score.MinusInfinity},
		"only-green":     {Red: score.MinusInfinity, Yellow: score.MinusInfinity},
		"progressive":    {Red: -7, Yellow: -3, Green: 2},
		"custom":         {Red: -7, Yellow: -3, Green: 2},
	}
	for s, want := range cases {
		if got := set(s); got != want {
			t.Errorf("%s: %+v, want %+v", s, got, want)
		}
	}
}

// TestParseBoolMatchesCrmSimulate sets symmetric-cluster to each spelling
// and sees whether Pacemaker treats the cluster as symmetric.
func TestParseBoolMatchesCrmSimulate(t *testing.T) {
	bin, err := exec.LookPath("crm_simulate")
	if err != nil {
		t.Skip("crm_simulate not installed (apt install pacemaker-cli-utils)")
	}
	for _, s := range []string{"true", "Yes", "ON", "y", "1", "false", "No", "off", "N", "0"} {
		cib := `<cib crm_feature_set="3.16.2" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
<configuration><crm_config><cluster_property_set id="o"><nvpair id="o1" name="stonith-enabled" value="false"/>
<nvpair id="o2" name="symmetric-cluster" value="` + s + `"/></cluster_property_set></crm_config>
<nodes><node id="1" uname="n1"/></nodes>
<resources><primitive id="r" class="ocf" provider="pacemaker" type="Dummy"/></resources><constraints/></configuration><status/></cib>`
		file := filepath.Join(t.TempDir(), "cib.xml")
		if err := os.WriteFile(file, []byte(cib), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "-x", file, "-s").CombinedOutput()
		if err != nil {
			t.Fatalf("crm_simulate: %v\n%s", err, out)
		}
		pm := regexp.MustCompile(`r allocation score on n1: 0`).Match(out)
		if got, err := ParseBool(s); err != nil || got != pm {
			t.Errorf("ParseBool(%q) = %v, %v; crm_simulate symmetric=%v", s, got, err, pm)
		}
	}
}

// TestDefaultsMatchPacemakerMetadata compares with the option metadata
// Pacemaker's daemons print. Differences made on purpose (Pacemaker 3.x
// defaults) are listed.
func TestDefaultsMatchPacemakerMetadata(t *testing.T) {
	intended := map[string]bool{"concurrent-fencing": true} // true since Pacemaker 3.0
	found := 0
	for _, d := range []string{"schedulerd", "controld", "based"} {
		bin := "/usr/lib/pacemaker/pacemaker-" + d
		if _, err := os.Stat(bin); err != nil {
			continue
		}
		out, err := exec.Command(bin, "metadata").Output()
		if err != nil {
			t.Fatalf("%s metadata: %v", bin, err)
		}
		var md struct {
			Params []struct {
				Name    string `xml:"name,attr"`
				Content struct {
					Type    string `xml:"type,attr"`
					Default string `xml:"default,attr"`
					Options []struct {
						Value string `xml:"value,attr"`
					} `xml:"option"`
				} `xml:"content"`
			} `xml:"parameters>parameter"`
		}
		if err := xml.Unmarshal(out, &md); err != nil {
			t.Fatalf("%s metadata: %v", bin, err)
		}
		for _, p := range md.Params {
			found++
			o, ok := ClusterOptions.Lookup(p.Name)
			if !ok {
				t.Errorf("Pacemaker's %s has option %s; the table does not", d, p.Name)
				continue
			}
			if intended[o.Name] || o.DefaultNote == "detected" {
				continue
			}
			if p.Content.Default != o.Default {
				t.Errorf("%s: default %q, Pacemaker %q", p.Name, o.Default, p.Content.Default)
			}
			for _, v := range p.Content.Options {
				if !slices.Contains(o.Allowed, v.Value) {
					t.Errorf("%s: Pacemaker allows %q, the table does not", p.Name, v.Value)
				}
			}
		}
	}
	if found == 0 {
		t.Skip("Pacemaker daemons not installed (apt install pacemaker)")
	}
}

func TestNodeAttributesAreSeparate(t *testing.T) {
	o, ok := NodeAttributes.Lookup("standby")
	if !ok || o.Scope != Node || o.Kind != Boolean {
		t.Fatalf("standby: %+v", o)
	}
	if o, _ := Lookup("maintenance"); o.Scope != Resource {
		t.Errorf("Lookup(maintenance) found the %s", o.Scope)
	}
	if v := NodeAttributes.Bind(map[string]string{"standby": "on"}); !v.Bool("standby") {
		t.Error("standby=on")
	}
}
