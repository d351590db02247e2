package c2c

// FacetKeys says which base keys Store.ExchangeFacets groups the matching
// exchanges by. A key not asked for is "" in every row, so asking for fewer
// keys gives fewer, larger rows.
type FacetKeys struct {
	// Theme unwinds the themes: an exchange counts once under each of its
	// distinct themes, under "" when it has none. Without Theme an exchange
	// is in exactly one row.
	Theme bool
	// Kind groups by exchange kind.
	Kind bool
	// Year groups by start year ("2013"), "" when the start is unknown.
	Year bool
	// SourceCountry and TargetCountry group by the country of each end
	// (ISO alpha-2 as stored), "" for an end with no country.
	SourceCountry bool
	TargetCountry bool
	// Programme groups by programme, "" for none.
	Programme bool
}

// Any reports whether k asks for any key.
func (k FacetKeys) Any() bool {
	return k.Theme || k.Kind || k.Year || k.SourceCountry || k.TargetCountry || k.Programme
}

// FacetRow is the number of matching exchanges with one combination of the
// base keys asked for; keys not asked for are "".
type FacetRow struct {
	Theme         string
	Kind          string
	Year          string
	SourceCountry string
	TargetCountry string
	Programme     string
	Count         int
}
