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
