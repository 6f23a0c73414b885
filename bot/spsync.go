package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/core"
)

// runSync reads the orders updated on Amazon since the last sync (or
// --since) into the store, one pass, like `import orders` does with a
// report: a progress line per page, a summary, exit 1 on any failure.
func (m *Main) runSync(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] != "orders" {
		fmt.Fprintln(m.Stderr, "Usage: bot sync orders [--since YYYY-MM-DD]")
		return 2
	}
	fs := flag.NewFlagSet("sync orders", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	sinceFlag := fs.String("since", "", "read orders updated on or after this day (shop time zone); default: since the last sync, or 30 days back")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "bot sync orders: unexpected %q. Usage: bot sync orders [--since YYYY-MM-DD]\n", fs.Arg(0))
		return 2
	}
	cfg := m.Config.SPAPI
	if !cfg.Enabled() {
		fmt.Fprintf(m.Stderr, "bot sync orders: there is no Amazon connection: set spapi.client_id, spapi.client_secret, spapi.refresh_token "+
			"and spapi.marketplace_ids (or %s and the others) — see config.example.yaml.\n", EnvName("spapi.refresh_token"))
		return 2
	}
	var opt spapi.SyncOptions
	if *sinceFlag != "" {
		t, err := time.ParseInLocation(time.DateOnly, *sinceFlag, m.Engine.Policy().Location)
		if err != nil {
			fmt.Fprintf(m.Stderr, "bot sync orders: --since %q is not a day like 2026-03-01.\n", *sinceFlag)
			return 2
		}
		opt.Since = t
	}
	client, err := m.spapiClient()
	if err != nil {
		fmt.Fprintf(m.Stderr, "bot sync orders: %s\n", core.ErrorMessage(err))
		return 2
	}
	opt.MarketplaceIDs = cfg.MarketplaceIDs
	opt.Progress = func(s spapi.SyncStats) {
		fmt.Fprintf(m.Stderr, "page %d: %d new, %d updated, %d unchanged, %d failed so far\n", s.Pages, s.New, s.Updated, s.Unchanged, s.Failed)
	}
	start := time.Now()
	s, err := client.Sync(ctx, opt)
	if err != nil {
		// Amazon's and Login with Amazon's errors are worded for the
		// operator and carry no secret (adapters/spapi sees to that).
		fmt.Fprintf(m.Stderr, "bot sync orders: %s\n", core.ErrorMessage(err))
		if core.ErrorCode(err) == core.Internal {
			m.Log.Error("sync orders", "err", err)
		}
	}
	stats := core.ImportStats{New: s.New, Updated: s.Updated, Unchanged: s.Unchanged, PastLimit: s.PastLimit}
	if s.Pages > 0 {
		if err := m.Engine.RecordImport(ctx, consoleActor(core.Owner), "from Amazon (SP-API)", stats, s.Failed); err != nil {
			m.Log.Warn("audit sync", "err", err)
		}
	}
	fmt.Fprintf(m.Stdout, "Synced orders from Amazon: %d new, %d updated, %d unchanged, %d failed (%s, %s).\n",
		s.New, s.Updated, s.Unchanged, s.Failed, counted(s.Pages, "page", "pages"), time.Since(start).Round(time.Millisecond))
	if err != nil || s.Failed > 0 {
		return 1
	}
	return 0
}

// spapiClient is the Amazon connection's client, from the spapi settings,
// made once: the sync command, the sync job and the amazon outbox sinks
// share it, and so its access token.
func (m *Main) spapiClient() (*spapi.Client, error) {
	if m.spapi != nil {
		return m.spapi, nil
	}
	cfg := m.Config.SPAPI
	c, err := spapi.New(spapi.Config{
		Endpoint: cfg.Endpoint, TokenURL: cfg.TokenURL,
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RefreshToken: cfg.RefreshToken,
		Seller: cfg.SellerID, Engine: m.Engine, Log: m.Log, Clock: m.Engine,
	})
	if err != nil {
		return nil, err
	}
	m.spapi = c
	return c, nil
}
