package tui

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
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
		return MonoStyles()
	}
	return DefaultStyles()
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, src, acts, opts)
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithOutput(out)}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	_, err := tea.NewProgram(m, popts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // ended by the caller's context: not an error
	}
	return err
}
