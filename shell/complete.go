package shell

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"pacer/lrm"
	"pacer/lrm/racmd"
	"pacer/share/options"
	"pacer/shell/crm"

	"pacer/share/xmltree"
)

// completer adapts the command tree's completion to readline.
type completer struct {
	s *session
	// hint prints a line of help above the prompt (after "ip=" Tab).
	hint func(string)
}

// Do returns what to insert for each candidate and how many characters of
// the line (the partial word) they complete.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	cands, word := c.s.complete(string(line[:pos]))
	if h := c.s.takeHint(); h != "" && c.hint != nil {
		c.hint(h)
	}
	out := make([][]rune, 0, len(cands))
	for _, cand := range cands {
		suffix := cand[len(word):]
		if !strings.HasSuffix(cand, ":") && !strings.HasSuffix(cand, "=") && !strings.HasSuffix(cand, "/") {
			suffix += " "
		}
		out = append(out, []rune(suffix))
	}
	return out, len([]rune(word))
}

// complete is the shell's completion of a line at the current level.
func (s *session) complete(line string) ([]string, string) {
	cands, word := s.tree.Complete(s.level, line)
	sort.Strings(cands)
	return cands, word
}

var hintMu sync.Mutex

func (s *session) setHint(h string) {
	hintMu.Lock()
	s.hint = h
	hintMu.Unlock()
}

func (s *session) takeHint() string {
	hintMu.Lock()
	defer hintMu.Unlock()
	h := s.hint
	s.hint = ""
	return h
}

