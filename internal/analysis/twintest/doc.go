// Package twintest checks the analysis package against independent
// computations (BFS, counting, union-find, Brandes, NetworkX) on real data:
// the Wikipedia twin-town sample imported into an embedded store. It holds
// tests only; they skip when the sample (../shared beside the repository)
// is absent.
package twintest
