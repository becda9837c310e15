package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Fixed screen parts: two header lines, the pane bar, the status line and
// the help line. Everything else is the body.
const chromeLines = 5

func (m *Model) bodyHeight() int { return max(1, m.height-chromeLines) }

// seg is a piece of a line with its style.
type seg struct {
	text  string
	style *lipgloss.Style // nil: unstyled
}

// fit joins segments, cutting them to width cells. Cutting the plain text
// before styling keeps escape sequences whole and the line never wraps,
// which is what keeps the screen from jumping.
func fit(width int, segs ...seg) string {
	var b strings.Builder
	left := width
	for _, s := range segs {
		if left <= 0 {
			break
		}
		t := s.text
		if w := ansi.StringWidth(t); w > left {
			t = ansi.Truncate(t, left, "…")
		}
		left -= ansi.StringWidth(t)
		if s.style != nil && t != "" {
			t = s.style.Render(t)
		}
		b.WriteString(t)
	}
	return b.String()
}

func pad(s string, w int) string {
	if d := w - ansi.StringWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

func (m *Model) toneStyle(t tone) *lipgloss.Style {
	st := &m.styles
	switch t {
	case toneOK:
		return &st.OK
	case tonePromoted:
		return &st.Promoted
	case toneUnpromoted:
		return &st.Unpromoted
	case toneStopped:
		return &st.Stopped
	case toneFailed:
		return &st.Failed
	case tonePending:
		return &st.Pending
	case toneSpecial:
		return &st.Special
	case toneDim:
		return &st.Dim
	}
	return nil
}

// View is the program's frame: the screen, in the alternate screen unless
// the options ask for the normal one.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Screen())
	v.AltScreen = !m.opts.InlineScreen
	return v
}

// Screen draws the whole screen: exactly height lines, none wider than width.
func (m *Model) Screen() string {
	m.refresh()
	w, h := max(m.width, 20), max(m.height, chromeLines+1)
	lines := make([]string, 0, h)
	lines = append(lines, m.headerLines(w)...)
	lines = append(lines, m.paneBar(w))
	lines = append(lines, m.body(w, h-chromeLines)...)
	lines = append(lines, m.statusLine(w), m.helpLine(w))
	return strings.Join(lines, "\n")
}

func (m *Model) connText() (string, *lipgloss.Style) {
	switch m.conn {
	case connLive:
		return "● live", &m.styles.Live
	case connLost:
		return fmt.Sprintf("✗ connection lost, retrying in %s", m.retryIn), &m.styles.Lost
	}
	if m.attempt > 0 {
		return "… reconnecting", &m.styles.Pending
	}
	return "… connecting", &m.styles.Pending
}

