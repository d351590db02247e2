package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/c2c-project/c2c/internal/c2c"
)

// exchangeColumns are the columns scanExchange reads, from the exchange
// table aliased x; themes and facilitators come as JSON arrays.
const exchangeColumns = `x.id, x.source_id, x.target_id, x.title, x.kind, x.start_date, x.end_date,
	x.date_note, x.programme, x.event, x.summary, x.source_url, x.directed,
	(SELECT json_group_array(theme_id) FROM exchange_themes WHERE exchange_id = x.id),
	(SELECT json_group_array(actor_id) FROM exchange_facilitators WHERE exchange_id = x.id)`

// scanExchange reads one row of pre (leading columns) and exchangeColumns.
func scanExchange(r scanner, pre ...any) (*c2c.Exchange, error) {
	var (
		x                    c2c.Exchange
		start, end           string
		themes, facilitators string
	)
	dest := append(pre, &x.ID, &x.SourceID, &x.TargetID, &x.Title, &x.Kind, &start, &end,
		&x.DateNote, &x.Programme, &x.Event, &x.Summary, &x.SourceURL, &x.Directed, &themes, &facilitators)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if x.Start, err = c2c.ParseOptionalDate("start", start); err != nil {
		return nil, fmt.Errorf("exchange %q: %w", x.ID, err)
	}
	if x.End, err = c2c.ParseOptionalDate("end", end); err != nil {
		return nil, fmt.Errorf("exchange %q: %w", x.ID, err)
	}
	if x.Themes, err = sortedJSONList(themes); err != nil {
		return nil, fmt.Errorf("exchange %q: themes: %w", x.ID, err)
	}
	if x.Facilitators, err = sortedJSONList(facilitators); err != nil {
		return nil, fmt.Errorf("exchange %q: facilitators: %w", x.ID, err)
	}
	return &x, nil
}

