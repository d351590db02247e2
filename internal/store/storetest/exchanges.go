package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
)

func testExchangeCRUD(t *testing.T, open func(t *testing.T) c2c.Store) {
	t.Run("CreateAndRead", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ids := append(sortedKeys(m.exchanges), "no-such-exchange")
		slices.Reverse(ids)
		ids = append(ids, ids[2])
		got, err := s.ExchangesByIDs(t.Context(), ids)
		mustNoError(t, "ExchangesByIDs", err)
		want := make([]*c2c.Exchange, len(ids))
		for i, id := range ids {
			if x, ok := m.exchanges[id]; ok {
				want[i] = copyExchange(x)
			}
		}
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("ExchangesByIDs in the asked order (-want +got):\n%s", diff)
		}
	})

	t.Run("MutualEndsInIDOrder", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, c2c.Batch{Actors: []c2c.Actor{
			{ID: "b-city", Kind: c2c.ActorCity, Name: "B", Country: "ZA"},
			{ID: "a-city", Kind: c2c.ActorCity, Name: "A", Country: "BR"},
		}})
		x := c2c.Exchange{ID: "twinning", SourceID: "b-city", TargetID: "a-city", Title: " Twinning ", Kind: c2c.KindTwinning, Themes: []string{"friendship", "culture", "friendship"}}
		got, err := s.CreateExchange(t.Context(), x)
		mustNoError(t, "create mutual exchange", err)
		if got.SourceID != "a-city" || got.TargetID != "b-city" {
			t.Errorf("mutual exchange stored as %s → %s, want the ends in id order a-city, b-city", got.SourceID, got.TargetID)
		}
		want := m.putExchange(x)
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("CreateExchange normalised (-want +got):\n%s", diff)
		}
		checkState(t, s, m)
	})

	t.Run("Invalid", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ex := func(edit func(x *c2c.Exchange)) c2c.Exchange {
			x := c2c.Exchange{ID: "new-exchange", SourceID: "ethekwini", TargetID: "sao-paulo", Title: "New", Kind: c2c.KindWorkshop, Themes: []string{"housing"}, Directed: true}
			edit(&x)
			return x
		}
		cases := []struct {
			name  string
			x     c2c.Exchange
			kind  c2c.ErrorKind
			field string
		}{
			{"duplicate id", ex(func(x *c2c.Exchange) { x.ID = "ukzn-sao-paulo" }), c2c.KindConflict, ""},
			{"bad id", ex(func(x *c2c.Exchange) { x.ID = "-bad" }), c2c.KindInvalid, "id"},
			{"missing source", ex(func(x *c2c.Exchange) { x.SourceID = "no-such-actor" }), c2c.KindInvalid, "source"},
			{"missing target", ex(func(x *c2c.Exchange) { x.TargetID = "no-such-actor" }), c2c.KindInvalid, "target"},
			{"same ends", ex(func(x *c2c.Exchange) { x.TargetID = x.SourceID }), c2c.KindInvalid, "target"},
			{"unknown theme", ex(func(x *c2c.Exchange) { x.Themes = []string{"housing", "zz-not-a-theme"} }), c2c.KindInvalid, "themes[1]"},
			{"malformed theme", ex(func(x *c2c.Exchange) { x.Themes = []string{"Not A Theme"} }), c2c.KindInvalid, "themes[0]"},
			{"missing facilitator", ex(func(x *c2c.Exchange) { x.Facilitators = []string{"no-such-actor"} }), c2c.KindInvalid, "facilitators[0]"},
			{"no title", ex(func(x *c2c.Exchange) { x.Title = "" }), c2c.KindInvalid, "title"},
			{"bad kind", ex(func(x *c2c.Exchange) { x.Kind = "PARTY" }), c2c.KindInvalid, "kind"},
			{"end without start", ex(func(x *c2c.Exchange) { x.End = d("2014") }), c2c.KindInvalid, "end"},
			{"end before start", ex(func(x *c2c.Exchange) { x.Start, x.End = d("2014-06"), d("2014-05-31") }), c2c.KindInvalid, "end"},
			{"bad url", ex(func(x *c2c.Exchange) { x.SourceURL = "javascript:alert(1)" }), c2c.KindInvalid, "sourceUrl"},
		}
		for _, c := range cases {
			_, err := s.CreateExchange(t.Context(), c.x)
			wantError(t, "CreateExchange "+c.name, err, c.kind, c.field)
		}
		checkState(t, s, m)
	})

	t.Run("Update", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ctx := t.Context()
		update := func(id string, p c2c.ExchangePatch) {
			t.Helper()
			got, err := s.UpdateExchange(ctx, id, p)
			mustNoError(t, "update exchange "+id, err)
			want := copyExchange(m.exchanges[id])
			p.Apply(want)
			want = m.putExchange(*want)
			if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
				t.Errorf("UpdateExchange(%s) returned (-want +got):\n%s", id, diff)
			}
		}
		update("durban-sao-paulo-isu", c2c.ExchangePatch{Start: d("2013-07-28"), End: d("2013-07-30"), DateNote: ptr("")})
		update("durban-sao-paulo-isu", c2c.ExchangePatch{Title: ptr("Durban delegation in São Paulo")})
		update("durban-sao-paulo-isu", c2c.ExchangePatch{Themes: &[]string{customTheme.ID, "housing"}})
		update("jhb-spstate-johannesburg", c2c.ExchangePatch{ClearStart: true, ClearEnd: true})
		update("jhb-spstate-johannesburg", c2c.ExchangePatch{Directed: ptr(false)})
		update("ethekwini-johannesburg", c2c.ExchangePatch{Directed: ptr(true), SourceID: ptr("johannesburg"), TargetID: ptr("ethekwini")})
		update("ukzn-sao-paulo", c2c.ExchangePatch{Facilitators: &[]string{"uclg", "salga"}, Programme: ptr("AL-LAS"), Event: ptr("Durban delegation")})
		update("ukzn-sao-paulo", c2c.ExchangePatch{Facilitators: &[]string{}, Themes: &[]string{}, Programme: ptr("")})
		update("abahlali-sao-paulo", c2c.ExchangePatch{})
		checkState(t, s, m)

		bad := []struct {
			name  string
			id    string
			patch c2c.ExchangePatch
			kind  c2c.ErrorKind
			field string
		}{
			{"missing exchange", "no-such-exchange", c2c.ExchangePatch{Title: ptr("X")}, c2c.KindNotFound, ""},
			{"missing source", "ukzn-sao-paulo", c2c.ExchangePatch{SourceID: ptr("no-such-actor")}, c2c.KindInvalid, "source"},
			{"missing target", "ukzn-sao-paulo", c2c.ExchangePatch{TargetID: ptr("no-such-actor")}, c2c.KindInvalid, "target"},
			{"unknown theme", "ukzn-sao-paulo", c2c.ExchangePatch{Themes: &[]string{"zz-unknown"}}, c2c.KindInvalid, "themes[0]"},
			{"missing facilitator", "ukzn-sao-paulo", c2c.ExchangePatch{Facilitators: &[]string{"no-such-actor"}}, c2c.KindInvalid, "facilitators[0]"},
			{"empty title", "ukzn-sao-paulo", c2c.ExchangePatch{Title: ptr("")}, c2c.KindInvalid, "title"},
			{"end before start", "ukzn-sao-paulo", c2c.ExchangePatch{End: d("2012")}, c2c.KindInvalid, "end"},
			{"end without start", "abahlali-sao-paulo", c2c.ExchangePatch{ClearStart: true, End: d("2014")}, c2c.KindInvalid, "end"},
		}
		for _, c := range bad {
			_, err := s.UpdateExchange(ctx, c.id, c.patch)
			wantError(t, "UpdateExchange "+c.name, err, c.kind, c.field)
		}
		checkState(t, s, m)
	})

	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ctx := t.Context()
		for _, id := range []string{"durban-sao-paulo-isu", "jhb-salga-dhs"} {
			xs, err := s.ExchangesByIDs(ctx, []string{id})
			mustNoError(t, "read exchange "+id, err)
			before := xs[0]
			got, err := s.DeleteExchange(ctx, id)
			mustNoError(t, "delete exchange "+id, err)
			if diff := cmp.Diff(before, got, cmpOpts...); diff != "" {
				t.Errorf("DeleteExchange(%s) returned another exchange than it deleted (-before +returned):\n%s", id, diff)
			}
			delete(m.exchanges, id)
			_, err = s.DeleteExchange(ctx, id)
			wantError(t, "DeleteExchange twice", err, c2c.KindNotFound, "")
		}
		_, err := s.DeleteExchange(ctx, "no-such-exchange")
		wantError(t, "DeleteExchange of a missing exchange", err, c2c.KindNotFound, "")
		checkState(t, s, m)
		// The ends are unchanged and can now be deleted when they have no
		// other edge.
		if _, err := s.DeleteActor(ctx, "dhs", false); err != nil {
			t.Errorf("DeleteActor(dhs) once its only exchange is gone: %v", err)
		}
		m.deleteActor("dhs")
		checkState(t, s, m)
	})
}

