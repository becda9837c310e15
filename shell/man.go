package shell

import (
	"time"

	"pacer/shell/cmdtree"
	"pacer/shell/importer"
)

// manPage is everything in pacer(8) that is not the command tree.
func manPage(now time.Time) cmdtree.ManPage {
	_ = now
	return cmdtree.ManPage{
		Name: "pacer", Section: "8", Date: "2026", Source: "Pacer", Manual: "Pacer Manual",
		Summary: "the Pacer cluster shell (crm-like)",
		Synopsis: []string{
			"pacer [OPTIONS]",
			"pacer [OPTIONS] LEVEL COMMAND [ARGS...]",
			"pacer [OPTIONS] -f FILE",
		},
		Description: "pacer configures and drives a Pacer cluster. It speaks the language of crmsh: the same levels, " +
			"commands and configuration syntax, reading and printing the same text, on the same CIB XML as Pacemaker.\n\n" +
			"Without arguments and on a terminal it is interactive: the prompt shows the level and the CIB in use " +
			"(\"live\", a shadow CIB or a file), Tab completes commands, resource ids, node names, agent names one level at " +
			"a time, agent parameters and operations; history is kept in ~/.config/pacer/history; Ctrl-C cancels the line.\n\n" +
			"With a LEVEL COMMAND on the command line it runs that one command and exits (a configuration change is " +
			"committed at once). With -f FILE, or when standard input is not a terminal, it runs one command per line; " +
			"a line ending in a backslash continues on the next, lines starting with # are comments. The first error " +
			"stops a script; pending configuration changes are committed at its end.",
		Options: [][2]string{
			{"-f, --file FILE", "Run the commands in FILE (\"-\": standard input)."},
			{"-c, --cib NAME", "Work on the shadow CIB NAME (like CIB_shadow=NAME)."},
			{"-y, --yes", "Answer yes to every question."},
			{"-F, --force", "Force: commit despite validation errors or a changed CIB, change the configuration without quorum."},
			{"-w, --wait", "After a change, wait until the cluster has finished acting on it."},
			{"-o, --output FORMAT", "text (default) or json, for status, configure show, ra info, resource and node queries."},
			{"-V, --version", "Print the version."},
			{"-h, --help", "Print the usage."},
		},
		Environment: [][2]string{
			{"CIB_file", "Read and write this CIB file instead of the running cluster. Read-only commands then need no daemon."},
			{"CIB_shadow", "Use this shadow CIB."},
			{"CIB_shadow_dir", "Where shadow CIBs are kept (default /var/lib/pacer/shadow for root, ~/.cib otherwise); one file shadow.NAME each."},
			{"PACER_SOCKET", "The daemon's socket (default /run/pacer/pacerd.sock)."},
			{"EDITOR", "The editor of \"configure edit\" (default vi)."},
			{"NO_COLOR", "Never use colors."},
		},
		Files: [][2]string{
			{"~/.config/pacer/history", "Command history of the interactive shell."},
			{"/run/pacer/pacerd.sock", "The daemon's socket."},
		},
		ExitStatus: "0 on success; 1 when a command failed (the error is printed on standard error, naming the command); " +
			"2 for a usage error. \"cib verify\" and \"configure verify\" exit 1 when the configuration has errors. " +
			"\"ra\", \"simulate\" and \"sandbox\" pass on the exit status of what they run.",
		Extra:   [][2]string{{"JSON output", jsonSchemas}, {"Migrating from Heartbeat and CMAN", importer.Mappings}},
		SeeAlso: "pacerd(8), pacer-mon(8), pacer-ra(8), crm(8), crm_mon(8), crm_verify(8)",
	}
}

// jsonSchemas documents what -o json prints.
const jsonSchemas = `With -o json (or "-o json" after the command) these commands print one JSON document on standard output:

status, mon -1: the cluster status snapshot, the same object pacerd sends its clients: cluster_name, dc, have_quorum, nodes (name, id, state, online, attributes...), resources (a tree: id, kind, class/provider/type, role, nodes, failed, unmanaged, children...), failed_actions, fencing, tickets. Fields are only ever added.

configure show: the configuration as an element tree, each element {"tag", "attrs" (name to value), "children"}; with object ids, a list of such trees.

resource status: a list of resource trees as in status. resource locate: {"resource", "nodes"}. resource param|meta|utilization RSC show [NAME]: {NAME: VALUE...}. resource failcount RSC show NODE: {"resource", "node", "failcount"}. resource constraints: [{"id", "type"}]. resource scores: a list of crm_simulate score lines. resource why: {"resource", "running_on", "will_run_on", "actions", "reasons" [{"node", "score", "source"}], "notes"}.

node show: [{"name", "id", "type", "attributes", "transient_attributes", "utilization"}]. node attribute|utilization|status-attr NODE show [NAME]: {NAME: VALUE...}.

ra info: the agent's meta-data {"agent", "name", "shortdesc", "parameters" [{"name", "type", "default", "required"...}], "actions" [{"name", "timeout", "interval"...}]}.

ra classes, ra providers, ra list, stonith agents: a list of names. cib verify, configure verify: {"cib", "valid", "problems" [{"severity", "path", "line", "message"}]} (exit status 1 when not valid). node status: the nodes element as a tree like configure show's. simulate: {"now", "execution_date", "summary" (the Transition Summary lines), "actions" [{"id", "kind", "task", "key", "resource", "node", "interval", "inputs"}], "scores" (with -s), "warnings"}.

Under -o json an error is one JSON object on standard error: {"error", "command", "usage" (for a usage error), "exit_code"}. Lists that are empty are [], never null.

cib list: a list of shadow CIB names. stonith history: a list of fencing events as in status. stonith list: [{"id", "agent", "check", "targets", "disabled", "executors", "levels", "error"}]. node fence, node clearstate (live cluster): the fencing event recorded, as in stonith history.`
