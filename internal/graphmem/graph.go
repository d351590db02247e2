package graphmem

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/c2c-project/c2c/internal/c2c"
)

// DefaultPollInterval is how often a Graph asks the store for its data
// version.
const DefaultPollInterval = 200 * time.Millisecond

// changesPage is how many change entries one ChangesSince call asks for.
const changesPage = 1000

// readChunk is how many ids one batch read asks for (re-reading touched
// entities, reading the records of a subgraph): the most a subgraph
// query returns, so that it costs one call per kind.
const readChunk = 10_000

// Graph is the in-process graph of one store: the current Snapshot behind
// an atomic pointer, brought up to date by CatchUp (after a write through
// this process, and by the poller Run starts). Safe for concurrent use.
type Graph struct {
	store c2c.Store
	clog  c2c.ChangeLog // nil when the store keeps no change log (in tests)
	log   *slog.Logger

	cur atomic.Pointer[Snapshot]
	// synced is when the store last confirmed the snapshot current (unix
	// nanoseconds).
	synced atomic.Int64
	// changed is closed and replaced at every swap.
	changedMu sync.Mutex
	changed   chan struct{}

	// mu serialises updates.
	mu       sync.Mutex
	pendingX []string
	pendingM []string

	applied      prometheus.Counter
	reloads      prometheus.Counter
	applySeconds prometheus.Histogram
	failures     prometheus.Counter
}

// New builds the graph of st with a full load. log nil means
// slog.Default().
func New(ctx context.Context, st c2c.Store, log *slog.Logger) (*Graph, error) {
	if log == nil {
		log = slog.Default()
	}
	g := &Graph{store: st, log: log, changed: make(chan struct{})}
	g.clog = st
	g.applied = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "c2c_graph_changes_applied_total", Help: "Change-log entries applied to the in-process graph.",
	})
	g.reloads = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "c2c_graph_reloads_total", Help: "Full loads of the in-process graph from the store.",
	})
	g.failures = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "c2c_graph_sync_failures_total", Help: "Failed attempts to bring the in-process graph up to date with the store.",
	})
	g.applySeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "c2c_graph_update_seconds", Help: "Time to bring the in-process graph up to date: re-reading what changed and building the new snapshot.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.reload(ctx); err != nil {
		return nil, err
	}
	return g, nil
}

// Snapshot returns the current snapshot.
func (g *Graph) Snapshot() *Snapshot { return g.cur.Load() }

// Version returns the data version of the current snapshot.
func (g *Graph) Version() uint64 { return g.cur.Load().version }

// Age returns how long ago the store last confirmed that the snapshot was
// current: about the poll interval while the store answers, growing while
// it does not.
func (g *Graph) Age() time.Duration { return time.Since(time.Unix(0, g.synced.Load())) }

// Tracking reports whether the graph follows the store's change log; a
// store without one is loaded in full on each CatchUp and never polled.
func (g *Graph) Tracking() bool { return g.clog != nil }

// Fresh returns nil while the snapshot's age is within maxStale (0 means
// no bound), else KindUnavailable saying how stale it is. A graph whose
// store keeps no change log is never polled and never counts as stale.
func (g *Graph) Fresh(maxStale time.Duration) error {
	if maxStale <= 0 || g.clog == nil {
		return nil
	}
	if age := g.Age(); age > maxStale {
		return &c2c.Error{Kind: c2c.KindUnavailable, Message: fmt.Sprintf(
			"the in-process graph (version %d) was last confirmed current %s ago, more than the maximum staleness of %s: the store is not answering",
			g.Version(), age.Round(time.Millisecond), maxStale)}
	}
	return nil
}

func (g *Graph) swap(s *Snapshot) {
	g.cur.Store(s)
	g.changedMu.Lock()
	close(g.changed)
	g.changed = make(chan struct{})
	g.changedMu.Unlock()
}

func (g *Graph) changedChan() chan struct{} {
	g.changedMu.Lock()
	defer g.changedMu.Unlock()
	return g.changed
}

// reload replaces the snapshot by a full load. g.mu is held.
func (g *Graph) reload(ctx context.Context) error {
	start := time.Now()
	var v uint64
	if g.clog != nil {
		var err error
		if v, err = g.clog.DataVersion(ctx); err != nil {
			return err
		}
	}
	s, lostX, lostM, err := Load(ctx, g.store, v)
	if err != nil {
		return err
	}
	g.pendingX, g.pendingM = lostX, lostM
	g.swap(s)
	g.synced.Store(start.UnixNano())
	g.reloads.Inc()
	g.applySeconds.Observe(time.Since(start).Seconds())
	g.log.Debug("in-process graph loaded", "version", v, "actors", s.Actors(), "exchanges", s.Exchanges(),
		"memberships", s.Memberships(), "took", time.Since(start))
	return nil
}

// CatchUp brings the snapshot up to the store's current data version:
// it applies the change log since the snapshot's version, re-reading only
// the entities the changes touched, or loads in full when the log was
// pruned past it (or the store keeps no log). Calls are serialised.
func (g *Graph) CatchUp(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	err := g.catchUp(ctx)
	if err != nil {
		g.failures.Inc()
	}
	return err
}

