package rule

import "testing"

// The scheduler evaluates location rules once per resource and node, and
// unpacks option blocks per resource: these must stay cheap.

func BenchmarkEvaluateLocationRule(b *testing.B) {
	r := el(&testing.T{}, `<rule id="r" score="100" boolean-op="and">`+expr("#uname", "eq", "n1", "")+
		expr("cpu", "gte", "4", "")+`<date_expression id="d" operation="in_range" start="2005-01-01" end="2006-01-01"/></rule>`)
	ctx := nodeCtx()
	b.ReportAllocs()
	for b.Loop() {
		if res, _ := Evaluate(r, ctx); !res.Matched {
			b.Fatal("no match")
		}
	}
}

func BenchmarkUnpackNVSets(b *testing.B) {
	sets := el(&testing.T{}, specialRsc).ChildrenNamed("instance_attributes")
	ctx := &Context{Node: map[string]string{"#uname": "node2"}}
	b.ReportAllocs()
	for b.Loop() {
		if m := UnpackNVSets(sets, ctx); m["port"] != "8888" {
			b.Fatal(m)
		}
	}
}
