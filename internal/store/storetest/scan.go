package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/c2c-project/c2c/internal/c2c"
)

// scanKind is one of the store's scans with what checks it: the model's
// records in id order and the store's by-id read.
type scanKind[T any] struct {
	name  string
	scan  func(ctx context.Context, fn func(*T) error) error
	want  []*T
	byIDs func(ctx context.Context, ids []string) ([]*T, error)
	id    func(*T) string
}

// testScans checks the full scans on the hand fixture (themes,
// facilitators, dates of every precision and none, memberships with and
// without until) and a generated graph beside it: every record, in id
// order, as the by-id reads give it; fn's error and a cancelled context
// stop the scan.
func testScans(t *testing.T, s c2c.Store) {
	ctx := t.Context()
	m := mustLoadByCreate(t, s, handBatch())
	gb := GenerateBatch(20261204, 60, 300)
	_, err := s.Import(ctx, gb)
	mustNoError(t, "import the generated graph", err)
	m.add(gb)
	checkScanFixture(t, m)

	runScanChecks(t, scanKind[c2c.Actor]{"Actors", s.ScanActors, m.actorList(), s.ActorsByIDs, func(a *c2c.Actor) string { return a.ID }})
	runScanChecks(t, scanKind[c2c.Exchange]{"Exchanges", s.ScanExchanges, m.exchangeList(), s.ExchangesByIDs, func(x *c2c.Exchange) string { return x.ID }})
	runScanChecks(t, scanKind[c2c.Membership]{"Memberships", s.ScanMemberships, m.membershipList(), s.MembershipsByIDs, func(ms *c2c.Membership) string { return ms.ID }})

	t.Run("InsideWrite", func(t *testing.T) {
		// A scan with the context of a Write reads what it wrote so far.
		rollback := errors.New("roll back")
		added := c2c.Actor{ID: "zz-scan-inside-write", Kind: c2c.ActorCity, Name: "Inside", Country: "ZA"}
		err := s.Write(ctx, func(ctx context.Context) error {
			if _, err := s.CreateActor(ctx, added); err != nil {
				return err
			}
			var last string
			n := 0
			if err := s.ScanActors(ctx, func(a *c2c.Actor) error { last = a.ID; n++; return nil }); err != nil {
				return err
			}
			if got, want := last, added.ID; got != want {
				t.Errorf("last actor scanned inside the Write = %q, want %q", got, want)
			}
			if got, want := n, len(m.actors)+1; got != want {
				t.Errorf("actors scanned inside the Write = %d, want %d", got, want)
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("Write: got %v, want the rollback error", err)
		}
	})
}

// checkScanFixture fails unless the records the scans are checked on have
// every shape worth checking, so that a change to the fixtures cannot
// quietly weaken the checks.
func checkScanFixture(t *testing.T, m *model) {
	t.Helper()
	has := map[string]bool{}
	for _, a := range m.actors {
		has["actor with coordinates"] = has["actor with coordinates"] || a.Coords != nil
		has["actor in a region"] = has["actor in a region"] || a.RegionID != ""
		has["actor with alternative names"] = has["actor with alternative names"] || len(a.AltNames) > 0
	}
	for _, x := range m.exchanges {
		has["exchange with several themes"] = has["exchange with several themes"] || len(x.Themes) > 1
		has["exchange with facilitators"] = has["exchange with facilitators"] || len(x.Facilitators) > 0
		has["exchange without facilitators"] = has["exchange without facilitators"] || len(x.Facilitators) == 0
		has["exchange without dates"] = has["exchange without dates"] || x.Start == nil
		has["exchange with an end"] = has["exchange with an end"] || x.End != nil
		if x.Start != nil {
			has[fmt.Sprintf("exchange starting at precision %d", len(x.Start.String()))] = true
		}
	}
	for _, ms := range m.memberships {
		has["membership with since and until"] = has["membership with since and until"] || ms.Since != nil && ms.Until != nil
		has["membership without until"] = has["membership without until"] || ms.Until == nil
		has["membership without since"] = has["membership without since"] || ms.Since == nil
	}
	for _, want := range []string{"actor with coordinates", "actor in a region", "actor with alternative names",
		"exchange with several themes", "exchange with facilitators", "exchange without facilitators",
		"exchange without dates", "exchange with an end", "exchange starting at precision 4",
		"exchange starting at precision 7", "exchange starting at precision 10",
		"membership with since and until", "membership without until", "membership without since"} {
		if !has[want] {
			t.Errorf("the scan fixture has no %s", want)
		}
	}
}

func runScanChecks[T any](t *testing.T, k scanKind[T]) {
	t.Run(k.name, func(t *testing.T) {
		ctx := t.Context()
		if len(k.want) < 10 {
			t.Fatalf("the fixture has %d records, too few to check stopping", len(k.want))
		}
		var got []*T
		mustNoError(t, "scan", k.scan(ctx, func(v *T) error { got = append(got, v); return nil }))
		ids := make([]string, len(got))
		for i, v := range got {
			ids[i] = k.id(v)
		}
		for i := 1; i < len(ids); i++ {
			if ids[i-1] >= ids[i] {
				t.Errorf("scan ids are not strictly ascending: %q (#%d) then %q", ids[i-1], i-1, ids[i])
				break
			}
		}
		if diff := cmp.Diff(k.want, got, cmpOpts...); diff != "" {
			t.Errorf("scan differs from the reference (-want +got):\n%s", diff)
		}
		byID, err := k.byIDs(ctx, ids)
		mustNoError(t, "by ids", err)
		if diff := cmp.Diff(byID, got, cmpOpts...); diff != "" {
			t.Errorf("scan differs from the by-id read (-by id +scan):\n%s", diff)
		}

		t.Run("FnErrorStops", func(t *testing.T) {
			stop := errors.New("enough")
			n := 0
			err := k.scan(ctx, func(*T) error {
				n++
				if n == 3 {
					return stop
				}
				return nil
			})
			if !errors.Is(err, stop) || err.Error() != stop.Error() {
				t.Errorf("scan returned %v, want fn's error unchanged", err)
			}
			if n != 3 {
				t.Errorf("fn called %d times, want 3 (stopped at its error)", n)
			}
			// The store is still usable: the scan released what it held.
			n = 0
			mustNoError(t, "scan after a stopped scan", k.scan(ctx, func(*T) error { n++; return nil }))
			if n != len(k.want) {
				t.Errorf("scan after a stopped scan saw %d records, want %d", n, len(k.want))
			}
		})

		t.Run("Cancelled", func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			n := 0
			err := k.scan(cctx, func(*T) error {
				n++
				if n == 2 {
					cancel()
				}
				return nil
			})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Errorf("scan cancelled during the scan returned %v, want an error wrapping context.Canceled", err)
			}
			if n != 2 {
				t.Errorf("fn called %d times, want 2 (none after the cancellation)", n)
			}
			n = 0
			err = k.scan(cctx, func(*T) error { n++; return nil })
			if !errors.Is(err, context.Canceled) {
				t.Errorf("scan with a cancelled context returned %v, want an error wrapping context.Canceled", err)
			}
			if n != 0 {
				t.Errorf("scan with a cancelled context called fn %d times, want 0", n)
			}
		})
	})
}
