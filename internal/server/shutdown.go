package server

import (
	"net/http"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Drain marks the server as shutting down: from now on /readyz answers 503
// (status "shutting down"), so that a load balancer or an orchestrator
// stops sending it new requests, while every route, /readyz included,
// keeps answering until the HTTP server is shut down and its in-flight
// requests have drained. It is safe to call more than once and from any
// goroutine.
func (s *Server) Drain() { s.draining.Store(true) }

// Draining reports whether Drain was called.
func (s *Server) Draining() bool { return s.draining.Load() }

// readyzDraining answers a readiness probe of a draining server; it
// reports whether it did.
func (s *Server) readyzDraining(w http.ResponseWriter) bool {
	if !s.draining.Load() {
		return false
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusServiceUnavailable)
	_ = jsonEncode(w, map[string]string{"status": "shutting down", "code": c2c.KindUnavailable.String()})
	return true
}
