package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/c2c-project/c2c/internal/c2c"
)

// MarshalPartialDate writes d as its ISO 8601 text at its precision:
// "2013", "2013-07" or "2013-07-28".
func MarshalPartialDate(d c2c.PartialDate) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalPartialDate parses "YYYY", "YYYY-MM" or "YYYY-MM-DD"; anything
// else is a KindInvalid error (the presenter names the argument).
func UnmarshalPartialDate(v any) (c2c.PartialDate, error) {
	s, ok := v.(string)
	if !ok {
		return c2c.PartialDate{}, c2c.Invalid("", "%s is not a date: want a string YYYY, YYYY-MM or YYYY-MM-DD", describe(v))
	}
	return c2c.ParsePartialDate("", s)
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case int, int64, float64:
		return fmt.Sprintf("the number %v", v)
	default:
		return fmt.Sprintf("a %T", v)
	}
}
