package importer

import (
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// itemLines maps each batch item to the file line it came from.
type itemLines struct {
	actors, exchanges, memberships []int
}

// parsed is the outcome of reading an actor, exchange or membership file.
type parsed struct {
	typ   RecordType
	batch c2c.Batch
	lines itemLines
}

func (p *parsed) empty() bool {
	return len(p.batch.Actors)+len(p.batch.Exchanges)+len(p.batch.Memberships)+len(p.batch.Themes) == 0
}

// Parse reads and validates every row of an actor, exchange or membership
// file without a store: it returns the items of the valid rows with their
// lines, and the report with every rejection (references and themes are
// not checked: that needs the store). It returns a *FileError when the file
// cannot be read as a whole. Twin-town files need a store to resolve their
// cities; Parse returns their rows' rejections only.
func Parse(r io.Reader, name string, opts Options) (*c2c.Batch, *Report, error) {
	opts = opts.withDefaults()
	rep := &Report{File: name}
	src, err := open(r, name, &opts)
	rep.Type, rep.Format = opts.Type, opts.Format
	if err != nil {
		return nil, rep, err
	}
	if opts.Type == TypeTwinTowns {
		rows, err := readTwinRows(src, rep, opts)
		if err != nil {
			return nil, rep, err
		}
		rep.sortRejections()
		rep.Accepted = len(rows)
		return &c2c.Batch{}, rep, nil
	}
	p, err := parse(src, rep, opts)
	if err != nil {
		return nil, rep, err
	}
	rep.sortRejections()
	rep.Accepted = rep.Rows - rep.RejectedRows()
	return &p.batch, rep, nil
}

// parse converts and validates every row; duplicates of an id within the
// file are rejected at their later line.
func parse(src rowSource, rep *Report, opts Options) (*parsed, error) {
	p := &parsed{typ: opts.Type}
	firstLine := map[string]int{}
	dup := func(r *row, id string) bool {
		if id == "" {
			return false
		}
		if l, ok := firstLine[id]; ok {
			rep.reject(Rejection{Line: r.line, Field: "id", Code: CodeDuplicateID,
				Reason: fmt.Sprintf("%q is also the id on line %d", id, l)})
			return true
		}
		firstLine[id] = r.line
		return false
	}
	err := eachRow(src, rep, opts, func(r *row) {
		before := len(rep.Rejected)
		switch opts.Type {
		case TypeActors:
			a := actorFromRow(r, rep)
			if len(rep.Rejected) == before && !dup(r, a.ID) {
				p.batch.Actors = append(p.batch.Actors, a)
				p.lines.actors = append(p.lines.actors, r.line)
			}
		case TypeExchanges:
			x := exchangeFromRow(r, rep)
			if len(rep.Rejected) == before && !dup(r, x.ID) {
				p.batch.Exchanges = append(p.batch.Exchanges, x)
				p.lines.exchanges = append(p.lines.exchanges, r.line)
			}
		case TypeMemberships:
			m := membershipFromRow(r, rep)
			if len(rep.Rejected) == before && !dup(r, m.ID) {
				p.batch.Memberships = append(p.batch.Memberships, m)
				p.lines.memberships = append(p.lines.memberships, r.line)
			}
		}
	})
	return p, err
}

// fieldErrors turns a validation error into rejections, one per field.
func fieldErrors(line int, err error, rep *Report) {
	if err == nil {
		return
	}
	var e *c2c.Error
	if !errors.As(err, &e) {
		rep.reject(Rejection{Line: line, Code: CodeInvalid, Reason: err.Error()})
		return
	}
	var list c2c.Errors
	if errors.As(e.Err, &list) {
		for _, x := range list {
			fieldErrors(line, x, rep)
		}
		return
	}
	rep.reject(Rejection{Line: line, Field: columnOf(e.Field), Code: CodeInvalid, Reason: e.Message})
}

var (
	indexSuffix = regexp.MustCompile(`\[\d+\]`)
	upperLetter = regexp.MustCompile(`[A-Z]`)
)

// columnOf turns a domain field path ("altNames[2]", "coordinates.lat",
// "sourceUrl") into the column name of the file formats.
func columnOf(field string) string {
	f := indexSuffix.ReplaceAllString(field, "")
	f = strings.TrimPrefix(f, "coordinates.")
	f = upperLetter.ReplaceAllStringFunc(f, func(s string) string { return "_" + strings.ToLower(s) })
	return f
}

// enumValue turns "study visit" or "Study-Visit" into "STUDY_VISIT".
func enumValue(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// coords parses a pair of coordinate columns; both empty means none.
func coords(r *row, latCol, lonCol string, rep *Report) *c2c.Coordinates {
	la, lo := r.text(latCol), r.text(lonCol)
	if la == "" && lo == "" {
		return nil
	}
	ok := true
	num := func(col, s string) float64 {
		if s == "" {
			rep.reject(Rejection{Line: r.line, Field: col, Code: CodeInvalid, Reason: "is empty but its pair is set: give both or neither"})
			ok = false
			return 0
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			rep.reject(Rejection{Line: r.line, Field: col, Code: CodeInvalid, Reason: fmt.Sprintf("%q is not a number", s)})
			ok = false
		}
		return v
	}
	c := &c2c.Coordinates{Lat: num(latCol, la), Lon: num(lonCol, lo)}
	if !ok {
		return nil
	}
	return c
}

func actorFromRow(r *row, rep *Report) c2c.Actor {
	a := c2c.Actor{
		ID:         r.text("id"),
		Kind:       c2c.ActorKind(enumValue(r.text("kind"))),
		Name:       r.text("name"),
		AltNames:   r.list("alt_names"),
		Country:    r.text("country"),
		RegionID:   r.text("region_id"),
		OrgType:    c2c.OrgType(enumValue(r.text("org_type"))),
		WikidataID: strings.ToUpper(r.text("wikidata_id")),
		Summary:    r.text("summary"),
	}
	if a.Kind == "ORGANIZATION" {
		a.Kind = c2c.ActorOrganisation
	}
	a.Coords = coords(r, "lat", "lon", rep)
	if s := r.text("geonames_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			rep.reject(Rejection{Line: r.line, Field: "geonames_id", Code: CodeInvalid, Reason: fmt.Sprintf("%q is not a positive whole number", s)})
		}
		a.GeoNamesID = n
	}
	a.Normalize()
	fieldErrors(r.line, a.Validate(""), rep)
	return a
}

func exchangeFromRow(r *row, rep *Report) c2c.Exchange {
	x := c2c.Exchange{
		ID:           r.text("id"),
		SourceID:     r.text("source"),
		TargetID:     r.text("target"),
		Title:        r.text("title"),
		Kind:         c2c.ExchangeKind(enumValue(r.text("kind"))),
		Themes:       r.list("themes"),
		DateNote:     r.text("date_note"),
		Programme:    r.text("programme"),
		Event:        r.text("event"),
		Facilitators: r.list("facilitators"),
		Summary:      r.text("summary"),
		SourceURL:    r.text("source_url"),
	}
	var err error
	if x.Start, err = c2c.ParseOptionalDate("start", r.text("start")); err != nil {
		fieldErrors(r.line, err, rep)
	}
	if x.End, err = c2c.ParseOptionalDate("end", r.text("end")); err != nil {
		fieldErrors(r.line, err, rep)
	}
	d, ok := parseBool(r.text("directed"))
	if !ok {
		rep.reject(Rejection{Line: r.line, Field: "directed", Code: CodeInvalid, Reason: fmt.Sprintf("%q is not true or false", r.text("directed"))})
	}
	x.Directed = d
	x.Normalize()
	fieldErrors(r.line, x.Validate(""), rep)
	return x
}

// parseBool accepts true/false, yes/no, 1/0 in any case; "" is false.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "", "false", "no", "0", "f", "n":
		return false, true
	case "true", "yes", "1", "t", "y":
		return true, true
	}
	return false, false
}

func membershipFromRow(r *row, rep *Report) c2c.Membership {
	m := c2c.Membership{
		ID:             r.text("id"),
		ActorID:        r.text("actor"),
		OrganisationID: r.text("organisation"),
		Role:           r.text("role"),
		SourceURL:      r.text("source_url"),
	}
	var err error
	if m.Since, err = c2c.ParseOptionalDate("since", r.text("since")); err != nil {
		fieldErrors(r.line, err, rep)
	}
	if m.Until, err = c2c.ParseOptionalDate("until", r.text("until")); err != nil {
		fieldErrors(r.line, err, rep)
	}
	m.Normalize()
	fieldErrors(r.line, m.Validate(""), rep)
	return m
}
