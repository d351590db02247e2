package c2c

import "strings"

// Adjacency is one exchange seen from one of its ends: what a search that
// expands the graph an actor at a time (the bidirectional breadth-first
// search of the path queries) needs to know of it, and no more. Store.Adjacent
// returns it.
type Adjacency struct {
	ExchangeID string
	// OtherID is the actor at the other end.
	OtherID string
	// Outgoing is set when the actor whose list this is is the exchange's
	// source.
	Outgoing bool
	// Directed is the exchange's Directed: a directed exchange leads from
	// its source to its target only.
	Directed bool
	// Start is the exchange's start, nil when unknown: among parallel
	// exchanges a path names the earliest starting one.
	Start *PartialDate
}

// StartKey returns the key ordering a by start: the first day of its start,
// UnknownStartAsc when the start is unknown.
func (a Adjacency) StartKey() int {
	if a.Start == nil {
		return UnknownStartAsc
	}
	return a.Start.FirstKey()
}

// CompareAdjacency orders adjacencies as Store.Adjacent lists them: by start
// (unknown last), then exchange id.
func CompareAdjacency(a, b Adjacency) int {
	if ka, kb := a.StartKey(), b.StartKey(); ka != kb {
		if ka < kb {
			return -1
		}
		return 1
	}
	return strings.Compare(a.ExchangeID, b.ExchangeID)
}

// AdjacencyOf returns x seen from actorID, one of its ends.
func AdjacencyOf(x *Exchange, actorID string) Adjacency {
	return Adjacency{
		ExchangeID: x.ID,
		OtherID:    x.Other(actorID),
		Outgoing:   x.SourceID == actorID,
		Directed:   x.Directed,
		Start:      x.Start,
	}
}
