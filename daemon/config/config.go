// Package config reads pacerd's configuration file (TOML, by default
// /etc/pacer/pacer.conf). Command-line flags override it; see man pacerd(8).
//
//	cluster_name = "prod"
//	node_name    = "n1"              # default: the host name
//	key_file     = "/etc/pacer/authkey"
//	state_dir    = "/var/lib/pacer"
//	socket       = "/run/pacer/pacerd.sock"
//	two_node     = false             # a 2-node cluster stays quorate with one node
//	wait_for_all = true              # (two_node) quorate only after all nodes were seen once
//
//	[[node]]
//	name = "n1"
//	addr = "10.0.0.1"                # gossip address (port: `port`, default 7946)
//	id   = 1                         # default: position in this list, from 1
//
//	raft_port = 7947                 # the replicated log (TCP): default port + 1
//
//	[membership]
//	port              = 7946
//	probe_interval    = "400ms"      # failure detection (memberlist)
//	probe_timeout     = "300ms"
//	suspicion_mult    = 3
//	gossip_interval   = "100ms"
//
//	[consensus]
//	election_timeout  = "1s"         # a lost DC is replaced, an isolated one steps down, within this
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/BurntSushi/toml"
)

// DefaultPath is where pacerd looks for its configuration.
const DefaultPath = "/etc/pacer/pacer.conf"

// Node is one configured cluster node.
type Node struct {
	Name string `toml:"name"`
	Addr string `toml:"addr"`
	Port int    `toml:"port"` // 0: membership.port
	ID   int    `toml:"id"`
	// RaftPort is where the node's replicated log listens (TCP); 0: Port+1.
	RaftPort int `toml:"raft_port"`
}

// Consensus tunes the replicated log (daemon/consensus).
type Consensus struct {
	ElectionTimeout Duration `toml:"election_timeout"`
}

// Duration reads "300ms"-style strings.
type Duration struct{ time.Duration }

func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Membership tunes gossip and failure detection.
type Membership struct {
	Port           int      `toml:"port"`
	BindAddr       string   `toml:"bind_addr"`      // default: this node's addr
	AdvertiseAddr  string   `toml:"advertise_addr"` // default: bind_addr
	ProbeInterval  Duration `toml:"probe_interval"`
	ProbeTimeout   Duration `toml:"probe_timeout"`
	SuspicionMult  int      `toml:"suspicion_mult"`
	GossipInterval Duration `toml:"gossip_interval"`
}

// Config is the whole file.
type Config struct {
	ClusterName string     `toml:"cluster_name"`
	NodeName    string     `toml:"node_name"`
	KeyFile     string     `toml:"key_file"`
	StateDir    string     `toml:"state_dir"`
	Socket      string     `toml:"socket"`
	TwoNode     bool       `toml:"two_node"`
	WaitForAll  *bool      `toml:"wait_for_all"`
	Nodes       []Node     `toml:"node"`
	Membership  Membership `toml:"membership"`
	Consensus   Consensus  `toml:"consensus"`
	// History is how many previous CIB versions are kept on disk.
	History int `toml:"cib_history"`
	// Debug turns on debug logging.
	Debug bool `toml:"debug"`
	// Env is added to every resource agent's environment (the sandbox
	// gives each node its own HA_RSCTMP this way).
	Env map[string]string `toml:"agent_env"`
}

// Default is a configuration with every default filled in.
func Default() *Config {
	c := &Config{}
	c.fill()
	return c
}

func (c *Config) fill() {
	if c.NodeName == "" {
		c.NodeName, _ = os.Hostname()
	}
	if c.KeyFile == "" {
		c.KeyFile = "/etc/pacer/authkey"
	}
	if c.StateDir == "" {
		c.StateDir = "/var/lib/pacer"
	}
	if c.Socket == "" {
		c.Socket = "/run/pacer/pacerd.sock"
	}
	if c.WaitForAll == nil {
		t := c.TwoNode
		c.WaitForAll = &t
	}
	m := &c.Membership
	if m.Port == 0 {
		m.Port = 7946
	}
	if m.ProbeInterval.Duration == 0 {
		m.ProbeInterval.Duration = 400 * time.Millisecond
	}
	if m.ProbeTimeout.Duration == 0 {
		m.ProbeTimeout.Duration = 300 * time.Millisecond
	}
	if m.SuspicionMult == 0 {
		m.SuspicionMult = 3
	}
	if m.GossipInterval.Duration == 0 {
		m.GossipInterval.Duration = 100 * time.Millisecond
	}
	if c.Consensus.ElectionTimeout.Duration == 0 {
		c.Consensus.ElectionTimeout.Duration = time.Second
	}
	if c.History == 0 {
		c.History = 10
	}
	for i := range c.Nodes {
		if c.Nodes[i].ID == 0 {
			c.Nodes[i].ID = i + 1
		}
		if c.Nodes[i].Port == 0 {
			c.Nodes[i].Port = m.Port
		}
	}
}

// Load reads path. A missing file at the default path is not an error
// (a one-node cluster of this host with defaults); elsewhere it is.
func Load(path string) (*Config, error) {
	c := &Config{}
	md, err := toml.DecodeFile(path, c)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && path == DefaultPath {
			return Default(), nil
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("config %s: unknown setting %q", path, und[0].String())
	}
	c.fill()
	return c, c.Validate(path)
}

// Validate checks the nodes list.
func (c *Config) Validate(where string) error {
	seen := map[string]bool{}
	ids := map[int]bool{}
	for _, n := range c.Nodes {
		if n.Name == "" {
			return fmt.Errorf("config %s: a [[node]] without name", where)
		}
		if seen[n.Name] || ids[n.ID] {
			return fmt.Errorf("config %s: node %q or id %d given twice", where, n.Name, n.ID)
		}
		seen[n.Name], ids[n.ID] = true, true
		if n.Addr != "" && net.ParseIP(n.Addr) == nil {
			return fmt.Errorf("config %s: node %s: addr %q is not an IP address", where, n.Name, n.Addr)
		}
	}
	if len(c.Nodes) > 0 && c.Self() == nil {
		return fmt.Errorf("config %s: node_name %q is not among the [[node]]s", where, c.NodeName)
	}
	return nil
}

// Self is this node's entry, or nil when the node list is empty.
func (c *Config) Self() *Node {
	for i := range c.Nodes {
		if c.Nodes[i].Name == c.NodeName {
			return &c.Nodes[i]
		}
	}
	return nil
}

// Node returns the entry of the named node or nil.
func (c *Config) Node(name string) *Node {
	for i := range c.Nodes {
		if c.Nodes[i].Name == name {
			return &c.Nodes[i]
		}
	}
	return nil
}

// RaftPort is the port of nd's replicated log (nd nil: this node of a
// cluster without a node list).
func (c *Config) RaftPort(nd *Node) int {
	if nd == nil {
		return c.Membership.Port + 1
	}
	if nd.RaftPort != 0 {
		return nd.RaftPort
	}
	return nd.Port + 1
}

// Votes is the number of quorum votes: one per configured node (at least 1).
func (c *Config) Votes() int { return max(len(c.Nodes), 1) }
