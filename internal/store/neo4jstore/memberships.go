package neo4jstore

import (
	"context"

	"github.com/c2c-project/c2c/internal/c2c"
)

const membershipsByIDs = `UNWIND $ids AS id
MATCH (ma:Actor)-[m:MEMBER_OF {id: id}]->(mo:Actor) USING INDEX SEEK m:MEMBER_OF(id)
RETURN ` + membershipMap + ` AS m`

// MembershipsByIDs returns the memberships with the given ids in order, nil
// for a missing id, in one query.
func (s *Store) MembershipsByIDs(ctx context.Context, ids []string) ([]*c2c.Membership, error) {
	if len(ids) == 0 {
		return []*c2c.Membership{}, nil
	}
	recs, err := s.read(ctx, "memberships by ids", membershipsByIDs, map[string]any{"ids": idsParam(ids)})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*c2c.Membership, len(recs))
	for _, r := range recs {
		m := decodeMembership(r.Values[0])
		byID[m.ID] = m
	}
	out := make([]*c2c.Membership, len(ids))
	for i, id := range ids {
		if m := byID[id]; m != nil {
			c := *m
			out[i] = &c
		}
	}
	return out, nil
}

const membershipsByActors = `UNWIND $ids AS cid
MATCH (ma:Actor {id: cid})-[m:MEMBER_OF]->(mo:Actor) USING INDEX SEEK ma:Actor(id)
WITH cid, m, ma, mo ORDER BY cid, coalesce(m.sinceKey, ` + unknownSince + `), mo.id, m.id
RETURN cid, ` + membershipMap + ` AS m`

// MembershipsByActors returns each actor's memberships, ordered by since
// (unknown last), organisation id, id, in one query.
func (s *Store) MembershipsByActors(ctx context.Context, actorIDs []string) (map[string][]*c2c.Membership, error) {
	return s.membershipsBy(ctx, "memberships by actors", membershipsByActors, actorIDs)
}

const membersByOrganisations = `UNWIND $ids AS cid
MATCH (ma:Actor)-[m:MEMBER_OF]->(mo:Actor {id: cid}) USING INDEX SEEK mo:Actor(id)
WITH cid, m, ma, mo ORDER BY cid, coalesce(m.sinceKey, ` + unknownSince + `), ma.id, m.id
RETURN cid, ` + membershipMap + ` AS m`

// MembersByOrganisations returns each organisation's memberships, ordered by
// since (unknown last), actor id, id, in one query.
func (s *Store) MembersByOrganisations(ctx context.Context, orgIDs []string) (map[string][]*c2c.Membership, error) {
	return s.membershipsBy(ctx, "members by organisations", membersByOrganisations, orgIDs)
}

func (s *Store) membershipsBy(ctx context.Context, step, query string, ids []string) (map[string][]*c2c.Membership, error) {
	out := make(map[string][]*c2c.Membership, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, step, query, map[string]any{"ids": idsParam(ids)})
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		cid := r.Values[0].(string)
		out[cid] = append(out[cid], decodeMembership(r.Values[1]))
	}
	return out, nil
}

const (
	upsertMemberships = `UNWIND $rows AS r
OPTIONAL MATCH ()-[old:MEMBER_OF {id: r.id}]->() USING INDEX SEEK old:MEMBER_OF(id)
DELETE old
WITH r
MATCH (ma:Actor {id: r.actor}) USING INDEX SEEK ma:Actor(id)
MATCH (mo:Actor {id: r.org}) USING INDEX SEEK mo:Actor(id)
WHERE mo:Organisation
CREATE (ma)-[m:MEMBER_OF]->(mo)
SET m = r.props
RETURN count(m)`
	// createMembership checks whether the id is taken, the actor exists
	// and the organisation is an Organisation and, when nothing is wrong,
	// creates the membership, in one statement that returns the flags.
	// Nothing is written when a check fails.
	createMembership = `OPTIONAL MATCH (ma:Actor {id: $actor})
OPTIONAL MATCH (mo:Actor {id: $org})
WITH ma, mo, EXISTS { ()-[:MEMBER_OF {id: $id}]->() } AS taken
FOREACH (_ IN CASE WHEN ma IS NOT NULL AND mo:Organisation AND NOT taken THEN [1] ELSE [] END |
  CREATE (ma)-[m:MEMBER_OF]->(mo)
  SET m = $props)
RETURN taken, ma IS NOT NULL AS hasActor, mo.kind AS orgKind`
	readMembership = `MATCH (ma:Actor)-[m:MEMBER_OF {id: $id}]->(mo:Actor) RETURN ` + membershipMap + ` AS m`
	// deleteMembership deletes the membership and returns it as it was:
	// no row when there is none.
	deleteMembership = `MATCH (ma:Actor)-[m:MEMBER_OF {id: $id}]->(mo:Actor) USING INDEX SEEK m:MEMBER_OF(id)
WITH m, ` + membershipMap + ` AS out
DELETE m
RETURN out`
)

