package shell

import (
	"context"
	"fmt"
	"strings"

	"pacer/shell/cmdtree"
)

// Completion at the system prompt: `pacer completion bash|zsh|fish` prints
// a script for that shell which, on Tab, runs `pacer __complete SHELL CUR
// LINE` and offers what it prints. The candidates come from the same
// command tree (and the same CIB lookups) as the interactive shell's Tab,
// so the two cannot drift apart.

// completeCommand is the hidden entry the scripts call.
const completeCommand = "__complete"

// globalOptions are pacer's options that take a value (skipped, with it,
// before the first command word).
var globalOptions = map[string]bool{"-f": true, "--file": true, "-c": true, "--cib": true, "-o": true, "--output": true}

var optionNames = []string{"--file", "--cib", "--yes", "--force", "--wait", "--output", "--version", "--help"}

// systemComplete prints one candidate per line for line, the command line
// up to the cursor (program name first). cur is the word as the calling
// shell cut it: bash cuts at ':' and '=', so a candidate is printed from
// where bash's word starts.
func (s *session) systemComplete(shell, cur, line string) int {
	words, _ := cmdtree.Split(line, true)
	typing := ""
	if n := len(words); n > 0 && words[n-1].End == len(line) {
		typing = words[n-1].Text
	}
	rest := ""
	i := 1 // the program's name
	for i < len(words) {
		w := words[i].Text
		if words[i].End == len(line) || !strings.HasPrefix(w, "-") {
			break
		}
		if globalOptions[w] {
			i++
		}
		i++
	}
	var cands []string
	switch {
	case i < len(words) && words[i].End == len(line) && strings.HasPrefix(typing, "-"):
		for _, o := range optionNames {
			if strings.HasPrefix(o, typing) {
				cands = append(cands, o)
			}
		}
	case i < len(words):
		rest = line[words[i].Start:]
		cands, typing = s.complete(rest)
	default:
		cands, typing = s.complete("")
	}
	// What the shell will replace is cur, the tail of what we completed.
	cut := 0
	if shell == "bash" && strings.HasSuffix(typing, cur) {
		cut = len(typing) - len(cur)
	}
	for _, c := range cands {
		if len(c) < cut || !strings.HasPrefix(c, typing[:cut]) {
			continue
		}
		fmt.Fprintln(s.stdout, c[cut:])
	}
	return 0
}

func (s *session) cmdCompletion(_ context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) != 1 {
		return usagef("name the shell: bash, zsh or fish")
	}
	script, ok := completionScripts[inv.Args[0]]
	if !ok {
		return usagef("no completion for shell %q (bash, zsh or fish)", inv.Args[0])
	}
	fmt.Fprint(s.stdout, script)
	return nil
}

// The scripts keep the words that end in ':', '=' or '/' open (no space
// after them): an agent's provider, a parameter's value, a level.
var completionScripts = map[string]string{
	"bash": `# bash completion for pacer (pacer completion bash)
_pacer() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	case $cur in
	:|=) cur= ;;
	esac
	local IFS=$'\n' c
	COMPREPLY=()
	for c in $("${COMP_WORDS[0]}" __complete bash "$cur" "${COMP_LINE:0:COMP_POINT}" 2>/dev/null); do
		COMPREPLY+=("$c")
	done
	if ((${#COMPREPLY[@]} == 1)); then
		case ${COMPREPLY[0]} in
		*[:=/]) compopt -o nospace 2>/dev/null ;;
		esac
	fi
}
complete -F _pacer pacer
`,
	"zsh": `#compdef pacer
# zsh completion for pacer (pacer completion zsh)
_pacer() {
	local -a open closed
	local c
	for c in "${(@f)$(${words[1]} __complete zsh "${words[CURRENT]}" "$LBUFFER" 2>/dev/null)}"; do
		[[ -z $c ]] && continue
		case $c in
		*[:=/]) open+=("$c") ;;
		*) closed+=("$c") ;;
		esac
	done
	(( ${#open} )) && compadd -Q -S '' -- "${open[@]}"
	(( ${#closed} )) && compadd -Q -- "${closed[@]}"
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
	_pacer "$@"
else
	compdef _pacer pacer
fi
`,
	"fish": `# fish completion for pacer (pacer completion fish)
function __pacer_complete
	pacer __complete fish (commandline -ct) (commandline -cp) 2>/dev/null
end
complete -c pacer -f -a '(__pacer_complete)'
`,
}
