package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
)

func testActorCRUD(t *testing.T, open func(t *testing.T) c2c.Store) {
	t.Run("CreateAndRead", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ids := append(sortedKeys(m.actors), "no-such-actor")
		slices.Reverse(ids)
		ids = append(ids, ids[3], "another-missing")
		got, err := s.ActorsByIDs(t.Context(), ids)
		mustNoError(t, "ActorsByIDs", err)
		want := make([]*c2c.Actor, len(ids))
		for i, id := range ids {
			if a, ok := m.actors[id]; ok {
				want[i] = copyActor(a)
			}
		}
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("ActorsByIDs in the asked order (-want +got):\n%s", diff)
		}
		empty, err := s.ActorsByIDs(t.Context(), nil)
		mustNoError(t, "ActorsByIDs(nil)", err)
		if len(empty) != 0 {
			t.Errorf("ActorsByIDs(nil) returned %d actors", len(empty))
		}
	})

	t.Run("Normalize", func(t *testing.T) {
		s := open(t)
		a := c2c.Actor{ID: "durban-2", Kind: c2c.ActorCity, Name: "  Durban ", AltNames: []string{"eThekwini", " ", "DURBAN", "ethekwini"}, Country: "za"}
		got, err := s.CreateActor(t.Context(), a)
		mustNoError(t, "create actor needing normalisation", err)
		m := newModel()
		want := m.putActor(a)
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("CreateActor normalised (-want +got):\n%s", diff)
		}
		checkState(t, s, m)
	})

	t.Run("Invalid", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		city := func(edit func(a *c2c.Actor)) c2c.Actor {
			a := c2c.Actor{ID: "new-city", Kind: c2c.ActorCity, Name: "New City", Country: "ZA"}
			edit(&a)
			return a
		}
		cases := []struct {
			name  string
			actor c2c.Actor
			kind  c2c.ErrorKind
			field string
		}{
			{"duplicate id", city(func(a *c2c.Actor) { a.ID = "ethekwini" }), c2c.KindConflict, ""},
			{"empty id", city(func(a *c2c.Actor) { a.ID = "" }), c2c.KindInvalid, "id"},
			{"bad id", city(func(a *c2c.Actor) { a.ID = "New City" }), c2c.KindInvalid, "id"},
			{"bad kind", city(func(a *c2c.Actor) { a.Kind = "TOWN" }), c2c.KindInvalid, "kind"},
			{"no name", city(func(a *c2c.Actor) { a.Name = "  " }), c2c.KindInvalid, "name"},
			{"city without country", city(func(a *c2c.Actor) { a.Country = "" }), c2c.KindInvalid, "country"},
			{"unknown country", city(func(a *c2c.Actor) { a.Country = "XX" }), c2c.KindInvalid, "country"},
			{"latitude", city(func(a *c2c.Actor) { a.Coords = pt(91, 0) }), c2c.KindInvalid, "coordinates.lat"},
			{"longitude", city(func(a *c2c.Actor) { a.Coords = pt(0, -181) }), c2c.KindInvalid, "coordinates.lon"},
			{"missing region", city(func(a *c2c.Actor) { a.RegionID = "no-such-region" }), c2c.KindInvalid, "regionId"},
			{"region is a city", city(func(a *c2c.Actor) { a.RegionID = "johannesburg" }), c2c.KindInvalid, "regionId"},
			{"region is an organisation", city(func(a *c2c.Actor) { a.RegionID = "uclg" }), c2c.KindInvalid, "regionId"},
			{"org type on a city", city(func(a *c2c.Actor) { a.OrgType = c2c.OrgNetwork }), c2c.KindInvalid, "orgType"},
			{"bad org type", c2c.Actor{ID: "new-org", Kind: c2c.ActorOrganisation, Name: "Org", OrgType: "CLUB"}, c2c.KindInvalid, "orgType"},
			{"bad wikidata", city(func(a *c2c.Actor) { a.WikidataID = "5468" }), c2c.KindInvalid, "wikidataId"},
			{"region in a region", c2c.Actor{ID: "new-region", Kind: c2c.ActorRegion, Name: "R", Country: "ZA", RegionID: "gauteng"}, c2c.KindInvalid, "regionId"},
		}
		for _, c := range cases {
			_, err := s.CreateActor(t.Context(), c.actor)
			wantError(t, "CreateActor "+c.name, err, c.kind, c.field)
		}
		checkState(t, s, m)
	})

	t.Run("Update", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ctx := t.Context()
		update := func(id string, p c2c.ActorPatch) {
			t.Helper()
			got, err := s.UpdateActor(ctx, id, p)
			mustNoError(t, "update actor "+id, err)
			want := copyActor(m.actors[id])
			p.Apply(want)
			want = m.putActor(*want)
			if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
				t.Errorf("UpdateActor(%s) returned (-want +got):\n%s", id, diff)
			}
		}
		update("ethekwini", c2c.ActorPatch{Name: ptr("eThekwini Metropolitan Municipality")})
		update("ethekwini", c2c.ActorPatch{AltNames: &[]string{"Durban", "Thekwini"}, Summary: ptr("Durban's municipality.")})
		update("ethekwini", c2c.ActorPatch{ClearCoords: true})
		update("johannesburg", c2c.ActorPatch{Coords: pt(-26.2, 28.04), GeoNamesID: ptr(int64(993801)), WikidataID: ptr("Q34647")})
		update("pietermaritzburg", c2c.ActorPatch{RegionID: ptr("gauteng")})
		update("pietermaritzburg", c2c.ActorPatch{RegionID: ptr("")})
		update("uclg", c2c.ActorPatch{OrgType: ptr(c2c.OrgInternational), AltNames: &[]string{}})
		update("salga", c2c.ActorPatch{Country: ptr("BR")})
		update("abahlali", c2c.ActorPatch{})
		checkState(t, s, m)

		bad := []struct {
			name  string
			id    string
			patch c2c.ActorPatch
			kind  c2c.ErrorKind
			field string
		}{
			{"missing actor", "no-such-actor", c2c.ActorPatch{Name: ptr("X")}, c2c.KindNotFound, ""},
			{"empty name", "ethekwini", c2c.ActorPatch{Name: ptr("")}, c2c.KindInvalid, "name"},
			{"unknown country", "ethekwini", c2c.ActorPatch{Country: ptr("XX")}, c2c.KindInvalid, "country"},
			{"city without country", "ethekwini", c2c.ActorPatch{Country: ptr("")}, c2c.KindInvalid, "country"},
			{"region is a city", "ethekwini", c2c.ActorPatch{RegionID: ptr("johannesburg")}, c2c.KindInvalid, "regionId"},
			{"missing region", "ethekwini", c2c.ActorPatch{RegionID: ptr("nowhere")}, c2c.KindInvalid, "regionId"},
			{"org type on a city", "ethekwini", c2c.ActorPatch{OrgType: ptr(c2c.OrgNetwork)}, c2c.KindInvalid, "orgType"},
			{"latitude", "ethekwini", c2c.ActorPatch{Coords: pt(-100, 0)}, c2c.KindInvalid, "coordinates.lat"},
		}
		for _, c := range bad {
			_, err := s.UpdateActor(ctx, c.id, c.patch)
			wantError(t, "UpdateActor "+c.name, err, c.kind, c.field)
		}
		checkState(t, s, m)
	})

	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ctx := t.Context()
		// Each of these has one sort of edge at least: gauteng only a city
		// lying in it, cities-alliance only a facilitator reference.
		for _, id := range []string{"ethekwini", "uclg", "kwazulu-natal", "salga", "canoas", "gauteng", "cities-alliance"} {
			if _, ok := m.actors[id]; !ok {
				continue
			}
			_, err := s.DeleteActor(ctx, id, false)
			wantError(t, "DeleteActor without cascade "+id, err, c2c.KindConflict, "")
		}
		checkState(t, s, m)

		_, err := s.DeleteActor(ctx, "no-such-actor", false)
		wantError(t, "DeleteActor of a missing actor", err, c2c.KindNotFound, "")
		_, err = s.DeleteActor(ctx, "no-such-actor", true)
		wantError(t, "DeleteActor cascade of a missing actor", err, c2c.KindNotFound, "")

		for _, c := range []struct {
			id      string
			cascade bool
		}{{"msunduzi-lonely", false}, {"uclg", true}, {"kwazulu-natal", true}, {"sao-paulo", true}, {"dhs", true},
			{"gauteng", true}, {"cities-alliance", true}} {
			if _, ok := m.actors[c.id]; !ok {
				continue
			}
			want := m.deleteActor(c.id)
			got, err := s.DeleteActor(ctx, c.id, c.cascade)
			mustNoError(t, fmt.Sprintf("DeleteActor(%s, cascade=%v)", c.id, c.cascade), err)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("DeleteActor(%s) result (-want +got):\n%s", c.id, diff)
			}
			checkState(t, s, m)
			if as, err := s.ActorsByIDs(ctx, []string{c.id}); err != nil || len(as) != 1 || as[0] != nil {
				t.Errorf("ActorsByIDs after deleting %s = %v, %v; want [nil]", c.id, as, err)
			}
		}
	})
}

