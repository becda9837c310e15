package racmd

import (
	"fmt"
	"io"
	"strings"

	"pacer/lrm"
)

// writeInfo prints meta-data in crm ra info's layout.
func writeInfo(w io.Writer, m *lrm.AgentMeta) {
	title := m.Agent
	if m.ShortDesc != "" {
		title += " - " + oneLine(m.ShortDesc)
	}
	fmt.Fprintln(w, title)
	fmt.Fprintln(w)
	if m.LongDesc != "" && m.LongDesc != m.ShortDesc {
		for _, l := range wrap(m.LongDesc, 76) {
			fmt.Fprintln(w, l)
		}
		fmt.Fprintln(w)
	}
	if len(m.Parameters) > 0 {
		fmt.Fprintln(w, "Parameters (*: required, []: default):")
		fmt.Fprintln(w)
		for _, p := range m.Parameters {
			name := p.Name
			if p.Required {
				name += "*"
			}
			var attrs []string
			if p.Type != "" {
				attrs = append(attrs, p.Type)
			}
			if p.Default != "" {
				attrs = append(attrs, "["+p.Default+"]")
			}
			if p.Unique {
				attrs = append(attrs, "unique")
			}
			if p.Deprecated {
				attrs = append(attrs, "deprecated")
			}
			line := name
			if len(attrs) > 0 {
				line += " (" + strings.Join(attrs, ", ") + ")"
			}
			if p.ShortDesc != "" {
				line += ": " + oneLine(p.ShortDesc)
			}
			fmt.Fprintln(w, line)
			if p.LongDesc != "" && oneLine(p.LongDesc) != oneLine(p.ShortDesc) {
				for _, l := range wrap(p.LongDesc, 72) {
					fmt.Fprintln(w, "    "+l)
				}
			}
			if len(p.Options) > 0 {
				fmt.Fprintln(w, "    one of: "+strings.Join(p.Options, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	if len(m.Actions) > 0 {
		fmt.Fprintln(w, "Operations' defaults (advisory minimum):")
		fmt.Fprintln(w)
		for _, a := range m.Actions {
			var kv []string
			for _, f := range [][2]string{{"timeout", a.Timeout}, {"interval", a.Interval}, {"depth", a.Depth}, {"role", a.Role}} {
				if f[1] != "" {
					kv = append(kv, f[0]+"="+f[1])
				}
			}
			fmt.Fprintf(w, "    %-18s%s\n", a.Name, strings.Join(kv, " "))
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// wrap re-flows text to width, keeping blank-line paragraph breaks.
func wrap(s string, width int) []string {
	var out []string
	for i, para := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if i > 0 {
			out = append(out, "")
		}
		line := ""
		for _, word := range strings.Fields(para) {
			if line != "" && len(line)+1+len(word) > width {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += word
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}
