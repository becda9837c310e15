// Command pacer-cts runs pacerd's fault campaign (package daemon/cts) on a
// --netns sandbox and writes its report; `make cts` runs it. It exits 1
// when a check outside -known was violated.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"pacer/daemon/cts"
)

func main() {
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()%1_000_000), "campaign seed (a failing seed replays)")
	nodes := flag.Int("nodes", 3, "cluster size")
	faults := flag.Int("faults", 200, "faults to inject")
	max := flag.Duration("max", 0, "stop injecting after this long (0: no limit)")
	minGap := flag.Duration("min-gap", 2*time.Second, "shortest pause between faults")
	maxGap := flag.Duration("max-gap", 5*time.Second, "longest pause between faults")
	pacerd := flag.String("pacerd", "bin/pacerd", "pacerd binary")
	report := flag.String("report", "", "report file (Markdown; a .json beside it); default OUT/cts-SEED-NODESn.md")
	out := flag.String("out", ".", "directory of the default report")
	known := flag.String("known", "", `checks whose violations do not fail the run ("today": cts.KnownToday)`)
	keep := flag.Bool("keep", false, "keep the sandbox directory (node logs)")
	flag.Parse()

	bin, err := filepath.Abs(*pacerd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pacer-cts:", err)
		os.Exit(2)
	}
	cfg := cts.Config{Seed: *seed, Nodes: *nodes, Faults: *faults, Max: *max, MinGap: *minGap, MaxGap: *maxGap,
		Pacerd: bin, Keep: *keep, Log: os.Stderr}
	switch *known {
	case "":
	case "today":
		cfg.Known = cts.KnownToday
	default:
		cfg.Known = strings.Split(*known, ",")
	}
	if *report == "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "pacer-cts:", err)
			os.Exit(2)
		}
		*report = filepath.Join(*out, fmt.Sprintf("cts-%d-%dn.md", *seed, *nodes))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := cts.Run(ctx, cfg)
	if err := r.WriteReport(*report); err != nil {
		fmt.Fprintln(os.Stderr, "pacer-cts: report:", err)
	}
	m, n := r.FailoverMedian()
	fmt.Printf("seed %d, %d nodes: %d faults, %d violations, failover median %s (%d), report %s\n",
		*seed, *nodes, len(r.Faults), len(r.Violations), m.Round(10*time.Millisecond), n, *report)
	if r.Failed() {
		os.Exit(1)
	}
}
