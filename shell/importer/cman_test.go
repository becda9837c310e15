package importer

import (
	"slices"
	"strings"
	"testing"

	"pacer/share/xmltree"
)

func cmanImport(t *testing.T, conf string) *Result {
	t.Helper()
	r, err := CMAN([]byte(conf), "cluster.conf", Options{Agent: InstalledAgent})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return r
}

func levels(r *Result, node string) []string {
	var out []string
	ft := cfgOf(r).Child("fencing-topology")
	if ft == nil {
		return nil
	}
	for _, l := range ft.Children {
		if l.Attr("target") == node {
			out = append(out, l.Attr("index")+":"+l.Attr("devices"))
		}
	}
	return out
}

func onFail(t *testing.T, r *Result, rsc string) string {
	t.Helper()
	for _, o := range find(r, rsc).Child("operations").Children {
		if o.Attr("name") == "monitor" {
			return o.Attr("on-fail")
		}
	}
	return ""
}

// TestCMANRealistic converts a three-node cluster: IPMI then dual power
// switches per node, NFS, web and database services with shared global
// resources, failover domains of every kind, an exclusive service, a VM.
func TestCMANRealistic(t *testing.T) {
	r, err := CMAN(testdata(t, "cluster.conf"), "cluster.conf", Options{Agent: InstalledAgent})
	if err != nil {
		t.Fatal(err)
	}
	verifyBoth(t, r)
	if property(r, "cluster-name") != "prodclu" || property(r, "stonith-enabled") != "true" {
		t.Errorf("cluster-name %q, stonith-enabled %q", property(r, "cluster-name"), property(r, "stonith-enabled"))
	}
	// Fencing: one IPMI device per node, the two power switches with the
	// outlets as a host map, each node's methods as levels in order; the
	// off/off/on/on pattern is a plain reboot of both switches.
	for i, n := range []string{"node1.example.com", "node2.example.com", "node3.example.com"} {
		want := []string{"1:fence-ipmi-node" + string(rune('1'+i)), "2:fence-apc-a,fence-apc-b"}
		if got := levels(r, n); !slices.Equal(got, want) {
			t.Errorf("%s levels %v, want %v", n, got, want)
		}
	}
	if got := param(t, r, "fence-apc-a", "pcmk_host_map"); got != "node1.example.com:1;node2.example.com:2;node3.example.com:3" {
		t.Errorf("apc-a host map %q", got)
	}
	if got := param(t, r, "fence-apc-b", "pcmk_reboot_action"); got != "" {
		t.Errorf("off then on again is a reboot, got pcmk_reboot_action=%q", got)
	}
	if param(t, r, "fence-ipmi-node2", "pcmk_host_list") != "node2.example.com" || param(t, r, "fence-ipmi-node2", "ipaddr") != "10.0.9.2" {
		t.Error("ipmi-node2 parameters")
	}
	if find(r, "fence-ipmi-old") != nil || !hasNote(r, NotConverted, "ipmi-old", "used by no node") {
		t.Errorf("unused device ipmi-old must be reported, not converted; notes:\n%s", dumpNotes(r))
	}
	// rgmanager's start order by type, whatever the document order:
	// lvm, fs (its nfsexport's clients under it), ip, script.
	if got, want := members(t, r, "nfs"), []string{"nfs-vg_nfs", "nfs-export-fs", "nfs-lan", "nfs-backup", "nfs-ip-192.168.20.10_24", "nfs-sync-logs"}; !slices.Equal(got, want) {
		t.Errorf("nfs order %v, want %v", got, want)
	}
	// Nested: apache under the ip starts after it; fs first by type.
	if got, want := members(t, r, "web"), []string{"web-www", "web-ip-192.168.20.11", "web-web"}; !slices.Equal(got, want) {
		t.Errorf("web order %v, want %v", got, want)
	}
	// Untyped (postgres) after typed (fs, ip); the non-critical mysql leaves.
	if got, want := members(t, r, "db"), []string{"db-pgdata", "db-ip-192.168.20.12", "db-pg"}; !slices.Equal(got, want) {
		t.Errorf("db order %v, want %v", got, want)
	}
	for _, c := range []struct{ rsc, name, want string }{
		{"nfs-export-fs", "directory", "/srv/export"}, {"nfs-export-fs", "force_unmount", "true"},
		{"nfs-lan", "clientspec", "192.168.20.0/24"}, {"nfs-lan", "directory", "/srv/export"}, {"nfs-lan", "fsid", "4711"},
		{"nfs-backup", "options", "ro"}, {"nfs-ip-192.168.20.10_24", "cidr_netmask", "24"},
		{"nfs-vg_nfs", "vgname", "vg_nfs"}, {"web-web", "configfile", "/etc/httpd/conf/httpd.conf"},
		{"db-pg", "pgdata", "/var/lib/pgsql/data"}, {"db-pg", "pgdba", "postgres"},
		{"db-reports", "additional_parameters", "--bind-address=192.168.20.12"},
		{"vm-guest1", "config", "/etc/libvirt/qemu/guest1.xml"},
	} {
		if got := param(t, r, c.rsc, c.name); got != c.want {
			t.Errorf("%s %s=%q, want %q", c.rsc, c.name, got, c.want)
		}
	}
	for rsc, want := range map[string]string{"nfs-sync-logs": "lsb:sync-logs", "web-sync-logs": "lsb:sync-logs",
		"nfs-lan": "ocf:heartbeat:exportfs", "files-files": "systemd:smbd", "vm-guest1": "ocf:heartbeat:VirtualDomain",
		"db-reports": "ocf:heartbeat:mysql", "db-pg": "ocf:heartbeat:pgsql", "nfs-vg_nfs": "ocf:heartbeat:LVM-activate"} {
		if e := find(r, rsc); e == nil || agentOf(e) != want {
			t.Errorf("%s: want %s", rsc, want)
		}
	}
	// Operation timeouts follow what the installed agent advises.
	if info, ok := InstalledAgent("ocf:heartbeat:LVM-activate"); ok {
		var start, mon string
		for _, o := range find(r, "nfs-vg_nfs").Child("operations").Children {
			switch o.Attr("name") {
			case "start":
				start = o.Attr("timeout")
			case "monitor":
				mon = o.Attr("timeout")
			}
		}
		if start != info.Timeouts["start"] || mon != info.Timeouts["monitor"] {
			t.Errorf("LVM-activate start timeout %q monitor %q, agent advises %q %q", start, mon, info.Timeouts["start"], info.Timeouts["monitor"])
		}
	}
	if !hasNote(r, Info, "shared by services nfs, web") {
		t.Errorf("shared ref not reported; notes:\n%s", dumpNotes(r))
	}
	// recovery and restart limits
	if meta(t, r, "nfs", "migration-threshold") != "1" {
		t.Error("recovery=relocate: migration-threshold 1")
	}
	if meta(t, r, "web", "migration-threshold") != "4" || meta(t, r, "web", "failure-timeout") != "600s" {
		t.Error("max_restarts=3 restart_expire_time=600: migration-threshold 4, failure-timeout 600s")
	}
	for _, m := range members(t, r, "db") {
		if onFail(t, r, m) != "stop" {
			t.Errorf("recovery=disable: %s monitor on-fail %q", m, onFail(t, r, m))
		}
	}
	if meta(t, r, "files", "target-role") != "Stopped" {
		t.Error("autostart=0: target-role Stopped")
	}
	if meta(t, r, "vm-guest1", "allow-migrate") != "true" {
		t.Error("vm migrate=live: allow-migrate")
	}
	// Independent subtrees: own group, with the service, after its
	// predecessor; the non-critical one gives up after __max_restarts.
	if got := members(t, r, "web-web-sync-logs"); !slices.Equal(got, []string{"web-sync-logs"}) {
		t.Errorf("independent subtree group %v", got)
	}
	if meta(t, r, "db-db-reports", "migration-threshold") != "3" || meta(t, r, "db-db-reports", "failure-timeout") != "300s" {
		t.Error("__max_restarts=2 __restart_expire_time=5m on the non-critical subtree")
	}
	want := map[string]bool{"web-web-sync-logs with web": false, "db-db-reports with db": false,
		"web-web before web-web-sync-logs": false, "db-pg before db-db-reports": false}
	for _, c := range constraints(r, "rsc_colocation") {
		if c.Attr("score") == "INFINITY" {
			want[c.Attr("rsc")+" with "+c.Attr("with-rsc")] = true
		}
	}
	for _, o := range constraints(r, "rsc_order") {
		want[o.Attr("first")+" before "+o.Attr("then")] = true
	}
	for k, ok := range want {
		if !ok {
			t.Errorf("missing constraint %s", k)
		}
	}
	// exclusive: no other service with db
	excl := map[string]bool{}
	for _, c := range constraints(r, "rsc_colocation") {
		if c.Attr("with-rsc") == "db" && c.Attr("score") == "-INFINITY" {
			excl[c.Attr("rsc")] = true
		}
	}
	for _, s := range []string{"nfs", "web", "files", "vm-guest1"} {
		if !excl[s] {
			t.Errorf("exclusive db: no -INFINITY colocation of %s", s)
		}
	}
	// Failover domains.
	for _, c := range []struct{ rsc, node, want string }{
		{"nfs", "node1.example.com", "200"}, {"nfs", "node2.example.com", "100"}, {"nfs", "node3.example.com", ""},
		{"web", "node2.example.com", "200"}, {"web", "node3.example.com", "100"},
		{"db", "node1.example.com", "100"}, {"db", "node3.example.com", "100"},
		{"vm-guest1", "node2.example.com", "200"},
	} {
		if got := locationScore(r, c.rsc, c.node); got != c.want {
			t.Errorf("%s on %s: score %q, want %q", c.rsc, c.node, got, c.want)
		}
	}
	restricted := map[string]string{}
	for _, l := range constraints(r, "rsc_location") {
		if rule := l.Child("rule"); rule != nil && rule.Attr("score") == "-INFINITY" {
			restricted[l.Attr("rsc")] = l.String()
		}
	}
	if !strings.Contains(restricted["nfs"], "node2.example.com") || !strings.Contains(restricted["db"], "node3.example.com") || restricted["web"] != "" {
		t.Errorf("restricted domains: %v", restricted)
	}
	if meta(t, r, "nfs", "resource-stickiness") != "201" || meta(t, r, "web", "resource-stickiness") != "" || rscDefault(r, "resource-stickiness") != "1" {
		t.Error("nofailback: stickiness above the domain's top score; others fail back")
	}
	for _, want := range []struct {
		sev   Severity
		words []string
	}{
		{NotConverted, []string{"quorumd", "qdisk"}},
		{NotConverted, []string{"fence_daemon"}},
		{NotConverted, []string{"monitor_link"}},
		{NotConverted, []string{"log_level"}},
		{Approximated, []string{"token 20000ms", "suspicion_mult = 20"}},
		{Approximated, []string{"recovery=disable"}},
		{Approximated, []string{"__independent_subtree=2"}},
	} {
		if !hasNote(r, want.sev, want.words...) {
			t.Errorf("no %s note with %q; notes:\n%s", want.sev, want.words, dumpNotes(r))
		}
	}
	if hasNote(r, NotConverted, "expected_votes") {
		t.Error("expected_votes=3 with three nodes is what pacer counts")
	}
	for _, w := range []string{`cluster_name = "prodclu"`, `name = "node3.example.com"`, "id = 3", "suspicion_mult = 20"} {
		if !strings.Contains(r.Conf, w) {
			t.Errorf("pacer.conf lacks %q:\n%s", w, r.Conf)
		}
	}
}

