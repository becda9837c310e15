// Package protocol is the wire protocol between pacerd and its clients (the
// shell, the monitor, scripts) over the daemon's Unix socket. It is
// documented for humans in docs/protocol.md; this package is the reference.
//
// Every message is a frame: a 4-byte big-endian length followed by that many
// bytes of JSON. A client sends Requests; the daemon answers each with one
// Response carrying the same ID, in order. A subscription turns the
// connection into a stream of Responses that carry Events.
//
// Compatibility rule: fields and operations are only added, never renamed or
// removed; an unknown operation gets an error with code CodeBadRequest.
package protocol

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"pacer/share/clusterview"
)

// Version is the protocol version a request carries in V. The daemon
// refuses requests with a newer major version than its own.
const Version = 1

// MaxFrame caps one frame (64 MiB: a CIB with thousands of resources and
// their history fits many times over). A larger frame costs the sender its
// connection, never the daemon.
const MaxFrame = 64 << 20

// Operations.
const (
	OpHello                = "hello"                 // -> Hello
	OpGetCIB               = "get_cib"               // Section -> XML, CIBVersion
	OpReplaceConfiguration = "replace_configuration" // XML (a <configuration>), Base, Force -> CIBVersion
	OpReplaceCIB           = "replace_cib"           // XML (a whole <cib>; admin_epoch must be raised to win), Force -> CIBVersion
	OpSetNodeAttr          = "set_node_attr"         // Node, Name, Value, Lifetime -> CIBVersion
	OpDeleteNodeAttr       = "delete_node_attr"      // Node, Name, Lifetime -> CIBVersion
	OpCleanup              = "cleanup"               // Resource ("" all), Node ("" all) -> CIBVersion
	OpStatus               = "status"                // -> Status
	OpSubscribe            = "subscribe"             // -> stream of Event responses
	OpLRMExec              = "lrm_exec"              // Node, LRM -> LRMResult
	OpFence                = "fence"                 // Node, Action ("" = fencing-action) -> Fencing
	OpFenceHistory         = "fence_history"         // -> FenceHistory
	OpWaitIdle             = "wait_idle"             // -> when the DC has no transition pending
	OpMembers              = "members"               // -> Members
	OpFenceDevices         = "fence_devices"         // -> FenceDevices
	OpFenceConfirm         = "fence_confirm"         // Node -> Fencing: manual confirmation that Node is down
	OpRemoveNode           = "remove_node"           // Node -> CIBVersion: forget a node that is not a member (crm_node -R)
)

// Lifetimes of a node attribute (crm_attribute --lifetime).
const (
	LifetimeReboot  = "reboot"  // transient: status section, gone when the node leaves
	LifetimeForever = "forever" // permanent: nodes section of the configuration
)

// Request is one client request. Which fields matter depends on Op.
type Request struct {
	V  int    `json:"v"`
	ID uint64 `json:"id"`
	Op string `json:"op"`

	// Section limits get_cib to one part: "configuration", "status",
	// "nodes", "resources", "constraints", "crm_config", "rsc_defaults",
	// "op_defaults", "fencing-topology"; empty means the whole CIB.
	Section string `json:"section,omitempty"`
	// XML is the new configuration or CIB for replace operations.
	XML string `json:"xml,omitempty"`
	// Base is the CIB version ("admin_epoch.epoch.num_updates") the writer
	// read before computing its change. When set, the change is refused with
	// CodeStale if the configuration changed since (admin_epoch or epoch
	// differ): no lost updates. Empty means unconditional.
	Base string `json:"base,omitempty"`
	// Force applies a configuration change in a partition without quorum.
	Force bool `json:"force,omitempty"`

	Node     string `json:"node,omitempty"`
	Name     string `json:"name,omitempty"`
	Value    string `json:"value,omitempty"`
	Lifetime string `json:"lifetime,omitempty"`
	Resource string `json:"resource,omitempty"`
	// Action is the fencing action: "reboot", "off" or "on"; empty means
	// the cluster's fencing-action (stonith-action), reboot by default.
	Action string      `json:"action,omitempty"`
	LRM    *LRMRequest `json:"lrm,omitempty"`
	// Client names the program for update-client in the CIB ("pacer").
	Client string `json:"client,omitempty"`
	// User is filled in by the daemon from the peer credentials (update-user).
	User string `json:"-"`
	// Via is filled in by the DC for a request another node forwarded:
	// the name of the node whose socket it came in on.
	Via string `json:"-"`
	// TimeoutMS bounds wait_idle, lrm_exec and fence on the daemon side.
	TimeoutMS int64 `json:"timeout_ms,omitempty"`
}

// Response answers the request with the same ID. Error is set on failure;
// otherwise the fields of the operation are.
type Response struct {
	ID    uint64 `json:"id"`
	Error *Error `json:"error,omitempty"`

	Hello        *Hello                     `json:"hello,omitempty"`
	XML          string                     `json:"xml,omitempty"`
	CIBVersion   string                     `json:"cib_version,omitempty"`
	Status       *clusterview.Snapshot      `json:"status,omitempty"`
	Event        *Event                     `json:"event,omitempty"`
	LRMResult    *LRMResult                 `json:"lrm_result,omitempty"`
	Fencing      *clusterview.FencingEvent  `json:"fencing,omitempty"`
	FenceHistory []clusterview.FencingEvent `json:"fence_history,omitempty"`
	Members      []Member                   `json:"members,omitempty"`
	FenceDevices []FenceDevice              `json:"fence_devices,omitempty"`
}

