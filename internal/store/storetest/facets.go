package storetest

import (
	"cmp"
	"slices"
	"strconv"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
)

// facetFilters are the exchange filters the facet checks run under: one
// per anchor a store may start from, and the filters that join the ends.
func facetFilters(m *model) map[string]c2c.ExchangeFilter {
	fs := analysisFilters(m)
	delete(fs, "directed in 2010s")
	fs["kinds"] = c2c.ExchangeFilter{Kinds: []c2c.ExchangeKind{c2c.KindStudyVisit, c2c.KindWorkshop}}
	fs["countries BR ZA"] = c2c.ExchangeFilter{Countries: []string{"BR", "za"}}
	fs["programme MC2CM"] = c2c.ExchangeFilter{Programme: "MC2CM"}
	fs["themes any of two in 2010-2015"] = c2c.ExchangeFilter{ThemesAny: []string{"housing", "migration"}, From: d("2010"), To: d("2015")}
	fs["text visit"] = c2c.ExchangeFilter{Text: "visit"}
	// The busiest actor, so that the actor anchor has something to count.
	deg := m.degrees()
	hub := ""
	for _, id := range sortedKeys(deg) {
		if hub == "" || deg[id] > deg[hub] {
			hub = id
		}
	}
	fs["actor "+hub] = c2c.ExchangeFilter{ActorID: hub}
	return fs
}

// statsDimensions is every dimension a breakdown offers, CLASS under each
// definition.
func statsDimensions() []analysis.Dimension {
	ds := []analysis.Dimension{analysis.DimTheme, analysis.DimKind, analysis.DimYear, analysis.DimCountry,
		analysis.DimRegion, analysis.DimSubRegion, analysis.DimRegionPair, analysis.DimSubRegionPair,
		analysis.DimCountryPair, analysis.DimProgramme}
	for _, def := range c2c.Definitions {
		ds = append(ds, analysis.DimClass(def))
	}
	return ds
}

// dimensionCombos returns every dimension alone and every pair in both
// orders; with triples, every set of three too (in the order of ds).
func dimensionCombos(ds []analysis.Dimension, triples bool) [][]analysis.Dimension {
	var out [][]analysis.Dimension
	for i, a := range ds {
		out = append(out, []analysis.Dimension{a})
		for j, b := range ds {
			if j != i {
				out = append(out, []analysis.Dimension{a, b})
			}
			if !triples || j <= i {
				continue
			}
			for _, c := range ds[j+1:] {
				out = append(out, []analysis.Dimension{a, b, c})
			}
		}
	}
	return out
}

// facetRows groups the exchanges of g by keys by hand, as the contract of
// ExchangeFacets says: themes unwound only when asked, "" for no theme, no
// start, no country or no programme; keys not asked for are "".
func (m *model) facetRows(g *c2c.Subgraph, keys c2c.FacetKeys) []c2c.FacetRow {
	counts := map[c2c.FacetRow]int{}
	for _, x := range g.Edges {
		var r c2c.FacetRow
		if keys.Kind {
			r.Kind = string(x.Kind)
		}
		if keys.Year && x.Start != nil {
			r.Year = strconv.Itoa(x.Start.First().Year())
		}
		if keys.SourceCountry {
			r.SourceCountry = m.countryOf(x.SourceID)
		}
		if keys.TargetCountry {
			r.TargetCountry = m.countryOf(x.TargetID)
		}
		if keys.Programme {
			r.Programme = x.Programme
		}
		themes := []string{""}
		if keys.Theme && len(x.Themes) > 0 {
			themes = x.Themes
		}
		seen := map[string]bool{}
		for _, th := range themes {
			if !seen[th] {
				seen[th] = true
				r.Theme = th
				counts[r]++
			}
		}
	}
	out := []c2c.FacetRow{}
	for r, n := range counts {
		r.Count = n
		out = append(out, r)
	}
	sortFacetRows(out)
	return out
}

