package bench

import (
	"reflect"
	"sort"
	"strconv"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/google/go-cmp/cmp"
)

func mustSize(t *testing.T, name string) Size {
	t.Helper()
	s, err := SizeByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// collect gathers every batch of a generator into one.
func collect(t *testing.T, g *Generator, chunk int) c2c.Batch {
	t.Helper()
	var all c2c.Batch
	err := g.Batches(chunk, func(b c2c.Batch) error {
		if n := len(b.Actors) + len(b.Exchanges) + len(b.Memberships); n > chunk {
			t.Errorf("batch of %d items, want at most %d", n, chunk)
		}
		all.Themes = append(all.Themes, b.Themes...)
		all.Actors = append(all.Actors, b.Actors...)
		all.Exchanges = append(all.Exchanges, b.Exchanges...)
		all.Memberships = append(all.Memberships, b.Memberships...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestGeneratorDeterministic(t *testing.T) {
	t.Parallel()
	size := mustSize(t, "XS")
	a := collect(t, NewGenerator(7, size), 500)
	b := collect(t, NewGenerator(7, size), 999)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different graphs:\n%s", cmp.Diff(a.Exchanges[:10], b.Exchanges[:10]))
	}
	c := collect(t, NewGenerator(8, size), 500)
	if reflect.DeepEqual(a.Exchanges, c.Exchanges) {
		t.Fatal("seeds 7 and 8 gave the same exchanges")
	}
	if got, want := len(a.Actors), size.Actors; got != want {
		t.Errorf("actors = %d, want %d", got, want)
	}
	if got, want := len(a.Exchanges), size.Exchanges; got != want {
		t.Errorf("exchanges = %d, want %d", got, want)
	}
	if len(a.Memberships) == 0 {
		t.Error("no memberships")
	}
}

func TestGeneratorValid(t *testing.T) {
	t.Parallel()
	g := NewGenerator(1, mustSize(t, "XS"))
	b := collect(t, g, 1000)
	seen := map[string]c2c.ActorKind{}
	for i, a := range b.Actors {
		if err := a.Validate("actors[" + strconv.Itoa(i) + "]"); err != nil {
			t.Fatalf("invalid actor: %v", err)
		}
		if a.RegionID != "" && seen[a.RegionID] != c2c.ActorRegion {
			t.Fatalf("actor %s lies in %s, which is not a region imported before it", a.ID, a.RegionID)
		}
		seen[a.ID] = a.Kind
	}
	themes := map[string]bool{}
	for _, th := range b.Themes {
		themes[th.ID] = true
	}
	for i, x := range b.Exchanges {
		if err := x.Validate("exchanges[" + strconv.Itoa(i) + "]"); err != nil {
			t.Fatalf("invalid exchange: %v", err)
		}
		for _, th := range x.Themes {
			if !themes[th] {
				t.Fatalf("exchange %s has theme %q outside the vocabulary", x.ID, th)
			}
		}
		for _, f := range x.Facilitators {
			if seen[f] != c2c.ActorOrganisation {
				t.Fatalf("exchange %s is facilitated by %s, not an organisation", x.ID, f)
			}
		}
	}
	for i, m := range b.Memberships {
		if err := m.Validate("memberships[" + strconv.Itoa(i) + "]"); err != nil {
			t.Fatalf("invalid membership: %v", err)
		}
		if seen[m.OrganisationID] != c2c.ActorOrganisation {
			t.Fatalf("membership %s is of %s, not an organisation", m.ID, m.OrganisationID)
		}
	}
}

func TestGeneratorDegreeSkew(t *testing.T) {
	t.Parallel()
	size := mustSize(t, "S")
	g := NewGenerator(1, size)
	deg := map[string]int{}
	for i := range size.Exchanges {
		x := g.Exchange(i)
		deg[x.SourceID]++
		deg[x.TargetID]++
	}
	ds := make([]int, 0, len(deg))
	total := 0
	for _, d := range deg {
		ds = append(ds, d)
		total += d
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ds)))
	// The top 1% of actors carry a large share of the edge ends, far above
	// their 1% of a uniform graph, and the top hub far above the median.
	top := size.Actors / 100
	topSum := 0
	for _, d := range ds[:top] {
		topSum += d
	}
	if share := float64(topSum) / float64(total); share < 0.15 {
		t.Errorf("top 1%% of actors carry %.1f%% of edge ends, want ≥ 15%%", 100*share)
	}
	median := ds[len(ds)/2]
	if ds[0] < 20*median {
		t.Errorf("largest degree %d, median %d: want the hub ≥ 20× the median", ds[0], median)
	}
	// The hubs Hubs names are the ones with the highest degree.
	hub := ActorID(g.Hubs(1)[0])
	if deg[hub] != ds[0] {
		t.Errorf("Hubs()[0] = %s with degree %d, largest degree is %d", hub, deg[hub], ds[0])
	}
}

func TestGeneratorSpread(t *testing.T) {
	t.Parallel()
	g := NewGenerator(3, mustSize(t, "S"))
	// Every M49 region of the country reference appears among the actors.
	want := map[string]bool{}
	for _, c := range c2c.Countries() {
		want[c.RegionCode] = true
	}
	got := map[string]bool{}
	for _, a := range g.Actors() {
		if c, ok := c2c.CountryByCode(a.Country); ok {
			got[c.RegionCode] = true
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("M49 regions of the actors (-reference +generated):\n%s", diff)
	}
	// Themes have a long tail: the most used theme is used far more than the
	// median one, yet most of the vocabulary is used at all.
	uses := map[string]int{}
	years := map[int]bool{}
	for i := range 8000 {
		x := g.Exchange(i)
		for _, th := range x.Themes {
			uses[th]++
		}
		if x.Start != nil {
			years[x.Start.Year/10] = true
		}
	}
	if got, want := len(uses), len(g.Themes())/2; got < want {
		t.Errorf("%d themes used, want at least %d", got, want)
	}
	counts := make([]int, 0, len(uses))
	for _, c := range uses {
		counts = append(counts, c)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(counts)))
	if counts[0] < 10*counts[len(counts)/2] {
		t.Errorf("theme uses: top %d, median %d; want a long tail", counts[0], counts[len(counts)/2])
	}
	if len(years) < 4 {
		t.Errorf("dates span %d decades, want at least 4", len(years))
	}
}
