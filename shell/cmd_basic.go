package shell

import (
	"context"
	"fmt"
	"time"

	"pacer/shell/cmdtree"
)

func (s *session) cmdHelp(ctx context.Context, inv *cmdtree.Invocation) error {
	args := inv.Args
	for _, a := range args {
		if a == "--man" {
			s.writeMan()
			return nil
		}
	}
	if len(args) == 0 {
		s.tree.Help(s.stdout, s.level)
		return nil
	}
	c, _, err := s.tree.Resolve(s.level, args)
	if err != nil {
		return err
	}
	s.tree.Help(s.stdout, c)
	return nil
}

func (s *session) writeMan() {
	s.tree.WriteMan(s.stdout, manPage(time.Now()))
}

func (s *session) cmdCd(ctx context.Context, inv *cmdtree.Invocation) error {
	if len(inv.Args) == 0 {
		return s.enterLevel(ctx, s.tree.Root)
	}
	if len(inv.Args) > 1 {
		return usagef("one level at a time")
	}
	target := s.level
	for _, part := range splitPath(inv.Args[0]) {
		switch part {
		case "..":
			if target.Parent != nil {
				target = target.Parent
			}
		case "", ".":
		default:
			c, _, err := s.tree.Resolve(target, []string{part})
			if err != nil {
				return err
			}
			if !c.IsLevel() {
				return fmt.Errorf("%q is a command, not a level", c.FullName())
			}
			target = c
		}
	}
	return s.enterLevel(ctx, target)
}

func splitPath(p string) []string {
	var out []string
	cur := ""
	for _, r := range p {
		if r == '/' {
			out = append(out, cur)
			cur = ""
			continue
		}
		cur += string(r)
	}
	return append(out, cur)
}

func (s *session) cmdUp(ctx context.Context, inv *cmdtree.Invocation) error {
	if s.level.Parent == nil {
		return nil
	}
	return s.enterLevel(ctx, s.level.Parent)
}

func (s *session) cmdEnd(ctx context.Context, inv *cmdtree.Invocation) error {
	return s.enterLevel(ctx, s.tree.Root)
}

func (s *session) cmdQuit(ctx context.Context, inv *cmdtree.Invocation) error {
	if s.terminal && !s.leaveConfigure(ctx) {
		return nil
	}
	s.quit = true
	return nil
}
