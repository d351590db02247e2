package graphmem

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/c2c-project/c2c/internal/c2c"
)

// A change touches a few rows of a snapshot; patching copies the rows it
// leaves alone in bulk, renumbers them where rows are inserted or removed
// (the numbering stays the id order), and rebuilds only the adjacency
// lists of the actors at the ends of touched exchanges. Columns, bitmaps
// and index maps nothing changes in are shared with the old snapshot,
// which is never written to.

// patchLimit is the most rows a change may touch in a table of n rows for
// Apply to patch the snapshot rather than build it afresh.
func patchLimit(n int) int { return max(64, n/32) }

// editKind says what a change does to one row.
type editKind uint8

const (
	editUpdate editKind = iota // the row keeps its id and position
	editRemove
	editInsert // a new row before old row pos
)

// edit is one touched row of a table.
type edit struct {
	pos  int32 // old row
	kind editKind
	rec  int32 // index of the touched id and its new values; -1 for rows dropped with their actor
}

// segment is a run of kept old rows [lo, hi) that moves by d.
type segment struct{ lo, hi, d int32 }

// plan is how a table's rows are renumbered by its edits, sorted by
// position (an insert before old row p comes before an edit of p).
type plan struct {
	n, m       int // old and new row counts
	edits      []edit
	newRow     []int32 // the new row of each edit, none for removals
	segs       []segment
	shifts     bool    // a row is inserted or removed
	firstMoved int32   // the first old row that moves or goes
	toNew      []int32 // oldToNew, made when renumber needs it
}

// newPlan returns the plan of edits to a table of n rows.
func newPlan(n int, edits []edit) *plan {
	p := &plan{n: n, m: n, edits: edits, newRow: make([]int32, len(edits)), firstMoved: int32(n)}
	var lo, d int32
	for i, e := range edits {
		if e.kind == editUpdate {
			p.newRow[i] = e.pos + d
			continue
		}
		if e.pos > lo {
			p.segs = append(p.segs, segment{lo, e.pos, d})
		}
		if !p.shifts {
			p.shifts, p.firstMoved = true, e.pos
		}
		if e.kind == editInsert {
			p.newRow[i] = e.pos + d
			lo, d = e.pos, d+1
			p.m++
		} else {
			p.newRow[i] = none
			lo, d = e.pos+1, d-1
			p.m--
		}
	}
	if int32(n) > lo {
		p.segs = append(p.segs, segment{lo, int32(n), d})
	}
	return p
}

// oldToNew maps old rows to new ones (none for removed rows); nil when no
// row moves.
func (p *plan) oldToNew() []int32 {
	if !p.shifts {
		return nil
	}
	m := make([]int32, p.n)
	for _, e := range p.edits {
		if e.kind == editRemove {
			m[e.pos] = none
		}
	}
	for _, sg := range p.segs {
		for r := sg.lo; r < sg.hi; r++ {
			m[r] = r + sg.d
		}
	}
	return m
}

// fewSegments is the most segments renumber looks through for each row;
// past it, it looks rows up in oldToNew.
const fewSegments = 4

// renumber sets dst to the new rows of the kept old rows src.
func (p *plan) renumber(dst, src []int32) {
	switch {
	case !p.shifts:
		copy(dst, src)
	case len(p.segs) <= fewSegments:
		// Sequential and branch-light: no look-up in a map of all rows.
		segs := p.segs
		for i, x := range src {
			d := int32(0)
			for _, sg := range segs {
				if x >= sg.lo {
					d = sg.d
				}
			}
			dst[i] = x + d
		}
	default:
		if p.toNew == nil {
			p.toNew = p.oldToNew()
		}
		for i, x := range src {
			dst[i] = p.toNew[x]
		}
	}
}

// newToOld maps new rows to old ones (none for inserted rows); nil when no
// row moves.
func (p *plan) newToOld() []int32 {
	if !p.shifts {
		return nil
	}
	m := make([]int32, p.m)
	for i, e := range p.edits {
		if e.kind == editInsert {
			m[p.newRow[i]] = none
		}
	}
	for _, sg := range p.segs {
		for r := sg.lo; r < sg.hi; r++ {
			m[r+sg.d] = r
		}
	}
	return m
}

