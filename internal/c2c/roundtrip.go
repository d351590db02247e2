package c2c

import (
	"context"
	"sync/atomic"
)

// RoundTrips counts the store round trips (SQL statements, Cypher queries)
// made on behalf of one request. The GraphQL layer puts one in the context;
// stores call CountRoundTrip before each statement they send.
type RoundTrips struct{ n atomic.Int64 }

// Count returns the number of round trips so far.
func (r *RoundTrips) Count() int64 { return r.n.Load() }

type roundTripsKey struct{}

// WithRoundTrips returns a context that counts round trips into a new
// counter, and the counter.
func WithRoundTrips(ctx context.Context) (context.Context, *RoundTrips) {
	r := &RoundTrips{}
	return context.WithValue(ctx, roundTripsKey{}, r), r
}

// RoundTripHook, when set, is called once per counted round trip with the
// store's name ("sqlite", "neo4j"); the server sets it to feed a metric.
var RoundTripHook func(store string)

// CountRoundTrip records one round trip for store on the counter in ctx, if
// any, and on RoundTripHook.
func CountRoundTrip(ctx context.Context, store string) {
	if r, ok := ctx.Value(roundTripsKey{}).(*RoundTrips); ok {
		r.n.Add(1)
	}
	if h := RoundTripHook; h != nil {
		h(store)
	}
}
