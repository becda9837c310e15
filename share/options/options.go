// Package options knows Pacemaker's option names: cluster options
// (crm_config), resource meta-attributes (including clone and promotable
// ones) and operation options, with their 3.x names and the older names
// admins still write, types, defaults and allowed values, as documented in
// Pacemaker Explained and reported by Pacemaker's daemons' metadata.
//
// It also reads the option values: ParseBool for Pacemaker's booleans, and
// Values for typed access with defaults.
package options

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"pacer/share/iso8601"
	"pacer/share/score"
)

// Kind is the type of an option's value.
type Kind int

const (
	Text Kind = iota
	Boolean
	Integer    // 32-bit signed
	NonNegInt  // 0 .. 2^31-1
	ScoreKind  // INFINITY, -INFINITY or an integer
	Duration   // 10, 10s, 5min, PT10S, ...
	Enum       // one of Allowed
	Percentage // 80 or 80%
	Port       // 0 .. 65535
	Version    // 2.1.5
	DateTime   // ISO 8601
)

var kindNames = [...]string{"text", "boolean", "integer", "nonnegative integer", "score",
	"duration", "enumeration", "percentage", "port", "version", "ISO 8601 date/time"}

func (k Kind) String() string { return kindNames[k] }

// Scope says where an option is set.
type Scope int

const (
	Cluster   Scope = iota // nvpairs in crm_config's cluster_property_set
	Resource               // meta_attributes of resources and rsc_defaults
	Operation              // op attributes, op meta_attributes, op_defaults
	Node                   // node attributes with a meaning to the cluster
)

var scopeNames = [...]string{"cluster option", "resource meta-attribute", "operation option", "node attribute"}

func (s Scope) String() string { return scopeNames[s] }

// Option describes one option.
type Option struct {
	Name    string   // the current (Pacemaker 3.x) name
	Aliases []string // older names meaning the same
	Scope   Scope
	Kind    Kind
	// Default is the value used when the option is not set, as Pacemaker
	// writes it; empty when there is none or it is computed (DefaultNote).
	Default     string
	DefaultNote string   // how a computed default is found
	Allowed     []string // for Enum, in Pacemaker's order
	Desc        string   // one line, for help and completion
	// Deprecated is non-empty for options Pacemaker deprecates: what to
	// use instead.
	Deprecated string
	Advanced   bool // "advanced use only" in Pacemaker
	// CloneOnly marks meta-attributes meaningful for clones only.
	CloneOnly bool
}

// Table is the options of one scope.
type Table struct {
	Scope  Scope
	opts   []*Option
	byName map[string]*Option // lower-case names and aliases
}

func newTable(scope Scope, opts []*Option) *Table {
	t := &Table{Scope: scope, opts: opts, byName: map[string]*Option{}}
	for _, o := range opts {
		o.Scope = scope
		for _, n := range append([]string{o.Name}, o.Aliases...) {
			if _, dup := t.byName[n]; dup {
				panic("options: duplicate name " + n)
			}
			t.byName[n] = o
		}
	}
	return t
}

// Lookup finds an option by its name or an alias. Pacemaker's names are
// case-sensitive; so is this.
func (t *Table) Lookup(name string) (*Option, bool) {
	o, ok := t.byName[name]
	return o, ok
}

// Canonical maps an alias to the current name; unknown names come back
// unchanged.
func (t *Table) Canonical(name string) string {
	if o, ok := t.byName[name]; ok {
		return o.Name
	}
	return name
}

// Options lists the table's options in documentation order.
func (t *Table) Options() []*Option { return append([]*Option(nil), t.opts...) }