// splice returns col with p's edits made, value(i) being the new value of
// edit i: col itself when that changes nothing, else a new column.
func splice[T comparable](p *plan, col []T, value func(i int) T) []T {
	if !p.shifts {
		var out []T
		for i, e := range p.edits {
			if v := value(i); v != col[e.pos] {
				if out == nil {
					out = slices.Clone(col)
				}
				out[e.pos] = v
			}
		}
		if out == nil {
			return col
		}
		return out
	}
	out := make([]T, 0, p.m)
	lo := int32(0)
	for i, e := range p.edits {
		out = append(out, col[lo:e.pos]...)
		switch e.kind {
		case editUpdate:
			out, lo = append(out, value(i)), e.pos+1
		case editInsert:
			out, lo = append(out, value(i)), e.pos
		case editRemove:
			lo = e.pos + 1
		}
	}
	return append(out, col[lo:]...)
}

// spliceRows is splice for a column of actor rows, renumbered by remap
// (nil when actors keep their rows).
func spliceRows(p *plan, col, remap []int32, value func(i int) int32) []int32 {
	if remap == nil {
		return splice(p, col, value)
	}
	out := make([]int32, p.m)
	w := 0
	gather := func(lo, hi int32) {
		for _, v := range col[lo:hi] {
			out[w] = remap[v]
			w++
		}
	}
	lo := int32(0)
	for i, e := range p.edits {
		gather(lo, e.pos)
		switch e.kind {
		case editUpdate:
			out[w], lo = value(i), e.pos+1
			w++
		case editInsert:
			out[w], lo = value(i), e.pos
			w++
		case editRemove:
			lo = e.pos + 1
		}
	}
	gather(lo, int32(len(col)))
	return out
}

// spliceThemes is splice for the exchanges' theme lists.
func spliceThemes(p *plan, off []uint32, ths []uint16, value func(i int) []uint16) ([]uint32, []uint16) {
	if !p.shifts {
		sameLengths := true
		for i, e := range p.edits {
			if len(value(i)) != int(off[e.pos+1]-off[e.pos]) {
				sameLengths = false
				break
			}
		}
		if sameLengths {
			var out []uint16
			for i, e := range p.edits {
				if v := value(i); !slices.Equal(v, ths[off[e.pos]:off[e.pos+1]]) {
					if out == nil {
						out = slices.Clone(ths)
					}
					copy(out[off[e.pos]:], v)
				}
			}
			if out == nil {
				return off, ths
			}
			return off, out
		}
	}
	extra := 0
	for i, e := range p.edits {
		if e.kind != editRemove {
			extra += len(value(i))
		}
	}
	newOff := append(make([]uint32, 0, p.m+1), 0)
	newThs := make([]uint16, 0, len(ths)+extra)
	copyRows := func(lo, hi int32) {
		if lo >= hi {
			return
		}
		// Offsets move by the same amount (modulo 2³²) within a run.
		moved := uint32(len(newThs)) - off[lo]
		newThs = append(newThs, ths[off[lo]:off[hi]]...)
		at := len(newOff)
		newOff = newOff[:at+int(hi-lo)]
		for i, o := range off[lo+1 : hi+1] {
			newOff[at+i] = o + moved
		}
	}
	add := func(v []uint16) {
		newThs = append(newThs, v...)
		newOff = append(newOff, uint32(len(newThs)))
	}
	lo := int32(0)
	for i, e := range p.edits {
		copyRows(lo, e.pos)
		switch e.kind {
		case editUpdate:
			add(value(i))
			lo = e.pos + 1
		case editInsert:
			add(value(i))
			lo = e.pos
		case editRemove:
			lo = e.pos + 1
		}
	}
	copyRows(lo, int32(p.n))
	return newOff, newThs
}

// How a bitmap that spans several segments is renumbered: split at the
// segments' bounds, unless there are more than maxBitmapSegments of them
// or it holds at most smallBitmap rows, then value by value. (Variables,
// so that the tests reach every way.)
var (
	maxBitmapSegments = 4
	smallBitmap       = uint64(64)
)

