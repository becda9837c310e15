package remote

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"pacer/lrm"
	"pacer/share/keytls"
	"pacer/share/protocol"
	"pacer/share/version"
)

// Purpose names the remote channel's identity in share/keytls.
const Purpose = "remote"

// ServerConfig sets up the executing end. Zero durations take the
// defaults given.
type ServerConfig struct {
	Key  []byte        // the cluster key
	Exec *lrm.Executor // runs the agents
	Log  *slog.Logger
	// Node is this node's name until a member says what the cluster calls
	// it (default: the host name).
	Node string
	// HandshakeTimeout bounds TLS and hello (10s): a connection that says
	// nothing is dropped.
	HandshakeTimeout time.Duration
	// IdleTimeout drops a connection that sends nothing for this long
	// (60s); members ping every few seconds.
	IdleTimeout time.Duration
	// Backlog caps the events kept while no member is connected (1000);
	// beyond it the oldest are dropped, with a log line.
	Backlog int
}

// Server is `pacerd remote`'s listener. One member holds the node's
// connection at a time: a new one supersedes the old (the connection
// resource moved), and what happened while none was connected is
// delivered to the next.
type Server struct {
	cfg ServerConfig
	tls *tls.Config
	log *slog.Logger
	ln  net.Listener

	// The owner goroutine (run) keeps the current session, the backlog
	// and the agent tools' calls in flight; the rest talks to it.
	attach chan *session
	detach chan *session
	events chan Msg
	api    chan apiCall
	reply  chan Msg
	name   chan chan string

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type apiCall struct {
	req  *protocol.Request
	resp chan *protocol.Response
}

// Listen starts serving on addr (":3121").
func Listen(addr string, cfg ServerConfig) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("remote listen on %s: %w", addr, err)
	}
	return Serve(ln, cfg)
}

// Serve serves on ln, which it closes when the server is closed.
func Serve(ln net.Listener, cfg ServerConfig) (*Server, error) {
	tc, err := keytls.Config(cfg.Key, Purpose)
	if err != nil {
		ln.Close()
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Node == "" {
		cfg.Node, _ = os.Hostname()
	}
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = 10 * time.Second
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 60 * time.Second
	}
	if cfg.Backlog <= 0 {
		cfg.Backlog = 1000
	}
	s := &Server{cfg: cfg, tls: tc, log: cfg.Log, ln: ln,
		attach: make(chan *session), detach: make(chan *session), events: make(chan Msg, 64),
		api: make(chan apiCall), reply: make(chan Msg, 16), name: make(chan chan string)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(2)
	go s.run()
	go s.accept()
	return s, nil
}

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Close stops listening and ends every connection; agents keep running
// (Exec's owner decides about them).
func (s *Server) Close() {
	s.cancel()
	s.ln.Close()
	s.wg.Wait()
}

// NodeName is the name the cluster calls this node (what crm_node -n
// answers agents): the one the last member's hello gave, else the
// configured one.
func (s *Server) NodeName() string {
	ch := make(chan string, 1)
	select {
	case s.name <- ch:
		return <-ch
	case <-s.ctx.Done():
		return s.cfg.Node
	}
}

// Handle answers a request of an agent tool on this node (the local
// socket's server.Handler): hello here, the rest by the member holding
// the connection, as its own socket would answer it.
func (s *Server) Handle(ctx context.Context, req *protocol.Request) *protocol.Response {
	if req.Op == protocol.OpHello {
		return &protocol.Response{Hello: &protocol.Hello{Protocol: protocol.Version, Version: version.String("pacerd remote"), Node: s.NodeName()}}
	}
	call := apiCall{req: req, resp: make(chan *protocol.Response, 1)}
	select {
	case s.api <- call:
	case <-ctx.Done():
		return &protocol.Response{Error: protocol.Errorf(protocol.CodeTimeout, "%v", ctx.Err())}
	case <-s.ctx.Done():
		return &protocol.Response{Error: protocol.Errorf(protocol.CodeUnavailable, "pacerd remote is stopping")}
	}
	select {
	case r := <-call.resp:
		return r
	case <-ctx.Done():
		return &protocol.Response{Error: protocol.Errorf(protocol.CodeTimeout, "%v", ctx.Err())}
	}
}

// Subscribe gives agent tools no events (server.Handler).
func (s *Server) Subscribe() (<-chan protocol.Event, func()) {
	ch := make(chan protocol.Event)
	return ch, func() {}
}

func (s *Server) run() {
	defer s.wg.Done()
	var cur *session
	var backlog []Msg
	name := s.cfg.Node
	pending := map[uint64]apiCall{}
	var apiSeq uint64
	deliver := func(m Msg) {
		if cur != nil && cur.send(m) {
			return
		}
		if len(backlog) >= s.cfg.Backlog {
			s.log.Warn("remote: no member connected for long; dropping the oldest event", "event", eventKey(backlog[0]))
			backlog = backlog[1:]
		}
		backlog = append(backlog, m)
	}
	failPending := func(why string) {
		for id, c := range pending {
			c.resp <- &protocol.Response{Error: protocol.Errorf(protocol.CodeUnavailable, "%s", why)}
			delete(pending, id)
		}
	}
	for {
		select {
		case ss := <-s.attach:
			if cur != nil {
				s.log.Info("remote: a new connection supersedes the old one", "old", cur.from, "new", ss.from)
				cur.end("superseded by a connection from " + ss.from)
				failPending("the connection to the cluster changed")
			}
			cur = ss
			if ss.node != "" {
				name = ss.node
			}
			cur.send(ss.hello)
			for _, m := range backlog {
				if !cur.send(m) {
					break
				}
			}
			backlog = nil
		case ss := <-s.detach:
			if cur == ss {
				cur = nil
				failPending("the connection to the cluster was lost")
			}
		case m := <-s.events:
			deliver(m)
		case c := <-s.api:
			if cur == nil {
				c.resp <- &protocol.Response{Error: protocol.Errorf(protocol.CodeUnavailable, "no cluster node is connected to this remote node")}
				continue
			}
			apiSeq++
			pending[apiSeq] = c
			if !cur.send(Msg{Type: MsgAPI, ID: apiSeq, Request: c.req}) {
				delete(pending, apiSeq)
				c.resp <- &protocol.Response{Error: protocol.Errorf(protocol.CodeUnavailable, "the connection to the cluster was lost")}
			}
		case m := <-s.reply:
			if c, ok := pending[m.ID]; ok {
				delete(pending, m.ID)
				r := m.Response
				if r == nil {
					r = &protocol.Response{Error: protocol.Errorf(protocol.CodeInternal, "empty answer from the cluster")}
				}
				c.resp <- r
			}
		case ch := <-s.name:
			ch <- name
		case <-s.ctx.Done():
			if cur != nil {
				cur.close()
			}
			failPending("pacerd remote is stopping")
			return
		}
	}
}

func eventKey(m Msg) string {
	if m.Result != nil {
		return m.Result.Key()
	}
	return m.Type
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.log.Error("remote: accept", "err", err)
			}
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(c)
		}()
	}
}

