// Command c2c serves, imports and exports the city-to-city cooperation graph.
//
//	c2c serve     run the GraphQL API (embedded store with demo data by default)
//	c2c import    load CSV / JSON Lines / twin-town files into the store
//	c2c export    write a filtered subgraph as GraphML, GEXF or CSV
//	c2c migrate   apply the store's schema migrations and exit
//	c2c version   print the version
//
// Configuration comes from flags and from C2C_* and NEO4J_* environment
// variables; `c2c help` and `c2c CMD -h` list them.
//
// Exit codes: 0 on success, serve included when SIGTERM or SIGINT ended it
// and every in-flight request finished; 1 on an error (serve: requests
// still running at -shutdown-timeout were cut); 2 on a usage error. A
// second signal during shutdown ends the process at once.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, the next one gets the default behaviour: the
	// process ends at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, &env{args: os.Args[1:], getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "c2c:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