// sortedJSONList decodes a JSON array of strings, sorted; nil when empty.
func sortedJSONList(s string) ([]string, error) {
	var out []string
	if s == "" {
		return nil, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	sort.Strings(out)
	return out, nil
}

// collectExchanges reads every row of rows and closes it.
func collectExchanges(rows *sql.Rows, step string) ([]*c2c.Exchange, error) {
	defer func() { _ = rows.Close() }()
	var out []*c2c.Exchange
	for rows.Next() {
		x, err := scanExchange(rows)
		if err != nil {
			return nil, dbError(step, err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(step, err)
	}
	return out, nil
}

const exchangesByIDsSQL = `SELECT ` + exchangeColumns + ` FROM exchanges x
	WHERE x.id IN (SELECT value FROM json_each(?))`

// ExchangesByIDs returns the exchanges with the given ids in order, nil for
// a missing id, in one query.
func (s *Store) ExchangesByIDs(ctx context.Context, ids []string) ([]*c2c.Exchange, error) {
	out := make([]*c2c.Exchange, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	byID, err := exchangesByIDs(ctx, s.rd(ctx), ids)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

func exchangesByIDs(ctx context.Context, q querier, ids []string) (map[string]*c2c.Exchange, error) {
	rows, err := query(ctx, q, "exchanges by ids", exchangesByIDsSQL, jsonList(ids))
	if err != nil {
		return nil, err
	}
	xs, err := collectExchanges(rows, "exchanges by ids")
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*c2c.Exchange, len(xs))
	for _, x := range xs {
		byID[x.ID] = x
	}
	return byID, nil
}

const (
	exchangesPageSQL  = `SELECT ` + exchangeColumns + ` FROM exchanges x WHERE `
	exchangesCountSQL = `SELECT count(*) FROM exchanges x WHERE `

	// Exchanges of unknown date sort last in both directions: their key
	// is c2c.UnknownStartAsc ascending, c2c.UnknownStartDesc descending.
	exStartAfterAsc  = `(coalesce(x.lo, 99999999), x.id) > (?, ?)`
	exStartAfterDesc = `(coalesce(x.lo, 0) < ? OR (coalesce(x.lo, 0) = ? AND x.id > ?))`
	exTitleAfter     = `(x.title_key, x.id) > (?, ?)`
	exIDAfter        = `x.id > ?`
	exOrderStartAsc  = ` ORDER BY coalesce(x.lo, 99999999), x.id`
	exOrderStartDesc = ` ORDER BY coalesce(x.lo, 0) DESC, x.id`
	exOrderTitle     = ` ORDER BY x.title_key, x.id`

	// In a date window every exchange has a start, so a start-ordered page
	// can walk the start index and stop after the page instead of sorting
	// the whole window (a 1995-2005 window with a common theme on the
	// 200k-exchange benchmark graph: 50 ms to 9 ms). An actor, programme
	// or event narrows further than a window: those keep the planner's
	// choice.
	exchangesWindowPageSQL = `SELECT ` + exchangeColumns + ` FROM exchanges x INDEXED BY exchanges_span WHERE `
	exOrderWindowAsc       = ` ORDER BY x.lo, x.id`
	exOrderWindowDesc      = ` ORDER BY x.lo DESC, x.id`
	exOrderID              = ` ORDER BY x.id`
)

// Exchanges returns one page of the exchanges matching q, in keyset order.
// KindInvalid for a bad filter, page size or cursor.
func (s *Store) Exchanges(ctx context.Context, q c2c.ExchangeQuery) (*c2c.ExchangePage, error) {
	if err := q.Filter.Validate("filter"); err != nil {
		return nil, err
	}
	first, err := pageSize(q.First)
	if err != nil {
		return nil, err
	}
	order := q.Order
	if order == "" {
		order = c2c.OrderStartAsc
	}
	var orderSQL string
	switch order {
	case c2c.OrderStartAsc:
		orderSQL = exOrderStartAsc
	case c2c.OrderStartDesc:
		orderSQL = exOrderStartDesc
	case c2c.OrderTitleAsc:
		orderSQL = exOrderTitle
	case c2c.OrderExIDAsc:
		orderSQL = exOrderID
	default:
		return nil, c2c.Invalid("orderBy", "%q is not an exchange order", order)
	}
	var filter clause
	exchangeWhere(&filter, q.Filter)
	page := clause{conds: append([]string(nil), filter.conds...), args: append([]any(nil), filter.args...)}
	if c := q.After; c != nil {
		if c.Order != string(order) {
			return nil, c2c.Invalid("after", "was issued for order %s, not %s", c.Order, order)
		}
		switch order {
		case c2c.OrderStartAsc:
			page.add(exStartAfterAsc, c.Num, c.ID)
		case c2c.OrderStartDesc:
			page.add(exStartAfterDesc, c.Num, c.Num, c.ID)
		case c2c.OrderTitleAsc:
			page.add(exTitleAfter, c.Text, c.ID)
		default:
			page.add(exIDAfter, c.ID)
		}
	}
	pageSQL := exchangesPageSQL
	if _, _, window := q.Filter.Window(); window && q.Filter.ActorID == "" && q.Filter.Programme == "" && q.Filter.Event == "" {
		switch order {
		case c2c.OrderStartAsc:
			pageSQL, orderSQL = exchangesWindowPageSQL, exOrderWindowAsc
		case c2c.OrderStartDesc:
			pageSQL, orderSQL = exchangesWindowPageSQL, exOrderWindowDesc
		}
	}
	out := &c2c.ExchangePage{}
	err = s.readMaybe(ctx, "exchanges", q.WantTotal, func(tx querier) error {
		rows, err := query(ctx, tx, "exchanges", pageSQL+page.sql()+orderSQL+limitSQL, append(page.args, first+1)...)
		if err != nil {
			return err
		}
		xs, err := collectExchanges(rows, "exchanges")
		if err != nil {
			return err
		}
		if len(xs) > first {
			xs, out.HasNext = xs[:first], true
		}
		out.Exchanges = xs
		if q.WantTotal {
			if _, err := queryRow(ctx, tx, "exchanges: count", exchangesCountSQL+filter.sql(), filter.args, &out.TotalCount); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// actorHitsSQL pairs each requested actor (a JSON list parameter) with the
// ids of the exchanges at either of its ends. CROSS JOIN keeps the short
// actor list as the outer loop so that each half probes the source or the
// target index instead of scanning the exchanges.
const actorHitsSQL = `WITH q(actor) AS (SELECT DISTINCT value FROM json_each(?)),
	hits(actor, id) AS (
		SELECT q.actor, e.id FROM q CROSS JOIN exchanges e ON e.source_id = q.actor
		UNION ALL
		SELECT q.actor, e.id FROM q CROSS JOIN exchanges e ON e.target_id = q.actor)
	`

const exchangesByActorsSQL = actorHitsSQL + `SELECT h.actor, ` + exchangeColumns + `
	FROM hits h CROSS JOIN exchanges x ON x.id = h.id WHERE `
const exchangesByActorsOrderSQL = ` ORDER BY h.actor, coalesce(x.lo, 99999999), x.id`

// exchangesByActorsFirstSQL lists, for each requested actor, the ids of
// its first few matching exchanges in the order of
// exchangesByActorsOrderSQL, then reads the columns of those only. Each
// actor's list is a subquery of its own with ORDER BY … LIMIT, which
// SQLite answers from the source and target indexes with a sorter that
// keeps only the first rows, so a hub's other exchanges are neither
// sorted nor read in full. The filter follows each exchangesByActorsEndSQL;
// the parameters are the ids, the filter's twice and the limit.
const (
	exchangesByActorsFirstSQL = `WITH q(actor) AS (SELECT DISTINCT value FROM json_each(?)),
	firsts(actor, ids) AS (SELECT q.actor, (SELECT json_group_array(id ORDER BY k, id) FROM (
		SELECT x.id AS id, coalesce(x.lo, 99999999) AS k FROM exchanges x WHERE x.source_id = q.actor AND `
	exchangesByActorsEndSQL = `
		UNION ALL
		SELECT x.id, coalesce(x.lo, 99999999) FROM exchanges x WHERE x.target_id = q.actor AND `
	exchangesByActorsFirstTailSQL = `
		ORDER BY k, id LIMIT ?)) FROM q)
	SELECT f.actor, ` + exchangeColumns + `
	FROM firsts f, json_each(f.ids) j CROSS JOIN exchanges x ON x.id = j.value
	ORDER BY f.actor, j.key`
)

// ExchangesByActors returns, for each actor id with any, the exchanges
// matching f with it at either end, ordered by start (unknown last) then
// id, the first limit of them (all when limit <= 0), in one query.
// KindInvalid for a bad filter.
func (s *Store) ExchangesByActors(ctx context.Context, actorIDs []string, f c2c.ExchangeFilter, limit int) (map[string][]*c2c.Exchange, error) {
	if err := f.Validate("filter"); err != nil {
		return nil, err
	}
	out := map[string][]*c2c.Exchange{}
	if len(actorIDs) == 0 {
		return out, nil
	}
	var w clause
	exchangeWhere(&w, f)
	stmt := exchangesByActorsSQL + w.sql() + exchangesByActorsOrderSQL
	args := append([]any{jsonList(actorIDs)}, w.args...)
	if limit > 0 {
		stmt = exchangesByActorsFirstSQL + w.sql() + exchangesByActorsEndSQL + w.sql() + exchangesByActorsFirstTailSQL
		args = append(append(args, w.args...), limit)
	}
	rows, err := query(ctx, s.rd(ctx), "exchanges by actors", stmt, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var actor string
		x, err := scanExchange(rows, &actor)
		if err != nil {
			return nil, dbError("exchanges by actors", err)
		}
		out[actor] = append(out[actor], x)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("exchanges by actors", err)
	}
	return out, nil
}

const (
	exchangeExistsSQL = `SELECT 1 FROM exchanges WHERE id = ?`
	themeExistsSQL    = `SELECT 1 FROM themes WHERE id = ?`
	insertExchangeSQL = `INSERT INTO exchanges (id, source_id, target_id, title, title_key, kind,
		start_date, end_date, lo, hi, date_note, programme, event, summary, source_url, directed,
		created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	upsertExchangeSQL = insertExchangeSQL + ` ON CONFLICT (id) DO UPDATE SET
		source_id = excluded.source_id, target_id = excluded.target_id, title = excluded.title,
		title_key = excluded.title_key, kind = excluded.kind, start_date = excluded.start_date,
		end_date = excluded.end_date, lo = excluded.lo, hi = excluded.hi,
		date_note = excluded.date_note, programme = excluded.programme, event = excluded.event,
		summary = excluded.summary, source_url = excluded.source_url, directed = excluded.directed,
		updated_at = excluded.updated_at`
	clearExchangeThemesSQL       = `DELETE FROM exchange_themes WHERE exchange_id = ?`
	clearExchangeFacilitatorsSQL = `DELETE FROM exchange_facilitators WHERE exchange_id = ?`
	insertExchangeThemeSQL       = `INSERT INTO exchange_themes (exchange_id, theme_id) VALUES (?, ?)`
	insertExchangeFacilitatorSQL = `INSERT INTO exchange_facilitators (exchange_id, actor_id) VALUES (?, ?)`
	deleteExchangeSQL            = `DELETE FROM exchanges WHERE id = ?`
)

// exchangeArgs returns the parameters of insertExchangeSQL for x.
func exchangeArgs(x *c2c.Exchange, now string) []any {
	var lo, hi any
	if l, h, ok := x.Span(); ok {
		lo, hi = l, h
	}
	return []any{x.ID, x.SourceID, x.TargetID, x.Title, c2c.Fold(x.Title), string(x.Kind),
		c2c.DateString(x.Start), c2c.DateString(x.End), lo, hi, x.DateNote, x.Programme, x.Event,
		x.Summary, x.SourceURL, x.Directed, now, now}
}

// checkExchangeRefs checks that the ends and facilitators of x exist and
// that its themes are in the vocabulary; kindOf returns "" for a missing
// actor. prefix starts every field path.
func checkExchangeRefs(x *c2c.Exchange, prefix string, kindOf func(string) (c2c.ActorKind, error), themeExists func(string) (bool, error)) error {
	var es c2c.Errors
	actor := func(field, id string) error {
		k, err := kindOf(id)
		if err != nil {
			return err
		}
		if k == "" {
			es = append(es, c2c.Invalid(prefix+"."+field, "actor %q does not exist", id))
		}
		return nil
	}
	if err := actor("source", x.SourceID); err != nil {
		return err
	}
	if err := actor("target", x.TargetID); err != nil {
		return err
	}
	for i, id := range x.Facilitators {
		if err := actor(fmt.Sprintf("facilitators[%d]", i), id); err != nil {
			return err
		}
	}
	for i, t := range x.Themes {
		ok, err := themeExists(t)
		if err != nil {
			return err
		}
		if !ok {
			es = append(es, c2c.Invalid(fmt.Sprintf("%s.themes[%d]", prefix, i), "unknown theme %q", t))
		}
	}
	return es.Err()
}

// txLookups returns kind and theme lookups that query inside tx.
func txLookups(ctx context.Context, tx querier) (func(string) (c2c.ActorKind, error), func(string) (bool, error)) {
	kindOf := func(id string) (c2c.ActorKind, error) { return actorKind(ctx, tx, id) }
	themeExists := func(id string) (bool, error) {
		var one int
		return queryRow(ctx, tx, "theme exists", themeExistsSQL, []any{id}, &one)
	}
	return kindOf, themeExists
}

// writeExchange upserts x and replaces its themes and facilitators.
func writeExchange(ctx context.Context, tx querier, x *c2c.Exchange, now string, replace bool) error {
	stmt := insertExchangeSQL
	if replace {
		stmt = upsertExchangeSQL
		if _, err := exec(ctx, tx, "write exchange", clearExchangeThemesSQL, x.ID); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, "write exchange", clearExchangeFacilitatorsSQL, x.ID); err != nil {
			return err
		}
	}
	if _, err := exec(ctx, tx, "write exchange", stmt, exchangeArgs(x, now)...); err != nil {
		return err
	}
	for _, t := range x.Themes {
		if _, err := exec(ctx, tx, "write exchange", insertExchangeThemeSQL, x.ID, t); err != nil {
			return err
		}
	}
	for _, a := range x.Facilitators {
		if _, err := exec(ctx, tx, "write exchange", insertExchangeFacilitatorSQL, x.ID, a); err != nil {
			return err
		}
	}
	return nil
}

// readBackExchange returns a copy of x as the store would return it.
func readBackExchange(x *c2c.Exchange) *c2c.Exchange {
	out := *x
	out.Themes = cloneList(x.Themes)
	out.Facilitators = cloneList(x.Facilitators)
	if x.Start != nil {
		d := *x.Start
		out.Start = &d
	}
	if x.End != nil {
		d := *x.End
		out.End = &d
	}
	return &out
}

func cloneList(xs []string) []string {
	if len(xs) == 0 {
		return nil
	}
	return append([]string(nil), xs...)
}

// validateDates checks that set dates are real dates (ParsePartialDate
// would have accepted them).
func validateDates(prefix string, dates map[string]*c2c.PartialDate) error {
	var es c2c.Errors
	for _, name := range []string{"start", "end", "since", "until"} {
		d, ok := dates[name]
		if !ok || d == nil {
			continue
		}
		if _, err := c2c.ParsePartialDate(prefix+"."+name, d.String()); err != nil {
			es = append(es, err)
		}
	}
	return es.Err()
}

// CreateExchange validates and stores a new exchange. KindInvalid naming the
// field for a bad value, a missing end or facilitator ("input.target: actor
// \"x\" does not exist") or a theme outside the vocabulary; KindConflict if
// the id is taken.
func (s *Store) CreateExchange(ctx context.Context, x c2c.Exchange) (*c2c.Exchange, error) {
	x.Normalize()
	if err := x.Validate("input"); err != nil {
		return nil, err
	}
	if err := validateDates("input", map[string]*c2c.PartialDate{"start": x.Start, "end": x.End}); err != nil {
		return nil, err
	}
	err := s.write(ctx, "create exchange", func(tx *wtx) error {
		var one int
		found, err := queryRow(ctx, tx, "create exchange", exchangeExistsSQL, []any{x.ID}, &one)
		if err != nil {
			return err
		}
		if found {
			return c2c.Conflict("exchange %q already exists", x.ID)
		}
		kindOf, themeExists := txLookups(ctx, tx)
		if err := checkExchangeRefs(&x, "input", kindOf, themeExists); err != nil {
			return err
		}
		tx.changes.Exchanges(x.ID)
		return writeExchange(ctx, tx, &x, timestamp(s.now()), false)
	})
	if err != nil {
		return nil, err
	}
	return readBackExchange(&x), nil
}

// UpdateExchange applies p to the exchange with id, validates the result and
// stores it, in one transaction. KindNotFound if there is no such exchange;
// KindInvalid as for CreateExchange.
func (s *Store) UpdateExchange(ctx context.Context, id string, p c2c.ExchangePatch) (*c2c.Exchange, error) {
	var es c2c.Errors
	if p.Start != nil && *p.Start == (c2c.PartialDate{}) {
		es = append(es, c2c.Invalid("input.start", "is empty; clear the start instead"))
	}
	if p.End != nil && *p.End == (c2c.PartialDate{}) {
		es = append(es, c2c.Invalid("input.end", "is empty; clear the end instead"))
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	var out *c2c.Exchange
	err := s.write(ctx, "update exchange", func(tx *wtx) error {
		byID, err := exchangesByIDs(ctx, tx, []string{id})
		if err != nil {
			return err
		}
		x := byID[id]
		if x == nil {
			return c2c.NotFound("exchange", id)
		}
		p.Apply(x)
		x.Normalize()
		if err := x.Validate("input"); err != nil {
			return err
		}
		if err := validateDates("input", map[string]*c2c.PartialDate{"start": x.Start, "end": x.End}); err != nil {
			return err
		}
		kindOf, themeExists := txLookups(ctx, tx)
		if err := checkExchangeRefs(x, "input", kindOf, themeExists); err != nil {
			return err
		}
		tx.changes.Exchanges(x.ID)
		if err := writeExchange(ctx, tx, x, timestamp(s.now()), true); err != nil {
			return err
		}
		out = readBackExchange(x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteExchange removes the exchange with id (its themes and facilitator
// references go with it) and returns it as it was, read in the same
// transaction; KindNotFound if there is none.
func (s *Store) DeleteExchange(ctx context.Context, id string) (*c2c.Exchange, error) {
	var out *c2c.Exchange
	err := s.write(ctx, "delete exchange", func(tx *wtx) error {
		byID, err := exchangesByIDs(ctx, tx, []string{id})
		if err != nil {
			return err
		}
		if out = byID[id]; out == nil {
			return c2c.NotFound("exchange", id)
		}
		res, err := exec(ctx, tx, "delete exchange", deleteExchangeSQL, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError("delete exchange", err)
		} else if n == 0 {
			return c2c.NotFound("exchange", id)
		}
		tx.changes.Exchanges(id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