// deleteActor removes the actor and everything that names it from m and
// returns what a cascading delete reports.
func (m *model) deleteActor(id string) *c2c.DeleteResult {
	r := &c2c.DeleteResult{ActorID: id}
	for xid, x := range m.exchanges {
		if x.SourceID == id || x.TargetID == id {
			delete(m.exchanges, xid)
			r.ExchangesRemoved++
		} else if i := slices.Index(x.Facilitators, id); i >= 0 {
			x.Facilitators = slices.Delete(x.Facilitators, i, i+1)
			r.FacilitatorsPruned++
		}
	}
	for mid, ms := range m.memberships {
		if ms.ActorID == id || ms.OrganisationID == id {
			delete(m.memberships, mid)
			r.MembershipsRemoved++
		}
	}
	for _, a := range m.actors {
		if a.RegionID == id {
			a.RegionID = ""
			r.CitiesDetached++
		}
	}
	delete(m.actors, id)
	return r
}

// --- reads ---

func actorFilters(m *model) map[string]c2c.ActorFilter {
	fs := map[string]c2c.ActorFilter{
		"all":                    {},
		"cities":                 {Kinds: []c2c.ActorKind{c2c.ActorCity}},
		"regions":                {Kinds: []c2c.ActorKind{c2c.ActorRegion}},
		"organisations":          {Kinds: []c2c.ActorKind{c2c.ActorOrganisation}},
		"cities and regions":     {Kinds: []c2c.ActorKind{c2c.ActorCity, c2c.ActorRegion}},
		"text sao":               {Text: "sao"},
		"text São Paulo":         {Text: "São Paulo"},
		"text SAO-PAULO":         {Text: "SAO-PAULO"},
		"text durban alt name":   {Text: "durban"},
		"text köln":              {Text: "köln"},
		"text cologne":           {Text: "Cologne"},
		"text natal":             {Text: "natal"},
		"text a":                 {Text: "a"},
		"text no match":          {Text: "zzzz qqqq"},
		"text injection":         {Text: "' OR 1=1 --"},
		"text percent":           {Text: "100%"},
		"text underscore":        {Text: "cidades_rede"},
		"network or association": {OrgTypes: []c2c.OrgType{c2c.OrgNetwork, c2c.OrgAssociation}},
		"city with text":         {Kinds: []c2c.ActorKind{c2c.ActorCity}, Text: "o"},
	}
	for _, ot := range c2c.OrgTypes {
		fs["org type "+string(ot)] = c2c.ActorFilter{OrgTypes: []c2c.OrgType{ot}}
	}
	countries := presentCountries(m)
	for i, c := range countries {
		fs["country "+c] = c2c.ActorFilter{Countries: []string{c}}
		if i > 0 {
			fs["countries "+countries[0]+","+c] = c2c.ActorFilter{Countries: []string{countries[0], c}}
		}
	}
	if len(countries) > 0 {
		lc := strings.ToLower(countries[0])
		fs["lower-case country "+lc] = c2c.ActorFilter{Countries: []string{lc}}
		fs["cities in "+countries[0]] = c2c.ActorFilter{Countries: []string{countries[0]}, Kinds: []c2c.ActorKind{c2c.ActorCity}}
	}
	for _, r := range presentM49(m) {
		fs["m49 "+r] = c2c.ActorFilter{Regions: []string{r}}
		fs["m49 "+r+" text a"] = c2c.ActorFilter{Regions: []string{r}, Text: "a"}
		if len(countries) > 0 {
			fs["m49 "+r+" and country "+countries[0]] = c2c.ActorFilter{Regions: []string{r}, Countries: []string{countries[0]}}
		}
	}
	for _, def := range c2c.Definitions {
		for _, st := range []c2c.SouthStatus{c2c.StatusSouth, c2c.StatusNorth, c2c.StatusUnknown} {
			sf := &c2c.SouthFilter{Definition: def, Status: st}
			fs["south "+string(def)+" "+string(st)] = c2c.ActorFilter{South: sf}
			fs["south "+string(def)+" "+string(st)+" organisations"] = c2c.ActorFilter{South: sf, Kinds: []c2c.ActorKind{c2c.ActorOrganisation}}
			if len(countries) > 0 {
				fs["south "+string(def)+" "+string(st)+" in "+countries[0]] = c2c.ActorFilter{South: sf, Countries: []string{countries[0]}}
			}
		}
	}
	return fs
}

