package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	cv "pacer/share/clusterview"
)

type pane int

const (
	paneNodes pane = iota
	paneResources
	paneFailures
	paneFencing
	paneTickets
	paneEvents
	numPanes
)

var paneNames = [numPanes]string{"Nodes", "Resources", "Failures", "Fencing", "Tickets", "Events"}

type connState int

const (
	connConnecting connState = iota
	connLive
	connLost
)

// Backoff bounds of reconnection attempts.
const (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 10 * time.Second
	// actionTimeout bounds one admin action.
	actionTimeout = 60 * time.Second
	// snapshotTimeout bounds one snapshot request: a daemon that does not
	// answer is treated like a lost connection, not waited for forever.
	snapshotTimeout = 15 * time.Second
)

// backoff is the wait before reconnection attempt n (0-based).
func backoff(n int) time.Duration {
	d := minBackoff
	for i := 0; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// Messages. gen ties a message to one connection, so the leftovers of a
// dropped connection cannot overwrite the state of the next one.
type (
	connectedMsg struct {
		gen    int
		snap   *cv.Snapshot
		events <-chan cv.Event
	}
	connectFailedMsg struct {
		gen int
		err error
	}
	eventMsg struct {
		gen int
		ev  cv.Event
	}
	streamEndedMsg struct{ gen int }
	snapshotMsg    struct {
		gen  int
		snap *cv.Snapshot
		err  error
	}
	retryMsg      struct{ gen int }
	actionDoneMsg struct {
		desc string
		err  error
	}
)

// pendingAction waits for the user's y/n.
type pendingAction struct {
	prompt string
	desc   string
	run    func(ctx context.Context) error
}

// nodePicker chooses the target of a move.
type nodePicker struct {
	rsc    string
	nodes  []string
	cursor int
}

// Model is the monitor's bubbletea model.
type Model struct {
	ctx    context.Context
	src    Source
	acts   Actions
	opts   Options
	keys   KeyMap
	help   help.Model
	styles Styles
	loc    *time.Location

	width, height int

	snap    *cv.Snapshot
	events  []cv.Event
	lastSeq uint64

	conn      connState
	connErr   error
	attempt   int
	retryIn   time.Duration
	gen       int
	cancel    context.CancelFunc
	stream    <-chan cv.Event
	fetching  bool
	refetch   bool
	updatedAt time.Time

	focus     pane
	cursor    [numPanes]int
	offset    [numPanes]int
	showAttrs bool
	byNode    bool // resources grouped by node instead of the tree
	expanded  map[string]bool
	showHelp  bool

	filter    string // lower-cased match applies as typed
	filtering bool   // the filter line has the keyboard

	confirm *pendingAction
	picker  *nodePicker
	status  string
	statErr bool

	rows   [numPanes][]row
	counts cv.Counts // of snap, with the rows
	dirty  bool
}

// New builds the model. The shell normally calls Run; New is for tests and
// for embedding.
func New(ctx context.Context, src Source, acts Actions, opts Options) *Model {
	if acts == nil {
		acts = ReadOnlyActions{Reason: "no actions available"}
	}
	m := &Model{
		ctx: ctx, src: src, acts: acts, opts: opts,
		keys:     DefaultKeyMap(),
		help:     help.New(),
		styles:   opts.styles(),
		loc:      opts.Location,
		width:    80,
		height:   24,
		expanded: map[string]bool{},
		dirty:    true,
	}
	if m.loc == nil {
		m.loc = time.Local
	}
	m.help.Styles.ShortKey = m.styles.Help.Bold(true)
	m.help.Styles.ShortDesc = m.styles.Help
	m.help.Styles.ShortSeparator = m.styles.Help
	m.help.Styles.FullKey = m.styles.Section
	m.help.Styles.FullDesc = m.styles.Header
	m.help.Styles.FullSeparator = m.styles.Dim
	m.keys.focusOn(m.focus)
	return m
}

// Init connects.
func (m *Model) Init() tea.Cmd { return m.connect() }

func (m *Model) connect() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	m.gen++
	gen := m.gen
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	src := m.src
	return func() tea.Msg {
		// Subscribe before taking the snapshot, so no change falls between.
		ch, err := src.Subscribe(ctx)
		if err != nil {
			return connectFailedMsg{gen, fmt.Errorf("subscribe: %w", err)}
		}
		sctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
		defer cancel()
		snap, err := src.Snapshot(sctx)
		if err != nil {
			return connectFailedMsg{gen, fmt.Errorf("snapshot: %w", err)}
		}
		return connectedMsg{gen, snap, ch}
	}
}

