// Package shell is pacer, the crm-like shell: interactive with tab
// completion, one-shot from the command line, or running a script.
package shell

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/chzyer/readline"

	"pacer/share/version"
	"pacer/shell/cmdtree"
)

// Main runs the shell with its command-line arguments and returns the exit code.
func Main(args []string) int {
	s := newSession(os.Stdin, os.Stdout, os.Stderr)
	s.terminal = readline.IsTerminal(int(os.Stdin.Fd())) && readline.IsTerminal(int(os.Stdout.Fd()))
	defer s.close()
	return s.main(args)
}

const usageText = `usage: pacer [OPTIONS] [LEVEL COMMAND [ARGS...]]
       pacer [OPTIONS] -f FILE
Options:
  -f, --file FILE     run the commands in FILE ("-" for standard input)
  -c, --cib NAME      work on the shadow CIB NAME
  -y, --yes           answer yes to every question
  -F, --force         force changes (e.g. without quorum, or with errors)
  -w, --wait          wait for the cluster to finish acting on a change
  -o, --output FMT    output format: text (default) or json
  -V, --version       print the version
  -h, --help          this help; "pacer help" lists the commands
`

func (s *session) main(args []string) int {
	if len(args) == 4 && args[0] == completeCommand {
		return s.systemComplete(args[1], args[2], args[3])
	}
	var script string
	i := 0
loop:
	for ; i < len(args); i++ {
		a := args[i]
		val := func() (string, bool) {
			if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
				return v, true
			}
			if i+1 >= len(args) {
				fmt.Fprintf(s.stderr, "pacer: option %s needs a value\n", a)
				return "", false
			}
			i++
			return args[i], true
		}
		name, _, _ := strings.Cut(a, "=")
		switch name {
		case "-V", "--version":
			fmt.Fprintln(s.stdout, version.String("pacer"))
			return 0
		case "-h", "--help":
			fmt.Fprint(s.stdout, usageText)
			return 0
		case "-f", "--file":
			v, ok := val()
			if !ok {
				return 2
			}
			script = v
		case "-c", "--cib":
			v, ok := val()
			if !ok {
				return 2
			}
			s.shadow = v
		case "-o", "--output":
			v, ok := val()
			if !ok {
				return 2
			}
			if err := s.setOutput(v); err != nil {
				fmt.Fprintf(s.stderr, "pacer: %v\n", err)
				return 2
			}
		case "-y", "--yes":
			s.yes = true
		case "-F", "--force":
			s.force = true
		case "-w", "--wait":
			s.wait = true
		case "--":
			i++
			break loop
		default:
			if strings.HasPrefix(a, "-") && a != "-" {
				fmt.Fprintf(s.stderr, "pacer: unknown option %s\n%s", a, usageText)
				return 2
			}
			break loop
		}
	}
	rest := args[i:]
	ctx := context.Background()
	switch {
	case script != "":
		if script == "-" {
			return s.runScript(ctx, s.stdin, "<stdin>")
		}
		f, err := os.Open(script)
		if err != nil {
			fmt.Fprintf(s.stderr, "ERROR: %v\n", err)
			return 1
		}
		defer f.Close()
		return s.runScript(ctx, f, script)
	case len(rest) > 0:
		return s.runOneShot(ctx, rest)
	case !s.terminal:
		return s.runScript(ctx, s.stdin, "<stdin>")
	default:
		return s.interactive(ctx)
	}
}

func (s *session) setOutput(v string) error {
	switch v {
	case "text", "plain":
		s.output = "text"
	case "json":
		s.output = "json"
	default:
		return fmt.Errorf("unknown output format %q (text or json)", v)
	}
	return nil
}

// runOneShot runs one command given as arguments. Naming only a level
// enters it (interactively on a terminal, else reading commands from stdin).
func (s *session) runOneShot(ctx context.Context, args []string) int {
	line := joinArgs(args)
	inv, err := s.tree.Parse(s.level, line)
	if err != nil {
		s.report("", err)
		return 1
	}
	if inv.Cmd.IsLevel() {
		s.level = inv.Cmd
		if s.terminal {
			return s.interactive(ctx)
		}
		return s.runScript(ctx, s.stdin, "<stdin>")
	}
	s.oneShot = true
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	if err := s.run(ctx, inv); err != nil {
		s.report("", err)
		return exitCode(err)
	}
	return 0
}

