package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"pacer/share/xmltree"
)

// HeartbeatInput is a Heartbeat v1 configuration: /etc/ha.d/ha.cf,
// haresources and authkeys. Any of the three may be missing (nil).
type HeartbeatInput struct {
	HaCf, Haresources, Authkeys             []byte
	HaCfName, HaresourcesName, AuthkeysName string // for messages
	// AuthkeysPerm is the authkeys file's permission bits, 0 when unknown.
	AuthkeysPerm uint32
}

// Heartbeat converts a Heartbeat v1 configuration. Each haresources line
// (`node resource[::arg...]...`) becomes a group that prefers its node;
// ha.cf's nodes and timing become pacer.conf settings; everything else is
// reported in the notes.
func Heartbeat(in HeartbeatInput, opts Options) (*Result, error) {
	if in.HaCf == nil && in.Haresources == nil {
		return nil, fmt.Errorf("nothing to import: neither ha.cf nor haresources given")
	}
	h := &hb{builder: newBuilder(opts), in: in}
	name := func(n, def string) string {
		if n == "" {
			return def
		}
		return n
	}
	h.in.HaCfName = name(in.HaCfName, "ha.cf")
	h.in.HaresourcesName = name(in.HaresourcesName, "haresources")
	h.in.AuthkeysName = name(in.AuthkeysName, "authkeys")
	if in.HaCf != nil {
		if err := h.parseHaCf(); err != nil {
			return nil, err
		}
	}
	if in.Authkeys != nil {
		if err := h.parseAuthkeys(); err != nil {
			return nil, err
		}
	}
	if in.Haresources != nil {
		if err := h.parseHaresources(); err != nil {
			return nil, err
		}
	}
	h.settle()
	return h.finish(h.in.HaCfName, h.fencing), nil
}

type hb struct {
	*builder
	in HeartbeatInput

	nodes      []string
	nodeSet    map[string]bool
	autoFail   string // on, off, legacy
	crmOn      bool
	crmWhere   string
	keepalive  time.Duration
	deadtime   time.Duration
	pingHosts  []string
	pingWhere  string
	ipfail     bool
	fencing    bool
	groups     []string
	hbNodeRefs []nodeRef // haresources node names, checked against ha.cf's
}

type nodeRef struct{ name, where string }

// logicalLines splits a Heartbeat file into lines without comments, joining
// continuation lines (a backslash at the end); each carries the number of
// its first physical line.
func logicalLines(data []byte) ([]numbered, error) {
	var out []numbered
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var cur strings.Builder
	start, n := 0, 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if cur.Len() == 0 {
			start = n
		}
		// Blank and comment lines, also inside a continued line.
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if i := strings.Index(line, "#"); i >= 0 && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
		}
		t := strings.TrimRight(line, " \t\r")
		if strings.HasSuffix(t, "\\") {
			cur.WriteString(strings.TrimSuffix(t, "\\"))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(t)
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, numbered{start, s})
		}
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, numbered{start, s})
	}
	return out, nil
}

type numbered struct {
	line int
	text string
}

// hbDuration reads Heartbeat's times: seconds, or with ms/s/m suffixes.
func hbDuration(v string) (time.Duration, error) {
	if strings.HasSuffix(v, "ms") {
		n, err := strconv.ParseUint(strings.TrimSuffix(v, "ms"), 10, 31)
		if err != nil {
			return 0, fmt.Errorf("bad time %q", v)
		}
		return time.Duration(n) * time.Millisecond, nil
	}
	s, err := seconds(v)
	if err != nil {
		return 0, err
	}
	return time.Duration(s) * time.Second, nil
}