// shift returns bm with p's removed rows dropped and the kept rows
// renumbered: bm itself when no row it holds moves, else a new bitmap.
func (p *plan) shift(bm *roaring.Bitmap) *roaring.Bitmap {
	if !p.shifts || bm.IsEmpty() {
		return bm
	}
	hi := bm.Maximum()
	if hi < uint32(p.firstMoved) {
		return bm
	}
	lo := bm.Minimum()
	// Within one segment, the bitmap moves whole.
	j, _ := slices.BinarySearchFunc(p.segs, lo, func(sg segment, v uint32) int { return cmp.Compare(uint32(sg.hi), v+1) })
	if j < len(p.segs) && uint32(p.segs[j].lo) <= lo && hi < uint32(p.segs[j].hi) {
		if p.segs[j].d == 0 {
			return bm
		}
		return roaring.AddOffset64(bm, int64(p.segs[j].d))
	}
	if len(p.segs) > maxBitmapSegments || bm.GetCardinality() <= smallBitmap {
		return p.shiftValues(bm)
	}
	var out *roaring.Bitmap
	span := roaring.New()
	for _, sg := range p.segs[j:] {
		if uint32(sg.lo) > hi {
			break
		}
		span.Clear()
		span.AddRange(uint64(sg.lo), uint64(sg.hi))
		piece := roaring.And(bm, span)
		if piece.IsEmpty() {
			continue
		}
		if sg.d != 0 {
			piece = roaring.AddOffset64(piece, int64(sg.d))
		}
		if out == nil {
			out = piece
		} else {
			out.Or(piece)
		}
	}
	if out == nil {
		return roaring.New()
	}
	return out
}

// shiftValues is shift, value by value.
func (p *plan) shiftValues(bm *roaring.Bitmap) *roaring.Bitmap {
	vals := bm.ToArray()
	w, j := 0, 0
	for _, v := range vals {
		for j < len(p.segs) && uint32(p.segs[j].hi) <= v {
			j++
		}
		if j == len(p.segs) {
			break
		}
		if v < uint32(p.segs[j].lo) {
			continue // removed
		}
		vals[w] = uint32(int32(v) + p.segs[j].d)
		w++
	}
	out := roaring.New()
	out.AddMany(vals[:w])
	return out
}

// bitmap returns old (nil for none) renumbered by p, with the new rows
// clear taken out and then the new rows set put in (both sorted): old
// itself when that changes nothing.
func (p *plan) bitmap(old *roaring.Bitmap, clear, set []uint32) *roaring.Bitmap {
	bm, fresh := old, false
	if bm == nil {
		bm, fresh = roaring.New(), true
	} else if s := p.shift(bm); s != bm {
		bm, fresh = s, true
	}
	var out []uint32
	for _, r := range clear {
		if _, kept := slices.BinarySearch(set, r); !kept && bm.Contains(r) {
			out = append(out, r)
		}
	}
	var in []uint32
	for _, r := range set {
		if !bm.Contains(r) {
			in = append(in, r)
		}
	}
	if len(out)+len(in) == 0 {
		return bm
	}
	if !fresh {
		bm = bm.Clone()
	}
	for _, r := range out {
		bm.Remove(r)
	}
	bm.AddMany(in)
	return bm
}

