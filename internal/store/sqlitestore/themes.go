package sqlitestore

import (
	"context"
	"strings"

	"github.com/c2c-project/c2c/internal/c2c"
)

const themesSQL = `SELECT t.id, t.label,
	(SELECT count(*) FROM exchange_themes et WHERE et.theme_id = t.id)
	FROM themes t ORDER BY t.id`

// Themes returns the vocabulary with the number of exchanges carrying each
// theme, ordered by id.
func (s *Store) Themes(ctx context.Context) ([]c2c.ThemeCount, error) {
	rows, err := query(ctx, s.rd(ctx), "themes", themesSQL)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []c2c.ThemeCount
	for rows.Next() {
		var t c2c.ThemeCount
		if err := rows.Scan(&t.ID, &t.Label, &t.Exchanges); err != nil {
			return nil, dbError("themes", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("themes", err)
	}
	return out, nil
}

const vocabularySQL = `SELECT id, label FROM themes ORDER BY id`

// Vocabulary returns the themes without use counts, ordered by id.
func (s *Store) Vocabulary(ctx context.Context) ([]c2c.Theme, error) {
	rows, err := query(ctx, s.rd(ctx), "vocabulary", vocabularySQL)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []c2c.Theme
	for rows.Next() {
		var t c2c.Theme
		if err := rows.Scan(&t.ID, &t.Label); err != nil {
			return nil, dbError("vocabulary", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("vocabulary", err)
	}
	return out, nil
}

const upsertThemeSQL = `INSERT INTO themes (id, label) VALUES (?, ?)
	ON CONFLICT (id) DO UPDATE SET label = excluded.label`

// UpsertTheme adds a theme to the vocabulary or changes its label;
// KindInvalid naming the field for a bad id or label.
func (s *Store) UpsertTheme(ctx context.Context, t c2c.Theme) (*c2c.Theme, error) {
	t.Label = strings.TrimSpace(t.Label)
	t.ID = strings.TrimSpace(t.ID)
	if err := t.Validate("input"); err != nil {
		return nil, err
	}
	err := s.write(ctx, "upsert theme", func(tx *wtx) error {
		tx.changes.Themes()
		_, err := exec(ctx, tx, "upsert theme", upsertThemeSQL, t.ID, t.Label)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}
