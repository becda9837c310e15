package shell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"pacer/share/keyfile"
	"path/filepath"

	"pacer/lrm"
	"pacer/lrm/racmd"
	"pacer/share/clusterview"
	"pacer/shell/backend"
	"pacer/shell/cmdtree"
)

// cmdRA hands `ra CMD ARGS` to the LRM's command.
func (s *session) cmdRA(name string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		args := append([]string{name}, inv.Args...)
		if s.output == "json" {
			switch name {
			case "info":
				args = append([]string{name, "-o", "json"}, inv.Args...)
			case "classes", "list", "providers":
				args = append([]string{name, "-o", "json"}, inv.Args...)
			}
		}
		if code := racmd.Main(args, s.stdout, s.stderr); code != 0 {
			return &exitError{code}
		}
		return nil
	}
}

// cmdSandbox runs `pacerd sandbox ARGS...`: pacerd next to this binary,
// else on PATH.
func (s *session) cmdSandbox(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) == 0 {
		return usagef("start, stop, kill, partition or heal?")
	}
	bin, err := pacerdPath()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"sandbox"}, inv.Args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.stdin, s.stdout, s.stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return &exitError{ee.ExitCode()}
		}
		return err
	}
	return nil
}

func pacerdPath() (string, error) {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "pacerd")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath("pacerd")
	if err != nil {
		return "", fmt.Errorf("pacerd not found next to pacer nor on PATH")
	}
	return p, nil
}

// cmdKeygen writes a cluster key in the format pacerd reads (share/keyfile).
func (s *session) cmdKeygen(ctx context.Context, inv *cmdtree.Invocation) error {
	path := "/etc/pacer/authkey"
	if len(inv.Args) > 1 {
		return usagef("keygen [FILE]")
	}
	if len(inv.Args) == 1 {
		path = inv.Args[0]
	}
	if err := keyfile.Generate(path, s.force); err != nil {
		return err
	}
	fmt.Fprintf(s.stdout, "wrote cluster key %s; copy it to every node\n", path)
	return nil
}

func (s *session) cmdClusterService(action string) func(context.Context, *cmdtree.Invocation) error {
	return func(ctx context.Context, inv *cmdtree.Invocation) error {
		cmd := exec.CommandContext(ctx, "systemctl", action, "pacerd")
		cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("systemctl %s pacerd: %w", action, err)
		}
		return nil
	}
}

func (s *session) cmdFenceHistory(ctx context.Context, inv *cmdtree.Invocation) error {
	args, err := s.outputFlags(inv.Args)
	if err != nil {
		return err
	}
	var hist []clusterview.FencingEvent
	be, err := s.backend()
	if err != nil {
		return err
	}
	if d, ok := be.(*backend.Daemon); ok {
		if hist, err = d.C.FenceHistory(ctx); err != nil {
			return err
		}
	} else {
		snap, err := s.snapshot(ctx)
		if err != nil {
			return err
		}
		hist = snap.Fencing
	}
	var out []clusterview.FencingEvent
	for _, e := range hist {
		if len(args) == 0 || e.Target == args[0] {
			out = append(out, e)
		}
	}
	if s.output == "json" {
		if out == nil {
			out = []clusterview.FencingEvent{}
		}
		return s.printJSON(out)
	}
	for i := range out {
		fmt.Fprintf(s.stdout, "%s\n", clusterview.FencingText(&out[i], nil))
	}
	return nil
}

func (s *session) cmdFenceAgents(ctx context.Context, inv *cmdtree.Invocation) error {
	list, err := lrm.ListAgents("stonith", "")
	if err != nil {
		return err
	}
	return s.printList(list)
}

// printList prints names one a line, or as a JSON array with -o json.
func (s *session) printList(list []string) error {
	if s.output == "json" {
		if list == nil {
			list = []string{}
		}
		return s.printJSON(list)
	}
	for _, a := range list {
		fmt.Fprintln(s.stdout, a)
	}
	return nil
}
