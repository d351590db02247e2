package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Target is one system under test: a c2c server, the peer, or the floor.
type Target interface {
	// Name is how reports name the target ("c2c-neo4j", "peer", "floor").
	Name() string
	// Supports reports whether the target can run q; a query pending in
	// the target's API is not supported.
	Supports(q *Query) bool
	// Do runs one request of q with p and returns the store round trips it
	// reported (-1 when the target does not report them).
	Do(ctx context.Context, q *Query, p Params) (roundTrips int, err error)
}

// GraphQLTarget sends GraphQL documents over HTTP: c2c (Peer false) or the
// peer (Peer true).
type GraphQLTarget struct {
	TargetName string
	URL        string // the /graphql endpoint
	Peer       bool
	Docs       Documents
	Client     *http.Client
	// Header is added to every request (Authorization for c2c mutations).
	Header http.Header
}

// Name implements Target.
func (t *GraphQLTarget) Name() string { return t.TargetName }

// Supports implements Target.
func (t *GraphQLTarget) Supports(q *Query) bool { _, ok := t.Docs[q.Name]; return ok }

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
	Extensions struct {
		RoundTrips *int `json:"roundTrips"`
	} `json:"extensions"`
}

// Do implements Target. A response with errors, without data or with a
// status other than 200 is an error.
func (t *GraphQLTarget) Do(ctx context.Context, q *Query, p Params) (int, error) {
	_, rt, err := t.do(ctx, q, p)
	return rt, err
}

