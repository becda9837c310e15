package importer

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"pacer/share/xmltree"
)

// CMAN converts a CMAN/rgmanager cluster.conf: nodes and their fence
// methods to fence devices and topology levels, <rm> services to groups in
// rgmanager's start order, failover domains to locations and stickiness,
// and the quorum settings to pacer.conf.
func CMAN(data []byte, name string, opts Options) (*Result, error) {
	if name == "" {
		name = "cluster.conf"
	}
	doc, err := xmltree.ParseBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Root.Name != "cluster" {
		return nil, fmt.Errorf("%s: the root element is <%s>, expected <cluster>", name, doc.Root.Name)
	}
	c := &cm{builder: newBuilder(opts), file: name, root: doc.Root,
		global: map[string]*xmltree.Element{}, svcIDs: map[string]string{}, refUsers: map[string][]string{}}
	if err := c.convert(); err != nil {
		return nil, err
	}
	return c.finish(name, c.fencing), nil
}

type cm struct {
	*builder
	file string
	root *xmltree.Element

	nodes   []string
	nodeSet map[string]bool
	fencing bool
	// global holds <rm><resources> by "type:key" (the key ref= names).
	global   map[string]*xmltree.Element
	domains  map[string]*domain
	svcIDs   map[string]string   // service name -> group (or primitive) id
	refUsers map[string][]string // "type:key" -> services using it
	// nfsFsid numbers exported directories without an fsid.
	nfsFsid map[string]string
	// resolved maps a ref= element of a service to its definition.
	resolved map[*xmltree.Element]*xmltree.Element
}

type domain struct {
	el                  *xmltree.Element
	ordered, restricted bool
	nofailback          bool
	nodes               []domainNode
}

type domainNode struct {
	name string
	prio int
}

// where names an element in notes: file:line <tag name=...>.
func (c *cm) where(e *xmltree.Element) string {
	label := "<" + e.Name
	for _, k := range []string{"name", "address", "ref"} {
		if v := e.Attr(k); v != "" {
			label += fmt.Sprintf(" %s=%q", k, v)
			break
		}
	}
	label += ">"
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d %s", c.file, e.Line, label)
	}
	return c.file + " " + label
}

// unused reports the attributes of e that the conversion did not read.
func (c *cm) unused(e *xmltree.Element, used ...string) {
	u := map[string]bool{}
	for _, k := range used {
		u[k] = true
	}
	for _, a := range e.Attrs {
		if !u[a.Name] {
			c.note(c.where(e), NotConverted, "attribute %s=%q has no counterpart", a.Name, a.Value)
		}
	}
}

func (c *cm) convert() error {
	r := c.root
	if n := r.Attr("name"); n != "" {
		c.conf.clusterName = n
		c.property("cluster-name", n)
	}
	c.unused(r, "name", "config_version", "alias")
	if err := c.clusterNodes(); err != nil {
		return err
	}
	for _, e := range r.Children {
		switch e.Name {
		case "clusternodes", "fencedevices", "rm":
			// handled in order below
		case "cman":
			c.cman(e)
		case "quorumd":
			c.note(c.where(e), NotConverted, "quorumd (qdisk) is not supported: pacer has no quorum disk; its heuristics and votes are dropped, "+
				"so with two nodes use two_node and fencing, with more a majority of nodes decides")
		case "totem":
			if t := e.Attr("token"); t != "" {
				if ms, err := strconv.Atoi(t); err == nil && ms > 0 {
					c.conf.probe = "1s"
					c.conf.suspicion = max(1, (ms+999)/1000)
					c.note(c.where(e), Approximated, "token %sms: pacer.conf probe_interval = 1s, suspicion_mult = %d (a silent node is declared dead after about the token timeout)", t, c.conf.suspicion)
				}
			}
			c.unused(e, "token")
		case "fence_daemon":
			c.note(c.where(e), NotConverted, "fence_daemon (post_join_delay, post_fail_delay, clean_start): pacer fences a lost node at once; "+
				"use the devices' pcmk_delay_base/pcmk_delay_max for delays")
		case "logging":
			c.note(c.where(e), NotConverted, "logging: pacerd logs through the journal (or standard error); set debug = true in pacer.conf for debug logging")
		case "dlm", "gfs_controld", "fence_xvmd", "group", "clvmd":
			c.note(c.where(e), NotConverted, "<%s>: pacer does not provide the DLM or GFS control daemons", e.Name)
		default:
			c.note(c.where(e), NotConverted, "unknown element <%s>", e.Name)
		}
	}
	if err := c.fenceDevices(); err != nil {
		return err
	}
	if rm := r.Child("rm"); rm != nil {
		if err := c.rm(rm); err != nil {
			return err
		}
	} else {
		c.note(c.file, Info, "no <rm> section: no services to convert")
	}
	c.rscDefault("resource-stickiness", "1")
	return nil
}

