package shell

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"pacer/share/xmltree"
	"pacer/shell/backend"
	"pacer/shell/cmdtree"
)

// thisNode is the default node of node commands: the local host name.
func thisNode() string {
	h, _ := os.Hostname()
	if i := strings.IndexByte(h, '.'); i > 0 {
		h = h[:i]
	}
	return h
}

// nodeAndLifetime reads [NODE] [reboot|forever].
func nodeAndLifetime(args []string) (node string, scope backend.AttrScope, err error) {
	scope = backend.Permanent
	for _, a := range args {
		switch a {
		case "reboot":
			scope = backend.Transient
		case "forever":
			scope = backend.Permanent
		default:
			if node != "" {
				return "", scope, usagef("one node at a time")
			}
			node = a
		}
	}
	if node == "" {
		node = thisNode()
	}
	return node, scope, nil
}

// setNodeAttr checks the node exists and sets or deletes an attribute.
func (s *session) setNodeAttr(ctx context.Context, node, name string, value *string, scope backend.AttrScope) error {
	be, err := s.backend()
	if err != nil {
		return err
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return err
	}
	if err := mustNode(doc, node); err != nil {
		return err
	}
	if err := be.SetNodeAttr(ctx, node, name, value, scope); err != nil {
		return err
	}
	return s.waitIdle(ctx)
}

func (s *session) cmdStandby(value string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		node, scope, err := nodeAndLifetime(inv.Args)
		if err != nil {
			return err
		}
		if value == "off" {
			// Online clears standby in both places, or a leftover
			// transient standby would keep the node in standby.
			other := backend.Transient
			if scope == backend.Transient {
				other = backend.Permanent
			}
			be, err := s.backend()
			if err != nil {
				return err
			}
			if doc, err := be.CIB(ctx); err == nil && mustNode(doc, node) == nil && hasNodeAttr(doc, node, "standby", other) {
				if err := be.SetNodeAttr(ctx, node, "standby", nil, other); err != nil {
					return err
				}
			}
		}
		return s.setNodeAttr(ctx, node, "standby", strp(value), scope)
	}
}

func hasNodeAttr(doc *xmltree.Document, node, name string, scope backend.AttrScope) bool {
	_, ok := nodeAttrs(doc, node, scope)[name]
	return ok
}

// nodeAttrs returns a node's permanent attributes (nodes section) or
// transient ones (status section).
func nodeAttrs(doc *xmltree.Document, node string, scope backend.AttrScope) map[string]string {
	out := map[string]string{}
	id := backend.NodeID(doc, node)
	collect := func(set *xmltree.Element) {
		for _, nv := range set.ChildrenNamed("nvpair") {
			out[nv.Attr("name")] = nv.Attr("value")
		}
	}
	if scope == backend.Permanent {
		if cfg := doc.Root.Child("configuration"); cfg != nil && cfg.Child("nodes") != nil {
			for _, n := range cfg.Child("nodes").ChildrenNamed("node") {
				if n.ID() == id {
					for _, set := range n.ChildrenNamed("instance_attributes") {
						collect(set)
					}
				}
			}
		}
		return out
	}
	if st := doc.Root.Child("status"); st != nil {
		for _, ns := range st.ChildrenNamed("node_state") {
			if ns.ID() != id {
				continue
			}
			if ta := ns.Child("transient_attributes"); ta != nil {
				for _, set := range ta.ChildrenNamed("instance_attributes") {
					collect(set)
				}
			}
		}
	}
	return out
}

func nodeUtilization(doc *xmltree.Document, node string) map[string]string {
	out := map[string]string{}
	id := backend.NodeID(doc, node)
	if cfg := doc.Root.Child("configuration"); cfg != nil && cfg.Child("nodes") != nil {
		for _, n := range cfg.Child("nodes").ChildrenNamed("node") {
			if n.ID() == id {
				for _, set := range n.ChildrenNamed("utilization") {
					for _, nv := range set.ChildrenNamed("nvpair") {
						out[nv.Attr("name")] = nv.Attr("value")
					}
				}
			}
		}
	}
	return out
}

func (s *session) cmdNodeMaintenance(value string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		args := inv.Args
		v := value
		if len(args) > 0 && args[len(args)-1] == "off" {
			v, args = "off", args[:len(args)-1]
		}
		if len(args) > 1 {
			return usagef("one node at a time")
		}
		node := thisNode()
		if len(args) == 1 {
			node = args[0]
		}
		return s.setNodeAttr(ctx, node, "maintenance", strp(v), backend.Permanent)
	}
}

