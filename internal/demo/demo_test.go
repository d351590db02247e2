package demo_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

func TestBatchItemsAreValidAndNormalized(t *testing.T) {
	b := demo.Batch()
	if len(b.Actors) == 0 || len(b.Exchanges) == 0 {
		t.Fatalf("demo batch has %d actors and %d exchanges", len(b.Actors), len(b.Exchanges))
	}
	for i, a := range b.Actors {
		n := a
		n.AltNames = append([]string(nil), a.AltNames...)
		n.Normalize()
		if d := cmp.Diff(a, n); d != "" {
			t.Errorf("actor %s changes when normalized (-as given +normalized):\n%s", a.ID, d)
		}
		if err := n.Validate("actors[" + strconv.Itoa(i) + "]"); err != nil {
			t.Errorf("actor %s: %v", a.ID, err)
		}
	}
	for i, x := range b.Exchanges {
		n := x
		n.Themes = append([]string(nil), x.Themes...)
		n.Facilitators = append([]string(nil), x.Facilitators...)
		n.Normalize()
		if d := cmp.Diff(x, n); d != "" {
			t.Errorf("exchange %s changes when normalized (-as given +normalized):\n%s", x.ID, d)
		}
		if err := n.Validate("exchanges[" + strconv.Itoa(i) + "]"); err != nil {
			t.Errorf("exchange %s: %v", x.ID, err)
		}
	}
	for i, m := range b.Memberships {
		m.Normalize()
		if err := m.Validate("memberships[" + strconv.Itoa(i) + "]"); err != nil {
			t.Errorf("membership %s: %v", m.ID, err)
		}
	}
	for i, th := range b.Themes {
		if err := th.Validate("themes[" + strconv.Itoa(i) + "]"); err != nil {
			t.Errorf("theme %s: %v", th.ID, err)
		}
	}
}

func TestBatchIDsAreUniqueAndReferencesResolve(t *testing.T) {
	b := demo.Batch()
	actors := map[string]c2c.Actor{}
	for _, a := range b.Actors {
		if _, dup := actors[a.ID]; dup {
			t.Errorf("actor id %q is used twice", a.ID)
		}
		actors[a.ID] = a
	}
	exchanges := map[string]bool{}
	for _, x := range b.Exchanges {
		if exchanges[x.ID] {
			t.Errorf("exchange id %q is used twice", x.ID)
		}
		exchanges[x.ID] = true
		for _, ref := range append([]string{x.SourceID, x.TargetID}, x.Facilitators...) {
			if _, ok := actors[ref]; !ok {
				t.Errorf("exchange %s names actor %q, which the batch lacks", x.ID, ref)
			}
		}
		for _, f := range x.Facilitators {
			if f == x.SourceID || f == x.TargetID {
				t.Errorf("exchange %s: facilitator %q is also an end", x.ID, f)
			}
		}
	}
	for _, a := range b.Actors {
		if a.RegionID == "" {
			continue
		}
		if r, ok := actors[a.RegionID]; !ok || r.Kind != c2c.ActorRegion {
			t.Errorf("actor %s lies in %q, which is not a region of the batch", a.ID, a.RegionID)
		}
	}
	memberships := map[string]bool{}
	for _, m := range b.Memberships {
		if memberships[m.ID] {
			t.Errorf("membership id %q is used twice", m.ID)
		}
		memberships[m.ID] = true
		if _, ok := actors[m.ActorID]; !ok {
			t.Errorf("membership %s names missing actor %q", m.ID, m.ActorID)
		}
		if o, ok := actors[m.OrganisationID]; !ok || o.Kind != c2c.ActorOrganisation {
			t.Errorf("membership %s names %q, which is not an organisation of the batch", m.ID, m.OrganisationID)
		}
	}
}

func TestBatchThemesAreInVocabulary(t *testing.T) {
	b := demo.Batch()
	vocab := map[string]bool{}
	for _, th := range c2c.DefaultThemes {
		vocab[th.ID] = true
	}
	for _, th := range b.Themes {
		vocab[th.ID] = true
	}
	for _, x := range b.Exchanges {
		if len(x.Themes) == 0 {
			t.Errorf("exchange %s has no theme", x.ID)
		}
		for _, th := range x.Themes {
			if !vocab[th] {
				t.Errorf("exchange %s: theme %q is neither a default theme nor in the batch", x.ID, th)
			}
		}
	}
}

// TestBatchRecordsNoInventedDates checks the rule that the source gives no
// year for any item: every exchange keeps what it says in DateNote.
func TestBatchRecordsNoInventedDates(t *testing.T) {
	for _, x := range demo.Batch().Exchanges {
		if x.Start != nil || x.End != nil {
			t.Errorf("exchange %s has dates %v..%v, but the source gives no year", x.ID, x.Start, x.End)
		}
		if x.DateNote == "" {
			t.Errorf("exchange %s has no date note", x.ID)
		}
		if x.SourceURL != "" {
			t.Errorf("exchange %s has source URL %q, but the source gives none", x.ID, x.SourceURL)
		}
	}
}

