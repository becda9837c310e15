package crm

import (
	"fmt"
	"strconv"
	"strings"

	"pacer/share/xmltree"
)

// ---- property, rsc_defaults, op_defaults

func (p *parser) nvset(elName, defID string) error {
	p.obj = p.st.Kind
	id := defID
	if t := p.peek(); t != nil {
		if n, v, ok := splitNV(t.Val); ok && n == "$id" {
			p.next()
			var err error
			if id, err = p.useID(t, v); err != nil {
				return err
			}
		} else if !ok && strings.HasSuffix(t.Val, ":") && !isScoreToken(t) {
			p.next()
			var err error
			if id, err = p.useID(t, strings.TrimSuffix(t.Val, ":")); err != nil {
				return err
			}
		}
	}
	p.ids[id] = true
	p.obj = p.st.Kind + " " + id
	e := xmltree.New(elName, "id", id)
	p.st.Elem = e
	p.st.ID = id
	if t := p.peek(); isScoreToken(t) {
		p.next()
		sc, _ := parseScore(strings.TrimSuffix(t.Val, ":"))
		e.SetAttr("score", sc)
	}
	for p.peekVal() == "rule" {
		r, err := p.rule(id)
		if err != nil {
			return err
		}
		e.Append(r)
	}
	for !p.done() {
		t := p.peek()
		n, v, ok := splitNV(t.Val)
		if !ok {
			return p.errf("expected name=value")
		}
		if nid, name, found := strings.Cut(strings.TrimPrefix(n, "$"), ":"); strings.HasPrefix(n, "$") && found && name != "" {
			// "$ID:NAME=VALUE", as in params
			if _, err := p.useID(t, nid); err != nil {
				return err
			}
			p.next()
			e.Append(xmltree.New("nvpair", "id", nid, "name", name, "value", v))
			continue
		}
		p.next()
		e.Append(p.gen("nvpair", id+"-"+n, "name", n, "value", v))
	}
	return nil
}

// ---- fencing_topology

func (p *parser) fencing() error {
	p.obj = "fencing_topology"
	e := xmltree.New("fencing-topology")
	p.st.Elem = e
	p.st.ID = "fencing_topology"
	var target []string // attr name, value
	index := map[string]int{}
	for !p.done() {
		t := p.next()
		// Targets: "node:", and crmsh's "attr:NAME=VALUE" and
		// "pattern:REGEX" (a trailing colon is accepted there too).
		isTarget := strings.HasSuffix(t.Val, ":") || strings.HasPrefix(t.Val, "attr:") || strings.HasPrefix(t.Val, "pattern:")
		if isTarget && !t.Quoted {
			tv := t.Val
			if !strings.HasPrefix(tv, "pattern:") || strings.HasSuffix(tv, ":") && len(tv) > len("pattern:")+1 {
				tv = strings.TrimSuffix(tv, ":")
			}
			switch {
			case strings.HasPrefix(tv, "attr:"):
				n, v, ok := splitNV(tv[5:])
				if !ok {
					return p.errAt(t, "expected attr:NAME=VALUE:")
				}
				target = []string{"target-attribute", n, "target-value", v}
			case strings.HasPrefix(tv, "pattern:"):
				target = []string{"target-pattern", tv[8:]}
			case tv == "":
				return p.errAt(t, "empty fencing target")
			default:
				target = []string{"target", tv}
			}
			continue
		}
		if target == nil {
			return p.errAt(t, "expected a target (node:) before %q; Pacer needs the nodes named", t.Val)
		}
		key := strings.Join(target, "\x00")
		index[key]++
		lv := p.gen("fencing-level", "fencing")
		lv.Attrs = append(lv.Attrs, xmltree.Attr{Name: target[0], Value: target[1]})
		if len(target) > 2 {
			lv.Attrs = append(lv.Attrs, xmltree.Attr{Name: target[2], Value: target[3]})
		}
		lv.SetAttr("index", strconv.Itoa(index[key]))
		lv.SetAttr("devices", t.Val)
		e.Append(lv)
	}
	return nil
}

// ---- tag

func (p *parser) tag() error {
	t := p.peek()
	if t != nil && strings.HasSuffix(t.Val, ":") {
		t.Val = strings.TrimSuffix(t.Val, ":")
	}
	id, err := p.idAndObj("tag")
	if err != nil {
		return err
	}
	e := xmltree.New("tag", "id", id)
	p.st.Elem = e
	for !p.done() {
		t := p.next()
		if !validID(t.Val) {
			return p.errAt(t, "expected resource id, found %q", t.Val)
		}
		e.Append(xmltree.New("obj_ref", "id", t.Val))
	}
	if len(e.Children) == 0 {
		return p.errf("expected resources to tag")
	}
	return nil
}

// ---- alert

