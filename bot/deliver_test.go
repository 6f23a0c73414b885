package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

type chanSink struct {
	mu    sync.Mutex
	fails int
	got   []core.Event
	block chan struct{} // when set, Deliver waits for it (or ctx)
}

func (s *chanSink) Name() string          { return "test" }
func (s *chanSink) Wants(core.Event) bool { return true }
func (s *chanSink) Deliver(ctx context.Context, ev core.Event) error {
	s.mu.Lock()
	if s.fails > 0 {
		s.fails--
		s.mu.Unlock()
		return errors.New("platform says no")
	}
	b := s.block
	s.mu.Unlock()
	if b != nil {
		select {
		case <-b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s.mu.Lock()
	s.got = append(s.got, ev)
	s.mu.Unlock()
	return nil
}
func (s *chanSink) n() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.got) }

func TestDeliverLoopRetriesAndStops(t *testing.T) {
	t.Chdir(t.TempDir())
	m, err := NewMain("", []string{"SELLERDESK_DATABASE_URL=sqlite:serve.db", "SELLERDESK_HTTP_ADDR=127.0.0.1:0", "SELLERDESK_HTTP_METRICS_ADDR=127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	m.Stdout, m.Stderr = io.Discard, io.Discard
	var logs enginetest.LogBuffer
	m.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	sink := &chanSink{fails: 1}
	m.sinks = []core.Sink{sink}
	ctx := context.Background()
	if _, _, err := m.Engine.Deliver(ctx, sink); err != nil { // registers
		t.Fatal(err)
	}
	if _, err := m.Engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "b", Text: "SECRET-BUYER-TEXT here"}); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- m.Run(rctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for sink.n() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if sink.n() != 2 {
		t.Fatalf("delivered %d", sink.n())
	}
	// A round in flight at shutdown is let finish.
	sink.mu.Lock()
	sink.block = make(chan struct{})
	sink.mu.Unlock()
	m.Engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "b", Text: "again"})
	time.Sleep(1500 * time.Millisecond) // the loop picks it up and blocks
	cancel()
	time.Sleep(100 * time.Millisecond)
	close(sink.block)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not stop")
	}
	if sink.n() < 3 {
		t.Fatalf("delivered %d after shutdown", sink.n())
	}
	st, _ := m.Engine.SinkStatus(ctx, "test")
	t.Logf("status %+v", st)
	out := logs.String()
	t.Log(out)
	if !strings.Contains(out, "sink=test") || !strings.Contains(out, "platform says no") || strings.Contains(out, "SECRET") {
		t.Fatal("logs")
	}
}

// groupingSink is a chanSink that takes groups, as Slack and Discord do.
type groupingSink struct{ chanSink }

func (*groupingSink) TakesGroups() bool { return true }

// Wrapped for logging, a Slack or Discord sink is still handed digests and
// conversation updates; a plain sink still is not.
func TestLoggingSinkKeepsGroups(t *testing.T) {
	var s core.Sink = loggingSink{Sink: &groupingSink{}}
	if g, ok := s.(core.GroupSink); !ok || !g.TakesGroups() {
		t.Fatal("a wrapped group sink no longer takes groups")
	}
	if (loggingSink{Sink: &chanSink{}}).TakesGroups() {
		t.Fatal("a wrapped plain sink takes groups")
	}
}
