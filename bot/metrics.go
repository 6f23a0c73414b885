package main

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// registerMetrics adds the series read from the store at each scrape
// (outbox backlog per sink, conversations due and overdue) and counts
// drafts, wrapping m.drafter. Open calls it once the registry and the
// drafter exist; the engine and sinks are looked up at scrape time.
func (m *Main) registerMetrics() {
	m.registry.MustRegister(&storeCollector{m: m})
	drafts := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sellerdesk_drafts_total",
		Help: "Drafts written for buyer messages, by outcome (ok or error), intent and drafter (offline or llm)."},
		[]string{"outcome", "intent", "drafter"})
	m.registry.MustRegister(drafts)
	if m.drafter != nil {
		m.drafter = countingDrafter{next: m.drafter, drafts: drafts}
	}
}

// countingDrafter counts what its drafter does.
type countingDrafter struct {
	next   core.Drafter
	drafts *prometheus.CounterVec
}

// Quick says what the drafter it counts says (core.QuickDrafter).
func (d countingDrafter) Quick() bool {
	q, ok := d.next.(core.QuickDrafter)
	return ok && q.Quick()
}

// Prepare passes on to the drafter it counts (core.Preparer).
func (d countingDrafter) Prepare(text string) {
	if p, ok := d.next.(core.Preparer); ok {
		p.Prepare(text)
	}
}

func (d countingDrafter) Draft(ctx context.Context, req core.DraftRequest) (core.Draft, error) {
	out, err := d.next.Draft(ctx, req)
	if err != nil {
		d.drafts.WithLabelValues("error", "", "").Inc()
		return out, err
	}
	intent := out.Intent
	if !drafter.Intent(intent).Valid() {
		intent = string(drafter.Other) // an LLM may name anything: keep the label set closed
	}
	name := out.Drafter
	if name != "offline" && name != "llm" {
		name = "other"
	}
	d.drafts.WithLabelValues("ok", intent, name).Inc()
	return out, nil
}

// storeCollector reads the store at scrape time. A failed reading is
// logged and its series left out of that scrape; the rest still answer.
type storeCollector struct{ m *Main }

var (
	descOutboxPending = prometheus.NewDesc("sellerdesk_outbox_pending",
		"Outbox messages a sink has yet to deliver (counted up to 10000).", []string{"sink"}, nil)
	descOutboxAge = prometheus.NewDesc("sellerdesk_outbox_oldest_age_seconds",
		"Age of the oldest message a sink has yet to deliver; 0 when none waits.", []string{"sink"}, nil)
	descDeliveryAttempts = prometheus.NewDesc("sellerdesk_delivery_attempts",
		"Failed attempts at a sink's next message; 0 while delivery works.", []string{"sink"}, nil)
	descConversationsDue = prometheus.NewDesc("sellerdesk_conversations_due",
		"Buyer conversations waiting for an answer whose 24-hour deadline is within the first reminder point.", nil, nil)
	descConversationsOverdue = prometheus.NewDesc("sellerdesk_conversations_overdue",
		"Buyer conversations waiting for an answer past their 24-hour deadline.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOutboxPending, descOutboxAge, descDeliveryAttempts, descConversationsDue, descConversationsOverdue} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	if m.Engine == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := m.Engine.Now()
	for _, s := range m.sinks {
		b, err := m.Engine.Backlog(ctx, s.Name())
		if err != nil {
			m.Log.Warn("metrics: read the outbox backlog", "sink", s.Name(), "err", err)
			continue
		}
		age := 0.0
		if !b.Oldest.IsZero() {
			age = max(0, now.Sub(b.Oldest).Seconds())
		}
		ch <- prometheus.MustNewConstMetric(descOutboxPending, prometheus.GaugeValue, float64(b.Pending), s.Name())
		ch <- prometheus.MustNewConstMetric(descOutboxAge, prometheus.GaugeValue, age, s.Name())
		ch <- prometheus.MustNewConstMetric(descDeliveryAttempts, prometheus.GaugeValue, float64(b.Attempts), s.Name())
	}
	n, err := m.Engine.InboxCounts(ctx)
	if err != nil {
		m.Log.Warn("metrics: count waiting conversations", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(descConversationsDue, prometheus.GaugeValue, float64(n.Due))
	ch <- prometheus.MustNewConstMetric(descConversationsOverdue, prometheus.GaugeValue, float64(n.Overdue))
}

// logRequests gives every request an id (X-Request-Id: the caller's when it
// sends a plausible one, else a new one), returns it in the response, and
// logs each request at debug level. It logs the path without the query,
// which may carry tokens, and no headers or bodies.
func (m *Main) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !plausibleRequestID(id) {
			id = rand.Text()
			r.Header.Set("X-Request-Id", id)
		}
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		m.Log.LogAttrs(r.Context(), slog.LevelDebug, "http request", slog.String("request_id", id),
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)))
	})
}

// plausibleRequestID accepts ids a proxy might send (a UUID, a hex or
// base32 string…): short, of letters, digits and -_.: only, so that
// nothing odd reaches the logs.
func plausibleRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
		if !ok {
			return false
		}
	}
	return true
}

// statusRecorder remembers the status written. It keeps the writer's other
// abilities reachable: Unwrap for http.ResponseController (the help page's
// live updates flush through it) and Flush for handlers that assert
// http.Flusher.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx are interim answers
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
