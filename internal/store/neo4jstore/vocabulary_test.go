package neo4jstore

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/storetest"
)

// TestVocabulary checks that the count-free theme listing equals the
// themes Themes reports, on a generated graph and after a new theme.
func TestVocabulary(t *testing.T) {
	s := mustFresh(t)
	ctx := t.Context()
	if _, err := s.Import(ctx, storetest.GenerateBatch(3, 60, 200)); err != nil {
		t.Fatalf("import: %v", err)
	}
	if _, err := s.UpsertTheme(ctx, c2c.Theme{ID: "zz-unused", Label: "Unused"}); err != nil {
		t.Fatalf("upsert theme: %v", err)
	}
	counted, err := s.Themes(ctx)
	if err != nil {
		t.Fatalf("themes: %v", err)
	}
	want := make([]c2c.Theme, len(counted))
	for i, tc := range counted {
		want[i] = tc.Theme
	}
	got, err := s.Vocabulary(ctx)
	if err != nil {
		t.Fatalf("vocabulary: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vocabulary differs from the themes with counts (-want +got):\n%s", diff)
	}
	if len(got) == 0 {
		t.Error("vocabulary is empty")
	}
}
