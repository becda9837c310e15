package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	cv "pacer/share/clusterview"
	"pacer/share/clusterview/clusterviewtest"
)

func TestConnectSubscribesBeforeSnapshot(t *testing.T) {
	m, src, _ := newTestModel(t, nil)
	if src.subCalls != 1 || src.snapCalls != 1 {
		t.Fatalf("subscribe %d, snapshot %d calls; want 1 each", src.subCalls, src.snapCalls)
	}
	if m.conn != connLive {
		t.Fatalf("conn = %v, want live", m.conn)
	}
	v := plainScreen(m)
	for _, want := range []string{"● live", "pacer mon demo", "DC node1", "node4", "db-clone [db]"} {
		if !strings.Contains(v, want) {
			t.Errorf("first screen lacks %q:\n%s", want, v)
		}
	}
	// The snapshot's backlog seeds the event log.
	if len(m.events) != 3 {
		t.Errorf("event log has %d entries, want the snapshot's 3", len(m.events))
	}
}

func TestEventFetchesSnapshotAndCoalesces(t *testing.T) {
	m, src, _ := newTestModel(t, nil)
	changed := clusterviewtest.Mixed()
	changed.Node("node2").State, changed.Node("node2").Online = cv.NodeOffline, false
	src.set(changed)

	ev := cv.Event{Seq: 10, Time: clusterviewtest.T0, Kind: cv.EventNodeLeft, Node: "node2", Message: "node2 left the cluster"}
	_, cmd := m.Update(eventMsg{gen: m.gen, ev: ev})
	if !m.fetching {
		t.Fatal("an event must start a snapshot fetch")
	}
	// A second event while fetching only marks another fetch as needed.
	_, cmd2 := m.Update(eventMsg{gen: m.gen, ev: cv.Event{Seq: 11, Kind: cv.EventCIBChanged, Message: "cib changed"}})
	if !m.refetch {
		t.Fatal("an event during a fetch must ask for one more fetch")
	}
	var snaps []snapshotMsg
	for _, c := range []tea.Cmd{cmd, cmd2} {
		for _, msg := range collect(c) {
			if s, ok := msg.(snapshotMsg); ok {
				snaps = append(snaps, s)
			}
		}
	}
	if len(snaps) != 1 {
		t.Fatalf("got %d snapshot fetches for a burst, want 1", len(snaps))
	}
	_, cmd = m.Update(snaps[0])
	if got := collect(cmd); len(got) != 1 {
		t.Fatalf("after the fetch the pending refetch must run once, got %v", got)
	}
	if !strings.Contains(plainScreen(m), "node2  OFFLINE") {
		t.Errorf("node2 offline not shown:\n%s", plainScreen(m))
	}
	if last := m.events[len(m.events)-1]; last.Seq != 11 {
		t.Errorf("last event seq %d, want 11", last.Seq)
	}
	if !strings.Contains(plainScreen(m), "cib changed") {
		t.Errorf("latest event not on the status line:\n%s", plainScreen(m))
	}
}

func TestEventLogDedupAndBound(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	m.addEvent(cv.Event{Seq: 2, Message: "dup"}) // already in the backlog
	if len(m.events) != 3 {
		t.Fatalf("duplicate seq appended: %d events", len(m.events))
	}
	// A gap in the numbers is shown, not hidden.
	m.addEvent(cv.Event{Seq: 7, Message: "after a gap"})
	if got := m.events[len(m.events)-2].Message; got != "(3 events missed)" {
		t.Fatalf("gap marker %q", got)
	}
	for i := range cv.MaxEvents + 50 {
		m.addEvent(cv.Event{Seq: uint64(8 + i), Message: "e"})
	}
	if len(m.events) != cv.MaxEvents {
		t.Fatalf("event log has %d entries, want bound %d", len(m.events), cv.MaxEvents)
	}
	if m.events[len(m.events)-1].Seq != uint64(8+cv.MaxEvents+49) {
		t.Error("the newest event must be kept")
	}
}

