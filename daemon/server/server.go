// Package server is pacerd's Unix-socket endpoint: framing, peer
// credentials and one goroutine per connection. What requests mean is the
// Handler's business. A client that sends garbage or an oversized frame gets
// an error and loses its connection; the daemon and other clients carry on.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	osuser "os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"pacer/share/protocol"
)

// Handler answers requests.
type Handler interface {
	// Handle answers one request (never nil).
	Handle(ctx context.Context, req *protocol.Request) *protocol.Response
	// Subscribe returns a channel of events and a function to stop them.
	Subscribe() (<-chan protocol.Event, func())
}

// Group is the group whose members may use the socket besides root.
const Group = "haclient"

// Server listens on one socket.
type Server struct {
	ln      *net.UnixListener
	h       Handler
	log     *slog.Logger
	gid     int // haclient's gid, -1 when the group does not exist
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]bool
	ctx     context.Context
	cancel  context.CancelFunc
	MaxSize int // frame limit; protocol.MaxFrame when 0
	budget  *budget
}

// Listen creates the socket at path (mode 0660, group haclient when that
// group exists), replacing a stale one.
func Listen(path string, h Handler, log *slog.Logger) (*Server, error) {
	dir := filepath.Dir(path)
	_, statErr := os.Stat(dir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	gid := -1
	if g, err := osuser.LookupGroup(Group); err == nil {
		gid, _ = strconv.Atoi(g.Gid)
	}
	if errors.Is(statErr, fs.ErrNotExist) && gid >= 0 {
		// A directory made here (/run/pacer) must let haclient reach the
		// socket; one that existed is the admin's to set.
		if err := os.Chown(dir, -1, gid); err != nil {
			return nil, fmt.Errorf("socket directory %s: %w", dir, err)
		}
	}
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return nil, fmt.Errorf("socket %s: another pacerd is listening there", path)
	}
	os.Remove(path)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	s := &Server{ln: ln, h: h, log: log, gid: gid, conns: map[net.Conn]bool{}, budget: newBudget(defaultBudget, budgetWait)}
	if gid >= 0 {
		_ = os.Chown(path, -1, gid)
	}
	if err := os.Chmod(path, 0o660); err != nil {
		ln.Close()
		return nil, fmt.Errorf("socket %s: %w", path, err)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Close stops listening and drops every connection.
func (s *Server) Close() {
	s.cancel()
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				s.log.Error("accept", "err", err)
			}
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.serve(c)
		}()
	}
}

// allowed checks peer credentials: root, our own user, or a member of
// haclient (primary or supplementary group).
func (s *Server) allowed(c *net.UnixConn) (who, user string, ok bool) {
	raw, err := c.SyscallConn()
	if err != nil {
		return "?", "", false
	}
	var cred *unix.Ucred
	var cerr error
	_ = raw.Control(func(fd uintptr) { cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED) })
	if cerr != nil || cred == nil {
		return "?", "", false
	}
	who = fmt.Sprintf("uid=%d pid=%d", cred.Uid, cred.Pid)
	u, uerr := osuser.LookupId(strconv.Itoa(int(cred.Uid)))
	user = strconv.Itoa(int(cred.Uid))
	if uerr == nil {
		user = u.Username
	}
	if cred.Uid == 0 || int(cred.Uid) == os.Geteuid() {
		return who, user, true
	}
	if s.gid < 0 {
		return who, user, false
	}
	if int(cred.Gid) == s.gid {
		return who, user, true
	}
	if uerr != nil {
		return who, user, false
	}
	gids, _ := u.GroupIds()
	return who, user, slices.Contains(gids, strconv.Itoa(s.gid))
}

func (s *Server) serve(c *net.UnixConn) {
	who, user, ok := s.allowed(c)
	if !ok {
		s.log.Warn("socket client refused", "peer", who)
		s.refuse(c, protocol.Errorf(protocol.CodeDenied,
			"%s may not use pacerd: only root and members of group %s", who, Group))
		return
	}
	for {
		var req protocol.Request
		n, err := protocol.ReadFrameHeader(c, s.MaxSize)
		var release func()
		if err == nil {
			if release, err = s.reserve(n); err != nil {
				s.log.Warn("socket client request refused: no room", "peer", who, "bytes", n)
				// Skip the body: the stream stays in step, and the client
				// can try again once others are done.
				if _, derr := io.CopyN(io.Discard, c, int64(n)); derr != nil {
					return
				}
				if protocol.WriteFrame(c, &protocol.Response{Error: protocol.Errorf(protocol.CodeBusy, "%v", err)}) != nil {
					return
				}
				continue
			}
			err = protocol.ReadFrameBody(c, n, &req)
			if err != nil {
				release()
			}
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed):
			return
		case errors.Is(err, protocol.ErrFrameTooLarge):
			s.log.Warn("socket client sent an oversized frame", "peer", who, "err", err)
			protocol.WriteFrame(c, &protocol.Response{Error: protocol.Errorf(protocol.CodeTooLarge, "%v", err)})
			return
		case errors.Is(err, io.ErrUnexpectedEOF):
			return
		default:
			// The frame was read whole, only its JSON is bad: the stream is
			// still in step, so the connection may go on.
			s.log.Debug("bad frame", "peer", who, "err", err)
			if protocol.WriteFrame(c, &protocol.Response{Error: protocol.Errorf(protocol.CodeBadRequest, "%v", err)}) != nil {
				return
			}
			continue
		}
		if req.V > protocol.Version {
			release()
			protocol.WriteFrame(c, &protocol.Response{ID: req.ID, Error: protocol.Errorf(protocol.CodeVersion,
				"protocol version %d not supported (pacerd speaks %d)", req.V, protocol.Version)})
			continue
		}
		if req.Op == protocol.OpSubscribe {
			release()
			s.stream(c, req.ID)
			return
		}
		req.User = user
		resp := s.h.Handle(s.ctx, &req)
		resp.ID = req.ID
		// What a request costs (its frame, the decoded strings, what the
		// handler parses from them) lives until it is answered.
		req = protocol.Request{}
		release()
		if err := protocol.WriteFrame(c, resp); err != nil {
			return
		}
	}
}

// refuse answers the client's first request with e and ends the
// connection. The request is read first, and what follows drained for a
// moment: a Unix socket closed with unread data resets its peer, which
// would then see "connection reset by peer" instead of the reason.
func (s *Server) refuse(c *net.UnixConn, e *protocol.Error) {
	c.SetReadDeadline(time.Now().Add(refuseWait))
	var req protocol.Request
	_ = protocol.ReadFrame(c, &req, refuseFrame)
	protocol.WriteFrame(c, &protocol.Response{ID: req.ID, Error: e})
	c.CloseWrite()
	io.Copy(io.Discard, io.LimitReader(c, protocol.MaxFrame+4))
}

// A refused client's first request is read only this far and this long.
const (
	refuseFrame = 64 << 10
	refuseWait  = 2 * time.Second
)

func (s *Server) stream(c net.Conn, id uint64) {
	ch, stop := s.h.Subscribe()
	defer stop()
	if protocol.WriteFrame(c, &protocol.Response{ID: id}) != nil {
		return
	}
	// Notice the client going away even when no events flow.
	gone := make(chan struct{})
	go func() {
		var b [1]byte
		for {
			if _, err := c.Read(b[:]); err != nil {
				close(gone)
				return
			}
		}
	}()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return
			}
			if protocol.WriteFrame(c, &protocol.Response{ID: id, Event: &ev}) != nil {
				return
			}
		case <-gone:
			return
		case <-s.ctx.Done():
			return
		}
	}
}
