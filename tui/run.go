package tui

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Options tune the monitor.
type Options struct {
	// NoColor draws without color (bold/reverse only). Run also turns it on
	// when the NO_COLOR environment variable is set.
	NoColor bool
	// Location for times; nil means the local zone.
	Location *time.Location
	// Input and Output default to the terminal (stdin/stdout).
	Input  io.Reader
	Output io.Writer
	// InlineScreen draws in the normal screen instead of the alternate one
	// (the screen then stays visible after quitting).
	InlineScreen bool

	// Styles, when set, replace the default or monochrome styles.
	Styles *Styles
}

func (o Options) styles() Styles {
	if o.Styles != nil {
		return *o.Styles
	}
	if o.NoColor {
		return MonoStyles(nil)
	}
	return DefaultStyles(nil)
}

// Run shows the monitor until the user quits or ctx ends. acts may be nil
// (every action then fails as read-only).
func Run(ctx context.Context, src Source, acts Actions, opts Options) error {
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	out := opts.Output
	if out == nil {
		out = os.Stdout
	}
	if opts.Styles == nil {
		r := lipgloss.NewRenderer(out)
		var st Styles
		if opts.NoColor {
			// termenv reads NO_COLOR as "no styling at all"; no-color.org
			// only asks for no color, so keep bold and reverse video on a
			// terminal: the cursor bar needs it.
			if f, ok := out.(*os.File); ok && termenv.NewOutput(f).TTY() != nil {
				r.SetColorProfile(termenv.ANSI)
			}
			st = MonoStyles(r)
		} else {
			st = DefaultStyles(r)
		}
		opts.Styles = &st
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, src, acts, opts)
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithOutput(out)}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if !opts.InlineScreen {
		popts = append(popts, tea.WithAltScreen())
	}
	_, err := tea.NewProgram(m, popts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // ended by the caller's context: not an error
	}
	return err
}
