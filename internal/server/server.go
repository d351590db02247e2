// Package server serves the c2c GraphQL API over HTTP: /graphql (POST and
// GET), the explorer at / and GraphiQL at /graphiql (internal/explorer),
// /export, /healthz, /readyz and /metrics, with reader and editor roles
// (API keys, read keys, JWTs), CORS, depth, complexity, body-size and time
// limits, Prometheus metrics and structured access logs.
package server

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/c2c-project/c2c/graph"
	"github.com/c2c-project/c2c/internal/analysis"
	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/explorer"
	"github.com/c2c-project/c2c/internal/graphmem"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 10 * time.Second
	DefaultMaxDepth       = 12
	// DefaultMaxComplexity is graph.DefaultMaxComplexity, which the
	// schema's weights are set against.
	DefaultMaxComplexity = graph.DefaultMaxComplexity
	// DefaultMaxBatch is the most operations one batched request (a JSON
	// array body) may hold.
	DefaultMaxBatch = 10
	// DefaultMaxTokens bounds the lexical tokens of a document: GraphiQL's
	// introspection query has about 300, a large dashboard query 1,000.
	DefaultMaxTokens = 10_000
	// DefaultMaxFields bounds the fields a document selects once every
	// fragment spread is expanded, as execution expands them.
	DefaultMaxFields = 2_000
	// DefaultMaxAliases bounds aliased fields (expanded), the usual way to
	// ask for one expensive field many times in one operation.
	DefaultMaxAliases = 100
	// DefaultMaxFragmentSpreads bounds fragment spreads once expanded,
	// counted from every operation and fragment definition, as validation
	// walks them.
	DefaultMaxFragmentSpreads = 1_000
	// DefaultMaxFragments bounds fragment definitions per document:
	// validation compares fragments pairwise.
	DefaultMaxFragments = 200
	// DefaultMaxDirectives bounds directives (expanded) per document.
	DefaultMaxDirectives = 1_000
	// DefaultMaxMergePairs bounds the pairwise comparisons validation
	// makes of fields with the same response name at one place: n copies
	// of a field cost n(n-1)/2, so 200 copies are about the limit. A
	// batch's documents share it.
	DefaultMaxMergePairs = 20_000
)

// Config configures a Server. Zero values take the defaults above.
type Config struct {
	// APIKeys are the keys accepted in "Authorization: Bearer <key>" for
	// mutations. With none the server is read-only.
	APIKeys []string
	// ReadKeys are keys that allow queries and /export but no mutation.
	// When any is configured, reads need a credential (a read key, an API
	// key or a token); without, reads are open to everyone.
	ReadKeys []string
	// RequireReadAuth makes reads need a credential even with no read key
	// configured (a server whose readers hold tokens).
	RequireReadAuth bool
	// JWT, when set, accepts signed bearer tokens with a reader or editor
	// role beside the keys (see JWTConfig).
	JWT *JWTVerifier
	// CORSOrigins are the browser origins allowed to call /graphql and
	// /export from other sites ("https://app.example.org", "*" for any);
	// none answers no cross-origin request.
	CORSOrigins []string
	// MaxExports bounds the exports streamed at once; one more is answered
	// 503 UNAVAILABLE with Retry-After. 0 means DefaultMaxExports.
	MaxExports int
	// MaxBodyBytes caps the size of a request body.
	MaxBodyBytes int64
	// RequestTimeout bounds the time one request may take.
	RequestTimeout time.Duration
	// MaxDepth caps the nesting depth of an operation (introspection
	// fields excepted).
	MaxDepth int
	// MaxComplexity caps the complexity of an operation: list fields count
	// their items times their page size.
	MaxComplexity int
	// Debug adds extensions.roundTrips (store round trips of the request)
	// to every GraphQL response.
	Debug bool
	// Version is reported by /healthz and the c2c_build_info metric.
	Version string
	// MaxGraphEdges is the most exchanges a graph analysis or an export
	// reads; 0 means graph.DefaultMaxEdges.
	MaxGraphEdges int
	// MaxPairWork bounds actors × exchanges for betweenness, closeness
	// and harmonic centrality; 0 means graph.DefaultMaxPairWork.
	MaxPairWork int
	// CacheTTL is how long a cached analysis result is served; 0 means
	// graph.DefaultCacheTTL. Mutations through the API drop the cache at
	// once; the TTL bounds how long a write by another process (c2c
	// import) goes unseen.
	CacheTTL time.Duration
	// MaxBatch is the most operations a batched request may hold; a
	// negative value refuses batches.
	MaxBatch int
	// MaxTokens, MaxFields, MaxAliases, MaxFragmentSpreads, MaxFragments and
	// MaxDirectives bound a document before it is validated (see
	// DefaultMaxTokens and the others).
	MaxTokens, MaxFields, MaxAliases, MaxFragmentSpreads, MaxFragments, MaxDirectives, MaxMergePairs int
	// BatchWait is how long a dataloader gathers keys before it calls the
	// store; 0 means graph.DefaultBatchWait. Longer windows batch better on
	// a loaded machine, at a cost of that much latency per query level.
	BatchWait time.Duration
	// FairShare bounds expensive operations and each client's requests
	// (fairshare.go).
	FairShare FairShare
	// Graph is the in-process graph of the store; nil means every question
	// asks the store. With it, graph questions answer from its snapshot,
	// every response carries the snapshot's data version
	// (extensions.version and the C2C-Version header), a mutation's
	// response is sent once the graph has caught up with it, and a request
	// with C2C-Min-Version waits for the graph to reach that version.
	Graph *graphmem.Graph
	// MaxStale is how old (graphmem.Graph.Age) the snapshot may grow while
	// the store does not answer before graph questions answer UNAVAILABLE;
	// 0 means no bound.
	MaxStale time.Duration
	// MinVersionWait bounds how long a request with C2C-Min-Version waits;
	// 0 means DefaultMinVersionWait.
	MinVersionWait time.Duration
}