func (p *parser) alert() error {
	id, err := p.idAndObj("alert")
	if err != nil {
		return err
	}
	e := xmltree.New("alert", "id", id)
	p.st.Elem = e
	path := p.next()
	if path == nil {
		return p.errf("expected path of the alert agent")
	}
	e.SetAttr("path", path.Val)
	if err := p.alertBody(e, id); err != nil {
		return err
	}
	nrec := 0
	for p.peekVal() == "to" {
		p.next()
		brace := false
		if p.peekVal() == "{" {
			p.next()
			brace = true
		}
		v := p.next()
		if v == nil {
			return p.errf("expected recipient after to")
		}
		nrec++
		r := p.gen("recipient", fmt.Sprintf("%s-recipient-%d", id, nrec), "value", v.Val)
		if err := p.alertBody(r, r.ID()); err != nil {
			return err
		}
		if brace {
			if p.peekVal() != "}" {
				return p.errf("expected }")
			}
			p.next()
		}
		e.Append(r)
	}
	return nil
}

func (p *parser) alertBody(e *xmltree.Element, id string) error {
	for !p.done() {
		t := p.peek()
		if n, v, ok := splitNV(t.Val); ok && n == "description" {
			p.next()
			e.SetAttr("description", v)
			continue
		}
		switch t.Val {
		case "attributes":
			p.next()
			if err := p.appendSet(e, "instance_attributes", id); err != nil {
				return err
			}
		case "meta":
			p.next()
			if err := p.appendSet(e, "meta_attributes", id); err != nil {
				return err
			}
		case "select":
			p.next()
			sel := xmltree.New("select")
			for !p.done() {
				w := p.peekVal()
				if w == "to" || w == "meta" || w == "}" {
					break
				}
				p.next()
				switch w {
				case "nodes", "fencing", "resources":
					sel.Append(xmltree.New("select_" + w))
				case "attributes":
					sa := sel.Append(xmltree.New("select_attributes"))
					if p.peekVal() == "{" {
						p.next()
						for {
							a := p.next()
							if a == nil {
								return p.errf("expected } after attribute names")
							}
							if a.Val == "}" {
								break
							}
							sa.Append(xmltree.New("attribute", "name", a.Val))
						}
					}
				default:
					p.i--
					return p.errf("expected nodes, fencing, resources or attributes after select")
				}
			}
			e.Append(sel)
		default:
			return nil
		}
	}
	return nil
}

// ---- ACL

func (p *parser) aclRole() error {
	id, err := p.idAndObj("role")
	if err != nil {
		return err
	}
	e := xmltree.New("acl_role", "id", id)
	p.st.Elem = e
	for !p.done() {
		t := p.next()
		if n, v, ok := splitNV(t.Val); ok && n == "description" {
			e.SetAttr("description", v)
			continue
		}
		switch t.Val {
		case "read", "write", "deny":
		default:
			return p.errAt(t, "expected read, write or deny, found %q", t.Val)
		}
		perm := p.gen("acl_permission", id, "kind", t.Val)
		n := 0
		for !p.done() {
			s := p.peekVal()
			if x, ok := aclShortcutXPath(s); ok && perm.Attr("xpath") == "" {
				perm.SetAttr("xpath", x)
				p.next()
				n++
				continue
			}
			k, v, ok := strings.Cut(s, ":")
			if !ok {
				break
			}
			switch k {
			case "xpath":
				perm.SetAttr("xpath", v)
			case "attr", "attribute":
				perm.SetAttr("attribute", v)
			case "ref":
				perm.SetAttr("reference", v)
			case "type", "tag":
				perm.SetAttr("object-type", v)
			default:
				return p.errf("expected xpath:, ref:, tag:, attr: or a shorthand (status, cib, property, node, nodeattr, nodeutil, meta:RSC, params:RSC, utilization:RSC, location:RSC)")
			}
			p.next()
			n++
		}
		if n == 0 {
			return p.errf("expected xpath:, ref:, tag: or a shorthand (status, cib, meta:RSC...) after %s", t.Val)
		}
		e.Append(perm)
	}
	return nil
}

func (p *parser) aclTarget(elName string) error {
	id, err := p.idAndObj(p.st.Kind)
	if err != nil {
		return err
	}
	e := xmltree.New(elName, "id", id)
	p.st.Elem = e
	for !p.done() {
		t := p.next()
		if t.Val == "role" || t.Val == "roles" {
			continue
		}
		if !validID(t.Val) {
			return p.errAt(t, "expected role id, found %q", t.Val)
		}
		e.Append(xmltree.New("role", "id", t.Val))
	}
	return nil
}

// ---- commands

func (p *parser) cmdDelete() error {
	p.obj = "delete"
	for !p.done() {
		p.st.Args = append(p.st.Args, p.next().Val)
	}
	if len(p.st.Args) == 0 {
		return p.errf("expected ids to delete")
	}
	return nil
}

func (p *parser) cmdRename() error {
	p.obj = "rename"
	for i := 0; i < 2; i++ {
		t := p.next()
		if t == nil {
			return p.errf("expected old and new id")
		}
		if !validID(t.Val) {
			return p.errAt(t, "invalid id %q", t.Val)
		}
		p.st.Args = append(p.st.Args, t.Val)
	}
	return nil
}
