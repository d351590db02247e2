package server

import (
	"context"
	"crypto/sha256"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodePersistedQueryNotFound is the extensions.code of a persisted-query
// hash the server does not know (yet): Apollo Client and urql then send the
// document with its hash, and later requests need only the hash.
const CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"

// Bounds of the automatic persisted-query store: documents by their
// SHA-256, least recently used out first.
const (
	apqEntries = 10_000
	apqBytes   = 32 << 20
)

// persistedQueries is gqlgen's automatic persisted queries (the protocol of
// Apollo's persisted-queries link and urql's persistedExchange, GET
// included) over a cache bounded in bytes. gqlgen gives its other refusals
// (a malformed extension, another version, a hash that does not match the
// document) no code; they are the client's mistakes: BAD_REQUEST.
type persistedQueries struct {
	apq extension.AutomaticPersistedQuery
}

var (
	_ graphql.HandlerExtension          = persistedQueries{}
	_ graphql.OperationParameterMutator = persistedQueries{}
)

func newPersistedQueries() persistedQueries {
	return persistedQueries{apq: extension.AutomaticPersistedQuery{
		Cache: newWeightedCache(apqEntries, apqBytes, func(hash, doc string) int { return len(hash) + len(doc) }),
	}}
}

// ExtensionName implements graphql.HandlerExtension.
func (p persistedQueries) ExtensionName() string { return p.apq.ExtensionName() }

// Validate implements graphql.HandlerExtension.
func (p persistedQueries) Validate(es graphql.ExecutableSchema) error { return p.apq.Validate(es) }

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (p persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if pq, ok := raw.Extensions["persistedQuery"]; ok {
		m, _ := pq.(map[string]any)
		hash, _ := m["sha256Hash"].(string)
		if len(hash) != 2*sha256.Size || strings.Trim(strings.ToLower(hash), "0123456789abcdef") != "" {
			return &gqlerror.Error{
				Message:    `extensions.persistedQuery.sha256Hash must be the SHA-256 of the document in 64 hexadecimal digits`,
				Extensions: map[string]any{"code": CodeBadRequest},
			}
		}
	}
	err := p.apq.MutateOperationParameters(ctx, raw)
	if err == nil {
		return nil
	}
	if _, ok := err.Extensions["code"]; !ok {
		if err.Extensions == nil {
			err.Extensions = map[string]any{}
		}
		err.Extensions["code"] = CodeBadRequest
	}
	return err
}
