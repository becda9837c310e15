package stonith

import (
	"errors"
	"fmt"
	"pacer/share/options"
	"strconv"
	"time"

	"pacer/share/xmltree"
)

// Options are the cluster options that steer fencing, as in effect.
type Options struct {
	// Enabled is fencing-enabled (2.x: stonith-enabled), default true.
	// With false the controller treats unclean nodes as down without
	// fencing them, as Pacemaker does; explicit requests still run.
	Enabled bool
	// Action is fencing-action (stonith-action): "reboot" (default) or
	// "off" ("poweroff" is read as "off").
	Action string
	// Timeout is fencing-timeout (stonith-timeout), default 60s: the time a
	// device action may take unless the device sets pcmk_<action>_timeout.
	Timeout time.Duration
	// PriorityDelay is priority-fencing-delay, default 0 (off). See
	// PriorityDelayApplies.
	PriorityDelay time.Duration
	// Reaction is fence-reaction: "stop" (default) or "panic": what a node
	// does when it learns it was fenced while still running.
	Reaction string
	// Concurrent is concurrent-fencing: whether several fencing requests
	// may run at once. Default true, as in Pacemaker 3.0 (and in
	// share/options); Pacemaker 2 defaulted to false.
	Concurrent bool
	// MaxAttempts is stonith-max-attempts (default 10): failed requests per
	// target after which the controller stops retrying on its own.
	MaxAttempts int
}

// DefaultOptions are Pacemaker's defaults.
func DefaultOptions() Options {
	return Options{Enabled: true, Action: "reboot", Timeout: 60 * time.Second, Reaction: "stop", Concurrent: true, MaxAttempts: 10}
}

// optionNames maps each option to its names, newest first: a 3.x name set
// anywhere wins over its 2.x alias.
var optionNames = map[string][]string{
	"enabled":      {"fencing-enabled", "stonith-enabled"},
	"action":       {"fencing-action", "stonith-action"},
	"timeout":      {"fencing-timeout", "stonith-timeout"},
	"priority":     {"priority-fencing-delay"},
	"reaction":     {"fence-reaction"},
	"concurrent":   {"concurrent-fencing"},
	"max-attempts": {"stonith-max-attempts"},
}

// ParseOptions reads the fencing options from crm_config. config may be the
// cib element, the configuration element or crm_config itself; nil gives
// the defaults. A bad value is an error naming the option and where it is;
// the defaults stay in effect for it.
func ParseOptions(config *xmltree.Element) (Options, error) {
	o := DefaultOptions()
	crm := section(config, "crm_config")
	if crm == nil {
		return o, nil
	}
	values := map[string]*xmltree.Element{}
	for _, set := range crm.ChildrenNamed("cluster_property_set") {
		for _, nv := range set.ChildrenNamed("nvpair") {
			if _, seen := values[nv.Attr("name")]; !seen {
				values[nv.Attr("name")] = nv
			}
		}
	}
	var errs []error
	get := func(key string) (string, *xmltree.Element) {
		for _, n := range optionNames[key] {
			if nv := values[n]; nv != nil {
				return nv.Attr("value"), nv
			}
		}
		return "", nil
	}
	bad := func(nv *xmltree.Element, err error) {
		errs = append(errs, fmt.Errorf("%s (%s) at %s: %w", nv.Attr("name"), nv.Attr("value"), nv.Path(), err))
	}
	if v, nv := get("enabled"); nv != nil {
		if b, err := options.ParseBool(v); err != nil {
			bad(nv, err)
		} else {
			o.Enabled = b
		}
	}
	if v, nv := get("action"); nv != nil {
		switch v {
		case "reboot", "off":
			o.Action = v
		case "poweroff":
			o.Action = "off"
		default:
			bad(nv, fmt.Errorf("want reboot or off"))
		}
	}
	if v, nv := get("timeout"); nv != nil {
		if d, err := ParseInterval(v); err != nil || d <= 0 {
			if err == nil {
				err = fmt.Errorf("must be positive")
			}
			bad(nv, err)
		} else {
			o.Timeout = d
		}
	}
	if v, nv := get("priority"); nv != nil {
		if d, err := ParseInterval(v); err != nil {
			bad(nv, err)
		} else {
			o.PriorityDelay = d
		}
	}
	if v, nv := get("reaction"); nv != nil {
		switch v {
		case "stop", "panic":
			o.Reaction = v
		default:
			bad(nv, fmt.Errorf("want stop or panic"))
		}
	}
	if v, nv := get("concurrent"); nv != nil {
		if b, err := options.ParseBool(v); err != nil {
			bad(nv, err)
		} else {
			o.Concurrent = b
		}
	}
	if v, nv := get("max-attempts"); nv != nil {
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			bad(nv, fmt.Errorf("want a positive integer"))
		} else {
			o.MaxAttempts = n
		}
	}
	return o, errors.Join(errs...)
}

// PriorityDelayApplies tells the controller whether priority-fencing-delay
// is added to a request, following Pacemaker Explained: the delay is for
// fencing a lost node that carries more resource priority than any node of
// our partition, when our partition does not hold a majority of the nodes —
// so that in a split the side with the more important resources wins the
// fencing race. targetPriority and ours are node priorities (the sum of the
// priorities of the resources active there; a promoted instance counts its
// priority + 1 when that priority is not 0).
func PriorityDelayApplies(o Options, targetPriority int, ourPriorities []int, ourNodes, totalNodes int) bool {
	if o.PriorityDelay <= 0 || 2*ourNodes > totalNodes {
		return false
	}
	for _, p := range ourPriorities {
		if p >= targetPriority {
			return false
		}
	}
	return true
}

// section finds a child section of the configuration, accepting the cib
// element, configuration, or the section itself.
func section(e *xmltree.Element, name string) *xmltree.Element {
	if e == nil {
		return nil
	}
	if e.Name == name {
		return e
	}
	if e.Name == "cib" {
		e = e.Child("configuration")
		if e == nil {
			return nil
		}
	}
	return e.Child(name)
}