func waitEvent(gen int, ch <-chan cv.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return streamEndedMsg{gen}
		}
		return eventMsg{gen, ev}
	}
}

func (m *Model) fetch() tea.Cmd {
	if m.fetching {
		m.refetch = true // coalesce a burst of events into one more fetch
		return nil
	}
	m.fetching = true
	gen, src, ctx := m.gen, m.src, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
		defer cancel()
		snap, err := src.Snapshot(ctx)
		return snapshotMsg{gen, snap, err}
	}
}

func (m *Model) lose(err error) tea.Cmd {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.conn = connLost
	m.connErr = err
	m.fetching, m.refetch = false, false
	m.retryIn = backoff(m.attempt)
	m.attempt++
	// A new generation: whatever the dropped connection still has in
	// flight (a fetch, an event) is ignored when it arrives.
	m.gen++
	gen := m.gen
	return tea.Tick(m.retryIn, func(time.Time) tea.Msg { return retryMsg{gen} })
}

// setSnapshot shows s. fresh is a snapshot taken at (re)connection: its
// event backlog then replaces the log, because the daemon's numbering may
// have restarted (a restarted daemon, or another node after a reconnect).
// Later snapshots only contribute events newer than those seen; events
// without a number are taken from the first snapshot only.
func (m *Model) setSnapshot(s *cv.Snapshot, fresh bool) {
	if s == nil {
		return
	}
	m.snap = s
	m.updatedAt = time.Now()
	m.dirty = true
	if fresh {
		m.lastSeq = 0
		if len(s.Events) > 0 {
			m.events = append([]cv.Event(nil), s.Events[max(0, len(s.Events)-cv.MaxEvents):]...)
			for _, e := range m.events {
				m.lastSeq = max(m.lastSeq, e.Seq)
			}
		}
		return
	}
	for _, e := range s.Events {
		if e.Seq > m.lastSeq {
			m.addEvent(e)
		}
	}
}

func (m *Model) addEvent(e cv.Event) {
	if e.Seq != 0 {
		if e.Seq <= m.lastSeq {
			return // already seen (snapshot backlog overlapping the stream)
		}
		if m.lastSeq != 0 && e.Seq > m.lastSeq+1 {
			// The daemon drops events for a subscriber that lags; say so
			// rather than show a log that looks complete.
			missed := e.Seq - m.lastSeq - 1
			m.events = append(m.events, cv.Event{Time: e.Time, Kind: "gap",
				Message: fmt.Sprintf("(%d event%s missed)", missed, plural(int(missed)))})
		}
		m.lastSeq = e.Seq
	}
	m.events = append(m.events, e)
	if over := len(m.events) - cv.MaxEvents; over > 0 {
		m.events = append(m.events[:0:0], m.events[over:]...)
	}
	m.dirty = true
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case connectedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.conn, m.connErr, m.attempt = connLive, nil, 0
		m.stream = msg.events
		m.setSnapshot(msg.snap, true)
		return m, waitEvent(msg.gen, msg.events)
	case connectFailedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		return m, m.lose(msg.err)
	case eventMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.addEvent(msg.ev)
		return m, tea.Batch(waitEvent(msg.gen, m.stream), m.fetch())
	case streamEndedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		return m, m.lose(fmt.Errorf("event stream closed"))
	case snapshotMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.fetching = false
		if msg.err != nil {
			return m, m.lose(msg.err)
		}
		m.setSnapshot(msg.snap, false)
		if m.refetch {
			m.refetch = false
			return m, m.fetch()
		}
		return m, nil
	case retryMsg:
		if msg.gen != m.gen || m.conn != connLost {
			return m, nil
		}
		m.conn = connConnecting
		return m, m.connect()
	case actionDoneMsg:
		if msg.err != nil {
			m.status, m.statErr = msg.desc+": "+msg.err.Error(), true
		} else {
			m.status, m.statErr = msg.desc+": done", false
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		if m.filtering {
			m.handleFilter(tea.KeyPressMsg{Text: msg.Content})
		}
		return m, nil
	}
	return m, nil
}