func (h *hb) parseHaCf() error {
	lines, err := logicalLines(h.in.HaCf)
	if err != nil {
		return fmt.Errorf("read %s: %w", h.in.HaCfName, err)
	}
	h.nodeSet = map[string]bool{}
	for _, l := range lines {
		where := fmt.Sprintf("%s:%d", h.in.HaCfName, l.line)
		f := strings.Fields(l.text)
		key, args := strings.ToLower(f[0]), f[1:]
		// ha.cf also accepts "key value" with a colon or equals on some builds.
		key = strings.TrimRight(key, ":=")
		switch key {
		case "node":
			if len(args) == 0 {
				return fmt.Errorf("%s: node needs a name", where)
			}
			for _, n := range args {
				if !h.nodeSet[n] {
					h.nodeSet[n] = true
					h.nodes = append(h.nodes, n)
				}
			}
		case "keepalive", "deadtime":
			if len(args) != 1 {
				return fmt.Errorf("%s: %s needs one time", where, key)
			}
			d, err := hbDuration(args[0])
			if err != nil || d <= 0 {
				return fmt.Errorf("%s: %s: bad time %q", where, key, args[0])
			}
			if key == "keepalive" {
				h.keepalive = d
			} else {
				h.deadtime = d
			}
		case "warntime":
			h.note(where, NotConverted, "warntime: pacerd has no late-heartbeat warning; memberlist suspects and then declares a node dead")
		case "initdead":
			h.note(where, NotConverted, "initdead: pacerd has no separate start-up dead time; with two_node, wait_for_all keeps a starting node from acting alone until it has seen the other")
		case "auto_failback":
			if len(args) != 1 {
				return fmt.Errorf("%s: auto_failback needs on, off or legacy", where)
			}
			v := strings.ToLower(args[0])
			switch v {
			case "on", "yes", "true", "1":
				h.autoFail = "on"
			case "off", "no", "false", "0":
				h.autoFail = "off"
			case "legacy":
				h.autoFail = "legacy"
				h.note(where, Approximated, "auto_failback legacy: treated as on (resources go back to their preferred node)")
			default:
				return fmt.Errorf("%s: auto_failback: %q is not on, off or legacy", where, args[0])
			}
		case "nice_failback":
			if len(args) == 1 && isOn(args[0]) {
				h.autoFail = "off"
			} else if h.autoFail == "" {
				h.autoFail = "on"
			}
		case "crm", "pacemaker":
			if len(args) == 1 && (isOn(args[0]) || strings.EqualFold(args[0], "respawn")) {
				h.crmOn, h.crmWhere = true, where
			}
		case "respawn":
			if len(args) >= 2 && strings.HasSuffix(args[1], "/ipfail") {
				h.ipfail = true
				h.note(where, Approximated, "respawn %s: ipfail becomes a ping clone and a location rule preferring nodes that reach more ping nodes", args[1])
			} else {
				h.note(where, NotConverted, "respawn %s: pacerd does not respawn programs; run it as a resource (lsb:, systemd: or ocf:heartbeat:anything)", strings.Join(args, " "))
			}
		case "ping":
			h.pingHosts = append(h.pingHosts, args...)
			h.pingWhere = where
		case "ping_group":
			if len(args) < 2 {
				return fmt.Errorf("%s: ping_group needs a name and hosts", where)
			}
			h.pingHosts = append(h.pingHosts, args[1:]...)
			h.pingWhere = where
			h.note(where, Approximated, "ping_group %s: its hosts are counted one by one by ocf:pacemaker:ping (Heartbeat counted the group as one node)", args[0])
		case "ucast":
			if len(args) == 2 {
				h.conf.comments = append(h.conf.comments, fmt.Sprintf("ha.cf had ucast %s %s: one of the nodes' addresses", args[0], args[1]))
			}
			h.note(where, NotConverted, "ucast: pacerd gossips (memberlist) between the node addresses in pacer.conf; set each [[node]] addr (the address is listed in the pacer.conf comments)")
		case "bcast", "mcast", "mcast6", "serial", "baud", "udpport":
			h.note(where, NotConverted, "%s: pacerd's membership runs over TCP and UDP between the node addresses in pacer.conf ([membership] port, default 7946), not over broadcast, multicast or serial links", key)
		case "stonith_host":
			h.stonithHost(where, args)
		case "stonith":
			h.note(where, NotConverted, "stonith %s: the device's settings are in its own configuration file, which was not given; define a fence_* device (`pacer stonith agents`)", strings.Join(args, " "))
		case "logfacility", "logfile", "debugfile", "use_logd", "debug", "conn_logd_time":
			h.note(where, NotConverted, "%s: pacerd logs through the journal (or standard error); set debug = true in pacer.conf for debug logging", key)
		case "apiauth":
			h.note(where, NotConverted, "apiauth: the socket admits root and hacluster; other users are governed by the CIB's ACLs (enable-acl)")
		case "watchdog":
			h.note(where, NotConverted, "watchdog: pacerd has no watchdog (SBD) support")
		case "autojoin":
			h.note(where, NotConverted, "autojoin: pacer's members are the nodes listed in pacer.conf")
		case "deadping":
			h.note(where, NotConverted, "deadping: ocf:pacemaker:ping uses its own timeout and attempts parameters")
		case "compression", "compression_threshold", "traditional_compression", "msgfmt", "hopfudge",
			"coredumps", "realtime", "rtprio", "uuidfrom", "memreserve", "max_rexmit_delay", "generation_file", "enable_config_writes", "record_config_changes", "record_pengine_inputs":
			h.note(where, NotConverted, "%s: Heartbeat's own messaging or process tuning, no meaning in pacerd", key)
		default:
			h.note(where, NotConverted, "unknown directive %q", f[0])
		}
	}
	if len(h.nodes) == 0 {
		h.note(h.in.HaCfName, NotConverted, "no node directive: the nodes are taken from haresources only")
	}
	if h.keepalive > 0 || h.deadtime > 0 {
		ka, dt := h.keepalive, h.deadtime
		if ka == 0 {
			ka = 2 * time.Second // Heartbeat's default keepalive
		}
		if dt == 0 {
			dt = 30 * time.Second // Heartbeat's default deadtime
		}
		h.conf.probe = ka.String()
		// memberlist declares a suspect dead after suspicion_mult probe
		// intervals (for fewer than 10 nodes): deadtime/keepalive of them.
		h.conf.suspicion = max(1, int(math.Ceil(float64(dt)/float64(ka))))
		h.note(h.in.HaCfName, Approximated, "keepalive %s, deadtime %s: pacer.conf probe_interval = %s, suspicion_mult = %d (a silent node is declared dead after about deadtime)",
			ka, dt, ka, h.conf.suspicion)
	}
	return nil
}