func (m *Model) headerLines(w int) []string {
	st := &m.styles
	conn, connStyle := m.connText()
	connW := min(ansi.StringWidth(conn), w/2)
	conn = ansi.Truncate(conn, connW, "…")
	s := m.snap
	if s == nil {
		line1 := fit(w-connW-1, seg{"pacer mon", &st.Title})
		line2 := fit(w, seg{"waiting for the cluster status", &st.Dim})
		if m.connErr != nil {
			line2 = fit(w, seg{"error: " + m.connErr.Error(), &st.Warning})
		}
		return []string{pad(line1, w-connW) + connStyle.Render(conn), line2}
	}
	title := "pacer mon"
	if s.ClusterName != "" {
		title += " " + s.ClusterName
	}
	c := m.counts
	segs := []seg{{title, &st.Title}, {" │ ", &st.Dim}}
	if s.DC != "" {
		segs = append(segs, seg{"DC " + s.DC, &st.Header})
	} else {
		segs = append(segs, seg{"no DC", &st.Warning})
	}
	segs = append(segs, seg{" │ ", &st.Dim})
	if s.HaveQuorum {
		segs = append(segs, seg{"quorum", &st.OK})
	} else {
		segs = append(segs, seg{"NO QUORUM", &st.Warning})
	}
	counts := fmt.Sprintf(" │ %d nodes │ %d resources", c.Nodes, c.Instances)
	if c.Disabled > 0 {
		counts += fmt.Sprintf(" (%d disabled)", c.Disabled)
	}
	segs = append(segs, seg{counts, &st.Header})
	left := fit(w-connW-1, segs...)
	line1 := pad(left, w-connW) + connStyle.Render(conn)

	var segs2 []seg
	if m.conn != connLive && m.connErr != nil {
		segs2 = append(segs2, seg{"error: " + m.connErr.Error(), &st.Warning})
	}
	sep := func() {
		if len(segs2) > 0 {
			segs2 = append(segs2, seg{" │ ", &st.Dim})
		}
	}
	t := s.Transition
	sep()
	switch {
	case t.Pending && t.Actions > 0:
		segs2 = append(segs2, seg{fmt.Sprintf("transition %d: %d/%d actions", t.ID, t.Completed, t.Actions), &st.Pending})
	case t.Pending:
		segs2 = append(segs2, seg{fmt.Sprintf("transition %d pending", t.ID), &st.Pending})
	default:
		segs2 = append(segs2, seg{"idle", &st.OK})
	}
	if n := len(s.FailedActions); n > 0 {
		sep()
		segs2 = append(segs2, seg{fmt.Sprintf("%d failed action%s", n, plural(n)), &st.Failed})
	}
	if s.MaintenanceMode {
		sep()
		segs2 = append(segs2, seg{"MAINTENANCE MODE", &st.Warning})
	}
	if s.StopAllResources {
		sep()
		segs2 = append(segs2, seg{"STOP-ALL-RESOURCES", &st.Warning})
	}
	for _, wmsg := range s.Warnings {
		sep()
		segs2 = append(segs2, seg{"WARNING: " + wmsg, &st.Warning})
	}
	if m.conn != connLive && !m.updatedAt.IsZero() {
		sep()
		segs2 = append(segs2, seg{"stale since " + m.updatedAt.In(m.loc).Format("15:04:05"), &st.Warning})
	}
	if !s.LastChange.IsZero() {
		lc := "changed " + s.LastChange.In(m.loc).Format("Jan _2 15:04:05")
		if s.LastChangeUser != "" {
			lc += " by " + s.LastChangeUser
		}
		if s.LastChangeClient != "" {
			lc += " via " + s.LastChangeClient
		}
		if s.LastChangeNode != "" {
			lc += " on " + s.LastChangeNode
		}
		sep()
		segs2 = append(segs2, seg{lc, &st.Header})
	}
	return []string{line1, fit(w, segs2...)}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (m *Model) paneBar(w int) string {
	st := &m.styles
	var segs []seg
	if m.filter != "" && !m.filtering {
		// First, so a narrow screen cuts tabs rather than the filter.
		segs = append(segs, seg{"filter /" + m.filter, &st.Warning}, seg{" │ ", &st.Dim})
	}
	for p := range numPanes {
		label := fmt.Sprintf("%s %d", paneNames[p], m.paneCount(p))
		if p == m.focus {
			segs = append(segs, seg{"[" + label + "]", &st.TabActive})
		} else {
			segs = append(segs, seg{" " + label + " ", &st.Tab})
		}
	}
	return fit(w, segs...)
}

// paneCount is the number a pane's tab shows.
func (m *Model) paneCount(p pane) int {
	if m.snap == nil && p != paneEvents {
		return 0
	}
	switch p {
	case paneNodes:
		return len(m.snap.Nodes)
	case paneResources:
		return m.counts.Instances
	case paneFailures:
		return len(m.snap.FailedActions)
	case paneFencing:
		return len(m.snap.Fencing)
	case paneTickets:
		return len(m.snap.Tickets)
	}
	return len(m.events)
}

func (m *Model) body(w, h int) []string {
	var lines []string
	switch {
	case m.showHelp:
		lines = m.helpScreen(w)
	case m.picker != nil:
		lines = m.pickerScreen(w)
	case m.snap == nil:
		lines = []string{"", fit(w, seg{"  no cluster status yet", &m.styles.Dim})}
	case m.focus == paneNodes || m.focus == paneResources:
		// The first screen: nodes above the resource tree.
		avail := h - 2
		nodeN := max(1, len(m.rows[paneNodes]))
		nodesH := min(nodeN, max(1, avail/3))
		if m.focus == paneNodes {
			nodesH = min(nodeN, max(1, avail/2))
		}
		resH := max(1, avail-nodesH)
		lines = append(lines, m.section(w, "Nodes", paneNodes, nodesH)...)
		lines = append(lines, m.section(w, "Resources", paneResources, resH)...)
	default:
		titles := map[pane]string{paneFailures: "Failed resource actions", paneFencing: "Fencing history",
			paneTickets: "Tickets", paneEvents: "Event log (newest first)"}
		lines = m.section(w, titles[m.focus], m.focus, h-1)
	}
	// Exactly h lines, so the status and help lines never move.
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines[:h]
}

func (m *Model) section(w int, title string, p pane, h int) []string {
	st := &m.styles
	rows := m.rows[p]
	head := fmt.Sprintf("%s (%d)", title, m.paneCount(p))
	if len(rows) > h {
		head += fmt.Sprintf("  %d-%d", m.offset[p]+1, min(len(rows), m.offset[p]+h))
	}
	out := []string{fit(w, seg{head, &st.Section})}
	if len(rows) == 0 {
		empty := "  none"
		if m.filter != "" {
			empty = "  nothing matches the filter"
		}
		return append(out, fit(w, seg{empty, &st.Dim}))
	}
	// Keep the cursor on screen.
	cur := m.cursor[p]
	if cur < m.offset[p] {
		m.offset[p] = cur
	}
	if cur >= m.offset[p]+h {
		m.offset[p] = cur - h + 1
	}
	m.offset[p] = max(0, min(m.offset[p], len(rows)-h))
	nameW, agentW := columnWidths(rows, w)
	for i := m.offset[p]; i < len(rows) && i < m.offset[p]+h; i++ {
		out = append(out, m.renderRow(&rows[i], w, nameW, agentW, p == m.focus && i == cur))
	}
	return out
}

// columnWidths sizes the name and agent columns to their content, bounded
// so the status always keeps room.
func columnWidths(rows []row, w int) (int, int) {
	nameW, agentW := 0, 0
	for i := range rows {
		nameW = max(nameW, 2*rows[i].depth+ansi.StringWidth(rows[i].name))
		agentW = max(agentW, ansi.StringWidth(rows[i].agent))
	}
	return min(nameW, max(12, w*2/5)), min(agentW, max(8, w*3/10))
}

func (m *Model) renderRow(r *row, w, nameW, agentW int, selected bool) string {
	mark := "  "
	if selected {
		mark = "› "
	}
	name := strings.Repeat("  ", r.depth) + r.name
	if ansi.StringWidth(name) > nameW {
		name = ansi.Truncate(name, nameW, "…")
	}
	name = pad(name, nameW)
	agent := ""
	if agentW > 0 {
		agent = ansi.Truncate(r.agent, agentW, "…")
		agent = "  " + pad(agent, agentW)
	}
	status := "  " + r.status
	detail := ""
	if r.detail != "" {
		detail = "  " + r.detail
	}
	if selected {
		// One reverse-video bar over the whole line; the "›" carries the
		// selection where reverse video is unavailable.
		line := ansi.Truncate(mark+name+agent+status+detail, w, "…")
		return m.styles.Cursor.Render(pad(line, w))
	}
	st := &m.styles
	nameStyle := (*lipgloss.Style)(nil)
	if r.header {
		nameStyle = &st.Section
	}
	return fit(w, seg{mark, nil}, seg{name, nameStyle}, seg{agent, &st.Dim}, seg{status, m.toneStyle(r.tone)}, seg{detail, &st.Dim})
}

func (m *Model) pickerScreen(w int) []string {
	st := &m.styles
	p := m.picker
	out := []string{fit(w, seg{"Move " + p.rsc + " to which node?  (↑/↓, enter to choose, esc to cancel)", &st.Section})}
	for i, n := range p.nodes {
		if i == p.cursor {
			out = append(out, st.Cursor.Render(pad(ansi.Truncate("› "+n, w, "…"), w)))
		} else {
			out = append(out, fit(w, seg{"  " + n, nil}))
		}
	}
	return out
}

func (m *Model) helpScreen(w int) []string {
	m.help.SetWidth(w)
	out := []string{fit(w, seg{"Keys (any key closes this help)", &m.styles.Section}), ""}
	for _, l := range strings.Split(m.help.FullHelpView(m.keys.FullHelp()), "\n") {
		out = append(out, ansi.Truncate(l, w, "…"))
	}
	out = append(out, "")
	for _, l := range wrap("Markers: FAILED; Starting, Stopping, Promoting... (an action in flight); "+
		"(unmanaged), (blocked), (disabled), (failure ignored); ORPHANED; (UNCLEAN) node; "+
		"[ n1 n2 ] active on several nodes. Actions ask for confirmation: y runs them; n, esc or enter cancel.", w) {
		out = append(out, fit(w, seg{l, &m.styles.Dim}))
	}
	return out
}

func (m *Model) statusLine(w int) string {
	st := &m.styles
	switch {
	case m.confirm != nil:
		return fit(w, seg{" " + m.confirm.prompt + " [y/N] ", &st.Prompt})
	case m.filtering:
		return fit(w, seg{"/" + m.filter + "█", &st.Header}, seg{"  enter: keep, esc: clear", &st.Dim})
	case m.status != "":
		style := &st.StatusOK
		if m.statErr {
			style = &st.StatusErr
		}
		return fit(w, seg{m.status, style})
	case len(m.events) > 0:
		e := &m.events[len(m.events)-1]
		return fit(w, seg{e.Time.In(m.loc).Format("15:04:05") + " ", &st.Dim}, seg{eventText(e), m.toneStyle(eventTone(e))})
	}
	return ""
}

func (m *Model) helpLine(w int) string {
	m.help.SetWidth(w)
	return ansi.Truncate(m.help.ShortHelpView(m.keys.ShortHelp()), w, "…")
}

// wrap breaks text into lines of at most w cells at spaces.
func wrap(text string, w int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