func testMembershipCRUD(t *testing.T, open func(t *testing.T) c2c.Store) {
	t.Run("CreateAndRead", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ids := append([]string{"no-such-membership"}, sortedKeys(m.memberships)...)
		slices.Reverse(ids)
		got, err := s.MembershipsByIDs(t.Context(), ids)
		mustNoError(t, "MembershipsByIDs", err)
		want := make([]*c2c.Membership, len(ids))
		for i, id := range ids {
			if ms, ok := m.memberships[id]; ok {
				want[i] = copyMembership(ms)
			}
		}
		if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
			t.Errorf("MembershipsByIDs in the asked order (-want +got):\n%s", diff)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		mem := func(edit func(ms *c2c.Membership)) c2c.Membership {
			ms := c2c.Membership{ID: "new-membership", ActorID: "johannesburg", OrganisationID: "uclg", Since: d("2004")}
			edit(&ms)
			return ms
		}
		cases := []struct {
			name  string
			ms    c2c.Membership
			kind  c2c.ErrorKind
			field string
		}{
			{"duplicate id", mem(func(ms *c2c.Membership) { ms.ID = "m-ethekwini-uclg" }), c2c.KindConflict, ""},
			{"bad id", mem(func(ms *c2c.Membership) { ms.ID = "" }), c2c.KindInvalid, "id"},
			{"missing actor", mem(func(ms *c2c.Membership) { ms.ActorID = "no-such-actor" }), c2c.KindInvalid, "actor"},
			{"missing organisation", mem(func(ms *c2c.Membership) { ms.OrganisationID = "no-such-org" }), c2c.KindInvalid, "organisation"},
			{"organisation is a city", mem(func(ms *c2c.Membership) { ms.OrganisationID = "ethekwini" }), c2c.KindInvalid, "organisation"},
			{"organisation is a region", mem(func(ms *c2c.Membership) { ms.OrganisationID = "gauteng" }), c2c.KindInvalid, "organisation"},
			{"member of itself", mem(func(ms *c2c.Membership) { ms.ActorID = "uclg" }), c2c.KindInvalid, "organisation"},
			{"until before since", mem(func(ms *c2c.Membership) { ms.Until = d("2003-12") }), c2c.KindInvalid, "until"},
			{"bad url", mem(func(ms *c2c.Membership) { ms.SourceURL = "ftp://x" }), c2c.KindInvalid, "sourceUrl"},
		}
		for _, c := range cases {
			_, err := s.CreateMembership(t.Context(), c.ms)
			wantError(t, "CreateMembership "+c.name, err, c.kind, c.field)
		}
		checkState(t, s, m)
	})

	t.Run("UpdateAndDelete", func(t *testing.T) {
		s := open(t)
		m := mustLoadByCreate(t, s, handBatch())
		ctx := t.Context()
		update := func(id string, p c2c.MembershipPatch) {
			t.Helper()
			got, err := s.UpdateMembership(ctx, id, p)
			mustNoError(t, "update membership "+id, err)
			want := copyMembership(m.memberships[id])
			p.Apply(want)
			want = m.putMembership(*want)
			if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
				t.Errorf("UpdateMembership(%s) returned (-want +got):\n%s", id, diff)
			}
		}
		update("m-ethekwini-uclg", c2c.MembershipPatch{Role: ptr(" co-president ")})
		update("m-ethekwini-uclg", c2c.MembershipPatch{ClearSince: true})
		update("m-madrid-uclg", c2c.MembershipPatch{ClearUntil: true, Since: d("2004-05-05")})
		update("m-chefchaouen-uclg", c2c.MembershipPatch{Since: d("2016"), Until: d("2018-03"), SourceURL: ptr("https://www.uclg.org/")})
		checkState(t, s, m)
		_, err := s.UpdateMembership(ctx, "no-such-membership", c2c.MembershipPatch{Role: ptr("x")})
		wantError(t, "UpdateMembership of a missing membership", err, c2c.KindNotFound, "")
		_, err = s.UpdateMembership(ctx, "m-sao-paulo-uclg", c2c.MembershipPatch{Until: d("2001")})
		wantError(t, "UpdateMembership until before since", err, c2c.KindInvalid, "until")
		checkState(t, s, m)

		ms, err := s.MembershipsByIDs(ctx, []string{"m-sao-paulo-uclg"})
		mustNoError(t, "read membership", err)
		got, err := s.DeleteMembership(ctx, "m-sao-paulo-uclg")
		mustNoError(t, "delete membership", err)
		if diff := cmp.Diff(ms[0], got, cmpOpts...); diff != "" {
			t.Errorf("DeleteMembership returned another membership than it deleted (-before +returned):\n%s", diff)
		}
		delete(m.memberships, "m-sao-paulo-uclg")
		_, err = s.DeleteMembership(ctx, "m-sao-paulo-uclg")
		wantError(t, "DeleteMembership twice", err, c2c.KindNotFound, "")
		checkState(t, s, m)
	})
}