func (g *Graph) catchUp(ctx context.Context) error {
	if g.clog == nil {
		return g.reload(ctx)
	}
	start := time.Now()
	cur := g.cur.Load()
	// ChangesSince answers the data version with the changes, so a
	// catch-up costs one call when nothing changed and one more per kind
	// of entity to re-read when something did.
	var t Touched
	since := cur.version
	n := 0
	for {
		cs, now, err := g.clog.ChangesSince(ctx, since, changesPage)
		if errors.Is(err, c2c.ErrChangesPruned) {
			// The log was pruned past the snapshot, or the store is
			// behind it (replaced by an older one).
			return g.reload(ctx)
		}
		if err != nil {
			return err
		}
		for _, c := range cs {
			t.ActorIDs = append(t.ActorIDs, c.Actors...)
			t.ExchangeIDs = append(t.ExchangeIDs, c.Exchanges...)
			t.MembershipIDs = append(t.MembershipIDs, c.Memberships...)
			since = c.Version
			n++
		}
		if len(cs) == 0 || since >= now {
			break
		}
	}
	if n == 0 && len(g.pendingX)+len(g.pendingM) == 0 {
		g.synced.Store(start.UnixNano())
		return nil
	}
	var err error
	t.ExchangeIDs = append(t.ExchangeIDs, g.pendingX...)
	t.MembershipIDs = append(t.MembershipIDs, g.pendingM...)
	t.ActorIDs, t.ExchangeIDs, t.MembershipIDs = dedupe(t.ActorIDs), dedupe(t.ExchangeIDs), dedupe(t.MembershipIDs)
	if t.Actors, err = readAll(ctx, g.store.ActorsByIDs, t.ActorIDs); err != nil {
		return err
	}
	if t.Exchanges, err = readAll(ctx, g.store.ExchangesByIDs, t.ExchangeIDs); err != nil {
		return err
	}
	if t.Memberships, err = readAll(ctx, g.store.MembershipsByIDs, t.MembershipIDs); err != nil {
		return err
	}
	s, lostX, lostM := cur.Apply(t, since)
	g.pendingX, g.pendingM = lostX, lostM
	g.swap(s)
	g.synced.Store(start.UnixNano())
	g.applied.Add(float64(n))
	g.applySeconds.Observe(time.Since(start).Seconds())
	return nil
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// readAll reads ids through a batch reader a chunk at a time.
func readAll[T any](ctx context.Context, read func(context.Context, []string) ([]*T, error), ids []string) ([]*T, error) {
	out := make([]*T, 0, len(ids))
	for lo := 0; lo < len(ids); lo += readChunk {
		got, err := read(ctx, ids[lo:min(lo+readChunk, len(ids))])
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// Run polls the store every interval (DefaultPollInterval when 0) and
// applies what changed, until ctx ends. Failures are logged and counted;
// the last snapshot keeps serving. Without a change log it does nothing.
func (g *Graph) Run(ctx context.Context, interval time.Duration) {
	if g.clog == nil {
		g.log.Warn("the store keeps no change log: the in-process graph follows only writes made through this process")
		return
	}
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := g.CatchUp(pctx)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil && !failing:
			failing = true
			g.log.Warn("the in-process graph cannot reach the store; serving the last snapshot",
				"version", g.Version(), "err", err.Error())
		case err == nil && failing:
			failing = false
			g.log.Info("the in-process graph reaches the store again", "version", g.Version())
		}
	}
}

// WaitFor returns a snapshot of at least version, catching up at once and
// then waiting for the poller, at most wait; KindUnavailable saying so when
// the snapshot has not got there in time.
func (g *Graph) WaitFor(ctx context.Context, version uint64, wait time.Duration) (*Snapshot, error) {
	if s := g.Snapshot(); s.version >= version {
		return s, nil
	}
	if g.clog == nil {
		return nil, &c2c.Error{Kind: c2c.KindUnavailable, Message: fmt.Sprintf(
			"the store keeps no data versions: version %d (C2C-Min-Version) cannot be reached", version)}
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		ch := g.changedChan()
		if s := g.Snapshot(); s.version >= version {
			return s, nil
		}
		if g.mu.TryLock() {
			err := g.catchUp(ctx)
			g.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				g.failures.Inc()
			}
			if s := g.Snapshot(); s.version >= version {
				return s, nil
			}
		}
		retry := time.NewTimer(20 * time.Millisecond)
		select {
		case <-ch:
		case <-retry.C:
		case <-ctx.Done():
			retry.Stop()
			return nil, &c2c.Error{Kind: c2c.KindUnavailable, Message: fmt.Sprintf(
				"the in-process graph is at data version %d and did not reach the version %d asked for (C2C-Min-Version) within %s",
				g.Version(), version, wait)}
		}
		retry.Stop()
	}
}

// Collectors returns the graph's Prometheus metrics: its version, its age,
// its size, changes applied, reloads, failures and update times.
func (g *Graph) Collectors() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "c2c_graph_version", Help: "Data version of the in-process graph's snapshot.",
		}, func() float64 { return float64(g.Version()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "c2c_graph_age_seconds", Help: "Seconds since the store last confirmed the in-process graph current.",
		}, func() float64 { return g.Age().Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "c2c_graph_exchanges", Help: "Exchanges in the in-process graph.",
		}, func() float64 { return float64(g.Snapshot().Exchanges()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "c2c_graph_actors", Help: "Actors in the in-process graph.",
		}, func() float64 { return float64(g.Snapshot().Actors()) }),
		g.applied, g.reloads, g.failures, g.applySeconds,
	}
}

type snapshotKey struct{}

// WithSnapshot returns ctx carrying s: the snapshot one request reads, so
// that all its fields answer from the same version.
func WithSnapshot(ctx context.Context, s *Snapshot) context.Context {
	return context.WithValue(ctx, snapshotKey{}, s)
}

// SnapshotFrom returns the snapshot ctx carries, nil if none.
func SnapshotFrom(ctx context.Context) *Snapshot {
	s, _ := ctx.Value(snapshotKey{}).(*Snapshot)
	return s
}
