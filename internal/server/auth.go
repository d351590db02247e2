package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
)

// ReadOnlyMessage is the error message of a mutation sent to a server with
// no API key configured.
const ReadOnlyMessage = "this server is read-only: no API key is configured (set C2C_API_KEYS)"

// apiKeys holds the SHA-256 digests of the accepted keys, so that
// comparisons take the same time whatever the keys' lengths.
type apiKeys [][sha256.Size]byte

func newAPIKeys(keys []string) apiKeys {
	var out apiKeys
	for _, k := range keys {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, sha256.Sum256([]byte(k)))
		}
	}
	return out
}

// match reports whether key is one of ks, comparing against every key in
// constant time.
func (ks apiKeys) match(key string) bool {
	d := sha256.Sum256([]byte(key))
	ok := 0
	for i := range ks {
		ok |= subtle.ConstantTimeCompare(d[:], ks[i][:])
	}
	return ok == 1
}

// authorize is an operation middleware: every mutation, whatever the
// transport, needs a configured API key as a bearer token. Queries pass.
func (s *Server) authorize(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation == ast.Query {
		return next(ctx)
	}
	if err := s.checkKey(oc.Headers.Get("Authorization")); err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	return next(ctx)
}

func (s *Server) checkKey(header string) *gqlerror.Error {
	deny := func(kind c2c.ErrorKind, msg string) *gqlerror.Error {
		return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": kind.String()}}
	}
	if len(s.keys) == 0 {
		return deny(c2c.KindForbidden, ReadOnlyMessage)
	}
	scheme, token, found := strings.Cut(strings.TrimSpace(header), " ")
	if header == "" || !found || !strings.EqualFold(scheme, "Bearer") {
		return deny(c2c.KindUnauthenticated, "mutations need an API key: send Authorization: Bearer <key>")
	}
	if !s.keys.match(strings.TrimSpace(token)) {
		return deny(c2c.KindUnauthenticated, "the API key is not valid")
	}
	return nil
}
