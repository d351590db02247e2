package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

// membershipColumns are the columns scanMembership reads, from the
// membership table aliased m.
const membershipColumns = `m.id, m.actor_id, m.organisation_id, m.since, m.until, m.role, m.source_url`

func scanMembership(r scanner) (*c2c.Membership, error) {
	var (
		m            c2c.Membership
		since, until string
	)
	if err := r.Scan(&m.ID, &m.ActorID, &m.OrganisationID, &since, &until, &m.Role, &m.SourceURL); err != nil {
		return nil, err
	}
	var err error
	if m.Since, err = c2c.ParseOptionalDate("since", since); err != nil {
		return nil, fmt.Errorf("membership %q: %w", m.ID, err)
	}
	if m.Until, err = c2c.ParseOptionalDate("until", until); err != nil {
		return nil, fmt.Errorf("membership %q: %w", m.ID, err)
	}
	return &m, nil
}

func collectMemberships(rows *sql.Rows, step string) ([]*c2c.Membership, error) {
	defer func() { _ = rows.Close() }()
	var out []*c2c.Membership
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, dbError(step, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(step, err)
	}
	return out, nil
}

const membershipsByIDsSQL = `SELECT ` + membershipColumns + ` FROM memberships m
	WHERE m.id IN (SELECT value FROM json_each(?))`

