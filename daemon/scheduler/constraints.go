package scheduler

import (
	"pacer/share/options"
	"regexp"
	"strings"

	"pacer/share/score"
	"pacer/share/xmltree"
)

// resolve turns a constraint reference (resource, tag or template) into resources.
func (c *cluster) resolve(id string) []*Resource {
	if r := c.all[id]; r != nil && !r.Orphan {
		// A constraint naming what a clone clones means the clone.
		if cl := r.cloneOf(); cl != nil && r.instOf == nil {
			return []*Resource{cl}
		}
		return []*Resource{r}
	}
	if refs, ok := c.tags[id]; ok {
		var out []*Resource
		for _, ref := range refs {
			out = append(out, c.resolve(ref)...)
		}
		return out
	}
	if _, ok := c.templates[id]; ok {
		var out []*Resource
		seen := map[*Resource]bool{}
		for _, r := range c.allList {
			if r.Kind != Primitive || r.instOf != nil || r.Elem == nil || r.Elem.Attr("template") != id {
				continue
			}
			if cl := r.cloneOf(); cl != nil {
				r = cl
			}
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
		return out
	}
	return nil
}

type rscSet struct {
	rscs       []*Resource
	sequential bool
	requireAll bool
	role       string
	action     string
	ordered    bool
	kind       string
	id         string
	listed     bool // ordering="listed": colocate each member with the next
}

func (c *cluster) sets(e *xmltree.Element) []rscSet {
	var out []rscSet
	for _, s := range e.ChildrenNamed("resource_set") {
		if ref := s.Attr("id-ref"); ref != "" {
			if t := findByID(c.root, ref); t != nil {
				s = t
			}
		}
		rs := rscSet{id: s.ID(), listed: s.Attr("ordering") == "listed", sequential: true, requireAll: true, role: normRole(s.Attr("role")), action: s.Attr("action"), kind: s.Attr("kind")}
		if v, ok := s.AttrOK("sequential"); ok {
			rs.sequential = options.IsTrue(v)
		}
		if v, ok := s.AttrOK("require-all"); ok {
			rs.requireAll = options.IsTrue(v)
		}
		for _, ref := range s.ChildrenNamed("resource_ref") {
			rs.rscs = append(rs.rscs, c.resolve(ref.ID())...)
		}
		out = append(out, rs)
	}
	return out
}

func (c *cluster) unpackConstraints() {
	cfg := c.root.Child("configuration")
	if cfg == nil {
		return
	}
	cons := cfg.Child("constraints")
	if cons == nil {
		return
	}
	for _, e := range cons.Children {
		switch e.Name {
		case "rsc_location":
			c.unpackLocation(e)
		case "rsc_colocation":
			c.unpackColocation(e)
		case "rsc_order":
			c.unpackOrder(e)
		case "rsc_ticket":
			c.unpackTicket(e)
		}
	}
}

func (c *cluster) unpackLocation(e *xmltree.Element) {
	var rscs []*Resource
	if id := e.Attr("rsc"); id != "" {
		rscs = c.resolve(id)
	} else if pat := e.Attr("rsc-pattern"); pat != "" {
		neg := strings.HasPrefix(pat, "!")
		re, err := regexp.Compile(strings.TrimPrefix(pat, "!"))
		if err == nil {
			for _, r := range c.resources {
				if re.MatchString(r.ID) != neg {
					rscs = append(rscs, r)
				}
			}
		}
	}
	for _, s := range c.sets(e) {
		for _, r := range s.rscs {
			c.addLocation(e, r, s.role)
		}
	}
	for _, r := range rscs {
		c.addLocation(e, r, normRole(e.Attr("role")))
	}
}

func (c *cluster) addLocation(e *xmltree.Element, r *Resource, role string) {
	l := &Location{ID: e.ID(), Rsc: r, Role: role, Discovery: e.Attr("resource-discovery"), Node: e.Attr("node")}
	if s, ok := e.AttrOK("score"); ok {
		l.Score, _ = score.Lenient(s)
	}
	for _, rule := range e.ChildrenNamed("rule") {
		if ref := rule.Attr("id-ref"); ref != "" {
			if t := findByID(c.root, ref); t != nil {
				rule = t
			}
		}
		l.Rules = append(l.Rules, rule)
		l.paramSource = l.paramSource || usesParamSource(rule)
	}
	if l.Node == "" && len(l.Rules) == 0 {
		return
	}
	c.locations = append(c.locations, l)
}

func (c *cluster) unpackColocation(e *xmltree.Element) {
	// without a score a colocation has none: 0, no effect
	var sc score.Score
	if v, ok := e.AttrOK("score"); ok {
		sc, _ = score.Lenient(v)
	}
	influence := true
	if v, ok := e.AttrOK("influence"); ok {
		influence = options.IsTrue(v)
	}
	add := func(dep, prim *Resource, depRole, primRole string) {
		if dep == nil || prim == nil || dep == prim {
			return
		}
		c.colocations = append(c.colocations, &Colocation{ID: e.ID(), Dep: dep, Prim: prim, Score: sc,
			DepRole: depRole, PrimRole: primRole, NodeAttribute: e.Attr("node-attribute"), Influence: influence})
	}
	sets := c.sets(e)
	if len(sets) == 0 {
		_, t1 := c.templates[e.Attr("rsc")]
		_, t2 := c.templates[e.Attr("with-rsc")]
		if t1 && t2 && c.all[e.Attr("rsc")] == nil && c.all[e.Attr("with-rsc")] == nil {
			// A colocation may name a template on one side only, the
			// other being a resource: one between two templates is
			// invalid and ignored.
			return
		}
		deps := c.resolve(e.Attr("rsc"))
		prims := c.resolve(e.Attr("with-rsc"))
		for _, d := range deps {
			for _, p := range prims {
				add(d, p, normRole(orStr(e.Attr("rsc-role"), "")), normRole(orStr(e.Attr("with-rsc-role"), "")))
			}
		}
		return
	}
	for _, s := range sets {
		if s.sequential {
			for i := 1; i < len(s.rscs); i++ {
				if sc < 0 {
					// anti-colocation: apart from every earlier member
					for j := 0; j < i; j++ {
						add(s.rscs[i], s.rscs[j], s.role, s.role)
					}
					continue
				}
				if s.listed {
					add(s.rscs[i-1], s.rscs[i], s.role, s.role)
				} else {
					add(s.rscs[i], s.rscs[i-1], s.role, s.role)
				}
			}
		}
	}
	for i := 0; i+1 < len(sets); i++ {
		a, b := sets[i], sets[i+1]
		if len(a.rscs) == 0 || len(b.rscs) == 0 {
			continue
		}
		var deps, prims []*Resource
		if a.sequential {
			deps = a.rscs[:1]
		} else {
			deps = a.rscs
		}
		if b.sequential {
			prims = b.rscs[len(b.rscs)-1:]
		} else {
			prims = b.rscs
		}
		for _, d := range deps {
			for _, p := range prims {
				add(d, p, a.role, b.role)
			}
		}
	}
}

func (c *cluster) unpackOrder(e *xmltree.Element) {
	kind := e.Attr("kind")
	if kind == "" {
		kind = "Mandatory"
		if v, ok := e.AttrOK("score"); ok {
			s, _ := score.Lenient(v)
			if s == 0 {
				kind = "Optional"
			}
		}
	}
	switch strings.ToLower(kind) {
	case "optional":
		kind = "Optional"
	case "serialize":
		kind = "Serialize"
	default:
		kind = "Mandatory"
	}
	sym := kind != "Serialize"
	if v, ok := e.AttrOK("symmetrical"); ok {
		sym = options.IsTrue(v)
	}
	add := func(first, then *Resource, fa, ta string) {
		if first == nil || then == nil || first == then {
			return
		}
		if fa == "" {
			fa = "start"
		}
		if ta == "" {
			ta = fa
		}
		c.orderings = append(c.orderings, &Ordering{ID: e.ID(), First: first, Then: then, FirstAction: fa, ThenAction: ta, Kind: kind, Symmetrical: sym})
	}
	sets := c.sets(e)
	if len(sets) == 0 {
		fa := e.Attr("first-action")
		ta := e.Attr("then-action")
		if ta == "" {
			ta = fa
		}
		requireAll := true
		if v, ok := e.AttrOK("require-all"); ok {
			requireAll = options.IsTrue(v)
		}
		for _, f := range c.resolve(e.Attr("first")) {
			for _, t := range c.resolve(e.Attr("then")) {
				// After a clone with clone-min (or require-all=false) the
				// then side may start once enough instances run.
				if f.Kind == Clone && f.clone != nil && orStr(fa, "start") == "start" && (f.clone.min > 0 || !requireAll) && kind == "Mandatory" {
					c.anyOf = append(c.anyOf, &anyOrder{id: "clone-one-or-more:" + e.ID(), firsts: []*Resource{f}, thens: []*Resource{t},
						fa: "start", ta: orStr(ta, "start"), need: max(f.clone.min, 1)})
					continue
				}
				add(f, t, fa, ta)
			}
		}
		return
	}
	for _, s := range sets {
		if s.sequential {
			for i := 1; i < len(s.rscs); i++ {
				add(s.rscs[i-1], s.rscs[i], s.action, s.action)
			}
		}
	}
	for i := 0; i+1 < len(sets); i++ {
		a, b := sets[i], sets[i+1]
		if len(a.rscs) == 0 || len(b.rscs) == 0 {
			continue
		}
		firsts := a.rscs
		if a.sequential {
			firsts = a.rscs[len(a.rscs)-1:]
		}
		thens := b.rscs
		if b.sequential {
			thens = b.rscs[:1]
		}
		if !a.requireAll && len(firsts) > 1 {
			// one-or-more: then may start once any first is running
			c.anyOf = append(c.anyOf, &anyOrder{id: "one-or-more:" + a.id, firsts: firsts, thens: thens, fa: orStr(a.action, "start"), ta: orStr(b.action, orStr(a.action, "start"))})
			continue
		}
		for _, f := range firsts {
			for _, t := range thens {
				add(f, t, a.action, orStr(b.action, a.action))
			}
		}
	}
}

// anyOrder is an ordering from a require-all=false set.
type anyOrder struct {
	id            string
	firsts, thens []*Resource
	fa, ta        string
	need          int // how many firsts must be runnable (0: one)
}

func (c *cluster) unpackTicket(e *xmltree.Element) {
	lp := e.Attr("loss-policy")
	if lp == "" {
		lp = "stop"
	}
	add := func(r *Resource, role string) {
		c.tickets = append(c.tickets, &TicketDep{ID: e.ID(), Rsc: r, Ticket: e.Attr("ticket"), LossPolicy: lp, Role: role})
	}
	for _, s := range c.sets(e) {
		for _, r := range s.rscs {
			add(r, s.role)
		}
	}
	for _, r := range c.resolve(e.Attr("rsc")) {
		add(r, normRole(e.Attr("rsc-role")))
	}
}

func (c *cluster) unpackTickets() {
	c.ticketState = map[string]*ticketState{}
	st := c.root.Child("status")
	if st == nil {
		return
	}
	if t := st.Child("tickets"); t != nil {
		for _, ts := range t.ChildrenNamed("ticket_state") {
			c.ticketState[ts.ID()] = &ticketState{Granted: options.IsTrue(ts.Attr("granted")), Standby: options.IsTrue(ts.Attr("standby"))}
		}
	}
}

// containerConstraints: a resource with the container meta-attribute runs
// inside that resource, so it is colocated with it and started after it.
func (c *cluster) containerConstraints() {
	for _, r := range c.allList {
		id := r.Meta["container"]
		if r.Kind != Primitive || id == "" {
			continue
		}
		ct := c.all[id]
		if ct == nil || ct == r {
			continue
		}
		c.colocations = append(c.colocations, &Colocation{ID: r.ID + "-with-container", Dep: r, Prim: ct, Score: score.Infinity, Influence: true, implicit: true})
		c.orderings = append(c.orderings, &Ordering{ID: r.ID + "-after-container", First: ct, Then: r, FirstAction: "start", ThenAction: "start", Kind: "Mandatory", Symmetrical: true})
	}
}

// ticketLoss fences the nodes running a resource whose ticket was lost
// with loss-policy=fence.
func (c *cluster) ticketLoss() {
	for _, t := range c.tickets {
		st := c.ticketState[t.Ticket]
		// Only a revoked ticket is lost; standby hands over gracefully.
		if t.LossPolicy != "fence" || st == nil || st.Granted {
			continue
		}
		for _, p := range t.Rsc.primitives() {
			if t.Role == "Promoted" && p.Role != "Promoted" {
				continue // only where the promoted role runs
			}
			for _, n := range p.Running {
				if !n.Unclean && c.opts.FencingEnabled {
					n.Unclean = true
					n.FenceReason = "deadman ticket was lost"
				}
			}
		}
	}
}

// usesParamSource: an expression of the rule (nested rules included)
// compares with a resource parameter.
func usesParamSource(rule *xmltree.Element) bool {
	for _, ch := range rule.Children {
		switch ch.Name {
		case "expression":
			if ch.Attr("value-source") == "param" {
				return true
			}
		case "rule":
			if usesParamSource(ch) {
				return true
			}
		}
	}
	return false
}
