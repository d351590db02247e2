package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
)

// CodeDepthLimit is the extensions.code of an operation nested too deep.
const CodeDepthLimit = "DEPTH_LIMIT_EXCEEDED"

// depthLimit rejects operations whose selections nest deeper than max,
// before anything is executed. Introspection fields (__schema, __type) are
// not counted: the introspection query of GraphiQL nests deeply but costs
// nothing.
type depthLimit struct{ max int }

var (
	_ graphql.HandlerExtension        = depthLimit{}
	_ graphql.OperationContextMutator = depthLimit{}
)

// ExtensionName implements graphql.HandlerExtension.
func (depthLimit) ExtensionName() string { return "DepthLimit" }

// Validate implements graphql.HandlerExtension.
func (d depthLimit) Validate(graphql.ExecutableSchema) error {
	if d.max < 1 {
		return errors.New("depth limit must be at least 1")
	}
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet); depth > d.max {
		err := gqlerror.Errorf("operation has depth %d, which exceeds the limit of %d", depth, d.max)
		err.Extensions = map[string]any{"code": CodeDepthLimit}
		return err
	}
	return nil
}

// selectionDepth returns how deep fields nest in ss; fragments add no
// depth of their own.
func selectionDepth(ss ast.SelectionSet) int {
	deepest := 0
	for _, sel := range ss {
		var d int
		switch sel := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(sel.Name, "__") {
				continue
			}
			d = 1 + selectionDepth(sel.SelectionSet)
		case *ast.InlineFragment:
			d = selectionDepth(sel.SelectionSet)
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				d = selectionDepth(sel.Definition.SelectionSet)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// limitBody reads the request body up to the configured cap, answering 413
// with a GraphQL error when it is larger.
func (s *Server) limitBody(next http.Handler) http.Handler {
	max := s.cfg.MaxBodyBytes
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tooLarge := func() {
			writeError(w, http.StatusRequestEntityTooLarge, c2c.KindInvalid,
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
			writeError(w, http.StatusBadRequest, c2c.KindInvalid, "request body could not be read")
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

// writeError writes a GraphQL-shaped error response for failures that
// happen before the GraphQL handler runs.
func writeError(w http.ResponseWriter, status int, kind c2c.ErrorKind, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	resp := graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": kind.String()}}}}
	_ = jsonEncode(w, resp)
}
