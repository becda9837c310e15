package crm

import (
	"sort"
	"strings"
)

// KeywordSet lists the words of the crm configure language for completion.
type KeywordSet struct {
	// Objects are the object keywords that start a statement.
	Objects []string
	// Commands are the configure commands that change objects (delete, rename).
	Commands []string
	// After maps an object keyword to the keywords that may follow its
	// head (e.g. primitive: params, meta, utilization, operations, op).
	After map[string][]string
	// OpAttrs are the attributes of an op (interval, timeout...).
	OpAttrs []string
	// RuleOps are the operators usable in rule expressions.
	RuleOps []string
	// OrderKinds are the kinds an order takes before its resources.
	OrderKinds []string
	// Roles are the resource roles used after ":" and in role=.
	Roles []string
}

// Keywords returns the language's keywords.
func Keywords() KeywordSet {
	objs := make([]string, 0, len(kinds))
	var cmds []string
	for k := range kinds {
		switch k {
		case "delete", "rename":
			cmds = append(cmds, k)
		case "collocation", "master", "user":
			// aliases: accepted, not offered
		default:
			objs = append(objs, k)
		}
	}
	sort.Strings(objs)
	sort.Strings(cmds)
	ops := make([]string, 0, len(opAttrs))
	for k := range opAttrs {
		if k != "id" && k != "name" {
			ops = append(ops, k)
		}
	}
	sort.Strings(ops)
	return KeywordSet{
		Objects:  objs,
		Commands: cmds,
		After: map[string][]string{
			"node":         {"attributes", "utilization", "description="},
			"primitive":    {"params", "meta", "utilization", "operations", "op", "op_params", "op_meta", "description="},
			"rsc_template": {"params", "meta", "utilization", "operations", "op", "op_params", "op_meta", "description="},
			"group":        {"meta", "params", "description="},
			"clone":        {"meta", "params", "description="},
			"ms":           {"meta", "params", "description="},
			"bundle":       {"docker", "podman", "rkt", "network", "port-mapping", "storage", "storage-mapping", "primitive", "meta", "utilization"},
			"location":     {"rule", "role=", "resource-discovery="},
			"colocation":   {"node-attribute=", "influence="},
			"order":        {"symmetrical=", "require-all="},
			"rsc_ticket":   {"loss-policy="},
			"alert":        {"attributes", "meta", "select", "to"},
			"role":         {"read", "write", "deny"},
			"rule":         {"$role=", "$id=", "defined", "not_defined", "date", "and", "or"},
		},
		OpAttrs:    ops,
		RuleOps:    []string{"lt", "gt", "lte", "gte", "eq", "ne", "defined", "not_defined"},
		OrderKinds: []string{"Mandatory:", "Optional:", "Serialize:"},
		Roles:      []string{"Started", "Stopped", "Promoted", "Unpromoted"},
	}
}

// Context describes the position of the cursor in a partial statement for
// completion.
type Context struct {
	// Object is the statement's keyword ("primitive", "location"...), ""
	// while the first word is being typed.
	Object string
	// ID is the object's id once typed.
	ID string
	// Field names what the word under the cursor is:
	//   "object"    the first word (an object keyword or command)
	//   "id"        the new object's id
	//   "agent"     the resource agent (class:provider:type or @template)
	//   "keyword"   a section keyword or name=value of the object
	//   "param"     a name=value inside params/attributes (Block says which)
	//   "meta"      a name=value inside meta
	//   "utilization" a name=value inside utilization
	//   "op"        the operation name after op
	//   "op-attr"   an op's name=value (interval=, timeout=...)
	//   "resource"  a resource id (group members, constraint resources, clone child)
	//   "node"      a node name (location's node after the score)
	//   "score"     a score (location, colocation after the id)
	//   "ticket"    a ticket name (rsc_ticket after the id)
	//   "kind"      an order kind or score after the order id
	//   "property"  a cluster option name after property / rsc_defaults / op_defaults
	//   "rule"      inside a rule expression
	//   "value"     the value part of name=value (Name holds the name;
	//               Prefix is the whole word, "name=" included)
	//   "id-ref"    an existing id (delete, rename)
	Field string
	// Block is the section the cursor is in: params, meta, utilization,
	// attributes, op, op_params, op_meta, rule; "" at the head.
	Block string
	// Op is the operation name when Block is "op".
	Op string
	// Agent is the primitive's agent text once typed.
	Agent string
	// Name is the attribute name when Field is "value".
	Name string
	// Used lists the attribute names already given in the current block.
	Used []string
	// Prefix is the partial word under the cursor ("" after a blank).
	Prefix string
	// PrevTokens are the complete words before the cursor.
	PrevTokens []string
}

// CompletionContext tokenizes the text before the cursor (one statement,
// continuations allowed) and says what the word being typed is. It never
// fails: unknown input gives a best guess.
func CompletionContext(lineUpToCursor string) Context {
	c := completionContext(lineUpToCursor)
	if n, _, ok := strings.Cut(c.Prefix, "="); ok && c.Field != "object" {
		c.Name = n
		c.Field = "value"
	}
	return c
}

