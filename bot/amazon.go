package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/core"
)

// amazonIn is the Amazon connection's order sync (spapi.Client.Sync), run
// by the job queue every spapi.sync_interval, and what /healthz says about
// it. Its state is this replica's view: the replica whose job last ran
// knows the last sync; the others show their start-up credentials check.
type amazonIn struct {
	client *spapi.Client
	log    *slog.Logger
	wg     sync.WaitGroup // the start-up credentials check

	mu       sync.Mutex
	checking bool      // the start-up check has not answered yet
	problem  string    // what is wrong, for staff ("" when it works)
	since    time.Time // when problem was first seen
	lastSync time.Time // the last pass on this replica that finished or saved a page
}

// openAmazon builds the SP-API client when spapi is configured and checks
// the credentials (a Login with Amazon token) in the background: a refusal
// is logged once, naming the setting to fix and never its value, and shown
// in /healthz, while the desk serves everything else; the sync job keeps
// trying each period, and its first success clears the problem.
func (m *Main) openAmazon(ctx context.Context) {
	if !m.Config.SPAPI.Enabled() {
		return
	}
	a := &amazonIn{log: m.Log.With("component", "amazon"), checking: true}
	m.amazonIn = a
	client, err := m.spapiClient()
	if err != nil { // the settings were checked at load; this is a bug
		a.fail(m.Engine.Now(), err)
		return
	}
	a.client = client
	a.wg.Go(func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		err := client.CheckCredentials(cctx)
		a.mu.Lock()
		a.checking = false
		a.mu.Unlock()
		if err != nil {
			a.fail(m.Engine.Now(), err)
			return
		}
		a.log.Info("amazon: Login with Amazon accepted the credentials")
	})
}

// orderSync is the job queue's order sync (nil without spapi): one pass of
// Client.Sync, its summary logged (counts only: no buyer data).
func (m *Main) orderSync() func(ctx context.Context) error {
	a := m.amazonIn
	if a == nil || a.client == nil {
		return nil
	}
	return func(ctx context.Context) error {
		start := time.Now()
		s, err := a.client.Sync(ctx, spapi.SyncOptions{MarketplaceIDs: m.Config.SPAPI.MarketplaceIDs})
		stopped := err != nil && ctx.Err() != nil // the pass's budget or a shutdown: the next job carries on
		a.log.Info("amazon: order sync", "pages", s.Pages, "new", s.New, "updated", s.Updated, "unchanged", s.Unchanged,
			"failed", s.Failed, "past_limit", s.PastLimit, "took", time.Since(start).Round(time.Millisecond), "paused", stopped)
		if s.New+s.Updated+s.Failed > 0 {
			stats := core.ImportStats{New: s.New, Updated: s.Updated, Unchanged: s.Unchanged, PastLimit: s.PastLimit}
			if aerr := m.Engine.RecordImport(context.WithoutCancel(ctx), core.SystemActor(), "from Amazon (SP-API)", stats, s.Failed); aerr != nil {
				a.log.Warn("amazon: the sync's audit entry was not saved", "err", aerr)
			}
		}
		switch {
		case stopped:
			// A long backlog is read over many passes, each cut by its
			// budget: one that saved pages shows the connection works.
			if s.Pages > 0 {
				a.ok(m.Engine.Now())
			}
			return err
		case err != nil:
			a.fail(m.Engine.Now(), err)
			return err
		}
		a.ok(m.Engine.Now())
		return nil
	}
}

// fail records a problem, logging it when it is new: a connection that
// keeps failing the same way is one log line, not one a period. Messages
// are the client's, which name settings and Amazon's reasons but never a
// secret.
func (a *amazonIn) fail(now time.Time, err error) {
	msg := core.ErrorMessage(err)
	a.mu.Lock()
	defer a.mu.Unlock()
	if msg == a.problem {
		return
	}
	a.problem, a.since = msg, now
	switch core.ErrorCode(err) {
	case core.Forbidden:
		a.log.Error("amazon: Amazon refused the connection; the desk runs without it until this is fixed", "err", msg)
	case core.Internal:
		a.log.Error("amazon: the order sync failed", "err", err)
	default:
		a.log.Warn("amazon: the order sync failed; it tries again next period", "err", msg)
	}
}

// ok records a finished pass, clearing any problem.
func (a *amazonIn) ok(now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.problem != "" {
		a.log.Info("amazon: the connection works again")
	}
	a.problem, a.lastSync, a.checking = "", now, false
}

// amazonHealth is /healthz's line about the Amazon connection, "" without
// one. Like mail, Amazon being unreachable or refusing does not fail
// /healthz: every other channel still serves.
func (m *Main) amazonHealth() string {
	a := m.amazonIn
	if a == nil {
		return ""
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	last := "never on this replica"
	if !a.lastSync.IsZero() {
		last = a.lastSync.UTC().Format(time.RFC3339)
	}
	switch {
	case a.problem != "":
		return fmt.Sprintf("amazon: failing (since %s): %s; last sync %s", a.since.UTC().Format(time.RFC3339), a.problem, last)
	case a.checking:
		return "amazon: checking the credentials"
	}
	return "amazon: ok; last sync " + last
}

// closeAmazon waits for the start-up credentials check.
func (m *Main) closeAmazon() {
	if m.amazonIn != nil {
		m.amazonIn.wg.Wait()
	}
}
