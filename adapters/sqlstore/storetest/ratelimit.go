package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

func testRateBuckets(t *testing.T, open func(t *testing.T) core.Store) {
	take := func(e env, key string, rate float64, burst int, now time.Time) (time.Duration, error) {
		var wait time.Duration
		err := e.update(func(tx core.Tx) (err error) {
			wait, err = tx.TakeRateToken(e.ctx, key, rate, burst, now)
			return err
		})
		return wait, err
	}
	mustTake := func(e env, key string, rate float64, burst int, now time.Time) time.Duration {
		e.t.Helper()
		wait, err := take(e, key, rate, burst, now)
		if err != nil {
			e.t.Fatalf("TakeRateToken(%s, %s): %v", key, now, err)
		}
		return wait
	}

	t.Run("new_bucket_is_full_then_refills_at_the_rate", func(t *testing.T) {
		e := newEnv(t, open)
		for i := range 3 {
			if w := mustTake(e, "spapi:s:getOrder", 0.5, 3, t0); w != 0 {
				t.Fatalf("take %d of a full bucket of 3 waits %s", i+1, w)
			}
		}
		if w := mustTake(e, "spapi:s:getOrder", 0.5, 3, t0); w != 2*time.Second {
			t.Fatalf("an empty bucket at 0.5/s waits %s, want 2s", w)
		}
		if w := mustTake(e, "spapi:s:getOrder", 0.5, 3, t0.Add(time.Second)); w != time.Second {
			t.Fatalf("half a token later: wait %s, want 1s", w)
		}
		if w := mustTake(e, "spapi:s:getOrder", 0.5, 3, t0.Add(2*time.Second)); w != 0 {
			t.Fatalf("a token later: wait %s, want 0", w)
		}
		if w := mustTake(e, "spapi:s:getOrder", 0.5, 3, t0.Add(2*time.Second)); w <= 0 {
			t.Fatal("the refilled token was taken twice")
		}
		// Keys are apart: another operation's bucket is still full.
		if w := mustTake(e, "spapi:s:getOrders", 0.5, 3, t0); w != 0 {
			t.Fatalf("another key waits %s", w)
		}
	})

	t.Run("refill_stops_at_the_burst_and_follows_a_new_rate", func(t *testing.T) {
		e := newEnv(t, open)
		mustTake(e, "k", 1, 2, t0)
		// An hour idle refills to the burst of 2, not 3600.
		later := t0.Add(time.Hour)
		for i := range 2 {
			if w := mustTake(e, "k", 1, 2, later); w != 0 {
				t.Fatalf("take %d after an idle hour waits %s", i+1, w)
			}
		}
		if w := mustTake(e, "k", 1, 2, later); w != time.Second {
			t.Fatalf("empty at 1/s: wait %s", w)
		}
		// The platform lowered the rate (x-amzn-RateLimit-Limit): the next
		// wait follows it.
		if w := mustTake(e, "k", 0.25, 2, later); w != 4*time.Second {
			t.Fatalf("empty at 0.25/s: wait %s, want 4s", w)
		}
		// A clock behind the stored time refills nothing.
		if w := mustTake(e, "k", 1, 2, t0); w != time.Second {
			t.Fatalf("a clock an hour behind: wait %s, want 1s", w)
		}
	})

	t.Run("bad_input_is_refused_and_changes_nothing", func(t *testing.T) {
		e := newEnv(t, open)
		for _, c := range []struct {
			key   string
			rate  float64
			burst int
			now   time.Time
		}{
			{"", 1, 1, t0},
			{string(make([]byte, core.MaxRateKeyBytes+1)), 1, 1, t0},
			{"k", 0, 1, t0},
			{"k", -1, 1, t0},
			{"k", 1, 0, t0},
			{"k", 1, 1, time.Time{}},
		} {
			_, err := take(e, c.key, c.rate, c.burst, c.now)
			wantCode(t, err, core.Invalid)
		}
		if w := mustTake(e, "k", 1, 1, t0); w != 0 {
			t.Fatalf("after refusals the bucket is not new and full: wait %s", w)
		}
	})

	t.Run("rolled_back_take_gives_the_token_back", func(t *testing.T) {
		e := newEnv(t, open)
		err := e.update(func(tx core.Tx) error {
			if _, err := tx.TakeRateToken(e.ctx, "k", 1, 1, t0); err != nil {
				return err
			}
			return core.Errorf(core.Conflict, "roll back")
		})
		wantCode(t, err, core.Conflict)
		if w := mustTake(e, "k", 1, 1, t0); w != 0 {
			t.Fatalf("a rolled-back take kept the token: wait %s", w)
		}
	})

	t.Run("concurrent_takes_never_exceed_the_burst", func(t *testing.T) {
		e := newEnv(t, open)
		const burst, tries = 5, 16
		var mu sync.Mutex
		var got int
		var wg sync.WaitGroup
		for range tries {
			wg.Go(func() {
				w, err := take(e, "shared", 0.001, burst, t0)
				if err != nil {
					t.Errorf("TakeRateToken: %v", err)
					return
				}
				if w == 0 {
					mu.Lock()
					got++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if got != burst {
			t.Fatalf("%d concurrent takes from a bucket of %d got %d tokens", tries, burst, got)
		}
	})
}
