package cmdtree

import (
	"fmt"
	"strings"
)

// Word is one word of a command line and where it starts in the line.
type Word struct {
	Text  string // with quotes removed and escapes resolved
	Start int    // byte offset of the word's first character in the line
	End   int    // byte offset just past it
}

// Split cuts a line into words the way a shell does for simple commands:
// white space separates, single and double quotes group, a backslash escapes
// the next character. An unterminated quote is an error unless partial is
// set (completion splits half-typed lines).
func Split(line string, partial bool) ([]Word, error) {
	var words []Word
	var cur strings.Builder
	in := false
	start := 0
	var quote byte
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else if ch == '\\' && quote == '"' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
				i++
				cur.WriteByte(line[i])
			} else {
				cur.WriteByte(ch)
			}
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			if in {
				words = append(words, Word{cur.String(), start, i})
				cur.Reset()
				in = false
			}
		default:
			if !in {
				in, start = true, i
			}
			switch ch {
			case '"', '\'':
				quote = ch
			case '\\':
				if i+1 < len(line) {
					i++
					cur.WriteByte(line[i])
				}
			default:
				cur.WriteByte(ch)
			}
		}
	}
	if quote != 0 && !partial {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if in {
		words = append(words, Word{cur.String(), start, len(line)})
	}
	return words, nil
}

// Texts returns the words' texts.
func Texts(ws []Word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Text
	}
	return out
}