func testThemes(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	m := newModel()
	checkState(t, s, m)
	b := c2c.Batch{Actors: []c2c.Actor{
		{ID: "durban", Kind: c2c.ActorCity, Name: "Durban", Country: "ZA"},
		{ID: "sao-paulo", Kind: c2c.ActorCity, Name: "São Paulo", Country: "BR"},
	}}
	m.add(b)
	_, err := s.Import(ctx, b)
	mustNoError(t, "import two cities", err)

	x := c2c.Exchange{ID: "x1", SourceID: "durban", TargetID: "sao-paulo", Title: "Land value capture", Kind: c2c.KindWorkshop, Themes: []string{"housing", "land-value-capture"}}
	_, err = s.CreateExchange(ctx, x)
	wantError(t, "exchange with a theme not yet in the vocabulary", err, c2c.KindInvalid, "themes[1]")

	th := c2c.Theme{ID: "land-value-capture", Label: "Land value capture"}
	got, err := s.UpsertTheme(ctx, th)
	mustNoError(t, "upsert theme", err)
	if diff := cmp.Diff(&th, got); diff != "" {
		t.Errorf("UpsertTheme returned (-want +got):\n%s", diff)
	}
	m.themes[th.ID] = th
	_, err = s.CreateExchange(ctx, x)
	mustNoError(t, "exchange with the new theme", err)
	m.putExchange(x)
	checkState(t, s, m)

	relabel := c2c.Theme{ID: "housing", Label: "Housing policy"}
	_, err = s.UpsertTheme(ctx, relabel)
	mustNoError(t, "relabel theme", err)
	m.themes["housing"] = relabel
	checkState(t, s, m)

	for _, bad := range []c2c.Theme{{ID: "Bad Theme", Label: "Bad"}, {ID: "", Label: "Empty"}} {
		_, err := s.UpsertTheme(ctx, bad)
		wantError(t, fmt.Sprintf("UpsertTheme(%q)", bad.ID), err, c2c.KindInvalid, "id")
	}
	_, err = s.UpsertTheme(ctx, c2c.Theme{ID: "no-label"})
	wantError(t, "UpsertTheme without a label", err, c2c.KindInvalid, "label")
	checkState(t, s, m)
}

