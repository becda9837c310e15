package shell

import (
	"context"
	"strings"
	"time"

	"pacer/daemon/scheduler"
	"pacer/share/xmltree"
)

// simAction is one action of the transition in `simulate -o json`.
type simAction struct {
	ID       int    `json:"id"`
	Kind     string `json:"kind"`
	Task     string `json:"task"`
	Key      string `json:"key,omitempty"`
	Resource string `json:"resource,omitempty"`
	Node     string `json:"node,omitempty"`
	Interval string `json:"interval,omitempty"`
	Inputs   []int  `json:"inputs"`
}

// simulateJSON is `simulate -o json`: the same run as the text (the
// crm_simulate options -x, -t and -s are read; -S and -Q change nothing
// here), as one object: the transition summary, its actions with their
// inputs, the scores when asked, and warnings.
func (s *session) simulateJSON(ctx context.Context, args []string) error {
	var path, at string
	scores := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, error) {
			if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
				return v, nil
			}
			if i+1 >= len(args) {
				return "", usagef("%s needs a value", a)
			}
			i++
			return args[i], nil
		}
		var err error
		switch name, _, _ := strings.Cut(a, "="); name {
		case "-x", "--xml-file":
			path, err = next()
		case "-t", "--set-datetime":
			at, err = next()
		case "-s", "--show-scores":
			scores = true
		case "-S", "--simulate", "-Q", "nograph", "actions":
		case "-sS", "-Ss", "-sSQ", "-sQ":
			scores = true
		default:
			return usagef("unexpected argument %q", a)
		}
		if err != nil {
			return err
		}
	}
	var doc *xmltree.Document
	var err error
	switch {
	case path != "":
		doc, err = xmltree.ParseFile(path)
	case s.cibFile != "" && s.shadow == "":
		doc, err = xmltree.ParseFile(s.cibFile)
	default:
		doc, err = s.readCIB(ctx)
	}
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	executionDate := ""
	if at != "" {
		if now, err = scheduler.ParseNow(at); err != nil {
			return usagef("-t: %v", err)
		}
	} else if t, ok := scheduler.ExecutionDate(doc); ok {
		now = t
		executionDate = t.UTC().Format(time.RFC3339)
	}
	res, err := scheduler.Run(doc, scheduler.Input{Now: now, Scores: scores})
	if err != nil {
		return err
	}
	out := struct {
		Now           string      `json:"now"`
		ExecutionDate string      `json:"execution_date,omitempty"`
		Summary       []string    `json:"summary"`
		Actions       []simAction `json:"actions"`
		Scores        []string    `json:"scores,omitempty"`
		Warnings      []string    `json:"warnings,omitempty"`
	}{Now: now.UTC().Format(time.RFC3339), ExecutionDate: executionDate, Summary: []string{}, Actions: []simAction{},
		Scores: res.Scores, Warnings: res.Warnings}
	for _, l := range res.Summary {
		out.Summary = append(out.Summary, strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "* ")), " "))
	}
	for _, a := range res.Graph.Actions {
		sa := simAction{ID: a.ID, Kind: string(a.Kind), Task: a.Task, Key: a.Key, Node: a.Node, Inputs: a.Inputs}
		if sa.Inputs == nil {
			sa.Inputs = []int{}
		}
		if a.Resource != nil {
			sa.Resource = a.Resource.ID
		}
		if iv := a.Interval(); iv > 0 {
			sa.Interval = iv.String()
		}
		out.Actions = append(out.Actions, sa)
	}
	return s.printJSON(out)
}
