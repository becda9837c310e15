package racmd

import (
	"slices"
	"strings"

	"pacer/lrm"
)

var commands = []string{"classes", "help", "info", "list", "providers", "run"}

// Complete returns completions for the last word of args (the words after
// "ra"; the last one is the partial word, "" at a fresh position). Agent
// names come from directory listings; actions and parameter names of run
// from the agent's meta-data (cached after the first lookup).
func Complete(args []string) []string {
	if len(args) == 0 {
		return commands
	}
	word := args[len(args)-1]
	prev := args[:len(args)-1]
	var cands []string
	switch {
	case len(prev) == 0:
		cands = commands
	case prev[0] == "list" && len(prev) == 1:
		cands = append(cands, lrm.Classes()...)
		for _, p := range lrm.Providers() {
			cands = append(cands, "ocf:"+p)
		}
	case prev[0] == "info" && positional(prev[1:], map[string]bool{"-o": true}) == 0:
		if len(prev) > 1 && prev[len(prev)-1] == "-o" {
			cands = []string{"json", "text"}
		} else {
			cands = append(lrm.CompleteAgent(word), "-o")
		}
	case prev[0] == "run":
		cands = completeRun(prev[1:], word)
	}
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, word) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var runValued = map[string]bool{"--timeout": true, "--id": true, "--interval": true, "--depth": true}

// positional counts the positional words among args, skipping flags and
// their values.
func positional(args []string, valued map[string]bool) int {
	n := 0
	for i := 0; i < len(args); i++ {
		if strings.HasPrefix(args[i], "-") {
			if valued[args[i]] {
				i++
			}
			continue
		}
		n++
	}
	return n
}

func completeRun(prev []string, word string) []string {
	if len(prev) > 0 && runValued[prev[len(prev)-1]] {
		return nil // a flag's value: nothing sensible to offer
	}
	flags := []string{"--timeout", "--id", "--interval", "--depth"}
	if strings.HasPrefix(word, "-") {
		return flags
	}
	var pos []string
	for i := 0; i < len(prev); i++ {
		if strings.HasPrefix(prev[i], "-") {
			if runValued[prev[i]] {
				i++
			}
			continue
		}
		pos = append(pos, prev[i])
	}
	switch len(pos) {
	case 0:
		return lrm.CompleteAgent(word)
	case 1:
		m, err := lrm.Metadata(pos[0])
		if err != nil {
			return nil
		}
		var acts []string
		for _, a := range m.Actions {
			acts = append(acts, a.Name)
		}
		return acts
	}
	m, err := lrm.Metadata(pos[0])
	if err != nil {
		return nil
	}
	given := map[string]bool{}
	for _, p := range pos[2:] {
		k, _, _ := strings.Cut(p, "=")
		given[k] = true
	}
	var params []string
	for _, p := range m.Parameters {
		if !given[p.Name] && p.Name != "action" {
			params = append(params, p.Name+"=")
		}
	}
	return params
}
