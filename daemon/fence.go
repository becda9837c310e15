package daemon

import (
	"context"
	"fmt"
	"strings"
	"time"

	"pacer/share/xmltree"
)

// cibFencer runs the fencing devices configured in the CIB (stonith
// primitives): the first device whose pcmk_host_list names the target (or
// that has no host list) and succeeds, fences. This is the small
// implementation for this daemon; daemon/fencer brings topology, host
// maps and history.
type cibFencer struct{ n *Node }

func (f *cibFencer) Fence(ctx context.Context, target, action string) error {
	doc := f.n.CIB()
	var devices []*xmltree.Element
	if rs := doc.Root.Child("configuration"); rs != nil {
		rs.Walk(func(e *xmltree.Element) bool {
			if e.Name == "primitive" && e.Attr("class") == "stonith" {
				devices = append(devices, e)
			}
			return true
		})
	}
	if len(devices) == 0 {
		return fmt.Errorf("no fencing device is configured that can fence %s", target)
	}
	var errs []string
	for _, d := range devices {
		params := map[string]string{}
		d.Walk(func(e *xmltree.Element) bool {
			if e.Name == "nvpair" && e.Parent != nil && e.Parent.Name == "instance_attributes" {
				params[e.Attr("name")] = e.Attr("value")
			}
			return true
		})
		if hl := params["pcmk_host_list"]; hl != "" && !containsWord(hl, target) {
			continue
		}
		for k := range params {
			if strings.HasPrefix(k, "pcmk_") {
				delete(params, k) // the cluster's own settings, not the agent's
			}
		}
		params["port"] = target
		timeout := 60 * time.Second
		if dl, ok := ctx.Deadline(); ok {
			timeout = time.Until(dl)
		}
		res := f.n.lrm.Fence(ctx, "stonith:"+d.Attr("type"), params, action, timeout)
		if res.OK() {
			return nil
		}
		errs = append(errs, fmt.Sprintf("%s: %s", d.ID(), res.String()))
	}
	if len(errs) == 0 {
		return fmt.Errorf("no fencing device can fence %s", target)
	}
	return fmt.Errorf("fencing %s failed: %s", target, strings.Join(errs, "; "))
}

func containsWord(list, w string) bool {
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if f == w {
			return true
		}
	}
	return false
}
