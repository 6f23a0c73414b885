package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/jobqueue"
	"github.com/sellerdesk/sellerdesk/core"
)

// notifier fans the engine's committed outbox messages out to the parts of
// this process that act on them at once: the drafting loop and the help
// page's live updates. Subscribers must not block.
type notifier struct {
	mu   sync.Mutex
	subs []func(core.Event)
}

func (n *notifier) subscribe(f func(core.Event)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.subs = append(n.subs, f)
}

func (n *notifier) publish(ev core.Event) {
	n.mu.Lock()
	subs := slices.Clone(n.subs)
	n.mu.Unlock()
	for _, f := range subs {
		f(ev)
	}
}

// startJobs runs the timed and retried work on the job queue
// (adapters/jobqueue): drafts, the timed order rules, reminders and breach
// alerts, delivery to each sink, and the Amazon order sync when spapi is
// configured. The queue hears this replica's committed outbox messages; the
// others' are theirs to act on.
func (m *Main) startJobs(ctx context.Context) (*jobqueue.Queue, error) {
	m.openAmazon(ctx) // checks the credentials in the background
	sinks := make([]core.Sink, len(m.sinks))
	for i, s := range m.sinks {
		sinks[i] = loggingSink{Sink: s, m: m}
	}
	qdb, pg := m.Store.QueueDB()
	j := m.Config.Jobs
	q, err := jobqueue.New(jobqueue.Database{DB: qdb, Postgres: pg}, m.Engine, jobqueue.Config{
		SweepInterval:    m.Config.Orders.SweepInterval.Duration,
		ReminderInterval: j.ReminderInterval.Duration,
		KickInterval:     j.OutboxCheck.Duration,
		DraftWorkers:     j.DraftWorkers,
		// A draft waits for the model at most llm.timeout, then falls back.
		DraftTimeout: m.Config.LLM.Timeout.Duration + 30*time.Second,
		Sinks:        sinks,
		MailWatch:    m.mailWatch(), // nil without mail; the period is the default minute
		// nil without spapi: then no sync job at all
		OrderSync:         m.orderSync(),
		OrderSyncInterval: m.Config.SPAPI.SyncInterval.Duration,
		AmazonCheck:       m.amazonCheck(), // nil without an Amazon connection
		AutoReview:        m.Config.SPAPI.Enabled() && m.Config.SPAPI.AutoReview,
		Log:               m.Log,
		Observe:           func(kind, outcome string) { m.jobMetric.WithLabelValues(kind, outcome).Inc() },
	})
	if err != nil {
		return nil, err
	}
	m.local.subscribe(q.Notify)
	if err := q.Start(ctx); err != nil {
		return nil, err
	}
	return q, nil
}
