package cmdtree

import "testing"

// FuzzParse: any line parses to a command or an error, never a panic, and
// completion of any prefix is safe too.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"configure primitive p1 Dummy", `res mo vip "node 2"`, `a 'b`, `\`, `"\"`, "st", "", "help conf prim"} {
		f.Add(s)
	}
	tr := testTree()
	f.Fuzz(func(t *testing.T, line string) {
		for _, lvl := range []*Command{tr.Root, tr.Find("configure")} {
			inv, err := tr.Parse(lvl, line)
			if err == nil && inv != nil && inv.Cmd == nil {
				t.Fatalf("%q: no command and no error", line)
			}
			tr.Complete(lvl, line)
		}
	})
}
