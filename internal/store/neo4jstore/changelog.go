package neo4jstore

import (
	"context"
	"errors"
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
	// in every transaction, so it is held briefly.
	appendChangeQuery = `MERGE (m:C2CMeta {id: 1})
  ON CREATE SET m.version = 0, m.floor = 0
SET m.lock = true
SET m.version = m.version + 1
SET m.floor = CASE
  WHEN $reset THEN m.version
  WHEN m.floor > m.version - $keep THEN m.floor
  ELSE m.version - $keep END
REMOVE m.lock
FOREACH (_ IN CASE WHEN $reset THEN [] ELSE [1] END |
  CREATE (:C2CChange {version: m.version, actors: $actors, exchanges: $exchanges,
                      memberships: $memberships, themes: $themes}))
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
// tx; a transaction that touched nothing leaves both alone.
func (s *Store) appendChange(ctx context.Context, tx *wtx) error {
	if tx.changes.Empty() {
		return nil
	}
	ch := tx.changes.Change(0)
	list := func(ids []string) []any {
		out := make([]any, len(ids))
		for i, id := range ids {
			out[i] = id
		}
		return out
	}
	_, err := run(ctx, tx, appendChangeQuery, map[string]any{
		"reset":       tx.changes.IsReset(),
		"keep":        int64(s.cfg.ChangeLogSize),
		"actors":      list(ch.Actors),
		"exchanges":   list(ch.Exchanges),
		"memberships": list(ch.Memberships),
		"themes":      ch.Themes,
	})
	return err
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
