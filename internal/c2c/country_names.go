package c2c

import (
	"strings"
	"sync"
)

//go:generate go run ../../tools/countrygen -ref ../../../shared/reference -out countries_table.go

// countryAlias is one spelling of a country's name and the ISO alpha-2 code
// it stands for.
type countryAlias struct {
	Name string
	Code string
}

var (
	countryNamesOnce sync.Once
	codeByFoldedName map[string]string
	codeByAlpha3     map[string]string
)

// indexCountryNames maps every folded name to its code. Reference names come
// first, then the aliases, then the short names; a later spelling never
// overrides an earlier one.
func indexCountryNames() {
	countryNamesOnce.Do(func() {
		codeByFoldedName = map[string]string{}
		codeByAlpha3 = map[string]string{}
		add := func(name, code string) {
			if f := Fold(name); f != "" {
				if _, ok := codeByFoldedName[f]; !ok {
					codeByFoldedName[f] = code
				}
			}
		}
		for _, c := range countryTable {
			add(c.Name, c.Code)
			if c.Alpha3 != "" {
				codeByAlpha3[c.Alpha3] = c.Code
			}
		}
		for _, a := range countryAliases {
			add(a.Name, a.Code)
		}
		for _, a := range countryShortNames {
			add(a.Name, a.Code)
		}
	})
}

// CountryCodeByName resolves a free-text country as found in imported data
// ("United States", "Republic of Korea", "Cote d'Ivoire", "England") to its
// ISO 3166-1 alpha-2 code. Names compare folded (see Fold), so case, accents
// and punctuation do not matter. It also accepts an alpha-2 or alpha-3 code
// ("ZA", "usa"), an inverted name ("Korea, Republic of") and a place followed
// by its country ("Algarve, Portugal"). ok is false when nothing matches.
func CountryCodeByName(name string) (code string, ok bool) {
	indexCountryNames()
	s := strings.TrimSpace(name)
	if s == "" {
		return "", false
	}
	if code, ok := codeByFolded(Fold(s)); ok {
		return code, true
	}
	if isASCIILetters(s) {
		u := strings.ToUpper(s)
		switch len(u) {
		case 2:
			if _, ok := CountryByCode(u); ok {
				return u, true
			}
		case 3:
			if code, ok := codeByAlpha3[u]; ok {
				return code, true
			}
		}
	}
	if i := strings.LastIndex(s, ","); i >= 0 {
		head, tail := s[:i], s[i+1:]
		if code, ok := codeByFolded(Fold(tail + " " + head)); ok {
			return code, true
		}
		// The tail is matched as a name only: "Springfield, IL" is not
		// Israel.
		if code, ok := codeByFolded(Fold(tail)); ok {
			return code, true
		}
	}
	return "", false
}

// codeByFolded looks a folded name up, with and without a leading "the".
func codeByFolded(f string) (string, bool) {
	if code, ok := codeByFoldedName[f]; ok {
		return code, true
	}
	if rest, found := strings.CutPrefix(f, "the "); found {
		code, ok := codeByFoldedName[rest]
		return code, ok
	}
	return "", false
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
