package storetest

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/c2c-project/c2c/internal/c2c"
)

// model is the suite's own in-memory picture of what a store should hold.
// Every expected answer is computed from it by brute force, independently of
// any store, so a store is checked against a second implementation rather
// than against hard-coded results.
type model struct {
	actors      map[string]*c2c.Actor
	exchanges   map[string]*c2c.Exchange
	memberships map[string]*c2c.Membership
	themes      map[string]c2c.Theme
}

func newModel() *model {
	m := &model{
		actors:      map[string]*c2c.Actor{},
		exchanges:   map[string]*c2c.Exchange{},
		memberships: map[string]*c2c.Membership{},
		themes:      map[string]c2c.Theme{},
	}
	for _, th := range c2c.DefaultThemes {
		m.themes[th.ID] = th
	}
	return m
}

// add puts normalised copies of the batch's items into m, replacing items
// with the same id.
func (m *model) add(b c2c.Batch) {
	for _, th := range b.Themes {
		m.themes[th.ID] = th
	}
	for _, a := range b.Actors {
		m.putActor(a)
	}
	for _, x := range b.Exchanges {
		m.putExchange(x)
	}
	for _, ms := range b.Memberships {
		m.putMembership(ms)
	}
}

func (m *model) putActor(a c2c.Actor) *c2c.Actor {
	c := normActor(a)
	m.actors[c.ID] = c
	return copyActor(c)
}

func (m *model) putExchange(x c2c.Exchange) *c2c.Exchange {
	c := normExchange(x)
	m.exchanges[c.ID] = c
	return copyExchange(c)
}

func (m *model) putMembership(ms c2c.Membership) *c2c.Membership {
	c := normMembership(ms)
	m.memberships[c.ID] = c
	return copyMembership(c)
}

func normActor(a c2c.Actor) *c2c.Actor {
	c := copyActor(&a)
	c.Normalize()
	return c
}

func normExchange(x c2c.Exchange) *c2c.Exchange {
	c := copyExchange(&x)
	c.Normalize()
	return c
}

func normMembership(ms c2c.Membership) *c2c.Membership {
	c := copyMembership(&ms)
	c.Normalize()
	return c
}

func copyActor(a *c2c.Actor) *c2c.Actor {
	c := *a
	c.AltNames = slices.Clone(a.AltNames)
	if a.Coords != nil {
		co := *a.Coords
		c.Coords = &co
	}
	return &c
}

func copyExchange(x *c2c.Exchange) *c2c.Exchange {
	c := *x
	c.Themes = slices.Clone(x.Themes)
	c.Facilitators = slices.Clone(x.Facilitators)
	c.Start = copyDate(x.Start)
	c.End = copyDate(x.End)
	return &c
}

func copyMembership(ms *c2c.Membership) *c2c.Membership {
	c := *ms
	c.Since = copyDate(ms.Since)
	c.Until = copyDate(ms.Until)
	return &c
}

func copyDate(d *c2c.PartialDate) *c2c.PartialDate {
	if d == nil {
		return nil
	}
	c := *d
	return &c
}

var foldMemo sync.Map

// fold is c2c.Fold, remembered: the reference folds the same names and
// titles many times over.
func fold(s string) string {
	if f, ok := foldMemo.Load(s); ok {
		return f.(string)
	}
	f := c2c.Fold(s)
	foldMemo.Store(s, f)
	return f
}

