// Package graphmem is the in-process graph: an immutable, versioned
// snapshot of what the graph questions read (actors' kind, country, region
// and coordinates; exchanges' ends, dates, kind, themes, programme, event
// and direction; memberships), laid out in columns with CSR adjacency both
// ways and roaring bitmaps for the filter, so that a c2c.ExchangeFilter is
// evaluated and the graph walked without touching the store.
//
// A Graph holds the current Snapshot behind an atomic pointer: it is built
// at start-up by streaming the store a page at a time, kept up to date by
// applying the store's change log (c2c.ChangeLog) and swapped whole, so a
// reader keeps the snapshot it started with. Titles, summaries, source URLs
// and names stay in the store; answers that return records read them from
// the store by id.
package graphmem

import (
	"slices"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/c2c-project/c2c/internal/c2c"
)

// none marks a missing index in the int32 columns.
const none = -1

// Snapshot is one immutable version of the graph. Actors, exchanges and
// memberships are numbered in id order; every column is indexed by those
// numbers. Methods never modify it, so any number of goroutines may read
// it.
type Snapshot struct {
	version uint64
	built   time.Time

	// Actors, in id order.
	actorIDs     []string
	actorKind    []uint8 // index into c2c.ActorKinds
	actorCountry []uint16
	actorRegion  []string // the region id of a city, "" otherwise
	actorNameKey []string // folded name: partners order by it
	actorLat     []float64
	actorLon     []float64
	hasCoords    *roaring.Bitmap

	// Exchanges, in id order.
	exIDs      []string
	exSrc      []int32
	exTgt      []int32
	exKind     []uint8 // index into c2c.ExchangeKinds
	exStart    []int32 // packed PartialDate (yyyymmdd with 0 for unknown parts), 0 when unknown
	exEnd      []int32
	exThemeOff []uint32 // themes of exchange i: exThemes[exThemeOff[i]:exThemeOff[i+1]], sorted by id
	exThemes   []uint16
	exProg     []uint32 // index into strs, 0 for none
	exEvent    []uint32
	directed   *roaring.Bitmap

	// Memberships, in id order.
	mIDs   []string
	mActor []int32
	mOrg   []int32
	mSince []int32
	mUntil []int32

	// Value tables; index 0 is "". Tables only grow while changes are
	// applied and are rebuilt by a full load.
	countries []string
	themes    []string
	strs      []string

	exLo, exHi []int32 // first and last day key of the span, 0 when unknown

	// Derived indexes, built by finish (or patched: patch.go).
	all         *roaring.Bitmap
	byTheme     []*roaring.Bitmap // by index into themes
	byKind      []*roaring.Bitmap // by index into c2c.ExchangeKinds
	byProg      valueRows         // by index into strs
	byEvent     valueRows
	outOff      []int32 // exchanges with actor a as source: out[outOff[a]:outOff[a+1]]
	out         []int32
	inOff       []int32
	in          []int32
	themeIndex  map[string]uint16
	strIndex    map[string]uint32
	countryIdx  map[string]uint16
	kindIndex   map[c2c.ExchangeKind]uint8
	actorKindIx map[c2c.ActorKind]uint8
}

// Version returns the data version the snapshot shows.
func (s *Snapshot) Version() uint64 { return s.version }

// Built returns when the snapshot was made.
func (s *Snapshot) Built() time.Time { return s.built }

// Actors returns the number of actors.
func (s *Snapshot) Actors() int { return len(s.actorIDs) }

// Exchanges returns the number of exchanges.
func (s *Snapshot) Exchanges() int { return len(s.exIDs) }

// Memberships returns the number of memberships.
func (s *Snapshot) Memberships() int { return len(s.mIDs) }

// actor returns the number of the actor with id.
func (s *Snapshot) actor(id string) (int32, bool) {
	i, ok := slices.BinarySearch(s.actorIDs, id)
	return int32(i), ok
}

// ExchangeEnds returns the ids of the source and target of each of the
// exchanges ids names that the snapshot holds, in that order.
func (s *Snapshot) ExchangeEnds(ids []string) []string {
	out := make([]string, 0, 2*len(ids))
	for _, id := range ids {
		if x, ok := slices.BinarySearch(s.exIDs, id); ok {
			out = append(out, s.actorIDs[s.exSrc[x]], s.actorIDs[s.exTgt[x]])
		}
	}
	return out
}

// HasActor reports whether the snapshot holds the actor.
func (s *Snapshot) HasActor(id string) bool {
	_, ok := s.actor(id)
	return ok
}

func packDate(d *c2c.PartialDate) int32 {
	if d == nil {
		return 0
	}
	return int32(d.Year*10000 + d.Month*100 + d.Day)
}