// DefaultMinVersionWait is how long a request with C2C-Min-Version waits
// for the in-process graph to reach it before it answers UNAVAILABLE.
const DefaultMinVersionWait = 2 * time.Second

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = DefaultMaxDepth
	}
	if c.MaxComplexity <= 0 {
		c.MaxComplexity = DefaultMaxComplexity
	}
	if c.MaxBatch == 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	c.MaxTokens = orDefault(c.MaxTokens, DefaultMaxTokens)
	c.MaxFields = orDefault(c.MaxFields, DefaultMaxFields)
	c.MaxAliases = orDefault(c.MaxAliases, DefaultMaxAliases)
	c.MaxFragmentSpreads = orDefault(c.MaxFragmentSpreads, DefaultMaxFragmentSpreads)
	c.MaxFragments = orDefault(c.MaxFragments, DefaultMaxFragments)
	c.MaxDirectives = orDefault(c.MaxDirectives, DefaultMaxDirectives)
	c.MaxMergePairs = orDefault(c.MaxMergePairs, DefaultMaxMergePairs)
	if c.MaxExports <= 0 {
		c.MaxExports = DefaultMaxExports
	}
	if c.MaxGraphEdges <= 0 {
		c.MaxGraphEdges = graph.DefaultMaxEdges
	}
	if c.MaxPairWork <= 0 {
		c.MaxPairWork = graph.DefaultMaxPairWork
	}
	if c.CacheTTL <= 0 {
		c.CacheTTL = graph.DefaultCacheTTL
	}
	if c.MinVersionWait <= 0 {
		c.MinVersionWait = DefaultMinVersionWait
	}
	return c
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// Server is the HTTP face of the API. Build it with New.
type Server struct {
	store c2c.Store
	cfg   Config
	log   *slog.Logger
	keys  apiKeys
	// readKeys and jwt are the reader credentials and the token
	// verifier (auth.go).
	readKeys apiKeys
	jwt      *JWTVerifier
	// exports holds a slot per export streaming now (exportstream.go).
	exports chan struct{}
	metrics *metrics
	handler http.Handler
	fair    *fairness
	// draining is set by Drain: /readyz answers 503.
	draining atomic.Bool
}

