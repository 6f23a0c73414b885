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

// The Discord bot is wired from config: its interactions endpoint is
// verified, and alerts reach the fake Discord REST API through the sink.
func TestDiscordWiredFromConfig(t *testing.T) {
	t.Chdir(t.TempDir())
	var mu sync.Mutex
	var calls []string
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "1100000000000000001", "channel_id": "1200000000000000002"})
	}))
	defer fake.Close()
	env := []string{"SELLERDESK_DATABASE_URL=sqlite:shop.db", "SELLERDESK_DISCORD_BOT_TOKEN=test-token",
		"SELLERDESK_DISCORD_APPLICATION_ID=1000000000000000000", "SELLERDESK_DISCORD_STAFF_CHANNEL=1200000000000000002",
		"SELLERDESK_DISCORD_PUBLIC_KEY=" + strings.Repeat("ab", 32), "SELLERDESK_DISCORD_API_URL=" + fake.URL}
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
	if m.discord == nil || len(m.sinks) != 1 {
		t.Fatalf("discord not wired: %v %d", m.discord, len(m.sinks))
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(`{"type":1}`)))
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("unsigned interaction: %d", rec.Code)
	}
	if _, _, err := m.Engine.Deliver(ctx, m.sinks[0]); err != nil { // the sink's place in the outbox
		t.Fatal(err)
	}
	owner := core.Actor{ID: "console:t", Role: core.Owner, Source: "console"}
	for _, line := range []string{"stock VASE set 10", "stock VASE remove 8"} { // a low-stock alert
		if _, err := m.Engine.RunLine(ctx, owner, line, false); err != nil {
			t.Fatal(err)
		}
	}
	sent, _, err := m.Engine.Deliver(ctx, m.sinks[0])
	if err != nil || sent != 1 {
		t.Fatalf("delivered %d: %v", sent, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) == 0 || !strings.Contains(calls[len(calls)-1], "/channels/1200000000000000002/messages") || !strings.Contains(calls[len(calls)-1], "VASE") {
		t.Fatalf("calls: %q", calls)
	}
}
