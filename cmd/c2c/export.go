package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/export"
)

// filterFlags parse an exchange filter from the command line.
type filterFlags struct {
	themesAny, themesAll, kinds, countries string
	from, to, programme, event, actor      string
	class, definition                      string
}

func (ff *filterFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&ff.themesAny, "themes", "", "comma-separated theme ids: exchanges with any of them")
	fs.StringVar(&ff.themesAll, "themes-all", "", "comma-separated theme ids: exchanges with all of them")
	fs.StringVar(&ff.kinds, "kinds", "", "comma-separated exchange kinds (STUDY_VISIT, TWINNING, …)")
	fs.StringVar(&ff.countries, "countries", "", "comma-separated ISO alpha-2 codes: exchanges with an end in one of them")
	fs.StringVar(&ff.from, "from", "", "start of the date window: YYYY, YYYY-MM or YYYY-MM-DD")
	fs.StringVar(&ff.to, "to", "", "end of the date window: YYYY, YYYY-MM or YYYY-MM-DD")
	fs.StringVar(&ff.programme, "programme", "", "programme name (AL-LAS, MC2CM, …)")
	fs.StringVar(&ff.event, "event", "", "event name")
	fs.StringVar(&ff.actor, "actor", "", "actor id at either end")
	fs.StringVar(&ff.class, "class", "", "SOUTH_SOUTH, NORTH_SOUTH, NORTH_NORTH or UNKNOWN (with -definition)")
	fs.StringVar(&ff.definition, "definition", string(c2c.DefG77), "Global South definition for -class: G77, M49_DEVELOPING_2020, WORLD_BANK_NON_HIGH_INCOME")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (ff *filterFlags) filter() (c2c.ExchangeFilter, error) {
	f := c2c.ExchangeFilter{
		ThemesAny: splitList(ff.themesAny),
		ThemesAll: splitList(ff.themesAll),
		Countries: splitList(ff.countries),
		Programme: ff.programme,
		Event:     ff.event,
		ActorID:   ff.actor,
	}
	for _, k := range splitList(ff.kinds) {
		f.Kinds = append(f.Kinds, c2c.ExchangeKind(strings.ToUpper(k)))
	}
	var err error
	if f.From, err = c2c.ParseOptionalDate("-from", ff.from); err != nil {
		return f, err
	}
	if f.To, err = c2c.ParseOptionalDate("-to", ff.to); err != nil {
		return f, err
	}
	if ff.class != "" {
		f.Class = &c2c.ClassFilter{Definition: c2c.Definition(strings.ToUpper(ff.definition)), Class: c2c.EdgeClass(strings.ToUpper(ff.class))}
	}
	return f, f.Validate("filter")
}

func exportCmd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: c2c export -format graphml|gexf|csv [-o FILE] [filter flags]\n\nWith -format csv, -o DIR writes DIR/nodes.csv and DIR/edges.csv; -o FILE.zip or stdout get a zip of both.")
		fs.PrintDefaults()
	}
	var sf storeFlags
	sf.register(fs, e.getenv)
	var ff filterFlags
	ff.register(fs)
	format := fs.String("format", "graphml", "graphml, gexf or csv")
	out := fs.String("o", "", "output file (directory for csv tables); stdout when empty")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmtName, err := export.ParseFormat(*format)
	if err != nil {
		return usageError{err.Error()}
	}
	f, err := ff.filter()
	if err != nil {
		return usageError{err.Error()}
	}
	log, err := sf.logger(e.stderr)
	if err != nil {
		return err
	}
	st, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()
	g, err := st.Edges(ctx, f)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := writeExport(e.stdout, *out, fmtName, g); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(e.stderr, "exported %d actors and %d exchanges as %s\n", len(g.Nodes), len(g.Edges), fmtName)
	return nil
}

func writeExport(stdout io.Writer, out string, f export.Format, g *c2c.Subgraph) error {
	if out == "" {
		return export.Write(stdout, g, f)
	}
	if f == export.CSV && !strings.HasSuffix(out, ".zip") {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		nodes, err := os.Create(filepath.Join(out, export.NodesFile))
		if err != nil {
			return err
		}
		defer nodes.Close()
		edges, err := os.Create(filepath.Join(out, export.EdgesFile))
		if err != nil {
			return err
		}
		defer edges.Close()
		if err := export.WriteCSV(nodes, edges, g); err != nil {
			return err
		}
		if err := nodes.Close(); err != nil {
			return err
		}
		return edges.Close()
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	defer file.Close()
	if err := export.Write(file, g, f); err != nil {
		return err
	}
	return file.Close()
}