// valueRows returns old, the index of the old column oldCol, for the new
// column newCol of values below values: the rows of the values the edits
// leave alone copied in runs (renumbered), those of the others rebuilt;
// the bitmaps of dense values renumbered, with the new rows clear taken
// out and set put in by value.
func (p *plan) valueRows(old valueRows, oldCol, newCol []uint32, values int, clear, set map[uint32][]uint32) valueRows {
	var dropped []int32
	var dirty []uint32
	added := map[uint32][]int32{}
	nAdded := 0
	same := !p.shifts
	for i, e := range p.edits {
		var was, is uint32
		if e.kind != editInsert {
			dropped = append(dropped, e.pos) // sorted: the edits are
			if was = oldCol[e.pos]; was != 0 {
				dirty = append(dirty, was)
			}
		}
		if e.kind != editRemove {
			x := p.newRow[i]
			if is = newCol[x]; is != 0 {
				added[is] = append(added[is], x)
				dirty = append(dirty, is)
				nAdded++
			}
		}
		same = same && was == is
	}
	if same && values+1 == len(old.off) {
		return old
	}
	slices.Sort(dirty)
	dirty = slices.Compact(dirty)
	oldValues := int32(len(old.off) - 1)
	ix := valueRows{off: make([]int32, values+1), rows: make([]int32, 0, len(old.rows)+nAdded)}
	d := 0
	for v := int32(0); v < int32(values); {
		if d < len(dirty) && int32(dirty[d]) == v {
			d++
			ix.off[v] = int32(len(ix.rows))
			start := len(ix.rows)
			if v < oldValues {
				for _, x := range old.rows[old.off[v]:old.off[v+1]] {
					if _, gone := slices.BinarySearch(dropped, x); !gone {
						ix.rows = append(ix.rows, x)
					}
				}
				p.renumber(ix.rows[start:], ix.rows[start:])
			}
			ix.rows = append(ix.rows, added[uint32(v)]...)
			slices.Sort(ix.rows[start:])
			v++
			continue
		}
		end := int32(values)
		if d < len(dirty) {
			end = int32(dirty[d])
		}
		if hi := min(end, oldValues); v < hi {
			moved := int32(len(ix.rows)) - old.off[v]
			seg := old.rows[old.off[v]:old.off[hi]]
			at := len(ix.rows)
			ix.rows = ix.rows[:at+len(seg)]
			p.renumber(ix.rows[at:], seg)
			for w, o := range old.off[v:hi] {
				ix.off[v+int32(w)] = o + moved
			}
			v = hi
		}
		for ; v < end; v++ {
			ix.off[v] = int32(len(ix.rows))
		}
	}
	ix.off[values] = int32(len(ix.rows))
	ix.dense = make(map[uint32]*roaring.Bitmap, len(old.dense))
	for v, b := range old.dense {
		if len(ix.of(v)) > denseValue {
			ix.dense[v] = p.bitmap(b, clear[v], set[v])
		}
	}
	for _, v := range dirty {
		if _, ok := ix.dense[v]; !ok {
			ix.denseBitmap(v)
		}
	}
	return ix
}

// table is a value table that is copied the first time a value is added,
// so that the old snapshot's table is never written to.
type table[I uint16 | uint32] struct {
	vals  []string
	idx   map[string]I
	owned bool
}

func (t *table[I]) intern(v string) I {
	if i, ok := t.idx[v]; ok {
		return i
	}
	if !t.owned {
		t.vals, t.idx, t.owned = slices.Clip(t.vals), maps.Clone(t.idx), true
	}
	return intern(&t.vals, t.idx, v)
}

// withGone merges into edits (sorted by position) the removal of the rows
// gone (sorted, distinct) that the edits do not touch.
func withGone(edits []edit, gone []int32) []edit {
	if len(gone) == 0 {
		return edits
	}
	out := make([]edit, 0, len(edits)+len(gone))
	g := 0
	for _, e := range edits {
		for g < len(gone) && (gone[g] < e.pos || gone[g] == e.pos && e.kind != editInsert) {
			if gone[g] != e.pos {
				out = append(out, edit{pos: gone[g], kind: editRemove, rec: -1})
			}
			g++
		}
		out = append(out, e)
	}
	for ; g < len(gone); g++ {
		out = append(out, edit{pos: gone[g], kind: editRemove, rec: -1})
	}
	return out
}

// touchedEdit returns the edit of the touched id found (or not) at pos,
// holding the new record or not; false for an id that is neither in the
// snapshot nor re-read.
func touchedEdit(pos int, found, has bool, rec int) (edit, bool) {
	switch {
	case found && has:
		return edit{pos: int32(pos), kind: editUpdate, rec: int32(rec)}, true
	case found:
		return edit{pos: int32(pos), kind: editRemove, rec: int32(rec)}, true
	case has:
		return edit{pos: int32(pos), kind: editInsert, rec: int32(rec)}, true
	}
	return edit{}, false
}

// actorRow is the new values of an actor's row.
type actorRow struct {
	kind          uint8
	country       uint16
	region, name  string
	lat, lon      float64
	hasCoordinate bool
}

// exchangeRow is the new values of an exchange's row.
type exchangeRow struct {
	src, tgt           int32
	kind               uint8
	start, end, lo, hi int32
	themes             []uint16
	programme, event   uint32
	directed           bool
}

// membershipRow is the new values of a membership's row.
type membershipRow struct{ actor, org, since, until int32 }