func isOn(v string) bool {
	switch strings.ToLower(v) {
	case "on", "yes", "true", "1", "y":
		return true
	}
	return false
}

// stonithHost converts `stonith_host FROM TYPE PARAMS...` for the Heartbeat
// STONITH plugins that have a fence agent counterpart.
func (h *hb) stonithHost(where string, args []string) {
	if len(args) < 2 {
		h.note(where, NotConverted, "stonith_host needs a host and a device type")
		return
	}
	from, typ, p := args[0], args[1], args[2:]
	var agent string
	var params []nv
	need := func(n int, names string) bool {
		if len(p) < n {
			h.note(where, NotConverted, "stonith_host %s: expected %s", typ, names)
			return false
		}
		return true
	}
	switch typ {
	case "external/ipmi":
		if !need(4, "hostname ipaddr userid passwd [interface]") {
			return
		}
		agent = "stonith:fence_ipmilan"
		params = []nv{{"ip", p[1]}, {"username", p[2]}, {"password", p[3]}, {"pcmk_host_list", p[0]}}
		if len(p) > 4 && p[4] == "lanplus" {
			params = append(params, nv{"lanplus", "1"})
		}
	case "ipmilan":
		if !need(7, "hostname ipaddr port auth priv login password") {
			return
		}
		agent = "stonith:fence_ipmilan"
		params = []nv{{"ip", p[1]}, {"ipport", p[2]}, {"auth", p[3]}, {"privlvl", p[4]}, {"username", p[5]}, {"password", p[6]}, {"pcmk_host_list", p[0]}}
	case "apcmaster":
		if !need(3, "ipaddr login password") {
			return
		}
		agent = "stonith:fence_apc"
		params = []nv{{"ip", p[0]}, {"username", p[1]}, {"password", p[2]}}
	case "apcmastersnmp":
		if !need(3, "ipaddr port community") {
			return
		}
		agent = "stonith:fence_apc_snmp"
		params = []nv{{"ip", p[0]}, {"ipport", p[1]}, {"community", p[2]}}
	case "wti_nps":
		if !need(2, "ipaddr password") {
			return
		}
		agent = "stonith:fence_wti"
		params = []nv{{"ip", p[0]}, {"password", p[1]}}
	default:
		h.note(where, NotConverted, "stonith_host %s: no fence agent counterpart for this STONITH plugin; define a fence_* device (`pacer stonith agents`)", typ)
		return
	}
	id := h.id("fence-" + strings.ReplaceAll(typ, "/", "-"))
	h.add(h.element(&primitive{id: id, agent: agent, params: params, ops: monitorOps(agent), where: where}))
	h.fencing = true
	if from != "*" {
		// The device is reachable from FROM only.
		h.locationOnlyOn(id, []string{from})
	}
	h.note(where, Info, "stonith_host %s %s: fence device %s (%s)", from, typ, id, agent)
}