// session is one authenticated member connection. Only its writer
// goroutine writes to the connection.
type session struct {
	conn     net.Conn
	from     string
	node     string
	hello    Msg // the answer to its hello, sent first
	out      chan Msg
	done     chan struct{}
	doneOnce sync.Once
}

func (ss *session) close() {
	ss.doneOnce.Do(func() {
		close(ss.done)
		ss.conn.Close()
	})
}

// end tells the member why its session ends, after what is queued.
func (ss *session) end(why string) {
	if !ss.send(Msg{Type: MsgError, Error: why}) {
		ss.close()
	}
}

// endAndWait is end for the session's reader, which must not close the
// connection under the writer before the reason is out.
func (ss *session) endAndWait(why string) {
	ss.end(why)
	select {
	case <-ss.done:
	case <-time.After(time.Second):
	}
}

// send queues m; false when the session has ended. A member that reads
// too slowly to keep 256 messages moving loses its connection rather
// than stalling the node.
func (ss *session) send(m Msg) bool {
	select {
	case <-ss.done:
		return false
	default:
	}
	select {
	case ss.out <- m:
		return true
	case <-ss.done:
		return false
	default:
		ss.close()
		return false
	}
}

func (s *Server) serveConn(raw net.Conn) {
	peer := raw.RemoteAddr().String()
	tc := tls.Server(raw, s.tls)
	defer tc.Close()
	stop := context.AfterFunc(s.ctx, func() { tc.Close() })
	defer stop()
	tc.SetDeadline(time.Now().Add(s.cfg.HandshakeTimeout))
	if err := tc.Handshake(); err != nil {
		s.log.Warn("remote: connection refused: TLS handshake failed (wrong cluster key, or not a Pacer member?)", "peer", peer, "err", err)
		return
	}
	var hello Msg
	if err := readMsg(tc, &hello); err != nil || hello.Type != MsgHello || hello.Hello == nil {
		if err == nil {
			err = fmt.Errorf("first message is %q, not hello", hello.Type)
		}
		s.log.Warn("remote: connection dropped: no hello", "peer", peer, "err", err)
		writeMsg(tc, Msg{Type: MsgError, Error: "expected hello: " + err.Error()})
		return
	}
	if hello.Hello.Version != Version {
		s.log.Warn("remote: connection refused: protocol version", "peer", peer, "version", hello.Hello.Version)
		writeMsg(tc, Msg{Type: MsgError, Error: fmt.Sprintf("remote protocol version %d not supported (this node speaks %d)", hello.Hello.Version, Version)})
		return
	}
	ss := &session{conn: tc, from: hello.Hello.From, node: hello.Hello.Node, out: make(chan Msg, 256), done: make(chan struct{})}
	defer ss.close()
	name := ss.node
	if name == "" {
		name = s.NodeName()
	}
	ss.hello = Msg{Type: MsgHello, Hello: &Hello{Version: Version, Node: name,
		Recurring: s.cfg.Exec.Recurring(), Software: version.String("pacerd remote")}}
	tc.SetDeadline(time.Time{})
	go func() {
		for {
			select {
			case m := <-ss.out:
				tc.SetWriteDeadline(time.Now().Add(s.cfg.IdleTimeout))
				if err := writeMsg(tc, m); err != nil {
					s.log.Warn("remote: write to the cluster node failed", "peer", peer, "err", err)
					ss.close()
					return
				}
				if m.Type == MsgError && m.ID == 0 {
					ss.close() // the end of the session, said
					return
				}
			case <-ss.done:
				return
			}
		}
	}()
	// Attached first, answered then: once the member has the answer, the
	// agent tools' requests already go to it.
	select {
	case s.attach <- ss:
	case <-s.ctx.Done():
		return
	}
	defer func() {
		select {
		case s.detach <- ss:
		case <-s.ctx.Done():
		}
	}()
	s.log.Info("remote: cluster node connected", "peer", peer, "from", ss.from, "as", name)

	for {
		tc.SetReadDeadline(time.Now().Add(s.cfg.IdleTimeout))
		var m Msg
		err := readMsg(tc, &m)
		var jerr *json.SyntaxError
		var terr *json.UnmarshalTypeError
		switch {
		case err == nil:
		case errors.As(err, &jerr) || errors.As(err, &terr):
			// An authenticated peer that speaks garbage is broken: say
			// why, and drop it rather than guess.
			s.log.Warn("remote: bad message from the cluster node; connection dropped", "peer", peer, "err", err)
			ss.endAndWait(err.Error())
			return
		case errors.Is(err, protocol.ErrFrameTooLarge):
			s.log.Warn("remote: oversized message from the cluster node; connection dropped", "peer", peer, "err", err)
			ss.endAndWait(err.Error())
			return
		case errors.Is(err, io.EOF):
			s.log.Info("remote: cluster node disconnected", "peer", peer)
			return
		default:
			select {
			case <-ss.done:
				s.log.Info("remote: connection closed", "peer", peer)
			default:
				s.log.Warn("remote: connection lost", "peer", peer, "err", err)
			}
			return
		}
		s.handle(ss, m)
	}
}

