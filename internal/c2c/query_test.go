package c2c

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestActorFilterCountrySet(t *testing.T) {
	// inRegion and withStatus recompute the sets from the table itself.
	inRegion := func(code string) func(Country) bool {
		return func(c Country) bool {
			return c.RegionCode == code || c.SubRegionCode == code || c.IntermediateRegionCode == code
		}
	}
	withStatus := func(d Definition, s SouthStatus) func(Country) bool {
		return func(c Country) bool { return c.Status(d) == s }
	}
	where := func(preds ...func(Country) bool) []string {
		out := []string{}
		for _, c := range Countries() {
			all := true
			for _, p := range preds {
				all = all && p(c)
			}
			if all {
				out = append(out, c.Code)
			}
		}
		return out
	}
	south := func(d Definition, s SouthStatus) *SouthFilter { return &SouthFilter{Definition: d, Status: s} }

	tests := []struct {
		name            string
		f               ActorFilter
		want            []string
		sorted          bool // compare as sets
		restricted      bool
		includeNoneWant bool
	}{
		{name: "no condition", f: ActorFilter{Kinds: []ActorKind{ActorCity}}},
		{name: "countries", f: ActorFilter{Countries: []string{"za", " BR ", "ZA"}},
			want: []string{"ZA", "BR"}, restricted: true},
		{name: "empty country list", f: ActorFilter{Countries: []string{}}, want: []string{}, restricted: true},
		{name: "countries and region", f: ActorFilter{Countries: []string{"ZA", "BR", "DE"}, Regions: []string{"002"}},
			want: []string{"ZA"}, restricted: true},
		{name: "two regions are a union", f: ActorFilter{Regions: []string{"005", "Southern Africa"}},
			want: where(func(c Country) bool { return inRegion("005")(c) || inRegion("018")(c) }), sorted: true, restricted: true},
		{name: "region and south", f: ActorFilter{Regions: []string{"142"}, South: south(DefWorldBankNonHighIncome, StatusNorth)},
			want: where(inRegion("142"), withStatus(DefWorldBankNonHighIncome, StatusNorth)), sorted: true, restricted: true},
		{name: "europe in the G77 south", f: ActorFilter{Regions: []string{"150"}, South: south(DefG77, StatusSouth)},
			want: where(inRegion("150"), withStatus(DefG77, StatusSouth)), sorted: true, restricted: true},
		{name: "all three", f: ActorFilter{Countries: []string{"DE", "ZA", "MX", "BR"}, Regions: []string{"019", "002"}, South: south(DefG77, StatusSouth)},
			want: []string{"ZA", "BR"}, restricted: true},
		{name: "south alone", f: ActorFilter{South: south(DefM49Developing2020, StatusSouth)},
			want: CountriesWithStatus(DefM49Developing2020, StatusSouth), restricted: true},
		{name: "unknown alone includes actors without a country", f: ActorFilter{South: south(DefM49Developing2020, StatusUnknown)},
			want: CountriesWithStatus(DefM49Developing2020, StatusUnknown), restricted: true, includeNoneWant: true},
		{name: "unknown with countries does not", f: ActorFilter{Countries: []string{"TW", "ZA"}, South: south(DefM49Developing2020, StatusUnknown)},
			want: []string{"TW"}, restricted: true},
		{name: "unknown region", f: ActorFilter{Regions: []string{"999"}}, want: []string{}, restricted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, restricted, includeNone := tt.f.CountrySet()
			if tt.sorted {
				got = slices.Clone(got)
				slices.Sort(got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
			if restricted != tt.restricted || includeNone != tt.includeNoneWant {
				t.Errorf("restricted, includeNone = %v, %v; want %v, %v", restricted, includeNone, tt.restricted, tt.includeNoneWant)
			}
		})
	}
}

func TestActorFilterValidate(t *testing.T) {
	ok := ActorFilter{Kinds: ActorKinds, Countries: []string{"za", "TW"}, Regions: []string{"002", "South America"},
		South: &SouthFilter{Definition: DefG77, Status: StatusSouth}, Text: "durban", OrgTypes: OrgTypes}
	if err := ok.Validate("filter"); err != nil {
		t.Errorf("Validate(valid) = %v", err)
	}
	bad := ActorFilter{Kinds: []ActorKind{ActorCity, "TOWN"}, Countries: []string{"ZAF"}, Regions: []string{"999"},
		South: &SouthFilter{Definition: "OECD", Status: "EAST"}, Text: strings.Repeat("x", MaxNameLen+1), OrgTypes: []OrgType{"CLUB"}}
	want := []string{"filter.kinds[1]", "filter.countries[0]", "filter.m49Regions[0]", "filter.globalSouth.definition",
		"filter.globalSouth.status", "filter.text", "filter.orgTypes[0]"}
	if diff := cmp.Diff(want, fieldsOf(t, bad.Validate("filter"))); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestExchangeFilterValidateAndWindow(t *testing.T) {
	ok := ExchangeFilter{ThemesAny: []string{"housing"}, ThemesAll: []string{"migration"}, Kinds: ExchangeKinds,
		From: MustDate("2013"), To: MustDate("2013-07"), ActorID: "durban", Countries: []string{"ZA"},
		Class: &ClassFilter{Definition: DefG77, Class: ClassSouthSouth}}
	if err := ok.Validate("filter"); err != nil {
		t.Errorf("Validate(valid) = %v", err)
	}
	bad := ExchangeFilter{ThemesAny: []string{"housing", "Bad Theme"}, ThemesAll: []string{"ok", "Nope"}, Kinds: []ExchangeKind{"VISIT"},
		From: MustDate("2014"), To: MustDate("2013-12"), ActorID: "Durban", Countries: []string{"XX"},
		Class: &ClassFilter{Definition: "X", Class: "Y"}, Text: strings.Repeat("t", MaxTitleLen+1)}
	want := []string{"filter.themesAny[1]", "filter.themesAll[1]", "filter.kinds[0]", "filter.to", "filter.actor",
		"filter.countries[0]", "filter.classification.definition", "filter.classification.class", "filter.text"}
	if diff := cmp.Diff(want, fieldsOf(t, bad.Validate("filter"))); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}

	tests := []struct {
		f        ExchangeFilter
		from, to int
		ok       bool
	}{
		{ExchangeFilter{}, 0, 0, false},
		{ExchangeFilter{From: MustDate("2013-07")}, 20130701, 99991231, true},
		{ExchangeFilter{To: MustDate("2013")}, 0, 20131231, true},
		{ExchangeFilter{From: MustDate("2013-06-03"), To: MustDate("2013-06-05")}, 20130603, 20130605, true},
	}
	for _, tt := range tests {
		from, to, ok := tt.f.Window()
		if from != tt.from || to != tt.to || ok != tt.ok {
			t.Errorf("Window(%v..%v) = %d, %d, %v; want %d, %d, %v", DateString(tt.f.From), DateString(tt.f.To), from, to, ok, tt.from, tt.to, tt.ok)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	a := &Actor{ID: "sao-paulo", Name: "São Paulo"}
	x := &Exchange{ID: "x1", Title: "Seminar in Nampula", Start: MustDate("2013-06")}
	undated := &Exchange{ID: "x2", Title: "Undated"}
	cursors := []Cursor{
		ActorCursor(OrderNameAsc, a), ActorCursor(OrderNameDesc, a), ActorCursor(OrderIDAsc, a),
		ExchangeCursor(OrderStartAsc, x), ExchangeCursor(OrderStartDesc, x), ExchangeCursor(OrderTitleAsc, x),
		ExchangeCursor(OrderExIDAsc, x), ExchangeCursor(OrderStartAsc, undated), ExchangeCursor(OrderStartDesc, undated),
		{Order: "NAME_ASC", Text: "ü|\"\\", Num: -5, ID: "z"},
	}
	for _, c := range cursors {
		s := c.Encode()
		got, err := DecodeCursor("after", s, c.Order)
		if err != nil {
			t.Errorf("DecodeCursor(%+v): %v", c, err)
			continue
		}
		if diff := cmp.Diff(c, *got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	if got, want := ActorCursor(OrderNameAsc, a).Text, "sao paulo"; got != want {
		t.Errorf("name cursor text = %q, want the folded name %q", got, want)
	}
	if got, want := ExchangeCursor(OrderStartAsc, x).Num, int64(20130601); got != want {
		t.Errorf("start cursor = %d, want %d", got, want)
	}
	if got, want := StartSortKey(OrderStartAsc, undated), int64(UnknownStartAsc); got != want {
		t.Errorf("undated ascending key = %d, want %d (last)", got, want)
	}
	if got, want := StartSortKey(OrderStartDesc, undated), int64(UnknownStartDesc); got != want {
		t.Errorf("undated descending key = %d, want %d (last)", got, want)
	}
}

func TestDecodeCursorRejects(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	if c, err := DecodeCursor("after", "", "NAME_ASC"); c != nil || err != nil {
		t.Errorf("DecodeCursor(empty) = %v, %v; want nil, nil", c, err)
	}
	for name, s := range map[string]string{
		"not base64":     "***",
		"not JSON":       b64("durban"),
		"no id":          b64(`{"o":"NAME_ASC","t":"x"}`),
		"wrong order":    Cursor{Order: "ID_ASC", ID: "durban"}.Encode(),
		"too long":       Cursor{Order: "NAME_ASC", Text: strings.Repeat("x", 1000), ID: "a"}.Encode(),
		"wrong id type":  b64(`{"o":"NAME_ASC","i":5}`),
		"trailing input": b64(`{"o":"NAME_ASC","i":"a"}x`),
	} {
		t.Run(name, func(t *testing.T) {
			c, err := DecodeCursor("after", s, "NAME_ASC")
			if err == nil {
				t.Fatalf("DecodeCursor(%q) = %+v, want an error", s, c)
			}
			mustField(t, err, "after")
		})
	}
}