// cmdNodeAttr: attribute|utilization|status-attr NODE set|delete|show NAME [VALUE].
func (s *session) cmdNodeAttr(kind string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		args, err := s.outputFlags(inv.Args)
		if err != nil {
			return err
		}
		if len(args) < 2 {
			return usagef("NODE set|delete|show NAME [VALUE]")
		}
		node, verb := args[0], args[1]
		scope := backend.Permanent
		if kind == "status-attr" {
			scope = backend.Transient
		}
		be, err := s.backend()
		if err != nil {
			return err
		}
		doc, err := be.CIB(ctx)
		if err != nil {
			return err
		}
		if err := mustNode(doc, node); err != nil {
			return err
		}
		var vals map[string]string
		if kind == "utilization" {
			vals = nodeUtilization(doc, node)
		} else {
			vals = nodeAttrs(doc, node, scope)
		}
		switch verb {
		case "show":
			if len(args) == 2 {
				return s.printValues(vals)
			}
			v, ok := vals[args[2]]
			if !ok {
				return notFound("attribute", args[2], keys(vals))
			}
			if s.output == "json" {
				return s.printJSON(map[string]string{args[2]: v})
			}
			fmt.Fprintf(s.stdout, "scope=%s  name=%s value=%s\n", map[backend.AttrScope]string{backend.Permanent: "nodes", backend.Transient: "status"}[scope], args[2], v)
			return nil
		case "set", "delete":
		default:
			return usagef("set, delete or show, not %q", verb)
		}
		if len(args) < 3 {
			return usagef("NODE %s NAME [VALUE]", verb)
		}
		var value *string
		if verb == "set" {
			if len(args) != 4 {
				return usagef("NODE set NAME VALUE")
			}
			value = strp(args[3])
		}
		if kind == "utilization" {
			return s.change(ctx, func(doc *xmltree.Document) error {
				id := backend.NodeID(doc, node)
				for _, n := range configuration(doc).Child("nodes").ChildrenNamed("node") {
					if n.ID() == id {
						set := n.Child("utilization")
						if set == nil {
							if value == nil {
								return nil
							}
							set = n.Append(xmltree.New("utilization", "id", uniqueID(doc.Root, "nodes-"+id+"-utilization")))
						}
						backend.SetNVPair(set, args[2], value)
						return nil
					}
				}
				return fmt.Errorf("node %q is not in the configuration", node)
			})
		}
		return s.setNodeAttr(ctx, node, args[2], value, scope)
	}
}

func (s *session) cmdNodeShow(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	doc, err := s.readCIB(ctx)
	if err != nil {
		return err
	}
	names := nodeNames(doc)
	if len(args) > 0 {
		for _, a := range args {
			if err := mustNode(doc, a); err != nil {
				return err
			}
		}
		names = args
	}
	type nodeJSON struct {
		Name        string            `json:"name"`
		ID          string            `json:"id"`
		Type        string            `json:"type"`
		Attributes  map[string]string `json:"attributes,omitempty"`
		Transient   map[string]string `json:"transient_attributes,omitempty"`
		Utilization map[string]string `json:"utilization,omitempty"`
	}
	var out []nodeJSON
	for _, n := range names {
		id := backend.NodeID(doc, n)
		typ := "member"
		if cfg := doc.Root.Child("configuration"); cfg != nil && cfg.Child("nodes") != nil {
			for _, x := range cfg.Child("nodes").ChildrenNamed("node") {
				if x.ID() == id && x.Attr("type") != "" {
					typ = x.Attr("type")
				}
			}
		}
		out = append(out, nodeJSON{n, id, typ, nodeAttrs(doc, n, backend.Permanent), nodeAttrs(doc, n, backend.Transient), nodeUtilization(doc, n)})
	}
	if s.output == "json" {
		return s.printJSON(out)
	}
	for _, n := range out {
		fmt.Fprintf(s.stdout, "%s(%s): %s\n", n.Name, n.ID, n.Type)
		for _, m := range []struct {
			title string
			vals  map[string]string
		}{{"", n.Attributes}, {"utilization: ", n.Utilization}, {"status: ", n.Transient}} {
			names := keys(m.vals)
			sort.Strings(names)
			for _, k := range names {
				fmt.Fprintf(s.stdout, "\t%s%s=%s\n", m.title, k, m.vals[k])
			}
		}
	}
	return nil
}

func (s *session) cmdNodeStatus(ctx context.Context, inv *cmdtree.Invocation) error {
	doc, err := s.readCIB(ctx)
	if err != nil {
		return err
	}
	nodes := configuration(doc).Child("nodes")
	if len(inv.Args) == 0 {
		if s.output == "json" {
			return s.printJSON(elementJSON(nodes))
		}
		fmt.Fprint(s.stdout, nodes.Indented())
		return nil
	}
	list := []jsonElement{}
	for _, a := range inv.Args {
		if err := mustNode(doc, a); err != nil {
			return err
		}
		id := backend.NodeID(doc, a)
		for _, n := range nodes.ChildrenNamed("node") {
			if n.ID() == id {
				if s.output == "json" {
					list = append(list, elementJSON(n))
				} else {
					fmt.Fprint(s.stdout, n.Indented())
				}
			}
		}
	}
	if s.output == "json" {
		return s.printJSON(list)
	}
	return nil
}

func (s *session) cmdNodeDelete(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) != 1 {
		return usagef("delete NODE")
	}
	node := inv.Args[0]
	be, err := s.backend()
	if err != nil {
		return err
	}
	doc, err := be.CIB(ctx)
	if err != nil {
		return err
	}
	if err := mustNode(doc, node); err != nil {
		return err
	}
	if d, ok := be.(*backend.Daemon); ok {
		if snap, err := s.snapshot(ctx); err == nil {
			for _, n := range snap.Nodes {
				if n.Name == node && n.Online {
					return fmt.Errorf("node %s is online; stop pacerd on it first", node)
				}
			}
		}
		// crm_node -R: the DC forgets the node's entry and its state in
		// one change (and refuses a node that is still a member).
		_, err := d.C.RemoveNode(ctx, node)
		return err
	}
	id := backend.NodeID(doc, node)
	if err := s.change(ctx, func(doc *xmltree.Document) error {
		nodes := configuration(doc).Child("nodes")
		for _, n := range nodes.ChildrenNamed("node") {
			if n.ID() == id {
				nodes.Remove(n)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return be.ForgetNode(ctx, node)
}