const duoConf = `<?xml version="1.0"?>
<cluster name="duo" config_version="7">
  <cman two_node="1" expected_votes="1"/>
  <clusternodes>
    <clusternode name="a" nodeid="1">
      <fence>
        <method name="virt"><device name="xvm" port="guest-a"/></method>
        <method name="scsi"><device name="scsi"/></method>
      </fence>
      <unfence><device name="scsi" action="on"/></unfence>
    </clusternode>
    <clusternode name="b" nodeid="2">
      <fence>
        <method name="virt"><device name="xvm" port="guest-b" delay="5"/></method>
        <method name="scsi"><device name="scsi"/></method>
      </fence>
      <unfence><device name="scsi" action="on"/></unfence>
    </clusternode>
  </clusternodes>
  <fencedevices>
    <fencedevice agent="fence_xvm" name="xvm"/>
    <fencedevice agent="fence_scsi" name="scsi" devices="/dev/sdb"/>
  </fencedevices>
  <rm>
    <service name="nfs4" recovery="restart-disable" max_restarts="2">
      <ip address="10.9.0.5/24"/>
      <clusterfs name="gfs" device="/dev/vg/gfs" mountpoint="/export"/>
      <fs name="state" device="/dev/vg/state" mountpoint="/var/lib/nfs-ha" fstype="ext4">
        <nfsserver name="nfsd"/>
      </fs>
      <netfs name="home" host="filer" export="/home" mountpoint="/home"/>
      <bogus name="x"/>
    </service>
  </rm>
</cluster>
`