// joinArgs turns argv back into a line the tree parser splits the same
// way: words with blanks or quotes are quoted, key=value keeps its key bare
// (crm syntax writes params ip="a b").
func joinArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = quoteWord(a)
	}
	return strings.Join(out, " ")
}

func quoteWord(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\n\"'\\") {
		return a
	}
	q := func(v string) string {
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
	}
	if k, v, ok := strings.Cut(a, "="); ok && k != "" && !strings.ContainsAny(k, " \t\n\"'\\") {
		return k + "=" + q(v)
	}
	return q(a)
}

// runScript runs commands line by line (a -f file or a pipe). A line
// ending in a backslash continues on the next; # starts a comment line. The
// first error stops the script (pending configuration changes are then not
// committed); at the end, pending changes are committed, as crmsh does.
func (s *session) runScript(ctx context.Context, r io.Reader, name string) int {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	lineNo, start := 0, 0
	var buf strings.Builder
	for sc.Scan() {
		lineNo++
		text := sc.Text()
		if buf.Len() == 0 {
			start = lineNo
		}
		if strings.HasSuffix(text, `\`) {
			buf.WriteString(strings.TrimSuffix(text, `\`))
			buf.WriteByte(' ')
			continue
		}
		buf.WriteString(text)
		line := strings.TrimSpace(buf.String())
		buf.Reset()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := s.runLine(ctx, line); err != nil {
			s.report(fmt.Sprintf("%s:%d", name, start), err)
			return exitCode(err)
		}
		if s.quit {
			break
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(s.stderr, "ERROR: read %s: %v\n", name, err)
		return 1
	}
	if s.dirty {
		if err := s.commit(ctx, false); err != nil {
			s.report(name, fmt.Errorf("commit: %w", err))
			return 1
		}
	}
	return 0
}

// runLine parses and runs one line at the current level.
func (s *session) runLine(ctx context.Context, line string) error {
	inv, err := s.tree.Parse(s.level, line)
	if err != nil || inv == nil {
		return err
	}
	if inv.Cmd.IsLevel() {
		return s.enterLevel(ctx, inv.Cmd)
	}
	return s.run(ctx, inv)
}

// cmdError names the command an error came from.
type cmdError struct {
	cmd *cmdtree.Command
	err error
}

func (e *cmdError) Error() string { return e.cmd.FullName() + ": " + e.err.Error() }
func (e *cmdError) Unwrap() error { return e.err }

func (s *session) run(ctx context.Context, inv *cmdtree.Invocation) error {
	if inv.Cmd.Run == nil {
		return &cmdError{inv.Cmd, errNotAvailable(inv.Cmd.FullName())}
	}
	if !inv.Cmd.Raw {
		// -w, -y and -o may also follow the command; they hold for it alone.
		wait, yes, output := s.wait, s.yes, s.output
		defer func() { s.wait, s.yes, s.output = wait, yes, output }()
		args, err := s.commandFlags(inv.Args)
		if err != nil {
			return &cmdError{inv.Cmd, err}
		}
		inv = &cmdtree.Invocation{Cmd: inv.Cmd, Args: args, RawArgs: inv.RawArgs}
	}
	if err := inv.Cmd.Run(ctx, inv); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return err
		}
		return &cmdError{inv.Cmd, err}
	}
	return nil
}

// report prints an error on stderr, with the usage for a usage error.
func (s *session) report(where string, err error) {
	var ee *exitError
	if errors.As(err, &ee) {
		return // the command printed its own messages
	}
	var ue *usageError
	var ce *cmdError
	usage := ""
	if errors.As(err, &ue) && errors.As(err, &ce) {
		usage = ce.cmd.Usage()
	}
	if s.output == "json" {
		// One JSON object on stderr, so that scripts reading -o json
		// never have to parse text.
		e := map[string]any{"error": err.Error(), "exit_code": exitCode(err)}
		if where != "" {
			e["where"] = where
		}
		if errors.As(err, &ce) {
			e["command"] = ce.cmd.FullName()
			e["error"] = ce.err.Error()
		}
		if usage != "" {
			e["usage"] = usage
		}
		b, _ := json.Marshal(e)
		fmt.Fprintf(s.stderr, "%s\n", b)
		return
	}
	prefix := "ERROR: "
	if where != "" {
		prefix += where + ": "
	}
	fmt.Fprintf(s.stderr, "%s%v\n", prefix, err)
	if usage != "" {
		fmt.Fprintf(s.stderr, "usage: %s\n", usage)
	}
}

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
