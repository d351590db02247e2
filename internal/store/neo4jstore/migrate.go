package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

// migration is one versioned change to the database. Schema statements run
// one per transaction (Neo4j does not mix schema and data writes); every
// statement is idempotent (IF NOT EXISTS, MERGE) so a migration interrupted
// half-way is simply run again.
type migration struct {
	version int
	name    string
	schema  []string
	data    []string // run with dataParams
}

// migrations is the ordered list of changes. Never edit an applied entry:
// append a new version.
var migrations = []migration{
	{
		version: 1,
		name:    "uniqueness constraints on ids",
		schema: []string{
			`CREATE CONSTRAINT c2c_migration_version IF NOT EXISTS FOR (m:C2CMigration) REQUIRE m.version IS UNIQUE`,
			`CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE`,
			`CREATE CONSTRAINT theme_id IF NOT EXISTS FOR (t:Theme) REQUIRE t.id IS UNIQUE`,
			`CREATE CONSTRAINT exchange_id IF NOT EXISTS FOR ()-[x:EXCHANGE]-() REQUIRE x.id IS UNIQUE`,
			`CREATE CONSTRAINT member_of_id IF NOT EXISTS FOR ()-[m:MEMBER_OF]-() REQUIRE m.id IS UNIQUE`,
		},
	},
	{
		version: 2,
		name:    "indexes for filters, orders and text search",
		schema: []string{
			`CREATE RANGE INDEX actor_country IF NOT EXISTS FOR (a:Actor) ON (a.country)`,
			`CREATE RANGE INDEX actor_kind IF NOT EXISTS FOR (a:Actor) ON (a.kind)`,
			`CREATE RANGE INDEX actor_name_key IF NOT EXISTS FOR (a:Actor) ON (a.nameKey)`,
			`CREATE RANGE INDEX actor_org_type IF NOT EXISTS FOR (a:Actor) ON (a.orgType)`,
			`CREATE TEXT INDEX actor_search_key IF NOT EXISTS FOR (a:Actor) ON (a.searchKey)`,
			`CREATE RANGE INDEX exchange_lo IF NOT EXISTS FOR ()-[x:EXCHANGE]-() ON (x.lo)`,
			`CREATE RANGE INDEX exchange_hi IF NOT EXISTS FOR ()-[x:EXCHANGE]-() ON (x.hi)`,
			`CREATE RANGE INDEX exchange_kind IF NOT EXISTS FOR ()-[x:EXCHANGE]-() ON (x.kind)`,
			`CREATE RANGE INDEX exchange_programme IF NOT EXISTS FOR ()-[x:EXCHANGE]-() ON (x.programme)`,
			`CREATE RANGE INDEX exchange_event IF NOT EXISTS FOR ()-[x:EXCHANGE]-() ON (x.event)`,
			`CREATE TEXT INDEX exchange_title_key IF NOT EXISTS FOR ()-[x:EXCHANGE]-() ON (x.titleKey)`,
		},
	},
	{
		version: 3,
		name:    "default theme vocabulary",
		data:    []string{mergeDefaultThemes},
	},
	{
		version: 4,
		name:    "data version and change log",
		schema: []string{
			`CREATE CONSTRAINT c2c_meta_id IF NOT EXISTS FOR (m:C2CMeta) REQUIRE m.id IS UNIQUE`,
			`CREATE CONSTRAINT c2c_change_version IF NOT EXISTS FOR (c:C2CChange) REQUIRE c.version IS UNIQUE`,
		},
	},
}

// mergeDefaultThemes adds the default vocabulary, keeping labels already set.
const mergeDefaultThemes = `UNWIND $themes AS t
MERGE (th:Theme {id: t.id}) ON CREATE SET th.label = t.label`

func defaultThemeParams() map[string]any {
	ts := make([]any, len(c2c.DefaultThemes))
	for i, t := range c2c.DefaultThemes {
		ts[i] = map[string]any{"id": t.ID, "label": t.Label}
	}
	return map[string]any{"themes": ts}
}

// LatestMigration is the version Migrate brings a database to.
func LatestMigration() int { return migrations[len(migrations)-1].version }

const (
	// appliedMigrations lists the versions already recorded.
	appliedMigrations = `MATCH (m:C2CMigration) RETURN m.version ORDER BY m.version`
	// recordMigration marks a version applied (MERGE: idempotent).
	recordMigration = `MERGE (m:C2CMigration {version: $version})
ON CREATE SET m.name = $name, m.appliedAt = $at`
	// awaitIndexes waits until new indexes are online, so the first queries
	// do not fall back to scans.
	awaitIndexes = `CALL db.awaitIndexes(300)`
)

// Migrate applies the migrations the database has not recorded yet, in
// version order, and records each one. It is idempotent and safe to run on
// every start. KindUnavailable if the server cannot be reached.
func (s *Store) Migrate(ctx context.Context) error {
	recs, err := s.read(ctx, "migrate: read versions", appliedMigrations, nil)
	if err != nil {
		return err
	}
	applied := map[int]bool{}
	for _, r := range recs {
		if v, ok := r.Values[0].(int64); ok {
			applied[int(v)] = true
		}
	}
	for _, m := range migrations {
		if applied[m.version] {
			continue
		}
		s.log.Info("applying migration", "version", m.version, "name", m.name)
		for _, stmt := range m.schema {
			if err := s.exec(ctx, "migrate: schema", stmt, nil); err != nil {
				return fmt.Errorf("migrate %d: %w", m.version, err)
			}
		}
		if len(m.schema) > 0 {
			if err := s.exec(ctx, "migrate: await indexes", awaitIndexes, nil); err != nil {
				return fmt.Errorf("migrate %d: %w", m.version, err)
			}
		}
		for _, stmt := range m.data {
			// The default themes land before the change log exists; a
			// data migration after it may rewrite anything, so it moves
			// the floor of the log and readers reload in full.
			if err := s.execData(ctx, stmt, defaultThemeParams(), m.version > changeLogMigration); err != nil {
				return fmt.Errorf("migrate %d: %w", m.version, err)
			}
		}
		at := time.Now().UTC().Format(time.RFC3339)
		if err := s.exec(ctx, "migrate: record", recordMigration, map[string]any{"version": m.version, "name": m.name, "at": at}); err != nil {
			return fmt.Errorf("migrate %d: %w", m.version, err)
		}
	}
	return nil
}

// execData runs one data statement of a migration in its own write
// transaction, recording a reset of the change log when reset is set.
func (s *Store) execData(ctx context.Context, stmt string, params map[string]any, reset bool) error {
	_, err := s.write(ctx, "migrate: data", func(tx *wtx) (any, error) {
		if reset {
			tx.changes.Reset()
		}
		_, err := run(ctx, tx, stmt, params)
		return nil, err
	})
	return err
}

// exec runs one statement in its own write transaction.
func (s *Store) exec(ctx context.Context, step, stmt string, params map[string]any) error {
	_, err := s.write(ctx, step, func(tx *wtx) (any, error) {
		_, err := run(ctx, tx, stmt, params)
		return nil, err
	})
	return err
}
