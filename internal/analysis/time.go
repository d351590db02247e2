package analysis

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Group is the number of exchanges with one key of a dimension.
type Group struct {
	Key   string
	Count int
}

// YearBucket counts the exchanges that start in one year, split by a
// dimension when one was asked for.
type YearBucket struct {
	Year   int // 0 for the exchanges of unknown date
	Count  int
	Groups []Group // largest first, then by key; nil without a dimension
}

// Series is a histogram of exchanges by start year.
type Series struct {
	// Years runs from the earliest to the latest start year without gaps
	// (years with no exchange have Count 0); empty when no exchange is
	// dated.
	Years []YearBucket
	// Undated counts the exchanges of unknown date (Year 0).
	Undated YearBucket
}

// Timeline counts the exchanges of g by start year, split by the dimension
// by when by.Field is set (a theme or country dimension counts an exchange
// once per key, so groups may add up to more than Count). KindInvalid
// naming "by" for a bad dimension or a split by year.
func Timeline(g *c2c.Subgraph, by Dimension) (*Series, error) {
	return timeline(g, by, nil)
}

// TimelineContext is Timeline that stops when ctx ends: it then returns
// ctx.Err() wrapped.
func TimelineContext(ctx context.Context, g *c2c.Subgraph, by Dimension) (*Series, error) {
	return withStop(ctx, "timeline", func(s *stopper) (*Series, error) { return timeline(g, by, s) })
}

func timeline(g *c2c.Subgraph, by Dimension, s *stopper) (*Series, error) {
	var k func(*c2c.Exchange) []string
	if by.Field != "" {
		if by.Field == FieldYear {
			return nil, c2c.Invalid("by", "a timeline is already by year")
		}
		if err := by.Validate("by"); err != nil {
			return nil, err
		}
		k = newIndex(g).keyer(by)
	}
	type acc struct {
		count  int
		groups map[string]int
	}
	years := map[int]*acc{}
	lo, hi := 0, 0
	for _, x := range edgesOf(g) {
		s.tick()
		y := 0
		if x.Start != nil {
			y = x.Start.Year
			if lo == 0 || y < lo {
				lo = y
			}
			if y > hi {
				hi = y
			}
		}
		a := years[y]
		if a == nil {
			a = &acc{groups: map[string]int{}}
			years[y] = a
		}
		a.count++
		if k != nil {
			for _, key := range k(x) {
				a.groups[key]++
			}
		}
	}
	bucket := func(y int) YearBucket {
		b := YearBucket{Year: y}
		if k != nil {
			b.Groups = []Group{}
		}
		a := years[y]
		if a == nil {
			return b
		}
		b.Count = a.count
		if k != nil {
			for key, n := range a.groups {
				b.Groups = append(b.Groups, Group{key, n})
			}
			slices.SortFunc(b.Groups, func(p, q Group) int {
				return cmp.Or(cmp.Compare(q.Count, p.Count), strings.Compare(p.Key, q.Key))
			})
		}
		return b
	}
	out := &Series{Years: []YearBucket{}, Undated: bucket(0)}
	if lo != 0 {
		for y := lo; y <= hi; y++ {
			s.tick()
			out.Years = append(out.Years, bucket(y))
		}
	}
	return out, nil
}

// PairSpan is the cooperation between two actors over the exchanges of a
// subgraph.
type PairSpan struct {
	A, B      string // the two actor ids, A < B
	Exchanges int
	// First is the earliest known start and Last the latest known start or
	// end; nil when no exchange of the pair is dated.
	First, Last *c2c.PartialDate
	Themes      []string // themes of the pair's exchanges, sorted
}

// PairSpans returns, for every pair of actors joined by an exchange, the
// first and last exchange dates and shared themes, ordered by A then B.
// First and Last compare partial dates by the first day they cover (Last
// by the last day), keeping the date as written.
func PairSpans(g *c2c.Subgraph) []PairSpan {
	return pairSpans(g, nil)
}

// PairSpansContext is PairSpans that stops when ctx ends: it then returns
// ctx.Err() wrapped.
func PairSpansContext(ctx context.Context, g *c2c.Subgraph) ([]PairSpan, error) {
	return withStop(ctx, "pair spans", func(s *stopper) ([]PairSpan, error) { return pairSpans(g, s), nil })
}

func pairSpans(g *c2c.Subgraph, s *stopper) []PairSpan {
	spans := map[[2]string]*PairSpan{}
	for _, x := range edgesOf(g) {
		s.tick()
		a, b := x.SourceID, x.TargetID
		if a > b {
			a, b = b, a
		}
		p := spans[[2]string{a, b}]
		if p == nil {
			p = &PairSpan{A: a, B: b}
			spans[[2]string{a, b}] = p
		}
		p.Exchanges++
		p.Themes = append(p.Themes, x.Themes...)
		if x.Start == nil {
			continue
		}
		if p.First == nil || x.Start.FirstKey() < p.First.FirstKey() {
			d := *x.Start
			p.First = &d
		}
		last := x.Start
		if x.End != nil && x.End.LastKey() > last.LastKey() {
			last = x.End
		}
		if p.Last == nil || last.LastKey() > p.Last.LastKey() {
			d := *last
			p.Last = &d
		}
	}
	out := make([]PairSpan, 0, len(spans))
	for _, p := range spans {
		s.tick()
		p.Themes = distinct2(p.Themes)
		if len(p.Themes) == 0 {
			p.Themes = nil
		}
		out = append(out, *p)
	}
	slices.SortFunc(out, func(p, q PairSpan) int {
		return cmp.Or(strings.Compare(p.A, q.A), strings.Compare(p.B, q.B))
	})
	return out
}

// Window returns the part of g inside a time window: the exchanges whose
// date span overlaps [from, to] (each bound taken as the interval it
// covers, nil for an open bound, as ExchangeFilter.From/To do; exchanges of
// unknown date are left out unless both bounds are nil) and the actors at
// their ends, both ordered by id. It equals what a store's Edges returns
// with the same From/To in its filter.
func Window(g *c2c.Subgraph, from, to *c2c.PartialDate) *c2c.Subgraph {
	f := c2c.ExchangeFilter{From: from, To: to}
	lo, hi, windowed := f.Window()
	out := &c2c.Subgraph{Nodes: []*c2c.Actor{}, Edges: []*c2c.Exchange{}}
	keep := map[string]bool{}
	for _, x := range edgesOf(g) {
		if windowed {
			xlo, xhi, ok := x.Span()
			if !ok || xhi < lo || xlo > hi {
				continue
			}
		}
		out.Edges = append(out.Edges, x)
		keep[x.SourceID], keep[x.TargetID] = true, true
	}
	if g != nil {
		for _, a := range g.Nodes {
			if a != nil && keep[a.ID] {
				out.Nodes = append(out.Nodes, a)
				delete(keep, a.ID)
			}
		}
	}
	slices.SortFunc(out.Nodes, func(a, b *c2c.Actor) int { return strings.Compare(a.ID, b.ID) })
	return out
}