// patch is Apply by patching s (the touched ids sorted and distinct, with
// their records); false when the change touches more rows of a table of n
// than limit(n) or a record does not carry the id it was read by.
func (s *Snapshot) patch(aIDs []string, aRecs []*c2c.Actor, xIDs []string, xRecs []*c2c.Exchange,
	mIDs []string, mRecs []*c2c.Membership, version uint64, limit func(n int) int,
) (*Snapshot, []string, []string, bool) {
	if len(aIDs) > limit(len(s.actorIDs)) || len(xIDs) > limit(len(s.exIDs)) || len(mIDs) > limit(len(s.mIDs)) {
		return nil, nil, nil, false
	}
	ns := &Snapshot{version: version, built: time.Now(), kindIndex: s.kindIndex, actorKindIx: s.actorKindIx}

	// Actors.
	countries := table[uint16]{vals: s.countries, idx: s.countryIdx}
	aEdits := make([]edit, 0, len(aIDs))
	aRows := make([]actorRow, len(aIDs))
	removedActors := false
	for i, id := range aIDs {
		a := aRecs[i]
		if a != nil && a.ID != id {
			return nil, nil, nil, false
		}
		pos, found := slices.BinarySearch(s.actorIDs, id)
		e, ok := touchedEdit(pos, found, a != nil, i)
		if !ok {
			continue
		}
		aEdits = append(aEdits, e)
		removedActors = removedActors || e.kind == editRemove
		if a != nil {
			r := actorRow{kind: uint8(slices.Index(c2c.ActorKinds, a.Kind)), country: countries.intern(a.Country),
				region: a.RegionID, name: c2c.Fold(a.Name)}
			if a.Coords != nil {
				r.lat, r.lon, r.hasCoordinate = a.Coords.Lat, a.Coords.Lon, true
			}
			aRows[i] = r
		}
	}
	ap := newPlan(len(s.actorIDs), aEdits)
	aRow := func(i int) *actorRow { return &aRows[aEdits[i].rec] }
	ns.actorIDs = splice(ap, s.actorIDs, func(i int) string { return aIDs[aEdits[i].rec] })
	ns.actorKind = splice(ap, s.actorKind, func(i int) uint8 { return aRow(i).kind })
	ns.actorCountry = splice(ap, s.actorCountry, func(i int) uint16 { return aRow(i).country })
	ns.actorRegion = splice(ap, s.actorRegion, func(i int) string { return aRow(i).region })
	ns.actorNameKey = splice(ap, s.actorNameKey, func(i int) string { return aRow(i).name })
	ns.actorLat = splice(ap, s.actorLat, func(i int) float64 { return aRow(i).lat })
	ns.actorLon = splice(ap, s.actorLon, func(i int) float64 { return aRow(i).lon })
	var coordsClear, coordsSet []uint32
	for i, e := range aEdits {
		if e.kind == editUpdate {
			coordsClear = append(coordsClear, uint32(ap.newRow[i]))
		}
		if e.kind != editRemove && aRow(i).hasCoordinate {
			coordsSet = append(coordsSet, uint32(ap.newRow[i]))
		}
	}
	ns.hasCoords = ap.bitmap(s.hasCoords, coordsClear, coordsSet)
	ns.countries, ns.countryIdx = countries.vals, countries.idx
	actorMap := ap.oldToNew()

	// Exchanges: the touched ones, and those at removed actors.
	var gone []int32
	for _, e := range aEdits {
		if e.kind == editRemove {
			gone = append(gone, s.out[s.outOff[e.pos]:s.outOff[e.pos+1]]...)
			gone = append(gone, s.in[s.inOff[e.pos]:s.inOff[e.pos+1]]...)
		}
	}
	slices.Sort(gone)
	gone = slices.Compact(gone)
	themes := table[uint16]{vals: s.themes, idx: s.themeIndex}
	strs := table[uint32]{vals: s.strs, idx: s.strIndex}
	var lostX []string
	xEdits := make([]edit, 0, len(xIDs))
	xRows := make([]exchangeRow, len(xIDs))
	for i, id := range xIDs {
		x := xRecs[i]
		if x != nil && x.ID != id {
			return nil, nil, nil, false
		}
		if x != nil {
			src, ok1 := ns.actor(x.SourceID)
			tgt, ok2 := ns.actor(x.TargetID)
			if ok1 && ok2 {
				xRows[i] = newExchangeRow(x, src, tgt, &themes, &strs)
			} else {
				lostX = append(lostX, x.ID)
				x = nil
			}
		}
		pos, found := slices.BinarySearch(s.exIDs, id)
		if e, ok := touchedEdit(pos, found, x != nil, i); ok {
			xEdits = append(xEdits, e)
		}
	}
	xEdits = withGone(xEdits, gone)
	if len(xEdits) > limit(len(s.exIDs)) {
		return nil, nil, nil, false
	}
	xp := newPlan(len(s.exIDs), xEdits)
	xRow := func(i int) *exchangeRow { return &xRows[xEdits[i].rec] }
	ns.exIDs = splice(xp, s.exIDs, func(i int) string { return xIDs[xEdits[i].rec] })
	ns.exSrc = spliceRows(xp, s.exSrc, actorMap, func(i int) int32 { return xRow(i).src })
	ns.exTgt = spliceRows(xp, s.exTgt, actorMap, func(i int) int32 { return xRow(i).tgt })
	ns.exKind = splice(xp, s.exKind, func(i int) uint8 { return xRow(i).kind })
	ns.exStart = splice(xp, s.exStart, func(i int) int32 { return xRow(i).start })
	ns.exEnd = splice(xp, s.exEnd, func(i int) int32 { return xRow(i).end })
	ns.exLo = splice(xp, s.exLo, func(i int) int32 { return xRow(i).lo })
	ns.exHi = splice(xp, s.exHi, func(i int) int32 { return xRow(i).hi })
	ns.exThemeOff, ns.exThemes = spliceThemes(xp, s.exThemeOff, s.exThemes, func(i int) []uint16 { return xRow(i).themes })
	ns.exProg = splice(xp, s.exProg, func(i int) uint32 { return xRow(i).programme })
	ns.exEvent = splice(xp, s.exEvent, func(i int) uint32 { return xRow(i).event })
	ns.themes, ns.themeIndex = themes.vals, themes.idx
	ns.strs, ns.strIndex = strs.vals, strs.idx
	s.patchExchangeBitmaps(ns, xp, xRow)
	actorBack := ap.newToOld()
	ns.outOff, ns.out = patchAdjacency(ns, s.outOff, s.out, s.exSrc, ns.exSrc, ap, xp, actorMap, actorBack)
	ns.inOff, ns.in = patchAdjacency(ns, s.inOff, s.in, s.exTgt, ns.exTgt, ap, xp, actorMap, actorBack)

	// Memberships: the touched ones, and those at removed actors.
	var mGone []int32
	if removedActors {
		for m := range s.mIDs {
			if actorMap[s.mActor[m]] == none || actorMap[s.mOrg[m]] == none {
				mGone = append(mGone, int32(m))
			}
		}
	}
	var lostM []string
	mEdits := make([]edit, 0, len(mIDs))
	mRows := make([]membershipRow, len(mIDs))
	for i, id := range mIDs {
		m := mRecs[i]
		if m != nil && m.ID != id {
			return nil, nil, nil, false
		}
		if m != nil {
			a, ok1 := ns.actor(m.ActorID)
			o, ok2 := ns.actor(m.OrganisationID)
			if ok1 && ok2 {
				mRows[i] = membershipRow{actor: a, org: o, since: packDate(m.Since), until: packDate(m.Until)}
			} else {
				lostM = append(lostM, m.ID)
				m = nil
			}
		}
		pos, found := slices.BinarySearch(s.mIDs, id)
		if e, ok := touchedEdit(pos, found, m != nil, i); ok {
			mEdits = append(mEdits, e)
		}
	}
	mEdits = withGone(mEdits, mGone)
	mp := newPlan(len(s.mIDs), mEdits)
	mRow := func(i int) *membershipRow { return &mRows[mEdits[i].rec] }
	ns.mIDs = splice(mp, s.mIDs, func(i int) string { return mIDs[mEdits[i].rec] })
	ns.mActor = spliceRows(mp, s.mActor, actorMap, func(i int) int32 { return mRow(i).actor })
	ns.mOrg = spliceRows(mp, s.mOrg, actorMap, func(i int) int32 { return mRow(i).org })
	ns.mSince = splice(mp, s.mSince, func(i int) int32 { return mRow(i).since })
	ns.mUntil = splice(mp, s.mUntil, func(i int) int32 { return mRow(i).until })
	return ns, lostX, lostM, true
}

