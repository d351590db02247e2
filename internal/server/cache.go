package server

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// weightedCache is a least-recently-used cache bounded both in entries and
// in the bytes its entries weigh, so that clients sending many large
// distinct documents cannot grow it past maxBytes: gqlgen's lru counts
// entries only, and an entry may be a 1 MiB document. An entry heavier than
// maxBytes is not kept.
type weightedCache[T any] struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[string, T]
	weight   func(key string, v T) int
	bytes    int
	maxBytes int
}

var _ graphql.Cache[string] = (*weightedCache[string])(nil)

func newWeightedCache[T any](maxEntries, maxBytes int, weight func(string, T) int) *weightedCache[T] {
	c := &weightedCache[T]{weight: weight, maxBytes: maxBytes}
	l, err := simplelru.NewLRU[string, T](maxEntries, func(k string, v T) { c.bytes -= c.weight(k, v) })
	if err != nil {
		panic("server: cache size must be positive")
	}
	c.lru = l
	return c
}

// Get implements graphql.Cache.
func (c *weightedCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(key)
}

// Add implements graphql.Cache.
func (c *weightedCache[T]) Add(_ context.Context, key string, v T) {
	w := c.weight(key, v)
	if w > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(key) {
		c.lru.Remove(key)
	}
	c.lru.Add(key, v)
	c.bytes += w
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}

// Len returns the number of entries.
func (c *weightedCache[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