// --- reads ---

func exchangeFilters(m *model) map[string]c2c.ExchangeFilter {
	tc := m.themeCounts()
	slices.SortStableFunc(tc, func(a, b c2c.ThemeCount) int { return b.Exchanges - a.Exchanges })
	t1, t2, t3 := tc[0].ID, tc[1].ID, tc[2].ID
	countries := presentCountries(m)
	deg := m.degrees()
	actorIDs := sortedKeys(deg)
	slices.SortStableFunc(actorIDs, func(a, b string) int { return deg[b] - deg[a] })
	hub, leaf := actorIDs[0], actorIDs[len(actorIDs)-1]
	programmes, events := map[string]bool{}, map[string]bool{}
	years := map[int]bool{}
	for _, x := range m.exchanges {
		if x.Programme != "" {
			programmes[x.Programme] = true
		}
		if x.Event != "" {
			events[x.Event] = true
		}
		if x.Start != nil {
			years[x.Start.Year] = true
		}
	}
	fs := map[string]c2c.ExchangeFilter{
		"all":                     {},
		"themesAny one":           {ThemesAny: []string{t1}},
		"themesAny two":           {ThemesAny: []string{t2, t3}},
		"themesAll two":           {ThemesAll: []string{t1, t2}},
		"themesAny and themesAll": {ThemesAny: []string{t2, t3}, ThemesAll: []string{t1}},
		"unused theme":            {ThemesAny: []string{"health"}},
		"kinds one":               {Kinds: []c2c.ExchangeKind{c2c.KindStudyVisit}},
		"kinds two":               {Kinds: []c2c.ExchangeKind{c2c.KindForum, c2c.KindMeeting}},
		"directed":                {Directed: ptr(true)},
		"mutual":                  {Directed: ptr(false)},
		"hub":                     {ActorID: hub},
		"leaf":                    {ActorID: leaf},
		"missing actor":           {ActorID: "no-such-actor"},
		"hub studies":             {ActorID: hub, Kinds: []c2c.ExchangeKind{c2c.KindStudyVisit, c2c.KindTechnicalVisit}},
		"text visit":              {Text: "visit"},
		"text são paulo":          {Text: "são paulo"},
		"text SAO PAULO":          {Text: "SAO-PAULO"},
		"text injection":          {Text: "' OR 1=1 --"},
		"text percent":            {Text: "100%"},
		"text underscore":         {Text: "budget_lines"},
		"programme missing":       {Programme: "NO SUCH PROGRAMME"},
		// Windows at every precision, open on either side; the day
		// windows fall inside, on the edge of and just outside spans of
		// the hand-written fixture.
		"from 2014":                {From: d("2014")},
		"to 2014":                  {To: d("2014")},
		"in 2014":                  {From: d("2014"), To: d("2014")},
		"in 2014-06":               {From: d("2014-06"), To: d("2014-06")},
		"on 2014-06-04":            {From: d("2014-06-04"), To: d("2014-06-04")},
		"on 2014-06-05":            {From: d("2014-06-05"), To: d("2014-06-05")},
		"on 2014-06-06":            {From: d("2014-06-06"), To: d("2014-06-06")},
		"on 2013-01-01":            {From: d("2013-01-01"), To: d("2013-01-01")},
		"on 2013-07-15":            {From: d("2013-07-15"), To: d("2013-07-15")},
		"from 2013-07-31":          {From: d("2013-07-31")},
		"to 2012-12-31":            {To: d("2012-12-31")},
		"2016-2017":                {From: d("2016"), To: d("2017-06")},
		"1000":                     {From: d("1000"), To: d("1000")},
		"window and theme":         {From: d("2010"), To: d("2020"), ThemesAny: []string{t1}},
		"window, hub and directed": {From: d("2000"), ActorID: hub, Directed: ptr(true)},
	}
	for y := range years {
		if y%3 == 0 {
			fs[fmt.Sprintf("year %d", y)] = c2c.ExchangeFilter{From: &c2c.PartialDate{Year: y}, To: &c2c.PartialDate{Year: y}}
		}
	}
	for p := range programmes {
		fs["programme "+p] = c2c.ExchangeFilter{Programme: p}
	}
	for e := range events {
		fs["event "+e] = c2c.ExchangeFilter{Event: e}
	}
	for i, c := range countries {
		if i >= 4 {
			break
		}
		fs["country "+c] = c2c.ExchangeFilter{Countries: []string{c}}
		if i > 0 {
			fs["countries "+countries[0]+","+c] = c2c.ExchangeFilter{Countries: []string{countries[0], c}}
		}
	}
	if len(countries) > 0 {
		fs["lower-case country"] = c2c.ExchangeFilter{Countries: []string{strings.ToLower(countries[0])}}
	}
	for _, def := range c2c.Definitions {
		for _, cl := range c2c.EdgeClasses {
			cf := &c2c.ClassFilter{Definition: def, Class: cl}
			fs["class "+string(def)+" "+string(cl)] = c2c.ExchangeFilter{Class: cf}
			if len(countries) > 0 {
				fs["class "+string(def)+" "+string(cl)+" directed in "+countries[0]] = c2c.ExchangeFilter{Class: cf, Directed: ptr(true), Countries: []string{countries[0]}}
			}
		}
	}
	return fs
}

