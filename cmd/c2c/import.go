package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
)

// errImportRejected makes the import command exit non-zero after it has
// printed the rejected rows.
var errImportRejected = errors.New("import: rows were rejected")

func importCmd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: c2c import [flags] FILE...\n\nFormats: docs/import-formats.md. Each file is checked whole before anything is\nwritten: a file with a bad row writes nothing; twin-town files load their good rows\nand report the rest unless -strict is given. A file of more than -batch-rows items is\nwritten in several transactions, so a c2c serving the same store keeps writing.")
		fs.PrintDefaults()
	}
	var sf storeFlags
	sf.register(fs, e.getenv)
	typ := fs.String("type", "", "record type: actors, exchanges, memberships or twin-towns (inferred when empty)")
	format := fs.String("format", "", "file format: csv or jsonl (inferred when empty)")
	strict := fs.Bool("strict", false, "make twin-town files all-or-nothing too")
	dryRun := fs.Bool("dry-run", false, "check the files but write nothing")
	maxShown := fs.Int("show", 50, "rejected rows to print per file (all are counted)")
	batchRows := fs.Int("batch-rows", importer.DefaultBatchRows, "most items one transaction writes; -1 writes each file in one transaction (all or nothing, locking out other writers meanwhile)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageError{"import: no file given"}
	}
	opts := importer.Options{Type: importer.RecordType(*typ), Format: importer.Format(*format), Strict: *strict, DryRun: *dryRun, BatchRows: *batchRows}
	log, err := sf.logger(e.stderr)
	if err != nil {
		return err
	}
	st, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer st.Close()

	failed := false
	for _, path := range fs.Args() {
		rep, err := importer.ImportFile(ctx, st, path, opts)
		printReport(e.stdout, rep, *maxShown)
		switch {
		case err == nil:
		case errors.Is(err, importer.ErrRejected):
			failed = true
		case c2c.KindOf(err) == c2c.KindInvalid:
			fmt.Fprintf(e.stdout, "%s: %v\n", path, err)
			failed = true
		default:
			return fmt.Errorf("import %s: %w", path, err)
		}
	}
	if failed {
		return errImportRejected
	}
	return nil
}

func printReport(w io.Writer, rep *importer.Report, maxShown int) {
	if rep == nil {
		return
	}
	fmt.Fprintf(w, "%s: %s (%s), %d rows, %d accepted, %d rejected", rep.File, rep.Type, rep.Format, rep.Rows, rep.Accepted, rep.RejectedRows())
	if rep.Partial {
		fmt.Fprint(w, "; PARTLY written (run the file again to complete it)")
	}
	if rep.Result != nil {
		fmt.Fprintf(w, "; written: %d created, %d updated, %d unchanged", rep.Result.Created, rep.Result.Updated, rep.Result.Unchanged)
	} else if len(rep.Rejected) > 0 || !rep.Written {
		fmt.Fprint(w, "; nothing written")
	}
	fmt.Fprintln(w)
	if tw := rep.Twins; tw != nil {
		fmt.Fprintf(w, "  twin towns: %d pairs (%d listed both ways, %d duplicate rows), %d cities matched, %d created\n",
			tw.Pairs, tw.ListedBothWays, tw.DuplicateRows, tw.CitiesMatched, tw.CitiesCreated)
	}
	if by := rep.RejectedByCode(); len(by) > 0 {
		codes := make([]string, 0, len(by))
		for c := range by {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		fmt.Fprint(w, "  rejected by reason:")
		for _, c := range codes {
			fmt.Fprintf(w, " %s=%d", c, by[c])
		}
		fmt.Fprintln(w)
	}
	for i, r := range rep.Rejected {
		if i == maxShown {
			fmt.Fprintf(w, "  … %d more\n", len(rep.Rejected)-maxShown)
			break
		}
		fmt.Fprintf(w, "  %s\n", r)
	}
}
