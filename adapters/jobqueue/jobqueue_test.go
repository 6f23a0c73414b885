package jobqueue_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/jobqueue"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// deployment is a store with the replicas a deployment on it has.
type deployment struct {
	name     string
	open     func(testing.TB) *sqlstore.DB
	replicas int
}

// deployments are what the queue runs on: one process on SQLite, two
// replicas on PostgreSQL.
func deployments() []deployment {
	return []deployment{{"sqlite", storetest.OpenSQLite, 1}, {"postgres", storetest.OpenPostgres, 2}}
}

// The queue's tests run on both stores, each with what a deployment on it
// looks like.
func TestQueue(t *testing.T) {
	for _, st := range deployments() {
		t.Run(st.name, func(t *testing.T) {
			t.Run("drafts_each_message_once", func(t *testing.T) { testDrafts(t, st.open(t), st.replicas) })
			t.Run("failed_draft_retried", func(t *testing.T) { testDraftRetried(t, st.open(t)) })
			t.Run("delivers_in_order_once", func(t *testing.T) { testDelivery(t, st.open(t), st.replicas) })
			t.Run("retries_after_platform_failure", func(t *testing.T) { testDeliveryRetry(t, st.open(t)) })
			t.Run("breach_alert_once", func(t *testing.T) { testBreach(t, st.open(t), st.replicas) })
			t.Run("stop_drains_a_running_delivery", func(t *testing.T) { testStopDrains(t, st.open(t)) })
			t.Run("daily_clean_up_ends_expired_sessions", func(t *testing.T) { testForgetSessions(t, st.open(t)) })
			t.Run("daily_auto_review_once_per_order", func(t *testing.T) { testAutoReview(t, st.open(t), st.replicas) })
		})
	}
}

// recorder keeps what every replica's sink posted, in order.
type recorder struct {
	mu    sync.Mutex
	got   []int64
	fail  int           // fail this many posts with a 500-like error
	delay time.Duration // each post takes this long
}

func (r *recorder) posted() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// sink is one replica's sink, posting to the shared recorder.
type sink struct{ r *recorder }

func (sink) Name() string { return "chat" }
func (sink) Wants(ev core.Event) bool {
	return ev.Kind == core.EventBuyerMessage || ev.Kind == core.EventBreach
}
func (s sink) Deliver(ctx context.Context, ev core.Event) error {
	if s.r.delay > 0 {
		time.Sleep(s.r.delay) // a slow platform; deliberately ignores ctx like a post already on the wire
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if s.r.fail > 0 {
		s.r.fail--
		return errors.New("platform answered 500")
	}
	s.r.got = append(s.r.got, ev.ID)
	return nil
}

type replica struct {
	engine *core.Engine
	queue  *jobqueue.Queue
}

// start runs n replicas of the queue on one store, each with its own engine
// whose notifications feed its queue (as bot serve wires them); edit sets
// more of the engine's options and the queue's config.
func start(t *testing.T, db *sqlstore.DB, n int, clock core.Clock, rec *recorder, drafter core.Drafter, edit ...func(*core.Options, *jobqueue.Config)) []replica {
	t.Helper()
	ctx := context.Background()
	qdb, pg := db.QueueDB()
	d := jobqueue.Database{DB: qdb, Postgres: pg}
	if _, err := jobqueue.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	if n, err := jobqueue.Migrate(ctx, d); err != nil || n != 0 { // a second replica starting: nothing to do
		t.Fatalf("second migrate: %d applied, %v; want none", n, err)
	}
	var out []replica
	for i := range n {
		var q *jobqueue.Queue
		opt := core.Options{Clock: clock, Drafter: drafter,
			Notify: func(ev core.Event) { q.Notify(ev) }} // as bot serve wires them
		var sinks []core.Sink
		if rec != nil {
			sinks = []core.Sink{sink{rec}}
		}
		cfg := jobqueue.Config{Sinks: sinks, ReminderInterval: time.Second,
			KickInterval: time.Second, DraftInterval: time.Second, Log: slog.New(slog.DiscardHandler)}
		for _, f := range edit {
			f(&opt, &cfg)
		}
		e := core.NewEngine(db, opt)
		var err error
		q, err = jobqueue.New(d, e, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := q.Stop(sctx); err != nil {
				t.Errorf("stop: %v", err)
			}
		})
		out = append(out, replica{engine: e, queue: q})
	}
	return out
}

// eventually polls cond for up to 20 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

