package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/amazon"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
)

// benchLines is the report size: SELLERDESK_BENCH_LINES, default one million.
func benchLines(b *testing.B) int {
	if s := os.Getenv("SELLERDESK_BENCH_LINES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("SELLERDESK_BENCH_LINES=%q: %v", s, err)
		}
		return n
	}
	return 1_000_000
}

// BenchmarkImportReport imports a generated Order Report of a million lines
// through the whole path (reader, engine, store) into an empty store. Each
// iteration starts from a fresh store. It reports lines/s and the process's
// peak RSS (run one store per process for a clean RSS figure:
// -bench 'ImportReport/sqlite').
func BenchmarkImportReport(b *testing.B) {
	lines := benchLines(b)
	file := filepath.Join(b.TempDir(), "report.txt")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	if err := amazon.WriteSampleReport(f, lines, 1); err != nil {
		b.Fatal(err)
	}
	f.Close()
	for _, store := range []struct {
		name string
		open func(b *testing.B) *sqlstore.DB
	}{
		{"sqlite", func(b *testing.B) *sqlstore.DB { return storetest.OpenSQLite(b) }},
		{"postgres", func(b *testing.B) *sqlstore.DB { return storetest.OpenPostgres(b) }},
	} {
		b.Run(store.name, func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				m := &Main{Config: DefaultConfig(), Store: store.open(b)}
				if err := m.Open(context.Background(), false); err != nil {
					b.Fatal(err)
				}
				in, err := os.Open(file)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				report, stats, err := m.importOrders(context.Background(), in, amazon.Options{})
				elapsed += time.Since(start)
				b.StopTimer()
				in.Close()
				if err != nil || len(report.Bad) != 0 || report.Lines != lines || stats.New == 0 {
					b.Fatalf("import: %v, %d bad, %d lines, %+v", err, len(report.Bad), report.Lines, stats)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(lines)*float64(b.N)/elapsed.Seconds(), "lines/s")
			var ru syscall.Rusage
			if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
				b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
			}
		})
	}
}
