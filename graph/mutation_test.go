package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
)

func TestMutations(t *testing.T) {
	s := mustDemoStore(t)
	c := newClient(t, s)
	ctx := context.Background()

	var ca struct {
		CreateActor struct {
			ID, Name    string
			Typename    string `json:"__typename"`
			Coordinates struct{ Lat float64 }
		}
	}
	mustQuery(t, c, `mutation { createActor(input: {id: "maputo", kind: CITY, name: " Maputo ", country: "mz",
		coordinates: {lat: -25.97, lon: 32.57}, altNames: ["Lourenço Marques"]}) { __typename id name coordinates { lat } } }`, &ca)
	if ca.CreateActor.Typename != "City" || ca.CreateActor.Name != "Maputo" || ca.CreateActor.Coordinates.Lat != -25.97 {
		t.Errorf("createActor = %+v", ca.CreateActor)
	}
	if a := mustActor(t, s, "maputo"); a.Country != "MZ" || len(a.AltNames) != 1 {
		t.Errorf("stored actor = %+v", a)
	}

	var ua struct {
		UpdateActor struct {
			Name        string
			Coordinates *struct{ Lat float64 }
			Summary     *string
		}
	}
	mustQuery(t, c, `mutation { updateActor(id: "maputo", input: {name: "Maputo City", clearCoordinates: true, summary: "Capital of Mozambique"}) { name coordinates { lat } summary } }`, &ua)
	if ua.UpdateActor.Name != "Maputo City" || ua.UpdateActor.Coordinates != nil || deref(ua.UpdateActor.Summary) != "Capital of Mozambique" {
		t.Errorf("updateActor = %+v", ua.UpdateActor)
	}

	var ce struct {
		CreateExchange struct {
			ID     string
			Start  string
			Source struct{ ID string }
			Themes []struct{ ID string }
		}
	}
	mustQuery(t, c, `mutation { createExchange(input: {id: "maputo-durban-visit", source: "maputo", target: "`+demo.EThekwini+`",
		title: "Maputo visits Durban", kind: STUDY_VISIT, themes: ["housing"], start: "2014-03", directed: true}) { id start source { id } themes { id } } }`, &ce)
	if ce.CreateExchange.Start != "2014-03" || ce.CreateExchange.Source.ID != "maputo" || len(ce.CreateExchange.Themes) != 1 {
		t.Errorf("createExchange = %+v", ce.CreateExchange)
	}

	var ue struct {
		UpdateExchange struct {
			Start, End *string
			Programme  *string
		}
	}
	mustQuery(t, c, `mutation { updateExchange(id: "maputo-durban-visit", input: {end: "2014-04", programme: "AL-LAS"}) { start end programme } }`, &ue)
	if deref(ue.UpdateExchange.End) != "2014-04" || deref(ue.UpdateExchange.Programme) != "AL-LAS" {
		t.Errorf("updateExchange = %+v", ue.UpdateExchange)
	}
	mustQuery(t, c, `mutation { updateExchange(id: "maputo-durban-visit", input: {clearStart: true, clearProgramme: true}) { start end programme } }`, &ue)
	if ue.UpdateExchange.Start != nil || ue.UpdateExchange.End != nil || ue.UpdateExchange.Programme != nil {
		t.Errorf("updateExchange clear = %+v", ue.UpdateExchange)
	}

	var cm struct {
		CreateMembership struct {
			ID           string
			Organisation struct{ ID string }
			Since        string
		}
	}
	mustQuery(t, c, `mutation { createMembership(input: {id: "maputo-uclg", actor: "maputo", organisation: "`+demo.UCLG+`", since: "2004", role: "member"}) { id organisation { id } since } }`, &cm)
	if cm.CreateMembership.Organisation.ID != demo.UCLG || cm.CreateMembership.Since != "2004" {
		t.Errorf("createMembership = %+v", cm.CreateMembership)
	}
	var um struct{ UpdateMembership struct{ Role *string } }
	mustQuery(t, c, `mutation { updateMembership(id: "maputo-uclg", input: {clearRole: true}) { role } }`, &um)
	if um.UpdateMembership.Role != nil {
		t.Errorf("updateMembership role = %v, want null", *um.UpdateMembership.Role)
	}

	var th struct{ UpsertTheme struct{ ID, Label string } }
	mustQuery(t, c, `mutation { upsertTheme(input: {id: "food-security", label: "Food security"}) { id label } }`, &th)
	if th.UpsertTheme.Label != "Food security" {
		t.Errorf("upsertTheme = %+v", th.UpsertTheme)
	}

	// An actor with edges cannot go without cascade.
	e := mustFail(t, c, `mutation { deleteActor(id: "maputo") { exchangesRemoved } }`)
	if code(e) != "CONFLICT" {
		t.Errorf("delete with edges: %+v, want CONFLICT", e)
	}
	var dm struct {
		DeleteMembership struct{ Membership struct{ ID string } }
	}
	mustQuery(t, c, `mutation { deleteMembership(id: "maputo-uclg") { membership { id } } }`, &dm)
	if dm.DeleteMembership.Membership.ID != "maputo-uclg" {
		t.Errorf("deleteMembership = %+v", dm)
	}
	var de struct {
		DeleteExchange struct{ Exchange struct{ ID, Title string } }
	}
	mustQuery(t, c, `mutation { deleteExchange(id: "maputo-durban-visit") { exchange { id title } } }`, &de)
	if de.DeleteExchange.Exchange.Title != "Maputo visits Durban" {
		t.Errorf("deleteExchange = %+v", de)
	}
	var da struct {
		DeleteActor struct {
			Actor            struct{ ID string }
			ExchangesRemoved int
		}
	}
	mustQuery(t, c, `mutation { deleteActor(id: "maputo", cascade: true) { actor { id } exchangesRemoved } }`, &da)
	if da.DeleteActor.Actor.ID != "maputo" || da.DeleteActor.ExchangesRemoved != 0 {
		t.Errorf("deleteActor = %+v", da)
	}
	if as, err := s.ActorsByIDs(ctx, []string{"maputo"}); err != nil || as[0] != nil {
		t.Errorf("maputo still stored: %v %v", as, err)
	}
	// Cascade removes edges and says so.
	x := demo.Batch().Exchanges[0]
	var casc struct {
		DeleteActor struct{ ExchangesRemoved int }
	}
	mustQuery(t, c, `mutation($id: ID!) { deleteActor(id: $id, cascade: true) { exchangesRemoved } }`, &casc, client.Var("id", x.SourceID))
	byActor, err := s.ExchangesByActors(ctx, []string{x.SourceID}, c2c.ExchangeFilter{}, 0)
	if err != nil || len(byActor[x.SourceID]) != 0 || casc.DeleteActor.ExchangesRemoved == 0 {
		t.Errorf("cascade removed %d, left %v (%v)", casc.DeleteActor.ExchangesRemoved, byActor[x.SourceID], err)
	}
}

