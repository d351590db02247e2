package neo4jstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/c2c-project/c2c/internal/c2c"
)

var _ c2c.ChangeLog = (*Store)(nil)

// changeLogMigration is the migration that creates the change log.
const changeLogMigration = 4

const (
	// appendChange bumps the version on the singleton meta node (created
	// by the first write), moves the floor of the log (to the new version
	// for a change that lists no ids, else past the entries beyond the log
	// size), creates the change node and deletes the entries at or below
	// the floor. The first SET takes the node's write lock before the
	// version is read, so concurrent writers serialise there and get
	// consecutive versions; the lock is held until commit, and taken last
	// in every transaction (at commit, or at the end of the transaction's
	// last write, see runLogged), so it is held briefly. Its parameters are
	// those of changeLogParams.
	appendChangeBody = `MERGE (meta:C2CMeta {id: 1})
  ON CREATE SET meta.version = 0, meta.floor = 0
SET meta.lock = true
SET meta.version = meta.version + 1
SET meta.floor = CASE
  WHEN $clReset THEN meta.version
  WHEN meta.floor > meta.version - $clKeep THEN meta.floor
  ELSE meta.version - $clKeep END
REMOVE meta.lock
FOREACH (_ IN CASE WHEN $clReset THEN [] ELSE [1] END |
  CREATE (:C2CChange {version: meta.version, actors: $clActors, exchanges: $clExchanges,
                      memberships: $clMemberships, themes: $clThemes}))
WITH meta
CALL (meta) {
  MATCH (stale:C2CChange) WHERE stale.version <= meta.floor
  DELETE stale
}`
	appendChangeQuery = appendChangeBody + `
RETURN meta.version`
	// amendChangeQuery rewrites the change a statement of this
	// transaction appended (the meta node's version, its lock held since)
	// after the transaction touched more: the change lists everything, or,
	// for a change that lists no ids, goes and the floor moves to it.
	amendChangeQuery = `MATCH (meta:C2CMeta {id: 1})
SET meta.floor = CASE WHEN $clReset THEN meta.version ELSE meta.floor END
FOREACH (_ IN CASE WHEN $clReset THEN [] ELSE [1] END |
  MERGE (c:C2CChange {version: meta.version})
  SET c.actors = $clActors, c.exchanges = $clExchanges,
      c.memberships = $clMemberships, c.themes = $clThemes)
WITH meta
CALL (meta) {
  MATCH (stale:C2CChange) WHERE stale.version <= meta.floor
  DELETE stale
}
RETURN meta.version`
	// dataVersionQuery reads the meta node through its unique index.
	dataVersionQuery = `MATCH (m:C2CMeta {id: 1}) RETURN m.version`
	// changesSinceQuery reads the version, the floor and the changes in
	// (since, upTo] in one statement.
	changesSinceQuery = `OPTIONAL MATCH (m:C2CMeta {id: 1})
WITH coalesce(m.version, 0) AS version, coalesce(m.floor, 0) AS floor
WITH version, floor,
     CASE WHEN $limit > 0 AND $since + $limit < version THEN $since + $limit ELSE version END AS upTo
CALL (upTo) {
  OPTIONAL MATCH (c:C2CChange) WHERE c.version > $since AND c.version <= upTo
  WITH c ORDER BY c.version
  RETURN collect(c {.version, .actors, .exchanges, .memberships, .themes}) AS changes
}
RETURN version, floor, upTo, changes`
)

// appendChange bumps the data version and appends what tx touched, inside
// tx; a transaction that touched nothing leaves both alone. When a
// statement of tx appended the change already (runLogged), nothing is
// sent unless tx touched more since, in which case that change is amended
// to list it: one data version and one change per transaction either way.
func (s *Store) appendChange(ctx context.Context, tx *wtx) error {
	if tx.changes.Empty() {
		return nil
	}
	q := appendChangeQuery
	if tx.logged != nil {
		if tx.logged.covers(tx) {
			return nil
		}
		q = amendChangeQuery
	}
	_, err := run(ctx, tx, q, s.changeLogParams(tx))
	return err
}

// changeLogParams are the parameters of appendChangeBody and the amend for
// what tx touched so far.
func (s *Store) changeLogParams(tx *wtx) map[string]any {
	ch := tx.changes.Change(0)
	list := func(ids []string) []any {
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = id
		}
		return out
	}
	return map[string]any{
		"clReset":       tx.changes.IsReset(),
		"clKeep":        int64(s.cfg.ChangeLogSize),
		"clActors":      list(ch.Actors),
		"clExchanges":   list(ch.Exchanges),
		"clMemberships": list(ch.Memberships),
		"clThemes":      ch.Themes,
	}
}

// loggedChange is what a statement of a transaction appended to the change
// log (see runLogged).
type loggedChange struct {
	change c2c.Change
	reset  bool
}

// covers reports whether the change logged lists everything tx touched.
func (l *loggedChange) covers(tx *wtx) bool {
	ch := tx.changes.Change(0)
	return l.reset == tx.changes.IsReset() && l.change.Themes == ch.Themes &&
		slices.Equal(l.change.Actors, ch.Actors) && slices.Equal(l.change.Exchanges, ch.Exchanges) &&
		slices.Equal(l.change.Memberships, ch.Memberships)
}

