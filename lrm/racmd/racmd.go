// Package racmd implements `pacer ra`: looking at and running resource
// agents locally, with no cluster. The shell wires `pacer ra ARGS...` to
// Main(ARGS); the commands are
//
//	classes [-o json]
//	providers [-o json] [AGENT]
//	list [-o json] CLASS[:PROVIDER] | list CLASS [PROVIDER]
//	info [-o json] AGENT
//	run AGENT ACTION [name=value ...] [--timeout 20s] [--id NAME] [--interval 10s] [--depth N]
//
// run exits with the agent's OCF result code, like crm_resource's
// --force-start / --force-check, so scripts can test it. Complete(ARGS)
// gives TAB completions for the last word of ARGS.
package racmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"pacer/lrm"
)

// Exit codes of pacer ra itself; run passes the agent's code through.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

const usage = `usage: pacer ra COMMAND ...
  classes [-o json]               list agent classes
  providers [-o json] [TYPE]      list OCF providers (of agent TYPE)
  list [-o json] CLASS[:PROVIDER] list agents (e.g. list ocf:heartbeat, list ocf heartbeat, list stonith)
  info [-o json] AGENT            parameters and actions of an agent (a bare TYPE is ocf:heartbeat:TYPE)
  run AGENT ACTION [name=value ...] [--timeout 20s] [--id NAME] [--interval DUR] [--depth N]
                                  run one action locally; exits with the agent's rc
AGENT is ocf:PROVIDER:TYPE, lsb:NAME, systemd:UNIT, service:NAME or stonith:fence_X.
`

// Main runs `pacer ra` with args (what follows "ra") and returns the exit
// status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "classes":
		format, rest, err := outputFormat(rest)
		if err != nil || len(rest) != 0 {
			return usageErr(stderr, "classes takes no arguments but -o json")
		}
		return printNames(stdout, stderr, format, lrm.Classes())
	case "providers":
		return providers(rest, stdout, stderr)
	case "list":
		return list(rest, stdout, stderr)
	case "info", "meta":
		return info(rest, stdout, stderr)
	case "run":
		return run(rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	return usageErr(stderr, fmt.Sprintf("unknown command %q", cmd))
}

func usageErr(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "pacer ra: %s\n%s", msg, usage)
	return exitUsage
}

// outputFormat takes "-o FORMAT" (or --output) out of args.
func outputFormat(args []string) (string, []string, error) {
	format := "text"
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o" || a == "--output":
			if i+1 >= len(args) {
				return "", nil, fmt.Errorf("%s needs a format", a)
			}
			i++
			format = args[i]
		case strings.HasPrefix(a, "--output="):
			format = strings.TrimPrefix(a, "--output=")
		default:
			rest = append(rest, a)
		}
	}
	if format != "text" && format != "json" {
		return "", nil, fmt.Errorf("unknown output format %q (text, json)", format)
	}
	return format, rest, nil
}

