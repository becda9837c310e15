package lrm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Agent classes (Pacemaker calls them "standards").
const (
	ClassOCF     = "ocf"
	ClassLSB     = "lsb"
	ClassSystemd = "systemd"
	ClassService = "service"
	ClassStonith = "stonith"
)

// Agent names one resource agent: ocf:PROVIDER:TYPE, lsb:NAME,
// systemd:UNIT, service:NAME or stonith:fence_X.
type Agent struct {
	Class    string
	Provider string // ocf only
	Type     string
}

func (a Agent) String() string {
	if a.Class == ClassOCF {
		return a.Class + ":" + a.Provider + ":" + a.Type
	}
	return a.Class + ":" + a.Type
}

// Classes lists the agent classes Pacer can run, in the order
// crm_resource --list-standards prints them.
func Classes() []string {
	return []string{ClassOCF, ClassLSB, ClassService, ClassSystemd, ClassStonith}
}

// ErrUnknownAgent is wrapped by lookups of agents that do not exist.
var ErrUnknownAgent = errors.New("no such agent")

// ParseAgent parses an agent spec. A bare fence_X is taken as stonith:fence_X
// since that is how fence devices are usually written. Names must not be
// able to escape their directory: no "/", no "..", no leading dot.
func ParseAgent(spec string) (Agent, error) {
	if spec == "" {
		return Agent{}, errors.New("empty agent name")
	}
	parts := strings.Split(spec, ":")
	var a Agent
	switch {
	case len(parts) == 1 && strings.HasPrefix(spec, "fence_"):
		a = Agent{Class: ClassStonith, Type: spec}
	case len(parts) == 1:
		return Agent{}, fmt.Errorf("agent %q: want CLASS:TYPE or ocf:PROVIDER:TYPE", spec)
	case parts[0] == ClassOCF:
		if len(parts) != 3 {
			return Agent{}, fmt.Errorf("agent %q: an ocf agent is ocf:PROVIDER:TYPE", spec)
		}
		a = Agent{Class: ClassOCF, Provider: parts[1], Type: parts[2]}
		if err := checkName("provider", a.Provider); err != nil {
			return Agent{}, fmt.Errorf("agent %q: %w", spec, err)
		}
	case len(parts) != 2:
		return Agent{}, fmt.Errorf("agent %q: only ocf agents have a provider", spec)
	case slices.Contains(Classes(), parts[0]):
		a = Agent{Class: parts[0], Type: parts[1]}
	default:
		return Agent{}, fmt.Errorf("agent %q: unknown class %q (known: %s)", spec, parts[0], strings.Join(Classes(), ", "))
	}
	if err := checkName("type", a.Type); err != nil {
		return Agent{}, fmt.Errorf("agent %q: %w", spec, err)
	}
	if a.Class == ClassStonith && !strings.HasPrefix(a.Type, "fence_") {
		return Agent{}, fmt.Errorf("agent %q: fence agents are named fence_*", spec)
	}
	return a, nil
}

func checkName(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("empty %s", what)
	case strings.ContainsAny(s, "/\x00") || s == "." || s == ".." || strings.HasPrefix(s, "."):
		return fmt.Errorf("invalid %s %q", what, s)
	}
	return nil
}

// Locator knows where agents live. The zero value is not useful; use
// DefaultLocator or fill every field.
type Locator struct {
	OCFRoot     string   // $OCF_ROOT, default /usr/lib/ocf
	LSBDir      string   // /etc/init.d
	FenceDirs   []string // where fence_* agents live (Pacemaker: /usr/sbin)
	SystemdDirs []string // unit directories, for listing without D-Bus
}

// DefaultLocator follows the environment: OCF_ROOT, and PACER_FENCE_PATH (a
// colon-separated list) so that tests and sandboxes can add fence agents of
// their own.
func DefaultLocator() Locator {
	l := Locator{
		OCFRoot:   "/usr/lib/ocf",
		LSBDir:    "/etc/init.d",
		FenceDirs: []string{"/usr/sbin", "/sbin", "/usr/local/sbin"},
		SystemdDirs: []string{"/etc/systemd/system", "/run/systemd/system",
			"/usr/local/lib/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"},
	}
	if r := os.Getenv("OCF_ROOT"); r != "" {
		l.OCFRoot = r
	}
	if p := os.Getenv("PACER_FENCE_PATH"); p != "" {
		l.FenceDirs = append(filepath.SplitList(p), l.FenceDirs...)
	}
	return l
}