// New returns a server over store. log receives access logs and internal
// errors; nil means slog.Default(). The store stays the caller's to close.
func New(store c2c.Store, cfg Config, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{
		store:    store,
		cfg:      cfg.withDefaults(),
		log:      log,
		keys:     newAPIKeys(cfg.APIKeys),
		readKeys: newAPIKeys(cfg.ReadKeys),
		jwt:      cfg.JWT,
		metrics:  newMetrics(cfg.Version),
		fair:     newFairness(cfg.FairShare),
	}
	s.fair.register(s.metrics.registry)
	if cfg.Graph != nil {
		s.store = graphmem.NewStore(store, cfg.Graph, cfg.MaxStale)
		s.metrics.registry.MustRegister(cfg.Graph.Collectors()...)
	}
	s.exports = make(chan struct{}, s.cfg.MaxExports)
	s.handler = s.routes()
	return s
}

// backing returns the store itself, under the in-process graph if there
// is one: an export reads every field of every exchange it selects, which
// the store gives in one query.
func (s *Server) backing() c2c.Store {
	if ms, ok := s.store.(*graphmem.Store); ok {
		return ms.Store
	}
	return s.store
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	gql := s.graphQL()
	// Every method reaches the transport, which answers the ones it does
	// not serve with a coded 405.
	mux.Handle("/graphql", s.shareFairly(s.authenticate(s.limitBody(gql))))
	// The explorer's pages and GraphiQL, embedded and served offline.
	pages := explorer.Handler()
	mux.Handle("GET /{$}", pages)
	mux.Handle("GET /assets/", pages)
	mux.Handle("GET /graphiql", pages)
	mux.Handle("GET /export", s.shareFairly(s.authenticate(s.pooled(http.HandlerFunc(s.export)))))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())
	return s.accessLog(s.withTimeout(s.cors(mux)))
}

// Bounds of the parsed-document cache: entries weigh their document's
// length, and a parsed document takes some tens of times that.
const (
	queryCacheEntries = 1000
	queryCacheBytes   = 4 << 20
)

// graphQL builds the gqlgen handler: our one HTTP transport (no
// websockets), introspection, persisted queries, the document limits
// (before validation), the complexity limit, and the operation
// middlewares, outermost first: round-trip counting, metrics, auth, the
// pool of expensive operations (fairshare.go), then the dataloaders that
// graph.NewServer installs.
func (s *Server) graphQL() http.Handler {
	srv := graph.NewServer(&graph.Resolver{
		Store: s.store, Log: s.log, Graph: s.cfg.Graph, MaxStale: s.cfg.MaxStale,
		Cache:    analysis.NewCache(graph.DefaultCacheSize),
		CacheTTL: s.cfg.CacheTTL, BatchWait: s.cfg.BatchWait, MaxEdges: s.cfg.MaxGraphEdges, MaxPairWork: s.cfg.MaxPairWork,
	})
	srv.AddTransport(httpTransport{maxBatch: s.cfg.MaxBatch, maxComplexity: s.cfg.MaxComplexity, maxFields: s.cfg.MaxFields, maxMergePairs: s.cfg.MaxMergePairs,
		graph: s.cfg.Graph, minVersionWait: s.cfg.MinVersionWait, log: s.log})
	queries := newWeightedCache(queryCacheEntries, queryCacheBytes, func(q string, _ *ast.QueryDocument) int { return len(q) })
	srv.SetQueryCache(queries)
	srv.SetParserTokenLimit(s.cfg.MaxTokens)
	srv.Use(extension.Introspection{})
	// Order matters: the persisted query supplies the document that the
	// limits then check.
	srv.Use(newPersistedQueries())
	srv.Use(&documentLimits{
		tokens: s.cfg.MaxTokens, fields: s.cfg.MaxFields, aliases: s.cfg.MaxAliases,
		spreads: s.cfg.MaxFragmentSpreads, fragments: s.cfg.MaxFragments, directives: s.cfg.MaxDirectives,
		depth: s.cfg.MaxDepth, pairs: s.cfg.MaxMergePairs, cache: queries,
	})
	// Int arguments beyond 32 bits are refused before complexity multiplies them.
	srv.Use(&intArguments{})
	srv.Use(&costLimit{max: s.cfg.MaxComplexity})
	srv.AroundOperations(s.countRoundTrips)
	srv.AroundOperations(s.authorize)
	srv.Use(&poolExtension{s: s})
	srv.AroundRootFields(s.serialiseExpensive)
	srv.AroundResponses(s.observe)
	srv.AroundResponses(s.noteRefusals)
	return withHandler(srv)
}

// withHandler keeps the concrete gqlgen type out of the routes.
func withHandler(srv *handler.Server) http.Handler { return srv }
