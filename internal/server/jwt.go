package server

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultRoleClaim is the JWT claim that names the caller's role.
const DefaultRoleClaim = "role"

// JWTConfig configures bearer tokens signed by an identity provider, beside
// the API keys. A token must be signed with HS256 under HS256Secret or with
// RS256 under RS256PublicKey (either or both may be set), must carry an
// expiry (exp) that has not passed, must not be used before its nbf, and
// must name its role in RoleClaim: "reader" (queries and /export) or
// "editor" (mutations too). Issuer and Audience, when set, must match the
// token's iss and aud.
type JWTConfig struct {
	HS256Secret    []byte
	RS256PublicKey *rsa.PublicKey
	Issuer         string
	Audience       string
	// RoleClaim is the claim holding the role; DefaultRoleClaim when
	// empty. Its value is a string or a list of strings (the strongest
	// role counts).
	RoleClaim string
	// Leeway allows for clock skew when checking exp and nbf; 0 means 30
	// seconds.
	Leeway time.Duration
}

// LoadRSAPublicKey reads a PEM file holding an RSA public key (PKIX
// "PUBLIC KEY" or PKCS #1 "RSA PUBLIC KEY") or a certificate carrying one.
func LoadRSAPublicKey(path string) (*rsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := jwt.ParseRSAPublicKeyFromPEM(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// JWTVerifier checks bearer tokens against a JWTConfig. Build it with
// NewJWTVerifier and set it as Config.JWT.
type JWTVerifier struct {
	cfg    JWTConfig
	parser *jwt.Parser
}

// NewJWTVerifier checks cfg and returns its verifier: an error when it
// has no key, or an HS256 secret shorter than 256 bits.
func NewJWTVerifier(cfg JWTConfig) (*JWTVerifier, error) {
	if len(cfg.HS256Secret) == 0 && cfg.RS256PublicKey == nil {
		return nil, errors.New("a JWT configuration needs an HS256 secret or an RS256 public key")
	}
	if n := len(cfg.HS256Secret); n > 0 && n < 32 {
		return nil, fmt.Errorf("the HS256 secret has %d bytes: it needs at least 32 (256 bits)", n)
	}
	c := cfg
	if c.RoleClaim == "" {
		c.RoleClaim = DefaultRoleClaim
	}
	if c.Leeway <= 0 {
		c.Leeway = 30 * time.Second
	}
	var methods []string
	if len(c.HS256Secret) > 0 {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if c.RS256PublicKey != nil {
		methods = append(methods, jwt.SigningMethodRS256.Alg())
	}
	opts := []jwt.ParserOption{jwt.WithValidMethods(methods), jwt.WithExpirationRequired(), jwt.WithLeeway(c.Leeway)}
	if c.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(c.Issuer))
	}
	if c.Audience != "" {
		opts = append(opts, jwt.WithAudience(c.Audience))
	}
	return &JWTVerifier{cfg: c, parser: jwt.NewParser(opts...)}, nil
}

// verify returns the role a valid token grants, or why the token is not
// valid (in words a client may see: no key material).
func (v *JWTVerifier) verify(token string) (Role, error) {
	claims := jwt.MapClaims{}
	_, err := v.parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		// WithValidMethods has already refused any other algorithm.
		switch t.Method.Alg() {
		case jwt.SigningMethodHS256.Alg():
			return v.cfg.HS256Secret, nil
		case jwt.SigningMethodRS256.Alg():
			return v.cfg.RS256PublicKey, nil
		}
		return nil, fmt.Errorf("algorithm %s is not accepted", t.Method.Alg())
	})
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return RoleNone, errors.New("it has expired")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return RoleNone, errors.New("it has no expiry (exp)")
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return RoleNone, errors.New("it is not valid yet")
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return RoleNone, errors.New("its issuer is not accepted")
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return RoleNone, errors.New("its audience is not accepted")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return RoleNone, errors.New("its signature or algorithm is not accepted")
	case err != nil:
		return RoleNone, errors.New("it is malformed")
	}
	role := RoleNone
	switch c := claims[v.cfg.RoleClaim].(type) {
	case string:
		role = roleNamed(c)
	case []any:
		for _, e := range c {
			if s, ok := e.(string); ok {
				role = max(role, roleNamed(s))
			}
		}
	}
	if role == RoleNone {
		return RoleNone, fmt.Errorf("its %q claim names neither reader nor editor", v.cfg.RoleClaim)
	}
	return role, nil
}

func roleNamed(s string) Role {
	switch s {
	case "reader":
		return RoleReader
	case "editor":
		return RoleEditor
	}
	return RoleNone
}
