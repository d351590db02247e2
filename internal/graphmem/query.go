package graphmem

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Count returns the number of exchanges f selects.
func (s *Snapshot) Count(f c2c.ExchangeFilter) (int, error) {
	m, err := s.match(f)
	if err != nil {
		return 0, err
	}
	return int(m.GetCardinality()), nil
}

// Edges answers c2c.Store.Edges from the snapshot: the exchanges f
// selects, in id order, and the actors at their ends, in id order, with
// the fields the snapshot holds (no titles, names, summaries or source
// URLs; what every graph analysis reads). The records are new on each
// call and the caller may keep them.
func (s *Snapshot) Edges(f c2c.ExchangeFilter) (*c2c.Subgraph, error) {
	m, err := s.match(f)
	if err != nil {
		return nil, err
	}
	rows := make([]int32, 0, m.GetCardinality())
	ends := roaring.New()
	it := m.Iterator()
	for it.HasNext() {
		x := int32(it.Next())
		rows = append(rows, x)
		ends.Add(uint32(s.exSrc[x]))
		ends.Add(uint32(s.exTgt[x]))
	}
	g := &c2c.Subgraph{Edges: s.skeletonExchanges(rows)}
	g.Nodes = make([]*c2c.Actor, 0, ends.GetCardinality())
	ai := ends.Iterator()
	for ai.HasNext() {
		g.Nodes = append(g.Nodes, s.skeletonActor(int32(ai.Next())))
	}
	return g, nil
}

// incident calls fn for each exchange at actor a (either end), in no
// particular order.
func (s *Snapshot) incident(a int32, fn func(x, other int32)) {
	for _, x := range s.out[s.outOff[a]:s.outOff[a+1]] {
		fn(x, s.exTgt[x])
	}
	for _, x := range s.in[s.inOff[a]:s.inOff[a+1]] {
		fn(x, s.exSrc[x])
	}
}

// Neighbourhood answers c2c.Store.Neighbourhood from the snapshot, with
// skeleton records as Edges gives: a breadth-first search over the CSR
// adjacency, keeping exchanges f selects. KindNotFound if the centre is
// not in the snapshot.
func (s *Snapshot) Neighbourhood(q c2c.NeighbourhoodQuery) (*c2c.Subgraph, error) {
	if q.Depth < 1 || q.Depth > c2c.MaxNeighbourhoodDepth {
		return nil, c2c.Invalid("depth", "%d is outside 1..%d", q.Depth, c2c.MaxNeighbourhoodDepth)
	}
	if q.Limit < 1 || q.Limit > c2c.MaxNeighbourhoodNodes {
		return nil, c2c.Invalid("limit", "%d is outside 1..%d", q.Limit, c2c.MaxNeighbourhoodNodes)
	}
	m, err := s.match(q.Filter)
	if err != nil {
		return nil, err
	}
	centre, ok := s.actor(q.Centre)
	if !ok {
		return nil, c2c.NotFound("actor", q.Centre)
	}
	// A filter selecting everything needs no test per exchange.
	var keep func(x int32) bool
	if m.GetCardinality() != uint64(len(s.exIDs)) {
		keep = func(x int32) bool { return m.Contains(uint32(x)) }
	}
	dist := make([]int8, len(s.actorIDs))
	for i := range dist {
		dist[i] = -1
	}
	dist[centre] = 0
	order := []int32{centre}
	frontier := []int32{centre}
	truncated := false
	for d := 1; d <= q.Depth && len(frontier) > 0; d++ {
		if len(order) >= q.Limit {
			// The nodes kept are all nearer than this level: it only
			// says whether the limit cut any off.
			truncated = s.anyNew(frontier, dist, keep)
			break
		}
		var next []int32
		for _, a := range frontier {
			s.incident(a, func(x, o int32) {
				if dist[o] < 0 && (keep == nil || keep(x)) {
					dist[o] = int8(d)
					next = append(next, o)
				}
			})
		}
		slices.Sort(next)
		order = append(order, next...)
		frontier = next
	}
	g := &c2c.Subgraph{Depth: map[string]int{}, Nodes: []*c2c.Actor{}, Edges: []*c2c.Exchange{}, Truncated: truncated}
	if len(order) > q.Limit {
		order, g.Truncated = order[:q.Limit], true
	}
	in := make([]bool, len(s.actorIDs))
	for _, a := range order {
		in[a] = true
		g.Nodes = append(g.Nodes, s.skeletonActor(a))
		g.Depth[s.actorIDs[a]] = int(dist[a])
	}
	var xs []int32
	for _, a := range order {
		for _, x := range s.out[s.outOff[a]:s.outOff[a+1]] {
			if in[s.exTgt[x]] && (keep == nil || keep(x)) {
				xs = append(xs, x)
			}
		}
	}
	slices.Sort(xs)
	g.Edges = s.skeletonExchanges(xs)
	return g, nil
}

