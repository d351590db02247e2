package graphmem

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/c2c-project/c2c/internal/c2c"
)

// builder fills the columns of a new snapshot, row by row in id order.
type builder struct {
	s          *Snapshot
	countryIdx map[string]uint16
	themeIdx   map[string]uint16
	strIdx     map[string]uint32
	coords     []uint32
	directed   []uint32
}

// newBuilder starts a snapshot that keeps the value tables of base (nil
// for fresh tables), so rows copied from base keep their indexes.
func newBuilder(base *Snapshot) *builder {
	s := &Snapshot{countries: []string{""}, themes: nil, strs: []string{""}, exThemeOff: []uint32{0}}
	if base != nil {
		s.countries = slices.Clone(base.countries)
		s.themes = slices.Clone(base.themes)
		s.strs = slices.Clone(base.strs)
		// Room for the rows of base and a few more.
		na, nx, nm := len(base.actorIDs)+8, len(base.exIDs)+8, len(base.mIDs)+8
		s.actorIDs, s.actorKind, s.actorCountry = make([]string, 0, na), make([]uint8, 0, na), make([]uint16, 0, na)
		s.actorRegion, s.actorNameKey = make([]string, 0, na), make([]string, 0, na)
		s.actorLat, s.actorLon = make([]float64, 0, na), make([]float64, 0, na)
		s.exIDs, s.exSrc, s.exTgt, s.exKind = make([]string, 0, nx), make([]int32, 0, nx), make([]int32, 0, nx), make([]uint8, 0, nx)
		s.exStart, s.exEnd, s.exLo, s.exHi = make([]int32, 0, nx), make([]int32, 0, nx), make([]int32, 0, nx), make([]int32, 0, nx)
		s.exThemeOff = append(make([]uint32, 0, nx+1), 0)
		s.exThemes = make([]uint16, 0, len(base.exThemes)+8)
		s.exProg, s.exEvent = make([]uint32, 0, nx), make([]uint32, 0, nx)
		s.mIDs, s.mActor, s.mOrg = make([]string, 0, nm), make([]int32, 0, nm), make([]int32, 0, nm)
		s.mSince, s.mUntil = make([]int32, 0, nm), make([]int32, 0, nm)
	}
	b := &builder{s: s, countryIdx: indexOf[uint16](s.countries), themeIdx: indexOf[uint16](s.themes), strIdx: indexOf[uint32](s.strs)}
	return b
}

// indexOf maps each value of table to its position.
func indexOf[I uint16 | uint32](table []string) map[string]I {
	idx := make(map[string]I, len(table))
	for i, v := range table {
		idx[v] = I(i)
	}
	return idx
}

// intern returns the position of v in *table, appending it (and
// recording it in idx) when it is new.
func intern[I uint16 | uint32](table *[]string, idx map[string]I, v string) I {
	if i, ok := idx[v]; ok {
		return i
	}
	i := I(len(*table))
	*table = append(*table, v)
	idx[v] = i
	return i
}

func (b *builder) country(c string) uint16 { return intern(&b.s.countries, b.countryIdx, c) }

func (b *builder) theme(t string) uint16 { return intern(&b.s.themes, b.themeIdx, t) }

func (b *builder) str(v string) uint32 { return intern(&b.s.strs, b.strIdx, v) }

// addActor appends a; actors must come in id order.
func (b *builder) addActor(a *c2c.Actor) {
	s := b.s
	n := uint32(len(s.actorIDs))
	s.actorIDs = append(s.actorIDs, a.ID)
	s.actorKind = append(s.actorKind, uint8(slices.Index(c2c.ActorKinds, a.Kind)))
	s.actorCountry = append(s.actorCountry, b.country(a.Country))
	s.actorRegion = append(s.actorRegion, a.RegionID)
	s.actorNameKey = append(s.actorNameKey, c2c.Fold(a.Name))
	var lat, lon float64
	if a.Coords != nil {
		lat, lon = a.Coords.Lat, a.Coords.Lon
		b.coords = append(b.coords, n)
	}
	s.actorLat = append(s.actorLat, lat)
	s.actorLon = append(s.actorLon, lon)
}

