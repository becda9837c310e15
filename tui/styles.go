package tui

import (
	"charm.land/lipgloss/v2"
)

// Styles is every look of the monitor in one place. Nothing else in the
// package picks a color. Meaning never rests on color alone: roles and
// markers are words (FAILED, Stopped, unmanaged) and the cursor is a "›",
// so the screen reads the same with NO_COLOR.
type Styles struct {
	Title      lipgloss.Style // "pacer mon" and the cluster name
	Header     lipgloss.Style // header facts
	Warning    lipgloss.Style // quorum lost, maintenance mode, stale data
	Live       lipgloss.Style // connection is up
	Lost       lipgloss.Style // connection lost
	Tab        lipgloss.Style
	TabActive  lipgloss.Style
	Section    lipgloss.Style // section title inside a pane ("Nodes (4)")
	Cursor     lipgloss.Style // the selected row
	Dim        lipgloss.Style // agents, secondary text
	OK         lipgloss.Style // Started, online, success
	Promoted   lipgloss.Style
	Unpromoted lipgloss.Style
	Stopped    lipgloss.Style
	Failed     lipgloss.Style // FAILED, offline, unclean, failed fencing
	Pending    lipgloss.Style // actions in flight, pending nodes
	Special    lipgloss.Style // standby, maintenance, unmanaged
	StatusOK   lipgloss.Style // result line of an action
	StatusErr  lipgloss.Style
	Prompt     lipgloss.Style // confirmation prompt
	Help       lipgloss.Style
}

// DefaultStyles are the colored styles. They use the terminal's own 16
// colors, which its theme already fits to a light or dark background: asking
// the terminal for its background would stall on one that never answers
// (ssh -tt, script, CI ptys). The program lowers them to what the terminal
// supports.
func DefaultStyles() Styles {
	ns := lipgloss.NewStyle
	green, red, yellow := lipgloss.Green, lipgloss.Red, lipgloss.Yellow
	blue, magenta, grey := lipgloss.Blue, lipgloss.Magenta, lipgloss.BrightBlack
	return Styles{
		Title:      ns().Bold(true).Foreground(blue),
		Header:     ns(),
		Warning:    ns().Bold(true).Foreground(red),
		Live:       ns().Foreground(green),
		Lost:       ns().Bold(true).Foreground(red),
		Tab:        ns().Foreground(grey),
		TabActive:  ns().Bold(true).Underline(true).Foreground(blue),
		Section:    ns().Bold(true),
		Cursor:     ns().Reverse(true),
		Dim:        ns().Foreground(grey),
		OK:         ns().Foreground(green),
		Promoted:   ns().Bold(true).Foreground(green),
		Unpromoted: ns().Foreground(blue),
		Stopped:    ns().Foreground(grey),
		Failed:     ns().Bold(true).Foreground(red),
		Pending:    ns().Foreground(yellow),
		Special:    ns().Foreground(magenta),
		StatusOK:   ns().Foreground(green),
		StatusErr:  ns().Bold(true).Foreground(red),
		Prompt:     ns().Bold(true).Reverse(true),
		Help:       ns().Foreground(grey),
	}
}

// MonoStyles use no color at all, only bold, faint, underline and reverse:
// what NO_COLOR (https://no-color.org) asks for.
func MonoStyles() Styles {
	ns := lipgloss.NewStyle
	return Styles{
		Title:      ns().Bold(true),
		Header:     ns(),
		Warning:    ns().Bold(true),
		Live:       ns(),
		Lost:       ns().Bold(true).Reverse(true),
		Tab:        ns(),
		TabActive:  ns().Bold(true).Underline(true),
		Section:    ns().Bold(true),
		Cursor:     ns().Reverse(true),
		Dim:        ns().Faint(true),
		OK:         ns(),
		Promoted:   ns().Bold(true),
		Unpromoted: ns(),
		Stopped:    ns().Faint(true),
		Failed:     ns().Bold(true),
		Pending:    ns().Underline(true),
		Special:    ns(),
		StatusOK:   ns(),
		StatusErr:  ns().Bold(true),
		Prompt:     ns().Bold(true).Reverse(true),
		Help:       ns().Faint(true),
	}
}
