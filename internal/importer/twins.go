package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/c2c-project/c2c/internal/c2c"
)

// TwinReport counts what a twin-town import found.
type TwinReport struct {
	// Pairs is the number of distinct city pairs: one mutual TWINNING
	// exchange each.
	Pairs int
	// ListedBothWays counts pairs listed as A→B and as B→A, merged into one.
	ListedBothWays int
	// DuplicateRows counts accepted rows that repeat a pair in a direction
	// already seen.
	DuplicateRows int
	// CitiesMatched counts distinct existing actors the rows resolved to.
	CitiesMatched int
	// CitiesCreated counts the new City actors.
	CitiesCreated int
}

// matchRadiusKm is how far a row's coordinates may lie from an existing
// city of the same name and country for the two to be one city. Names
// repeat within a country (several Neustadts, Münsters, Springfields), and
// the coordinates tell them apart.
const matchRadiusKm = 50

// twinSide is one city of a twin-town row.
type twinSide struct {
	name   string
	cc     string
	coords *c2c.Coordinates
	key    string // cc|folded name
	slug   string // c2c.Slug(name)
}

// names memoises folding, slugs and country look-ups: a twin-town list
// repeats each city and country many times.
type names struct {
	fold    map[string]string
	slug    map[string]string
	country map[string]string // "" for a name that does not resolve
}

func newNames() *names {
	return &names{fold: map[string]string{}, slug: map[string]string{}, country: map[string]string{}}
}

func (n *names) folded(s string) string {
	f, ok := n.fold[s]
	if !ok {
		f = c2c.Fold(s)
		n.fold[s] = f
	}
	return f
}

func (n *names) slugOf(s string) string {
	f, ok := n.slug[s]
	if !ok {
		f = c2c.Slug(s)
		n.slug[s] = f
	}
	return f
}

func (n *names) countryCode(s string) (string, bool) {
	cc, ok := n.country[s]
	if !ok {
		cc, _ = c2c.CountryCodeByName(s)
		n.country[s] = cc
	}
	return cc, cc != ""
}

// twinRow is an accepted row of a twin-town file.
type twinRow struct {
	line  int
	sides [2]twinSide
}

// readTwinRows reads every row, rejecting those whose names or countries
// are empty or unusable or whose coordinates are malformed.
func readTwinRows(src rowSource, rep *Report, opts Options) ([]twinRow, error) {
	var out []twinRow
	nc := newNames()
	err := eachRow(src, rep, opts, func(r *row) {
		var tr twinRow
		tr.line = r.line
		ok := true
		for i := 0; i < 2; i++ {
			n := strconv.Itoa(i + 1)
			s, good := twinSideFromRow(r, nc, "city"+n, "country"+n, "lat"+n, "lng"+n, rep)
			tr.sides[i] = s
			ok = ok && good
		}
		if ok {
			out = append(out, tr)
		}
	})
	return out, err
}

func twinSideFromRow(r *row, nc *names, cityCol, countryCol, latCol, lonCol string, rep *Report) (twinSide, bool) {
	reject := func(field, code, format string, args ...any) (twinSide, bool) {
		rep.reject(Rejection{Line: r.line, Field: field, Code: code, Reason: fmt.Sprintf(format, args...)})
		return twinSide{}, false
	}
	name := strings.Join(strings.Fields(r.text(cityCol)), " ")
	country := strings.TrimSpace(r.text(countryCol))
	if country == "" {
		// "Varna, Bulgaria" with an empty country column.
		if i := strings.LastIndex(name, ","); i > 0 {
			if cc, ok := nc.countryCode(name[i+1:]); ok {
				name, country = strings.TrimSpace(name[:i]), cc
			}
		}
	}
	if name == "" {
		return reject(cityCol, CodeEmptyName, "is empty")
	}
	if reason := badPlaceName(name); reason != "" {
		return reject(cityCol, CodeBadName, "%q %s", name, reason)
	}
	if country == "" {
		return reject(countryCol, CodeEmptyCountry, "is empty (city %q)", name)
	}
	cc, ok := nc.countryCode(country)
	if !ok {
		return reject(countryCol, CodeUnknownCountry, "%q is not a country this service knows", country)
	}
	if _, ok := c2c.CountryByCode(cc); !ok {
		return reject(countryCol, CodeUnknownCountry, "%q resolves to %s, which the country reference lacks", country, cc)
	}
	s := twinSide{name: name, cc: cc, key: cc + "|" + nc.folded(name), slug: nc.slugOf(name)}
	la, lo := r.text(latCol), r.text(lonCol)
	if la == "" && lo == "" {
		return s, true
	}
	lat, err1 := strconv.ParseFloat(la, 64)
	lon, err2 := strconv.ParseFloat(lo, 64)
	switch {
	case err1 != nil || math.IsNaN(lat) || math.IsInf(lat, 0):
		return reject(latCol, CodeBadCoordinates, "%q is not a number", la)
	case err2 != nil || math.IsNaN(lon) || math.IsInf(lon, 0):
		return reject(lonCol, CodeBadCoordinates, "%q is not a number", lo)
	case lat < -90 || lat > 90:
		return reject(latCol, CodeBadCoordinates, "%v is outside -90..90", lat)
	case lon < -180 || lon > 180:
		return reject(lonCol, CodeBadCoordinates, "%v is outside -180..180", lon)
	case lat == 0 && lon == 0:
		// 0,0 is a placeholder for "unknown" in scraped data.
	default:
		s.coords = &c2c.Coordinates{Lat: lat, Lon: lon}
	}
	return s, true
}

