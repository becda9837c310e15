package stonith

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"pacer/share/score"
	"pacer/share/xmltree"
)

// Config is the fencing configuration of one CIB: options, devices,
// topology, and what the fencer needs to place device actions on nodes.
type Config struct {
	Options  Options
	Devices  map[string]*Device
	Order    []string // device ids in document order
	Topology Topology
	// NodeAttrs are permanent node attributes (nodes section), for
	// target-attribute levels.
	NodeAttrs map[string]map[string]string

	// scores[device][node] sums simple rsc_location constraints.
	scores map[string]map[string]score.Score
	// running[device] lists nodes whose status shows the device started.
	running map[string][]string
}

// LoadConfig reads the fencing configuration from a CIB (the cib element,
// or just configuration; status is used when present). Problems in single
// devices or levels are reported in the error but do not stop the rest
// from loading: a typo in one device must not disable fencing.
func LoadConfig(cib *xmltree.Element) (*Config, error) {
	c := &Config{Devices: map[string]*Device{}, NodeAttrs: map[string]map[string]string{},
		scores: map[string]map[string]score.Score{}, running: map[string][]string{}}
	var errs []error
	o, err := ParseOptions(cib)
	c.Options = o
	if err != nil {
		errs = append(errs, err)
	}
	root := cib
	for root != nil && root.Parent != nil {
		root = root.Parent
	}
	parents := map[string][]string{} // device id -> ids of its group/clone ancestors
	if res := section(cib, "resources"); res != nil {
		res.Walk(func(e *xmltree.Element) bool {
			if e.Name != "primitive" || e.Attr("class") != "stonith" {
				return true
			}
			d, err := ParseDevice(e, root)
			if err != nil {
				errs = append(errs, err)
			}
			if d == nil {
				return false
			}
			if _, dup := c.Devices[d.ID]; dup {
				errs = append(errs, fmt.Errorf("device %s defined twice", d.ID))
				return false
			}
			c.Devices[d.ID] = d
			c.Order = append(c.Order, d.ID)
			for p := e.Parent; p != nil && p != res; p = p.Parent {
				if id := p.ID(); id != "" {
					parents[d.ID] = append(parents[d.ID], id)
				}
				// A disabled clone or group disables what is inside.
				for _, kv := range nvpairs(p, "meta_attributes", root) {
					if kv[0] == "target-role" && kv[1] == "Stopped" {
						d.Disabled = true
					}
				}
			}
			return false
		})
	}
	t, err := ParseTopology(cib)
	c.Topology = t
	if err != nil {
		errs = append(errs, err)
	}
	for _, l := range t.Levels {
		for _, dev := range l.Devices {
			if _, ok := c.Devices[dev]; !ok {
				errs = append(errs, fmt.Errorf("fencing-level %s: device %s does not exist", l.ID, dev))
			}
		}
	}
	if nodes := section(cib, "nodes"); nodes != nil {
		for _, n := range nodes.ChildrenNamed("node") {
			name := n.Attr("uname")
			if name == "" {
				continue
			}
			attrs := map[string]string{}
			for _, kv := range nvpairs(n, "instance_attributes", root) {
				attrs[kv[0]] = kv[1]
			}
			c.NodeAttrs[name] = attrs
		}
	}
	if cons := section(cib, "constraints"); cons != nil {
		for _, l := range cons.ChildrenNamed("rsc_location") {
			node, sc := l.Attr("node"), l.Attr("score")
			if node == "" || sc == "" {
				continue // rule-based: not evaluated for fencing placement
			}
			s, err := score.Parse(sc)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: score %q: %w", l.Path(), sc, err))
				continue
			}
			var pat *regexp.Regexp
			if p := l.Attr("rsc-pattern"); p != "" {
				pat, _ = regexp.Compile(p)
			}
			for id := range c.Devices {
				if !appliesTo(l.Attr("rsc"), pat, id, parents[id]) {
					continue
				}
				if c.scores[id] == nil {
					c.scores[id] = map[string]score.Score{}
				}
				c.scores[id][node] = score.Add(c.scores[id][node], s)
			}
		}
	}
	if st := cib.Child("status"); cib.Name == "cib" && st != nil {
		for _, ns := range st.ChildrenNamed("node_state") {
			node := ns.Attr("uname")
			lrm := ns.Child("lrm")
			if lrm == nil || lrm.Child("lrm_resources") == nil {
				continue
			}
			for _, r := range lrm.Child("lrm_resources").ChildrenNamed("lrm_resource") {
				if _, ok := c.Devices[r.ID()]; ok && startedBy(r) {
					c.running[r.ID()] = append(c.running[r.ID()], node)
				}
			}
		}
	}
	return c, errors.Join(errs...)
}

