// Package importer loads CSV and JSON Lines files of actors, exchanges,
// memberships and twin-town pairs into a c2c.Store. The formats are
// described in docs/import-formats.md.
//
// Every row is parsed and validated before anything is written, and every
// rejected row is reported with its line, field and reason. Actor, exchange
// and membership files are all-or-nothing: one rejected row and nothing is
// written. Twin-town files are messy real data: by default their rejected
// rows are reported and the rest is loaded; Options.Strict makes them
// all-or-nothing too. What is written goes in one Store.Import call, an
// upsert keyed on stable ids, so importing a file twice changes nothing the
// second time.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// RecordType names what the rows of a file are.
type RecordType string

// The record types.
const (
	TypeActors      RecordType = "actors"
	TypeExchanges   RecordType = "exchanges"
	TypeMemberships RecordType = "memberships"
	TypeTwinTowns   RecordType = "twin-towns"
)

// RecordTypes lists every record type.
var RecordTypes = []RecordType{TypeActors, TypeExchanges, TypeMemberships, TypeTwinTowns}

// Format names a file format.
type Format string

// The formats.
const (
	FormatCSV   Format = "csv"
	FormatJSONL Format = "jsonl"
)

// Defaults of Options.
const (
	DefaultMaxRows      = 1_000_000
	DefaultMaxLineBytes = 1 << 20
)

// Options tune an import. The zero value infers the format and record type
// and applies the default limits.
type Options struct {
	// Type is the record type; "" infers it from the columns, then from the
	// file name.
	Type RecordType
	// Format is the file format; "" infers it from the extension (.csv,
	// .jsonl, .ndjson), then from the first character ('{' for JSON Lines).
	Format Format
	// MaxRows stops with a FileError when a file has more rows;
	// 0 means DefaultMaxRows.
	MaxRows int
	// MaxLineBytes stops with a FileError at a longer line; 0 means
	// DefaultMaxLineBytes (1 MiB).
	MaxLineBytes int
	// Strict makes twin-town files all-or-nothing like the other types.
	Strict bool
	// DryRun parses, validates and resolves everything but writes nothing.
	DryRun bool
	// BatchRows is the most items one store transaction writes; a file of
	// more is written in several, with a pause between them, so that other
	// writers of the store (a serving c2c) are not locked out for the whole
	// file. 0 means DefaultBatchRows; a negative value writes the file in
	// one transaction, all or nothing.
	BatchRows int
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.BatchRows == 0 {
		o.BatchRows = DefaultBatchRows
	}
	return o
}

// Rejection codes group rejections by reason.
const (
	CodeMalformed      = "malformed"       // the row cannot be read (field count, not a JSON object)
	CodeInvalid        = "invalid"         // a value breaks a rule
	CodeUnknownColumn  = "unknown-field"   // a JSON line names a field the type does not have
	CodeDuplicateID    = "duplicate-id"    // the id appeared on an earlier line
	CodeMissingRef     = "missing-ref"     // the row names an actor that does not exist
	CodeUnknownTheme   = "unknown-theme"   // a theme outside the vocabulary
	CodeEmptyName      = "empty-name"      // twin towns: no city name
	CodeBadName        = "bad-name"        // twin towns: a name that is not a place name
	CodeEmptyCountry   = "empty-country"   // twin towns: no country
	CodeUnknownCountry = "unknown-country" // twin towns: a country that cannot be resolved
	CodeBadCoordinates = "bad-coordinates" // twin towns: coordinates that are not numbers in range
	CodeSameCity       = "same-city"       // twin towns: both sides are one city
	CodeStore          = "store"           // the store refused the item
)

// Rejection is one problem with one row: its 1-based line in the file, the
// column (field) at fault where there is one, and the reason.
type Rejection struct {
	Line   int
	Field  string
	Reason string
	Code   string // one of the Code… constants
}

// String returns "line 7: country: ...".
func (r Rejection) String() string {
	if r.Field == "" {
		return fmt.Sprintf("line %d: %s", r.Line, r.Reason)
	}
	return fmt.Sprintf("line %d: %s: %s", r.Line, r.Field, r.Reason)
}

// Report says what an import read, rejected and wrote.
type Report struct {
	File     string
	Type     RecordType
	Format   Format
	Rows     int         // data rows read (header and blank lines excluded)
	Accepted int         // rows that passed every check
	Rejected []Rejection // every problem, ordered by line
	// Written is true when Store.Import ran and succeeded (for a file
	// written in several transactions: every one of them).
	Written bool
	// Partial is true when a file written in several transactions failed
	// after some were written: Result counts what they wrote.
	Partial bool
	Result  *c2c.ImportResult
	// Twins holds the counts of a twin-town import.
	Twins *TwinReport
}