// badPlaceName returns why name cannot be a place name, "" if it can.
func badPlaceName(name string) string {
	if len([]rune(name)) > c2c.MaxNameLen {
		return fmt.Sprintf("is longer than %d characters", c2c.MaxNameLen)
	}
	letters := 0
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			return "contains control characters"
		case strings.ContainsRune("<>{}[]|=#@\\", r):
			return fmt.Sprintf("contains %q, which no place name has", r)
		}
	}
	if letters == 0 {
		return "has no letters"
	}
	if strings.Contains(name, "://") || strings.HasPrefix(strings.ToLower(name), "www.") {
		return "is a web address"
	}
	return ""
}

// cityRef is a city a twin-town side can resolve to.
type cityRef struct {
	id       string
	name     string
	cc       string
	coords   *c2c.Coordinates
	existing bool
	line     int // the first line that created it, for new cities
}

// twinResolver matches twin-town sides to existing cities, or creates new
// ones with stable ids.
type twinResolver struct {
	byKey   map[string][]*cityRef // cc|folded name → candidates, existing first
	taken   map[string]bool       // ids in use: stored actors known to clash and each city
	created []*cityRef
	matched map[string]bool
}

// cityIndex holds the stored cities of a file's countries under each of
// their names.
type cityIndex struct {
	byKey map[string][]*cityRef // cc|folded name → stored cities in id order
	ids   map[string]bool       // their ids
}

