package storetest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/c2c-project/c2c/internal/c2c"
)

// partnerDatesBatch returns hubs ("hub0" to "hub3"), each with partners
// ("hub0-p0" …) and many exchanges with them whose partial dates tie on
// their first or last day ("2014", "2014-01" and "2014-01-01" all start on
// 1 January; "2016", "2016-12" and "2016-12-31" all end on 31 December),
// with exchange ids in no relation to their dates, partners that tie on
// their exchange count and on their name, and names in the reverse order
// of ids, and ends that end within their start's period ("2014" to
// "2014-01").
func partnerDatesBatch(seed uint64) c2c.Batch {
	r := rand.New(rand.NewPCG(seed, 0xda7e))
	var b c2c.Batch
	city := func(id, name string) c2c.Actor {
		return c2c.Actor{ID: id, Kind: c2c.ActorCity, Name: name, Country: "BR"}
	}
	const hubs, partners, exchanges = 4, 8, 400
	for h := range hubs {
		b.Actors = append(b.Actors, city(fmt.Sprintf("hub%d", h), fmt.Sprintf("Hub %d", h)))
		for i := range partners {
			// Pairs share a name; names run against ids.
			b.Actors = append(b.Actors, city(fmt.Sprintf("hub%d-p%d", h, i), fmt.Sprintf("Partner %d", (partners-1-i)/2)))
		}
	}
	dates := []string{"2014", "2014-01", "2014-01-01", "2015-02", "2015-02-28", "2016-02", "2016-02-29", "2016", "2016-12", "2016-12-31"}
	themes := []string{"culture", "education", "housing", "migration"}
	ids := r.Perm(exchanges)
	for i := range exchanges {
		h := r.IntN(hubs)
		// Partners 0 and 1 are met twice as often as the others, whose
		// counts then often tie.
		p := max(r.IntN(partners+2)-2, 0)
		if r.IntN(2) == 0 {
			p = min(p, 1)
		}
		x := c2c.Exchange{
			ID:       fmt.Sprintf("x%03d", ids[i]),
			SourceID: fmt.Sprintf("hub%d", h), TargetID: fmt.Sprintf("hub%d-p%d", h, p),
			Title: fmt.Sprintf("Exchange %d", i), Kind: c2c.KindStudyVisit, Directed: true,
		}
		if r.IntN(5) > 0 {
			x.Start = c2c.MustDate(dates[r.IntN(len(dates))])
			var ends []*c2c.PartialDate
			for _, e := range dates {
				d := c2c.MustDate(e)
				if d.LastKey() >= x.Start.FirstKey() {
					ends = append(ends, d)
				}
			}
			if r.IntN(3) > 0 && len(ends) > 0 {
				x.End = ends[r.IntN(len(ends))]
			}
		}
		for _, th := range themes {
			if r.IntN(3) == 0 {
				x.Themes = append(x.Themes, th)
			}
		}
		if i%2 == 1 { // half the exchanges point at the hub
			x.SourceID, x.TargetID = x.TargetID, x.SourceID
		}
		b.Exchanges = append(b.Exchanges, x)
	}
	return b
}

// wantPartners sums up the partners of id over xs as c2c.Partner says:
// First is the earliest start, of starts on the same day the shorter text;
// Last is the latest end (where it ends after its start) or start, of those
// ending on the same day the longer text.
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

// testPartnerDateTies checks that PartnersByActors picks the very First
// and Last dates c2c.Partner describes among dates that tie on their day,
// and that a limit keeps the first partners of its order.
func testPartnerDateTies(t *testing.T, s c2c.Store) {
	b := partnerDatesBatch(7)
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

// testPartnerLastDay checks the day a partnership last covers when an
// exchange ends within its start's period ("2014" to "2014-03" lasts until
// the end of 2014) and when it ends later.
func testPartnerLastDay(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	b := c2c.Batch{
		Actors: []c2c.Actor{
			{ID: "pl-a", Kind: c2c.ActorCity, Name: "Pl A", Country: "BR"},
			{ID: "pl-b", Kind: c2c.ActorCity, Name: "Pl B", Country: "ZA"},
			{ID: "pl-c", Kind: c2c.ActorCity, Name: "Pl C", Country: "MZ"},
		},
		Exchanges: []c2c.Exchange{
			{ID: "pl-x1", SourceID: "pl-a", TargetID: "pl-b", Title: "Within", Kind: c2c.KindStudyVisit, Start: c2c.MustDate("2014"), End: c2c.MustDate("2014-03")},
			{ID: "pl-x2", SourceID: "pl-a", TargetID: "pl-c", Title: "Later", Kind: c2c.KindStudyVisit, Start: c2c.MustDate("2014-02-10"), End: c2c.MustDate("2014-03")},
		},
	}
	_, err := s.Import(ctx, b)
	mustNoError(t, "Import", err)
	got, err := s.PartnersByActors(ctx, []string{"pl-a"}, c2c.ExchangeFilter{}, 0)
	mustNoError(t, "PartnersByActors", err)
	want := map[string]int{"pl-b": 20141231, "pl-c": 20140331}
	if len(got["pl-a"]) != len(want) {
		t.Fatalf("partners of pl-a = %d, want %d", len(got["pl-a"]), len(want))
	}
	for _, p := range got["pl-a"] {
		if p.Last == nil || p.Last.LastKey() != want[p.PartnerID] {
			t.Errorf("partner %s: last = %v, want a date ending on %d", p.PartnerID, p.Last, want[p.PartnerID])
		}
	}
}
