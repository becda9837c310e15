// Package remote is what Pacemaker's pacemaker-remoted and its cluster
// side are: `pacerd remote` runs resource agents on a node that is not a
// cluster member (a remote node, or a guest node in a VM or container),
// for the one cluster member that holds the node's connection; Dial is
// that member's end.
//
// The channel is TCP (port 3121 by default) under TLS 1.3, both ends
// holding an identity derived from the cluster key (share/keytls). On it
// go frames as on pacerd's socket (a 4-byte length, then JSON; at most
// MaxFrame), each a Msg. The member asks (exec, recurring, cancel,
// cancel_all, forget, ping) and the remote answers with the request's id;
// the remote also sends, unasked, an event for each change a recurring
// monitor sees and for each operation that finished while no member was
// connected, and api requests from the agent tools its agents run
// (crm_attribute, attrd_updater, crm_node), which the member answers as
// its own socket would. A remote node has no vote, never becomes DC and
// is no memberlist or consensus member: it only executes.
package remote

import (
	"time"

	"pacer/lrm"
	"pacer/share/protocol"
)

// DefaultPort is Pacemaker's remote port.
const DefaultPort = 3121

// Version is the remote protocol's version, exchanged in hello.
const Version = 1

// MaxFrame caps one message: operations and results are small (agent
// output is capped at 64 KiB a stream), an api request may carry a node
// attribute or ask for the CIB.
const MaxFrame = 16 << 20

// Message types.
const (
	MsgHello     = "hello"      // both ways, first: Hello
	MsgExec      = "exec"       // member: Op -> Result
	MsgRecurring = "recurring"  // member: Op (a monitor with an interval) -> ok; changes come as events
	MsgCancel    = "cancel"     // member: Resource, Interval -> ok
	MsgCancelAll = "cancel_all" // member: Resource -> ok
	MsgForget    = "forget"     // member: Resource (after a cleanup) -> ok
	MsgPing      = "ping"       // member -> pong (the connection's monitor)
	MsgPong      = "pong"
	MsgResult    = "result" // remote: the answer to an exec
	MsgOK        = "ok"     // remote: the answer to recurring, cancel, cancel_all, forget
	MsgEvent     = "event"  // remote, unasked: Result of a recurring monitor's change or of an op finished while disconnected
	MsgAPI       = "api"    // remote: Request from an agent tool -> member: MsgAPIReply with Response
	MsgAPIReply  = "api_reply"
	MsgError     = "error" // either: Error; the connection ends after one without an id
)

// Msg is one frame of the remote protocol.
type Msg struct {
	Type     string             `json:"type"`
	ID       uint64             `json:"id,omitempty"`
	Hello    *Hello             `json:"hello,omitempty"`
	Op       *lrm.Op            `json:"op,omitempty"`
	Result   *lrm.Result        `json:"result,omitempty"`
	Resource string             `json:"resource,omitempty"`
	Interval time.Duration      `json:"interval,omitempty"`
	Request  *protocol.Request  `json:"request,omitempty"`
	Response *protocol.Response `json:"response,omitempty"`
	Error    string             `json:"error,omitempty"`
}

// Hello introduces each end. The member names itself (From) and the node
// it connects to as (Node: the remote node's name in the CIB); the remote
// answers with its own view: the name it was given and the recurring
// monitors still running from an earlier connection, which the member
// adopts instead of restarting them.
type Hello struct {
	Version   int      `json:"version"`
	From      string   `json:"from,omitempty"`
	Node      string   `json:"node,omitempty"`
	Recurring []lrm.Op `json:"recurring,omitempty"`
	Software  string   `json:"software,omitempty"`
}