// loadCities reads the stored cities of the given countries, one country
// at a time in id order, and indexes each under each of its names. A
// country's pages cost the store an index seek on the country and a sort
// of that country's cities; paging through every actor instead costs a
// pass over all of them per page. A few countries load at once, to
// overlap the round trips.
func loadCities(ctx context.Context, st c2c.Store, ccs []string) (*cityIndex, error) {
	cities := make([][]*c2c.Actor, len(ccs))
	errs := make([]error, len(ccs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(cityLoaders, len(ccs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				cities[i], errs[i] = countryCities(ctx, st, ccs[i])
			}
		}()
	}
	for i := range ccs {
		next <- i
	}
	close(next)
	wg.Wait()
	ix := &cityIndex{byKey: map[string][]*cityRef{}, ids: map[string]bool{}}
	for i := range ccs {
		if errs[i] != nil {
			return nil, fmt.Errorf("load cities: %w", errs[i])
		}
		for _, a := range cities[i] {
			ix.add(a)
		}
	}
	return ix, nil
}

// cityLoaders is how many countries loadCities reads at once.
const cityLoaders = 4

// countryCities returns the stored cities of one country in id order.
func countryCities(ctx context.Context, st c2c.Store, cc string) ([]*c2c.Actor, error) {
	q := c2c.ActorQuery{
		Filter: c2c.ActorFilter{Kinds: []c2c.ActorKind{c2c.ActorCity}, Countries: []string{cc}},
		Order:  c2c.OrderIDAsc, First: c2c.MaxPageSize,
	}
	var out []*c2c.Actor
	for {
		page, err := st.Actors(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Actors...)
		if !page.HasNext || len(page.Actors) == 0 {
			return out, nil
		}
		c := c2c.ActorCursor(q.Order, page.Actors[len(page.Actors)-1])
		q.After = &c
	}
}

func (ix *cityIndex) add(a *c2c.Actor) {
	ix.ids[a.ID] = true
	ref := &cityRef{id: a.ID, name: a.Name, cc: a.Country, coords: a.Coords, existing: true}
	seen := map[string]bool{}
	for _, n := range a.Names() {
		k := a.Country + "|" + c2c.Fold(n)
		if !seen[k] {
			seen[k] = true
			ix.byKey[k] = append(ix.byKey[k], ref)
		}
	}
}

// resolver returns a resolver over the stored cities that treats the
// cities' ids and clashes as taken.
func (ix *cityIndex) resolver(clashes map[string]bool) *twinResolver {
	tr := &twinResolver{
		byKey:   make(map[string][]*cityRef, len(ix.byKey)),
		taken:   make(map[string]bool, len(ix.ids)+len(clashes)),
		matched: map[string]bool{},
	}
	for k, refs := range ix.byKey {
		tr.byKey[k] = slices.Clone(refs)
	}
	for id := range ix.ids {
		tr.taken[id] = true
	}
	for id := range clashes {
		tr.taken[id] = true
	}
	return tr
}

// clashCheckChunk bounds the ids of new cities sent in one ActorsByIDs
// call.
const clashCheckChunk = 5000

// resolveTwins resolves both sides of every row. A new city's id must not
// be any stored actor's, of whatever kind or country: the ids the
// resolution creates are looked up in the store, and if some are taken it
// runs again knowing them, until every created id is free. Each run
// decides as one knowing every stored id would (the ids it skips are
// taken, the ids it picks are free), so the outcome is the same.
func resolveTwins(ctx context.Context, st c2c.Store, rows []twinRow, ix *cityIndex) (*twinResolver, [][2]*cityRef, error) {
	clashes, free := map[string]bool{}, map[string]bool{}
	for {
		tr := ix.resolver(clashes)
		sides := make([][2]*cityRef, len(rows))
		for i, r := range rows {
			sides[i] = [2]*cityRef{tr.resolve(r.sides[0], r.line), tr.resolve(r.sides[1], r.line)}
		}
		var ids []string
		for _, c := range tr.created {
			if !free[c.id] {
				ids = append(ids, c.id)
			}
		}
		found := false
		for i := 0; i < len(ids); i += clashCheckChunk {
			part := ids[i:min(i+clashCheckChunk, len(ids))]
			as, err := st.ActorsByIDs(ctx, part)
			if err != nil {
				return nil, nil, fmt.Errorf("check new city ids: %w", err)
			}
			for j, a := range as {
				if a != nil {
					clashes[part[j]], found = true, true
				} else {
					free[part[j]] = true
				}
			}
		}
		if !found {
			return tr, sides, nil
		}
	}
}

// resolve returns the city for s, creating one when no candidate of the
// same name and country lies within matchRadiusKm (or has no coordinates
// to compare).
func (tr *twinResolver) resolve(s twinSide, line int) *cityRef {
	k := s.key
	cands := tr.byKey[k]
	if ref := pick(cands, s.coords); ref != nil {
		if ref.existing {
			tr.matched[ref.id] = true
		}
		return ref
	}
	id := tr.newID(s)
	ref := &cityRef{id: id, name: s.name, cc: s.cc, coords: s.coords, line: line}
	tr.taken[id] = true
	tr.created = append(tr.created, ref)
	tr.byKey[k] = append(tr.byKey[k], ref)
	return ref
}

func pick(cands []*cityRef, at *c2c.Coordinates) *cityRef {
	if len(cands) == 0 {
		return nil
	}
	if at == nil {
		return cands[0]
	}
	var best *cityRef
	bestKm := math.Inf(1)
	for _, c := range cands {
		if c.coords == nil {
			continue
		}
		if d := distanceKm(*at, *c.coords); d <= matchRadiusKm && d < bestKm {
			best, bestKm = c, d
		}
	}
	if best != nil {
		return best
	}
	for _, c := range cands {
		if c.coords == nil {
			return c
		}
	}
	return nil
}

// distanceKm is the great-circle distance between a and b.
func distanceKm(a, b c2c.Coordinates) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// newID returns "<cc>-<slug>", or with "-2", "-3", … when that is taken
// by any actor (see resolveTwins).
func (tr *twinResolver) newID(s twinSide) string {
	base := baseID(s)
	for n := 1; ; n++ {
		id := base
		if n > 1 {
			id = base + "-" + strconv.Itoa(n)
		}
		if !tr.taken[id] {
			return id
		}
	}
}

// baseID is the id a new city gets unless taken: "<cc>-<slug>", or a hash
// of the folded name for a name with no Latin letters or digits.
func baseID(s twinSide) string {
	if s.slug == "" {
		_, folded, _ := strings.Cut(s.key, "|")
		return strings.ToLower(s.cc) + "-city-" + shortHash(folded)
	}
	return strings.ToLower(s.cc) + "-" + s.slug
}

func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:4])
}

