package graph

import (
	"context"
	"sync"
)

// workKey is the context key of a request's background work.
type workKey struct{}

// WithWork returns ctx carrying wg: every analysis the request starts in
// the background (run) is counted in wg until it ends, even after the
// request has been answered or has timed out, so that the caller (the
// server's pool of expensive operations) can hold the request's slot
// until the work it admitted has stopped.
func WithWork(ctx context.Context, wg *sync.WaitGroup) context.Context {
	return context.WithValue(ctx, workKey{}, wg)
}

// workOf returns the wait group of WithWork, or nil.
func workOf(ctx context.Context) *sync.WaitGroup {
	wg, _ := ctx.Value(workKey{}).(*sync.WaitGroup)
	return wg
}
