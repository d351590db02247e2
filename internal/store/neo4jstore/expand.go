package neo4jstore

import (
	"context"

	"github.com/c2c-project/c2c/internal/c2c"
)

// adjacentRows returns, for each centre found by an id index seek, the
// matching exchanges at either of its ends with only what a path search
// needs: the exchange id, the other end, whether the centre is the source,
// the direction flag and the start.
const adjacentRows = exchangesByActorsMatch + exchangeWhere +
	`RETURN cid, x.id AS xid, o.id AS oid, s.id = cid AS out, x.directed AS directed, x.start AS start
ORDER BY cid, coalesce(x.lo, ` + unknownStartAsc + `), xid`

// Adjacent returns, for each actor id with any, the exchanges matching f at
// either of its ends seen from it, ordered by start (unknown last) then
// exchange id, in one query. KindInvalid for a bad filter.
func (s *Store) Adjacent(ctx context.Context, ids []string, f c2c.ExchangeFilter) (map[string][]c2c.Adjacency, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	out := make(map[string][]c2c.Adjacency, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	_, p := exchangeFilterParams(f)
	p["ids"] = idsParam(ids)
	recs, err := s.read(ctx, "adjacent", adjacentRows, p)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		m := r.AsMap()
		outgoing, _ := m["out"].(bool)
		directed, _ := m["directed"].(bool)
		cid := str(m, "cid")
		out[cid] = append(out[cid], c2c.Adjacency{
			ExchangeID: str(m, "xid"),
			OtherID:    str(m, "oid"),
			Outgoing:   outgoing,
			Directed:   directed,
			Start:      date(m, "start"),
		})
	}
	return out, nil
}
