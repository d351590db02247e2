package graph_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// noEdgesStore fails the test if anything loads a subgraph.
type noEdgesStore struct {
	c2c.Store
	t *testing.T
}

func (s noEdgesStore) Edges(ctx context.Context, f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	s.t.Errorf("stats loaded the subgraph of %+v", f)
	return s.Store.Edges(ctx, f)
}

// TestStatsAggregateInStore checks that stats costs one store round trip
// (the theme vocabulary cached), loads no subgraph, and answers what
// analysis.Breakdown gives over the subgraph the store returns, for the
// dimensions derived from the ends' countries too.
func TestStatsAggregateInStore(t *testing.T) {
	s := mustStore(t, storetest.GenerateBatch(11, 90, 400))
	c := newResolverClient(t, &graph.Resolver{Store: noEdgesStore{s, t}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	// Warm the vocabulary cache: a filter naming a theme checks it.
	mustQuery(t, c, `{ exchanges(filter: {themesAny: ["housing"]}, first: 1) { edges { node { id } } } }`, nil)
	for _, tc := range []struct {
		by     string
		f      c2c.ExchangeFilter
		filter string
		dims   []analysis.Dimension
	}{
		{"[COUNTRY]", c2c.ExchangeFilter{}, `{}`, []analysis.Dimension{analysis.DimCountry}},
		{"[CLASS, M49_REGION]", c2c.ExchangeFilter{}, `{}`, []analysis.Dimension{analysis.DimClass(c2c.DefG77), analysis.DimRegion}},
		{"[REGION_PAIR, THEME]", c2c.ExchangeFilter{ThemesAny: []string{"housing"}}, `{themesAny: ["housing"]}`,
			[]analysis.Dimension{analysis.DimRegionPair, analysis.DimTheme}},
		{"[COUNTRY_PAIR]", c2c.ExchangeFilter{}, `{}`, []analysis.Dimension{analysis.DimCountryPair}},
		{"[SUB_REGION_PAIR, KIND]", c2c.ExchangeFilter{}, `{}`, []analysis.Dimension{analysis.DimSubRegionPair, analysis.DimKind}},
		{"[M49_SUB_REGION, PROGRAMME, YEAR]", c2c.ExchangeFilter{From: c2c.MustDate("2005"), To: c2c.MustDate("2015")}, `{from: "2005", to: "2015"}`,
			[]analysis.Dimension{analysis.DimSubRegion, analysis.DimProgramme, analysis.DimYear}},
	} {
		q := fmt.Sprintf(`{ stats(by: %s, definition: G77, filter: %s, first: 1000) { exchanges bucketCount buckets { keys count } } }`, tc.by, tc.filter)
		var out struct {
			Stats struct {
				Exchanges, BucketCount int
				Buckets                []analysis.Bucket
			}
		}
		res := mustQuery(t, c, q, &out)
		// One statement; with themes unwound the embedded store counts
		// the exchanges in a second one, in one snapshot (BEGIN, two
		// statements).
		wantTrips := 1
		if slices.Contains(tc.dims, analysis.DimTheme) {
			wantTrips = 3
		}
		if res.RoundTrips != wantTrips {
			t.Errorf("%s: %d round trips, want %d", tc.by, res.RoundTrips, wantTrips)
		}
		g, err := s.Edges(t.Context(), tc.f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := analysis.Breakdown(g, tc.dims...)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Edges) < 20 || len(want) > 1000 {
			t.Fatalf("%s: %d exchanges in %d buckets: want a page of buckets over enough exchanges", tc.by, len(g.Edges), len(want))
		}
		if out.Stats.Exchanges != len(g.Edges) || out.Stats.BucketCount != len(want) {
			t.Errorf("%s: %d exchanges in %d buckets, want %d in %d", tc.by, out.Stats.Exchanges, out.Stats.BucketCount, len(g.Edges), len(want))
		}
		if diff := cmp.Diff(want, out.Stats.Buckets); diff != "" {
			t.Errorf("%s (-Breakdown +stats):\n%s", tc.by, diff)
		}
		// Asked again, the answer comes from the cache.
		if res := mustQuery(t, c, q, nil); res.RoundTrips != 0 {
			t.Errorf("%s again: %d round trips, want 0 (cached)", tc.by, res.RoundTrips)
		}
	}
}