func (h *hb) parseAuthkeys() error {
	lines, err := logicalLines(h.in.Authkeys)
	if err != nil {
		return fmt.Errorf("read %s: %w", h.in.AuthkeysName, err)
	}
	methods := map[string]string{}
	active := ""
	for _, l := range lines {
		where := fmt.Sprintf("%s:%d", h.in.AuthkeysName, l.line)
		f := strings.Fields(l.text)
		if f[0] == "auth" {
			if len(f) != 2 {
				return fmt.Errorf("%s: auth needs one key number", where)
			}
			active = f[1]
			continue
		}
		if _, err := strconv.Atoi(f[0]); err != nil || len(f) < 2 {
			return fmt.Errorf("%s: expected \"auth N\" or \"N METHOD [KEY]\", found %q", where, l.text)
		}
		m := strings.ToLower(f[1])
		switch m {
		case "crc", "md5", "sha1":
		default:
			return fmt.Errorf("%s: unknown authentication method %q (crc, md5 or sha1)", where, f[1])
		}
		if m != "crc" && len(f) < 3 {
			return fmt.Errorf("%s: method %s needs a key", where, m)
		}
		methods[f[0]] = m
	}
	if active == "" {
		return fmt.Errorf("%s: no \"auth N\" line", h.in.AuthkeysName)
	}
	m, ok := methods[active]
	if !ok {
		return fmt.Errorf("%s: auth %s names no key", h.in.AuthkeysName, active)
	}
	if m == "crc" {
		h.note(h.in.AuthkeysName, Info, "the Heartbeat cluster used crc, i.e. no authentication; pacer's membership is always encrypted and authenticated")
	}
	if h.in.AuthkeysPerm&0o077 != 0 {
		h.note(h.in.AuthkeysName, Info, "authkeys is readable by other users (mode %#o): treat the old secret as known", h.in.AuthkeysPerm)
	}
	h.note(h.in.AuthkeysName, NotConverted, "the %s secret is not reused: pacer's cluster key is 32 random bytes; run `pacer cluster keygen` and copy /etc/pacer/authkey to every node", m)
	return nil
}

// hbScript maps a Heartbeat resource script (as in /etc/ha.d/resource.d)
// and its arguments to an agent and parameters. ok is false for a name
// that is not one of Heartbeat's own scripts.
type hbScript struct {
	agent string
	// params turns the :: arguments into parameters; an error is reported.
	params func(args []string) ([]nv, error)
}