// Path is the executable behind a script-based agent. It checks existence
// only; whether it can be executed is found out by running it.
func (l Locator) Path(a Agent) (string, error) {
	var cands []string
	switch a.Class {
	case ClassOCF:
		cands = []string{filepath.Join(l.OCFRoot, "resource.d", a.Provider, a.Type)}
	case ClassLSB, ClassService:
		cands = []string{filepath.Join(l.LSBDir, a.Type)}
	case ClassStonith:
		for _, d := range l.FenceDirs {
			cands = append(cands, filepath.Join(d, a.Type))
		}
	default:
		return "", fmt.Errorf("agent %s has no executable", a)
	}
	for _, p := range cands {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("agent %s: %w (looked at %s)", a, ErrUnknownAgent, strings.Join(cands, ", "))
}

// Providers lists the OCF providers under $OCF_ROOT/resource.d.
func (l Locator) Providers() []string {
	ents, err := os.ReadDir(filepath.Join(l.OCFRoot, "resource.d"))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// executables lists regular executable files in dir, sorted; one stat per
// entry, no process: completion calls this on every TAB.
func executables(dir string, keep func(string) bool) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".") || (keep != nil && !keep(n)) {
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, n)) // follows symlinks
		if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
			continue
		}
		out = append(out, n)
	}
	return out
}

// lsbNotScripts are files every /etc/init.d carries that are not services.
var lsbNotScripts = map[string]bool{"README": true, "skeleton": true, "rc": true, "rcS": true, "functions": true}

// List lists the agents of a class (and, for ocf, optionally one provider).
// For ocf without a provider the result is "provider:type" pairs' types,
// de-duplicated, as crm ra list shows them. systemd units come from the unit
// directories rather than D-Bus so that listing works (and is quick) with no
// systemd running.
func (l Locator) List(class, provider string) ([]string, error) {
	var out []string
	switch class {
	case ClassOCF:
		provs := l.Providers()
		if provider != "" {
			if !slices.Contains(provs, provider) {
				return nil, fmt.Errorf("ocf provider %q: %w under %s", provider, ErrUnknownAgent, filepath.Join(l.OCFRoot, "resource.d"))
			}
			provs = []string{provider}
		}
		for _, p := range provs {
			out = append(out, executables(filepath.Join(l.OCFRoot, "resource.d", p), nil)...)
		}
	case ClassLSB:
		out = l.lsbList()
	case ClassSystemd:
		out = l.unitList()
	case ClassService:
		out = append(l.lsbList(), l.unitList()...)
	case ClassStonith:
		for _, d := range l.FenceDirs {
			out = append(out, executables(d, func(n string) bool { return strings.HasPrefix(n, "fence_") })...)
		}
	default:
		return nil, fmt.Errorf("unknown agent class %q (known: %s)", class, strings.Join(Classes(), ", "))
	}
	if provider != "" && class != ClassOCF {
		return nil, fmt.Errorf("class %s has no providers", class)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func (l Locator) lsbList() []string {
	return executables(l.LSBDir, func(n string) bool { return !lsbNotScripts[n] })
}

// unitList lists service units by file name, dropping the .service suffix
// as Pacemaker does; template units (foo@.service) cannot be run as such.
func (l Locator) unitList() []string {
	var out []string
	for _, d := range l.SystemdDirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if strings.HasSuffix(n, ".service") && !strings.HasSuffix(n, "@.service") {
				out = append(out, strings.TrimSuffix(n, ".service"))
			}
		}
	}
	return out
}

// ListAgents lists agents of a class using DefaultLocator (completion and
// `pacer ra list`).
func ListAgents(class, provider string) ([]string, error) {
	return DefaultLocator().List(class, provider)
}

// Providers lists OCF providers using DefaultLocator.
func Providers() []string { return DefaultLocator().Providers() }

// CompleteAgent completes a partly typed agent spec for the shell: "" and
// "o" give classes ("ocf:"), "ocf:" gives providers ("ocf:heartbeat:"),
// "ocf:heartbeat:IP" gives agents ("ocf:heartbeat:IPaddr2"), "lsb:c" gives
// scripts. Results are full specs, sorted; directory listings only.
func (l Locator) CompleteAgent(prefix string) []string {
	var cands []string
	class, rest, hasColon := strings.Cut(prefix, ":")
	switch {
	case !hasColon:
		for _, c := range Classes() {
			cands = append(cands, c+":")
		}
		if strings.HasPrefix(prefix, "f") {
			names, _ := l.List(ClassStonith, "")
			cands = append(cands, names...)
		}
	case class == ClassOCF:
		prov, _, hasProv := strings.Cut(rest, ":")
		if !hasProv {
			for _, p := range l.Providers() {
				cands = append(cands, "ocf:"+p+":")
			}
			break
		}
		names, _ := l.List(ClassOCF, prov)
		for _, n := range names {
			cands = append(cands, "ocf:"+prov+":"+n)
		}
	default:
		names, err := l.List(class, "")
		if err != nil {
			return nil
		}
		for _, n := range names {
			cands = append(cands, class+":"+n)
		}
	}
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// CompleteAgent completes an agent spec using DefaultLocator.
func CompleteAgent(prefix string) []string { return DefaultLocator().CompleteAgent(prefix) }
