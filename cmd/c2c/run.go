package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/c2c-project/c2c/internal/c2c"
	"github.com/c2c-project/c2c/internal/store/changeset"
	"github.com/c2c-project/c2c/internal/store/neo4jstore"
	"github.com/c2c-project/c2c/internal/store/sqlitestore"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// env is what run needs from the process: arguments, environment, output
// streams, and for tests a channel that receives the address serve listens
// on.
type env struct {
	args   []string
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	ready  chan<- string
}

// usageError marks errors in the command line; main exits 2 for them.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage: c2c <command> [flags]

commands:
  serve     run the GraphQL API (GraphiQL at /graphiql)
  import    load files into the store (see docs/import-formats.md)
  export    write a filtered subgraph as GraphML, GEXF or CSV
  migrate   apply schema migrations and exit
  version   print the version

Run 'c2c <command> -h' for the flags of a command.`

// errHelp ends a command after its flags were listed with -h.
var errHelp = errors.New("help shown")

func run(ctx context.Context, e *env) error {
	err := dispatch(ctx, e)
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, e *env) error {
	if err := checkEnv(e.getenv); err != nil {
		return err
	}
	if len(e.args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return usageError{"no command given"}
	}
	cmd, args := e.args[0], e.args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, e, args)
	case "import":
		return importCmd(ctx, e, args)
	case "export":
		return exportCmd(ctx, e, args)
	case "migrate":
		return migrateCmd(ctx, e, args)
	case "version":
		fmt.Fprintln(e.stdout, "c2c", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(e.stdout, usage)
		return nil
	default:
		fmt.Fprintln(e.stderr, usage)
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}

// storeFlags are the flags every command that opens a store shares.
type storeFlags struct {
	kind        string
	dataDir     string
	neo4j       neo4jstore.Config
	connectWait time.Duration
	logLevel    string
	// changeLogSize is how many change entries the store keeps.
	changeLogSize int
}

func (sf *storeFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&sf.kind, "store", envOr(getenv, "C2C_STORE", "sqlite"), "store backend: sqlite (embedded) or neo4j [C2C_STORE]")
	fs.StringVar(&sf.dataDir, "data-dir", envOr(getenv, "C2C_DATA_DIR", "data"), "directory of the embedded store [C2C_DATA_DIR]")
	sf.neo4j = neo4jstore.ConfigFromEnv(getenv)
	fs.StringVar(&sf.neo4j.URI, "neo4j-uri", sf.neo4j.URI, "Neo4j URI: neo4j://, neo4j+s://, bolt:// [NEO4J_URI]")
	fs.StringVar(&sf.neo4j.Username, "neo4j-username", sf.neo4j.Username, "Neo4j user; empty for no auth (the password comes from NEO4J_PASSWORD only) [NEO4J_USERNAME]")
	fs.StringVar(&sf.neo4j.Database, "neo4j-database", sf.neo4j.Database, "Neo4j database [NEO4J_DATABASE]")
	fs.IntVar(&sf.neo4j.MaxPoolSize, "neo4j-max-pool", envInt(getenv, "C2C_NEO4J_MAX_POOL", neo4jstore.DefaultMaxPoolSize), "Neo4j connection pool size [C2C_NEO4J_MAX_POOL]")
	fs.DurationVar(&sf.neo4j.AcquireTimeout, "neo4j-acquire-timeout", envDuration(getenv, "C2C_NEO4J_ACQUIRE_TIMEOUT", neo4jstore.DefaultAcquireTimeout), "wait for a pooled Neo4j connection before failing with UNAVAILABLE [C2C_NEO4J_ACQUIRE_TIMEOUT]")
	fs.DurationVar(&sf.neo4j.TxTimeout, "neo4j-tx-timeout", envDuration(getenv, "C2C_NEO4J_TX_TIMEOUT", neo4jstore.DefaultTxTimeout), "server-side Neo4j transaction timeout [C2C_NEO4J_TX_TIMEOUT]")
	fs.DurationVar(&sf.connectWait, "connect-timeout", envDuration(getenv, "C2C_CONNECT_TIMEOUT", 2*time.Minute), "how long to keep retrying an unreachable store at start [C2C_CONNECT_TIMEOUT]")
	fs.IntVar(&sf.changeLogSize, "change-log-size", envInt(getenv, "C2C_CHANGE_LOG_SIZE", changeset.DefaultLogSize), "change entries the store keeps; a process further behind reloads in full [C2C_CHANGE_LOG_SIZE]")
	fs.StringVar(&sf.logLevel, "log-level", envOr(getenv, "C2C_LOG_LEVEL", "info"), "log level: debug, info, warn, error [C2C_LOG_LEVEL]")
}

func (sf *storeFlags) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(sf.logLevel)); err != nil {
		return nil, usageError{fmt.Sprintf("-log-level: %q is not a level", sf.logLevel)}
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl})), nil
}

// open opens the configured store, retrying an unreachable Neo4j until the
// connect timeout.
func (sf *storeFlags) open(ctx context.Context, log *slog.Logger) (c2c.Store, error) {
	switch sf.kind {
	case "sqlite":
		if err := os.MkdirAll(sf.dataDir, 0o755); err != nil {
			return nil, fmt.Errorf("data dir: %w", err)
		}
		path := filepath.Join(sf.dataDir, "c2c.db")
		log.Info("opening embedded store", "path", path)
		st, err := sqlitestore.Open(ctx, path, sqlitestore.WithChangeLogSize(sf.changeLogSize))
		if err != nil {
			return nil, err
		}
		return st, nil
	case "neo4j":
		if sf.neo4j.URI == "" {
			return nil, usageError{"-store neo4j needs -neo4j-uri or NEO4J_URI"}
		}
		cctx, cancel := context.WithTimeout(ctx, sf.connectWait)
		defer cancel()
		log.Info("opening Neo4j store", "uri", sf.neo4j.URI, "database", sf.neo4j.Database)
		cfg := sf.neo4j
		cfg.ChangeLogSize = sf.changeLogSize
		st, err := neo4jstore.Open(cctx, cfg, log)
		if err != nil {
			return nil, err // not a typed nil inside the interface
		}
		return st, nil
	default:
		return nil, usageError{fmt.Sprintf("-store: %q is not sqlite or neo4j", sf.kind)}
	}
}

// Environment variables with typed values; checkEnv rejects a malformed one
// by name instead of letting it fall back to the default unnoticed.
var (
	durationEnv = []string{"C2C_CONNECT_TIMEOUT", "C2C_REQUEST_TIMEOUT", "C2C_NEO4J_ACQUIRE_TIMEOUT", "C2C_NEO4J_TX_TIMEOUT", "C2C_CACHE_TTL", "C2C_BATCH_WAIT", "C2C_SHUTDOWN_DELAY", "C2C_SHUTDOWN_TIMEOUT", "C2C_EXPENSIVE_WAIT", "C2C_CLIENT_SHARE_BURST"}
	intEnv      = []string{"C2C_MAX_DEPTH", "C2C_MAX_COMPLEXITY", "C2C_MAX_BODY", "C2C_MAX_GRAPH_EDGES", "C2C_MAX_PAIR_WORK", "C2C_NEO4J_MAX_POOL", "C2C_CHANGE_LOG_SIZE", "C2C_MAX_EXPORTS"}
	boolEnv     = []string{"C2C_DEMO", "C2C_DEBUG", "C2C_REQUIRE_READ_AUTH"}
)

func checkEnv(getenv func(string) string) error {
	for _, k := range durationEnv {
		if v := getenv(k); v != "" {
			if d, err := time.ParseDuration(v); err != nil || d < 0 {
				return usageError{fmt.Sprintf("%s: %q is not a duration such as 10s or 2m", k, v)}
			}
		}
	}
	for _, k := range intEnv {
		if v := getenv(k); v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < 0 {
				return usageError{fmt.Sprintf("%s: %q is not a whole number", k, v)}
			}
		}
	}
	if err := checkFairEnv(getenv); err != nil {
		return err
	}
	for _, k := range boolEnv {
		switch strings.ToLower(getenv(k)) {
		case "", "1", "true", "yes", "on", "0", "false", "no", "off":
		default:
			return usageError{fmt.Sprintf("%s: %q is not true or false", k, getenv(k))}
		}
	}
	return nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envDuration(getenv func(string) string, key string, def time.Duration) time.Duration {
	if v := getenv(key); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func envInt(getenv func(string) string, key string, def int) int {
	if v := getenv(key); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envBool(getenv func(string) string, key string, def bool) bool {
	switch strings.ToLower(getenv(key)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return def
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err.Error()}
	}
	return nil
}

func migrateCmd(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var sf storeFlags
	sf.register(fs, e.getenv)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := sf.logger(e.stderr)
	if err != nil {
		return err
	}
	st, err := sf.open(ctx, log) // opening applies the migrations
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "migrations applied")
	return st.Close()
}