// printNames prints one name a line, or a JSON array.
func printNames(stdout, stderr io.Writer, format string, names []string) int {
	if format == "json" {
		if names == nil {
			names = []string{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(names); err != nil {
			fmt.Fprintf(stderr, "pacer ra: %v\n", err)
			return exitError
		}
		return exitOK
	}
	for _, n := range names {
		fmt.Fprintln(stdout, n)
	}
	return exitOK
}

// list is crm_resource --list-agents, and crmsh's `ra list CLASS [PROVIDER]`.
func list(args []string, stdout, stderr io.Writer) int {
	format, args, err := outputFormat(args)
	if err != nil {
		return usageErr(stderr, "list: "+err.Error())
	}
	var class, provider string
	switch len(args) {
	case 1:
		class, provider, _ = strings.Cut(args[0], ":")
	case 2:
		class, provider = args[0], args[1]
	default:
		return usageErr(stderr, "list needs CLASS or ocf:PROVIDER")
	}
	names, err := lrm.ListAgents(class, provider)
	if err != nil {
		fmt.Fprintf(stderr, "pacer ra list: %v\n", err)
		return exitError
	}
	return printNames(stdout, stderr, format, names)
}

// providers lists the OCF providers, or those that have agent TYPE
// (crm_resource --list-ocf-alternatives).
func providers(args []string, stdout, stderr io.Writer) int {
	format, args, err := outputFormat(args)
	if err != nil || len(args) > 1 {
		return usageErr(stderr, "providers [-o json] [TYPE]")
	}
	all := lrm.Providers()
	if len(args) == 0 {
		return printNames(stdout, stderr, format, all)
	}
	var have []string
	for _, p := range all {
		if names, err := lrm.ListAgents(lrm.ClassOCF, p); err == nil && slices.Contains(names, args[0]) {
			have = append(have, p)
		}
	}
	return printNames(stdout, stderr, format, have)
}

// AgentSpec turns crm's short forms into a full agent name: a bare TYPE is
// ocf:heartbeat:TYPE (crmsh's default, as in a primitive), a bare fence_X
// is stonith:fence_X.
func AgentSpec(a string) string {
	switch n := strings.Count(a, ":"); {
	case n == 0 && strings.HasPrefix(a, "fence_"):
		return "stonith:" + a
	case n == 0 && a != "":
		return "ocf:heartbeat:" + a
	}
	return a
}

func info(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("o", "text", "")
	if err := fs.Parse(reorder(args, map[string]bool{"o": true})); err != nil {
		return usageErr(stderr, "info: "+err.Error())
	}
	if fs.NArg() != 1 {
		return usageErr(stderr, "info needs one AGENT")
	}
	m, err := lrm.Metadata(AgentSpec(fs.Arg(0)))
	if err != nil {
		fmt.Fprintf(stderr, "pacer ra info: %v\n", err)
		if errors.Is(err, lrm.ErrUnknownAgent) {
			return lrm.OCFErrInstalled
		}
		return exitError
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(m); err != nil {
			fmt.Fprintf(stderr, "pacer ra info: %v\n", err)
			return exitError
		}
	case "text":
		writeInfo(stdout, m)
	default:
		return usageErr(stderr, fmt.Sprintf("info: unknown output format %q (text, json)", *format))
	}
	return exitOK
}

// reorder moves flags after positional arguments to the front, so that
// `run AGENT start --timeout 5s` works like `run --timeout 5s AGENT start`.
// valued names the flags that take a separate value.
func reorder(args []string, valued map[string]bool) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && valued[name] && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(append(flags, "--"), pos...)
}

func run(args []string, stdout, stderr io.Writer) int {
	// Ctrl-C kills the agent's process group instead of leaving it behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runCtx(ctx, args, stdout, stderr)
}

// runCtx is `ra run` until ctx ends: --timeout bounds the whole command,
// the agent's meta-data (fetched to check the parameters) included.
func runCtx(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	timeout := fs.Duration("timeout", 20*time.Second, "")
	id := fs.String("id", "", "")
	interval := fs.Duration("interval", 0, "")
	depth := fs.Int("depth", 0, "")
	verbose := fs.Bool("v", false, "")
	if err := fs.Parse(reorder(args, map[string]bool{"timeout": true, "id": true, "interval": true, "depth": true})); err != nil {
		return usageErr(stderr, "run: "+err.Error())
	}
	if fs.NArg() < 2 {
		return usageErr(stderr, "run needs AGENT and ACTION")
	}
	if *timeout <= 0 {
		return usageErr(stderr, "run: --timeout must be positive")
	}
	agentSpec, action := fs.Arg(0), fs.Arg(1)
	agent, err := lrm.ParseAgent(AgentSpec(agentSpec))
	if err != nil {
		fmt.Fprintf(stderr, "pacer ra run: %v\n", err)
		return exitUsage
	}
	params := map[string]string{}
	for _, kv := range fs.Args()[2:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usageErr(stderr, fmt.Sprintf("run: %q is not name=value", kv))
		}
		if _, dup := params[k]; dup {
			return usageErr(stderr, fmt.Sprintf("run: parameter %s given twice", k))
		}
		params[k] = v
	}
	level := slog.LevelWarn + 100 // the summary below says it all
	if *verbose {
		level = slog.LevelDebug
	}
	ex := lrm.New(lrm.Config{Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))})
	defer ex.Close()

	deadline := time.Now().Add(*timeout)
	metaCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if rc, ok := checkParams(metaCtx, ex, agent, action, params, stderr); !ok {
		return rc
	}
	rsc := *id
	if rsc == "" {
		rsc = agent.Type
	}
	// What is left of --timeout is the action's own timeout, so that it
	// ends as a timeout ("Timed Out"), not as an interruption.
	r := ex.Exec(ctx, lrm.Op{Resource: rsc, Agent: agent.String(), Action: action, Timeout: max(time.Until(deadline), time.Millisecond),
		Interval: *interval, Depth: *depth, Params: params})
	io.WriteString(stdout, r.Output)
	if r.Stderr != "" {
		io.WriteString(stderr, r.Stderr)
		if !strings.HasSuffix(r.Stderr, "\n") {
			io.WriteString(stderr, "\n")
		}
	}
	fmt.Fprintln(stdout, summary(r))
	return r.RC
}

