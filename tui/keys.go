package tui

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap is the one table of keys: Update matches against it and the help
// screen is rendered from it, so the two cannot disagree. Bindings that do
// not apply to the focused pane are disabled, which hides them from help too.
type KeyMap struct {
	Quit     key.Binding
	NextPane key.Binding
	PrevPane key.Binding
	Pane     key.Binding // 1..6 jump to a pane
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Filter   key.Binding
	Help     key.Binding

	Attrs  key.Binding // nodes: show attributes
	Expand key.Binding // resources: expand/fold clone instances
	ByNode key.Binding // resources: group by node

	Standby key.Binding
	Online  key.Binding
	Start   key.Binding
	Stop    key.Binding
	Cleanup key.Binding
	Move    key.Binding
	Clear   key.Binding

	// Keys of the confirmation prompt, the node picker and the filter.
	Confirm key.Binding
	Cancel  key.Binding
}

// DefaultKeyMap is the standard key table.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "pane")),
		PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Pane:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1-6", "go to pane")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),

		Attrs:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "attributes")),
		Expand: key.NewBinding(key.WithKeys("enter", "e"), key.WithHelp("enter", "expand")),
		ByNode: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "by node")),

		Standby: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "standby")),
		Online:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "online")),
		Start:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "start")),
		Stop:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "stop")),
		Cleanup: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "cleanup")),
		Move:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "move")),
		Clear:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "clear move")),

		Confirm: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "confirm")),
		Cancel:  key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "cancel")),
	}
}

// focusOn enables the bindings that apply to pane p.
func (k *KeyMap) focusOn(p pane) {
	k.Attrs.SetEnabled(p == paneNodes)
	k.Standby.SetEnabled(p == paneNodes)
	k.Online.SetEnabled(p == paneNodes)
	k.Expand.SetEnabled(p == paneResources)
	k.ByNode.SetEnabled(p == paneResources)
	k.Start.SetEnabled(p == paneResources)
	k.Stop.SetEnabled(p == paneResources)
	k.Move.SetEnabled(p == paneResources)
	k.Clear.SetEnabled(p == paneResources)
	k.Cleanup.SetEnabled(p == paneResources || p == paneFailures)
}

// ShortHelp is the one-line help at the bottom of the screen.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Quit, k.NextPane, k.Filter, k.Help,
		k.Standby, k.Online, k.Attrs, k.Start, k.Stop, k.Cleanup, k.Move, k.Clear}
}

// FullHelp is the `?` screen, one column per group.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.NextPane, k.PrevPane, k.Pane, k.Filter, k.Help, k.Quit},
		{k.Attrs, k.Expand, k.ByNode, k.Standby, k.Online, k.Start, k.Stop, k.Cleanup, k.Move, k.Clear},
	}
}
