package stonith

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"pacer/share/xmltree"
)

// Host check modes (pcmk_host_check).
const (
	CheckStatic  = "static-list"
	CheckDynamic = "dynamic-list"
	CheckStatus  = "status"
	CheckNone    = "none"
)

// Device actions the fencer knows.
var deviceActions = []string{"reboot", "off", "on", "list", "monitor", "status"}

// Device is one fencing device: a stonith: primitive with the parameters
// the fencer interprets (pcmk_*) split from those passed to the agent.
type Device struct {
	ID    string
	Agent string // fence_xyz, the type of the primitive
	// Params go to the agent on stdin; pcmk_* and other fencer-only
	// attributes are left out.
	Params map[string]string

	HostList  []string
	HostMap   HostMap
	HostCheck string // as configured; "" = decided from the agent (see EffectiveCheck)
	// HostArgument is pcmk_host_argument as configured; "" = from metadata.
	HostArgument string

	DelayBase    time.Duration
	DelayBaseMap map[string]time.Duration // per-target pcmk_delay_base
	DelayMax     time.Duration
	ActionLimit  int // pcmk_action_limit: 1 default, -1 unlimited

	actions map[string]ActionConf

	Priority int  // meta priority: order devices are tried without topology
	Disabled bool // target-role=Stopped: no node may use it

	// Path locates the primitive in the CIB, for messages.
	Path string
}

// ActionConf is pcmk_<action>_action / _timeout / _retries for one action.
type ActionConf struct {
	Command string        // what the agent is asked to do
	Timeout time.Duration // 0 = fencing-timeout
	Retries int
}

// Action returns the configuration of one action with defaults applied:
// the command is the action's own name, retries default to 2 and the
// timeout to the cluster's fencing-timeout (given).
func (d *Device) Action(action string, fencingTimeout time.Duration) ActionConf {
	c := ActionConf{Command: action, Retries: 2}
	if a, ok := d.actions[action]; ok {
		if a.Command != "" {
			c.Command = a.Command
		}
		c.Timeout = a.Timeout
		if a.Retries >= 0 {
			c.Retries = a.Retries
		}
	}
	if c.Timeout <= 0 {
		c.Timeout = fencingTimeout
	}
	return c
}