func positional(names ...string) func([]string) ([]nv, error) {
	return func(args []string) ([]nv, error) {
		if len(args) > len(names) {
			return nil, fmt.Errorf("at most %d argument(s) (%s), got %d", len(names), strings.Join(names, "::"), len(args))
		}
		var out []nv
		for i, a := range args {
			if a != "" {
				out = append(out, nv{names[i], a})
			}
		}
		return out, nil
	}
}

func required(n int, f func([]string) ([]nv, error)) func([]string) ([]nv, error) {
	return func(args []string) ([]nv, error) {
		if len(args) < n {
			return nil, fmt.Errorf("needs at least %d argument(s)", n)
		}
		return f(args)
	}
}

var hbScripts = map[string]hbScript{
	"IPaddr":     {"ocf:heartbeat:IPaddr", ipParams},
	"IPaddr2":    {"ocf:heartbeat:IPaddr2", ipParams},
	"Filesystem": {"ocf:heartbeat:Filesystem", required(2, positional("device", "directory", "fstype", "options"))},
	"MailTo":     {"ocf:heartbeat:MailTo", required(1, positional("email", "subject"))},
	"IPsrcaddr": {"ocf:heartbeat:IPsrcaddr", required(1, func(a []string) ([]nv, error) {
		ip, bits, _ := strings.Cut(a[0], "/")
		out := []nv{{"ipaddress", ip}}
		if bits != "" {
			out = append(out, nv{"cidr_netmask", bits})
		}
		return out, nil
	})},
	"IPv6addr": {"ocf:heartbeat:IPv6addr", required(1, func(a []string) ([]nv, error) {
		// The address's own "::" was taken for separators: put it back.
		parts := strings.Split(strings.Join(a, "::"), "/")
		if net.ParseIP(parts[0]) == nil {
			return nil, fmt.Errorf("%q is not an IPv6 address", parts[0])
		}
		out := []nv{{"ipv6addr", parts[0]}}
		if len(parts) > 1 {
			out = append(out, nv{"cidr_netmask", parts[1]})
		}
		if len(parts) > 2 {
			out = append(out, nv{"nic", parts[2]})
		}
		return out, nil
	})},
	"SendArp": {"ocf:heartbeat:SendArp", required(1, func(a []string) ([]nv, error) {
		ip, nic, ok := strings.Cut(a[0], "/")
		if !ok {
			return nil, fmt.Errorf("expected ip/nic")
		}
		return []nv{{"ip", ip}, {"nic", nic}}, nil
	})},
	"Delay":     {"ocf:heartbeat:Delay", positional("startdelay", "stopdelay")},
	"apache":    {"ocf:heartbeat:apache", positional("configfile")},
	"LVM":       {"ocf:heartbeat:LVM-activate", required(1, lvmParams)},
	"Raid1":     {"ocf:heartbeat:Raid1", required(2, positional("raidconf", "raiddev", "homehost"))},
	"Xinetd":    {"ocf:heartbeat:Xinetd", required(1, positional("service"))},
	"portblock": {"ocf:heartbeat:portblock", required(3, positional("protocol", "portno", "action"))},
	"ICP":       {"ocf:heartbeat:ICP", required(2, positional("driveid", "device"))},
	"LinuxSCSI": {"ocf:heartbeat:LinuxSCSI", required(1, positional("scsi"))},
	"WAS":       {"ocf:heartbeat:WAS", positional("config", "port")},
	"WinPopup":  {"ocf:heartbeat:WinPopup", positional("hostfile")},
	"db2":       {"ocf:heartbeat:db2", required(1, positional("instance"))},
	"ServeRAID": {"ocf:heartbeat:ServeRAID", required(2, positional("serveraid", "mergegroup"))},
	"AudibleAlarm": {"ocf:heartbeat:AudibleAlarm", func(a []string) ([]nv, error) {
		if len(a) == 0 {
			return nil, nil
		}
		return []nv{{"nodelist", strings.Join(a, " ")}}, nil
	}},
}

