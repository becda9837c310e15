// Package client talks to pacerd over its Unix socket. The shell, the
// monitor and scripts reach the daemon only through it.
//
// A Client is safe for concurrent use; requests on one Client are sent one
// at a time over one connection. Subscribe opens a connection of its own.
package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"pacer/share/cib"
	"pacer/share/clusterview"
	"pacer/share/protocol"
	"pacer/share/xmltree"
)

// DefaultSocket is where pacerd listens unless told otherwise.
const DefaultSocket = "/run/pacer/pacerd.sock"

// SocketPath is $PACER_SOCKET, else DefaultSocket.
func SocketPath() string {
	if p := os.Getenv("PACER_SOCKET"); p != "" {
		return p
	}
	return DefaultSocket
}

// Version is a CIB version (admin_epoch, epoch, num_updates).
type Version = cib.Version

// Errors by code; test with errors.Is(err, client.ErrStale).
var (
	// ErrStale: the base version given with a write is older than the
	// configuration; re-read, recompute, retry.
	ErrStale = &protocol.Error{Code: protocol.CodeStale}
	// ErrNoQuorum: configuration change refused in a partition without
	// quorum (retry with Force if you know what you do).
	ErrNoQuorum = &protocol.Error{Code: protocol.CodeNoQuorum}
	// ErrUnavailable: no DC right now (election in progress).
	ErrUnavailable = &protocol.Error{Code: protocol.CodeUnavailable}
	ErrInvalid     = &protocol.Error{Code: protocol.CodeInvalid}
	ErrNotFound    = &protocol.Error{Code: protocol.CodeNotFound}
)

// StaleError is returned (wrapped in errors.As form) when a write is refused
// because the configuration changed since Base.
type StaleError struct {
	Base, Current Version
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("cib changed since version %s (now %s): re-read and retry", e.Base, e.Current)
}

// Is makes errors.Is(err, ErrStale) true for a StaleError.
func (e *StaleError) Is(target error) bool {
	t, ok := target.(*protocol.Error)
	return ok && t.Code == protocol.CodeStale && t.Message == ""
}

// Client is a connection to pacerd.
type Client struct {
	path string
	mu   sync.Mutex
	conn net.Conn
	seq  uint64
	// Name goes into update-client of CIB changes (default "pacer").
	Name string
}

// Dial connects to the daemon's socket at path (SocketPath() when "").
func Dial(path string) (*Client, error) {
	if path == "" {
		path = SocketPath()
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		return nil, fmt.Errorf("connect to pacerd at %s: %w (is pacerd running? set PACER_SOCKET)", path, err)
	}
	return &Client{path: path, conn: conn, Name: "pacer"}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Path is the socket the client is connected to.
func (c *Client) Path() string { return c.path }

// Do sends a raw request and returns the response; the typed methods below
// are built on it. A protocol-level failure closes the connection.
func (c *Client) Do(ctx context.Context, req protocol.Request) (*protocol.Response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	req.ID = c.seq
	req.V = protocol.Version
	if req.Client == "" {
		req.Client = c.Name
	}
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(time.Now()) })
	defer stop()
	if err := protocol.WriteFrame(c.conn, &req); err != nil {
		if e := c.refusal(); e != nil {
			return nil, e
		}
		return nil, c.ctxErr(ctx, fmt.Errorf("send %s: %w", req.Op, err))
	}
	var resp protocol.Response
	for {
		if err := protocol.ReadFrame(c.conn, &resp, 0); err != nil {
			return nil, c.ctxErr(ctx, fmt.Errorf("%s: read reply: %w", req.Op, err))
		}
		// ID 0 answers no request: pacerd refusing the connection
		// before it read one (denied, too large).
		if resp.ID == req.ID || (resp.ID == 0 && resp.Error != nil) {
			break
		}
	}
	if resp.Error != nil {
		return &resp, resp.Error
	}
	return &resp, nil
}

// refusal reads the reason pacerd gave before it closed the connection
// under a request that could not be sent whole (a refused user, a frame
// too large), if it gave one.
func (c *Client) refusal() *protocol.Error {
	c.conn.SetReadDeadline(time.Now().Add(time.Second))
	defer c.conn.SetReadDeadline(time.Time{})
	var resp protocol.Response
	if protocol.ReadFrame(c.conn, &resp, 0) != nil {
		return nil
	}
	return resp.Error
}

