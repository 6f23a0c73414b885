package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/amazon"
	"github.com/sellerdesk/sellerdesk/core"
)

// runBot runs the bot in-process in dir and returns exit status and output.
func runBot(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, nil)
	return code, out.String(), errOut.String()
}

func TestDemoSeedsEveryStatusAndShipsFromTheConsole(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	m, err := NewMain("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	info := m.demoInfo
	if info == nil || info.ShipCommand == "" || info.Orders < 45 {
		t.Fatalf("demo info %+v", info)
	}
	owner := core.Actor{ID: "console:t", Role: core.Owner, Source: "console"}
	res, err := m.Engine.RunLine(context.Background(), owner, "orders limit 200", false)
	if err != nil {
		t.Fatal(err)
	}
	statuses, fulfil := map[core.Status]int{}, map[core.Fulfillment]int{}
	returns := 0
	for _, o := range res.Orders {
		statuses[o.Status]++
		fulfil[o.Fulfillment]++
		returns += len(o.Returns)
	}
	if _, err := m.Engine.Sweep(context.Background()); err != nil { // completes orders past their return window
		t.Fatal(err)
	}
	res, _ = m.Engine.RunLine(context.Background(), owner, "orders limit 200", false)
	statuses = map[core.Status]int{}
	for _, o := range res.Orders {
		statuses[o.Status]++
	}
	for _, s := range core.Statuses() {
		if statuses[s] == 0 {
			t.Errorf("demo has no %s order: %v", s, statuses)
		}
	}
	if fulfil[core.Marketplace] == 0 || returns < 3 {
		t.Errorf("demo: fulfilment %v, returns %d", fulfil, returns)
	}
	open, _ := m.Engine.RunLine(context.Background(), owner, "returns open", false)
	low, _ := m.Engine.RunLine(context.Background(), owner, "lowstock", false)
	if len(open.Returns) == 0 || len(low.Stock) == 0 {
		t.Errorf("demo: open returns %d, low-stock SKUs %d", len(open.Returns), len(low.Stock))
	}
	shipCmd := info.ShipCommand
	m.Close()

	// A new user pastes the suggested command into the console.
	code, out, errOut := runBot(t, dir, shipCmd+"\norder "+info.ShipOrderID+"\n", "console", "--json")
	if code != 0 {
		t.Fatalf("console exit %d: %s %s", code, out, errOut)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	var answers []map[string]any
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("not one JSON object per line: %q", sc.Text())
		}
		answers = append(answers, v)
	}
	if len(answers) != 2 || answers[0]["ok"] != true {
		t.Fatalf("answers %v", answers)
	}
	order := answers[1]["result"].(map[string]any)["order"].(map[string]any)
	for _, k := range []string{"order_id", "status", "purchase_date", "ship_by", "fulfillment", "items", "shipments"} {
		if _, ok := order[k]; !ok {
			t.Errorf("order JSON lacks %s", k)
		}
	}
	if order["status"] != "shipped" {
		t.Fatalf("status %v", order["status"])
	}
	item := order["items"].([]any)[0].(map[string]any)
	ship := order["shipments"].([]any)[0].(map[string]any)
	for _, k := range []string{"sku", "quantity", "shipped"} {
		if _, ok := item[k]; !ok {
			t.Errorf("item JSON lacks %s", k)
		}
	}
	for _, k := range []string{"carrier", "tracking", "ship_date"} {
		if _, ok := ship[k]; !ok {
			t.Errorf("shipment JSON lacks %s", k)
		}
	}
}

