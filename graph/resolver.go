// Package graph is the GraphQL layer of c2c: the resolvers (thin: convert
// arguments, call the store, return domain values), the per-request
// dataloaders and the error presenter. The executable code generated from
// schema.graphqls lives in graph/generated.
package graph

//go:generate sh -c "cd .. && go tool gqlgen generate"

import (
	"log/slog"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/graphmem"
)

// Resolver is the root resolver and the one place where dependencies enter
// the GraphQL layer.
type Resolver struct {
	// Store answers every read and write.
	Store c2c.Store
	// Log receives internal errors and recovered panics; nil means
	// slog.Default().
	Log *slog.Logger

	// Cache keeps the results of the graph analyses (timeline,
	// southSouthShare, pairSpans, centrality, communities, components,
	// stats). Every mutation bumps its version after a successful write;
	// an entry also expires after CacheTTL, because another process (c2c
	// import) may write to the same store unseen. Nil disables caching;
	// NewServer sets a cache of DefaultCacheSize entries when it is nil.
	Cache *analysis.Cache
	// CacheTTL is how long a cached result is served; 0 means
	// DefaultCacheTTL.
	CacheTTL time.Duration
	// MaxEdges is the most exchanges a graph analysis reads; a filter
	// selecting more is refused. 0 means DefaultMaxEdges.
	MaxEdges int
	// MaxPairWork bounds actors × exchanges for betweenness, closeness and
	// harmonic centrality. 0 means DefaultMaxPairWork.
	MaxPairWork int
	// Now is the clock of the cache; nil means time.Now.
	Now func() time.Time
	// BatchWait is how long a dataloader gathers keys before it calls the
	// store; 0 means DefaultBatchWait.
	BatchWait time.Duration

	// Graph is the in-process graph the graph questions read (analyses,
	// paths, counts); nil means they ask the store. Store should then be
	// the graphmem.Store over the same graph, so that the store-shaped
	// reads (neighbourhood, subgraph, stats, partners, exchange pages)
	// answer from it too.
	Graph *graphmem.Graph
	// MaxStale bounds the age of the snapshot graph questions answer
	// from; past it they answer UNAVAILABLE. 0 means no bound.
	MaxStale time.Duration

	vocab vocabCache
	// edgeLoads lets concurrent requests that miss the cache share one
	// load of a subgraph.
	edgeLoads singleflight.Group
}

func (r *Resolver) log() *slog.Logger {
	if r.Log == nil {
		return slog.Default()
	}
	return r.Log
}
