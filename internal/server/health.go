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
// cause is logged, not shown) and from the moment the server drains.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.readyzDraining(w) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyzTimeout)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if err := s.store.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readiness check failed", "err", err.Error())
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = jsonEncode(w, map[string]string{"status": "unavailable", "code": c2c.KindOf(err).String()})
		return
	}
	_ = jsonEncode(w, map[string]string{"status": "ready"})
}