// do sends one request and returns its data and the round trips the
// target reported (-1 for none).
func (t *GraphQLTarget) do(ctx context.Context, q *Query, p Params) (json.RawMessage, int, error) {
	vars := p.C2C
	if t.Peer {
		vars = p.Peer
	}
	body, err := json.Marshal(map[string]any{"query": t.Docs[q.Name], "variables": vars})
	if err != nil {
		return nil, -1, fmt.Errorf("encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return nil, -1, fmt.Errorf("new request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range t.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := t.Client.Do(req)
	if err != nil {
		return nil, -1, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, -1, fmt.Errorf("read response: %w", err)
	}
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, -1, fmt.Errorf("status %d, body not JSON: %.200s", resp.StatusCode, b)
	}
	rt := -1
	if r.Extensions.RoundTrips != nil {
		rt = *r.Extensions.RoundTrips
	}
	if len(r.Errors) > 0 {
		return nil, rt, fmt.Errorf("graphql error: %s", r.Errors[0].Message)
	}
	if resp.StatusCode != http.StatusOK || len(r.Data) == 0 || string(r.Data) == "null" {
		return nil, rt, fmt.Errorf("status %d without data", resp.StatusCode)
	}
	return r.Data, rt, nil
}

// FloorTarget runs the floor's Cypher.
type FloorTarget struct {
	TargetName string
	Floor      *Floor
}

// Name implements Target.
func (t *FloorTarget) Name() string { return t.TargetName }

// Supports implements Target: the floor has a statement for every query.
func (t *FloorTarget) Supports(q *Query) bool {
	_, ok := floorReads[q.Name]
	return ok || q.Mutation
}

// Do implements Target.
func (t *FloorTarget) Do(ctx context.Context, q *Query, p Params) (int, error) {
	_, rt, err := t.Floor.Run(ctx, q, p.Floor)
	return rt, err
}

// MixName is the name of the mixed workload in results.
const MixName = "mix"

// Config is one benchmark run.
type Config struct {
	Targets     []Target
	Queries     []*Query // the queries to run alone, in order
	Concurrency []int
	// Duration is the measured time of each (target, workload,
	// concurrency) cell, split over Rounds interleaved rounds.
	Duration time.Duration
	Rounds   int
	// Warmup is run once per target and concurrency level, on the mix,
	// before measuring.
	Warmup    time.Duration
	Seed      int64
	Generator *Generator
	// Timeout bounds one request.
	Timeout time.Duration
	// Progress, when set, receives one line per finished slot.
	Progress func(string)
}

// Cell is the measurement of one target on one workload at one
// concurrency.
type Cell struct {
	Target      string  `json:"target"`
	Query       string  `json:"query"`
	Concurrency int     `json:"concurrency"`
	Requests    int64   `json:"requests"`
	Errors      int64   `json:"errors"`
	Seconds     float64 `json:"seconds"`
	Throughput  float64 `json:"throughput"` // successful requests per second
	MeanMs      float64 `json:"meanMs"`
	P50Ms       float64 `json:"p50Ms"`
	P95Ms       float64 `json:"p95Ms"`
	P99Ms       float64 `json:"p99Ms"`
	MaxMs       float64 `json:"maxMs"`
	FirstError  string  `json:"firstError,omitempty"`

	hist Histogram
}

// Skip records a query a target did not run, and why.
type Skip struct {
	Target string `json:"target"`
	Query  string `json:"query"`
	Reason string `json:"reason"`
}

// Results is what Run measured.
type Results struct {
	Cells []*Cell `json:"cells"`
	Skips []Skip  `json:"skips"`
	// Mix lists the queries of the mix: those every target supports.
	Mix []string `json:"mix"`
	// RoundTrips is, per target and query, the store round trips of one
	// request as the target reported them (c2c with debug on).
	RoundTrips map[string]map[string]int `json:"roundTrips"`
}

// Cell returns the cell of target, query and concurrency, or nil.
func (r *Results) Cell(target, query string, conc int) *Cell {
	for _, c := range r.Cells {
		if c.Target == target && c.Query == query && c.Concurrency == conc {
			return c
		}
	}
	return nil
}

// workload is a query run alone, or the weighted mix.
type workload struct {
	name    string
	queries []*Query
	cum     []int // cumulative weights for the mix
}

func (w *workload) pick(rng *rand.Rand) *Query {
	if len(w.queries) == 1 {
		return w.queries[0]
	}
	u := rng.IntN(w.cum[len(w.cum)-1])
	return w.queries[sort.SearchInts(w.cum, u+1)]
}

// Run runs the benchmark: for each concurrency level, a warm-up of every
// target, then Rounds rounds in each of which every workload runs on every
// target in turn (the order of targets rotating from round to round), so
// that drift on a shared machine hits all targets alike. Every target sees
// the same sequence of drawn parameters.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	if len(cfg.Targets) == 0 || len(cfg.Concurrency) == 0 {
		return nil, errors.New("run: no targets or no concurrency levels")
	}
	rounds := max(1, cfg.Rounds)
	slot := cfg.Duration / time.Duration(rounds)
	res := &Results{RoundTrips: map[string]map[string]int{}}

	var loads []*workload
	var mix workload
	mix.name = MixName
	for _, q := range cfg.Queries {
		all := true
		for _, t := range cfg.Targets {
			if !t.Supports(q) {
				all = false
				res.Skips = append(res.Skips, Skip{Target: t.Name(), Query: q.Name, Reason: "pending: not offered by this API yet"})
			}
		}
		loads = append(loads, &workload{name: q.Name, queries: []*Query{q}, cum: []int{1}})
		if all {
			mix.queries = append(mix.queries, q)
			mix.cum = append(mix.cum, q.Weight+sum(mix.cum))
			res.Mix = append(res.Mix, q.Name)
		}
	}
	if len(mix.queries) > 0 {
		loads = append(loads, &mix)
	}

	cells := map[string]*Cell{}
	key := func(t, q string, c int) string { return fmt.Sprintf("%s|%s|%d", t, q, c) }
	var rtMu sync.Mutex
	noteRT := func(t, q string, rt int) {
		if rt < 0 {
			return
		}
		rtMu.Lock()
		defer rtMu.Unlock()
		m := res.RoundTrips[t]
		if m == nil {
			m = map[string]int{}
			res.RoundTrips[t] = m
		}
		if _, seen := m[q]; !seen {
			m[q] = rt
		}
	}

	for _, conc := range cfg.Concurrency {
		if cfg.Warmup > 0 && len(mix.queries) > 0 {
			for ti, t := range cfg.Targets {
				runSlot(ctx, cfg, t, &mix, conc, cfg.Warmup, int64(1e6+ti), nil, nil)
				if cfg.Progress != nil {
					cfg.Progress(fmt.Sprintf("c=%d warm-up %s done", conc, t.Name()))
				}
			}
		}
		for r := range rounds {
			for wi, w := range loads {
				for i := range cfg.Targets {
					t := cfg.Targets[(i+r)%len(cfg.Targets)]
					supported := true
					for _, q := range w.queries {
						supported = supported && t.Supports(q)
					}
					if !supported {
						continue
					}
					k := key(t.Name(), w.name, conc)
					c := cells[k]
					if c == nil {
						c = &Cell{Target: t.Name(), Query: w.name, Concurrency: conc}
						cells[k] = c
						res.Cells = append(res.Cells, c)
					}
					// The same seed for every target in this slot: identical
					// parameter sequences.
					seed := int64(r)<<20 | int64(wi)<<8 | int64(conc)
					runSlot(ctx, cfg, t, w, conc, slot, seed, c, noteRT)
					if err := ctx.Err(); err != nil {
						return nil, err
					}
				}
			}
			if cfg.Progress != nil {
				cfg.Progress(fmt.Sprintf("c=%d round %d/%d done", conc, r+1, rounds))
			}
		}
	}
	for _, c := range res.Cells {
		c.finish()
	}
	return res, nil
}

