package graphmem

import (
	"fmt"
	"testing"

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
