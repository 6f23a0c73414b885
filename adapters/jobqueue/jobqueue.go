// Package jobqueue runs sellerdesk's timed and retried work as
// riverqueue/river jobs in the store's own database: drafting buyer
// messages, the timed order rules (the 30-day warning and auto-cancel),
// reminders and breach alerts, outbox delivery to Slack and Discord, and
// reading the marketplace's orders (the SP-API sync).
//
// On PostgreSQL any number of replicas share one queue: river hands each job
// to one replica, and only the elected leader schedules the periodic jobs.
// On SQLite the one process does it all through the store's write connection.
//
// What a job does lives in core; a job only says when it runs. Each one is
// safe to run twice (a job can be retried after its replica died mid-run):
// the engine marks what it has done in the same transaction as doing it.
package jobqueue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/sellerdesk/sellerdesk/core"
)

// Engine is the work the jobs do; *core.Engine implements it.
type Engine interface {
	Draft(ctx context.Context, conversationID string) (bool, error)
	// DraftsInline: the engine drafts inside the buyer message's own
	// transaction, so the queue drafts only what that missed (catch-up).
	DraftsInline() bool
	DraftPending(ctx context.Context) (int, error)
	Sweep(ctx context.Context) (core.SweepResult, error)
	SweepConversations(ctx context.Context) (reminded, breached int, err error)
	DeliverRound(ctx context.Context, s core.Sink) (core.Round, error)
	StartSink(ctx context.Context, sink string) error
	ForgetOld(ctx context.Context) (core.Forgotten, error)
	RequestDueReviews(ctx context.Context) (requested []string, err error)
}

// Database is where the queue keeps its jobs: the store's database.
type Database struct {
	DB       *sql.DB
	Postgres bool
}

// Config sets the queue's cadence. Zero values take the defaults.
type Config struct {
	SweepInterval    time.Duration // the timed order rules (default 5m)
	ReminderInterval time.Duration // reminders and breach alerts (default 1m)
	DraftInterval    time.Duration // catching up on drafts a job missed (default 30s)
	KickInterval     time.Duration // delivery's backstop look at the outbox (default 5s)
	DraftWorkers     int           // drafts made at once by this process (default 4)
	DraftTimeout     time.Duration // one draft, model included (default 1m)
	Sinks            []core.Sink   // where outbox messages go from this process
	Log              *slog.Logger
	// MailWatch reads the shop's mailbox and then watches it for new
	// mail until the time given (mailapp.Source.Watch); nil when mail is
	// not configured. It runs as a periodic job, so one replica at a time
	// normally holds the IMAP connection, and a dead replica's watch is
	// taken over by the next period's job on another.
	MailWatch func(ctx context.Context, until time.Time) error
	// MailInterval is the watcher job's period (default 1m); each job
	// watches until a sixth of the period before it ends (50s of 1m), so
	// the next one takes over with no gap and little overlap.
	MailInterval time.Duration
	// OrderSync runs one pass of reading the marketplace's orders
	// (spapi.Client.Sync, wired by bot) until it is done or ctx ends; nil
	// without an Amazon connection. A pass that ctx ends stops between
	// pages, and the next period's job carries on from the stored cursor.
	OrderSync func(ctx context.Context) error
	// OrderSyncInterval is the order sync's period (default 2m).
	OrderSyncInterval time.Duration
	// OrderSyncBudget is the longest one pass runs (default 8m): a large
	// backlog is read over several jobs, each ending well before river
	// would rescue it as stuck (see orderSyncArgs).
	OrderSyncBudget time.Duration
	// AmazonCheck reads Amazon's answers to what was sent to it (the
	// cancel feeds' processing, spapi.CancelFeed.Check); nil without an
	// Amazon connection. AmazonCheckInterval is its period (default 5m).
	AmazonCheck         func(ctx context.Context) error
	AmazonCheckInterval time.Duration
	// Observe hears every job's outcome ("completed", "failed",
	// "snoozed", "cancelled"), for metrics.
	Observe func(kind, outcome string)
	// AutoReview (spapi.auto_review) runs a daily job asking Amazon for
	// the review of every order entering its review window.
	AutoReview bool
}

