package remote

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	sddaemon "github.com/coreos/go-systemd/v22/daemon"

	"pacer/daemon/agenttools"
	"pacer/daemon/server"
	"pacer/lrm"
	"pacer/share/keyfile"
	"pacer/share/version"
)

// Main runs `pacerd remote ARGS` and returns the exit code.
func Main(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("pacerd remote", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", ":"+strconv.Itoa(DefaultPort), "address the cluster connects to")
	keyPath := fs.String("key-file", "/etc/pacer/authkey", "the cluster key")
	stateDir := fs.String("state-dir", "/var/lib/pacer-remote", "state directory (agent tool links)")
	sock := fs.String("socket", "/run/pacer/remote.sock", "socket the agent tools (crm_attribute, attrd_updater, crm_node) use")
	node := fs.String("node", "", "this node's name until the cluster gives it (default: the host name)")
	debug := fs.Bool("debug", false, "debug logging")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	key, err := keyfile.Load(*keyPath)
	if err != nil {
		fmt.Fprintln(stderr, "pacerd remote:", err)
		return 1
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})).With("role", "remote")
	env, err := agenttools.Env(filepath.Join(*stateDir, "agent-tools"), *sock, *node, nil)
	if err != nil {
		log.Warn("agents will find no crm_attribute", "err", err)
	}
	exec := lrm.New(lrm.Config{Env: env, Logger: log})
	defer exec.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Error("pacerd remote failed to start", "err", err)
		return 1
	}
	s, err := Serve(ln, ServerConfig{Key: key, Exec: exec, Log: log, Node: *node})
	if err != nil {
		log.Error("pacerd remote failed to start", "err", err)
		return 1
	}
	defer s.Close()
	api, err := server.Listen(*sock, s, log)
	if err != nil {
		log.Error("pacerd remote failed to start", "err", err)
		return 1
	}
	defer api.Close()
	log.Info("pacerd remote running", "version", version.String("pacerd remote"), "listen", ln.Addr().String(), "socket", *sock)
	sddaemon.SdNotify(false, sddaemon.SdNotifyReady)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	got := <-sig
	// Agents keep running: the cluster, not this executor, decides what
	// stops, and a restarted pacerd remote reports them to its probes.
	log.Info("stopping", "signal", got.String())
	sddaemon.SdNotify(false, sddaemon.SdNotifyStopping)
	return 0
}
