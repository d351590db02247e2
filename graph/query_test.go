package graph_test

import (
	"context"
	"sort"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

func TestActorFields(t *testing.T) {
	s := mustDemoStore(t)
	c := newClient(t, s)
	ctx := context.Background()
	want := mustActor(t, s, demo.SaoPaulo)

	var got struct {
		Actor struct {
			ID, Kind, Name string
			AltNames       []string
			Country        struct {
				Code, Name, Region, SubRegion, RegionCode string
				Status                                    string
				IncomeGroup                               *string
			}
			Coordinates struct{ Lat, Lon float64 }
			WikidataID  *string
			GeonamesID  *int
			Summary     *string
			SouthStatus string
			Exchanges   []struct{ ID string }
			Partners    []struct {
				Partner   struct{ ID string }
				Exchanges int
				Themes    []struct{ ID, Label string }
			}
			Memberships []struct{ ID string }
			Region      *struct {
				ID     string
				Cities []struct{ ID string }
			}
		}
	}
	mustQuery(t, c, `{ actor(id: "`+demo.SaoPaulo+`") {
		id kind name altNames
		country { code name region subRegion regionCode status(definition: G77) incomeGroup }
		coordinates { lat lon } wikidataId geonamesId summary
		southStatus(definition: WORLD_BANK_NON_HIGH_INCOME)
		exchanges { id } partners { partner { id } exchanges themes { id label } } memberships { id }
		... on City { region { id cities { id } } }
	} }`, &got)

	a := got.Actor
	if a.ID != want.ID || a.Kind != string(want.Kind) || a.Name != want.Name {
		t.Errorf("actor = %s %s %s, want %s %s %s", a.ID, a.Kind, a.Name, want.ID, want.Kind, want.Name)
	}
	if diff := cmp.Diff(want.AltNames, a.AltNames); diff != "" {
		t.Errorf("altNames (-want +got):\n%s", diff)
	}
	country, _ := c2c.CountryByCode(want.Country)
	if a.Country.Code != country.Code || a.Country.Region != country.Region || a.Country.Status != string(country.Status(c2c.DefG77)) {
		t.Errorf("country = %+v, want %+v", a.Country, country)
	}
	if a.Coordinates.Lat != want.Coords.Lat || a.Coordinates.Lon != want.Coords.Lon {
		t.Errorf("coordinates = %+v, want %+v", a.Coordinates, *want.Coords)
	}
	if a.WikidataID == nil || *a.WikidataID != want.WikidataID || a.GeonamesID == nil || int64(*a.GeonamesID) != want.GeoNamesID {
		t.Errorf("external ids = %v %v, want %s %d", a.WikidataID, a.GeonamesID, want.WikidataID, want.GeoNamesID)
	}
	if got, want := a.SouthStatus, string(c2c.StatusOf(c2c.DefWorldBankNonHighIncome, want.Country)); got != want {
		t.Errorf("southStatus = %s, want %s", got, want)
	}
	xs, err := s.ExchangesByActors(ctx, []string{want.ID}, c2c.ExchangeFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(a.Exchanges), exchangeIDs(xs[want.ID]); !cmp.Equal(got, want) {
		t.Errorf("exchanges = %v, want %v", got, want)
	}
	ps, err := s.PartnersByActors(ctx, []string{want.ID}, c2c.ExchangeFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Partners) != len(ps[want.ID]) {
		t.Fatalf("partners = %+v, want %d", a.Partners, len(ps[want.ID]))
	}
	for i, p := range ps[want.ID] {
		if g := a.Partners[i]; g.Partner.ID != p.PartnerID || g.Exchanges != p.Exchanges || len(g.Themes) != len(p.Themes) {
			t.Errorf("partner %d = %+v, want %+v", i, g, p)
		}
	}
	if a.Region == nil || a.Region.ID != want.RegionID {
		t.Fatalf("region = %+v, want %s", a.Region, want.RegionID)
	}
	if !contains(ids(a.Region.Cities), want.ID) {
		t.Errorf("cities of %s = %v, want to include %s", want.RegionID, ids(a.Region.Cities), want.ID)
	}
}

func TestNode(t *testing.T) {
	b := storetest.GenerateBatch(3, 30, 60)
	s := mustStore(t, b)
	c := newClient(t, s)
	if len(b.Memberships) == 0 {
		t.Fatal("generated batch has no memberships")
	}
	for _, tc := range []struct{ id, typename string }{
		{b.Actors[0].ID, kindTypename(b.Actors[0].Kind)},
		{b.Exchanges[0].ID, "Exchange"},
		{b.Memberships[0].ID, "Membership"},
	} {
		var got struct {
			Node *struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
		mustQuery(t, c, `query($id: ID!) { node(id: $id) { __typename id } }`, &got, client.Var("id", tc.id))
		if got.Node == nil || got.Node.ID != tc.id || got.Node.Typename != tc.typename {
			t.Errorf("node(%s) = %+v, want %s", tc.id, got.Node, tc.typename)
		}
	}
	var missing struct{ Node *struct{ ID string } }
	mustQuery(t, c, `{ node(id: "no-such-thing") { id } }`, &missing)
	if missing.Node != nil {
		t.Errorf("node(no-such-thing) = %+v, want null", missing.Node)
	}
}

func TestActorsPaginationWalk(t *testing.T) {
	b := storetest.GenerateBatch(7, 45, 80)
	s := mustStore(t, b)
	c := newClient(t, s)

	for _, order := range []c2c.ActorOrder{c2c.OrderNameAsc, c2c.OrderNameDesc, c2c.OrderIDAsc} {
		var seen []string
		after := ""
		for page := 0; ; page++ {
			if page > 20 {
				t.Fatalf("%s: too many pages", order)
			}
			var got struct {
				Actors struct {
					Edges []struct {
						Cursor string
						Node   struct{ ID, Name string }
					}
					PageInfo struct {
						HasNextPage, HasPreviousPage bool
						EndCursor                    *string
					}
				}
			}
			opts := []client.Option{client.Var("order", order)}
			q := `query($order: ActorOrder) { actors(first: 7, orderBy: $order) { edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
			if after != "" {
				q = `query($order: ActorOrder, $after: String) { actors(first: 7, orderBy: $order, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
				opts = append(opts, client.Var("after", after))
			}
			mustQuery(t, c, q, &got, opts...)
			if got.Actors.PageInfo.HasPreviousPage != (page > 0) {
				t.Errorf("%s page %d: hasPreviousPage = %v", order, page, got.Actors.PageInfo.HasPreviousPage)
			}
			for _, e := range got.Actors.Edges {
				seen = append(seen, e.Node.ID)
			}
			if !got.Actors.PageInfo.HasNextPage {
				break
			}
			after = *got.Actors.PageInfo.EndCursor
		}
		want := sortedActorIDs(b.Actors, order)
		if diff := cmp.Diff(want, seen); diff != "" {
			t.Errorf("%s walk (-want +got):\n%s", order, diff)
		}
	}
}

// sortedActorIDs orders the actors independently of any store.
func sortedActorIDs(as []c2c.Actor, order c2c.ActorOrder) []string {
	as = append([]c2c.Actor(nil), as...)
	sort.Slice(as, func(i, j int) bool {
		a, b := as[i], as[j]
		switch order {
		case c2c.OrderIDAsc:
			return a.ID < b.ID
		case c2c.OrderNameDesc:
			if fa, fb := c2c.Fold(a.Name), c2c.Fold(b.Name); fa != fb {
				return fa > fb
			}
			return a.ID < b.ID // ties stay in ascending id
		default:
			if fa, fb := c2c.Fold(a.Name), c2c.Fold(b.Name); fa != fb {
				return fa < fb
			}
			return a.ID < b.ID
		}
	})
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func TestTotalCountOnlyWhenSelected(t *testing.T) {
	b := storetest.GenerateBatch(11, 40, 60)
	s := mustStore(t, b)
	c := newClient(t, s)

	var got struct {
		Actors struct{ TotalCount int }
	}
	with := mustQuery(t, c, `{ actors(first: 5, filter: {kinds: [CITY]}) { totalCount edges { node { id } } } }`, &got)
	without := mustQuery(t, c, `{ actors(first: 5, filter: {kinds: [CITY]}) { edges { node { id } } } }`, nil)
	cities := 0
	for _, a := range b.Actors {
		if a.Kind == c2c.ActorCity {
			cities++
		}
	}
	if got.Actors.TotalCount != cities {
		t.Errorf("totalCount = %d, want %d", got.Actors.TotalCount, cities)
	}
	if with.RoundTrips <= without.RoundTrips {
		t.Errorf("round trips with totalCount = %d, without = %d: the count should cost a round trip only when selected", with.RoundTrips, without.RoundTrips)
	}

	var xs struct {
		Exchanges struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	mustQuery(t, c, `{ exchanges(first: 100, orderBy: ID_ASC) { totalCount edges { node { id } } } }`, &xs)
	if got, want := xs.Exchanges.TotalCount, len(b.Exchanges); got != want {
		t.Errorf("exchanges totalCount = %d, want %d", got, want)
	}
}

func TestExchangesFilters(t *testing.T) {
	b := storetest.GenerateBatch(5, 40, 120)
	s := mustStore(t, b)
	c := newClient(t, s)
	ctx := context.Background()

	theme := b.Exchanges[0].Themes[0]
	kind := b.Exchanges[0].Kind
	for _, tc := range []struct {
		name   string
		filter string
		domain c2c.ExchangeFilter
	}{
		{"theme", `{themesAny: ["` + theme + `"]}`, c2c.ExchangeFilter{ThemesAny: []string{theme}}},
		{"kind", `{kinds: [` + string(kind) + `]}`, c2c.ExchangeFilter{Kinds: []c2c.ExchangeKind{kind}}},
		{"window", `{from: "2012", to: "2015-06"}`, c2c.ExchangeFilter{From: c2c.MustDate("2012"), To: c2c.MustDate("2015-06")}},
		{"southSouth", `{southSouth: G77}`, c2c.ExchangeFilter{Class: &c2c.ClassFilter{Definition: c2c.DefG77, Class: c2c.ClassSouthSouth}}},
		{"classification", `{classification: {definition: M49_DEVELOPING_2020, class: NORTH_SOUTH}}`, c2c.ExchangeFilter{Class: &c2c.ClassFilter{Definition: c2c.DefM49Developing2020, Class: c2c.ClassNorthSouth}}},
		{"actor", `{actor: "` + b.Exchanges[0].SourceID + `", directed: true}`, c2c.ExchangeFilter{ActorID: b.Exchanges[0].SourceID, Directed: ptr(true)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				Exchanges struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
			}
			mustQuery(t, c, `{ exchanges(first: 100, orderBy: ID_ASC, filter: `+tc.filter+`) { totalCount edges { node { id } } } }`, &got)
			g, err := s.Edges(ctx, tc.domain)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []string
			for _, e := range got.Exchanges.Edges {
				gotIDs = append(gotIDs, e.Node.ID)
			}
			if want := exchangeIDs(g.Edges); !cmp.Equal(gotIDs, want) {
				t.Errorf("ids = %v, want %v", gotIDs, want)
			}
			if got.Exchanges.TotalCount != len(g.Edges) {
				t.Errorf("totalCount = %d, want %d", got.Exchanges.TotalCount, len(g.Edges))
			}
		})
	}
}

func TestExchangeFields(t *testing.T) {
	s := mustDemoStore(t)
	c := newClient(t, s)
	var want *c2c.Exchange
	for _, x := range demo.Batch().Exchanges {
		if len(x.Facilitators) > 0 && x.Programme != "" {
			x := x
			want = &x
			break
		}
	}
	if want == nil {
		t.Skip("demo data has no facilitated programme exchange")
	}
	var got struct {
		Exchange struct {
			ID, Title, Kind     string
			Source, Target      struct{ ID string }
			Themes              []struct{ ID, Label string }
			Start, End          *string
			DateNote, Programme *string
			Facilitators        []struct{ ID string }
			Directed            bool
			Classification      string
		}
	}
	mustQuery(t, c, `query($id: ID!) { exchange(id: $id) { id title kind source { id } target { id } themes { id label }
		start end dateNote programme facilitators { id } directed classification(definition: G77) } }`, &got, client.Var("id", want.ID))
	x := got.Exchange
	want.Normalize()
	if x.Source.ID != want.SourceID || x.Target.ID != want.TargetID || x.Kind != string(want.Kind) || x.Directed != want.Directed {
		t.Errorf("exchange = %+v, want %+v", x, want)
	}
	if deref(x.Programme) != want.Programme || deref(x.Start) != c2c.DateString(want.Start) {
		t.Errorf("programme, start = %v %v, want %s %s", deref(x.Programme), deref(x.Start), want.Programme, c2c.DateString(want.Start))
	}
	if got, want := ids(x.Facilitators), want.Facilitators; !cmp.Equal(got, want) {
		t.Errorf("facilitators = %v, want %v", got, want)
	}
	var themeIDs []string
	for _, th := range x.Themes {
		themeIDs = append(themeIDs, th.ID)
		if th.Label == "" || th.Label == th.ID {
			t.Errorf("theme %s has no label from the vocabulary", th.ID)
		}
	}
	if !cmp.Equal(themeIDs, want.Themes) {
		t.Errorf("themes = %v, want %v", themeIDs, want.Themes)
	}
	src, tgt := mustActor(t, s, want.SourceID), mustActor(t, s, want.TargetID)
	if got, want := x.Classification, string(c2c.Classify(c2c.DefG77, src.Country, tgt.Country)); got != want {
		t.Errorf("classification = %s, want %s", got, want)
	}
}

func TestThemesCountriesSearchNeighbourhood(t *testing.T) {
	s := mustDemoStore(t)
	c := newClient(t, s)
	ctx := context.Background()

	var th struct {
		Themes []struct {
			ID        string
			Exchanges int
		}
	}
	mustQuery(t, c, `{ themes { id exchanges } }`, &th)
	counts := map[string]int{}
	for _, x := range demo.Batch().Exchanges {
		for _, id := range x.Themes {
			counts[id]++
		}
	}
	for _, tc := range th.Themes {
		if tc.Exchanges != counts[tc.ID] {
			t.Errorf("theme %s: %d exchanges, want %d", tc.ID, tc.Exchanges, counts[tc.ID])
		}
	}

	var cs struct {
		Countries []struct {
			Code   string
			Status string
		}
	}
	mustQuery(t, c, `{ countries(filter: {m49Regions: ["002"]}) { code status(definition: G77) } }`, &cs)
	want := c2c.CountriesInM49("002")
	sort.Strings(want)
	var got []string
	for _, x := range cs.Countries {
		got = append(got, x.Code)
	}
	if !cmp.Equal(got, want) {
		t.Errorf("African countries = %v, want %v", got, want)
	}

	var hits struct {
		Search []struct {
			Actor struct{ ID string }
			Rank  int
		}
	}
	mustQuery(t, c, `{ search(text: "Sao Paulo") { actor { id } rank } }`, &hits)
	wantHits, err := s.Search(ctx, c2c.Fold("Sao Paulo"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits.Search) != len(wantHits) || len(hits.Search) == 0 || hits.Search[0].Actor.ID != wantHits[0].Actor.ID {
		t.Errorf("search = %+v, want %d hits starting with %s", hits.Search, len(wantHits), wantHits[0].Actor.ID)
	}
	var durban struct {
		Search []struct{ Actor struct{ ID string } }
	}
	mustQuery(t, c, `{ search(text: "durban", first: 1) { actor { id } } }`, &durban)
	if len(durban.Search) != 1 || durban.Search[0].Actor.ID != demo.EThekwini {
		t.Errorf("search durban = %+v, want %s", durban.Search, demo.EThekwini)
	}

	var nb struct {
		Neighbourhood struct {
			Nodes  []struct{ ID string }
			Edges  []struct{ ID string }
			Depths []struct {
				Actor string
				Depth int
			}
			Truncated bool
		}
	}
	mustQuery(t, c, `{ neighbourhood(actor: "`+demo.EThekwini+`", depth: 2) { nodes { id } edges { id } depths { actor depth } truncated } }`, &nb)
	g, err := s.Neighbourhood(ctx, c2c.NeighbourhoodQuery{Centre: demo.EThekwini, Depth: 2, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(nb.Neighbourhood.Nodes), actorIDs(g.Nodes); !cmp.Equal(got, want) {
		t.Errorf("nodes = %v, want %v", got, want)
	}
	if got, want := ids(nb.Neighbourhood.Edges), exchangeIDs(g.Edges); !cmp.Equal(got, want) {
		t.Errorf("edges = %v, want %v", got, want)
	}
	for _, d := range nb.Neighbourhood.Depths {
		if d.Depth != g.Depth[d.Actor] {
			t.Errorf("depth of %s = %d, want %d", d.Actor, d.Depth, g.Depth[d.Actor])
		}
	}
}

func TestMembershipsAndMembers(t *testing.T) {
	b := storetest.GenerateBatch(9, 40, 40)
	s := mustStore(t, b)
	c := newClient(t, s)
	m := b.Memberships[0]
	var got struct {
		Actor struct {
			Memberships []struct {
				ID           string
				Organisation struct {
					ID      string
					Members []struct {
						ID    string
						Actor struct{ ID string }
					}
				}
			}
		}
	}
	mustQuery(t, c, `query($id: ID!) { actor(id: $id) { memberships { id organisation { id members { id actor { id } } } } } }`, &got, client.Var("id", m.ActorID))
	var found bool
	for _, g := range got.Actor.Memberships {
		if g.ID == m.ID {
			found = true
			if g.Organisation.ID != m.OrganisationID {
				t.Errorf("organisation = %s, want %s", g.Organisation.ID, m.OrganisationID)
			}
			var members []string
			for _, mm := range g.Organisation.Members {
				members = append(members, mm.Actor.ID)
			}
			if !contains(members, m.ActorID) {
				t.Errorf("members of %s = %v, want to include %s", m.OrganisationID, members, m.ActorID)
			}
		}
	}
	if !found {
		t.Errorf("memberships of %s = %+v, want %s", m.ActorID, got.Actor.Memberships, m.ID)
	}
}

// The depth-3 query costs a bounded number of round trips whatever the
// number of actors it walks.
func TestRoundTripsBoundedByDepth(t *testing.T) {
	s := mustStore(t, storetest.GenerateBatch(21, 120, 400))
	c := newClient(t, s)
	const q = `query($n: Int) { actors(first: $n) { edges { node { name partners { partner { name exchanges { source { name } target { name } } } } } } } }`
	trips := map[int]int{}
	for _, n := range []int{5, 20, 50} {
		r := mustQuery(t, c, q, nil, client.Var("n", n))
		trips[n] = r.RoundTrips
	}
	// actors page, partners, partner actors, exchanges, exchange ends: at
	// most a few round trips per level, never one per item.
	const bound = 10
	for n, got := range trips {
		if got > bound || got == 0 {
			t.Errorf("first %d: %d round trips, want 1..%d", n, got, bound)
		}
	}
	if trips[20] != trips[50] {
		t.Errorf("round trips for 20 actors = %d, for 50 = %d: want the same", trips[20], trips[50])
	}
}

func mustActor(t *testing.T, s c2c.Store, id string) *c2c.Actor {
	t.Helper()
	as, err := s.ActorsByIDs(context.Background(), []string{id})
	if err != nil || as[0] == nil {
		t.Fatalf("actor %s: %v", id, err)
	}
	return as[0]
}

func ids[T interface{ ~struct{ ID string } }](xs []T) []string {
	var out []string
	for _, x := range xs {
		out = append(out, struct{ ID string }(x).ID)
	}
	return out
}

func exchangeIDs(xs []*c2c.Exchange) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.ID)
	}
	return out
}

func actorIDs(as []*c2c.Actor) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func kindTypename(k c2c.ActorKind) string {
	switch k {
	case c2c.ActorCity:
		return "City"
	case c2c.ActorRegion:
		return "Region"
	}
	return "Organisation"
}

func ptr[T any](v T) *T { return &v }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
