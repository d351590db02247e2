package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The persisted-query and document caches stay within their bytes however
// many large distinct documents clients send, and keep the recently used.
func TestWeightedCacheBounds(t *testing.T) {
	ctx := context.Background()
	c := newWeightedCache(100, 10_000, func(k, v string) int { return len(k) + len(v) })
	doc := strings.Repeat("x", 990)
	for i := range 1000 {
		c.Add(ctx, fmt.Sprintf("h%04d", i), doc)
		if c.bytes > c.maxBytes {
			t.Fatalf("after %d adds: %d bytes, more than %d", i+1, c.bytes, c.maxBytes)
		}
	}
	if c.Len() != 10 {
		t.Errorf("%d entries of 995 bytes in 10,000 bytes, want 10", c.Len())
	}
	if _, ok := c.Get(ctx, "h0999"); !ok {
		t.Error("the latest entry was evicted")
	}
	if _, ok := c.Get(ctx, "h0000"); ok {
		t.Error("the oldest entry was kept")
	}
	c.Add(ctx, "huge", strings.Repeat("x", 20_000))
	if _, ok := c.Get(ctx, "huge"); ok || c.Len() != 10 {
		t.Error("an entry heavier than the whole cache was kept or emptied it")
	}
	// Adding a key again replaces it without counting it twice.
	before := c.bytes
	c.Add(ctx, "h0999", doc)
	if c.bytes != before {
		t.Errorf("re-adding a key: %d bytes, was %d", c.bytes, before)
	}

	entries := newWeightedCache(3, 1<<20, func(k, v string) int { return len(k) })
	for i := range 10 {
		entries.Add(ctx, fmt.Sprint(i), "")
	}
	if entries.Len() != 3 {
		t.Errorf("%d entries, want the bound of 3", entries.Len())
	}
}