// sortedKeys returns the keys of a map in byte order.
func sortedKeys[V any](mp map[string]V) []string {
	out := make([]string, 0, len(mp))
	for k := range mp {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (m *model) actorList() []*c2c.Actor {
	out := []*c2c.Actor{}
	for _, id := range sortedKeys(m.actors) {
		out = append(out, copyActor(m.actors[id]))
	}
	return out
}

func (m *model) exchangeList() []*c2c.Exchange {
	out := []*c2c.Exchange{}
	for _, id := range sortedKeys(m.exchanges) {
		out = append(out, copyExchange(m.exchanges[id]))
	}
	return out
}

func (m *model) membershipList() []*c2c.Membership {
	out := []*c2c.Membership{}
	for _, id := range sortedKeys(m.memberships) {
		out = append(out, copyMembership(m.memberships[id]))
	}
	return out
}

// countryOf returns the country of the actor with id, "" if it has none or
// does not exist.
func (m *model) countryOf(id string) string {
	if a, ok := m.actors[id]; ok {
		return a.Country
	}
	return ""
}

// --- actors ---

func containsFold(names []string, q string) bool {
	for _, n := range names {
		if strings.Contains(fold(n), q) {
			return true
		}
	}
	return false
}

func inM49(code, region string) bool {
	c, ok := c2c.CountryByCode(code)
	return ok && (c.RegionCode == region || c.SubRegionCode == region)
}

// matchActor evaluates every condition of f on its own, without the
// CountrySet helper the stores use.
func matchActor(f c2c.ActorFilter, a *c2c.Actor) bool {
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, a.Kind) {
		return false
	}
	if len(f.OrgTypes) > 0 && !slices.Contains(f.OrgTypes, a.OrgType) {
		return false
	}
	if f.Countries != nil && !slices.ContainsFunc(f.Countries, func(c string) bool {
		return a.Country != "" && strings.EqualFold(strings.TrimSpace(c), a.Country)
	}) {
		return false
	}
	if f.Regions != nil && !slices.ContainsFunc(f.Regions, func(r string) bool { return inM49(a.Country, r) }) {
		return false
	}
	if f.South != nil && c2c.StatusOf(f.South.Definition, a.Country) != f.South.Status {
		return false
	}
	if f.Text != "" && !containsFold(a.Names(), fold(f.Text)) {
		return false
	}
	return true
}

func compareActors(order c2c.ActorOrder) func(a, b *c2c.Actor) int {
	switch order {
	case c2c.OrderIDAsc:
		return func(a, b *c2c.Actor) int { return strings.Compare(a.ID, b.ID) }
	case c2c.OrderNameDesc:
		return func(a, b *c2c.Actor) int {
			// Descending names; ties still break on ascending id.
			return cmp.Or(strings.Compare(fold(b.Name), fold(a.Name)), strings.Compare(a.ID, b.ID))
		}
	default:
		return func(a, b *c2c.Actor) int {
			return cmp.Or(strings.Compare(fold(a.Name), fold(b.Name)), strings.Compare(a.ID, b.ID))
		}
	}
}

func (m *model) queryActors(f c2c.ActorFilter, order c2c.ActorOrder) []*c2c.Actor {
	var out []*c2c.Actor
	for _, a := range m.actorList() {
		if matchActor(f, a) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, compareActors(order))
	return out
}

// actorsAfter returns the actors of want strictly after the cursor position
// of last under order.
func actorsAfter(want []*c2c.Actor, order c2c.ActorOrder, last *c2c.Actor) []*c2c.Actor {
	cmpf := compareActors(order)
	var out []*c2c.Actor
	for _, a := range want {
		if cmpf(a, last) > 0 {
			out = append(out, a)
		}
	}
	return out
}

func (m *model) citiesByRegion(id string) []*c2c.Actor {
	var out []*c2c.Actor
	for _, a := range m.actorList() {
		if a.Kind == c2c.ActorCity && a.RegionID == id && id != "" {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, compareActors(c2c.OrderNameAsc))
	return out
}

// search ranks every actor with MatchRank; the best rank first, then the
// folded name, then id.
func (m *model) search(text string, limit int) []*c2c.SearchHit {
	q := fold(text)
	var out []*c2c.SearchHit
	for _, a := range m.actorList() {
		if !containsFold(a.Names(), q) {
			continue
		}
		out = append(out, &c2c.SearchHit{Actor: a, Rank: c2c.MatchRank(q, a.Names())})
	}
	slices.SortFunc(out, func(x, y *c2c.SearchHit) int {
		return cmp.Or(cmp.Compare(y.Rank, x.Rank), compareActors(c2c.OrderNameAsc)(x.Actor, y.Actor))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// --- exchanges ---

func (m *model) matchExchange(f c2c.ExchangeFilter, x *c2c.Exchange) bool {
	if len(f.ThemesAny) > 0 && !slices.ContainsFunc(f.ThemesAny, func(t string) bool { return slices.Contains(x.Themes, t) }) {
		return false
	}
	for _, t := range f.ThemesAll {
		if !slices.Contains(x.Themes, t) {
			return false
		}
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, x.Kind) {
		return false
	}
	if f.From != nil || f.To != nil {
		if x.Start == nil {
			return false
		}
		lo := x.Start.First()
		hi := x.Start.Last()
		if x.End != nil {
			hi = x.End.Last()
		}
		if f.From != nil && hi.Before(f.From.First()) {
			return false
		}
		if f.To != nil && lo.After(f.To.Last()) {
			return false
		}
	}
	if f.Programme != "" && x.Programme != f.Programme {
		return false
	}
	if f.Event != "" && x.Event != f.Event {
		return false
	}
	if f.ActorID != "" && x.SourceID != f.ActorID && x.TargetID != f.ActorID {
		return false
	}
	if len(f.Countries) > 0 {
		src, tgt := m.countryOf(x.SourceID), m.countryOf(x.TargetID)
		if !slices.ContainsFunc(f.Countries, func(c string) bool {
			c = strings.ToUpper(strings.TrimSpace(c))
			return (src != "" && c == src) || (tgt != "" && c == tgt)
		}) {
			return false
		}
	}
	if f.Class != nil && c2c.Classify(f.Class.Definition, m.countryOf(x.SourceID), m.countryOf(x.TargetID)) != f.Class.Class {
		return false
	}
	if f.Directed != nil && x.Directed != *f.Directed {
		return false
	}
	if f.Text != "" && !strings.Contains(fold(x.Title), fold(f.Text)) {
		return false
	}
	return true
}

// startKey is the first day of the start as yyyymmdd, computed from the
// calendar rather than with the domain's key helpers.
func startKey(x *c2c.Exchange) (int, bool) {
	if x.Start == nil {
		return 0, false
	}
	d := x.Start.First()
	return d.Year()*10000 + int(d.Month())*100 + d.Day(), true
}

func compareExchanges(order c2c.ExchangeOrder) func(a, b *c2c.Exchange) int {
	switch order {
	case c2c.OrderExIDAsc:
		return func(a, b *c2c.Exchange) int { return strings.Compare(a.ID, b.ID) }
	case c2c.OrderTitleAsc:
		return func(a, b *c2c.Exchange) int {
			return cmp.Or(strings.Compare(fold(a.Title), fold(b.Title)), strings.Compare(a.ID, b.ID))
		}
	case c2c.OrderStartDesc:
		return func(a, b *c2c.Exchange) int {
			ka, oka := startKey(a)
			kb, okb := startKey(b)
			switch {
			case oka != okb: // unknown last
				if oka {
					return -1
				}
				return 1
			case ka != kb:
				return cmp.Compare(kb, ka)
			}
			// Ties break on ascending id in both directions.
			return strings.Compare(a.ID, b.ID)
		}
	default:
		return func(a, b *c2c.Exchange) int {
			ka, oka := startKey(a)
			kb, okb := startKey(b)
			switch {
			case oka != okb:
				if oka {
					return -1
				}
				return 1
			case ka != kb:
				return cmp.Compare(ka, kb)
			}
			return strings.Compare(a.ID, b.ID)
		}
	}
}

func (m *model) queryExchanges(f c2c.ExchangeFilter, order c2c.ExchangeOrder) []*c2c.Exchange {
	var out []*c2c.Exchange
	for _, x := range m.exchangeList() {
		if m.matchExchange(f, x) {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, compareExchanges(order))
	return out
}

// exchangesByActors returns, for each actor, the exchanges matching f at
// either end, ordered by start (unknown last), then id.
func (m *model) exchangesByActors(f c2c.ExchangeFilter) map[string][]*c2c.Exchange {
	out := map[string][]*c2c.Exchange{}
	for _, x := range m.queryExchanges(f, c2c.OrderStartAsc) {
		out[x.SourceID] = append(out[x.SourceID], x)
		out[x.TargetID] = append(out[x.TargetID], x)
	}
	return out
}

// partnerSummary is a Partner reduced to what the contract fixes: the
// first date by its first day and the last by its last day, so that
// "2014" and "2014-01-01" as earliest start compare equal.
type partnerSummary struct {
	PartnerID string
	Exchanges int
	FirstDay  int
	LastDay   int
	Themes    []string
}

func dayOf(d *c2c.PartialDate, last bool) int {
	if d == nil {
		return 0
	}
	t := d.First()
	if last {
		t = d.Last()
	}
	return t.Year()*10000 + int(t.Month())*100 + t.Day()
}

func summarisePartners(ps []*c2c.Partner) []partnerSummary {
	out := []partnerSummary{}
	for _, p := range ps {
		out = append(out, partnerSummary{
			PartnerID: p.PartnerID, Exchanges: p.Exchanges,
			FirstDay: dayOf(p.First, false), LastDay: dayOf(p.Last, true), Themes: p.Themes,
		})
	}
	return out
}

// partners summarises the partners of id over its exchanges xs (those
// exchangesByActors gives it).
func (m *model) partners(id string, xs []*c2c.Exchange) []partnerSummary {
	byID := map[string]*partnerSummary{}
	themes := map[string]map[string]bool{}
	for _, x := range xs {
		other := x.SourceID
		if other == id {
			other = x.TargetID
		}
		p := byID[other]
		if p == nil {
			p = &partnerSummary{PartnerID: other}
			byID[other] = p
			themes[other] = map[string]bool{}
		}
		p.Exchanges++
		for _, t := range x.Themes {
			themes[other][t] = true
		}
		if x.Start != nil {
			lo := dayOf(x.Start, false)
			hi := dayOf(x.Start, true)
			if x.End != nil {
				hi = max(hi, dayOf(x.End, true))
			}
			if p.FirstDay == 0 || lo < p.FirstDay {
				p.FirstDay = lo
			}
			p.LastDay = max(p.LastDay, hi)
		}
	}
	out := []partnerSummary{}
	for other, p := range byID {
		p.Themes = sortedKeys(themes[other])
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b partnerSummary) int {
		return cmp.Or(cmp.Compare(b.Exchanges, a.Exchanges),
			compareActors(c2c.OrderNameAsc)(m.actors[a.PartnerID], m.actors[b.PartnerID]))
	})
	return out
}

// --- memberships ---

func compareSince(a, b *c2c.Membership) int {
	ka, kb := dayOf(a.Since, false), dayOf(b.Since, false)
	switch {
	case ka == kb:
		return 0
	case ka == 0:
		return 1
	case kb == 0:
		return -1
	}
	return cmp.Compare(ka, kb)
}

func (m *model) membershipsByActor(id string) []*c2c.Membership {
	var out []*c2c.Membership
	for _, ms := range m.membershipList() {
		if ms.ActorID == id {
			out = append(out, ms)
		}
	}
	slices.SortFunc(out, func(a, b *c2c.Membership) int {
		return cmp.Or(compareSince(a, b), strings.Compare(a.OrganisationID, b.OrganisationID), strings.Compare(a.ID, b.ID))
	})
	return out
}

func (m *model) membersByOrganisation(id string) []*c2c.Membership {
	var out []*c2c.Membership
	for _, ms := range m.membershipList() {
		if ms.OrganisationID == id {
			out = append(out, ms)
		}
	}
	slices.SortFunc(out, func(a, b *c2c.Membership) int {
		return cmp.Or(compareSince(a, b), strings.Compare(a.ActorID, b.ActorID), strings.Compare(a.ID, b.ID))
	})
	return out
}

// --- themes ---

func (m *model) themeCounts() []c2c.ThemeCount {
	out := []c2c.ThemeCount{}
	for _, id := range sortedKeys(m.themes) {
		n := 0
		for _, x := range m.exchanges {
			if slices.Contains(x.Themes, id) {
				n++
			}
		}
		out = append(out, c2c.ThemeCount{Theme: m.themes[id], Exchanges: n})
	}
	return out
}

// --- graph ---

// neighbourhoodOver answers q over matching, the exchanges that match
// q.Filter in id order.
func (m *model) neighbourhoodOver(q c2c.NeighbourhoodQuery, matching []*c2c.Exchange) *c2c.Subgraph {
	adj := map[string][]string{}
	for _, x := range matching {
		adj[x.SourceID] = append(adj[x.SourceID], x.TargetID)
		adj[x.TargetID] = append(adj[x.TargetID], x.SourceID)
	}
	dist := map[string]int{q.Centre: 0}
	frontier := []string{q.Centre}
	for d := 1; d <= q.Depth; d++ {
		var next []string
		for _, n := range frontier {
			for _, o := range adj[n] {
				if _, seen := dist[o]; !seen {
					dist[o] = d
					next = append(next, o)
				}
			}
		}
		frontier = next
	}
	ids := sortedKeys(dist)
	slices.SortStableFunc(ids, func(a, b string) int { return cmp.Compare(dist[a], dist[b]) })
	g := &c2c.Subgraph{Depth: map[string]int{}, Nodes: []*c2c.Actor{}, Edges: []*c2c.Exchange{}}
	if len(ids) > q.Limit {
		ids, g.Truncated = ids[:q.Limit], true
	}
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
		g.Nodes = append(g.Nodes, copyActor(m.actors[id]))
		g.Depth[id] = dist[id]
	}
	for _, x := range matching {
		if in[x.SourceID] && in[x.TargetID] {
			g.Edges = append(g.Edges, x)
		}
	}
	return g
}

func (m *model) edges(f c2c.ExchangeFilter) *c2c.Subgraph {
	g := &c2c.Subgraph{Nodes: []*c2c.Actor{}, Edges: []*c2c.Exchange{}}
	ends := map[string]bool{}
	for _, x := range m.exchangeList() {
		if m.matchExchange(f, x) {
			g.Edges = append(g.Edges, x)
			ends[x.SourceID], ends[x.TargetID] = true, true
		}
	}
	for _, id := range sortedKeys(ends) {
		g.Nodes = append(g.Nodes, copyActor(m.actors[id]))
	}
	return g
}

// degrees returns the number of exchanges at each actor.
func (m *model) degrees() map[string]int {
	d := map[string]int{}
	for _, x := range m.exchanges {
		d[x.SourceID]++
		d[x.TargetID]++
	}
	return d
}
