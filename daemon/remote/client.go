package remote

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"pacer/lrm"
	"pacer/share/keytls"
	"pacer/share/protocol"
)

// DialConfig sets up the member's end of a connection.
type DialConfig struct {
	Key  []byte // the cluster key
	From string // this member's name
	Node string // the remote node's name in the CIB
	// OnEvent hears the remote's unasked results: changes seen by
	// recurring monitors, and operations that finished while no member
	// was connected. It runs on the connection's reader: it must not
	// block for long.
	OnEvent func(lrm.Result)
	// API answers the agent tools of the remote node (crm_attribute and
	// friends) as this member's own socket would; nil refuses them.
	API func(ctx context.Context, req *protocol.Request) *protocol.Response
}

// Conn is a member's connection to a remote node.
type Conn struct {
	cfg   DialConfig
	conn  *tls.Conn
	hello Hello

	wmu sync.Mutex // one writer at a time

	mu      sync.Mutex
	seq     uint64
	pending map[uint64]chan Msg
	closed  bool // the reader has ended: no more answers

	done chan struct{}
	err  error // why the connection ended, set before done closes
}

// ErrClosed is what calls on an ended connection return (wrapped).
var ErrClosed = errors.New("connection to the remote node closed")

// Dial connects to a remote node at addr ("host:3121") and exchanges
// hellos.
func Dial(ctx context.Context, addr string, cfg DialConfig) (*Conn, error) {
	tc, err := keytls.Config(cfg.Key, Purpose)
	if err != nil {
		return nil, err
	}
	d := tls.Dialer{Config: tc}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to remote node %s at %s: %w", cfg.Node, addr, err)
	}
	conn := raw.(*tls.Conn)
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if err := writeMsg(conn, Msg{Type: MsgHello, Hello: &Hello{Version: Version, From: cfg.From, Node: cfg.Node}}); err != nil {
		conn.Close()
		return nil, fmt.Errorf("remote node %s: hello: %w", cfg.Node, err)
	}
	var m Msg
	if err := readMsg(conn, &m); err != nil {
		conn.Close()
		return nil, fmt.Errorf("remote node %s: hello: %w (wrong cluster key?)", cfg.Node, err)
	}
	if m.Type == MsgError {
		conn.Close()
		return nil, fmt.Errorf("remote node %s refused the connection: %s", cfg.Node, m.Error)
	}
	if m.Type != MsgHello || m.Hello == nil {
		conn.Close()
		return nil, fmt.Errorf("remote node %s: answered %q to hello", cfg.Node, m.Type)
	}
	conn.SetDeadline(time.Time{})
	c := &Conn{cfg: cfg, conn: conn, hello: *m.Hello, pending: map[uint64]chan Msg{}, done: make(chan struct{})}
	go c.read()
	return c, nil
}

// Hello is what the remote said of itself: its name and the recurring
// monitors still running there.
func (c *Conn) Hello() Hello { return c.hello }

// Done is closed when the connection ends; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is why the connection ended (nil while it lives).
func (c *Conn) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Close ends the connection.
func (c *Conn) Close() error {
	c.conn.Close()
	<-c.done
	return nil
}

func (c *Conn) read() {
	var err error
	defer func() {
		c.mu.Lock()
		c.err = fmt.Errorf("%w: %v", ErrClosed, err)
		c.closed = true
		for id, ch := range c.pending {
			close(ch)
			delete(c.pending, id)
		}
		c.mu.Unlock()
		close(c.done)
	}()
	for {
		var m Msg
		if err = readMsg(c.conn, &m); err != nil {
			return
		}
		switch {
		case m.Type == MsgEvent && m.Result != nil:
			if c.cfg.OnEvent != nil {
				c.cfg.OnEvent(*m.Result)
			}
		case m.Type == MsgAPI && m.Request != nil:
			go c.answerAPI(m)
		case m.Type == MsgError && m.ID == 0:
			err = fmt.Errorf("the remote node ended the connection: %s", m.Error)
			return
		default:
			c.mu.Lock()
			ch := c.pending[m.ID]
			delete(c.pending, m.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		}
	}
}

func (c *Conn) answerAPI(m Msg) {
	var r *protocol.Response
	if c.cfg.API == nil {
		r = &protocol.Response{Error: protocol.Errorf(protocol.CodeUnavailable, "this cluster node answers no agent tools")}
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		r = c.cfg.API(ctx, m.Request)
		cancel()
	}
	c.send(Msg{Type: MsgAPIReply, ID: m.ID, Response: r})
}

func (c *Conn) send(m Msg) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	return writeMsg(c.conn, m)
}