// TwinExchangeID returns the id of the mutual twinning exchange between two
// actors: "twin-<a>--<b>" with the ids in sorted order, shortened with a
// hash of the whole when longer than 128 characters.
func TwinExchangeID(a, b string) string {
	if b < a {
		a, b = b, a
	}
	id := "twin-" + a + "--" + b
	if len(id) <= 128 {
		return id
	}
	head := strings.TrimRight(id[:119], "-._")
	return head + "-" + shortHash(id)
}

// twinPair is one merged pair.
type twinPair struct {
	a, b              *cityRef // a.id < b.id
	line              int      // first line listing it
	forward, backward bool     // listed as a→b, as b→a
	rows              int
}

func importTwins(ctx context.Context, st c2c.Store, src rowSource, rep *Report, opts Options) (*Report, error) {
	rows, err := readTwinRows(src, rep, opts)
	if err != nil {
		return rep, err
	}
	ccSet := map[string]bool{}
	var ccs []string
	for _, r := range rows {
		for _, s := range r.sides {
			if !ccSet[s.cc] {
				ccSet[s.cc] = true
				ccs = append(ccs, s.cc)
			}
		}
	}
	ix, err := loadCities(ctx, st, ccs)
	if err != nil {
		return rep, err
	}
	tr, sides, err := resolveTwins(ctx, st, rows, ix)
	if err != nil {
		return rep, err
	}
	pairs := map[string]*twinPair{}
	var order []*twinPair
	for i, r := range rows {
		a, b := sides[i][0], sides[i][1]
		if a == b {
			rep.reject(Rejection{Line: r.line, Field: "city2", Code: CodeSameCity,
				Reason: fmt.Sprintf("%q names the same city as city1 (%s)", r.sides[1].name, a.id)})
			continue
		}
		forward := a.id < b.id
		if !forward {
			a, b = b, a
		}
		k := a.id + "\x00" + b.id
		p := pairs[k]
		if p == nil {
			p = &twinPair{a: a, b: b, line: r.line}
			pairs[k] = p
			order = append(order, p)
		}
		p.rows++
		if forward {
			p.forward = true
		} else {
			p.backward = true
		}
	}

	// Created cities that no accepted row uses (their row was rejected as
	// same-city) are dropped.
	used := map[string]bool{}
	for _, p := range order {
		used[p.a.id], used[p.b.id] = true, true
	}
	themes, err := themeSet(ctx, st)
	if err != nil {
		return rep, err
	}
	var b c2c.Batch
	var lines itemLines
	if !themes["friendship"] {
		b.Themes = append(b.Themes, friendshipTheme())
	}
	tw := &TwinReport{Pairs: len(order)}
	for _, c := range tr.created {
		if !used[c.id] {
			continue
		}
		a := c2c.Actor{ID: c.id, Kind: c2c.ActorCity, Name: c.name, Country: c.cc, Coords: c.coords}
		a.Normalize()
		if err := a.Validate(""); err != nil {
			fieldErrors(c.line, err, rep)
			continue
		}
		b.Actors = append(b.Actors, a)
		lines.actors = append(lines.actors, c.line)
	}
	tw.CitiesCreated = len(b.Actors)
	for id := range tr.matched {
		if used[id] {
			tw.CitiesMatched++
		}
	}
	accepted := 0
	for _, p := range order {
		x := c2c.Exchange{
			ID:       TwinExchangeID(p.a.id, p.b.id),
			SourceID: p.a.id,
			TargetID: p.b.id,
			Title:    "Twinning of " + p.a.name + " and " + p.b.name,
			Kind:     c2c.KindTwinning,
			Themes:   []string{"friendship"},
			Summary:  "Twin towns (sister cities), listed from one side only.",
		}
		if p.forward && p.backward {
			x.Summary = "Twin towns (sister cities), listed from both sides."
			tw.ListedBothWays++
		}
		x.Normalize()
		if err := x.Validate(""); err != nil {
			fieldErrors(p.line, err, rep)
			continue
		}
		accepted += p.rows
		b.Exchanges = append(b.Exchanges, x)
		lines.exchanges = append(lines.exchanges, p.line)
	}
	tw.DuplicateRows = accepted - len(b.Exchanges) - tw.ListedBothWays
	rep.Twins = tw
	rep.Accepted = accepted
	rep.sortRejections()
	if len(rep.Rejected) > 0 && opts.Strict {
		return rep, rejectedError(rep)
	}
	if opts.DryRun || len(b.Exchanges) == 0 {
		return rep, nil
	}
	return rep, write(ctx, st, b, lines, rep, opts.BatchRows)
}

func friendshipTheme() c2c.Theme {
	for _, t := range c2c.DefaultThemes {
		if t.ID == "friendship" {
			return t
		}
	}
	return c2c.Theme{ID: "friendship", Label: "Friendship and twinning"}
}