// compDoc is the CIB completion reads ids and names from, cached briefly:
// a Tab must not cost a daemon round trip each time.
func (s *session) compDoc() *xmltree.Document {
	if s.work != nil {
		return s.work
	}
	if s.compCache != nil && time.Since(s.compCacheAt) < 3*time.Second {
		return s.compCache
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	be, err := s.backend()
	if err != nil {
		return nil
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return nil
	}
	s.compCache, s.compCacheAt = doc, time.Now()
	return doc
}

func completeWords(words ...string) func([]string, string) []string {
	return func(args []string, word string) []string { return words }
}

func completeFirst(words ...string) func([]string, string) []string {
	return func(args []string, word string) []string {
		if len(args) == 0 {
			return words
		}
		return nil
	}
}

func (s *session) resourceIDs() []string {
	doc := s.compDoc()
	if doc == nil || doc.Root.Child("configuration") == nil {
		return nil
	}
	return resourceIDs(doc.Root.Child("configuration"))
}

func (s *session) nodeNames() []string {
	doc := s.compDoc()
	if doc == nil {
		return nil
	}
	return nodeNames(doc)
}

func (s *session) completeResources() func([]string, string) []string {
	return func(args []string, word string) []string { return s.resourceIDs() }
}

func (s *session) completeResourceNode() func([]string, string) []string {
	return func(args []string, word string) []string {
		switch len(args) {
		case 0:
			return s.resourceIDs()
		case 1:
			return s.nodeNames()
		}
		return nil
	}
}

func (s *session) completeNodes(extra ...string) func([]string, string) []string {
	return func(args []string, word string) []string {
		if len(args) == 0 {
			return append(s.nodeNames(), extra...)
		}
		return extra
	}
}

func (s *session) completeIDs(extra ...string) func([]string, string) []string {
	return func(args []string, word string) []string {
		out := append([]string(nil), extra...)
		doc := s.compDoc()
		if doc == nil || doc.Root.Child("configuration") == nil {
			return out
		}
		cfg := doc.Root.Child("configuration")
		out = append(out, keys(objectIndex(cfg))...)
		out = append(out, resourceIDs(cfg)...)
		if strings.HasPrefix(word, "type:") {
			for _, k := range []string{"primitive", "group", "clone", "ms", "location", "colocation", "order", "property", "node", "tag", "rsc_ticket"} {
				out = append(out, "type:"+k)
			}
		}
		return out
	}
}

// completeAttrCmd: RSC set|delete|show [NODE] NAME.
func (s *session) completeAttrCmd(failcount bool) func([]string, string) []string {
	return func(args []string, word string) []string {
		switch {
		case len(args) == 0:
			return s.resourceIDs()
		case len(args) == 1:
			return []string{"set", "delete", "show"}
		case len(args) == 2 && failcount:
			return s.nodeNames()
		case len(args) == 2:
			return append(s.rscAttrNames(args[0]), metaNames(nil)...)
		}
		return nil
	}
}

func (s *session) rscAttrNames(rsc string) []string {
	doc := s.compDoc()
	if doc == nil {
		return nil
	}
	r := findResource(configuration(doc), rsc)
	if r == nil {
		return nil
	}
	var out []string
	r.Walk(func(e *xmltree.Element) bool {
		if e.Name == "nvpair" {
			out = append(out, e.Attr("name"))
		}
		return true
	})
	return out
}

func (s *session) completeNodeAttrCmd() func([]string, string) []string {
	return func(args []string, word string) []string {
		switch len(args) {
		case 0:
			return s.nodeNames()
		case 1:
			return []string{"set", "delete", "show"}
		case 2:
			return []string{"standby", "maintenance"}
		}
		return nil
	}
}

func (s *session) completeShadows(extra ...string) func([]string, string) []string {
	return func(args []string, word string) []string {
		if len(args) > 0 {
			return nil
		}
		return append(shadowNames(), extra...)
	}
}

func (s *session) completeHelp(args []string, word string) []string {
	cands, _ := s.tree.Complete(s.level, strings.Join(append(args, word), " "))
	return cands
}

func (s *session) completeCd(args []string, word string) []string {
	if len(args) > 0 {
		return nil
	}
	var out []string
	if s.level.Parent != nil {
		out = append(out, "..")
	}
	for _, c := range s.level.Sub {
		if c.IsLevel() {
			out = append(out, c.Name)
		}
	}
	if s.level != s.tree.Root {
		for _, c := range s.tree.Root.Sub {
			if c.IsLevel() {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

func completeRAList(args []string, word string) []string {
	if len(args) == 1 && args[0] == lrm.ClassOCF {
		return agentCache.providers() // crmsh's "ra list ocf heartbeat"
	}
	if len(args) > 0 {
		return nil
	}
	out := []string{}
	for _, c := range lrm.Classes() {
		out = append(out, c)
		if c == lrm.ClassOCF {
			for _, p := range agentCache.providers() {
				out = append(out, "ocf:"+p)
			}
		}
	}
	return out
}

func (s *session) completeAgentArg() func([]string, string) []string {
	return func(args []string, word string) []string {
		var pos []string
		for _, a := range args {
			if !strings.HasPrefix(a, "-") && a != "json" {
				pos = append(pos, a)
			}
		}
		if len(pos) == 0 {
			return completeAgent(word)
		}
		return nil
	}
}

func (s *session) completeRARun() func([]string, string) []string {
	return func(args []string, word string) []string {
		switch len(args) {
		case 0:
			return completeAgent(word)
		case 1:
			if m := agentMeta(args[0]); m != nil {
				var out []string
				for _, a := range m.Actions {
					out = append(out, a.Name)
				}
				return out
			}
			return []string{"start", "stop", "monitor", "meta-data", "validate-all"}
		}
		return s.paramCandidates(args[0], args[2:], word)
	}
}

// agentCache keeps directory listings of agents for the session: the first
// Tab reads a directory (no process per agent, unlike crmsh), later ones
// are free.
var agentCache = &agentLists{lists: map[string][]string{}, meta: map[string]*lrm.AgentMeta{}}

type agentLists struct {
	mu    sync.Mutex
	provs []string
	lists map[string][]string
	meta  map[string]*lrm.AgentMeta
}

func (a *agentLists) providers() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.provs == nil {
		a.provs = lrm.Providers()
		sort.Strings(a.provs)
	}
	return a.provs
}

func (a *agentLists) list(class, provider string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := class + ":" + provider
	if l, ok := a.lists[k]; ok {
		return l
	}
	l, _ := lrm.ListAgents(class, provider)
	a.lists[k] = l
	return l
}

// agentMeta returns an agent's meta-data, cached; nil when unknown.
func agentMeta(agent string) *lrm.AgentMeta {
	agent = normalizeAgent(agent)
	agentCache.mu.Lock()
	m, ok := agentCache.meta[agent]
	agentCache.mu.Unlock()
	if ok {
		return m
	}
	m, err := lrm.Metadata(agent)
	if err != nil {
		m = nil
	}
	agentCache.mu.Lock()
	agentCache.meta[agent] = m
	agentCache.mu.Unlock()
	return m
}

// normalizeAgent turns crm's short forms into full names (racmd.AgentSpec).
func normalizeAgent(a string) string { return racmd.AgentSpec(a) }

// completeAgent completes agent names one level per Tab: the classes
// ("ocf:"), then an OCF class's providers ("ocf:heartbeat:"), then types.
// A word without a colon also matches ocf:heartbeat types and fence agents,
// which crm syntax accepts bare.
func completeAgent(word string) []string {
	parts := strings.Split(word, ":")
	switch len(parts) {
	case 1:
		var out []string
		classMatch := false
		for _, c := range lrm.Classes() {
			out = append(out, c+":")
			classMatch = classMatch || strings.HasPrefix(c, word)
		}
		// Bare types only once no class fits, so "oc" Tab gives "ocf:".
		if word != "" && !classMatch {
			out = append(out, agentCache.list(lrm.ClassOCF, "heartbeat")...)
			if strings.HasPrefix(word, "fence_") {
				out = append(out, agentCache.list(lrm.ClassStonith, "")...)
			}
		}
		return out
	case 2:
		if parts[0] == lrm.ClassOCF {
			var out []string
			for _, p := range agentCache.providers() {
				out = append(out, "ocf:"+p+":")
			}
			return out
		}
		var out []string
		for _, t := range agentCache.list(parts[0], "") {
			out = append(out, parts[0]+":"+t)
		}
		return out
	case 3:
		if parts[0] != lrm.ClassOCF {
			return nil
		}
		var out []string
		for _, t := range agentCache.list(lrm.ClassOCF, parts[1]) {
			out = append(out, "ocf:"+parts[1]+":"+t)
		}
		return out
	}
	return nil
}

// Option names come from the options tables (Pacemaker Explained).

var opAttrs = func() []string {
	var out []string
	for _, n := range options.OperationOptions.Names(false) {
		out = append(out, n+"=")
	}
	return append(out, "OCF_CHECK_LEVEL=")
}()

// metaNames are resource meta-attributes: clone ones only for clones.
func metaNames(kind *string) []string {
	clone := kind != nil && (*kind == "clone" || *kind == "ms")
	var out []string
	for _, o := range options.ResourceMeta.Options() {
		if o.Deprecated != "" || (o.CloneOnly && !clone) {
			continue
		}
		out = append(out, o.Name)
	}
	return out
}

var primitiveMeta = metaNames(nil)

var clusterOptions = options.ClusterOptions.Names(false)

// completeObject completes the crm statements of the configure level.
func (s *session) completeObject(kind string) func([]string, string) []string {
	return func(args []string, word string) []string {
		switch kind {
		case "primitive", "rsc_template":
			if len(args) == 0 {
				return nil
			}
			if len(args) == 1 {
				return completeAgent(word)
			}
			return s.primitiveTail(args[1], args[2:], word)
		case "group":
			if len(args) == 0 {
				return nil
			}
			if sec := lastKeyword(args, "meta", "params"); sec != "" {
				return withEq(metaNames(nil), usedNames(args))
			}
			return append(s.freeResources(args), "meta", "params")
		case "clone", "ms":
			switch {
			case len(args) == 0:
				return nil
			case len(args) == 1:
				return s.freeResources(args)
			}
			if lastKeyword(args, "meta", "params") != "" {
				return withEq(metaNames(&kind), usedNames(args))
			}
			return []string{"meta", "params"}
		case "location":
			switch len(args) {
			case 0:
				return nil
			case 1:
				return s.resourceIDs()
			case 2:
				return []string{"inf:", "-inf:", "rule"}
			case 3:
				if args[2] == "rule" {
					return []string{"inf:", "-inf:", "$role="}
				}
				return s.nodeNames()
			}
			if slices.Contains(args, "rule") {
				kw := crm.Keywords()
				out := []string{"#uname", "#id", "#kind", "#cluster-name", "#site-name", "#role"}
				out = append(out, kw.RuleOps...)
				out = append(out, kw.After["rule"]...)
				out = append(out, s.nodeAttrNames()...)
				return append(out, s.nodeNames()...)
			}
			return []string{"resource-discovery="}
		case "colocation", "collocation":
			switch len(args) {
			case 0:
				return nil
			case 1:
				return []string{"inf:", "-inf:"}
			}
			return s.resourceIDs()
		case "order":
			switch len(args) {
			case 0:
				return nil
			case 1:
				return append([]string{"Mandatory:", "Optional:", "Serialize:"}, s.resourceIDs()...)
			}
			return append(s.resourceIDs(), "symmetrical=")
		case "rsc_ticket":
			if len(args) >= 2 {
				return append(s.resourceIDs(), "loss-policy=")
			}
			return nil
		case "property":
			if name, _, ok := strings.Cut(word, "="); ok {
				return s.optionValues(options.ClusterOptions, name)
			}
			return withEq(clusterOptions, usedNames(args))
		case "rsc_defaults":
			return withEq(metaNames(nil), usedNames(args))
		case "op_defaults":
			return withoutUsed(opAttrs, usedNames(args))
		case "tag":
			if len(args) >= 1 {
				return s.resourceIDs()
			}
		case "node":
			if len(args) == 0 {
				return s.nodeNames()
			}
			return []string{"attributes", "utilization"}
		case "fencing_topology":
			return append(s.nodeNames(), s.resourceIDs()...)
		}
		return nil
	}
}

// optionValues offers an enum option's allowed values after "NAME=", and
// shows the option's one-line description.
func (s *session) optionValues(t *options.Table, name string) []string {
	o, ok := t.Lookup(name)
	if !ok {
		return nil
	}
	hint := name + ": " + o.Desc
	if o.Default != "" {
		hint += " (default " + o.Default + ")"
	}
	s.setHint(hint)
	var out []string
	for _, v := range o.Allowed {
		out = append(out, name+"="+v)
	}
	return out
}

// nodeAttrNames are the node attribute names in use (rules test them).
func (s *session) nodeAttrNames() []string {
	doc := s.compDoc()
	if doc == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, sec := range []string{"configuration", "status"} {
		if e := doc.Root.Child(sec); e != nil {
			e.Walk(func(x *xmltree.Element) bool {
				if x.Name == "resources" || x.Name == "lrm" || x.Name == "constraints" || x.Name == "crm_config" {
					return false
				}
				if x.Name == "nvpair" && !seen[x.Attr("name")] && !strings.HasPrefix(x.Attr("name"), "fail-count-") && !strings.HasPrefix(x.Attr("name"), "last-failure-") {
					seen[x.Attr("name")] = true
					out = append(out, x.Attr("name"))
				}
				return true
			})
		}
	}
	return out
}

// freeResources are primitives not yet inside a group or clone, and not
// already named on the line.
func (s *session) freeResources(args []string) []string {
	doc := s.compDoc()
	if doc == nil {
		return nil
	}
	rs := configuration(doc).Child("resources")
	var out []string
	for _, r := range rs.Children {
		if isResource(r) && r.Name != "template" && !slices.Contains(args, r.ID()) {
			out = append(out, r.ID())
		}
	}
	return out
}

// lastKeyword is the last of kws among args, "" if none.
func lastKeyword(args []string, kws ...string) string {
	for i := len(args) - 1; i >= 0; i-- {
		if slices.Contains(kws, args[i]) {
			return args[i]
		}
	}
	return ""
}

// usedNames are the NAMEs of NAME=VALUE words.
func usedNames(args []string) map[string]bool {
	out := map[string]bool{}
	for _, a := range args {
		if k, _, ok := strings.Cut(a, "="); ok {
			out[k] = true
		}
	}
	return out
}

func withEq(names []string, used map[string]bool) []string {
	var out []string
	for _, n := range names {
		if !used[n] {
			out = append(out, n+"=")
		}
	}
	return out
}

func withoutUsed(names []string, used map[string]bool) []string {
	var out []string
	for _, n := range names {
		if !used[strings.TrimSuffix(n, "=")] {
			out = append(out, n)
		}
	}
	return out
}

// primitiveTail completes what follows the agent of a primitive:
// keywords, parameter names from the agent's meta-data (used ones dropped),
// meta-attributes, and after "op" the agent's actions and their advised
// interval and timeout.
func (s *session) primitiveTail(agent string, rest []string, word string) []string {
	sec := ""
	secStart := 0
	for i, a := range rest {
		switch a {
		case "params", "meta", "utilization", "op":
			sec, secStart = a, i+1
		}
	}
	keywords := []string{"params", "meta", "utilization", "op"}
	switch sec {
	case "params":
		return append(s.paramCandidates(agent, rest[secStart:], word), keywords...)
	case "meta":
		if strings.Contains(word, "=") {
			return nil
		}
		return append(withEq(primitiveMeta, usedNames(rest[secStart:])), keywords...)
	case "utilization":
		return keywords
	case "op":
		opArgs := rest[secStart:]
		m := agentMeta(agent)
		if len(opArgs) == 0 {
			if m == nil {
				return []string{"start", "stop", "monitor", "promote", "demote", "notify", "migrate_to", "migrate_from"}
			}
			var out []string
			for _, a := range m.Actions {
				if a.Name != "meta-data" && a.Name != "validate-all" && !slices.Contains(out, a.Name) {
					out = append(out, a.Name)
				}
			}
			return out
		}
		used := usedNames(opArgs[1:])
		var out []string
		if m != nil {
			if act, ok := m.Action(opArgs[0]); ok {
				if act.Interval != "" && !used["interval"] {
					out = append(out, "interval="+act.Interval)
				}
				if act.Timeout != "" && !used["timeout"] {
					out = append(out, "timeout="+act.Timeout)
				}
			}
		}
		if strings.Contains(word, "=") {
			return out
		}
		out = append(out, withoutUsed(opAttrs, used)...)
		return append(out, "op", "meta", "params")
	}
	return keywords
}

// paramCandidates lists NAME= for the agent's parameters not yet used;
// after "NAME=" it leaves a one-line help as the hint instead.
func (s *session) paramCandidates(agent string, used []string, word string) []string {
	m := agentMeta(agent)
	if m == nil {
		return nil
	}
	if name, val, ok := strings.Cut(word, "="); ok {
		p, found := m.Param(name)
		if !found {
			return nil
		}
		s.setHint(paramHint(p))
		var out []string
		for _, o := range p.Options {
			if strings.HasPrefix(o, val) {
				out = append(out, name+"="+o)
			}
		}
		return out
	}
	u := usedNames(used)
	var req, opt []string
	for _, p := range m.Parameters {
		if u[p.Name] || p.Deprecated {
			continue
		}
		if p.Required {
			req = append(req, p.Name+"=")
		} else {
			opt = append(opt, p.Name+"=")
		}
	}
	return append(req, opt...)
}

// paramHint is the one-line help of a parameter: name, type, required
// mark, default and short description.
func paramHint(p lrm.Parameter) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s", p.Name, orDefault(p.Type, "string"))
	if p.Required {
		b.WriteString(", required")
	}
	if p.Default != "" {
		fmt.Fprintf(&b, ", default %s", p.Default)
	}
	b.WriteString(")")
	if d := strings.TrimSpace(p.ShortDesc); d != "" {
		b.WriteString(": " + strings.Join(strings.Fields(d), " "))
	}
	return b.String()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
