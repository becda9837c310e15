package acl

import (
	"testing"

	"pacer/share/xmltree"
)

// FuzzCompile: any text either compiles or is refused with an error;
// compiled paths select without panicking and only elements of the tree.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{"/cib", "//primitive[@id='x']", "//a[1][@b!=\"c\" or not(@d)]", "/cib/*//nvpair[@name='a' and @value]", "//(", "/a[@"} {
		f.Add(s)
	}
	doc, err := xmltree.ParseString(cibText)
	if err != nil {
		f.Fatal(err)
	}
	in := map[*xmltree.Element]bool{}
	doc.Root.Walk(func(e *xmltree.Element) bool { in[e] = true; return true })
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Compile(src)
		if err != nil {
			return
		}
		for _, e := range p.Select(doc.Root) {
			if !in[e] {
				t.Fatalf("%q selected an element outside the tree", src)
			}
		}
	})
}
