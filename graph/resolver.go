// Package graph is the GraphQL layer of c2c: the resolvers (thin: convert
// arguments, call the store, return domain values), the per-request
// dataloaders and the error presenter. The executable code generated from
// schema.graphqls lives in graph/generated.
package graph

//go:generate sh -c "cd .. && go run github.com/99designs/gqlgen generate"

import (
	"log/slog"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Resolver is the root resolver and the one place where dependencies enter
// the GraphQL layer.
type Resolver struct {
	// Store answers every read and write.
	Store c2c.Store
	// Log receives internal errors and recovered panics; nil means
	// slog.Default().
	Log *slog.Logger
}

func (r *Resolver) log() *slog.Logger {
	if r.Log == nil {
		return slog.Default()
	}
	return r.Log
}
