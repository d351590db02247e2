package graph

import "github.com/c2c-project/c2c/graph/generated"

// gqlparser's prelude declares @defer, so introspection advertised it, but
// incremental delivery needs a streaming transport (multipart/mixed) that
// c2c does not serve: a client that deferred a fragment got one complete
// response, or none through transports that cannot stream. Removing the
// directive from the schema keeps introspection honest, and a document that
// uses it fails validation with "Unknown directive", as on any server
// without @defer. This runs once, before any server validates a document.
func init() {
	delete(generated.NewExecutableSchema(generated.Config{}).Schema().Directives, "defer")
}