// handle acts on one request. Operations run on their own goroutines:
// one slow agent must not hold up pings or other resources.
func (s *Server) handle(ss *session, m Msg) {
	answer := func(r Msg) {
		r.ID = m.ID
		ss.send(r)
	}
	fail := func(format string, args ...any) { answer(Msg{Type: MsgError, Error: fmt.Sprintf(format, args...)}) }
	switch m.Type {
	case MsgPing:
		answer(Msg{Type: MsgPong})
	case MsgExec:
		if m.Op == nil {
			fail("exec without op")
			return
		}
		op := *m.Op
		go func() {
			r := s.cfg.Exec.Exec(s.ctx, op)
			// Finished after the member went away: the next one hears
			// of it as an event.
			if !ss.send(Msg{Type: MsgResult, ID: m.ID, Result: &r}) {
				s.toEvents(Msg{Type: MsgEvent, Result: &r})
			}
		}()
	case MsgRecurring:
		if m.Op == nil || m.Op.Interval <= 0 {
			fail("recurring needs an op with an interval")
			return
		}
		first := make(chan lrm.Result, 1)
		var once sync.Once
		err := s.cfg.Exec.StartRecurring(*m.Op, func(r lrm.Result) {
			sent := false
			once.Do(func() { first <- r; sent = true })
			if !sent {
				s.toEvents(Msg{Type: MsgEvent, Result: &r})
			}
		})
		if err != nil {
			fail("%v", err)
			return
		}
		go func() {
			select {
			case r := <-first:
				if !ss.send(Msg{Type: MsgResult, ID: m.ID, Result: &r}) {
					s.toEvents(Msg{Type: MsgEvent, Result: &r})
				}
			case <-s.ctx.Done():
			}
		}()
	case MsgCancel:
		s.cfg.Exec.Cancel(m.Resource, m.Interval)
		answer(Msg{Type: MsgOK})
	case MsgCancelAll:
		s.cfg.Exec.CancelAll(m.Resource)
		answer(Msg{Type: MsgOK})
	case MsgForget:
		s.cfg.Exec.CancelAll(m.Resource)
		s.cfg.Exec.Forget(m.Resource)
		answer(Msg{Type: MsgOK})
	case MsgAPIReply:
		select {
		case s.reply <- m:
		case <-s.ctx.Done():
		}
	default:
		s.log.Warn("remote: unknown request from the cluster node, ignored", "type", m.Type)
		fail("unknown message type %q", m.Type)
	}
}

func (s *Server) toEvents(m Msg) {
	select {
	case s.events <- m:
	case <-s.ctx.Done():
	}
}

func writeMsg(w io.Writer, m Msg) error { return protocol.WriteFrame(w, &m) }

func readMsg(r io.Reader, m *Msg) error {
	n, err := protocol.ReadFrameHeader(r, MaxFrame)
	if err != nil {
		return err
	}
	return protocol.ReadFrameBody(r, n, m)
}
