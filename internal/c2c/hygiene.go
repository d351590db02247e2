package c2c

import (
	"unicode"
	"unicode/utf8"
)

// controlRune returns the first control character of s (NUL, escape, a
// line break, the C1 controls, the line and paragraph separators) and
// whether there is one. multiline allows tab, line feed and carriage
// return, as long texts (summaries) may hold paragraphs.
func controlRune(s string, multiline bool) (rune, bool) {
	for _, r := range s {
		switch {
		case multiline && (r == '\t' || r == '\n' || r == '\r'):
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			return r, true
		}
	}
	return 0, false
}

// ValidateFilterText checks the text of a text filter: valid UTF-8, at most
// max characters and something left to match once folded. A text such as
// "%", "*" or "\r\n" folds to nothing; rather than dropping it (and
// selecting everything) the filter is refused, as Search refuses it.
func ValidateFilterText(field, text string, max int) error {
	switch {
	case !utf8.ValidString(text):
		return Invalid(field, "is not valid UTF-8")
	case utf8.RuneCountInString(text) > max:
		return Invalid(field, "is longer than %d characters", max)
	case Fold(text) == "":
		return Invalid(field, "%q has no letters or digits to match", text)
	}
	return nil
}
