package lrm

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
)

// AgentMeta is an agent's meta-data: what `pacer ra info` shows and what
// the shell completes parameter names from.
type AgentMeta struct {
	Agent      string      `json:"agent"`
	Name       string      `json:"name"`
	Version    string      `json:"version,omitempty"`
	ShortDesc  string      `json:"shortdesc,omitempty"`
	LongDesc   string      `json:"longdesc,omitempty"`
	Parameters []Parameter `json:"parameters"`
	Actions    []Action    `json:"actions"`
	// Synthesized is true when the agent has no meta-data action of its
	// own (LSB, systemd) and Pacer made it up, as Pacemaker does.
	Synthesized bool `json:"synthesized,omitempty"`
}

type Parameter struct {
	Name       string   `json:"name"`
	ShortDesc  string   `json:"shortdesc,omitempty"`
	LongDesc   string   `json:"longdesc,omitempty"`
	Type       string   `json:"type,omitempty"`
	Default    string   `json:"default,omitempty"`
	Required   bool     `json:"required,omitempty"`
	Unique     bool     `json:"unique,omitempty"`
	Deprecated bool     `json:"deprecated,omitempty"`
	Options    []string `json:"options,omitempty"` // values of a select type
}

type Action struct {
	Name     string `json:"name"`
	Timeout  string `json:"timeout,omitempty"`
	Interval string `json:"interval,omitempty"`
	Depth    string `json:"depth,omitempty"`
	Role     string `json:"role,omitempty"`
}

// Param finds a parameter by name.
func (m *AgentMeta) Param(name string) (Parameter, bool) {
	for _, p := range m.Parameters {
		if p.Name == name {
			return p, true
		}
	}
	return Parameter{}, false
}

// Action finds an action by name (the first, if the agent lists several
// monitor variants).
func (m *AgentMeta) Action(name string) (Action, bool) {
	for _, a := range m.Actions {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

type xmlDesc struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

type xmlMeta struct {
	XMLName  xml.Name  `xml:"resource-agent"`
	Name     string    `xml:"name,attr"`
	VersionA string    `xml:"version,attr"`
	Version  string    `xml:"version"`
	Long     []xmlDesc `xml:"longdesc"`
	Short    []xmlDesc `xml:"shortdesc"`
	// Fence agents give their short description as an attribute.
	ShortAttr string `xml:"shortdesc,attr"`
	Params    []struct {
		Name        string    `xml:"name,attr"`
		Required    string    `xml:"required,attr"`
		Unique      string    `xml:"unique,attr"`
		Deprecated  string    `xml:"deprecated,attr"`
		Long        []xmlDesc `xml:"longdesc"`
		Short       []xmlDesc `xml:"shortdesc"`
		Deprecated2 *struct{} `xml:"deprecated"` // OCF 1.1 element form
		Content     struct {
			Type    string `xml:"type,attr"`
			Default string `xml:"default,attr"`
			Options []struct {
				Value string `xml:"value,attr"`
			} `xml:"option"`
		} `xml:"content"`
	} `xml:"parameters>parameter"`
	Actions []struct {
		Name     string `xml:"name,attr"`
		Timeout  string `xml:"timeout,attr"`
		Interval string `xml:"interval,attr"`
		Depth    string `xml:"depth,attr"`
		Role     string `xml:"role,attr"`
	} `xml:"actions>action"`
}

// pickDesc prefers English and collapses the indentation agents put into
// their XML.
func pickDesc(ds []xmlDesc) string {
	if len(ds) == 0 {
		return ""
	}
	d := ds[0]
	for _, x := range ds {
		if x.Lang == "en" {
			d = x
			break
		}
	}
	return strings.TrimSpace(d.Text)
}

func truthy(s string) bool { return s == "1" || s == "true" || s == "yes" }

// ParseMeta parses an agent's meta-data XML. Errors name the agent and, for
// syntax errors, the line.
func ParseMeta(agent string, data []byte) (*AgentMeta, error) {
	var x xmlMeta
	dec := xml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&x); err != nil {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, fmt.Errorf("meta-data of %s: agent printed nothing", agent)
		}
		return nil, fmt.Errorf("meta-data of %s: not resource-agent XML: %w", agent, err)
	}
	m := &AgentMeta{Agent: agent, Name: x.Name, Version: strings.TrimSpace(x.Version),
		ShortDesc: pickDesc(x.Short), LongDesc: pickDesc(x.Long)}
	if m.Version == "" {
		m.Version = x.VersionA
	}
	if m.ShortDesc == "" {
		m.ShortDesc = strings.TrimSpace(x.ShortAttr)
	}
	for _, p := range x.Params {
		if p.Name == "" {
			return nil, fmt.Errorf("meta-data of %s: parameter without a name", agent)
		}
		pp := Parameter{Name: p.Name, ShortDesc: pickDesc(p.Short), LongDesc: pickDesc(p.Long),
			Type: p.Content.Type, Default: p.Content.Default, Required: truthy(p.Required),
			Unique: truthy(p.Unique), Deprecated: truthy(p.Deprecated) || p.Deprecated2 != nil}
		for _, o := range p.Content.Options {
			pp.Options = append(pp.Options, o.Value)
		}
		m.Parameters = append(m.Parameters, pp)
	}
	for _, a := range x.Actions {
		m.Actions = append(m.Actions, Action{Name: a.Name, Timeout: a.Timeout, Interval: a.Interval, Depth: a.Depth, Role: a.Role})
	}
	return m, nil
}

