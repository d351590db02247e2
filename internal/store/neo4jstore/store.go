// Package neo4jstore implements c2c.Store on Neo4j through the official Go
// driver: actors are nodes (:Actor:City, :Actor:Region, :Actor:Organisation),
// exchanges and memberships are relationships, themes are (:Theme) nodes.
// Constraints and indexes come from versioned migrations applied at Open.
//
// Reads are auto-commit queries routed to readers; writes run in
// transaction functions. Both share the driver's bookmark manager, so a read
// sees the writes this process acknowledged, also on a cluster.
package neo4jstore

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/changeset"
)

// storeName labels this store's round trips.
const storeName = "neo4j"

// Store is the Neo4j implementation of c2c.Store. It is safe for concurrent
// use; one Store (one driver) per process.
type Store struct {
	driver neo4j.DriverWithContext
	cfg    Config
	log    *slog.Logger
}

var _ c2c.Store = (*Store)(nil)

// Open connects to Neo4j, retrying with exponential backoff until ctx ends
// (a server that is still starting is normal), then applies the migrations.
// It returns KindInvalid for a bad configuration and KindUnavailable when
// the server could not be reached before ctx's deadline.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.MaxConnectionPoolSize = cfg.MaxPoolSize
		c.ConnectionAcquisitionTimeout = cfg.AcquireTimeout
		c.SocketConnectTimeout = cfg.ConnectTimeout
		c.MaxTransactionRetryTime = cfg.MaxRetryTime
	})
	if err != nil {
		return nil, c2c.Invalid("NEO4J_URI", "%v", err)
	}
	s := &Store{driver: driver, cfg: cfg, log: logger.With("store", storeName, "uri", redactedURI(cfg.URI))}
	if err := s.waitReachable(ctx); err != nil {
		_ = driver.Close(context.Background())
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		_ = driver.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// waitReachable polls VerifyConnectivity with exponential backoff (100ms
// doubling to 5s) until it succeeds or ctx ends.
func (s *Store) waitReachable(ctx context.Context) error {
	delay := 100 * time.Millisecond
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := s.driver.VerifyConnectivity(ctx)
		if err == nil {
			if attempt > 1 {
				s.log.Info("neo4j reachable", "attempts", attempt, "waited", time.Since(start).Round(time.Millisecond))
			}
			return nil
		}
		if isAuthError(err) {
			return c2c.Internal("open: authenticate", err)
		}
		if ctx.Err() != nil {
			s.log.Error("neo4j not reachable; giving up", "attempts", attempt, "waited", time.Since(start).Round(time.Millisecond), "err", err)
			return c2c.Unavailable("open", err)
		}
		s.log.Warn("neo4j not reachable yet; retrying", "attempt", attempt, "retry_in", delay, "err", err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			s.log.Error("neo4j not reachable; giving up", "attempts", attempt, "waited", time.Since(start).Round(time.Millisecond), "err", err)
			return c2c.Unavailable("open", err)
		case <-t.C:
		}
		delay = min(delay*2, 5*time.Second)
	}
}

func isAuthError(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.Security.")
}

// Ping reports whether the server is reachable: KindUnavailable if not.
func (s *Store) Ping(ctx context.Context) error {
	c2c.CountRoundTrip(ctx, storeName)
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return s.fail("ping", err)
	}
	return nil
}

// Close closes the driver and its connections.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.driver.Close(ctx); err != nil {
		return c2c.Internal("close", err)
	}
	return nil
}