func (c *cm) clusterNodes() error {
	cn := c.root.Child("clusternodes")
	if cn == nil {
		return fmt.Errorf("%s: no <clusternodes>", c.file)
	}
	c.nodeSet = map[string]bool{}
	c.unused(cn)
	for _, n := range cn.Children {
		if n.Name != "clusternode" {
			c.note(c.where(n), NotConverted, "unknown element <%s> in <clusternodes>", n.Name)
			continue
		}
		name := n.Attr("name")
		if name == "" {
			return fmt.Errorf("%s: <clusternode> without a name", c.where(n))
		}
		if c.nodeSet[name] {
			return fmt.Errorf("%s: node %s is listed twice", c.where(n), name)
		}
		c.nodeSet[name] = true
		c.nodes = append(c.nodes, name)
		id := len(c.nodes)
		if v := n.Attr("nodeid"); v != "" {
			nid, err := strconv.Atoi(v)
			if err != nil || nid <= 0 {
				return fmt.Errorf("%s: nodeid %q is not a positive number", c.where(n), v)
			}
			id = nid
		}
		c.node(strconv.Itoa(id), name)
		c.conf.nodes = append(c.conf.nodes, confNode{name: name, id: id})
		if v := n.Attr("votes"); v != "" && v != "1" {
			c.note(c.where(n), NotConverted, "votes=%s: every pacer node has one vote", v)
		}
		c.unused(n, "name", "nodeid", "votes")
		for _, ch := range n.Children {
			switch ch.Name {
			case "fence", "unfence":
			case "altname":
				c.note(c.where(ch), NotConverted, "altname (redundant ring): pacer gossips on one address per node")
			default:
				c.note(c.where(ch), NotConverted, "unknown element <%s> in <clusternode>", ch.Name)
			}
		}
	}
	if len(c.nodes) == 0 {
		return fmt.Errorf("%s: <clusternodes> lists no node", c.file)
	}
	return nil
}

// cman reads the quorum settings.
func (c *cm) cman(e *xmltree.Element) {
	two := e.Attr("two_node") == "1"
	if two {
		if len(c.nodes) != 2 {
			c.note(c.where(e), NotConverted, "two_node=1 with %d nodes: ignored (it needs exactly two)", len(c.nodes))
		} else {
			t := true
			c.conf.twoNode = &t
			c.note(c.where(e), Info, "two_node: pacer.conf two_node = true (wait_for_all is on by default: a node starting alone waits for the other once)")
		}
	}
	if v := e.Attr("expected_votes"); v != "" {
		want := len(c.nodes)
		if two {
			want = 1
		}
		if n, err := strconv.Atoi(v); err != nil || n != want {
			c.note(c.where(e), NotConverted, "expected_votes=%s: pacer counts one vote per configured node (%d expected); quorum is a majority of them", v, len(c.nodes))
		}
	}
	if t := e.Attr("transport"); t != "" {
		c.note(c.where(e), NotConverted, "transport=%s: pacerd gossips (memberlist) between the node addresses in pacer.conf", t)
	}
	c.unused(e, "two_node", "expected_votes", "transport")
	for _, ch := range e.Children {
		c.note(c.where(ch), NotConverted, "<%s> in <cman>: pacer's membership has no such setting", ch.Name)
	}
}

// fenceUse is one node's use of a device in a method.
type fenceUse struct {
	node   string
	method int
	el     *xmltree.Element
	port   string
	action string
	params []nv // per-node parameters other than port and action
}