// RejectedRows returns the number of distinct lines with a rejection.
func (r *Report) RejectedRows() int {
	seen := map[int]bool{}
	for _, x := range r.Rejected {
		seen[x.Line] = true
	}
	return len(seen)
}

// RejectedByCode counts the rejected rows per rejection code (a row counts
// once per code).
func (r *Report) RejectedByCode() map[string]int {
	type key struct {
		line int
		code string
	}
	seen := map[key]bool{}
	out := map[string]int{}
	for _, x := range r.Rejected {
		k := key{x.Line, x.Code}
		if !seen[k] {
			seen[k] = true
			out[x.Code]++
		}
	}
	return out
}

func (r *Report) reject(x Rejection) { r.Rejected = append(r.Rejected, x) }

func (r *Report) sortRejections() {
	sort.SliceStable(r.Rejected, func(i, j int) bool { return r.Rejected[i].Line < r.Rejected[j].Line })
}

// ErrRejected is wrapped by the error an import returns when rows were
// rejected and therefore nothing was written (errors.Is(err, ErrRejected)).
var ErrRejected = errors.New("rows rejected")

func rejectedError(rep *Report) error {
	return &c2c.Error{
		Kind:    c2c.KindInvalid,
		Field:   rep.File,
		Message: fmt.Sprintf("%d of %d rows rejected; nothing written", rep.RejectedRows(), rep.Rows),
		Err:     ErrRejected,
	}
}

// ImportFile imports the file at path into st. It returns the report and
// an error that is:
//   - a *FileError (KindInvalid) when the file cannot be read as a whole;
//   - a KindInvalid error wrapping ErrRejected when rows were rejected and,
//     by the all-or-nothing rule, nothing was written (the report lists
//     every rejection);
//   - the store's error (KindUnavailable, KindInternal, …) when a store call
//     fails.
//
// A lenient twin-town import with rejected rows returns a nil error: the
// rejections are in the report and the rest is written.
func ImportFile(ctx context.Context, st c2c.Store, path string, opts Options) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return &Report{File: path}, &FileError{File: path, Msg: "open: " + errText(err)}
	}
	defer f.Close()
	return Import(ctx, st, f, path, opts)
}

func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Import imports a file read from r; name is the file name used for
// inference and messages. Errors are as for ImportFile.
func Import(ctx context.Context, st c2c.Store, r io.Reader, name string, opts Options) (*Report, error) {
	opts = opts.withDefaults()
	rep := &Report{File: name}
	src, err := open(r, name, &opts)
	rep.Type, rep.Format = opts.Type, opts.Format
	if err != nil {
		return rep, err
	}
	if opts.Type == TypeTwinTowns {
		return importTwins(ctx, st, src, rep, opts)
	}
	p, err := parse(src, rep, opts)
	if err != nil {
		return rep, err
	}
	if err := p.checkAgainstStore(ctx, st, rep); err != nil {
		return rep, err
	}
	rep.sortRejections()
	rep.Accepted = rep.Rows - rep.RejectedRows()
	if len(rep.Rejected) > 0 {
		return rep, rejectedError(rep)
	}
	if opts.DryRun || p.empty() {
		return rep, nil
	}
	return rep, write(ctx, st, p.batch, p.lines, rep, opts.BatchRows)
}

// open infers the format and record type (filling opts) and returns the
// row source.
func open(r io.Reader, name string, opts *Options) (rowSource, error) {
	g := newLineGuard(name, r, opts.MaxLineBytes)
	if opts.Format == "" {
		opts.Format = formatOf(name, g)
	}
	var src rowSource
	switch opts.Format {
	case FormatCSV:
		s, err := newCSVSource(name, g)
		if err != nil {
			return nil, err
		}
		src = s
	case FormatJSONL:
		s, _, err := newJSONLSource(name, g)
		if err != nil {
			return nil, err
		}
		src = s
	default:
		return nil, &FileError{File: name, Msg: fmt.Sprintf("unknown format %q (want csv or jsonl)", opts.Format)}
	}
	if opts.Type == "" {
		opts.Type = typeOf(src.columns(), name)
		if opts.Type == "" {
			return nil, &FileError{File: name, Line: 1, Msg: fmt.Sprintf(
				"cannot tell the record type from the columns %q or the file name; name it (actors, exchanges, memberships, twin-towns)",
				src.columns())}
		}
	}
	spec, ok := specs[opts.Type]
	if !ok {
		return nil, &FileError{File: name, Msg: fmt.Sprintf("unknown record type %q (want actors, exchanges, memberships or twin-towns)", opts.Type)}
	}
	if opts.Format == FormatCSV {
		if err := spec.checkHeader(name, src.columns()); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// formatOf picks the format from the extension, else from the first
// non-blank byte.
func formatOf(name string, g *lineGuard) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV
	case ".jsonl", ".ndjson":
		return FormatJSONL
	}
	b, err := g.r.Peek(512)
	if err != nil && len(b) == 0 {
		return FormatCSV
	}
	s := strings.TrimLeft(strings.TrimPrefix(string(b), "\ufeff"), " \t\r\n")
	if strings.HasPrefix(s, "{") {
		return FormatJSONL
	}
	return FormatCSV
}

