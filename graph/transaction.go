package graph

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
)

// A mutation request runs in one store transaction, as Hasura's do: the
// root fields run in order inside it, it commits once after the last (one
// data version, one change of the log), and when any field fails the whole
// request rolls back: the fields after the failing one do not run, data is
// null and the errors name the failing field by path. The fields' payloads
// read inside the transaction, so a field sees what the fields before it
// wrote.
//
// A request with one mutation field keeps the store's own transaction
// (which a store may retry on a transient error): it is atomic already.

// mutationTxKey marks the context of an operation running in a mutation
// transaction.
type mutationTxKey struct{}

// inMutationTx reports whether ctx belongs to a request running in a
// mutation transaction: what it reads may not be committed yet, so it must
// not fill caches that other requests read.
func inMutationTx(ctx context.Context) bool {
	return ctx.Value(mutationTxKey{}) != nil
}

// mutationFields counts the root fields of a mutation operation, not
// counting __typename, and returns the response key (alias or name) of the
// last of them; 0 for another kind of operation.
func mutationFields(oc *graphql.OperationContext) (n int, last string) {
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return 0, ""
	}
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
		if f.Name != "__typename" {
			n++
			last = f.Alias
		}
	}
	return n, last
}

// mutationTx is the value of mutationTxKey: the response key of the
// request's last root mutation field.
type mutationTx struct{ last string }

// AroundMutations runs a mutation request with several root fields in one
// store transaction (see above). It is a response middleware, so it runs
// only for operations that execute: a mutation refused before (no API key)
// opens no transaction. Register it with AroundResponses (NewServer does).
func (r *Resolver) AroundMutations(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	n, last := mutationFields(graphql.GetOperationContext(ctx))
	if n < 2 {
		return next(ctx)
	}
	var resp *graphql.Response
	err := r.Store.Write(ctx, func(ctx context.Context) error {
		resp = next(context.WithValue(ctx, mutationTxKey{}, mutationTx{last: last}))
		if resp != nil && len(resp.Errors) > 0 {
			return errRolledBack
		}
		return nil
	})
	// Whatever happened, the caches filled before may describe data that
	// changed, and nothing read inside the transaction was kept.
	r.forgetVocabulary()
	r.dataChanged()
	switch {
	case err == nil:
		return resp
	case resp != nil && len(resp.Errors) > 0:
		// A field failed: nothing was written, so no field's data stands.
		resp.Data = json.RawMessage("null")
		return resp
	default:
		// The fields ran but the commit failed.
		return &graphql.Response{
			Data:   json.RawMessage("null"),
			Errors: gqlerror.List{ErrorPresenter(r.log())(ctx, err)},
		}
	}
}

// errRolledBack tells Write to roll a request back after a field failed.
var errRolledBack = rolledBack{}

type rolledBack struct{}

func (rolledBack) Error() string { return "a mutation field failed" }

// AroundMutationFields gives each root mutation field fresh dataloaders, so
// that a field's payload does not show what an earlier field's loaded
// before it wrote, and skips the fields after one that failed inside a
// mutation transaction. Register it with AroundRootFields (NewServer does).
func (r *Resolver) AroundMutationFields(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Mutation {
		return next(ctx)
	}
	if tx, ok := ctx.Value(mutationTxKey{}).(mutationTx); ok {
		if len(graphql.GetErrors(ctx)) > 0 {
			return graphql.Null
		}
		if graphql.GetRootFieldContext(ctx).Field.Alias == tx.last {
			// Its write is likely the transaction's last: the store may
			// append the change log with it instead of at commit.
			ctx = c2c.WithLastWrite(ctx)
		}
	}
	return next(context.WithValue(ctx, loadersKey{}, newLoaders(r)))
}
