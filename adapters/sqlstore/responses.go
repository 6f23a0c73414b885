package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// The response rate and its breach hours are read from response_slots
// (migration 00018): per quarter hour (UTC), the buyer messages sent in it
// and how many of them were answered within 24 hours. Whether a message
// sent more than 24 hours ago is due and in the window depends on its row
// alone, so the window's slots before now - 24 h are summed from the
// counters; its partial first slot, and the last day, where a message
// becomes due as now passes its 24 hours, are counted from the rows (the
// messages_buyer_at index). Health then reads about 2,900 counters and a
// day's messages at any size, not every buyer message of 30 days.

const usPerSlot = int64(core.LateSlot / time.Microsecond)

const (
	rSent     = "sent"      // buyer messages sent in the slot
	rInWindow = "in_window" // of those, answered within 24 hours
)

// inWindow is "answered_at - at <= ResponseWindow" on the stored
// microseconds, as the statements compare it.
func inWindow(at time.Time, answered *time.Time) bool {
	return answered != nil && answered.UnixMicro()-at.UnixMicro() <= core.ResponseWindow.Microseconds()
}

// countResponse keeps, until the commit, what a buyer message sent at at
// changes in response_slots: sent is 1 for a new message, and its answer
// goes from before (nil when new or unanswered) to after.
func (t *Tx) countResponse(at time.Time, sent int64, before, after *time.Time) {
	d := b2i(inWindow(at, after)) - b2i(inWindow(at, before))
	if sent == 0 && d == 0 {
		return
	}
	if t.responses == nil {
		t.responses = make(map[counterKey]int64)
	}
	slot := periodOf(at, usPerSlot)
	t.responses[counterKey{slot, rSent}] += sent
	t.responses[counterKey{slot, rInWindow}] += d
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// responseParts splits [since, now] into the slots counted whole, [from,
// to), and the two parts around them counted from the rows: head, from
// since to the first whole slot, and tail, from the first slot that is not
// wholly before now - 24 h to now. Each part is [lo, hi], the bounds as
// sqlResponseCounts takes them (times are microseconds, so "before the
// slot" is "at most 1 µs before it").
func responseParts(since, now time.Time) (from, to int64, head, tail [2]time.Time) {
	from, _ = firstWhole(since, usPerSlot)
	// Slots before to end at or before now - 24 h (in stored microseconds).
	to = max(from, periodOf(now.Add(-core.ResponseWindow).Add(time.Microsecond), usPerSlot))
	end := now
	if s := periodStart(from, usPerSlot).Add(-time.Microsecond); s.Before(end) {
		end = s
	}
	return from, to, [2]time.Time{since, end}, [2]time.Time{periodStart(to, usPerSlot), now}
}

// sender = 'buyer' is spelled as in the messages_buyer_at index's
// predicate, so that both databases use that index. A message is due
// once answered or once its 24 hours are over (at <= now - 24 h); it is in
// the window if answered within 24 hours of being sent (dv).
//
// The period is [since, now], not the [since, now) core.Tx's comment
// says: a message sent at the very instant the rate is computed and
// answered at once (no reply needed) counts, as the engine's own
// scenarios expect. A message stamped after now (another replica's clock
// running ahead) is still left out.
const (
	responseRows = `SELECT COUNT(CASE WHEN answered_at IS NOT NULL OR at <= ? THEN 1 END),
		COUNT(CASE WHEN answered_at - at <= ? THEN 1 END)
		FROM messages WHERE sender = 'buyer' AND at >= ? AND at <= ?`
	// Due and not in the window: answered after 24 hours, or unanswered
	// with the 24 hours over.
	lateRows = `SELECT at FROM messages WHERE sender = 'buyer' AND at >= ? AND at <= ?
		AND (answered_at IS NULL AND at <= ? OR answered_at - at > ?)`
)

var (
	// The whole slots from the counters, then the head and the tail from
	// the rows, in one statement.
	sqlResponseCounts = prepared(`SELECT SUM(due), SUM(in_window) FROM (
		SELECT COALESCE(SUM(CASE WHEN metric = 'sent' THEN n END), 0) AS due,
			COALESCE(SUM(CASE WHEN metric = 'in_window' THEN n END), 0) AS in_window
			FROM response_slots WHERE slot >= ? AND slot < ?
		UNION ALL ` + responseRows + `
		UNION ALL ` + responseRows + `) r`)
	// A slot's misses are its messages not answered in the window; a
	// message of the head or the tail is one row each.
	sqlLateResponses = prepared(`SELECT slot, NULL, SUM(CASE WHEN metric = 'sent' THEN n ELSE -n END) FROM response_slots
			WHERE slot >= ? AND slot < ? GROUP BY slot HAVING SUM(CASE WHEN metric = 'sent' THEN n ELSE -n END) > 0
		UNION ALL SELECT NULL, at, 1 FROM (` + lateRows + `) h
		UNION ALL SELECT NULL, at, 1 FROM (` + lateRows + `) t`)
)

// responseArgs are the arguments of sqlResponseCounts and
// sqlLateResponses for [since, now].
func (db *DB) responseArgs(since, now time.Time) (counts, late []any) {
	from, to, head, tail := responseParts(since, now)
	cut, window := db.tv(now.Add(-core.ResponseWindow)), db.dv(core.ResponseWindow)
	counts = []any{from, to, cut, window, db.tv(head[0]), db.tv(head[1]), cut, window, db.tv(tail[0]), db.tv(tail[1])}
	late = []any{from, to, db.tv(head[0]), db.tv(head[1]), cut, window, db.tv(tail[0]), db.tv(tail[1]), cut, window}
	return counts, late
}

// ResponseCounts counts buyer messages sent in [since, now] (see
// responseRows) that are answered or past their 24 hours, and those
// answered within 24 hours.
func (t *Tx) ResponseCounts(ctx context.Context, since, now time.Time) (core.ResponseCounts, error) {
	var r core.ResponseCounts
	if t.write { // this transaction's own saves count too
		if err := t.flushCounters(ctx); err != nil {
			return r, err
		}
	}
	var due, in int64
	args, _ := t.db.responseArgs(since, now)
	err := t.stmt(ctx, sqlResponseCounts).QueryRowContext(ctx, args...).Scan(&due, &in)
	if err != nil {
		return r, t.fail(err, "count answered buyer messages")
	}
	return core.ResponseCounts{Due: int(due), InWindow: int(in)}, nil
}

// LateResponses counts the buyer messages answered late (or never) in
// [since, now] by when they were sent: per slot where the counters
// count them, one by one in the head and the tail; see core.Tx.
func (t *Tx) LateResponses(ctx context.Context, since, now time.Time) ([]core.LateCount, error) {
	if t.write {
		if err := t.flushCounters(ctx); err != nil {
			return nil, err
		}
	}
	_, args := t.db.responseArgs(since, now)
	rows, err := t.stmt(ctx, sqlLateResponses).QueryContext(ctx, args...)
	if err != nil {
		return nil, t.fail(err, "list late answers")
	}
	out, err := scanLate(rows)
	if err != nil {
		return nil, t.fail(err, "list late answers")
	}
	return out, nil
}

// scanLate reads rows of (slot or NULL, time or NULL, misses), oldest first.
func scanLate(rows *sql.Rows) ([]core.LateCount, error) {
	var out []core.LateCount
	err := eachRow(rows, func() error {
		var (
			slot sql.NullInt64
			at   *time.Time
			n    int64
		)
		if err := rows.Scan(&slot, nullTimeDest{&at}, &n); err != nil {
			return err
		}
		c := core.LateCount{N: int(n)}
		if slot.Valid {
			c.At = periodStart(slot.Int64, usPerSlot)
		} else if at != nil {
			c.At = *at
		}
		out = append(out, c)
		return nil
	})
	slices.SortStableFunc(out, func(a, b core.LateCount) int { return a.At.Compare(b.At) })
	return out, err
}

// RecountResponses counts what ResponseCounts and LateResponses do from
// every buyer message of [since, now], without response_slots: what they
// read before the counters, kept to check them (tests, a repair). The
// misses come one by one.
func (db *DB) RecountResponses(ctx context.Context, since, now time.Time) (core.ResponseCounts, []core.LateCount, error) {
	var (
		r    core.ResponseCounts
		late []core.LateCount
	)
	err := db.View(ctx, func(tx core.Tx) error {
		t := tx.(*Tx)
		cut, window := db.tv(now.Add(-core.ResponseWindow)), db.dv(core.ResponseWindow)
		rows, err := t.queryText(ctx, responseRows, cut, window, db.tv(since), db.tv(now))
		if err == nil {
			err = eachRow(rows, func() error { return rows.Scan(&r.Due, &r.InWindow) })
		}
		if err != nil {
			return t.fail(err, "count answered buyer messages")
		}
		rows, err = t.queryText(ctx, `SELECT NULL, at, 1 FROM (`+lateRows+`) l`, db.tv(since), db.tv(now), cut, window)
		if err == nil {
			late, err = scanLate(rows)
		}
		if err != nil {
			return t.fail(err, "list late answers")
		}
		return nil
	})
	return r, late, err
}

// rebuildResponses are the statements that refill response_slots from the
// messages, as migration 00018 first filled it (see RebuildHealth).
func (db *DB) rebuildResponses() []string {
	window := "'" + strconv.FormatInt(core.ResponseWindow.Microseconds(), 10) + " microseconds'::interval"
	if db.dialect == sqliteDialect {
		window = strconv.FormatInt(core.ResponseWindow.Microseconds(), 10)
	}
	slot := db.periodSQL("at", usPerSlot)
	return []string{`DELETE FROM response_slots`, `INSERT INTO response_slots (slot, metric, n)
		SELECT slot, metric, COUNT(*) FROM (
		SELECT ` + slot + ` AS slot, '` + rSent + `' AS metric FROM messages WHERE sender = 'buyer'
		UNION ALL SELECT ` + slot + `, '` + rInWindow + `' FROM messages WHERE sender = 'buyer' AND answered_at - at <= ` + window + `
		) f GROUP BY slot, metric`}
}
