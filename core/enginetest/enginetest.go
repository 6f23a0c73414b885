// Package enginetest is the engine's scenario suite. It runs every order
// rule end to end through a real core.Store, so each store adapter proves
// the rules hold on it: sqlstore runs it on SQLite and on PostgreSQL.
package enginetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/core"
)

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// SeqIDs makes predictable ids, …
type SeqIDs struct {
	mu sync.Mutex
	n  int
}

// NewID returns the next id with prefix.
func (s *SeqIDs) NewID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return fmt.Sprintf("%s-%d", prefix, s.n)
}

// start is the suite's "now": a Wednesday afternoon.
const startUnix = 1795014000 // 2026-11-18T15:00:00Z, a Wednesday

func startTime() time.Time { return time.Unix(startUnix, 0).UTC() }

// Valid tracking numbers (real formats with correct check digits).
const (
	upsOK  = "1Z999AA10123456784"
	upsBad = "1Z999AA10123456785"
)

// Fixture is an engine on a fresh store with a few orders.
type Fixture struct {
	T      *testing.T
	Store  core.Store
	Engine *core.Engine
	Clock  *Clock
	Owner  core.Actor
	Agent  core.Actor
	Viewer core.Actor
}

func newFixture(t *testing.T, open func(t *testing.T) core.Store) *Fixture {
	t.Helper()
	f := &Fixture{T: t, Store: open(t), Clock: NewClock(startTime())}
	p := core.DefaultPolicy()
	// Pages of two, so the timed rules' lists are read over several pages.
	f.Engine = core.NewEngine(f.Store, core.Options{Clock: f.Clock, IDs: &SeqIDs{}, Policy: &p, SweepPage: 2})
	f.Owner = core.Actor{ID: "test:olivia", Name: "olivia", Role: core.Owner, Source: "test"}
	f.Agent = core.Actor{ID: "test:alex", Name: "alex", Role: core.Agent, Source: "test"}
	f.Viewer = core.Actor{ID: "test:val", Name: "val", Role: core.Viewer, Source: "test"}
	return f
}

// order builds a merchant order bought ago before now with two lines.
func order(id string, ago time.Duration) core.Order {
	purchased := startTime().Add(-ago)
	paid := purchased.Add(5 * time.Minute)
	return core.Order{
		ID: id, Fulfillment: core.Merchant, PurchaseDate: purchased, PaymentsDate: &paid, Currency: "USD",
		ShipServiceLevel: "Standard", SalesChannel: "Amazon.com", ReportUpdated: purchased,
		Buyer:  core.Buyer{Name: "Emma Johnson", Email: "emma@example.com"},
		ShipTo: core.Address{Name: "Emma Johnson", Line1: "1 Oak St", City: "Portland", State: "OR", PostalCode: "97201", Country: "US"},
		Items: []core.Item{
			{OrderItemID: id + "-1", SKU: "MUG", Title: "Mug", Quantity: 2, Price: 3000, Tax: 240, Shipping: 499},
			{OrderItemID: id + "-2", SKU: "TEE", Title: "Tee", Quantity: 1, Price: 2000, Tax: 160},
		},
	}
}

func (f *Fixture) importOrders(orders ...core.Order) {
	f.T.Helper()
	if _, err := f.Engine.Import(context.Background(), orders); err != nil {
		f.T.Fatalf("import: %v", err)
	}
}

// Run runs line as actor and returns the result or error.
func (f *Fixture) Run(a core.Actor, line string) (*core.Result, error) {
	return f.Engine.RunLine(context.Background(), a, line, false)
}

// MustRun runs line and fails the test on error.
func (f *Fixture) MustRun(a core.Actor, line string) *core.Result {
	f.T.Helper()
	res, err := f.Run(a, line)
	if err != nil {
		f.T.Fatalf("%s: %v", line, err)
	}
	return res
}