// After a reconnect to a restarted daemon the event numbers start again:
// new events must not be taken for old ones.
func TestReconnectToRestartedDaemonKeepsLogging(t *testing.T) {
	m, src, _ := newTestModel(t, nil)
	m.Update(eventMsg{gen: m.gen, ev: cv.Event{Seq: 40, Message: "before restart"}})
	m.Update(streamEndedMsg{gen: m.gen})
	restarted := clusterviewtest.Mixed()
	restarted.Events = []cv.Event{{Seq: 1, Message: "daemon started"}}
	src.set(restarted)
	_, cmd := m.Update(retryMsg{gen: m.gen})
	for _, msg := range collect(cmd) {
		m.Update(msg)
	}
	if m.conn != connLive {
		t.Fatalf("conn %v", m.conn)
	}
	m.Update(eventMsg{gen: m.gen, ev: cv.Event{Seq: 2, Message: "after restart"}})
	if last := m.events[len(m.events)-1]; last.Message != "after restart" {
		t.Fatalf("event after the restart dropped; log ends with %q", last.Message)
	}
	// Snapshots fetched later add only newer events, never the backlog again.
	again := clusterviewtest.Mixed()
	again.Events = []cv.Event{{Seq: 1, Message: "daemon started"}, {Seq: 2, Message: "after restart"}, {Seq: 3, Message: "new"}}
	m.Update(snapshotMsg{gen: m.gen, snap: again})
	var msgs []string
	for _, e := range m.events {
		msgs = append(msgs, e.Message)
	}
	if !slices.Equal(msgs, []string{"daemon started", "after restart", "new"}) {
		t.Fatalf("log %q", msgs)
	}
}

func TestConnectionLossRetriesWithBackoff(t *testing.T) {
	m, src, _ := newTestModel(t, nil)
	gen := m.gen
	_, cmd := m.Update(streamEndedMsg{gen: gen})
	if m.conn != connLost || cmd == nil {
		t.Fatalf("stream end: conn %v, cmd %v; want lost and a retry timer", m.conn, cmd)
	}
	v := plainScreen(m)
	if !strings.Contains(v, "connection lost, retrying in 500ms") || !strings.Contains(v, "stale since") {
		t.Errorf("lost connection not shown:\n%s", v)
	}
	if !strings.Contains(v, "node1") {
		t.Error("the last known status must stay on screen")
	}
	// Failing reconnects back off: 1s, 2s, ... up to maxBackoff.
	src.subErr = errBoom
	var waits []time.Duration
	for range 7 {
		_, cmd = m.Update(retryMsg{gen: m.gen})
		if m.conn != connConnecting {
			t.Fatalf("retry: conn %v, want connecting", m.conn)
		}
		msgs := collect(cmd)
		if len(msgs) != 1 {
			t.Fatalf("connect attempt gave %v", msgs)
		}
		m.Update(msgs[0])
		waits = append(waits, m.retryIn)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second}
	if !slices.Equal(waits, want) {
		t.Errorf("backoff %v, want %v", waits, want)
	}
	if !strings.Contains(plainScreen(m), "subscribe: boom") {
		t.Errorf("the error must be shown:\n%s", plainScreen(m))
	}
	// The source comes back.
	src.subErr = nil
	_, cmd = m.Update(retryMsg{gen: m.gen})
	msgs := collect(cmd)
	if len(msgs) != 1 {
		t.Fatalf("reconnect gave %v", msgs)
	}
	m.Update(msgs[0])
	if m.conn != connLive || m.attempt != 0 {
		t.Fatalf("after reconnect conn %v attempt %d, want live and 0", m.conn, m.attempt)
	}
	if !strings.Contains(plainScreen(m), "● live") {
		t.Errorf("live not shown after reconnect:\n%s", plainScreen(m))
	}
	// Messages of the old connection are ignored.
	m.Update(streamEndedMsg{gen: gen})
	if m.conn != connLive {
		t.Error("a stale stream end dropped the new connection")
	}
}