// runeKey is the key press that types r.
func runeKey(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

func (m *Model) quit() tea.Cmd {
	if m.cancel != nil {
		m.cancel()
	}
	return tea.Quit
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	// Keys typed faster than the terminal is read may arrive as one message
	// with several runes ("gj"); outside the filter line each is a key.
	if runes := []rune(msg.Text); len(runes) > 1 && !m.filtering {
		var cmds []tea.Cmd
		for i, r := range runes {
			cmds = append(cmds, m.handleKey(runeKey(r)))
			if m.filtering { // "/" opened the filter: the rest is its text
				m.handleFilter(tea.KeyPressMsg{Text: string(runes[i+1:])})
				break
			}
		}
		return tea.Batch(cmds...)
	}
	// Ctrl-C always quits, whatever is open.
	if msg.String() == "ctrl+c" {
		return m.quit()
	}
	switch {
	case m.confirm != nil:
		return m.handleConfirm(msg)
	case m.picker != nil:
		return m.handlePicker(msg)
	case m.filtering:
		return m.handleFilter(msg)
	case m.showHelp:
		// Any key closes help; q still quits.
		m.showHelp = false
		if key.Matches(msg, m.keys.Quit) {
			return m.quit()
		}
		return nil
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.NextPane):
		m.setFocus((m.focus + 1) % numPanes)
	case key.Matches(msg, k.PrevPane):
		m.setFocus((m.focus + numPanes - 1) % numPanes)
	case key.Matches(msg, k.Pane):
		m.setFocus(pane(msg.String()[0] - '1'))
	case key.Matches(msg, k.Up):
		m.moveCursor(-1)
	case key.Matches(msg, k.Down):
		m.moveCursor(1)
	case key.Matches(msg, k.PageUp):
		m.moveCursor(-m.pageSize())
	case key.Matches(msg, k.PageDown):
		m.moveCursor(m.pageSize())
	case key.Matches(msg, k.Top):
		m.moveCursor(-1 << 30)
	case key.Matches(msg, k.Bottom):
		m.moveCursor(1 << 30)
	case key.Matches(msg, k.Filter):
		m.filtering = true
	case key.Matches(msg, k.Attrs):
		m.showAttrs = !m.showAttrs
		m.dirty = true
	case key.Matches(msg, k.ByNode):
		m.byNode = !m.byNode
		m.cursor[paneResources], m.offset[paneResources] = 0, 0
		m.dirty = true
	case key.Matches(msg, k.Expand):
		if r, ok := m.selected(); ok && r.clone != "" {
			m.expanded[r.clone] = !m.expanded[r.clone]
			m.dirty = true
		}
	case key.Matches(msg, k.Standby):
		if r, ok := m.selected(); ok && r.node != "" {
			node := r.node
			m.ask("Put node "+node+" in standby?", "standby "+node,
				func(ctx context.Context) error { return m.acts.Standby(ctx, node) })
		}
	case key.Matches(msg, k.Online):
		if r, ok := m.selected(); ok && r.node != "" {
			node := r.node
			m.ask("Bring node "+node+" online (out of standby)?", "online "+node,
				func(ctx context.Context) error { return m.acts.Online(ctx, node) })
		}
	case key.Matches(msg, k.Start):
		if r, ok := m.selected(); ok && r.rsc != "" {
			rsc := r.rsc
			m.ask("Start "+rsc+"?", "start "+rsc, func(ctx context.Context) error { return m.acts.Start(ctx, rsc) })
		}
	case key.Matches(msg, k.Stop):
		if r, ok := m.selected(); ok && r.rsc != "" {
			rsc := r.rsc
			m.ask("Stop "+rsc+"?", "stop "+rsc, func(ctx context.Context) error { return m.acts.Stop(ctx, rsc) })
		}
	case key.Matches(msg, k.Cleanup):
		if r, ok := m.selected(); ok && r.rsc != "" {
			rsc, node := r.rsc, r.node
			where := " on all nodes"
			if node != "" {
				where = " on " + node
			}
			m.ask("Clean up "+rsc+where+"?", "cleanup "+rsc+where,
				func(ctx context.Context) error { return m.acts.Cleanup(ctx, rsc, node) })
		}
	case key.Matches(msg, k.Move):
		if r, ok := m.selected(); ok && r.rsc != "" && m.snap != nil {
			p := &nodePicker{rsc: r.rsc}
			for _, n := range m.snap.Nodes {
				if n.Online && n.State == cv.NodeOnline {
					p.nodes = append(p.nodes, n.Name)
				}
			}
			if len(p.nodes) == 0 {
				m.status, m.statErr = "move "+r.rsc+": no online node", true
			} else {
				m.picker = p
			}
		}
	case key.Matches(msg, k.Clear):
		if r, ok := m.selected(); ok && r.rsc != "" {
			rsc := r.rsc
			m.ask("Clear the move/ban constraints of "+rsc+"?", "clear "+rsc,
				func(ctx context.Context) error { return m.acts.Clear(ctx, rsc) })
		}
	}
	return nil
}

