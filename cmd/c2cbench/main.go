// Command c2cbench generates benchmark data and drives the benchmark.
//
//	c2cbench gen --size S --store sqlite --data-dir DIR
//	c2cbench gen --size S --store neo4j --neo4j-uri bolt://127.0.0.1:27687
//	c2cbench report DIR   (re-renders report.md and the charts from DIR/report.json)
//	c2cbench run --size S --targets c2c-sqlite=URL,c2c-neo4j=URL,peer=URL,floor=bolt://… \
//	    --concurrency 1,16 --duration 30s --rounds 3 --warmup 10s --out bench/results
//
// gen loads the seeded graph through the stores' own import path; run
// measures every target side by side and writes report.json, report.md and
// two charts into OUT/<date>-<size>/. bench/run.sh does both end to end.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/c2c-project/c2c/internal/bench"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/neo4jstore"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "c2cbench:", err)
		os.Exit(1)
	}
}

const usage = `usage: c2cbench gen|run|report|growth [flags]  (c2cbench CMD -h lists the flags)`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "gen":
		return genCmd(ctx, args[1:], stdout, stderr)
	case "run":
		return runCmd(ctx, args[1:], stdout, stderr)
	case "report":
		return reportCmd(args[1:], stdout, stderr)
	case "growth":
		return growthCmd(args[1:], stdout)
	default:
		return errors.New(usage)
	}
}

// importer is what gen needs of a store.
type importer interface {
	Import(ctx context.Context, b c2c.Batch) (*c2c.ImportResult, error)
	Close() error
}

func genCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "S", "data size: XS, S, M or L")
	seed := fs.Int64("seed", 1, "generator seed")
	store := fs.String("store", "sqlite", "store to load: sqlite or neo4j")
	dataDir := fs.String("data-dir", "data", "directory of the embedded store (sqlite)")
	uri := fs.String("neo4j-uri", os.Getenv("NEO4J_URI"), "Neo4j URI (neo4j)")
	chunk := fs.Int("chunk", 5000, "items per import batch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sz, err := bench.SizeByName(*size)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var st importer
	switch *store {
	case "sqlite":
		if err := os.MkdirAll(*dataDir, 0o755); err != nil {
			return fmt.Errorf("data dir: %w", err)
		}
		st, err = sqlitestore.Open(ctx, filepath.Join(*dataDir, "c2c.db"))
	case "neo4j":
		st, err = neo4jstore.Open(ctx, neo4jstore.Config{URI: *uri}, log)
	default:
		return fmt.Errorf("-store: %q is not sqlite or neo4j", *store)
	}
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	g := bench.NewGenerator(*seed, sz)
	start := time.Now()
	var total c2c.ImportResult
	items, last := 0, time.Now()
	err = g.Batches(*chunk, func(b c2c.Batch) error {
		r, err := st.Import(ctx, b)
		if err != nil {
			return err
		}
		total.Created += r.Created
		total.Updated += r.Updated
		total.Unchanged += r.Unchanged
		items += len(b.Actors) + len(b.Exchanges) + len(b.Memberships)
		if time.Since(last) > 5*time.Second {
			last = time.Now()
			fmt.Fprintf(stderr, "gen: %d items in %s\n", items, time.Since(start).Round(time.Second))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(stdout, "gen: size %s seed %d into %s: %d created, %d updated, %d unchanged in %s\n",
		sz.Name, *seed, *store, total.Created, total.Updated, total.Unchanged, time.Since(start).Round(time.Millisecond))
	return nil
}

// listFlag parses "a=b,c=d".
func pairs(s string) ([][2]string, error) {
	var out [][2]string
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not name=value", kv)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("size", "S", "data size the stores were loaded with: XS, S, M or L")
	seed := fs.Int64("seed", 1, "generator seed the stores were loaded with")
	targets := fs.String("targets", "", "name=URL,…: c2c-* and peer take a /graphql URL, floor a bolt:// URI")
	concs := fs.String("concurrency", "1,16", "comma-separated client counts")
	duration := fs.Duration("duration", 30*time.Second, "measured time per target, workload and concurrency")
	rounds := fs.Int("rounds", 3, "interleaved rounds the duration is split over")
	warmup := fs.Duration("warmup", 10*time.Second, "warm-up per target and concurrency, on the mix")
	only := fs.String("queries", "", "comma-separated subset of queries (default all)")
	queries := fs.String("queries-dir", "bench/queries", "directory holding c2c/ and peer/ documents")
	apiKey := fs.String("api-key", os.Getenv("C2C_BENCH_API_KEY"), "API key sent to c2c targets (mutations need one)")
	pids := fs.String("pids", "", "name=pid,…: server processes whose peak memory to report")
	out := fs.String("out", "bench/results", "results root; a dated folder is made under it")
	note := fs.String("note", "", "a line printed at the top of the report")
	timeout := fs.Duration("timeout", 30*time.Second, "timeout of one request")
	checks := fs.Int("check", 3, "parameter sets per query whose c2c answers are compared with the floor's before timing (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sz, err := bench.SizeByName(*size)
	if err != nil {
		return err
	}
	var levels []int
	for _, s := range strings.Split(*concs, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-concurrency: %q is not a positive number", s)
		}
		levels = append(levels, n)
	}
	var qs []*bench.Query
	if *only == "" {
		qs = bench.Queries
	} else {
		for _, n := range strings.Split(*only, ",") {
			q := bench.QueryByName(strings.TrimSpace(n))
			if q == nil {
				return fmt.Errorf("-queries: no query %q", n)
			}
			qs = append(qs, q)
		}
	}
	c2cDocs, err := bench.LoadDocuments(filepath.Join(*queries, "c2c"))
	if err != nil {
		return err
	}
	peerDocs, err := bench.LoadDocuments(filepath.Join(*queries, "peer"))
	if err != nil {
		return err
	}
	tp, err := pairs(*targets)
	if err != nil || len(tp) == 0 {
		return fmt.Errorf("-targets: want name=URL,… (%w)", err)
	}
	maxConc := levels[len(levels)-1]
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * maxConc, MaxConnsPerHost: 0, IdleConnTimeout: time.Minute}}
	var ts []bench.Target
	var names []string
	for _, kv := range tp {
		name, url := kv[0], kv[1]
		names = append(names, name)
		switch {
		case strings.HasPrefix(url, "bolt://") || strings.HasPrefix(url, "neo4j://"):
			drv, err := neo4j.NewDriverWithContext(url, neo4j.NoAuth(), func(c *config.Config) { c.MaxConnectionPoolSize = 2 * maxConc })
			if err != nil {
				return fmt.Errorf("floor driver: %w", err)
			}
			defer drv.Close(context.Background())
			if err := drv.VerifyConnectivity(ctx); err != nil {
				return fmt.Errorf("floor %s: %w", url, err)
			}
			ts = append(ts, &bench.FloorTarget{TargetName: name, Floor: &bench.Floor{Driver: drv}})
		case strings.HasPrefix(name, "peer"):
			ts = append(ts, &bench.GraphQLTarget{TargetName: name, URL: url, Peer: true, Docs: peerDocs, Client: client})
		default:
			h := http.Header{}
			if *apiKey != "" {
				h.Set("Authorization", "Bearer "+*apiKey)
			}
			ts = append(ts, &bench.GraphQLTarget{TargetName: name, URL: url, Docs: c2cDocs, Client: client, Header: h})
		}
	}
	pidList, err := pairs(*pids)
	if err != nil {
		return fmt.Errorf("-pids: %w", err)
	}
	for _, kv := range pidList {
		if pid, err := strconv.Atoi(kv[1]); err == nil {
			if err := bench.ResetPeakRSS(pid); err != nil {
				fmt.Fprintf(stderr, "run: cannot reset peak memory of %s (%v); it includes start-up\n", kv[0], err)
			}
		}
	}

	g := bench.NewGenerator(*seed, sz)
	var checked []string
	if *checks > 0 {
		checked, err = bench.Check(ctx, ts, qs, g, *seed, *checks)
		for _, l := range checked {
			fmt.Fprintf(stderr, "run: check %s\n", l)
		}
		if err != nil {
			return fmt.Errorf("answers differ, nothing timed (-check 0 times anyway): %w", err)
		}
	}
	loadStart := bench.LoadAverage()
	started := time.Now()
	res, err := bench.Run(ctx, bench.Config{
		Targets: ts, Queries: qs, Concurrency: levels, Duration: *duration, Rounds: *rounds,
		Warmup: *warmup, Seed: *seed, Generator: g, Timeout: *timeout,
		Progress: func(s string) { fmt.Fprintf(stderr, "run: %s (%s)\n", s, time.Since(started).Round(time.Second)) },
	})
	if err != nil {
		return err
	}
	rep := &bench.Report{
		Date: started.UTC(), Command: commandLine(args), Machine: bench.ThisMachine(),
		Size: sz, Seed: *seed, Duration: duration.String(), Rounds: *rounds, Warmup: warmup.String(),
		Targets: names, Concurrency: levels, Queries: map[string]string{}, PeakRSSMiB: map[string]float64{},
		Note: *note, Checks: checked, LoadStart: loadStart, LoadEnd: bench.LoadAverage(), Results: res,
	}
	for _, q := range qs {
		rep.Queries[q.Name] = q.Title
	}
	for _, kv := range pidList {
		if pid, err := strconv.Atoi(kv[1]); err == nil {
			rep.PeakRSSMiB[kv[0]] = bench.PeakRSS(pid)
		}
	}
	dir := filepath.Join(*out, started.UTC().Format("2006-01-02T1504")+"-"+sz.Name)
	if err := rep.WriteFiles(dir); err != nil {
		return err
	}
	rep.Markdown(stdout)
	fmt.Fprintf(stdout, "results in %s\n", dir)
	return nil
}

func reportCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: c2cbench report DIR")
	}
	rep, err := readReport(args[0])
	if err != nil {
		return err
	}
	if err := rep.WriteFiles(args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rewrote %s\n", args[0])
	return nil
}

// growthCmd prints how the target figures change across the reports in
// the given result folders (one run per size, smallest first).
func growthCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: c2cbench growth DIR [DIR ...]")
	}
	var reps []*bench.Report
	for _, dir := range args {
		rep, err := readReport(dir)
		if err != nil {
			return err
		}
		reps = append(reps, rep)
	}
	bench.Growth(stdout, reps)
	return nil
}

// readReport reads the report.json of a result folder.
func readReport(dir string) (*bench.Report, error) {
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var rep bench.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("decode report %s: %w", dir, err)
	}
	if err := rep.Results.Recompute(); err != nil {
		return nil, err
	}
	if len(rep.Concurrency) == 0 {
		return nil, fmt.Errorf("report %s: no concurrency levels", dir)
	}
	return &rep, nil
}

// commandLine renders the run's command for the report, quoting arguments
// that need it.
func commandLine(args []string) string {
	parts := []string{"c2cbench", "run"}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'$`\\;&|<>()") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
