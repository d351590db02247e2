package analysis

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// TimedPath is a time-respecting path: each exchange starts no earlier
// than the one before it.
type TimedPath struct {
	Path
	// Starts holds the start date of each hop's exchange.
	Starts []c2c.PartialDate
	// Arrival is the first day (yyyymmdd) of the last exchange's start:
	// the earliest the path reaches its end. 0 for the empty path.
	Arrival int
}

// Arrival is an actor reachable by a time-respecting path, with the
// earliest time it can be reached and the fewest hops at that time.
type Arrival struct {
	ActorID string
	// Date is the start of the exchange that arrives; Key its first day
	// as yyyymmdd.
	Date c2c.PartialDate
	Key  int
	Hops int
	Path TimedPath
}

// label is one way of reaching a node: by exchange x (nil at the origin)
// from the label prev, with hops exchanges, at time key.
type label struct {
	node, hops, key int
	x               *c2c.Exchange
	prev            *label
}

// temporal runs the time-respecting search from s: exchanges in order of
// the first day of their start, then id; exchanges of unknown date are
// skipped. A hop may take an exchange when it starts on or after the first
// day of the previous hop's start (the start's lo key). For each node it
// keeps the label of its earliest arrival (fewest hops at that time) and,
// as time passes, the label with the fewest hops so far, which is the one
// later hops extend. It checks ctx between days and returns its error
// once it ends.
func (ix *index) temporal(ctx context.Context, s int, directed bool, maxHops int) (first []*label, err error) {
	n := len(ix.ids)
	first = make([]*label, n)
	fewest := make([]*label, n)
	origin := &label{node: s}
	first[s], fewest[s] = origin, origin
	var dated []*c2c.Exchange
	for _, x := range ix.edgesByStart() {
		if x.Start != nil {
			dated = append(dated, x)
		}
	}
	relax := func(x *c2c.Exchange, from, to int, key int) bool {
		l := fewest[from]
		if l == nil || l.hops+1 > maxHops {
			return false
		}
		if f := fewest[to]; f != nil && f.hops <= l.hops+1 {
			return false
		}
		nl := &label{node: to, hops: l.hops + 1, key: key, x: x, prev: l}
		fewest[to] = nl
		if f := first[to]; f == nil || f.key == key {
			first[to] = nl
		}
		return true
	}
	for i := 0; i < len(dated); {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		j := i
		key := dated[i].Start.FirstKey()
		for j < len(dated) && dated[j].Start.FirstKey() == key {
			j++
		}
		// Exchanges starting the same day may chain: relax the group
		// until nothing changes.
		for changed := true; changed; {
			changed = false
			for _, x := range dated[i:j] {
				u, v := ix.pos[x.SourceID], ix.pos[x.TargetID]
				if relax(x, u, v, key) {
					changed = true
				}
				if (!directed || !x.Directed) && relax(x, v, u, key) {
					changed = true
				}
			}
		}
		i = j
	}
	return first, nil
}

// edgesByStart returns every exchange of ix ordered by start then id.
func (ix *index) edgesByStart() []*c2c.Exchange {
	var all []*c2c.Exchange
	for _, xs := range ix.pairs {
		all = append(all, xs...)
	}
	slices.SortFunc(all, compareByStart)
	return all
}

func (ix *index) timedPath(l *label, directed bool) TimedPath {
	var ls []*label
	for ; l != nil; l = l.prev {
		ls = append(ls, l)
	}
	slices.Reverse(ls)
	var tp TimedPath
	for i, l := range ls {
		tp.ActorIDs = append(tp.ActorIDs, ix.ids[l.node])
		if i == 0 {
			continue
		}
		tp.ExchangeIDs = append(tp.ExchangeIDs, l.x.ID)
		tp.Parallel = append(tp.Parallel, len(ix.usable(ls[i-1].node, l.node, directed)))
		tp.Starts = append(tp.Starts, *l.x.Start)
		tp.Arrival = l.key
	}
	return tp
}

// EarliestArrival returns the time-respecting path from one actor to
// another that arrives earliest (by the first day of its last exchange's
// start), with the fewest hops among those, and at most opts.MaxHops hops
// (MaxTimedHops when not set, and at most that); nil when there is none.
// From == to gives the empty path. Errors are those of ShortestPaths.
func EarliestArrival(g *c2c.Subgraph, from, to string, opts PathOptions) (*TimedPath, error) {
	return EarliestArrivalContext(context.Background(), g, from, to, opts)
}

// EarliestArrivalContext is EarliestArrival that stops, returning ctx's
// error, once ctx ends.
func EarliestArrivalContext(ctx context.Context, g *c2c.Subgraph, from, to string, opts PathOptions) (*TimedPath, error) {
	maxHops, err := opts.hops(MaxTimedHops)
	if err != nil {
		return nil, err
	}
	ix := newIndex(g)
	s, t, err := ix.endpoints(from, to)
	if err != nil {
		return nil, err
	}
	first, err := ix.temporal(ctx, s, opts.Directed, maxHops)
	if err != nil {
		return nil, err
	}
	if first[t] == nil {
		return nil, nil
	}
	tp := ix.timedPath(first[t], opts.Directed)
	return &tp, nil
}

// Reachable returns every actor other than from that a time-respecting path
// of at most opts.MaxHops hops (MaxTimedHops when not set, and at most
// that) reaches, with its earliest arrival, ordered by arrival, hops, then
// id. KindInvalid naming "from" if the actor has no exchanges in g,
// "maxHops" if the limit is out of range.
func Reachable(g *c2c.Subgraph, from string, opts PathOptions) ([]Arrival, error) {
	return ReachableContext(context.Background(), g, from, opts)
}

// ReachableContext is Reachable that stops, returning ctx's error, once
// ctx ends.
func ReachableContext(ctx context.Context, g *c2c.Subgraph, from string, opts PathOptions) ([]Arrival, error) {
	maxHops, err := opts.hops(MaxTimedHops)
	if err != nil {
		return nil, err
	}
	ix := newIndex(g)
	s, _, err := ix.endpoints(from, from)
	if err != nil {
		return nil, err
	}
	first, err := ix.temporal(ctx, s, opts.Directed, maxHops)
	if err != nil {
		return nil, err
	}
	var out []Arrival
	for v, l := range first {
		if l == nil || v == s {
			continue
		}
		out = append(out, Arrival{ActorID: ix.ids[v], Date: *l.x.Start, Key: l.key, Hops: l.hops, Path: ix.timedPath(l, opts.Directed)})
	}
	slices.SortFunc(out, func(a, b Arrival) int {
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Hops, b.Hops), strings.Compare(a.ActorID, b.ActorID))
	})
	return out, nil
}