// read runs one read query as an auto-commit transaction on a reader and
// returns its records.
//
// An auto-commit query costs one network round trip (RUN and PULL are
// pipelined); neo4j.ExecuteQuery's managed transaction costs two (BEGIN,
// RUN, PULL, then COMMIT), which doubled the latency of every read. Reads
// are idempotent, so a retryable failure (a pooled connection the server
// dropped, a leader switch) is retried a few times with a short backoff
// while ctx lasts; the session carries the shared bookmark manager, so a
// read still sees the writes this process acknowledged.
func (s *Store) read(ctx context.Context, step, query string, params map[string]any) ([]*neo4j.Record, error) {
	if w := s.current(ctx); w != nil {
		// Inside a transaction opened by Write: read there, so the reads
		// see its writes.
		w.mu.Lock()
		defer w.mu.Unlock()
		recs, err := run(ctx, w.tx, query, params)
		if err != nil {
			return nil, s.fail(step, err)
		}
		return recs, nil
	}
	c2c.CountRoundTrip(ctx, storeName)
	began := time.Now()
	delay := 10 * time.Millisecond
	for attempt := 1; ; attempt++ {
		recs, err := s.readOnce(ctx, query, params)
		if err == nil {
			if took := time.Since(began); took > slowRead {
				s.log.Debug("slow store read", "step", step, "took", took, "rows", len(recs))
			}
			return recs, nil
		}
		if attempt >= readAttempts || !neo4j.IsRetryable(err) || ctx.Err() != nil {
			return nil, s.fail(step, err)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, s.fail(step, err)
		case <-t.C:
		}
		delay *= 4
	}
}

// readAttempts bounds how often read tries a query.
const readAttempts = 3

// slowRead is the duration past which a read is logged (at debug level).
const slowRead = 50 * time.Millisecond

func (s *Store) readOnce(ctx context.Context, query string, params map[string]any) ([]*neo4j.Record, error) {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName:    s.cfg.Database,
		AccessMode:      neo4j.AccessModeRead,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
	defer session.Close(context.WithoutCancel(ctx))
	res, err := session.Run(ctx, query, params, neo4j.WithTxTimeout(s.cfg.TxTimeout))
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// wtx is a write transaction and what it touched: every write records its
// ids there, and the commit turns them into the next change of the log.
type wtx struct {
	neo4j.ManagedTransaction
	changes changeset.Set
	// last is set while the work running on the transaction is likely its
	// last write: a statement may then carry the change log
	// (runLogged).
	last bool
	// logged is what a statement appended to the change log, nil until
	// one did.
	logged *loggedChange
}

// writeTx is the transaction Write opened, carried by the context fn
// receives: the store's writes and reads with that context run inside it,
// one statement at a time (a driver transaction is not safe for concurrent
// use, and the resolvers of one request read concurrently).
type writeTx struct {
	s  *Store
	tx *wtx
	mu sync.Mutex // held while a statement or a write runs on tx
	// err is the first error of a write inside the transaction: it fails
	// the whole transaction even if fn goes on (Neo4j cannot use a
	// transaction after a failed statement anyway).
	err error
}

type writeTxKey struct{}

// current returns the transaction Write opened on s that ctx carries, nil
// if none.
func (s *Store) current(ctx context.Context) *writeTx {
	if w, ok := ctx.Value(writeTxKey{}).(*writeTx); ok && w.s == s {
		return w
	}
	return nil
}

// Write runs fn in one write transaction: the store's writes called with the
// context fn receives join it, its reads see what it wrote so far, and it
// commits once when fn returns nil, producing one change of the log and one
// data version. It rolls back when fn returns an error, or when any write
// inside it failed even if fn ignored the error, and returns that error.
// Unlike a single write it is not retried on a transient error (fn need not
// be idempotent): the error is KindUnavailable and the caller may retry.
// Called with a context that already carries a transaction of this store,
// fn runs inside that one.
func (s *Store) Write(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.current(ctx) != nil {
		return fn(ctx)
	}
	c2c.CountRoundTrip(ctx, storeName)
	session := s.driver.NewSession(ctx, sessionConfig(s))
	defer session.Close(context.WithoutCancel(ctx))
	tx, err := session.BeginTransaction(ctx, neo4j.WithTxTimeout(s.cfg.TxTimeout))
	if err != nil {
		return s.fail("write: begin", err)
	}
	defer func() { _ = tx.Close(context.WithoutCancel(ctx)) }()
	w := &writeTx{s: s, tx: &wtx{ManagedTransaction: tx}}
	err = fn(context.WithValue(ctx, writeTxKey{}, w))
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		err = w.err
	}
	if err == nil {
		if e := s.appendChange(ctx, w.tx); e != nil {
			err = s.fail("write: change log", e)
		}
	}
	if err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	c2c.CountRoundTrip(ctx, storeName)
	if err := tx.Commit(ctx); err != nil {
		return s.fail("write: commit", err)
	}
	return nil
}