func (c *Client) ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		// The deadline tripped mid-frame; the stream is out of step.
		c.conn.Close()
		if conn, derr := net.Dial("unix", c.path); derr == nil {
			c.conn = conn
		}
		return ctx.Err()
	}
	return err
}

// Hello returns who the daemon is.
func (c *Client) Hello(ctx context.Context) (*protocol.Hello, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpHello})
	if err != nil {
		return nil, err
	}
	return r.Hello, nil
}

// GetCIB returns the whole CIB.
func (c *Client) GetCIB(ctx context.Context) (*xmltree.Document, error) {
	return c.GetSection(ctx, "")
}

// GetSection returns one part of the CIB ("configuration", "status",
// "resources", ...) as a document whose root is that element.
func (c *Client) GetSection(ctx context.Context, section string) (*xmltree.Document, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpGetCIB, Section: section})
	if err != nil {
		return nil, err
	}
	doc, err := xmltree.ParseString(r.XML)
	if err != nil {
		return nil, fmt.Errorf("cib from pacerd: %w", err)
	}
	return doc, nil
}

// CIBVersion reads the version of a CIB document returned by GetCIB.
func CIBVersion(doc *xmltree.Document) (Version, error) { return cib.ReadVersion(doc.Root) }

func (c *Client) write(ctx context.Context, req protocol.Request) (Version, error) {
	r, err := c.Do(ctx, req)
	if err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) && pe.Code == protocol.CodeStale {
			base, _ := cib.ParseVersion(req.Base)
			cur, _ := cib.ParseVersion(pe.Current)
			return Version{}, &StaleError{Base: base, Current: cur}
		}
		return Version{}, err
	}
	return cib.ParseVersion(r.CIBVersion)
}

// ReplaceConfiguration replaces the configuration section with cfg (a
// <configuration> element) and returns the new version once the change is
// on the DC's disk. base is the version the caller read: if the
// configuration changed since, the write is refused with a *StaleError
// (errors.Is(err, ErrStale)). A zero base writes unconditionally.
func (c *Client) ReplaceConfiguration(ctx context.Context, cfg *xmltree.Element, base Version) (Version, error) {
	return c.ReplaceConfigurationOpts(ctx, cfg, base, false)
}

// ReplaceConfigurationOpts is ReplaceConfiguration with force: apply even in
// a partition without quorum.
func (c *Client) ReplaceConfigurationOpts(ctx context.Context, cfg *xmltree.Element, base Version, force bool) (Version, error) {
	req := protocol.Request{Op: protocol.OpReplaceConfiguration, XML: cfg.String(), Force: force}
	if base != (Version{}) {
		req.Base = base.String()
	}
	return c.write(ctx, req)
}

// ReplaceCIB replaces the whole CIB (cibadmin --replace). Its version must
// be newer than the cluster's or it is refused as stale.
func (c *Client) ReplaceCIB(ctx context.Context, doc *xmltree.Document, force bool) (Version, error) {
	return c.write(ctx, protocol.Request{Op: protocol.OpReplaceCIB, XML: string(doc.Bytes(xmltree.WriteOptions{})), Force: force})
}

// SetNodeAttr sets a node attribute. lifetime is protocol.LifetimeReboot
// (transient, status section) or protocol.LifetimeForever (nodes section,
// e.g. standby=on).
func (c *Client) SetNodeAttr(ctx context.Context, node, name, value, lifetime string) (Version, error) {
	return c.write(ctx, protocol.Request{Op: protocol.OpSetNodeAttr, Node: node, Name: name, Value: value, Lifetime: lifetime})
}

// DeleteNodeAttr removes a node attribute; removing one that is not set is
// not an error.
func (c *Client) DeleteNodeAttr(ctx context.Context, node, name, lifetime string) (Version, error) {
	return c.write(ctx, protocol.Request{Op: protocol.OpDeleteNodeAttr, Node: node, Name: name, Lifetime: lifetime})
}

// Cleanup forgets the operation history and fail counts of rsc on node
// (either empty for all), so the cluster re-probes (crm_resource --cleanup).
func (c *Client) Cleanup(ctx context.Context, rsc, node string) (Version, error) {
	return c.write(ctx, protocol.Request{Op: protocol.OpCleanup, Resource: rsc, Node: node})
}

// Status returns the cluster status as the monitor shows it.
func (c *Client) Status(ctx context.Context) (*clusterview.Snapshot, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpStatus})
	if err != nil {
		return nil, err
	}
	if r.Status == nil {
		return nil, errors.New("pacerd sent no status")
	}
	return r.Status, nil
}