// call sends a request and waits for its answer.
func (c *Conn) call(ctx context.Context, m Msg) (Msg, error) {
	ch := make(chan Msg, 1)
	c.mu.Lock()
	if c.closed {
		err := c.err
		c.mu.Unlock()
		return Msg{}, err
	}
	c.seq++
	m.ID = c.seq
	c.pending[m.ID] = ch
	c.mu.Unlock()
	if err := c.send(m); err != nil {
		c.mu.Lock()
		delete(c.pending, m.ID)
		c.mu.Unlock()
		return Msg{}, fmt.Errorf("remote node %s: %s: %w", c.cfg.Node, m.Type, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			c.mu.Lock()
			defer c.mu.Unlock()
			return Msg{}, c.err
		}
		if r.Type == MsgError {
			return r, fmt.Errorf("remote node %s: %s: %s", c.cfg.Node, m.Type, r.Error)
		}
		return r, nil
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, m.ID)
		c.mu.Unlock()
		return Msg{}, fmt.Errorf("remote node %s: %s: %w", c.cfg.Node, m.Type, ctx.Err())
	}
}

// Exec runs op on the remote node and returns its result. When the
// connection is lost first, the error says so and the result comes, once
// it is known, to the next connection's OnEvent.
func (c *Conn) Exec(ctx context.Context, op lrm.Op) (lrm.Result, error) {
	r, err := c.call(ctx, Msg{Type: MsgExec, Op: &op})
	if err != nil {
		return lrm.Result{}, err
	}
	if r.Result == nil {
		return lrm.Result{}, fmt.Errorf("remote node %s: exec answered without a result", c.cfg.Node)
	}
	return *r.Result, nil
}

// StartRecurring starts a recurring monitor there and returns its first
// result; later changes come to OnEvent.
func (c *Conn) StartRecurring(ctx context.Context, op lrm.Op) (lrm.Result, error) {
	r, err := c.call(ctx, Msg{Type: MsgRecurring, Op: &op})
	if err != nil {
		return lrm.Result{}, err
	}
	if r.Result == nil {
		return lrm.Result{}, fmt.Errorf("remote node %s: recurring answered without a result", c.cfg.Node)
	}
	return *r.Result, nil
}

// Cancel stops a recurring monitor there.
func (c *Conn) Cancel(ctx context.Context, rsc string, interval time.Duration) error {
	_, err := c.call(ctx, Msg{Type: MsgCancel, Resource: rsc, Interval: interval})
	return err
}

// CancelAll stops every recurring operation of rsc there.
func (c *Conn) CancelAll(ctx context.Context, rsc string) error {
	_, err := c.call(ctx, Msg{Type: MsgCancelAll, Resource: rsc})
	return err
}

// Forget drops rsc's history there (cleanup).
func (c *Conn) Forget(ctx context.Context, rsc string) error {
	_, err := c.call(ctx, Msg{Type: MsgForget, Resource: rsc})
	return err
}

// Ping checks that the remote node answers: the connection resource's
// monitor.
func (c *Conn) Ping(ctx context.Context) error {
	_, err := c.call(ctx, Msg{Type: MsgPing})
	return err
}

// Addr is the remote node's address.
func (c *Conn) Addr() net.Addr { return c.conn.RemoteAddr() }