func completionContext(lineUpToCursor string) Context {
	text := strings.ReplaceAll(lineUpToCursor, "\\\n", " ")
	pos := func(off int) (int, int) { return 1, off + 1 }
	toks, err := tokenize(text, pos)
	open := false
	if err != nil {
		// An open quote: the word under the cursor runs from the blank
		// before the quote, and the quote is not part of it.
		if i := strings.LastIndexAny(text, "\"'"); i >= 0 {
			start := strings.LastIndexAny(text[:i], " \t\n") + 1
			toks, _ = tokenize(text[:start], pos)
			toks = append(toks, token{Val: text[start:i] + text[i+1:]})
			open = true
		}
	}
	var words []string
	for _, t := range toks {
		words = append(words, t.Val)
	}
	prefix := ""
	if len(text) > 0 && (open || !strings.ContainsAny(text[len(text)-1:], " \t\n")) && len(words) > 0 {
		prefix = words[len(words)-1]
		words = words[:len(words)-1]
	}
	if len(words) == 0 {
		words = nil
	}
	c := Context{Prefix: prefix, PrevTokens: words}
	if len(words) == 0 {
		c.Field = "object"
		return c
	}
	c.Object = words[0]
	switch c.Object {
	case "collocation":
		c.Object = "colocation"
	case "master":
		c.Object = "ms"
	}
	n := len(words)
	switch c.Object {
	case "delete", "rename", "show", "edit":
		c.Field = "id-ref"
		return c
	case "property", "rsc_defaults", "op_defaults":
		c.Field = "property"
		c.Used = usedNames(words[1:])
		return c
	case "fencing_topology":
		c.Field = "resource"
		return c
	}
	if n == 1 {
		c.Field = "id"
		return c
	}
	c.ID = words[1]
	switch c.Object {
	case "primitive", "rsc_template":
		if n == 2 {
			c.Field = "agent"
			return c
		}
		c.Agent = words[2]
		c.Field = "keyword"
		blockStart := 3
		for i := 3; i < n; i++ {
			switch words[i] {
			case "params", "meta", "utilization", "op_params", "op_meta", "operations":
				c.Block, blockStart = words[i], i+1
			case "op":
				c.Block, blockStart = "op", i+1
				c.Op = ""
				if i+1 < n {
					c.Op = words[i+1]
					blockStart = i + 2
				}
			}
		}
		if c.Block == "" && n > 3 {
			c.Block = "params"
		}
		c.Used = usedNames(words[blockStart:])
		switch c.Block {
		case "params", "op_params":
			c.Field = "param"
		case "meta", "op_meta":
			c.Field = "meta"
		case "utilization":
			c.Field = "utilization"
		case "op":
			if c.Op == "" {
				c.Field = "op"
			} else {
				c.Field = "op-attr"
			}
		}
		if c.Block == "" {
			c.Field = "keyword"
		}
		return c
	case "group", "clone", "ms", "tag":
		c.Field = "resource"
		for i := 2; i < n; i++ {
			if words[i] == "meta" || words[i] == "params" {
				c.Block = words[i]
				c.Field = words[i]
				if c.Field == "params" {
					c.Field = "param"
				}
				c.Used = usedNames(words[i+1:])
			}
		}
		if (c.Object == "clone" || c.Object == "ms") && n >= 3 && c.Block == "" {
			c.Field = "keyword"
		}
		return c
	case "location":
		if n == 2 {
			c.Field = "resource"
			return c
		}
		last := words[n-1]
		for _, w := range words[2:] {
			if w == "rule" {
				c.Block = "rule"
			}
		}
		switch {
		case c.Block == "rule":
			c.Field = "rule"
		case strings.HasSuffix(last, ":"):
			c.Field = "node"
		default:
			c.Field = "score"
		}
		return c
	case "colocation", "rsc_ticket":
		if n == 2 {
			c.Field = "score"
			if c.Object == "rsc_ticket" {
				c.Field = "ticket"
			}
			return c
		}
		c.Field = "resource"
		return c
	case "order":
		if n == 2 {
			c.Field = "kind"
			return c
		}
		c.Field = "resource"
		return c
	case "node":
		c.Field = "keyword"
		for i := 2; i < n; i++ {
			if words[i] == "attributes" || words[i] == "utilization" {
				c.Block = words[i]
				c.Field = "param"
				if words[i] == "utilization" {
					c.Field = "utilization"
				}
				c.Used = usedNames(words[i+1:])
			}
		}
		return c
	}
	c.Field = "keyword"
	return c
}

func usedNames(words []string) []string {
	var out []string
	for _, w := range words {
		if n, _, ok := strings.Cut(w, "="); ok && n != "" && !strings.HasPrefix(n, "$") {
			out = append(out, n)
		}
	}
	return out
}
