package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/c2c-project/c2c/internal/server"
)

// shutdownFlags say how serve ends on SIGTERM or SIGINT.
type shutdownFlags struct {
	delay   time.Duration
	timeout time.Duration
}

func (sf *shutdownFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.DurationVar(&sf.delay, "shutdown-delay", envDuration(getenv, "C2C_SHUTDOWN_DELAY", 2*time.Second),
		"on SIGTERM, how long to keep serving with /readyz at 503 before closing the listener, so load balancers stop sending requests [C2C_SHUTDOWN_DELAY]")
	fs.DurationVar(&sf.timeout, "shutdown-timeout", envDuration(getenv, "C2C_SHUTDOWN_TIMEOUT", 0),
		"how long in-flight requests may take to finish once the listener is closed; 0 means the request timeout plus 5s [C2C_SHUTDOWN_TIMEOUT]")
}

// errShutdownCut is returned when requests were still running at the end
// of the shutdown timeout and were cut: serve exits 1 instead of 0.
var errShutdownCut = errors.New("requests were still running at the shutdown timeout and were cut")

// shutdown ends srv once ctx is done: api drains at once (it was given ctx
// through drainOn, so /readyz is 503 from the moment the signal arrived),
// the server keeps serving for the delay, then stops accepting
// connections, closes idle ones and waits for in-flight requests up to the
// timeout (requestTimeout + 5s when zero). nil means every request
// finished.
func (sf *shutdownFlags) shutdown(log *slog.Logger, srv *http.Server, api *server.Server, requestTimeout time.Duration) error {
	api.Drain()
	srv.SetKeepAlivesEnabled(false)
	log.Info("shutting down: /readyz answers 503", "delay", sf.delay.String())
	if sf.delay > 0 {
		time.Sleep(sf.delay)
	}
	timeout := sf.timeout
	if timeout <= 0 {
		timeout = requestTimeout + 5*time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = srv.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("shutdown after %v: %w", timeout, errShutdownCut)
		}
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("in-flight requests drained", "took", time.Since(start).String())
	return nil
}

// drainOn makes api drain the moment ctx is done, before serve's own
// goroutine gets to it.
func drainOn(ctx context.Context, api *server.Server) (stop func() bool) {
	return context.AfterFunc(ctx, api.Drain)
}
