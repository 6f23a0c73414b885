package llm

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// hungSetup is newSetup with an endpoint that stopped mid-way: start
// (which may write nothing, the headers, or part of the body) runs, then
// the handler blocks until the test ends, paying no attention to the
// client going away. The timeout tests in llm_test.go use a server that
// gives up when the client does; a hung proxy or model server doesn't, so
// only the client's own deadline can end the call.
func hungSetup(t *testing.T, start func(w http.ResponseWriter), edit ...func(*Config)) *setup {
	release := make(chan struct{})
	s := newSetup(t, func(w http.ResponseWriter, _ *http.Request, _ wireRequest) {
		start(w)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		<-release
	}, edit...)
	// After newSetup's srv.Close, so it runs before it: Close waits for
	// handlers, and these return only once released.
	t.Cleanup(func() { close(release) })
	return s
}

func TestDraft_hung_endpoint_falls_back_within_timeout(t *testing.T) {
	cases := []struct {
		name  string
		start func(w http.ResponseWriter)
	}{
		{"no_answer", func(http.ResponseWriter) {}},
		{"headers_then_nothing", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
		}},
		{"body_stops_midway", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"id":"chatcmpl-test","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Your pack`))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := hungSetup(t, tc.start, func(c *Config) { c.Timeout = 200 * time.Millisecond })
			start := time.Now()
			d := s.draft(t, core.DraftRequest{Conversation: conversation("where is my package?"), Order: shippedOrder()})
			// Generous: the point is that it ends at all, not how fast.
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("Draft took %s with a 200ms timeout", el)
			}
			wantOffline(t, d, "LLM unavailable (timeout after 200ms); offline draft used.")
			if n := len(s.fake.recorded()); n != 1 {
				t.Errorf("%d requests, want 1 (no retries into a hung endpoint)", n)
			}
		})
	}
}

// With translation on, the summary call hangs beside the reply; both are
// under the one deadline and the offline summary is kept.
func TestDraft_hung_endpoint_with_translation(t *testing.T) {
	s := hungSetup(t, func(http.ResponseWriter) {}, func(c *Config) {
		c.Timeout = 200 * time.Millisecond
		c.Translate = true
	})
	s.offline.draft.Language = "zh"
	s.offline.draft.Summary = "offline summary"
	start := time.Now()
	d := s.draft(t, core.DraftRequest{Conversation: conversation("我的包裹在哪里？"), Order: shippedOrder()})
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Draft took %s with a 200ms timeout", el)
	}
	if d.Drafter != NameOffline || d.Summary != "offline summary" || !strings.Contains(d.Note, "timeout after 200ms") {
		t.Errorf("draft %+v; want the offline one with its summary", d)
	}
	if n := len(s.fake.recorded()); n != 2 {
		t.Errorf("%d requests, want 2 (reply and summary):\n%s", n, describe(s.fake.recorded()))
	}
}

// Shutdown cancels the caller's context: a draft stuck on a hung endpoint
// returns then, not when llm.timeout (up to minutes) runs out.
func TestDraft_hung_endpoint_cancelled_by_caller(t *testing.T) {
	arrived := make(chan struct{}, 1)
	s := hungSetup(t, func(http.ResponseWriter) { arrived <- struct{}{} }, func(c *Config) { c.Timeout = 5 * time.Minute })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		d   core.Draft
		err error
	}
	done := make(chan result, 1)
	go func() {
		d, err := s.drafter.Draft(ctx, core.DraftRequest{Conversation: conversation("where is my package?"), Order: shippedOrder(), Now: now})
		done <- result{d, err}
	}()
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the request never reached the endpoint")
	}
	cancel()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		wantOffline(t, r.d, "LLM unavailable (request cancelled); offline draft used.")
	case <-time.After(20 * time.Second):
		t.Fatal("Draft still waiting on the hung endpoint 20s after its context was cancelled")
	}
}
