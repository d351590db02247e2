package importer

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

// DefaultBatchRows is how many items one store transaction of an import
// writes unless Options.BatchRows says otherwise. On the embedded store a
// transaction holds the only write lock: about a thousand items keep
// each one to a few hundred milliseconds, so the API writes of a server
// serving the same file wait that long at most, well inside its busy
// timeout and request timeout.
const DefaultBatchRows = 2000

// batchPause is how long an import leaves the store to other writers
// between two of its transactions: SQLite wakes a waiting writer after a
// sleep (1 to 100 ms), not when the lock is free, so a lock released and
// taken again at once would starve it.
const batchPause = 120 * time.Millisecond

// chunk is one transaction's share of a batch and the lines of its items.
type chunk struct {
	batch c2c.Batch
	lines itemLines
	first int // line of its first item, for messages
}

// chunks splits b into batches of at most n items in the order the store
// needs: themes, then actors (regions and organisations before cities,
// which may lie in them), then exchanges, then memberships, so every id an
// item names is written in an earlier or the same transaction.
func chunks(b c2c.Batch, lines itemLines, n int) []chunk {
	var out []chunk
	for part := range slices.Chunk(b.Themes, n) {
		out = append(out, chunk{batch: c2c.Batch{Themes: part}})
	}
	order := make([]int, 0, len(b.Actors))
	for pass := range 2 {
		for i, a := range b.Actors {
			if (a.Kind == c2c.ActorCity) == (pass == 1) {
				order = append(order, i)
			}
		}
	}
	for part := range slices.Chunk(order, n) {
		c := chunk{}
		for _, i := range part {
			c.batch.Actors = append(c.batch.Actors, b.Actors[i])
			if i < len(lines.actors) {
				c.lines.actors = append(c.lines.actors, lines.actors[i])
			}
		}
		out = append(out, c)
	}
	for lo := 0; lo < len(b.Exchanges); lo += n {
		hi := min(lo+n, len(b.Exchanges))
		out = append(out, chunk{batch: c2c.Batch{Exchanges: b.Exchanges[lo:hi]}, lines: itemLines{exchanges: sub(lines.exchanges, lo, hi)}})
	}
	for lo := 0; lo < len(b.Memberships); lo += n {
		hi := min(lo+n, len(b.Memberships))
		out = append(out, chunk{batch: c2c.Batch{Memberships: b.Memberships[lo:hi]}, lines: itemLines{memberships: sub(lines.memberships, lo, hi)}})
	}
	for i := range out {
		l := out[i].lines
		for _, ls := range [][]int{l.actors, l.exchanges, l.memberships} {
			if len(ls) > 0 {
				out[i].first = slices.Min(ls)
			}
		}
	}
	return out
}

func sub(ls []int, lo, hi int) []int {
	if hi > len(ls) {
		return nil
	}
	return ls[lo:hi]
}

func batchSize(b c2c.Batch) int {
	return len(b.Themes) + len(b.Actors) + len(b.Exchanges) + len(b.Memberships)
}

// writeChunks writes b in transactions of at most n items with a pause
// between them. Every row was checked before (parse, row rules, ids against
// the store), so a transaction fails only when the store itself refuses
// an item or fails; then the transactions before it stay written
// (rep.Partial) and the error says so. Import upserts by id, so running
// the file again completes it.
func writeChunks(ctx context.Context, st c2c.Store, b c2c.Batch, lines itemLines, rep *Report, n int) error {
	total := &c2c.ImportResult{}
	for i, c := range chunks(b, lines, n) {
		if i > 0 {
			select {
			case <-ctx.Done():
				rep.Result, rep.Partial = total, true
				return fmt.Errorf("import: stopped before line %d, after %d transactions: %w", c.first, i, ctx.Err())
			case <-time.After(batchPause):
			}
		}
		res, err := st.Import(ctx, c.batch)
		if err != nil {
			if i > 0 {
				rep.Result, rep.Partial = total, true
			}
			if rejs := storeRejections(err, c.lines); len(rejs) > 0 {
				for _, r := range rejs {
					rep.reject(r)
				}
				rep.sortRejections()
				rep.Accepted = rep.Rows - rep.RejectedRows()
				return rejectedError(rep)
			}
			if i > 0 {
				return fmt.Errorf("import: the transaction from line %d failed after %d were written (run the file again to complete it): %w", c.first, i, err)
			}
			return fmt.Errorf("import: %w", err)
		}
		total.Created += res.Created
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
	}
	rep.Written, rep.Result = true, total
	return nil
}