// presentCountries lists the countries of the model's actors, most used
// first.
func presentCountries(m *model) []string {
	n := map[string]int{}
	for _, a := range m.actors {
		if a.Country != "" {
			n[a.Country]++
		}
	}
	out := sortedKeys(n)
	slices.SortStableFunc(out, func(a, b string) int { return n[b] - n[a] })
	return out
}

// presentM49 lists the M49 region and sub-region codes of the model's
// countries.
func presentM49(m *model) []string {
	set := map[string]bool{}
	for _, code := range presentCountries(m) {
		c, _ := c2c.CountryByCode(code)
		if c.RegionCode != "" {
			set[c.RegionCode] = true
		}
		if c.SubRegionCode != "" {
			set[c.SubRegionCode] = true
		}
	}
	return sortedKeys(set)
}

var actorOrders = []c2c.ActorOrder{c2c.OrderNameAsc, c2c.OrderNameDesc, c2c.OrderIDAsc}

func testActorPages(t *testing.T, s c2c.Store, m *model, first int) {
	fs := actorFilters(m)
	names := sortedKeys(fs)
	for i, name := range names {
		f := fs[name]
		orders := actorOrders
		if !everyOrderFilters[name] {
			orders = actorOrders[i%len(actorOrders) : i%len(actorOrders)+1]
		}
		for _, order := range orders {
			want := m.queryActors(f, order)
			got := walkActors(t, s, c2c.ActorQuery{Filter: f, Order: order, First: first, WantTotal: i%2 == 0}, len(want))
			if diff := diffActors(want, got, name == "all"); diff != "" {
				t.Errorf("Actors %s %s, walking pages of %d (-want +got):\n%s", name, order, first, diff)
			}
		}
	}
	// One page holding everything, and the default order.
	want := m.queryActors(c2c.ActorFilter{}, c2c.OrderNameAsc)
	p, err := s.Actors(t.Context(), c2c.ActorQuery{First: c2c.MaxPageSize, WantTotal: true})
	mustNoError(t, "Actors with the default order", err)
	n := min(len(want), c2c.MaxPageSize)
	if diff := cmp.Diff(want[:n], p.Actors, cmpOpts...); diff != "" {
		t.Errorf("Actors in the default order (-want +got):\n%s", diff)
	}
	if got, want := p.HasNext, len(want) > c2c.MaxPageSize; got != want {
		t.Errorf("Actors in the default order: HasNext = %v, want %v", got, want)
	}
	if got, want := p.TotalCount, len(want); got != want {
		t.Errorf("Actors in the default order: TotalCount = %d, want %d", got, want)
	}
}