// Queue is sellerdesk's job queue.
type Queue struct {
	client *river.Client[*sql.Tx]
	engine Engine
	cfg    Config
	log    *slog.Logger
	sinks  map[string]core.Sink
	kicks  map[string]chan struct{}
	drafts chan draftArgs
	wg     sync.WaitGroup
	cancel context.CancelFunc
	// stopping closes when Stop begins: the mail watch, which would
	// otherwise wait out its period, ends then and lets Stop drain.
	stopping chan struct{}
	stopOnce sync.Once
}

// Job kinds and queues. Names are stored with the jobs: don't rename them.
const (
	queueDefault    = river.QueueDefault
	deliverQueue    = "deliver_" // + sink name: a replica works only its own sinks
	mailQueue       = "mail_watch"
	orderSyncQueue  = "order_sync"
	kindDraft       = "sellerdesk_draft"
	kindCatchUp     = "sellerdesk_draft_pending"
	kindSweep       = "sellerdesk_sweep"
	kindRemind      = "sellerdesk_remind"
	kindDeliver     = "sellerdesk_deliver"
	kindForget      = "sellerdesk_forget_old"
	kindMailWatch   = "sellerdesk_mail_watch"
	kindOrderSync   = "sellerdesk_order_sync"
	kindAutoReview  = "sellerdesk_auto_review"
	kindAmazonCheck = "sellerdesk_amazon_check"
	deliverTimeout  = time.Minute
	// deliverRound is how long one delivery job keeps posting a backlog
	// before it makes way (the next job carries on where it stopped).
	deliverRound = 20 * time.Second
	// rescueAfter is when river takes a job left running as stuck.
	rescueAfter = 15 * time.Minute
	// orderSyncTimeout ends an order sync job that outlives its budget:
	// well before rescueAfter (see orderSyncArgs).
	orderSyncTimeout = 9 * time.Minute
)

// draftArgs retries the draft of the conversation a buyer message arrived
// in. Unique per message, so one retry is pending at a time.
//
// The first try is not a job: a quick drafter drafts inside the message's
// own transaction (core.QuickDrafter), and any other is run at once by the
// replica that stored the message (see Notify). Queueing it first would add
// an insert and a fetch,
// two more write transactions on the database the draft waits behind, to
// the time a buyer waits for staff to see a draft (bot bench measures it).
// A failed first try becomes a job, retried with backoff; a replica dying
// mid-draft is covered by the periodic catch-up job.
type draftArgs struct {
	ConversationID string `json:"conversation_id"`
	MessageID      int64  `json:"message_id"` // the buyer message's outbox id
}

func (draftArgs) Kind() string { return kindDraft }
func (draftArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueDefault, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// deliverArgs posts a sink's outbox messages that have not gone out yet.
// Unique per sink and second: a message arriving while a job is running
// gets a job after it (see kicker), and a job left "running" by a replica
// that died does not block the next second's.
type deliverArgs struct {
	Sink string `json:"sink"`
}

func (deliverArgs) Kind() string { return kindDeliver }
func (a deliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: deliverQueue + a.Sink, MaxAttempts: 25,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Second}}
}

// sweepArgs, remindArgs, catchUpArgs and forgetArgs are the periodic jobs'
// arguments (none: they look at the whole store).
type (
	sweepArgs   struct{}
	remindArgs  struct{}
	catchUpArgs struct{}
	forgetArgs  struct{}
	// mailWatchArgs reads and watches the mailbox for one period.
	mailWatchArgs struct{}
	// autoReviewArgs requests the reviews due (spapi.auto_review).
	autoReviewArgs struct{}
	// amazonCheckArgs reads Amazon's answers to the feeds sent.
	amazonCheckArgs struct{}
)

