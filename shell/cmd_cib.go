package shell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"pacer/share/xmltree"
	"pacer/shell/backend"
	"pacer/shell/cmdtree"
)

// Shadow CIBs are whole CIB files shadow.NAME in shadowDir(), like
// crm_shadow's. They are plain file backends once selected.

func validShadowName(name string) error {
	if name == "" || name == "live" || strings.ContainsAny(name, "/ \t") || strings.HasPrefix(name, ".") {
		return fmt.Errorf("invalid shadow CIB name %q", name)
	}
	return nil
}

func shadowNames() []string {
	ents, err := os.ReadDir(shadowDir())
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutPrefix(e.Name(), "shadow."); ok && !e.IsDir() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// liveBackend is the CIB a shadow is made from and committed to: CIB_file
// or the daemon, whatever shadow is in use.
func (s *session) liveBackend() (backend.Backend, func(), error) {
	if s.shadow == "" {
		be, err := s.backend()
		return be, func() {}, err
	}
	if s.cibFile != "" {
		return backend.NewFile(s.cibFile, ""), func() {}, nil
	}
	d, err := backend.DialDaemon("")
	if err != nil {
		return nil, nil, err
	}
	return d, func() { d.Close() }, nil
}

func (s *session) cmdShadowNew(ctx context.Context, inv *cmdtree.Invocation) error {
	var name string
	empty, force := false, s.force
	for _, a := range inv.Args {
		switch a {
		case "empty":
			empty = true
		case "--force", "force":
			force = true
		default:
			if name != "" {
				return usagef("one name")
			}
			name = a
		}
	}
	if err := validShadowName(name); err != nil {
		return err
	}
	path := shadowPath(name)
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("shadow CIB %s exists; use --force to overwrite it", name)
	}
	var data []byte
	if empty {
		data = []byte(emptyCIB)
	} else {
		live, done, err := s.liveBackend()
		if err != nil {
			return err
		}
		defer done()
		doc, err := live.CIB(ctx)
		if err != nil {
			return err
		}
		data = doc.Bytes(xmltree.Pretty)
	}
	if err := os.MkdirAll(shadowDir(), 0o750); err != nil {
		return err
	}
	if err := backend.WriteAtomic(path, data); err != nil {
		return err
	}
	s.switchBackend(name)
	fmt.Fprintf(s.stdout, "INFO: cib.new: %s shadow CIB created\n", name)
	return nil
}

const emptyCIB = `<cib crm_feature_set="3.17.4" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`

func (s *session) cmdShadowUse(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) > 1 {
		return usagef("use [NAME|live]")
	}
	name := ""
	if len(inv.Args) == 1 && inv.Args[0] != "live" {
		name = inv.Args[0]
		if _, err := os.Stat(shadowPath(name)); err != nil {
			return notFound("shadow CIB", name, shadowNames())
		}
	}
	if s.dirty && !s.confirm("Drop the staged configuration changes", true) {
		return errors.New("changes pending; commit them first")
	}
	s.switchBackend(name)
	return nil
}

func (s *session) cmdShadowList(ctx context.Context, inv *cmdtree.Invocation) error {
	names := shadowNames()
	if s.output == "json" {
		if names == nil {
			names = []string{}
		}
		return s.printJSON(names)
	}
	for _, n := range names {
		mark := ""
		if n == s.shadow {
			mark = " (in use)"
		}
		fmt.Fprintf(s.stdout, "%s%s\n", n, mark)
	}
	return nil
}

// shadowArg is the shadow named, or the one in use.
func (s *session) shadowArg(args []string) (string, error) {
	if len(args) > 1 {
		return "", usagef("one shadow CIB")
	}
	name := s.shadow
	if len(args) == 1 {
		name = args[0]
	}
	if name == "" {
		return "", usagef("which shadow CIB? (none in use)")
	}
	if _, err := os.Stat(shadowPath(name)); err != nil {
		return "", notFound("shadow CIB", name, shadowNames())
	}
	return name, nil
}

func (s *session) cmdShadowDiff(ctx context.Context, inv *cmdtree.Invocation) error {
	name, err := s.shadowArg(inv.Args)
	if err != nil {
		return err
	}
	live, done, err := s.liveBackend()
	if err != nil {
		return err
	}
	defer done()
	a, err := live.CIB(ctx)
	if err != nil {
		return err
	}
	b, err := backend.NewFile(shadowPath(name), name).CIB(ctx)
	if err != nil {
		return err
	}
	fmt.Fprint(s.stdout, lineDiff(configuration(a).Indented(), configuration(b).Indented(), "live", name))
	return nil
}

func (s *session) cmdShadowCommit(ctx context.Context, inv *cmdtree.Invocation) error {
	name, err := s.shadowArg(inv.Args)
	if err != nil {
		return err
	}
	live, done, err := s.liveBackend()
	if err != nil {
		return err
	}
	defer done()
	doc, err := backend.NewFile(shadowPath(name), name).CIB(ctx)
	if err != nil {
		return err
	}
	cur, err := live.CIB(ctx)
	if err != nil {
		return err
	}
	if err := s.checkNewProblems(cur.Root, doc.Root); err != nil {
		return err
	}
	return live.ReplaceConfiguration(ctx, configuration(doc), backend.Version{})
}

func (s *session) cmdShadowDelete(ctx context.Context, inv *cmdtree.Invocation) error {
	force := s.force
	var args []string
	for _, a := range inv.Args {
		if a == "--force" || a == "force" {
			force = true
		} else {
			args = append(args, a)
		}
	}
	if len(args) != 1 {
		return usagef("delete NAME")
	}
	name, err := s.shadowArg(args)
	if err != nil {
		return err
	}
	if name == s.shadow && !force {
		return fmt.Errorf("shadow CIB %s is in use; \"cib use live\" first or --force", name)
	}
	if err := os.Remove(shadowPath(name)); err != nil {
		return err
	}
	if name == s.shadow {
		s.switchBackend("")
	}
	return nil
}

func (s *session) cmdShadowReset(ctx context.Context, inv *cmdtree.Invocation) error {
	name, err := s.shadowArg(inv.Args)
	if err != nil {
		return err
	}
	live, done, err := s.liveBackend()
	if err != nil {
		return err
	}
	defer done()
	doc, err := live.CIB(ctx)
	if err != nil {
		return err
	}
	if err := backend.WriteAtomic(shadowPath(name), doc.Bytes(xmltree.Pretty)); err != nil {
		return err
	}
	if name == s.shadow {
		s.switchBackend(name)
	}
	return nil
}

// lineDiff is a unified-style diff of two texts (longest common
// subsequence on lines; configurations are small enough).
func lineDiff(a, b, nameA, nameB string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(la), len(lb)
	if n*m > 25_000_000 {
		return fmt.Sprintf("configurations differ (too large to diff: %d and %d lines)\n", n, m)
	}
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if la[i] == lb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	changed := false
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && la[i] == lb[j]:
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			if !changed {
				fmt.Fprintf(&out, "--- %s\n+++ %s\n", nameA, nameB)
				changed = true
			}
			fmt.Fprintf(&out, "+%s\n", lb[j])
			j++
		default:
			if !changed {
				fmt.Fprintf(&out, "--- %s\n+++ %s\n", nameA, nameB)
				changed = true
			}
			fmt.Fprintf(&out, "-%s\n", la[i])
			i++
		}
	}
	return out.String()
}