func lvmParams(a []string) ([]nv, error) {
	if len(a) > 1 {
		return nil, fmt.Errorf("one argument (the volume group)")
	}
	return []nv{{"vgname", a[0]}, {"vg_access_mode", "tagging"}}, nil
}

// ipParams reads IPaddr's argument ip[/bits[/interface[/broadcast]]].
func ipParams(args []string) ([]nv, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("expected one argument ip[/netmask[/interface[/broadcast]]]")
	}
	parts := strings.Split(args[0], "/")
	if len(parts) > 4 {
		return nil, fmt.Errorf("%q: expected ip[/netmask[/interface[/broadcast]]]", args[0])
	}
	if net.ParseIP(parts[0]) == nil {
		return nil, fmt.Errorf("%q is not an IP address", parts[0])
	}
	out := []nv{{"ip", parts[0]}}
	if len(parts) > 1 && parts[1] != "" {
		bits, err := maskBits(parts[1])
		if err != nil {
			return nil, err
		}
		out = append(out, nv{"cidr_netmask", bits})
	}
	if len(parts) > 2 && parts[2] != "" {
		nic, label, ok := strings.Cut(parts[2], ":")
		out = append(out, nv{"nic", nic})
		if ok && label != "" {
			out = append(out, nv{"iflabel", label})
		}
	}
	if len(parts) > 3 && parts[3] != "" {
		if net.ParseIP(parts[3]) == nil {
			return nil, fmt.Errorf("broadcast %q is not an address", parts[3])
		}
		out = append(out, nv{"broadcast", parts[3]})
	}
	return out, nil
}

// maskBits accepts a prefix length or a dotted netmask.
func maskBits(v string) (string, error) {
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 || n > 128 {
			return "", fmt.Errorf("netmask /%d out of range", n)
		}
		return v, nil
	}
	ip := net.ParseIP(v).To4()
	if ip == nil {
		return "", fmt.Errorf("netmask %q is neither a prefix length nor a dotted mask", v)
	}
	ones, bits := net.IPMask(ip).Size()
	if bits == 0 {
		return "", fmt.Errorf("netmask %q is not contiguous", v)
	}
	return strconv.Itoa(ones), nil
}

func (h *hb) parseHaresources() error {
	lines, err := logicalLines(h.in.Haresources)
	if err != nil {
		return fmt.Errorf("read %s: %w", h.in.HaresourcesName, err)
	}
	if h.crmOn {
		h.note(h.crmWhere, Approximated, "ha.cf says crm on: Heartbeat ignored haresources and ran its CIB (/var/lib/heartbeat/crm/cib.xml); "+
			"haresources is converted anyway, but that cib.xml (load it with `pacer configure load replace`) is what the old cluster ran")
	}
	for _, l := range lines {
		where := fmt.Sprintf("%s:%d", h.in.HaresourcesName, l.line)
		f := strings.Fields(l.text)
		if len(f) < 2 {
			h.note(where, NotConverted, "line names node %q and no resource", f[0])
			continue
		}
		h.resourceLine(where, f[0], f[1:])
	}
	return nil
}

