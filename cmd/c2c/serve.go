package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/demo"
	"github.com/c2c-project/c2c/internal/graphmem"
	"github.com/c2c-project/c2c/internal/server"
)

func serve(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e.getenv)
	addr := fs.String("addr", envOr(e.getenv, "C2C_ADDR", ":8080"), "listen address [C2C_ADDR]")
	keys := fs.String("api-keys", e.getenv("C2C_API_KEYS"), "comma-separated API keys allowed to mutate; none means read-only [C2C_API_KEYS]")
	loadDemo := fs.Bool("demo", envBool(e.getenv, "C2C_DEMO", true), "load the demo data into an empty store [C2C_DEMO]")
	debug := fs.Bool("debug", envBool(e.getenv, "C2C_DEBUG", false), "report store round trips in response extensions [C2C_DEBUG]")
	timeout := fs.Duration("request-timeout", envDuration(e.getenv, "C2C_REQUEST_TIMEOUT", 10*time.Second), "per-request timeout [C2C_REQUEST_TIMEOUT]")
	maxDepth := fs.Int("max-depth", envInt(e.getenv, "C2C_MAX_DEPTH", server.DefaultMaxDepth), "maximum query depth [C2C_MAX_DEPTH]")
	// Complexity multiplies nested lists by their page sizes and charges the
	// analyses for their work (graph.DefaultMaxComplexity tells the scale).
	maxComplexity := fs.Int("max-complexity", envInt(e.getenv, "C2C_MAX_COMPLEXITY", server.DefaultMaxComplexity), "maximum complexity of an operation (a batch shares it): list items times page sizes plus the cost of each analysis, see README [C2C_MAX_COMPLEXITY]")
	maxBatch := fs.Int("max-batch", envInt(e.getenv, "C2C_MAX_BATCH", server.DefaultMaxBatch), "most operations in a batched request (a JSON array); -1 refuses batches [C2C_MAX_BATCH]")
	maxTokens := fs.Int("max-tokens", envInt(e.getenv, "C2C_MAX_TOKENS", server.DefaultMaxTokens), "most lexical tokens in a GraphQL document [C2C_MAX_TOKENS]")
	maxFields := fs.Int("max-fields", envInt(e.getenv, "C2C_MAX_FIELDS", server.DefaultMaxFields), "most fields a document selects, fragments expanded [C2C_MAX_FIELDS]")
	maxAliases := fs.Int("max-aliases", envInt(e.getenv, "C2C_MAX_ALIASES", server.DefaultMaxAliases), "most aliased fields in a document, fragments expanded [C2C_MAX_ALIASES]")
	maxBody := fs.Int64("max-body", int64(envInt(e.getenv, "C2C_MAX_BODY", server.DefaultMaxBodyBytes)), "maximum request body in bytes [C2C_MAX_BODY]")
	maxGraphEdges := fs.Int("max-graph-edges", envInt(e.getenv, "C2C_MAX_GRAPH_EDGES", graph.DefaultMaxEdges), "most exchanges a graph analysis or export reads [C2C_MAX_GRAPH_EDGES]")
	maxPairWork := fs.Int("max-pair-work", envInt(e.getenv, "C2C_MAX_PAIR_WORK", graph.DefaultMaxPairWork), "bound on actors x exchanges for betweenness/closeness [C2C_MAX_PAIR_WORK]")
	cacheTTL := fs.Duration("cache-ttl", envDuration(e.getenv, "C2C_CACHE_TTL", graph.DefaultCacheTTL), "how long the theme vocabulary (and, with -graph=false, analysis results) is cached; API writes drop it at once [C2C_CACHE_TTL]")
	inMemory := fs.Bool("graph", envBool(e.getenv, "C2C_GRAPH", true), "answer graph questions from an in-process graph of the store, kept up to date from its change log [C2C_GRAPH]")
	poll := fs.Duration("poll-interval", envDuration(e.getenv, "C2C_POLL_INTERVAL", graphmem.DefaultPollInterval), "how often the in-process graph asks the store for its data version [C2C_POLL_INTERVAL]")
	maxStale := fs.Duration("max-staleness", envDuration(e.getenv, "C2C_MAX_STALENESS", time.Minute), "how long the in-process graph keeps answering while the store does not; 0 for no bound [C2C_MAX_STALENESS]")
	minVersionWait := fs.Duration("min-version-wait", envDuration(e.getenv, "C2C_MIN_VERSION_WAIT", server.DefaultMinVersionWait), "how long a request with C2C-Min-Version waits for the in-process graph [C2C_MIN_VERSION_WAIT]")
	batchWait := fs.Duration("batch-wait", envDuration(e.getenv, "C2C_BATCH_WAIT", graph.DefaultBatchWait), "how long a dataloader gathers keys before it calls the store [C2C_BATCH_WAIT]")
	var af accessFlags
	af.register(fs, e.getenv)
	var shut shutdownFlags
	shut.register(fs, e.getenv)
	var fair fairFlags
	fair.register(fs, e.getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := sf.logger(e.stderr)
	if err != nil {
		return err
	}
	acc, err := af.resolve()
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// Until the store is open, /healthz answers and everything else says the
	// service is starting, so an orchestrator sees "alive, not ready".
	var handler atomic.Pointer[http.Handler]
	starting := startingHandler()
	handler.Store(&starting)
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*handler.Load()).ServeHTTP(w, r) }),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      *timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String()
	log.Info("listening", "addr", ln.Addr().String(), "graphql", url+"/graphql", "graphiql", url+"/graphiql")

	st, err := sf.open(ctx, log)
	if err != nil {
		_ = srv.Close()
		return err
	}
	defer st.Close()
	if *loadDemo {
		if err := seedDemo(ctx, st, log); err != nil {
			_ = srv.Close()
			return err
		}
	}
	var g *graphmem.Graph
	if *inMemory {
		start := time.Now()
		if g, err = graphmem.New(ctx, st, log); err != nil {
			_ = srv.Close()
			return fmt.Errorf("build the in-process graph: %w", err)
		}
		sn := g.Snapshot()
		log.Info("in-process graph built", "version", sn.Version(), "actors", sn.Actors(), "exchanges", sn.Exchanges(),
			"took", time.Since(start).Round(time.Millisecond))
		go g.Run(ctx, *poll)
	}
	cfg := server.Config{
		Graph: g, MaxStale: *maxStale, MinVersionWait: *minVersionWait,
		APIKeys: splitKeys(*keys), RequestTimeout: *timeout, Debug: *debug, Version: version,
		MaxDepth: *maxDepth, MaxComplexity: *maxComplexity, MaxBodyBytes: *maxBody,
		MaxBatch: *maxBatch, MaxTokens: *maxTokens, MaxFields: *maxFields, MaxAliases: *maxAliases,
		MaxGraphEdges: *maxGraphEdges, MaxPairWork: *maxPairWork, CacheTTL: *cacheTTL, BatchWait: *batchWait,
	}
	acc.apply(&cfg)
	cfg.FairShare = fair.FairShare
	if len(cfg.APIKeys) == 0 && cfg.JWT == nil {
		log.Warn("no API key configured: the API is read-only (set C2C_API_KEYS to allow mutations)")
	}
	apiServer := server.New(st, cfg, log)
	defer drainOn(ctx, apiServer)()
	api := apiServer.Handler()
	handler.Store(&api)
	log.Info("ready", "store", sf.kind)
	if e.ready != nil {
		e.ready <- ln.Addr().String()
	}

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	return shut.shutdown(log, srv, apiServer, *timeout)
}

// seedDemo loads the demo data when the store holds no actor at all.
func seedDemo(ctx context.Context, st c2c.Store, log *slog.Logger) error {
	page, err := st.Actors(ctx, c2c.ActorQuery{First: 1})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(page.Actors) > 0 {
		return nil
	}
	res, err := st.Import(ctx, demo.Batch())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	log.Info("loaded demo data into the empty store", "created", res.Created)
	return nil
}

func splitKeys(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

func startingHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"errors":[{"message":"the service is starting: the store is not reachable yet","extensions":{"code":"UNAVAILABLE"}}]}`))
			return
		}
		http.Error(w, "starting: the store is not reachable yet", http.StatusServiceUnavailable)
	})
	return mux
}
