package core

import (
	"context"
	"time"
)

// MaxRateKeyBytes bounds a rate bucket's key ("spapi:<seller>:<operation>").
const MaxRateKeyBytes = 200

// TakeRateToken waits until the shared token bucket key (rate tokens a
// second, up to burst) has a token and takes it, so every replica calling
// a platform together stays within the platform's usage plan. It returns
// ctx's error when ctx ends first, and a *RetryAfter at once when the token
// would come after ctx's deadline. sleep waits for a duration or ctx's end
// (a test passes a fake one; nil is a real timer).
func (e *Engine) TakeRateToken(ctx context.Context, key string, rate float64, burst int, sleep func(context.Context, time.Duration) error) error {
	if key == "" || len(key) > MaxRateKeyBytes {
		return FieldErrorf(Invalid, "key", "A rate bucket needs a key of 1 to %d bytes (got %d)", MaxRateKeyBytes, len(key))
	}
	if !(rate > 0) || burst < 1 {
		return FieldErrorf(Invalid, "rate", "A rate bucket needs a rate above 0 and a burst of at least 1 (got %g/s, burst %d)", rate, burst)
	}
	if sleep == nil {
		sleep = Sleep
	}
	for {
		var wait time.Duration
		err := e.update(ctx, func(tx Tx) (err error) {
			wait, err = tx.TakeRateToken(ctx, key, rate, burst, e.now())
			return err
		})
		if err != nil {
			return err
		}
		if wait <= 0 {
			return nil
		}
		// A wait past ctx's end would only end in its deadline error: a
		// delivery's post must end within its lease, so it hears when the
		// bucket has a token and is called again then, as after a
		// platform's own 429.
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return &RetryAfter{Wait: wait, Err: Errorf(Unavailable, "The rate limit %s has no token for %s.", key, wait.Round(time.Millisecond))}
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// Sleep waits for d or until ctx ends, whichever is first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
