package importer

import (
	"os"
	"path/filepath"
	"testing"

	"pacer/share/cib"
	"pacer/share/xmltree"
	"pacer/shell/crm"
)

// checkResult is what every successful import must give, whatever the
// input: a CIB that parses back, has no validation error, and whose crm
// text (-o crm) parses again.
func checkResult(t *testing.T, r *Result) {
	if r == nil || r.CIB == nil {
		t.Fatal("nil result without error")
	}
	d, err := xmltree.ParseBytes(r.CIB.Bytes(xmltree.Pretty))
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	c, err := cib.Decode(d)
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	for _, p := range cib.Validate(c, nil) {
		if p.Severity == cib.Error {
			t.Fatalf("output invalid: %s\n%s", p, d.Bytes(xmltree.Pretty))
		}
	}
	if _, err := crm.Parse(crm.Show(d.Root.Child("configuration"))); err != nil {
		t.Fatalf("-o crm text does not parse: %v", err)
	}
}

func FuzzHeartbeat(f *testing.F) {
	read := func(n string) []byte { b, _ := os.ReadFile(filepath.Join("testdata", n)); return b }
	f.Add(read("ha.cf"), read("haresources"), read("authkeys"))
	f.Add([]byte("node a b\nauto_failback on\n"), []byte("a 10.0.0.1/24/eth0 IPaddr2::10.0.0.2 Filesystem::/dev/x::/x::ext4 \\\n httpd\nb drbddisk::r1 MailTo::a@b::s\n"), []byte("auth 1\n1 crc\n"))
	f.Add([]byte("stonith_host * external/ipmi a 1.2.3.4 u p\nping 1.1.1.1\nrespawn x /usr/lib/heartbeat/ipfail\n"), []byte("a::b 1.2.3.4/x\n"), []byte(nil))
	f.Fuzz(func(t *testing.T, hacf, har, keys []byte) {
		in := HeartbeatInput{HaCf: hacf, Haresources: har, Authkeys: keys}
		if len(hacf) == 0 {
			in.HaCf = nil
		}
		if len(keys) == 0 {
			in.Authkeys = nil
		}
		r, err := Heartbeat(in, Options{})
		if err != nil {
			return
		}
		checkResult(t, r)
	})
}

func FuzzCMAN(f *testing.F) {
	b, _ := os.ReadFile(filepath.Join("testdata", "cluster.conf"))
	f.Add(b)
	f.Add([]byte(duoConf))
	f.Add([]byte(`<cluster name="c"><clusternodes><clusternode name="a" nodeid="1"/></clusternodes><rm><resources><ip address="1.2.3.4"/></resources><service name="s" exclusive="1" depend="service:t"><ip ref="1.2.3.4"><script name="x" file="/x" __independent_subtree="1"/></ip></service><service name="t"/></rm></cluster>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := CMAN(data, "cluster.conf", Options{})
		if err != nil {
			return
		}
		checkResult(t, r)
	})
}
