package c2c

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"São Paulo", "sao paulo"},
		{"Sao-Paulo", "sao paulo"},
		{"  SÃO   PAULO  ", "sao paulo"},
		{"eThekwini", "ethekwini"},
		{"Côte d’Ivoire", "cote d ivoire"},
		{"Côte d'Ivoire", "cote d ivoire"},
		{"Malmö", "malmo"},
		{"Tromsø", "tromso"},
		{"Łódź", "lodz"},
		{"Đà Nẵng", "da nang"},
		{"Straße", "strase"},
		{"İstanbul", "istanbul"},
		{"Nampula (Moçambique)", "nampula mocambique"},
		{"AL-LAS", "al las"},
		{"", ""},
		{"--", ""},
		{"北京", "北京"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldIdempotent(t *testing.T) {
	for _, s := range []string{"São Paulo", "Côte d’Ivoire", "eThekwini Metropolitan Municipality", "Ñuñoa"} {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Errorf("Fold(Fold(%q)) = %q, want %q", s, twice, once)
		}
	}
}

func TestMatchRank(t *testing.T) {
	durban := []string{"eThekwini", "Durban"}
	saoPaulo := []string{"São Paulo"}
	tests := []struct {
		query string
		names []string
		want  int
	}{
		{"Sao Paulo", saoPaulo, RankExact},
		{"São Paulo", saoPaulo, RankExact},
		{"sao", saoPaulo, RankPrefix},
		{"paulo", saoPaulo, RankWordPrefix},
		{"aulo", saoPaulo, RankSubstring},
		{"rio", saoPaulo, 0},
		{"eThekwini", durban, RankExact},
		{"ETHEKWINI", durban, RankExact},
		{"durban", durban, RankExact},
		{"durb", durban, RankPrefix},
		{"thek", durban, RankSubstring},
		{"cape town", durban, 0},
		{"metropolitan", []string{"eThekwini Metropolitan Municipality", "Metropolitan"}, RankExact},
	}
	for _, tt := range tests {
		if got := MatchRank(Fold(tt.query), tt.names); got != tt.want {
			t.Errorf("MatchRank(%q, %q) = %d, want %d", tt.query, tt.names, got, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"São Paulo", "sao-paulo"},
		{"eThekwini Metropolitan Municipality", "ethekwini-metropolitan-municipality"},
		{"  UCLG — United Cities & Local Governments ", "uclg-united-cities-local-governments"},
		{"Côte d’Ivoire", "cote-d-ivoire"},
		{"AL-LAS", "al-las"},
		{"北京", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := Slug(tt.in)
		if got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" {
			if err := ValidateID("id", got); err != nil {
				t.Errorf("Slug(%q) = %q is not a valid id: %v", tt.in, got, err)
			}
		}
	}
	long := Slug(strings.Repeat("Nampula ", 40))
	if len(long) > 100 || strings.HasSuffix(long, "-") {
		t.Errorf("Slug(long) = %q (%d bytes), want at most 100 bytes not ending in '-'", long, len(long))
	}
	if err := ValidateID("id", long); err != nil {
		t.Errorf("Slug(long) is not a valid id: %v", err)
	}
}

func TestValidateID(t *testing.T) {
	for _, id := range []string{"durban", "sao-paulo", "uclg.africa", "a", "x_1", "2013-canoas-forum", strings.Repeat("a", 128)} {
		if err := ValidateID("id", id); err != nil {
			t.Errorf("ValidateID(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range []string{"", "Durban", "são-paulo", "-durban", "durban-", "dur ban", "a/b", strings.Repeat("a", 129)} {
		err := ValidateID("input.id", id)
		if err == nil {
			t.Errorf("ValidateID(%q) = nil, want an error", id)
			continue
		}
		mustField(t, err, "input.id")
	}
}

func TestSearchKey(t *testing.T) {
	a := Actor{Name: "eThekwini", AltNames: []string{"Durban", "São Paulo"}}
	if got, want := a.SearchKey(), "|ethekwini|durban|sao paulo|"; got != want {
		t.Errorf("SearchKey() = %q, want %q", got, want)
	}
}
