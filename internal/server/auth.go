package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/c2c-project/c2c/internal/c2c"
)

// ReadOnlyMessage is the error message of a mutation sent to a server with
// no API key configured.
const ReadOnlyMessage = "this server is read-only: no API key is configured (set C2C_API_KEYS)"

// Role is what a caller may do: read, or read and write.
type Role int

// The roles, weakest first. API keys (Config.APIKeys) are editors, read
// keys (Config.ReadKeys) readers; a JWT names its role in a claim.
const (
	RoleNone   Role = iota // no credential
	RoleReader             // queries and /export
	RoleEditor             // queries, /export and mutations
)

// String returns the role's name as tokens carry it.
func (r Role) String() string {
	switch r {
	case RoleReader:
		return "reader"
	case RoleEditor:
		return "editor"
	}
	return "none"
}

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

// credential is what the Authorization header of a request proved: a role,
// or why it proved nothing (a key or token that is not valid).
type credential struct {
	role Role
	err  *gqlerror.Error
}

type credentialKey struct{}

// credentialOf returns the credential authenticate found for the request
// ctx belongs to; none when the request carried no Authorization header.
func credentialOf(ctx context.Context) credential {
	c, _ := ctx.Value(credentialKey{}).(credential)
	return c
}

// authEnabled reports whether the server checks credentials at all: some
// API key, read key or token verifier is configured. A server with none
// ignores the Authorization header: it serves reads to everyone and refuses
// every mutation as read-only.
func (s *Server) authEnabled() bool {
	return len(s.keys) > 0 || len(s.readKeys) > 0 || s.jwt != nil
}

// readsNeedCredential reports whether queries and /export need a reader
// or editor credential: when read keys are configured, or
// Config.RequireReadAuth asks for it.
func (s *Server) readsNeedCredential() bool {
	return len(s.readKeys) > 0 || s.cfg.RequireReadAuth
}

// authenticate checks the request's bearer credential once, before the
// body is read, and leaves the outcome in the context for authorize (every
// GraphQL operation) and /export. A credential that is given but not valid
// is refused even where no credential is needed, as a client sending one
// expects it to count.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" || !s.authEnabled() {
			next.ServeHTTP(w, r)
			return
		}
		c := s.checkCredential(header)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), credentialKey{}, c)))
	})
}

func deny(kind c2c.ErrorKind, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": kind.String()}}
}

// checkCredential returns the role header proves: an API key, a read key,
// or (when a verifier is configured) a signed JWT.
func (s *Server) checkCredential(header string) credential {
	scheme, token, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return credential{err: deny(c2c.KindUnauthenticated, "send Authorization: Bearer <key or token>")}
	}
	token = strings.TrimSpace(token)
	switch {
	case s.keys.match(token):
		return credential{role: RoleEditor}
	case s.readKeys.match(token):
		return credential{role: RoleReader}
	case s.jwt != nil && strings.Count(token, ".") == 2:
		role, err := s.jwt.verify(token)
		if err != nil {
			return credential{err: deny(c2c.KindUnauthenticated, "the bearer token is not valid: "+err.Error())}
		}
		return credential{role: role}
	}
	if s.jwt != nil {
		return credential{err: deny(c2c.KindUnauthenticated, "the API key or token is not valid")}
	}
	return credential{err: deny(c2c.KindUnauthenticated, "the API key is not valid")}
}

// authorize is an operation middleware: every mutation, whatever the
// transport, needs the editor role; queries need the reader role when
// reads need a credential, and pass otherwise.
func (s *Server) authorize(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil {
		return next(ctx)
	}
	need := RoleReader
	if oc.Operation.Operation != ast.Query {
		need = RoleEditor
	}
	if err := s.allow(credentialOf(ctx), need); err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	return next(ctx)
}

// allow returns why c may not act with role need, or nil.
func (s *Server) allow(c credential, need Role) *gqlerror.Error {
	if need == RoleEditor && len(s.keys) == 0 && s.jwt == nil {
		return deny(c2c.KindForbidden, ReadOnlyMessage)
	}
	if c.err != nil {
		return c.err
	}
	if need == RoleReader && !s.readsNeedCredential() {
		return nil
	}
	switch {
	case c.role >= need:
		return nil
	case c.role == RoleNone && need == RoleEditor:
		return deny(c2c.KindUnauthenticated, "mutations need an API key or an editor token: send Authorization: Bearer <key>")
	case c.role == RoleNone:
		return deny(c2c.KindUnauthenticated, "reads need a key or token on this server: send Authorization: Bearer <key>")
	}
	return deny(c2c.KindForbidden, "this needs the "+need.String()+" role; the credential has "+c.role.String())
}