// resourceLine converts one haresources line.
func (h *hb) resourceLine(where, node string, tokens []string) {
	h.hbNodeRefs = append(h.hbNodeRefs, nodeRef{node, where})
	var members []*xmltree.Element
	var drbds []string
	for i, tok := range tokens {
		name, args := tok, []string(nil)
		if strings.Contains(tok, "::") {
			parts := strings.Split(tok, "::")
			name, args = parts[0], parts[1:]
		}
		// A bare address (ip[/bits[/if[/bcast]]]) implies IPaddr.
		if ipPart, _, _ := strings.Cut(name, "/"); net.ParseIP(ipPart) != nil && args == nil {
			name, args = "IPaddr", []string{tok}
		}
		at := fmt.Sprintf("%s (resource %d, %s)", where, i+1, tok)
		if name == "drbddisk" {
			if len(members) > 0 {
				h.note(at, Approximated, "drbddisk is not first on its line: the whole group now starts after the DRBD resource is promoted")
			}
			if id := h.drbd(at, args); id != "" {
				drbds = append(drbds, id)
			}
			continue
		}
		if name == "OCF" {
			h.note(at, NotConverted, "the OCF wrapper script: define the OCF resource with `pacer configure primitive`")
			continue
		}
		if s, ok := hbScripts[name]; ok {
			params, err := s.params(args)
			if err != nil {
				h.note(at, NotConverted, "%s: %v", name, err)
				continue
			}
			id := h.id(primitiveName(name, params))
			members = append(members, h.element(&primitive{id: id, agent: s.agent, params: params, ops: monitorOps(s.agent), where: at}))
			if name == "LVM" {
				h.note(at, Approximated, "LVM %s: ocf:heartbeat:LVM-activate with vg_access_mode=tagging (HA-LVM by tags); the volume group needs the tag set up", args[0])
			}
			continue
		}
		if len(args) > 0 {
			h.note(at, NotConverted, "script %s with arguments %q: no resource class passes positional arguments; wrap the script in an OCF agent", name, strings.Join(args, "::"))
			continue
		}
		// A script of the admin's: Heartbeat looked in /etc/ha.d/resource.d,
		// then /etc/init.d; both take start, stop and status like LSB.
		id := h.id(name)
		members = append(members, h.element(&primitive{id: id, agent: "lsb:" + name, ops: monitorOps("lsb:" + name), where: at}))
		h.note(at, Info, "%s becomes lsb:%s: it must be in /etc/init.d on every node (a script from /etc/ha.d/resource.d must be copied there) and answer status", name, name)
	}
	if len(members) == 0 && len(drbds) == 0 {
		return
	}
	var gid string
	if len(members) > 0 {
		gid = h.id("group_" + members[0].ID())
		h.add(h.group(gid, members, nil))
		h.groups = append(h.groups, gid)
		if len(h.nodes) == 0 || h.nodeSet[node] {
			h.location(gid, node, "100")
		}
	}
	for _, ms := range drbds {
		if gid == "" {
			h.cons.Append(xmltree.New("rsc_location", "id", h.id("location-"+ms+"-"+node), "rsc", ms, "node", node, "score", "100", "role", "Promoted"))
			continue
		}
		h.colocation("colocation-"+gid+"-with-"+ms, "INFINITY", gid, "", ms, "Promoted")
		h.order("order-"+ms+"-before-"+gid, "Mandatory", ms, "promote", gid, "start")
	}
}

// primitiveName names a primitive after its script and main argument, as
// Heartbeat's own conversion did (IPaddr_10.0.0.1, Filesystem_data).
func primitiveName(script string, params []nv) string {
	key := map[string]string{"IPaddr": "ip", "IPaddr2": "ip", "Filesystem": "directory", "MailTo": "email",
		"IPsrcaddr": "ipaddress", "IPv6addr": "ipv6addr", "SendArp": "ip", "LVM": "vgname", "Raid1": "raiddev",
		"Xinetd": "service", "portblock": "portno", "db2": "instance"}[script]
	for _, p := range params {
		if p.name == key {
			return script + "_" + strings.Trim(p.value, "/")
		}
	}
	return script
}

