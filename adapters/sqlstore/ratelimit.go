package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

var (
	// A new bucket starts full: the row is inserted first (a second
	// replica's insert does nothing) so that the SELECT … FOR UPDATE below
	// always has a row to lock and two replicas take turns.
	sqlNewRateBucket = prepared(`INSERT INTO rate_buckets (key, tokens, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO NOTHING`)
	sqlRateBucketLock = prepared(`SELECT tokens, updated_at FROM rate_buckets WHERE key = ? FOR UPDATE`)
	sqlSaveRateBucket = prepared(`UPDATE rate_buckets SET tokens = ?, updated_at = ? WHERE key = ?`)
)

// TakeRateToken refills a shared token bucket to now and takes one token,
// or says how long until there is one.
func (t *Tx) TakeRateToken(ctx context.Context, key string, rate float64, burst int, now time.Time) (time.Duration, error) {
	if err := t.writable("TakeRateToken"); err != nil {
		return 0, err
	}
	if key == "" || !storable(key) || len(key) > core.MaxRateKeyBytes {
		return 0, core.FieldErrorf(core.Invalid, "key", "A rate bucket key must be plain, non-empty text of at most %d bytes (got %d bytes)", core.MaxRateKeyBytes, len(key))
	}
	if !(rate > 0) || math.IsInf(rate, 0) || burst < 1 {
		return 0, core.FieldErrorf(core.Invalid, "rate", "A rate bucket needs a finite rate above 0 and a burst of at least 1 (got %g/s, burst %d)", rate, burst)
	}
	if now.IsZero() {
		return 0, core.FieldErrorf(core.Invalid, "now", "A rate bucket needs the current time")
	}
	if _, err := t.exec(ctx, sqlNewRateBucket, key, float64(burst), t.db.tv(now)); err != nil {
		return 0, t.fail(err, "create a rate bucket")
	}
	var tokens float64
	var at time.Time
	err := t.stmt(ctx, sqlRateBucketLock).QueryRowContext(ctx, key).Scan(&tokens, timeDest{&at})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, core.Errorf(core.Internal, "The rate bucket %q vanished while it was being taken from.", key)
	}
	if err != nil {
		return 0, t.fail(err, "read a rate bucket")
	}
	// A clock behind the stored time (another replica's clock runs ahead)
	// refills nothing rather than draining the bucket.
	if elapsed := now.Sub(at).Seconds(); elapsed > 0 {
		tokens += elapsed * rate
		at = now
	}
	// A lowered burst (or rate header) caps what was saved under the old one.
	tokens = math.Min(tokens, float64(burst))
	if tokens < 1 {
		wait := time.Duration(math.Ceil((1 - tokens) / rate * float64(time.Second)))
		return max(wait, time.Microsecond), nil
	}
	if _, err := t.exec(ctx, sqlSaveRateBucket, tokens-1, t.db.tv(at), key); err != nil {
		return 0, t.fail(err, "take a token from a rate bucket")
	}
	return 0, nil
}
