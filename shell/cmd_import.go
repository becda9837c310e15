package shell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"pacer/share/atomicfile"
	"pacer/share/xmltree"
	"pacer/shell/cmdtree"
	"pacer/shell/crm"
	"pacer/shell/importer"
)

// importFlags are the options of `import heartbeat|cman`.
type importFlags struct {
	format string // xml or crm
	apply  bool
	conf   string
	files  []string
}

func (s *session) importFlags(args []string) (*importFlags, error) {
	f := &importFlags{format: "xml"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o" || a == "--output":
			if i+1 >= len(args) {
				return nil, usagef("%s needs xml or crm", a)
			}
			i++
			f.format = args[i]
		case strings.HasPrefix(a, "--output="):
			f.format = strings.TrimPrefix(a, "--output=")
		case a == "--apply":
			f.apply = true
		case a == "--conf":
			if i+1 >= len(args) {
				return nil, usagef("--conf needs a file")
			}
			i++
			f.conf = args[i]
		case strings.HasPrefix(a, "--conf="):
			f.conf = strings.TrimPrefix(a, "--conf=")
		case a == "-y" || a == "--yes":
			s.yes = true
		case a == "-w" || a == "--wait":
			s.wait = true
		case strings.HasPrefix(a, "-") && a != "-":
			return nil, usagef("unknown option %s", a)
		default:
			f.files = append(f.files, a)
		}
	}
	switch f.format {
	case "xml", "crm":
	case "text":
		f.format = "crm"
	default:
		return nil, usagef("output format %q: xml or crm", f.format)
	}
	return f, nil
}

func (s *session) cmdImportHeartbeat(ctx context.Context, inv *cmdtree.Invocation) error {
	f, err := s.importFlags(inv.Args)
	if err != nil {
		return err
	}
	if len(f.files) > 3 {
		return usagef("at most three files: ha.cf haresources authkeys")
	}
	var in importer.HeartbeatInput
	slots := []*[]byte{&in.HaCf, &in.Haresources, &in.Authkeys}
	names := []*string{&in.HaCfName, &in.HaresourcesName, &in.AuthkeysName}
	files := f.files
	if len(files) == 0 {
		// Heartbeat's own places; a missing one is simply not there.
		for _, p := range []string{"/etc/ha.d/ha.cf", "/etc/ha.d/haresources", "/etc/ha.d/authkeys"} {
			if _, err := os.Stat(p); err == nil {
				files = append(files, p)
			}
		}
		if len(files) == 0 {
			return errors.New("no file given and none of /etc/ha.d/ha.cf, haresources, authkeys exists")
		}
	}
	// A file is recognised by its name; others fill the free places in
	// the order ha.cf, haresources, authkeys.
	taken := make([]bool, 3)
	var rest []string
	for _, p := range files {
		base := filepath.Base(p)
		i := -1
		switch {
		case strings.Contains(base, "ha.cf"):
			i = 0
		case strings.Contains(base, "haresources"):
			i = 1
		case strings.Contains(base, "authkeys"):
			i = 2
		}
		if i < 0 || taken[i] {
			rest = append(rest, p)
			continue
		}
		taken[i] = true
		*names[i] = p
	}
	for _, p := range rest {
		i := 0
		for i < 3 && taken[i] {
			i++
		}
		if i == 3 {
			return usagef("%s: ha.cf, haresources and authkeys are given already", p)
		}
		taken[i] = true
		*names[i] = p
	}
	for i, n := range names {
		if *n == "" {
			continue
		}
		data, err := os.ReadFile(*n)
		if err != nil {
			return fmt.Errorf("import heartbeat: %w", err)
		}
		*slots[i] = data
		if i == 2 {
			if st, err := os.Stat(*n); err == nil {
				in.AuthkeysPerm = uint32(st.Mode().Perm())
			}
		}
	}
	res, err := importer.Heartbeat(in, importer.Options{Agent: importer.InstalledAgent})
	if err != nil {
		return err
	}
	return s.importResult(ctx, f, res)
}

