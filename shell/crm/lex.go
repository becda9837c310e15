package crm

import (
	"fmt"
	"strings"
)

// token is one shell-like word of crm text: quotes removed, position kept.
type token struct {
	Val    string
	Line   int // 1-based
	Col    int // 1-based, in runes... bytes; good enough for ASCII configs
	Quoted bool
}

// rawStatement is one logical line: physical lines joined at backslash
// continuations, comments dropped.
type rawStatement struct {
	Line int    // where it starts
	Text string // source text, continuations joined with a space
	Toks []token
	// Comments are the comment lines right before the statement.
	Comments []string
}

// SyntaxError is a problem in crm text, with where it was found.
type SyntaxError struct {
	Line, Col int
	Object    string // "primitive p1", or "" before the id is known
	Msg       string
}

func (e *SyntaxError) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.Col > 0 {
		where += fmt.Sprintf(", column %d", e.Col)
	}
	if e.Object != "" {
		return where + ": " + e.Object + ": " + e.Msg
	}
	return where + ": " + e.Msg
}

// split cuts text into logical statements. A line whose first non-blank
// character is '#' is a comment (so "#uname" inside a rule, which never
// starts a statement line, is not one), a trailing backslash joins the
// next line, and quotes may span words but not statements.
func split(text string) ([]rawStatement, error) {
	var out []rawStatement
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var cur *rawStatement
	var buf strings.Builder
	type seg struct {
		line, off int // off: byte offset in buf where this physical line starts
	}
	var segs []seg
	var comments []string
	flush := func() error {
		if cur == nil {
			return nil
		}
		cur.Text = buf.String()
		if t := strings.TrimLeft(cur.Text, " \t"); t == "xml" || strings.HasPrefix(t, "xml ") || strings.HasPrefix(t, "xml\t") {
			// Raw XML: quoting is XML's, not the shell's.
			cur.Toks = []token{{Val: "xml", Line: cur.Line, Col: len(cur.Text) - len(t) + 1}}
			out = append(out, *cur)
			cur = nil
			buf.Reset()
			segs = segs[:0]
			return nil
		}
		toks, err := tokenize(cur.Text, func(off int) (int, int) {
			for i := len(segs) - 1; i >= 0; i-- {
				if off >= segs[i].off {
					return segs[i].line, off - segs[i].off + 1
				}
			}
			return cur.Line, off + 1
		})
		if err != nil {
			return err
		}
		cur.Toks = toks
		if len(toks) > 0 {
			out = append(out, *cur)
		}
		cur = nil
		buf.Reset()
		segs = segs[:0]
		return nil
	}
	for i, l := range lines {
		n := i + 1
		t := strings.TrimSpace(l)
		if cur == nil {
			if t == "" {
				comments = nil
				continue
			}
			if strings.HasPrefix(t, "#") {
				// Kept as written, '#' included, as crmsh keeps them
				// (<!--# text-->).
				comments = append(comments, t)
				continue
			}
			cur = &rawStatement{Line: n, Comments: comments}
			comments = nil
		} else if t == "" {
			// A blank line after a continuation ends the statement.
			if err := flush(); err != nil {
				return nil, err
			}
			continue
		}
		cont := strings.HasSuffix(strings.TrimRight(l, " \t"), "\\") && !strings.HasSuffix(strings.TrimRight(l, " \t"), "\\\\")
		body := l
		if cont {
			body = strings.TrimRight(l, " \t")
			body = body[:len(body)-1]
		}
		if buf.Len() > 0 {
			buf.WriteByte(' ')
		}
		segs = append(segs, seg{n, buf.Len()})
		buf.WriteString(body)
		if !cont {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// tokenize splits one logical line into words the way a POSIX shell would
// for the purposes of crm: blanks separate, single and double quotes group,
// and a backslash escapes the next character inside double quotes and
// outside quotes.
func tokenize(s string, pos func(off int) (line, col int)) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		start := i
		var b strings.Builder
		quoted := false
		for i < len(s) {
			c = s[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				break
			}
			switch c {
			case '"', '\'':
				quoted = true
				q := c
				j := i + 1
				for {
					if j >= len(s) {
						l, col := pos(i)
						return nil, &SyntaxError{Line: l, Col: col, Msg: fmt.Sprintf("unterminated %c quote", q)}
					}
					if s[j] == q {
						break
					}
					if q == '"' && s[j] == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
						j++
					}
					b.WriteByte(s[j])
					j++
				}
				i = j + 1
			case '\\':
				if i+1 < len(s) {
					b.WriteByte(s[i+1])
					i += 2
				} else {
					i++
				}
			default:
				b.WriteByte(c)
				i++
			}
		}
		l, col := pos(start)
		toks = append(toks, token{Val: b.String(), Line: l, Col: col, Quoted: quoted})
	}
	return toks, nil
}

// quote returns v as one crm word, quoted when it holds anything the
// tokenizer would split or strip.
func quote(v string) string {
	if v == "" {
		return `""`
	}
	plain := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '+') {
			plain = false
			break
		}
	}
	if plain {
		return v
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		// Inside double quotes only \" and \\ are escapes (as in a POSIX
		// shell and crmsh), so a lone backslash stays as it is.
		if v[i] == '"' || v[i] == '\\' && (i+1 == len(v) || v[i+1] == '"' || v[i+1] == '\\') {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}