// newExchangeRow returns the row of x, whose ends are actor rows src and
// tgt, interning its values as the builder does (themes, then programme,
// then event).
func newExchangeRow(x *c2c.Exchange, src, tgt int32, themes *table[uint16], strs *table[uint32]) exchangeRow {
	r := exchangeRow{src: src, tgt: tgt, kind: uint8(max(slices.Index(c2c.ExchangeKinds, x.Kind), 0)),
		start: packDate(x.Start), end: packDate(x.End)}
	if x.Start != nil {
		r.lo, r.hi = int32(x.Start.FirstKey()), int32(x.Start.LastKey())
		if x.End != nil {
			r.hi = int32(x.End.LastKey())
		}
	}
	r.themes = make([]uint16, 0, len(x.Themes))
	for _, t := range x.Themes {
		r.themes = append(r.themes, themes.intern(t))
	}
	slices.SortFunc(r.themes, func(p, q uint16) int { return cmp.Compare(themes.vals[p], themes.vals[q]) })
	r.themes = slices.Compact(r.themes)
	opt := func(v string) uint32 {
		if v == "" {
			return 0
		}
		return strs.intern(v)
	}
	r.programme, r.event, r.directed = opt(x.Programme), opt(x.Event), x.Directed
	return r
}

// patchExchangeBitmaps sets the exchange bitmaps of ns: those of s
// renumbered by xp, with the rows of touched exchanges taken out of the
// bitmaps of their old values and put in those of their new ones.
func (s *Snapshot) patchExchangeBitmaps(ns *Snapshot, xp *plan, xRow func(i int) *exchangeRow) {
	if len(xp.edits) == 0 {
		ns.all, ns.directed, ns.byTheme, ns.byKind, ns.byProg, ns.byEvent = s.all, s.directed, s.byTheme, s.byKind, s.byProg, s.byEvent
		return
	}
	var updated, directed []uint32
	themeClear, themeSet := map[uint16][]uint32{}, map[uint16][]uint32{}
	kindClear, kindSet := map[uint8][]uint32{}, map[uint8][]uint32{}
	progClear, progSet := map[uint32][]uint32{}, map[uint32][]uint32{}
	eventClear, eventSet := map[uint32][]uint32{}, map[uint32][]uint32{}
	for i, e := range xp.edits {
		nr := uint32(xp.newRow[i])
		if e.kind == editUpdate {
			updated = append(updated, nr)
			for _, t := range s.exThemes[s.exThemeOff[e.pos]:s.exThemeOff[e.pos+1]] {
				themeClear[t] = append(themeClear[t], nr)
			}
			kindClear[s.exKind[e.pos]] = append(kindClear[s.exKind[e.pos]], nr)
			if v := s.exProg[e.pos]; v != 0 {
				progClear[v] = append(progClear[v], nr)
			}
			if v := s.exEvent[e.pos]; v != 0 {
				eventClear[v] = append(eventClear[v], nr)
			}
		}
		if e.kind == editRemove {
			continue
		}
		r := xRow(i)
		for _, t := range r.themes {
			themeSet[t] = append(themeSet[t], nr)
		}
		kindSet[r.kind] = append(kindSet[r.kind], nr)
		if r.programme != 0 {
			progSet[r.programme] = append(progSet[r.programme], nr)
		}
		if r.event != 0 {
			eventSet[r.event] = append(eventSet[r.event], nr)
		}
		if r.directed {
			directed = append(directed, nr)
		}
	}
	ns.all = s.all
	if xp.m != xp.n {
		ns.all = roaring.New()
		ns.all.AddRange(0, uint64(xp.m))
	}
	ns.directed = xp.bitmap(s.directed, updated, directed)
	ns.byTheme = make([]*roaring.Bitmap, len(ns.themes))
	for t := range ns.byTheme {
		var old *roaring.Bitmap
		if t < len(s.byTheme) {
			old = s.byTheme[t]
		}
		ns.byTheme[t] = xp.bitmap(old, themeClear[uint16(t)], themeSet[uint16(t)])
	}
	ns.byKind = make([]*roaring.Bitmap, len(s.byKind))
	for k, old := range s.byKind {
		ns.byKind[k] = xp.bitmap(old, kindClear[uint8(k)], kindSet[uint8(k)])
	}
	ns.byProg = xp.valueRows(s.byProg, s.exProg, ns.exProg, len(ns.strs), progClear, progSet)
	ns.byEvent = xp.valueRows(s.byEvent, s.exEvent, ns.exEvent, len(ns.strs), eventClear, eventSet)
}

