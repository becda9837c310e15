package crm

import (
	"regexp"
	"strings"
)

// aclShortcut is one of crmsh's ACL shorthands for an XPath ("write
// meta:d0:target-role"). The table is what crmsh 5.0 writes for each,
// observed on the oracle; Show turns those XPaths back into the shorthand.
type aclShortcut struct {
	name  string
	xpath []string // by number of arguments: none, one, two ("" = not allowed)
}

var aclShortcuts = []aclShortcut{
	{"status", []string{"/cib/status"}},
	{"cib", []string{"/cib"}},
	{"property", []string{"//crm_config/cluster_property_set", "//crm_config/cluster_property_set/nvpair[@name='%1']"}},
	{"node", []string{"//nodes/node", "//nodes/node[@uname='%1']"}},
	{"nodeattr", []string{"//nodes/node/instance_attributes", "//nodes/node/instance_attributes/nvpair[@name='%1']"}},
	{"nodeutil", []string{"//nodes/node/utilization", "//nodes/node/utilization[@uname='%1']"}},
	{"meta", []string{"", "//primitive[@id='%1']/meta_attributes", "//primitive[@id='%1']/meta_attributes/nvpair[@name='%2']"}},
	{"params", []string{"", "//primitive[@id='%1']/instance_attributes", "//primitive[@id='%1']/instance_attributes/nvpair[@name='%2']"}},
	{"utilization", []string{"", "//primitive[@id='%1']/utilization"}},
	{"location", []string{"", "//rsc_location[@id='cli-prefer-%1' and @rsc='%1']"}},
}

// aclShortcutXPath expands "NAME[:ARG[:ARG]]"; ok is false when word is
// not a shorthand (or has the wrong number of arguments).
func aclShortcutXPath(word string) (string, bool) {
	parts := strings.Split(word, ":")
	for _, s := range aclShortcuts {
		if s.name != parts[0] {
			continue
		}
		n := len(parts) - 1
		if n >= len(s.xpath) || s.xpath[n] == "" {
			return "", false
		}
		x := s.xpath[n]
		for i, a := range parts[1:] {
			if a == "" || strings.ContainsAny(a, "'[]/ ") {
				return "", false
			}
			x = strings.ReplaceAll(x, "%"+string(rune('1'+i)), a)
		}
		return x, true
	}
	return "", false
}

var aclShortcutRes = func() []struct {
	name string
	re   *regexp.Regexp
} {
	var out []struct {
		name string
		re   *regexp.Regexp
	}
	for _, s := range aclShortcuts {
		for _, x := range s.xpath {
			if x == "" {
				continue
			}
			q := regexp.QuoteMeta(x)
			q = strings.ReplaceAll(q, "%1", `([^'\[\]/ ]+)`)
			q = strings.ReplaceAll(q, "%2", `([^'\[\]/ ]+)`)
			out = append(out, struct {
				name string
				re   *regexp.Regexp
			}{s.name, regexp.MustCompile("^" + q + "$")})
		}
	}
	return out
}()

// aclShortcutOf is the shorthand that expands to xpath, if one does.
func aclShortcutOf(xpath string) (string, bool) {
	for _, s := range aclShortcutRes {
		m := s.re.FindStringSubmatch(xpath)
		if m == nil {
			continue
		}
		w := s.name
		args := m[1:]
		if s.name == "location" && len(args) == 2 {
			if args[0] != args[1] {
				continue
			}
			args = args[:1]
		}
		for _, a := range args {
			w += ":" + a
		}
		if x, ok := aclShortcutXPath(w); ok && x == xpath {
			return w, true
		}
	}
	return "", false
}