// orderSyncArgs is one pass of the order sync. Two passes never overlap:
//
//   - Only the leader schedules it, and it is unique while available,
//     scheduled or running, so no replica inserts the next period's job
//     while one is still at work (on PostgreSQL a unique index across all
//     replicas says so); the next is inserted at the first period after it
//     ends. Completed jobs are left out of the uniqueness, or a finished
//     pass would block the next until river cleans it away.
//   - A pass ends by its budget (8m) and the job by its timeout (9m), both
//     well before river rescues a job left running by a replica that died
//     (RescueStuckJobsAfter, 15m): a replica that only lost touch with the
//     database has stopped calling Amazon before another can take over.
//   - One attempt: a failed pass is run again by the next period's job, not
//     by a retry that could land beside it.
//
// Overlap would not corrupt anything (a page is saved idempotently and
// the rate buckets are shared), but it would spend searchOrders' scarce
// calls twice and could move the cursor back.
type orderSyncArgs struct{}

func (orderSyncArgs) Kind() string { return kindOrderSync }

func orderSyncOpts() *river.InsertOpts {
	return &river.InsertOpts{Queue: orderSyncQueue, MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

func (sweepArgs) Kind() string       { return kindSweep }
func (remindArgs) Kind() string      { return kindRemind }
func (catchUpArgs) Kind() string     { return kindCatchUp }
func (forgetArgs) Kind() string      { return kindForget }
func (mailWatchArgs) Kind() string   { return kindMailWatch }
func (autoReviewArgs) Kind() string  { return kindAutoReview }
func (amazonCheckArgs) Kind() string { return kindAmazonCheck }

// Migrate brings the queue's tables up to date and says how many of River's
// migrations it applied. Replicas starting together on PostgreSQL take
// turns through an advisory lock.
func Migrate(ctx context.Context, d Database) (int, error) {
	drv := driver(d)
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return 0, core.WrapInternal(err, "load the job queue's migrations")
	}
	if d.Postgres {
		conn, err := d.DB.Conn(ctx)
		if err != nil {
			return 0, core.Errorf(core.Unavailable, "The job queue can't reach the database: %v", err)
		}
		defer conn.Close()
		const key = "SELECT hashtext('sellerdesk river migrations ' || current_schema())"
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(("+key+"))"); err != nil {
			return 0, core.Errorf(core.Unavailable, "The job queue can't lock its migrations: %v", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(("+key+"))") //nolint:errcheck // the session ends with the connection anyway
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, core.Errorf(core.Unavailable, "The job queue's tables could not be migrated: %v", err)
	}
	return len(res.Versions), nil
}

// driver returns river's driver for the database. On SQLite it is told
// there is no listener: river would otherwise look for new jobs by polling
// a table every 50 ms, where without one it is woken by its own inserts at
// once (this process is the only one on the file).
func driver(d Database) riverdriver.Driver[*sql.Tx] {
	if d.Postgres {
		// database/sql over lib/pq has no LISTEN in river: it polls, and is
		// woken at once by jobs this replica inserts.
		return riverdatabasesql.New(d.DB)
	}
	return pollOnly{riversqlite.New(d.DB)}
}

type pollOnly struct{ riverdriver.Driver[*sql.Tx] }

func (pollOnly) SupportsListener() bool     { return false }
func (pollOnly) SupportsListenNotify() bool { return false }

// New builds the queue; Start runs it.
func New(d Database, e Engine, cfg Config) (*Queue, error) {
	cfg.SweepInterval = orDefault(cfg.SweepInterval, 5*time.Minute)
	cfg.ReminderInterval = orDefault(cfg.ReminderInterval, time.Minute)
	cfg.DraftInterval = orDefault(cfg.DraftInterval, 30*time.Second)
	cfg.KickInterval = orDefault(cfg.KickInterval, 5*time.Second)
	cfg.MailInterval = orDefault(cfg.MailInterval, time.Minute)
	cfg.OrderSyncInterval = orDefault(cfg.OrderSyncInterval, 2*time.Minute)
	cfg.OrderSyncBudget = min(orDefault(cfg.OrderSyncBudget, 8*time.Minute), orderSyncTimeout-time.Minute)
	cfg.AmazonCheckInterval = orDefault(cfg.AmazonCheckInterval, 5*time.Minute)
	cfg.DraftTimeout = orDefault(cfg.DraftTimeout, time.Minute)
	if cfg.DraftWorkers <= 0 {
		cfg.DraftWorkers = 4
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	q := &Queue{engine: e, cfg: cfg, log: cfg.Log, sinks: map[string]core.Sink{}, kicks: map[string]chan struct{}{},
		drafts: make(chan draftArgs, 1024), stopping: make(chan struct{})}

	workers := river.NewWorkers()
	river.AddWorker(workers, &draftWorker{q: q})
	river.AddWorker(workers, &deliverWorker{q: q})
	river.AddWorker(workers, river.WorkFunc(q.sweep))
	river.AddWorker(workers, river.WorkFunc(q.remind))
	river.AddWorker(workers, river.WorkFunc(q.catchUp))
	river.AddWorker(workers, river.WorkFunc(q.forget))
	// Registered even when off: a job queued before auto_review was
	// turned off must still find its worker (it runs that once more).
	river.AddWorker(workers, river.WorkFunc(q.autoReview))
	queues := map[string]river.QueueConfig{queueDefault: {MaxWorkers: cfg.DraftWorkers + 2}}
	periodic := []*river.PeriodicJob{
		every(cfg.SweepInterval, sweepArgs{}),
		every(cfg.ReminderInterval, remindArgs{}),
		every(cfg.DraftInterval, catchUpArgs{}),
		every(24*time.Hour, forgetArgs{}),
	}
	if cfg.AutoReview {
		periodic = append(periodic, every(24*time.Hour, autoReviewArgs{}))
	}
	if cfg.MailWatch != nil {
		river.AddWorker(workers, &mailWatchWorker{q: q})
		// Its own queue: a watch holds a worker for its whole period and
		// must not hold up drafts or sweeps.
		queues[mailQueue] = river.QueueConfig{MaxWorkers: 1}
		// One attempt: a failed watch is retried by the next period's job,
		// not by a retry that would overlap it.
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.MailInterval),
			func() (river.JobArgs, *river.InsertOpts) {
				return mailWatchArgs{}, &river.InsertOpts{Queue: mailQueue, MaxAttempts: 1,
					UniqueOpts: river.UniqueOpts{ByPeriod: cfg.MailInterval}}
			}, &river.PeriodicJobOpts{ID: kindMailWatch, RunOnStart: true}))
	}
	if cfg.OrderSync != nil {
		river.AddWorker(workers, &orderSyncWorker{q: q})
		// Its own queue: a pass waits minutes for searchOrders' rate and
		// must not hold up drafts or sweeps.
		queues[orderSyncQueue] = river.QueueConfig{MaxWorkers: 1}
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.OrderSyncInterval),
			func() (river.JobArgs, *river.InsertOpts) { return orderSyncArgs{}, orderSyncOpts() },
			&river.PeriodicJobOpts{ID: kindOrderSync, RunOnStart: true}))
	}
	if cfg.AmazonCheck != nil {
		river.AddWorker(workers, river.WorkFunc(q.amazonCheck))
		periodic = append(periodic, every(cfg.AmazonCheckInterval, amazonCheckArgs{}))
	}
	for _, s := range cfg.Sinks {
		name := s.Name()
		if !validQueueName(name) {
			return nil, core.Errorf(core.Internal, "sink name %q can't name a job queue (use a-z, 0-9, _)", name)
		}
		q.sinks[name], q.kicks[name] = s, make(chan struct{}, 1)
		queues[deliverQueue+name] = river.QueueConfig{MaxWorkers: 1}
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.KickInterval),
			func() (river.JobArgs, *river.InsertOpts) { return deliverArgs{Sink: name}, nil },
			&river.PeriodicJobOpts{ID: "deliver_" + name, RunOnStart: true}))
	}
	client, err := river.NewClient(driver(d), &river.Config{
		Queues:       queues,
		Workers:      workers,
		PeriodicJobs: periodic,
		// River's own notes (starts, periodic job counts) at info would
		// drown the desk's log; its warnings and errors still show.
		Logger: slog.New(minLevel{cfg.Log.Handler(), slog.LevelWarn}).With("component", "jobs"),
		// A job fetch is triggered by this process's own inserts; the
		// poll catches other replicas' jobs and scheduled retries.
		FetchCooldown:     time.Millisecond,
		FetchPollInterval: 500 * time.Millisecond,
		// Sweeps may take minutes on a big store (one transaction per
		// order); drafts and deliveries set shorter timeouts of their own.
		JobTimeout: 10 * time.Minute,
		// A job left running by a replica that died is retried after this,
		// longer than any job's timeout (the order sync counts on it).
		RescueStuckJobsAfter:        rescueAfter,
		CompletedJobRetentionPeriod: time.Hour,
		ErrorHandler:                errorLogger{q.log},
	})
	if err != nil {
		return nil, core.WrapInternal(err, "set up the job queue")
	}
	q.client = client
	return q, nil
}

