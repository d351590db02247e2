package analysis

import (
	"encoding/json"
	"sync"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Cache keeps analysis results keyed by a filter key and the data version.
// The caller bumps the version after every write (Bump), which drops what
// was cached; a result computed from data read before a bump is refused by
// Put, so a stale result never outlives the write that made it stale. It is
// safe for concurrent use. A zero Cache is not usable: call NewCache.
type Cache struct {
	mu      sync.Mutex
	version uint64
	max     int
	entries map[string]any
}

// NewCache returns a cache holding at most size entries (at least 1); when
// full, Put drops everything before adding, which is simple and fits
// results that are cheap to recompute relative to a write rate.
func NewCache(size int) *Cache {
	return &Cache{max: max(size, 1), entries: map[string]any{}}
}

// Version returns the current data version. Read it before loading the
// subgraph and pass it to Put.
func (c *Cache) Version() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// Bump records a write: the version goes up and every entry is dropped.
func (c *Cache) Bump() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
	clear(c.entries)
}

// Advance moves the cache to version v when v is newer than the current
// version, dropping every entry, and returns the current version: a cache
// that follows a data version (the in-process graph's) rather than
// counting writes itself.
func (c *Cache) Advance(v uint64) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v > c.version {
		c.version = v
		clear(c.entries)
	}
	return c.version
}

// Get returns the value cached under key for the current version.
func (c *Cache) Get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.entries[key]
	return v, ok
}

// Put caches v under key if version is still the current version, and
// reports whether it did.
func (c *Cache) Put(key string, version uint64, v any) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return false
	}
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[key] = v
	return true
}

// Key returns a cache key for a computation named what (such as
// "pagerank") over the exchanges matching f, with any further arguments.
// Equal filters give equal keys.
func Key(what string, f c2c.ExchangeFilter, args ...any) string {
	b, err := json.Marshal(struct {
		What   string
		Filter c2c.ExchangeFilter
		Args   []any
	}{what, f, args})
	if err != nil {
		// Every filter field marshals; args are the caller's plain values.
		panic("analysis: cache key: " + err.Error())
	}
	return string(b)
}
