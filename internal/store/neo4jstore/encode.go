package neo4jstore

import (
	"fmt"
	"sort"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Projections return a whole item as one map column. They are spliced into
// the query constants.
const (
	actorMap      = `a{.*, regionId: [(a)-[:IN_REGION]->(r:Region) | r.id][0]}`
	exchangeMap   = `x{.*, source: s.id, target: t.id}`
	membershipMap = `m{.*, actor: ma.id, organisation: mo.id}`
)

// Sort keys for exchanges of unknown date, as Cypher literals.
const (
	unknownStartAsc  = `99999999`
	unknownStartDesc = `0`
	unknownSince     = `99999999`
)

func init() {
	if fmt.Sprint(c2c.UnknownStartAsc) != unknownStartAsc || fmt.Sprint(c2c.UnknownStartDesc) != unknownStartDesc {
		panic("neo4jstore: unknown-date sort keys differ from the domain's")
	}
}

// nilIfEmpty keeps optional properties absent rather than "".
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func listOrNil(xs []string) any {
	if len(xs) == 0 {
		return nil
	}
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// actorProps returns the node properties of a (the region is a relationship).
func actorProps(a *c2c.Actor) map[string]any {
	p := map[string]any{
		"id":         a.ID,
		"kind":       string(a.Kind),
		"name":       a.Name,
		"nameKey":    c2c.Fold(a.Name),
		"searchKey":  a.SearchKey(),
		"altNames":   listOrNil(a.AltNames),
		"country":    nilIfEmpty(a.Country),
		"orgType":    nilIfEmpty(string(a.OrgType)),
		"wikidataId": nilIfEmpty(a.WikidataID),
		"summary":    nilIfEmpty(a.Summary),
		"lat":        nil,
		"lon":        nil,
		"geonamesId": nil,
	}
	if a.Coords != nil {
		p["lat"], p["lon"] = a.Coords.Lat, a.Coords.Lon
	}
	if a.GeoNamesID != 0 {
		p["geonamesId"] = a.GeoNamesID
	}
	return p
}

// kindLabel names the label of each actor kind; labels cannot be
// parameters, so queries pick them with these flags.
func actorRow(a *c2c.Actor) map[string]any {
	return map[string]any{
		"id":       a.ID,
		"props":    actorProps(a),
		"city":     a.Kind == c2c.ActorCity,
		"region":   a.Kind == c2c.ActorRegion,
		"org":      a.Kind == c2c.ActorOrganisation,
		"regionId": nilIfEmpty(a.RegionID),
	}
}

func exchangeProps(x *c2c.Exchange) map[string]any {
	p := map[string]any{
		"id":           x.ID,
		"title":        x.Title,
		"titleKey":     c2c.Fold(x.Title),
		"kind":         string(x.Kind),
		"themes":       listOrNil(x.Themes),
		"start":        nil,
		"end":          nil,
		"lo":           nil,
		"hi":           nil,
		"dateNote":     nilIfEmpty(x.DateNote),
		"programme":    nilIfEmpty(x.Programme),
		"event":        nilIfEmpty(x.Event),
		"facilitators": listOrNil(x.Facilitators),
		"summary":      nilIfEmpty(x.Summary),
		"sourceUrl":    nilIfEmpty(x.SourceURL),
		"directed":     x.Directed,
	}
	if x.Start != nil {
		p["start"] = x.Start.String()
	}
	if x.End != nil {
		p["end"] = x.End.String()
	}
	if lo, hi, ok := x.Span(); ok {
		p["lo"], p["hi"] = int64(lo), int64(hi)
	}
	return p
}

func exchangeRow(x *c2c.Exchange) map[string]any {
	return map[string]any{"id": x.ID, "source": x.SourceID, "target": x.TargetID, "props": exchangeProps(x)}
}

func membershipProps(m *c2c.Membership) map[string]any {
	p := map[string]any{
		"id":        m.ID,
		"since":     nil,
		"until":     nil,
		"sinceKey":  nil,
		"role":      nilIfEmpty(m.Role),
		"sourceUrl": nilIfEmpty(m.SourceURL),
	}
	if m.Since != nil {
		p["since"] = m.Since.String()
		p["sinceKey"] = int64(m.Since.FirstKey())
	}
	if m.Until != nil {
		p["until"] = m.Until.String()
	}
	return p
}

func membershipRow(m *c2c.Membership) map[string]any {
	return map[string]any{"id": m.ID, "actor": m.ActorID, "org": m.OrganisationID, "props": membershipProps(m)}
}

// Decoding. Values written by this package have known types; anything else
// is a corrupt database and decodes as a zero value.

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func strs(m map[string]any, k string) []string {
	xs, _ := m[k].([]any)
	if len(xs) == 0 {
		return nil
	}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func num(m map[string]any, k string) (float64, bool) {
	switch v := m[k].(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	}
	return 0, false
}

func date(m map[string]any, k string) *c2c.PartialDate {
	s := str(m, k)
	if s == "" {
		return nil
	}
	d, err := c2c.ParsePartialDate(k, s)
	if err != nil {
		return nil
	}
	return &d
}

func decodeActor(v any) *c2c.Actor {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	a := &c2c.Actor{
		ID:         str(m, "id"),
		Kind:       c2c.ActorKind(str(m, "kind")),
		Name:       str(m, "name"),
		AltNames:   strs(m, "altNames"),
		Country:    str(m, "country"),
		RegionID:   str(m, "regionId"),
		OrgType:    c2c.OrgType(str(m, "orgType")),
		WikidataID: str(m, "wikidataId"),
		Summary:    str(m, "summary"),
	}
	lat, okLat := num(m, "lat")
	lon, okLon := num(m, "lon")
	if okLat && okLon {
		a.Coords = &c2c.Coordinates{Lat: lat, Lon: lon}
	}
	if g, ok := m["geonamesId"].(int64); ok {
		a.GeoNamesID = g
	}
	return a
}

func decodeExchange(v any) *c2c.Exchange {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	directed, _ := m["directed"].(bool)
	return &c2c.Exchange{
		ID:           str(m, "id"),
		SourceID:     str(m, "source"),
		TargetID:     str(m, "target"),
		Title:        str(m, "title"),
		Kind:         c2c.ExchangeKind(str(m, "kind")),
		Themes:       strs(m, "themes"),
		Start:        date(m, "start"),
		End:          date(m, "end"),
		DateNote:     str(m, "dateNote"),
		Programme:    str(m, "programme"),
		Event:        str(m, "event"),
		Facilitators: strs(m, "facilitators"),
		Summary:      str(m, "summary"),
		SourceURL:    str(m, "sourceUrl"),
		Directed:     directed,
	}
}

func decodeMembership(v any) *c2c.Membership {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	return &c2c.Membership{
		ID:             str(m, "id"),
		ActorID:        str(m, "actor"),
		OrganisationID: str(m, "organisation"),
		Since:          date(m, "since"),
		Until:          date(m, "until"),
		Role:           str(m, "role"),
		SourceURL:      str(m, "sourceUrl"),
	}
}

// stringsParam turns a list into a query parameter; nil when empty, so
// "$p IS NULL" reads as "no condition".
func stringsParam[T ~string](xs []T) any {
	if len(xs) == 0 {
		return nil
	}
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// idsParam deduplicates ids for an UNWIND.
func idsParam(ids []string) []any {
	seen := make(map[string]bool, len(ids))
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
