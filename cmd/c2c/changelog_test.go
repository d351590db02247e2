package main

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// TestImportChangeLogSize imports two files, one transaction each, into a
// store keeping one change entry: the second file's change is kept, the
// first's pruned.
func TestImportChangeLogSize(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	actors := filepath.Join(dir, "actors.csv")
	mustWrite(t, actors, "id,kind,name,alt_names,country\nmaputo,CITY,Maputo,,MZ\nbelo-horizonte,CITY,Belo Horizonte,BH,BR\n")
	exchanges := filepath.Join(dir, "exchanges.csv")
	mustWrite(t, exchanges, "id,source,target,title,kind,themes,start,end,directed\n"+
		"x1,maputo,belo-horizonte,Waste management visit,STUDY_VISIT,environment,2015-03,,true\n")
	if out, err := runArgs(t, "import", "-data-dir", data, "-change-log-size", "1", actors, exchanges); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	ctx := context.Background()
	s, err := sqlitestore.Open(ctx, filepath.Join(data, "c2c.db"), sqlitestore.WithChangeLogSize(1))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	chs, _, err := s.ChangesSince(ctx, v-1, 0)
	if err != nil || len(chs) != 1 || len(chs[0].Exchanges) != 1 || chs[0].Exchanges[0] != "x1" {
		t.Errorf("the last change = %+v, %v; want the exchanges file's", chs, err)
	}
	if _, _, err := s.ChangesSince(ctx, v-2, 0); !errors.Is(err, c2c.ErrChangesPruned) {
		t.Errorf("the change before it: %v, want ErrChangesPruned with a log of one", err)
	}
}
