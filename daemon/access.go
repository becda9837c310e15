package daemon

import (
	osuser "os/user"

	"pacer/share/acl"
	"pacer/share/protocol"
	"pacer/share/xmltree"
)

// policy is the CIB's ACLs as they apply to the client of req, nil when it
// has full access (ACLs off, root, hacluster). Group membership comes from
// this node's accounts, which Pacemaker too expects to be the same on
// every node.
func policy(root *xmltree.Element, req *protocol.Request) *acl.Policy {
	// No user: a request pacerd makes itself (a node announcing its
	// shutdown); every socket client has one from its peer credentials.
	if req.User == "" || acl.Unrestricted(root, req.User) {
		return nil
	}
	return acl.For(root, req.User, userGroups(req.User))
}

func userGroups(name string) []string {
	u, err := osuser.Lookup(name)
	if err != nil {
		return nil
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil
	}
	var out []string
	for _, id := range ids {
		if g, err := osuser.LookupGroupId(id); err == nil {
			out = append(out, g.Name)
		}
	}
	return out
}

// readable is doc as the client may read it.
func readable(doc *xmltree.Document, p *acl.Policy) *xmltree.Document {
	if p == nil {
		return doc
	}
	return &xmltree.Document{Prolog: doc.Prolog, Root: p.Filter(doc.Root), Epilog: doc.Epilog}
}

// needFullWrite refuses an operation outside the CIB (fencing, running an
// agent) to a client whose ACLs do not let it write the whole CIB.
func (n *Node) needFullWrite(req *protocol.Request) *protocol.Response {
	n.mu.Lock()
	defer n.mu.Unlock()
	return needFullWriteOf(n.doc.Root, req)
}

func needFullWriteOf(root *xmltree.Element, req *protocol.Request) *protocol.Response {
	p := policy(root, req)
	if p == nil || p.Evaluate(root).Of(root) == acl.Write {
		return nil
	}
	return errResp(protocol.CodeDenied, "permission denied: ACLs do not let %s %s (it needs write access to the whole CIB)", req.User, req.Op)
}