func TestErrors(t *testing.T) {
	s := mustDemoStore(t)
	c := newClient(t, s)
	long := strings.Repeat("a", 300)
	for _, tc := range []struct {
		name, query, code, field string
		vars                     map[string]any
	}{
		{"bad id", `{ actor(id: "Not An Id!") { id } }`, "BAD_USER_INPUT", "id", nil},
		{"injection id", `{ actor(id: "x'; DROP TABLE actors; --") { id } }`, "BAD_USER_INPUT", "id", nil},
		{"bad date literal", `{ exchanges(filter: {from: "2013-13"}) { edges { cursor } } }`, "BAD_USER_INPUT", "filter.from", nil},
		{"bad date variable", `query($to: PartialDate) { exchanges(filter: {to: $to}) { edges { cursor } } }`, "BAD_USER_INPUT", "filter.to", map[string]any{"to": "July"}},
		{"empty window", `{ exchanges(filter: {from: "2015", to: "2014"}) { edges { cursor } } }`, "BAD_USER_INPUT", "filter.to", nil},
		{"unknown theme", `{ exchanges(filter: {themesAny: ["housing", "no-such-theme"]}) { edges { cursor } } }`, "BAD_USER_INPUT", "filter.themesAny[1]", nil},
		{"page too large", `{ actors(first: 101) { edges { cursor } } }`, "BAD_USER_INPUT", "first", nil},
		{"negative first", `{ exchanges(first: -1) { edges { cursor } } }`, "BAD_USER_INPUT", "first", nil},
		{"bad cursor", `{ actors(after: "garbage!") { edges { cursor } } }`, "BAD_USER_INPUT", "after", nil},
		{"unknown country", `{ actors(filter: {countries: ["XX"]}) { edges { cursor } } }`, "BAD_USER_INPUT", "filter.countries[0]", nil},
		{"long search", `query($t: String!) { search(text: $t) { rank } }`, "BAD_USER_INPUT", "text", map[string]any{"t": long}},
		{"nested first", `{ actor(id: "ethekwini") { exchanges(first: 500) { id } } }`, "BAD_USER_INPUT", "first", nil},
		{"neighbourhood missing", `{ neighbourhood(actor: "nowhere") { truncated } }`, "NOT_FOUND", "", nil},
		{"neighbourhood depth", `{ neighbourhood(actor: "ethekwini", depth: 9) { truncated } }`, "BAD_USER_INPUT", "depth", nil},
		{"update missing", `mutation { updateActor(id: "nowhere", input: {name: "x"}) { id } }`, "NOT_FOUND", "", nil},
		{"create invalid", `mutation { createActor(input: {id: "x1", kind: CITY, name: "X"}) { id } }`, "BAD_USER_INPUT", "input.country", nil},
		{"create duplicate", `mutation { createActor(input: {id: "ethekwini", kind: CITY, name: "X", country: "ZA"}) { id } }`, "CONFLICT", "", nil},
		{"set and clear", `mutation { updateActor(id: "ethekwini", input: {summary: "x", clearSummary: true}) { id } }`, "BAD_USER_INPUT", "input.summary", nil},
		{"exchange unknown theme", `mutation { createExchange(input: {id: "e1", source: "ethekwini", target: "uclg", title: "T", kind: FORUM, themes: ["nope"]}) { id } }`, "BAD_USER_INPUT", "input.themes[0]", nil},
		// The store checks the themes in its write; a theme outside the
		// vocabulary is still the error whatever else the store refuses.
		{"exchange unknown second theme", `mutation { createExchange(input: {id: "e1", source: "ethekwini", target: "uclg", title: "T", kind: FORUM, themes: ["housing", "nope"]}) { id } }`, "BAD_USER_INPUT", "input.themes[1]", nil},
		{"exchange unknown theme, taken id", `mutation { createExchange(input: {id: "chefchaouen-uclg-learning-exchange", source: "ethekwini", target: "uclg", title: "T", kind: FORUM, themes: ["nope"]}) { id } }`, "BAD_USER_INPUT", "input.themes[0]", nil},
		{"exchange unknown theme, missing source", `mutation { createExchange(input: {id: "e1", source: "nowhere", target: "uclg", title: "T", kind: FORUM, themes: ["nope"]}) { id } }`, "BAD_USER_INPUT", "input.themes[0]", nil},
		{"exchange taken id", `mutation { createExchange(input: {id: "chefchaouen-uclg-learning-exchange", source: "ethekwini", target: "uclg", title: "T", kind: FORUM, themes: ["housing"]}) { id } }`, "CONFLICT", "", nil},
		{"exchange missing source", `mutation { createExchange(input: {id: "e1", source: "nowhere", target: "uclg", title: "T", kind: FORUM, themes: ["housing"]}) { id } }`, "BAD_USER_INPUT", "input.source", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []client.Option
			for k, v := range tc.vars {
				opts = append(opts, client.Var(k, v))
			}
			e := mustFail(t, c, tc.query, opts...)
			if code(e) != tc.code || field(e) != tc.field {
				t.Errorf("error = %+v, want code %s field %q", e, tc.code, tc.field)
			}
			if tc.field != "" && !strings.HasPrefix(e.Message, tc.field+": ") {
				t.Errorf("message %q does not name %s", e.Message, tc.field)
			}
		})
	}
}

