package sqlstore

import (
	"context"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

var (
	// A transaction-scoped advisory lock per key (the two-int form, whose
	// key space is apart from the migrations' one-bigint lock): there may
	// be no row to lock yet, and two replicas counting 4 at once must not
	// both let a fifth and sixth try through. A hash collision only makes
	// two keys wait for each other. SQLite needs none: its writers queue.
	sqlLockVerifyKey = preparedPG(`SELECT pg_advisory_xact_lock(hashtext('sellerdesk verify failures'), hashtext(?))`)
	// The count runs after the lock as its own statement, so on PostgreSQL
	// it sees what the transaction that held the lock committed.
	sqlVerifyFailures       = prepared(`SELECT COUNT(*), MIN(at) FROM verify_failures WHERE key = ? AND at > ?`)
	sqlAddVerifyFailure     = prepared(`INSERT INTO verify_failures (key, at) VALUES (?, ?)`)
	sqlForgetVerifyFailures = prepared(`DELETE FROM verify_failures WHERE at < ?`)
)

// VerifyFailures counts a client key's failed verifications after a time
// and returns the oldest; inside Update the key is locked first.
func (t *Tx) VerifyFailures(ctx context.Context, key string, after time.Time) (int, time.Time, error) {
	if err := checkVerifyKey(key); err != nil {
		return 0, time.Time{}, err
	}
	if t.write && t.db.dialect == postgresDialect {
		if _, err := t.exec(ctx, sqlLockVerifyKey, key); err != nil {
			return 0, time.Time{}, t.fail(err, "lock a client's verification tries")
		}
	}
	var n int64
	var oldest time.Time
	err := t.stmt(ctx, sqlVerifyFailures).QueryRowContext(ctx, key, t.db.tv(after)).Scan(&n, timeDest{&oldest})
	if err != nil {
		return 0, time.Time{}, t.fail(err, "count a client's verification tries")
	}
	return int(n), oldest, nil
}

// AddVerifyFailure records a failed verification by a client key. Rows
// older than the verification window are deleted by a daily job
// (ForgetVerifyFailures; verify_failures_at is there for that).
func (t *Tx) AddVerifyFailure(ctx context.Context, key string, at time.Time) error {
	if err := t.writable("AddVerifyFailure"); err != nil {
		return err
	}
	if err := checkVerifyKey(key); err != nil {
		return err
	}
	if at.IsZero() {
		return core.FieldErrorf(core.Invalid, "at", "A failed verification needs the time it happened")
	}
	if _, err := t.exec(ctx, sqlAddVerifyFailure, key, t.db.tv(at)); err != nil {
		return t.fail(err, "record a failed verification")
	}
	return nil
}

// ForgetVerifyFailures deletes failed verifications recorded before a time.
func (t *Tx) ForgetVerifyFailures(ctx context.Context, before time.Time) (int, error) {
	return t.deleteBefore(ctx, "ForgetVerifyFailures", sqlForgetVerifyFailures, before, "forget old verification tries")
}

// checkVerifyKey refuses an empty key, one the database would refuse less
// clearly (see storable), and one over core.MaxVerifyKeyBytes, so a caller
// can't fill the table with long keys.
func checkVerifyKey(key string) error {
	if key == "" || !storable(key) || len(key) > core.MaxVerifyKeyBytes {
		return core.FieldErrorf(core.Invalid, "client", "A verification client key must be plain, non-empty text of at most %d bytes (got %d bytes)", core.MaxVerifyKeyBytes, len(key))
	}
	return nil
}