func unpackDate(p int32) *c2c.PartialDate {
	if p == 0 {
		return nil
	}
	return &c2c.PartialDate{Year: int(p / 10000), Month: int(p / 100 % 100), Day: int(p % 100)}
}

// lastKey is the last day key a packed date covers.
func lastKey(p int32) int32 { return int32(unpackDate(p).LastKey()) }

// startSortKey is the start's first day, unknown last: the order of the
// stores' exchange lists.
func (s *Snapshot) startSortKey(x int32) int32 {
	if s.exLo[x] == 0 {
		return c2c.UnknownStartAsc
	}
	return s.exLo[x]
}

// themesOf returns the theme ids of exchange x, sorted.
func (s *Snapshot) themesOf(x int32) []string {
	ts := s.exThemes[s.exThemeOff[x]:s.exThemeOff[x+1]]
	if len(ts) == 0 {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = s.themes[t]
	}
	return out
}

// skeletonActor returns actor a with the fields the snapshot holds.
func (s *Snapshot) skeletonActor(a int32) *c2c.Actor {
	out := &c2c.Actor{
		ID: s.actorIDs[a], Kind: c2c.ActorKinds[s.actorKind[a]],
		Country: s.countries[s.actorCountry[a]], RegionID: s.actorRegion[a],
	}
	if s.hasCoords.Contains(uint32(a)) {
		out.Coords = &c2c.Coordinates{Lat: s.actorLat[a], Lon: s.actorLon[a]}
	}
	return out
}

// skeletonExchange returns exchange x with the fields the snapshot holds.
func (s *Snapshot) skeletonExchange(x int32) *c2c.Exchange {
	return &c2c.Exchange{
		ID: s.exIDs[x], SourceID: s.actorIDs[s.exSrc[x]], TargetID: s.actorIDs[s.exTgt[x]],
		Kind: c2c.ExchangeKinds[s.exKind[x]], Themes: s.themesOf(x),
		Start: unpackDate(s.exStart[x]), End: unpackDate(s.exEnd[x]),
		Programme: s.strs[s.exProg[x]], Event: s.strs[s.exEvent[x]],
		Directed: s.directed.Contains(uint32(x)),
	}
}

// skeletonExchanges returns skeletonExchange of each of rows, built in
// four allocations (the records, their pointers, their dates, every theme
// list) rather than up to five per record: an ego network or a
// whole-graph question returns thousands.
func (s *Snapshot) skeletonExchanges(rows []int32) []*c2c.Exchange {
	recs := make([]c2c.Exchange, len(rows))
	out := make([]*c2c.Exchange, len(rows))
	nThemes, nDates := 0, 0
	for _, x := range rows {
		nThemes += int(s.exThemeOff[x+1] - s.exThemeOff[x])
		if s.exStart[x] != 0 {
			nDates++
		}
		if s.exEnd[x] != 0 {
			nDates++
		}
	}
	themes := make([]string, nThemes)
	dates := make([]c2c.PartialDate, nDates)
	date := func(p int32) *c2c.PartialDate {
		if p == 0 {
			return nil
		}
		d := &dates[0]
		*d = c2c.PartialDate{Year: int(p / 10000), Month: int(p / 100 % 100), Day: int(p % 100)}
		dates = dates[1:]
		return d
	}
	for i, x := range rows {
		ts := s.exThemes[s.exThemeOff[x]:s.exThemeOff[x+1]]
		var own []string
		if len(ts) > 0 {
			own = themes[:len(ts):len(ts)]
			themes = themes[len(ts):]
			for j, t := range ts {
				own[j] = s.themes[t]
			}
		}
		recs[i] = c2c.Exchange{
			ID: s.exIDs[x], SourceID: s.actorIDs[s.exSrc[x]], TargetID: s.actorIDs[s.exTgt[x]],
			Kind: c2c.ExchangeKinds[s.exKind[x]], Themes: own,
			Start: date(s.exStart[x]), End: date(s.exEnd[x]),
			Programme: s.strs[s.exProg[x]], Event: s.strs[s.exEvent[x]],
			Directed: s.directed.Contains(uint32(x)),
		}
		out[i] = &recs[i]
	}
	return out
}