// membershipRefErrors turns the flags of createMembership (taken,
// hasActor, orgKind) into KindInvalid if the actor is missing or the organisation is
// not an Organisation, and whether the id is taken.
func membershipRefErrors(m *c2c.Membership, v []any) (bool, error) {
	var es c2c.Errors
	if !v[1].(bool) {
		es = append(es, c2c.Invalid("actor", "no actor has id %q", m.ActorID))
	}
	switch v[2] {
	case nil:
		es = append(es, c2c.Invalid("organisation", "no actor has id %q", m.OrganisationID))
	case string(c2c.ActorOrganisation):
	default:
		es = append(es, c2c.Invalid("organisation", "%q is not an organisation", m.OrganisationID))
	}
	return v[0].(bool), es.Err()
}

// CreateMembership stores a new membership: KindInvalid if a field is bad,
// the actor is missing or the organisation is not an Organisation;
// KindConflict if the id is taken.
func (s *Store) CreateMembership(ctx context.Context, m c2c.Membership) (*c2c.Membership, error) {
	m.Normalize()
	if err := m.Validate(""); err != nil {
		return nil, err
	}
	_, err := s.write(ctx, "create membership", func(tx *wtx) (any, error) {
		// Recorded before the statement, which may carry the change log; a
		// refused create rolls the transaction back.
		tx.changes.Memberships(m.ID)
		p := map[string]any{"id": m.ID, "actor": m.ActorID, "org": m.OrganisationID, "props": membershipProps(&m)}
		recs, err := s.runLogged(ctx, tx, createMembership, p)
		if err != nil {
			return nil, err
		}
		taken, err := membershipRefErrors(&m, recs[0].Values)
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, c2c.Conflict("membership %q already exists", m.ID)
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	out := m
	return &out, nil
}

// UpdateMembership applies p; KindNotFound if there is no such membership,
// KindInvalid if the result breaks a rule.
func (s *Store) UpdateMembership(ctx context.Context, id string, p c2c.MembershipPatch) (*c2c.Membership, error) {
	out, err := s.write(ctx, "update membership", func(tx *wtx) (any, error) {
		recs, err := run(ctx, tx, readMembership, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, c2c.NotFound("membership", id)
		}
		m := decodeMembership(recs[0].Values[0])
		p.Apply(m)
		m.Normalize()
		if err := m.Validate(""); err != nil {
			return nil, err
		}
		tx.changes.Memberships(m.ID)
		// The write is the last statement: it may carry the change log.
		if _, err := s.runLogged(ctx, tx, upsertMemberships, map[string]any{"rows": []any{membershipRow(m)}}); err != nil {
			return nil, err
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(*c2c.Membership), nil
}

// DeleteMembership removes the membership and returns it as it was, in
// one statement; KindNotFound if there is none.
func (s *Store) DeleteMembership(ctx context.Context, id string) (*c2c.Membership, error) {
	out, err := s.write(ctx, "delete membership", func(tx *wtx) (any, error) {
		// Recorded before the statement, which may carry the change log; a
		// refused delete rolls the transaction back.
		tx.changes.Memberships(id)
		p := map[string]any{"id": id}
		recs, err := s.runLogged(ctx, tx, deleteMembership, p)
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, c2c.NotFound("membership", id)
		}
		return decodeMembership(recs[0].Values[0]), nil
	})
	if err != nil {
		return nil, err
	}
	return out.(*c2c.Membership), nil
}
