package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
)

// Outward error codes set in extensions.code besides the domain kinds'
// (c2c.ErrorKind.String).
const (
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED"
	CodeParseFailed      = "GRAPHQL_PARSE_FAILED"
)

// internalMessage replaces the message of every internal error.
const internalMessage = "internal error"

// timedOutMessage is shown when the request's deadline passed or the client
// went away.
const timedOutMessage = "the request timed out or was cancelled"

// ErrorPresenter returns the presenter that turns errors into GraphQL
// errors: domain errors get extensions.code from their kind and
// extensions.field when they name one; a bad argument value (a malformed
// date, a wrong type) is BAD_USER_INPUT naming the argument; internal
// errors and any error of unknown origin are logged on log and shown only
// as "internal error" with code INTERNAL. Errors that already carry a code
// (query validation, parse, limits) keep it.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		// gerr may be the caller's own error value: change a copy.
		out := *gerr
		out.Extensions = map[string]any{}
		for k, v := range gerr.Extensions {
			out.Extensions[k] = v
		}
		argPath := argumentPath(ctx, gerr.Path)
		if argPath != "" {
			out.Path = graphql.GetFieldContext(ctx).Path()
		}

		var de *c2c.Error
		if errors.As(err, &de) {
			kind := de.Kind
			out.Extensions["code"] = kind.String()
			if kind == c2c.KindInternal && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
				// A store that wrapped the request's own deadline: not a bug.
				out.Extensions["code"] = c2c.KindUnavailable.String()
				out.Message = timedOutMessage
				return &out
			}
			if kind == c2c.KindInternal {
				logInternal(ctx, log, err)
				out.Message = internalMessage
				return &out
			}
			field := de.Field
			if field == "" {
				field = argPath
			}
			if field != "" {
				out.Extensions["field"] = field
				out.Message = field + ": " + de.Message
			} else {
				out.Message = de.Message
			}
			return &out
		}
		if _, ok := out.Extensions["code"]; ok {
			return &out
		}
		if argPath != "" {
			// gqlgen could not coerce an argument value (wrong type, bad
			// enum through a variable): the client's input is at fault.
			out.Extensions["code"] = c2c.KindInvalid.String()
			out.Extensions["field"] = argPath
			out.Message = argPath + ": " + unwrapMessage(gerr)
			return &out
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			out.Extensions["code"] = c2c.KindUnavailable.String()
			out.Message = timedOutMessage
			return &out
		}
		logInternal(ctx, log, err)
		out.Extensions["code"] = c2c.KindInternal.String()
		out.Message = internalMessage
		return &out
	}
}

func unwrapMessage(g *gqlerror.Error) string {
	if u := g.Unwrap(); u != nil {
		return u.Error()
	}
	return g.Message
}

// argumentPath returns the argument path ("filter.from", "first") of an
// error raised while gqlgen decoded the arguments of the field in ctx: its
// path extends the field's path with argument names. It returns "" for
// any other error.
func argumentPath(ctx context.Context, p ast.Path) string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || p == nil {
		return ""
	}
	fp := fc.Path()
	if len(p) <= len(fp) {
		return ""
	}
	for i := range fp {
		if fmt.Sprint(fp[i]) != fmt.Sprint(p[i]) {
			return ""
		}
	}
	rest := p[len(fp):]
	name, ok := rest[0].(ast.PathName)
	if !ok || fc.Field.Field == nil || fc.Field.Arguments.ForName(string(name)) == nil {
		return ""
	}
	var b strings.Builder
	for i, el := range rest {
		switch el := el.(type) {
		case ast.PathIndex:
			b.WriteString("[" + strconv.Itoa(int(el)) + "]")
		case ast.PathName:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(el))
		}
	}
	return b.String()
}

// logInternal logs an internal error with what is known of where it arose.
// Errors of requests that never became an operation (a body that did not
// decode, a panic in the transport) have no operation context, and
// graphql.GetOperationContext panics without one: a panic inside the
// presenter or the recover function drops the connection unanswered.
func logInternal(ctx context.Context, log *slog.Logger, err error) {
	attrs := []any{"err", err.Error()}
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		attrs = append(attrs, "path", fc.Path().String())
	}
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.OperationName != "" {
			attrs = append(attrs, "operation", oc.OperationName)
		}
	}
	log.ErrorContext(ctx, "graphql internal error", attrs...)
}

// Recover returns the recover function for panics in resolvers: the panic
// and its stack are logged on log; the client sees only "internal error".
func Recover(log *slog.Logger) graphql.RecoverFunc {
	if log == nil {
		log = slog.Default()
	}
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "graphql panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return c2c.Internal("panic", errors.New("recovered"))
	}
}
