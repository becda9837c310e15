package xmltree

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pacer/share/schedcases"
)

// canon renders a document through encoding/xml, an independent parser, as
// a list of tokens with white-space-only text dropped. Two documents with the
// same canon have the same elements, attributes, values and order.
func canon(t testing.TB, data []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var out []string
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("encoding/xml: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			s := "<" + x.Name.Local
			if x.Name.Space != "" {
				s = "<" + x.Name.Space + ":" + x.Name.Local
			}
			for _, a := range x.Attr {
				n := a.Name.Local
				if a.Name.Space != "" {
					n = a.Name.Space + ":" + n
				}
				s += " " + n + "=" + a.Value
			}
			out = append(out, s)
		case xml.EndElement:
			out = append(out, "</"+x.Name.Local)
		case xml.CharData:
			if strings.TrimSpace(string(x)) != "" {
				out = append(out, "T"+string(x))
			}
		case xml.Comment:
			out = append(out, "C"+string(x))
		case xml.ProcInst:
			out = append(out, "P"+x.Target)
		}
	}
}

func TestRoundTripKeepsEverySchedulerCase(t *testing.T) {
	dir, ok := schedcases.Dir()
	if !ok {
		t.Skipf("scheduler cases not found at %s (set PACER_SCHED_CASES)", dir)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "xml", "*.xml"))
	if len(files) == 0 {
		t.Skipf("no xml files in %s/xml", dir)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ParseBytes(data)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		want := canon(t, data)
		for _, o := range []WriteOptions{Pretty, {}} {
			out := doc.Bytes(o)
			got := canon(t, out)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s: round trip (indent %q) differs:\n%s", filepath.Base(f), o.Indent, firstDiff(want, got))
				break
			}
			again, err := ParseBytes(out)
			if err != nil || !Equal(again.Root, doc.Root) {
				t.Errorf("%s: re-parse of written output differs (%v)", filepath.Base(f), err)
			}
		}
	}
	t.Logf("%d files round-tripped", len(files))
}

func firstDiff(a, b []string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return "want " + a[i] + "\n got " + b[i]
		}
	}
	return "lengths differ"
}

func TestKeepsUnknownElementsAttributesAndComments(t *testing.T) {
	in := `<?xml version="1.0"?>
<!-- site config -->
<cib x-vendor="acme" epoch="3"><configuration><!-- keep me --><frobnicate level="9">hello &amp; bye</frobnicate><resources/></configuration></cib>`
	doc, err := ParseString(in)
	if err != nil {
		t.Fatal(err)
	}
	out := string(doc.Bytes(Pretty))
	for _, want := range []string{`x-vendor="acme"`, `<!-- keep me -->`, `<!-- site config -->`, `<frobnicate level="9">hello &amp; bye</frobnicate>`, `<?xml version="1.0"?>`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lost %s:\n%s", want, out)
		}
	}
	if got := doc.Root.Child("configuration").Child("frobnicate").Text(); got != "hello & bye" {
		t.Errorf("text = %q", got)
	}
}

func TestAttributeValuesSurviveEscaping(t *testing.T) {
	e := New("nvpair", "id", "a", "value", "x<y & \"q\" 'z'\n\ttab>")
	d := &Document{Root: e}
	back, err := ParseBytes(d.Bytes(WriteOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Root.Attr("value"); got != e.Attr("value") {
		t.Errorf("value = %q, want %q", got, e.Attr("value"))
	}
}

func TestSyntaxErrorsNameLineAndColumn(t *testing.T) {
	cases := []struct {
		in, msg string
		line    int
	}{
		{"<cib>\n  <configuration>\n</cib>", "does not match", 3},
		{"<cib>\n<a b=c/></cib>", "not quoted", 2},
		{"<cib a='1' a='2'/>", "repeated", 1},
		{"", "no root element", 1},
		{"<cib>", "not closed", 1},
		{"<cib>\n\n<x v='&bogus;'/></cib>", "unknown entity", 3},
		{"<a/><b/>", "second root", 1},
		{"<cib><!-- open", "comment not closed", 1},
	}
	for _, c := range cases {
		_, err := ParseString(c.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v is not a SyntaxError", c.in, err)
			continue
		}
		if !strings.Contains(se.Msg, c.msg) || se.Line != c.line {
			t.Errorf("%q: got %v, want line %d and %q", c.in, err, c.line, c.msg)
		}
	}
}

func TestParseFileNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.xml")
	os.WriteFile(p, []byte("<cib>\n<configuration>\n"), 0o644)
	_, err := ParseFile(p)
	if err == nil || !strings.Contains(err.Error(), "broken.xml: line 2") {
		t.Errorf("error = %v", err)
	}
}

func TestDeepNestingIsRefused(t *testing.T) {
	in := strings.Repeat("<a>", 1000) + strings.Repeat("</a>", 1000)
	if _, err := ParseString(in); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("error = %v", err)
	}
}

func TestEditingKeepsCommentsAnchored(t *testing.T) {
	doc, _ := ParseString(`<r><a/><!--c--><b/></r>`)
	doc.Root.Insert(0, New("z"))
	doc.Root.Remove(doc.Root.Child("a"))
	if got := doc.Root.String(); got != `<r><z/><!--c--><b/></r>` {
		t.Errorf("got %s", got)
	}
}

func TestPathNamesIDsAndPositions(t *testing.T) {
	doc, _ := ParseString(`<cib><configuration><resources><primitive id="p1"><operations><op/><op/></operations></primitive></resources></configuration></cib>`)
	op := doc.Root.FindID("p1").Child("operations").Children[1]
	if got := op.Path(); got != "/cib/configuration/resources/primitive[@id='p1']/operations/op[2]" {
		t.Errorf("path = %s", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`<cib epoch="1"><configuration><!--x--><a b="&lt;"/>t</configuration></cib>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ELEMENT x ANY>]><x/>`))
	f.Add([]byte(`<a><![CDATA[<>]]></a>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ParseBytes(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Col < 1 {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		// Whatever parses must write and parse back to the same tree.
		out := doc.Bytes(WriteOptions{})
		again, err := ParseBytes(out)
		if err != nil {
			t.Fatalf("re-parse of %q failed: %v", out, err)
		}
		if !Equal(doc.Root, again.Root) {
			t.Fatalf("round trip changed the tree: %q -> %q", data, out)
		}
	})
}