func (s *session) cmdImportCMAN(ctx context.Context, inv *cmdtree.Invocation) error {
	f, err := s.importFlags(inv.Args)
	if err != nil {
		return err
	}
	name := "/etc/cluster/cluster.conf"
	switch len(f.files) {
	case 0:
	case 1:
		name = f.files[0]
	default:
		return usagef("one cluster.conf")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return fmt.Errorf("import cman: %w", err)
	}
	res, err := importer.CMAN(data, name, importer.Options{Agent: importer.InstalledAgent})
	if err != nil {
		return err
	}
	return s.importResult(ctx, f, res)
}

// importResult prints the notes on stderr, writes pacer.conf where asked,
// and prints the CIB or applies it.
func (s *session) importResult(ctx context.Context, f *importFlags, res *importer.Result) error {
	for _, n := range res.Notes {
		fmt.Fprintln(s.stderr, n)
	}
	if f.conf != "" {
		if err := atomicfile.Write(f.conf, []byte(res.Conf), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", f.conf, err)
		}
	} else {
		fmt.Fprintln(s.stderr, "pacer.conf settings (write them with --conf FILE):")
		for _, l := range strings.Split(strings.TrimRight(res.Conf, "\n"), "\n") {
			fmt.Fprintln(s.stderr, "  "+l)
		}
	}
	// The result must be valid before anyone sees or applies it.
	if err := s.verifyDoc(res.CIB, "imported CIB"); err != nil {
		return err
	}
	if f.apply {
		return s.applyImport(ctx, res.CIB)
	}
	if f.format == "crm" {
		_, err := fmt.Fprint(s.stdout, withNewline(crm.Show(res.CIB.Root.Child("configuration"))))
		return err
	}
	return res.CIB.Write(s.stdout, xmltree.Pretty)
}

// applyImport makes the imported configuration the cluster's: the running
// cluster keeps its own nodes and cluster options (the imported options
// are set over them); what the cluster would do is shown first.
func (s *session) applyImport(ctx context.Context, imported *xmltree.Document) error {
	doc, base, err := s.readCIBVersion(ctx)
	if err != nil {
		return err
	}
	cur := configuration(doc)
	orig := doc.Root.Clone()
	newCfg := imported.Root.Child("configuration").Clone()
	// The cluster's own fence devices (a fresh cluster may have one) stay
	// when the input brings none; any other resource means the cluster is
	// in use, and replacing its configuration needs --force.
	importedFencing := newCfg.Child("resources").Find(isFenceDevice) != nil
	var kept []*xmltree.Element
	if rs := cur.Child("resources"); rs != nil {
		var others, running []string
		for _, r := range rs.Children {
			if isFenceDevice(r) && !importedFencing {
				kept = append(kept, r)
			} else if isResource(r) {
				others = append(others, r.ID())
				if isRunning(doc, r.ID()) && !isFenceDevice(r) {
					running = append(running, r.ID())
				}
			}
		}
		if len(others) > 0 && !s.force {
			return fmt.Errorf("the cluster has %d resource(s) already (%s): --apply replaces the whole configuration (use --force, or `configure load update` with -o crm output)",
				len(others), strings.Join(others, ", "))
		}
		// Even with --force: the cluster would stop them as orphans, and
		// a stop that fails gets the node fenced. A planned change stops
		// them first, with their definitions still there.
		if len(running) > 0 {
			return fmt.Errorf("resource(s) %s are running and would be removed: stop them first (pacer resource stop ...)", strings.Join(running, ", "))
		}
	}
	keptIDs := map[string]bool{}
	for _, r := range kept {
		newCfg.Child("resources").Insert(0, r.Clone())
		keptIDs[r.ID()] = true
	}
	if len(kept) > 0 {
		// Their constraints and levels come along; fencing stays as the
		// cluster had it instead of being disabled.
		if cs := cur.Child("constraints"); cs != nil {
			for _, c := range cs.Children {
				if keptIDs[c.Attr("rsc")] {
					newCfg.Child("constraints").Append(c.Clone())
				}
			}
		}
		if ft := cur.Child("fencing-topology"); ft != nil {
			newCfg.Append(ft.Clone())
		}
		for _, set := range newCfg.Child("crm_config").Children {
			for _, p := range set.Children {
				if n := p.Attr("name"); n == "stonith-enabled" || n == "fencing-enabled" {
					set.Remove(p)
					break
				}
			}
		}
		fmt.Fprintf(s.stderr, "INFO: the input has no fence device: the cluster's own (%s) are kept, and fencing stays as the cluster has it\n",
			strings.Join(keys(keptIDs), ", "))
	}
	members := map[string]bool{}
	if n := cur.Child("nodes"); n != nil {
		for _, e := range n.Children {
			members[e.Attr("uname")] = true
		}
		newCfg.Replace(newCfg.Child("nodes"), n.Clone())
	}
	for _, e := range imported.Root.Child("configuration").Child("nodes").Children {
		if !members[e.Attr("uname")] {
			s.warnf("node %s of the input is not a node of this cluster: constraints naming it have no effect", e.Attr("uname"))
		}
	}
	props := cur.Child("crm_config").Clone()
	for _, set := range newCfg.Child("crm_config").Children {
		for _, p := range set.Children {
			setProperty(props, p.Attr("name"), p.Attr("value"))
		}
	}
	newCfg.Replace(newCfg.Child("crm_config"), props)
	doc.Root.Replace(cur, newCfg)
	s.preview(ctx, orig, doc)
	if !s.confirm("Apply the imported configuration", true) {
		return errors.New("not applied (confirm, or use --yes)")
	}
	return s.commitDoc(ctx, doc, base, s.force)
}

