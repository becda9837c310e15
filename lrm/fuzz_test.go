package lrm

import (
	"os"
	"strings"
	"testing"
)

func FuzzParseAgent(f *testing.F) {
	for _, s := range []string{"ocf:heartbeat:IPaddr2", "lsb:x", "systemd:a.service", "fence_x", "stonith:fence_x", "ocf::", "a:b:c:d", "lsb:..", "ocf:p:\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAgent(s)
		if err != nil {
			if !strings.Contains(err.Error(), "agent") {
				t.Errorf("error %q does not say what was wrong", err)
			}
			return
		}
		// Whatever parses must stay inside its directory.
		for _, part := range []string{a.Provider, a.Type} {
			if strings.ContainsAny(part, "/\x00") || part == ".." || strings.HasPrefix(part, ".") {
				t.Fatalf("%q parsed to escaping name %+v", s, a)
			}
		}
		if b, err := ParseAgent(a.String()); err != nil || b != a {
			t.Fatalf("%q → %+v does not round-trip: %+v %v", s, a, b, err)
		}
	})
}

func FuzzParseMeta(f *testing.F) {
	f.Add([]byte(`<resource-agent name="x"><parameters><parameter name="p" required="1"><content type="string" default="d"/></parameter></parameters><actions><action name="start" timeout="20s"/></actions></resource-agent>`))
	f.Add([]byte(`<?xml version="1.0"?><resource-agent name="f" shortdesc="s"/>`))
	f.Add([]byte("\xff\xfe<resource-agent"))
	if b, err := os.ReadFile("testdata/fence/fence_pacer_test"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMeta("ocf:fuzz:X", data)
		if err != nil {
			if !strings.Contains(err.Error(), "ocf:fuzz:X") {
				t.Errorf("error %q does not name the agent", err)
			}
			return
		}
		for _, p := range m.Parameters {
			if p.Name == "" {
				t.Fatal("parameter without a name accepted")
			}
		}
	})
}