func appliesTo(rsc string, pat *regexp.Regexp, id string, parents []string) bool {
	if rsc == id || slices.Contains(parents, rsc) && rsc != "" {
		return true
	}
	return pat != nil && pat.MatchString(id)
}

// startedBy reads a resource's operation history: started when its latest
// operation is a successful start or monitor.
func startedBy(r *xmltree.Element) bool {
	best, bestCall := (*xmltree.Element)(nil), -1
	for _, op := range r.ChildrenNamed("lrm_rsc_op") {
		n, _ := strconv.Atoi(op.Attr("call-id"))
		if n > bestCall {
			best, bestCall = op, n
		}
	}
	if best == nil {
		return false
	}
	op := best.Attr("operation")
	return (op == "start" || op == "monitor") && best.Attr("rc-code") == "0"
}

// Step is one topology level as executed: every device must succeed.
type Step struct {
	Level   int      // topology index; 0 = no topology (one device)
	Devices []string // device ids
}

// Plan lists what to try for target, in order. With a topology for the
// target, one step per level. Without, one step per device, highest
// priority first then document order; devices that cannot fence the target
// are weeded out when the steps run (the host check may need the agent).
func (c *Config) Plan(target string) ([]Step, error) {
	if levels := c.Topology.For(target, c.NodeAttrs[target]); len(levels) > 0 {
		var steps []Step
		for _, l := range levels {
			steps = append(steps, Step{Level: l.Index, Devices: l.Devices})
		}
		return steps, nil
	}
	ids := append([]string(nil), c.Order...)
	sort.SliceStable(ids, func(i, j int) bool { return c.Devices[ids[i]].Priority > c.Devices[ids[j]].Priority })
	var steps []Step
	for _, id := range ids {
		if !c.Devices[id].Disabled {
			steps = append(steps, Step{Devices: []string{id}})
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("no fencing device is configured (or all are disabled): %s cannot be fenced", target)
	}
	return steps, nil
}

// Executors orders the member nodes that may run device against target:
// not the target itself unless no other node may; never a node banned by
// a -INFINITY location constraint nor any node when the device is
// disabled; then by location score, nodes where the device is started,
// this node, and name.
func (c *Config) Executors(device, target string, members []string, self string) []string {
	d := c.Devices[device]
	if d == nil || d.Disabled {
		return nil
	}
	var out []string
	for _, n := range members {
		if c.scores[device][n] <= score.MinusInfinity {
			continue
		}
		out = append(out, n)
	}
	running := c.running[device]
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a == target) != (b == target) {
			return b == target
		}
		if sa, sb := c.scores[device][a], c.scores[device][b]; sa != sb {
			return sa > sb
		}
		if ra, rb := slices.Contains(running, a), slices.Contains(running, b); ra != rb {
			return ra
		}
		if (a == self) != (b == self) {
			return a == self
		}
		return a < b
	})
	return out
}

// AddDevice adds a device that is not in the CIB (the sandbox's own
// fencing device, say). A device of the same id in the CIB wins.
func (c *Config) AddDevice(d *Device) bool {
	if _, ok := c.Devices[d.ID]; ok {
		return false
	}
	c.Devices[d.ID] = d
	c.Order = append(c.Order, d.ID)
	return true
}