// every is a periodic job: unique per period, and run at start, so a
// sweep is never skipped for longer than its interval by restarts or a
// change of leader (river keeps the schedule in memory; the sweeps' own
// state is in the store, so running early does no harm).
func every(d time.Duration, args river.JobArgs) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(d), func() (river.JobArgs, *river.InsertOpts) {
		return args, &river.InsertOpts{Queue: queueDefault, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: d}}
	}, &river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true})
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func validQueueName(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

// Start runs the queue until Stop.
func (q *Queue) Start(ctx context.Context) error {
	for name := range q.sinks {
		if err := q.engine.StartSink(ctx, name); err != nil {
			return err
		}
	}
	ctx, q.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if q.cfg.Observe != nil {
		events, cancel := q.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed,
			river.EventKindJobSnoozed, river.EventKindJobCancelled)
		q.wg.Go(func() {
			defer cancel()
			for ev := range events {
				q.cfg.Observe(ev.Job.Kind, outcome(ev.Kind))
			}
		})
	}
	if err := q.client.Start(ctx); err != nil {
		q.cancel()
		return core.Errorf(core.Unavailable, "The job queue did not start: %v", err)
	}
	for name, ch := range q.kicks {
		q.wg.Go(func() { q.kicker(ctx, name, ch) })
	}
	for range q.cfg.DraftWorkers {
		q.wg.Go(func() { q.drafter(ctx) })
	}
	return nil
}