func TestConsoleFailuresAndRoles(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, _ := runBot(t, "", "orders\nshpi 1\n", "console", "--json")
	if code != 1 {
		t.Fatalf("exit %d with a failed command", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var bad struct {
		OK    bool `json:"ok"`
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(lines[1]), &bad); err != nil || bad.OK || bad.Error.Code != "invalid" || !strings.Contains(bad.Error.Message, `"ship"`) {
		t.Fatalf("typo answer %q (%v)", lines[1], err)
	}
	code, out, _ = runBot(t, "", "stock MUG-CERAMIC-12OZ set 1\n", "console", "--as", "viewer")
	if code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("viewer write: exit %d, %q", code, out)
	}
	code, out, _ = runBot(t, "", "stock MUG-CERAMIC-12OZ set 1\nstock MUG-CERAMIC-12OZ\n", "console", "--dry-run")
	was := regexp.MustCompile(`available (\d+) → 1`).FindStringSubmatch(out)
	if code != 0 || !strings.Contains(out, "Dry run") || was == nil || !strings.Contains(out, "MUG-CERAMIC-12OZ  "+was[1]+" ") {
		t.Fatalf("dry run: exit %d, %q", code, out)
	}
	if code, _, errOut := runBot(t, "", "", "console", "--as", "boss"); code != 2 || !strings.Contains(errOut, "boss") {
		t.Fatalf("bad role: %d %q", code, errOut)
	}
	if code, _, errOut := runBot(t, "", "", "consol"); code != 2 || !strings.Contains(errOut, `"console"`) {
		t.Fatalf("typo subcommand: %d %q", code, errOut)
	}
}

func TestImportThenExport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("config.yaml", []byte("database:\n  url: sqlite:shop.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create("orders.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := amazon.WriteSampleReport(f, 300, 7); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, errOut := runBot(t, dir, "", "import", "orders", "orders.txt")
	if code != 0 || !strings.Contains(out, "300 lines") || strings.Contains(errOut, "%") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	code, out, _ = runBot(t, dir, "", "import", "orders", "orders.txt")
	if code != 0 || !strings.Contains(out, " 0 new, 0 updated") {
		t.Fatalf("second import: %d %q", code, out)
	}
	// A bad line is reported with its number; the good ones are kept.
	data, _ := os.ReadFile("orders.txt")
	rows := strings.Split(string(data), "\n")
	cols := strings.Split(rows[0], "\t")
	bad := strings.Split(rows[1], "\t")
	for i, c := range cols {
		switch c {
		case "order-id":
			bad[i] = "999-0000000-0000001"
		case "quantity-purchased":
			bad[i] = "two"
		}
	}
	os.WriteFile("bad.txt", []byte(rows[0]+"\n"+strings.Join(bad, "\t")+"\n"+rows[1]+"\n"), 0o600)
	code, _, errOut = runBot(t, dir, "", "import", "orders", "bad.txt")
	if code != 1 || !strings.Contains(errOut, "bad.txt:2:") || !strings.Contains(errOut, "two") {
		t.Fatalf("bad line: %d %q", code, errOut)
	}
	// Ship one order and export it.
	var first struct {
		Result struct{ Orders []core.Order }
	}
	_, out, _ = runBot(t, dir, "orders unshipped limit 1\n", "console", "--json")
	if err := json.Unmarshal([]byte(out), &first); err != nil || len(first.Result.Orders) != 1 {
		t.Fatalf("unshipped list %q %v", out, err)
	}
	id := first.Result.Orders[0].ID
	if code, out, _ := runBot(t, dir, fmt.Sprintf("ship %s ups 1Z999AA10123456784\n", id), "console"); code != 0 {
		t.Fatalf("ship: %q", out)
	}
	code, out, errOut = runBot(t, dir, "", "export", "shipments", "--out", filepath.Join(dir, "confirm.txt"))
	if code != 0 {
		t.Fatalf("export: %d %q %q", code, out, errOut)
	}
	got, _ := os.ReadFile("confirm.txt")
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if len(lines) < 3 || lines[0] != "TemplateType=OrderFulfillment\tVersion=2011.1102\t\t\t\t\t\t" ||
		lines[1] != "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method" ||
		!strings.HasPrefix(lines[2], id+"\t") || !strings.Contains(lines[2], "\tUPS\t\t1Z999AA10123456784\t") {
		t.Fatalf("export:\n%s", got)
	}
	if code, _, errOut := runBot(t, dir, "", "export", "shipments", "--since", "yesterday"); code != 2 || !strings.Contains(errOut, "yesterday") {
		t.Fatalf("bad date: %d %q", code, errOut)
	}
}

func TestServeAnswersHealthAndMetricsAndStops(t *testing.T) {
	t.Chdir(t.TempDir())
	m, err := NewMain("", []string{"SELLERDESK_DATABASE_URL=sqlite:serve.db", "SELLERDESK_HTTP_ADDR=127.0.0.1:0", "SELLERDESK_HTTP_METRICS_ADDR=127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	m.Stdout, m.Stderr = io.Discard, io.Discard
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	h := m.Handler()
	rec := httpGet(t, h, "/healthz")
	if rec.code != 200 || !strings.Contains(rec.body, "ok") {
		t.Fatalf("healthz %d %q", rec.code, rec.body)
	}
	m.Engine.RunLine(context.Background(), core.Actor{Role: core.Owner, ID: "t"}, "health", false)
	rec = httpGet(t, m.MetricsHandler(), "/metrics")
	if rec.code != 200 || !strings.Contains(rec.body, `sellerdesk_commands_total{command="health",outcome="ok"} 1`) {
		t.Fatalf("metrics %d %q", rec.code, rec.body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on cancel")
	}
}

func TestDraftCommandStoresNothing(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, errOut := runBot(t, "", "我的包裹在哪里？", "draft", "--json")
	if code != 0 {
		t.Fatalf("draft: %d %q", code, errOut)
	}
	var d struct {
		Language, Intent, Draft, Drafter string
		NeedsResponse                    bool `json:"needs_response"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Language != "zh" || d.Intent != "track_order" || !d.NeedsResponse || d.Drafter != "offline" || d.Draft == "" {
		t.Fatalf("draft JSON %q (%v)", out, err)
	}
	if !strings.HasPrefix(out, `{"language":"zh","intent":"track_order","needs_response":true,"draft":`) {
		t.Errorf("field order: %s", out)
	}
	code, out, _ = runBot(t, "", "thanks!", "draft")
	if code != 0 || !strings.Contains(out, "Needs a response: false") {
		t.Fatalf("thanks: %q", out)
	}
	if code, _, errOut := runBot(t, "", "", "draft"); code != 2 || !strings.Contains(errOut, "standard input") {
		t.Fatalf("empty: %d %q", code, errOut)
	}
	_, out, _ = runBot(t, "", "inbox\n", "console")
	if !strings.Contains(out, "Nothing waiting") {
		t.Fatalf("bot draft stored a conversation: %q", out)
	}
}

// A buyer message gets a draft without anyone asking, staff send it from
// the console, and the buyer's conversation shows the reply.
func TestBuyerMessageDraftedThenSentFromConsole(t *testing.T) {
	t.Chdir(t.TempDir())
	m, err := NewMain("", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	m.Stdout, m.Stderr = &out, io.Discard
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := m.Open(ctx, false); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	jobs, err := m.startJobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer jobs.Stop(context.Background())
	order, _ := m.demoBuyer()
	conv, err := m.Engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "order:" + order, OrderID: order, Text: "where is my package?"})
	if err != nil {
		t.Fatal(err)
	}
	owner := core.Actor{ID: "console:t", Name: "t", Role: core.Owner, Source: "console"}
	var shown *core.Conversation
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		res, err := m.Engine.RunLine(ctx, owner, "show "+conv.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if shown = res.Conversation; shown.Draft != nil && !shown.NeedsDraft() {
			break
		}
	}
	if shown.Draft == nil || shown.Draft.Intent != "track_order" || shown.Draft.Drafter != "offline" || !strings.Contains(shown.Draft.Text, order) {
		t.Fatalf("draft: %+v", shown.Draft)
	}
	c := m.newConsole(core.Agent)
	c.In = strings.NewReader("inbox\nreply " + conv.ID + "\n")
	if failed, err := c.Run(ctx); failed != 0 || err != nil {
		t.Fatalf("console: %d %v\n%s", failed, err, out.String())
	}
	if !strings.Contains(out.String(), conv.ID) || !strings.Contains(out.String(), "Reply sent in "+conv.ID) {
		t.Fatalf("console output:\n%s", out.String())
	}
	mine, err := m.Engine.BuyerConversations(ctx, "web", "order:"+order)
	if err != nil || len(mine) != 1 || len(mine[0].Messages) != 2 || mine[0].Messages[1].Text != shown.Draft.Text || mine[0].Deadline != nil {
		t.Fatalf("buyer's view: %+v %v", mine, err)
	}
}