// walkActors follows the pages of q to the end, checking each page's size,
// HasNext and TotalCount against the expected number of results.
func walkActors(t *testing.T, s c2c.Store, q c2c.ActorQuery, total int) []*c2c.Actor {
	t.Helper()
	var all []*c2c.Actor
	for page := 0; ; page++ {
		if page > total/q.First+1 {
			t.Errorf("Actors %+v: more pages than %d results need", q.Filter, total)
			return all
		}
		p, err := s.Actors(t.Context(), q)
		if err != nil {
			t.Errorf("Actors %+v page %d: %v", q.Filter, page, err)
			return all
		}
		if len(p.Actors) > q.First {
			t.Errorf("Actors %+v page %d: %d actors, more than First=%d", q.Filter, page, len(p.Actors), q.First)
		}
		all = append(all, p.Actors...)
		if got, want := p.HasNext, len(all) < total; got != want {
			t.Errorf("Actors %+v %s page %d: HasNext = %v with %d of %d seen", q.Filter, q.Order, page, got, len(all), total)
		}
		if q.WantTotal {
			if got, want := p.TotalCount, total; got != want {
				t.Errorf("Actors %+v page %d: TotalCount = %d, want %d", q.Filter, page, got, want)
			}
		}
		if !p.HasNext || len(p.Actors) == 0 {
			return all
		}
		c := c2c.ActorCursor(q.Order, p.Actors[len(p.Actors)-1])
		q.After = &c
	}
}

