package c2c

import "testing"

func TestCountryCodeByName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"United States", "US"},
		{"United States of America", "US"},
		{"USA", "US"},
		{"usa", "US"},
		{"US", "US"},
		{"Republic of Korea", "KR"},
		{"South Korea", "KR"},
		{"Korea, Republic of", "KR"},
		{"Democratic People's Republic of Korea", "KP"},
		{"Côte d'Ivoire", "CI"},
		{"Cote d'Ivoire", "CI"},
		{"Côte d’Ivoire", "CI"},
		{"COTE D IVOIRE", "CI"},
		{"Ivory Coast", "CI"},
		{"England", "GB"},
		{"Scotland, United Kingdom", "GB"},
		{"UK", "GB"},
		{"Algarve, Portugal", "PT"},
		{"Paris, France", "FR"},
		{"Porto Alegre, Rio Grande do Sul, Brazil", "BR"},
		{"Congo, Democratic Republic of the", "CD"},
		{"Democratic Republic of the Congo", "CD"},
		{"Congo", "CG"},
		{"the Netherlands", "NL"},
		{"Netherlands (Kingdom of the)", "NL"},
		{"Namibia", "NA"},
		{"NA", "NA"},
		{"nam", "NA"},
		{"za", "ZA"},
		{" South Africa ", "ZA"},
		{"São Paulo, Brazil", "BR"},
		{"Sao Tome and Principe", "ST"},
		{"Türkiye", "TR"},
		{"Turkey", "TR"},
		{"Viet Nam", "VN"},
		{"Vietnam", "VN"},
		{"Hong Kong", "HK"},
		{"Taiwan", "TW"},
		{"Taiwan, Province of China", "TW"},
		{"Kosovo", "XK"},
		{"Mozambique", "MZ"},
	}
	for _, tt := range tests {
		got, ok := CountryCodeByName(tt.in)
		if !ok || got != tt.want {
			t.Errorf("CountryCodeByName(%q) = %q, %v; want %q, true", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{"", "  ", "Atlantis", "XX", "ZZZ", "Springfield, IL", "Korea", "Europe", "12", "Paris, Texas"} {
		if got, ok := CountryCodeByName(in); ok {
			t.Errorf("CountryCodeByName(%q) = %q, true; want not found", in, got)
		}
	}
}

func TestCountryCodeByNameCoversReference(t *testing.T) {
	for _, c := range Countries() {
		for _, in := range []string{c.Name, c.Code, c.Alpha3} {
			if in == "" {
				continue
			}
			if got, ok := CountryCodeByName(in); !ok || got != c.Code {
				t.Errorf("CountryCodeByName(%q) = %q, %v; want %q", in, got, ok, c.Code)
			}
		}
	}
	for _, list := range [][]countryAlias{countryAliases, countryShortNames} {
		for _, a := range list {
			if _, ok := CountryByCode(a.Code); !ok {
				t.Errorf("alias %q names %q, which is not in the reference", a.Name, a.Code)
			}
			if got, ok := CountryCodeByName(a.Name); !ok || got != a.Code {
				t.Errorf("CountryCodeByName(%q) = %q, %v; want %q", a.Name, got, ok, a.Code)
			}
		}
	}
}

func TestCountryCodeByNameConcurrent(t *testing.T) {
	done := make(chan string)
	for range 8 {
		go func() {
			code, _ := CountryCodeByName("Brazil")
			done <- code
		}()
	}
	for range 8 {
		if got := <-done; got != "BR" {
			t.Errorf("CountryCodeByName(Brazil) = %q", got)
		}
	}
}