func (c *cm) fenceDevices() error {
	devs := map[string]*xmltree.Element{}
	var devOrder []string
	if fd := c.root.Child("fencedevices"); fd != nil {
		for _, d := range fd.Children {
			if d.Name != "fencedevice" {
				c.note(c.where(d), NotConverted, "unknown element <%s> in <fencedevices>", d.Name)
				continue
			}
			n := d.Attr("name")
			if n == "" || d.Attr("agent") == "" {
				return fmt.Errorf("%s: a fencedevice needs name and agent", c.where(d))
			}
			if devs[n] != nil {
				return fmt.Errorf("%s: fence device %s is defined twice", c.where(d), n)
			}
			devs[n] = d
			devOrder = append(devOrder, n)
		}
	}
	uses := map[string][]*fenceUse{}
	unfence := map[string]bool{}
	levels := map[string][][]*fenceUse{} // node -> methods -> uses
	for _, n := range c.root.Child("clusternodes").Children {
		if n.Name != "clusternode" {
			continue
		}
		node := n.Attr("name")
		if uf := n.Child("unfence"); uf != nil {
			for _, d := range uf.Children {
				unfence[d.Attr("name")] = true
			}
		}
		f := n.Child("fence")
		if f == nil || len(f.Children) == 0 {
			if len(devs) > 0 {
				c.note(c.where(n), Approximated, "node %s has no fence method: it cannot be fenced, and its resources are not recovered elsewhere if it is lost", node)
			}
			continue
		}
		for mi, m := range f.Children {
			if m.Name != "method" {
				c.note(c.where(m), NotConverted, "unknown element <%s> in <fence>", m.Name)
				continue
			}
			var level []*fenceUse
			// Devices switched on again in the same method: the off/on
			// pair is a reboot (rgmanager's pattern for dual power supplies).
			onAgain := map[string]bool{}
			for _, d := range m.Children {
				if a := d.Attr("action"); a == "on" || a == "enable" {
					onAgain[d.Attr("name")] = true
				}
			}
			for _, d := range m.Children {
				dn := d.Attr("name")
				if d.Name != "device" || devs[dn] == nil {
					return fmt.Errorf("%s: method %q refers to fence device %q, which is not in <fencedevices>", c.where(d), m.Attr("name"), dn)
				}
				u := &fenceUse{node: node, method: mi + 1, el: d}
				for _, a := range d.Attrs {
					switch a.Name {
					case "name":
					case "port", "plug":
						u.port = a.Value
					case "action", "option":
						u.action = a.Value
					default:
						u.params = append(u.params, nv{a.Name, a.Value})
					}
				}
				if u.action == "on" || u.action == "enable" {
					// The second half of rgmanager's off/off/on/on pattern for
					// dual power supplies: Pacemaker turns every device of a
					// level off, then on again, when rebooting.
					c.note(c.where(d), Info, "action=on after off: a fencing level's devices are all turned off, then on, for a reboot; the on step is implied")
					continue
				}
				if (u.action == "off" || u.action == "disable") && onAgain[dn] {
					u.action = ""
				}
				uses[dn] = append(uses[dn], u)
				level = append(level, u)
			}
			if len(level) > 0 {
				levels[node] = append(levels[node], level)
			}
		}
	}
	// One Pacemaker device per cluster.conf device when every node uses it
	// with the same parameters (the port goes to pcmk_host_map); otherwise
	// one per node.
	devFor := map[*fenceUse]string{}
	for _, dn := range devOrder {
		d := devs[dn]
		us := uses[dn]
		if len(us) == 0 {
			c.note(c.where(d), NotConverted, "fence device %s is used by no node's fence method", dn)
			continue
		}
		agent := "stonith:" + d.Attr("agent")
		var base []nv
		for _, a := range d.Attrs {
			if a.Name != "name" && a.Name != "agent" {
				base = append(base, nv{a.Name, a.Value})
			}
		}
		same := true
		for _, u := range us[1:] {
			if !sameNV(u.params, us[0].params) || u.action != us[0].action {
				same = false
			}
		}
		var meta []nv
		if unfence[dn] {
			meta = append(meta, nv{"provides", "unfencing"})
		}
		mk := func(id string, group []*fenceUse) {
			params := append(append([]nv{}, base...), group[0].params...)
			if a := group[0].action; a == "off" || a == "disable" {
				params = append(params, nv{"pcmk_reboot_action", "off"})
			} else if a != "" && a != "reboot" {
				params = append(params, nv{"action", a})
			}
			params = append(params, hostParams(group)...)
			c.add(c.element(&primitive{id: id, agent: agent, params: params, meta: meta, ops: monitorOps(agent), where: c.where(d)}))
			for _, u := range group {
				devFor[u] = id
			}
		}
		if same {
			mk(c.id("fence-"+dn), us)
		} else {
			byNode := map[string][]*fenceUse{}
			var order []string
			for _, u := range us {
				if byNode[u.node] == nil {
					order = append(order, u.node)
				}
				byNode[u.node] = append(byNode[u.node], u)
			}
			for _, n := range order {
				mk(c.id("fence-"+dn+"-"+n), byNode[n])
			}
			c.note(c.where(d), Info, "fence device %s is used with different parameters per node: one device per node", dn)
		}
		c.fencing = true
		for _, u := range us {
			if u.action == "off" {
				c.note(c.where(u.el), Info, "action=off: the device powers %s off (pcmk_reboot_action=off) when asked to reboot it", u.node)
				break
			}
		}
	}
	for _, node := range c.nodes {
		for i, level := range levels[node] {
			var ids []string
			seen := map[string]bool{}
			for _, u := range level {
				if id := devFor[u]; !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
			c.fencingLevel(node, i+1, ids)
		}
	}
	return nil
}

func sameNV(a, b []nv) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// hostParams says which nodes a device fences: a host map when the nodes
// are the device's ports (outlets, VM names), else a host list.
func hostParams(us []*fenceUse) []nv {
	var nodes, pairs []string
	seen := map[string]bool{}
	ports := false
	for _, u := range us {
		if seen[u.node] {
			continue
		}
		seen[u.node] = true
		nodes = append(nodes, u.node)
		if u.port != "" {
			ports = true
			pairs = append(pairs, u.node+":"+u.port)
		}
	}
	if ports {
		return []nv{{"pcmk_host_map", strings.Join(pairs, ";")}}
	}
	return []nv{{"pcmk_host_list", strings.Join(nodes, " ")}}
}

// rgmanager's resource types: the agent, how attributes become parameters,
// and the start level among a service's children (service.sh: lvm 1, fs 2,
// clusterfs 3, netfs 4, nfsexport 5, nfsclient 6, ip 7, smb 8, script 9;
// untyped children start after all typed ones).
type rgType struct {
	agent string
	level int
	// key is the attribute ref= matches for global resources.
	key string
	// convert returns the parameters; attributes read go to used.
	convert func(c *cm, e *xmltree.Element, parent *xmltree.Element, used *[]string) []nv
}

var rgTypes = map[string]rgType{
	"lvm":        {"ocf:heartbeat:LVM-activate", 1, "name", lvmConv},
	"fs":         {"ocf:heartbeat:Filesystem", 2, "name", fsConv},
	"clusterfs":  {"ocf:heartbeat:Filesystem", 3, "name", fsConv},
	"netfs":      {"ocf:heartbeat:Filesystem", 4, "name", netfsConv},
	"nfsexport":  {"", 5, "name", nil},
	"nfsclient":  {"ocf:heartbeat:exportfs", 6, "name", nfsclientConv},
	"ip":         {"ocf:heartbeat:IPaddr2", 7, "address", ipConv},
	"smb":        {"systemd:smbd", 8, "name", sambaConv},
	"script":     {"lsb:", 9, "name", nil},
	"samba":      {"systemd:smbd", 0, "name", sambaConv},
	"nfsserver":  {"ocf:heartbeat:nfsserver", 0, "name", nfsserverConv},
	"mysql":      {"ocf:heartbeat:mysql", 0, "name", mysqlConv},
	"postgres-8": {"ocf:heartbeat:pgsql", 0, "name", pgConv},
	"apache":     {"ocf:heartbeat:apache", 0, "name", apacheConv},
	"vm":         {"ocf:heartbeat:VirtualDomain", 0, "name", vmConv},
	"drbd":       {"ocf:linbit:drbd", 0, "name", nil},
}

// childLevels are the start levels of children under resources other than
// the service (fs.sh, clusterfs.sh, netfs.sh: fs and clusterfs 1, nfsexport
// 3; nfsexport.sh: nfsclient 1); other parents start children in document
// order.
var childLevels = map[string]map[string]int{
	"fs":        {"fs": 1, "clusterfs": 1, "nfsexport": 3},
	"clusterfs": {"fs": 1, "clusterfs": 1, "nfsexport": 3},
	"netfs":     {"fs": 1, "clusterfs": 1, "nfsexport": 3},
	"nfsexport": {"nfsclient": 1},
	"nfsserver": {"nfsclient": 1},
}

func attrs(e *xmltree.Element, used *[]string, pairs ...string) []nv {
	var out []nv
	for i := 0; i+1 < len(pairs); i += 2 {
		*used = append(*used, pairs[i])
		if v := e.Attr(pairs[i]); v != "" {
			out = append(out, nv{pairs[i+1], v})
		}
	}
	return out
}

func boolAttr(e *xmltree.Element, used *[]string, name, param, val string) []nv {
	*used = append(*used, name)
	if v := e.Attr(name); v == "1" || strings.EqualFold(v, "yes") || strings.EqualFold(v, "on") {
		return []nv{{param, val}}
	}
	return nil
}

func lvmConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	p := attrs(e, used, "vg_name", "vgname", "lv_name", "lvname")
	p = append(p, nv{"vg_access_mode", "tagging"})
	c.note(c.where(e), Approximated, "lvm: ocf:heartbeat:LVM-activate with vg_access_mode=tagging, rgmanager's HA-LVM by tags; with clvmd use vg_access_mode=clvmd")
	return p
}

func fsConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	p := attrs(e, used, "device", "device", "mountpoint", "directory", "fstype", "fstype", "options", "options")
	p = append(p, boolAttr(e, used, "force_unmount", "force_unmount", "true")...)
	p = append(p, boolAttr(e, used, "force_fsck", "run_fsck", "force")...)
	*used = append(*used, "fsid", "self_fence", "nfslock", "quick_status")
	if e.Name == "clusterfs" {
		if e.Attr("fstype") == "" {
			p = append(p, nv{"fstype", "gfs2"})
		}
		c.note(c.where(e), Approximated, "clusterfs: a Filesystem in the service's group; GFS2 also needs the DLM (ocf:pacemaker:controld), which pacer does not provide")
	} else if e.Attr("fstype") == "" {
		c.note(c.where(e), Approximated, "fs without fstype: rgmanager probed the device; ocf:heartbeat:Filesystem needs fstype, set it")
	}
	if e.Attr("self_fence") == "1" {
		c.note(c.where(e), NotConverted, "self_fence: a failed unmount is escalated by the stop operation's on-fail=fence (the default when fencing is on)")
	}
	if e.Attr("nfslock") == "1" {
		c.note(c.where(e), NotConverted, "nfslock: add ocf:heartbeat:nfsnotify to notify NFS clients after failover")
	}
	return p
}

func netfsConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	*used = append(*used, "host", "export")
	p := []nv{{"device", e.Attr("host") + ":" + e.Attr("export")}}
	p = append(p, attrs(e, used, "mountpoint", "directory", "fstype", "fstype", "options", "options")...)
	if e.Attr("fstype") == "" {
		p = append(p, nv{"fstype", "nfs"})
	}
	p = append(p, boolAttr(e, used, "force_unmount", "force_unmount", "true")...)
	return p
}

// nfsclientConv exports the directory of the nearest file system above.
func nfsclientConv(c *cm, e, parent *xmltree.Element, used *[]string) []nv {
	p := attrs(e, used, "target", "clientspec", "options", "options")
	*used = append(*used, "path", "fsid", "allow_recover", "service_name", "use_cache")
	dir, fsid := e.Attr("path"), e.Attr("fsid")
	for a := parent; a != nil; a = a.Parent {
		if d := c.resolved[a]; d != nil {
			a = d
		}
		if dir == "" && a.Attr("path") != "" {
			dir = a.Attr("path")
		}
		if dir == "" && a.Attr("mountpoint") != "" {
			dir = a.Attr("mountpoint")
		}
		if fsid == "" && a.Attr("fsid") != "" {
			fsid = a.Attr("fsid")
		}
		if dir != "" && fsid != "" {
			break
		}
	}
	if dir == "" {
		c.note(c.where(e), Approximated, "nfsclient: no exported directory (no path here nor a file system above); set exportfs' directory")
	}
	if fsid == "" {
		if c.nfsFsid == nil {
			c.nfsFsid = map[string]string{}
		}
		if c.nfsFsid[dir] == "" {
			c.nfsFsid[dir] = strconv.Itoa(len(c.nfsFsid) + 1)
		}
		fsid = c.nfsFsid[dir]
		c.note(c.where(e), Info, "exportfs needs an fsid: %s given to %s (rgmanager derived one from the device)", fsid, dir)
	}
	return append(p, nv{"directory", dir}, nv{"fsid", fsid})
}

func ipConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	*used = append(*used, "address", "monitor_link", "sleeptime", "family", "prefer_interface", "disable_rdisc")
	addr, bits, _ := strings.Cut(e.Attr("address"), "/")
	p := []nv{{"ip", addr}}
	if bits != "" {
		p = append(p, nv{"cidr_netmask", bits})
	}
	if v := e.Attr("prefer_interface"); v != "" {
		p = append(p, nv{"nic", v})
	}
	if v := e.Attr("monitor_link"); v == "1" || v == "yes" || v == "on" {
		c.note(c.where(e), NotConverted, "monitor_link: IPaddr2 does not watch the link; add an ocf:heartbeat:ethmonitor clone and a location rule on its attribute")
	}
	if v := e.Attr("sleeptime"); v != "" {
		c.note(c.where(e), NotConverted, "sleeptime=%s: IPaddr2 sends its gratuitous ARPs at once (arp_interval, arp_count)", v)
	}
	return p
}

func sambaConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	*used = append(*used, "workgroup")
	c.note(c.where(e), Approximated, "samba %s: the smbd service (systemd:smbd, smb on Red Hat); rgmanager ran it with /etc/samba/smb.conf.%s, which must become its configuration", e.Attr("name"), e.Attr("name"))
	return nil
}