func outcome(k river.EventKind) string {
	switch k {
	case river.EventKindJobCompleted:
		return "completed"
	case river.EventKindJobFailed:
		return "failed"
	case river.EventKindJobSnoozed:
		return "snoozed"
	default:
		return "cancelled"
	}
}

// Stop drains: no new jobs start, and running ones get until ctx ends to
// finish (a delivery records what it posted), then are cancelled.
func (q *Queue) Stop(ctx context.Context) error {
	q.stopOnce.Do(func() { close(q.stopping) })
	err := q.client.Stop(ctx)
	if ctx.Err() != nil {
		// Out of time: cancel what still runs, and say so (they run again
		// later, on this replica or another).
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = errors.Join(fmt.Errorf("running jobs cancelled at the end of the shutdown grace: %w", ctx.Err()), q.client.StopAndCancel(cctx))
	}
	if q.cancel != nil {
		q.cancel()
	}
	q.wg.Wait()
	return err
}

// Notify hears this process's committed outbox messages (the engine's
// Notify): a buyer message is drafted, and a sink that wants the message is
// woken. Other replicas' messages are theirs to act on. It never blocks.
func (q *Queue) Notify(ev core.Event) {
	if ev.Kind == core.EventBuyerMessage && ev.ConversationID != "" && !q.engine.DraftsInline() {
		select {
		case q.drafts <- draftArgs{ConversationID: ev.ConversationID, MessageID: ev.ID}:
		default: // all drafting workers busy and 1,024 waiting: the catch-up job drafts it
		}
	}
	for name, s := range q.sinks {
		if s.Wants(ev) {
			select {
			case q.kicks[name] <- struct{}{}:
			default: // a wake is already pending
			}
		}
	}
}

// drafter drafts buyer messages as they arrive; a failed draft becomes a
// job (see draftArgs).
func (q *Queue) drafter(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-q.drafts:
			_, err := q.engine.Draft(ctx, a.ConversationID)
			if err == nil || ctx.Err() != nil || core.ErrorCode(err) == core.NotFound {
				continue
			}
			q.log.Warn("draft failed; retrying as a job", "conversation", a.ConversationID, "err", err)
			if _, err := q.client.Insert(ctx, a, &river.InsertOpts{ScheduledAt: time.Now().Add(time.Second)}); err != nil && ctx.Err() == nil {
				q.log.Warn("draft job not queued; the catch-up job will draft it", "conversation", a.ConversationID, "err", err)
			}
		}
	}
}

