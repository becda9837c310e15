package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pacer.conf")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFillsDefaults(t *testing.T) {
	c, err := Load(write(t, `
cluster_name = "prod"
node_name = "b"
two_node = true
[[node]]
name = "a"
addr = "10.0.0.1"
[[node]]
name = "b"
addr = "10.0.0.2"
port = 8000
[membership]
probe_interval = "1s"
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Self().Name != "b" || c.Self().ID != 2 || c.Self().Port != 8000 || c.Node("a").Port != 7946 {
		t.Fatalf("nodes %+v", c.Nodes)
	}
	if !*c.WaitForAll {
		t.Error("wait_for_all defaults to two_node")
	}
	if c.Membership.ProbeInterval.Duration != time.Second || c.Membership.ProbeTimeout.Duration == 0 {
		t.Errorf("membership %+v", c.Membership)
	}
	if c.Votes() != 2 || c.Socket != "/run/pacer/pacerd.sock" {
		t.Errorf("votes %d socket %s", c.Votes(), c.Socket)
	}
}

func TestBadConfigsNameTheProblem(t *testing.T) {
	for conf, want := range map[string]string{
		`nodename = "x"`: `unknown setting "nodename"`,
		"node_name = \"x\"\n[[node]]\nname = \"y\"":                  `"x" is not among`,
		"node_name = \"a\"\n[[node]]\nname = \"a\"\naddr = \"nope\"": `addr "nope" is not an IP`,
		"[[node]]\nname = \"a\"\n[[node]]\nname = \"a\"":             "given twice",
		`two_node = maybe`: "pacer.conf",
	} {
		_, err := Load(write(t, conf))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", conf, err, want)
		}
	}
}

func TestMissingDefaultFileIsDefaults(t *testing.T) {
	if _, err := os.Stat(DefaultPath); err == nil {
		t.Skip(DefaultPath + " exists here")
	}
	if _, err := Load(DefaultPath); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.conf")); err == nil {
		t.Fatal("a missing explicit file must be an error")
	}
}
