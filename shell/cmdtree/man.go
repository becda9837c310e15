package cmdtree

import (
	"fmt"
	"io"
	"strings"
)

// ManPage describes the parts of a man page that are not commands.
type ManPage struct {
	Name, Section, Date, Source, Manual string
	Summary                             string   // for the NAME line
	Synopsis                            []string // one per line, roff-escaped for you
	Description                         string
	// Options, Environment and Files are (term, text) pairs.
	Options, Environment, Files [][2]string
	ExitStatus                  string
	SeeAlso                     string
	// Extra are further sections (title, text) after the commands.
	Extra [][2]string
}

// WriteMan writes the man page in roff: the fixed sections, then one
// subsection per level with every command, its usage, summary and text.
func (t *Tree) WriteMan(w io.Writer, m ManPage) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p(".TH %s %s %q %q %q\n", strings.ToUpper(m.Name), m.Section, m.Date, m.Source, m.Manual)
	p(".SH NAME\n%s \\- %s\n", m.Name, roff(m.Summary))
	p(".SH SYNOPSIS\n")
	for i, s := range m.Synopsis {
		if i > 0 {
			p(".br\n")
		}
		p("%s\n", roff(s))
	}
	p(".SH DESCRIPTION\n")
	paragraphs(w, m.Description)
	if len(m.Options) > 0 {
		p(".SH OPTIONS\n")
		terms(w, m.Options)
	}
	p(".SH COMMANDS\n")
	paragraphs(w, "Commands are grouped in levels. At the interactive prompt a level is entered by naming it "+
		"(\"cd\" and \"up\" move between levels); from the command line and in scripts a command is given with its level: "+
		"\"pacer resource move vip node2\". Every name may be shortened to a unique prefix.")
	t.manLevel(w, t.Root)
	for _, sec := range m.Extra {
		p(".SH %q\n", strings.ToUpper(sec[0]))
		paragraphs(w, sec[1])
	}
	if len(m.Environment) > 0 {
		p(".SH ENVIRONMENT\n")
		terms(w, m.Environment)
	}
	if len(m.Files) > 0 {
		p(".SH FILES\n")
		terms(w, m.Files)
	}
	if m.ExitStatus != "" {
		p(".SH \"EXIT STATUS\"\n")
		paragraphs(w, m.ExitStatus)
	}
	if m.SeeAlso != "" {
		p(".SH \"SEE ALSO\"\n%s\n", roff(m.SeeAlso))
	}
}

func (t *Tree) manLevel(w io.Writer, level *Command) {
	title := "Top level"
	if level != t.Root {
		title = "Level " + level.FullName()
	}
	fmt.Fprintf(w, ".SS %q\n", title)
	if level != t.Root {
		paragraphs(w, level.Short+". "+level.Long)
	}
	for _, c := range level.Sub {
		if c.Hidden {
			continue
		}
		name := c.Name
		if c.IsLevel() {
			fmt.Fprintf(w, ".TP\n\\fB%s\\fR\n%s (a level, see below).\n", roff(name), roff(c.Short))
			continue
		}
		fmt.Fprintf(w, ".TP\n\\fB%s\\fR", roff(name))
		if c.Args != "" {
			fmt.Fprintf(w, " \\fI%s\\fR", roff(c.Args))
		}
		fmt.Fprintln(w)
		text := c.Short + "."
		if len(c.Aliases) > 0 {
			text += " Also: " + strings.Join(c.Aliases, ", ") + "."
		}
		fmt.Fprintln(w, roff(text))
		if c.Long != "" {
			for _, para := range strings.Split(strings.TrimSpace(c.Long), "\n\n") {
				fmt.Fprintf(w, ".IP\n%s\n", roffBlock(para))
			}
		}
	}
	for _, c := range level.Sub {
		if c.IsLevel() && !c.Hidden {
			t.manLevel(w, c)
		}
	}
}

func paragraphs(w io.Writer, s string) {
	for i, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if i > 0 {
			fmt.Fprintln(w, ".PP")
		}
		fmt.Fprintln(w, roffBlock(para))
	}
}

func terms(w io.Writer, pairs [][2]string) {
	for _, kv := range pairs {
		fmt.Fprintf(w, ".TP\n\\fB%s\\fR\n%s\n", roff(kv[0]), roffBlock(kv[1]))
	}
}

// roffBlock keeps indented lines (examples) as they are, in no-fill mode.
func roffBlock(s string) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	nofill := false
	for _, l := range lines {
		pre := strings.HasPrefix(l, "  ")
		if pre && !nofill {
			b.WriteString(".nf\n")
			nofill = true
		} else if !pre && nofill {
			b.WriteString(".fi\n")
			nofill = false
		}
		b.WriteString(roff(l))
		b.WriteByte('\n')
	}
	if nofill {
		b.WriteString(".fi\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// roff escapes text for one roff line: backslashes, and a leading dot or
// quote that would read as a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