// kicker queues a delivery job for a sink when a message for it arrives.
// If the sink's job is running, it may have read the outbox before this
// message: another job is queued for the next second, when it is allowed.
func (q *Queue) kicker(ctx context.Context, sink string, wake <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		}
		for {
			res, err := q.client.Insert(ctx, deliverArgs{Sink: sink}, nil)
			if err != nil {
				if ctx.Err() == nil {
					q.log.Warn("delivery job not queued; the periodic look at the outbox will", "sink", sink, "err", err)
				}
				break
			}
			if !res.UniqueSkippedAsDuplicate || res.Job.State != rivertype.JobStateRunning {
				break
			}
			next := time.Until(time.Now().Truncate(time.Second).Add(time.Second + 5*time.Millisecond))
			select {
			case <-ctx.Done():
				return
			case <-time.After(next):
			}
		}
	}
}

// draftWorker retries a draft that failed (see draftArgs).
type draftWorker struct {
	river.WorkerDefaults[draftArgs]
	q *Queue
}

func (w *draftWorker) Timeout(*river.Job[draftArgs]) time.Duration { return w.q.cfg.DraftTimeout }

func (w *draftWorker) Work(ctx context.Context, job *river.Job[draftArgs]) error {
	q := w.q
	_, err := q.engine.Draft(ctx, job.Args.ConversationID)
	if core.ErrorCode(err) == core.NotFound {
		return river.JobCancel(err) // the conversation is gone; retrying won't bring it back
	}
	return err
}

func (q *Queue) catchUp(ctx context.Context, _ *river.Job[catchUpArgs]) error {
	n, err := q.engine.DraftPending(ctx)
	if n > 0 {
		q.log.Info("drafted conversations a draft job had missed", "drafted", n)
	}
	return err
}

func (q *Queue) sweep(ctx context.Context, _ *river.Job[sweepArgs]) error {
	res, err := q.engine.Sweep(ctx)
	if res.Changed() > 0 {
		q.log.Info("timed order rules", "warned", len(res.Warned), "auto_canceled", len(res.AutoCanceled),
			"expired", len(res.Expired), "completed", len(res.Completed))
	}
	return err
}

func (q *Queue) remind(ctx context.Context, _ *river.Job[remindArgs]) error {
	reminded, breached, err := q.engine.SweepConversations(ctx)
	if reminded+breached > 0 {
		q.log.Info("24-hour window", "reminded", reminded, "breached", breached)
	}
	return err
}

func (q *Queue) forget(ctx context.Context, _ *river.Job[forgetArgs]) error {
	f, err := q.engine.ForgetOld(ctx)
	if f.InboundEvents+f.VerifyFailures+f.BuyerSessions > 0 {
		q.log.Info("forgot old records", "inbound_events", f.InboundEvents, "verify_failures", f.VerifyFailures, "buyer_sessions", f.BuyerSessions)
	}
	return err
}

func (q *Queue) autoReview(ctx context.Context, _ *river.Job[autoReviewArgs]) error {
	ids, err := q.engine.RequestDueReviews(ctx)
	if len(ids) > 0 {
		q.log.Info("auto_review: review requests queued for Amazon", "orders", len(ids))
	}
	return err
}

// amazonCheck reads Amazon's answers to the feeds sent; one not ready yet
// is read again next period.
func (q *Queue) amazonCheck(ctx context.Context, _ *river.Job[amazonCheckArgs]) error {
	return q.cfg.AmazonCheck(ctx)
}

// mailWatchWorker reads the mailbox and watches it until shortly before
// its period ends. Two watches overlapping (a slow handover, a replica
// that comes back) are harmless: a mail is stored once, and the cursor
// only moves forward.
type mailWatchWorker struct {
	river.WorkerDefaults[mailWatchArgs]
	q *Queue
}

func (w *mailWatchWorker) Timeout(*river.Job[mailWatchArgs]) time.Duration {
	return w.q.cfg.MailInterval + time.Minute // the watch, then a last pass
}