// drbd makes drbddisk::RES a promotable ocf:linbit:drbd clone.
func (h *hb) drbd(where string, args []string) string {
	if len(args) != 1 || args[0] == "" || args[0] == "all" {
		h.note(where, NotConverted, "drbddisk without a single resource name (all DRBD resources): define one ocf:linbit:drbd clone per resource")
		return ""
	}
	res := args[0]
	pid := h.id("drbd_" + res)
	agent := "ocf:linbit:drbd"
	p := h.element(&primitive{id: pid, agent: agent, params: []nv{{"drbd_resource", res}}, where: where,
		ops: []op{
			{name: "monitor", interval: "29s", timeout: "20s", extra: []nv{{"role", "Promoted"}}},
			{name: "monitor", interval: "31s", timeout: "20s", extra: []nv{{"role", "Unpromoted"}}},
		}})
	ms := h.id("ms_drbd_" + res)
	h.add(h.promotable(ms, p, []nv{{"promoted-max", "1"}, {"promoted-node-max", "1"}, {"clone-max", "2"}, {"clone-node-max", "1"}, {"notify", "true"}}))
	h.note(where, Info, "drbddisk::%s becomes the promotable clone %s (ocf:linbit:drbd, from drbd-utils); its group runs where it is promoted", res, ms)
	return ms
}

// settle writes what depends on all three files: nodes, stickiness, ping.
func (h *hb) settle() {
	nodes := h.nodes
	if len(nodes) == 0 {
		seen := map[string]bool{}
		for _, r := range h.hbNodeRefs {
			if !seen[r.name] {
				seen[r.name] = true
				nodes = append(nodes, r.name)
			}
		}
	} else {
		for _, r := range h.hbNodeRefs {
			if !h.nodeSet[r.name] {
				h.note(r.where, Approximated, "node %q is not a node of ha.cf: its group prefers no node", r.name)
			}
		}
	}
	for i, n := range nodes {
		h.node(strconv.Itoa(i+1), n)
		h.conf.nodes = append(h.conf.nodes, confNode{name: n, id: i + 1})
	}
	if len(nodes) == 2 {
		t := true
		h.conf.twoNode = &t
		h.note(h.in.HaCfName, Info, "two nodes: pacer.conf two_node = true (the cluster keeps quorum with one node, as Heartbeat did)")
	} else if len(nodes) > 2 {
		h.note(h.in.HaCfName, Info, "%d nodes: the cluster needs a majority (quorum) to run resources, which Heartbeat v1 did not", len(nodes))
	}
	switch h.autoFail {
	case "off":
		h.rscDefault("resource-stickiness", "200")
		h.note(h.in.HaCfName, Info, "auto_failback off: resource-stickiness 200 outweighs each group's preference (100) for its node")
	default:
		h.rscDefault("resource-stickiness", "0")
		if h.autoFail == "" && h.in.HaCf != nil {
			h.note(h.in.HaCfName, Info, "no auto_failback: Heartbeat's default (legacy, i.e. on) gives resource-stickiness 0: groups go back to their node")
		}
	}
	if len(h.pingHosts) > 0 {
		h.ping()
	}
}

// ping converts ping nodes: with ipfail they decide where groups run.
func (h *hb) ping() {
	agent := "ocf:pacemaker:ping"
	pid := h.id("ping")
	p := h.element(&primitive{id: pid, agent: agent, where: h.pingWhere,
		params: []nv{{"host_list", strings.Join(h.pingHosts, " ")}, {"multiplier", "100"}, {"dampen", "5s"}},
		ops:    []op{{name: "monitor", interval: "10s", timeout: "60s"}}})
	cid := h.id("ping-clone")
	c := xmltree.New("clone", "id", cid)
	c.Append(p)
	h.add(c)
	if !h.ipfail {
		h.note(h.pingWhere, Info, "ping nodes without ipfail: the ping clone %s sets the pingd node attribute, which nothing uses yet", cid)
		return
	}
	for _, g := range h.groups {
		id := h.id("location-" + g + "-connectivity")
		l := h.cons.Append(xmltree.New("rsc_location", "id", id, "rsc", g))
		r := l.Append(xmltree.New("rule", "id", h.sub(id, "rule"), "score-attribute", "pingd"))
		r.Append(xmltree.New("expression", "id", h.sub(id, "expr"), "attribute", "pingd", "operation", "defined"))
	}
}
