package crm

import (
	"fmt"
	"strings"

	"pacer/share/xmltree"
)

// ---- node

func (p *parser) node() error {
	e := xmltree.New("node")
	var id string
	if t := p.peek(); t != nil {
		if n, v, ok := splitNV(t.Val); ok && n == "$id" {
			// A node's id is the cluster layer's (corosync's numbers), not
			// an XML ID: any non-empty word.
			p.next()
			if v == "" {
				return p.errAt(t, "empty node id")
			}
			id = v
		}
	}
	t := p.next()
	if t == nil {
		return p.errf("expected node name")
	}
	name := t.Val
	if strings.HasSuffix(name, ":") && id == "" {
		// node ID: UNAME
		id = strings.TrimSuffix(name, ":")
		if id == "" {
			return p.errAt(t, "empty node id")
		}
		t = p.next()
		if t == nil {
			return p.errf("expected node name after id %s:", id)
		}
		name = t.Val
	}
	typ := ""
	if i := strings.LastIndexByte(name, ':'); i > 0 {
		name, typ = name[:i], name[i+1:]
	}
	if name == "" {
		return p.errAt(t, "empty node name")
	}
	if id == "" {
		id = name
	}
	p.ids[id] = true
	p.obj = "node " + name
	e.SetAttr("id", id)
	e.SetAttr("uname", name)
	if typ != "" {
		e.SetAttr("type", typ)
	}
	p.st.ID = id
	p.st.Elem = e
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
			if err := p.appendSet(e, "instance_attributes", name); err != nil {
				return err
			}
		case "utilization":
			p.next()
			if err := p.appendSet(e, "utilization", name); err != nil {
				return err
			}
		default:
			return p.errf("expected attributes or utilization")
		}
	}
	return nil
}

// ---- primitive and template

// opAttrs are the attributes an <op> element has; other op options become
// its instance attributes (OCF_CHECK_LEVEL and the like).
var opAttrs = map[string]bool{
	"id": true, "name": true, "interval": true, "description": true, "start-delay": true,
	"interval-origin": true, "timeout": true, "enabled": true, "record-pending": true,
	"role": true, "requires": true, "on-fail": true,
}

func (p *parser) primitive(elName string) error {
	kind := "primitive"
	if elName == "template" {
		kind = "rsc_template"
	}
	id, err := p.idAndObj(kind)
	if err != nil {
		return err
	}
	e := xmltree.New(elName, "id", id)
	p.st.Elem = e
	at := p.peek()
	if at == nil || strings.Contains(at.Val, "=") || setKeywords[at.Val] {
		return p.errf("expected agent (like ocf:heartbeat:IPaddr2 or @template) after id")
	}
	p.next()
	if strings.HasPrefix(at.Val, "@") {
		if elName == "template" {
			return p.errAt(at, "a template cannot refer to a template")
		}
		e.SetAttr("template", at.Val[1:])
	} else {
		cls, prov, typ, err := splitAgent(at.Val)
		if err != nil {
			return p.errAt(at, "%v", err)
		}
		e.SetAttr("class", cls)
		if prov != "" {
			e.SetAttr("provider", prov)
		}
		e.SetAttr("type", typ)
	}
	return p.resourceBody(e, true)
}

// splitAgent splits class:provider:type; a bare type is ocf:heartbeat.
func splitAgent(s string) (cls, prov, typ string, err error) {
	parts := strings.SplitN(s, ":", 3)
	switch len(parts) {
	case 1:
		cls, prov, typ = "ocf", "heartbeat", parts[0]
	case 2:
		cls, typ = parts[0], parts[1]
		if cls == "ocf" {
			prov = "heartbeat"
		}
	default:
		cls, prov, typ = parts[0], parts[1], parts[2]
		if cls != "ocf" {
			// stonith:external/ipmi has no provider; systemd:a:b is a unit name.
			prov, typ = "", parts[1]+":"+parts[2]
		}
	}
	if cls == "" || typ == "" || (cls == "ocf" && prov == "") {
		return "", "", "", fmt.Errorf("bad agent %q: expected [class:[provider:]]type", s)
	}
	return cls, prov, typ, nil
}

