package graphmem

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/c2c-project/c2c/internal/c2c"
)

// View is what a snapshot answers, decoded: equal views answer every graph
// question alike.
type View struct {
	Actors      []*c2c.Actor
	NameKeys    []string
	Exchanges   []*c2c.Exchange
	Memberships []string
	Adjacent    map[string][]c2c.Adjacency
	Facets      []c2c.FacetRow
	Themed      []string
	Partners    map[string][]*c2c.Partner
}

func ViewOf(t *testing.T, s *Snapshot) View {
	t.Helper()
	var v View
	for a := range s.actorIDs {
		v.Actors = append(v.Actors, s.skeletonActor(int32(a)))
		v.NameKeys = append(v.NameKeys, s.actorNameKey[a])
	}
	for x := range s.exIDs {
		v.Exchanges = append(v.Exchanges, s.skeletonExchange(int32(x)))
	}
	for m := range s.mIDs {
		v.Memberships = append(v.Memberships, fmt.Sprintf("%s %s %s %d %d", s.mIDs[m], s.actorIDs[s.mActor[m]], s.actorIDs[s.mOrg[m]], s.mSince[m], s.mUntil[m]))
	}
	var err error
	if v.Adjacent, err = s.Adjacent(s.actorIDs, c2c.ExchangeFilter{}); err != nil {
		t.Fatal(err)
	}
	keys := c2c.FacetKeys{Theme: true, Kind: true, Year: true, SourceCountry: true, TargetCountry: true, Programme: true}
	if v.Facets, _, err = s.Facets(c2c.ExchangeFilter{}, keys); err != nil {
		t.Fatal(err)
	}
	f := c2c.ExchangeFilter{ThemesAny: []string{"housing", "climate"}, Kinds: []c2c.ExchangeKind{c2c.KindTwinning, c2c.KindWorkshop}}
	g, err := s.Edges(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range g.Edges {
		v.Themed = append(v.Themed, x.ID)
	}
	if v.Partners, err = s.PartnersByActors(s.actorIDs, c2c.ExchangeFilter{}, 0); err != nil {
		t.Fatal(err)
	}
	return v
}

// Build returns the snapshot of the records, as a full load builds it.
func Build(actors []*c2c.Actor, xs []*c2c.Exchange, ms []*c2c.Membership, version uint64) *Snapshot {
	byID := func(id func(int) string) func(i, j int) int {
		return func(i, j int) int { return strings.Compare(id(i), id(j)) }
	}
	b := newBuilder(nil)
	for _, i := range order(len(actors), byID(func(i int) string { return actors[i].ID })) {
		b.addActor(actors[i])
	}
	for _, i := range order(len(xs), byID(func(i int) string { return xs[i].ID })) {
		b.addExchange(xs[i])
	}
	for _, i := range order(len(ms), byID(func(i int) string { return ms[i].ID })) {
		b.addMembership(ms[i])
	}
	return b.done(version)
}

func order(n int, cmp func(i, j int) int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	slices.SortFunc(out, cmp)
	return out
}

// ApplyPaths applies t to s both ways: by patching s, however large the
// change (patched is nil when a record does not carry its id), and by
// building the snapshot afresh.
func ApplyPaths(s *Snapshot, t Touched, version uint64) (patched, rebuilt *Snapshot, lostP, lostR [2][]string) {
	aIDs, aRecs := sortTouched(t.ActorIDs, t.Actors)
	xIDs, xRecs := sortTouched(t.ExchangeIDs, t.Exchanges)
	mIDs, mRecs := sortTouched(t.MembershipIDs, t.Memberships)
	unlimited := func(int) int { return math.MaxInt }
	patched, lostP[0], lostP[1], _ = s.patch(aIDs, aRecs, xIDs, xRecs, mIDs, mRecs, version, unlimited)
	rebuilt, lostR[0], lostR[1] = s.rebuild(aIDs, aRecs, xIDs, xRecs, mIDs, mRecs, version)
	return patched, rebuilt, lostP, lostR
}

// Patches reports whether Apply patches s for t rather than building the
// snapshot afresh.
func Patches(s *Snapshot, t Touched) bool {
	aIDs, aRecs := sortTouched(t.ActorIDs, t.Actors)
	xIDs, xRecs := sortTouched(t.ExchangeIDs, t.Exchanges)
	mIDs, mRecs := sortTouched(t.MembershipIDs, t.Memberships)
	_, _, _, ok := s.patch(aIDs, aRecs, xIDs, xRecs, mIDs, mRecs, s.version, patchLimit)
	return ok
}

var bitmapsEqual = cmp.Comparer(func(a, b *roaring.Bitmap) bool {
	if a == nil || b == nil {
		return (a == nil || a.IsEmpty()) && (b == nil || b.IsEmpty())
	}
	return a.Equals(b)
})

// DiffSnapshots compares every column, table, bitmap and index of two
// snapshots but when they were built ("" when they are alike).
func DiffSnapshots(want, got *Snapshot) string {
	if sameSnapshots(want, got) {
		return ""
	}
	return cmp.Diff(want, got, cmp.AllowUnexported(Snapshot{}, valueRows{}), cmpopts.IgnoreFields(Snapshot{}, "built"),
		cmpopts.EquateEmpty(), bitmapsEqual)
}

// Copy returns a deep copy of s: nothing it holds shares memory with s.
func Copy(s *Snapshot) *Snapshot {
	c := *s
	c.actorIDs, c.actorKind, c.actorCountry = slices.Clone(s.actorIDs), slices.Clone(s.actorKind), slices.Clone(s.actorCountry)
	c.actorRegion, c.actorNameKey = slices.Clone(s.actorRegion), slices.Clone(s.actorNameKey)
	c.actorLat, c.actorLon, c.hasCoords = slices.Clone(s.actorLat), slices.Clone(s.actorLon), s.hasCoords.Clone()
	c.exIDs, c.exSrc, c.exTgt, c.exKind = slices.Clone(s.exIDs), slices.Clone(s.exSrc), slices.Clone(s.exTgt), slices.Clone(s.exKind)
	c.exStart, c.exEnd, c.exLo, c.exHi = slices.Clone(s.exStart), slices.Clone(s.exEnd), slices.Clone(s.exLo), slices.Clone(s.exHi)
	c.exThemeOff, c.exThemes = slices.Clone(s.exThemeOff), slices.Clone(s.exThemes)
	c.exProg, c.exEvent, c.directed = slices.Clone(s.exProg), slices.Clone(s.exEvent), s.directed.Clone()
	c.mIDs, c.mActor, c.mOrg = slices.Clone(s.mIDs), slices.Clone(s.mActor), slices.Clone(s.mOrg)
	c.mSince, c.mUntil = slices.Clone(s.mSince), slices.Clone(s.mUntil)
	c.countries, c.themes, c.strs = slices.Clone(s.countries), slices.Clone(s.themes), slices.Clone(s.strs)
	c.all = s.all.Clone()
	cloneAll := func(bs []*roaring.Bitmap) []*roaring.Bitmap {
		out := make([]*roaring.Bitmap, len(bs))
		for i, b := range bs {
			out[i] = b.Clone()
		}
		return out
	}
	c.byTheme, c.byKind = cloneAll(s.byTheme), cloneAll(s.byKind)
	cloneRows := func(ix valueRows) valueRows {
		out := valueRows{off: slices.Clone(ix.off), rows: slices.Clone(ix.rows), dense: make(map[uint32]*roaring.Bitmap, len(ix.dense))}
		for v, b := range ix.dense {
			out.dense[v] = b.Clone()
		}
		return out
	}
	c.byProg, c.byEvent = cloneRows(s.byProg), cloneRows(s.byEvent)
	c.outOff, c.out, c.inOff, c.in = slices.Clone(s.outOff), slices.Clone(s.out), slices.Clone(s.inOff), slices.Clone(s.in)
	c.themeIndex, c.strIndex, c.countryIdx = maps.Clone(s.themeIndex), maps.Clone(s.strIndex), maps.Clone(s.countryIdx)
	c.kindIndex, c.actorKindIx = maps.Clone(s.kindIndex), maps.Clone(s.actorKindIx)
	return &c
}

// sameSnapshots is a quick DiffSnapshots == "" (false may still be alike:
// an empty column where the other has nil, say).
func sameSnapshots(a, b *Snapshot) bool {
	bitmaps := func(s *Snapshot) []*roaring.Bitmap {
		out := append([]*roaring.Bitmap{s.hasCoords, s.directed, s.all}, s.byTheme...)
		out = append(out, s.byKind...)
		for _, m := range []map[uint32]*roaring.Bitmap{s.byProg.dense, s.byEvent.dense} {
			for _, v := range slices.Sorted(maps.Keys(m)) {
				out = append(out, m[v])
			}
		}
		return out
	}
	ba, bb := bitmaps(a), bitmaps(b)
	sameKeys := func(*roaring.Bitmap, *roaring.Bitmap) bool { return true }
	if len(ba) != len(bb) || !maps.EqualFunc(a.byProg.dense, b.byProg.dense, sameKeys) ||
		!maps.EqualFunc(a.byEvent.dense, b.byEvent.dense, sameKeys) {
		return false
	}
	for i := range ba {
		if !ba[i].Equals(bb[i]) {
			return false
		}
	}
	ca, cb := *a, *b
	for _, c := range []*Snapshot{&ca, &cb} {
		c.built = time.Time{}
		c.hasCoords, c.directed, c.all, c.byTheme, c.byKind = nil, nil, nil, nil, nil
		c.byProg.dense, c.byEvent.dense = nil, nil
	}
	return reflect.DeepEqual(ca, cb)
}

// SetBitmapSplitting sets how bitmaps that span several segments are
// renumbered (see maxBitmapSegments) and from how many rows a programme
// or an event has a bitmap (denseValue), and returns a func restoring
// them.
func SetBitmapSplitting(maxSegments int, small uint64, dense int) func() {
	ms, sm, dv := maxBitmapSegments, smallBitmap, denseValue
	maxBitmapSegments, smallBitmap, denseValue = maxSegments, small, dense
	return func() { maxBitmapSegments, smallBitmap, denseValue = ms, sm, dv }
}

// DiffDerived compares the derived indexes of s (bitmaps by value, the
// adjacency lists, the index maps) with those finish builds afresh from
// its columns ("" when they are alike).
func DiffDerived(s *Snapshot) string {
	f := Copy(s)
	f.finish()
	return DiffSnapshots(f, s)
}
