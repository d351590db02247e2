package graphmem_test

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
)

// TestPatchMatchesRebuild applies random changes to snapshots both ways
// (patched, however large the change, and built afresh) and checks that
// the two agree in every column, bitmap and index, that they answer as a
// snapshot built from the records does, and that neither the old snapshot
// (read meanwhile) nor an earlier patched one changes when another change
// is applied to the same snapshot.
func TestPatchMatchesRebuild(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 6
	}
	patched := 0
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			switch seed % 3 {
			case 1: // every bitmap split at the segments' bounds; programmes and events of 3 rows or more have bitmaps
				defer graphmem.SetBitmapSplitting(1<<30, 0, 2)()
			case 2: // every bitmap renumbered value by value; every programme and event has a bitmap
				defer graphmem.SetBitmapSplitting(0, 0, 0)()
			}
			m := newModel(seed)
			cur := m.snapshot(1)
			for step := range 40 {
				what, tc := m.change(step%7 == 6)
				version := uint64(step + 2)
				old := graphmem.Copy(cur)
				// A reader of the old snapshot meanwhile: the race detector
				// sees any write to what it reads.
				read := make(chan struct{})
				go func() {
					defer close(read)
					graphmem.ViewOf(t, cur)
				}()
				got, want, lostP, lostR := graphmem.ApplyPaths(cur, tc, version)
				<-read
				if got == nil {
					t.Fatalf("step %d (%s): not patched", step, what)
				}
				if diff := graphmem.DiffSnapshots(want, got); diff != "" {
					t.Fatalf("step %d (%s): patched snapshot differs from the rebuilt one (-rebuilt +patched):\n%s", step, what, diff)
				}
				if diff := gocmp.Diff(lostR, lostP, viewOpts...); diff != "" {
					t.Fatalf("step %d (%s): lost exchanges and memberships differ (-rebuilt +patched):\n%s", step, what, diff)
				}
				if got, want := lostP[0], m.junkX; !slices.Equal(got, want) {
					t.Fatalf("step %d (%s): lost exchanges %v, want %v", step, what, got, want)
				}
				if got, want := lostP[1], m.junkM; !slices.Equal(got, want) {
					t.Fatalf("step %d (%s): lost memberships %v, want %v", step, what, got, want)
				}
				if diff := diffViews(graphmem.ViewOf(t, m.snapshot(version)), graphmem.ViewOf(t, got)); diff != "" {
					t.Fatalf("step %d (%s): patched snapshot differs from one built from the records (-built +patched):\n%s", step, what, diff)
				}
				if ap, _, _ := cur.Apply(tc, version); graphmem.DiffSnapshots(want, ap) != "" {
					t.Fatalf("step %d (%s): Apply differs from the rebuilt snapshot", step, what)
				}
				if graphmem.Patches(cur, tc) {
					patched++
				}
				// Another change to the same old snapshot leaves the first
				// result alone.
				gotCopy := graphmem.Copy(got)
				_, other := m.clone().change(false)
				graphmem.ApplyPaths(cur, other, version)
				if diff := graphmem.DiffSnapshots(gotCopy, got); diff != "" {
					t.Fatalf("step %d (%s): applying another change to the old snapshot changed the patched one:\n%s", step, what, diff)
				}
				if diff := graphmem.DiffSnapshots(old, cur); diff != "" {
					t.Fatalf("step %d (%s): Apply changed the old snapshot:\n%s", step, what, diff)
				}
				cur = got
			}
		})
	}
	if patched == 0 {
		t.Error("Apply never patched")
	}
}

// diffViews is cmp.Diff of two views, quick when they are alike.
func diffViews(want, got graphmem.View) string {
	for _, v := range []*graphmem.View{&want, &got} {
		slices.SortFunc(v.Facets, func(a, b c2c.FacetRow) int {
			return cmp.Or(strings.Compare(a.Theme, b.Theme), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Year, b.Year),
				strings.Compare(a.SourceCountry, b.SourceCountry), strings.Compare(a.TargetCountry, b.TargetCountry),
				strings.Compare(a.Programme, b.Programme), a.Count-b.Count)
		})
	}
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return gocmp.Diff(want, got, viewOpts...)
}

// model is the records a store holds, with referential integrity, and the
// ids of records touched that cannot be placed (junk).
type model struct {
	r           *rand.Rand
	n           int
	actors      map[string]*c2c.Actor
	exchanges   map[string]*c2c.Exchange
	memberships map[string]*c2c.Membership
	junkX       []string
	junkM       []string
}

func newModel(seed uint64) *model {
	m := &model{r: rand.New(rand.NewPCG(seed, 77)), actors: map[string]*c2c.Actor{},
		exchanges: map[string]*c2c.Exchange{}, memberships: map[string]*c2c.Membership{}}
	if seed%10 == 0 {
		return m // an empty graph
	}
	for range 30 + m.r.IntN(40) {
		a := m.newActor()
		m.actors[a.ID] = a
	}
	for range m.r.IntN(150) {
		x := m.newExchange(m.newID("x"))
		m.exchanges[x.ID] = x
	}
	for range m.r.IntN(30) {
		if ms := m.newMembership(m.newID("m")); ms != nil {
			m.memberships[ms.ID] = ms
		}
	}
	return m
}