// testKeysetStability inserts actors before and after the cursor between
// two pages: the next page continues exactly after the last item seen.
func testKeysetStability(t *testing.T, s c2c.Store) {
	m, _ := mustImport(t, s, GenerateBatch(7, 60, 50))
	ctx := t.Context()
	for _, order := range actorOrders {
		q := c2c.ActorQuery{Order: order, First: 10}
		p, err := s.Actors(ctx, q)
		mustNoError(t, "first page", err)
		if len(p.Actors) != 10 {
			t.Fatalf("first page has %d actors, want 10", len(p.Actors))
		}
		last := p.Actors[len(p.Actors)-1]
		seen := map[string]bool{}
		for _, a := range p.Actors {
			seen[a.ID] = true
		}
		// Under each order one of these sorts before every actor of the
		// first page and the other after every actor.
		slug := strings.ToLower(strings.ReplaceAll(string(order), "_", "-"))
		for _, a := range []c2c.Actor{
			{ID: "0000-" + slug, Kind: c2c.ActorOrganisation, Name: "Aaaa " + slug},
			{ID: "zzzz-" + slug, Kind: c2c.ActorOrganisation, Name: "Zzzz " + slug},
		} {
			if _, err := s.CreateActor(ctx, a); err != nil {
				t.Fatalf("create actor between pages: %v", err)
			}
			m.putActor(a)
		}
		want := actorsAfter(m.queryActors(c2c.ActorFilter{}, order), order, last)
		c := c2c.ActorCursor(order, last)
		got := walkActors(t, s, c2c.ActorQuery{Order: order, First: 10, After: &c}, len(want))
		for _, a := range got {
			if seen[a.ID] {
				t.Errorf("%s: actor %s of the first page came again after inserting before the cursor", order, a.ID)
			}
		}
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("%s: pages after the cursor once actors were inserted (-want +got):\n%s", order, diff)
		}
	}
}

// --- search ---

func searchTexts(m *model) []string {
	texts := []string{
		"Sao Paulo", "são paulo", "SAO", "paulo", "Durban", "durb", "eThekwini", "thekwini",
		"koln", "Cologne", "natal", "kwazulu natal", "uclg", "cglu", "nampula", "tanger",
		"l'hospitalet", "saint etienne", "etienne", "ao", "a", "e", "zz no match",
		"' OR 1=1 --", "%", "_", "%%", "100%", "cidades_rede", "a%", "o_o", "\\", "\"", "`; DROP TABLE actors; --",
		"MATCH (n) DETACH DELETE n", "})-[r]-(", "$x",
	}
	// Words from generated names, whole and in parts.
	for _, a := range m.actorList()[:min(8, len(m.actors))] {
		f := c2c.Fold(a.Name)
		texts = append(texts, a.Name, f[:min(3, len(f))], f[len(f)/2:])
	}
	return texts
}

func testSearch(t *testing.T, s c2c.Store, m *model) {
	for _, text := range searchTexts(m) {
		for _, limit := range []int{1, 5, c2c.MaxSearchResults} {
			got, err := s.Search(t.Context(), text, limit)
			if c2c.Fold(text) == "" {
				// Nothing is left to search for: either an invalid-input
				// error or no hits, never an internal failure or a list
				// built from the raw text.
				if err != nil {
					wantError(t, fmt.Sprintf("Search(%q)", text), err, c2c.KindInvalid, "")
				} else if len(got) > 0 && len(got) != min(limit, len(m.actors)) {
					t.Errorf("Search(%q, %d) = %d hits, want none", text, limit, len(got))
				}
				continue
			}
			if err != nil {
				t.Errorf("Search(%q, %d): %v", text, limit, err)
				continue
			}
			want := m.search(text, limit)
			if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
				t.Errorf("Search(%q, %d) (-want +got):\n%s", text, limit, diff)
			}
		}
	}
}