func TestSnapshotErrorIsConnectionLoss(t *testing.T) {
	m, src, _ := newTestModel(t, nil)
	src.snapErr = errBoom
	_, cmd := m.Update(eventMsg{gen: m.gen, ev: cv.Event{Message: "x"}})
	for _, msg := range collect(cmd) {
		m.Update(msg)
	}
	if m.conn != connLost || !strings.Contains(plainScreen(m), "boom") {
		t.Fatalf("snapshot error: conn %v\n%s", m.conn, plainScreen(m))
	}
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m, _, _ := newTestModel(t, nil)
		if !isQuit(press(m, k)) {
			t.Errorf("%s does not quit", k)
		}
	}
	// Ctrl-C quits from inside the filter and a confirmation too; q types.
	m, _, _ := newTestModel(t, nil)
	if isQuit(press(m, "/", "q")) {
		t.Error("q in the filter must type, not quit")
	}
	if !isQuit(press(m, "ctrl+c")) {
		t.Error("ctrl+c in the filter must quit")
	}
	m, _, _ = newTestModel(t, nil)
	if !isQuit(press(m, "s", "ctrl+c")) {
		t.Error("ctrl+c at a confirmation must quit")
	}
}

func TestPaneNavigation(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	want := []pane{paneResources, paneFailures, paneFencing, paneTickets, paneEvents, paneNodes}
	for _, p := range want {
		press(m, "tab")
		if m.focus != p {
			t.Fatalf("tab: focus %v, want %v", m.focus, p)
		}
	}
	press(m, "shift+tab")
	if m.focus != paneEvents {
		t.Fatalf("shift+tab from nodes: focus %v, want events", m.focus)
	}
	press(m, "3")
	if m.focus != paneFailures || !strings.Contains(plainScreen(m), "[Failures 1]") {
		t.Fatalf("3: focus %v\n%s", m.focus, plainScreen(m))
	}
	if !strings.Contains(plainScreen(m), "exit-reason: IP address 127.0.0.9 vanished") {
		t.Errorf("failed action lacks its exit reason:\n%s", plainScreen(m))
	}
}

func TestCursorKeys(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	press(m, "j")
	if r, _ := m.selected(); r.node != "node2" {
		t.Fatalf("j: selected %+v, want node2", r)
	}
	press(m, "down", "down", "down", "down") // stops at the end
	if r, _ := m.selected(); r.node != "node4" {
		t.Fatalf("down past the end: %+v", r)
	}
	press(m, "k")
	if r, _ := m.selected(); r.node != "node3" {
		t.Fatalf("k: %+v", r)
	}
	press(m, "g")
	if m.cursor[paneNodes] != 0 {
		t.Fatal("g: not at top")
	}
	press(m, "G")
	if m.cursor[paneNodes] != 3 {
		t.Fatal("G: not at bottom")
	}
	press(m, "tab", "pgdown")
	if m.cursor[paneResources] == 0 {
		t.Fatal("pgdown did not move")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyPgUp})
	if m.cursor[paneResources] != 0 {
		t.Fatalf("pgup: cursor %d, want 0", m.cursor[paneResources])
	}
	if !strings.Contains(plainScreen(m), "› ") {
		t.Error("no cursor marker on screen")
	}
}

func TestFilter(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	press(m, "/")
	typeText(m, "node2")
	v := plainScreen(m)
	if !strings.Contains(v, "/node2█") {
		t.Errorf("filter line not shown:\n%s", v)
	}
	if strings.Contains(v, "  node1 ") || !strings.Contains(v, "node2") {
		t.Errorf("node filter wrong:\n%s", v)
	}
	// Resources are filtered by the node they run on: the clone instances on
	// node2 remain, the group on node1 goes.
	if strings.Contains(v, "  web ") || !strings.Contains(v, "ping:1") {
		t.Errorf("resource filter by node wrong:\n%s", v)
	}
	press(m, "enter")
	if m.filtering || m.filter != "node2" || !strings.Contains(plainScreen(m), "filter /node2") {
		t.Fatalf("enter must keep the filter: filtering %v filter %q", m.filtering, m.filter)
	}
	press(m, "/", "backspace", "backspace", "backspace", "backspace", "backspace")
	typeText(m, "WEB") // case-insensitive, by resource name
	v = plainScreen(m)
	if !strings.Contains(v, "  web ") || !strings.Contains(v, "ip ") || strings.Contains(v, "ping-clone") {
		t.Errorf("filter by name wrong:\n%s", v)
	}
	press(m, "esc")
	if m.filter != "" || m.filtering || !strings.Contains(plainScreen(m), "ping-clone") {
		t.Errorf("esc must clear the filter:\n%s", plainScreen(m))
	}
}

