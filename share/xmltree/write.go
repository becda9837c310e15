package xmltree

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// WriteOptions controls layout. Content is the same either way.
type WriteOptions struct {
	// Indent is the string per nesting level; "" writes everything on one line.
	Indent string
	// NoDecl leaves out the XML declaration of the prolog.
	NoDecl bool
}

// Pretty is the layout Pacer writes files in: two spaces a level, like
// Pacemaker's cibadmin output.
var Pretty = WriteOptions{Indent: "  "}

// Write writes the document.
func (d *Document) Write(w io.Writer, o WriteOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	for _, m := range d.Prolog {
		if o.NoDecl && m.Kind == ProcInst && strings.HasPrefix(m.Data, "xml ") {
			continue
		}
		writeMisc(bw, m)
		if o.Indent != "" {
			bw.WriteByte('\n')
		}
	}
	if d.Root != nil {
		writeElement(bw, d.Root, o.Indent, 0)
		if o.Indent != "" {
			bw.WriteByte('\n')
		}
	}
	for _, m := range d.Epilog {
		writeMisc(bw, m)
		if o.Indent != "" {
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}

// Bytes returns the document written with o.
func (d *Document) Bytes(o WriteOptions) []byte {
	var b bytes.Buffer
	d.Write(&b, o)
	return b.Bytes()
}

// WriteTo writes e and its subtree.
func (e *Element) WriteTo(w io.Writer, o WriteOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	writeElement(bw, e, o.Indent, 0)
	if o.Indent != "" {
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// String returns e written on one line.
func (e *Element) String() string {
	var b strings.Builder
	bw := bufio.NewWriter(&b)
	writeElement(bw, e, "", 0)
	bw.Flush()
	return b.String()
}

// Indented returns e written with two-space indentation and a final newline.
func (e *Element) Indented() string {
	var b strings.Builder
	e.WriteTo(&b, Pretty)
	return b.String()
}

func writeIndent(w *bufio.Writer, indent string, depth int) {
	if indent == "" {
		return
	}
	w.WriteByte('\n')
	for i := 0; i < depth; i++ {
		w.WriteString(indent)
	}
}

func writeElement(w *bufio.Writer, e *Element, indent string, depth int) {
	w.WriteByte('<')
	w.WriteString(e.Name)
	for _, a := range e.Attrs {
		w.WriteByte(' ')
		w.WriteString(a.Name)
		w.WriteString(`="`)
		escapeAttr(w, a.Value)
		w.WriteByte('"')
	}
	if len(e.Children) == 0 && len(e.Misc) == 0 {
		w.WriteString("/>")
		return
	}
	w.WriteByte('>')
	// Text content is written without indentation around it, so that it
	// reads back exactly.
	hasText := false
	for _, m := range e.Misc {
		if m.Kind == Text || m.Kind == CData {
			hasText = true
			break
		}
	}
	ind := indent
	if hasText {
		ind = ""
	}
	mi := 0
	for i, c := range e.Children {
		for mi < len(e.Misc) && e.Misc[mi].Before <= i {
			writeIndent(w, ind, depth+1)
			writeMisc(w, e.Misc[mi])
			mi++
		}
		writeIndent(w, ind, depth+1)
		writeElement(w, c, ind, depth+1)
	}
	for ; mi < len(e.Misc); mi++ {
		writeIndent(w, ind, depth+1)
		writeMisc(w, e.Misc[mi])
	}
	writeIndent(w, ind, depth)
	w.WriteString("</")
	w.WriteString(e.Name)
	w.WriteByte('>')
}

func writeMisc(w *bufio.Writer, m Misc) {
	switch m.Kind {
	case Comment:
		w.WriteString("<!--")
		w.WriteString(m.Data)
		w.WriteString("-->")
	case Text:
		escapeText(w, m.Data)
	case CData:
		w.WriteString("<![CDATA[")
		w.WriteString(m.Data)
		w.WriteString("]]>")
	case ProcInst:
		w.WriteString("<?")
		w.WriteString(m.Data)
		w.WriteString("?>")
	case Directive:
		w.WriteString("<!")
		w.WriteString(m.Data)
		w.WriteByte('>')
	}
}

// escapeAttr writes an attribute value. Literal tabs and newlines become
// character references, since a parser normalises them to spaces in
// attribute values.
func escapeAttr(w *bufio.Writer, s string) { escape(w, s, true) }

// escapeText writes character data; white space stays literal there.
func escapeText(w *bufio.Writer, s string) { escape(w, s, false) }

func escape(w *bufio.Writer, s string, attr bool) {
	last := 0
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '\r':
			rep = "&#13;"
		case '"':
			if !attr {
				continue
			}
			rep = "&quot;"
		case '\n':
			if !attr {
				continue
			}
			rep = "&#10;"
		case '\t':
			if !attr {
				continue
			}
			rep = "&#9;"
		default:
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(rep)
		last = i + 1
	}
	w.WriteString(s[last:])
}
