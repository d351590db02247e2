package c2c

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fieldsOf returns the fields a validation error names, in order.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a domain error", err, err)
	}
	if got, want := KindOf(err), KindInvalid; got != want {
		t.Errorf("KindOf(%v) = %v, want %v", err, got, want)
	}
	var es Errors
	if errors.As(e.Err, &es) {
		var out []string
		for _, x := range es {
			out = append(out, fieldsOf(t, x)...)
		}
		return out
	}
	return []string{e.Field}
}

func validCity() Actor {
	return Actor{
		ID: "durban", Kind: ActorCity, Name: "eThekwini", AltNames: []string{"Durban"},
		Country: "ZA", Coords: &Coordinates{Lat: -29.86, Lon: 31.03}, RegionID: "kwazulu-natal",
		WikidataID: "Q5468", GeoNamesID: 1007311,
	}
}

func TestActorValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(a *Actor)
		fields []string
	}{
		{"valid city", func(a *Actor) {}, nil},
		{"organisation without country", func(a *Actor) {
			*a = Actor{ID: "uclg", Kind: ActorOrganisation, Name: "UCLG", OrgType: OrgNetwork}
		}, nil},
		{"Taiwan is a known country", func(a *Actor) { a.Country = "TW"; a.RegionID = "" }, nil},
		{"bad id", func(a *Actor) { a.ID = "Durban City" }, []string{"input.id"}},
		{"missing id", func(a *Actor) { a.ID = "" }, []string{"input.id"}},
		{"bad kind", func(a *Actor) { a.Kind = "TOWN"; a.RegionID = "" }, []string{"input.kind"}},
		{"blank name", func(a *Actor) { a.Name = "  " }, []string{"input.name"}},
		{"long name", func(a *Actor) { a.Name = strings.Repeat("x", MaxNameLen+1) }, []string{"input.name"}},
		{"invalid UTF-8 name", func(a *Actor) { a.Name = "S\xe3o" }, []string{"input.name"}},
		{"blank alt name", func(a *Actor) { a.AltNames = []string{"Durban", ""} }, []string{"input.altNames[1]"}},
		{"too many alt names", func(a *Actor) { a.AltNames = make([]string, MaxAltNames+1); fillAll(a.AltNames, "x") }, []string{"input.altNames"}},
		{"city without country", func(a *Actor) { a.Country = "" }, []string{"input.country"}},
		{"region without country", func(a *Actor) { a.Kind = ActorRegion; a.RegionID = ""; a.Country = "" }, []string{"input.country"}},
		{"unknown country", func(a *Actor) { a.Country = "XX" }, []string{"input.country"}},
		{"alpha-3 country", func(a *Actor) { a.Country = "ZAF" }, []string{"input.country"}},
		{"latitude", func(a *Actor) { a.Coords = &Coordinates{Lat: 91, Lon: 0} }, []string{"input.coordinates.lat"}},
		{"longitude", func(a *Actor) { a.Coords = &Coordinates{Lat: 0, Lon: -181} }, []string{"input.coordinates.lon"}},
		{"region of a region", func(a *Actor) { a.Kind = ActorRegion }, []string{"input.regionId"}},
		{"bad region id", func(a *Actor) { a.RegionID = "KZN!" }, []string{"input.regionId"}},
		{"city in itself", func(a *Actor) { a.RegionID = a.ID }, []string{"input.regionId"}},
		{"org type on a city", func(a *Actor) { a.OrgType = OrgNetwork }, []string{"input.orgType"}},
		{"unknown org type", func(a *Actor) {
			*a = Actor{ID: "salga", Kind: ActorOrganisation, Name: "SALGA", Country: "ZA", OrgType: "CLUB"}
		}, []string{"input.orgType"}},
		{"wikidata", func(a *Actor) { a.WikidataID = "5468" }, []string{"input.wikidataId"}},
		{"geonames", func(a *Actor) { a.GeoNamesID = -1 }, []string{"input.geonamesId"}},
		{"long summary", func(a *Actor) { a.Summary = strings.Repeat("x", MaxSummaryLen+1) }, []string{"input.summary"}},
		{"all at once", func(a *Actor) { a.ID = ""; a.Name = ""; a.Country = "XX" }, []string{"input.id", "input.name", "input.country"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validCity()
			tt.edit(&a)
			if diff := cmp.Diff(tt.fields, fieldsOf(t, a.Validate("input"))); diff != "" {
				t.Errorf("Validate fields (-want +got):\n%s", diff)
			}
		})
	}
}

