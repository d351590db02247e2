package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/c2c-project/c2c/internal/server"
)

// accessFlags are the serve flags of who may call the API and from where:
// read keys, JWT verification, CORS origins and the export limit. API keys
// (-api-keys) stay with the other serve flags.
type accessFlags struct {
	readKeys        string
	requireReadAuth bool
	jwtSecretFile   string
	jwtPublicKey    string
	jwtIssuer       string
	jwtAudience     string
	jwtRoleClaim    string
	corsOrigins     string
	maxExports      int
	getenv          func(string) string
}

func (af *accessFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	af.getenv = getenv
	fs.StringVar(&af.readKeys, "read-keys", getenv("C2C_READ_KEYS"), "comma-separated keys allowed to read but not mutate; any makes reads need a key or token [C2C_READ_KEYS]")
	fs.BoolVar(&af.requireReadAuth, "require-read-auth", envBool(getenv, "C2C_REQUIRE_READ_AUTH", false), "reads (queries, /export) need a key or token even without read keys [C2C_REQUIRE_READ_AUTH]")
	fs.StringVar(&af.jwtSecretFile, "jwt-secret-file", getenv("C2C_JWT_SECRET_FILE"), "file holding the HS256 secret (32 bytes or more) of accepted JWTs; or set C2C_JWT_SECRET [C2C_JWT_SECRET_FILE]")
	fs.StringVar(&af.jwtPublicKey, "jwt-public-key-file", getenv("C2C_JWT_PUBLIC_KEY_FILE"), "PEM file of the RSA public key of accepted RS256 JWTs [C2C_JWT_PUBLIC_KEY_FILE]")
	fs.StringVar(&af.jwtIssuer, "jwt-issuer", getenv("C2C_JWT_ISSUER"), "iss a JWT must carry; empty accepts any [C2C_JWT_ISSUER]")
	fs.StringVar(&af.jwtAudience, "jwt-audience", getenv("C2C_JWT_AUDIENCE"), "aud a JWT must carry; empty accepts any [C2C_JWT_AUDIENCE]")
	fs.StringVar(&af.jwtRoleClaim, "jwt-role-claim", envOr(getenv, "C2C_JWT_ROLE_CLAIM", server.DefaultRoleClaim), "JWT claim naming the role: reader or editor [C2C_JWT_ROLE_CLAIM]")
	fs.StringVar(&af.corsOrigins, "cors-origins", getenv("C2C_CORS_ORIGINS"), "comma-separated browser origins allowed to call the API from other sites (https://app.example.org, or * for any); none sends no CORS headers [C2C_CORS_ORIGINS]")
	fs.IntVar(&af.maxExports, "max-exports", envInt(getenv, "C2C_MAX_EXPORTS", server.DefaultMaxExports), "most /export downloads streaming at once; more are answered 503 with Retry-After [C2C_MAX_EXPORTS]")
}

// access is what accessFlags resolve to, checked before the server
// listens: a key file that cannot be read stops serve at once.
type access struct {
	readKeys, corsOrigins []string
	requireReadAuth       bool
	maxExports            int
	jwt                   *server.JWTVerifier
}

// apply sets the access fields of cfg.
func (a access) apply(cfg *server.Config) {
	cfg.ReadKeys, cfg.RequireReadAuth, cfg.CORSOrigins = a.readKeys, a.requireReadAuth, a.corsOrigins
	cfg.MaxExports, cfg.JWT = a.maxExports, a.jwt
}

// resolve checks the flags and reads the JWT key files.
func (af *accessFlags) resolve() (access, error) {
	a := access{
		readKeys: splitKeys(af.readKeys), corsOrigins: splitKeys(af.corsOrigins),
		requireReadAuth: af.requireReadAuth, maxExports: af.maxExports,
	}
	if af.maxExports < 1 {
		return a, usageError{"-max-exports: must be at least 1"}
	}
	jc := server.JWTConfig{Issuer: af.jwtIssuer, Audience: af.jwtAudience, RoleClaim: af.jwtRoleClaim}
	if s := af.getenv("C2C_JWT_SECRET"); s != "" {
		jc.HS256Secret = []byte(s)
	}
	if af.jwtSecretFile != "" {
		b, err := os.ReadFile(af.jwtSecretFile)
		if err != nil {
			return a, fmt.Errorf("-jwt-secret-file: %w", err)
		}
		jc.HS256Secret = []byte(strings.TrimRight(string(b), "\r\n"))
	}
	if af.jwtPublicKey != "" {
		key, err := server.LoadRSAPublicKey(af.jwtPublicKey)
		if err != nil {
			return a, fmt.Errorf("-jwt-public-key-file: %w", err)
		}
		jc.RS256PublicKey = key
	}
	if len(jc.HS256Secret) == 0 && jc.RS256PublicKey == nil {
		if af.jwtIssuer != "" || af.jwtAudience != "" {
			return a, usageError{"-jwt-issuer and -jwt-audience need -jwt-secret-file, C2C_JWT_SECRET or -jwt-public-key-file"}
		}
		return a, nil
	}
	v, err := server.NewJWTVerifier(jc)
	if err != nil {
		return a, usageError{"jwt: " + err.Error()}
	}
	a.jwt = v
	return a, nil
}
