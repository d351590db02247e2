package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/c2c-project/c2c/internal/c2c"
)

var _ c2c.ChangeLog = (*Store)(nil)

// changeLogMigration is the migration that creates the change log: later
// migrations are recorded in it.
const changeLogMigration = 4

// Option configures a Store at Open.
type Option func(*Store)

// WithChangeLogSize sets how many change entries the store keeps
// (changeset.DefaultLogSize when n <= 0). A reader further behind than that
// gets c2c.ErrChangesPruned and reloads in full.
func WithChangeLogSize(n int) Option {
	return func(s *Store) {
		if n > 0 {
			s.logSize = n
		}
	}
}

const (
	// bumpSQL takes the next version and moves the floor: to the new
	// version itself for a change that lists no ids (?1), else past the
	// entries beyond the log size (?2).
	bumpSQL = `UPDATE c2c_meta SET version = version + 1,
		floor = CASE WHEN ?1 THEN version + 1 ELSE max(floor, version + 1 - ?2) END
		WHERE id = 1 RETURNING version, floor`
	insertChangeSQL = `INSERT INTO changes (version, actors, exchanges, memberships, themes)
		VALUES (?, ?, ?, ?, ?)`
	pruneChangesSQL = `DELETE FROM changes WHERE version <= ?`
	dataVersionSQL  = `SELECT version FROM c2c_meta WHERE id = 1`
	versionFloorSQL = `SELECT version, floor FROM c2c_meta WHERE id = 1`
	changesSinceSQL = `SELECT version, actors, exchanges, memberships, themes FROM changes
		WHERE version > ? AND version <= ? ORDER BY version`
)

// appendChange bumps the data version and appends what tx touched, inside
// tx; a transaction that touched nothing leaves both alone.
func (s *Store) appendChange(ctx context.Context, tx *wtx) error {
	if tx.changes.Empty() {
		return nil
	}
	var v, floor uint64
	reset := tx.changes.IsReset()
	if _, err := queryRow(ctx, tx, "change log", bumpSQL, []any{reset, s.logSize}, &v, &floor); err != nil {
		return err
	}
	if !reset {
		ch := tx.changes.Change(v)
		if _, err := exec(ctx, tx, "change log", insertChangeSQL,
			v, jsonList(ch.Actors), jsonList(ch.Exchanges), jsonList(ch.Memberships), ch.Themes); err != nil {
			return err
		}
	}
	// The floor moves by one per write once the log is full: the delete
	// removes one entry (or all of them after a reset) through the key.
	_, err := exec(ctx, tx, "change log", pruneChangesSQL, floor)
	return err
}

// DataVersion returns the store's data version: one read of one row by its
// key, cheap enough to poll.
func (s *Store) DataVersion(ctx context.Context) (uint64, error) {
	var v uint64
	if _, err := queryRow(ctx, s.rd(ctx), "data version", dataVersionSQL, nil, &v); err != nil {
		return 0, err
	}
	return v, nil
}

// ChangesSince returns the changes after since, at most limit of them (all
// when limit <= 0), and the current data version, read in one snapshot.
// c2c.ErrChangesPruned when the log no longer holds every change after
// since, or when since is ahead of the store (a store recreated since the
// reader loaded it).
func (s *Store) ChangesSince(ctx context.Context, since uint64, limit int) ([]c2c.Change, uint64, error) {
	var (
		out            []c2c.Change
		version, floor uint64
	)
	err := s.read(ctx, "changes since", func(tx *sql.Tx) error {
		if _, err := queryRow(ctx, tx, "changes since", versionFloorSQL, nil, &version, &floor); err != nil {
			return err
		}
		if since < floor || since > version {
			return c2c.ErrChangesPruned
		}
		upTo := version
		if limit > 0 && since+uint64(limit) < version {
			upTo = since + uint64(limit)
		}
		if upTo == since {
			return nil
		}
		rows, err := query(ctx, tx, "changes since", changesSinceSQL, since, upTo)
		if err != nil {
			return err
		}
		defer func() { _ = rows.Close() }()
		for rows.Next() {
			var (
				ch             c2c.Change
				actors, xs, ms string
			)
			if err := rows.Scan(&ch.Version, &actors, &xs, &ms, &ch.Themes); err != nil {
				return dbError("changes since", err)
			}
			for _, l := range []struct {
				raw string
				dst *[]string
			}{{actors, &ch.Actors}, {xs, &ch.Exchanges}, {ms, &ch.Memberships}} {
				if err := json.Unmarshal([]byte(l.raw), l.dst); err != nil {
					return c2c.Internal("changes since", fmt.Errorf("change %d: %w", ch.Version, err))
				}
				if len(*l.dst) == 0 {
					*l.dst = nil
				}
			}
			out = append(out, ch)
		}
		if err := rows.Err(); err != nil {
			return dbError("changes since", err)
		}
		if len(out) != int(upTo-since) {
			return c2c.Internal("changes since", fmt.Errorf("the log holds %d of the changes in (%d, %d]", len(out), since, upTo))
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, version, nil
}
