package importer

import (
	"slices"
	"strings"
	"testing"
)

func hbImport(t *testing.T, hacf, haresources, authkeys string) *Result {
	t.Helper()
	in := HeartbeatInput{}
	if hacf != "" {
		in.HaCf = []byte(hacf)
	}
	if haresources != "" {
		in.Haresources = []byte(haresources)
	}
	if authkeys != "" {
		in.Authkeys = []byte(authkeys)
	}
	r, err := Heartbeat(in, Options{Agent: InstalledAgent})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return r
}

// TestHeartbeatRealistic converts a DRBD/NFS + web pair with IPMI fencing
// and ipfail, and checks every part against Heartbeat's meaning.
func TestHeartbeatRealistic(t *testing.T) {
	r, err := Heartbeat(HeartbeatInput{
		HaCf: testdata(t, "ha.cf"), Haresources: testdata(t, "haresources"), Authkeys: testdata(t, "authkeys"),
		AuthkeysPerm: 0o600,
	}, Options{Agent: InstalledAgent})
	if err != nil {
		t.Fatal(err)
	}
	verifyBoth(t, r)

	// One group per line, in the line's order (Heartbeat starts left to
	// right); the DRBD disk leaves the group for a promotable clone.
	if got, want := members(t, r, "group_Filesystem_srv_nfs"), []string{"Filesystem_srv_nfs", "IPaddr2_192.168.10.50", "nfs-kernel-server"}; !slices.Equal(got, want) {
		t.Errorf("NFS group %v, want %v", got, want)
	}
	if got, want := members(t, r, "group_IPaddr_192.168.10.60"), []string{"IPaddr_192.168.10.60", "IPaddr_192.168.10.61", "Filesystem_var_www", "apache2", "MailTo_ops_example.com"}; !slices.Equal(got, want) {
		t.Errorf("web group (continued line) %v, want %v", got, want)
	}
	for rsc, want := range map[string]string{
		"Filesystem_srv_nfs": "ocf:heartbeat:Filesystem", "IPaddr2_192.168.10.50": "ocf:heartbeat:IPaddr2",
		"nfs-kernel-server": "lsb:nfs-kernel-server", "IPaddr_192.168.10.60": "ocf:heartbeat:IPaddr",
		"MailTo_ops_example.com": "ocf:heartbeat:MailTo", "drbd_r0": "ocf:linbit:drbd",
		"fence-external-ipmi": "stonith:fence_ipmilan", "ping": "ocf:pacemaker:ping",
	} {
		if e := find(r, rsc); e == nil || agentOf(e) != want {
			t.Errorf("%s: want agent %s", rsc, want)
		}
	}
	for _, c := range []struct{ rsc, name, want string }{
		{"Filesystem_srv_nfs", "device", "/dev/drbd0"}, {"Filesystem_srv_nfs", "directory", "/srv/nfs"},
		{"Filesystem_srv_nfs", "fstype", "ext4"}, {"Filesystem_srv_nfs", "options", "noatime,nodiratime"},
		{"IPaddr2_192.168.10.50", "ip", "192.168.10.50"}, {"IPaddr2_192.168.10.50", "cidr_netmask", "24"},
		{"IPaddr2_192.168.10.50", "nic", "eth0"},
		// dotted netmask, interface label and broadcast
		{"IPaddr_192.168.10.61", "cidr_netmask", "24"}, {"IPaddr_192.168.10.61", "nic", "eth0"},
		{"IPaddr_192.168.10.61", "iflabel", "web"}, {"IPaddr_192.168.10.61", "broadcast", "192.168.10.255"},
		{"MailTo_ops_example.com", "email", "ops@example.com"}, {"MailTo_ops_example.com", "subject", "web_failover"},
		{"drbd_r0", "drbd_resource", "r0"},
		{"fence-external-ipmi", "ip", "10.0.9.12"}, {"fence-external-ipmi", "pcmk_host_list", "beta"},
		{"fence-external-ipmi", "lanplus", "1"},
		{"ping", "host_list", "192.168.10.1"},
	} {
		if got := param(t, r, c.rsc, c.name); got != c.want {
			t.Errorf("%s %s=%q, want %q", c.rsc, c.name, got, c.want)
		}
	}
	if meta(t, r, "ms_drbd_r0", "promotable") != "true" {
		t.Error("ms_drbd_r0 is not promotable")
	}
	// The NFS group runs where DRBD is promoted, after the promotion.
	var colo, ord bool
	for _, c := range constraints(r, "rsc_colocation") {
		colo = colo || c.Attr("rsc") == "group_Filesystem_srv_nfs" && c.Attr("with-rsc") == "ms_drbd_r0" &&
			c.Attr("with-rsc-role") == "Promoted" && c.Attr("score") == "INFINITY"
	}
	for _, o := range constraints(r, "rsc_order") {
		ord = ord || o.Attr("first") == "ms_drbd_r0" && o.Attr("first-action") == "promote" &&
			o.Attr("then") == "group_Filesystem_srv_nfs" && o.Attr("then-action") == "start"
	}
	if !colo || !ord {
		t.Errorf("DRBD colocation %v, order %v", colo, ord)
	}
	// Preferred nodes; auto_failback off outweighs them.
	if locationScore(r, "group_Filesystem_srv_nfs", "alpha") != "100" || locationScore(r, "group_IPaddr_192.168.10.60", "beta") != "100" {
		t.Error("groups do not prefer their haresources node")
	}
	if rscDefault(r, "resource-stickiness") != "200" {
		t.Errorf("auto_failback off: stickiness %q", rscDefault(r, "resource-stickiness"))
	}
	// stonith_host alpha ... fences beta from alpha only.
	var onAlpha bool
	for _, l := range constraints(r, "rsc_location") {
		if l.Attr("rsc") == "fence-external-ipmi" && strings.Contains(l.String(), `value="alpha"`) && strings.Contains(l.String(), "-INFINITY") {
			onAlpha = true
		}
	}
	if !onAlpha || property(r, "stonith-enabled") != "true" {
		t.Errorf("fence device placement %v, stonith-enabled %q", onAlpha, property(r, "stonith-enabled"))
	}
	// ipfail: the groups prefer nodes that reach more ping nodes.
	var conn int
	for _, l := range constraints(r, "rsc_location") {
		if strings.HasSuffix(l.ID(), "-connectivity") && l.Child("rule").Attr("score-attribute") == "pingd" {
			conn++
		}
	}
	if conn != 2 {
		t.Errorf("%d connectivity locations, want 2", conn)
	}
	for _, want := range []struct {
		sev   Severity
		words []string
	}{
		{NotConverted, []string{"ha.cf:6", "warntime"}},
		{NotConverted, []string{"ha.cf:9", "bcast"}},
		{NotConverted, []string{"ha.cf:16", "apiauth"}},
		{NotConverted, []string{"ha.cf:2", "logfacility"}},
		{NotConverted, []string{"authkeys", "sha1", "keygen"}},
		{Approximated, []string{"keepalive", "deadtime", "suspicion_mult = 15"}},
		{Approximated, []string{"ipfail"}},
	} {
		if !hasNote(r, want.sev, want.words...) {
			t.Errorf("no %s note with %q; notes:\n%s", want.sev, want.words, dumpNotes(r))
		}
	}
	if hasNote(r, Info, "readable by other") {
		t.Error("mode 0600 reported as readable")
	}
	for _, want := range []string{"two_node = true", `probe_interval = "2s"`, "suspicion_mult = 15", `name = "alpha"`, `name = "beta"`, "ucast eth0 192.168.10.12"} {
		if !strings.Contains(r.Conf, want) {
			t.Errorf("pacer.conf lacks %q:\n%s", want, r.Conf)
		}
	}
}