func nfsserverConv(c *cm, e, parent *xmltree.Element, used *[]string) []nv {
	*used = append(*used, "path", "nfspath")
	dir := e.Attr("path")
	if dir == "" && parent != nil {
		dir = parent.Attr("mountpoint")
	}
	nfspath := e.Attr("nfspath")
	if nfspath == "" {
		nfspath = ".clumanager/nfs"
	}
	if dir == "" {
		c.note(c.where(e), Approximated, "nfsserver: no file system above it for the NFS state; set nfs_shared_infodir")
		return nil
	}
	return []nv{{"nfs_shared_infodir", path.Join(dir, nfspath)}}
}

func mysqlConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	p := attrs(e, used, "config_file", "config")
	*used = append(*used, "listen_address", "mysqld_options", "shutdown_wait", "startup_wait")
	var extra []string
	if v := e.Attr("listen_address"); v != "" {
		extra = append(extra, "--bind-address="+v)
	}
	if v := e.Attr("mysqld_options"); v != "" {
		extra = append(extra, v)
	}
	if len(extra) > 0 {
		p = append(p, nv{"additional_parameters", strings.Join(extra, " ")})
	}
	return p
}

func pgConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	p := attrs(e, used, "config_file", "config", "postmaster_user", "pgdba", "postmaster_options", "start_opt")
	*used = append(*used, "shutdown_wait", "startup_wait")
	if cf := e.Attr("config_file"); cf != "" {
		// postgresql.conf lives in the data directory on the systems
		// rgmanager ran on.
		p = append(p, nv{"pgdata", path.Dir(cf)})
	}
	return p
}

func apacheConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	*used = append(*used, "server_root", "config_file", "httpd_options", "shutdown_wait")
	var p []nv
	if cf := e.Attr("config_file"); cf != "" {
		if !path.IsAbs(cf) {
			root := e.Attr("server_root")
			if root == "" {
				root = "/etc/httpd"
			}
			cf = path.Join(root, cf)
		}
		p = append(p, nv{"configfile", cf})
	}
	if v := e.Attr("httpd_options"); v != "" {
		p = append(p, nv{"options", v})
	}
	return p
}

func vmConv(c *cm, e, _ *xmltree.Element, used *[]string) []nv {
	*used = append(*used, "path", "xmlfile", "hypervisor", "hypervisor_uri", "migration_uri", "use_virsh", "migrate")
	cfg := e.Attr("xmlfile")
	if cfg == "" {
		dir := e.Attr("path")
		if dir == "" {
			dir = "/etc/libvirt/qemu"
		}
		if i := strings.IndexByte(dir, ':'); i >= 0 {
			c.note(c.where(e), Approximated, "path=%s: several directories; the first is used for the domain's XML", dir)
			dir = dir[:i]
		}
		cfg = path.Join(dir, e.Attr("name")+".xml")
	}
	p := []nv{{"config", cfg}}
	if v := e.Attr("hypervisor_uri"); v != "" {
		p = append(p, nv{"hypervisor", v})
	}
	if v := e.Attr("migration_uri"); v != "" {
		p = append(p, nv{"migrateuri", v})
	}
	return p
}

// serviceAttrs are the attributes of <service> (and top-level <vm>) that
// the conversion reads.
var serviceAttrs = []string{"name", "domain", "autostart", "exclusive", "recovery", "max_restarts",
	"restart_expire_time", "depend", "depend_mode", "nfslock", "priority"}