// typeOf infers the record type from the columns, then the file name.
func typeOf(cols []string, name string) RecordType {
	has := map[string]bool{}
	for _, c := range cols {
		has[c] = true
	}
	switch {
	case has["city1"] && has["city2"]:
		return TypeTwinTowns
	case has["organisation"] && has["actor"]:
		return TypeMemberships
	case has["source"] && has["target"]:
		return TypeExchanges
	case has["name"] && has["kind"]:
		return TypeActors
	}
	base := strings.ToLower(filepath.Base(name))
	switch {
	case strings.Contains(base, "twin"):
		return TypeTwinTowns
	case strings.Contains(base, "membership"):
		return TypeMemberships
	case strings.Contains(base, "exchange"):
		return TypeExchanges
	case strings.Contains(base, "actor"):
		return TypeActors
	}
	return ""
}

// columnSpec lists a record type's columns.
type columnSpec struct {
	columns  []string
	required []string
}

var specs = map[RecordType]columnSpec{
	TypeActors: {
		columns:  []string{"id", "kind", "name", "alt_names", "country", "lat", "lon", "region_id", "org_type", "wikidata_id", "geonames_id", "summary"},
		required: []string{"id", "kind", "name"},
	},
	TypeExchanges: {
		columns: []string{"id", "source", "target", "title", "kind", "themes", "start", "end", "date_note", "programme",
			"event", "facilitators", "summary", "source_url", "directed"},
		required: []string{"id", "source", "target", "title", "kind"},
	},
	TypeMemberships: {
		columns:  []string{"id", "actor", "organisation", "since", "until", "role", "source_url"},
		required: []string{"id", "actor", "organisation"},
	},
	TypeTwinTowns: {
		columns:  []string{"city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"},
		required: []string{"city1", "country1", "city2", "country2"},
	},
}

func (s columnSpec) known(col string) bool {
	for _, c := range s.columns {
		if c == col {
			return true
		}
	}
	return false
}

// checkHeader rejects a CSV header with unknown, repeated or missing
// columns.
func (s columnSpec) checkHeader(file string, header []string) error {
	seen := map[string]bool{}
	var unknown, dup []string
	for _, h := range header {
		switch {
		case !s.known(h):
			unknown = append(unknown, h)
		case seen[h]:
			dup = append(dup, h)
		}
		seen[h] = true
	}
	var missing []string
	for _, c := range s.required {
		if !seen[c] {
			missing = append(missing, c)
		}
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, fmt.Sprintf("unknown columns %q (known: %s)", unknown, strings.Join(s.columns, ", ")))
	}
	if len(dup) > 0 {
		msgs = append(msgs, fmt.Sprintf("repeated columns %q", dup))
	}
	if len(missing) > 0 {
		msgs = append(msgs, fmt.Sprintf("missing required columns %q", missing))
	}
	if len(msgs) > 0 {
		return &FileError{File: file, Line: 1, Msg: "header: " + strings.Join(msgs, "; ")}
	}
	return nil
}

// checkJSONKeys rejects the unknown keys of a JSON line; missing required
// keys are caught by validation.
func (s columnSpec) checkJSONKeys(r *row, rep *Report) bool {
	ok := true
	var keys []string
	for k := range r.values {
		keys = append(keys, k)
	}
	for k := range r.lists {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !s.known(k) {
			rep.reject(Rejection{Line: r.line, Field: k, Code: CodeUnknownColumn,
				Reason: "is not a field of this record type (known: " + strings.Join(s.columns, ", ") + ")"})
			ok = false
		}
	}
	return ok
}

// eachRow reads every row of src, counting rows, enforcing MaxRows,
// recording rejections of unreadable rows and calling fn for the others.
func eachRow(src rowSource, rep *Report, opts Options, fn func(*row)) error {
	spec := specs[opts.Type]
	for {
		r, rej, err := src.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rep.Rows++
		if rep.Rows > opts.MaxRows {
			line := 0
			if r != nil {
				line = r.line
			} else if rej != nil {
				line = rej.Line
			}
			return &FileError{File: rep.File, Line: line, Msg: fmt.Sprintf("has more than %d rows, the limit", opts.MaxRows)}
		}
		if rej != nil {
			rep.reject(*rej)
			continue
		}
		if opts.Format == FormatJSONL && !spec.checkJSONKeys(r, rep) {
			continue
		}
		fn(r)
	}
}