// TestHeartbeatResourceForms converts every haresources form Heartbeat
// accepts, one line each, and checks the agent and parameters.
func TestHeartbeatResourceForms(t *testing.T) {
	hacf := "node n1 n2\nauto_failback on\n"
	lines := []string{
		"n1 10.0.0.5",
		"n1 10.0.0.6/16/eth1",
		"n1 10.0.0.7/255.255.252.0/eth2/10.0.3.255",
		"n1 IPaddr::10.0.0.8/24",
		"n1 IPaddr2::10.0.0.9/24/eth0:vip/10.0.0.255",
		"n1 Filesystem::LABEL=data::/data::ext3",
		"n1 Filesystem::/dev/sdc1::/mnt/x::xfs::ro,noatime",
		"n1 MailTo::root@example.com",
		"n1 IPsrcaddr::10.0.0.5/24",
		"n1 Delay::5::10",
		"n1 Xinetd::tftp",
		"n1 portblock::tcp::80::block",
		"n1 LVM::vg0",
		"n1 apache::/etc/apache2/apache2.conf",
		"n1 IPv6addr::2001:db8::10/64/eth0",
		"n1 SendArp::10.0.0.20/eth0",
		"n1 Raid1::/etc/mdadm.conf::/dev/md0",
		"n1 postfix",
		"n2 \\\n  # a comment inside a continued line does not end it\n  cups",
	}
	r := hbImport(t, hacf, strings.Join(lines, "\n")+"\n", "")
	verifyBoth(t, r)
	for _, c := range []struct {
		rsc, agent string
		params     map[string]string
	}{
		{"IPaddr_10.0.0.5", "ocf:heartbeat:IPaddr", map[string]string{"ip": "10.0.0.5"}},
		{"IPaddr_10.0.0.6", "ocf:heartbeat:IPaddr", map[string]string{"ip": "10.0.0.6", "cidr_netmask": "16", "nic": "eth1"}},
		{"IPaddr_10.0.0.7", "ocf:heartbeat:IPaddr", map[string]string{"cidr_netmask": "22", "nic": "eth2", "broadcast": "10.0.3.255"}},
		{"IPaddr_10.0.0.8", "ocf:heartbeat:IPaddr", map[string]string{"ip": "10.0.0.8", "cidr_netmask": "24"}},
		{"IPaddr2_10.0.0.9", "ocf:heartbeat:IPaddr2", map[string]string{"nic": "eth0", "iflabel": "vip", "broadcast": "10.0.0.255"}},
		{"Filesystem_data", "ocf:heartbeat:Filesystem", map[string]string{"device": "LABEL=data", "directory": "/data", "fstype": "ext3"}},
		{"Filesystem_mnt_x", "ocf:heartbeat:Filesystem", map[string]string{"options": "ro,noatime"}},
		{"MailTo_root_example.com", "ocf:heartbeat:MailTo", map[string]string{"email": "root@example.com"}},
		{"IPsrcaddr_10.0.0.5", "ocf:heartbeat:IPsrcaddr", map[string]string{"ipaddress": "10.0.0.5", "cidr_netmask": "24"}},
		{"Delay", "ocf:heartbeat:Delay", map[string]string{"startdelay": "5", "stopdelay": "10"}},
		{"Xinetd_tftp", "ocf:heartbeat:Xinetd", map[string]string{"service": "tftp"}},
		{"portblock_80", "ocf:heartbeat:portblock", map[string]string{"protocol": "tcp", "action": "block"}},
		{"LVM_vg0", "ocf:heartbeat:LVM-activate", map[string]string{"vgname": "vg0", "vg_access_mode": "tagging"}},
		{"apache", "ocf:heartbeat:apache", map[string]string{"configfile": "/etc/apache2/apache2.conf"}},
		{"SendArp_10.0.0.20", "ocf:heartbeat:SendArp", map[string]string{"nic": "eth0"}},
		{"Raid1_dev_md0", "ocf:heartbeat:Raid1", map[string]string{"raidconf": "/etc/mdadm.conf"}},
		{"postfix", "lsb:postfix", nil},
		{"cups", "lsb:cups", nil},
	} {
		e := find(r, c.rsc)
		if e == nil {
			t.Errorf("no %s; notes:\n%s", c.rsc, dumpNotes(r))
			continue
		}
		if agentOf(e) != c.agent {
			t.Errorf("%s: agent %s, want %s", c.rsc, agentOf(e), c.agent)
		}
		for k, v := range c.params {
			if got := param(t, r, c.rsc, k); got != v {
				t.Errorf("%s: %s=%q, want %q", c.rsc, k, got, v)
			}
		}
	}
	// An IPv6 address's own "::" is not an argument separator.
	if e := find(r, "IPv6addr_2001_db8__10"); e == nil || param(t, r, e.ID(), "ipv6addr") != "2001:db8::10" ||
		param(t, r, e.ID(), "cidr_netmask") != "64" || param(t, r, e.ID(), "nic") != "eth0" {
		t.Errorf("IPv6addr::2001:db8::10/64/eth0 mangled; notes:\n%s", dumpNotes(r))
	}
	if rscDefault(r, "resource-stickiness") != "0" {
		t.Errorf("auto_failback on: stickiness %q, want 0", rscDefault(r, "resource-stickiness"))
	}
	if locationScore(r, "group_cups", "n2") != "100" {
		t.Errorf("continued line: cups group not preferring n2; notes:\n%s", dumpNotes(r))
	}
	if property(r, "stonith-enabled") != "false" || !hasNote(r, Approximated, "no fencing device", "stonith-enabled=false") {
		t.Errorf("without stonith_host fencing must be disabled with a note; notes:\n%s", dumpNotes(r))
	}
}