// snapshot is everything a command could change.
type snapshot struct {
	Orders []core.Order
	Stock  map[string]core.Stock
	Audit  []core.AuditEntry
	Outbox []core.Event
	Convs  []core.Conversation
}

func (f *Fixture) snapshot() snapshot {
	f.T.Helper()
	var s snapshot
	ctx := context.Background()
	err := f.Store.View(ctx, func(tx core.Tx) error {
		var err error
		if s.Orders, err = tx.Orders(ctx, core.OrderQuery{}); err != nil {
			return err
		}
		if s.Stock, err = tx.Stocks(ctx, nil); err != nil {
			return err
		}
		if s.Audit, err = tx.Audit(ctx, core.AuditQuery{Limit: 1000}); err != nil {
			return err
		}
		if s.Outbox, err = tx.Outbox(ctx, 0, 1000); err != nil {
			return err
		}
		s.Convs, err = tx.Conversations(ctx, core.ConversationQuery{})
		return err
	})
	if err != nil {
		f.T.Fatalf("snapshot: %v", err)
	}
	return s
}

// refused runs line, expects code and checks that nothing changed.
func (f *Fixture) refused(a core.Actor, line string, code core.Code, wantInMsg string) error {
	f.T.Helper()
	before := f.snapshot()
	_, err := f.Run(a, line)
	if err == nil {
		f.T.Fatalf("%s: accepted, want %s", line, code)
	}
	if got := core.ErrorCode(err); got != code {
		f.T.Fatalf("%s: code %s (%v), want %s", line, got, err, code)
	}
	if wantInMsg != "" && !strings.Contains(core.ErrorMessage(err), wantInMsg) {
		f.T.Fatalf("%s: message %q does not mention %q", line, core.ErrorMessage(err), wantInMsg)
	}
	if after := f.snapshot(); !reflect.DeepEqual(before, after) {
		f.T.Fatalf("%s: refused but the store changed", line)
	}
	return err
}

func (f *Fixture) order(id string) *core.Order {
	f.T.Helper()
	return f.MustRun(f.Owner, "order "+id).Order
}

func (f *Fixture) stock(sku string) core.Stock {
	f.T.Helper()
	return f.MustRun(f.Owner, "stock "+sku).Stock[0]
}