func summary(r lrm.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: rc=%d (%s)", r.Agent, r.Operation, r.RC, lrm.RCString(r.RC))
	if r.Status != lrm.StatusDone {
		fmt.Fprintf(&b, " [%s]", r.Status)
	}
	fmt.Fprintf(&b, " in %s", r.ExecTime.Round(time.Millisecond))
	if r.ExitReason != "" {
		fmt.Fprintf(&b, "\nexit reason: %s", r.ExitReason)
	}
	return b.String()
}

// actionsNeedingConfig are the actions for which an agent's required
// parameters must be given (meta-data and the like need none).
var actionsNeedingConfig = map[string]bool{"start": true, "stop": true, "monitor": true, "status": true,
	"promote": true, "demote": true, "reload": true, "validate-all": true, "migrate_to": true, "migrate_from": true,
	"notify": true, "on": true, "off": true, "reboot": true, "list": true, "list-status": true}

// checkParams catches a missing required parameter before running the
// agent, naming it (Pacemaker's crm_resource leaves that to the agent,
// whose message is often vaguer). Unknown names only warn: agents accept
// parameters their meta-data forgets.
func checkParams(ctx context.Context, ex *lrm.Executor, agent lrm.Agent, action string, params map[string]string, stderr io.Writer) (int, bool) {
	if agent.Class != lrm.ClassOCF && agent.Class != lrm.ClassStonith {
		if len(params) > 0 {
			fmt.Fprintf(stderr, "pacer ra run: warning: %s agents take no parameters; ignored\n", agent.Class)
		}
		return 0, true
	}
	if !actionsNeedingConfig[action] {
		return 0, true
	}
	m, err := ex.MetadataContext(ctx, agent.String())
	if err != nil {
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			fmt.Fprintf(stderr, "pacer ra run: %s %s: --timeout reached while the agent's meta-data ran (killed)\n", agent, action)
			return lrm.OCFErrGeneric, false
		case errors.Is(err, context.Canceled):
			fmt.Fprintf(stderr, "pacer ra run: %s %s: interrupted while the agent's meta-data ran (killed)\n", agent, action)
			return lrm.OCFErrGeneric, false
		}
		if errors.Is(err, lrm.ErrUnknownAgent) {
			fmt.Fprintf(stderr, "pacer ra run: %v\n", err)
			return lrm.OCFErrInstalled, false
		}
		return 0, true // the run itself will report what is wrong
	}
	var missing []string
	for _, p := range m.Parameters {
		if p.Required && p.Name != "action" && params[p.Name] == "" {
			missing = append(missing, p.Name)
		}
	}
	for k := range params {
		if _, ok := m.Param(k); !ok && k != "OCF_CHECK_LEVEL" && !(agent.Class == lrm.ClassStonith && (k == "port" || k == "nodename")) {
			fmt.Fprintf(stderr, "pacer ra run: warning: %s has no parameter %q\n", agent, k)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "pacer ra run: %s %s: missing required parameter(s): %s\n", agent, action, strings.Join(missing, ", "))
		return lrm.OCFErrConfigured, false
	}
	return 0, true
}
