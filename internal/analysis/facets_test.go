package analysis

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
)

// allDimensions is every dimension a breakdown offers, CLASS under each
// definition.
func allDimensions() []Dimension {
	ds := []Dimension{DimTheme, DimKind, DimYear, DimCountry, DimRegion, DimSubRegion, DimRegionPair, DimSubRegionPair, DimCountryPair, DimProgramme}
	for _, d := range c2c.Definitions {
		ds = append(ds, DimClass(d))
	}
	return ds
}

// dimensionCombos returns every ordered choice of one or two distinct
// dimensions of ds and every set of three in the order of ds: the order
// of the dimensions only orders the keys, which pairs already prove.
func dimensionCombos(ds []Dimension) [][]Dimension {
	var out [][]Dimension
	for i, a := range ds {
		out = append(out, []Dimension{a})
		for j, b := range ds {
			if j != i {
				out = append(out, []Dimension{a, b})
			}
			if j <= i {
				continue
			}
			for _, c := range ds[j+1:] {
				out = append(out, []Dimension{a, b, c})
			}
		}
	}
	return out
}

// facetGraph is randomGraph with what the stats rules must get right on
// top: an actor in a country M49 leaves without a region (Taiwan),
// programmes, and exchanges whose theme lists repeat a theme.
func facetGraph(seed uint64) *c2c.Subgraph {
	g := randomGraph(seed, 24, 300)
	r := rand.New(rand.NewPCG(seed, 5))
	g.Nodes[3].Country = "TW"
	g.Nodes[7].Country = "TW"
	progs := []string{"", "", "AL-LAS", "MC2CM"}
	for _, x := range g.Edges {
		x.Programme = progs[r.IntN(len(progs))]
		if len(x.Themes) > 0 && r.IntN(6) == 0 {
			x.Themes = append(x.Themes, x.Themes[0])
		}
	}
	return g
}

// groupRows groups the exchanges of g by keys the way the stores'
// ExchangeFacets does: one row per combination, themes unwound (distinct,
// "" for none) only when asked, an end not among the nodes without a
// country.
func groupRows(g *c2c.Subgraph, keys c2c.FacetKeys) ([]c2c.FacetRow, int) {
	country := map[string]string{}
	for _, a := range g.Nodes {
		country[a.ID] = a.Country
	}
	counts := map[c2c.FacetRow]int{}
	for _, x := range g.Edges {
		var r c2c.FacetRow
		if keys.Kind {
			r.Kind = string(x.Kind)
		}
		if keys.Year && x.Start != nil {
			r.Year = strconv.Itoa(x.Start.Year)
		}
		if keys.SourceCountry {
			r.SourceCountry = country[x.SourceID]
		}
		if keys.TargetCountry {
			r.TargetCountry = country[x.TargetID]
		}
		if keys.Programme {
			r.Programme = x.Programme
		}
		themes := []string{""}
		if keys.Theme && len(x.Themes) > 0 {
			seen := map[string]bool{}
			themes = nil
			for _, t := range x.Themes {
				if !seen[t] {
					seen[t] = true
					themes = append(themes, t)
				}
			}
		}
		for _, t := range themes {
			r.Theme = t
			counts[r]++
		}
	}
	out := make([]c2c.FacetRow, 0, len(counts))
	for r, n := range counts {
		r.Count = n
		out = append(out, r)
	}
	return out, len(g.Edges)
}

// TestBreakdownFacetsAgrees checks BreakdownFacets over grouped rows
// against Breakdown over the exchanges themselves, for every ordered
// combination of up to three dimensions.
func TestBreakdownFacetsAgrees(t *testing.T) {
	combos := dimensionCombos(allDimensions())
	for _, seed := range []uint64{1, 2, 3} {
		g := facetGraph(seed)
		every := c2c.FacetKeys{Kind: true, Year: true, SourceCountry: true, TargetCountry: true, Programme: true}
		fine, _ := groupRows(g, every)
		for _, dims := range combos {
			want, err := Breakdown(g, dims...)
			if err != nil {
				t.Fatalf("Breakdown %v: %v", dims, err)
			}
			rows, _ := groupRows(g, FacetKeysFor(dims...))
			got, err := BreakdownFacets(rows, dims...)
			if err != nil {
				t.Fatalf("BreakdownFacets %v: %v", dims, err)
			}
			if !slices.EqualFunc(want, got, sameBucket) {
				t.Fatalf("seed %d, dims %v (-Breakdown +BreakdownFacets):\n%s", seed, dims, cmp.Diff(want, got))
			}
			// Rows grouped by more keys than needed sum to the same.
			if FacetKeysFor(dims...).Theme {
				continue
			}
			got, err = BreakdownFacets(fine, dims...)
			if err != nil {
				t.Fatalf("BreakdownFacets %v over finer rows: %v", dims, err)
			}
			if !slices.EqualFunc(want, got, sameBucket) {
				t.Fatalf("seed %d, dims %v over finer rows (-Breakdown +BreakdownFacets):\n%s", seed, dims, cmp.Diff(want, got))
			}
		}
	}
}

// sameBucket is cmp.Equal for buckets, at a fraction of its cost.
func sameBucket(a, b Bucket) bool { return a.Count == b.Count && slices.Equal(a.Keys, b.Keys) }

func TestBreakdownFacetsEdgeCases(t *testing.T) {
	got, err := BreakdownFacets(nil, DimTheme)
	if err != nil || len(got) != 0 {
		t.Errorf("no rows: %v, %v; want no buckets", got, err)
	}
	rows := []c2c.FacetRow{{SourceCountry: "ZA", TargetCountry: "ZA", Count: 2}, {SourceCountry: "ZA", TargetCountry: "", Count: 1}}
	got, err = BreakdownFacets(rows, DimCountry)
	if err != nil {
		t.Fatal(err)
	}
	// ZA counts once for the exchanges with both ends there.
	want := []Bucket{{Keys: []string{"ZA"}, Count: 3}, {Keys: []string{""}, Count: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("countries (-want +got):\n%s", diff)
	}
	got, err = BreakdownFacets(rows)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Bucket{{Keys: []string{}, Count: 3}}, got); diff != "" {
		t.Errorf("no dimension (-want +got):\n%s", diff)
	}
	if _, err := BreakdownFacets(rows, Dimension{Field: FieldClass}); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("class without a definition: %v, want KindInvalid", err)
	}
	if _, err := BreakdownFacets(rows, Dimension{Field: "COLOUR"}); c2c.KindOf(err) != c2c.KindInvalid {
		t.Errorf("unknown field: %v, want KindInvalid", err)
	}
	if k := FacetKeysFor(DimKind, DimClass(c2c.DefG77)); k != (c2c.FacetKeys{Kind: true, SourceCountry: true, TargetCountry: true}) {
		t.Errorf("FacetKeysFor(KIND, CLASS) = %+v", k)
	}
}