func testSearchSpecifics(t *testing.T, s c2c.Store, m *model) {
	ctx := t.Context()
	hitIDs := func(text string) []string {
		t.Helper()
		hits, err := s.Search(ctx, text, c2c.MaxSearchResults)
		mustNoError(t, "search "+text, err)
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Actor.ID)
		}
		return ids
	}
	if ids := hitIDs("Sao Paulo"); !slices.Contains(ids, "sao-paulo") {
		t.Errorf(`Search("Sao Paulo") = %v, want São Paulo (sao-paulo) among the hits`, ids)
	}
	if ids := hitIDs("Durban"); len(ids) == 0 || ids[0] != "ethekwini" {
		t.Errorf(`Search("Durban") = %v, want eThekwini first`, ids)
	}
	if ids := hitIDs("' OR 1=1 --"); len(ids) != 0 {
		t.Errorf(`Search("' OR 1=1 --") = %v, want nothing`, ids)
	}
	// Ranks: exact > prefix > word prefix > substring, checked on names
	// that show each.
	hits, err := s.Search(ctx, "paulo", c2c.MaxSearchResults)
	mustNoError(t, "search paulo", err)
	for i := 1; i < len(hits); i++ {
		if hits[i].Rank > hits[i-1].Rank {
			t.Errorf(`Search("paulo"): rank %d after rank %d`, hits[i].Rank, hits[i-1].Rank)
		}
	}
	for _, h := range hits {
		if got, want := h.Rank, c2c.MatchRank("paulo", h.Actor.Names()); got != want {
			t.Errorf(`Search("paulo"): %s has rank %d, want %d`, h.Actor.ID, got, want)
		}
	}
}

// testSearchFollowsWrites checks that search sees creates, renames,
// alternative names, imports and deletes at once (a store with a search
// index must keep it in step with the actors).
func testSearchFollowsWrites(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	ids := func(text string) []string {
		t.Helper()
		hits, err := s.Search(ctx, text, c2c.MaxSearchResults)
		mustNoError(t, fmt.Sprintf("Search(%q)", text), err)
		var out []string
		for _, h := range hits {
			out = append(out, h.Actor.ID)
		}
		return out
	}
	want := func(text string, wantIDs ...string) {
		t.Helper()
		if got := ids(text); !slices.Equal(got, wantIDs) {
			t.Errorf("Search(%q) = %v, want %v", text, got, wantIDs)
		}
	}
	_, err := s.CreateActor(ctx, c2c.Actor{ID: "qx-town", Kind: c2c.ActorCity, Name: "Qzxwy Town", Country: "BR"})
	mustNoError(t, "CreateActor", err)
	want("zxw", "qx-town")
	want("qzxwy town", "qx-town")
	want("zx", "qx-town") // shorter than a trigram

	name, alt := "Vrbk Ford", []string{"Jqpl"}
	_, err = s.UpdateActor(ctx, "qx-town", c2c.ActorPatch{Name: &name, AltNames: &alt})
	mustNoError(t, "UpdateActor", err)
	want("zxw")
	want("vrbk", "qx-town")
	want("jqp", "qx-town")

	b := c2c.Batch{Actors: []c2c.Actor{{ID: "qx-town", Kind: c2c.ActorCity, Name: "Wmfh Bay", Country: "BR"}, {ID: "qx-port", Kind: c2c.ActorCity, Name: "Wmfh Port", Country: "BR"}}}
	_, err = s.Import(ctx, b)
	mustNoError(t, "Import", err)
	want("vrbk")
	want("wmfh", "qx-town", "qx-port")

	_, err = s.DeleteActor(ctx, "qx-town", false)
	mustNoError(t, "DeleteActor", err)
	want("wmfh", "qx-port")
}
