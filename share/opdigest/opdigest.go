// Package opdigest computes the op-digest Pacemaker records with each
// operation in the CIB status: an MD5 of the operation's parameters, so a
// later change of the resource's definition can be noticed and acted on
// (restart or reload). Pacer records the same digests so CIBs stay
// interchangeable with Pacemaker's tools.
//
// The form was learnt from Pacemaker's crm_resource --digests as a black
// box: the parameters, sorted by name, written as one XML element
// ` <parameters name="value" .../>` followed by a newline, then hashed.
package opdigest

import (
	"crypto/md5"
	"encoding/hex"
	"sort"
	"strings"
)

// XML returns the text the digest is computed over.
func XML(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(" <parameters")
	for _, k := range keys {
		b.WriteByte(' ')
		b.WriteString(k)
		b.WriteString(`="`)
		b.WriteString(escape(params[k]))
		b.WriteByte('"')
	}
	b.WriteString("/>\n")
	return b.String()
}

// Digest returns the hex MD5 digest of params as Pacemaker computes it.
func Digest(params map[string]string) string {
	sum := md5.Sum([]byte(XML(params)))
	return hex.EncodeToString(sum[:])
}

// Subset returns the digest of only the named parameters (for
// op-restart-digest and op-secure-digest, which cover a listed subset;
// names is the space-separated list Pacemaker records, e.g. " state ").
func Subset(params map[string]string, names string, keep bool) string {
	set := map[string]bool{}
	for _, n := range strings.Fields(names) {
		set[n] = true
	}
	sub := map[string]string{}
	for k, v := range params {
		if set[k] == keep {
			sub[k] = v
		}
	}
	return Digest(sub)
}

func escape(s string) string {
	if !strings.ContainsAny(s, "&<>\"\n\r\t") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\n':
			b.WriteString("&#10;")
		case '\r':
			b.WriteString("&#13;")
		case '\t':
			b.WriteString("&#9;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
