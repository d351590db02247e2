package analysis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"

	"gonum.org/v1/gonum/graph"
)

// stopper ends a long computation soon after its context ends: the loops
// call tick (every stopEvery calls look at the context) or check, which
// panic with errStopped once the context is done, and withStop recovers
// that into the context's error. The loops of gonum's algorithms stop the
// same way, through the graph and the random source they are given
// (stoppingGraph, stoppingSource). A nil *stopper never stops.
type stopper struct {
	done atomic.Bool
	n    uint32
}

// stopEvery is how many ticks pass between two looks at the context: a
// look is one atomic load, a tick a few nanoseconds of work.
const stopEvery = 1024

type errStopped struct{}

// onCheck, when set (by tests), is called at every check with the
// stopper, before it looks.
var onCheck func(*stopper)

// check panics with errStopped if the context has ended.
func (s *stopper) check() {
	if s == nil {
		return
	}
	if onCheck != nil {
		onCheck(s)
	}
	if s.done.Load() {
		panic(errStopped{})
	}
}

// tick counts one step of a loop and checks every stopEvery steps.
func (s *stopper) tick() {
	if s == nil {
		return
	}
	s.n++
	if s.n%stopEvery == 0 {
		s.check()
	}
}

// withStop runs f with a stopper for ctx. It returns f's result, or
// ctx.Err() wrapped with what if ctx ended first (at once if it already
// has).
func withStop[T any](ctx context.Context, what string, f func(*stopper) (T, error)) (v T, err error) {
	if err := ctx.Err(); err != nil {
		return v, fmt.Errorf("%s: %w", what, err)
	}
	s := &stopper{}
	if ctx.Done() != nil {
		defer context.AfterFunc(ctx, func() { s.done.Store(true) })()
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errStopped); !ok {
				panic(r)
			}
			var zero T
			v, err = zero, fmt.Errorf("%s: %w", what, ctx.Err())
		}
	}()
	return f(s)
}

// stoppingSource is a random source that checks its stopper on every
// number drawn: it draws the same numbers as the source it wraps.
type stoppingSource struct {
	rand.Source
	s *stopper
}

func (r stoppingSource) Uint64() uint64 {
	r.s.check()
	return r.Source.Uint64()
}

// stoppingGraph is the weighted undirected graph of an index whose From
// and Weight tick its stopper.
type stoppingGraph struct {
	weightedGraph
	s *stopper
}

func (g stoppingGraph) From(id int64) graph.Nodes {
	g.s.tick()
	return g.weightedGraph.From(id)
}

func (g stoppingGraph) Weight(x, y int64) (float64, bool) {
	g.s.tick()
	return g.weightedGraph.Weight(x, y)
}
