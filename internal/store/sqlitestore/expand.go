package sqlitestore

import (
	"context"

	"github.com/c2c-project/c2c/internal/c2c"
)

// adjacentSQL pairs each requested actor with the matching exchanges at
// either of its ends (actorHitsSQL probes the source and target indexes
// per actor) and returns only what a path search needs of them.
const adjacentSQL = actorHitsSQL + `SELECT h.actor, x.id,
	CASE WHEN x.source_id = h.actor THEN x.target_id ELSE x.source_id END,
	x.source_id = h.actor, x.directed, x.start_date
	FROM hits h CROSS JOIN exchanges x ON x.id = h.id WHERE `

const adjacentOrderSQL = ` ORDER BY h.actor, coalesce(x.lo, 99999999), x.id`

// Adjacent returns, for each actor id with any, the exchanges matching f at
// either of its ends seen from it, ordered by start (unknown last) then
// exchange id, in one query. KindInvalid for a bad filter.
func (s *Store) Adjacent(ctx context.Context, ids []string, f c2c.ExchangeFilter) (map[string][]c2c.Adjacency, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	out := map[string][]c2c.Adjacency{}
	if len(ids) == 0 {
		return out, nil
	}
	var w clause
	exchangeWhere(&w, f)
	rows, err := query(ctx, s.rd(ctx), "adjacent", adjacentSQL+w.sql()+adjacentOrderSQL,
		append([]any{jsonList(ids)}, w.args...)...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			actor, start string
			a            c2c.Adjacency
		)
		if err := rows.Scan(&actor, &a.ExchangeID, &a.OtherID, &a.Outgoing, &a.Directed, &start); err != nil {
			return nil, dbError("adjacent", err)
		}
		if a.Start, err = c2c.ParseOptionalDate("start", start); err != nil {
			// A stored date that does not parse is a fault of the store,
			// not of the request.
			return nil, c2c.Internal("adjacent: exchange "+a.ExchangeID, err)
		}
		out[actor] = append(out[actor], a)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("adjacent", err)
	}
	return out, nil
}