func TestHeartbeatNotConverted(t *testing.T) {
	hacf := `node a b c
crm on
respawn hacluster /usr/lib/heartbeat/dopd
nice_failback on
watchdog /dev/watchdog
stonith_host * baytech 10.0.0.3 mylogin mysecretpassword
stonith baytech /etc/ha.d/conf/stonith.baytech
frobnicate yes
`
	har := `a myscript::one::two 10.1.1.1
d 10.1.1.2
a drbddisk
b OCF::foo
`
	r := hbImport(t, hacf, har, "auth 1\n1 crc\n")
	verifyBoth(t, r)
	for _, want := range []struct {
		sev   Severity
		words []string
	}{
		{Approximated, []string{"crm on", "cib.xml"}},
		{NotConverted, []string{"respawn", "dopd"}},
		{NotConverted, []string{"watchdog"}},
		{NotConverted, []string{"baytech", "no fence agent"}},
		{NotConverted, []string{"stonith baytech"}},
		{NotConverted, []string{"ha.cf:8", "frobnicate"}},
		{NotConverted, []string{"haresources:1", "myscript", "one::two"}},
		{Approximated, []string{"haresources:2", `"d" is not a node`, "prefers no node"}},
		{NotConverted, []string{"haresources:3", "drbddisk without"}},
		{NotConverted, []string{"haresources:4", "OCF"}},
		{Info, []string{"crc", "no authentication"}},
		{Info, []string{"3 nodes", "quorum"}},
	} {
		if !hasNote(r, want.sev, want.words...) {
			t.Errorf("no %s note with %q; notes:\n%s", want.sev, want.words, dumpNotes(r))
		}
	}
	// The rest of line 1 is still converted.
	if got := members(t, r, "group_IPaddr_10.1.1.1"); !slices.Equal(got, []string{"IPaddr_10.1.1.1"}) {
		t.Errorf("line 1 group %v", got)
	}
	if rscDefault(r, "resource-stickiness") != "200" {
		t.Error("nice_failback on is auto_failback off")
	}
	if strings.Contains(r.Conf, "two_node") {
		t.Error("three nodes got two_node")
	}
}