var exchangeOrders = []c2c.ExchangeOrder{c2c.OrderStartAsc, c2c.OrderStartDesc, c2c.OrderTitleAsc, c2c.OrderExIDAsc}

func testExchangePages(t *testing.T, s c2c.Store, m *model, first int) {
	fs := exchangeFilters(m)
	for i, name := range sortedKeys(fs) {
		f := fs[name]
		orders := exchangeOrders
		if !everyOrderFilters[name] {
			orders = exchangeOrders[i%len(exchangeOrders) : i%len(exchangeOrders)+1]
		}
		for _, order := range orders {
			want := m.queryExchanges(f, order)
			got := walkExchanges(t, s, c2c.ExchangeQuery{Filter: f, Order: order, First: first, WantTotal: i%2 == 1}, len(want))
			if diff := diffExchanges(want, got, name == "all"); diff != "" {
				t.Errorf("Exchanges %s %s, walking pages of %d (-want +got):\n%s", name, order, first, diff)
			}
		}
	}
	want := m.queryExchanges(c2c.ExchangeFilter{}, c2c.OrderStartAsc)
	p, err := s.Exchanges(t.Context(), c2c.ExchangeQuery{First: c2c.MaxPageSize, WantTotal: true})
	mustNoError(t, "Exchanges in the default order", err)
	n := min(len(want), c2c.MaxPageSize)
	if diff := cmp.Diff(want[:n], p.Exchanges, cmpOpts...); diff != "" {
		t.Errorf("Exchanges in the default order (-want +got):\n%s", diff)
	}
	if got, want := p.TotalCount, len(want); got != want {
		t.Errorf("Exchanges in the default order: TotalCount = %d, want %d", got, want)
	}
}

