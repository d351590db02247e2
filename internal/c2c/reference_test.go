package c2c

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sharedReference returns the folder of the reference tables, ../shared/reference
// beside the repository root, and skips the test when it is absent.
func sharedReference(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory: cannot locate ../shared")
		}
		dir = parent
	}
	ref := filepath.Join(dir, "..", "shared", "reference")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("reference tables not found at %s: skipping the check of the built-in country table against them", ref)
	}
	return ref
}

// mustReadCSV reads a CSV table as maps from column to value. Values are
// taken as they are: "NA" is Namibia in one column and missing in others,
// so no value is turned into "missing" here.
func mustReadCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	header := recs[0]
	var rows []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range header {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// TestCountryTableMatchesReference checks every country of the built-in
// table against the reference tables it was written from.
func TestCountryTableMatchesReference(t *testing.T) {
	ref := sharedReference(t)
	m49Rows := mustReadCSV(t, filepath.Join(ref, "countries-m49-g77-wbincome.csv"))
	codes2020 := mustReadCSV(t, filepath.Join(ref, "country-codes-2020-m49-developing.csv"))
	aliases := mustReadCSV(t, filepath.Join(ref, "country-name-aliases.csv"))
	if got, want := len(m49Rows), 248; got != want {
		t.Errorf("the M49/G77/World Bank table has %d rows, want %d", got, want)
	}

	by2020 := map[string]map[string]string{}
	for _, r := range codes2020 {
		by2020[r["ISO3166-1-Alpha-2"]] = r
	}
	missing := func(v string) string {
		if v == "NA" {
			return ""
		}
		return v
	}
	pad := func(v string) string {
		if v == "" {
			return ""
		}
		return strings.Repeat("0", 3-len(v)) + v
	}
	status := func(v string, south []string, north string) SouthStatus {
		for _, s := range south {
			if v == s {
				return StatusSouth
			}
		}
		if v == north {
			return StatusNorth
		}
		if v != "" && v != "NA" {
			t.Errorf("value %q is neither South, North nor missing", v)
		}
		return ""
	}
	m49Status := func(code string) SouthStatus {
		r, ok := by2020[code]
		if !ok {
			return ""
		}
		return status(r["Developed / Developing Countries"], []string{"Developing"}, "Developed")
	}

	expected := map[string]Country{}
	for _, r := range m49Rows {
		code := r["iso_alpha2_code"] // "NA" here is Namibia
		want := Country{
			Code: code, Alpha3: r["iso_alpha3_code"], Name: r["country"], M49: r["m49_code"],
			RegionCode: missing(r["region_code"]), Region: missing(r["region_name"]),
			SubRegionCode: missing(r["sub_region_code"]), SubRegion: missing(r["sub_region_name"]),
			IntermediateRegionCode: missing(r["intermediate_region_code"]), IntermediateRegion: missing(r["intermediate_region_name"]),
			G77:           status(r["is_G77"], []string{"TRUE"}, "FALSE"),
			M49Developing: m49Status(code),
			WBNonHigh:     status(r["world_bank_income_group"], []string{"Low income", "Lower middle income", "Upper middle income"}, "High income"),
			WBIncomeGroup: missing(r["world_bank_income_group"]),
		}
		// Where the main table has no intermediate region, the 2020 table
		// may (the Channel Islands).
		if r2, ok := by2020[code]; ok && want.IntermediateRegionCode == "" {
			want.IntermediateRegionCode, want.IntermediateRegion = pad(r2["Intermediate Region Code"]), r2["Intermediate Region Name"]
		}
		expected[code] = want
	}
	// Countries only the 2020 table has are there with its facts alone.
	for _, r := range codes2020 {
		code := r["ISO3166-1-Alpha-2"]
		if _, ok := expected[code]; ok || code == "" {
			continue
		}
		name := r["UNTERM English Short"]
		if name == "" {
			name = r["CLDR display name"]
		}
		expected[code] = Country{
			Code: code, Alpha3: r["ISO3166-1-Alpha-3"], Name: name, M49: pad(r["M49"]),
			RegionCode: pad(r["Region Code"]), Region: r["Region Name"],
			SubRegionCode: pad(r["Sub-region Code"]), SubRegion: r["Sub-region Name"],
			IntermediateRegionCode: pad(r["Intermediate Region Code"]), IntermediateRegion: r["Intermediate Region Name"],
			M49Developing: m49Status(code),
		}
	}
	// Codes only the alias table has are there by name, with nothing else
	// known.
	for _, r := range aliases {
		code := r["iso2"]
		if _, ok := expected[code]; ok {
			continue
		}
		got, ok := CountryByCode(code)
		if !ok {
			t.Errorf("alias %q names %s, which the built-in table lacks", r["country_string"], code)
			continue
		}
		names := map[string]bool{}
		for _, a := range aliases {
			if a["iso2"] == code {
				names[a["country_string"]] = true
			}
		}
		if !names[got.Name] {
			t.Errorf("%s is named %q, which no alias of it spells", code, got.Name)
		}
		expected[code] = Country{Code: code, Name: got.Name}
	}

	if got, want := len(Countries()), len(expected); got != want {
		t.Errorf("the built-in table has %d countries, the references %d", got, want)
	}
	for code, want := range expected {
		got, ok := CountryByCode(code)
		if !ok {
			t.Errorf("%s (%s) is missing from the built-in table", code, want.Name)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s differs from the references (-want +got):\n%s", code, diff)
		}
	}

	// The two tables are independent sources of M49 codes and regions: the
	// built-in table must agree with the 2020 table wherever that has them.
	for _, c := range Countries() {
		r, ok := by2020[c.Code]
		if !ok {
			continue
		}
		for _, pair := range [][2]string{
			{c.M49, pad(r["M49"])}, {c.RegionCode, pad(r["Region Code"])}, {c.Region, r["Region Name"]},
			{c.SubRegionCode, pad(r["Sub-region Code"])}, {c.SubRegion, r["Sub-region Name"]},
		} {
			if pair[1] != "" && pair[0] != pair[1] {
				t.Errorf("%s: %q in the built-in table, %q in the 2020 table", c.Code, pair[0], pair[1])
			}
		}
		if a3 := r["ISO3166-1-Alpha-3"]; a3 != "" && c.Alpha3 != a3 {
			t.Errorf("%s: alpha-3 %q, the 2020 table says %q", c.Code, c.Alpha3, a3)
		}
	}
}

// TestCountryAliasesResolve checks that every spelling of the alias table
// resolves to its code.
func TestCountryAliasesResolve(t *testing.T) {
	ref := sharedReference(t)
	rows := mustReadCSV(t, filepath.Join(ref, "country-name-aliases.csv"))
	if got, want := len(rows), 316; got != want {
		t.Errorf("the alias table has %d rows, want %d", got, want)
	}
	for _, r := range rows {
		if got, ok := CountryCodeByName(r["country_string"]); !ok || got != r["iso2"] {
			t.Errorf("CountryCodeByName(%q) = %q, %v; want %q", r["country_string"], got, ok, r["iso2"])
		}
	}
}
