package core

import (
	"context"
	"time"
)

// BuyerSession is a buyer signed in on a channel (the help page) after
// proving an order is theirs. It is kept in the store, not only in the
// buyer's cookie, so that signing out ends it on every replica at once and
// an old copy of the cookie is worth nothing.
type BuyerSession struct {
	ID        string    `json:"id"` // random, made by the channel
	Channel   string    `json:"channel"`
	OrderID   string    `json:"order_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Session ids are random values of the channel's own making; these bounds
// keep a guessable or oversized one out of the store.
const (
	MinSessionIDBytes = 16
	MaxSessionIDBytes = 64
)

// StartBuyerSession records a new session for an order a buyer has just
// verified (VerifyBuyer), ending at s.ExpiresAt. CreatedAt is now.
func (e *Engine) StartBuyerSession(ctx context.Context, s BuyerSession) error {
	now := e.now()
	switch {
	case len(s.ID) < MinSessionIDBytes || len(s.ID) > MaxSessionIDBytes || !isToken(s.ID):
		return FieldErrorf(Invalid, "session_id", "A session id must be %d to %d bytes of plain text (got %d bytes).", MinSessionIDBytes, MaxSessionIDBytes, len(s.ID))
	case s.Channel == "" || s.OrderID == "":
		return Errorf(Internal, "a buyer session without a channel or an order")
	case !s.ExpiresAt.After(now):
		return FieldErrorf(Invalid, "expires_at", "A session must end after it starts (it ends %s, now is %s).", s.ExpiresAt.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	s.CreatedAt = now
	return e.update(ctx, func(tx Tx) error { return tx.SaveBuyerSession(ctx, s) })
}

// BuyerSession returns a session that has not ended; an unknown, ended or
// expired one is NotFound.
func (e *Engine) BuyerSession(ctx context.Context, id string) (*BuyerSession, error) {
	var s *BuyerSession
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		s, err = tx.BuyerSession(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !e.now().Before(s.ExpiresAt) {
		return nil, Errorf(NotFound, "Your session has ended.")
	}
	return s, nil
}

// EndBuyerSession ends a session (signing out). Ending one that is
// already gone is not an error: the buyer is signed out either way.
func (e *Engine) EndBuyerSession(ctx context.Context, id string) error {
	return e.update(ctx, func(tx Tx) error {
		_, err := tx.DeleteBuyerSession(ctx, id)
		return err
	})
}

// isToken reports whether s is printable ASCII without spaces, as random
// tokens are.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
