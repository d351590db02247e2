package importer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/importer"
)

// TestImportInTransactions checks that a file written in several
// transactions stores what one transaction stores, cities after the
// regions they lie in even when the file lists them first, and that a
// store refusal in a later transaction is reported at its line with the
// earlier ones marked as written.
func TestImportInTransactions(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,kind,name,country,region_id\n")
	for i := range 25 {
		fmt.Fprintf(&b, "city-%02d,CITY,City %d,ZA,region-%02d\n", i, i, i%5)
	}
	for i := range 5 {
		fmt.Fprintf(&b, "region-%02d,REGION,Region %d,ZA,\n", i, i)
	}
	src := b.String()
	ctx := context.Background()
	one, many := mustStore(t), mustStore(t)
	repOne, err := importer.Import(ctx, one, strings.NewReader(src), "actors.csv", importer.Options{BatchRows: -1})
	if err != nil {
		t.Fatalf("one transaction: %v", err)
	}
	repMany, err := importer.Import(ctx, many, strings.NewReader(src), "actors.csv", importer.Options{BatchRows: 4})
	if err != nil {
		t.Fatalf("transactions of 4: %v %v", err, repMany.Rejected)
	}
	if d := cmp.Diff(repOne.Result, repMany.Result); d != "" || !repMany.Written || repMany.Partial {
		t.Errorf("results differ (-one +many):\n%s (written %v, partial %v)", d, repMany.Written, repMany.Partial)
	}
	q := c2c.ActorQuery{Order: c2c.OrderIDAsc, First: c2c.MaxPageSize}
	a, err := one.Actors(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	m, err := many.Actors(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a.Actors, m.Actors); d != "" {
		t.Errorf("stores differ (-one +many):\n%s", d)
	}

	// region-03 turned into a city only the store refuses; with
	// transactions of 4 regions-first it is in the second transaction.
	bad := strings.Replace(src, "region-03,REGION,Region 3,ZA,", "region-03,CITY,Region 3,ZA,", 1)
	bad = strings.ReplaceAll(bad, ",region-03\n", ",\n")
	rep, err := importer.Import(ctx, many, strings.NewReader(bad), "actors.csv", importer.Options{BatchRows: 2})
	if !errors.Is(err, importer.ErrRejected) {
		t.Fatalf("kind change: err = %v", err)
	}
	want := []importer.Rejection{{Line: 30, Field: "kind", Code: importer.CodeStore}}
	got := []importer.Rejection{}
	for _, r := range rep.Rejected {
		got = append(got, importer.Rejection{Line: r.Line, Field: r.Field, Code: r.Code})
	}
	if d := cmp.Diff(want, got); d != "" || !rep.Partial || rep.Written {
		t.Errorf("rejections (-want +got):\n%s (partial %v, written %v)", d, rep.Partial, rep.Written)
	}
}
