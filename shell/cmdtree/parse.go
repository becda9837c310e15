package cmdtree

import "strings"

// Parse parses one line typed at level. The Invocation's Cmd is a level when
// the line names a level and nothing else: the caller changes into it.
func (t *Tree) Parse(level *Command, line string) (*Invocation, error) {
	words, err := Split(line, false)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, nil
	}
	cmd, i, err := t.Resolve(level, Texts(words))
	if err != nil {
		return nil, err
	}
	inv := &Invocation{Cmd: cmd, Args: Texts(words[i:])}
	if i < len(words) {
		inv.RawArgs = strings.TrimSpace(line[words[i].Start:])
	}
	return inv, nil
}

// Complete returns the candidates for the word being typed at the end of
// line (the text left of the cursor) and that partial word. Candidates are
// whole words; the caller inserts what is missing.
func (t *Tree) Complete(level *Command, line string) (cands []string, word string) {
	words, _ := Split(line, true)
	if n := len(words); n > 0 && words[n-1].End == len(line) {
		word = words[n-1].Text
		words = words[:n-1]
	}
	cur := level
	var cmd *Command
	var args []string
	for i, w := range words {
		c, err := t.lookup(cur, w.Text)
		if err != nil {
			return nil, word
		}
		if !c.IsLevel() {
			cmd, args = c, Texts(words[i+1:])
			break
		}
		cur = c
	}
	if cmd == nil {
		for _, c := range t.visible(cur) {
			if !c.Hidden && strings.HasPrefix(c.Name, word) {
				cands = append(cands, c.Name)
			}
		}
		return cands, word
	}
	if cmd.Complete == nil {
		return nil, word
	}
	for _, c := range cmd.Complete(args, word) {
		if strings.HasPrefix(c, word) {
			cands = append(cands, c)
		}
	}
	return dedup(cands), word
}

func dedup(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Walk calls fn for every command below c, depth first, in declaration order.
func Walk(c *Command, fn func(*Command)) {
	for _, s := range c.Sub {
		fn(s)
		Walk(s, fn)
	}
}
