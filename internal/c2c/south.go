package c2c

import (
	"slices"
	"sort"
	"strings"
	"sync"
)

// Definition names one of the Global South classifications. No single
// definition exists, so every South-related question names one.
type Definition string

// The definitions.
const (
	// DefG77 is membership of the Group of 77 (with China, as the G77 lists
	// it). Countries the G77 table lists as non-members are North; countries
	// it does not list at all (Taiwan, Kosovo) are unknown.
	DefG77 Definition = "G77"
	// DefM49Developing2020 is the UN M49 "Developing" designation as last
	// published, in 2020. Countries the 2020 table leaves without a
	// designation (Taiwan, Kosovo, …) are unknown.
	DefM49Developing2020 Definition = "M49_DEVELOPING_2020"
	// DefWorldBankNonHighIncome is a World Bank income group other than
	// high income. Countries without a group are unknown.
	DefWorldBankNonHighIncome Definition = "WORLD_BANK_NON_HIGH_INCOME"
)

// Definitions lists every definition.
var Definitions = []Definition{DefG77, DefM49Developing2020, DefWorldBankNonHighIncome}

// Valid reports whether d is a known definition.
func (d Definition) Valid() bool {
	return d == DefG77 || d == DefM49Developing2020 || d == DefWorldBankNonHighIncome
}

// SouthStatus is a country's or actor's place under a definition.
type SouthStatus string

// The statuses.
const (
	StatusSouth   SouthStatus = "SOUTH"
	StatusNorth   SouthStatus = "NORTH"
	StatusUnknown SouthStatus = "UNKNOWN"
)

// Valid reports whether s is a known status.
func (s SouthStatus) Valid() bool {
	return s == StatusSouth || s == StatusNorth || s == StatusUnknown
}

// EdgeClass classifies an exchange by the statuses of its two ends.
type EdgeClass string

// The classes. UNKNOWN when either end's status is unknown (an organisation
// with no country, or a country the definition does not classify).
const (
	ClassSouthSouth EdgeClass = "SOUTH_SOUTH"
	ClassNorthSouth EdgeClass = "NORTH_SOUTH"
	ClassNorthNorth EdgeClass = "NORTH_NORTH"
	ClassUnknown    EdgeClass = "UNKNOWN"
)

// EdgeClasses lists every class.
var EdgeClasses = []EdgeClass{ClassSouthSouth, ClassNorthSouth, ClassNorthNorth, ClassUnknown}

// Valid reports whether c is a known class.
func (c EdgeClass) Valid() bool {
	return c == ClassSouthSouth || c == ClassNorthSouth || c == ClassNorthNorth || c == ClassUnknown
}

// Country is an entry of the built-in country reference.
type Country struct {
	Code          string // ISO 3166-1 alpha-2
	Alpha3        string
	Name          string
	M49           string // numeric code, 3 digits; "" where M49 lists none (Taiwan, Kosovo)
	RegionCode    string // M49 region: "002" Africa, "019" Americas, "142" Asia, "150" Europe, "009" Oceania; "" for none
	Region        string
	SubRegionCode string
	SubRegion     string
	// IntermediateRegionCode and IntermediateRegion name the M49
	// intermediate region ("005" South America, "014" Eastern Africa) where
	// M49 has one, "" otherwise.
	IntermediateRegionCode string
	IntermediateRegion     string
	// Statuses under each definition.
	G77           SouthStatus
	M49Developing SouthStatus
	WBNonHigh     SouthStatus
	WBIncomeGroup string // "Low income", …, "High income" or ""
}

// Status returns c's status under d.
func (c Country) Status(d Definition) SouthStatus {
	var s SouthStatus
	switch d {
	case DefG77:
		s = c.G77
	case DefM49Developing2020:
		s = c.M49Developing
	case DefWorldBankNonHighIncome:
		s = c.WBNonHigh
	}
	if s == "" {
		return StatusUnknown
	}
	return s
}

var (
	countryIndexOnce sync.Once
	countryByCode    map[string]*Country
	countriesByM49   map[string][]string
)

func indexCountries() {
	countryIndexOnce.Do(func() {
		countryByCode = make(map[string]*Country, len(countryTable))
		countriesByM49 = map[string][]string{}
		for i := range countryTable {
			c := &countryTable[i]
			countryByCode[c.Code] = c
			if c.RegionCode != "" {
				countriesByM49[c.RegionCode] = append(countriesByM49[c.RegionCode], c.Code)
			}
			if c.SubRegionCode != "" {
				countriesByM49[c.SubRegionCode] = append(countriesByM49[c.SubRegionCode], c.Code)
			}
			if c.IntermediateRegionCode != "" {
				countriesByM49[c.IntermediateRegionCode] = append(countriesByM49[c.IntermediateRegionCode], c.Code)
			}
		}
	})
}

// Countries returns every country of the reference, ordered by code.
func Countries() []Country {
	out := append([]Country(nil), countryTable...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// CountryByCode returns the country with the ISO alpha-2 code (upper case).
func CountryByCode(code string) (Country, bool) {
	indexCountries()
	c, ok := countryByCode[code]
	if !ok {
		return Country{}, false
	}
	return *c, true
}

// CountriesInM49 returns the codes of the countries in an M49 region,
// sub-region or intermediate region, by its numeric code ("002", "005") or
// its name ("Africa", "Sub-Saharan Africa", "South America"), folded. It
// returns nil for an unknown region. The slice is the caller's to keep.
func CountriesInM49(region string) []string {
	indexCountries()
	if cs, ok := countriesByM49[region]; ok {
		return slices.Clone(cs)
	}
	f := Fold(region)
	if f == "" {
		return nil
	}
	for i := range countryTable {
		c := &countryTable[i]
		switch f {
		case Fold(c.Region):
			return slices.Clone(countriesByM49[c.RegionCode])
		case Fold(c.SubRegion):
			return slices.Clone(countriesByM49[c.SubRegionCode])
		case Fold(c.IntermediateRegion):
			return slices.Clone(countriesByM49[c.IntermediateRegionCode])
		}
	}
	return nil
}

// CountriesWithStatus returns the codes of the countries with status s under
// d, ordered by code.
func CountriesWithStatus(d Definition, s SouthStatus) []string {
	out := []string{}
	for _, c := range Countries() {
		if c.Status(d) == s {
			out = append(out, c.Code)
		}
	}
	return out
}

// StatusOf returns the status of a country code under d: UNKNOWN for "" (an
// organisation with no country) and for codes outside the reference.
func StatusOf(d Definition, code string) SouthStatus {
	c, ok := CountryByCode(strings.ToUpper(code))
	if !ok {
		return StatusUnknown
	}
	return c.Status(d)
}

// Classify returns the class of an exchange between actors in countries a
// and b under d.
func Classify(d Definition, a, b string) EdgeClass {
	sa, sb := StatusOf(d, a), StatusOf(d, b)
	switch {
	case sa == StatusUnknown || sb == StatusUnknown:
		return ClassUnknown
	case sa == StatusSouth && sb == StatusSouth:
		return ClassSouthSouth
	case sa == StatusNorth && sb == StatusNorth:
		return ClassNorthNorth
	default:
		return ClassNorthSouth
	}
}