func (m *Model) ask(prompt, desc string, run func(context.Context) error) {
	m.confirm = &pendingAction{prompt: prompt, desc: desc, run: run}
	m.status = ""
}

func (m *Model) handleConfirm(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Confirm):
		a := m.confirm
		m.confirm = nil
		m.status, m.statErr = a.desc+": running…", false
		ctx := m.ctx
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, actionTimeout)
			defer cancel()
			return actionDoneMsg{a.desc, a.run(ctx)}
		}
	case key.Matches(msg, m.keys.Cancel), msg.Code == tea.KeyEnter:
		// Enter does not confirm: the default answer is no.
		m.status, m.statErr = m.confirm.desc+": cancelled", false
		m.confirm = nil
	}
	return nil
}

func (m *Model) handlePicker(msg tea.KeyPressMsg) tea.Cmd {
	p := m.picker
	switch {
	case key.Matches(msg, m.keys.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, m.keys.Down):
		p.cursor = min(len(p.nodes)-1, p.cursor+1)
	case msg.Code == tea.KeyEnter:
		rsc, node := p.rsc, p.nodes[p.cursor]
		m.picker = nil
		m.ask("Move "+rsc+" to "+node+"?", "move "+rsc+" to "+node,
			func(ctx context.Context) error { return m.acts.Move(ctx, rsc, node) })
	case msg.Code == tea.KeyEscape, key.Matches(msg, m.keys.Quit):
		m.picker = nil
	}
	return nil
}

// handleFilter edits the filter line. It is a deliberately small editor
// (typing, backspace, ctrl+u, ctrl+w): a filter is a word or two.
func (m *Model) handleFilter(msg tea.KeyPressMsg) tea.Cmd {
	before := m.filter
	switch {
	case msg.Code == tea.KeyEnter:
		m.filtering = false
	case msg.Code == tea.KeyEscape:
		m.filtering = false
		m.filter = ""
	case msg.Code == tea.KeyBackspace:
		if r := []rune(m.filter); len(r) > 0 {
			m.filter = string(r[:len(r)-1])
		}
	case msg.String() == "ctrl+u":
		m.filter = ""
	case msg.String() == "ctrl+w":
		f := strings.TrimRight(m.filter, " ")
		m.filter = f[:strings.LastIndex(f, " ")+1]
	case msg.Text != "" && msg.Mod&^tea.ModShift == 0:
		if len(m.filter) < 128 {
			m.filter += strings.Map(func(r rune) rune {
				if r < ' ' || r == 0x7f {
					return -1 // no control characters from a paste
				}
				return r
			}, msg.Text)
		}
	}
	if m.filter != before {
		m.dirty = true
		m.cursor, m.offset = [numPanes]int{}, [numPanes]int{}
	}
	return nil
}

func (m *Model) setFocus(p pane) {
	if p < 0 || p >= numPanes {
		return
	}
	m.focus = p
	m.keys.focusOn(p)
}

// refresh rebuilds the rows of all panes when something they show changed.
func (m *Model) refresh() {
	if !m.dirty {
		return
	}
	m.dirty = false
	filter := strings.ToLower(strings.TrimSpace(m.filter))
	if m.snap != nil {
		m.counts = m.snap.Count()
		m.rows[paneNodes] = nodeRows(m.snap, filter, m.showAttrs)
		if m.byNode {
			m.rows[paneResources] = byNodeRows(m.snap, filter)
		} else {
			m.rows[paneResources] = resourceRows(m.snap, filter, m.expanded)
		}
		m.rows[paneFailures] = failureRows(m.snap, filter, m.loc)
		m.rows[paneFencing] = fencingRows(m.snap, filter, m.loc)
		m.rows[paneTickets] = ticketRows(m.snap, filter, m.loc)
	}
	m.rows[paneEvents] = eventRows(m.events, filter, m.loc)
	for p := range numPanes {
		m.cursor[p] = max(0, min(m.cursor[p], len(m.rows[p])-1))
	}
}

func (m *Model) selected() (row, bool) {
	m.refresh()
	rows := m.rows[m.focus]
	if len(rows) == 0 {
		return row{}, false
	}
	return rows[m.cursor[m.focus]], true
}

func (m *Model) moveCursor(delta int) {
	m.refresh()
	n := len(m.rows[m.focus])
	m.cursor[m.focus] = max(0, min(n-1, m.cursor[m.focus]+delta))
}

func (m *Model) pageSize() int { return max(1, m.bodyHeight()-2) }
