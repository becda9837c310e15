// Package cmdtree is the shell's command tree: levels and commands declared
// once, from which parsing (with unique-prefix abbreviation and "did you
// mean" suggestions), help, tab completion and the man page are all derived.
// Keeping one declaration is what keeps those four from drifting apart.
package cmdtree

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Command is a level (it has Sub commands) or a leaf command (it has Run).
// A level may also have Run: it is called when the level is named with
// arguments that match none of its commands (crmsh's `configure` uses this
// for nothing, but `help TOPIC` style levels could).
type Command struct {
	Name    string
	Aliases []string
	// Args is the usage after the name, e.g. "RSC [NODE] [lifetime=DURATION]".
	Args string
	// Short is a one-line summary for help listings and completion hints.
	Short string
	// Long is the help text shown by `help CMD` and in the man page.
	Long string
	// Sub makes the command a level.
	Sub []*Command
	Run func(ctx context.Context, inv *Invocation) error
	// Complete returns candidates for the word being typed; args are the
	// complete words before it (after the command name).
	Complete func(args []string, word string) []string
	// Global commands (help, cd, up, quit...) are reachable from every level.
	Global bool
	// Raw commands take their arguments as text in a language of their own
	// (crm syntax): the shell's own flags are not looked for in them.
	Raw bool
	// Hidden commands work but are left out of help, completion and the man page.
	Hidden bool

	Parent *Command
}

// IsLevel reports whether c is a level.
func (c *Command) IsLevel() bool { return c.Sub != nil }

// FullName is the path from the root, without the root: "configure primitive".
func (c *Command) FullName() string {
	var parts []string
	for x := c; x != nil && x.Parent != nil; x = x.Parent {
		parts = append([]string{x.Name}, parts...)
	}
	return strings.Join(parts, " ")
}

// Usage is the full synopsis: "resource move RSC [NODE]".
func (c *Command) Usage() string {
	s := c.FullName()
	if c.IsLevel() && c.Args == "" {
		return s + " COMMAND ..."
	}
	if c.Args != "" {
		s += " " + c.Args
	}
	return s
}

// Child finds an immediate sub-command by exact name or alias.
func (c *Command) Child(name string) *Command {
	for _, s := range c.Sub {
		if s.Name == name {
			return s
		}
		for _, a := range s.Aliases {
			if a == name {
				return s
			}
		}
	}
	return nil
}

// Invocation is one parsed command line.
type Invocation struct {
	Cmd  *Command
	Args []string
	// RawArgs is the text of the line after the command name, unaltered
	// (quotes kept), for commands that hand it to a parser of their own
	// (the crm configuration language).
	RawArgs string
}

// Tree is the root level plus the global commands.
type Tree struct {
	Root *Command
}

// New links parents and returns the tree.
func New(root *Command) *Tree {
	link(root)
	return &Tree{Root: root}
}

func link(c *Command) {
	for _, s := range c.Sub {
		s.Parent = c
		link(s)
	}
}

// Find walks a path of exact names: Find("resource", "move").
func (t *Tree) Find(path ...string) *Command {
	c := t.Root
	for _, p := range path {
		c = c.Child(p)
		if c == nil {
			return nil
		}
	}
	return c
}

// visible lists what can be typed at level: its commands, then the global
// ones of the root when level is not the root.
func (t *Tree) visible(level *Command) []*Command {
	var out []*Command
	out = append(out, level.Sub...)
	if level != t.Root {
		for _, g := range t.Root.Sub {
			if g.Global && level.Child(g.Name) == nil {
				out = append(out, g)
			}
		}
	}
	return out
}

// Error is a parse error: an unknown or ambiguous command.
type Error struct {
	Level   string // the level's full name, "" for the top
	Word    string
	Matches []string // ambiguous: what it could mean
	Suggest []string // unknown: close names
}

func (e *Error) Error() string {
	where := "top level"
	if e.Level != "" {
		where = "level " + e.Level
	}
	if len(e.Matches) > 0 {
		return fmt.Sprintf("%q is ambiguous at %s: could be %s", e.Word, where, strings.Join(e.Matches, ", "))
	}
	msg := fmt.Sprintf("unknown command %q at %s", e.Word, where)
	if len(e.Suggest) > 0 {
		msg += "; did you mean " + quoteList(e.Suggest) + "?"
	}
	return msg
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// lookup resolves one word at a level: exact name or alias first, then a
// unique prefix of a name. Top-level commands are also found from inside a
// level (as in crmsh, `status` works from `configure`), after the level's own.
func (t *Tree) lookup(level *Command, word string) (*Command, error) {
	cands := t.visible(level)
	if c := t.lookupIn(cands, word); c != nil {
		return c, nil
	}
	matches := prefixMatches(cands, word)
	if len(matches) == 0 && level != t.Root {
		if c := t.lookupIn(t.Root.Sub, word); c != nil {
			return c, nil
		}
		matches = prefixMatches(t.Root.Sub, word)
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		var names []string
		for _, c := range cands {
			if !c.Hidden {
				names = append(names, c.Name)
			}
		}
		return nil, &Error{Level: level.FullName(), Word: word, Suggest: Suggest(word, names)}
	default:
		var names []string
		for _, c := range matches {
			names = append(names, c.Name)
		}
		sort.Strings(names)
		return nil, &Error{Level: level.FullName(), Word: word, Matches: names}
	}
}

func (t *Tree) lookupIn(cands []*Command, word string) *Command {
	for _, c := range cands {
		if c.Name == word {
			return c
		}
	}
	for _, c := range cands {
		for _, a := range c.Aliases {
			if a == word {
				return c
			}
		}
	}
	return nil
}

func prefixMatches(cands []*Command, word string) []*Command {
	var out []*Command
	seen := map[*Command]bool{}
	for _, c := range cands {
		if c.Hidden || seen[c] {
			continue
		}
		if strings.HasPrefix(c.Name, word) {
			out = append(out, c)
			seen[c] = true
			continue
		}
		for _, a := range c.Aliases {
			if strings.HasPrefix(a, word) {
				out = append(out, c)
				seen[c] = true
				break
			}
		}
	}
	return out
}

// Resolve parses words at level. It returns the command named and the index
// of its first argument. When the words name a level and nothing more, the
// level is returned (the caller changes into it).
func (t *Tree) Resolve(level *Command, words []string) (*Command, int, error) {
	cur := level
	for i, w := range words {
		c, err := t.lookup(cur, w)
		if err != nil {
			return nil, i, err
		}
		if !c.IsLevel() {
			return c, i + 1, nil
		}
		cur = c
	}
	return cur, len(words), nil
}
