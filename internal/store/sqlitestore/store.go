// Package sqlitestore is the embedded, durable c2c.Store: one SQLite file
// driven through the pure Go modernc.org/sqlite driver.
//
// Writes go through a single connection whose transactions begin IMMEDIATE,
// so concurrent writers queue instead of failing with SQLITE_BUSY; reads use
// a pool of query-only connections that see committed data through WAL. The
// schema is created by versioned migrations (migrations/*.sql) applied at
// Open.
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/changeset"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// storeName labels round trips (c2c.CountRoundTrip) made by this store.
const storeName = "sqlite"

// busyTimeout is how long a connection waits for a lock held by another
// process before giving up.
const busyTimeout = 10 * time.Second

// Store is the SQLite implementation of c2c.Store. It is safe for concurrent
// use.
type Store struct {
	path   string
	writer *sql.DB // one connection, transactions begin IMMEDIATE
	reader *sql.DB // pooled, query-only
	now    func() time.Time
	// logSize is how many change entries the log keeps.
	logSize int
}

var _ c2c.Store = (*Store)(nil)

// Open opens the database file at path, creating it if needed (the directory
// must exist), and applies pending migrations. It returns KindUnavailable
// when the file cannot be opened and KindInternal when a migration fails.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, c2c.Invalid("path", "is required")
	}
	writer, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, c2c.Unavailable("open", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	s := &Store{path: path, writer: writer, now: time.Now, logSize: changeset.DefaultLogSize}
	for _, o := range opts {
		o(s)
	}
	// The writer connects first so that the file exists and is in WAL mode
	// before any reader opens it.
	if err := pingWhileBusy(ctx, writer); err != nil {
		_ = writer.Close()
		return nil, c2c.Unavailable("open", err)
	}
	reader, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		_ = writer.Close()
		return nil, c2c.Unavailable("open", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	s.reader = reader
	if _, err := s.migrate(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// pingWhileBusy connects db, retrying while SQLite answers SQLITE_BUSY,
// for up to the busy timeout: processes opening a new file together all
// switch it to WAL as they connect, and SQLite refuses all but one of them
// at once instead of waiting on the busy handler.
func pingWhileBusy(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		err := db.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// dsn returns the driver data source name for path: WAL, foreign keys,
// a busy timeout, synchronous=NORMAL and in-memory temporary storage on
// every connection; IMMEDIATE
// transactions on the writer, query_only on readers.
func dsn(path string, write bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "1")
	q.Set("_synchronous", "NORMAL")
	// Statement journals and temporary indexes in memory: upserts with
	// foreign keys otherwise write a sub-journal file per statement.
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "cache_size(-32000)")
	if write {
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "analysis_limit(400)")
	} else {
		q.Set("_query_only", "1")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Path returns the database file the store was opened on.
func (s *Store) Path() string { return s.path }

const optimizeSQL = `PRAGMA optimize`

// Close releases both connection pools. Calling it twice is harmless.
func (s *Store) Close() error {
	// SQLite recommends PRAGMA optimize before closing, so the planner has
	// statistics for the next run; it is best effort (bounded by
	// analysis_limit), and a failure must not hide the close.
	if s.writer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, _ = s.writer.ExecContext(ctx, optimizeSQL)
		cancel()
	}
	var errs []error
	if s.reader != nil {
		errs = append(errs, s.reader.Close())
	}
	if s.writer != nil {
		errs = append(errs, s.writer.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return c2c.Internal("close", err)
	}
	return nil
}

const pingSQL = `SELECT 1`

// Ping checks that the database answers a query; KindUnavailable if not.
func (s *Store) Ping(ctx context.Context) error {
	c2c.CountRoundTrip(ctx, storeName)
	var one int
	if err := s.reader.QueryRowContext(ctx, pingSQL).Scan(&one); err != nil {
		return c2c.Unavailable("ping", err)
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// query sends one statement and counts the round trip.
func query(ctx context.Context, q querier, step, stmt string, args ...any) (*sql.Rows, error) {
	c2c.CountRoundTrip(ctx, storeName)
	rows, err := q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, dbError(step, err)
	}
	return rows, nil
}

// exec sends one statement and counts the round trip.
func exec(ctx context.Context, q querier, step, stmt string, args ...any) (sql.Result, error) {
	c2c.CountRoundTrip(ctx, storeName)
	res, err := q.ExecContext(ctx, stmt, args...)
	if err != nil {
		return nil, dbError(step, err)
	}
	return res, nil
}

// queryRow sends one statement expecting at most one row and scans it; found
// is false when there is no row.
func queryRow(ctx context.Context, q querier, step, stmt string, args []any, dest ...any) (found bool, err error) {
	c2c.CountRoundTrip(ctx, storeName)
	err = q.QueryRowContext(ctx, stmt, args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbError(step, err)
	}
	return true, nil
}

// stringPairs runs a statement returning two text columns and reads every
// row.
func stringPairs(ctx context.Context, q querier, step, stmt string, args ...any) ([][2]string, error) {
	rows, err := query(ctx, q, step, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, dbError(step, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(step, err)
	}
	return out, nil
}

// wtx is a write transaction and what it touched: every write records its
// ids there, and the commit turns them into the next change of the log.
type wtx struct {
	*sql.Tx
	changes changeset.Set
}

// writeTx is the transaction Write opened, carried by the context fn
// receives: the store's writes and reads with that context run inside it.
type writeTx struct {
	s  *Store
	tx *wtx
	// err is the first error of a write inside the transaction: it fails
	// the whole transaction even if fn goes on.
	mu  sync.Mutex
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

func (w *writeTx) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *writeTx) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

// Write runs fn in one write transaction: the store's writes called with the
// context fn receives join it, its reads see what it wrote so far, and it
// commits once when fn returns nil, producing one change of the log and one
// data version. It rolls back when fn returns an error, or when any write
// inside it failed even if fn ignored the error, and returns that error.
// Called with a context that already carries a transaction of this store,
// fn runs inside that one.
func (s *Store) Write(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.current(ctx) != nil {
		return fn(ctx)
	}
	return s.write(ctx, "write", func(tx *wtx) error {
		w := &writeTx{s: s, tx: tx}
		if err := fn(context.WithValue(ctx, writeTxKey{}, w)); err != nil {
			return err
		}
		return w.failed()
	})
}

// strings1 runs a statement returning one text column and reads every row.
func strings1(ctx context.Context, q querier, step, stmt string, args ...any) ([]string, error) {
	rows, err := query(ctx, q, step, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, dbError(step, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(step, err)
	}
	return out, nil
}

// write runs fn in one IMMEDIATE transaction on the writer, appends what it
// touched to the change log and commits when it returns nil. Inside a
// transaction opened by Write, fn runs in that one instead, and the change
// is appended when it commits.
func (s *Store) write(ctx context.Context, step string, fn func(tx *wtx) error) error {
	if w := s.current(ctx); w != nil {
		if err := w.failed(); err != nil {
			return err
		}
		if err := fn(w.tx); err != nil {
			w.fail(err)
			return err
		}
		return nil
	}
	c2c.CountRoundTrip(ctx, storeName)
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return dbError(step+": begin", err)
	}
	defer func() { _ = tx.Rollback() }()
	w := &wtx{Tx: tx}
	if err := fn(w); err != nil {
		return err
	}
	if err := s.appendChange(ctx, w); err != nil {
		return err
	}
	c2c.CountRoundTrip(ctx, storeName)
	if err := tx.Commit(); err != nil {
		return dbError(step+": commit", err)
	}
	return nil
}

// rd returns what reads with ctx go through: the transaction Write opened,
// or the reader pool.
func (s *Store) rd(ctx context.Context) querier {
	if w := s.current(ctx); w != nil {
		return w.tx
	}
	return s.reader
}

// read runs fn in one read transaction, so that its statements see one
// snapshot (inside a transaction opened by Write, in that one).
func (s *Store) read(ctx context.Context, step string, fn func(tx *sql.Tx) error) error {
	if w := s.current(ctx); w != nil {
		return fn(w.tx.Tx)
	}
	c2c.CountRoundTrip(ctx, storeName)
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return dbError(step+": begin", err)
	}
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}

// readMaybe runs fn in a read transaction when snapshot is set (several
// statements that must agree), else straight on the reader pool, saving the
// BEGIN round trip.
func (s *Store) readMaybe(ctx context.Context, step string, snapshot bool, fn func(q querier) error) error {
	if !snapshot {
		return fn(s.rd(ctx))
	}
	return s.read(ctx, step, func(tx *sql.Tx) error { return fn(tx) })
}

// dbError turns a driver error into a domain error: constraint failures the
// store did not catch beforehand become KindConflict or KindInvalid, a busy
// or unopenable database KindUnavailable, the rest KindInternal. The cause
// stays in the chain (context.Canceled remains visible to errors.Is).
func dbError(step string, err error) error {
	if err == nil {
		return nil
	}
	var de *c2c.Error
	if errors.As(err, &de) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return &c2c.Error{Kind: c2c.KindConflict, Message: step + ": the id is already taken", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &c2c.Error{Kind: c2c.KindInvalid, Message: step + ": a referenced record does not exist", Err: err}
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return &c2c.Error{Kind: c2c.KindInvalid, Message: step + ": a value breaks a rule of the schema", Err: err}
		}
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY:
			return c2c.Unavailable(step, err)
		}
	}
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "sql: database is closed") {
		return c2c.Unavailable(step, err)
	}
	return c2c.Internal(step, err)
}

// timestamp formats t for created_at/updated_at columns.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