// finish builds the derived indexes from the columns.
func (s *Snapshot) finish() {
	n := len(s.exIDs)
	s.all = roaring.New()
	s.all.AddRange(0, uint64(n))
	s.byTheme = make([]*roaring.Bitmap, len(s.themes))
	s.byKind = make([]*roaring.Bitmap, len(c2c.ExchangeKinds))
	themeRows := make([][]uint32, len(s.themes))
	kindRows := make([][]uint32, len(c2c.ExchangeKinds))
	for i := range n {
		for _, t := range s.exThemes[s.exThemeOff[i]:s.exThemeOff[i+1]] {
			themeRows[t] = append(themeRows[t], uint32(i))
		}
		kindRows[s.exKind[i]] = append(kindRows[s.exKind[i]], uint32(i))
	}
	for t, rows := range themeRows {
		s.byTheme[t] = roaring.BitmapOf(rows...)
	}
	for k, rows := range kindRows {
		s.byKind[k] = roaring.BitmapOf(rows...)
	}
	s.byProg = newValueRows(s.exProg, len(s.strs))
	s.byEvent = newValueRows(s.exEvent, len(s.strs))
	for _, b := range s.byTheme {
		b.RunOptimize()
	}
	// One sort of all exchanges in adjacency order (start, unknown last,
	// then id) lays out every actor's lists in order.
	order := make([]int64, n)
	for x := range n {
		order[x] = int64(s.startSortKey(int32(x)))<<32 | int64(x)
	}
	slices.Sort(order)
	s.outOff, s.out = s.csr(s.exSrc, order)
	s.inOff, s.in = s.csr(s.exTgt, order)
	s.themeIndex = make(map[string]uint16, len(s.themes))
	for i, t := range s.themes {
		s.themeIndex[t] = uint16(i)
	}
	s.strIndex = make(map[string]uint32, len(s.strs))
	for i, v := range s.strs {
		s.strIndex[v] = uint32(i)
	}
	s.countryIdx = make(map[string]uint16, len(s.countries))
	for i, c := range s.countries {
		s.countryIdx[c] = uint16(i)
	}
	s.kindIndex = map[c2c.ExchangeKind]uint8{}
	for i, k := range c2c.ExchangeKinds {
		s.kindIndex[k] = uint8(i)
	}
	s.actorKindIx = map[c2c.ActorKind]uint8{}
	for i, k := range c2c.ActorKinds {
		s.actorKindIx[k] = uint8(i)
	}
}

// csr groups the exchanges by the actor in end, each actor's list in the
// given order of all exchanges (adjacency order, as the stores order it).
func (s *Snapshot) csr(end []int32, order []int64) (off, list []int32) {
	na := len(s.actorIDs)
	off = make([]int32, na+1)
	for _, a := range end {
		off[a+1]++
	}
	for a := range na {
		off[a+1] += off[a]
	}
	list = make([]int32, len(end))
	pos := slices.Clone(off[:na])
	for _, k := range order {
		x := int32(k & 0xffffffff)
		a := end[x]
		list[pos[a]] = x
		pos[a]++
	}
	return off, list
}

// valueRows indexes an exchange column of indexes into strs (programme,
// event): the rows of value v are rows[off[v]:off[v+1]], in row order
// (none for 0, no value), and the values of more than denseValue rows
// have a bitmap of them as well. Most events have a row or two: when a
// change shifts rows, one list of all of them is cheaper to renumber than
// a bitmap each.
type valueRows struct {
	off   []int32
	rows  []int32
	dense map[uint32]*roaring.Bitmap
}

// denseValue is the most rows a value has without a bitmap of them (a
// variable, so that the tests reach both ways).
var denseValue = 64

// newValueRows indexes col, whose values are below values.
func newValueRows(col []uint32, values int) valueRows {
	ix := valueRows{off: make([]int32, values+1), dense: map[uint32]*roaring.Bitmap{}}
	for _, v := range col {
		if v != 0 {
			ix.off[v+1]++
		}
	}
	for v := range values {
		ix.off[v+1] += ix.off[v]
	}
	ix.rows = make([]int32, ix.off[values])
	pos := slices.Clone(ix.off[:values])
	for x, v := range col {
		if v != 0 {
			ix.rows[pos[v]] = int32(x)
			pos[v]++
		}
	}
	for v := range values {
		ix.denseBitmap(uint32(v))
	}
	return ix
}

// denseBitmap sets the bitmap of v when it has more than denseValue rows.
func (ix *valueRows) denseBitmap(v uint32) {
	if rows := ix.of(v); len(rows) > denseValue {
		b := roaring.New()
		for _, x := range rows {
			b.Add(uint32(x))
		}
		ix.dense[v] = b
	}
}

// of returns the rows of value v.
func (ix *valueRows) of(v uint32) []int32 {
	if int(v)+1 >= len(ix.off) {
		return nil
	}
	return ix.rows[ix.off[v]:ix.off[v+1]]
}

// bitmap returns the rows of value v (only read: it may be the index's
// own).
func (ix *valueRows) bitmap(v uint32) *roaring.Bitmap {
	if b, ok := ix.dense[v]; ok {
		return b
	}
	b := roaring.New()
	for _, x := range ix.of(v) {
		b.Add(uint32(x))
	}
	return b
}
