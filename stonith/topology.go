package stonith

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"pacer/share/xmltree"
)

// Level is one fencing-level.
type Level struct {
	ID    string
	Index int
	// Exactly one way of naming targets is set: Target (a node name),
	// Pattern (a regular expression, matched anywhere in the name as
	// regexec does), or Attribute=Value (a node attribute).
	Target    string
	Pattern   *regexp.Regexp
	Attribute string
	Value     string
	Devices   []string
	Path      string
}

// targetKey identifies the "who" of a level: levels with the same key form
// one target's topology.
func (l Level) targetKey() string {
	switch {
	case l.Target != "":
		return "name:" + l.Target
	case l.Pattern != nil:
		return "pattern:" + l.Pattern.String()
	default:
		return "attr:" + l.Attribute + "=" + l.Value
	}
}

// Describe names the level's target the way crm configure shows it.
func (l Level) Describe() string {
	switch {
	case l.Target != "":
		return l.Target
	case l.Pattern != nil:
		return "pattern:" + l.Pattern.String()
	default:
		return "attr:" + l.Attribute + "=" + l.Value
	}
}

// Topology is the fencing-topology section.
type Topology struct {
	Levels []Level // document order
}

// ParseTopology reads fencing-topology (config may be the cib, the
// configuration or the fencing-topology element; no section = empty).
// Errors name the level; a bad level is left out, the others stay.
func ParseTopology(config *xmltree.Element) (Topology, error) {
	var t Topology
	sec := section(config, "fencing-topology")
	if sec == nil {
		return t, nil
	}
	var errs []error
	seen := map[string]string{} // targetKey/index -> level id
	for _, e := range sec.ChildrenNamed("fencing-level") {
		l, err := parseLevel(e)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		k := l.targetKey() + "/" + strconv.Itoa(l.Index)
		if other, dup := seen[k]; dup {
			errs = append(errs, fmt.Errorf("fencing-level %s: index %d for %s is already used by %s", l.ID, l.Index, l.Describe(), other))
			continue
		}
		seen[k] = l.ID
		t.Levels = append(t.Levels, l)
	}
	return t, errors.Join(errs...)
}

func parseLevel(e *xmltree.Element) (Level, error) {
	l := Level{ID: e.ID(), Path: e.Path()}
	name := l.ID
	if name == "" {
		name = e.Path()
	}
	idx, err := strconv.Atoi(e.Attr("index"))
	if err != nil || idx < 1 || idx > 9 {
		return l, fmt.Errorf("fencing-level %s: index %q: want 1 to 9", name, e.Attr("index"))
	}
	l.Index = idx
	kinds := 0
	if v, ok := e.AttrOK("target"); ok {
		kinds++
		l.Target = v
	}
	if v, ok := e.AttrOK("target-pattern"); ok {
		kinds++
		re, err := regexp.Compile(v)
		if err != nil {
			return l, fmt.Errorf("fencing-level %s: target-pattern %q: %w", name, v, err)
		}
		l.Pattern = re
	}
	if v, ok := e.AttrOK("target-attribute"); ok {
		kinds++
		l.Attribute = v
		l.Value = e.Attr("target-value")
	}
	if kinds != 1 {
		return l, fmt.Errorf("fencing-level %s: needs exactly one of target, target-pattern, target-attribute", name)
	}
	if l.Target == "" && l.Pattern == nil && l.Attribute == "" {
		return l, fmt.Errorf("fencing-level %s: empty target", name)
	}
	for _, d := range strings.Split(e.Attr("devices"), ",") {
		if d = strings.TrimSpace(d); d != "" {
			l.Devices = append(l.Devices, d)
		}
	}
	if len(l.Devices) == 0 {
		return l, fmt.Errorf("fencing-level %s: no devices", name)
	}
	return l, nil
}

// For returns the levels that apply to target, in ascending index order.
// Levels naming the node exactly come first in precedence; otherwise the
// first pattern or attribute topology (in document order) that matches the
// node is used. attrs are the node's attributes. Empty means no topology
// for this node: every capable device is tried on its own.
func (t Topology) For(target string, attrs map[string]string) []Level {
	var out []Level
	for _, l := range t.Levels {
		if l.Target == target {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		key := ""
		for _, l := range t.Levels {
			if l.Target != "" {
				continue
			}
			match := false
			if l.Pattern != nil {
				match = l.Pattern.MatchString(target)
			} else if v, ok := attrs[l.Attribute]; ok && v == l.Value {
				match = true
			}
			if match {
				key = l.targetKey()
				break
			}
		}
		for _, l := range t.Levels {
			if key != "" && l.Target == "" && l.targetKey() == key {
				out = append(out, l)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Level) int { return a.Index - b.Index })
	return out
}