func sum(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	return xs[len(xs)-1]
}

// runSlot runs w on t with conc closed-loop clients for d, recording into c
// (nil for a warm-up).
func runSlot(ctx context.Context, cfg Config, t Target, w *workload, conc int, d time.Duration, seed int64, c *Cell, noteRT func(t, q string, rt int)) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	deadline, _ := ctx.Deadline()
	type clientResult struct {
		hist     Histogram
		errs     int64
		firstErr string
	}
	results := make([]clientResult, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conc {
		wg.Go(func() {
			cr := &results[i]
			rng := rand.New(rand.NewPCG(uint64(cfg.Seed), uint64(seed)<<16|uint64(i)))
			for n := int64(0); ctx.Err() == nil && time.Now().Before(deadline); n++ {
				q := w.pick(rng)
				p := q.Draw(cfg.Generator, rng, n)
				rctx, rcancel := context.WithTimeout(context.Background(), cfg.Timeout)
				t0 := time.Now()
				rt, err := t.Do(rctx, q, p)
				lat := time.Since(t0)
				rcancel()
				if c == nil {
					continue
				}
				if err != nil {
					cr.errs++
					if cr.firstErr == "" {
						cr.firstErr = fmt.Sprintf("%s: %v", q.Name, err)
					}
					continue
				}
				cr.hist.Record(lat)
				if noteRT != nil {
					noteRT(t.Name(), q.Name, rt)
				}
			}
		})
	}
	wg.Wait()
	if c == nil {
		return
	}
	c.Seconds += time.Since(start).Seconds()
	for i := range results {
		c.hist.Merge(&results[i].hist)
		c.Errors += results[i].errs
		if c.FirstError == "" {
			c.FirstError = results[i].firstErr
		}
	}
}

func (c *Cell) finish() {
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	c.Requests = c.hist.Count() + c.Errors
	if c.Seconds > 0 {
		c.Throughput = float64(c.hist.Count()) / c.Seconds
	}
	c.MeanMs = ms(c.hist.Mean())
	c.P50Ms = ms(c.hist.Quantile(0.50))
	c.P95Ms = ms(c.hist.Quantile(0.95))
	c.P99Ms = ms(c.hist.Quantile(0.99))
	c.MaxMs = ms(c.hist.Max())
}

// Recompute checks a Results decoded from JSON (its histograms are not
// kept; the cells' figures are); it returns an error if a cell is missing
// its identity.
func (r *Results) Recompute() error {
	for i, c := range r.Cells {
		if c == nil || c.Target == "" || c.Query == "" || c.Concurrency < 1 {
			return fmt.Errorf("report: cell %d is incomplete", i)
		}
	}
	return nil
}
