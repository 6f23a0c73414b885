package main

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

// The shipping confirmation file follows the orders' marketplace template:
// Amazon.co.jp's (nine columns, Japanese labels, Shift_JIS) for Japanese
// orders, the eight-column form for the others. Shipments needing both are
// refused with what to run instead, and --marketplace picks one.
func TestExportFollowsTheMarketplaceTemplate(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("config.yaml", []byte("database:\n  url: sqlite:shop.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const us, jp = "111-0000001-0000001", "250-0000001-0000001"
	report := "amazon-order-id\tpurchase-date\tpayments-date\torder-status\tsales-channel\tsku\tquantity\n" +
		us + "\t2024-05-01T10:00:00Z\t2024-05-01T10:05:00Z\tUnshipped\tAmazon.com\tMUG\t1\n" +
		jp + "\t2024-05-01T11:00:00Z\t2024-05-01T11:05:00Z\tUnshipped\tAmazon.co.jp\tMUG\t2\n"
	if err := os.WriteFile("orders.txt", []byte(report), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runBot(t, dir, "", "import", "orders", "orders.txt"); code != 0 {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	in := "ship " + us + " ups 1Z999AA10123456784 date 2024-05-02\nship " + jp + " other:\"ヤマト運輸\" 123456789012 date 2024-05-02\n"
	if code, out, _ := runBot(t, dir, in, "console"); code != 0 {
		t.Fatalf("ship: %q", out)
	}
	export := func(args ...string) (int, string, string) {
		return runBot(t, dir, "", append([]string{"export", "shipments", "--since", "2024-05-01", "--until", "2024-05-03"}, args...)...)
	}
	code, out, errOut := export()
	if code != 2 || !strings.Contains(errOut, "--marketplace JP") || out != "" {
		t.Fatalf("mixed marketplaces: %d %q %q", code, out, errOut)
	}
	code, out, errOut = export("--marketplace", "JP")
	if code != 0 {
		t.Fatalf("JP: %d %q", code, errOut)
	}
	text, err := japanese.ShiftJIS.NewDecoder().String(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "TemplateType=OrderFulfillment\tVersion=2011.1102\tこの行は") ||
		!strings.HasPrefix(lines[1], "注文番号\t") || !strings.HasSuffix(lines[2], "\tship-method\tcod-collection-method") ||
		lines[3] != jp+"\t"+jp+"-MUG-1\t2\t2024-05-02\tOther\tヤマト運輸\t123456789012\t\t" {
		t.Fatalf("JP file:\n%s", text)
	}
	code, out, errOut = export("--marketplace", "US")
	lines = strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != 3 || lines[1] != "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method" ||
		!strings.HasPrefix(lines[2], us+"\t") {
		t.Fatalf("US: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := export("--marketplace", "mars"); code != 2 || !strings.Contains(errOut, "mars") {
		t.Fatalf("unknown marketplace: %d %q", code, errOut)
	}
}
