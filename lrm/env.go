package lrm

import (
	"os"
	"sort"
	"strconv"
	"strings"
)

// OCF 1.1, which is what Pacemaker 2.1 announces to agents.
const (
	ocfVersionMajor  = "1"
	ocfVersionMinor  = "1"
	exitReasonPrefix = "ocf-exit-reason:"
)

// baseEnv is the environment every agent starts from: ours (Pacemaker's
// executor passes its own), minus anything OCF_ that could leak one
// resource's parameters into another's run, plus the executor's extras.
func baseEnv(extra map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "OCF_") {
			continue
		}
		if _, over := extra[k]; over {
			continue
		}
		env = append(env, kv)
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !strings.HasPrefix(k, "OCF_") { // set per operation
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+extra[k])
	}
	return env
}

// metaEnvName is how a meta attribute reaches an agent: Pacemaker turns
// dashes into underscores (clone-max → OCF_RESKEY_CRM_meta_clone_max).
func metaEnvName(name string) string {
	return "OCF_RESKEY_CRM_meta_" + strings.ReplaceAll(name, "-", "_")
}

// validEnvName rejects names that cannot be environment keys. Parameters
// travel only as environment values, never through a shell, so values may
// hold anything; names need only be free of '=' and NUL.
func validEnvName(name string) bool {
	return name != "" && !strings.ContainsAny(name, "=\x00")
}

// ocfEnv is the OCF environment of one operation.
func ocfEnv(base []string, root string, a Agent, op Op, timeoutMS int64) []string {
	env := append([]string(nil), base...)
	add := func(k, v string) { env = append(env, k+"="+v) }
	add("OCF_ROOT", root)
	add("OCF_RA_VERSION_MAJOR", ocfVersionMajor)
	add("OCF_RA_VERSION_MINOR", ocfVersionMinor)
	add("OCF_EXIT_REASON_PREFIX", exitReasonPrefix)
	add("OCF_RESOURCE_TYPE", a.Type)
	add("OCF_RESOURCE_PROVIDER", a.Provider)
	if op.Resource != "" {
		add("OCF_RESOURCE_INSTANCE", op.Resource)
	}
	for _, k := range sortedKeys(op.Params) {
		if k == "OCF_CHECK_LEVEL" {
			continue // an op attribute, given as OCF_CHECK_LEVEL below
		}
		add("OCF_RESKEY_"+k, op.Params[k])
	}
	for _, k := range sortedKeys(op.Meta) {
		if k == "timeout" || k == "interval" {
			continue // the operation's own values, in ms, below
		}
		add(metaEnvName(k), op.Meta[k])
	}
	add("OCF_RESKEY_CRM_meta_timeout", strconv.FormatInt(timeoutMS, 10))
	add("OCF_RESKEY_CRM_meta_interval", strconv.FormatInt(op.Interval.Milliseconds(), 10))
	if d := op.depth(); d != "" {
		add("OCF_CHECK_LEVEL", d)
	}
	return env
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// exitReason picks the last ocf-exit-reason: line from the agent's stderr
// (where ocf_exit_reason writes it), falling back to stdout. It is capped
// because it lands in the CIB.
func exitReason(stderr, stdout string) string {
	for _, s := range []string{stderr, stdout} {
		reason := ""
		for line := range strings.SplitSeq(s, "\n") {
			if r, ok := strings.CutPrefix(line, exitReasonPrefix); ok {
				reason = strings.TrimSpace(r)
			}
		}
		if reason != "" {
			if len(reason) > 256 {
				reason = strings.ToValidUTF8(reason[:256], "") + "..."
			}
			return reason
		}
	}
	return ""
}