func say(t *testing.T, e *core.Engine, buyer, text string) *core.Conversation {
	t.Helper()
	c, err := e.BuyerMessage(context.Background(), core.BuyerMessageIn{Channel: "web", BuyerKey: buyer, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func conversation(t *testing.T, e *core.Engine, id string) *core.Conversation {
	t.Helper()
	c, _, err := e.Conversation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// jobCount counts the queue's jobs of a kind, whatever their state.
func jobCount(t *testing.T, db *sqlstore.DB, kind string) int {
	t.Helper()
	qdb, pg := db.QueueDB()
	q := "SELECT count(*) FROM river_job WHERE kind = ?"
	if pg {
		q = "SELECT count(*) FROM river_job WHERE kind = $1"
	}
	var n int
	if err := qdb.QueryRow(q, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var offline = drafter.Offline{D: drafter.New(drafter.Shop{Name: "Test Shop"})}

// flaky is a drafter whose first calls fail, like a model that is down.
type flaky struct {
	mu    sync.Mutex
	fails int
}

func (f *flaky) Draft(ctx context.Context, r core.DraftRequest) (core.Draft, error) {
	f.mu.Lock()
	fail := f.fails > 0
	f.fails--
	f.mu.Unlock()
	if fail {
		return core.Draft{}, core.Errorf(core.Unavailable, "the model is down")
	}
	return offline.Draft(ctx, r)
}

func testDrafts(t *testing.T, db *sqlstore.DB, n int) {
	rs := start(t, db, n, nil, nil, offline)
	var ids []string
	for i := range 10 {
		c := say(t, rs[i%n].engine, fmt.Sprintf("buyer-%d", i), "Where is my package? It has not arrived yet.")
		ids = append(ids, c.ID)
	}
	for _, id := range ids {
		eventually(t, id+" has a draft", func() bool { c := conversation(t, rs[0].engine, id); return c.Draft != nil })
	}
	time.Sleep(1500 * time.Millisecond) // the catch-up job runs too, and must not draft again
	if got := len(outbox(t, db, core.EventDraftReady)); got != 10 {
		t.Errorf("%d draft notices for 10 messages, want 10: one draft each", got)
	}
}

func testDraftRetried(t *testing.T, db *sqlstore.DB) {
	rs := start(t, db, 1, nil, nil, &flaky{fails: 2})
	c := say(t, rs[0].engine, "buyer", "Where is my package?")
	eventually(t, "the draft is made after the model recovers", func() bool {
		return conversation(t, rs[0].engine, c.ID).Draft != nil
	})
	if got := len(outbox(t, db, core.EventDraftReady)); got != 1 {
		t.Errorf("%d draft notices, want 1", got)
	}
	if got := jobCount(t, db, "sellerdesk_draft"); got != 1 {
		t.Errorf("%d draft jobs, want 1: the failed first try is retried as a job", got)
	}
}

func testDelivery(t *testing.T, db *sqlstore.DB, n int) {
	rec := &recorder{}
	rs := start(t, db, n, nil, rec, offline)
	for i := range 40 {
		say(t, rs[i%n].engine, fmt.Sprintf("buyer-%d", i), "hello")
	}
	var want []int64
	for _, ev := range outbox(t, db, core.EventBuyerMessage) {
		want = append(want, ev.ID)
	}
	eventually(t, "40 messages are posted", func() bool { return len(rec.posted()) >= 40 })
	time.Sleep(1500 * time.Millisecond) // any duplicate would come with the next kick
	if got := rec.posted(); !slices.Equal(got, want) {
		t.Errorf("posted %v\nwant     %v (each once, in order)", got, want)
	}
}

// outbox reads the outbox messages of a kind, in order.
func outbox(t *testing.T, db *sqlstore.DB, kind core.EventKind) []core.Event {
	t.Helper()
	var out []core.Event
	err := db.View(context.Background(), func(tx core.Tx) error {
		all, err := tx.Outbox(context.Background(), 0, 1000)
		for _, ev := range all {
			if ev.Kind == kind {
				out = append(out, ev)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func testDeliveryRetry(t *testing.T, db *sqlstore.DB) {
	rec := &recorder{fail: 2}
	rs := start(t, db, 1, nil, rec, offline)
	say(t, rs[0].engine, "buyer", "hello")
	// Two failures: retried after 1 s and 2 s (the engine's backoff).
	eventually(t, "the message is posted after two failures, and recorded", func() bool {
		st, err := rs[0].engine.SinkStatus(context.Background(), "chat")
		return err == nil && st.Attempts == 0 && st.LastError == "" && len(rec.posted()) == 1
	})
}

func testBreach(t *testing.T, db *sqlstore.DB, n int) {
	clock := &stepClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	rec := &recorder{}
	rs := start(t, db, n, clock, rec, offline)
	c := say(t, rs[0].engine, "buyer", "Can I change the address?")
	clock.advance(25 * time.Hour) // past the 24-hour window
	eventually(t, "the breach alert is posted", func() bool {
		return len(outbox(t, db, core.EventBreach)) == 1 && len(rec.posted()) == 2
	})
	time.Sleep(2500 * time.Millisecond) // two more reminder checks
	if got := outbox(t, db, core.EventBreach); len(got) != 1 || got[0].ConversationID != c.ID {
		t.Errorf("breach alerts = %+v, want one for %s", got, c.ID)
	}
	if got := conversation(t, rs[0].engine, c.ID); !got.Breached {
		t.Errorf("conversation not marked breached")
	}
}

func testStopDrains(t *testing.T, db *sqlstore.DB) {
	rec := &recorder{delay: 300 * time.Millisecond}
	ctx := context.Background()
	qdb, pg := db.QueueDB()
	d := jobqueue.Database{DB: qdb, Postgres: pg}
	if _, err := jobqueue.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	var q *jobqueue.Queue
	e := core.NewEngine(db, core.Options{Notify: func(ev core.Event) { q.Notify(ev) }})
	q, err := jobqueue.New(d, e, jobqueue.Config{Sinks: []core.Sink{sink{rec}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		say(t, e, fmt.Sprintf("buyer-%d", i), "hello")
	}
	eventually(t, "a post is under way", func() bool {
		st, _ := e.SinkStatus(ctx, "chat")
		return !st.NextAttempt.IsZero() || len(rec.posted()) > 0
	})
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := q.Stop(sctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	posted := rec.posted()
	st, err := e.SinkStatus(ctx, "chat")
	if err != nil {
		t.Fatal(err)
	}
	// What went out is recorded: nothing is posted twice at the next start.
	if len(posted) == 0 || st.AfterID < posted[len(posted)-1] {
		t.Errorf("after stop: posted %v, sink at %d; the round in flight should finish and be recorded", posted, st.AfterID)
	}
	if !st.NextAttempt.IsZero() && st.NextAttempt.After(time.Now()) {
		t.Errorf("the lease outlived the stop: %v", st.NextAttempt)
	}
}

// stepClock is a clock tests move by hand.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// The daily clean-up (run at start too) removes expired buyer sessions and
// keeps current ones.
func testForgetSessions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	clock := &stepClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e := core.NewEngine(db, core.Options{Clock: clock})
	for id, ttl := range map[string]time.Duration{"expired-session-000001": time.Hour, "current-session-000001": 7 * 24 * time.Hour} {
		if err := e.StartBuyerSession(ctx, core.BuyerSession{ID: id, Channel: "web", OrderID: "111-1111111-1111111", ExpiresAt: clock.Now().Add(ttl)}); err != nil {
			t.Fatal(err)
		}
	}
	clock.advance(2 * time.Hour)
	stored := func(id string) bool {
		err := db.View(ctx, func(tx core.Tx) error { _, err := tx.BuyerSession(ctx, id); return err })
		if err != nil && core.ErrorCode(err) != core.NotFound {
			t.Fatal(err)
		}
		return err == nil
	}
	start(t, db, 1, clock, nil, nil)
	eventually(t, "the expired session removed", func() bool { return !stored("expired-session-000001") })
	if !stored("current-session-000001") {
		t.Fatal("the clean-up removed a current session")
	}
}

// runLog records the runs of a periodic job's work: how many, how many
// at once at most, and a failure to hand the next one.
type runLog struct {
	mu      sync.Mutex
	running int
	most    int // the most runs at once
	runs    int
	ended   int  // runs that ended because their context did
	fail    bool // the next run fails
}

// begin records a run starting and says whether it is to fail.
func (l *runLog) begin() (fail bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running++
	l.most = max(l.most, l.running)
	l.runs++
	fail, l.fail = l.fail, false
	return fail
}

func (l *runLog) end(byContext bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running--
	if byContext {
		l.ended++
	}
}

func (l *runLog) count() (runs, ended int) { l.mu.Lock(); defer l.mu.Unlock(); return l.runs, l.ended }

func (l *runLog) checkOneAtATime(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.most != 1 {
		t.Errorf("%d ran at once, want one at a time", l.most)
	}
}

// watchLog records the mail watches the queue ran.
type watchLog struct{ runLog }

func (w *watchLog) watch(ctx context.Context, until time.Time) error {
	if w.begin() {
		defer w.end(false)
		return errors.New("mail.imap_url (127.0.0.1:1 as seller): cannot reach the IMAP server")
	}
	select {
	case <-ctx.Done():
		w.end(true)
	case <-time.After(time.Until(until)):
		w.end(false)
	}
	return nil
}

// The mail watcher is a periodic job: each period one replica reads and
// watches the mailbox, the watches of two replicas never overlap, a failed
// watch is run again by the next period's job, and every outcome is
// counted for sellerdesk_jobs_total.
func TestMailWatchJob(t *testing.T) {
	for _, st := range deployments() {
		t.Run(st.name, func(t *testing.T) {
			w := &watchLog{runLog{fail: true}}
			outcomes := startReplicas(t, st.open(t), st.replicas, jobqueue.Config{MailWatch: w.watch, MailInterval: 2 * time.Second})
			eventually(t, "three watches ran", func() bool { runs, _ := w.count(); return runs >= 3 })
			eventually(t, "their outcomes were counted", func() bool {
				return outcomes.count("sellerdesk_mail_watch failed") == 1 && outcomes.count("sellerdesk_mail_watch completed") >= 1
			})
			w.checkOneAtATime(t)
		})
	}
}

// Stopping the queue ends a running mail watch at once, instead of the
// shutdown waiting out the watch's period (an hour here) and cancelling
// it at the end of its grace.
func TestMailWatchEndsOnStop(t *testing.T) {
	w := &watchLog{}
	testEndsOnStop(t, jobqueue.Config{MailWatch: w.watch, MailInterval: time.Hour}, &w.runLog)
}

// testEndsOnStop starts a queue whose periodic work (recorded in l) runs
// until its context ends, and stops the queue once the work has begun:
// the stop must end it at once, within the grace.
func testEndsOnStop(t *testing.T, cfg jobqueue.Config, l *runLog) {
	t.Helper()
	q := startOne(t, cfg)
	eventually(t, "the work started", func() bool { runs, _ := l.count(); return runs == 1 })
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.Stop(sctx); err != nil {
		t.Fatalf("stop: %v (the work held the shutdown)", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running != 0 || l.runs != 1 || l.ended != 1 {
		t.Errorf("%d runs, %d ended by the stop, %d still running; want the one, stopped", l.runs, l.ended, l.running)
	}
}

// passLog records the order sync passes the queue ran.
type passLog struct{ runLog }

// pass is one order sync pass: the first fails at once, the others read
// until their budget ends them (a backlog larger than one pass).
func (p *passLog) pass(ctx context.Context) error {
	if p.begin() {
		defer p.end(false)
		return core.Errorf(core.Unavailable, "Amazon's searchOrders answered 503 5 times; sellerdesk will try again later.")
	}
	<-ctx.Done()
	p.end(true)
	return ctx.Err()
}

// The order sync is a periodic job whose passes never overlap, on one
// replica or two, though each pass outlasts several periods: the next is
// scheduled only once the running one ends. A pass stopped by its budget
// completes (the next carries on from the cursor); a failed one is counted
// as failed and the next period runs again.
func TestOrderSyncJob(t *testing.T) {
	for _, st := range deployments() {
		t.Run(st.name, func(t *testing.T) {
			p := &passLog{runLog{fail: true}}
			outcomes := startReplicas(t, st.open(t), st.replicas, jobqueue.Config{
				OrderSync: p.pass, OrderSyncInterval: 200 * time.Millisecond, OrderSyncBudget: time.Second})
			eventually(t, "two passes ended by their budget", func() bool { _, ended := p.count(); return ended >= 2 })
			eventually(t, "their outcomes were counted", func() bool {
				return outcomes.count("sellerdesk_order_sync failed") == 1 && outcomes.count("sellerdesk_order_sync completed") >= 2
			})
			p.checkOneAtATime(t)
		})
	}
}

// Stopping the queue ends a running pass at once rather than at the end
// of its budget.
func TestOrderSyncEndsOnStop(t *testing.T) {
	p := &passLog{}
	testEndsOnStop(t, jobqueue.Config{OrderSync: p.pass}, &p.runLog)
}

// outcomeLog counts job outcomes by "kind outcome", as
// sellerdesk_jobs_total does.
type outcomeLog struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomeLog) observe(kind, outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n[kind+" "+outcome]++
}

func (o *outcomeLog) count(key string) int { o.mu.Lock(); defer o.mu.Unlock(); return o.n[key] }

// startReplicas runs n replicas of a queue configured by cfg on db, each
// with its own engine, counting their jobs' outcomes; they stop when the
// test ends.
func startReplicas(t *testing.T, db *sqlstore.DB, n int, cfg jobqueue.Config) *outcomeLog {
	t.Helper()
	outcomes := &outcomeLog{n: map[string]int{}}
	cfg.Log, cfg.Observe = slog.New(slog.DiscardHandler), outcomes.observe
	for range n {
		startQueue(t, db, core.NewEngine(db, core.Options{}), cfg)
	}
	return outcomes
}

// startOne runs one queue configured by cfg on a fresh SQLite store; the
// test stops it.
func startOne(t *testing.T, cfg jobqueue.Config) *jobqueue.Queue {
	t.Helper()
	db := storetest.OpenSQLite(t)
	qdb, pg := db.QueueDB()
	d := jobqueue.Database{DB: qdb, Postgres: pg}
	if _, err := jobqueue.Migrate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	cfg.Log = slog.New(slog.DiscardHandler)
	q, err := jobqueue.New(d, core.NewEngine(db, core.Options{}), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return q
}