func fillAll(s []string, prefix string) {
	for i := range s {
		s[i] = prefix + itoa(i)
	}
}

func TestActorValidateWithoutPrefix(t *testing.T) {
	a := validCity()
	a.ID = ""
	mustField(t, a.Validate(""), "id")
}

func TestActorNormalize(t *testing.T) {
	a := Actor{Name: "  eThekwini ", Country: " za ", AltNames: []string{" Durban", "durban", "", "ETHEKWINI", "Thekwini"}}
	a.Normalize()
	if got, want := a.Name, "eThekwini"; got != want {
		t.Errorf("Name = %q, want %q", got, want)
	}
	if got, want := a.Country, "ZA"; got != want {
		t.Errorf("Country = %q, want %q", got, want)
	}
	if diff := cmp.Diff([]string{"Durban", "Thekwini"}, a.AltNames); diff != "" {
		t.Errorf("AltNames (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"eThekwini", "Durban", "Thekwini"}, a.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
}

func validExchange() Exchange {
	return Exchange{
		ID: "durban-sao-paulo-2013", SourceID: "durban", TargetID: "sao-paulo",
		Title: "Durban delegation visits São Paulo", Kind: KindStudyVisit,
		Themes: []string{"housing", "informal-settlements-upgrading"},
		Start:  MustDate("2013-07-28"), End: MustDate("2013-07-30"),
		Programme: "AL-LAS", Facilitators: []string{"uclg"},
		SourceURL: "https://www.uclg.org/en/media/news/city-to-city", Directed: true,
	}
}

func TestExchangeValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(x *Exchange)
		fields []string
	}{
		{"valid", func(x *Exchange) {}, nil},
		{"no dates", func(x *Exchange) { x.Start, x.End = nil, nil }, nil},
		{"partial end covering start", func(x *Exchange) { x.Start, x.End = MustDate("2013-07-28"), MustDate("2013-07") }, nil},
		{"bad id", func(x *Exchange) { x.ID = "Durban→SP" }, []string{"row.id"}},
		{"missing source", func(x *Exchange) { x.SourceID = "" }, []string{"row.source"}},
		{"bad target", func(x *Exchange) { x.TargetID = "São Paulo" }, []string{"row.target"}},
		{"self loop", func(x *Exchange) { x.TargetID = x.SourceID }, []string{"row.target"}},
		{"blank title", func(x *Exchange) { x.Title = "" }, []string{"row.title"}},
		{"bad kind", func(x *Exchange) { x.Kind = "VISIT" }, []string{"row.kind"}},
		{"bad theme", func(x *Exchange) { x.Themes = []string{"housing", "Informal Settlements"} }, []string{"row.themes[1]"}},
		{"too many themes", func(x *Exchange) { x.Themes = make([]string, MaxListLen+1); fillAll(x.Themes, "t") }, []string{"row.themes"}},
		{"end without start", func(x *Exchange) { x.Start = nil }, []string{"row.end"}},
		{"end before start", func(x *Exchange) { x.Start, x.End = MustDate("2013-07-28"), MustDate("2013-06") }, []string{"row.end"}},
		{"bad programme", func(x *Exchange) { x.Programme = "-AL-LAS" }, []string{"row.programme"}},
		{"bad facilitator", func(x *Exchange) { x.Facilitators = []string{"uclg", "UCLG"} }, []string{"row.facilitators[1]"}},
		{"ftp source", func(x *Exchange) { x.SourceURL = "ftp://uclg.org/x" }, []string{"row.sourceUrl"}},
		{"relative source", func(x *Exchange) { x.SourceURL = "/news/1" }, []string{"row.sourceUrl"}},
		{"several", func(x *Exchange) { x.ID = ""; x.Kind = ""; x.SourceURL = "x" }, []string{"row.id", "row.kind", "row.sourceUrl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := validExchange()
			tt.edit(&x)
			if diff := cmp.Diff(tt.fields, fieldsOf(t, x.Validate("row"))); diff != "" {
				t.Errorf("Validate fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExchangeNormalize(t *testing.T) {
	x := Exchange{SourceID: "sao-paulo", TargetID: "durban", Title: " Twinning ",
		Themes: []string{"migration", " housing", "migration", ""}, Facilitators: []string{"uclg", "salga", "uclg"}}
	x.Normalize()
	if got, want := x.SourceID+">"+x.TargetID, "durban>sao-paulo"; got != want {
		t.Errorf("mutual ends = %s, want %s (id order)", got, want)
	}
	if diff := cmp.Diff([]string{"housing", "migration"}, x.Themes); diff != "" {
		t.Errorf("Themes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"salga", "uclg"}, x.Facilitators); diff != "" {
		t.Errorf("Facilitators (-want +got):\n%s", diff)
	}
	if got, want := x.Title, "Twinning"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if got, want := x.Other("durban"), "sao-paulo"; got != want {
		t.Errorf("Other(durban) = %q, want %q", got, want)
	}
	if got, want := x.Other("sao-paulo"), "durban"; got != want {
		t.Errorf("Other(sao-paulo) = %q, want %q", got, want)
	}

	d := Exchange{SourceID: "sao-paulo", TargetID: "durban", Directed: true}
	d.Normalize()
	if got, want := d.SourceID, "sao-paulo"; got != want {
		t.Errorf("directed source = %q, want %q (kept)", got, want)
	}
}

func TestMembershipValidate(t *testing.T) {
	valid := func() Membership {
		return Membership{ID: "durban-uclg", ActorID: "durban", OrganisationID: "uclg",
			Since: MustDate("2004"), Until: MustDate("2010-05"), Role: "founding member", SourceURL: "https://uclg.org/members"}
	}
	tests := []struct {
		name   string
		edit   func(m *Membership)
		fields []string
	}{
		{"valid", func(m *Membership) {}, nil},
		{"open", func(m *Membership) { m.Since, m.Until = nil, nil }, nil},
		{"same year", func(m *Membership) { m.Since, m.Until = MustDate("2004-06"), MustDate("2004") }, nil},
		{"bad id", func(m *Membership) { m.ID = "Durban UCLG" }, []string{"m.id"}},
		{"missing actor", func(m *Membership) { m.ActorID = "" }, []string{"m.actor"}},
		{"bad organisation", func(m *Membership) { m.OrganisationID = "UCLG" }, []string{"m.organisation"}},
		{"member of itself", func(m *Membership) { m.OrganisationID = m.ActorID }, []string{"m.organisation"}},
		{"until before since", func(m *Membership) { m.Until = MustDate("2003-12-31") }, []string{"m.until"}},
		{"long role", func(m *Membership) { m.Role = strings.Repeat("r", MaxNameLen+1) }, []string{"m.role"}},
		{"bad url", func(m *Membership) { m.SourceURL = "uclg.org" }, []string{"m.sourceUrl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.edit(&m)
			if diff := cmp.Diff(tt.fields, fieldsOf(t, m.Validate("m"))); diff != "" {
				t.Errorf("Validate fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestThemeValidate(t *testing.T) {
	for _, th := range DefaultThemes {
		if err := th.Validate("theme"); err != nil {
			t.Errorf("default theme %q: %v", th.ID, err)
		}
	}
	bad := Theme{ID: "Decent Work", Label: ""}
	if diff := cmp.Diff([]string{"theme.id", "theme.label"}, fieldsOf(t, bad.Validate("theme"))); diff != "" {
		t.Errorf("Validate fields (-want +got):\n%s", diff)
	}
}

func TestKindsValid(t *testing.T) {
	for _, k := range ActorKinds {
		if !k.Valid() {
			t.Errorf("ActorKind %q not valid", k)
		}
	}
	for _, k := range ExchangeKinds {
		if !k.Valid() {
			t.Errorf("ExchangeKind %q not valid", k)
		}
	}
	for _, o := range OrgTypes {
		if !o.Valid() {
			t.Errorf("OrgType %q not valid", o)
		}
	}
	for _, c := range EdgeClasses {
		if !c.Valid() {
			t.Errorf("EdgeClass %q not valid", c)
		}
	}
	if ActorKind("city").Valid() || ExchangeKind("").Valid() || OrgType("network").Valid() || EdgeClass("SOUTH").Valid() {
		t.Error("a lower-case or unknown value counts as valid")
	}
}