// MembershipsByIDs returns the memberships with the given ids in order, nil
// for a missing id, in one query.
func (s *Store) MembershipsByIDs(ctx context.Context, ids []string) ([]*c2c.Membership, error) {
	out := make([]*c2c.Membership, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	byID, err := membershipsByIDs(ctx, s.rd(ctx), ids)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

func membershipsByIDs(ctx context.Context, q querier, ids []string) (map[string]*c2c.Membership, error) {
	rows, err := query(ctx, q, "memberships by ids", membershipsByIDsSQL, jsonList(ids))
	if err != nil {
		return nil, err
	}
	ms, err := collectMemberships(rows, "memberships by ids")
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*c2c.Membership, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	return byID, nil
}

const (
	membershipsByActorsSQL = `SELECT ` + membershipColumns + ` FROM memberships m
		WHERE m.actor_id IN (SELECT value FROM json_each(?))
		ORDER BY m.actor_id, coalesce(m.since_key, 99999999), m.organisation_id, m.id`
	membersByOrganisationsSQL = `SELECT ` + membershipColumns + ` FROM memberships m
		WHERE m.organisation_id IN (SELECT value FROM json_each(?))
		ORDER BY m.organisation_id, coalesce(m.since_key, 99999999), m.actor_id, m.id`
)

// MembershipsByActors returns, for each actor id with any, its memberships
// of organisations ordered by since (unknown last), organisation id, id, in
// one query.
func (s *Store) MembershipsByActors(ctx context.Context, actorIDs []string) (map[string][]*c2c.Membership, error) {
	return s.membershipsBy(ctx, "memberships by actors", membershipsByActorsSQL, actorIDs,
		func(m *c2c.Membership) string { return m.ActorID })
}

// MembersByOrganisations returns, for each organisation id with any, the
// memberships in it ordered by since (unknown last), actor id, id, in one
// query.
func (s *Store) MembersByOrganisations(ctx context.Context, orgIDs []string) (map[string][]*c2c.Membership, error) {
	return s.membershipsBy(ctx, "members by organisations", membersByOrganisationsSQL, orgIDs,
		func(m *c2c.Membership) string { return m.OrganisationID })
}

func (s *Store) membershipsBy(ctx context.Context, step, stmt string, ids []string, key func(*c2c.Membership) string) (map[string][]*c2c.Membership, error) {
	out := map[string][]*c2c.Membership{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := query(ctx, s.rd(ctx), step, stmt, jsonList(ids))
	if err != nil {
		return nil, err
	}
	ms, err := collectMemberships(rows, step)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[key(m)] = append(out[key(m)], m)
	}
	return out, nil
}

const (
	membershipExistsSQL = `SELECT 1 FROM memberships WHERE id = ?`
	insertMembershipSQL = `INSERT INTO memberships (id, actor_id, organisation_id, since, until,
		since_key, role, source_url, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	upsertMembershipSQL = insertMembershipSQL + ` ON CONFLICT (id) DO UPDATE SET
		actor_id = excluded.actor_id, organisation_id = excluded.organisation_id,
		since = excluded.since, until = excluded.until, since_key = excluded.since_key,
		role = excluded.role, source_url = excluded.source_url, updated_at = excluded.updated_at`
	deleteMembershipSQL = `DELETE FROM memberships WHERE id = ?`
)

func membershipArgs(m *c2c.Membership, now string) []any {
	var sinceKey any
	if m.Since != nil {
		sinceKey = m.Since.FirstKey()
	}
	return []any{m.ID, m.ActorID, m.OrganisationID, c2c.DateString(m.Since), c2c.DateString(m.Until),
		sinceKey, m.Role, m.SourceURL, now, now}
}

// checkMembershipRefs checks that the member exists and the organisation is
// an Organisation.
func checkMembershipRefs(m *c2c.Membership, prefix string, kindOf func(string) (c2c.ActorKind, error)) error {
	var es c2c.Errors
	k, err := kindOf(m.ActorID)
	if err != nil {
		return err
	}
	if k == "" {
		es = append(es, c2c.Invalid(prefix+".actor", "actor %q does not exist", m.ActorID))
	}
	k, err = kindOf(m.OrganisationID)
	if err != nil {
		return err
	}
	switch k {
	case "":
		es = append(es, c2c.Invalid(prefix+".organisation", "actor %q does not exist", m.OrganisationID))
	case c2c.ActorOrganisation:
	default:
		es = append(es, c2c.Invalid(prefix+".organisation", "actor %q is a %s, not an organisation", m.OrganisationID, strings.ToLower(string(k))))
	}
	return es.Err()
}

func readBackMembership(m *c2c.Membership) *c2c.Membership {
	out := *m
	if m.Since != nil {
		d := *m.Since
		out.Since = &d
	}
	if m.Until != nil {
		d := *m.Until
		out.Until = &d
	}
	return &out
}

// CreateMembership validates and stores a new membership. KindInvalid if the
// actor is missing or the organisation is not an Organisation (naming the
// field), KindConflict if the id is taken.
func (s *Store) CreateMembership(ctx context.Context, m c2c.Membership) (*c2c.Membership, error) {
	m.Normalize()
	if err := m.Validate("input"); err != nil {
		return nil, err
	}
	if err := validateDates("input", map[string]*c2c.PartialDate{"since": m.Since, "until": m.Until}); err != nil {
		return nil, err
	}
	err := s.write(ctx, "create membership", func(tx *wtx) error {
		var one int
		found, err := queryRow(ctx, tx, "create membership", membershipExistsSQL, []any{m.ID}, &one)
		if err != nil {
			return err
		}
		if found {
			return c2c.Conflict("membership %q already exists", m.ID)
		}
		kindOf, _ := txLookups(ctx, tx)
		if err := checkMembershipRefs(&m, "input", kindOf); err != nil {
			return err
		}
		tx.changes.Memberships(m.ID)
		_, err = exec(ctx, tx, "create membership", insertMembershipSQL, membershipArgs(&m, timestamp(s.now()))...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return readBackMembership(&m), nil
}

// UpdateMembership applies p to the membership with id, validates and
// stores it in one transaction. KindNotFound if there is none, KindInvalid
// for a bad value.
func (s *Store) UpdateMembership(ctx context.Context, id string, p c2c.MembershipPatch) (*c2c.Membership, error) {
	var es c2c.Errors
	if p.Since != nil && *p.Since == (c2c.PartialDate{}) {
		es = append(es, c2c.Invalid("input.since", "is empty; clear it instead"))
	}
	if p.Until != nil && *p.Until == (c2c.PartialDate{}) {
		es = append(es, c2c.Invalid("input.until", "is empty; clear it instead"))
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	var out *c2c.Membership
	err := s.write(ctx, "update membership", func(tx *wtx) error {
		byID, err := membershipsByIDs(ctx, tx, []string{id})
		if err != nil {
			return err
		}
		m := byID[id]
		if m == nil {
			return c2c.NotFound("membership", id)
		}
		p.Apply(m)
		m.Normalize()
		if err := m.Validate("input"); err != nil {
			return err
		}
		if err := validateDates("input", map[string]*c2c.PartialDate{"since": m.Since, "until": m.Until}); err != nil {
			return err
		}
		tx.changes.Memberships(m.ID)
		if _, err := exec(ctx, tx, "update membership", upsertMembershipSQL, membershipArgs(m, timestamp(s.now()))...); err != nil {
			return err
		}
		out = readBackMembership(m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteMembership removes the membership with id and returns it as it
// was, read in the same transaction; KindNotFound if there is none.
func (s *Store) DeleteMembership(ctx context.Context, id string) (*c2c.Membership, error) {
	var out *c2c.Membership
	err := s.write(ctx, "delete membership", func(tx *wtx) error {
		byID, err := membershipsByIDs(ctx, tx, []string{id})
		if err != nil {
			return err
		}
		if out = byID[id]; out == nil {
			return c2c.NotFound("membership", id)
		}
		res, err := exec(ctx, tx, "delete membership", deleteMembershipSQL, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError("delete membership", err)
		} else if n == 0 {
			return c2c.NotFound("membership", id)
		}
		tx.changes.Memberships(id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