// failingStore fails every read with an internal error whose detail must
// not reach the client.
type failingStore struct{ c2c.Store }

func (failingStore) ActorsByIDs(context.Context, []string) ([]*c2c.Actor, error) {
	return nil, c2c.Internal("actors", errSecret)
}

// ExchangesByIDs panics: the recover function must hide it too.
func (failingStore) ExchangesByIDs(context.Context, []string) ([]*c2c.Exchange, error) {
	panic("secret panic detail")
}

var errSecret = &secretError{}

type secretError struct{}

func (*secretError) Error() string { return "dial tcp 10.0.0.7:7687: password=hunter2" }

func TestInternalErrorsAreHidden(t *testing.T) {
	c := newClient(t, failingStore{Store: mustDemoStore(t)})
	e := mustFail(t, c, `{ actor(id: "ethekwini") { id } }`)
	if code(e) != "INTERNAL" || e.Message != "internal error" {
		t.Errorf("error = %+v, want INTERNAL internal error", e)
	}
	if strings.Contains(e.Message, "hunter2") {
		t.Errorf("internal detail leaked: %q", e.Message)
	}
}

func TestPanicsAreHidden(t *testing.T) {
	c := newClient(t, failingStore{Store: mustDemoStore(t)})
	e := mustFail(t, c, `{ exchange(id: "x") { id } }`)
	if code(e) != "INTERNAL" || e.Message != "internal error" {
		t.Errorf("error = %+v, want INTERNAL internal error", e)
	}
}

// timingOutStore fails reads the way a store wraps a passed deadline.
type timingOutStore struct{ c2c.Store }

func (timingOutStore) ActorsByIDs(context.Context, []string) ([]*c2c.Actor, error) {
	return nil, c2c.Internal("actors", fmt.Errorf("query: %w", context.DeadlineExceeded))
}

func TestTimeoutsAreUnavailableNotInternal(t *testing.T) {
	c := newClient(t, timingOutStore{Store: mustDemoStore(t)})
	e := mustFail(t, c, `{ actor(id: "ethekwini") { id } }`)
	if got, want := code(e), "UNAVAILABLE"; got != want {
		t.Errorf("code = %q, want %q (message %q)", got, want, e.Message)
	}
	if !strings.Contains(e.Message, "timed out") {
		t.Errorf("message %q does not say the request timed out", e.Message)
	}
}