// TestCMANTwoNode: two_node, per-node device parameters, unfencing,
// NFSv4 nfsserver, GFS2 and NFS mounts, and what is not converted.
func TestCMANTwoNode(t *testing.T) {
	r := cmanImport(t, duoConf)
	verifyBoth(t, r)
	if !strings.Contains(r.Conf, "two_node = true") {
		t.Errorf("two_node missing:\n%s", r.Conf)
	}
	// xvm is used with a delay on b only: one device per node.
	if param(t, r, "fence-xvm-a", "pcmk_host_map") != "a:guest-a" || param(t, r, "fence-xvm-b", "delay") != "5" || param(t, r, "fence-xvm-a", "delay") != "" {
		t.Errorf("per-node xvm devices wrong; notes:\n%s", dumpNotes(r))
	}
	if meta(t, r, "fence-scsi", "provides") != "unfencing" || param(t, r, "fence-scsi", "pcmk_host_list") != "a b" {
		t.Error("fence_scsi: provides=unfencing and both nodes")
	}
	if got := levels(r, "b"); !slices.Equal(got, []string{"1:fence-xvm-b", "2:fence-scsi"}) {
		t.Errorf("levels of b: %v", got)
	}
	if got, want := members(t, r, "nfs4"), []string{"nfs4-state", "nfs4-nfsd", "nfs4-gfs", "nfs4-home", "nfs4-ip-10.9.0.5_24"}; !slices.Equal(got, want) {
		t.Errorf("nfs4 order %v, want %v", got, want)
	}
	for _, c := range []struct{ rsc, name, want string }{
		{"nfs4-nfsd", "nfs_shared_infodir", "/var/lib/nfs-ha/.clumanager/nfs"},
		{"nfs4-gfs", "fstype", "gfs2"}, {"nfs4-home", "device", "filer:/home"}, {"nfs4-home", "fstype", "nfs"},
	} {
		if got := param(t, r, c.rsc, c.name); got != c.want {
			t.Errorf("%s %s=%q, want %q", c.rsc, c.name, got, c.want)
		}
	}
	if meta(t, r, "nfs4", "migration-threshold") != "3" {
		t.Error("restart-disable with max_restarts=2")
	}
	for _, want := range []struct {
		sev   Severity
		words []string
	}{
		{NotConverted, []string{"<bogus", "no mapping"}},
		{Approximated, []string{"restart-disable"}},
		{Approximated, []string{"clusterfs", "DLM"}},
	} {
		if !hasNote(r, want.sev, want.words...) {
			t.Errorf("no %s note with %q; notes:\n%s", want.sev, want.words, dumpNotes(r))
		}
	}
}

