package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/c2c-project/c2c/internal/c2c"
)

func jsonEncode(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }

// storeRoundTrips counts store round trips of the whole process: the hook
// in the domain package is process-wide, so this counter is too, and every
// server's registry exposes it.
var (
	storeRoundTrips = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "c2c_store_round_trips_total",
		Help: "Store round trips (SQL statements, Cypher queries), by store.",
	}, []string{"store"})
	hookOnce sync.Once
)

// metrics are one server's Prometheus collectors.
type metrics struct {
	registry    *prometheus.Registry
	operations  *prometheus.CounterVec
	opDuration  *prometheus.HistogramVec
	opTrips     *prometheus.HistogramVec
	httpReqs    *prometheus.CounterVec
	httpLatency *prometheus.HistogramVec

	mu    sync.Mutex
	names map[string]bool
}

// maxOperationNames bounds the label values clients can create.
const maxOperationNames = 200

func newMetrics(version string) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "c2c_graphql_operations_total",
			Help: "GraphQL operations, by operation name, type and outcome code (OK or the first error's code).",
		}, []string{"operation", "type", "code"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "c2c_graphql_operation_duration_seconds",
			Help:    "Time to execute a GraphQL operation, by operation name and type.",
			Buckets: prometheus.DefBuckets,
		}, []string{"operation", "type"}),
		opTrips: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "c2c_graphql_operation_round_trips",
			Help:    "Store round trips made by one GraphQL operation.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128},
		}, []string{"operation", "type"}),
		httpReqs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "c2c_http_requests_total",
			Help: "HTTP requests, by route and status code.",
		}, []string{"route", "status"}),
		httpLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "c2c_http_request_duration_seconds",
			Help:    "HTTP request latency, by route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
		names: map[string]bool{},
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "c2c_build_info",
		Help: "Always 1; the version label says which build runs.",
	}, []string{"version"})
	build.WithLabelValues(version).Set(1)
	m.registry.MustRegister(m.operations, m.opDuration, m.opTrips, m.httpReqs, m.httpLatency, build, storeRoundTrips,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	hookOnce.Do(func() {
		c2c.RoundTripHook = func(store string) { storeRoundTrips.WithLabelValues(store).Inc() }
	})
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

var operationNamePattern = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

// operationLabel returns a bounded label for an operation name: the name
// itself for the first maxOperationNames names seen, "other" after that.
func (m *metrics) operationLabel(name string) string {
	if name == "" {
		return "anonymous"
	}
	if !operationNamePattern.MatchString(name) {
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}

type roundTripsKey struct{}

// countRoundTrips is an operation middleware that counts the store round
// trips of the operation (c2c.WithRoundTrips), for the metrics and, in
// debug mode, extensions.roundTrips.
func (s *Server) countRoundTrips(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	ctx, rt := c2c.WithRoundTrips(ctx)
	return next(context.WithValue(ctx, roundTripsKey{}, rt))
}

// requestInfo collects what the access log reports of a GraphQL request.
type requestInfo struct {
	mu         sync.Mutex
	operation  string
	code       string
	roundTrips int64
}

type requestInfoKey struct{}

// observe is a response middleware: it times each response and records its
// outcome in the metrics, the access log and (debug) its extensions.
func (s *Server) observe(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	elapsed := time.Since(start)

	name, typ := "", "unknown"
	// A request that never became an operation (it did not decode) has
	// no operation context, and GetOperationContext panics without one.
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		name = oc.OperationName
		if oc.Operation != nil {
			typ = string(oc.Operation.Operation)
			if name == "" {
				name = oc.Operation.Name
			}
		}
	}
	code := "OK"
	if resp != nil && len(resp.Errors) > 0 {
		code = "ERROR"
		if c, ok := resp.Errors[0].Extensions["code"].(string); ok {
			code = c
		}
	}
	label := s.metrics.operationLabel(name)
	s.metrics.operations.WithLabelValues(label, typ, code).Inc()
	s.metrics.opDuration.WithLabelValues(label, typ).Observe(elapsed.Seconds())

	var trips int64 = -1
	if rt, ok := ctx.Value(roundTripsKey{}).(*c2c.RoundTrips); ok {
		trips = rt.Count()
		s.metrics.opTrips.WithLabelValues(label, typ).Observe(float64(trips))
		if s.cfg.Debug && resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["roundTrips"] = trips
		}
	}
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		info.mu.Lock()
		info.operation, info.code, info.roundTrips = name, code, trips
		info.mu.Unlock()
	}
	return resp
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog logs one structured line per request and feeds the HTTP
// metrics.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := routeOf(r.URL.Path)
		s.metrics.httpReqs.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		s.metrics.httpLatency.WithLabelValues(route).Observe(elapsed.Seconds())

		attrs := []slog.Attr{
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", r.RemoteAddr),
		}
		info.mu.Lock()
		if info.code != "" {
			attrs = append(attrs, slog.String("operation", info.operation), slog.String("code", info.code))
			if info.roundTrips >= 0 {
				attrs = append(attrs, slog.Int64("round_trips", info.roundTrips))
			}
		}
		info.mu.Unlock()
		s.log.LogAttrs(r.Context(), levelFor(sw.status, route), "http request", attrs...)
	})
}

// routeOf maps a path to a bounded route label.
func routeOf(path string) string {
	switch path {
	case "/", "/graphql", "/graphiql", "/export", "/healthz", "/readyz", "/metrics":
		return path
	}
	if strings.HasPrefix(path, "/assets/") {
		return "/assets"
	}
	return "other"
}