// FenceDevice is one configured fencing device and what it can fence, as
// the answering node's fencer sees it (fence_devices).
type FenceDevice struct {
	ID    string `json:"id"`
	Agent string `json:"agent"`
	// Check is the effective pcmk_host_check: static-list, dynamic-list,
	// status or none.
	Check string `json:"check"`
	// Targets are the nodes it can fence: configured (static-list), listed
	// by the agent (dynamic-list), confirmed by the agent's status (status),
	// or every node (none).
	Targets  []string `json:"targets,omitempty"`
	Disabled bool     `json:"disabled,omitempty"`
	// Executors are the members that may run it, in the order tried.
	Executors []string `json:"executors,omitempty"`
	// Levels are the topology levels using it, "TARGET:INDEX".
	Levels []string `json:"levels,omitempty"`
	// Error says why the targets could not be (fully) determined.
	Error string `json:"error,omitempty"`
}

// Hello describes the daemon a client talks to.
type Hello struct {
	Protocol    int    `json:"protocol"`
	Version     string `json:"version"`
	Node        string `json:"node"`
	ClusterName string `json:"cluster_name,omitempty"`
	DC          string `json:"dc,omitempty"`
	HaveQuorum  bool   `json:"have_quorum"`
}

// Member is one configured node as this daemon sees it.
type Member struct {
	Name   string `json:"name"`
	ID     string `json:"id"`
	Addr   string `json:"addr,omitempty"`
	Online bool   `json:"online"`
	DC     bool   `json:"dc,omitempty"`
}

// Error codes.
const (
	CodeBadRequest  = "bad-request" // malformed frame or JSON, unknown op, missing field
	CodeTooLarge    = "too-large"   // frame over MaxFrame
	CodeVersion     = "version"     // protocol version not supported
	CodeDenied      = "denied"      // peer credentials not allowed
	CodeInvalid     = "invalid"     // the XML or value is not acceptable; Message says where
	CodeStale       = "stale"       // Base is older than the current configuration
	CodeNoQuorum    = "no-quorum"   // configuration change refused without quorum (use Force)
	CodeNotFound    = "not-found"   // unknown node, resource or section
	CodeUnavailable = "unavailable" // no DC reachable right now; retry
	CodeTimeout     = "timeout"     // the daemon gave up waiting
	CodeFailed      = "failed"      // the operation ran and failed (fencing, agent)
	CodeInternal    = "internal"
	CodeBusy        = "busy" // the daemon's room for requests in flight is taken; retry later
)

// Error is a failed request. Current is the CIB version at the time of a
// CodeStale refusal.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Current string `json:"current,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// Is lets errors.Is(err, &Error{Code: CodeStale}) match by code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// Errorf builds an *Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// LRMRequest runs one resource agent action on a node, outside the
// cluster's control (crm_resource --force-start and friends, `pacer ra`).
type LRMRequest struct {
	Resource   string            `json:"resource"`
	Agent      string            `json:"agent"` // ocf:heartbeat:Dummy, lsb:x, systemd:x, stonith:fence_x
	Action     string            `json:"action"`
	IntervalMS int64             `json:"interval_ms,omitempty"`
	TimeoutMS  int64             `json:"timeout_ms,omitempty"`
	Params     map[string]string `json:"params,omitempty"`
	Meta       map[string]string `json:"meta,omitempty"`
}

// LRMResult is the outcome of an agent action.
type LRMResult struct {
	CallID     int       `json:"call_id"`
	RC         int       `json:"rc"`
	OpStatus   int       `json:"op_status"`
	ExitReason string    `json:"exit_reason,omitempty"`
	Output     string    `json:"output,omitempty"`
	Stderr     string    `json:"stderr,omitempty"`
	Started    time.Time `json:"started,omitzero"`
	ExecMS     int64     `json:"exec_ms"`
	QueueMS    int64     `json:"queue_ms"`
}

// Event is one live event of a subscription. It is the monitor's event
// type, so the daemon's stream and the TUI's log are the same thing; CIB
// events also carry the new version.
type Event struct {
	clusterview.Event
	CIBVersion string `json:"cib_version,omitempty"`
	// Transition and ActionID identify a graph action of action events.
	Transition int `json:"transition,omitempty"`
	ActionID   int `json:"action_id,omitempty"`
}

// ErrFrameTooLarge is returned by ReadFrame for a frame over the limit.
var ErrFrameTooLarge = errors.New("frame too large")

// WriteFrame writes v as one frame.
func WriteFrame(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode frame: %w", err)
	}
	if len(b) > MaxFrame {
		return fmt.Errorf("encode frame: %d bytes: %w", len(b), ErrFrameTooLarge)
	}
	buf := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(buf, uint32(len(b)))
	copy(buf[4:], b)
	_, err = w.Write(buf)
	return err
}

// ReadFrame reads one frame into v. A frame over max (MaxFrame when 0)
// fails with ErrFrameTooLarge without reading it; the caller should close
// the connection since the stream is out of step.
func ReadFrame(r io.Reader, v any, max int) error {
	n, err := ReadFrameHeader(r, max)
	if err != nil {
		return err
	}
	return ReadFrameBody(r, n, v)
}

// ReadFrameHeader reads a frame's length, so that a reader can decide
// whether it has room for the body before reading it. A length over max
// (MaxFrame when 0) fails with ErrFrameTooLarge.
func ReadFrameHeader(r io.Reader, max int) (int, error) {
	if max <= 0 {
		max = MaxFrame
	}
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if int64(n) > int64(max) {
		return 0, fmt.Errorf("frame of %d bytes (limit %d): %w", n, max, ErrFrameTooLarge)
	}
	return int(n), nil
}

// ReadFrameBody reads the n bytes of JSON that follow a header into v.
func ReadFrameBody(r io.Reader, n int, v any) error {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("read frame body: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode frame: %w", err)
	}
	return nil
}
