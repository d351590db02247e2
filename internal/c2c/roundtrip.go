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

type lastWriteKey struct{}

// WithLastWrite marks ctx as the context of what is likely the last write
// of a store transaction (Store.Write), such as the last root field of a
// mutation request: the store may then append the transaction's change
// log entry with that write's statement rather than in a statement of its
// own at commit, a round trip less. It is only a hint: whatever is written
// after, the store keeps one data version and one change per transaction.
func WithLastWrite(ctx context.Context) context.Context {
	return context.WithValue(ctx, lastWriteKey{}, true)
}

// IsLastWrite reports whether ctx was marked by WithLastWrite.
func IsLastWrite(ctx context.Context) bool {
	v, _ := ctx.Value(lastWriteKey{}).(bool)
	return v
}