func isFenceDevice(e *xmltree.Element) bool {
	return e.Name == "primitive" && e.Attr("class") == "stonith"
}

// setProperty sets a cluster option in crm_config's first property set.
func setProperty(crmConfig *xmltree.Element, name, value string) {
	set := crmConfig.Child("cluster_property_set")
	if set == nil {
		set = crmConfig.Append(xmltree.New("cluster_property_set", "id", "cib-bootstrap-options"))
	}
	for _, p := range set.Children {
		if p.Attr("name") == name {
			p.SetAttr("value", value)
			return
		}
	}
	set.Append(xmltree.New("nvpair", "id", set.ID()+"-"+name, "name", name, "value", value))
}

// importLevel declares `import heartbeat` and `import cman`.
func importLevel(s *session) *cmdtree.Command {
	const common = " Prints the whole CIB (XML) on standard output, crm text with -o crm, and what was approximated or not converted " +
		"on standard error, with the pacer.conf settings the input implies (--conf FILE writes them). The CIB is checked like " +
		"`cib verify` first. --apply loads it into the running cluster instead, after showing what the cluster would do " +
		"(asked on a terminal, --yes otherwise); the cluster keeps its own nodes (and its fence devices when the input has " +
		"none), and a cluster that has other resources already is refused unless --force (resources still running are " +
		"never removed: stop them first). Without fence devices in the input, fencing is disabled explicitly, with a warning."
	return &cmdtree.Command{Name: "import", Short: "convert a Heartbeat or CMAN/rgmanager configuration into a CIB",
		Sub: []*cmdtree.Command{
			{Name: "heartbeat", Args: "[-o xml|crm] [--conf FILE] [--apply] [ha.cf] [haresources] [authkeys]",
				Short: "convert Heartbeat v1's ha.cf, haresources and authkeys",
				Long: "Each haresources line becomes a group preferring its node (score 100); auto_failback off becomes " +
					"resource-stickiness 200. Files are recognised by name, else taken in the order ha.cf, haresources, " +
					"authkeys; without files, those in /etc/ha.d." + common,
				Raw: true, Run: s.cmdImportHeartbeat, Complete: completeWords("-o", "--conf", "--apply")},
			{Name: "cman", Args: "[-o xml|crm] [--conf FILE] [--apply] [cluster.conf]",
				Short: "convert CMAN/rgmanager's cluster.conf",
				Long: "Fence methods become fencing levels, <rm> services groups in rgmanager's start order, failover " +
					"domains locations and stickiness; without a file, /etc/cluster/cluster.conf." + common,
				Raw: true, Run: s.cmdImportCMAN, Complete: completeWords("-o", "--conf", "--apply")},
		}}
}