func TestCMANWithoutFencing(t *testing.T) {
	r := cmanImport(t, `<cluster name="c" config_version="1">
  <cman two_node="1" expected_votes="1"/>
  <clusternodes><clusternode name="x" nodeid="1"/><clusternode name="y" nodeid="2"/></clusternodes>
  <fencedevices/>
  <rm><service name="s"><ip address="10.0.0.1"/></service></rm>
</cluster>`)
	verifyBoth(t, r)
	if property(r, "stonith-enabled") != "false" || !hasNote(r, Approximated, "no fencing device", "stonith-enabled=false") {
		t.Errorf("fencing must be disabled explicitly and said; notes:\n%s", dumpNotes(r))
	}
}

func TestCMANErrors(t *testing.T) {
	for _, c := range []struct{ conf, want string }{
		{`<cluster name="c"><clusternodes><clusternode name="a"/></clusternodes`, "cluster.conf: line 1, column"},
		{`<cman/>`, "expected <cluster>"},
		{`<cluster name="c"/>`, "no <clusternodes>"},
		{`<cluster><clusternodes><clusternode name="a"/><clusternode name="a"/></clusternodes></cluster>`, "listed twice"},
		{`<cluster><clusternodes>
<clusternode name="a"><fence><method name="1"><device name="nope"/></method></fence></clusternode>
</clusternodes></cluster>`, `cluster.conf:2 <device name="nope">: method "1" refers to fence device "nope"`},
		{`<cluster><clusternodes><clusternode name="a"/></clusternodes>
<rm><service name="s">
<fs ref="missing"/></service></rm></cluster>`, `cluster.conf:3 <fs ref="missing">: ref="missing": no global <fs name="missing">`},
		{`<cluster><clusternodes><clusternode name="a"/></clusternodes><rm><failoverdomains>
<failoverdomain name="d"><failoverdomainnode name="zz"/></failoverdomain></failoverdomains></rm></cluster>`, `names node "zz"`},
		{`<cluster><clusternodes><clusternode name="a" nodeid="x"/></clusternodes></cluster>`, "nodeid"},
	} {
		_, err := CMAN([]byte(c.conf), "cluster.conf", Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.60q: error %v, want %q", c.conf, err, c.want)
		}
	}
}

