package sqlitestore

import (
	"cmp"
	"path/filepath"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// wantPartners sums up the partners of id over xs as this store always
// has: First is the earliest start, of starts on the same day the shorter
// text; Last is the latest end (where it ends after its start) or start,
// of those ending on the same day the longer text.
func wantPartners(id string, xs []c2c.Exchange, names map[string]string) []*c2c.Partner {
	byID := map[string]*c2c.Partner{}
	var out []*c2c.Partner
	for _, x := range xs {
		other := x.TargetID
		switch id {
		case x.SourceID:
		case x.TargetID:
			other = x.SourceID
		default:
			continue
		}
		p := byID[other]
		if p == nil {
			p = &c2c.Partner{ActorID: id, PartnerID: other}
			byID[other] = p
			out = append(out, p)
		}
		p.Exchanges++
		for _, th := range x.Themes {
			if !slices.Contains(p.Themes, th) {
				p.Themes = append(p.Themes, th)
			}
		}
		if x.Start == nil {
			continue
		}
		if p.First == nil || cmp.Or(cmp.Compare(x.Start.FirstKey(), p.First.FirstKey()), cmp.Compare(x.Start.String(), p.First.String())) < 0 {
			p.First = x.Start
		}
		last := x.Start
		if x.End != nil && x.End.LastKey() > x.Start.LastKey() {
			last = x.End
		}
		if p.Last == nil || cmp.Or(cmp.Compare(last.LastKey(), p.Last.LastKey()), cmp.Compare(last.String(), p.Last.String())) > 0 {
			p.Last = last
		}
	}
	for _, p := range out {
		slices.Sort(p.Themes)
	}
	slices.SortFunc(out, func(a, b *c2c.Partner) int {
		return cmp.Or(cmp.Compare(b.Exchanges, a.Exchanges),
			cmp.Compare(c2c.Fold(names[a.PartnerID]), c2c.Fold(names[b.PartnerID])),
			cmp.Compare(a.PartnerID, b.PartnerID))
	})
	return out
}

// PartnersByActors sums up partners in SQL; its First and Last are the
// very dates the Go summary above picks, ties included, and a limit keeps
// the first partners of that order.
func TestPartnersPickDatesAmongTies(t *testing.T) {
	s := mustOpenFile(t, filepath.Join(t.TempDir(), "c2c.db"))
	b := storetest.PartnerDatesBatch(7, false)
	if _, err := s.Import(t.Context(), b); err != nil {
		t.Fatalf("import: %v", err)
	}
	names := map[string]string{}
	for _, a := range b.Actors {
		names[a.ID] = a.Name
	}
	ids := []string{"hub0", "hub1", "hub2", "hub3", "hub0-p0", "hub1-p5", "missing"}
	for _, limit := range []int{0, 1, 3} {
		got, err := s.PartnersByActors(t.Context(), ids, c2c.ExchangeFilter{}, limit)
		if err != nil {
			t.Fatalf("PartnersByActors: %v", err)
		}
		for _, id := range ids {
			want := wantPartners(id, b.Exchanges, names)
			if limit > 0 && len(want) > limit {
				want = want[:limit]
			}
			if diff := gocmp.Diff(want, got[id], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("limit %d, actor %s (-want +got):\n%s", limit, id, diff)
			}
		}
	}
}