// Targets lists the nodes the configuration names (host list and host map
// keys), for display; empty when the device decides dynamically.
func (d *Device) Targets() []string {
	out := append([]string(nil), d.HostList...)
	for _, n := range d.HostMap.Nodes {
		if !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Port is what the agent is told to fence for target: its pcmk_host_map
// entry, else the node name.
func (d *Device) Port(target string) string {
	if p, ok := d.HostMap.Port(target); ok {
		return p
	}
	return target
}

// EffectiveCheck is pcmk_host_check as Pacemaker decides it when not set:
// static-list when pcmk_host_list or pcmk_host_map is set, else
// dynamic-list when the agent has a list action, else status when it has
// status, else none. meta may be nil (unknown agent: assume both).
func (d *Device) EffectiveCheck(meta *AgentMeta) string {
	if d.HostCheck != "" {
		return d.HostCheck
	}
	if len(d.HostList) > 0 || len(d.HostMap.Nodes) > 0 {
		return CheckStatic
	}
	if meta == nil || meta.HasAction("list") {
		return CheckDynamic
	}
	if meta.HasAction("status") {
		return CheckStatus
	}
	return CheckNone
}

// EffectiveHostArgument is the agent parameter that names the target:
// pcmk_host_argument, else "port" when the agent's metadata has it, else
// "plug", else none ("" = pass nothing).
func (d *Device) EffectiveHostArgument(meta *AgentMeta) string {
	switch d.HostArgument {
	case "none":
		return ""
	case "":
	default:
		return d.HostArgument
	}
	if meta == nil || meta.HasParam("port") {
		return "port"
	}
	if meta.HasParam("plug") {
		return "plug"
	}
	return ""
}

// Delay is the delay before fencing target: pcmk_delay_base (or its entry
// for target) plus a random part such that the sum stays within
// pcmk_delay_max. rnd draws from [0, n); tests inject it.
func (d *Device) Delay(target string, rnd func(n int64) int64) time.Duration {
	base := d.DelayBase
	if b, ok := d.DelayBaseMap[target]; ok {
		base = b
	}
	if d.DelayMax <= base {
		return base
	}
	if rnd == nil {
		rnd = rand.Int64N
	}
	span := int64(d.DelayMax - base)
	return base + time.Duration(rnd(span+1))
}

// Parameters the fencer keeps for itself and never passes to the agent.
func fencerOnly(name string) bool {
	return strings.HasPrefix(name, "pcmk_") || name == "provides" || name == "stonith-timeout" || name == "priority"
}

// ParseDevice reads one stonith primitive. root is used to resolve id-ref
// attribute sets and may be nil. Errors name the device and the parameter.
func ParseDevice(p *xmltree.Element, root *xmltree.Element) (*Device, error) {
	if p.Name != "primitive" || p.Attr("class") != "stonith" {
		return nil, fmt.Errorf("%s: not a stonith primitive", p.Path())
	}
	d := &Device{ID: p.ID(), Agent: p.Attr("type"), Params: map[string]string{}, ActionLimit: 1,
		actions: map[string]ActionConf{}, Path: p.Path()}
	if d.ID == "" {
		return nil, fmt.Errorf("%s: stonith primitive without id", p.Path())
	}
	if d.Agent == "" || strings.ContainsAny(d.Agent, "/\x00") || strings.HasPrefix(d.Agent, ".") {
		return nil, fmt.Errorf("device %s: invalid agent type %q", d.ID, d.Agent)
	}
	inst := nvpairs(p, "instance_attributes", root)
	meta := nvpairs(p, "meta_attributes", root)
	var errs []error
	bad := func(name, value string, err error) {
		errs = append(errs, fmt.Errorf("device %s: %s=%q: %w", d.ID, name, value, err))
	}
	for _, kv := range inst {
		name, v := kv[0], kv[1]
		if !fencerOnly(name) {
			d.Params[name] = v
			continue
		}
		switch name {
		case "pcmk_host_list":
			d.HostList = ParseHostList(v)
		case "pcmk_host_map":
			m, err := ParseHostMap(v)
			if err != nil {
				bad(name, v, err)
			} else {
				d.HostMap = m
			}
		case "pcmk_host_check":
			switch v {
			case CheckStatic, CheckDynamic, CheckStatus, CheckNone:
				d.HostCheck = v
			default:
				bad(name, v, fmt.Errorf("want static-list, dynamic-list, status or none"))
			}
		case "pcmk_host_argument":
			d.HostArgument = v
		case "pcmk_delay_base":
			if err := d.parseDelayBase(v); err != nil {
				bad(name, v, err)
			}
		case "pcmk_delay_max":
			if t, err := ParseInterval(v); err != nil {
				bad(name, v, err)
			} else {
				d.DelayMax = t
			}
		case "pcmk_action_limit":
			n, err := strconv.Atoi(v)
			if err != nil || n == 0 || n < -1 {
				bad(name, v, fmt.Errorf("want a positive integer or -1 (unlimited)"))
			} else {
				d.ActionLimit = n
			}
		default:
			if err := d.parseActionParam(name, v); err != nil {
				bad(name, v, err)
			}
		}
	}
	if d.HostCheck == CheckStatic && len(d.HostList) == 0 && len(d.HostMap.Nodes) == 0 {
		errs = append(errs, fmt.Errorf("device %s: pcmk_host_check=static-list needs pcmk_host_list or pcmk_host_map", d.ID))
	}
	for _, kv := range meta {
		switch kv[0] {
		case "target-role":
			d.Disabled = strings.EqualFold(kv[1], "Stopped")
		case "priority":
			if n, err := strconv.Atoi(kv[1]); err == nil {
				d.Priority = n
			} else {
				bad("priority", kv[1], fmt.Errorf("not an integer"))
			}
		}
	}
	return d, errors.Join(errs...)
}

func (d *Device) parseDelayBase(v string) error {
	if !strings.ContainsAny(v, ":;=") {
		t, err := ParseInterval(v)
		d.DelayBase = t
		return err
	}
	m, err := ParseHostMap(v)
	if err != nil {
		return err
	}
	d.DelayBaseMap = map[string]time.Duration{}
	for _, n := range m.Nodes {
		t, err := ParseInterval(m.Ports[n])
		if err != nil {
			return fmt.Errorf("delay for %s: %w", n, err)
		}
		d.DelayBaseMap[n] = t
	}
	return nil
}

func (d *Device) parseActionParam(name, v string) error {
	rest, ok := strings.CutPrefix(name, "pcmk_")
	if !ok {
		return nil
	}
	for _, a := range deviceActions {
		kind, ok := strings.CutPrefix(rest, a+"_")
		if !ok {
			continue
		}
		c, seen := d.actions[a]
		if !seen {
			c.Retries = -1
		}
		switch kind {
		case "action":
			if v == "" || strings.ContainsAny(v, "\n\r=") {
				return fmt.Errorf("not a usable action name")
			}
			c.Command = v
		case "timeout":
			t, err := ParseInterval(v)
			if err != nil {
				return err
			}
			c.Timeout = t
		case "retries":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return fmt.Errorf("want a non-negative integer")
			}
			c.Retries = n
		default:
			return nil // unknown pcmk_ parameter: kept out of the agent, ignored
		}
		d.actions[a] = c
		return nil
	}
	return nil
}

// nvpairs lists name/value pairs of a primitive's attribute sets of kind
// (instance_attributes or meta_attributes), first value of a name wins, as
// Pacemaker does when sets do not carry scores. Sets with a rule are
// skipped: devices are evaluated the same on every node, with no clock.
func nvpairs(p *xmltree.Element, kind string, root *xmltree.Element) [][2]string {
	var out [][2]string
	seen := map[string]bool{}
	for _, set := range p.ChildrenNamed(kind) {
		set = resolveRef(set, root)
		if set == nil || set.Child("rule") != nil {
			continue
		}
		for _, nv := range set.ChildrenNamed("nvpair") {
			nv = resolveRef(nv, root)
			if nv == nil {
				continue
			}
			n := nv.Attr("name")
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			out = append(out, [2]string{n, nv.Attr("value")})
		}
	}
	return out
}

func resolveRef(e, root *xmltree.Element) *xmltree.Element {
	ref, ok := e.AttrOK("id-ref")
	if !ok {
		return e
	}
	if root == nil {
		return nil
	}
	return root.FindID(ref)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