// anyNew reports whether an exchange keep selects leads from the frontier
// to an actor not reached yet.
func (s *Snapshot) anyNew(frontier []int32, dist []int8, keep func(int32) bool) bool {
	for _, a := range frontier {
		for _, x := range s.out[s.outOff[a]:s.outOff[a+1]] {
			if dist[s.exTgt[x]] < 0 && (keep == nil || keep(x)) {
				return true
			}
		}
		for _, x := range s.in[s.inOff[a]:s.inOff[a+1]] {
			if dist[s.exSrc[x]] < 0 && (keep == nil || keep(x)) {
				return true
			}
		}
	}
	return false
}

// Adjacent answers c2c.Store.Adjacent from the snapshot.
func (s *Snapshot) Adjacent(ids []string, f c2c.ExchangeFilter) (map[string][]c2c.Adjacency, error) {
	m, err := s.match(f)
	if err != nil {
		return nil, err
	}
	out := map[string][]c2c.Adjacency{}
	for _, id := range ids {
		a, ok := s.actor(id)
		if !ok {
			continue
		}
		if _, done := out[id]; done {
			continue
		}
		var l []c2c.Adjacency
		outs, ins := s.out[s.outOff[a]:s.outOff[a+1]], s.in[s.inOff[a]:s.inOff[a+1]]
		// Both lists are in adjacency order; merge them.
		for len(outs) > 0 || len(ins) > 0 {
			var x int32
			outgoing := len(ins) == 0 || (len(outs) > 0 && s.adjLess(outs[0], ins[0]))
			if outgoing {
				x, outs = outs[0], outs[1:]
			} else {
				x, ins = ins[0], ins[1:]
			}
			if !m.Contains(uint32(x)) {
				continue
			}
			other := s.exTgt[x]
			if !outgoing {
				other = s.exSrc[x]
			}
			l = append(l, c2c.Adjacency{
				ExchangeID: s.exIDs[x], OtherID: s.actorIDs[other], Outgoing: outgoing,
				Directed: s.directed.Contains(uint32(x)), Start: unpackDate(s.exStart[x]),
			})
		}
		if len(l) > 0 {
			out[id] = l
		}
	}
	return out, nil
}

func (s *Snapshot) adjLess(x, y int32) bool {
	return cmp.Or(cmp.Compare(s.startSortKey(x), s.startSortKey(y)), cmp.Compare(x, y)) < 0
}

// Facets answers c2c.Store.ExchangeFacets from the snapshot.
func (s *Snapshot) Facets(f c2c.ExchangeFilter, keys c2c.FacetKeys) ([]c2c.FacetRow, int, error) {
	m, err := s.match(f)
	if err != nil {
		return nil, 0, err
	}
	counts := map[c2c.FacetRow]int{}
	years := map[int32]string{}
	it := m.Iterator()
	for it.HasNext() {
		x := int32(it.Next())
		var r c2c.FacetRow
		if keys.Kind {
			r.Kind = string(c2c.ExchangeKinds[s.exKind[x]])
		}
		if keys.Year && s.exStart[x] != 0 {
			y := s.exStart[x] / 10000
			if years[y] == "" {
				years[y] = strconv.Itoa(int(y))
			}
			r.Year = years[y]
		}
		if keys.SourceCountry {
			r.SourceCountry = s.countries[s.actorCountry[s.exSrc[x]]]
		}
		if keys.TargetCountry {
			r.TargetCountry = s.countries[s.actorCountry[s.exTgt[x]]]
		}
		if keys.Programme {
			r.Programme = s.strs[s.exProg[x]]
		}
		ts := s.exThemes[s.exThemeOff[x]:s.exThemeOff[x+1]]
		if !keys.Theme || len(ts) == 0 {
			counts[r]++
			continue
		}
		for _, t := range ts {
			r.Theme = s.themes[t]
			counts[r]++
		}
	}
	rows := make([]c2c.FacetRow, 0, len(counts))
	for r, n := range counts {
		r.Count = n
		rows = append(rows, r)
	}
	return rows, int(m.GetCardinality()), nil
}

