package amazon

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

func TestWriteSampleReport_isARealisticOrderReport(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSampleReport(&buf, 5000, 11); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 5001 || lines[0] != OrderReportHeader {
		t.Fatalf("%d lines, header %q", len(lines), lines[0])
	}
	if n := len(strings.Split(lines[0], "\t")); n != 29 {
		t.Fatalf("header has %d columns, want 29", n)
	}
	for i, l := range lines {
		if n := strings.Count(l, "\t"); n != 28 {
			t.Fatalf("line %d has %d tabs: %q", i+1, n, l)
		}
	}
	for _, s := range []string{"Müller", "山田太郎", `1/2"`, "\tUSD\t", "\tEUR\t", "\tJPY\t", "\tGBP\t"} {
		if !strings.Contains(text, s) {
			t.Errorf("sample has no %q", s)
		}
	}

	res := mustRead(t, text, Options{})
	if len(res.rep.Bad) != 0 {
		t.Fatalf("sample has bad lines: %v", res.rep.Bad[:min(5, len(res.rep.Bad))])
	}
	if res.rep.Lines != 5000 || res.rep.Items != 5000 {
		t.Fatalf("report = %+v", res.rep)
	}
	perOrder := float64(res.rep.Items) / float64(res.rep.Orders)
	if perOrder < 1.45 || perOrder > 1.75 {
		t.Errorf("%.2f items per order, want about 1.6", perOrder)
	}
	seen := map[string]bool{}
	pending, yen := 0, 0
	for _, o := range res.orders {
		if seen[o.ID] {
			t.Fatalf("order %s is not on adjacent rows", o.ID)
		}
		seen[o.ID] = true
		if o.PaymentsDate == nil {
			pending++
		}
		for _, it := range o.Items {
			if it.Price <= 0 || it.Tax < 0 {
				t.Fatalf("order %s item %+v", o.ID, it)
			}
		}
		if o.Currency == "JPY" {
			yen++
		}
	}
	if yen == 0 {
		t.Error("no JPY orders")
	}
	if pending == 0 || pending > len(res.orders)/4 {
		t.Errorf("%d of %d orders without payments-date", pending, len(res.orders))
	}
}

func TestWriteSampleReport_sameSeedSameFile(t *testing.T) {
	gen := func(lines int, seed int64) string {
		var buf bytes.Buffer
		if err := WriteSampleReport(&buf, lines, seed); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	if gen(300, 5) != gen(300, 5) {
		t.Fatal("same seed gave different files")
	}
	if gen(300, 5) == gen(300, 6) {
		t.Fatal("different seeds gave the same file")
	}
	if got := gen(0, 5); got != OrderReportHeader+"\n" {
		t.Fatalf("zero lines: %q", got)
	}
}

// Memory must not grow with the file: the reader keeps one order and one
// batch. The report is streamed through a pipe so the test itself holds no
// file either.
func TestReadOrders_memoryDoesNotGrowWithFileSize(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 200,000-line report")
	}
	const lines = 200_000
	// The report is about 62 MB of text and would be far more as orders; a
	// reader holding it could not stay under this bound.
	const bound = 24 << 20

	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(WriteSampleReport(pw, lines, 7)) }()

	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	var fileBytes int64
	calls := 0
	rep, err := ReadOrders(context.Background(), pr, Options{Progress: func(n int64) { fileBytes = n }},
		func(orders []core.Order) error {
			if calls++; calls%16 == 0 {
				sample()
			}
			return nil
		})
	sample()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lines != lines || len(rep.Bad) != 0 {
		t.Fatalf("report = %d lines, %d bad", rep.Lines, len(rep.Bad))
	}
	if fileBytes < 2*bound {
		t.Fatalf("the file (%d bytes) is too small for the bound to mean anything", fileBytes)
	}
	grew := int64(peak) - int64(base)
	t.Logf("file %d MB, heap in use grew by at most %.1f MB", fileBytes>>20, float64(grew)/(1<<20))
	if grew > bound {
		t.Fatalf("heap in use grew by %d MB reading a %d MB file: the reader holds what it read",
			grew>>20, fileBytes>>20)
	}
}
