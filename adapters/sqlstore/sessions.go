package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

var (
	// ON CONFLICT DO NOTHING: a taken id is answered as Conflict without
	// aborting the transaction (PostgreSQL would on a unique violation).
	sqlSaveBuyerSession = prepared(`INSERT INTO buyer_sessions (id, channel, order_id, created_at, expires_at) VALUES ` +
		placeholders(5) + ` ON CONFLICT (id) DO NOTHING`)
	sqlBuyerSession        = prepared(`SELECT id, channel, order_id, created_at, expires_at FROM buyer_sessions WHERE id = ?`)
	sqlDeleteBuyerSession  = prepared(`DELETE FROM buyer_sessions WHERE id = ?`)
	sqlForgetBuyerSessions = prepared(`DELETE FROM buyer_sessions WHERE expires_at < ?`)
)

// SaveBuyerSession inserts a buyer session; a taken id is Conflict.
func (t *Tx) SaveBuyerSession(ctx context.Context, s core.BuyerSession) error {
	if err := t.writable("SaveBuyerSession"); err != nil {
		return err
	}
	if err := checkSessionID(s.ID); err != nil {
		return err
	}
	if !storable(s.Channel) || !storable(s.OrderID) || s.Channel == "" || s.OrderID == "" {
		return core.FieldErrorf(core.Invalid, "order_id", "A buyer session needs a channel and an order id of plain text")
	}
	if s.CreatedAt.IsZero() || s.ExpiresAt.IsZero() {
		return core.FieldErrorf(core.Invalid, "expires_at", "A buyer session needs the time it started and the time it ends")
	}
	res, err := t.exec(ctx, sqlSaveBuyerSession, s.ID, s.Channel, s.OrderID, t.db.tv(s.CreatedAt), t.db.tv(s.ExpiresAt))
	if err != nil {
		return t.fail(err, "record a buyer session")
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.fail(err, "record a buyer session")
	} else if n == 0 {
		return core.Errorf(core.Conflict, "A buyer session with that id already exists")
	}
	return nil
}

// BuyerSession returns a session by id, expired or not; NotFound if none.
func (t *Tx) BuyerSession(ctx context.Context, id string) (*core.BuyerSession, error) {
	if err := checkSessionID(id); err != nil {
		return nil, err
	}
	var s core.BuyerSession
	err := t.stmt(ctx, sqlBuyerSession).QueryRowContext(ctx, id).
		Scan(&s.ID, &s.Channel, &s.OrderID, timeDest{&s.CreatedAt}, timeDest{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, core.Errorf(core.NotFound, "No such buyer session")
	}
	if err != nil {
		return nil, t.fail(err, "read a buyer session")
	}
	return &s, nil
}

// DeleteBuyerSession deletes a session and reports whether there was one.
func (t *Tx) DeleteBuyerSession(ctx context.Context, id string) (bool, error) {
	if err := t.writable("DeleteBuyerSession"); err != nil {
		return false, err
	}
	if err := checkSessionID(id); err != nil {
		return false, err
	}
	res, err := t.exec(ctx, sqlDeleteBuyerSession, id)
	if err != nil {
		return false, t.fail(err, "end a buyer session")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, t.fail(err, "end a buyer session")
	}
	return n > 0, nil
}

// ForgetBuyerSessions deletes sessions that expired before a time.
func (t *Tx) ForgetBuyerSessions(ctx context.Context, before time.Time) (int, error) {
	return t.deleteBefore(ctx, "ForgetBuyerSessions", sqlForgetBuyerSessions, before, "forget expired buyer sessions")
}

// checkSessionID refuses an id a caller could use to fill the table or
// that the database would refuse less clearly.
func checkSessionID(id string) error {
	if id == "" || !storable(id) || len(id) > core.MaxSessionIDBytes {
		return core.FieldErrorf(core.Invalid, "session_id", "A buyer session id must be plain, non-empty text of at most %d bytes (got %d bytes)", core.MaxSessionIDBytes, len(id))
	}
	return nil
}