func (w *mailWatchWorker) Work(ctx context.Context, job *river.Job[mailWatchArgs]) error {
	// Until shortly before the end of the job's own period, counted from
	// when it was due: a job that starts late watches less, so it never
	// holds on past the next period's job.
	period := w.q.cfg.MailInterval
	until := job.ScheduledAt.Add(period - period/6)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-w.q.stopping: // shutting down: end the watch now, not at until
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := w.q.cfg.MailWatch(ctx, until); err != nil {
		if ctx.Err() != nil {
			return nil // shutting down: the next period's job carries on
		}
		return err
	}
	return nil
}

// orderSyncWorker runs one pass of the order sync within its budget.
type orderSyncWorker struct {
	river.WorkerDefaults[orderSyncArgs]
	q *Queue
}

func (w *orderSyncWorker) Timeout(*river.Job[orderSyncArgs]) time.Duration { return orderSyncTimeout }

func (w *orderSyncWorker) Work(ctx context.Context, _ *river.Job[orderSyncArgs]) error {
	ctx, cancel := context.WithTimeout(ctx, w.q.cfg.OrderSyncBudget)
	defer cancel()
	go func() {
		select {
		case <-w.q.stopping: // shutting down: stop between pages now
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := w.q.cfg.OrderSync(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	// Done, or stopped by the budget or a shutdown: the cursor holds the
	// place, and the next period's job carries on from it.
	return nil
}

// deliverWorker posts a sink's outbox through core.Engine.Deliver, which
// keeps the sink's place, order, lease and retry times in the store.
type deliverWorker struct {
	river.WorkerDefaults[deliverArgs]
	q *Queue
}

func (w *deliverWorker) Timeout(*river.Job[deliverArgs]) time.Duration { return deliverTimeout }

func (w *deliverWorker) Work(ctx context.Context, job *river.Job[deliverArgs]) error {
	s, ok := w.q.sinks[job.Args.Sink]
	if !ok { // queues are per sink, so only a replica with the sink runs this
		return river.JobCancel(fmt.Errorf("no sink %q in this process", job.Args.Sink))
	}
	start := time.Now()
	for {
		r, err := w.q.engine.DeliverRound(ctx, s)
		if err != nil {
			return err // the store failed: river retries with backoff
		}
		switch r.Left {
		case core.CaughtUp:
			return nil
		case core.More:
			if time.Since(start) > deliverRound {
				return river.JobSnooze(0) // make way; this job carries on next
			}
		case core.Leased:
			// Another replica is posting. Look again shortly: it may have
			// read the outbox before the message that woke us.
			return river.JobSnooze(time.Second)
		case core.Waiting:
			// A post failed and its retry is due later: the job that made
			// it waits for then (or, if its replica died, the periodic job
			// finds the sink due). Nothing to do now.
			return nil
		default:
			// Failed: the platform failed or asked to wait. Gathering:
			// alerts wait for their digest's window to close.
			return river.JobSnooze(r.Wait)
		}
	}
}

// minLevel drops records below a level.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
func (h minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(a), h.min}
}
func (h minLevel) WithGroup(g string) slog.Handler { return minLevel{h.Handler.WithGroup(g), h.min} }

// errorLogger logs failed jobs. Errors are the engine's, which never hold
// secrets; a panic is logged with its value, not the job's arguments.
type errorLogger struct{ log *slog.Logger }

func (l errorLogger) HandleError(_ context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	lvl := slog.LevelWarn
	if errors.Is(err, context.Canceled) || job.Kind == kindOrderSync {
		// The order sync logs its own failures, once each (bot/amazon.go):
		// bad credentials would otherwise be a warning every period.
		lvl = slog.LevelDebug
	}
	l.log.Log(context.Background(), lvl, "job failed; it will be retried", "kind", job.Kind, "attempt", job.Attempt,
		"err", err)
	return nil
}

func (l errorLogger) HandlePanic(_ context.Context, job *rivertype.JobRow, v any, _ string) *river.ErrorHandlerResult {
	l.log.Error("job panicked; it will be retried", "kind", job.Kind, "attempt", job.Attempt, "panic", fmt.Sprint(v))
	return nil
}