// copyActor appends actor i of old.
func (b *builder) copyActor(old *Snapshot, i int32) {
	s := b.s
	n := uint32(len(s.actorIDs))
	s.actorIDs = append(s.actorIDs, old.actorIDs[i])
	s.actorKind = append(s.actorKind, old.actorKind[i])
	s.actorCountry = append(s.actorCountry, old.actorCountry[i])
	s.actorRegion = append(s.actorRegion, old.actorRegion[i])
	s.actorNameKey = append(s.actorNameKey, old.actorNameKey[i])
	s.actorLat = append(s.actorLat, old.actorLat[i])
	s.actorLon = append(s.actorLon, old.actorLon[i])
	if old.hasCoords.Contains(uint32(i)) {
		b.coords = append(b.coords, n)
	}
}

// addExchange appends x, whose ends must be among the actors added; it
// reports false, adding nothing, when an end is missing.
func (b *builder) addExchange(x *c2c.Exchange) bool {
	src, ok1 := b.s.actor(x.SourceID)
	tgt, ok2 := b.s.actor(x.TargetID)
	if !ok1 || !ok2 {
		return false
	}
	s := b.s
	n := uint32(len(s.exIDs))
	s.exIDs = append(s.exIDs, x.ID)
	s.exSrc = append(s.exSrc, src)
	s.exTgt = append(s.exTgt, tgt)
	s.exKind = append(s.exKind, uint8(max(slices.Index(c2c.ExchangeKinds, x.Kind), 0)))
	s.exStart = append(s.exStart, packDate(x.Start))
	s.exEnd = append(s.exEnd, packDate(x.End))
	var lo, hi int32
	if x.Start != nil {
		lo, hi = int32(x.Start.FirstKey()), int32(x.Start.LastKey())
		if x.End != nil {
			hi = int32(x.End.LastKey())
		}
	}
	s.exLo = append(s.exLo, lo)
	s.exHi = append(s.exHi, hi)
	ts := make([]uint16, 0, len(x.Themes))
	for _, t := range x.Themes {
		ts = append(ts, b.theme(t))
	}
	// Themes keep the order of their ids.
	slices.SortFunc(ts, func(p, q uint16) int { return strings.Compare(s.themes[p], s.themes[q]) })
	ts = slices.Compact(ts)
	s.exThemes = append(s.exThemes, ts...)
	s.exThemeOff = append(s.exThemeOff, uint32(len(s.exThemes)))
	s.exProg = append(s.exProg, b.optStr(x.Programme))
	s.exEvent = append(s.exEvent, b.optStr(x.Event))
	if x.Directed {
		b.directed = append(b.directed, n)
	}
	return true
}

func (b *builder) optStr(v string) uint32 {
	if v == "" {
		return 0
	}
	return b.str(v)
}

// copyExchange appends exchange i of old with its ends renumbered by
// actors; it reports false when an end is gone.
func (b *builder) copyExchange(old *Snapshot, i int32, actors []int32) bool {
	src, tgt := actors[old.exSrc[i]], actors[old.exTgt[i]]
	if src == none || tgt == none {
		return false
	}
	s := b.s
	n := uint32(len(s.exIDs))
	s.exIDs = append(s.exIDs, old.exIDs[i])
	s.exSrc = append(s.exSrc, src)
	s.exTgt = append(s.exTgt, tgt)
	s.exKind = append(s.exKind, old.exKind[i])
	s.exStart = append(s.exStart, old.exStart[i])
	s.exEnd = append(s.exEnd, old.exEnd[i])
	s.exLo = append(s.exLo, old.exLo[i])
	s.exHi = append(s.exHi, old.exHi[i])
	s.exThemes = append(s.exThemes, old.exThemes[old.exThemeOff[i]:old.exThemeOff[i+1]]...)
	s.exThemeOff = append(s.exThemeOff, uint32(len(s.exThemes)))
	s.exProg = append(s.exProg, old.exProg[i])
	s.exEvent = append(s.exEvent, old.exEvent[i])
	if old.directed.Contains(uint32(i)) {
		b.directed = append(b.directed, n)
	}
	return true
}

