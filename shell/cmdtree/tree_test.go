package cmdtree

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func testTree() *Tree {
	leaf := func(name string, aliases ...string) *Command {
		return &Command{Name: name, Aliases: aliases, Short: name + " it"}
	}
	return New(&Command{Name: "root", Sub: []*Command{
		{Name: "configure", Short: "cfg", Sub: []*Command{leaf("primitive"), leaf("property"), leaf("show"), leaf("commit")}},
		{Name: "resource", Short: "rsc", Sub: []*Command{leaf("start"), leaf("stop"), leaf("status", "show"), leaf("move", "migrate")}},
		leaf("status"), leaf("simulate"), leaf("sandbox"),
		{Name: "stonith", Short: "st", Sub: []*Command{leaf("history")}},
		{Name: "help", Global: true}, {Name: "quit", Aliases: []string{"exit"}, Global: true},
	}})
}

func TestResolve(t *testing.T) {
	tr := testTree()
	cases := []struct {
		level string
		words string
		want  string // full name; "" for an error
		args  int
	}{
		{"", "configure primitive p1 Dummy", "configure primitive", 2},
		{"", "conf prim p1", "configure primitive", 1},
		{"", "res mig vip n2", "resource move", 2},
		{"", "resource show", "resource status", 0},
		{"", "configure", "configure", 0},
		{"configure", "show xml", "configure show", 1},
		{"configure", "status", "status", 0}, // top-level command from a level
		{"configure", "help", "help", 0},     // global
		{"configure", "exit", "quit", 0},     // alias of a global
		{"configure", "resource stop x", "resource stop", 1},
		{"", "st", "", 0}, // status or stonith? ambiguous
		{"", "stat", "status", 0},
		{"", "statsu", "", 0}, // unknown
	}
	for _, c := range cases {
		level := tr.Root
		if c.level != "" {
			level = tr.Find(strings.Fields(c.level)...)
		}
		words := strings.Fields(c.words)
		cmd, i, err := tr.Resolve(level, words)
		if c.want == "" {
			if err == nil {
				t.Errorf("%q at %q: want an error, got %s", c.words, c.level, cmd.FullName())
			}
			continue
		}
		if err != nil {
			t.Errorf("%q at %q: %v", c.words, c.level, err)
			continue
		}
		if cmd.FullName() != c.want || len(words)-i != c.args {
			t.Errorf("%q at %q: got %q with %d args, want %q with %d", c.words, c.level, cmd.FullName(), len(words)-i, c.want, c.args)
		}
	}
}

func TestErrors(t *testing.T) {
	tr := testTree()
	_, _, err := tr.Resolve(tr.Root, []string{"st"})
	var pe *Error
	if !errors.As(err, &pe) || !slices.Equal(pe.Matches, []string{"status", "stonith"}) {
		t.Fatalf("ambiguous: %v", err)
	}
	_, _, err = tr.Resolve(tr.Root, []string{"statsu"})
	if !errors.As(err, &pe) || len(pe.Suggest) == 0 || pe.Suggest[0] != "status" {
		t.Fatalf("unknown: %v", err)
	}
	if !strings.Contains(err.Error(), `did you mean "status"`) {
		t.Errorf("message: %v", err)
	}
	_, _, err = tr.Resolve(tr.Find("resource"), []string{"strat"})
	if err == nil || !strings.Contains(err.Error(), `"start"`) || !strings.Contains(err.Error(), "level resource") {
		t.Errorf("in a level: %v", err)
	}
}

func TestSplit(t *testing.T) {
	ws, err := Split(`primitive p1 IPaddr2 params ip="10.0.0.1" description='a b' x\ y`, false)
	if err != nil {
		t.Fatal(err)
	}
	got := Texts(ws)
	want := []string{"primitive", "p1", "IPaddr2", "params", "ip=10.0.0.1", "description=a b", "x y"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
	if _, err := Split(`a "b`, false); err == nil {
		t.Error("unterminated quote accepted")
	}
	if ws, err := Split(`a "b`, true); err != nil || len(ws) != 2 {
		t.Errorf("partial: %v %v", ws, err)
	}
}

func TestParseRawArgs(t *testing.T) {
	tr := testTree()
	inv, err := tr.Parse(tr.Root, `configure primitive p1 Dummy params a="x y"`)
	if err != nil {
		t.Fatal(err)
	}
	if inv.RawArgs != `p1 Dummy params a="x y"` {
		t.Errorf("raw %q", inv.RawArgs)
	}
}

func TestComplete(t *testing.T) {
	tr := testTree()
	tr.Find("resource", "stop").Complete = func(args []string, word string) []string {
		if len(args) == 0 {
			return []string{"vip", "web", "db"}
		}
		return nil
	}
	cases := []struct {
		level, line string
		want        []string
	}{
		{"", "res", []string{"resource"}},
		{"", "s", []string{"status", "simulate", "sandbox", "stonith"}},
		{"", "resource st", []string{"start", "stop", "status"}},
		{"", "res stop ", []string{"vip", "web", "db"}},
		{"", "res stop w", []string{"web"}},
		{"", "res stop web ", nil},
		{"resource", "mo", []string{"move"}},
		{"resource", "he", []string{"help"}},
		{"", "nothing here", nil},
	}
	for _, c := range cases {
		level := tr.Root
		if c.level != "" {
			level = tr.Find(c.level)
		}
		got, _ := tr.Complete(level, c.line)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.line, got, c.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"primitive", "property", "group", "clone", "location", "colocation"}
	if got := Suggest("primtive", names); len(got) == 0 || got[0] != "primitive" {
		t.Errorf("primtive: %v", got)
	}
	if got := Suggest("gruop", names); len(got) == 0 || got[0] != "group" {
		t.Errorf("gruop (transposition): %v", got)
	}
	if got := Suggest("zzzzzz", names); len(got) != 0 {
		t.Errorf("zzzzzz: %v", got)
	}
}

func TestManAndHelp(t *testing.T) {
	tr := testTree()
	var b strings.Builder
	tr.WriteMan(&b, ManPage{Name: "pacer", Section: "8", Summary: "shell"})
	out := b.String()
	for _, want := range []string{".TH PACER 8", ".SH COMMANDS", `.SS "Level resource"`, `\fBmove\fR`, "Also: migrate."} {
		if !strings.Contains(out, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	b.Reset()
	tr.Help(&b, tr.Find("resource"))
	if !strings.Contains(b.String(), "move") || !strings.Contains(b.String(), "Available at every level") {
		t.Errorf("help: %s", b.String())
	}
}
