package swp

import (
	"context"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
)

func TestSweepAt(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=bench_5d99c425b7c6")
	if err != nil {
		t.Fatal(err)
	}
	e := core.NewEngine(st, core.Options{})
	now := time.Now()
	for i, q := range e.SweepQueries(now) {
		for rep := 0; rep < 2; rep++ {
			s := time.Now()
			var n int
			err := st.View(ctx, func(tx core.Tx) error {
				os, err := tx.Orders(ctx, q)
				n = len(os)
				return err
			})
			t.Log(i, n, time.Since(s), err)
		}
	}
	for rep := 0; rep < 2; rep++ {
		s := time.Now()
		var n int
		err := st.View(ctx, func(tx core.Tx) error {
			l, err := tx.Conversations(ctx, core.ConversationQuery{Waiting: true, DeadlineBefore: now.Add(48 * time.Hour)})
			n = len(l)
			return err
		})
		t.Log("conv", n, time.Since(s), err)
	}
	for rep := 0; rep < 3; rep++ {
		s := time.Now()
		r, err := e.Sweep(ctx)
		t.Log("sweep", time.Since(s), err, len(r.Completed), len(r.Warned), len(r.AutoCanceled), r.Breached)
	}
	a := core.Actor{ID: "x", Role: core.Owner, Source: "bench"}
	for rep := 0; rep < 5; rep++ {
		s := time.Now()
		_, err := e.Do(ctx, core.Request{Actor: a, Command: core.ShowHealth{}})
		t.Log("health", time.Since(s), err)
	}
}