// addMembership appends m; false when an end is missing.
func (b *builder) addMembership(m *c2c.Membership) bool {
	a, ok1 := b.s.actor(m.ActorID)
	o, ok2 := b.s.actor(m.OrganisationID)
	if !ok1 || !ok2 {
		return false
	}
	s := b.s
	s.mIDs = append(s.mIDs, m.ID)
	s.mActor = append(s.mActor, a)
	s.mOrg = append(s.mOrg, o)
	s.mSince = append(s.mSince, packDate(m.Since))
	s.mUntil = append(s.mUntil, packDate(m.Until))
	return true
}

func (b *builder) copyMembership(old *Snapshot, i int32, actors []int32) bool {
	a, o := actors[old.mActor[i]], actors[old.mOrg[i]]
	if a == none || o == none {
		return false
	}
	s := b.s
	s.mIDs = append(s.mIDs, old.mIDs[i])
	s.mActor = append(s.mActor, a)
	s.mOrg = append(s.mOrg, o)
	s.mSince = append(s.mSince, old.mSince[i])
	s.mUntil = append(s.mUntil, old.mUntil[i])
	return true
}

// done finishes the snapshot at version.
func (b *builder) done(version uint64) *Snapshot {
	s := b.s
	s.version = version
	s.built = time.Now()
	s.hasCoords = roaring.BitmapOf(b.coords...)
	s.directed = roaring.BitmapOf(b.directed...)
	s.finish()
	return s
}