func (c *cm) rm(rm *xmltree.Element) error {
	c.unused(rm, "log_level", "log_facility", "central_processing", "status_poll_interval", "transition_throttling")
	for _, k := range []string{"log_level", "log_facility", "central_processing", "status_poll_interval", "transition_throttling"} {
		if v := rm.Attr(k); v != "" {
			c.note(c.where(rm), NotConverted, "%s=%s: rgmanager's own tuning, no counterpart", k, v)
		}
	}
	c.domains = map[string]*domain{}
	if fds := rm.Child("failoverdomains"); fds != nil {
		for _, fd := range fds.Children {
			if err := c.domain(fd); err != nil {
				return err
			}
		}
	}
	if res := rm.Child("resources"); res != nil {
		for _, r := range res.Children {
			t, ok := rgTypes[r.Name]
			if !ok {
				c.note(c.where(r), NotConverted, "resource type <%s> has no mapping", r.Name)
				continue
			}
			key := r.Attr(t.key)
			if key == "" {
				return fmt.Errorf("%s: global resource without %s", c.where(r), t.key)
			}
			if c.global[r.Name+":"+key] != nil {
				return fmt.Errorf("%s: global resource %s %q is defined twice", c.where(r), r.Name, key)
			}
			c.global[r.Name+":"+key] = r
		}
	}
	var services []*xmltree.Element
	for _, s := range rm.Children {
		switch s.Name {
		case "failoverdomains", "resources":
		case "service", "vm":
			if s.Attr("name") == "" {
				return fmt.Errorf("%s: <%s> without a name", c.where(s), s.Name)
			}
			services = append(services, s)
		case "events":
			c.note(c.where(s), NotConverted, "central processing <events>: no counterpart; express their policy with constraints")
		default:
			c.note(c.where(s), NotConverted, "unknown element <%s> in <rm>", s.Name)
		}
	}
	for _, s := range services {
		if err := c.service(s); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(c.global) {
		if len(c.refUsers[k]) == 0 {
			c.note(c.where(c.global[k]), NotConverted, "global resource is used by no service")
		} else if len(c.refUsers[k]) > 1 {
			c.note(c.where(c.global[k]), Info, "shared by services %s: each gets its own copy, as under rgmanager (which ran it once per running service)",
				strings.Join(c.refUsers[k], ", "))
		}
	}
	// exclusive: runs only on a node with no other service, both ways.
	for _, s := range services {
		if s.Attr("exclusive") != "1" {
			continue
		}
		id := c.svcIDs[s.Attr("name")]
		for _, o := range services {
			oid := c.svcIDs[o.Attr("name")]
			if o == s || oid == "" || id == "" {
				continue
			}
			c.colocation("colocation-"+oid+"-not-with-"+id, "-INFINITY", oid, "", id, "")
		}
	}
	// depend=service:other
	for _, s := range services {
		dep := s.Attr("depend")
		if dep == "" {
			continue
		}
		other := strings.TrimPrefix(dep, "service:")
		oid, id := c.svcIDs[other], c.svcIDs[s.Attr("name")]
		if oid == "" || id == "" {
			c.note(c.where(s), NotConverted, "depend=%s: no such service", dep)
			continue
		}
		kind := "Mandatory"
		if s.Attr("depend_mode") == "soft" {
			kind = "Optional"
		}
		c.order("order-"+oid+"-before-"+id, kind, oid, "start", id, "start")
	}
	return nil
}

func (c *cm) domain(fd *xmltree.Element) error {
	if fd.Name != "failoverdomain" {
		c.note(c.where(fd), NotConverted, "unknown element <%s> in <failoverdomains>", fd.Name)
		return nil
	}
	name := fd.Attr("name")
	if name == "" {
		return fmt.Errorf("%s: failover domain without a name", c.where(fd))
	}
	d := &domain{el: fd, ordered: fd.Attr("ordered") == "1", restricted: fd.Attr("restricted") == "1", nofailback: fd.Attr("nofailback") == "1"}
	c.unused(fd, "name", "ordered", "restricted", "nofailback")
	for _, n := range fd.Children {
		if n.Name != "failoverdomainnode" {
			c.note(c.where(n), NotConverted, "unknown element <%s> in <failoverdomain>", n.Name)
			continue
		}
		nn := n.Attr("name")
		if !c.nodeSet[nn] {
			return fmt.Errorf("%s: failover domain %s names node %q, which is not a cluster node", c.where(n), name, nn)
		}
		prio := 1
		if v := n.Attr("priority"); v != "" {
			p, err := strconv.Atoi(v)
			if err != nil || p < 1 || p > 100 {
				return fmt.Errorf("%s: priority %q is not 1..100", c.where(n), v)
			}
			prio = p
		}
		c.unused(n, "name", "priority")
		d.nodes = append(d.nodes, domainNode{nn, prio})
	}
	if len(d.nodes) == 0 {
		c.note(c.where(fd), NotConverted, "failover domain %s has no nodes", name)
	}
	c.domains[name] = d
	return nil
}

// member is one converted resource of a service, in start order.
type member struct {
	el          *xmltree.Element
	independent string // __independent_subtree of the subtree's root: "1" or "2"
	subtreeRoot bool
	sub         *xmltree.Element // the subtree root element (for notes and limits)
}

func (c *cm) service(s *xmltree.Element) error {
	name := s.Attr("name")
	var members []member
	if s.Name == "vm" {
		// A <vm> is a service of one VirtualDomain.
		var used []string
		params := vmConv(c, s, nil, &used)
		id := c.id("vm-" + name)
		p := &primitive{id: id, agent: "ocf:heartbeat:VirtualDomain", params: params, ops: monitorOps("ocf:heartbeat:VirtualDomain"), where: c.where(s)}
		if m := s.Attr("migrate"); m == "" || m == "live" {
			p.meta = append(p.meta, nv{"allow-migrate", "true"})
		} else if m == "pause" {
			c.note(c.where(s), Approximated, "migrate=pause: VirtualDomain migrates live (allow-migrate)")
			p.meta = append(p.meta, nv{"allow-migrate", "true"})
		}
		if v := s.Attr("use_virsh"); v == "0" {
			c.note(c.where(s), NotConverted, "use_virsh=0 (xm): VirtualDomain drives libvirt")
		}
		p.meta = append(p.meta, c.serviceMeta(s)...)
		c.unused(s, append(append([]string{}, serviceAttrs...), used...)...)
		el := c.add(c.element(p))
		if s.Attr("recovery") == "disable" {
			setOnFail(el, "stop")
		}
		c.svcIDs[name] = id
		c.placement(s, id)
		return nil
	}
	c.unused(s, serviceAttrs...)
	if v := s.Attr("nfslock"); v == "1" {
		c.note(c.where(s), NotConverted, "nfslock: add ocf:heartbeat:nfsnotify to the group to notify NFS clients after failover")
	}
	if v := s.Attr("priority"); v != "" {
		c.note(c.where(s), NotConverted, "priority=%s: used by rgmanager's central processing; use the group's priority meta-attribute if it matters", v)
	}
	gid := c.id(name)
	if err := c.children(s, s, gid, "", &members); err != nil {
		return err
	}
	if len(members) == 0 {
		c.note(c.where(s), NotConverted, "service %s has no resources", name)
		return nil
	}
	// Independent subtrees leave the group: their failures restart only
	// them. They are colocated with the group and ordered after what came
	// before them.
	var main []*xmltree.Element
	type subtree struct {
		root       member
		members    []*xmltree.Element
		prev, next string // the service's members started before and after it
	}
	var subs []*subtree
	var cur *subtree
	prev := ""
	for _, m := range members {
		if m.independent == "" {
			main = append(main, m.el)
			prev = m.el.ID()
			cur = nil
			for _, st := range subs {
				if st.next == "" {
					st.next = prev
				}
			}
			continue
		}
		if m.subtreeRoot {
			cur = &subtree{root: m, prev: prev}
			subs = append(subs, cur)
		}
		cur.members = append(cur.members, m.el)
	}
	meta := c.serviceMeta(s)
	if s.Attr("recovery") == "disable" {
		for _, m := range members {
			setOnFail(m.el, "stop")
		}
	}
	if len(main) == 0 {
		c.note(c.where(s), Approximated, "every resource of %s is an independent subtree: the first becomes the service", name)
		main, subs = subs[0].members, subs[1:]
	}
	c.add(c.group(gid, main, meta))
	c.svcIDs[name] = gid
	c.placement(s, gid)
	for _, st := range subs {
		sid := c.sub(gid, st.root.el.ID())
		var smeta []nv
		if st.root.independent == "2" {
			smeta = append(smeta, nv{"migration-threshold", "1"})
			c.note(c.where(st.root.sub), Approximated, "__independent_subtree=2 (non-critical): group %s stays with %s; a failure stops it there (its monitors have on-fail=stop)", sid, gid)
			for _, e := range st.members {
				setOnFail(e, "stop")
			}
		} else {
			c.note(c.where(st.root.sub), Info, "__independent_subtree: group %s, colocated with %s and started after it; its failures restart it alone", sid, gid)
		}
		if mr := st.root.sub.Attr("__max_restarts"); mr != "" {
			if n, err := strconv.Atoi(mr); err == nil && n > 0 {
				smeta = replaceNV(smeta, nv{"migration-threshold", strconv.Itoa(n + 1)})
				for _, e := range st.members {
					setOnFail(e, "restart")
				}
			}
		}
		if rt := st.root.sub.Attr("__restart_expire_time"); rt != "" {
			if secs, err := seconds(rt); err == nil && secs > 0 {
				smeta = append(smeta, nv{"failure-timeout", strconv.Itoa(secs) + "s"})
			}
		}
		c.add(c.group(sid, st.members, smeta))
		c.colocation("colocation-"+sid+"-with-"+gid, "INFINITY", sid, "", gid, "")
		first := gid
		if st.prev != "" {
			first = st.prev
		}
		c.order("order-"+first+"-before-"+sid, "Mandatory", first, "start", sid, "start")
		if st.next != "" {
			// What rgmanager started after the subtree still starts after
			// it, but is not restarted with it.
			c.order("order-"+sid+"-before-"+st.next, "Optional", sid, "start", st.next, "start")
		}
	}
	return nil
}

func replaceNV(list []nv, x nv) []nv {
	for i := range list {
		if list[i].name == x.name {
			list[i] = x
			return list
		}
	}
	return append(list, x)
}

// setOnFail sets on-fail on a primitive's monitor operations.
func setOnFail(p *xmltree.Element, v string) {
	if ops := p.Child("operations"); ops != nil {
		for _, o := range ops.Children {
			if o.Attr("name") == "monitor" {
				o.SetAttr("on-fail", v)
			}
		}
	}
}

// serviceMeta maps autostart, recovery and the restart limits.
func (c *cm) serviceMeta(s *xmltree.Element) []nv {
	var meta []nv
	w := c.where(s)
	if s.Attr("autostart") == "0" {
		meta = append(meta, nv{"target-role", "Stopped"})
		c.note(w, Info, "autostart=0: target-role=Stopped; start it with `pacer resource start`")
	}
	rec := s.Attr("recovery")
	maxR, _ := strconv.Atoi(s.Attr("max_restarts"))
	switch rec {
	case "", "restart":
		if maxR > 0 {
			// rgmanager restarts max_restarts times, then relocates.
			meta = append(meta, nv{"migration-threshold", strconv.Itoa(maxR + 1)})
		}
	case "relocate":
		meta = append(meta, nv{"migration-threshold", "1"})
	case "disable":
		c.note(w, Approximated, "recovery=disable: the failed resource is stopped and not started elsewhere (on-fail=stop); the group's members before it keep running")
	case "restart-disable":
		c.note(w, Approximated, "recovery=restart-disable: restarted in place up to max_restarts, then stopped (on-fail=stop after the restarts is not expressible: it relocates instead)")
		if maxR > 0 {
			meta = append(meta, nv{"migration-threshold", strconv.Itoa(maxR + 1)})
		} else {
			meta = append(meta, nv{"migration-threshold", "2"})
		}
	default:
		c.note(w, NotConverted, "recovery=%q is not restart, relocate, disable or restart-disable", rec)
	}
	if v := s.Attr("max_restarts"); v != "" && maxR == 0 && v != "0" {
		c.note(w, NotConverted, "max_restarts=%q is not a number", v)
	}
	if v := s.Attr("restart_expire_time"); v != "" {
		secs, err := seconds(v)
		if err != nil {
			c.note(w, NotConverted, "restart_expire_time=%q: %v", v, err)
		} else if secs > 0 {
			meta = append(meta, nv{"failure-timeout", strconv.Itoa(secs) + "s"})
		}
	}
	return meta
}

// children converts e's children in rgmanager's start order into members.
func (c *cm) children(svc, e *xmltree.Element, gid, indep string, out *[]member) error {
	type child struct {
		el    *xmltree.Element
		level int
		pos   int
	}
	var kids []child
	levels := childLevels[e.Name]
	for i, ch := range e.Children {
		lvl := 0
		if e == svc {
			lvl = rgTypes[ch.Name].level
		} else if levels != nil {
			lvl = levels[ch.Name]
		}
		if lvl == 0 {
			lvl = 1000 // untyped: after every typed child, in document order
		}
		kids = append(kids, child{ch, lvl, i})
	}
	sort.SliceStable(kids, func(i, j int) bool { return kids[i].level < kids[j].level })
	for _, k := range kids {
		if err := c.resource(svc, k.el, e, gid, indep, out); err != nil {
			return err
		}
	}
	return nil
}

// resource converts one resource of a service (inline or ref=) and its
// children.
func (c *cm) resource(svc, e, parent *xmltree.Element, gid, indep string, out *[]member) error {
	t, ok := rgTypes[e.Name]
	if !ok {
		c.note(c.where(e), NotConverted, "resource type <%s> has no mapping; its children are left out too", e.Name)
		return nil
	}
	def := e
	if ref := e.Attr("ref"); ref != "" {
		g := c.global[e.Name+":"+ref]
		if g == nil {
			return fmt.Errorf("%s: ref=%q: no global <%s %s=%q> in <rm><resources>", c.where(e), ref, e.Name, t.key, ref)
		}
		c.refUsers[e.Name+":"+ref] = appendOnce(c.refUsers[e.Name+":"+ref], svc.Attr("name"))
		// Attributes given with the ref override the global ones.
		def = g.Clone()
		def.Line = g.Line
		def.Parent = e.Parent
		for _, a := range e.Attrs {
			if a.Name != "ref" {
				def.SetAttr(a.Name, a.Value)
			}
		}
		def.Children = append(append([]*xmltree.Element{}, g.Children...), e.Children...)
		if c.resolved == nil {
			c.resolved = map[*xmltree.Element]*xmltree.Element{}
		}
		c.resolved[e] = def
	}
	rootIndep := false
	if v := def.Attr("__independent_subtree"); v == "1" || v == "2" {
		if indep == "" {
			indep, rootIndep = v, true
		} else {
			c.note(c.where(e), Approximated, "__independent_subtree inside another independent subtree: part of the enclosing subtree's group (its failures also restart what follows it there)")
		}
	} else if v != "" && v != "0" {
		c.note(c.where(e), NotConverted, "__independent_subtree=%q is not 0, 1 or 2", v)
	}
	used := []string{"ref", "name", "__independent_subtree", "__max_restarts", "__restart_expire_time", "__enforce_timeouts"}
	if def.Attr("__enforce_timeouts") == "1" {
		c.note(c.where(e), Info, "__enforce_timeouts: Pacemaker always enforces operation timeouts")
	}
	if e.Name == "nfsexport" {
		// No process of its own: it made sure the NFS server ran. Its
		// nfsclient children become exportfs resources.
		c.note(c.where(e), Info, "nfsexport: no resource of its own (it only checked that the NFS server runs; run nfs-server as a clone or with an nfsserver resource); its nfsclient children become exportfs resources")
		c.unused(def, append(used, "path", "device", "fsid")...)
		return c.children(svc, def, gid, indep, out)
	}
	if e.Name == "drbd" {
		c.note(c.where(e), NotConverted, "drbd inside a service: define a promotable ocf:linbit:drbd clone and colocate the service with its Promoted role")
		return nil
	}
	agent := t.agent
	var params []nv
	var label string
	switch e.Name {
	case "script":
		file := def.Attr("file")
		used = append(used, "file")
		if file == "" {
			return fmt.Errorf("%s: script without file", c.where(e))
		}
		base := path.Base(file)
		agent = "lsb:" + base
		if path.Dir(file) != "/etc/init.d" && path.Dir(file) != "/etc/rc.d/init.d" {
			c.note(c.where(e), Approximated, "script %s: lsb:%s runs /etc/init.d/%s; install or link the script there on every node", file, base, base)
		}
		label = def.Attr("name")
	default:
		params = t.convert(c, def, parent, &used)
		label = def.Attr(t.key)
		if e.Name == "ip" {
			label = "ip-" + label
		}
	}
	c.unused(def, used...)
	id := c.sub(gid, label)
	p := &primitive{id: id, agent: agent, params: params, ops: monitorOps(agent), where: c.where(e)}
	if e.Name == "vm" {
		p.meta = append(p.meta, nv{"allow-migrate", "true"})
	}
	el := c.element(p)
	*out = append(*out, member{el: el, independent: indep, subtreeRoot: rootIndep, sub: def})
	return c.children(svc, def, gid, indep, out)
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// placement maps a service's failover domain: preferences for its nodes
// (by priority when ordered), no other node when restricted, and
// stickiness that outweighs the preferences when nofailback.
func (c *cm) placement(s *xmltree.Element, id string) {
	dn := s.Attr("domain")
	if dn == "" {
		return
	}
	d := c.domains[dn]
	if d == nil {
		c.note(c.where(s), NotConverted, "domain=%q: no such failover domain", dn)
		return
	}
	maxPrio := 1
	for _, n := range d.nodes {
		maxPrio = max(maxPrio, n.prio)
	}
	top := 0
	var names []string
	for _, n := range d.nodes {
		score := 100
		if d.ordered {
			// priority 1 is the most preferred; 100 apart so that the
			// default stickiness (1 per resource) never blocks failback.
			score = 100 * (maxPrio + 1 - n.prio)
		}
		top = max(top, score)
		c.location(id, n.name, strconv.Itoa(score))
		names = append(names, n.name)
	}
	if d.restricted && len(names) > 0 {
		c.locationOnlyOn(id, names)
	}
	if d.nofailback {
		if d.ordered {
			c.setMeta(id, "resource-stickiness", strconv.Itoa(top+1))
		}
		c.note(c.where(s), Info, "failover domain %s has nofailback: %s stays where it runs when a preferred node returns", dn, id)
	}
}

// setMeta sets a meta-attribute on a resource already built.
func (c *cm) setMeta(id, name, value string) {
	r := c.rscs.Find(func(e *xmltree.Element) bool { return e.ID() == id })
	if r == nil {
		return
	}
	m := r.Child("meta_attributes")
	if m == nil {
		m = xmltree.New("meta_attributes", "id", c.sub(id, "meta_attributes"))
		r.Insert(0, m)
	}
	m.Append(xmltree.New("nvpair", "id", c.sub(m.ID(), name), "name", name, "value", value))
}