func TestHelpComesFromKeyMap(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	press(m, "?")
	v := plainScreen(m)
	for _, col := range m.keys.FullHelp() {
		for _, b := range col {
			if !b.Enabled() {
				continue
			}
			if !strings.Contains(v, b.Help().Key) || !strings.Contains(v, b.Help().Desc) {
				t.Errorf("help lacks %q %q:\n%s", b.Help().Key, b.Help().Desc, v)
			}
		}
	}
	if !strings.Contains(v, "s standby") || strings.Contains(v, "m move") {
		t.Errorf("help on the nodes pane must list node actions only:\n%s", v)
	}
	press(m, "x") // any key closes help and does nothing else
	if m.showHelp || m.confirm != nil {
		t.Fatal("a key must close help without acting")
	}
	// On the resources pane the resource actions are listed.
	press(m, "tab", "?")
	if v = plainScreen(m); !strings.Contains(v, "m move") || strings.Contains(v, "s standby") {
		t.Errorf("help on the resources pane:\n%s", v)
	}
}

func TestAttributesOnDemand(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	if strings.Contains(plainScreen(m), "pingd") {
		t.Fatal("attributes shown before asked for")
	}
	press(m, "a")
	if !strings.Contains(plainScreen(m), "pingd") {
		t.Fatalf("a: attributes not shown:\n%s", plainScreen(m))
	}
	press(m, "a")
	if strings.Contains(plainScreen(m), "pingd") {
		t.Fatal("a again must hide them")
	}
}

func TestExpandClone(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	press(m, "tab")
	for range 4 { // fence, web, ip, www -> ping-clone
		press(m, "j")
	}
	if r, _ := m.selected(); r.clone != "ping-clone" {
		t.Fatalf("selected %+v, want the ping-clone header", r)
	}
	if strings.Contains(plainScreen(m), "ping:2") {
		t.Fatal("folded clone lists instances")
	}
	press(m, "enter")
	if !strings.Contains(plainScreen(m), "ping:2") || !strings.Contains(plainScreen(m), "ping:3") {
		t.Fatalf("enter did not expand:\n%s", plainScreen(m))
	}
	press(m, "e")
	if strings.Contains(plainScreen(m), "ping:2") {
		t.Fatal("e must fold too")
	}
}

// runConfirmed answers y to the pending confirmation and runs the action.
func runConfirmed(t *testing.T, m *Model) {
	t.Helper()
	if m.confirm == nil {
		t.Fatal("no confirmation asked")
	}
	if !strings.Contains(plainScreen(m), "[y/N]") {
		t.Fatalf("prompt not shown:\n%s", plainScreen(m))
	}
	cmd := press(m, "y")
	msgs := collect(cmd)
	if len(msgs) != 1 {
		t.Fatalf("action gave %v", msgs)
	}
	m.Update(msgs[0])
}

func TestNodeActions(t *testing.T) {
	m, _, acts := newTestModel(t, nil)
	press(m, "j", "s")
	if !strings.Contains(plainScreen(m), "Put node node2 in standby? [y/N]") {
		t.Fatalf("standby prompt:\n%s", plainScreen(m))
	}
	press(m, "n")
	if len(acts.get()) != 0 || m.confirm != nil {
		t.Fatal("n must cancel without acting")
	}
	press(m, "s", "enter") // the default is no
	if len(acts.get()) != 0 || m.confirm != nil {
		t.Fatal("enter must not confirm")
	}
	press(m, "s")
	runConfirmed(t, m)
	press(m, "j", "o")
	runConfirmed(t, m)
	if got := acts.get(); !slices.Equal(got, []string{"standby node2", "online node3"}) {
		t.Fatalf("calls %v", got)
	}
	if !strings.Contains(plainScreen(m), "online node3: done") {
		t.Errorf("result not shown:\n%s", plainScreen(m))
	}
	// Resource keys do nothing on the nodes pane.
	press(m, "x", "m", "u", "c")
	if m.confirm != nil || m.picker != nil {
		t.Error("a resource action started from the nodes pane")
	}
}

