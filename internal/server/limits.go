package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// limitBody reads the request body up to the configured cap, answering 413
// with a GraphQL error when it is larger.
func (s *Server) limitBody(next http.Handler) http.Handler {
	max := s.cfg.MaxBodyBytes
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tooLarge := func() {
			writeCoded(w, http.StatusRequestEntityTooLarge, CodeBadRequest,
				fmt.Sprintf("request body is larger than the limit of %d bytes", max))
		}
		if r.ContentLength > max {
			tooLarge()
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				tooLarge()
				return
			}
			writeCoded(w, http.StatusBadRequest, CodeBadRequest, "request body could not be read")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// withTimeout bounds each request's context by the configured timeout.
func (s *Server) withTimeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
