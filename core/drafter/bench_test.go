package drafter_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
	"github.com/sellerdesk/sellerdesk/core/drafter/internal/corpus"
)

// benchMessages is every hand-written buyer message (seven languages,
// short and long) and the probes.
func benchMessages(b *testing.B) []string {
	var msgs []string
	rows, _, err := corpus.LoadBuyers(corpus.BuyersDir)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		msgs = append(msgs, r.Text)
	}
	f, err := os.Open("testdata/probes.tsv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, text, ok := strings.Cut(sc.Text(), "\t"); ok && !strings.HasPrefix(sc.Text(), "#") {
			msgs = append(msgs, text)
		}
	}
	return msgs
}

// BenchmarkDraft drafts every hand-written buyer message against a rotation
// of orders and reports the median and 99th percentile time per draft. The
// target is a p99 under 5 ms; timing is reported, never asserted.
//
// Two p99s: over every call (wall clock, which on a shared machine includes
// the time the process was not scheduled), and over messages of the fastest
// of five drafts of each (the work a message costs, without the
// neighbours').
func BenchmarkDraft(b *testing.B) {
	msgs := benchMessages(b)
	orders := []*core.Order{nil, unshipped(), shipped(), delivered(shopDay(2026, 11, 20)), refunded(), canceled()}
	d := drafter.New(testShop())
	d.Draft("warm up", drafter.Facts{Now: now})
	durs := make([]time.Duration, 0, 1<<16)
	best := make([]time.Duration, len(msgs))
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		d.Draft(msgs[i%len(msgs)], drafter.Facts{Order: orders[i%len(orders)], Now: now})
		took := time.Since(start)
		durs = append(durs, took)
		if k := i % len(msgs); best[k] == 0 || took < best[k] {
			best[k] = took
		}
		i++
	}
	b.ReportMetric(percentile(durs, 0.50), "p50-ms")
	b.ReportMetric(percentile(durs, 0.99), "p99-ms")
	if i >= 5*len(msgs) {
		b.ReportMetric(percentile(best, 0.99), "p99-best-of-5-ms")
	}
	b.ReportMetric(float64(len(msgs)), "messages")
}

func percentile(durs []time.Duration, p float64) float64 {
	durs = slices.Clone(durs)
	slices.Sort(durs)
	return float64(durs[min(len(durs)-1, int(p*float64(len(durs))))]) / float64(time.Millisecond)
}

// BenchmarkClassify is the intent model alone on a typical message.
func BenchmarkClassify(b *testing.B) {
	d := drafter.New(testShop())
	for b.Loop() {
		d.Classify("hi, I ordered a mug two weeks ago and it still hasn't arrived, where is it?")
	}
}
