package sqlitestore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one versioned schema change, from migrations/NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, c2c.Internal("migrations", err)
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, c2c.Internal("migrations", fmt.Errorf("%s: want NNNN_name.sql", name))
		}
		if other, dup := seen[v]; dup {
			return nil, c2c.Internal("migrations", fmt.Errorf("%s and %s share version %d", other, name, v))
		}
		seen[v] = name
		b, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, c2c.Internal("migrations", err)
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

const (
	createMigrationsSQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`
	appliedVersionsSQL  = `SELECT version, name FROM schema_migrations`
	migrationAppliedSQL = `SELECT 1 FROM schema_migrations WHERE version = ?`
	recordMigrationSQL  = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
	defaultThemeSQL     = `INSERT INTO themes (id, label) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`
)

// Migrate applies the migrations not yet recorded in schema_migrations, each
// in its own transaction, then adds any missing default theme
// (c2c.DefaultThemes). It is idempotent; Open calls it. KindInternal if a
// migration fails (that migration is rolled back, earlier ones stay).
func (s *Store) Migrate(ctx context.Context) error {
	_, err := s.migrate(ctx)
	return err
}

// AppliedMigration is a row of schema_migrations.
type AppliedMigration struct {
	Version   int
	Name      string
	AppliedAt string // RFC 3339
}

const listMigrationsSQL = `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`

// AppliedMigrations returns the migrations recorded in the database, in
// version order.
func (s *Store) AppliedMigrations(ctx context.Context) ([]AppliedMigration, error) {
	rows, err := query(ctx, s.rd(ctx), "applied migrations", listMigrationsSQL)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []AppliedMigration
	for rows.Next() {
		var m AppliedMigration
		if err := rows.Scan(&m.Version, &m.Name, &m.AppliedAt); err != nil {
			return nil, dbError("applied migrations", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("applied migrations", err)
	}
	return out, nil
}

// migrate applies pending migrations and returns their versions.
func (s *Store) migrate(ctx context.Context) ([]int, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	return s.applyMigrations(ctx, ms)
}

// applyMigrations applies the migrations of ms not yet recorded, then the
// default themes, and returns the versions applied.
func (s *Store) applyMigrations(ctx context.Context, ms []Migration) ([]int, error) {
	if _, err := exec(ctx, s.writer, "migrate", createMigrationsSQL); err != nil {
		return nil, err
	}
	versions, err := stringPairs(ctx, s.writer, "migrate", appliedVersionsSQL)
	if err != nil {
		return nil, err
	}
	applied := map[int]bool{}
	for _, v := range versions {
		n, err := strconv.Atoi(v[0])
		if err != nil {
			return nil, c2c.Internal("migrate", fmt.Errorf("schema_migrations holds version %q", v[0]))
		}
		applied[n] = true
	}
	var done []int
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		step := fmt.Sprintf("migrate %04d_%s", m.Version, m.Name)
		ran := false
		err := s.write(ctx, step, func(tx *wtx) error {
			// Another process may have applied it since we looked; the
			// IMMEDIATE transaction makes this check and the change atomic.
			var one int
			if found, err := queryRow(ctx, tx, step, migrationAppliedSQL, []any{m.Version}, &one); err != nil || found {
				return err
			}
			ran = true
			// A migration after the change log may rewrite any row: it
			// moves the floor of the log, so readers reload in full.
			if m.Version > changeLogMigration {
				tx.changes.Reset()
			}
			// A failing migration must not look like bad user input.
			if _, err := exec(ctx, tx, step, m.SQL); err != nil {
				return c2c.Internal(step, err)
			}
			_, err := exec(ctx, tx, step, recordMigrationSQL, m.Version, m.Name, timestamp(s.now()))
			return err
		})
		if err != nil {
			return done, err
		}
		if ran {
			done = append(done, m.Version)
		}
	}
	err = s.write(ctx, "migrate: default themes", func(tx *wtx) error {
		for _, t := range c2c.DefaultThemes {
			res, err := exec(ctx, tx, "migrate: default themes", defaultThemeSQL, t.ID, t.Label)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return dbError("migrate: default themes", err)
			} else if n > 0 {
				tx.changes.Themes()
			}
		}
		return nil
	})
	return done, err
}
