package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// openServeMain opens a non-demo Main on a fresh SQLite file, logging at
// debug level into logs.
func openServeMain(t *testing.T, logs *enginetest.LogBuffer) *Main {
	t.Helper()
	t.Chdir(t.TempDir())
	m, err := NewMain("", []string{"SELLERDESK_DATABASE_URL=sqlite:serve.db", "SELLERDESK_HTTP_ADDR=127.0.0.1:0", "SELLERDESK_HTTP_METRICS_ADDR=127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestMetricsShowOutboxInboxAndDrafts(t *testing.T) {
	var logs enginetest.LogBuffer
	m := openServeMain(t, &logs)
	ctx := context.Background()
	sink := &chanSink{fails: 1}
	m.sinks = []core.Sink{sink}
	if _, _, err := m.Engine.Deliver(ctx, sink); err != nil { // the sink starts here
		t.Fatal(err)
	}
	if _, err := m.Engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "b", Text: "where is my package?"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Engine.Deliver(ctx, sink); err == nil && sink.n() != 0 {
		t.Fatalf("the sink should have failed once, got %d", sink.n())
	}
	if n, err := m.Engine.DraftPending(ctx); err != nil || n != 0 {
		t.Fatalf("DraftPending: %d %v; the offline drafter drafts with the message", n, err)
	}
	m.Engine.RunLine(ctx, core.Actor{Role: core.Owner, ID: "t"}, "health", false)

	rec := httpGet(t, m.MetricsHandler(), "/metrics")
	if rec.code != http.StatusOK {
		t.Fatalf("metrics %d %q", rec.code, rec.body)
	}
	for _, want := range []string{
		`sellerdesk_commands_total{command="health",outcome="ok"} 1`,
		`sellerdesk_command_duration_seconds_count{command="health"} 1`,
		`sellerdesk_outbox_pending{sink="test"} `, // the buyer message, and its draft_ready
		`sellerdesk_outbox_oldest_age_seconds{sink="test"} `,
		`sellerdesk_delivery_attempts{sink="test"} 1`,
		`sellerdesk_conversations_due 0`,
		`sellerdesk_conversations_overdue 0`,
		`sellerdesk_drafts_total{drafter="offline",intent="track_order",outcome="ok"} 1`,
	} {
		if !strings.Contains(rec.body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if m := regexp.MustCompile(`sellerdesk_outbox_pending\{sink="test"\} (\d+)`).FindStringSubmatch(rec.body); m == nil || m[1] == "0" {
		t.Errorf("outbox_pending: %v, want the undelivered messages counted", m)
	}
	if t.Failed() {
		t.Log(rec.body)
	}
}

func TestRequestIDsAndDebugLogs(t *testing.T) {
	var logs enginetest.LogBuffer
	m := openServeMain(t, &logs)
	h := m.Handler()

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz?token=SECRET-TOKEN", nil))
	id := rec.Header().Get("X-Request-Id")
	if rec.Code != http.StatusOK || len(id) < 16 {
		t.Fatalf("healthz %d, request id %q", rec.Code, id)
	}
	out := logs.String()
	if !strings.Contains(out, "request_id="+id) || !strings.Contains(out, "method=GET path=/healthz status=200") {
		t.Errorf("no debug line for the request:\n%s", out)
	}
	if strings.Contains(out, "SECRET-TOKEN") {
		t.Errorf("the query string was logged:\n%s", out)
	}

	// A caller's id is kept; an odd one is replaced.
	for give, keep := range map[string]bool{"edge-4f2a.17": true, "bad id\nforged=1": false, strings.Repeat("a", 65): false} {
		req := httptest.NewRequest(http.MethodGet, "/nowhere", nil)
		req.Header.Set("X-Request-Id", give)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("X-Request-Id"); (got == give) != keep || got == "" {
			t.Errorf("X-Request-Id %q came back as %q", give, got)
		}
		if rec.Code != http.StatusNotFound {
			t.Errorf("/nowhere: %d", rec.Code)
		}
	}
	if !strings.Contains(logs.String(), "path=/nowhere status=404") {
		t.Errorf("404 not logged:\n%s", logs.String())
	}
}

// The help page's live updates stream through the request logger: the
// first bytes and each new message arrive while the response is still open.
func TestHelpPageStreamsThroughRequestLogger(t *testing.T) {
	t.Chdir(t.TempDir())
	m, err := NewMain("", nil) // the demo: it has a buyer to sign in as
	if err != nil {
		t.Fatal(err)
	}
	var logs enginetest.LogBuffer
	m.Stdout, m.Stderr = io.Discard, io.Discard
	m.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	order, email := m.demoBuyer()
	if order == "" {
		t.Fatal("the demo has no buyer")
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	c, csrf := pageClient(t, srv.URL)
	post := func(path string, form url.Values) {
		t.Helper()
		res, err := c.PostForm(srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %d", path, res.StatusCode)
		}
	}
	post("/verify", url.Values{"csrf": {csrf()}, "order_id": {order}, "secret": {email}})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/events?after=0", nil)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("X-Request-Id") == "" {
		t.Fatalf("events: %d %q, request id %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("X-Request-Id"))
	}
	waitFor := sseStream(t, res.Body)
	waitFor("retry: 3000")
	post("/messages", url.Values{"csrf": {csrf()}, "text": {"is it shipped yet?"}})
	waitFor("is it shipped yet?")
	cancel()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !strings.Contains(logs.String(), "path=/events status=200"); {
		time.Sleep(20 * time.Millisecond)
	}
	if out := logs.String(); !strings.Contains(out, "path=/events status=200") || strings.Contains(out, "after=0") {
		t.Errorf("the stream's log line:\n%s", out)
	}
	if strings.Contains(logs.String(), "can flush") {
		t.Errorf("the help page could not flush:\n%s", logs.String())
	}
}
