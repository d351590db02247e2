package main

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/c2c-project/c2c/internal/server"
)

// fairFlags configure the pool of expensive operations and the per-client
// limits (server.FairShare).
type fairFlags struct{ server.FairShare }

func (ff *fairFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	f := &ff.FairShare
	fs.IntVar(&f.Slots, "expensive-slots", envInt(getenv, "C2C_EXPENSIVE_SLOTS", 0),
		"expensive operations (graph analyses, ego networks, exports) run at once; 0: half the processors, at least 1; -1: no pool [C2C_EXPENSIVE_SLOTS]")
	fs.IntVar(&f.Queue, "expensive-queue", envInt(getenv, "C2C_EXPENSIVE_QUEUE", 0),
		"expensive operations that wait for a slot; beyond, UNAVAILABLE with Retry-After; 0: 8 x slots [C2C_EXPENSIVE_QUEUE]")
	fs.DurationVar(&f.Wait, "expensive-wait", envDuration(getenv, "C2C_EXPENSIVE_WAIT", server.DefaultPoolWait),
		"longest wait for a slot before UNAVAILABLE with Retry-After [C2C_EXPENSIVE_WAIT]")
	fs.IntVar(&f.ClientSlots, "client-expensive-slots", envInt(getenv, "C2C_CLIENT_EXPENSIVE_SLOTS", 0),
		"slots one client holds at once; 0: half the slots, at least 1 [C2C_CLIENT_EXPENSIVE_SLOTS]")
	fs.Float64Var(&f.ClientShare, "client-share", envFloat(getenv, "C2C_CLIENT_SHARE", server.DefaultClientShare),
		"slot-seconds per second one client may use over time (a bucket of -client-share-burst); over it, UNAVAILABLE with Retry-After; 0: no bucket [C2C_CLIENT_SHARE]")
	fs.DurationVar(&f.ClientBurst, "client-share-burst", envDuration(getenv, "C2C_CLIENT_SHARE_BURST", server.DefaultClientBurst),
		"slot time a client's bucket holds [C2C_CLIENT_SHARE_BURST]")
	fs.Float64Var(&f.ClientRate, "client-rate", envFloat(getenv, "C2C_CLIENT_RATE", 0),
		"requests per second one client may send to /graphql and /export; over it, 429 RATE_LIMITED; 0: no limit [C2C_CLIENT_RATE]")
	fs.IntVar(&f.ClientBurstRequests, "client-burst", envInt(getenv, "C2C_CLIENT_BURST", 0),
		"burst of -client-rate; 0: twice the rate [C2C_CLIENT_BURST]")
	fs.Float64Var(&f.ClientRefusals, "client-refusals", envFloat(getenv, "C2C_CLIENT_REFUSALS", server.DefaultClientRefusals),
		"refused requests (limits, errors before execution) per second one client may send; past it, 429 RATE_LIMITED before the body is read; 0: no limit [C2C_CLIENT_REFUSALS]")
	fs.IntVar(&f.ClientRefusalBurst, "client-refusal-burst", envInt(getenv, "C2C_CLIENT_REFUSAL_BURST", server.DefaultClientRefusalBurst),
		"burst of -client-refusals [C2C_CLIENT_REFUSAL_BURST]")
	fs.IntVar(&f.ClientConcurrency, "client-concurrency", envInt(getenv, "C2C_CLIENT_CONCURRENCY", server.DefaultClientConcurrency),
		"requests one client may have in flight; over it, 429 RATE_LIMITED; -1: no limit [C2C_CLIENT_CONCURRENCY]")
}

// Environment variables of fairFlags checked by checkFairEnv: counts that
// may be -1, and numbers with a fraction (the durations are in run.go's
// durationEnv).
var (
	fairIntEnv   = []string{"C2C_EXPENSIVE_SLOTS", "C2C_EXPENSIVE_QUEUE", "C2C_CLIENT_EXPENSIVE_SLOTS", "C2C_CLIENT_BURST", "C2C_CLIENT_REFUSAL_BURST", "C2C_CLIENT_CONCURRENCY"}
	fairFloatEnv = []string{"C2C_CLIENT_SHARE", "C2C_CLIENT_RATE", "C2C_CLIENT_REFUSALS"}
)

func checkFairEnv(getenv func(string) string) error {
	for _, k := range fairIntEnv {
		if v := getenv(k); v != "" {
			if n, err := strconv.Atoi(v); err != nil || n < -1 {
				return usageError{fmt.Sprintf("%s: %q is not a whole number (or -1)", k, v)}
			}
		}
	}
	for _, k := range fairFloatEnv {
		if v := getenv(k); v != "" {
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return usageError{fmt.Sprintf("%s: %q is not a number", k, v)}
			}
		}
	}
	return nil
}

func envFloat(getenv func(string) string, key string, def float64) float64 {
	if v := getenv(key); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return def
}