// ExchangeIDsByActors answers the selection of c2c.Store.ExchangesByActors
// from the snapshot: for each actor id, the ids of the first limit (all
// when limit <= 0) exchanges at either end that f selects, ordered by
// start (unknown last), then id. The records come from the store.
func (s *Snapshot) ExchangeIDsByActors(actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]string, error) {
	adj, err := s.Adjacent(actorIDs, f)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(adj))
	for id, l := range adj {
		if limit > 0 && len(l) > limit {
			l = l[:limit]
		}
		ids := make([]string, len(l))
		for i, a := range l {
			ids[i] = a.ExchangeID
		}
		out[id] = ids
	}
	return out, nil
}

// PartnersByActors answers c2c.Store.PartnersByActors from the snapshot.
func (s *Snapshot) PartnersByActors(actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Partner, error) {
	m, err := s.match(f)
	if err != nil {
		return nil, err
	}
	out := map[string][]*c2c.Partner{}
	for _, id := range actorIDs {
		a, ok := s.actor(id)
		if !ok {
			continue
		}
		if _, done := out[id]; done {
			continue
		}
		type acc struct {
			p      *c2c.Partner
			row    int32 // the partner's actor number
			first  int32 // packed start of the earliest (coarsest on ties)
			firstK int32
			last   int32 // packed date of the latest (finest on ties)
			lastK  int32
			themes map[uint16]bool
		}
		by := map[int32]*acc{}
		s.incident(a, func(x, o int32) {
			if !m.Contains(uint32(x)) {
				return
			}
			p := by[o]
			if p == nil {
				p = &acc{p: &c2c.Partner{ActorID: id, PartnerID: s.actorIDs[o]}, row: o, themes: map[uint16]bool{}}
				by[o] = p
			}
			p.p.Exchanges++
			for _, t := range s.exThemes[s.exThemeOff[x]:s.exThemeOff[x+1]] {
				p.themes[t] = true
			}
			st := s.exStart[x]
			if st == 0 {
				return
			}
			lo := s.exLo[x]
			if p.first == 0 || lo < p.firstK || (lo == p.firstK && coarser(st, p.first)) {
				p.first, p.firstK = st, lo
			}
			// The latest date covered: the end when it ends after the
			// start, else the start.
			d, k := st, lastKey(st)
			if e := s.exEnd[x]; e != 0 && s.exHi[x] > k {
				d, k = e, s.exHi[x]
			}
			if p.last == 0 || k > p.lastK || (k == p.lastK && coarser(p.last, d)) {
				p.last, p.lastK = d, k
			}
		})
		ps := make([]*acc, 0, len(by))
		for _, p := range by {
			ps = append(ps, p)
		}
		// Rows are in id order, so the row breaks ties as the id does.
		slices.SortFunc(ps, func(x, y *acc) int {
			return cmp.Or(cmp.Compare(y.p.Exchanges, x.p.Exchanges),
				strings.Compare(s.actorNameKey[x.row], s.actorNameKey[y.row]), cmp.Compare(x.row, y.row))
		})
		if limit > 0 && len(ps) > limit {
			ps = ps[:limit]
		}
		// Only the partners returned need their dates and themes decoded.
		l := make([]*c2c.Partner, len(ps))
		for i, p := range ps {
			p.p.First, p.p.Last = unpackDate(p.first), unpackDate(p.last)
			for t := range p.themes {
				p.p.Themes = append(p.p.Themes, s.themes[t])
			}
			slices.Sort(p.p.Themes)
			l[i] = p.p
		}
		if len(l) > 0 {
			out[id] = l
		}
	}
	return out, nil
}

// coarser reports whether packed date a is of coarser precision than b,
// which is how their text forms compare ("2014" < "2014-01-01").
func coarser(a, b int32) bool {
	return c2c.DateString(unpackDate(a)) < c2c.DateString(unpackDate(b))
}

