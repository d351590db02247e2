package explorer_test

import (
	"slices"
	"sort"

	"github.com/c2c-project/c2c/internal/c2c"
)

// ref is an independent model of a batch, computed by brute force in Go,
// that the browser tests compare what the page draws with.
type ref struct {
	actors    map[string]c2c.Actor
	exchanges []c2c.Exchange
	adj       map[string]map[string]bool
}

func newRef(b c2c.Batch) *ref {
	r := &ref{actors: map[string]c2c.Actor{}, adj: map[string]map[string]bool{}}
	for _, a := range b.Actors {
		r.actors[a.ID] = a
	}
	r.exchanges = b.Exchanges
	for _, x := range b.Exchanges {
		if x.SourceID == x.TargetID {
			continue
		}
		for _, p := range [][2]string{{x.SourceID, x.TargetID}, {x.TargetID, x.SourceID}} {
			if r.adj[p[0]] == nil {
				r.adj[p[0]] = map[string]bool{}
			}
			r.adj[p[0]][p[1]] = true
		}
	}
	return r
}

// ego returns the actors within depth hops of centre, nearest first then
// by id, cut to limit: what neighbourhood(actor, depth, limit) promises.
func (r *ref) ego(centre string, depth, limit int) []string {
	dist := map[string]int{centre: 0}
	frontier := []string{centre}
	for d := 1; d <= depth; d++ {
		var next []string
		for _, a := range frontier {
			for b := range r.adj[a] {
				if _, ok := dist[b]; !ok {
					dist[b] = d
					next = append(next, b)
				}
			}
		}
		frontier = next
	}
	ids := make([]string, 0, len(dist))
	for id := range dist {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if dist[ids[i]] != dist[ids[j]] {
			return dist[ids[i]] < dist[ids[j]]
		}
		return ids[i] < ids[j]
	})
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return ids
}

// among returns the exchanges with both ends in the set.
func (r *ref) among(ids []string) []c2c.Exchange {
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	var out []c2c.Exchange
	for _, x := range r.exchanges {
		if in[x.SourceID] && in[x.TargetID] {
			out = append(out, x)
		}
	}
	return out
}

// pairs counts the distinct linked pairs (loops left out) of xs.
func pairs(xs []c2c.Exchange) int {
	seen := map[[2]string]bool{}
	for _, x := range xs {
		a, b := x.SourceID, x.TargetID
		if a == b {
			continue
		}
		if a > b {
			a, b = b, a
		}
		seen[[2]string{a, b}] = true
	}
	return len(seen)
}

// actorsOf returns the ends of xs, sorted.
func actorsOf(xs []c2c.Exchange) []string {
	set := map[string]bool{}
	for _, x := range xs {
		set[x.SourceID] = true
		set[x.TargetID] = true
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// distance is the number of hops between a and b (-1 if unreachable).
func (r *ref) distance(a, b string) int {
	dist := map[string]int{a: 0}
	q := []string{a}
	for len(q) > 0 {
		x := q[0]
		q = q[1:]
		if x == b {
			return dist[x]
		}
		for y := range r.adj[x] {
			if _, ok := dist[y]; !ok {
				dist[y] = dist[x] + 1
				q = append(q, y)
			}
		}
	}
	return -1
}

// hubs returns actor ids by number of partners, most first, then by id.
func (r *ref) hubs() []string {
	ids := make([]string, 0, len(r.adj))
	for id := range r.adj {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if len(r.adj[ids[i]]) != len(r.adj[ids[j]]) {
			return len(r.adj[ids[i]]) > len(r.adj[ids[j]])
		}
		return ids[i] < ids[j]
	})
	return ids
}

// overlaps reports whether x's dates overlap the years from..to (an
// undated exchange never does), as the API's from/to filter reads them.
func overlaps(x c2c.Exchange, from, to int) bool {
	if x.Start == nil {
		return false
	}
	end := x.Start
	if x.End != nil {
		end = x.End
	}
	return x.Start.First().Year() <= to && end.Last().Year() >= from
}
