package importer

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/c2c-project/c2c/internal/c2c"
)

// lookupChunk bounds the ids sent in one ActorsByIDs call.
const lookupChunk = 500

// actorKinds returns the kind of each id that names an existing actor.
func actorKinds(ctx context.Context, st c2c.Store, ids []string) (map[string]c2c.ActorKind, error) {
	out := make(map[string]c2c.ActorKind, len(ids))
	for i := 0; i < len(ids); i += lookupChunk {
		end := min(i+lookupChunk, len(ids))
		as, err := st.ActorsByIDs(ctx, ids[i:end])
		if err != nil {
			return nil, fmt.Errorf("look up actors: %w", err)
		}
		for _, a := range as {
			if a != nil {
				out[a.ID] = a.Kind
			}
		}
	}
	return out, nil
}

// checkAgainstStore rejects rows naming actors that are missing or of the
// wrong kind, and themes outside the vocabulary, so that every such row is
// reported (the store would stop at the first).
func (p *parsed) checkAgainstStore(ctx context.Context, st c2c.Store, rep *Report) error {
	inFile := map[string]c2c.ActorKind{}
	for _, a := range p.batch.Actors {
		inFile[a.ID] = a.Kind
	}
	var ids []string
	seen := map[string]bool{}
	want := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			if _, ok := inFile[id]; !ok {
				ids = append(ids, id)
			}
		}
	}
	for _, a := range p.batch.Actors {
		want(a.RegionID)
	}
	for _, x := range p.batch.Exchanges {
		want(x.SourceID)
		want(x.TargetID)
		for _, f := range x.Facilitators {
			want(f)
		}
	}
	for _, m := range p.batch.Memberships {
		want(m.ActorID)
		want(m.OrganisationID)
	}
	kinds := inFile
	if len(ids) > 0 {
		stored, err := actorKinds(ctx, st, ids)
		if err != nil {
			return err
		}
		for id, k := range stored {
			kinds[id] = k
		}
	}
	missing := func(line int, field, id string, wantKind c2c.ActorKind) {
		k, ok := kinds[id]
		switch {
		case !ok:
			rep.reject(Rejection{Line: line, Field: field, Code: CodeMissingRef, Reason: fmt.Sprintf("actor %q does not exist", id)})
		case wantKind != "" && k != wantKind:
			rep.reject(Rejection{Line: line, Field: field, Code: CodeMissingRef, Reason: fmt.Sprintf("%q is a %s, not a %s", id, k, wantKind)})
		}
	}
	for i, a := range p.batch.Actors {
		if a.RegionID != "" {
			missing(p.lines.actors[i], "region_id", a.RegionID, c2c.ActorRegion)
		}
	}
	if len(p.batch.Exchanges) > 0 {
		vocab, err := themeSet(ctx, st)
		if err != nil {
			return err
		}
		for i, x := range p.batch.Exchanges {
			line := p.lines.exchanges[i]
			missing(line, "source", x.SourceID, "")
			missing(line, "target", x.TargetID, "")
			for _, f := range x.Facilitators {
				missing(line, "facilitators", f, "")
			}
			for _, t := range x.Themes {
				if !vocab[t] {
					rep.reject(Rejection{Line: line, Field: "themes", Code: CodeUnknownTheme,
						Reason: fmt.Sprintf("%q is not in the theme vocabulary", t)})
				}
			}
		}
	}
	for i, m := range p.batch.Memberships {
		line := p.lines.memberships[i]
		missing(line, "actor", m.ActorID, "")
		missing(line, "organisation", m.OrganisationID, c2c.ActorOrganisation)
	}
	return nil
}

func themeSet(ctx context.Context, st c2c.Store) (map[string]bool, error) {
	ts, err := st.Themes(ctx)
	if err != nil {
		return nil, fmt.Errorf("read themes: %w", err)
	}
	out := make(map[string]bool, len(ts))
	for _, t := range ts {
		out[t.ID] = true
	}
	return out, nil
}

var itemPath = regexp.MustCompile(`^(actors|exchanges|memberships|themes)\[(\d+)\](?:\.(.+))?`)

// write hands the batch to the store: in one Import call when it has at
// most n items or n is negative, else in transactions of n (writeChunks).
// An item error from the store ("exchanges[3].target: …") becomes a
// rejection at the item's line.
func write(ctx context.Context, st c2c.Store, b c2c.Batch, lines itemLines, rep *Report, n int) error {
	if n > 0 && batchSize(b) > n {
		return writeChunks(ctx, st, b, lines, rep, n)
	}
	res, err := st.Import(ctx, b)
	if err == nil {
		rep.Written = true
		rep.Result = res
		return nil
	}
	if rejs := storeRejections(err, lines); len(rejs) > 0 {
		for _, r := range rejs {
			rep.reject(r)
		}
		rep.sortRejections()
		rep.Accepted = rep.Rows - rep.RejectedRows()
		return rejectedError(rep)
	}
	return fmt.Errorf("import: %w", err)
}

// storeRejections maps the item errors of a failed Store.Import to the
// lines of the items; it returns nil unless every problem names an item.
func storeRejections(err error, lines itemLines) []Rejection {
	var e *c2c.Error
	if !errors.As(err, &e) || (e.Kind != c2c.KindInvalid && e.Kind != c2c.KindConflict) {
		return nil
	}
	var list c2c.Errors
	if !errors.As(e.Err, &list) {
		list = c2c.Errors{e}
	}
	var out []Rejection
	for _, x := range list {
		r, ok := storeRejection(x, lines)
		if !ok {
			return nil
		}
		out = append(out, r)
	}
	return out
}

func storeRejection(err error, lines itemLines) (Rejection, bool) {
	var e *c2c.Error
	if !errors.As(err, &e) || (e.Kind != c2c.KindInvalid && e.Kind != c2c.KindConflict) {
		return Rejection{}, false
	}
	m := itemPath.FindStringSubmatch(e.Field)
	if m == nil {
		return Rejection{}, false
	}
	i, _ := strconv.Atoi(m[2])
	var ls []int
	switch m[1] {
	case "actors":
		ls = lines.actors
	case "exchanges":
		ls = lines.exchanges
	case "memberships":
		ls = lines.memberships
	}
	if i >= len(ls) {
		return Rejection{}, false
	}
	return Rejection{Line: ls[i], Field: columnOf(m[3]), Code: CodeStore, Reason: e.Message}, true
}
