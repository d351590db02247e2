package neo4jstore

import (
	"context"
	"errors"
	"slices"
	"time"

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
	// in every transaction (at commit, or with the transaction's last
	// write, see withChangeLog), so it is held briefly. Its parameters are
	// those of changeLogParams.
	appendChangeBody = `MERGE (m:C2CMeta {id: 1})
  ON CREATE SET m.version = 0, m.floor = 0
SET m.lock = true
SET m.version = m.version + 1
SET m.floor = CASE
  WHEN $clReset THEN m.version
  WHEN m.floor > m.version - $clKeep THEN m.floor
  ELSE m.version - $clKeep END
REMOVE m.lock
FOREACH (_ IN CASE WHEN $clReset THEN [] ELSE [1] END |
  CREATE (:C2CChange {version: m.version, actors: $clActors, exchanges: $clExchanges,
                      memberships: $clMemberships, themes: $clThemes}))
WITH m
CALL (m) {
  MATCH (old:C2CChange) WHERE old.version <= m.floor
  DELETE old
}`
	appendChangeQuery = appendChangeBody + `
RETURN m.version`
	// amendChangeQuery rewrites the change a statement of this
	// transaction appended (the meta node's version, its lock held since)
	// after the transaction touched more: the change lists everything, or,
	// for a change that lists no ids, goes and the floor moves to it.
	amendChangeQuery = `MATCH (m:C2CMeta {id: 1})
SET m.floor = CASE WHEN $clReset THEN m.version ELSE m.floor END
FOREACH (_ IN CASE WHEN $clReset THEN [] ELSE [1] END |
  MERGE (c:C2CChange {version: m.version})
  SET c.actors = $clActors, c.exchanges = $clExchanges,
      c.memberships = $clMemberships, c.themes = $clThemes)
WITH m
CALL (m) {
  MATCH (old:C2CChange) WHERE old.version <= m.floor
  DELETE old
}
RETURN m.version`
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
// statement of tx appended the change already (withChangeLog), nothing is
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
// log (see withChangeLog).
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

// withChangeLog returns query, a write statement that touches nothing
// beyond what tx.changes holds already, and its parameters params, with
// the change log appended in the same statement when the statement is
// likely the last write of tx (tx.last) and no statement appended it yet:
// the round trip appendChange would make at commit is saved. The change
// log runs first, as a unit subquery, so the statement's own rows and
// names are untouched. Whatever tx writes after, appendChange keeps the
// log right at commit.
func (s *Store) withChangeLog(tx *wtx, query string, params map[string]any) string {
	if !tx.last || tx.logged != nil || tx.changes.Empty() {
		return query
	}
	tx.last = false
	for k, v := range s.changeLogParams(tx) {
		params[k] = v
	}
	tx.logged = &loggedChange{change: tx.changes.Change(0), reset: tx.changes.IsReset()}
	return changeLogFirst(query)
}

// changeLogFirst is query with the change log appended ahead of it, in a
// unit subquery (parameters of changeLogParams).
func changeLogFirst(query string) string {
	return "CALL () {\n" + appendChangeBody + "\n}\n" + query
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
