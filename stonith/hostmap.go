package stonith

import (
	"fmt"
	"strings"
)

// ParseHostList reads pcmk_host_list: node names separated by spaces,
// commas or semicolons.
func ParseHostList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '\n' || r == '\r'
	})
}

// HostMap is a parsed pcmk_host_map: node name to the port (plug) the
// device knows it by, in configuration order.
type HostMap struct {
	Nodes []string
	Ports map[string]string
}

// Port returns the port mapped for node and whether there is one.
func (m HostMap) Port(node string) (string, bool) {
	p, ok := m.Ports[node]
	return p, ok
}

// ParseHostMap reads pcmk_host_map as Pacemaker documents it:
// "node1:1;node2:2,3" maps node1 to port 1 and node2 to ports "2,3" (the
// agent receives the list and handles several plugs itself). Entries are
// separated by ";" or white space; "=" works like ":" between node and
// port. A "," ends an entry only when what follows it is itself a
// "node:port" pair (people write "node1:1,node2:2"), otherwise it belongs
// to the port. A backslash makes the next character literal, so a port may
// contain spaces, ";" or ":".
func ParseHostMap(s string) (HostMap, error) {
	m := HostMap{Ports: map[string]string{}}
	type tok struct {
		text []rune
		esc  []bool
	}
	// Split into raw entries at unescaped ';' / white space.
	var entries []tok
	var cur tok
	rs := []rune(s)
	flush := func() {
		if len(cur.text) > 0 {
			entries = append(entries, cur)
		}
		cur = tok{}
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\':
			if i+1 >= len(rs) {
				return HostMap{}, fmt.Errorf("pcmk_host_map %q: trailing backslash", s)
			}
			i++
			cur.text = append(cur.text, rs[i])
			cur.esc = append(cur.esc, true)
		case r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r':
			flush()
		default:
			cur.text = append(cur.text, r)
			cur.esc = append(cur.esc, false)
		}
	}
	flush()
	// Split entries at unescaped commas that start a new node:port pair.
	var pairs []tok
	for _, e := range entries {
		start := 0
		for i := 0; i < len(e.text); i++ {
			if e.text[i] != ',' || e.esc[i] {
				continue
			}
			rest := e.text[i+1:]
			restEsc := e.esc[i+1:]
			if hasSep(rest, restEsc) && hasSep(e.text[start:i], e.esc[start:i]) {
				pairs = append(pairs, tok{e.text[start:i], e.esc[start:i]})
				start = i + 1
			}
		}
		pairs = append(pairs, tok{e.text[start:], e.esc[start:]})
	}
	for _, p := range pairs {
		k := -1
		for i := range p.text {
			if (p.text[i] == ':' || p.text[i] == '=') && !p.esc[i] {
				k = i
				break
			}
		}
		if k <= 0 || k == len(p.text)-1 {
			return HostMap{}, fmt.Errorf("pcmk_host_map %q: entry %q is not node:port", s, string(p.text))
		}
		node, port := string(p.text[:k]), string(p.text[k+1:])
		if _, dup := m.Ports[node]; dup {
			return HostMap{}, fmt.Errorf("pcmk_host_map %q: node %q mapped twice", s, node)
		}
		m.Nodes = append(m.Nodes, node)
		m.Ports[node] = port
	}
	return m, nil
}

func hasSep(t []rune, esc []bool) bool {
	// the first unescaped ':' or '=' must come before any unescaped ','.
	for i, r := range t {
		if esc[i] {
			continue
		}
		if r == ',' {
			return false
		}
		if r == ':' || r == '=' {
			return i > 0
		}
	}
	return false
}
