package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

func testBuyerSessions(t *testing.T, open func(t *testing.T) core.Store) {
	session := func(id string, expires time.Time) core.BuyerSession {
		return core.BuyerSession{ID: id, Channel: "web", OrderID: "111-1111111-1111111", CreatedAt: t0, ExpiresAt: expires}
	}
	save := func(e env, s core.BuyerSession) error {
		return e.update(func(tx core.Tx) error { return tx.SaveBuyerSession(e.ctx, s) })
	}
	read := func(e env, id string) (*core.BuyerSession, error) {
		var s *core.BuyerSession
		err := e.s.View(e.ctx, func(tx core.Tx) (err error) {
			s, err = tx.BuyerSession(e.ctx, id)
			return err
		})
		return s, err
	}
	del := func(e env, id string) (bool, error) {
		var ok bool
		err := e.update(func(tx core.Tx) (err error) {
			ok, err = tx.DeleteBuyerSession(e.ctx, id)
			return err
		})
		return ok, err
	}
	const id1, id2 = "sess-aaaaaaaaaaaaaaaaaaaaaa", "sess-bbbbbbbbbbbbbbbbbbbbbb"

	t.Run("saved_session_reads_back", func(t *testing.T) {
		e := newEnv(t, open)
		want := session(id1, t0.Add(7*day))
		if err := save(e, want); err != nil {
			t.Fatal(err)
		}
		got, err := read(e, id1)
		if err != nil || *got != want {
			t.Fatalf("read back %+v, %v; want %+v", got, err, want)
		}
		_, err = read(e, id2)
		wantCode(t, err, core.NotFound)
	})

	t.Run("taken_id_is_a_conflict_and_changes_nothing", func(t *testing.T) {
		e := newEnv(t, open)
		first := session(id1, t0.Add(day))
		if err := save(e, first); err != nil {
			t.Fatal(err)
		}
		again := first
		again.OrderID = "222-2222222-2222222"
		wantCode(t, save(e, again), core.Conflict)
		if got, err := read(e, id1); err != nil || got.OrderID != first.OrderID {
			t.Fatalf("after the conflict: %+v, %v", got, err)
		}
	})

	t.Run("delete_ends_one_session", func(t *testing.T) {
		e := newEnv(t, open)
		for _, id := range []string{id1, id2} {
			if err := save(e, session(id, t0.Add(day))); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := del(e, id1); !ok || err != nil {
			t.Fatalf("delete: %v, %v", ok, err)
		}
		if ok, err := del(e, id1); ok || err != nil {
			t.Fatalf("delete again: %v, %v; want false and no error", ok, err)
		}
		_, err := read(e, id1)
		wantCode(t, err, core.NotFound)
		if _, err := read(e, id2); err != nil {
			t.Fatalf("the other session went too: %v", err)
		}
	})

	t.Run("rolled_back_session_is_not_kept", func(t *testing.T) {
		e := newEnv(t, open)
		errBoom := errors.New("boom")
		err := e.update(func(tx core.Tx) error {
			if err := tx.SaveBuyerSession(e.ctx, session(id1, t0.Add(day))); err != nil {
				return err
			}
			return errBoom
		})
		if err != errBoom {
			t.Fatalf("Update: %v", err)
		}
		_, err = read(e, id1)
		wantCode(t, err, core.NotFound)
	})

	t.Run("forget_expired_sessions", func(t *testing.T) {
		e := newEnv(t, open)
		for id, exp := range map[string]time.Time{
			"old-session-expired-a": t0.Add(-day),
			"old-session-expired-b": t0.Add(-time.Microsecond),
			"session-expiring-now0": t0, // not before t0: kept
			"session-still-current": t0.Add(day),
		} {
			if err := save(e, session(id, exp)); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := e.update(func(tx core.Tx) (err error) {
			n, err = tx.ForgetBuyerSessions(e.ctx, t0)
			return err
		}); err != nil || n != 2 {
			t.Fatalf("ForgetBuyerSessions = %d, %v; want the 2 expired before t0", n, err)
		}
		for _, id := range []string{"session-expiring-now0", "session-still-current"} {
			if _, err := read(e, id); err != nil {
				t.Errorf("%s: %v", id, err)
			}
		}
		_, err := read(e, "old-session-expired-a")
		wantCode(t, err, core.NotFound)
	})

	t.Run("refusals_change_nothing", func(t *testing.T) {
		e := newEnv(t, open)
		longest := strings.Repeat("s", core.MaxSessionIDBytes)
		if err := save(e, session(longest, t0.Add(day))); err != nil {
			t.Fatalf("longest id: %v", err)
		}
		for name, s := range map[string]core.BuyerSession{
			"empty_id":    session("", t0.Add(day)),
			"id_too_long": session(longest+"s", t0.Add(day)),
			"id_with_nul": session("sess-\x00-aaaaaaaaaaaaaa", t0.Add(day)),
			"no_order":    {ID: id1, Channel: "web", CreatedAt: t0, ExpiresAt: t0.Add(day)},
			"no_end":      {ID: id2, Channel: "web", OrderID: "111-1111111-1111111", CreatedAt: t0},
		} {
			wantCode(t, save(e, s), core.Invalid)
			if s.ID != "" && !strings.Contains(s.ID, "\x00") && len(s.ID) <= core.MaxSessionIDBytes {
				if _, err := read(e, s.ID); core.ErrorCode(err) != core.NotFound {
					t.Errorf("%s: a refused session was kept (%v)", name, err)
				}
			}
		}
		_, err := read(e, longest+"s")
		wantCode(t, err, core.Invalid)
		err = e.s.View(e.ctx, func(tx core.Tx) error { return tx.SaveBuyerSession(e.ctx, session(id1, t0.Add(day))) })
		wantCode(t, err, core.Internal)
		err = e.s.View(e.ctx, func(tx core.Tx) error { _, err := tx.DeleteBuyerSession(e.ctx, longest); return err })
		wantCode(t, err, core.Internal)
		err = e.s.View(e.ctx, func(tx core.Tx) error { _, err := tx.ForgetBuyerSessions(e.ctx, t0.Add(2*day)); return err })
		wantCode(t, err, core.Internal)
		if _, err := read(e, longest); err != nil {
			t.Fatalf("the longest id's session went: %v", err)
		}
	})
}