// write runs work in one write transaction, retried by the driver on
// transient errors (work must be idempotent), appends what it touched to
// the change log and commits before returning. Inside a transaction opened
// by Write, work runs in that one instead, once, and the change is
// appended when it commits.
func (s *Store) write(ctx context.Context, step string, work func(tx *wtx) (any, error)) (any, error) {
	return s.writeWithTimeout(ctx, step, s.cfg.TxTimeout, work)
}

// writeWithTimeout is write with a server-side timeout other than the
// configured one (not applied inside a transaction opened by Write).
func (s *Store) writeWithTimeout(ctx context.Context, step string, timeout time.Duration, work func(tx *wtx) (any, error)) (any, error) {
	if w := s.current(ctx); w != nil {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.err != nil {
			return nil, w.err
		}
		// The caller says whether this is likely the transaction's last
		// write (c2c.WithLastWrite): its statement may carry the change log.
		w.tx.last = c2c.IsLastWrite(ctx)
		out, err := work(w.tx)
		w.tx.last = false
		if err != nil {
			err = s.fail(step, err)
			w.err = err
			return nil, err
		}
		return out, nil
	}
	session := s.driver.NewSession(ctx, sessionConfig(s))
	defer session.Close(context.WithoutCancel(ctx))
	out, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		// A fresh change set per attempt: the driver may retry. The
		// work is the transaction's only write, so its statement may
		// carry the change log.
		w := &wtx{ManagedTransaction: tx, last: true}
		out, err := work(w)
		if err != nil {
			return nil, err
		}
		return out, s.appendChange(ctx, w)
	}, neo4j.WithTxTimeout(timeout))
	if err != nil {
		return nil, s.fail(step, err)
	}
	return out, nil
}

// sessionConfig is the configuration of write sessions: the store's
// database and the bookmark manager reads share.
func sessionConfig(s *Store) neo4j.SessionConfig {
	return neo4j.SessionConfig{
		DatabaseName:    s.cfg.Database,
		AccessMode:      neo4j.AccessModeWrite,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	}
}

// run sends one query inside a transaction and collects its records.
func run(ctx context.Context, tx neo4j.ManagedTransaction, query string, params map[string]any) ([]*neo4j.Record, error) {
	c2c.CountRoundTrip(ctx, storeName)
	res, err := tx.Run(ctx, query, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// Neo4j status codes the store maps to domain kinds.
const codeConstraintViolation = "Neo.ClientError.Schema.ConstraintValidationFailed"

// fail turns err into a domain error: domain errors pass through,
// connectivity problems (including a pool that cannot hand out a connection
// in time and a lost commit) become KindUnavailable, a uniqueness violation
// KindConflict, the rest KindInternal.
func (s *Store) fail(step string, err error) error {
	var de *c2c.Error
	if errors.As(err, &de) {
		return err
	}
	if unavailable(err) {
		s.log.Warn("neo4j unavailable", "step", step, "err", err)
		return c2c.Unavailable(step, err)
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) && ne.Code == codeConstraintViolation {
		return &c2c.Error{Kind: c2c.KindConflict, Message: "the id is already taken", Err: err}
	}
	s.log.Error("neo4j query failed", "step", step, "err", err)
	return c2c.Internal(step, err)
}

func unavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var ce *neo4j.ConnectivityError
	if errors.As(err, &ce) {
		return true
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		return strings.HasPrefix(ne.Code, "Neo.TransientError.") ||
			ne.Code == "Neo.ClientError.Cluster.NotALeader" ||
			ne.Code == "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration" ||
			ne.Code == "Neo.ClientError.Transaction.TransactionTimedOut"
	}
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		for _, e := range limit.Errors {
			if unavailable(e) {
				return true
			}
		}
		// Retries ran out: only retryable (transient) errors are retried.
		return len(limit.Errors) > 0
	}
	var ue *neo4j.UsageError
	if errors.As(err, &ue) && strings.Contains(ue.Message, "closed") {
		return true
	}
	return false
}