func sortFacetRows(rs []c2c.FacetRow) {
	slices.SortFunc(rs, func(a, b c2c.FacetRow) int {
		return cmp.Or(cmp.Compare(a.Theme, b.Theme), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Year, b.Year),
			cmp.Compare(a.SourceCountry, b.SourceCountry), cmp.Compare(a.TargetCountry, b.TargetCountry),
			cmp.Compare(a.Programme, b.Programme), cmp.Compare(a.Count, b.Count))
	})
}

// testFacets checks ExchangeFacets: its rows for every key set against a
// hand grouping of the reference, and the breakdowns built from its rows
// (analysis.BreakdownFacets) against analysis.Breakdown over the
// reference subgraph, for each dimension alone, every pair and (over the
// whole graph) every triple, under filters that use each anchor; the
// exchange total must be the number of matching exchanges every time.
func testFacets(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	b := GenerateBatch(20250917, 150, 600)
	_, err := s.Import(ctx, b)
	mustNoError(t, "import", err)
	m := newModel()
	m.add(b)
	fs := facetFilters(m)
	dims := statsDimensions()
	for _, name := range sortedKeys(fs) {
		f := fs[name]
		t.Run(name, func(t *testing.T) {
			want := m.edges(f)
			if len(want.Edges) < 10 {
				t.Fatalf("the filter selects %d exchanges: too few to prove anything", len(want.Edges))
			}
			// One store query per key set, shared by the dimension
			// combinations that need it.
			byKeys := map[c2c.FacetKeys][]c2c.FacetRow{}
			rows := func(keys c2c.FacetKeys) []c2c.FacetRow {
				t.Helper()
				if rs, ok := byKeys[keys]; ok {
					return rs
				}
				rs, total, err := s.ExchangeFacets(ctx, f, keys)
				mustNoError(t, "exchange facets", err)
				if total != len(want.Edges) {
					t.Errorf("keys %+v: total %d, want %d", keys, total, len(want.Edges))
				}
				byKeys[keys] = rs
				return rs
			}
			for _, keys := range []c2c.FacetKeys{
				{},
				{Theme: true},
				{Kind: true, Year: true, SourceCountry: true, TargetCountry: true, Programme: true},
				{Theme: true, Kind: true, Year: true, SourceCountry: true, TargetCountry: true, Programme: true},
			} {
				got := slices.Clone(rows(keys))
				sortFacetRows(got)
				if diff := gocmp.Diff(m.facetRows(want, keys), got, cmpOpts...); diff != "" {
					t.Errorf("rows by %+v (-reference +store):\n%s", keys, diff)
				}
			}
			for _, ds := range dimensionCombos(dims, name == "all") {
				wb, err := analysis.Breakdown(want, ds...)
				mustNoError(t, "reference breakdown", err)
				gb, err := analysis.BreakdownFacets(rows(analysis.FacetKeysFor(ds...)), ds...)
				mustNoError(t, "breakdown from facets", err)
				if !slices.EqualFunc(wb, gb, func(a, b analysis.Bucket) bool {
					return a.Count == b.Count && slices.Equal(a.Keys, b.Keys)
				}) {
					t.Errorf("by %v (-reference +store):\n%s", ds, gocmp.Diff(wb, gb))
				}
			}
		})
	}
	t.Run("nothing matches", func(t *testing.T) {
		for _, keys := range []c2c.FacetKeys{{}, {Theme: true, Kind: true}} {
			rs, total, err := s.ExchangeFacets(ctx, c2c.ExchangeFilter{Text: "no exchange has this title"}, keys)
			mustNoError(t, "exchange facets", err)
			if len(rs) != 0 || total != 0 {
				t.Errorf("keys %+v: %d rows, total %d; want none", keys, len(rs), total)
			}
		}
	})
	t.Run("bad filter", func(t *testing.T) {
		_, _, err := s.ExchangeFacets(ctx, c2c.ExchangeFilter{Kinds: []c2c.ExchangeKind{"PICNIC"}}, c2c.FacetKeys{Kind: true})
		wantError(t, "unknown kind", err, c2c.KindInvalid, "filter.kinds[0]")
	})
}