// clone returns a copy of m with its own random source, so that a change
// made to it leaves m alone.
func (m *model) clone() *model {
	c := *m
	c.r = rand.New(rand.NewPCG(uint64(m.n), 5))
	c.actors, c.exchanges, c.memberships = maps.Clone(m.actors), maps.Clone(m.exchanges), maps.Clone(m.memberships)
	return &c
}

func (m *model) snapshot(version uint64) *graphmem.Snapshot {
	return graphmem.Build(slices.Collect(maps.Values(m.actors)), slices.Collect(maps.Values(m.exchanges)),
		slices.Collect(maps.Values(m.memberships)), version)
}

// newID returns an id not yet used, placed anywhere in id order.
func (m *model) newID(prefix string) string {
	m.n++
	return fmt.Sprintf("%s%04d-%d", prefix, m.r.IntN(10000), m.n)
}

func (m *model) pick(ids []string) string {
	slices.Sort(ids)
	return ids[m.r.IntN(len(ids))]
}

func (m *model) actorIDs() []string { return slices.Collect(maps.Keys(m.actors)) }

func (m *model) newActor() *c2c.Actor {
	a := &c2c.Actor{ID: m.newID("a")}
	m.fillActor(a)
	return a
}

func (m *model) fillActor(a *c2c.Actor) {
	a.Kind = c2c.ActorKinds[m.r.IntN(len(c2c.ActorKinds))]
	a.Name = fmt.Sprintf("Actor %d", m.r.IntN(50))
	a.Country = countries[m.r.IntN(len(countries))]
	if m.r.IntN(10) == 0 {
		a.Country = fmt.Sprintf("C%d", m.r.IntN(1000)) // a new value
	}
	a.RegionID = ""
	if m.r.IntN(3) == 0 {
		a.RegionID = fmt.Sprintf("r%d", m.r.IntN(5))
	}
	a.Coords = nil
	if m.r.IntN(2) == 0 {
		a.Coords = &c2c.Coordinates{Lat: float64(m.r.IntN(90)), Lon: float64(m.r.IntN(180))}
	}
}

func (m *model) newExchange(id string) *c2c.Exchange {
	x := &c2c.Exchange{ID: id}
	m.fillExchange(x)
	return x
}

var themePool = []string{"climate", "housing", "mobility", "culture", "health", "water"}

func (m *model) fillExchange(x *c2c.Exchange) {
	as := m.actorIDs()
	x.SourceID, x.TargetID = m.pick(as), m.pick(as)
	x.Kind = c2c.ExchangeKinds[m.r.IntN(len(c2c.ExchangeKinds))]
	x.Themes = nil
	for range m.r.IntN(4) {
		t := themePool[m.r.IntN(len(themePool))]
		if m.r.IntN(15) == 0 {
			t = fmt.Sprintf("theme-%d", m.r.IntN(1000))
		}
		x.Themes = append(x.Themes, t)
	}
	x.Start, x.End = nil, nil
	if m.r.IntN(4) > 0 {
		x.Start = &c2c.PartialDate{Year: 1990 + m.r.IntN(30)}
		if m.r.IntN(2) == 0 {
			x.Start.Month = 1 + m.r.IntN(12)
		}
		if m.r.IntN(2) == 0 {
			x.End = &c2c.PartialDate{Year: x.Start.Year + m.r.IntN(3)}
		}
	}
	x.Programme, x.Event = "", ""
	if m.r.IntN(3) == 0 {
		x.Programme = []string{"AL-LAS", "MC2CM", "URBACT", fmt.Sprintf("P%d", m.r.IntN(100))}[m.r.IntN(4)]
	}
	if m.r.IntN(4) == 0 {
		x.Event = []string{"Forum 2014", "Summit", fmt.Sprintf("E%d", m.r.IntN(100))}[m.r.IntN(3)]
	}
	x.Directed = m.r.IntN(3) == 0
}

func (m *model) newMembership(id string) *c2c.Membership {
	as := m.actorIDs()
	if len(as) < 2 {
		return nil
	}
	ms := &c2c.Membership{ID: id, ActorID: m.pick(as), OrganisationID: m.pick(as)}
	if m.r.IntN(2) == 0 {
		ms.Since = &c2c.PartialDate{Year: 2000 + m.r.IntN(20)}
	}
	return ms
}

