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

// Fragments of the exchange filter; the exchange table is aliased x.
const (
	exThemesAnyCond = `EXISTS (SELECT 1 FROM exchange_themes et
		WHERE et.exchange_id = x.id AND et.theme_id IN (SELECT value FROM json_each(?)))`
	exThemesAllCond = `(SELECT count(*) FROM exchange_themes et
		WHERE et.exchange_id = x.id AND et.theme_id IN (SELECT value FROM json_each(?))) = ?`
	exKindsCond     = `x.kind IN (SELECT value FROM json_each(?))`
	exWindowCond    = `x.lo IS NOT NULL AND x.lo <= ? AND x.hi >= ?`
	exProgrammeCond = `x.programme = ?`
	exEventCond     = `x.event = ?`
	exActorCond     = `(x.source_id = ? OR x.target_id = ?)`
	exCountriesCond = `((SELECT country FROM actors WHERE id = x.source_id) IN (SELECT value FROM json_each(?))
		OR (SELECT country FROM actors WHERE id = x.target_id) IN (SELECT value FROM json_each(?)))`
	exDirectedCond = `x.directed = ?`
	exTextCond     = `instr(x.title_key, ?) > 0`

	// exClassCond pairs the statuses of the two ends ('S', 'N' or 'U' for
	// an end whose country is in neither list, including an actor with no
	// country) and keeps the pairs of the wanted class. Parameters: South
	// list, North list (source), South list, North list (target), pairs.
	exClassCond = `((SELECT CASE WHEN country IN (SELECT value FROM json_each(?)) THEN 'S'
			WHEN country IN (SELECT value FROM json_each(?)) THEN 'N' ELSE 'U' END
		FROM actors WHERE id = x.source_id) ||
		(SELECT CASE WHEN country IN (SELECT value FROM json_each(?)) THEN 'S'
			WHEN country IN (SELECT value FROM json_each(?)) THEN 'N' ELSE 'U' END
		FROM actors WHERE id = x.target_id)) IN (SELECT value FROM json_each(?))`
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

// classPairs lists the status pairs (source, target) of each class.
var classPairs = map[c2c.EdgeClass][]string{
	c2c.ClassSouthSouth: {"SS"},
	c2c.ClassNorthNorth: {"NN"},
	c2c.ClassNorthSouth: {"NS", "SN"},
	c2c.ClassUnknown:    {"UU", "US", "UN", "SU", "NU"},
}

// addClass adds the Global South class condition.
func (c *clause) addClass(cf *c2c.ClassFilter) {
	south := jsonList(c2c.CountriesWithStatus(cf.Definition, c2c.StatusSouth))
	north := jsonList(c2c.CountriesWithStatus(cf.Definition, c2c.StatusNorth))
	c.add(exClassCond, south, north, south, north, jsonList(classPairs[cf.Class]))
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