// resourceBody parses the options after a resource's head: description,
// params, meta, utilization, operations and op (when ops is true).
func (p *parser) resourceBody(e *xmltree.Element, ops bool) error {
	id := e.ID()
	var opsEl *xmltree.Element
	var lastOp *xmltree.Element
	for !p.done() {
		t := p.peek()
		if n, v, ok := splitNV(t.Val); ok && !setKeywords[t.Val] {
			if n == "description" {
				p.next()
				e.SetAttr("description", v)
				continue
			}
			if ops && n != "" && !strings.HasPrefix(n, "$") {
				// Bare name=value pairs after the agent are parameters.
				if err := p.appendSet(e, "instance_attributes", id); err != nil {
					return err
				}
				continue
			}
			return p.errf("unexpected attribute")
		}
		switch t.Val {
		case "params":
			p.next()
			if err := p.appendSet(e, "instance_attributes", id); err != nil {
				return err
			}
		case "meta":
			p.next()
			if err := p.appendSet(e, "meta_attributes", id); err != nil {
				return err
			}
		case "utilization":
			p.next()
			if err := p.appendSet(e, "utilization", id); err != nil {
				return err
			}
		case "operations":
			if !ops {
				return p.errf("unexpected")
			}
			p.next()
			opsEl = e.Child("operations")
			if opsEl == nil {
				opsEl = e.Append(xmltree.New("operations"))
			}
			if t := p.peek(); t != nil {
				if n, v, ok := splitNV(t.Val); ok && (n == "$id" || n == "$id-ref") {
					p.next()
					if n == "$id" {
						if _, err := p.useID(t, v); err != nil {
							return err
						}
					}
					opsEl.SetAttr(n[1:], v)
				}
			}
		case "op":
			if !ops {
				return p.errf("unexpected")
			}
			p.next()
			if opsEl == nil {
				opsEl = e.Append(xmltree.New("operations"))
			}
			// Under "operations $id=X" crmsh names the ops after X.
			base := id
			if oid := opsEl.Attr("id"); oid != "" {
				base = oid
			}
			op, err := p.op(base)
			if err != nil {
				return err
			}
			opsEl.Append(op)
			lastOp = op
		case "op_params", "op_meta":
			if lastOp == nil {
				return p.errf("%s must follow an op", t.Val)
			}
			p.next()
			name := "instance_attributes"
			if t.Val == "op_meta" {
				name = "meta_attributes"
			}
			if err := p.appendSet(lastOp, name, lastOp.ID()); err != nil {
				return err
			}
		default:
			if ops {
				return p.errf("expected params, meta, utilization, operations or op")
			}
			return p.errf("expected meta, params or utilization")
		}
	}
	return nil
}

func (p *parser) op(rscID string) (*xmltree.Element, error) {
	nt := p.next()
	if nt == nil || strings.Contains(nt.Val, "=") || setKeywords[nt.Val] {
		if nt != nil {
			p.i--
		}
		return nil, p.errf("expected operation name (monitor, start...) after op")
	}
	op := xmltree.New("op")
	op.SetAttr("name", nt.Val)
	var extra []xmltree.Attr
	explicitID := ""
	for {
		t := p.peek()
		if t == nil || setKeywords[t.Val] {
			break
		}
		n, v, ok := splitNV(t.Val)
		if !ok {
			break
		}
		p.next()
		switch {
		case n == "$id" || n == "id":
			id, err := p.useID(t, v)
			if err != nil {
				return nil, err
			}
			explicitID = id
		case opAttrs[n]:
			if v == "" && (n == "interval" || n == "timeout" || n == "start-delay") {
				p.i--
				return nil, p.errf("op %s: %s= needs a value (a duration such as 10s)", nt.Val, n)
			}
			op.SetAttr(n, v)
		default:
			extra = append(extra, xmltree.Attr{Name: n, Value: v})
		}
	}
	interval := op.Attr("interval")
	if _, ok := op.AttrOK("interval"); !ok {
		interval = "0"
		op.SetAttr("interval", "0")
	}
	if explicitID != "" {
		op.Attrs = append(op.Attrs, xmltree.Attr{Name: "id", Value: explicitID})
	} else {
		g := p.gen("op", rscID+"-"+nt.Val+"-"+interval)
		op.Attrs = append(op.Attrs, g.Attrs...)
		p.st.generated[len(p.st.generated)-1] = op
	}
	if len(extra) > 0 {
		s := p.gen("instance_attributes", op.ID()+"-instance_attributes")
		for _, a := range extra {
			s.Append(p.gen("nvpair", s.ID()+"-"+a.Name, "name", a.Name, "value", a.Value))
		}
		op.Append(s)
	}
	return op, nil
}

