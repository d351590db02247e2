package model

import (
	"github.com/c2c-project/c2c/internal/c2c"
)

// Path is one path of a PathResult or an Arrival: the actors by id (the
// resolver loads them through the request's actor loader) and the
// exchanges taken.
type Path struct {
	ActorIDs  []string
	Exchanges []*c2c.Exchange
	Hops      int
	Parallel  []int
	// Starts and Arrival are set for time-respecting paths only.
	Starts  []c2c.PartialDate
	Arrival *c2c.PartialDate
}

// Arrival is an actor reached by a time-respecting path.
type Arrival struct {
	ActorID string
	Arrival c2c.PartialDate
	Hops    int
	Path    *Path
}

// CentralityScore is one actor's value of a measure with its rank.
type CentralityScore struct {
	ActorID string
	Value   float64
	Rank    int
}

// ActorGroup is a community or component: its actor ids, sorted.
type ActorGroup struct {
	IDs  []string
	Size int
}
