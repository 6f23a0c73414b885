package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

func testVerifyFailures(t *testing.T, open func(t *testing.T) core.Store) {
	window := 15 * time.Minute
	count := func(e env, key string, after time.Time) (int, time.Time) {
		e.t.Helper()
		var n int
		var oldest time.Time
		e.view(func(tx core.Tx) (err error) {
			n, oldest, err = tx.VerifyFailures(e.ctx, key, after)
			return err
		})
		return n, oldest
	}
	add := func(e env, key string, at time.Time) error {
		return e.update(func(tx core.Tx) error { return tx.AddVerifyFailure(e.ctx, key, at) })
	}
	mustAdd := func(e env, key string, times ...time.Time) {
		e.t.Helper()
		for _, at := range times {
			if err := add(e, key, at); err != nil {
				e.t.Fatalf("AddVerifyFailure(%s, %s): %v", key, at, err)
			}
		}
	}

	t.Run("counts_a_keys_tries_after_a_time", func(t *testing.T) {
		e := newEnv(t, open)
		if n, oldest := count(e, "web:203.0.113.9", t0.Add(-window)); n != 0 || !oldest.IsZero() {
			t.Fatalf("no tries: %d, oldest %s; want 0 and a zero time", n, oldest)
		}
		// One exactly at the window's start no longer counts; two at the
		// same moment both do.
		mustAdd(e, "web:203.0.113.9", t0.Add(-20*time.Minute), t0.Add(-window), t0.Add(-10*time.Minute), t0, t0)
		mustAdd(e, "discord:80351110224678912", t0.Add(-12*time.Minute))
		n, oldest := count(e, "web:203.0.113.9", t0.Add(-window))
		if n != 3 || !oldest.Equal(t0.Add(-10*time.Minute)) {
			t.Fatalf("got %d tries, oldest %s; want 3, oldest %s", n, oldest, t0.Add(-10*time.Minute))
		}
		if n, _ := count(e, "web:203.0.113.90", t0.Add(-window)); n != 0 {
			t.Fatalf("a key that is a prefix of another's counts %d of its tries", n)
		}
		if n, oldest := count(e, "discord:80351110224678912", t0.Add(-window)); n != 1 || !oldest.Equal(t0.Add(-12*time.Minute)) {
			t.Fatalf("another key: %d, oldest %s", n, oldest)
		}
	})

	t.Run("rolled_back_try_does_not_count", func(t *testing.T) {
		e := newEnv(t, open)
		errBoom := errors.New("boom")
		err := e.update(func(tx core.Tx) error {
			if err := tx.AddVerifyFailure(e.ctx, "web:198.51.100.7", t0); err != nil {
				return err
			}
			return errBoom
		})
		if err != errBoom {
			t.Fatalf("Update: %v", err)
		}
		if n, _ := count(e, "web:198.51.100.7", t0.Add(-window)); n != 0 {
			t.Fatalf("%d tries counted after a rollback", n)
		}
	})

	t.Run("forget_old_tries", func(t *testing.T) {
		e := newEnv(t, open)
		mustAdd(e, "web:a", t0.Add(-2*time.Hour), t0.Add(-time.Hour), t0)
		mustAdd(e, "web:b", t0.Add(-90*time.Minute))
		var n int
		if err := e.update(func(tx core.Tx) (err error) {
			n, err = tx.ForgetVerifyFailures(e.ctx, t0.Add(-window))
			return err
		}); err != nil || n != 3 {
			t.Fatalf("ForgetVerifyFailures = %d, %v; want the 3 older than the window", n, err)
		}
		if got, _ := count(e, "web:a", time.Time{}); got != 1 {
			t.Fatalf("web:a keeps %d tries, want the recent one", got)
		}
		if got, _ := count(e, "web:b", time.Time{}); got != 0 {
			t.Fatalf("web:b keeps %d tries, want none", got)
		}
	})

	t.Run("refusals_change_nothing", func(t *testing.T) {
		e := newEnv(t, open)
		longest := "web:" + strings.Repeat("f", core.MaxVerifyKeyBytes-4)
		mustAdd(e, longest, t0)
		for _, c := range []struct {
			name, key string
			at        time.Time
		}{
			{"empty_key", "", t0},
			{"key_too_long", longest + "f", t0},
			{"key_with_nul", "web:\x00", t0},
			{"key_not_utf8", "web:\xff", t0},
			{"no_time", "web:a", time.Time{}},
		} {
			err := e.update(func(tx core.Tx) error { return tx.AddVerifyFailure(e.ctx, c.key, c.at) })
			wantCode(t, err, core.Invalid)
			if c.key != "web:a" && !strings.Contains(core.ErrorMessage(err), "client key") {
				t.Errorf("%s: message %q does not name the client key", c.name, core.ErrorMessage(err))
			}
			if c.key == "web:a" {
				continue
			}
			err = e.s.View(e.ctx, func(tx core.Tx) error { _, _, err := tx.VerifyFailures(e.ctx, c.key, t0); return err })
			wantCode(t, err, core.Invalid)
		}
		if n, _ := count(e, "web:a", time.Time{}); n != 0 {
			t.Fatalf("a refused try was recorded")
		}
		if n, _ := count(e, longest, time.Time{}); n != 1 {
			t.Fatalf("the longest key has %d tries, want 1", n)
		}
		err := e.s.View(e.ctx, func(tx core.Tx) error { return tx.AddVerifyFailure(e.ctx, "web:a", t0) })
		wantCode(t, err, core.Internal)
		err = e.s.View(e.ctx, func(tx core.Tx) error { _, err := tx.ForgetVerifyFailures(e.ctx, t0); return err })
		wantCode(t, err, core.Internal)
	})

	t.Run("concurrent_tries_counted_one_at_a_time", func(t *testing.T) {
		// Replicas checking one client's tries at the same moment: the
		// count and the record must not interleave, or more than the
		// limit get through.
		e := newEnv(t, open)
		const limit, tries = 5, 12
		errs := make([]error, tries)
		together(tries, func(i int) {
			errs[i] = e.update(func(tx core.Tx) error {
				n, _, err := tx.VerifyFailures(e.ctx, "web:192.0.2.1", t0.Add(-window))
				if err != nil || n >= limit {
					return err
				}
				time.Sleep(2 * time.Millisecond) // checking the secret
				return tx.AddVerifyFailure(e.ctx, "web:192.0.2.1", t0)
			})
		})
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		if n, _ := count(e, "web:192.0.2.1", t0.Add(-window)); n != limit {
			t.Fatalf("%d tries recorded, want exactly %d", n, limit)
		}
	})
}