// ExchangePage answers the selection of c2c.Store.Exchanges from the
// snapshot for the orders it holds the keys of (start and id; titles stay
// in the store): the ids of the page, whether more follow and the total.
// ok is false for an order it cannot serve.
func (s *Snapshot) ExchangePage(q c2c.ExchangeQuery) (ids []string, hasNext bool, total int, ok bool, err error) {
	order := q.Order
	if order == "" {
		order = c2c.OrderStartAsc
	}
	if order != c2c.OrderStartAsc && order != c2c.OrderStartDesc && order != c2c.OrderExIDAsc {
		return nil, false, 0, false, nil
	}
	if q.First < 1 || q.First > c2c.MaxStorePageSize {
		return nil, false, 0, true, c2c.Invalid("first", "%d is outside 1..%d", q.First, c2c.MaxStorePageSize)
	}
	m, err := s.match(q.Filter)
	if err != nil {
		return nil, false, 0, true, err
	}
	key := func(x int32) int32 {
		if s.exLo[x] != 0 {
			return s.exLo[x]
		}
		if order == c2c.OrderStartDesc {
			return c2c.UnknownStartDesc
		}
		return c2c.UnknownStartAsc
	}
	xs := make([]int32, 0, m.GetCardinality())
	it := m.Iterator()
	for it.HasNext() {
		xs = append(xs, int32(it.Next()))
	}
	compare := func(x, y int32) int { return cmp.Compare(x, y) }
	switch order {
	case c2c.OrderStartAsc:
		compare = func(x, y int32) int { return cmp.Or(cmp.Compare(key(x), key(y)), cmp.Compare(x, y)) }
	case c2c.OrderStartDesc:
		compare = func(x, y int32) int {
			kx, ky := key(x), key(y)
			// Unknown dates come last in both directions.
			ux, uy := s.exLo[x] == 0, s.exLo[y] == 0
			if ux != uy {
				if ux {
					return 1
				}
				return -1
			}
			return cmp.Or(cmp.Compare(ky, kx), cmp.Compare(x, y))
		}
	}
	total = len(xs)
	if c := q.After; c != nil {
		// Only the rows after the cursor's position: the order is total,
		// so they are the ones the page continues with.
		after := func(x int32) bool {
			switch order {
			case c2c.OrderExIDAsc:
				return s.exIDs[x] > c.ID
			case c2c.OrderStartAsc:
				k := int64(key(x))
				return k > c.Num || (k == c.Num && s.exIDs[x] > c.ID)
			default:
				k := int64(key(x))
				ux := s.exLo[x] == 0
				uc := c.Num == c2c.UnknownStartDesc
				if ux != uc {
					return ux
				}
				return k < c.Num || (k == c.Num && s.exIDs[x] > c.ID)
			}
		}
		xs = slices.DeleteFunc(xs, func(x int32) bool { return !after(x) })
	}
	// The page and one row more (whether there is a next page): the first
	// First+1 rows in order, selected without sorting every match (the
	// bitmap gives rows in id order, which is already OrderExIDAsc's).
	if order != c2c.OrderExIDAsc {
		xs = firstInOrder(xs, q.First+1, compare)
	}
	end := min(q.First, len(xs))
	for _, x := range xs[:end] {
		ids = append(ids, s.exIDs[x])
	}
	return ids, end < len(xs), total, true, nil
}

// firstInOrder returns the k first of xs under compare, in order. It
// keeps a bounded max-heap of the k best seen, so that a page of 20 out
// of 40,000 matches costs one comparison for most of them instead of a
// full sort; xs is reordered.
func firstInOrder(xs []int32, k int, compare func(x, y int32) int) []int32 {
	if k <= 0 {
		return xs[:0]
	}
	if len(xs) <= 4*k {
		slices.SortFunc(xs, compare)
		return xs[:min(k, len(xs))]
	}
	h := xs[:k] // a max-heap under compare: h[0] is the worst kept
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && compare(h[r], h[l]) > 0 {
				m = r
			}
			if compare(h[m], h[i]) <= 0 {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for _, x := range xs[k:] {
		if compare(x, h[0]) < 0 {
			h[0] = x
			down(0)
		}
	}
	slices.SortFunc(h, compare)
	return h
}
