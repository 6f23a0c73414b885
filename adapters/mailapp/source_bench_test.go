package mailapp

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// BenchmarkMailIngest reads a 5,000-mail folder through the whole inbound
// path (fetch, parse, MailMessage with the offline draft) into a fresh
// store, on SQLite and on PostgreSQL, beside the baseline of fetching the
// same mails raw; x_fetch says how many times slower than the bare fetch
// the whole path is.
func BenchmarkMailIngest(b *testing.B) {
	const n = 5000
	env := netEnv(b)
	srv := netBigFolder(b, env.IMAPS, "bench-5000", n)
	var fetch time.Duration
	b.Run("fetch", func(b *testing.B) {
		m := netDial(b, srv, IMAPOptions{})
		for i := 0; i < b.N; i++ {
			got, err := m.Fetch(netCtx(b), 0, n)
			if err != nil || len(got) != n {
				b.Fatalf("fetched %d: %v", len(got), err)
			}
		}
		fetch = b.Elapsed() / time.Duration(b.N)
		b.ReportMetric(float64(n)/fetch.Seconds(), "mails/s")
	})
	for _, st := range srcStores {
		b.Run(st.name, func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				store := st.open(b)
				e := srcEngine(store)
				// All of the folder, however long ago it was filled.
				s := NewSource(e, srv, SourceOptions{FirstReadDays: 36500})
				b.StartTimer()
				start := time.Now()
				res, err := s.Pass(netCtx(b))
				total += time.Since(start)
				if err != nil || res.Stored != n {
					b.Fatalf("pass %+v: %v", res, err)
				}
			}
			per := total / time.Duration(b.N)
			b.ReportMetric(float64(n)/per.Seconds(), "mails/s")
			if fetch > 0 {
				b.ReportMetric(float64(per)/float64(fetch), "x_fetch")
			}
		})
	}
}

// TestMeasureArrivalToDraft measures, under IDLE, the delay from sending a
// relay mail by SMTP to the seller to its draft being stored, beside
// Dovecot's own delivery (SMTP send to an IDLE connection waking) as the
// baseline. It only logs figures; run it with
// MEASURE_MAIL=1 go test -run TestMeasureArrivalToDraft -v ./adapters/mailapp
//
// The mails land in the seller's INBOX (SMTP delivers there); it is only
// read (BODY.PEEK), from its end, into a store of the test's own.
func TestMeasureArrivalToDraft(t *testing.T) {
	if os.Getenv("MEASURE_MAIL") == "" {
		t.Skip("a measurement: set MEASURE_MAIL=1 to run it")
	}
	const n = 50
	env := netEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	var mu sync.Mutex
	drafted := map[string]time.Time{} // order id → when its draft was stored
	p := core.DefaultPolicy()
	e := core.NewEngine(storetest.OpenSQLite(t), core.Options{Policy: &p,
		Drafter: drafter.Offline{D: drafter.New(drafter.Shop{Name: "Gartenladen", Policy: p})},
		// The offline drafter drafts in the buyer message's transaction:
		// its event after commit is the draft being stored.
		Notify: func(ev core.Event) {
			if ev.Kind == core.EventBuyerMessage {
				mu.Lock()
				drafted[ev.OrderID] = time.Now()
				mu.Unlock()
			}
		}})
	srv := env.IMAP
	s := NewSource(e, srv, SourceOptions{})
	// Start at the INBOX's end: other tests' mail there is not ours.
	base := netDial(t, srv, IMAPOptions{})
	last := base.UIDNext() - 1
	if err := e.SaveCursor(ctx, s.CursorName(), func(string) string { return fmt.Sprintf("%d:%d", base.UIDValidity(), last) }); err != nil {
		t.Fatal(err)
	}
	go s.Watch(ctx, time.Now().Add(9*time.Minute))

	sender := NewSender(env.SMTP, SMTPOptions{})
	tok := netToken()
	var toDraft, toWake []time.Duration
	for i := range n {
		time.Sleep(200 * time.Millisecond) // one at a time, the watcher back in IDLE
		order := fmt.Sprintf("115-%07d-%s", i, fmt.Sprint(1000000 + i)[:7])
		relay := fmt.Sprintf("m%d-%s@marketplace.amazon.com", i, tok)
		raw := netMessage(fmt.Sprintf("measure.%d.%s@marketplace.amazon.com", i, tok), `"Kim - Amazon Marketplace" <`+relay+`>`,
			"seller@shop.test", "Inquiry from Amazon customer (Order: "+order+")", "Where is my parcel?")
		sent := time.Now()
		if err := sender.Send(ctx, relay, []string{"seller@shop.test"}, raw); err != nil {
			t.Fatal(err)
		}
		// The baseline: the same delivery seen by a bare IDLE connection.
		for {
			woke, err := base.Wait(ctx, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if !woke {
				t.Fatalf("mail %d never woke IDLE", i)
			}
			got, err := base.Fetch(ctx, last, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > 0 {
				toWake = append(toWake, time.Since(sent)) // includes the one FETCH of the baseline
				last = got[len(got)-1].UID
				break
			}
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
			mu.Lock()
			at, ok := drafted[order]
			mu.Unlock()
			if ok {
				toDraft = append(toDraft, at.Sub(sent))
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("mail %d was never drafted", i)
			}
		}
	}
	pct := func(d []time.Duration, p float64) time.Duration {
		d = slices.Clone(d)
		slices.Sort(d)
		return d[min(len(d)-1, int(float64(len(d))*p))]
	}
	t.Logf("%d relay mails, SMTP send → draft stored: p50 %v p99 %v", n, pct(toDraft, .5).Round(time.Millisecond), pct(toDraft, .99).Round(time.Millisecond))
	t.Logf("baseline, SMTP send → IDLE wake + fetch: p50 %v p99 %v", pct(toWake, .5).Round(time.Millisecond), pct(toWake, .99).Round(time.Millisecond))
}
