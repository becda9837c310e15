package shell

import (
	"context"

	"pacer/shell/cmdtree"
)

// buildTree declares every level and command of pacer, once. Parsing, help,
// completion and the man page all come from this declaration.
func buildTree(s *session) *cmdtree.Tree {
	type C = cmdtree.Command
	// crm configuration objects: parsed by the crm language package.
	obj := func(name, args, short, long string, aliases ...string) *C {
		return &C{Name: name, Aliases: aliases, Args: args, Short: short, Long: long, Raw: true,
			Run: s.cmdObject(name), Complete: s.completeObject(name)}
	}

	configure := &C{Name: "configure", Short: "edit the cluster configuration (crm syntax)",
		Long: "Changes made at this level are staged on a copy of the configuration until \"commit\", " +
			"which shows what the cluster will do and then stores them. Given on the command line " +
			"(\"pacer configure primitive ...\") a change is committed at once.",
		Sub: []*C{
			obj("primitive", "ID [CLASS:[PROVIDER:]]TYPE [params NAME=VALUE...] [meta NAME=VALUE...] [utilization NAME=VALUE...] [op ACTION NAME=VALUE...]...",
				"define a primitive resource",
				"Example:\n  primitive vip ocf:heartbeat:IPaddr2 params ip=10.0.0.10 cidr_netmask=24 op monitor interval=10s"),
			obj("group", "ID RSC... [meta NAME=VALUE...]", "define a group of resources started in order on one node", ""),
			obj("clone", "ID RSC [meta NAME=VALUE...]", "define a clone (promotable with meta promotable=true)", ""),
			obj("ms", "ID RSC [meta NAME=VALUE...]", "define a promotable clone (legacy master/slave)", ""),
			obj("rsc_template", "ID [CLASS:[PROVIDER:]]TYPE [params...] [meta...] [op...]", "define a resource template", ""),
			obj("bundle", "ID docker|podman|rkt NAME=VALUE... [network ...] [storage ...] [primitive RSC]", "define a bundle (container with a resource)", ""),
			obj("location", "ID RSC|{ RSC... } {SCORE: NODE | rule [$role=ROLE] SCORE: EXPRESSION...} [resource-discovery=always|never|exclusive]",
				"define where a resource prefers or must not run",
				"Examples:\n  location prefer-n1 vip 100: node1\n  location no-db db rule -inf: #uname eq node3\n  location office vip rule 50: date in start=2026-01-01 end=2026-06-30"),
			obj("colocation", "ID SCORE: RSC[:ROLE] RSC[:ROLE]... | resource sets", "define which resources run together", "", "collocation"),
			obj("order", "ID [KIND:] FIRST[:ACTION] THEN[:ACTION]... [symmetrical=BOOL]",
				"define the order resources start and stop in",
				"KIND is Mandatory, Optional or Serialize. Resource sets go in ( ) (unordered) or [ ] (not required)."),
			obj("rsc_ticket", "ID TICKET: RSC[:ROLE]... [loss-policy=stop|demote|fence|freeze]", "tie resources to a ticket", ""),
			obj("property", "[$id=SET] NAME=VALUE...", "set cluster options", ""),
			obj("rsc_defaults", "[$id=SET] NAME=VALUE...", "set resource meta-attribute defaults", ""),
			obj("op_defaults", "[$id=SET] NAME=VALUE...", "set operation defaults", ""),
			obj("fencing_topology", "[TARGET:] DEVICE[,DEVICE]...", "define fencing levels", ""),
			obj("tag", "ID: RSC...", "name a set of resources", ""),
			obj("alert", "ID PATH [meta...] [attributes...] [to RECIPIENT]...", "define an alert agent", ""),
			obj("node", "NAME[:TYPE] [attributes NAME=VALUE...] [utilization NAME=VALUE...]", "define a node and its attributes", ""),
			obj("role", "ID RULE...", "define an ACL role", ""),
			obj("acl_target", "ID [ROLE...]", "give ACL roles to a user", "", "user"),
			{Name: "show", Args: "[xml] [changed] [ID...|type:KIND...|related:ID...|tag:TAG...]", Short: "show the configuration (crm text, or XML)",
				Long: "Without arguments the whole configuration. \"show xml\" prints the <configuration> element as XML, " +
					"\"show ID...\" only the named objects, \"show changed\" what is staged and not yet committed.",
				Run: s.cmdConfigureShow, Complete: s.completeIDs("xml", "changed")},
			{Name: "edit", Args: "[ID...]", Short: "edit the configuration (or some objects) in $EDITOR",
				Long: "The text is parsed again when the editor exits; on an error it is shown and the editor opens again with your text kept.",
				Run:  s.cmdEdit, Complete: s.completeIDs()},
			{Name: "delete", Args: "ID...", Short: "delete objects (and the constraints that refer to them)", Aliases: []string{"rm"},
				Run: s.cmdDelete, Complete: s.completeIDs()},
			{Name: "rename", Args: "OLD NEW", Short: "rename an object and update references to it",
				Run: s.cmdRename, Complete: s.completeIDs()},
			{Name: "load", Args: "replace|update FILE|-", Short: "load a configuration from a file (crm text or XML)",
				Long: "replace: the file becomes the configuration; update: its objects are added or replace those with the same id. \"-\" reads standard input.",
				Run:  s.cmdLoad, Complete: completeWords("replace", "update")},
			{Name: "save", Args: "[xml] FILE", Short: "write the configuration to a file", Run: s.cmdSave, Complete: completeWords("xml")},
			{Name: "erase", Args: "[nodes]", Short: "remove every resource and constraint (and the nodes with \"nodes\")",
				Run: s.cmdErase, Complete: completeWords("nodes")},
			{Name: "verify", Short: "check the configuration for errors and warnings", Run: s.cmdConfigureVerify},
			{Name: "commit", Args: "[force]", Short: "store the staged changes in the CIB",
				Long: "On a terminal, shows what the cluster will do (starts, stops, moves) and asks first. " +
					"A commit is refused if the CIB changed since the edit began or if it has errors, unless forced.",
				Run: s.cmdCommit, Complete: completeWords("force")},
			{Name: "refresh", Short: "drop staged changes and reload the configuration", Run: s.cmdRefresh},
			{Name: "simulate", Args: "[nograph]", Short: "show what the cluster would do with the staged configuration",
				Run: s.cmdConfigureSimulate},
		}}

	rscCmd := func(name, args, short string, f func(context.Context, *cmdtree.Invocation) error, aliases ...string) *C {
		return &C{Name: name, Aliases: aliases, Args: args, Short: short, Run: f, Complete: s.completeResources()}
	}
	resource := &C{Name: "resource", Short: "manage resources: start, stop, move, clean up, inspect",
		Sub: []*C{
			{Name: "status", Aliases: []string{"show", "list"}, Args: "[RSC...]", Short: "show the state of resources",
				Run: s.cmdResourceStatus, Complete: s.completeResources()},
			rscCmd("start", "RSC...", "start resources (target-role Started)", s.cmdTargetRole("Started")),
			rscCmd("stop", "RSC...", "stop resources (target-role Stopped)", s.cmdTargetRole("Stopped")),
			rscCmd("restart", "RSC...", "stop resources, wait, and start them again", s.cmdRestart),
			rscCmd("promote", "RSC...", "promote a promotable clone (target-role Promoted)", s.cmdTargetRole("Promoted")),
			rscCmd("demote", "RSC...", "demote a promotable clone (target-role Unpromoted)", s.cmdTargetRole("Unpromoted")),
			rscCmd("manage", "RSC...", "put resources back under cluster control (is-managed=true)", s.cmdMeta2("is-managed", "true")),
			rscCmd("unmanage", "RSC...", "take resources out of cluster control (is-managed=false)", s.cmdMeta2("is-managed", "false")),
			rscCmd("maintenance", "RSC [on|off]", "set a resource's maintenance mode", s.cmdResourceMaintenance),
			{Name: "move", Aliases: []string{"migrate"}, Args: "RSC [NODE] [lifetime=DURATION] [--force]",
				Short: "move a resource to a node (or away from where it runs)",
				Long: "Adds the location constraint cli-prefer-RSC (INFINITY on NODE), or without NODE cli-ban-RSC-on-CURRENT; " +
					"\"resource clear\" removes them. A lifetime (ISO 8601 duration like PT1H, or 1h) makes the constraint expire.",
				Run: s.cmdMove, Complete: s.completeResourceNode()},
			{Name: "ban", Args: "RSC [NODE] [lifetime=DURATION]", Short: "keep a resource off a node (cli-ban-RSC-on-NODE)",
				Run: s.cmdBan, Complete: s.completeResourceNode()},
			{Name: "clear", Aliases: []string{"unmove", "unmigrate", "unban"}, Args: "RSC [NODE]",
				Short: "remove the constraints move and ban added", Run: s.cmdClear, Complete: s.completeResourceNode()},
			{Name: "cleanup", Args: "[RSC] [NODE]", Short: "forget failures and operation history so the cluster re-checks",
				Long: "Removes the resource's operation history and fail counts (of every primitive inside a group or clone) on NODE or on all nodes; the cluster probes it again and may start it where it was banned by failures.",
				Run:  s.cmdCleanup, Complete: s.completeResourceNode()},
			{Name: "refresh", Args: "[RSC] [NODE]", Short: "re-detect the state of resources (forget their history)",
				Run: s.cmdCleanup, Complete: s.completeResourceNode()},
			{Name: "failcount", Args: "RSC set|delete|show NODE [VALUE]", Short: "show or change a fail count",
				Run: s.cmdFailcount, Complete: s.completeAttrCmd(true)},
			{Name: "param", Args: "RSC set|delete|show NAME [VALUE]", Short: "show or change an instance attribute",
				Run: s.cmdRscAttr("instance_attributes"), Complete: s.completeAttrCmd(false)},
			{Name: "meta", Args: "RSC set|delete|show NAME [VALUE]", Short: "show or change a meta-attribute",
				Run: s.cmdRscAttr("meta_attributes"), Complete: s.completeAttrCmd(false)},
			{Name: "utilization", Args: "RSC set|delete|show NAME [VALUE]", Short: "show or change a utilization attribute",
				Run: s.cmdRscAttr("utilization"), Complete: s.completeAttrCmd(false)},
			rscCmd("locate", "RSC", "show where a resource is running", s.cmdLocate),
			rscCmd("constraints", "RSC", "list the constraints that involve a resource", s.cmdConstraints),
			rscCmd("scores", "[RSC]", "show allocation scores (what the scheduler computes)", s.cmdScores),
			{Name: "why", Args: "RSC [NODE]", Short: "explain in plain words why a resource runs where it does, or not",
				Long: "Shows where the resource runs, what the cluster plans to do with it, every score contribution per node (location constraints, stickiness, colocations, failures) and what else decides: target-role, maintenance, standby or offline nodes, quorum, bans left by move, fail counts.",
				Run:  s.cmdWhy, Complete: s.completeResourceNode()},
		}}

	nodeCmd := func(name, args, short string, f func(context.Context, *cmdtree.Invocation) error) *C {
		return &C{Name: name, Args: args, Short: short, Run: f, Complete: s.completeNodes()}
	}
	node := &C{Name: "node", Short: "manage nodes: standby, maintenance, attributes, fencing",
		Sub: []*C{
			nodeCmd("status", "[NODE]", "show nodes as XML (the nodes section)", s.cmdNodeStatus),
			{Name: "show", Aliases: []string{"list"}, Args: "[NODE]", Short: "show nodes, their state and attributes",
				Run: s.cmdNodeShow, Complete: s.completeNodes()},
			{Name: "standby", Args: "[NODE] [reboot|forever]", Short: "put a node in standby: it runs no resources",
				Long: "Sets the node attribute standby=on: permanently (forever, the default, in the nodes section) or until the node restarts (reboot). Without NODE, this host.",
				Run:  s.cmdStandby("on"), Complete: s.completeNodes("reboot", "forever")},
			{Name: "online", Args: "[NODE] [reboot|forever]", Short: "bring a node back from standby",
				Run: s.cmdStandby("off"), Complete: s.completeNodes("reboot", "forever")},
			nodeCmd("maintenance", "[NODE] [off]", "put a node in maintenance mode: its resources are left alone", s.cmdNodeMaintenance("on")),
			nodeCmd("ready", "[NODE]", "take a node out of maintenance mode", s.cmdNodeMaintenance("off")),
			{Name: "fence", Args: "NODE [--off|--reboot]", Short: "fence a node: power it off (--off), off and on (--reboot), or the cluster's fencing-action",
				Long: "Asks the cluster to fence NODE with its fencing devices and waits for the result, which is recorded in the fencing history (stonith history). Without --off or --reboot the cluster's fencing-action (stonith-action, reboot by default) is used. Asks for confirmation on a terminal unless --yes; without a terminal, --yes is required.",
				Run:  s.cmdFence, Complete: s.completeNodes("--off", "--reboot")},
			{Name: "clearstate", Args: "NODE", Short: "confirm that a node is down (fenced by hand): the cluster treats it as fenced",
				Long: "On the running cluster this is a manual fencing confirmation: it tells the cluster that NODE, which left without being fenced (say fencing keeps failing), is powered off. The confirmation is recorded in the fencing history on every node and the cluster then recovers NODE's resources elsewhere. If NODE is in fact still running, its resources run twice and shared data may be corrupted. Refused for members of the cluster and for the node it runs on. Asks for confirmation on a terminal unless --yes; without a terminal, --yes is required. On a CIB file or shadow it records NODE as cleanly down.",
				Run:  s.cmdClearState, Complete: s.completeNodes()},
			nodeCmd("delete", "NODE", "remove a node that is down from the configuration and forget its state (crm_node -R)", s.cmdNodeDelete),
			{Name: "attribute", Args: "NODE set|delete|show NAME [VALUE]", Short: "show or change a node attribute",
				Run: s.cmdNodeAttr("attribute"), Complete: s.completeNodeAttrCmd()},
			{Name: "utilization", Args: "NODE set|delete|show NAME [VALUE]", Short: "show or change a node's utilization",
				Run: s.cmdNodeAttr("utilization"), Complete: s.completeNodeAttrCmd()},
			{Name: "status-attr", Args: "NODE set|delete|show NAME [VALUE]", Short: "show or change a transient node attribute",
				Run: s.cmdNodeAttr("status-attr"), Complete: s.completeNodeAttrCmd()},
		}}

	raCmd := func(name, args, short string, comp func([]string, string) []string) *C {
		return &C{Name: name, Args: args, Short: short, Run: s.cmdRA(name), Complete: comp}
	}
	ra := &C{Name: "ra", Short: "resource agents: classes, lists, meta-data",
		Sub: []*C{
			raCmd("classes", "", "list the agent classes and OCF providers", nil),
			raCmd("list", "CLASS[:PROVIDER] | CLASS PROVIDER", "list the agents of a class", completeRAList),
			raCmd("providers", "[TYPE]", "list the OCF providers (that have agent TYPE)", nil),
			raCmd("info", "[-o json] AGENT", "show an agent's parameters and actions (its meta-data)", s.completeAgentArg()),
			raCmd("run", "AGENT ACTION [NAME=VALUE...] [--timeout D] [--interval D]",
				"run one action of an agent here, outside the cluster; exits with the agent's result code", s.completeRARun()),
		}}

	cibLevel := &C{Name: "cib", Short: "verify the CIB and manage shadow CIBs",
		Long: "A shadow CIB is a copy of the CIB in a file (under $CIB_shadow_dir) to prepare changes on and commit them in one go.",
		Sub: []*C{
			{Name: "verify", Short: "check the CIB like crm_verify: errors and warnings, exit status 1 on errors", Run: s.cmdCIBVerify},
			{Name: "new", Args: "NAME [empty] [--force]", Short: "create a shadow CIB (a copy of the current one) and use it",
				Long: "Later commands work on the shadow until \"cib use live\". Example:\n  cib new test\n  configure primitive d1 ocf:heartbeat:Dummy\n  cib diff\n  cib commit test",
				Run:  s.cmdShadowNew, Complete: completeWords("empty", "--force")},
			{Name: "use", Args: "[NAME|live]", Short: "work on a shadow CIB, or on the live one", Run: s.cmdShadowUse, Complete: s.completeShadows("live")},
			{Name: "list", Short: "list shadow CIBs", Run: s.cmdShadowList},
			{Name: "diff", Args: "[NAME]", Short: "show how a shadow CIB's configuration differs from the live one", Run: s.cmdShadowDiff, Complete: s.completeShadows()},
			{Name: "commit", Args: "[NAME]", Short: "make a shadow CIB's configuration the live one", Run: s.cmdShadowCommit, Complete: s.completeShadows()},
			{Name: "delete", Args: "NAME [--force]", Short: "delete a shadow CIB", Run: s.cmdShadowDelete, Complete: s.completeShadows()},
			{Name: "reset", Args: "[NAME]", Short: "copy the live CIB into a shadow CIB again", Run: s.cmdShadowReset, Complete: s.completeShadows()},
		}}

	cluster := &C{Name: "cluster", Short: "the cluster as a whole",
		Sub: []*C{
			{Name: "status", Short: "show the cluster status", Run: s.cmdStatus},
			{Name: "keygen", Args: "[FILE]", Short: "write a new cluster key file (for encrypted, authenticated membership)", Run: s.cmdKeygen},
			{Name: "start", Short: "start pacerd on this node", Run: s.cmdClusterService("start")},
			{Name: "stop", Short: "stop pacerd on this node", Run: s.cmdClusterService("stop")},
		}}

	stonith := &C{Name: "stonith", Short: "fencing devices and history",
		Sub: []*C{
			{Name: "history", Args: "[NODE]", Short: "show the fencing history", Run: s.cmdFenceHistory, Complete: s.completeNodes()},
			{Name: "list", Args: "[-o json]", Short: "list the fencing devices and the nodes each can fence",
				Long: "Shows each configured fencing device, its agent, its effective pcmk_host_check and the nodes it can fence, as the node asked sees them (dynamic-list and status devices ask their agent), plus the fencing levels that use it. With CIB_file or a shadow CIB only what the configuration says is shown: targets decided by an agent need the running cluster.",
				Run:  s.cmdFenceDevices, Complete: completeWords("-o", "json")},
			{Name: "agents", Short: "list the installed fence agents", Run: s.cmdFenceAgents},
		}}

	root := &C{Name: "pacer", Sub: []*C{
		configure, resource, node, ra, cibLevel, cluster, stonith, importLevel(s),
		{Name: "status", Args: "[-o json] [--all]", Short: "show the cluster status like crm_mon -1",
			Long: "The layout is crm_mon's one-shot output. With CIB_file the status is computed from the file by the scheduler, with no daemon. --all adds node attributes, fail counts and tickets.",
			Run:  s.cmdStatus, Complete: completeWords("-o", "json", "--all")},
		{Name: "mon", Args: "[-1]", Short: "live cluster monitor (\"-1\": print once and exit)", Run: s.cmdMon, Complete: completeWords("-1")},
		{Name: "simulate", Args: "[crm_simulate-like options]", Short: "run the scheduler on a CIB and show what it would do", Run: s.cmdSimulate},
		{Name: "sandbox", Args: "start|stop|kill|partition|heal [ARGS...]", Short: "a local test cluster of pacerd processes",
			Long: "start [-n N] [--dir DIR] [--netns] starts N daemons on this machine and prints an \"export PACER_SOCKET=...\" line; " +
				"stop stops them; kill NODE powers a node off; partition A,B C cuts the network; heal restores it.",
			Run: s.cmdSandbox, Complete: completeFirst("start", "stop", "kill", "partition", "heal")},
		{Name: "maintenance", Args: "[on|off]", Short: "put the whole cluster in maintenance mode, or take it out (maintenance-mode)",
			Long: "In maintenance mode the cluster neither starts, stops nor monitors resources. Without an argument: whether it is on.",
			Run:  s.cmdMaintenance, Complete: completeFirst("on", "off")},
		{Name: "verify", Short: "check the CIB like crm_verify (as cib verify)", Run: s.cmdCIBVerify},
		{Name: "completion", Args: "bash|zsh|fish", Short: "print the system shell's completion script for pacer",
			Long: "Completes commands, options, resource and node names, agents and parameters at the system prompt, from the same command tree as the shell's own Tab. " +
				"make install installs the three scripts; to try one: source <(pacer completion bash).",
			Run: s.cmdCompletion, Complete: completeFirst("bash", "zsh", "fish")},
		{Name: "help", Aliases: []string{"?"}, Args: "[COMMAND...] [--man]", Short: "show help for a level or command",
			Global: true, Run: s.cmdHelp, Complete: s.completeHelp},
		{Name: "cd", Args: "[LEVEL|..]", Short: "change level (no argument: the top)", Global: true, Run: s.cmdCd, Complete: s.completeCd},
		{Name: "up", Aliases: []string{"back", ".."}, Short: "go up one level", Global: true, Run: s.cmdUp},
		{Name: "end", Short: "go to the top level", Global: true, Run: s.cmdEnd},
		{Name: "quit", Aliases: []string{"exit", "bye"}, Short: "leave the shell", Global: true, Run: s.cmdQuit},
	}}
	return cmdtree.New(root)
}
