package analysis

import (
	"context"
	"github.com/c2c-project/c2c/internal/c2c"
)

// Classify returns the Global South class of every exchange of g under d,
// keyed by exchange id, from the countries of its two ends (c2c.Classify):
// UNKNOWN when an end has no country or one d does not classify.
func Classify(g *c2c.Subgraph, d c2c.Definition) map[string]c2c.EdgeClass {
	ix := newIndex(g)
	out := map[string]c2c.EdgeClass{}
	for _, x := range edgesOf(g) {
		out[x.ID] = c2c.Classify(d, ix.country(x.SourceID), ix.country(x.TargetID))
	}
	return out
}

// ActorStatus returns the Global South status of every actor of g under d.
func ActorStatus(g *c2c.Subgraph, d c2c.Definition) map[string]c2c.SouthStatus {
	ix := newIndex(g)
	out := make(map[string]c2c.SouthStatus, len(ix.ids))
	for i, id := range ix.ids {
		country := ""
		if a := ix.actors[i]; a != nil {
			country = a.Country
		}
		out[id] = c2c.StatusOf(d, country)
	}
	return out
}

// YearShare counts one year's exchanges by class.
type YearShare struct {
	Year       int
	Total      int
	SouthSouth int
	NorthSouth int
	NorthNorth int
	Unknown    int
	// Share is SouthSouth / (Total - Unknown): the South-South part of
	// the exchanges whose class is known; 0 when none is.
	Share float64
}

// SouthSouthShare returns, per start year from the earliest to the latest
// (no gaps), the exchanges of g by class under d and the South-South share.
// Exchanges of unknown date are left out. KindInvalid naming "definition"
// for an unknown definition.
func SouthSouthShare(g *c2c.Subgraph, d c2c.Definition) ([]YearShare, error) {
	return southSouthShare(g, d, nil)
}

// SouthSouthShareContext is SouthSouthShare that stops when ctx ends: it
// then returns ctx.Err() wrapped.
func SouthSouthShareContext(ctx context.Context, g *c2c.Subgraph, d c2c.Definition) ([]YearShare, error) {
	return withStop(ctx, "south-south share", func(s *stopper) ([]YearShare, error) { return southSouthShare(g, d, s) })
}

func southSouthShare(g *c2c.Subgraph, d c2c.Definition, stop *stopper) ([]YearShare, error) {
	if !d.Valid() {
		return nil, c2c.Invalid("definition", "%q is not a known definition", d)
	}
	ix := newIndex(g)
	byYear := map[int]*YearShare{}
	lo, hi := 0, 0
	for _, x := range edgesOf(g) {
		stop.tick()
		if x.Start == nil {
			continue
		}
		y := x.Start.Year
		if lo == 0 || y < lo {
			lo = y
		}
		hi = max(hi, y)
		s := byYear[y]
		if s == nil {
			s = &YearShare{Year: y}
			byYear[y] = s
		}
		s.Total++
		switch c2c.Classify(d, ix.country(x.SourceID), ix.country(x.TargetID)) {
		case c2c.ClassSouthSouth:
			s.SouthSouth++
		case c2c.ClassNorthSouth:
			s.NorthSouth++
		case c2c.ClassNorthNorth:
			s.NorthNorth++
		default:
			s.Unknown++
		}
	}
	out := []YearShare{}
	if lo == 0 {
		return out, nil
	}
	for y := lo; y <= hi; y++ {
		s := YearShare{Year: y}
		if p := byYear[y]; p != nil {
			s = *p
		}
		if known := s.Total - s.Unknown; known > 0 {
			s.Share = float64(s.SouthSouth) / float64(known)
		}
		out = append(out, s)
	}
	return out, nil
}