func walkExchanges(t *testing.T, s c2c.Store, q c2c.ExchangeQuery, total int) []*c2c.Exchange {
	t.Helper()
	var all []*c2c.Exchange
	for page := 0; ; page++ {
		if page > total/q.First+1 {
			t.Errorf("Exchanges %+v: more pages than %d results need", q.Filter, total)
			return all
		}
		p, err := s.Exchanges(t.Context(), q)
		if err != nil {
			t.Errorf("Exchanges %+v page %d: %v", q.Filter, page, err)
			return all
		}
		if len(p.Exchanges) > q.First {
			t.Errorf("Exchanges %+v page %d: %d exchanges, more than First=%d", q.Filter, page, len(p.Exchanges), q.First)
		}
		all = append(all, p.Exchanges...)
		if got, want := p.HasNext, len(all) < total; got != want {
			t.Errorf("Exchanges %+v %s page %d: HasNext = %v with %d of %d seen", q.Filter, q.Order, page, got, len(all), total)
		}
		if q.WantTotal {
			if got, want := p.TotalCount, total; got != want {
				t.Errorf("Exchanges %+v page %d: TotalCount = %d, want %d", q.Filter, page, got, want)
			}
		}
		if !p.HasNext || len(p.Exchanges) == 0 {
			return all
		}
		c := c2c.ExchangeCursor(q.Order, p.Exchanges[len(p.Exchanges)-1])
		q.After = &c
	}
}

