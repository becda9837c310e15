package agenttools

import (
	"testing"

	"pacer/share/protocol"
)

func TestCrmAttributePromotionNamesThePrimitivesScore(t *testing.T) {
	t.Setenv("OCF_RESOURCE_INSTANCE", "st:2")
	t.Setenv("OCF_RESKEY_CRM_meta_on_node", "n2")
	t.Setenv("OCF_RESKEY_CRM_meta_globally_unique", "false")
	r, err := parseCrmAttribute([]string{"--promotion", "-v", "10"})
	if err != nil {
		t.Fatal(err)
	}
	if r.name != "master-st" || r.node != "n2" || r.value != "10" || !r.update || r.lifetime != protocol.LifetimeReboot {
		t.Errorf("--promotion -v 10 as %+v, want master-st=10 on n2 until reboot", r)
	}
	// A unique instance has a score of its own.
	t.Setenv("OCF_RESKEY_CRM_meta_globally_unique", "true")
	if r, _ := parseCrmAttribute([]string{"--promotion", "-D"}); r.name != "master-st:2" || !r.del {
		t.Errorf("unique --promotion -D as %+v, want delete master-st:2", r)
	}
}

func TestCrmAttributeAsCrmMasterCallsIt(t *testing.T) {
	// crm_master runs: crm_attribute -n master-RSC --lifetime forever -N NODE -v N
	r, err := parseCrmAttribute([]string{"-n", "master-db", "--lifetime", "forever", "-N", "n1", "-v", "100"})
	if err != nil {
		t.Fatal(err)
	}
	if r.name != "master-db" || r.node != "n1" || r.lifetime != protocol.LifetimeForever || r.value != "100" {
		t.Errorf("crm_master's call as %+v", r)
	}
	if r, _ := parseCrmAttribute([]string{"-n", "master-db", "-N", "n1", "-G", "-q"}); !r.query || !r.quiet || r.update {
		t.Errorf("query as %+v", r)
	}
	if _, err := parseCrmAttribute([]string{"-n", "x", "-N", "n1", "--type", "crm_config", "-v", "1"}); err == nil {
		t.Errorf("cluster options accepted: pacerd's agents may set node attributes only")
	}
}
