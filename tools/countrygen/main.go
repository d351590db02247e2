// Command countrygen writes internal/c2c/countries_table.go, the built-in
// country reference, from the facts of three reference tables:
//
//   - countries-m49-g77-wbincome.csv: UN M49 codes and regions, G77
//     membership and World Bank income groups (one row per country or
//     territory; "NA" marks a missing value except in the ISO alpha-2 column,
//     where it is Namibia);
//   - country-codes-2020-m49-developing.csv: the M49 "Developed / Developing"
//     designation as last published in 2020, and the countries the first
//     table lacks (Taiwan);
//   - country-name-aliases.csv: spellings of country names seen in real data,
//     each with its ISO alpha-2 code (and codes neither table has: Kosovo).
//
// The tables are not part of the repository: the generated Go source is, so
// building and testing need none of them. Run it from the repository root:
//
//	go run ./tools/countrygen -ref ../shared/reference -out internal/c2c/countries_table.go
package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	ref := flag.String("ref", "../shared/reference", "folder holding the reference CSV tables")
	out := flag.String("out", "internal/c2c/countries_table.go", "Go file to write")
	flag.Parse()
	if err := run(*ref, *out); err != nil {
		fmt.Fprintln(os.Stderr, "countrygen:", err)
		os.Exit(1)
	}
}

// country holds the facts of one row of the generated table; statuses are
// the names of c2c constants, "" when unknown.
type country struct {
	Code, Alpha3, Name, M49                 string
	RegionCode, Region                      string
	SubRegionCode, SubRegion                string
	IntermediateRegionCode, Intermediate    string
	G77, M49Developing, WBNonHigh, WBIncome string
	Note                                    string // why facts are missing, for rows outside the main table
}

type alias struct{ Name, Code string }

func run(ref, out string) error {
	m49Rows, err := readCSV(filepath.Join(ref, "countries-m49-g77-wbincome.csv"))
	if err != nil {
		return err
	}
	codes2020, err := readCSV(filepath.Join(ref, "country-codes-2020-m49-developing.csv"))
	if err != nil {
		return err
	}
	aliasRows, err := readCSV(filepath.Join(ref, "country-name-aliases.csv"))
	if err != nil {
		return err
	}

	by2020 := map[string]map[string]string{}
	for _, r := range codes2020 {
		if c := r["ISO3166-1-Alpha-2"]; c != "" {
			by2020[c] = r
		}
	}

	byCode := map[string]*country{}
	var table []*country
	for _, r := range m49Rows {
		c, err := fromMain(r, by2020[r["iso_alpha2_code"]])
		if err != nil {
			return err
		}
		if byCode[c.Code] != nil {
			return fmt.Errorf("%s: listed twice", c.Code)
		}
		byCode[c.Code] = c
		table = append(table, c)
	}
	// Countries of the 2020 table the main table lacks: the facts the 2020
	// table gives, nothing else.
	for _, r := range codes2020 {
		code := r["ISO3166-1-Alpha-2"]
		if code == "" || byCode[code] != nil {
			continue // rows without an ISO code (Sark) cannot be referenced
		}
		c, err := from2020(r)
		if err != nil {
			return err
		}
		byCode[code] = c
		table = append(table, c)
	}
	// Codes only the alias table knows: the name, nothing else.
	spellings := map[string][]map[string]string{}
	for _, r := range aliasRows {
		if byCode[r["iso2"]] == nil {
			spellings[r["iso2"]] = append(spellings[r["iso2"]], r)
		}
	}
	for code, rs := range spellings {
		if len(code) != 2 {
			return fmt.Errorf("alias table: %q is not an alpha-2 code", code)
		}
		sort.Slice(rs, func(i, j int) bool { return betterSpelling(rs[i], rs[j]) })
		c := &country{Code: code, Name: rs[0]["country_string"],
			Note: "only the alias table names it (code " + code + "); M49 does not list it and no source classifies it"}
		byCode[code] = c
		table = append(table, c)
	}
	sort.Slice(table, func(i, j int) bool { return table[i].Code < table[j].Code })

	var aliases []alias
	for _, r := range aliasRows {
		aliases = append(aliases, alias{r["country_string"], r["iso2"]})
	}
	var short []alias
	for _, r := range codes2020 {
		if code, n := r["ISO3166-1-Alpha-2"], r["CLDR display name"]; code != "" && n != "" {
			short = append(short, alias{n, code})
		}
	}
	sort.Slice(short, func(i, j int) bool { return short[i].Code < short[j].Code })

	src, err := render(table, aliases, short)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// betterSpelling prefers the spelling seen in more sources, then the shorter.
func betterSpelling(a, b map[string]string) bool {
	na, nb := len(strings.Split(a["seen_in"], "|")), len(strings.Split(b["seen_in"], "|"))
	if na != nb {
		return na > nb
	}
	return len(a["country_string"]) < len(b["country_string"])
}

func fromMain(r, r2020 map[string]string) (*country, error) {
	code := r["iso_alpha2_code"] // "NA" here is Namibia
	na := func(col string) string {
		if v := strings.TrimSpace(r[col]); v != "NA" {
			return v
		}
		return ""
	}
	c := &country{
		Code:                   code,
		Alpha3:                 na("iso_alpha3_code"),
		Name:                   na("country"),
		M49:                    na("m49_code"),
		RegionCode:             na("region_code"),
		Region:                 na("region_name"),
		SubRegionCode:          na("sub_region_code"),
		SubRegion:              na("sub_region_name"),
		IntermediateRegionCode: na("intermediate_region_code"),
		Intermediate:           na("intermediate_region_name"),
		WBIncome:               na("world_bank_income_group"),
	}
	if len(code) != 2 || c.Alpha3 == "" || c.Name == "" || len(c.M49) != 3 {
		return nil, fmt.Errorf("%q: incomplete row", code)
	}
	var err error
	if c.G77, err = g77Status(na("is_G77")); err != nil {
		return nil, fmt.Errorf("%s: %w", code, err)
	}
	if c.WBNonHigh, err = wbStatus(c.WBIncome); err != nil {
		return nil, fmt.Errorf("%s: %w", code, err)
	}
	if r2020 != nil {
		if c.M49Developing, err = m49Status(r2020["Developed / Developing Countries"]); err != nil {
			return nil, fmt.Errorf("%s: %w", code, err)
		}
		// The 2020 table places a few territories in an intermediate region
		// the main table leaves empty (the Channel Islands).
		if c.IntermediateRegionCode == "" {
			c.IntermediateRegionCode = pad3(r2020["Intermediate Region Code"])
			c.Intermediate = r2020["Intermediate Region Name"]
		}
	}
	return c, nil
}

func from2020(r map[string]string) (*country, error) {
	c := &country{
		Code:                   r["ISO3166-1-Alpha-2"],
		Alpha3:                 r["ISO3166-1-Alpha-3"],
		Name:                   firstOf(r["UNTERM English Short"], r["CLDR display name"], r["official_name_en"]),
		M49:                    pad3(r["M49"]),
		RegionCode:             pad3(r["Region Code"]),
		Region:                 r["Region Name"],
		SubRegionCode:          pad3(r["Sub-region Code"]),
		SubRegion:              r["Sub-region Name"],
		IntermediateRegionCode: pad3(r["Intermediate Region Code"]),
		Intermediate:           r["Intermediate Region Name"],
	}
	if c.Name == "" {
		return nil, fmt.Errorf("%s: no name in the 2020 table", c.Code)
	}
	var err error
	if c.M49Developing, err = m49Status(r["Developed / Developing Countries"]); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Code, err)
	}
	var missing []string
	if c.M49 == "" {
		missing = append(missing, "M49 code")
	}
	if c.RegionCode == "" {
		missing = append(missing, "region")
	}
	if c.M49Developing == "" {
		missing = append(missing, "designation")
	}
	c.Note = "from the 2020 country-codes table"
	if len(missing) > 0 {
		c.Note += ", which gives it no " + joinOr(missing)
	}
	c.Note += "; absent from the G77 and World Bank table"
	return c, nil
}

