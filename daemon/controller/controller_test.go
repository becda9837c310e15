package controller

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"pacer/share/graph"
	"pacer/share/xmltree"
)

// host records what the controller did. It stands in for the DC (the
// cluster side is tested on real processes in daemon/sandbox).
type host struct {
	mu      sync.Mutex
	order   []string
	running int
	peak    int
	rc      map[string]int // result per action key (default 0)
	delay   time.Duration
	fenced  []string
	cleared []string
	execd   map[string]int
}

func (h *host) CIB() *xmltree.Document { return &xmltree.Document{Root: xmltree.New("cib")} }
func (h *host) ExecOp(ctx context.Context, tid int, a *graph.Action) Result {
	h.mu.Lock()
	h.running++
	h.peak = max(h.peak, h.running)
	h.execd[a.Key]++
	h.mu.Unlock()
	time.Sleep(h.delay)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running--
	h.order = append(h.order, a.Key)
	return Result{RC: h.rc[a.Key]}
}
func (h *host) Fence(ctx context.Context, target, action string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fenced = append(h.fenced, target+":"+action)
	h.order = append(h.order, "fence-"+target)
	return nil
}
func (h *host) ClearFailcount(node, rsc string)                             { h.cleared = append(h.cleared, rsc+"@"+node) }
func (h *host) Transition(id, actions, completed int, pending bool)         {}
func (h *host) ActionEvent(int, *graph.Action, bool, Result, time.Duration) {}

func op(id int, key, task string, inputs ...int) *graph.Action {
	return &graph.Action{ID: id, Kind: graph.RscOp, Key: key, Task: task, Node: "n1",
		Resource: &graph.Resource{ID: key}, Attrs: map[string]string{}, Inputs: inputs}
}

// run executes graphs handed out by sched in turn (then empty ones) and
// waits for the controller to be idle.
func run(t *testing.T, h *host, graphs ...*graph.Graph) {
	t.Helper()
	var mu sync.Mutex
	sched := func(*xmltree.Document, time.Time) (*graph.Graph, error) {
		mu.Lock()
		defer mu.Unlock()
		if len(graphs) == 0 {
			return &graph.Graph{}, nil
		}
		g := graphs[0]
		graphs = graphs[1:]
		return g, nil
	}
	c := New(sched, h, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})), 0)
	c.Debounce = time.Millisecond
	c.Start()
	defer c.Stop()
	select {
	case <-c.Idle():
	case <-time.After(10 * time.Second):
		t.Fatal("controller never idle")
	}
}

func newHost() *host { return &host{rc: map[string]int{}, execd: map[string]int{}} }

func TestOrderingIsRespected(t *testing.T) {
	h := newHost()
	h.delay = 5 * time.Millisecond
	fence := &graph.Action{ID: 0, Kind: graph.Event, Task: "stonith", Node: "n3", Attrs: map[string]string{"CRM_meta_stonith_action": "off"}}
	g := &graph.Graph{Actions: []*graph.Action{
		op(3, "b_start_0", "start", 2),
		op(2, "a_start_0", "start", 1),
		{ID: 1, Kind: graph.Pseudo, Task: "all_stopped", Inputs: []int{0}},
		fence,
	}}
	run(t, h, g)
	want := []string{"fence-n3", "a_start_0", "b_start_0"}
	if len(h.order) != 3 || h.order[0] != want[0] || h.order[1] != want[1] || h.order[2] != want[2] {
		t.Fatalf("order %v, want %v", h.order, want)
	}
	if len(h.fenced) != 1 || h.fenced[0] != "n3:off" {
		t.Fatalf("fenced %v", h.fenced)
	}
}

func TestBatchLimit(t *testing.T) {
	h := newHost()
	h.delay = 20 * time.Millisecond
	g := &graph.Graph{BatchLimit: 2}
	for i := 0; i < 6; i++ {
		g.Actions = append(g.Actions, op(i, "r"+string(rune('a'+i))+"_start_0", "start"))
	}
	run(t, h, g)
	if h.peak > 2 {
		t.Fatalf("%d actions ran at once with batch-limit 2", h.peak)
	}
	if len(h.order) != 6 {
		t.Fatalf("ran %v", h.order)
	}
}

func TestUnexpectedResultAbortsAndRecomputes(t *testing.T) {
	h := newHost()
	h.rc["a_start_0"] = 1 // fails
	g1 := &graph.Graph{Actions: []*graph.Action{op(1, "a_start_0", "start"), op(2, "b_start_0", "start", 1)}}
	g2 := &graph.Graph{Actions: []*graph.Action{op(1, "a_stop_0", "stop")}}
	run(t, h, g1, g2)
	if h.execd["b_start_0"] != 0 {
		t.Fatal("an action depending on a failed one ran")
	}
	if h.execd["a_stop_0"] != 1 {
		t.Fatalf("no recomputed transition after the failure: %v", h.order)
	}
}

func TestProbeExpectsNotRunning(t *testing.T) {
	a := op(1, "a_monitor_0", "monitor")
	if TargetRC(a) != 7 {
		t.Fatal("a probe expects rc 7 unless told otherwise")
	}
	a.Attrs["CRM_meta_op_target_rc"] = "0"
	if TargetRC(a) != 0 {
		t.Fatal("explicit target rc ignored")
	}
}

func TestInvalidGraphIsNotExecuted(t *testing.T) {
	h := newHost()
	g := &graph.Graph{Actions: []*graph.Action{op(1, "a_start_0", "start", 2), op(2, "b_start_0", "start", 1)}}
	run(t, h, g)
	if len(h.order) != 0 {
		t.Fatalf("executed a cyclic graph: %v", h.order)
	}
}