// TestCMANOrderIsByTypeNotDocument shuffles a service's children: the
// group's order depends only on the types (and document order within one
// type), as rgmanager's service.sh defines.
func TestCMANOrderIsByTypeNotDocument(t *testing.T) {
	kids := []string{
		`<script name="s1" file="/etc/init.d/s1"/>`,
		`<ip address="10.1.0.1"/>`,
		`<fs name="f1" device="/dev/a" mountpoint="/a" fstype="ext4"/>`,
		`<lvm name="l1" vg_name="v1"/>`,
		`<mysql name="m1" config_file="/etc/my.cnf"/>`,
		`<nfsclient name="c1" target="*" path="/a"/>`,
		`<fs name="f2" device="/dev/b" mountpoint="/b" fstype="ext4"/>`,
		`<clusterfs name="g1" device="/dev/g" mountpoint="/g" fstype="gfs2"/>`,
		`<apache name="w1" config_file="/etc/httpd/conf/httpd.conf"/>`,
	}
	// Document order within a type (f1 before f2, m1 before w1) stays.
	want := []string{"s-l1", "s-f1", "s-f2", "s-g1", "s-c1", "s-ip-10.1.0.1", "s-s1", "s-m1", "s-w1"}
	perms := [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8}, {8, 7, 6, 5, 4, 3, 2, 1, 0}, {3, 0, 8, 1, 2, 7, 4, 5, 6}, {5, 1, 4, 0, 2, 3, 6, 8, 7}}
	for _, p := range perms {
		var b strings.Builder
		for _, i := range p {
			b.WriteString(kids[i])
		}
		r := cmanImport(t, `<cluster name="c"><clusternodes><clusternode name="a" nodeid="1"/></clusternodes><rm><service name="s">`+b.String()+`</service></rm></cluster>`)
		got := members(t, r, "s")
		// Keep the within-type document order of this permutation.
		exp := withinTypeOrder(want, p, kids)
		if !slices.Equal(got, exp) {
			t.Errorf("permutation %v: %v, want %v", p, got, exp)
		}
	}
}

