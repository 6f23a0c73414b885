package amazon

import (
	"bytes"
	"context"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

// BenchmarkReadOrders reads a generated 100,000-line Order Report from
// memory; lines/s is the figure to compare.
func BenchmarkReadOrders(b *testing.B) {
	const lines = 100_000
	var buf bytes.Buffer
	if err := WriteSampleReport(&buf, lines, 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := ReadOrders(context.Background(), bytes.NewReader(data), Options{}, func([]core.Order) error { return nil })
		if err != nil || rep.Lines != lines {
			b.Fatalf("%+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkWriteSampleReport measures the generator used to make the files.
func BenchmarkWriteSampleReport(b *testing.B) {
	const lines = 100_000
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteSampleReport(&buf, lines, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
