package graph

import (
	"context"
	"sync"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

// vocabCache keeps the theme vocabulary between requests. Reading it costs
// a store round trip, and nearly every request needs it (theme labels,
// checking the themes a filter names) while it changes only when a theme is
// added or relabelled. upsertTheme drops it at once; a theme added by
// another process (c2c import) is seen after the cache TTL, or at once by a
// filter naming it, because an id missing from the cached vocabulary makes
// checkThemes read the store again before refusing it.
//
// Over the in-process graph the cache also follows the data version: a
// vocabulary read at an older version than the graph's is read again, so a
// theme written by another process is seen within one poll.
type vocabCache struct {
	mu      sync.Mutex // held while loading, so concurrent misses share one read
	themes  map[string]c2c.Theme
	at      time.Time
	version uint64
}

// vocabulary returns the theme vocabulary by id, from the cache when it is
// younger than the TTL and fresh is false.
func (r *Resolver) vocabulary(ctx context.Context, fresh bool) (map[string]c2c.Theme, error) {
	if inMutationTx(ctx) {
		// Inside a mutation transaction the vocabulary may hold themes
		// not committed yet: read it for this request alone.
		return r.readVocabulary(ctx)
	}
	c := &r.vocab
	c.mu.Lock()
	defer c.mu.Unlock()
	var version uint64
	if r.Graph != nil {
		version = r.Graph.Version()
	}
	if !fresh && c.themes != nil && r.now().Sub(c.at) < r.cacheTTL() && version == c.version {
		return c.themes, nil
	}
	at := r.now()
	m, err := r.readVocabulary(ctx)
	if err != nil {
		return nil, err
	}
	c.themes, c.at, c.version = m, at, version
	return m, nil
}

// readVocabulary reads the theme vocabulary from the store, by id.
func (r *Resolver) readVocabulary(ctx context.Context) (map[string]c2c.Theme, error) {
	ts, err := r.Store.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]c2c.Theme, len(ts))
	for _, t := range ts {
		m[t.ID] = t
	}
	return m, nil
}

// forgetVocabulary drops the cached vocabulary after a theme write.
func (r *Resolver) forgetVocabulary() {
	c := &r.vocab
	c.mu.Lock()
	defer c.mu.Unlock()
	c.themes = nil
}