func TestBatchReturnsFreshValues(t *testing.T) {
	a := demo.Batch()
	a.Actors[0].AltNames = append(a.Actors[0].AltNames[:0], "changed")
	a.Exchanges[0].Themes[0] = "changed"
	b := demo.Batch()
	if b.Actors[0].AltNames[0] == "changed" || b.Exchanges[0].Themes[0] == "changed" {
		t.Fatal("Batch shares slices between calls")
	}
}

// TestSeedHeadlinesAreRepresented reads the seed listing and checks that
// every headline's key words appear in the title or summary of one
// exchange.
func TestSeedHeadlinesAreRepresented(t *testing.T) {
	seed := filepath.Join(mustSharedDir(t), "seeds", "city-to-city-cooperation.txt")
	raw, err := os.ReadFile(seed)
	if err != nil {
		t.Fatalf("read seed: %v", err)
	}
	headlines := seedHeadlines(t, string(raw))
	if got, want := len(headlines), 8; got != want {
		t.Fatalf("found %d headlines in the seed, want %d: %q", got, want, headlines)
	}
	texts := map[string]string{}
	for _, x := range demo.Batch().Exchanges {
		texts[x.ID] = c2c.Fold(x.Title + " " + x.Summary)
	}
	for _, h := range headlines {
		words := keyWords(h)
		found := ""
		for id, text := range texts {
			if containsAll(text, words) {
				found = id
				break
			}
		}
		if found == "" {
			t.Errorf("no exchange has all key words %q of headline %q", words, h)
		}
	}
}

// seedHeadlines returns the headlines of the listing: after its title line,
// non-empty lines alternate headline and body, and a footer ends it.
func seedHeadlines(t *testing.T, text string) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) < 3 || !strings.HasPrefix(lines[len(lines)-1], "Subscribe") {
		t.Fatalf("seed does not have the expected title/items/footer shape: %q", lines)
	}
	items := lines[1 : len(lines)-1]
	if len(items)%2 != 0 {
		t.Fatalf("seed items do not pair into headline and body: %q", items)
	}
	var out []string
	for i := 0; i < len(items); i += 2 {
		out = append(out, items[i])
	}
	return out
}

var stopWords = map[string]bool{
	"between": true, "through": true, "with": true, "from": true, "field": true,
	"goes": true, "that": true, "this": true, "into": true, "their": true,
}

func keyWords(headline string) []string {
	var out []string
	for _, w := range strings.Fields(c2c.Fold(headline)) {
		if len(w) >= 4 && !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

func containsAll(text string, words []string) bool {
	padded := " " + text + " "
	for _, w := range words {
		if !strings.Contains(padded, " "+w+" ") {
			return false
		}
	}
	return true
}

// mustSharedDir returns the shared reference folder beside the repository
// root, skipping the test when it is absent.
func mustSharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the test directory; cannot locate ../shared")
		}
		dir = parent
	}
	shared := filepath.Join(filepath.Dir(dir), "shared")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("shared reference folder %s is absent; skipping", shared)
	}
	return shared
}

func TestBatchImportsIntoStoreAndIsSearchable(t *testing.T) {
	ctx := context.Background()
	st, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	defer st.Close()
	b := demo.Batch()
	items := len(b.Themes) + len(b.Actors) + len(b.Exchanges) + len(b.Memberships)
	first, err := st.Import(ctx, b)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if got, want := first.Created+first.Updated+first.Unchanged, items; got != want {
		t.Errorf("first import counted %d items, want %d", got, want)
	}
	again, err := st.Import(ctx, demo.Batch())
	if err != nil {
		t.Fatalf("re-import: %v", err)
	}
	if d := cmp.Diff(c2c.ImportResult{Unchanged: items}, *again); d != "" {
		t.Errorf("re-import (-want +got):\n%s", d)
	}
	for query, wantID := range map[string]string{
		"Durban": demo.EThekwini, "eThekwini": demo.EThekwini, "Sao Paulo": demo.SaoPaulo,
		"SEHAB": demo.SaoPauloSEHAB, "SALGA": demo.SALGA, "ICMPD": demo.ICMPD,
	} {
		hits, err := st.Search(ctx, query, 10)
		if err != nil {
			t.Fatalf("search %q: %v", query, err)
		}
		found := false
		for _, h := range hits {
			found = found || h.Actor.ID == wantID
		}
		if !found {
			t.Errorf("search %q does not find %s", query, wantID)
		}
	}
}
