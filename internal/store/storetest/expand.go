package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
)

// adjacency is the reference answer of Store.Adjacent: each actor's
// exchanges matching f seen from it, ordered by start (unknown last) then
// id; actors without any have no entry.
func (m *model) adjacency(f c2c.ExchangeFilter) map[string][]c2c.Adjacency {
	out := map[string][]c2c.Adjacency{}
	for id, xs := range m.exchangesByActors(f) {
		for _, x := range xs {
			a := c2c.Adjacency{ExchangeID: x.ID, OtherID: x.SourceID, Directed: x.Directed, Start: x.Start}
			if x.SourceID == id {
				a.OtherID, a.Outgoing = x.TargetID, true
			}
			out[id] = append(out[id], a)
		}
	}
	return out
}

// testAdjacent checks Store.Adjacent against the reference for the
// per-actor filters, then the path search that runs on it: over the
// store's Adjacent, analysis.ShortestPathsExpanding must give what
// analysis.ShortestPaths gives over the reference subgraph.
func testAdjacent(t *testing.T, s c2c.Store, m *model) {
	ctx := t.Context()
	// Every actor (an id asked twice is answered once) and missing ids.
	ids := askedIDs(m)
	asked := append(slices.Clone(ids), ids[:3]...)
	fs := byActorFilters(m)
	for _, name := range sortedKeys(fs) {
		got, err := s.Adjacent(ctx, asked, fs[name])
		if err != nil {
			t.Errorf("Adjacent %s: %v", name, err)
			continue
		}
		want := m.adjacency(fs[name])
		for _, id := range ids {
			if diff := cmp.Diff(want[id], got[id], cmpOpts...); diff != "" {
				t.Errorf("Adjacent %s, actor %s (-want +got):\n%s", name, id, diff)
			}
			if xs, ok := got[id]; ok && len(xs) == 0 {
				t.Errorf("Adjacent %s: actor %s has an empty entry, want none", name, id)
			}
		}
		for id := range got {
			if !slices.Contains(ids, id) {
				t.Errorf("Adjacent %s: answers for %q, which was not asked", name, id)
			}
		}
	}
	got, err := s.Adjacent(ctx, nil, c2c.ExchangeFilter{})
	mustNoError(t, "Adjacent of no actor", err)
	if len(got) != 0 {
		t.Errorf("Adjacent of no actor: %v, want nothing", got)
	}
	_, err = s.Adjacent(ctx, ids[:1], c2c.ExchangeFilter{ThemesAny: []string{"Not A Theme"}})
	wantError(t, "Adjacent with a bad theme", err, c2c.KindInvalid, "filter.themesAny[0]")

	// The path search over the store's Adjacent.
	all := exchangeFilters(m)
	actors := sortedKeys(m.actors)
	found := 0
	for _, name := range []string{"all", "themesAny one", "directed", "2016-2017"} {
		f, ok := all[name]
		if !ok {
			continue
		}
		ref := m.edges(f)
		expand := func(ctx context.Context, ids []string) (map[string][]c2c.Adjacency, error) {
			return s.Adjacent(ctx, ids, f)
		}
		for i := 0; i < len(actors); i += max(1, len(actors)/7) {
			for j := 3; j < len(actors); j += max(1, len(actors)/5) {
				for _, directed := range []bool{false, true} {
					from, to := actors[i], actors[j]
					opts := analysis.PathOptions{Directed: directed, Limit: analysis.MaxK + 1}
					want, wantErr := analysis.ShortestPaths(ref, from, to, opts)
					got, gotErr := analysis.ShortestPathsExpanding(ctx, expand, from, to, opts, 0)
					what := fmt.Sprintf("paths %s %s→%s directed %v", name, from, to, directed)
					if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
						t.Errorf("%s: error %v, want %v", what, gotErr, wantErr)
						continue
					}
					if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
						t.Errorf("%s (-over the reference subgraph +over Adjacent):\n%s", what, diff)
					}
					if len(want) > 0 && want[0].Hops() > 0 {
						found++
					}
				}
			}
		}
	}
	if found < 10 {
		t.Errorf("only %d pairs joined by a path: the path check proves little", found)
	}
}