func TestResourceActions(t *testing.T) {
	m, _, acts := newTestModel(t, nil)
	press(m, "tab", "j", "j") // fence, web, ip
	if r, _ := m.selected(); r.rsc != "ip" {
		t.Fatalf("selected %+v", r)
	}
	press(m, "c")
	if !strings.Contains(plainScreen(m), "Clean up ip on node1?") {
		t.Fatalf("cleanup prompt:\n%s", plainScreen(m))
	}
	runConfirmed(t, m)
	press(m, "x")
	runConfirmed(t, m)
	press(m, "s")
	runConfirmed(t, m)
	press(m, "k") // the group
	press(m, "m")
	if m.picker == nil || !slices.Equal(m.picker.nodes, []string{"node1", "node2"}) {
		t.Fatalf("move picker %+v: want the online nodes", m.picker)
	}
	if !strings.Contains(plainScreen(m), "Move web to which node?") {
		t.Fatalf("picker not shown:\n%s", plainScreen(m))
	}
	press(m, "down", "enter")
	if !strings.Contains(plainScreen(m), "Move web to node2? [y/N]") {
		t.Fatalf("move prompt:\n%s", plainScreen(m))
	}
	runConfirmed(t, m)
	press(m, "u")
	runConfirmed(t, m)
	// Esc leaves the picker without acting.
	press(m, "m", "esc")
	if m.picker != nil || m.confirm != nil {
		t.Fatal("esc must close the picker")
	}
	// A clone's summary line acts on the clone.
	press(m, "j", "j", "j", "j", "x")
	if m.confirm == nil || !strings.Contains(m.confirm.prompt, "ping-clone") {
		t.Fatalf("clone row must act on the clone, prompt %+v", m.confirm)
	}
	press(m, "n")
	want := []string{"cleanup ip node1", "stop ip", "start ip", "move web node2", "clear web"}
	if got := acts.get(); !slices.Equal(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
}

func TestCleanupFromFailures(t *testing.T) {
	m, _, acts := newTestModel(t, nil)
	press(m, "3", "c")
	runConfirmed(t, m)
	if got := acts.get(); !slices.Equal(got, []string{"cleanup ip node1"}) {
		t.Fatalf("calls %v", got)
	}
}

func TestReadOnlyActionsReportError(t *testing.T) {
	src := newFakeSource(clusterviewtest.Mixed())
	m := New(t.Context(), src, ReadOnlyActions{Reason: "CIB_file"}, Options{Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(m.Init()())
	press(m, "s")
	runConfirmed(t, m)
	if v := plainScreen(m); !strings.Contains(v, "standby node1: read-only: CIB_file") {
		t.Fatalf("read-only error not shown:\n%s", v)
	}
}

// A daemon that cannot be reached at start: the reason is on screen.
func TestFirstConnectFails(t *testing.T) {
	src := newFakeSource(nil)
	src.subErr = errBoom
	m := New(t.Context(), src, nil, Options{Location: time.UTC})
	m.Update(windowSize(80, 24))
	m.Update(m.Init()())
	v := plainScreen(m)
	if !strings.Contains(v, "connection lost, retrying in 500ms") || !strings.Contains(v, "error: subscribe: boom") {
		t.Fatalf("first connection failure not shown:\n%s", v)
	}
}

func TestNoSnapshotYet(t *testing.T) {
	m := New(t.Context(), newFakeSource(nil), nil, Options{Location: time.UTC})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	v := plainScreen(m)
	if !strings.Contains(v, "connecting") || !strings.Contains(v, "no cluster status yet") {
		t.Fatalf("before the first snapshot:\n%s", v)
	}
	press(m, "s", "m", "c", "j", "a", "enter") // nothing to act on: no panic, no prompt
	if m.confirm != nil || m.picker != nil {
		t.Fatal("action prompt without a snapshot")
	}
}

// Keys that arrive together ("gj", as a fast typist or tmux send-keys
// produces) are handled one by one; after "/" the rest is filter text.
func TestRunesArrivingTogether(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	m.Update(tea.KeyPressMsg{Text: "Gkk"})
	if r, _ := m.selected(); r.node != "node2" {
		t.Fatalf("Gkk: selected %+v, want node2", r)
	}
	m.Update(tea.KeyPressMsg{Text: "/web"})
	if !m.filtering || m.filter != "web" {
		t.Fatalf("/web: filtering %v filter %q", m.filtering, m.filter)
	}
}

// Actions in the log show result and duration whoever sent them.
func TestEventText(t *testing.T) {
	cases := []struct {
		e    cv.Event
		want string
	}{
		{cv.Event{Kind: cv.EventActionStarted, Resource: "d1", Op: "start", Node: "n1", Message: "initiating d1_start_0 on n1"},
			"d1 start on n1: started"},
		{cv.Event{Kind: cv.EventActionFinished, Resource: "d1", Op: "start", Node: "n1", Result: "ok", OK: true, DurationMS: 1520},
			"d1 start on n1: ok (1.520s)"},
		{cv.Event{Kind: cv.EventActionFinished, Resource: "d1", Op: "monitor", IntervalMS: 2000, Node: "n1", Result: "not running", RC: 7, DurationMS: 4},
			"d1 monitor (2s) on n1: not running (rc=7, 4ms)"},
		{cv.Event{Kind: cv.EventActionFinished, Resource: "db", Op: "monitor", Node: "n2", Result: "not running", RC: 7, OK: true, DurationMS: 128},
			"db probe on n2: not running (128ms)"},
		{cv.Event{Kind: cv.EventNodeLeft, Node: "n2", Message: "node n2 left"}, "node n2 left"},
		{cv.Event{Kind: cv.EventQuorum, Result: "lost"}, "quorum: lost"},
	}
	for _, c := range cases {
		if got := eventText(&c.e); got != c.want {
			t.Errorf("eventText(%+v) = %q, want %q", c.e, got, c.want)
		}
	}
}

// What the dropped connection still had in flight is ignored: a failing
// fetch arriving after the loss must not count as a second failure.
func TestInFlightFetchAfterLossIgnored(t *testing.T) {
	m, _, _ := newTestModel(t, nil)
	old := m.gen
	m.Update(eventMsg{gen: old, ev: cv.Event{Message: "x"}}) // starts a fetch
	m.Update(streamEndedMsg{gen: old})
	attempt, retry := m.attempt, m.retryIn
	_, cmd := m.Update(snapshotMsg{gen: old, err: errBoom})
	if cmd != nil || m.attempt != attempt || m.retryIn != retry {
		t.Fatalf("stale fetch error counted: attempt %d->%d", attempt, m.attempt)
	}
}

// n groups resources by node; actions on an instance act on its clone.
func TestByNode(t *testing.T) {
	m, _, acts := newTestModel(t, trouble())
	press(m, "tab", "n")
	v := plainScreen(m)
	for _, want := range []string{"node2  online", "ghost", "ORPHANED Started", "spare", "not running"} {
		if !strings.Contains(v, want) {
			t.Errorf("by-node view lacks %q:\n%s", want, v)
		}
	}
	// Rows under node2: ghost, spare, ping:1, db:1 -> the ping:1 row stops the clone.
	var target row
	for i, r := range m.rows[paneResources] {
		if r.name == "ping:1" {
			m.cursor[paneResources] = i
			target = r
		}
	}
	if target.rsc != "ping-clone" || target.node != "node2" {
		t.Fatalf("ping:1 row %+v, want target ping-clone on node2", target)
	}
	press(m, "x")
	runConfirmed(t, m)
	if got := acts.get(); !slices.Equal(got, []string{"stop ping-clone"}) {
		t.Fatalf("calls %v", got)
	}
	press(m, "n")
	if !strings.Contains(plainScreen(m), "ping-clone [ping]") {
		t.Error("n again must bring the tree back")
	}
}

// trouble has a multiply-active, an orphaned and a pending resource.
func trouble() *cv.Snapshot {
	s := clusterviewtest.Mixed()
	s.Resource("www").PendingOp = "start"
	spare := s.Resource("spare")
	spare.Disabled, spare.Role, spare.Nodes = false, cv.RoleStarted, []string{"node1", "node2"}
	s.Resources = append(s.Resources, cv.Resource{ID: "ghost", Kind: cv.KindPrimitive, Class: "ocf", Provider: "heartbeat",
		Type: "Dummy", Role: cv.RoleStarted, Nodes: []string{"node2"}, Orphaned: true})
	return s
}
