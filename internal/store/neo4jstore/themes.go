package neo4jstore

import (
	"context"

	"github.com/c2c-project/c2c/internal/c2c"
)

// themesWithCounts counts theme uses in one pass over the exchanges, then
// joins the vocabulary (an aggregate always yields one row, so an empty
// graph still lists every theme).
const themesWithCounts = `OPTIONAL MATCH ()-[x:EXCHANGE]->()
UNWIND coalesce(x.themes, [null]) AS th
WITH th, count(th) AS n
WITH collect({th: th, n: n}) AS counts
MATCH (t:Theme)
RETURN t.id, t.label, coalesce([c IN counts WHERE c.th = t.id | c.n][0], 0) AS n
ORDER BY t.id`

// Themes returns the vocabulary with the number of exchanges carrying each
// theme, ordered by id.
func (s *Store) Themes(ctx context.Context) ([]c2c.ThemeCount, error) {
	recs, err := s.read(ctx, "themes", themesWithCounts, nil)
	if err != nil {
		return nil, err
	}
	out := make([]c2c.ThemeCount, 0, len(recs))
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		label, _ := r.Values[1].(string)
		n, _ := r.Values[2].(int64)
		out = append(out, c2c.ThemeCount{Theme: c2c.Theme{ID: id, Label: label}, Exchanges: int(n)})
	}
	return out, nil
}

// themeVocabulary lists the themes alone: one label scan over the (small)
// vocabulary, no pass over the exchanges.
const themeVocabulary = `MATCH (t:Theme) RETURN t.id, t.label ORDER BY t.id`

// Vocabulary returns the theme vocabulary ordered by id, without use
// counts. Resolving theme ids to labels needs only this, and it costs one
// scan of the Theme nodes where Themes reads every exchange.
// KindUnavailable if Neo4j cannot be reached.
func (s *Store) Vocabulary(ctx context.Context) ([]c2c.Theme, error) {
	recs, err := s.read(ctx, "theme vocabulary", themeVocabulary, nil)
	if err != nil {
		return nil, err
	}
	out := make([]c2c.Theme, 0, len(recs))
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		label, _ := r.Values[1].(string)
		out = append(out, c2c.Theme{ID: id, Label: label})
	}
	return out, nil
}

const upsertThemes = `UNWIND $rows AS r
MERGE (t:Theme {id: r.id})
SET t.label = r.label`

// UpsertTheme adds a theme or changes its label; KindInvalid for a bad id
// or label.
func (s *Store) UpsertTheme(ctx context.Context, t c2c.Theme) (*c2c.Theme, error) {
	if err := t.Validate(""); err != nil {
		return nil, err
	}
	_, err := s.write(ctx, "upsert theme", func(tx *wtx) (any, error) {
		tx.changes.Themes()
		p := map[string]any{"rows": []any{map[string]any{"id": t.ID, "label": t.Label}}}
		_, err := s.runLogged(ctx, tx, upsertThemes, p)
		return nil, err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}
