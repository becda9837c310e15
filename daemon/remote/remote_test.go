package remote

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pacer/lrm"
	"pacer/share/keytls"
	"pacer/share/protocol"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

const dummy = "ocf:heartbeat:Dummy"

func needDummy(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/lib/ocf/resource.d/heartbeat/Dummy"); err != nil {
		t.Skipf("resource-agents not installed: %v", err)
	}
}

// syncBuf is a log sink the test can read while the server writes.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type testServer struct {
	*Server
	logs *syncBuf
	addr string
}

func startServer(t *testing.T, cfg ServerConfig) *testServer {
	t.Helper()
	logs := &syncBuf{}
	if cfg.Key == nil {
		cfg.Key = testKey
	}
	cfg.Log = slog.New(slog.NewTextHandler(logs, nil))
	cfg.Exec = lrm.New(lrm.Config{Env: map[string]string{"HA_RSCTMP": t.TempDir()}, Logger: cfg.Log})
	t.Cleanup(cfg.Exec.Close)
	s, err := Listen("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if t.Failed() {
			t.Logf("remote's log:\n%s", logs.String())
		}
	})
	return &testServer{Server: s, logs: logs, addr: s.Addr().String()}
}

func (s *testServer) waitLog(t *testing.T, what string) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if strings.Contains(s.logs.String(), what) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no log line %q", what)
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func dialT(t *testing.T, addr string, cfg DialConfig) *Conn {
	t.Helper()
	if cfg.Key == nil {
		cfg.Key = testKey
	}
	if cfg.Node == "" {
		cfg.Node = "remote1"
	}
	if cfg.From == "" {
		cfg.From = "n1"
	}
	c, err := Dial(ctxT(t, 10*time.Second), addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A member runs a real Dummy on the remote node through the channel: a
// start, a recurring monitor whose failure comes back as an event, a stop.
func TestAgentsRunOverTheChannel(t *testing.T) {
	needDummy(t)
	s := startServer(t, ServerConfig{})
	events := make(chan lrm.Result, 10)
	c := dialT(t, s.addr, DialConfig{OnEvent: func(r lrm.Result) { events <- r }})
	if got := c.Hello().Node; got != "remote1" {
		t.Errorf("the remote calls itself %q, want the name the member gave", got)
	}
	if got := s.NodeName(); got != "remote1" {
		t.Errorf("NodeName %q", got)
	}
	state := filepath.Join(t.TempDir(), "d.state")
	op := lrm.Op{Resource: "d", Agent: dummy, Timeout: 20 * time.Second, Params: map[string]string{"state": state}}

	op.Action = "start"
	r, err := c.Exec(ctxT(t, 30*time.Second), op)
	if err != nil || !r.OK() {
		t.Fatalf("start: %v %v", r, err)
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("the agent did not run on the remote: %v", err)
	}
	op.Action, op.Interval = "monitor", time.Second
	r, err = c.StartRecurring(ctxT(t, 30*time.Second), op)
	if err != nil || !r.OK() {
		t.Fatalf("monitor: %v %v", r, err)
	}
	os.Remove(state)
	select {
	case ev := <-events:
		if ev.RC != lrm.OCFNotRunning || ev.Operation != "monitor" || ev.Interval != time.Second {
			t.Fatalf("event %v, want the monitor finding d stopped", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the monitor's failure never came back")
	}
	if err := c.Cancel(ctxT(t, 5*time.Second), "d", time.Second); err != nil {
		t.Fatal(err)
	}
	op.Action, op.Interval = "stop", 0
	if r, err := c.Exec(ctxT(t, 30*time.Second), op); err != nil || !r.OK() {
		t.Fatalf("stop: %v %v", r, err)
	}
	if err := c.Ping(ctxT(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
}

// The connection is lost while an operation runs: the next member to
// connect hears its result, and the monitors still running there.
func TestOperationsInFlightAreReportedAfterAReconnect(t *testing.T) {
	needDummy(t)
	s := startServer(t, ServerConfig{})
	state := filepath.Join(t.TempDir(), "d.state")
	op := lrm.Op{Resource: "d", Agent: dummy, Timeout: 20 * time.Second, Params: map[string]string{"state": state}}
	c1 := dialT(t, s.addr, DialConfig{})
	op.Action, op.Interval = "monitor", 5*time.Second
	if _, err := c1.StartRecurring(ctxT(t, 30*time.Second), op); err != nil {
		t.Fatal(err)
	}
	slow := lrm.Op{Resource: "slow", Agent: "ocf:pacemaker:Dummy", Action: "start", Timeout: 20 * time.Second,
		Params: map[string]string{"state": state + ".slow", "op_sleep": "2"}}
	errc := make(chan error, 1)
	go func() {
		_, err := c1.Exec(ctxT(t, 30*time.Second), slow)
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond)
	c1.Close()
	if err := <-errc; err == nil {
		t.Fatal("an exec whose connection closed returned no error")
	}

	events := make(chan lrm.Result, 10)
	c2 := dialT(t, s.addr, DialConfig{From: "n2", OnEvent: func(r lrm.Result) { events <- r }})
	if rec := c2.Hello().Recurring; len(rec) != 1 || rec[0].Resource != "d" || rec[0].Interval != 5*time.Second {
		t.Errorf("hello lists recurring %+v, want d's monitor", rec)
	}
	select {
	case ev := <-events:
		if ev.Resource != "slow" || ev.Operation != "start" || !ev.OK() {
			t.Fatalf("event %v, want slow's start", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the start that finished while disconnected was never reported")
	}
}

// Agent tools on the remote node reach the member holding the connection,
// which answers as its own socket would; with no member they are told so.
func TestAgentToolRequestsGoToTheMember(t *testing.T) {
	s := startServer(t, ServerConfig{Node: "boot-name"})
	req := &protocol.Request{Op: protocol.OpSetNodeAttr, Name: "pingd", Value: "100"}
	if r := s.Handle(ctxT(t, 5*time.Second), req); r.Error == nil || r.Error.Code != protocol.CodeUnavailable {
		t.Fatalf("with no member connected: %+v", r)
	}
	if h := s.Handle(ctxT(t, 5*time.Second), &protocol.Request{Op: protocol.OpHello}); h.Hello == nil || h.Hello.Node != "boot-name" {
		t.Fatalf("hello before any member: %+v", h)
	}
	got := make(chan *protocol.Request, 1)
	dialT(t, s.addr, DialConfig{Node: "rem-7", API: func(ctx context.Context, r *protocol.Request) *protocol.Response {
		got <- r
		return &protocol.Response{CIBVersion: "0.5.1"}
	}})
	r := s.Handle(ctxT(t, 5*time.Second), req)
	if r.Error != nil || r.CIBVersion != "0.5.1" {
		t.Fatalf("answer %+v", r)
	}
	if g := <-got; g.Op != protocol.OpSetNodeAttr || g.Name != "pingd" || g.Value != "100" {
		t.Fatalf("the member got %+v", g)
	}
	if h := s.Handle(ctxT(t, 5*time.Second), &protocol.Request{Op: protocol.OpHello}); h.Hello.Node != "rem-7" {
		t.Fatalf("crm_node -n would say %q, want the cluster's name rem-7", h.Hello.Node)
	}
}

// What a port open to the network gets: a wrong key, garbage, an
// oversized frame, a frame cut off, a silent connection and a hundred at
// once each get a log line, and nobody crashes.
func TestBadPeersAreLoggedAndDropped(t *testing.T) {
	s := startServer(t, ServerConfig{})

	if _, err := Dial(ctxT(t, 5*time.Second), s.addr, DialConfig{Key: []byte("fedcba9876543210fedcba9876543210"), Node: "r"}); err == nil {
		t.Error("a member with another key connected")
	}
	s.waitLog(t, "TLS handshake failed")

	raw, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	raw.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	raw.Close()

	quick := startServer(t, ServerConfig{HandshakeTimeout: 300 * time.Millisecond})
	idle, err := net.Dial("tcp", quick.addr)
	if err != nil {
		t.Fatal(err)
	}
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err == nil {
		t.Error("a silent connection was not dropped")
	}
	idle.Close()
	quick.waitLog(t, "i/o timeout")

	// Authenticated peers that misbehave after hello.
	authed := func() *tls.Conn {
		tc, err := keytls.Config(testKey, Purpose)
		if err != nil {
			t.Fatal(err)
		}
		c, err := tls.Dial("tcp", s.addr, tc)
		if err != nil {
			t.Fatal(err)
		}
		writeMsg(c, Msg{Type: MsgHello, Hello: &Hello{Version: Version, From: "x", Node: "r"}})
		var m Msg
		if err := readMsg(c, &m); err != nil || m.Type != MsgHello {
			t.Fatalf("hello: %v %+v", err, m)
		}
		return c
	}
	big := authed()
	hdr := make([]byte, 4)
	binary.BigEndian.PutUint32(hdr, MaxFrame+1)
	big.Write(hdr)
	var m Msg
	big.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := readMsg(big, &m); err != nil || m.Type != MsgError {
		t.Errorf("oversized frame: %v %+v", err, m)
	}
	big.Close()
	s.waitLog(t, "oversized message")

	cut := authed()
	binary.BigEndian.PutUint32(hdr, 1000)
	cut.Write(append(hdr, []byte(`{"type":"pi`)...))
	cut.Close()
	s.waitLog(t, "connection lost")

	bad := authed()
	body := []byte(`{"type": oops}`)
	binary.BigEndian.PutUint32(hdr, uint32(len(body)))
	bad.Write(append(hdr, body...))
	bad.SetReadDeadline(time.Now().Add(5 * time.Second))
	m = Msg{}
	if err := readMsg(bad, &m); err != nil || m.Type != MsgError {
		t.Errorf("bad JSON: %v %+v", err, m)
	}
	if err := readMsg(bad, &m); err == nil {
		t.Errorf("the connection lives on after bad JSON: %+v", m)
	}
	bad.Close()

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// One member holds a remote node's connection: each new one
			// supersedes the one before, which is told so.
			c, err := Dial(ctxT(t, 20*time.Second), s.addr, DialConfig{Key: testKey, From: fmt.Sprintf("m%d", i), Node: "r"})
			if err != nil {
				if !strings.Contains(err.Error(), "superseded by a connection from m") {
					errs <- err
				}
				return
			}
			c.Close()
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("one of 100 connections at once: %v", err)
	}
	for _, line := range []string{"TLS handshake failed", "oversized message", "bad message"} {
		if !strings.Contains(s.logs.String(), line) {
			t.Errorf("no log line %q", line)
		}
	}
	// And it still serves.
	c := dialT(t, s.addr, DialConfig{})
	if err := c.Ping(ctxT(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
}

// Whatever bytes arrive, reading a message returns it or an error, never
// panics, and never takes a frame over MaxFrame.
func FuzzReadMsg(f *testing.F) {
	var b bytes.Buffer
	writeMsg(&b, Msg{Type: MsgExec, ID: 3, Op: &lrm.Op{Resource: "d", Agent: dummy, Action: "start", Params: map[string]string{"a": "b"}}})
	f.Add(b.Bytes())
	f.Add([]byte("\x00\x00\x00\x05{\"ty"))
	f.Add([]byte("\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m Msg
		err := readMsg(bytes.NewReader(data), &m)
		if err == nil && len(data) > MaxFrame+4 {
			t.Fatalf("took a message of %d bytes", len(data))
		}
	})
}
