package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"

	"pacer/shell/cmdtree"
)

// interactive is the prompt loop: readline with history and completion.
// Ctrl-C cancels the line being typed (or the command running), Ctrl-D quits.
func (s *session) interactive(ctx context.Context) int {
	hist := ""
	if dir, err := os.UserConfigDir(); err == nil {
		dir = filepath.Join(dir, "pacer")
		if os.MkdirAll(dir, 0o700) == nil {
			hist = filepath.Join(dir, "history")
		}
	}
	comp := &completer{s: s}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:          s.prompt(),
		HistoryFile:     hist,
		HistoryLimit:    1000,
		AutoComplete:    comp,
		InterruptPrompt: "^C",
		EOFPrompt:       "quit",
		Stdout:          s.stdout,
		Stderr:          s.stderr,
	})
	if err != nil {
		fmt.Fprintf(s.stderr, "ERROR: %v\n", err)
		return 1
	}
	defer rl.Close()
	comp.hint = func(text string) { fmt.Fprintln(rl.Stdout(), text) }
	s.ask = func(q string) bool {
		rl.SetPrompt(q + " (y/n)? ")
		defer rl.SetPrompt(s.prompt())
		line, err := rl.Readline()
		if err != nil {
			return false
		}
		line = strings.ToLower(strings.TrimSpace(line))
		return line == "y" || line == "yes"
	}
	status := 0
	var cont strings.Builder // a statement continued with a trailing backslash
	for !s.quit {
		if cont.Len() > 0 {
			rl.SetPrompt("> ")
		} else {
			rl.SetPrompt(s.prompt())
		}
		line, err := rl.Readline()
		if errors.Is(err, readline.ErrInterrupt) {
			cont.Reset()
			continue
		}
		if errors.Is(err, io.EOF) {
			if s.leaveConfigure(ctx) {
				break
			}
			continue
		}
		if err != nil {
			fmt.Fprintf(s.stderr, "ERROR: %v\n", err)
			return 1
		}
		if strings.HasSuffix(line, `\`) {
			cont.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		if cont.Len() > 0 {
			line = cont.String() + line
			cont.Reset()
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		err = s.runLine(cctx, line)
		stop()
		if err != nil {
			s.report("", err)
			status = 1
		} else {
			status = 0
		}
	}
	return status
}

// prompt is crmsh's: crm(live/HOST)configure# , with the shadow CIB or the
// file name in place of "live".
func (s *session) prompt() string {
	where := "live"
	switch {
	case s.shadow != "":
		where = s.shadow
	case s.cibFile != "":
		where = filepath.Base(s.cibFile)
	}
	host, _ := os.Hostname()
	if i := strings.IndexByte(host, '.'); i > 0 {
		host = host[:i]
	}
	lvl := s.level.FullName()
	dirty := ""
	if s.dirty {
		dirty = "*"
	}
	return fmt.Sprintf("pacer(%s/%s)%s%s# ", where, host, lvl, dirty)
}

// enterLevel makes level current, leaving configure properly first.
func (s *session) enterLevel(ctx context.Context, level *cmdtree.Command) error {
	if level == s.level {
		return nil
	}
	if inConfigure(s.level) && !inConfigure(level) {
		if !s.leaveConfigure(ctx) {
			return nil
		}
	}
	s.level = level
	return nil
}

func inConfigure(c *cmdtree.Command) bool {
	for ; c != nil; c = c.Parent {
		if c.Name == "configure" && c.Parent != nil && c.Parent.Parent == nil {
			return true
		}
	}
	return false
}

// leaveConfigure deals with uncommitted changes when leaving the configure
// level or quitting: on a terminal it asks; a script commits them (crmsh's
// batch behaviour). It reports whether leaving may go on.
func (s *session) leaveConfigure(ctx context.Context) bool {
	if !s.dirty {
		return true
	}
	if s.terminal && !s.yes {
		if !s.ask("There are changes pending. Do you want to commit them") {
			if s.ask("Discard them") {
				s.work, s.dirty = nil, false
				return true
			}
			return false
		}
	}
	if err := s.commit(ctx, false); err != nil {
		s.report("commit", err)
		return false
	}
	return true
}