// change makes a few random writes to m (many when large) and returns
// what it did and what they touched, re-read from m (plus junk).
func (m *model) change(large bool) (string, graphmem.Touched) {
	var tc graphmem.Touched
	touchA := func(id string) { tc.ActorIDs = append(tc.ActorIDs, id) }
	touchX := func(id string) { tc.ExchangeIDs = append(tc.ExchangeIDs, id) }
	touchM := func(id string) { tc.MembershipIDs = append(tc.MembershipIDs, id) }
	m.junkX, m.junkM = nil, nil
	junkX, junkM := map[string]*c2c.Exchange{}, map[string]*c2c.Membership{}
	ops := 1 + m.r.IntN(4)
	if large {
		ops = 20 + m.r.IntN(60)
	}
	var what []string
	for range ops {
		op := m.r.IntN(13)
		if len(m.actors) < 3 {
			op = 0
		}
		switch op {
		case 0:
			a := m.newActor()
			m.actors[a.ID] = a
			touchA(a.ID)
			what = append(what, "create actor")
		case 1:
			id := m.pick(m.actorIDs())
			a := *m.actors[id]
			m.fillActor(&a)
			m.actors[id] = &a
			touchA(id)
			what = append(what, "update actor")
		case 2:
			id := m.pick(m.actorIDs())
			delete(m.actors, id)
			touchA(id)
			// A cascade lists what it removes, or not: the snapshot drops
			// them either way.
			listed := m.r.IntN(2) == 0
			for xid, x := range m.exchanges {
				if x.SourceID == id || x.TargetID == id {
					delete(m.exchanges, xid)
					if listed {
						touchX(xid)
					}
				}
			}
			for mid, ms := range m.memberships {
				if ms.ActorID == id || ms.OrganisationID == id {
					delete(m.memberships, mid)
					if listed {
						touchM(mid)
					}
				}
			}
			what = append(what, "delete actor")
		case 3, 4:
			x := m.newExchange(m.newID("x"))
			m.exchanges[x.ID] = x
			touchX(x.ID)
			what = append(what, "create exchange")
		case 5, 6:
			if len(m.exchanges) == 0 {
				continue
			}
			id := m.pick(slices.Collect(maps.Keys(m.exchanges)))
			x := *m.exchanges[id]
			keep := x
			m.fillExchange(&x)
			if m.r.IntN(2) == 0 {
				x.SourceID, x.TargetID = keep.SourceID, keep.TargetID
			}
			if m.r.IntN(4) == 0 {
				x = keep // re-read unchanged
			}
			m.exchanges[id] = &x
			touchX(id)
			what = append(what, "update exchange")
		case 7:
			if len(m.exchanges) == 0 {
				continue
			}
			id := m.pick(slices.Collect(maps.Keys(m.exchanges)))
			delete(m.exchanges, id)
			touchX(id)
			what = append(what, "delete exchange")
		case 8:
			if ms := m.newMembership(m.newID("m")); ms != nil {
				m.memberships[ms.ID] = ms
				touchM(ms.ID)
				what = append(what, "create membership")
			}
		case 9:
			if len(m.memberships) == 0 {
				continue
			}
			id := m.pick(slices.Collect(maps.Keys(m.memberships)))
			ms := *m.memberships[id]
			ms.Until = &c2c.PartialDate{Year: 2020 + m.r.IntN(5)}
			if m.r.IntN(2) == 0 {
				ms.OrganisationID = m.pick(m.actorIDs())
			}
			m.memberships[id] = &ms
			touchM(id)
			what = append(what, "update membership")
		case 10:
			if len(m.memberships) == 0 {
				continue
			}
			id := m.pick(slices.Collect(maps.Keys(m.memberships)))
			delete(m.memberships, id)
			touchM(id)
			what = append(what, "delete membership")
		case 11:
			// Ids that name nothing, and records whose end is not there.
			touchA(m.newID("a"))
			touchX(m.newID("x"))
			id := m.newID("x")
			m.junkX = append(m.junkX, id)
			junkX[id] = m.newExchange(id)
			junkX[id].TargetID = "zz-missing"
			touchX(id)
			id = m.newID("m")
			m.junkM = append(m.junkM, id)
			junkM[id] = &c2c.Membership{ID: id, ActorID: "zz-missing", OrganisationID: m.pick(m.actorIDs())}
			touchM(id)
			what = append(what, "junk")
		default:
			// A touch that changes nothing.
			touchA(m.pick(m.actorIDs()))
			if len(m.exchanges) > 0 {
				touchX(m.pick(slices.Collect(maps.Keys(m.exchanges))))
			}
			what = append(what, "no-op")
		}
	}
	// Re-read what was touched, as the graph does.
	for _, id := range tc.ActorIDs {
		tc.Actors = append(tc.Actors, m.actors[id])
	}
	for _, id := range tc.ExchangeIDs {
		x, ok := m.exchanges[id]
		if !ok {
			x = junkX[id]
		}
		tc.Exchanges = append(tc.Exchanges, x)
	}
	for _, id := range tc.MembershipIDs {
		ms, ok := m.memberships[id]
		if !ok {
			ms = junkM[id]
		}
		tc.Memberships = append(tc.Memberships, ms)
	}
	slices.Sort(m.junkX)
	slices.Sort(m.junkM)
	return fmt.Sprint(what), tc
}
