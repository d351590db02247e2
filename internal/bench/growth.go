package bench

import (
	"fmt"
	"io"
	"strings"
)

// Growth writes, as Markdown, how the project's target figures change
// from one report to the next (run them at sizes S, M and L): the mix at
// the highest concurrency against the peer, the embedded store against
// the Neo4j store, and each query's median against the floor's, at the
// lowest and the highest concurrency. A figure a report cannot give (a
// target it did not run, a cell with no successful request) shows as "–".
func Growth(w io.Writer, reps []*Report) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	header := func(first string) {
		p("| %s |", first)
		for _, r := range reps {
			p(" %s |", sizeLabel(r))
		}
		p("\n|---|%s\n", strings.Repeat("---:|", len(reps)))
	}
	row := func(label string, val func(r *Report) string) {
		p("| %s |", label)
		for _, r := range reps {
			p(" %s |", val(r))
		}
		p("\n")
	}
	top := func(r *Report) int { return r.Concurrency[len(r.Concurrency)-1] }
	low := func(r *Report) int { return r.Concurrency[0] }

	header("figure")
	for _, t := range []string{"c2c-neo4j", "c2c-sqlite"} {
		row(fmt.Sprintf("mix, top concurrency: %s throughput / peer's (target ≥ 3×)", t), func(r *Report) string {
			return cellRatio(r, t, "peer", MixName, top(r), func(c *Cell) float64 { return c.Throughput })
		})
		row(fmt.Sprintf("mix, top concurrency: %s p99 / peer's (target ≤ 0.33×)", t), func(r *Report) string {
			return cellRatio(r, t, "peer", MixName, top(r), func(c *Cell) float64 { return c.P99Ms })
		})
	}
	row("embedded / Neo4j store, read throughput at top concurrency (target ≥ 2×)", func(r *Report) string {
		var sa, sb float64
		for _, q := range r.Results.Mix {
			if qq := QueryByName(q); qq != nil && qq.Mutation {
				continue
			}
			a, b := r.Results.Cell("c2c-sqlite", q, top(r)), r.Results.Cell("c2c-neo4j", q, top(r))
			if a == nil || b == nil {
				return "–"
			}
			sa += a.Throughput
			sb += b.Throughput
		}
		return ratio(sa, sb)
	})
	for _, q := range growthQueries(reps) {
		row(fmt.Sprintf("%s: c2c-neo4j median / floor's, lowest concurrency (target ≤ 1.25×)", q), func(r *Report) string {
			return cellRatio(r, "c2c-neo4j", "floor", q, low(r), func(c *Cell) float64 { return c.P50Ms })
		})
		row(fmt.Sprintf("%s: c2c-neo4j median / floor's, top concurrency", q), func(r *Report) string {
			return cellRatio(r, "c2c-neo4j", "floor", q, top(r), func(c *Cell) float64 { return c.P50Ms })
		})
	}
	p("\n")
}

// cellRatio is val of target a's cell over val of target b's, or "–".
func cellRatio(r *Report, a, b, query string, conc int, val func(*Cell) float64) string {
	ca, cb := r.Results.Cell(a, query, conc), r.Results.Cell(b, query, conc)
	if ca == nil || cb == nil || ca.Requests == 0 || cb.Requests == 0 {
		return "–"
	}
	return ratio(val(ca), val(cb))
}

// growthQueries lists the queries of the reports, in the first report's
// order, without the mix.
func growthQueries(reps []*Report) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range reps {
		for _, q := range r.workloads() {
			if q != MixName && !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return out
}

func sizeLabel(r *Report) string {
	return fmt.Sprintf("%s (%d / %d)", r.Size.Name, r.Size.Actors, r.Size.Exchanges)
}
