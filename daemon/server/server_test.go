package server

import (
	"context"
	"encoding/binary"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pacer/share/protocol"
)

type echo struct{}

func (echo) Handle(ctx context.Context, req *protocol.Request) *protocol.Response {
	return &protocol.Response{XML: req.Op + ":" + req.Name}
}

func (echo) Subscribe() (<-chan protocol.Event, func()) {
	ch := make(chan protocol.Event, 1)
	ch <- protocol.Event{}
	return ch, func() {}
}

func listen(t *testing.T) (*Server, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.sock")
	s, err := Listen(path, echo{}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, path
}

func dial(t *testing.T, path string) net.Conn {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	return c
}

func roundTrip(t *testing.T, c net.Conn, req protocol.Request) protocol.Response {
	t.Helper()
	if err := protocol.WriteFrame(c, &req); err != nil {
		t.Fatal(err)
	}
	var r protocol.Response
	if err := protocol.ReadFrame(c, &r, 0); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSocketMode(t *testing.T) {
	_, path := listen(t)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o660 {
		t.Fatalf("socket mode %v, want 0660", st.Mode().Perm())
	}
}

func TestMalformedJSONGetsAnErrorAndTheConnectionLives(t *testing.T) {
	_, path := listen(t)
	c := dial(t, path)
	body := []byte(`{"op": "hello", oops}`)
	hdr := make([]byte, 4)
	binary.BigEndian.PutUint32(hdr, uint32(len(body)))
	c.Write(append(hdr, body...))
	var r protocol.Response
	if err := protocol.ReadFrame(c, &r, 0); err != nil {
		t.Fatal(err)
	}
	if r.Error == nil || r.Error.Code != protocol.CodeBadRequest {
		t.Fatalf("want bad-request, got %+v", r)
	}
	if r := roundTrip(t, c, protocol.Request{V: 1, ID: 7, Op: "x", Name: "y"}); r.ID != 7 || r.XML != "x:y" {
		t.Fatalf("connection unusable after a bad frame: %+v", r)
	}
}

func TestOversizedFrameCostsOnlyThatConnection(t *testing.T) {
	s, path := listen(t)
	s.MaxSize = 1024
	bad, good := dial(t, path), dial(t, path)
	hdr := make([]byte, 4)
	binary.BigEndian.PutUint32(hdr, 1<<30)
	bad.Write(hdr)
	var r protocol.Response
	if err := protocol.ReadFrame(bad, &r, 0); err != nil {
		t.Fatal(err)
	}
	if r.Error == nil || r.Error.Code != protocol.CodeTooLarge {
		t.Fatalf("want too-large, got %+v", r)
	}
	if err := protocol.ReadFrame(bad, &r, 0); err == nil {
		t.Fatal("oversized sender still connected")
	}
	if r := roundTrip(t, good, protocol.Request{V: 1, ID: 1, Op: "still"}); r.XML != "still:" {
		t.Fatalf("other client affected: %+v", r)
	}
	if r := roundTrip(t, dial(t, path), protocol.Request{V: 1, ID: 1, Op: "new"}); r.XML != "new:" {
		t.Fatalf("new clients affected: %+v", r)
	}
}

func TestNewerProtocolVersionRefused(t *testing.T) {
	_, path := listen(t)
	r := roundTrip(t, dial(t, path), protocol.Request{V: protocol.Version + 1, ID: 3, Op: "hello"})
	if r.Error == nil || r.Error.Code != protocol.CodeVersion || r.ID != 3 {
		t.Fatalf("%+v", r)
	}
}

func TestSecondDaemonOnSameSocketRefused(t *testing.T) {
	_, path := listen(t)
	if _, err := Listen(path, echo{}, slog.Default()); err == nil {
		t.Fatal("two daemons on one socket")
	}
}

func TestSubscribeStreams(t *testing.T) {
	_, path := listen(t)
	c := dial(t, path)
	first := roundTrip(t, c, protocol.Request{V: 1, ID: 9, Op: protocol.OpSubscribe})
	if first.Error != nil || first.ID != 9 {
		t.Fatalf("%+v", first)
	}
	var ev protocol.Response
	if err := protocol.ReadFrame(c, &ev, 0); err != nil || ev.Event == nil {
		t.Fatalf("no event: %v %+v", err, ev)
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, '{', '}'})
	f.Add([]byte{0, 0, 0, 5, '{', '"', 'v', '"', '}'})
	f.Add([]byte{255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		var req protocol.Request
		_ = protocol.ReadFrame(bytesReader(data), &req, 4096)
	})
}

type br struct {
	b []byte
}

func bytesReader(b []byte) *br { return &br{b} }

func (r *br) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, os.ErrClosed
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// gate holds every "block" request until open is closed.
type gate struct {
	echo
	open chan struct{}
}

func (g gate) Handle(ctx context.Context, req *protocol.Request) *protocol.Response {
	if req.Op == "block" {
		<-g.open
	}
	return g.echo.Handle(ctx, req)
}

func TestRequestsInFlightShareOneBudget(t *testing.T) {
	g := gate{open: make(chan struct{})}
	path := filepath.Join(t.TempDir(), "s.sock")
	s, err := Listen(path, g, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	s.budget = newBudget(1000, 200*time.Millisecond)
	pad := strings.Repeat("x", 600)

	a := dial(t, path)
	if err := protocol.WriteFrame(a, &protocol.Request{V: 1, ID: 1, Op: "block", Name: pad}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // a's frame is read and held

	b := dial(t, path)
	r := roundTrip(t, b, protocol.Request{V: 1, ID: 2, Op: "hello", Name: pad})
	if r.Error == nil || r.Error.Code != protocol.CodeBusy {
		t.Fatalf("a second large request while the first is in flight got %+v, want %s", r, protocol.CodeBusy)
	}
	// The refused body was skipped: the connection is still in step, and
	// small requests still fit beside the large one.
	if r := roundTrip(t, b, protocol.Request{V: 1, ID: 3, Op: "hello"}); r.Error != nil || r.ID != 3 || r.XML != "hello:" {
		t.Fatalf("small request after a refusal: %+v", r)
	}
	// A request larger than the whole budget is refused at once.
	if r := roundTrip(t, b, protocol.Request{V: 1, ID: 4, Op: "hello", Name: pad + pad}); r.Error == nil || r.Error.Code != protocol.CodeBusy {
		t.Fatalf("a request over the budget got %+v", r)
	}

	close(g.open)
	var ra protocol.Response
	if err := protocol.ReadFrame(a, &ra, 0); err != nil || ra.ID != 1 || ra.Error != nil {
		t.Fatalf("the held request: %+v %v", ra, err)
	}
	// Its room is given back once answered.
	if r := roundTrip(t, b, protocol.Request{V: 1, ID: 5, Op: "hello", Name: pad}); r.Error != nil || r.ID != 5 {
		t.Fatalf("a large request after the first was answered: %+v", r.Error)
	}
}