// Members lists the configured nodes and whether each is online.
func (c *Client) Members(ctx context.Context) ([]protocol.Member, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpMembers})
	if err != nil {
		return nil, err
	}
	return r.Members, nil
}

// LRMExec runs one agent action on node ("" = the node of this daemon)
// directly, outside the cluster's control.
func (c *Client) LRMExec(ctx context.Context, node string, op protocol.LRMRequest) (*protocol.LRMResult, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpLRMExec, Node: node, LRM: &op, TimeoutMS: deadlineMS(ctx)})
	if err != nil {
		return nil, err
	}
	return r.LRMResult, nil
}

// Fence fences node with action "reboot", "off" or "on" ("" = the
// cluster's fencing-action) and returns the history record once done (an
// error when fencing failed).
func (c *Client) Fence(ctx context.Context, node, action string) (*clusterview.FencingEvent, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpFence, Node: node, Action: action, TimeoutMS: deadlineMS(ctx)})
	if err != nil {
		return nil, err
	}
	return r.Fencing, nil
}

// FenceHistory returns the fencing history, newest first.
func (c *Client) FenceHistory(ctx context.Context) ([]clusterview.FencingEvent, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpFenceHistory})
	if err != nil {
		return nil, err
	}
	return r.FenceHistory, nil
}

// FenceDevices lists the configured fencing devices and the nodes each can
// fence, as the connected node's fencer sees them (it may run the agents'
// list or status action to find out).
func (c *Client) FenceDevices(ctx context.Context) ([]protocol.FenceDevice, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpFenceDevices, TimeoutMS: deadlineMS(ctx)})
	if err != nil {
		return nil, err
	}
	if r.FenceDevices == nil {
		return []protocol.FenceDevice{}, nil
	}
	return r.FenceDevices, nil
}

// ConfirmFenced records an admin's manual confirmation that node is down
// (powered off by hand) in the cluster's fencing history, so that the
// cluster treats it as fenced and may recover its resources. The daemon
// refuses it for itself and for any current member (ErrInvalid) and for an
// unknown node (ErrNotFound). Only call it when the node is really down.
func (c *Client) ConfirmFenced(ctx context.Context, node string) (*clusterview.FencingEvent, error) {
	r, err := c.Do(ctx, protocol.Request{Op: protocol.OpFenceConfirm, Node: node})
	if err != nil {
		return nil, err
	}
	return r.Fencing, nil
}

// RemoveNode forgets node's state (crm_node -R): its entry in the nodes
// section and its status. The daemon refuses it for a current member
// (ErrInvalid) and for an unknown node (ErrNotFound). A node still listed
// in pacer.conf is added back, without state, when a DC takes over.
func (c *Client) RemoveNode(ctx context.Context, node string) (Version, error) {
	return c.write(ctx, protocol.Request{Op: protocol.OpRemoveNode, Node: node})
}

// WaitIdle returns once the DC has no transition pending and nothing left
// to do (crm_resource --wait, the shell's -w).
func (c *Client) WaitIdle(ctx context.Context) error {
	_, err := c.Do(ctx, protocol.Request{Op: protocol.OpWaitIdle, TimeoutMS: deadlineMS(ctx)})
	return err
}

func deadlineMS(ctx context.Context) int64 {
	if d, ok := ctx.Deadline(); ok {
		return max(time.Until(d).Milliseconds(), 1)
	}
	return 0
}

// Subscribe streams live events (CIB changes, node changes, actions started
// and finished, fencing, DC and quorum changes) until ctx ends or the daemon
// goes away; then the channel is closed. It uses a connection of its own.
func (c *Client) Subscribe(ctx context.Context) (<-chan protocol.Event, error) {
	conn, err := net.Dial("unix", c.path)
	if err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	req := protocol.Request{V: protocol.Version, ID: 1, Op: protocol.OpSubscribe, Client: c.Name}
	if err := protocol.WriteFrame(conn, &req); err != nil {
		conn.Close()
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	var first protocol.Response
	if err := protocol.ReadFrame(conn, &first, 0); err != nil {
		conn.Close()
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	if first.Error != nil {
		conn.Close()
		return nil, first.Error
	}
	ch := make(chan protocol.Event, 256)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	go func() {
		defer close(ch)
		defer stop()
		defer conn.Close()
		for {
			var r protocol.Response
			if err := protocol.ReadFrame(conn, &r, 0); err != nil {
				return
			}
			if r.Event == nil {
				continue
			}
			select {
			case ch <- *r.Event:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}
