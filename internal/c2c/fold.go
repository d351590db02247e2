package c2c

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased, without accents, with punctuation turned into
// spaces and runs of spaces collapsed: "São Paulo" and "Sao-Paulo" both fold
// to "sao paulo". Search and text filters compare folded strings.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	var b strings.Builder
	space := false
	for _, r := range out {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(foldLetter(r)))
			space = false
		case !space && b.Len() > 0:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// foldLetter maps letters that NFD does not decompose to their plain forms.
func foldLetter(r rune) rune {
	switch r {
	case 'ø', 'Ø':
		return 'o'
	case 'ł', 'Ł':
		return 'l'
	case 'đ', 'Đ':
		return 'd'
	case 'ı':
		return 'i'
	case 'ß':
		return 's'
	case 'æ', 'Æ':
		return 'a'
	}
	return r
}

// Match ranks, best first.
const (
	RankExact      = 4 // a name equals the query
	RankPrefix     = 3 // a name starts with the query
	RankWordPrefix = 2 // a word inside a name starts with the query
	RankSubstring  = 1 // the query occurs inside a name
)

// MatchRank returns how well the folded query q matches any of names (each
// folded here), 0 for no match. Stores select candidates whose SearchKey
// contains q and order them by this rank, then by name and id, so every store
// ranks alike.
func MatchRank(q string, names []string) int {
	folded := make([]string, len(names))
	for i, n := range names {
		folded[i] = Fold(n)
	}
	return MatchRankFolded(q, folded)
}

// MatchRankFolded is MatchRank over names already folded (as a search key
// holds them), without folding them again.
func MatchRankFolded(q string, folded []string) int {
	best := 0
	for _, f := range folded {
		r := 0
		switch {
		case f == q:
			r = RankExact
		case strings.HasPrefix(f, q):
			r = RankPrefix
		case strings.Contains(f, " "+q):
			r = RankWordPrefix
		case strings.Contains(f, q):
			r = RankSubstring
		}
		if r > best {
			best = r
		}
	}
	return best
}
