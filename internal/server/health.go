package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
)

func levelFor(status int, route string) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case route == "/healthz" || route == "/readyz" || route == "/metrics":
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// healthz answers 200 while the process serves HTTP.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = jsonEncode(w, map[string]string{"status": "ok", "version": s.cfg.Version})
}

// readyzTimeout bounds the store ping of a readiness probe.
const readyzTimeout = 2 * time.Second

// readyz answers 200 when the store answers a ping, 503 otherwise (the
// cause is logged, not shown). With an in-process graph it also gives the
// graph's data version and age (seconds since the store last confirmed it
// current), and while the store does not answer but the graph is within
// the maximum staleness it answers 200 with status "degraded": graph
// questions are still answered from the last snapshot. From the moment
// the server drains (Drain) it answers 503.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.readyzDraining(w) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyzTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	body := map[string]any{"status": "ready"}
	g := s.cfg.Graph
	if g != nil {
		body["graphVersion"] = g.Version()
		body["graphAgeSeconds"] = g.Age().Seconds()
	}
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness check failed", "err", err.Error())
		body["code"] = c2c.KindOf(err).String()
		if g != nil && s.cfg.MaxStale > 0 && g.Fresh(s.cfg.MaxStale) == nil {
			body["status"] = "degraded"
			_ = jsonEncode(w, body)
			return
		}
		body["status"] = "unavailable"
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = jsonEncode(w, body)
		return
	}
	_ = jsonEncode(w, body)
}
