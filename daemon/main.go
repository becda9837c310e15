// Package daemon is pacerd: membership, quorum, DC election, the replicated
// CIB, the controller and the socket API. See man pacerd(8).
package daemon

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	sddaemon "github.com/coreos/go-systemd/v22/daemon"

	"pacer/daemon/config"
	"pacer/daemon/remote"
	"pacer/daemon/sandbox"
	"pacer/share/keyfile"
	"pacer/share/version"
)

// Main runs pacerd with its command-line arguments and returns the exit code.
func Main(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "sandbox":
			return sandbox.Main(args[1:], os.Stdout, os.Stderr)
		case "keygen":
			return keygen(args[1:], os.Stderr)
		case "remote":
			return remote.Main(args[1:], os.Stderr)
		}
	}
	fs := flag.NewFlagSet("pacerd", flag.ContinueOnError)
	cfgPath := fs.String("config", config.DefaultPath, "configuration file")
	node := fs.String("node", "", "this node's name (overrides node_name)")
	sock := fs.String("socket", "", "API socket (overrides socket)")
	state := fs.String("state-dir", "", "state directory (overrides state_dir)")
	key := fs.String("key-file", "", "cluster key (overrides key_file)")
	debug := fs.Bool("debug", false, "debug logging")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.BoolVar(showVersion, "V", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *showVersion {
		fmt.Println(version.String("pacerd"))
		return 0
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pacerd:", err)
		return 1
	}
	for _, o := range []struct {
		v   string
		dst *string
	}{{*node, &cfg.NodeName}, {*sock, &cfg.Socket}, {*state, &cfg.StateDir}, {*key, &cfg.KeyFile}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	if err := cfg.Validate(*cfgPath); err != nil {
		fmt.Fprintln(os.Stderr, "pacerd:", err)
		return 1
	}
	level := slog.LevelInfo
	if *debug || cfg.Debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("self", cfg.NodeName)
	slog.SetDefault(log)

	if p := os.Getenv("PACERD_CPUPROFILE"); p != "" {
		// For performance work: PACERD_CPUPROFILE=/tmp/prof writes /tmp/prof.NODE.
		if f, err := os.Create(p + "." + cfg.NodeName); err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	n, err := Start(cfg, log)
	if err != nil {
		log.Error("pacerd failed to start", "err", err)
		return 1
	}
	log.Info("pacerd running", "version", version.String("pacerd"), "socket", cfg.Socket)
	sddaemon.SdNotify(false, sddaemon.SdNotifyReady)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	s := <-sig
	log.Info("stopping", "signal", s.String())
	sddaemon.SdNotify(false, sddaemon.SdNotifyStopping)
	n.Stop(true)
	return 0
}

// keygen writes a cluster key: pacerd keygen [--force] [PATH].
func keygen(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("pacerd keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	force := fs.Bool("force", false, "overwrite an existing key")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	path := "/etc/pacer/authkey"
	if fs.NArg() > 0 {
		path = fs.Arg(0)
	}
	if err := keyfile.Generate(path, *force); err != nil {
		fmt.Fprintln(stderr, "pacerd:", err)
		return 1
	}
	fmt.Fprintf(stderr, "wrote cluster key %s; copy it to every node (mode 0400)\n", path)
	return 0
}
