package sqlitestore

import (
	"encoding/json"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// clause accumulates the conditions of a WHERE clause from constant SQL
// fragments and their parameters; user text only ever travels as a
// parameter.
type clause struct {
	conds []string
	args  []any
}

func (c *clause) add(cond string, args ...any) {
	c.conds = append(c.conds, cond)
	c.args = append(c.args, args...)
}

// sql returns "cond AND cond …", or "1" when there is no condition.
func (c *clause) sql() string {
	if len(c.conds) == 0 {
		return "1"
	}
	return strings.Join(c.conds, " AND ")
}

// jsonList encodes a list as a JSON array parameter for json_each(?): one
// placeholder whatever the length of the list.
func jsonList[T ~string](xs []T) string {
	if xs == nil {
		return "[]"
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

// Fragments of the actor filter; the actor table is aliased a.
const (
	actorKindsCond      = `a.kind IN (SELECT value FROM json_each(?))`
	actorOrgTypesCond   = `a.org_type IN (SELECT value FROM json_each(?))`
	actorCountriesCond  = `a.country IN (SELECT value FROM json_each(?))`
	actorCountryOrNone  = `(a.country IN (SELECT value FROM json_each(?)) OR a.country = '')`
	actorTextCond       = `instr(a.search_key, ?) > 0`
	actorNameAfterAsc   = `(a.name_key, a.id) > (?, ?)`
	actorNameAfterDesc  = `(a.name_key < ? OR (a.name_key = ? AND a.id > ?))`
	actorIDAfter        = `a.id > ?`
	actorOrderNameAsc   = ` ORDER BY a.name_key, a.id`
	actorOrderNameDesc  = ` ORDER BY a.name_key DESC, a.id`
	actorOrderIDAsc     = ` ORDER BY a.id`
	actorFilterNoneCond = `0`
)

// actorWhere adds the conditions of f.
func actorWhere(c *clause, f c2c.ActorFilter) {
	if len(f.Kinds) > 0 {
		c.add(actorKindsCond, jsonList(f.Kinds))
	}
	if len(f.OrgTypes) > 0 {
		c.add(actorOrgTypesCond, jsonList(f.OrgTypes))
	}
	if codes, restricted, includeNone := f.CountrySet(); restricted {
		switch {
		case includeNone:
			c.add(actorCountryOrNone, jsonList(codes))
		case len(codes) == 0:
			c.add(actorFilterNoneCond)
		default:
			c.add(actorCountriesCond, jsonList(codes))
		}
	}
	if t := c2c.Fold(f.Text); t != "" {
		// instr compares literally: '%' and '_' in the text are not
		// wildcards.
		c.add(actorTextCond, t)
	}
}

// Fragments of the exchange filter; the exchange table is aliased x. The
// subqueries are not correlated: SQLite evaluates each once per statement
// into a temporary index, then probes it per row.
const (
	exThemesAnyCond = `x.id IN (SELECT exchange_id FROM exchange_themes
		WHERE theme_id IN (SELECT value FROM json_each(?)))`
	exThemesAllCond = `x.id IN (SELECT exchange_id FROM exchange_themes
		WHERE theme_id IN (SELECT value FROM json_each(?))
		GROUP BY exchange_id HAVING count(*) = ?)`
	exKindsCond     = `x.kind IN (SELECT value FROM json_each(?))`
	exWindowCond    = `x.lo IS NOT NULL AND x.lo <= ? AND x.hi >= ?`
	exProgrammeCond = `x.programme = ?`
	exEventCond     = `x.event = ?`
	exActorCond     = `(x.source_id = ? OR x.target_id = ?)`
	exDirectedCond  = `x.directed = ?`
	exTextCond      = `instr(x.title_key, ?) > 0`

	// actorsInSQL selects the actors whose country is in a JSON list.
	actorsInSQL     = `(SELECT id FROM actors WHERE country IN (SELECT value FROM json_each(?)))`
	exCountriesCond = `(x.source_id IN ` + actorsInSQL + ` OR x.target_id IN ` + actorsInSQL + `)`

	// The class conditions compare each end's country with the South and
	// North lists of the definition; an end in neither (an organisation
	// with no country, a country the definition leaves out) is unknown.
	exClassSouthSouth = `(x.source_id IN ` + actorsInSQL + ` AND x.target_id IN ` + actorsInSQL + `)`
	exClassNorthNorth = exClassSouthSouth
	exClassNorthSouth = `((x.source_id IN ` + actorsInSQL + ` AND x.target_id IN ` + actorsInSQL + `)
		OR (x.source_id IN ` + actorsInSQL + ` AND x.target_id IN ` + actorsInSQL + `))`
	exClassUnknown = `(x.source_id NOT IN ` + actorsInSQL + ` OR x.target_id NOT IN ` + actorsInSQL + `)`
)

// exchangeWhere adds the conditions of f.
func exchangeWhere(c *clause, f c2c.ExchangeFilter) {
	if len(f.ThemesAny) > 0 {
		c.add(exThemesAnyCond, jsonList(f.ThemesAny))
	}
	if all := distinct(f.ThemesAll); len(all) > 0 {
		c.add(exThemesAllCond, jsonList(all), len(all))
	}
	if len(f.Kinds) > 0 {
		c.add(exKindsCond, jsonList(f.Kinds))
	}
	if from, to, ok := f.Window(); ok {
		c.add(exWindowCond, to, from)
	}
	if f.Programme != "" {
		c.add(exProgrammeCond, f.Programme)
	}
	if f.Event != "" {
		c.add(exEventCond, f.Event)
	}
	if f.ActorID != "" {
		c.add(exActorCond, f.ActorID, f.ActorID)
	}
	if f.Countries != nil {
		codes := make([]string, len(f.Countries))
		for i, cc := range f.Countries {
			codes[i] = strings.ToUpper(strings.TrimSpace(cc))
		}
		js := jsonList(codes)
		c.add(exCountriesCond, js, js)
	}
	if f.Class != nil {
		c.addClass(f.Class)
	}
	if f.Directed != nil {
		c.add(exDirectedCond, *f.Directed)
	}
	if t := c2c.Fold(f.Text); t != "" {
		c.add(exTextCond, t)
	}
}

// addClass adds the Global South class condition.
func (c *clause) addClass(cf *c2c.ClassFilter) {
	southCodes := c2c.CountriesWithStatus(cf.Definition, c2c.StatusSouth)
	northCodes := c2c.CountriesWithStatus(cf.Definition, c2c.StatusNorth)
	south, north := jsonList(southCodes), jsonList(northCodes)
	switch cf.Class {
	case c2c.ClassSouthSouth:
		c.add(exClassSouthSouth, south, south)
	case c2c.ClassNorthNorth:
		c.add(exClassNorthNorth, north, north)
	case c2c.ClassNorthSouth:
		c.add(exClassNorthSouth, south, north, north, south)
	default:
		known := jsonList(append(append([]string(nil), southCodes...), northCodes...))
		c.add(exClassUnknown, known, known)
	}
}

func distinct(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