// testExchangeKeysetStability inserts exchanges sorting before and after
// the cursor between two pages under each order: the next pages continue
// exactly after the last exchange seen.
func testExchangeKeysetStability(t *testing.T, s c2c.Store) {
	m, _ := mustImport(t, s, GenerateBatch(8, 30, 80))
	ctx := t.Context()
	ids := sortedKeys(m.actors)
	for _, order := range exchangeOrders {
		q := c2c.ExchangeQuery{Order: order, First: 10}
		p, err := s.Exchanges(ctx, q)
		mustNoError(t, "first page", err)
		if len(p.Exchanges) != 10 {
			t.Fatalf("first page has %d exchanges, want 10", len(p.Exchanges))
		}
		last := p.Exchanges[len(p.Exchanges)-1]
		seen := map[string]bool{}
		for _, x := range p.Exchanges {
			seen[x.ID] = true
		}
		slug := strings.ToLower(strings.ReplaceAll(string(order), "_", "-"))
		early, late := d("1001"), d("2999")
		if order == c2c.OrderStartDesc {
			early, late = late, early
		}
		for _, x := range []c2c.Exchange{
			{ID: "0000-" + slug, Title: "Aaaa " + slug, Start: early},
			{ID: "zzzz-" + slug, Title: "Zzzz " + slug, Start: late},
		} {
			x.SourceID, x.TargetID, x.Kind, x.Directed = ids[0], ids[1], c2c.KindMeeting, true
			if _, err := s.CreateExchange(ctx, x); err != nil {
				t.Fatalf("create exchange between pages: %v", err)
			}
			m.putExchange(x)
		}
		cmpf := compareExchanges(order)
		var want []*c2c.Exchange
		for _, x := range m.queryExchanges(c2c.ExchangeFilter{}, order) {
			if cmpf(x, last) > 0 {
				want = append(want, x)
			}
		}
		c := c2c.ExchangeCursor(order, last)
		got := walkExchanges(t, s, c2c.ExchangeQuery{Order: order, First: 10, After: &c}, len(want))
		for _, x := range got {
			if seen[x.ID] {
				t.Errorf("%s: exchange %s of the first page came again after inserting before the cursor", order, x.ID)
			}
		}
		if diff := diffExchanges(want, got, true); diff != "" {
			t.Errorf("%s: pages after the cursor once exchanges were inserted (-want +got):\n%s", order, diff)
		}
	}
}
