package c2c

import (
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStatusOfKnownCountries(t *testing.T) {
	tests := []struct {
		code string
		want SouthStatus // under every definition
	}{
		{"ZA", StatusSouth},
		{"BR", StatusSouth},
		{"za", StatusSouth},
		{"MZ", StatusSouth},
		{"DE", StatusNorth},
		{"FR", StatusNorth},
		{"", StatusUnknown},   // an organisation with no country
		{"XX", StatusUnknown}, // not in the reference
		{"TW", StatusUnknown}, // no source classifies Taiwan
		{"XK", StatusUnknown}, // nor Kosovo
	}
	for _, tt := range tests {
		for _, d := range Definitions {
			if got := StatusOf(d, tt.code); got != tt.want {
				t.Errorf("StatusOf(%s, %q) = %s, want %s", d, tt.code, got, tt.want)
			}
		}
	}
}

func TestStatusWhereDefinitionsDisagree(t *testing.T) {
	tests := []struct {
		code         string
		g77, m49, wb SouthStatus
		why          string
	}{
		{"MX", StatusNorth, StatusSouth, StatusSouth, "Mexico left the G77 but is developing and upper middle income"},
		{"KR", StatusNorth, StatusSouth, StatusNorth, "South Korea: not G77, M49 developing, high income"},
		{"SG", StatusSouth, StatusSouth, StatusNorth, "Singapore: G77 and developing, high income"},
		{"UA", StatusNorth, StatusNorth, StatusSouth, "Ukraine: M49 developed, upper middle income"},
		{"VE", StatusSouth, StatusSouth, StatusUnknown, "Venezuela has no World Bank income group"},
		{"AQ", StatusNorth, StatusUnknown, StatusUnknown, "Antarctica: not G77, no M49 designation, no income group"},
		{"NA", StatusSouth, StatusSouth, StatusSouth, "Namibia's code is NA"},
	}
	for _, tt := range tests {
		for d, want := range map[Definition]SouthStatus{DefG77: tt.g77, DefM49Developing2020: tt.m49, DefWorldBankNonHighIncome: tt.wb} {
			if got := StatusOf(d, tt.code); got != want {
				t.Errorf("StatusOf(%s, %s) = %s, want %s (%s)", d, tt.code, got, want, tt.why)
			}
		}
	}
	if got, want := StatusOf("NONE", "ZA"), StatusUnknown; got != want {
		t.Errorf("StatusOf(unknown definition) = %s, want %s", got, want)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		d    Definition
		a, b string
		want EdgeClass
	}{
		{DefG77, "ZA", "BR", ClassSouthSouth},
		{DefM49Developing2020, "ZA", "BR", ClassSouthSouth},
		{DefWorldBankNonHighIncome, "ZA", "BR", ClassSouthSouth},
		{DefG77, "ZA", "DE", ClassNorthSouth},
		{DefG77, "DE", "ZA", ClassNorthSouth},
		{DefG77, "DE", "FR", ClassNorthNorth},
		{DefG77, "ZA", "", ClassUnknown},
		{DefG77, "", "", ClassUnknown},
		{DefM49Developing2020, "TW", "BR", ClassUnknown},
		{DefM49Developing2020, "XK", "DE", ClassUnknown},
		{DefWorldBankNonHighIncome, "VE", "BR", ClassUnknown},
		{DefWorldBankNonHighIncome, "SG", "BR", ClassNorthSouth},
		{DefG77, "SG", "BR", ClassSouthSouth},
	}
	for _, tt := range tests {
		if got := Classify(tt.d, tt.a, tt.b); got != tt.want {
			t.Errorf("Classify(%s, %q, %q) = %s, want %s", tt.d, tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCountriesWithStatusPartitions(t *testing.T) {
	all := Countries()
	var codes []string
	for _, c := range all {
		codes = append(codes, c.Code)
	}
	for _, d := range Definitions {
		seen := map[string]SouthStatus{}
		for _, s := range []SouthStatus{StatusSouth, StatusNorth, StatusUnknown} {
			got := CountriesWithStatus(d, s)
			if !slices.IsSorted(got) {
				t.Errorf("CountriesWithStatus(%s, %s) is not sorted", d, s)
			}
			for _, code := range got {
				if prev, dup := seen[code]; dup {
					t.Errorf("%s: %s is both %s and %s", d, code, prev, s)
				}
				seen[code] = s
				if got := StatusOf(d, code); got != s {
					t.Errorf("%s: %s listed as %s but StatusOf says %s", d, code, s, got)
				}
			}
		}
		if got, want := len(seen), len(codes); got != want {
			t.Errorf("%s: statuses cover %d countries, want %d", d, got, want)
		}
		for _, code := range []string{"ZA", "BR"} {
			if !slices.Contains(CountriesWithStatus(d, StatusSouth), code) {
				t.Errorf("%s: %s missing from the South", d, code)
			}
		}
		if !slices.Contains(CountriesWithStatus(d, StatusNorth), "DE") {
			t.Errorf("%s: DE missing from the North", d)
		}
		if !slices.Contains(CountriesWithStatus(d, StatusUnknown), "TW") {
			t.Errorf("%s: TW missing from the unknown", d)
		}
	}
}

func TestCountryTableShape(t *testing.T) {
	all := Countries()
	// 248 countries of the M49/G77/World Bank table, Taiwan and Kosovo.
	if got, want := len(all), 250; got != want {
		t.Errorf("len(Countries()) = %d, want %d", got, want)
	}
	code := regexp.MustCompile(`^[A-Z]{2}$`)
	alpha3 := regexp.MustCompile(`^([A-Z]{3})?$`)
	num := regexp.MustCompile(`^([0-9]{3})?$`)
	seen := map[string]bool{}
	for i, c := range all {
		if i > 0 && all[i-1].Code >= c.Code {
			t.Errorf("Countries() not ordered by code at %s", c.Code)
		}
		if seen[c.Code] {
			t.Errorf("%s listed twice", c.Code)
		}
		seen[c.Code] = true
		if !code.MatchString(c.Code) || !alpha3.MatchString(c.Alpha3) || c.Name == "" {
			t.Errorf("%+v: bad code, alpha-3 or name", c)
		}
		for _, n := range []string{c.M49, c.RegionCode, c.SubRegionCode, c.IntermediateRegionCode} {
			if !num.MatchString(n) {
				t.Errorf("%s: %q is not a 3-digit M49 code", c.Code, n)
			}
		}
		if (c.RegionCode == "") != (c.Region == "") || (c.SubRegionCode == "") != (c.SubRegion == "") ||
			(c.IntermediateRegionCode == "") != (c.IntermediateRegion == "") {
			t.Errorf("%s: a region code without its name or the reverse", c.Code)
		}
		for _, s := range []SouthStatus{c.G77, c.M49Developing, c.WBNonHigh} {
			if s != "" && s != StatusSouth && s != StatusNorth {
				t.Errorf("%s: status %q is neither SOUTH, NORTH nor empty", c.Code, s)
			}
		}
		if got, want := c.WBNonHigh == StatusNorth, c.WBIncomeGroup == "High income"; got != want {
			t.Errorf("%s: WBNonHigh %q does not follow income group %q", c.Code, c.WBNonHigh, c.WBIncomeGroup)
		}
		if got, ok := CountryByCode(c.Code); !ok || got != c {
			t.Errorf("CountryByCode(%s) = %+v, %v", c.Code, got, ok)
		}
	}
	if _, ok := CountryByCode("za"); ok {
		t.Error("CountryByCode takes upper-case codes only")
	}
	if c, _ := CountryByCode("NA"); c.Name != "Namibia" {
		t.Errorf("CountryByCode(NA).Name = %q, want Namibia", c.Name)
	}
}

func TestCountriesInM49(t *testing.T) {
	byCode := func(pred func(Country) bool) []string {
		var out []string
		for _, c := range countryTable {
			if pred(c) {
				out = append(out, c.Code)
			}
		}
		return out
	}
	tests := []struct {
		region string
		want   []string
	}{
		{"002", byCode(func(c Country) bool { return c.RegionCode == "002" })},
		{"Africa", byCode(func(c Country) bool { return c.RegionCode == "002" })},
		{"202", byCode(func(c Country) bool { return c.SubRegionCode == "202" })},
		{"sub-saharan africa", byCode(func(c Country) bool { return c.SubRegionCode == "202" })},
		{"005", byCode(func(c Country) bool { return c.IntermediateRegionCode == "005" })},
		{"South America", byCode(func(c Country) bool { return c.IntermediateRegionCode == "005" })},
		{"419", byCode(func(c Country) bool { return c.SubRegionCode == "419" })},
		{"150", byCode(func(c Country) bool { return c.Region == "Europe" })},
	}
	for _, tt := range tests {
		got := CountriesInM49(tt.region)
		if len(got) == 0 {
			t.Errorf("CountriesInM49(%q) is empty", tt.region)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("CountriesInM49(%q) (-want +got):\n%s", tt.region, diff)
		}
	}
	for _, tt := range []struct {
		region, in, out string
	}{
		{"002", "ZA", "DE"}, {"Sub-Saharan Africa", "MZ", "EG"}, {"005", "BR", "MX"},
		{"Latin America and the Caribbean", "MX", "US"}, {"142", "CN", "TW"},
	} {
		got := CountriesInM49(tt.region)
		if !slices.Contains(got, tt.in) || slices.Contains(got, tt.out) {
			t.Errorf("CountriesInM49(%q): want %s in and %s out", tt.region, tt.in, tt.out)
		}
	}
	for _, r := range []string{"", " ", "999", "Atlantis", "2"} {
		if got := CountriesInM49(r); got != nil {
			t.Errorf("CountriesInM49(%q) = %v, want nil", r, got)
		}
	}
	// The result is the caller's: changing it leaves the reference intact.
	got := CountriesInM49("002")
	want := slices.Clone(got)
	got[0] = "XX"
	_ = append(got[:1], "YY")
	if diff := cmp.Diff(want, CountriesInM49("002")); diff != "" {
		t.Errorf("CountriesInM49 changed by a caller (-want +got):\n%s", diff)
	}
}

func TestDefinitionsAndStatusesValid(t *testing.T) {
	for _, d := range Definitions {
		if !d.Valid() {
			t.Errorf("%s not valid", d)
		}
	}
	for _, s := range []SouthStatus{StatusSouth, StatusNorth, StatusUnknown} {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if Definition("g77").Valid() || SouthStatus("").Valid() {
		t.Error("an unknown definition or status counts as valid")
	}
}