// Load builds a snapshot of everything st holds from the store's three
// scans (actors, exchanges, memberships, each one streaming query in id
// order), so memory holds a few records beyond the snapshot. version is
// the data version to label it with (read before the load begins, so that
// changes made during the load are applied after it). Exchanges and
// memberships whose ends are not in the snapshot (written while it was
// read) are left out and their ids returned: the change log lists them,
// and the caller re-reads them.
func Load(ctx context.Context, st c2c.Store, version uint64) (*Snapshot, []string, []string, error) {
	b := newBuilder(nil)
	err := st.ScanActors(ctx, func(a *c2c.Actor) error {
		b.addActor(a)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	var lostX, lostM []string
	err = st.ScanExchanges(ctx, func(x *c2c.Exchange) error {
		if !b.addExchange(x) {
			lostX = append(lostX, x.ID)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	err = st.ScanMemberships(ctx, func(m *c2c.Membership) error {
		if !b.addMembership(m) {
			lostM = append(lostM, m.ID)
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return b.done(version), lostX, lostM, nil
}

// Touched are the entities a change (or several) touched, re-read from
// the store: nil where an id no longer names anything.
type Touched struct {
	ActorIDs      []string
	Actors        []*c2c.Actor
	ExchangeIDs   []string
	Exchanges     []*c2c.Exchange
	MembershipIDs []string
	Memberships   []*c2c.Membership
}

// Apply returns a new snapshot at version: s with the touched entities
// replaced by their re-read state (removed where nil), and exchanges and
// memberships at removed actors dropped. s is not changed. It also returns
// the exchanges and memberships it could not place because an end is not
// in the snapshot (yet): the caller re-reads them with the next change.
//
// A change that touches a few rows patches s: the new snapshot copies the
// rest of s in bulk and shares what the change leaves alone. A larger one
// builds the snapshot afresh.
func (s *Snapshot) Apply(t Touched, version uint64) (*Snapshot, []string, []string) {
	aIDs, aRecs := sortTouched(t.ActorIDs, t.Actors)
	xIDs, xRecs := sortTouched(t.ExchangeIDs, t.Exchanges)
	mIDs, mRecs := sortTouched(t.MembershipIDs, t.Memberships)
	if ns, lostX, lostM, ok := s.patch(aIDs, aRecs, xIDs, xRecs, mIDs, mRecs, version, patchLimit); ok {
		return ns, lostX, lostM
	}
	return s.rebuild(aIDs, aRecs, xIDs, xRecs, mIDs, mRecs, version)
}

// rebuild is Apply by building the new snapshot row by row (the touched
// ids sorted and distinct, with their records).
func (s *Snapshot) rebuild(aIDs []string, aRecs []*c2c.Actor, xIDs []string, xRecs []*c2c.Exchange,
	mIDs []string, mRecs []*c2c.Membership, version uint64,
) (*Snapshot, []string, []string) {
	b := newBuilder(s)
	actors := make([]int32, len(s.actorIDs))
	j := 0
	for i := range s.actorIDs {
		for j < len(aIDs) && aIDs[j] < s.actorIDs[i] {
			if aRecs[j] != nil {
				b.addActor(aRecs[j])
			}
			j++
		}
		if j < len(aIDs) && aIDs[j] == s.actorIDs[i] {
			actors[i] = none
			if aRecs[j] != nil {
				actors[i] = int32(len(b.s.actorIDs))
				b.addActor(aRecs[j])
			}
			j++
			continue
		}
		actors[i] = int32(len(b.s.actorIDs))
		b.copyActor(s, int32(i))
	}
	for ; j < len(aIDs); j++ {
		if aRecs[j] != nil {
			b.addActor(aRecs[j])
		}
	}

	var lostX, lostM []string
	add := func(x *c2c.Exchange) {
		if x != nil && !b.addExchange(x) {
			lostX = append(lostX, x.ID)
		}
	}
	j = 0
	for i := range s.exIDs {
		for j < len(xIDs) && xIDs[j] < s.exIDs[i] {
			add(xRecs[j])
			j++
		}
		if j < len(xIDs) && xIDs[j] == s.exIDs[i] {
			add(xRecs[j])
			j++
			continue
		}
		b.copyExchange(s, int32(i), actors)
	}
	for ; j < len(xIDs); j++ {
		add(xRecs[j])
	}

	addM := func(m *c2c.Membership) {
		if m != nil && !b.addMembership(m) {
			lostM = append(lostM, m.ID)
		}
	}
	j = 0
	for i := range s.mIDs {
		for j < len(mIDs) && mIDs[j] < s.mIDs[i] {
			addM(mRecs[j])
			j++
		}
		if j < len(mIDs) && mIDs[j] == s.mIDs[i] {
			addM(mRecs[j])
			j++
			continue
		}
		b.copyMembership(s, int32(i), actors)
	}
	for ; j < len(mIDs); j++ {
		addM(mRecs[j])
	}
	return b.done(version), lostX, lostM
}

// sortTouched returns the ids (deduplicated) and their records in id
// order.
func sortTouched[T any](ids []string, recs []*T) ([]string, []*T) {
	type pair struct {
		id  string
		rec *T
	}
	ps := make([]pair, 0, len(ids))
	for i, id := range ids {
		var r *T
		if i < len(recs) {
			r = recs[i]
		}
		ps = append(ps, pair{id, r})
	}
	slices.SortStableFunc(ps, func(a, b pair) int { return strings.Compare(a.id, b.id) })
	ps = slices.CompactFunc(ps, func(a, b pair) bool { return a.id == b.id })
	outIDs := make([]string, len(ps))
	outRecs := make([]*T, len(ps))
	for i, p := range ps {
		outIDs[i], outRecs[i] = p.id, p.rec
	}
	return outIDs, outRecs
}
