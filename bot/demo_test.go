package main

import (
	"context"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// Every command the demo banner suggests shows something, whatever the day:
// on a Saturday no computed ship-by falls within the next 24 hours, which
// left "orders due", the first suggestion, empty at weekends.
func TestDemoSuggestionsShowRowsEveryDay(t *testing.T) {
	monday := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for d := range 7 {
		for _, clock := range []time.Duration{20 * time.Minute, 9 * time.Hour, 23*time.Hour + 40*time.Minute} {
			now := monday.AddDate(0, 0, d).Add(clock)
			t.Run(now.Format("Monday_15:04"), func(t *testing.T) {
				ctx := context.Background()
				store, err := sqlstore.Open(ctx, "sqlite::memory:")
				if err != nil {
					t.Fatal(err)
				}
				defer store.Close()
				e := core.NewEngine(store, core.Options{Clock: enginetest.NewClock(now)})
				info, err := SeedDemo(ctx, e)
				if err != nil {
					t.Fatal(err)
				}
				owner := core.Actor{ID: "console:demo", Role: core.Owner, Source: "console"}
				tries := info.StaffTries()
				if len(tries) == 0 || tries[0] != "orders due" {
					t.Fatalf("suggestions %q", tries)
				}
				for _, line := range tries {
					res, err := e.RunLine(ctx, owner, line, false)
					if err != nil {
						t.Fatalf("%s: %v", line, err)
					}
					if len(res.Orders) == 0 && res.Order == nil {
						t.Errorf("%q shows nothing on %s", line, now.Format("Monday 15:04"))
					}
				}
				if info.BuyerOrderID == "" || info.BuyerEmail == "" {
					t.Errorf("no order for a buyer to verify with: %+v", info)
				}
			})
		}
	}
}
