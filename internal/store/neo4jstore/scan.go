package neo4jstore

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/c2c-project/c2c/internal/c2c"
)

// The scans read in id order from the range indexes behind the uniqueness
// constraints on ids: the IS NOT NULL predicate lets the planner start
// from an index scan that provides the order (NodeIndexScan,
// DirectedRelationshipIndexScan; no Sort), so the server streams rows as
// the client pulls them instead of sorting the whole table first. For
// relationships the planner otherwise starts from the :Actor label and
// sorts every exchange, hence the hints (TestScanPlansFollowIDIndex).
const (
	scanActorsQuery = `MATCH (a:Actor) WHERE a.id IS NOT NULL
WITH a ORDER BY a.id
RETURN ` + actorMap + ` AS a`
	scanExchangesQuery = `MATCH (s:Actor)-[x:EXCHANGE]->(t:Actor) USING INDEX x:EXCHANGE(id) WHERE x.id IS NOT NULL
WITH x, s, t ORDER BY x.id
RETURN ` + exchangeMap + ` AS x`
	scanMembershipsQuery = `MATCH (ma:Actor)-[m:MEMBER_OF]->(mo:Actor) USING INDEX m:MEMBER_OF(id) WHERE m.id IS NOT NULL
WITH m, ma, mo ORDER BY m.id
RETURN ` + membershipMap + ` AS m`
)

// scanFetchSize is how many records a scan pulls at a time: the driver
// holds at most this many beyond the one fn is given.
const scanFetchSize = 1000

// scanTxTimeout bounds a scan's transaction on the server; the load of a
// large graph reads for longer than an ordinary read may.
const scanTxTimeout = 10 * time.Minute

// ScanActors calls fn with every actor in id order as the records of one
// query in one read transaction arrive. It returns fn's first error
// unchanged, KindUnavailable when Neo4j cannot be reached or ctx ends
// (wrapping ctx.Err()), KindInternal for a failed query. It is never
// retried, so fn sees each actor once.
func (s *Store) ScanActors(ctx context.Context, fn func(*c2c.Actor) error) error {
	return s.scan(ctx, "scan actors", scanActorsQuery, func(r *neo4j.Record) error { return fn(decodeActor(r.Values[0])) })
}

// ScanExchanges calls fn with every exchange in id order as ScanActors
// does.
func (s *Store) ScanExchanges(ctx context.Context, fn func(*c2c.Exchange) error) error {
	return s.scan(ctx, "scan exchanges", scanExchangesQuery, func(r *neo4j.Record) error { return fn(decodeExchange(r.Values[0])) })
}

// ScanMemberships calls fn with every membership in id order as
// ScanActors does.
func (s *Store) ScanMemberships(ctx context.Context, fn func(*c2c.Membership) error) error {
	return s.scan(ctx, "scan memberships", scanMembershipsQuery, func(r *neo4j.Record) error { return fn(decodeMembership(r.Values[0])) })
}

// scan runs query in an explicit read transaction (inside a transaction
// opened by Write, in that one) and calls fn with each record as the
// driver pulls them, scanFetchSize at a time. A managed transaction would
// retry the whole function on a transient error and call fn again with
// records it already had, so none is used: a failure is returned.
func (s *Store) scan(ctx context.Context, step, query string, fn func(*neo4j.Record) error) error {
	if w := s.current(ctx); w != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		c2c.CountRoundTrip(ctx, storeName)
		res, err := w.tx.Run(ctx, query, nil)
		if err != nil {
			return s.scanFail(ctx, step, err)
		}
		return s.drain(ctx, step, res, fn)
	}
	c2c.CountRoundTrip(ctx, storeName)
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName:    s.cfg.Database,
		AccessMode:      neo4j.AccessModeRead,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
		FetchSize:       scanFetchSize,
	})
	defer session.Close(context.WithoutCancel(ctx))
	tx, err := session.BeginTransaction(ctx, neo4j.WithTxTimeout(scanTxTimeout))
	if err != nil {
		return s.scanFail(ctx, step+": begin", err)
	}
	// Close rolls back unless the commit below ran.
	defer func() { _ = tx.Close(context.WithoutCancel(ctx)) }()
	res, err := tx.Run(ctx, query, nil)
	if err != nil {
		return s.scanFail(ctx, step, err)
	}
	if err := s.drain(ctx, step, res, fn); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return s.scanFail(ctx, step+": commit", err)
	}
	return nil
}

// drain calls fn with each record of res until fn fails or the records
// end.
func (s *Store) drain(ctx context.Context, step string, res neo4j.ResultWithContext, fn func(*neo4j.Record) error) error {
	for res.Next(ctx) {
		// Records already fetched are not handed to fn once ctx has
		// ended.
		if err := ctx.Err(); err != nil {
			return c2c.Unavailable(step, err)
		}
		if err := fn(res.Record()); err != nil {
			return err
		}
	}
	if err := res.Err(); err != nil {
		return s.scanFail(ctx, step, err)
	}
	// A result cut short by ctx must not read as complete.
	if err := ctx.Err(); err != nil {
		return c2c.Unavailable(step, err)
	}
	return nil
}

// scanFail is fail, with ctx's error in the chain when ctx has ended (the
// driver's error may not carry it).
func (s *Store) scanFail(ctx context.Context, step string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return c2c.Unavailable(step, cerr)
	}
	return s.fail(step, err)
}