// joinOr joins words as "a, b or c".
func joinOr(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func pad3(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return strings.Repeat("0", max(0, 3-len(s))) + s
}

func g77Status(v string) (string, error) {
	switch v {
	case "TRUE":
		return "StatusSouth", nil
	case "FALSE":
		return "StatusNorth", nil
	case "":
		return "", nil
	}
	return "", fmt.Errorf("is_G77 %q is not TRUE, FALSE or NA", v)
}

func wbStatus(v string) (string, error) {
	switch v {
	case "High income":
		return "StatusNorth", nil
	case "Upper middle income", "Lower middle income", "Low income":
		return "StatusSouth", nil
	case "":
		return "", nil
	}
	return "", fmt.Errorf("world_bank_income_group %q is not a World Bank income group", v)
}

func m49Status(v string) (string, error) {
	switch strings.TrimSpace(v) {
	case "Developing":
		return "StatusSouth", nil
	case "Developed":
		return "StatusNorth", nil
	case "":
		return "", nil
	}
	return "", fmt.Errorf("designation %q is not Developed or Developing", v)
}

func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	var rows []map[string]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m := make(map[string]string, len(header))
		for i, h := range header {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
}

func render(table []*country, aliases, short []alias) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`// Code generated by tools/countrygen from the UN M49 / G77 / World Bank,
// 2020 country-codes and country-name alias tables; DO NOT EDIT.

package c2c

// countryTable is the built-in country reference, one country or territory a
// line, ordered by ISO alpha-2 code. A status left out is unknown: no source
// classifies the country under that definition.
var countryTable = []Country{
`)
	for _, c := range table {
		if c.Note != "" {
			fmt.Fprintf(&b, "\t// %s: %s.\n", c.Name, c.Note)
		}
		fields := []string{
			kv("Code", c.Code), kv("Alpha3", c.Alpha3), kv("Name", c.Name), kv("M49", c.M49),
			kv("RegionCode", c.RegionCode), kv("Region", c.Region),
			kv("SubRegionCode", c.SubRegionCode), kv("SubRegion", c.SubRegion),
			kv("IntermediateRegionCode", c.IntermediateRegionCode), kv("IntermediateRegion", c.Intermediate),
			kc("G77", c.G77), kc("M49Developing", c.M49Developing), kc("WBNonHigh", c.WBNonHigh),
			kv("WBIncomeGroup", c.WBIncome),
		}
		var kept []string
		for _, f := range fields {
			if f != "" {
				kept = append(kept, f)
			}
		}
		fmt.Fprintf(&b, "\t{%s},\n", strings.Join(kept, ", "))
	}
	b.WriteString(`}

// countryAliases are spellings of country names seen in real data (city and
// twinning tables), each with the code it stands for.
var countryAliases = []countryAlias{
`)
	for _, a := range aliases {
		fmt.Fprintf(&b, "\t{%q, %q},\n", a.Name, a.Code)
	}
	b.WriteString(`}

// countryShortNames are the everyday English (CLDR) names of the countries.
var countryShortNames = []countryAlias{
`)
	for _, a := range short {
		fmt.Fprintf(&b, "\t{%q, %q},\n", a.Name, a.Code)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func kv(k, v string) string {
	if v == "" {
		return ""
	}
	return fmt.Sprintf("%s: %q", k, v)
}

func kc(k, v string) string {
	if v == "" {
		return ""
	}
	return k + ": " + v
}
