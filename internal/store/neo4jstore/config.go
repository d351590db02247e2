package neo4jstore

import (
	"net/url"
	"strings"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/changeset"
)

// Config says how to reach Neo4j and how long to wait for it.
type Config struct {
	// URI is the server address: neo4j://, neo4j+s://, bolt:// or bolt+s://.
	URI string
	// Username and Password authenticate with basic auth; no username means
	// no authentication (a server with auth disabled).
	Username string
	Password string
	// Database is the database every query runs against (default "neo4j").
	Database string
	// MaxPoolSize caps the connections the driver keeps (default 100).
	MaxPoolSize int
	// AcquireTimeout bounds the wait for a pooled connection, including
	// opening a new one, so requests fail fast with KindUnavailable while the
	// server is down (default 5s).
	AcquireTimeout time.Duration
	// ConnectTimeout bounds opening one socket (default 3s).
	ConnectTimeout time.Duration
	// TxTimeout is the server-side timeout of every transaction (default 30s).
	TxTimeout time.Duration
	// MaxRetryTime bounds the driver's retries of a transaction on transient
	// errors (default 5s).
	MaxRetryTime time.Duration
	// ChangeLogSize is how many change entries the store keeps (default
	// changeset.DefaultLogSize); a reader further behind gets
	// c2c.ErrChangesPruned and reloads in full.
	ChangeLogSize int
}

// Defaults for the zero fields of Config.
const (
	DefaultDatabase       = "neo4j"
	DefaultMaxPoolSize    = 100
	DefaultAcquireTimeout = 5 * time.Second
	DefaultConnectTimeout = 3 * time.Second
	DefaultTxTimeout      = 30 * time.Second
	DefaultMaxRetryTime   = 5 * time.Second
)

// ConfigFromEnv reads NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD and
// NEO4J_DATABASE through getenv (os.Getenv in production). Unset values keep
// their defaults; the URI is checked by Open.
func ConfigFromEnv(getenv func(string) string) Config {
	return Config{
		URI:      strings.TrimSpace(getenv("NEO4J_URI")),
		Username: getenv("NEO4J_USERNAME"),
		Password: getenv("NEO4J_PASSWORD"),
		Database: strings.TrimSpace(getenv("NEO4J_DATABASE")),
	}
}

// withDefaults fills the zero fields and checks the URI: KindInvalid naming
// NEO4J_URI for a missing URI or an unsupported scheme.
func (c Config) withDefaults() (Config, error) {
	if c.URI == "" {
		return c, c2c.Invalid("NEO4J_URI", "is required (e.g. bolt://127.0.0.1:7687)")
	}
	u, err := url.Parse(c.URI)
	if err != nil || u.Host == "" {
		return c, c2c.Invalid("NEO4J_URI", "%q is not a URI such as bolt://127.0.0.1:7687", c.URI)
	}
	switch u.Scheme {
	case "neo4j", "neo4j+s", "bolt", "bolt+s":
	default:
		return c, c2c.Invalid("NEO4J_URI", "scheme %q is not one of neo4j, neo4j+s, bolt, bolt+s", u.Scheme)
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.MaxPoolSize <= 0 {
		c.MaxPoolSize = DefaultMaxPoolSize
	}
	if c.AcquireTimeout <= 0 {
		c.AcquireTimeout = DefaultAcquireTimeout
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.ChangeLogSize <= 0 {
		c.ChangeLogSize = changeset.DefaultLogSize
	}
	if c.TxTimeout <= 0 {
		c.TxTimeout = DefaultTxTimeout
	}
	if c.MaxRetryTime <= 0 {
		c.MaxRetryTime = DefaultMaxRetryTime
	}
	return c, nil
}

// redactedURI returns the URI without credentials, for logs.
func redactedURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	u.User = nil
	return u.String()
}
