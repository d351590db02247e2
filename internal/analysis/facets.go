package analysis

import (
	"github.com/c2c-project/c2c/internal/c2c"
)

// FacetKeysFor returns the base keys a store must group by
// (c2c.Store.ExchangeFacets) for BreakdownFacets to count by dims: the
// derived fields (COUNTRY, REGION, SUB_REGION and the pairs, CLASS) need
// the source and target countries. Themes are unwound only for THEME.
func FacetKeysFor(dims ...Dimension) c2c.FacetKeys {
	var k c2c.FacetKeys
	for _, d := range dims {
		switch d.Field {
		case FieldTheme:
			k.Theme = true
		case FieldKind:
			k.Kind = true
		case FieldYear:
			k.Year = true
		case FieldProgramme:
			k.Programme = true
		case FieldCountry, FieldRegion, FieldSubRegion, FieldRegionPair, FieldSubRegionPair, FieldCountryPair, FieldClass:
			k.SourceCountry, k.TargetCountry = true, true
		}
	}
	return k
}

// keyerOfFacets returns the keys of one row under a dimension.
func keyerOfFacets(d Dimension) func(*c2c.FacetRow) []string {
	ends := func(r *c2c.FacetRow, f func(string) string) []string {
		a, b := f(r.SourceCountry), f(r.TargetCountry)
		if a > b {
			a, b = b, a
		}
		return []string{a, b}
	}
	ident := func(s string) string { return s }
	switch d.Field {
	case FieldTheme:
		return func(r *c2c.FacetRow) []string { return []string{r.Theme} }
	case FieldKind:
		return func(r *c2c.FacetRow) []string { return []string{r.Kind} }
	case FieldYear:
		return func(r *c2c.FacetRow) []string { return []string{r.Year} }
	case FieldProgramme:
		return func(r *c2c.FacetRow) []string { return []string{r.Programme} }
	case FieldCountry:
		return func(r *c2c.FacetRow) []string { return distinct(ends(r, ident)...) }
	case FieldRegion:
		return func(r *c2c.FacetRow) []string { return distinct(ends(r, region)...) }
	case FieldSubRegion:
		return func(r *c2c.FacetRow) []string { return distinct(ends(r, subRegion)...) }
	case FieldRegionPair:
		return func(r *c2c.FacetRow) []string {
			e := ends(r, region)
			return []string{e[0] + "|" + e[1]}
		}
	case FieldSubRegionPair:
		return func(r *c2c.FacetRow) []string {
			e := ends(r, subRegion)
			return []string{e[0] + "|" + e[1]}
		}
	case FieldCountryPair:
		return func(r *c2c.FacetRow) []string {
			e := ends(r, ident)
			return []string{e[0] + "|" + e[1]}
		}
	case FieldClass:
		return func(r *c2c.FacetRow) []string {
			return []string{string(c2c.Classify(d.Definition, r.SourceCountry, r.TargetCountry))}
		}
	}
	return nil
}

// BreakdownFacets gives what Breakdown gives over the matching exchanges,
// from the rows a store grouped them into by FacetKeysFor(dims) (or by
// more keys, themes apart: rows with unwound themes count an exchange once
// per theme, so they are only right when a dimension is THEME). Each row
// counts once under each distinct combination of its keys: once per
// country of its ends (once when both share it), once per M49 region,
// exactly as Breakdown counts an exchange. Buckets come largest first,
// then by keys. KindInvalid naming "dims[i]" for a bad dimension.
func BreakdownFacets(rows []c2c.FacetRow, dims ...Dimension) ([]Bucket, error) {
	if err := validateDims(dims); err != nil {
		return nil, err
	}
	keyers := make([]func(*c2c.FacetRow) []string, len(dims))
	for i, d := range dims {
		keyers[i] = keyerOfFacets(d)
	}
	items := make([]*c2c.FacetRow, len(rows))
	for i := range rows {
		items[i] = &rows[i]
	}
	return tally(items, keyers, func(r *c2c.FacetRow) int { return r.Count }), nil
}