// withinTypeOrder reorders same-type entries of want as they appear in
// the permuted document.
func withinTypeOrder(want []string, perm []int, kids []string) []string {
	typeOf := func(x string) string { d, _ := xmltree.ParseString(x); return d.Root.Name }
	idOf := map[string]string{}
	for i, k := range kids {
		idOf[k] = want[slices.IndexFunc(want, func(w string) bool { return strings.HasSuffix(w, "-"+name(kids[i])) })]
	}
	// untyped types share one class: after all typed, in document order
	class := func(tp string) string {
		if rgTypes[tp].level == 0 {
			return "untyped"
		}
		return tp
	}
	byClass := map[string][]string{}
	for _, i := range perm {
		cl := class(typeOf(kids[i]))
		byClass[cl] = append(byClass[cl], idOf[kids[i]])
	}
	var out []string
	used := map[string]int{}
	for _, w := range want {
		k := kids[slices.IndexFunc(kids, func(k string) bool { return idOf[k] == w })]
		cl := class(typeOf(k))
		out = append(out, byClass[cl][used[cl]])
		used[cl]++
	}
	return out
}

func name(x string) string {
	d, _ := xmltree.ParseString(x)
	if a := d.Root.Attr("address"); a != "" {
		return "ip-" + a
	}
	return d.Root.Attr("name")
}

// TestMappingsNameEveryType keeps the man page's table complete: every
// rgmanager type and Heartbeat script the importers convert is in it.
func TestMappingsNameEveryType(t *testing.T) {
	for typ := range rgTypes {
		if typ == "drbd" {
			continue // reported, not converted
		}
		if !strings.Contains(Mappings, "\n  "+typ+" ") && !strings.Contains(Mappings, ", "+typ+" ") && !strings.Contains(Mappings, "  "+typ+",") {
			t.Errorf("rgmanager type %s missing from Mappings", typ)
		}
	}
	for name := range hbScripts {
		if !strings.Contains(Mappings, name) {
			t.Errorf("Heartbeat script %s missing from Mappings", name)
		}
	}
}

// TestCMANIndependentSubtreeInTheMiddle: a subtree between two resources
// starts after the one before it (and restarts with it) and before the
// one after it (which does not restart with it).
func TestCMANIndependentSubtreeInTheMiddle(t *testing.T) {
	r := cmanImport(t, `<cluster name="c"><clusternodes><clusternode name="a" nodeid="1"/></clusternodes>
<rm><service name="s">
  <script name="app" file="/etc/init.d/app"/>
  <ip address="10.0.0.1" __independent_subtree="1"/>
  <fs name="d" device="/dev/x" mountpoint="/d" fstype="ext4"/>
</service></rm></cluster>`)
	verifyBoth(t, r)
	if got := members(t, r, "s"); !slices.Equal(got, []string{"s-d", "s-app"}) {
		t.Errorf("service group %v", got)
	}
	orders := map[string]string{}
	for _, o := range constraints(r, "rsc_order") {
		orders[o.Attr("first")+" "+o.Attr("then")] = o.Attr("kind")
	}
	if orders["s-d s-s-ip-10.0.0.1"] != "Mandatory" || orders["s-s-ip-10.0.0.1 s-app"] != "Optional" {
		t.Errorf("orders %v", orders)
	}
}

func TestCMANDepend(t *testing.T) {
	r := cmanImport(t, `<cluster name="c"><clusternodes><clusternode name="a" nodeid="1"/><clusternode name="b" nodeid="2"/></clusternodes><rm>
<service name="db"><ip address="10.0.0.1"/></service>
<service name="app" depend="service:db"><ip address="10.0.0.2"/></service>
<service name="cache" depend="service:db" depend_mode="soft"><ip address="10.0.0.3"/></service>
<service name="lost" depend="service:nothere"><ip address="10.0.0.4"/></service>
</rm></cluster>`)
	verifyBoth(t, r)
	kinds := map[string]string{}
	for _, o := range constraints(r, "rsc_order") {
		kinds[o.Attr("first")+" "+o.Attr("then")] = o.Attr("kind")
	}
	if kinds["db app"] != "Mandatory" || kinds["db cache"] != "Optional" || len(kinds) != 2 {
		t.Errorf("depend orders %v", kinds)
	}
	if !hasNote(r, NotConverted, "depend=service:nothere") {
		t.Errorf("a dependency on a missing service must be reported:\n%s", dumpNotes(r))
	}
}
