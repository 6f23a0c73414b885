package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/adapters/amazon"
)

// Without a config file, import would write into the demo database among
// made-up orders: it refuses, creates nothing, and points to --config;
// with --demo it imports and says where.
func TestImportWithoutConfigRefusesTheDemoDatabase(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeReport(t, "orders.txt", 3)
	code, out, errOut := runBot(t, dir, "", "import", "orders", "orders.txt")
	if code != 2 || !strings.Contains(errOut, "--config") || !strings.Contains(errOut, "demo") || !strings.Contains(errOut, "Nothing was imported") {
		t.Fatalf("import without config: %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(demoDB); !os.IsNotExist(err) {
		t.Fatalf("the demo database was created (%v)", err)
	}
	code, out, errOut = runBot(t, dir, "", "import", "orders", "orders.txt", "--demo")
	if code != 0 || !strings.Contains(out, "into the demo database "+demoDB) {
		t.Fatalf("import --demo: %d %q %q", code, out, errOut)
	}
}

// Import mistakes a user makes get a message they can act on, once, and a
// non-zero exit; nothing is logged as an internal error.
func TestImportMessagesAUserCanActOn(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("config.yaml", []byte("database:\n  url: sqlite:shop.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeReport(t, "one.txt", 1)
	if err := os.Mkdir("reports", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("header.txt", []byte(amazon.OrderReportHeader+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 2048)
	for i := range random {
		random[i] = byte(i*7919%251 + i/3)
	}
	if err := os.WriteFile("random.bin", random, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		want     []string // in stderr
		wantOnce string   // appears exactly once in stderr
		wantNot  []string
	}{
		{"directory_is_a_user_mistake", []string{"reports"}, 1, []string{"reports is a folder"}, "reports", []string{"internal", "level=ERROR", "directory\n"}},
		{"missing_file_names_its_path_once", []string{"nope.txt"}, 1, []string{"nope.txt does not exist"}, "nope.txt", []string{"no such file"}},
		{"header_only_says_so", []string{"header.txt"}, 1, []string{"no order lines", "nothing was imported"}, "", nil},
		{"random_bytes_are_not_utf16", []string{"random.bin"}, 1, []string{"not an order report"}, "", []string{"UTF-16"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runBot(t, dir, "", append([]string{"import", "orders"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not say %q", errOut, w)
				}
			}
			if tt.wantOnce != "" && strings.Count(errOut, tt.wantOnce) != 1 {
				t.Errorf("stderr %q names %q %d times, want once", errOut, tt.wantOnce, strings.Count(errOut, tt.wantOnce))
			}
			for _, w := range tt.wantNot {
				if strings.Contains(errOut, w) {
					t.Errorf("stderr %q says %q", errOut, w)
				}
			}
			if strings.Contains(out, "Imported") {
				t.Errorf("reported as imported: %q", out)
			}
		})
	}
	t.Run("plurals_are_right", func(t *testing.T) {
		code, out, errOut := runBot(t, dir, "", "import", "orders", "one.txt")
		if code != 0 || !strings.Contains(out, ": 1 line, 1 order — 1 new, 0 updated, 0 unchanged; 0 bad lines (") {
			t.Fatalf("one line: %d %q %q", code, out, errOut)
		}
	})
}

func writeReport(t *testing.T, name string, orders int) {
	t.Helper()
	f, err := os.Create(filepath.Clean(name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := amazon.WriteSampleReport(f, orders, 7); err != nil {
		t.Fatal(err)
	}
}

// An Unshipped Orders report has no prices: the import says so once, at
// the end, with where to get them.
func TestImportUnshippedReportSaysPricesAreMissingOnce(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("config.yaml", []byte("database:\n  url: sqlite:shop.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	report := "order-id\torder-item-id\tpurchase-date\tpayments-date\tpromise-date\tsku\tquantity-purchased\n" +
		"113-0000001-0000001\t10000000000001\t2024-05-01T10:00:00Z\t2024-05-01T10:05:00Z\t2024-05-03T06:59:59Z\tMUG\t1\n" +
		"113-0000001-0000001\t10000000000002\t2024-05-01T10:00:00Z\t2024-05-01T10:05:00Z\t2024-05-03T06:59:59Z\tTEE\t2\n" +
		"113-0000001-0000002\t10000000000003\t2024-05-01T11:00:00Z\t2024-05-01T11:05:00Z\t2024-05-03T06:59:59Z\tMUG\t1\n"
	if err := os.WriteFile("unshipped.txt", []byte(report), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runBot(t, dir, "", "import", "orders", "unshipped.txt")
	if code != 0 || strings.Count(out+errOut, "no prices") != 1 || !strings.Contains(out, "Order Report") {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	if i, j := strings.Index(out, "Imported"), strings.Index(out, "no prices"); i < 0 || j < i {
		t.Fatalf("the note is not at the end: %q", out)
	}
	// Its orders are from 2024, long past the 30-day limit: the import says
	// sellerdesk leaves them to the marketplace instead of cancelling them.
	if !strings.Contains(out, "2 orders were already past the marketplace's limit when first seen") || !strings.Contains(out, "will not cancel them") {
		t.Fatalf("no word of the orders past the limit: %q", out)
	}
	// A priced report says nothing of the kind.
	writeReport(t, "orders.txt", 2)
	if _, out, errOut := runBot(t, dir, "", "import", "orders", "orders.txt"); strings.Contains(out+errOut, "no prices") {
		t.Fatalf("priced report: %q %q", out, errOut)
	}
}
