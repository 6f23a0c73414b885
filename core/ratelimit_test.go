package core

import (
	"context"
	"errors"
	"testing"
	"time"
)

// refusingStore fails the test if the engine reaches it: bad bucket
// arguments are refused before any transaction.
type refusingStore struct {
	Store
	t *testing.T
}

func (s refusingStore) Update(context.Context, func(Tx) error) error {
	s.t.Fatal("a refused rate bucket reached the store")
	return nil
}

func TestTakeRateTokenRefusesBadBuckets(t *testing.T) {
	e := NewEngine(refusingStore{t: t}, Options{})
	never := func(context.Context, time.Duration) error { t.Fatal("slept"); return nil }
	for _, c := range []struct {
		key   string
		rate  float64
		burst int
		field string
	}{
		{"", 1, 1, "key"},
		{string(make([]byte, MaxRateKeyBytes+1)), 1, 1, "key"},
		{"spapi:s:getOrder", 0, 1, "rate"},
		{"spapi:s:getOrder", -0.5, 1, "rate"},
		{"spapi:s:getOrder", 0.5, 0, "rate"},
	} {
		err := e.TakeRateToken(context.Background(), c.key, c.rate, c.burst, never)
		var ce *Error
		if !errors.As(err, &ce) || ce.Code != Invalid || ce.Field != c.field {
			t.Errorf("TakeRateToken(%q, %g, %d) = %v, want Invalid on %s", c.key, c.rate, c.burst, err, c.field)
		}
	}
}

// emptyBucketStore's bucket never has a token: it always asks for wait.
type emptyBucketStore struct {
	Store
	wait time.Duration
}

func (s emptyBucketStore) Update(_ context.Context, fn func(Tx) error) error {
	return fn(emptyBucketTx{wait: s.wait})
}

type emptyBucketTx struct {
	Tx
	wait time.Duration
}

func (b emptyBucketTx) TakeRateToken(context.Context, string, float64, int, time.Time) (time.Duration, error) {
	return b.wait, nil
}

// A token that would come after the caller's deadline (a delivery's lease)
// is a RetryAfter at once, not a sleep into the deadline; one that comes in
// time is waited for.
func TestTakeRateTokenPastTheDeadlineSaysWhenToRetry(t *testing.T) {
	e := NewEngine(emptyBucketStore{wait: 2 * time.Second}, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	slept := false
	sleep := func(context.Context, time.Duration) error { slept = true; return nil }
	err := e.TakeRateToken(ctx, "spapi:s:getOrder", 0.5, 1, sleep)
	var ra *RetryAfter
	if !errors.As(err, &ra) || ra.Wait != 2*time.Second || slept {
		t.Fatalf("TakeRateToken past the deadline = %v (slept %v), want RetryAfter 2s without sleeping", err, slept)
	}

	waits := 0
	sleep = func(_ context.Context, d time.Duration) error {
		if waits++; waits == 3 {
			return context.Canceled // the test's way out of a bucket that never fills
		}
		return nil
	}
	long, cancelLong := context.WithTimeout(context.Background(), time.Minute)
	defer cancelLong()
	if err := e.TakeRateToken(long, "spapi:s:getOrder", 0.5, 1, sleep); !errors.Is(err, context.Canceled) || waits != 3 {
		t.Fatalf("TakeRateToken with time to wait = %v after %d waits, want it to wait", err, waits)
	}
}
