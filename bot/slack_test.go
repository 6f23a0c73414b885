package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
)

// The Slack app is wired from config: its endpoints are verified, and the
// outbox reaches the fake Slack Web API through the delivery loop's sink.
func TestSlackWiredFromConfig(t *testing.T) {
	t.Chdir(t.TempDir())
	var mu sync.Mutex
	var calls []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, r.URL.Path+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": "C0SUPPORT", "ts": "1700000000.000100", "user_id": "U0BOT", "team_id": "T1"})
	}))
	defer fake.Close()
	env := []string{"SELLERDESK_DATABASE_URL=sqlite:shop.db", "SELLERDESK_SLACK_BOT_TOKEN=xoxb-test-token",
		"SELLERDESK_SLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5", "SELLERDESK_SLACK_SUPPORT_CHANNEL=C0SUPPORT",
		"SELLERDESK_SLACK_API_URL=" + fake.URL + "/"}
	m, err := NewMain("", env)
	if err != nil {
		t.Fatal(err)
	}
	m.Stdout, m.Stderr = io.Discard, io.Discard
	ctx := context.Background()
	if err := m.Open(ctx, false); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.slack == nil || len(m.sinks) != 1 {
		t.Fatalf("slack not wired: %v %d", m.slack, len(m.sinks))
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader("text=order+1")))
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("unsigned slash command: %d", rec.Code)
	}
	// Prime the sink's place in the outbox, then a buyer writes.
	if _, _, err := m.Engine.Deliver(ctx, m.sinks[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "b1", Text: "where is my package?"}); err != nil {
		t.Fatal(err)
	}
	sent, _, err := m.Engine.Deliver(ctx, m.sinks[0])
	if err != nil || sent != 1 {
		t.Fatalf("delivered %d: %v", sent, err)
	}
	mu.Lock()
	defer mu.Unlock()
	posted := false
	for _, c := range calls {
		if strings.HasPrefix(c, "/chat.postMessage") && strings.Contains(c, "C0SUPPORT") {
			posted = true
		}
		if strings.Contains(c, "xoxb-test-token") && !strings.Contains(c, "token=") {
			t.Errorf("token leaked into a message body: %s", c)
		}
	}
	if !posted {
		t.Fatalf("no post to the support channel: %q", calls)
	}
}
