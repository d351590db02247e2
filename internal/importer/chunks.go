package importer

import (
	"context"
	"fmt"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

// DefaultBatchRows is the most items one store transaction of an import
// writes unless Options.BatchRows says otherwise. On the embedded store a
// transaction holds the only write lock, so the import sizes each one to
// take about targetTxTime (a few hundred milliseconds) within this cap:
// the API writes of a server serving the same file wait that long at
// most, well inside its busy timeout and request timeout.
const DefaultBatchRows = 2000

// batchPause is how long an import leaves the store to other writers
// between two of its transactions: SQLite wakes a waiting writer after a
// sleep (1 to 100 ms), not when the lock is free, so a lock released and
// taken again at once would starve it.
const batchPause = 120 * time.Millisecond

// item is one entry of a batch: its list and index.
type item struct {
	list int // 0 themes, 1 actors, 2 exchanges, 3 memberships
	i    int
}

// itemOrder lists b's items in the order the store needs them across
// transactions: themes, then actors (regions and organisations before
// cities, which may lie in them), then exchanges, then memberships, so
// that every id an item names is written in an earlier or the same
// transaction.
func itemOrder(b c2c.Batch) []item {
	out := make([]item, 0, batchSize(b))
	for i := range b.Themes {
		out = append(out, item{0, i})
	}
	for pass := range 2 {
		for i, a := range b.Actors {
			if (a.Kind == c2c.ActorCity) == (pass == 1) {
				out = append(out, item{1, i})
			}
		}
	}
	for i := range b.Exchanges {
		out = append(out, item{2, i})
	}
	for i := range b.Memberships {
		out = append(out, item{3, i})
	}
	return out
}

// subBatch returns the batch of items and their lines, and the line of
// the first item with one (for messages).
func subBatch(b c2c.Batch, lines itemLines, items []item) (c2c.Batch, itemLines, int) {
	var out c2c.Batch
	var ls itemLines
	first := 0
	line := func(all []int, i int, dst *[]int) {
		if i < len(all) {
			*dst = append(*dst, all[i])
			if first == 0 || all[i] < first {
				first = all[i]
			}
		}
	}
	for _, it := range items {
		switch it.list {
		case 0:
			out.Themes = append(out.Themes, b.Themes[it.i])
		case 1:
			out.Actors = append(out.Actors, b.Actors[it.i])
			line(lines.actors, it.i, &ls.actors)
		case 2:
			out.Exchanges = append(out.Exchanges, b.Exchanges[it.i])
			line(lines.exchanges, it.i, &ls.exchanges)
		case 3:
			out.Memberships = append(out.Memberships, b.Memberships[it.i])
			line(lines.memberships, it.i, &ls.memberships)
		}
	}
	// A line list that does not match its items cannot map store errors.
	if len(ls.actors) != len(out.Actors) || len(ls.exchanges) != len(out.Exchanges) || len(ls.memberships) != len(out.Memberships) {
		ls = itemLines{}
	}
	return out, ls, first
}

// Transaction sizing: the first transaction writes firstBatchRows items;
// each next one is sized from the time the last took, aiming at
// targetTxTime, never more than the cap.
const (
	firstBatchRows = 200
	targetTxTime   = 250 * time.Millisecond
)

// nextSize scales n so that a transaction of the last one's speed takes
// targetTxTime, within 1..limit and at most four times n.
func nextSize(n int, took time.Duration, limit int) int {
	if took <= 0 {
		return min(limit, 4*n)
	}
	next := int(float64(n) * float64(targetTxTime) / float64(took))
	return max(1, min(limit, 4*n, next))
}

func batchSize(b c2c.Batch) int {
	return len(b.Themes) + len(b.Actors) + len(b.Exchanges) + len(b.Memberships)
}

// writeChunks writes b in transactions of at most n items with a pause
// between them, each sized so it takes about targetTxTime on this store
// and machine: a serving process waiting for the write lock then waits
// about that long, however slow the disk. Every row was checked before
// (parse, row rules, ids against the store), so a transaction fails only
// when the store itself refuses an item or fails; then the transactions
// before it stay written (rep.Partial) and the error says so. Import
// upserts by id, so running the file again completes it.
func writeChunks(ctx context.Context, st c2c.Store, b c2c.Batch, lines itemLines, rep *Report, n int) error {
	total := &c2c.ImportResult{}
	order := itemOrder(b)
	size := min(n, firstBatchRows)
	for done, tx := 0, 0; done < len(order); tx++ {
		part := order[done:min(len(order), done+size)]
		sub, subLines, first := subBatch(b, lines, part)
		if tx > 0 {
			select {
			case <-ctx.Done():
				rep.Result, rep.Partial = total, true
				return fmt.Errorf("import: stopped before line %d, after %d transactions: %w", first, tx, ctx.Err())
			case <-time.After(batchPause):
			}
		}
		start := time.Now()
		res, err := st.Import(ctx, sub)
		if err != nil {
			if tx > 0 {
				rep.Result, rep.Partial = total, true
			}
			if rejs := storeRejections(err, subLines); len(rejs) > 0 {
				for _, r := range rejs {
					rep.reject(r)
				}
				rep.sortRejections()
				rep.Accepted = rep.Rows - rep.RejectedRows()
				return rejectedError(rep)
			}
			if tx > 0 {
				return fmt.Errorf("import: the transaction from line %d failed after %d were written (run the file again to complete it): %w", first, tx, err)
			}
			return fmt.Errorf("import: %w", err)
		}
		total.Created += res.Created
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		done += len(part)
		size = nextSize(len(part), time.Since(start), n)
	}
	rep.Written, rep.Result = true, total
	return nil
}