// runLogged runs query, a write statement of tx that touches nothing
// beyond what tx.changes holds already and returns at most one row, with
// parameters params, and returns its records. When the statement is likely
// the last write of tx (tx.last) and no statement appended the change log
// yet, the log is appended in the same statement: the round trip
// appendChange would make at commit is saved. Whatever tx writes after,
// appendChange keeps the log right at commit.
func (s *Store) runLogged(ctx context.Context, tx *wtx, query string, params map[string]any) ([]*neo4j.Record, error) {
	if !tx.last || tx.logged != nil || tx.changes.Empty() {
		return run(ctx, tx, query, params)
	}
	tx.last = false
	for k, v := range s.changeLogParams(tx) {
		params[k] = v
	}
	logged := &loggedChange{change: tx.changes.Change(0), reset: tx.changes.IsReset()}
	recs, err := run(ctx, tx, changeLogLast(query), params)
	if err == nil && len(recs) > 0 {
		// No row: the statement found nothing to write and appended
		// nothing; appendChange will if the transaction commits.
		tx.logged = logged
	}
	return recs, err
}

// changeLogLast is query with the change log appended after its own
// clauses, in a unit subquery ahead of its RETURN (parameters of
// changeLogParams): the meta node's lock is still the last the
// transaction takes, so no transaction holding it waits for another lock.
// The log is appended once per row the statement's clauses yield, so the
// statement returns a row exactly when it was; a statement without RETURN
// is counted down to one row, which it returns.
func changeLogLast(query string) string {
	log := "\nCALL () {\n" + appendChangeBody + "\n}"
	if i := strings.LastIndex(query, "\nRETURN "); i >= 0 {
		return query[:i] + "\nWITH *" + log + query[i:]
	}
	return query + "\nWITH count(*) AS written" + log + "\nRETURN written"
}

// DataVersion returns the store's data version: one read of one node by
// its unique index, cheap enough to poll.
func (s *Store) DataVersion(ctx context.Context) (uint64, error) {
	recs, err := s.read(ctx, "data version", dataVersionQuery, nil)
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, nil
	}
	v, _ := recs[0].Values[0].(int64)
	return uint64(v), nil
}

// ChangesSince returns the changes after since, at most limit of them (all
// when limit <= 0), and the data version they bring the reader to, in one
// statement. c2c.ErrChangesPruned when the log no longer holds every
// change after since, or when since is ahead of the store (a store
// recreated since the reader loaded it).
//
// Neo4j's read-committed isolation can show a committed meta node before
// the same transaction's change node is visible through its index, so a
// statement may find a gap after since. That is not pruning: the entries
// below the gap are returned with the version of the last of them, after
// a few quick re-reads give the committing transaction time to finish;
// the rest come with the next call.
func (s *Store) ChangesSince(ctx context.Context, since uint64, limit int) ([]c2c.Change, uint64, error) {
	for attempt := 0; ; attempt++ {
		out, version, complete, err := s.changesSince(ctx, since, limit)
		if err != nil || complete || attempt == changesGapRetries {
			return out, version, err
		}
		t := time.NewTimer(changesGapWait)
		select {
		case <-ctx.Done():
			t.Stop()
			return out, version, nil
		case <-t.C:
		}
	}
}

// changesGapRetries and changesGapWait bound the re-reads of a change log
// in which an entry is not visible yet.
const (
	changesGapRetries = 5
	changesGapWait    = 2 * time.Millisecond
)

// changesSince reads the changes after since once; complete is false when
// an entry up to the version read was not visible, in which case the
// entries before the gap are returned with the version of the last one.
func (s *Store) changesSince(ctx context.Context, since uint64, limit int) (out []c2c.Change, version uint64, complete bool, err error) {
	recs, err := s.read(ctx, "changes since", changesSinceQuery, map[string]any{
		"since": int64(since), "limit": int64(max(limit, 0)),
	})
	if err != nil {
		return nil, 0, false, err
	}
	if len(recs) != 1 {
		return nil, 0, false, c2c.Internal("changes since", errors.New("no row"))
	}
	v := recs[0].Values
	version, floor, upTo := uint64(v[0].(int64)), uint64(v[1].(int64)), uint64(v[2].(int64))
	if since < floor || since > version {
		return nil, 0, false, c2c.ErrChangesPruned
	}
	raw, _ := v[3].([]any)
	out = make([]c2c.Change, 0, len(raw))
	for _, r := range raw {
		m, _ := r.(map[string]any)
		ver, _ := m["version"].(int64)
		if uint64(ver) != since+uint64(len(out))+1 {
			// A gap: the entry after the last one kept is not visible yet.
			break
		}
		themes, _ := m["themes"].(bool)
		out = append(out, c2c.Change{
			Version:     uint64(ver),
			Actors:      strs(m, "actors"),
			Exchanges:   strs(m, "exchanges"),
			Memberships: strs(m, "memberships"),
			Themes:      themes,
		})
	}
	if uint64(len(out)) != upTo-since {
		return out, since + uint64(len(out)), false, nil
	}
	return out, version, true, nil
}

// idList returns the strings of a list value.
func idList(v any) []string {
	return strs(map[string]any{"": v}, "")
}