// Run runs the whole suite against stores made by open; each call to open
// must return a fresh, empty store.
func Run(t *testing.T, open func(t *testing.T) core.Store) {
	for _, tc := range []struct {
		name string
		fn   func(*Fixture)
	}{
		{"ship_confirms_and_audits", testShip},
		{"partial_ship_then_rest", testPartialShip},
		{"ship_refusals_change_nothing", testShipRefusals},
		{"cancel_restocks_and_refusals", testCancel},
		{"returns_and_refunds", testReturnsRefunds},
		{"permissions_deny_by_default", testPermissions},
		{"dry_run_previews_health_and_changes_nothing", testDryRun},
		{"concurrent_ship_one_wins", testConcurrentShip},
		{"concurrent_cancel_one_wins", testConcurrentCancel},
		{"import_is_idempotent_and_newer_updates", testImport},
		{"thirty_day_rule_warns_then_cancels", testThirtyDayRule},
		{"sweep_completes_after_the_return_window_page_by_page", testSweepCompletes},
		{"stock_alerts_go_to_outbox", testStockAlerts},
		{"lists_and_health", testLists},
		{"buyer_message_starts_the_clock", testBuyerMessageStartsTheClock},
		{"buyer_message_refusals_change_nothing", testBuyerMessageRefusals},
		{"quick_drafter_drafts_with_the_message", testQuickDraft},
		{"quick_drafts_of_racing_messages_all_kept", testQuickDraftConcurrent},
		{"reminders_and_breach_once_each", testRemindersAndBreach},
		{"reply_and_noreply_clear_the_deadline", testReplyAndNoReply},
		{"verify_buyer_by_email_or_postal_code", testVerifyBuyer},
		{"verify_limit_refuses_after_five_failures_then_slides", testVerifyLimit},
		{"verify_success_does_not_count", testVerifySuccessDoesNotCount},
		{"verify_limit_holds_across_replicas", testVerifyLimitAcrossReplicas},
		{"verify_limit_from_policy_and_forgotten", testVerifyPolicyAndForget},
		{"verify_limit_per_order_across_addresses", testVerifyOrderLimit},
		{"verify_limit_per_order_unknown_orders_too", testVerifyOrderLimitUnknownOrders},
		{"buyer_messages_limited_per_conversation", testBuyerMessageLimit},
		{"buyer_sessions_end_and_expire", testBuyerSessions},
		{"deliver_in_order_exactly_once", testDeliverInOrderOnce},
		{"deliver_retries_with_backoff_skipping_nothing", testDeliverRetriesWithBackoff},
		{"deliver_honours_retry_after", testDeliverHonoursRetryAfter},
		{"deliver_skips_invalid_after_five_tries", testDeliverSkipsInvalid},
		{"deliver_new_sink_does_not_replay", testDeliverNewSinkNoReplay},
		{"deliver_two_sinks_each_get_theirs", testDeliverTwoSinks},
		{"backlog_and_inbox_counts_for_metrics", testBacklogAndInboxCounts},
		{"buyer_cancel_within_the_window_only", testBuyerCancel},
		{"buyer_cancel_double_submit_cancels_once", testBuyerCancelConcurrent},
		{"import_records_cancelled_lines", testImportCancelledLines},
		{"import_keeps_the_reports_ship_by_and_prices", testImportReportShipBy},
		{"historic_import_not_cancelled_one_alert", testHistoricImportNotCancelled},
		{"alert_burst_one_digest_per_chat", testAlertBurstOneDigest},
		{"digest_retried_as_the_same_group", testDigestRetriedAsTheSameGroup},
		{"digest_window_caps_a_stream", testDigestWindowCapsAStream},
		{"conversation_news_coalesced", testConversationNewsCoalesced},
		{"mail_relay_joins_the_orders_conversation", testRelayMailJoinsOrder},
		{"mail_duplicate_stored_once", testMailDuplicateStoredOnce},
		{"mail_thread_by_references", testMailThreadByReferences},
		{"mail_order_id_not_trusted", testMailOrderIDNotTrusted},
		{"draft_grounded_by_a_named_order_only_where_vouched", testDraftGroundedByNamedOrder},
		{"mail_without_words_long_and_flood", testMailWithoutWordsAndLong},
		{"amazon_reply_rules_refuse_and_change_nothing", testAmazonReplyRules},
		{"mail_bounce_reopens_once", testMailBounce},
		{"amazon_draft_breaking_rules_noted", testAmazonDraftBreakingRulesNoted},
		{"mail_cursor_moves_as_the_reader_says", testMailCursor},
		{"review_refusals_name_the_reason_and_change_nothing", testReviewRefusals},
		{"review_request_queued_once_and_answered", testReviewRequest},
		{"auto_review_once_per_order_in_the_window", testAutoReview},
		{"amazon_ship_queues_confirmation", testAmazonShipQueues},
		{"amazon_refusal_alerts_then_correction_resends", testAmazonRefusalAndCorrection},
		{"amazon_two_refused_need_items", testAmazonTwoRefusedNeedItems},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(newFixture(t, open)) })
	}
}

// Later wraps a drafter so that it drafts after the buyer message's
// transaction, as a model drafter does (it hides core.QuickDrafter), for
// tests that follow a message and its draft as separate steps.
func Later(d core.Drafter) core.Drafter { return later{d} }

type later struct{ d core.Drafter }

func (l later) Draft(ctx context.Context, r core.DraftRequest) (core.Draft, error) {
	return l.d.Draft(ctx, r)
}
