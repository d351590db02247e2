package neo4jstore

import (
	"context"

	"github.com/c2c-project/c2c/internal/c2c"
)

// exchangeFacetsTail groups the filtered exchanges (x, s, t) by the keys
// whose $by… parameter is set; a key not asked for is the empty string in
// every row, so one query text (and one cached plan per anchor) serves
// every choice of keys. With $byTheme an exchange is unwound into one row
// per distinct theme (a theme repeated in the list counts once), one empty
// theme when it has none. firsts counts the rows at the first theme of an
// exchange: summed, the number of matching exchanges. Aggregation runs in
// the server; only the groups travel.
const exchangeFacetsTail = `WITH x, s, t,
  CASE WHEN $byTheme AND size(coalesce(x.themes, [])) > 0 THEN x.themes ELSE [''] END AS ts
UNWIND range(0, size(ts) - 1) AS i
WITH x, s, t, ts, i, ts[i] AS theme
WHERE NOT theme IN ts[0..i]
RETURN theme,
  CASE WHEN $byKind THEN x.kind ELSE '' END AS kind,
  CASE WHEN $byYear THEN coalesce(left(x.start, 4), '') ELSE '' END AS year,
  CASE WHEN $bySource THEN coalesce(s.country, '') ELSE '' END AS source,
  CASE WHEN $byTarget THEN coalesce(t.country, '') ELSE '' END AS target,
  CASE WHEN $byProgramme THEN coalesce(x.programme, '') ELSE '' END AS programme,
  count(*) AS n,
  sum(CASE WHEN i = 0 THEN 1 ELSE 0 END) AS firsts`

// exchangeFacetsQuery returns the facet query for f with its anchor, and
// its parameters.
func exchangeFacetsQuery(f c2c.ExchangeFilter, keys c2c.FacetKeys) (string, map[string]any) {
	anchor, p := exchangeFilterParams(f)
	p["byTheme"] = keys.Theme
	p["byKind"] = keys.Kind
	p["byYear"] = keys.Year
	p["bySource"] = keys.SourceCountry
	p["byTarget"] = keys.TargetCountry
	p["byProgramme"] = keys.Programme
	return anchor + exchangeWhere + exchangeFacetsTail, p
}

// ExchangeFacets counts the exchanges matching f grouped by the keys asked
// for, aggregated in the server in one query anchored like Exchanges (an
// index for an actor, programme, event, date window, kind or title filter;
// a scan of every exchange otherwise), and returns the rows with the number
// of matching exchanges. KindInvalid for a bad filter.
func (s *Store) ExchangeFacets(ctx context.Context, f c2c.ExchangeFilter, keys c2c.FacetKeys) ([]c2c.FacetRow, int, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, 0, err
	}
	q, p := exchangeFacetsQuery(f, keys)
	recs, err := s.read(ctx, "exchange facets", q, p)
	if err != nil {
		return nil, 0, err
	}
	out := make([]c2c.FacetRow, 0, len(recs))
	total := 0
	for _, r := range recs {
		m := r.AsMap()
		n, _ := m["n"].(int64)
		firsts, _ := m["firsts"].(int64)
		if n == 0 {
			continue
		}
		total += int(firsts)
		out = append(out, c2c.FacetRow{
			Theme:         str(m, "theme"),
			Kind:          str(m, "kind"),
			Year:          str(m, "year"),
			SourceCountry: str(m, "source"),
			TargetCountry: str(m, "target"),
			Programme:     str(m, "programme"),
			Count:         int(n),
		})
	}
	return out, total, nil
}