// Names lists the current names, sorted, for tab completion. Deprecated
// options are left out unless withDeprecated.
func (t *Table) Names(withDeprecated bool) []string {
	var out []string
	for _, o := range t.opts {
		if o.Deprecated == "" || withDeprecated {
			out = append(out, o.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Complete returns the names (current names and aliases) starting with
// prefix, sorted: what a shell offers on tab.
func (t *Table) Complete(prefix string) []string {
	var out []string
	for n, o := range t.byName {
		if strings.HasPrefix(n, prefix) && (o.Deprecated == "" || n == prefix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// Tables in the order Lookup searches them. NodeAttributes is not among
// them: node attributes are free-form, and "maintenance" would be found
// twice.
var tables = []*Table{ClusterOptions, ResourceMeta, OperationOptions}

// Lookup finds name among cluster options, then resource meta-attributes,
// then operation options.
func Lookup(name string) (*Option, bool) {
	for _, t := range tables {
		if o, ok := t.Lookup(name); ok {
			return o, true
		}
	}
	return nil, false
}

// Canonical maps an alias in any table to the current name.
func Canonical(name string) string {
	if o, ok := Lookup(name); ok {
		return o.Name
	}
	return name
}

// Names lists every current option name of every table, sorted and
// without duplicates, for tab completion.
func Names() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tables {
		for _, n := range t.Names(false) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ParseBool reads a Pacemaker boolean: true, yes, on, y, 1 or false, no,
// off, n, 0, in any case.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "y", "1":
		return true, nil
	case "false", "no", "off", "n", "0":
		return false, nil
	}
	return false, fmt.Errorf("boolean %q: want true/yes/on/y/1 or false/no/off/n/0", s)
}

// IsTrue reports whether s is a true Pacemaker boolean; anything else,
// including text that is no boolean at all, is false (as Pacemaker reads
// an unset or malformed flag).
func IsTrue(s string) bool {
	b, _ := ParseBool(s)
	return b
}

// ErrUnknown is wrapped by the warning for an option name no table knows.
var ErrUnknown = errors.New("unknown option")

// Validate checks value against the option's type. It returns nil for a
// value Pacemaker would use as given.
func (o *Option) Validate(value string) error {
	if err := validate(o, value); err != nil {
		return fmt.Errorf("%s %s=%q: %w", o.Scope, o.Name, value, err)
	}
	return nil
}

func validate(o *Option, value string) error {
	v := strings.TrimSpace(value)
	switch o.Kind {
	case Boolean:
		_, err := ParseBool(v)
		if err != nil {
			return errors.New("not a boolean (true/yes/on/y/1, false/no/off/n/0)")
		}
	case Integer, NonNegInt, Port:
		n, err := strconv.ParseInt(v, 10, 32)
		switch {
		case err != nil:
			return errors.New("not an integer")
		case o.Kind == NonNegInt && n < 0:
			return errors.New("negative")
		case o.Kind == Port && (n < 0 || n > 65535):
			return errors.New("not a port number (0-65535)")
		}
	case ScoreKind:
		if _, err := score.Parse(v); err != nil {
			return errors.New("not a score (INFINITY, -INFINITY or an integer)")
		}
	case Duration:
		if _, err := iso8601.ParseInterval(v); err != nil {
			return errors.New("not a duration (like 10s, 5min, 1h or PT10S)")
		}
	case Enum:
		for _, a := range o.Allowed {
			if strings.EqualFold(a, v) {
				return nil
			}
		}
		return fmt.Errorf("not one of %s", strings.Join(o.Allowed, ", "))
	case Percentage:
		if _, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64); err != nil {
			return errors.New("not a percentage (like 80%)")
		}
	case Version:
		if v == "" || v[0] < '0' || v[0] > '9' {
			return errors.New("not a version (like 2.1.5)")
		}
	case DateTime:
		if _, err := iso8601.ParseTime(v, nil); err != nil {
			return errors.New("not an ISO 8601 date/time")
		}
	}
	return nil
}

// Problem is one finding about a set of option values.
type Problem struct {
	Name, Value string
	Err         error
	// Warning is true for findings Pacemaker only warns about (unknown
	// or deprecated names); false for values it cannot use (it falls
	// back to the default).
	Warning bool
}

func (p Problem) Error() string { return p.Err.Error() }

// Check reports unknown and deprecated names and invalid values in vals
// (name to value, as unpacked from the CIB).
func (t *Table) Check(vals map[string]string) []Problem {
	names := make([]string, 0, len(vals))
	for n := range vals {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Problem
	for _, n := range names {
		v := vals[n]
		o, ok := t.Lookup(n)
		if !ok {
			msg := fmt.Errorf("%s %q: %w", t.Scope, n, ErrUnknown)
			if s := t.suggest(n); s != "" {
				msg = fmt.Errorf("%s %q: %w (did you mean %s?)", t.Scope, n, ErrUnknown, s)
			}
			out = append(out, Problem{Name: n, Value: v, Err: msg, Warning: true})
			continue
		}
		if o.Deprecated != "" {
			out = append(out, Problem{Name: n, Value: v, Warning: true,
				Err: fmt.Errorf("%s %s is deprecated: %s", t.Scope, n, o.Deprecated)})
		}
		if err := o.Validate(v); err != nil {
			out = append(out, Problem{Name: n, Value: v, Err: err})
		}
	}
	return out
}

// suggest finds a known name one small typo away from n.
func (t *Table) suggest(n string) string {
	best, bestD := "", 3
	for name := range t.byName {
		if d := distance(n, name); d < bestD || (d == bestD && name < best) {
			best, bestD = name, d
		}
	}
	if bestD > 2 {
		return ""
	}
	return t.Canonical(best)
}

// distance is the Levenshtein distance, capped cheaply for long strings.
func distance(a, b string) int {
	if abs(len(a)-len(b)) > 2 {
		return 3
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Values is a set of option values of one scope with typed access. Names
// are canonicalised; when both a current name and an old alias are set,
// the current name wins. Invalid values read as the default, as in
// Pacemaker (Check reports them).
type Values struct {
	t    *Table
	vals map[string]string
}

// Bind canonicalises vals (as unpacked from the CIB) against the table.
func (t *Table) Bind(vals map[string]string) Values {
	out := Values{t: t, vals: map[string]string{}}
	for n, v := range vals {
		c := t.Canonical(n)
		if _, set := out.vals[c]; set && c != n {
			continue // the alias loses to the current name
		}
		out.vals[c] = v
	}
	return out
}

func (v Values) option(name string) *Option {
	o, ok := v.t.Lookup(name)
	if !ok {
		panic(fmt.Sprintf("options: %s %q is not in the table", v.t.Scope, name))
	}
	return o
}

// Raw returns the value as set (under any of the option's names) and
// whether it was set. Unknown names are looked up as they are.
func (v Values) Raw(name string) (string, bool) {
	s, ok := v.vals[v.t.Canonical(name)]
	return s, ok
}

// String returns the value, or the default when unset or invalid.
func (v Values) String(name string) string {
	o := v.option(name)
	if s, ok := v.vals[o.Name]; ok && validate(o, s) == nil {
		if o.Kind == Enum {
			return canonicalEnum(o, s)
		}
		return strings.TrimSpace(s)
	}
	return o.Default
}

func canonicalEnum(o *Option, s string) string {
	for _, a := range o.Allowed {
		if strings.EqualFold(a, strings.TrimSpace(s)) {
			return a
		}
	}
	return s
}

// Bool returns a boolean option's value.
func (v Values) Bool(name string) bool {
	b, _ := ParseBool(v.String(name))
	return b
}

// Int returns an integer option's value (0 when it has no default).
func (v Values) Int(name string) int64 {
	n, _ := strconv.ParseInt(v.String(name), 10, 64)
	return n
}

// Score returns a score option's value.
func (v Values) Score(name string) score.Score {
	s, _ := score.Parse(v.String(name))
	return s
}

// Duration returns a duration option's value.
func (v Values) Duration(name string) time.Duration {
	d, _ := iso8601.ParseInterval(v.String(name))
	return d
}

// Percentage returns a percentage option's value (80% reads as 80).
func (v Values) Percentage(name string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSuffix(v.String(name), "%"), 64)
	return f
}

// Health gives the node-health aliases red, yellow and green their scores
// under the configured node-health-strategy, as Pacemaker does: with
// "none" they are all 0; migrate-on-red makes red -INFINITY; only-green
// makes red and yellow -INFINITY; progressive and custom use the
// node-health-red/yellow/green options.
func (v Values) Health() score.Health {
	switch v.String("node-health-strategy") {
	case "migrate-on-red":
		return score.Health{Red: score.MinusInfinity}
	case "only-green":
		return score.Health{Red: score.MinusInfinity, Yellow: score.MinusInfinity}
	case "progressive", "custom":
		return score.Health{Red: v.Score("node-health-red"), Yellow: v.Score("node-health-yellow"),
			Green: v.Score("node-health-green")}
	}
	return score.DefaultHealth
}
