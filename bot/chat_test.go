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

// fakeChat is a chat platform's API that records every request as
// "METHOD /path body" and answers every one with the same JSON.
type fakeChat struct {
	*httptest.Server
	mu    sync.Mutex
	calls []string
}

func newFakeChat(t *testing.T, answer map[string]any) *fakeChat {
	f := &fakeChat{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.calls = append(f.calls, r.Method+" "+r.URL.Path+" "+string(body))
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(answer)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeChat) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// openMain opens the bot from env in the current directory and closes it
// at the end of the test.
func openMain(t *testing.T, env ...string) *Main {
	t.Helper()
	m, err := NewMain("", env)
	if err != nil {
		t.Fatal(err)
	}
	m.Stdout, m.Stderr = io.Discard, io.Discard
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// openWithSink opens the bot from env, checks that unsigned requests to
// endpoint are refused, and places the one configured sink in the outbox.
func openWithSink(t *testing.T, env []string, endpoint, body string) *Main {
	t.Helper()
	t.Chdir(t.TempDir())
	m := openMain(t, append(env, "SELLERDESK_DATABASE_URL=sqlite:shop.db", "SELLERDESK_HTTP_ADDR=127.0.0.1:0", "SELLERDESK_HTTP_METRICS_ADDR=127.0.0.1:0")...)
	if len(m.sinks) != 1 {
		t.Fatalf("%d sinks wired, want 1", len(m.sinks))
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, endpoint, strings.NewReader(body)))
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("unsigned request to %s: %d", endpoint, rec.Code)
	}
	if _, _, err := m.Engine.Deliver(context.Background(), m.sinks[0]); err != nil {
		t.Fatal(err)
	}
	return m
}

// deliver delivers what the sink has waiting and expects n posts.
func deliver(t *testing.T, m *Main, n int) {
	t.Helper()
	sent, _, err := m.Engine.Deliver(context.Background(), m.sinks[0])
	if err != nil || sent != n {
		t.Fatalf("delivered %d: %v", sent, err)
	}
}

// The Slack app is wired from config: its endpoints are verified, and a
// buyer message reaches the fake Slack Web API through the outbox sink.
func TestSlackWiredFromConfig(t *testing.T) {
	fake := newFakeChat(t, map[string]any{"ok": true, "channel": "C0SUPPORT", "ts": "1700000000.000100", "user_id": "U0BOT", "team_id": "T1"})
	m := openWithSink(t, []string{"SELLERDESK_SLACK_BOT_TOKEN=xoxb-test-token",
		"SELLERDESK_SLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5", "SELLERDESK_SLACK_SUPPORT_CHANNEL=C0SUPPORT",
		"SELLERDESK_SLACK_API_URL=" + fake.URL + "/"}, "/slack/commands", "text=order+1")
	if m.slack == nil {
		t.Fatal("slack not wired")
	}
	if _, err := m.Engine.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: "b1", Text: "where is my package?"}); err != nil {
		t.Fatal(err)
	}
	deliver(t, m, 1) // the message, and its draft made with it by the offline drafter, in one post
	calls := fake.recorded()
	posted := false
	for _, c := range calls {
		if strings.HasPrefix(c, "POST /chat.postMessage") && strings.Contains(c, "C0SUPPORT") {
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

// The Discord bot is wired from config: its interactions endpoint is
// verified, and alerts reach the fake Discord REST API through the sink.
func TestDiscordWiredFromConfig(t *testing.T) {
	fake := newFakeChat(t, map[string]any{"id": "1100000000000000001", "channel_id": "1200000000000000002"})
	m := openWithSink(t, []string{"SELLERDESK_DISCORD_BOT_TOKEN=test-token", "SELLERDESK_ALERTS_DIGEST_WINDOW=0s", // the alert at once
		"SELLERDESK_DISCORD_APPLICATION_ID=1000000000000000000", "SELLERDESK_DISCORD_STAFF_CHANNEL=1200000000000000002",
		"SELLERDESK_DISCORD_PUBLIC_KEY=" + strings.Repeat("ab", 32), "SELLERDESK_DISCORD_API_URL=" + fake.URL}, "/discord/interactions", `{"type":1}`)
	if m.discord == nil {
		t.Fatal("discord not wired")
	}
	owner := core.Actor{ID: "console:t", Role: core.Owner, Source: "console"}
	for _, line := range []string{"stock VASE set 10", "stock VASE remove 8"} { // a low-stock alert
		if _, err := m.Engine.RunLine(context.Background(), owner, line, false); err != nil {
			t.Fatal(err)
		}
	}
	deliver(t, m, 1) // the alert
	calls := fake.recorded()
	if len(calls) == 0 || !strings.Contains(calls[len(calls)-1], "/channels/1200000000000000002/messages") || !strings.Contains(calls[len(calls)-1], "VASE") {
		t.Fatalf("calls: %q", calls)
	}
}