// ---- group, clone, ms

func (p *parser) group() error {
	id, err := p.idAndObj("group")
	if err != nil {
		return err
	}
	e := xmltree.New("group", "id", id)
	p.st.Elem = e
	for !p.done() {
		t := p.peek()
		if setKeywords[t.Val] || strings.Contains(t.Val, "=") {
			break
		}
		if !validID(t.Val) {
			return p.errf("expected resource id")
		}
		p.next()
		p.st.Members = append(p.st.Members, t.Val)
	}
	if len(p.st.Members) == 0 {
		return p.errf("expected at least one resource in group")
	}
	return p.resourceBody(e, false)
}

func (p *parser) clone(elName string) error {
	kind := "clone"
	if elName == "master" {
		kind = "ms"
	}
	id, err := p.idAndObj(kind)
	if err != nil {
		return err
	}
	e := xmltree.New(elName, "id", id)
	p.st.Elem = e
	t := p.peek()
	if t == nil || setKeywords[t.Val] || strings.Contains(t.Val, "=") || !validID(t.Val) {
		return p.errf("expected the resource to clone after id")
	}
	p.next()
	p.st.Members = []string{t.Val}
	return p.resourceBody(e, false)
}

// ---- bundle (best effort)

func (p *parser) bundle() error {
	id, err := p.idAndObj("bundle")
	if err != nil {
		return err
	}
	e := xmltree.New("bundle", "id", id)
	p.st.Elem = e
	nport := 0
	nstor := 0
	var network, storage *xmltree.Element
	for !p.done() {
		t := p.next()
		switch t.Val {
		case "docker", "rkt", "podman":
			c := xmltree.New(t.Val)
			if err := p.plainAttrs(c); err != nil {
				return err
			}
			e.Append(c)
		case "network":
			if network == nil {
				network = e.Append(xmltree.New("network"))
			}
			if err := p.plainAttrs(network); err != nil {
				return err
			}
		case "port-mapping":
			if network == nil {
				network = e.Append(xmltree.New("network"))
			}
			nport++
			pm := p.gen("port-mapping", fmt.Sprintf("%s-port-map-%d", id, nport))
			if err := p.plainAttrs(pm); err != nil {
				return err
			}
			network.Append(pm)
		case "storage":
			if storage == nil {
				storage = e.Append(xmltree.New("storage"))
			}
		case "storage-mapping":
			if storage == nil {
				storage = e.Append(xmltree.New("storage"))
			}
			nstor++
			sm := p.gen("storage-mapping", fmt.Sprintf("%s-storage-map-%d", id, nstor))
			if err := p.plainAttrs(sm); err != nil {
				return err
			}
			storage.Append(sm)
		case "primitive":
			m := p.next()
			if m == nil || !validID(m.Val) {
				return p.errf("expected resource id after primitive")
			}
			p.st.Members = []string{m.Val}
		case "meta", "utilization", "params":
			p.i--
			return p.resourceBody(e, false)
		default:
			p.i--
			return p.errf("expected docker, podman, rkt, network, port-mapping, storage, storage-mapping, primitive or meta")
		}
	}
	return nil
}

// plainAttrs reads name=value pairs into e's attributes.
func (p *parser) plainAttrs(e *xmltree.Element) error {
	for {
		t := p.peek()
		if t == nil || setKeywords[t.Val] {
			return nil
		}
		n, v, ok := splitNV(t.Val)
		if !ok {
			return nil
		}
		p.next()
		if n == "$id" {
			n = "id"
		}
		e.SetAttr(n, v)
	}
}
