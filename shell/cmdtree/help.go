package cmdtree

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Help writes the help of c: for a level the list of its commands, for a
// command its usage and text.
func (t *Tree) Help(w io.Writer, c *Command) {
	if c == t.Root || c.IsLevel() {
		if c != t.Root {
			fmt.Fprintf(w, "%s: %s\n", c.FullName(), c.Short)
			if c.Long != "" {
				fmt.Fprintf(w, "\n%s\n", indent(c.Long, ""))
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "Commands:")
		t.listCommands(w, c.Sub)
		if c != t.Root {
			var globals []*Command
			for _, g := range t.Root.Sub {
				if g.Global {
					globals = append(globals, g)
				}
			}
			fmt.Fprintln(w, "\nAvailable at every level:")
			t.listCommands(w, globals)
		}
		fmt.Fprintln(w, "\nCommands may be shortened to a unique prefix. \"help COMMAND\" tells more.")
		return
	}
	fmt.Fprintf(w, "usage: %s\n", c.Usage())
	if len(c.Aliases) > 0 {
		fmt.Fprintf(w, "aliases: %s\n", strings.Join(c.Aliases, ", "))
	}
	fmt.Fprintf(w, "\n%s\n", c.Short)
	if c.Long != "" {
		fmt.Fprintf(w, "\n%s\n", indent(c.Long, ""))
	}
}

func (t *Tree) listCommands(w io.Writer, cs []*Command) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, c := range cs {
		if c.Hidden {
			continue
		}
		name := c.Name
		if c.IsLevel() {
			name += "/"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, c.Short)
	}
	tw.Flush()
}

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pre + l
		}
	}
	return strings.Join(lines, "\n")
}