// patchAdjacency returns one direction of ns's CSR adjacency (end is the
// exchanges' actor in that direction, old and new): the lists of s
// renumbered, rebuilt for the actors at the ends of touched exchanges.
func patchAdjacency(ns *Snapshot, oldOff, oldList, oldEnd, newEnd []int32, ap, xp *plan, actorMap, actorBack []int32) ([]int32, []int32) {
	if len(xp.edits) == 0 {
		if !ap.shifts {
			return oldOff, oldList
		}
		off := make([]int32, ap.m+1)
		for a, oa := range actorBack {
			off[a+1] = off[a]
			if oa != none {
				off[a+1] += oldOff[oa+1] - oldOff[oa]
			}
		}
		return off, oldList
	}
	var dirty, dropped []int32
	added := map[int32][]int32{}
	for i, e := range xp.edits {
		if e.kind != editInsert {
			dropped = append(dropped, e.pos) // sorted: the edits are
			a := oldEnd[e.pos]
			if actorMap != nil {
				a = actorMap[a]
			}
			if a != none {
				dirty = append(dirty, a)
			}
		}
		if e.kind != editRemove {
			x := xp.newRow[i]
			a := newEnd[x]
			added[a] = append(added[a], x)
			dirty = append(dirty, a)
		}
	}
	slices.Sort(dirty)
	dirty = slices.Compact(dirty)
	off := make([]int32, ap.m+1)
	list := make([]int32, 0, xp.m)
	// rebuild makes the list of new actor a (old actor oa, none for a new
	// one): what stays of its old list and what the change adds, in
	// adjacency order.
	rebuild := func(a, oa int32) {
		off[a] = int32(len(list))
		start := len(list)
		if oa != none {
			for _, x := range oldList[oldOff[oa]:oldOff[oa+1]] {
				if _, gone := slices.BinarySearch(dropped, x); !gone {
					list = append(list, x)
				}
			}
			xp.renumber(list[start:], list[start:])
		}
		list = append(list, added[a]...)
		slices.SortFunc(list[start:], func(x, y int32) int {
			return cmp.Or(cmp.Compare(ns.startSortKey(x), ns.startSortKey(y)), cmp.Compare(x, y))
		})
	}
	// copyRun copies the lists of new actors [a0, a1), old actors from oa0
	// on, that the change leaves alone.
	copyRun := func(a0, a1, oa0 int32) {
		moved := int32(len(list)) - oldOff[oa0]
		seg := oldList[oldOff[oa0]:oldOff[oa0+a1-a0]]
		at := len(list)
		list = list[:at+len(seg)]
		xp.renumber(list[at:], seg)
		for i, o := range oldOff[oa0 : oa0+a1-a0] {
			off[a0+int32(i)] = o + moved
		}
	}
	segs := ap.segs
	if !ap.shifts && ap.n > 0 {
		segs = []segment{{0, int32(ap.n), 0}}
	}
	d := 0
	a := int32(0)
	newActorsUpTo := func(end int32) {
		for ; a < end; a++ {
			off[a] = int32(len(list))
			if d < len(dirty) && dirty[d] == a {
				d++
				rebuild(a, none)
			}
		}
	}
	for _, sg := range segs {
		newActorsUpTo(sg.lo + sg.d)
		for end := sg.hi + sg.d; a < end; {
			run := end
			if d < len(dirty) && dirty[d] < run {
				run = dirty[d]
			}
			if run > a {
				copyRun(a, run, a-sg.d)
				a = run
			}
			if a < end {
				d++
				rebuild(a, a-sg.d)
				a++
			}
		}
	}
	newActorsUpTo(int32(ap.m))
	off[ap.m] = int32(len(list))
	return off, list
}
