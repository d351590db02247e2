package server

import (
	"net/http"

	"github.com/rs/cors"
)

// corsHeaders are the request headers a cross-origin client may send: the
// credential, the body's type, the version a read waits for and the
// headers Apollo's clients add to prove a request is not a simple one.
var corsHeaders = []string{
	"Authorization", "Content-Type", "Accept", "C2C-Min-Version",
	"Apollo-Require-Preflight", "X-Apollo-Operation-Name", "Apollo-Client-Name", "Apollo-Client-Version",
}

// corsExposed are the response headers a cross-origin client may read.
var corsExposed = []string{"C2C-Version", "Retry-After", "WWW-Authenticate"}

// cors answers preflight requests (OPTIONS with Access-Control-Request-
// Method) and marks the responses to allowed origins, as Hasura and Apollo
// Router do with their CORS settings. With no origin configured it does
// nothing: browsers then refuse cross-origin reads, and OPTIONS reaches the
// handlers (the transport answers it 405 with a coded error). Credentials
// are bearer headers, never cookies, so Allow-Credentials is not sent.
func (s *Server) cors(next http.Handler) http.Handler {
	if len(s.cfg.CORSOrigins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins: s.cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: corsHeaders,
		ExposedHeaders: corsExposed,
		MaxAge:         600,
	}).Handler(next)
}
