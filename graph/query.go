package graph

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/c2c-project/c2c/graph/model"
	"github.com/c2c-project/c2c/internal/c2c"
)

// selected reports whether the field being resolved selects a sub-field
// called name, so that costly fields (totalCount) are computed only when
// asked for.
func selected(ctx context.Context, name string) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return false
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, schemaTypes) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// searchText checks a search text and returns it folded; KindInvalid naming
// field when it is empty or too long.
func searchText(field, text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", c2c.Invalid(field, "is not valid UTF-8")
	}
	if utf8.RuneCountInString(text) > c2c.MaxNameLen {
		return "", c2c.Invalid(field, "is longer than %d characters", c2c.MaxNameLen)
	}
	q := c2c.Fold(text)
	if q == "" {
		return "", c2c.Invalid(field, "has no letters or digits to search for")
	}
	return q, nil
}

// countries returns the countries of the reference that filter selects,
// ordered by code; KindInvalid naming the filter field for unknown codes,
// regions or definitions.
func countries(filter *model.CountryFilter) ([]*c2c.Country, error) {
	all := c2c.Countries()
	out := make([]*c2c.Country, 0, len(all))
	if filter == nil {
		for i := range all {
			out = append(out, &all[i])
		}
		return out, nil
	}
	f := c2c.ActorFilter{Countries: filter.Codes, Regions: filter.M49Regions}
	for i, code := range filter.Codes {
		if _, ok := c2c.CountryByCode(strings.ToUpper(code)); !ok {
			return nil, c2c.Invalid("filter.codes["+strconv.Itoa(i)+"]", "%q is not a known ISO 3166-1 alpha-2 code", code)
		}
	}
	if g := filter.GlobalSouth; g != nil {
		f.South = &c2c.SouthFilter{Definition: g.Definition, Status: g.Status}
	}
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	codes, restricted, _ := f.CountrySet()
	keep := map[string]bool{}
	for _, c := range codes {
		keep[c] = true
	}
	for i := range all {
		if !restricted || keep[all[i].Code] {
			out = append(out, &all[i])
		}
	}
	return out, nil
}

// schemaTypes lets field collection enter every fragment ("... on City").
var schemaTypes = []string{"Node", "Actor", "City", "Region", "Organisation", "Exchange", "Membership",
	"Partner", "Country", "Theme", "ThemeCount", "SearchHit", "Subgraph", "NodeDepth",
	"ActorConnection", "ActorEdge", "ExchangeConnection", "ExchangeEdge", "PageInfo",
	"DeleteActorPayload", "DeleteExchangePayload", "DeleteMembershipPayload", "Coordinates",
	"PathResult", "Path", "Reachability", "Arrival", "Timeline", "YearCount", "KeyCount", "YearShare",
	"PairSpan", "CentralityScore", "ActorGroup", "Communities", "Components", "Stats", "StatsBucket"}

// Fields of an Exchange or Membership that read the actors at its ends.
var (
	exchangeEndFields   = []string{"source", "target", "facilitators", "classification"}
	membershipEndFields = []string{"actor", "organisation"}
)

// selectedUnder reports whether the selection of the current field, walked
// down path (field names), selects any of names.
func selectedUnder(ctx context.Context, path []string, names ...string) bool {
	oc, fc := graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx)
	if oc == nil || fc == nil {
		return false
	}
	sels := fc.Field.Selections
	for _, p := range path {
		found := false
		for _, f := range graphql.CollectFields(oc, sels, schemaTypes) {
			if f.Name == p {
				sels, found = f.Selections, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return selects(oc, sels, names...)
}

// selects reports whether the selection set sels selects any of names.
func selects(oc *graphql.OperationContext, sels ast.SelectionSet, names ...string) bool {
	for _, f := range graphql.CollectFields(oc, sels, schemaTypes) {
		if slices.Contains(names, f.Name) {
			return true
		}
	}
	return false
}
