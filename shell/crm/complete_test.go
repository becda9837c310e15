package crm

import (
	"reflect"
	"testing"
)

func TestCompletionContext(t *testing.T) {
	cases := []struct {
		line string
		want Context
	}{
		{"", Context{Field: "object"}},
		{"prim", Context{Field: "object", Prefix: "prim"}},
		{"primitive ", Context{Object: "primitive", Field: "id", PrevTokens: []string{"primitive"}}},
		{"primitive vip ocf:heart", Context{Object: "primitive", ID: "vip", Field: "agent", Prefix: "ocf:heart", PrevTokens: []string{"primitive", "vip"}}},
		{"primitive vip IPaddr2 params ip=1.2.3.4 cidr", Context{Object: "primitive", ID: "vip", Agent: "IPaddr2", Field: "param", Block: "params", Used: []string{"ip"}, Prefix: "cidr",
			PrevTokens: []string{"primitive", "vip", "IPaddr2", "params", "ip=1.2.3.4"}}},
		{"primitive vip IPaddr2 params ip=", Context{Object: "primitive", ID: "vip", Agent: "IPaddr2", Field: "value", Name: "ip", Block: "params", Prefix: "ip=",
			PrevTokens: []string{"primitive", "vip", "IPaddr2", "params"}}},
		{"primitive vip IPaddr2 op ", Context{Object: "primitive", ID: "vip", Agent: "IPaddr2", Field: "op", Block: "op",
			PrevTokens: []string{"primitive", "vip", "IPaddr2", "op"}}},
		{"primitive vip IPaddr2 op monitor interval=10s ti", Context{Object: "primitive", ID: "vip", Agent: "IPaddr2", Field: "op-attr", Block: "op", Op: "monitor", Used: []string{"interval"}, Prefix: "ti",
			PrevTokens: []string{"primitive", "vip", "IPaddr2", "op", "monitor", "interval=10s"}}},
		{"primitive vip IPaddr2 meta \\\n  target", Context{Object: "primitive", ID: "vip", Agent: "IPaddr2", Field: "meta", Block: "meta", Prefix: "target",
			PrevTokens: []string{"primitive", "vip", "IPaddr2", "meta"}}},
		{"order o1 ", Context{Object: "order", ID: "o1", Field: "kind", PrevTokens: []string{"order", "o1"}}},
		{"location l1 vip 100: ", Context{Object: "location", ID: "l1", Field: "node", PrevTokens: []string{"location", "l1", "vip", "100:"}}},
		{"group g1 a ", Context{Object: "group", ID: "g1", Field: "resource", PrevTokens: []string{"group", "g1", "a"}}},
		{"property stonith-enabled=false no-q", Context{Object: "property", Field: "property", Used: []string{"stonith-enabled"}, Prefix: "no-q",
			PrevTokens: []string{"property", "stonith-enabled=false"}}},
		{`primitive p Dummy params state="/tmp/a b`, Context{Object: "primitive", ID: "p", Agent: "Dummy", Field: "value", Name: "state", Block: "params", Prefix: "state=/tmp/a b",
			PrevTokens: []string{"primitive", "p", "Dummy", "params"}}},
	}
	for _, c := range cases {
		got := CompletionContext(c.line)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", c.line, got, c.want)
		}
	}
}

func TestKeywords(t *testing.T) {
	k := Keywords()
	has := func(list []string, w string) bool {
		for _, x := range list {
			if x == w {
				return true
			}
		}
		return false
	}
	for _, w := range []string{"primitive", "group", "clone", "ms", "location", "colocation", "order", "rsc_ticket", "property", "rsc_defaults", "op_defaults", "fencing_topology", "tag", "alert", "role", "acl_target", "rsc_template", "bundle", "node"} {
		if !has(k.Objects, w) {
			t.Errorf("Objects lacks %s", w)
		}
		// Every offered object keyword parses as a statement keyword.
		if _, err := Parse(w); err != nil && !contains(err.Error(), "expected") {
			t.Errorf("%s: %v", w, err)
		}
	}
	if !has(k.After["primitive"], "op") || !has(k.OpAttrs, "timeout") || has(k.OpAttrs, "name") || !has(k.Commands, "delete") {
		t.Errorf("keywords: %+v", k)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub)))
}