// lsbMeta builds meta-data from an init script's LSB header
// (### BEGIN INIT INFO), the way Pacemaker presents LSB agents.
func lsbMeta(agent, path string) (*AgentMeta, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("meta-data of %s: %w", agent, err)
	}
	defer f.Close()
	m := &AgentMeta{Agent: agent, Name: strings.TrimPrefix(agent, "lsb:"), Version: "1.0", Synthesized: true}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	in, inDesc := false, false
	for n := 0; sc.Scan() && n < 2000; n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "### BEGIN INIT INFO"):
			in = true
			continue
		case strings.HasPrefix(line, "### END INIT INFO"):
			in = false
		}
		if !in {
			continue
		}
		body, ok := strings.CutPrefix(line, "#")
		if !ok {
			continue
		}
		// Continuation lines of Description start with "#" plus whitespace.
		if inDesc && (strings.HasPrefix(body, "\t") || strings.HasPrefix(body, "  ")) {
			m.LongDesc += " " + strings.TrimSpace(body)
			continue
		}
		inDesc = false
		k, v, ok := strings.Cut(strings.TrimSpace(body), ":")
		if !ok {
			continue
		}
		switch k {
		case "Short-Description":
			m.ShortDesc = strings.TrimSpace(v)
		case "Description":
			m.LongDesc = strings.TrimSpace(v)
			inDesc = true
		}
	}
	if m.LongDesc == "" {
		m.LongDesc = m.ShortDesc
	}
	m.Actions = []Action{
		{Name: "meta-data", Timeout: "5s"}, {Name: "start", Timeout: "15s"}, {Name: "stop", Timeout: "15s"},
		{Name: "status", Timeout: "15s"}, {Name: "restart", Timeout: "15s"}, {Name: "force-reload", Timeout: "15s"},
		{Name: "monitor", Timeout: "15s", Interval: "15s"},
	}
	return m, nil
}

// systemdMeta is the meta-data Pacemaker presents for a unit: no
// parameters, standard actions with systemd's default timeouts.
func systemdMeta(agent, desc string) *AgentMeta {
	name := agent[strings.IndexByte(agent, ':')+1:]
	if desc == "" {
		desc = "systemd unit file for " + name
	}
	return &AgentMeta{Agent: agent, Name: name, Version: "1.0", Synthesized: true,
		ShortDesc: desc, LongDesc: "Cluster controlled systemd unit " + name + ": " + desc,
		Actions: []Action{
			{Name: "start", Timeout: "100s"}, {Name: "stop", Timeout: "100s"},
			{Name: "status", Timeout: "100s"}, {Name: "monitor", Timeout: "100s", Interval: "60s"},
			{Name: "meta-data", Timeout: "5s"},
		}}
}