func TestHeartbeatWithoutHaCf(t *testing.T) {
	r := hbImport(t, "", "n1 10.2.0.1 httpd\nn2 10.2.0.2\n", "")
	verifyBoth(t, r)
	var names []string
	for _, n := range cfgOf(r).Child("nodes").Children {
		names = append(names, n.Attr("uname"))
	}
	if !slices.Equal(names, []string{"n1", "n2"}) {
		t.Errorf("nodes from haresources: %v", names)
	}
}

func TestHeartbeatErrors(t *testing.T) {
	for _, c := range []struct {
		hacf, har, keys, want string
	}{
		{"node a\nauto_failback sometimes\n", "a 10.0.0.1\n", "", "ha.cf:2"},
		{"node a\nkeepalive soon\n", "", "", "ha.cf:2: keepalive"},
		{"node\n", "", "", "ha.cf:1: node needs a name"},
		{"node a\n", "", "auth 1\n1 rot13 x\n", "authkeys:2: unknown authentication method"},
		{"node a\n", "", "1 sha1 x\n", "no \"auth N\" line"},
		{"node a\n", "", "auth 3\n1 sha1 x\n", "auth 3 names no key"},
		{"", "", "", "nothing to import"},
	} {
		in := HeartbeatInput{}
		if c.hacf != "" {
			in.HaCf = []byte(c.hacf)
		}
		if c.har != "" {
			in.Haresources = []byte(c.har)
		}
		if c.keys != "" {
			in.Authkeys = []byte(c.keys)
		}
		_, err := Heartbeat(in, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q / %q: error %v, want %q", c.hacf, c.keys, err, c.want)
		}
	}
}

// TestHeartbeatStonithPluginsAndDRBDAlone: each STONITH plugin with a fence
// agent counterpart, and a line holding only a DRBD disk.
func TestHeartbeatStonithPluginsAndDRBDAlone(t *testing.T) {
	r := hbImport(t, `node a b
stonith_host * apcmaster 10.0.0.5 apc apcpw
stonith_host a wti_nps 10.0.0.6 pw
stonith_host b apcmastersnmp 10.0.0.7 161 private
stonith_host a ipmilan b 10.0.0.8 623 md5 admin root pw
`, "a drbddisk::r5\n", "")
	verifyBoth(t, r)
	for rsc, want := range map[string]string{"fence-apcmaster": "stonith:fence_apc", "fence-wti_nps": "stonith:fence_wti",
		"fence-apcmastersnmp": "stonith:fence_apc_snmp", "fence-ipmilan": "stonith:fence_ipmilan"} {
		if e := find(r, rsc); e == nil || agentOf(e) != want {
			t.Errorf("%s: want %s", rsc, want)
		}
	}
	if param(t, r, "fence-ipmilan", "pcmk_host_list") != "b" || param(t, r, "fence-apcmastersnmp", "community") != "private" {
		t.Error("plugin parameters")
	}
	if hasNote(r, Approximated, "has no parameter") {
		t.Errorf("a parameter the installed agent does not know:\n%s", dumpNotes(r))
	}
	for _, l := range constraints(r, "rsc_location") {
		if l.Attr("rsc") == "fence-apcmaster" {
			t.Error("stonith_host * restricts the device")
		}
		if l.Attr("rsc") == "ms_drbd_r5" && (l.Attr("node") != "a" || l.Attr("role") != "Promoted") {
			t.Errorf("DRBD alone on its line: %s", l)
		}
	}
}
