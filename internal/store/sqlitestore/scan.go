package sqlitestore

import (
	"context"

	"github.com/c2c-project/c2c/internal/c2c"
)

// The scans walk each table's primary-key index in id order, so SQLite
// streams the rows without sorting; an exchange's themes and facilitators
// come from correlated subqueries on the primary keys of their tables
// (exchangeColumns), inside the same statement.
const (
	scanActorsSQL      = `SELECT ` + actorColumns + ` FROM actors a ORDER BY a.id`
	scanExchangesSQL   = `SELECT ` + exchangeColumns + ` FROM exchanges x ORDER BY x.id`
	scanMembershipsSQL = `SELECT ` + membershipColumns + ` FROM memberships m ORDER BY m.id`
)

// ScanActors calls fn with every actor in id order as the rows of one
// query arrive. It returns fn's first error unchanged, KindUnavailable
// wrapping ctx.Err() when ctx ends, KindInternal for a row it cannot
// decode.
func (s *Store) ScanActors(ctx context.Context, fn func(*c2c.Actor) error) error {
	return scanRows(ctx, s.rd(ctx), "scan actors", scanActorsSQL, func(r scanner) (*c2c.Actor, error) { return scanActor(r) }, fn)
}

// ScanExchanges calls fn with every exchange in id order, with its themes
// and facilitators, as the rows of one query arrive; errors as for
// ScanActors.
func (s *Store) ScanExchanges(ctx context.Context, fn func(*c2c.Exchange) error) error {
	return scanRows(ctx, s.rd(ctx), "scan exchanges", scanExchangesSQL, func(r scanner) (*c2c.Exchange, error) { return scanExchange(r) }, fn)
}

// ScanMemberships calls fn with every membership in id order as the rows
// of one query arrive; errors as for ScanActors.
func (s *Store) ScanMemberships(ctx context.Context, fn func(*c2c.Membership) error) error {
	return scanRows(ctx, s.rd(ctx), "scan memberships", scanMembershipsSQL, scanMembership, fn)
}

// scanRows runs stmt and calls fn with each row decoded, holding one row
// at a time.
func scanRows[T any](ctx context.Context, q querier, step, stmt string, decode func(scanner) (*T, error), fn func(*T) error) error {
	rows, err := query(ctx, q, step, stmt)
	if err != nil {
		return scanError(ctx, step, err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		// fn is not called again once ctx has ended.
		if err := ctx.Err(); err != nil {
			return c2c.Unavailable(step, err)
		}
		v, err := decode(rows)
		if err != nil {
			return scanError(ctx, step, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return scanError(ctx, step, err)
	}
	// A scan cut short by ctx must not read as complete.
	if err := ctx.Err(); err != nil {
		return c2c.Unavailable(step, err)
	}
	return nil
}

// scanError is a scan's failure: KindUnavailable wrapping ctx.Err() when
// ctx has ended (the driver's own error says only "interrupted"), else the
// driver's error as a domain error.
func scanError(ctx context.Context, step string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return c2c.Unavailable(step, cerr)
	}
	return dbError(step, err)
}
