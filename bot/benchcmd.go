package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/lib/pq"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
)

// bot bench: starts the service on a fresh store and measures, in the same
// run and on the same database:
//
//   - signed Slack "/desk order <id>" requests, end to end (request sent →
//     the card in the HTTP response; or, when the service hands the answer
//     to response_url instead, → the card posted there), flat out, against
//     a minimal hand-written handler doing the same lookup (benchminimal.go)
//     driven by the same load generator in alternating phases; and paced at
//     1,000/s;
//   - the minimal handler's SQL statement alone, and "/desk help ship" (the
//     Slack path without the database), as information;
//   - the ship path (Engine.Do ShipOrder) against a raw update transaction
//     making the same writes;
//   - a buyer message to its draft as the running service makes it
//     (BuyerMessage → core.EventDraftReady from the service's own drafting);
//   - the process's peak RSS.

const benchUsage = `Usage: bot bench [--database postgres://…] [--duration 7s] [--clients 8] [--json] [--cpuprofile FILE]
       bot bench --scale N [--database postgres://… [--keep | --reuse bench_…]] [--json]

Starts sellerdesk on a fresh store (a temporary SQLite file, or a schema
bench_<random> in the PostgreSQL database given, dropped afterwards) and
measures Slack /desk order against a minimal hand-written handler doing the
same lookup (alternating phases; lookup_ratio is sellerdesk's req/s over
the minimal handler's), the minimal handler's SQL statement alone, /desk
help (the same path without the database), the ship path against a raw
update transaction, buyer message to draft latency as the running service
drafts beside the same reads and writes in raw SQL at the same pace, and
peak RSS. Every timed phase lasts --duration (8 phases).

With --scale N it instead loads N orders with two years of history
(COPY on PostgreSQL, batched inserts on SQLite) and prints p50/p99 of
order <id>, orders due/late (first page, and page 50 reached by Next),
inbox overdue and health through the engine, the 30-day sweep (twice)
and the store's size. On PostgreSQL, --keep keeps the loaded schema and
--reuse bench_… measures it again without loading (its sweeps change it).
`

const (
	benchLookupOrders = 2000             // orders the lookups pick from
	benchPacedRate    = 1000             // requests/s of the paced Slack phase (the PostgreSQL target)
	benchWait         = 10 * time.Second // for an answer on response_url, or a draft
	benchUser         = "UBENCH"
)

type benchOptions struct {
	database   string // "" for a temporary SQLite file
	duration   time.Duration
	clients    int
	cpuprofile string
	keep       bool   // --scale: keep the loaded schema
	reuse      string // --scale: measure this kept schema instead of loading
}

// benchResult is the --json output.
type benchResult struct {
	Store    string `json:"store"`
	Duration string `json:"duration"` // of each timed phase
	Clients  int    `json:"clients"`
	Orders   int    `json:"orders"` // seeded

	Requests  int     `json:"requests"`     // Slack commands answered in the flat-out phases
	Late      int     `json:"late_answers"` // of all Slack commands, answered through response_url rather than inline
	LookupRPS float64 `json:"lookup_rps"`
	MaxP50    float64 `json:"max_p50_ms"` // sellerdesk's latency flat out
	MaxP99    float64 `json:"max_p99_ms"`
	// The reference: a minimal hand-written handler (benchminimal.go) in
	// the same process, driven by the same load generator, its phases
	// alternating with sellerdesk's.
	MinimalN       int     `json:"minimal_requests"`
	MinimalRPS     float64 `json:"minimal_rps"`
	MinimalP50     float64 `json:"minimal_p50_ms"`
	MinimalP99     float64 `json:"minimal_p99_ms"`
	LookupRatio    float64 `json:"lookup_ratio"`        // lookup_rps ÷ minimal_rps
	LookupP99Ratio float64 `json:"lookup_p99_ratio"`    // max_p99_ms ÷ minimal_p99_ms
	RawSQLPerSec   float64 `json:"raw_statement_per_s"` // the minimal handler's statement alone, over database/sql: information
	FloorRPS       float64 `json:"help_rps"`            // /desk help ship: the Slack path without the database
	RateRPS        float64 `json:"rate_rps"`            // the paced phase's rate as achieved (asked: 1,000/s)
	PacedN         int     `json:"paced_requests"`
	P50            float64 `json:"p50_ms"` // latency at rate_rps
	P99            float64 `json:"p99_ms"`

	Ships         int     `json:"ships"`
	ShipPerSec    float64 `json:"ship_per_s"`
	RawShipPerSec float64 `json:"raw_ship_per_s"`
	ShipRatio     float64 `json:"ship_ratio"`

	Drafts   int     `json:"drafts"`
	DraftP50 float64 `json:"draft_p50_ms"`
	DraftP99 float64 `json:"draft_p99_ms"`
	// The draft path's baseline: the same reads and writes hand-written in
	// one transaction, at the same pace (no drafting, no service running).
	RawDraftP50   float64 `json:"raw_draft_p50_ms"`
	RawDraftP99   float64 `json:"raw_draft_p99_ms"`
	DraftP99Ratio float64 `json:"draft_p99_ratio"` // sellerdesk's p99 / the baseline's
	RSSMB         float64 `json:"rss_mb"`
	CPUCosts      []cost  `json:"cpu_costs,omitempty"` // Slack phase: CPU by kind of work
	CPUTop        []cost  `json:"cpu_top,omitempty"`   // Slack phase: top functions by cumulative CPU
	CPUProfile    string  `json:"cpu_profile,omitempty"`
}

// cost is a function's share of the CPU profile.
type cost struct {
	Function string  `json:"function"`
	Percent  float64 `json:"percent"`
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage); fs.PrintDefaults() }
	var o benchOptions
	fs.StringVar(&o.database, "database", "", "PostgreSQL URL (postgres://…) to run on; default a temporary SQLite file")
	fs.DurationVar(&o.duration, "duration", 7*time.Second, "length of each of the 8 timed phases")
	fs.IntVar(&o.clients, "clients", 8, "concurrent clients for the throughput phases")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "keep the Slack phase's CPU profile in FILE")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the table")
	scale := fs.Int("scale", 0, "instead: load N orders with two years of history and time the desk's reads and the sweep")
	fs.BoolVar(&o.keep, "keep", false, "with --scale on PostgreSQL: keep the loaded schema, to measure it again with --reuse")
	fs.StringVar(&o.reuse, "reuse", "", "with --scale on PostgreSQL: measure a schema a --keep run loaded (bench_…) instead of loading")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "bot bench: unexpected argument %q. Run bot bench --help.\n", fs.Arg(0))
		return 2
	case o.database != "" && !strings.HasPrefix(o.database, "postgres://") && !strings.HasPrefix(o.database, "postgresql://"):
		fmt.Fprintln(stderr, "bot bench: --database must be a postgres:// URL; without it the bench runs on a temporary SQLite file.")
		return 2
	case o.duration < 100*time.Millisecond || o.duration > time.Hour:
		fmt.Fprintf(stderr, "bot bench: --duration %s is out of range; use 100ms to 1h.\n", o.duration)
		return 2
	case o.clients < 1 || o.clients > 256:
		fmt.Fprintf(stderr, "bot bench: --clients %d is out of range; use 1 to 256.\n", o.clients)
		return 2
	case *scale < 0 || *scale > 100_000_000:
		fmt.Fprintf(stderr, "bot bench: --scale %d is out of range; use 1 to 100000000 orders.\n", *scale)
		return 2
	case (o.keep || o.reuse != "") && (*scale == 0 || o.database == ""):
		fmt.Fprintln(stderr, "bot bench: --keep and --reuse go with --scale N and --database postgres://… (a SQLite scale run's file is temporary).")
		return 2
	case o.reuse != "" && !benchSchemaName.MatchString(o.reuse):
		fmt.Fprintf(stderr, "bot bench: --reuse %q is not a schema a bench run made; give the bench_… name a --keep run printed.\n", o.reuse)
		return 2
	}
	if *scale > 0 {
		res, err := benchScale(ctx, o, *scale, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "bot bench: failed:", benchError(err))
			return 1
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(res)
		} else {
			printScale(stdout, res)
		}
		return 0
	}
	res, err := bench(ctx, o, stderr)
	if err != nil {
		msg := benchError(err)
		if errors.Is(err, context.Canceled) {
			msg = "interrupted"
		}
		fmt.Fprintln(stderr, "bot bench: failed:", msg)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(res)
		return 0
	}
	printBench(stdout, res)
	return 0
}

// benchError is what the bench says of a failure: the engine's message,
// or for the bench's own and the database's errors their text, with any
// password taken out (nothing else logs them; the operator running the
// bench needs to know what failed).
func benchError(err error) string {
	if core.ErrorCode(err) != core.Internal {
		return core.ErrorMessage(err)
	}
	return sqlstore.Redact(err.Error())
}

// benchEnv is one bench run: the service, its store, the raw connections
// and the fake Slack it answers to.
type benchEnv struct {
	o       benchOptions
	pg      bool
	m       *Main
	rawRead *sql.DB // raw lookups
	rawW    *sql.DB // raw ship transactions
	app     string  // the service's base URL
	minimal string  // the minimal reference handler's base URL
	fake    *httptest.Server
	secret  string
	client  *http.Client
	waiters sync.Map // response_url key → *cardWait
	seq     atomic.Int64
	late    atomic.Int64 // answers that came through response_url
	t0      time.Time    // purchase time of the seeded orders

	lookupIDs, shipBot, shipRaw []string
	orderForms                  []string // /desk order <lookupIDs[i]> as a form, but for response_url and trigger_id
	helpForm                    string   // /desk help ship, the same way
	raw                         rawStmts
}

// cardWait is a command waiting for its answer on response_url.
type cardWait struct {
	text, want string // the command, and what its answer must contain
	done       chan error
}

type rawStmts struct {
	full, lock, items, updOrder, updItem, insShipment, insAudit *sql.Stmt
	fullW, findConv, insConv, insMsg, insOutbox                 *sql.Stmt
}

func bench(ctx context.Context, o benchOptions, stderr io.Writer) (res *benchResult, err error) {
	e := &benchEnv{o: o, pg: o.database != ""}
	var cleanup []func()
	defer func() {
		for _, f := range slices.Backward(cleanup) {
			f()
		}
	}()
	res = &benchResult{Duration: o.duration.String(), Clients: o.clients}

	// The store: a temporary SQLite file or a schema of our own.
	var storeURL, rawReadDSN, rawWriteDSN, driver string
	if e.pg {
		u, _, drop, err := benchSchema(ctx, o.database)
		if err != nil {
			return nil, err
		}
		cleanup = append(cleanup, drop)
		storeURL, rawReadDSN, rawWriteDSN, driver = u, u, u, "postgres"
		res.Store = "postgres"
	} else {
		dir, err := os.MkdirTemp("", "sellerdesk-bench-")
		if err != nil {
			return nil, fmt.Errorf("make a temporary folder: %w", err)
		}
		cleanup = append(cleanup, func() { os.RemoveAll(dir) })
		path := filepath.Join(dir, "bench.db")
		storeURL, driver = "sqlite:"+path, "sqlite"
		// The store's own settings, so that only the code differs.
		rawReadDSN = path + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=query_only(1)"
		rawWriteDSN = path + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
		res.Store = "sqlite"
	}

	// The fake Slack: Web API calls answer ok, response_url posts end a
	// request's clock.
	fake := httptest.NewServer(http.HandlerFunc(e.serveFake))
	cleanup = append(cleanup, fake.Close)
	e.fake = fake
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	e.secret = hex.EncodeToString(secret)

	cfg := DefaultConfig()
	cfg.Database.URL = storeURL
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.HTTP.MetricsAddr = "" // nothing here reads them; two benches may run at once
	cfg.Roles = core.Roles{Owners: []string{"slack:" + benchUser}}
	cfg.Slack = SlackConfig{BotToken: "xoxb-bench", SigningSecret: e.secret, SupportChannel: "CBENCH", APIURL: fake.URL + "/api/"}
	session := make([]byte, 32)
	_, _ = rand.Read(session)
	cfg.Web.SessionSecret = hex.EncodeToString(session) // set, so the help page doesn't warn about it
	cfg.Log.Level = "warn"
	m := &Main{Config: cfg, Log: newLogger(cfg.Log, stderr), Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: stderr}
	if err := m.Open(ctx, false); err != nil {
		return nil, err
	}
	cleanup = append(cleanup, func() { m.Close() })
	e.m = m

	// The real handler on a real listener.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1: %w", err)
	}
	srv := m.httpServer(m.Handler()) // with the service's timeouts
	go func() { _ = srv.Serve(ln) }()
	cleanup = append(cleanup, func() {
		shut, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = srv.Shutdown(shut)
		if m.slack != nil {
			m.slack.Close() // answers still being posted
		}
	})
	e.app = "http://" + ln.Addr().String()
	// Keep-alive connections, one per client at most; a header timeout
	// rather than Client.Timeout, which costs a timer and a goroutine hop
	// per request in the load generator that shares the CPU with the service.
	tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute,
		ResponseHeaderTimeout: 30 * time.Second, DisableCompression: true}
	cleanup = append(cleanup, tr.CloseIdleConnections)
	e.client = &http.Client{Transport: tr}

	// Raw connections to the same database.
	if e.rawRead, err = sql.Open(driver, rawReadDSN); err != nil {
		return nil, fmt.Errorf("open the raw connection: %w", err)
	}
	cleanup = append(cleanup, func() { e.rawRead.Close() })
	// As many connections as the clients on PostgreSQL; on SQLite as many
	// readers as the store opens (in process, each holds its own page cache
	// and schema, so more would only weigh on the process's memory, on two
	// cores).
	readers := o.clients
	if !e.pg {
		readers = min(readers, max(4, runtime.GOMAXPROCS(0)))
	}
	e.rawRead.SetMaxOpenConns(readers)
	e.rawRead.SetMaxIdleConns(readers)
	if e.pg {
		e.rawW = e.rawRead
	} else {
		if e.rawW, err = sql.Open(driver, rawWriteDSN); err != nil {
			return nil, fmt.Errorf("open the raw connection: %w", err)
		}
		cleanup = append(cleanup, func() { e.rawW.Close() })
		e.rawW.SetMaxOpenConns(1) // as the store: one writer
	}

	// Orders: a set to look up, and fresh unshipped ones for each ship side.
	// A ship phase ends after --duration or when its orders run out.
	perSide := min(max(int(o.duration.Seconds()*1500), 300), 30000)
	if err := e.seed(ctx, benchLookupOrders, perSide); err != nil {
		return nil, err
	}
	res.Orders = benchLookupOrders + 2*perSide
	if err := e.prepareRaw(ctx); err != nil {
		return nil, err
	}
	cleanup = append(cleanup, e.raw.close)

	// The reference: the minimal handler on a listener of its own.
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1: %w", err)
	}
	msrv := m.httpServer(&minimalHandler{secret: e.secret, stmt: e.raw.full})
	go func() { _ = msrv.Serve(mln) }()
	cleanup = append(cleanup, func() { _ = msrv.Close() })
	e.minimal = "http://" + mln.Addr().String()
	if err := e.warmUp(ctx); err != nil {
		return nil, err
	}

	// 1. Slack /desk order flat out against the minimal handler, in
	// alternating phases of half --duration each (sellerdesk, minimal,
	// sellerdesk, minimal), so that a change in the machine's load falls
	// on both. The CPU profile covers sellerdesk's first phase.
	var lat, mlat []time.Duration
	var elapsed, melapsed time.Duration
	for round := range 2 {
		var stopProf func() (costs, top []cost, path string)
		if round == 0 {
			stopProf = startProfile(o.cpuprofile)
		}
		n, el, l, err := closedLoop(ctx, o.clients, o.duration/2, 0, func(ctx context.Context, _ int, r *mrand.Rand) error { return e.slackOrder(ctx, e.app, r) })
		if stopProf != nil {
			costs, top, profPath := stopProf()
			res.CPUCosts, res.CPUTop = costs, top
			if o.cpuprofile != "" {
				res.CPUProfile = profPath
			}
		}
		if err != nil {
			return nil, fmt.Errorf("Slack /desk order: %w", err)
		}
		res.Requests, elapsed, lat = res.Requests+n, elapsed+el, append(lat, l...)
		n, el, l, err = closedLoop(ctx, o.clients, o.duration/2, 0, func(ctx context.Context, _ int, r *mrand.Rand) error { return e.slackOrder(ctx, e.minimal, r) })
		if err != nil {
			return nil, fmt.Errorf("minimal handler: %w", err)
		}
		res.MinimalN, melapsed, mlat = res.MinimalN+n, melapsed+el, append(mlat, l...)
	}
	res.LookupRPS, res.MinimalRPS = float64(res.Requests)/elapsed.Seconds(), float64(res.MinimalN)/melapsed.Seconds()
	res.MaxP50, res.MaxP99 = pct(lat, 50), pct(lat, 99)
	res.MinimalP50, res.MinimalP99 = pct(mlat, 50), pct(mlat, 99)
	res.LookupRatio = res.LookupRPS / res.MinimalRPS
	if res.MinimalP99 > 0 {
		res.LookupP99Ratio = res.MaxP99 / res.MinimalP99
	}

	// 2. The minimal handler's statement alone: information.
	n, elapsed, _, err := closedLoop(ctx, o.clients, o.duration, 0, func(ctx context.Context, _ int, r *mrand.Rand) error { return e.rawStatement(ctx, r) })
	if err != nil {
		return nil, fmt.Errorf("raw statement: %w", err)
	}
	res.RawSQLPerSec = float64(n) / elapsed.Seconds()

	// 2b. The same Slack path without the database: /desk help ship.
	n, elapsed, _, err = closedLoop(ctx, o.clients, o.duration, 0, func(ctx context.Context, _ int, r *mrand.Rand) error { return e.slackHelp(ctx, r) })
	if err != nil {
		return nil, fmt.Errorf("Slack /desk help: %w", err)
	}
	res.FloorRPS = float64(n) / elapsed.Seconds()

	// 3. Slack paced at 1,000/s, as many in flight as that takes (up to
	// 256): a closed loop of a few clients is bound by latency, not by what
	// the service can take.
	n, elapsed, lat, err = pacedLoop(ctx, benchPacedRate, o.duration, 256, func(ctx context.Context, r *mrand.Rand) error { return e.slackOrder(ctx, e.app, r) })
	if err != nil {
		return nil, fmt.Errorf("Slack /desk order at %d/s: %w", benchPacedRate, err)
	}
	res.PacedN, res.RateRPS, res.P50, res.P99 = n, float64(n)/elapsed.Seconds(), pct(lat, 50), pct(lat, 99)

	// 4. Ship through the engine, 5. the same writes in raw SQL.
	n, elapsed, _, err = closedLoop(ctx, o.clients, o.duration, len(e.shipBot), func(ctx context.Context, i int, r *mrand.Rand) error { return e.ship(ctx, e.shipBot[i], r) })
	if err != nil {
		return nil, fmt.Errorf("ship: %w", err)
	}
	res.Late = int(e.late.Load())
	res.Ships, res.ShipPerSec = n, float64(n)/elapsed.Seconds()
	n, elapsed, _, err = closedLoop(ctx, o.clients, o.duration, len(e.shipRaw), func(ctx context.Context, i int, r *mrand.Rand) error { return e.rawShip(ctx, e.shipRaw[i], r) })
	if err != nil {
		return nil, fmt.Errorf("raw ship: %w", err)
	}
	res.RawShipPerSec = float64(n) / elapsed.Seconds()
	res.ShipRatio = res.ShipPerSec / res.RawShipPerSec

	// 6. Buyer message → draft, one at a time.
	lat, err = e.drafts(ctx)
	if err != nil {
		return nil, fmt.Errorf("drafts: %w", err)
	}
	res.Drafts, res.DraftP50, res.DraftP99 = len(lat), pct(lat, 50), pct(lat, 99)
	// 7. Its baseline, at the same pace.
	if lat, err = paced(ctx, e.o.duration, e.rawDraft); err != nil {
		return nil, fmt.Errorf("raw draft transaction: %w", err)
	}
	res.RawDraftP50, res.RawDraftP99 = pct(lat, 50), pct(lat, 99)
	res.DraftP99Ratio = res.DraftP99 / res.RawDraftP99

	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		res.RSSMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return res, nil
}

// benchSchemaName is what benchSchema names a schema: the only schemas
// --reuse measures (and its sweep changes).
var benchSchemaName = regexp.MustCompile(`^bench_[0-9a-f]{12}$`)

// benchSchema creates a schema bench_<random> in the database at base and
// returns base with search_path set to it, the schema's name, and a
// function dropping it.
func benchSchema(ctx context.Context, base string) (string, string, func(), error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "bench_" + hex.EncodeToString(b[:])
	u, admin, err := schemaURL(base, schema)
	if err != nil {
		return "", "", nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+pq.QuoteIdentifier(schema)); err != nil {
		admin.Close()
		return "", "", nil, fmt.Errorf("create schema %s: %v", schema, sqlstore.Redact(err.Error()))
	}
	drop := func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+pq.QuoteIdentifier(schema)+" CASCADE"); err != nil {
			fmt.Fprintf(os.Stderr, "bot bench: could not drop schema %s: %v\n", schema, err)
		}
	}
	return u, schema, drop, nil
}

// schemaURL is base with schema as its search path, and a connection to
// base for creating and dropping it.
func schemaURL(base, schema string) (string, *sql.DB, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, errors.New("--database is not a valid postgres:// URL") // url.Parse's error quotes the password
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, fmt.Errorf("--database: %s", sqlstore.Redact(err.Error()))
	}
	q := u.Query()
	q.Set("search_path", schema) // lib/pq passes unknown keys as run-time parameters
	u.RawQuery = q.Encode()
	return u.String(), admin, nil
}

// seed saves lookup orders and perSide fresh ones for each ship side,
// placed an hour ago with two lines each, straight into the store (the
// import path is measured by BenchmarkImportReport).
func (e *benchEnv) seed(ctx context.Context, lookup, perSide int) error {
	e.t0 = time.Now().Add(-time.Hour).Truncate(time.Second)
	mk := func(prefix string, i int) core.Order {
		id := fmt.Sprintf("%s-%07d-%07d", prefix, i/9999999, i%9999999)
		t := e.t0
		return core.Order{
			ID: id, Status: core.Unshipped, Fulfillment: core.Merchant, SalesChannel: "Amazon.com",
			PurchaseDate: t, ShipBy: t.Add(72 * time.Hour), ShipServiceLevel: "Standard", Currency: "USD",
			Buyer:  core.Buyer{Name: "Jane Buyer", Email: fmt.Sprintf("buyer%d@marketplace.example", i)},
			ShipTo: core.Address{Name: "Jane Buyer", Line1: "1 Main St", City: "Springfield", State: "IL", PostalCode: "62701", Country: "US"},
			Items: []core.Item{
				{OrderItemID: id + "-1", SKU: "MUG-RED", Title: "Red mug", Quantity: 2, Price: 2598, Tax: 208, Shipping: 499},
				{OrderItemID: id + "-2", SKU: "MUG-BLUE", Title: "Blue mug", Quantity: 1, Price: 1299, Tax: 104},
			},
			ReportUpdated: t, CreatedAt: t, UpdatedAt: t,
		}
	}
	sets := []struct {
		prefix string
		n      int
		ids    *[]string
	}{{"111", lookup, &e.lookupIDs}, {"112", perSide, &e.shipBot}, {"113", perSide, &e.shipRaw}}
	for _, s := range sets {
		var batch []*core.Order
		for i := range s.n {
			o := mk(s.prefix, i)
			*s.ids = append(*s.ids, o.ID)
			batch = append(batch, &o)
			if len(batch) == 500 || i == s.n-1 {
				if err := e.m.Store.Update(ctx, func(tx core.Tx) error { return tx.SaveOrders(ctx, batch) }); err != nil {
					return fmt.Errorf("seed orders: %w", err)
				}
				batch = nil
			}
		}
	}
	// The commands' forms, made once: the load generator shares the CPU
	// with the service.
	form := func(text string) string {
		return url.Values{"token": {"bench"}, "team_id": {"TBENCH"}, "channel_id": {"CBENCH"}, "channel_name": {"orders"},
			"user_id": {benchUser}, "user_name": {"bench"}, "command": {"/desk"}, "text": {text}}.Encode()
	}
	for _, id := range e.lookupIDs {
		e.orderForms = append(e.orderForms, form("order "+id))
	}
	e.helpForm = form("help ship")
	return nil
}

func (e *benchEnv) prepareRaw(ctx context.Context) error {
	ph := func(q string) string {
		if !e.pg {
			return q
		}
		var b strings.Builder
		n := 0
		for _, c := range q {
			if c == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(c)
		}
		return b.String()
	}
	const cols = `id, status, fulfillment, sales_channel, purchase_date, payments_date, ship_by, ship_service_level, currency,
		buyer_name, buyer_email, buyer_phone, ship_name, ship_line1, ship_line2, ship_line3, ship_city, ship_state,
		ship_postal_code, ship_country, ship_phone, cancel_reason, canceled_at, delivered_at, ship_warned_at,
		report_updated, created_at, updated_at, version`
	lock := ""
	if e.pg {
		lock = " FOR UPDATE"
	}
	var err error
	prep := func(db *sql.DB, q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = db.PrepareContext(ctx, ph(q))
		return s
	}
	e.raw.full = prep(e.rawRead, minimalSQL(e.pg))
	e.raw.lock = prep(e.rawW, `SELECT version FROM orders WHERE id = ?`+lock)
	e.raw.items = prep(e.rawW, `SELECT order_item_id, sku, quantity, shipped FROM order_items WHERE order_id = ? ORDER BY line_no`)
	e.raw.updOrder = prep(e.rawW, `UPDATE orders SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`)
	e.raw.updItem = prep(e.rawW, `UPDATE order_items SET shipped = ? WHERE order_id = ? AND order_item_id = ?`)
	e.raw.insShipment = prep(e.rawW, `INSERT INTO shipments (id, order_id, carrier, carrier_name, tracking, ship_date, method, late,
		valid_tracking, created_at, created_by, lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	e.raw.insAudit = prep(e.rawW, `INSERT INTO audit (at, actor_id, actor, role, source, command, order_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	e.raw.fullW = prep(e.rawW, minimalSQL(e.pg)) // inside a write transaction
	e.raw.findConv = prep(e.rawW, `SELECT id FROM conversations WHERE channel = ? AND buyer_key = ? AND order_id = ? ORDER BY updated_at DESC LIMIT 1`+lock)
	e.raw.insConv = prep(e.rawW, `INSERT INTO conversations (id, channel, buyer_key, buyer_name, order_id, deadline, draft, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`)
	e.raw.insMsg = prep(e.rawW, `INSERT INTO messages (conversation_id, sender, text, at) VALUES (?, ?, ?, ?)`)
	e.raw.insOutbox = prep(e.rawW, `INSERT INTO outbox (kind, order_id, conversation_id, channel, text, at) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		e.raw.close()
		return fmt.Errorf("prepare the raw statements: %w", err)
	}
	return nil
}

func (r *rawStmts) close() {
	for _, s := range []*sql.Stmt{r.full, r.lock, r.items, r.updOrder, r.updItem, r.insShipment, r.insAudit, r.fullW, r.findConv, r.insConv, r.insMsg, r.insOutbox} {
		if s != nil {
			s.Close()
		}
	}
}

// warmUp runs each path a few times, so that connections and prepared
// statements exist before the clocks start.
func (e *benchEnv) warmUp(ctx context.Context) error {
	r := mrand.New(mrand.NewPCG(1, 2))
	for range 2 * e.o.clients {
		if err := e.slackOrder(ctx, e.app, r); err != nil {
			return fmt.Errorf("Slack /desk order: %w", err)
		}
		if err := e.slackOrder(ctx, e.minimal, r); err != nil {
			return fmt.Errorf("minimal handler: %w", err)
		}
		if err := e.rawStatement(ctx, r); err != nil {
			return fmt.Errorf("raw statement: %w", err)
		}
	}
	return nil
}

// serveFake is the fake Slack: /api/… answers ok (with a channel and a
// message ts, for posts), /r/<key> is a response_url.
func (e *benchEnv) serveFake(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if key, ok := strings.CutPrefix(r.URL.Path, "/r/"); ok {
		if v, ok := e.waiters.LoadAndDelete(key); ok {
			cw := v.(*cardWait)
			cw.done <- checkAnswer(cw.text, cw.want, body)
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"channel":"CBENCH","ts":"1700000000.%06d"}`, e.seq.Add(1)%1000000)
}

// slackOrder sends a signed /desk order <id> to the handler at base (the
// service or the minimal reference) and checks its card.
func (e *benchEnv) slackOrder(ctx context.Context, base string, r *mrand.Rand) error {
	i := r.IntN(len(e.lookupIDs))
	return e.slash(ctx, base, "order "+e.lookupIDs[i], e.orderForms[i], `"Order `+e.lookupIDs[i])
}

// slackHelp sends a signed /desk help ship: the Slack path without the
// database, its floor.
func (e *benchEnv) slackHelp(ctx context.Context, _ *mrand.Rand) error {
	return e.slash(ctx, e.app, "help ship", e.helpForm, "/desk ship")
}

// slash sends a signed /desk command (form: its fields but response_url
// and trigger_id) and reads the answer in the HTTP response. An empty
// acknowledgement means the answer comes through response_url (the read
// outlasted the service's wait): then it waits for the answer there.
func (e *benchEnv) slash(ctx context.Context, base, text, form, want string) error {
	key := strconv.FormatInt(e.seq.Add(1), 10)
	cw := &cardWait{text: text, want: want, done: make(chan error, 1)}
	e.waiters.Store(key, cw) // before sending: the post may beat the acknowledgement
	defer e.waiters.Delete(key)
	body := form + "&response_url=" + url.QueryEscape(e.fake.URL+"/r/"+key) + "&trigger_id=bench-" + key
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(e.secret))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/slack/commands", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header["Content-Type"] = []string{"application/x-www-form-urlencoded"}
	req.Header["X-Slack-Request-Timestamp"] = []string{ts}
	req.Header["X-Slack-Signature"] = []string{"v0=" + hex.EncodeToString(mac.Sum(nil))}
	resp, err := e.client.Do(req)
	if err != nil {
		return err
	}
	ack, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/slack/commands answered HTTP %d %.200s", resp.StatusCode, ack)
	}
	if len(bytes.TrimSpace(ack)) > 0 {
		return checkAnswer(text, want, ack)
	}
	e.late.Add(1)
	select {
	case err := <-cw.done:
		return err
	case <-time.After(benchWait):
		return fmt.Errorf("no answer to /desk %s, neither inline nor on response_url within %s", text, benchWait)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func checkAnswer(text, want string, answer []byte) error {
	if !bytes.Contains(answer, []byte(want)) {
		return fmt.Errorf("the answer to /desk %s lacks %q: %.200s", text, want, answer)
	}
	return nil
}

// rawStatement runs the minimal handler's statement over database/sql and
// reads its columns, children as raw JSON.
func (e *benchEnv) rawStatement(ctx context.Context, r *mrand.Rand) error {
	id := e.lookupIDs[r.IntN(len(e.lookupIDs))]
	var (
		oid, status, buyer, currency string
		purchased, shipBy            any
		items, ships, rets, refs     []byte
	)
	err := e.raw.full.QueryRowContext(ctx, id).Scan(&oid, &status, &purchased, &shipBy, &buyer, &currency, &items, &ships, &rets, &refs)
	if err == nil && oid != id {
		err = fmt.Errorf("asked for %s, read %s", id, oid)
	}
	return err
}

var benchActor = core.Actor{ID: "slack:" + benchUser, Name: "bench", Role: core.Owner, Source: "slack"}

// ship confirms a shipment of the whole order through the engine.
func (e *benchEnv) ship(ctx context.Context, id string, r *mrand.Rand) error {
	res, err := e.m.Engine.Do(ctx, core.Request{Actor: benchActor, Command: core.ShipOrder{OrderID: id, Carrier: core.UPS, Tracking: upsTracking(r)}})
	if err == nil && res.Order.Status != core.Shipped {
		err = fmt.Errorf("order %s is %s after ship", id, res.Order.Status)
	}
	return err
}

// rawShip makes the writes of a ship in one transaction: the order row
// (status, version), its lines' shipped units, a shipment and an audit entry.
func (e *benchEnv) rawShip(ctx context.Context, id string, r *mrand.Rand) error {
	tx, err := e.rawW.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int64
	if err := tx.StmtContext(ctx, e.raw.lock).QueryRowContext(ctx, id).Scan(&version); err != nil {
		return err
	}
	type line struct {
		id, sku string
		qty     int
		shipped int
	}
	rows, err := tx.StmtContext(ctx, e.raw.items).QueryContext(ctx, id)
	if err != nil {
		return err
	}
	var lines []line
	for rows.Next() {
		var l line
		if err := rows.Scan(&l.id, &l.sku, &l.qty, &l.shipped); err != nil {
			rows.Close()
			return err
		}
		lines = append(lines, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := time.Now()
	at := func(t time.Time) any {
		if e.pg {
			return t.UTC().Truncate(time.Microsecond)
		}
		return t.UnixMicro()
	}
	res, err := tx.StmtContext(ctx, e.raw.updOrder).ExecContext(ctx, string(core.Shipped), at(now), id, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("order %s changed", id)
	}
	var sl []core.ShipmentLine
	for _, l := range lines {
		sl = append(sl, core.ShipmentLine{OrderItemID: l.id, SKU: l.sku, Quantity: l.qty - l.shipped})
		if _, err := tx.StmtContext(ctx, e.raw.updItem).ExecContext(ctx, l.qty, id, l.id); err != nil {
			return err
		}
	}
	js, _ := json.Marshal(sl)
	tracking := upsTracking(r)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if _, err := tx.StmtContext(ctx, e.raw.insShipment).ExecContext(ctx, "S-"+hex.EncodeToString(randBytes(r)), id, string(core.UPS), "", tracking,
		at(day), "Standard", false, true, at(now), "bench", string(js)); err != nil {
		return err
	}
	if _, err := tx.StmtContext(ctx, e.raw.insAudit).ExecContext(ctx, at(now), benchActor.ID, benchActor.Name, string(benchActor.Role), "slack",
		"ship "+id+" ups "+tracking, id, ""); err != nil {
		return err
	}
	return tx.Commit()
}

func randBytes(r *mrand.Rand) []byte {
	var b [8]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b[:]
}

var benchMessages = []string{
	"Hi, where is my package? It was supposed to ship yesterday.",
	"I would like to return the red mug, it arrived chipped.",
	"Can I change the shipping address on my order?",
	"Please cancel my order, I ordered the wrong colour.",
	"Thanks, the mugs arrived and they are lovely!",
	"Do you have the blue mug in a larger size?",
}

// draftRate is how fast the draft phase sends buyer messages. Latency is
// measured at a stated load: a busy shop's help channel gets a few messages
// a minute, and 100 a second still leaves the service its delivery of each
// message and draft to Slack. Back to back, the phase measured the queue of
// those deliveries' commits on SQLite's one writer instead (p99 ~10 ms).
const draftRate = 100

// drafts runs the service as bot serve does (Main.Run: its drafting,
// delivery and timed work) and stores buyer messages one at a time, as the
// help page does, draftRate a second for --duration. Each message's latency runs from the
// call that stores it to its draft saved: the service announces every
// saved draft with core.EventDraftReady, whatever schedules its drafting.
func (e *benchEnv) drafts(ctx context.Context) ([]time.Duration, error) {
	ready := &draftWatch{seen: map[string]time.Time{}, waiting: map[string]chan time.Time{}}
	e.m.events.subscribe(ready.see)
	runCtx, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	var runErr error
	go func() {
		defer close(stopped)
		runErr = e.m.Run(runCtx)
	}()
	defer func() { stop(); <-stopped }()
	// Let the jobs every start runs (a sweep, a reminder check, the draft
	// catch-up) finish first: the phase measures drafting in steady state.
	select {
	case <-time.After(2 * time.Second):
	case <-stopped:
		return nil, fmt.Errorf("the service stopped: %v", runErr)
	}

	return paced(ctx, e.o.duration, func(ctx context.Context, i int) (time.Duration, error) {
		start := time.Now()
		conv, err := e.m.Engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: fmt.Sprintf("bench-buyer-%d", i), BuyerName: "Jane Buyer",
			OrderID: e.lookupIDs[i%len(e.lookupIDs)], Text: benchMessages[i%len(benchMessages)]})
		if err != nil {
			return 0, err
		}
		select {
		case at := <-ready.wait(conv.ID):
			return at.Sub(start), nil
		case <-time.After(benchWait):
			return 0, fmt.Errorf("no draft for buyer message %d (conversation %s) within %s: is the service drafting?", i, conv.ID, benchWait)
		case <-stopped:
			return 0, fmt.Errorf("the service stopped: %v", runErr)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	})
}

// paced calls op draftRate times a second for d, one call at a time, and
// returns each call's latency as op measures it; the first calls, which
// warm caches and connections, are not kept.
func paced(ctx context.Context, d time.Duration, op func(ctx context.Context, i int) (time.Duration, error)) ([]time.Duration, error) {
	const warm = 3
	var lat []time.Duration
	end := time.Now().Add(d)
	next := time.Now()
	for i := 0; i < warm || time.Now().Before(end) && i < 100000; i++ {
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		next = next.Add(time.Second / draftRate)
		took, err := op(ctx, i)
		if err != nil {
			return nil, err
		}
		if i >= warm {
			lat = append(lat, took)
		}
	}
	return lat, nil
}

// rawDraft is the draft path's baseline, as a minimal hand-written handler
// would store a buyer's first message: in one transaction, look for the
// buyer's conversation, read the order with its children (the minimal
// handler's one statement), insert the conversation with a draft, the
// message, and the two outbox rows staff are told through. No drafting:
// the offline draft itself is benchmarked in core/drafter.
func (e *benchEnv) rawDraft(ctx context.Context, i int) (time.Duration, error) {
	at := func(t time.Time) any {
		if e.pg {
			return t.UTC().Truncate(time.Microsecond)
		}
		return t.UnixMicro()
	}
	start := time.Now()
	key, order, conv := fmt.Sprintf("raw-buyer-%d", i), e.lookupIDs[i%len(e.lookupIDs)], fmt.Sprintf("C-RAW%07d", i)
	tx, err := e.rawW.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var found string
	if err := tx.StmtContext(ctx, e.raw.findConv).QueryRowContext(ctx, "web", key, order).Scan(&found); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	rows, err := tx.StmtContext(ctx, e.raw.fullW).QueryContext(ctx, order)
	if err != nil {
		return 0, err
	}
	for rows.Next() { // the order, read as the minimal handler reads it
	}
	if err := cmp.Or(rows.Err(), rows.Close()); err != nil {
		return 0, err
	}
	now := at(time.Now())
	draft := `{"text":"Hello Jane, thank you for your message.","intent":"track_order","language":"en"}`
	if _, err := tx.StmtContext(ctx, e.raw.insConv).ExecContext(ctx, conv, "web", key, "Jane Buyer", order, at(time.Now().Add(core.ResponseWindow)), draft, now, now); err != nil {
		return 0, err
	}
	if _, err := tx.StmtContext(ctx, e.raw.insMsg).ExecContext(ctx, conv, string(core.FromBuyer), benchMessages[i%len(benchMessages)], now); err != nil {
		return 0, err
	}
	if _, err := tx.StmtContext(ctx, e.raw.insOutbox).ExecContext(ctx, string(core.EventBuyerMessage), order, conv, "web", "New buyer message", now,
		string(core.EventDraftReady), order, conv, "web", "Draft ready", now); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// draftWatch hands each conversation's first draft-ready time to whoever
// waits for it; a draft may be announced before its message's store call
// has returned. It runs inside the notifier, so it never blocks.
type draftWatch struct {
	mu      sync.Mutex
	seen    map[string]time.Time      // announced, not yet waited for
	waiting map[string]chan time.Time // waited for, not yet announced
}

func (d *draftWatch) see(ev core.Event) {
	if ev.Kind != core.EventDraftReady {
		return
	}
	at := time.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	if ch, ok := d.waiting[ev.ConversationID]; ok {
		delete(d.waiting, ev.ConversationID)
		ch <- at // buffered
		return
	}
	if _, ok := d.seen[ev.ConversationID]; !ok { // a replayed notification (PostgreSQL) is later
		d.seen[ev.ConversationID] = at
	}
}

func (d *draftWatch) wait(conversationID string) <-chan time.Time {
	ch := make(chan time.Time, 1)
	d.mu.Lock()
	defer d.mu.Unlock()
	if at, ok := d.seen[conversationID]; ok {
		delete(d.seen, conversationID)
		ch <- at
	} else {
		d.waiting[conversationID] = ch
	}
	return ch
}

// closedLoop runs op from clients goroutines for d (or until limit calls,
// when limit > 0). It returns the calls done, the time taken and each
// call's latency; the first error stops it.
func closedLoop(ctx context.Context, clients int, d time.Duration, limit int, op func(ctx context.Context, i int, r *mrand.Rand) error) (int, time.Duration, []time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	lats := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for c := range clients {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(c), uint64(start.UnixNano())))
			for ctx.Err() == nil && time.Now().Before(end) {
				i := int(next.Add(1) - 1)
				if limit > 0 && i >= limit {
					return
				}
				t := time.Now()
				if err := op(ctx, i, r); err != nil {
					cancel(err)
					return
				}
				lats[c] = append(lats[c], time.Since(t))
			}
		})
	}
	wg.Wait()
	return loopResult(ctx, start, lats)
}

// pacedLoop starts op at rate per second for d, whatever the answers take,
// on up to workers goroutines. Latency counts from when a call was due, so
// a backlog shows in it; calls not started by the end of d are dropped.
func pacedLoop(ctx context.Context, rate float64, d time.Duration, workers int, op func(ctx context.Context, r *mrand.Rand) error) (int, time.Duration, []time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	due := make(chan time.Time, workers)
	lats := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for t := range due {
				if ctx.Err() != nil {
					continue
				}
				if err := op(ctx, r); err != nil {
					cancel(err)
					continue
				}
				lats[w] = append(lats[w], time.Since(t))
			}
		})
	}
	interval := time.Duration(float64(time.Second) / rate)
	total := int(d.Seconds() * rate)
	end := start.Add(d)
	for i := 0; i < total && ctx.Err() == nil && time.Now().Before(end); i++ {
		at := start.Add(time.Duration(i) * interval)
		if wait := time.Until(at); wait > 0 {
			time.Sleep(wait)
		}
		select {
		case due <- at:
		case <-ctx.Done():
		}
	}
	close(due)
	wg.Wait()
	return loopResult(ctx, start, lats)
}

// loopResult is what a load loop returns once its goroutines are done:
// the calls made, the time taken and each call's latency, or the error
// that stopped it.
func loopResult(ctx context.Context, start time.Time, lats [][]time.Duration) (int, time.Duration, []time.Duration, error) {
	elapsed := time.Since(start)
	if err := context.Cause(ctx); err != nil {
		return 0, 0, nil, err
	}
	all := slices.Concat(lats...)
	return len(all), elapsed, all, nil
}

// pct is the p-th percentile of lat in milliseconds.
func pct(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	i := min(int(float64(len(s))*p/100), len(s)-1)
	return float64(s[i].Microseconds()) / 1000
}

// startProfile starts the CPU profiler into a temporary file (or keep, when
// set). The function it returns stops it and returns the costs by kind of
// work, the top functions by cumulative time, and the file. A profiler
// already running (go test -cpuprofile) means no profile.
func startProfile(keep string) func() (costs, top []cost, path string) {
	none := func() ([]cost, []cost, string) { return nil, nil, "" }
	var f *os.File
	var err error
	if keep != "" {
		f, err = os.Create(keep)
	} else {
		f, err = os.CreateTemp("", "sellerdesk-bench-*.pprof")
	}
	if err != nil {
		return none
	}
	path := f.Name()
	finish := func() {
		f.Close()
		if keep == "" {
			os.Remove(path)
		}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		finish()
		return none
	}
	return func() ([]cost, []cost, string) {
		pprof.StopCPUProfile()
		defer finish()
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, nil, path
		}
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, nil, path
		}
		costs, top, _ := profileCosts(data, 5)
		return costs, top, path
	}
}

// printBench prints the table.
func printBench(w io.Writer, r *benchResult) {
	pg := r.Store == "postgres"
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	pgOnly := func(ok bool) string {
		if !pg {
			return "-"
		}
		return check(ok)
	}
	store := "SQLite, fresh file in a temporary folder"
	if pg {
		store = "PostgreSQL, fresh schema bench_<random>"
	}
	fmt.Fprintf(w, "sellerdesk bench: %s; %d orders; %s per phase; %d clients\n\n", store, r.Orders, r.Duration, r.Clients)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tresult\ttarget\t")
	fmt.Fprintln(tw, "-------\t------\t------\t")
	fmt.Fprintf(tw, "Slack /desk order, flat out: sellerdesk\t%.0f req/s (%d requests), p50 %.2f ms, p99 %.2f ms\t\t\n", r.LookupRPS, r.Requests, r.MaxP50, r.MaxP99)
	fmt.Fprintf(tw, "Slack /desk order, flat out: minimal handler\t%.0f req/s (%d requests), p50 %.2f ms, p99 %.2f ms\t\t\n", r.MinimalRPS, r.MinimalN, r.MinimalP50, r.MinimalP99)
	fmt.Fprintf(tw, "lookup_ratio (req/s, sellerdesk / minimal)\t%.3fx\t>= 1.0x\t%s\n", r.LookupRatio, check(r.LookupRatio >= 1))
	fmt.Fprintf(tw, "lookup_p99_ratio (p99, sellerdesk / minimal)\t%.3fx\t<= 1.0x\t%s\n", r.LookupP99Ratio, check(r.LookupP99Ratio <= 1))
	fmt.Fprintf(tw, "the minimal handler's statement alone (database/sql)\t%.0f /s\t\t\n", r.RawSQLPerSec)
	fmt.Fprintf(tw, "Slack /desk help (no database), flat out\t%.0f req/s\t\t\n", r.FloorRPS)
	if r.Late > 0 {
		fmt.Fprintf(tw, "answers through response_url\t%d (read slower than the inline wait)\t\t\n", r.Late)
	}
	fmt.Fprintf(tw, "Slack /desk order paced at 1,000 req/s\t%.0f req/s done, p50 %.2f ms, p99 %.2f ms\tPostgreSQL: p99 < 25 ms at 1,000 req/s\t%s\n", r.RateRPS, r.P50, r.P99, pgOnly(r.P99 < 25 && r.RateRPS >= 0.95*benchPacedRate))
	fmt.Fprintf(tw, "ship (Engine.Do)\t%.0f /s (%d orders)\t\t\n", r.ShipPerSec, r.Ships)
	fmt.Fprintf(tw, "raw ship transaction\t%.0f /s\t\t\n", r.RawShipPerSec)
	fmt.Fprintf(tw, "ship_ratio\t%.3fx\tPostgreSQL: >= 0.5x\t%s\n", r.ShipRatio, pgOnly(r.ShipRatio >= 0.5))
	fmt.Fprintf(tw, "buyer message -> draft, %d/s\tp50 %.2f ms, p99 %.2f ms (%d messages)\tp99 < 5 ms\t%s\n", draftRate, r.DraftP50, r.DraftP99, r.Drafts, check(r.DraftP99 < 5))
	fmt.Fprintf(tw, "the same reads and writes in raw SQL, %d/s\tp50 %.2f ms, p99 %.2f ms\t\t\n", draftRate, r.RawDraftP50, r.RawDraftP99)
	fmt.Fprintf(tw, "draft_p99_ratio (sellerdesk / raw)\t%.2fx\t\t\n", r.DraftP99Ratio)
	fmt.Fprintf(tw, "peak RSS\t%.0f MB\t< 150 MB\t%s\n", r.RSSMB, check(r.RSSMB < 150))
	tw.Flush()
	if len(r.CPUCosts) > 0 {
		fmt.Fprintln(w, "\nWhere the CPU went in the flat-out Slack phase (share of the whole process's CPU, load generator included; kinds overlap):")
		for _, c := range r.CPUCosts {
			fmt.Fprintf(w, "  %5.1f%%  %s\n", c.Percent, c.Function)
		}
		fmt.Fprintln(w, "Top functions by cumulative CPU (goroutine roots and HTTP dispatch left out):")
		for _, c := range r.CPUTop {
			fmt.Fprintf(w, "  %5.1f%%  %s\n", c.Percent, c.Function)
		}
	}
	if r.CPUProfile != "" {
		fmt.Fprintf(w, "\nCPU profile: %s — see it with: go tool pprof -top -cum %s\n", r.CPUProfile, r.CPUProfile)
	}
}

// benchKinds are the kinds of work a Slack request is made of, each known
// by a function (or package) on the stack.
var benchKinds = []struct {
	label string
	match func(fn string) bool
}{
	{"SQLite library (modernc.org/sqlite: queries, commits, fsync)", prefix("modernc.org/sqlite")},
	{"PostgreSQL driver (lib/pq)", prefix("github.com/lib/pq.")},
	{"order lookup: Engine.Do order <id> (read transaction)", exact("github.com/sellerdesk/sellerdesk/core.(*Engine).Do")},
	{"dedupe of the trigger id: Engine.FirstSeen (a write transaction per command)", exact("github.com/sellerdesk/sellerdesk/core.(*Engine).FirstSeen")},
	{"database commits (database/sql Tx.Commit)", exact("database/sql.(*Tx).Commit")},
	{"system calls (network, fsync)", exact("internal/runtime/syscall/linux.Syscall6")},
	{"answer posted to response_url (slack.PostWebhookCustomHTTPContext)", exact("github.com/slack-go/slack.PostWebhookCustomHTTPContext")},
	{"card rendering (slackapp render)", exact("github.com/sellerdesk/sellerdesk/adapters/slackapp.(*App).render")},
	{"answer encoded as JSON (slackapp writeAck)", exact("github.com/sellerdesk/sellerdesk/adapters/slackapp.writeAck")},
	{"signature check (HMAC-SHA256)", exact("github.com/sellerdesk/sellerdesk/adapters/slackapp.verifySignature")},
	{"garbage collection and allocation", func(fn string) bool { return fn == "runtime.gcBgMarkWorker" || fn == "runtime.mallocgc" }},
	{"the bench's own clients and fake Slack", prefix("main.(*benchEnv).")},
}

func prefix(p string) func(string) bool {
	return func(fn string) bool { return strings.HasPrefix(fn, p) }
}
func exact(p string) func(string) bool { return func(fn string) bool { return fn == p } }

// profileCosts reads a CPU profile (gzipped profile.proto, as runtime/pprof
// writes it) and returns the share of each of benchKinds and the n
// functions with the most cumulative time, leaving out closures and the
// frames every request passes through (goroutine roots, the HTTP server's
// dispatch), which say nothing.
func profileCosts(data []byte, n int) (kinds, top []cost, err error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, nil, err
	}
	type sample struct {
		locs  []uint64
		value int64
	}
	var (
		samples []sample
		strs    []string
		locFns  = map[uint64][]uint64{} // location → function ids
		fnName  = map[uint64]int64{}    // function → string index
	)
	err = pbFields(raw, func(field int, v uint64, b []byte) error {
		switch field {
		case 2: // sample
			var s sample
			var values []int64
			err := pbFields(b, func(f int, v uint64, b []byte) error {
				switch f {
				case 1:
					if b != nil {
						return pbPacked(b, func(x uint64) { s.locs = append(s.locs, x) })
					}
					s.locs = append(s.locs, v)
				case 2:
					if b != nil {
						return pbPacked(b, func(x uint64) { values = append(values, int64(x)) })
					}
					values = append(values, int64(v))
				}
				return nil
			})
			if len(values) > 0 {
				s.value = values[len(values)-1] // CPU time
			}
			samples = append(samples, s)
			return err
		case 4: // location
			var id uint64
			var fns []uint64
			err := pbFields(b, func(f int, v uint64, b []byte) error {
				switch f {
				case 1:
					id = v
				case 4: // line
					return pbFields(b, func(f int, v uint64, _ []byte) error {
						if f == 1 {
							fns = append(fns, v)
						}
						return nil
					})
				}
				return nil
			})
			locFns[id] = fns
			return err
		case 5: // function
			var id uint64
			var name int64
			err := pbFields(b, func(f int, v uint64, _ []byte) error {
				switch f {
				case 1:
					id = v
				case 2:
					name = int64(v)
				}
				return nil
			})
			fnName[id] = name
			return err
		case 6: // string table
			strs = append(strs, string(b))
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	cum := map[string]int64{}
	kindCum := make([]int64, len(benchKinds))
	var total int64
	for _, s := range samples {
		total += s.value
		seen := map[string]bool{}
		for _, l := range s.locs {
			for _, f := range locFns[l] {
				if i := fnName[f]; i >= 0 && int(i) < len(strs) && !seen[strs[i]] {
					seen[strs[i]] = true
					cum[strs[i]] += s.value
				}
			}
		}
		for k, kind := range benchKinds {
			for fn := range seen {
				if kind.match(fn) {
					kindCum[k] += s.value
					break
				}
			}
		}
	}
	if total == 0 {
		return nil, nil, nil
	}
	share := func(v int64) float64 { return math.Round(1000*float64(v)/float64(total)) / 10 }
	for k, v := range kindCum {
		if v > 0 {
			kinds = append(kinds, cost{Function: benchKinds[k].label, Percent: share(v)})
		}
	}
	skip := func(fn string) bool {
		switch fn {
		case "runtime.goexit", "runtime.main", "runtime.mcall", "runtime.systemstack", "runtime.park_m", "runtime.schedule",
			"net/http.(*conn).serve", "net/http.serverHandler.ServeHTTP", "net/http.HandlerFunc.ServeHTTP", "net/http.(*ServeMux).ServeHTTP":
			return true
		}
		return closureName.MatchString(fn)
	}
	for fn, v := range cum {
		if !skip(fn) {
			top = append(top, cost{Function: fn, Percent: share(v)})
		}
	}
	byShare := func(a, b cost) int {
		if c := cmp.Compare(b.Percent, a.Percent); c != 0 {
			return c
		}
		return strings.Compare(a.Function, b.Function)
	}
	slices.SortFunc(kinds, byShare)
	slices.SortFunc(top, byShare)
	return kinds, top[:min(n, len(top))], nil
}

// closureName matches function literals: pkg.F.func1, pkg.(*T).M.func2.3.
var closureName = regexp.MustCompile(`\.func\d+(\.\d+)*$`)

// pbFields calls fn for each field of a protocol buffer message: v for
// varints, b for length-delimited fields.
func pbFields(b []byte, fn func(field int, v uint64, b []byte) error) error {
	for len(b) > 0 {
		key, n := pbVarint(b)
		if n == 0 {
			return errors.New("profile: bad varint")
		}
		b = b[n:]
		field, wire := int(key>>3), key&7
		switch wire {
		case 0:
			v, n := pbVarint(b)
			if n == 0 {
				return errors.New("profile: bad varint")
			}
			b = b[n:]
			if err := fn(field, v, nil); err != nil {
				return err
			}
		case 1:
			if len(b) < 8 {
				return errors.New("profile: short fixed64")
			}
			b = b[8:]
		case 2:
			l, n := pbVarint(b)
			if n == 0 || uint64(len(b)-n) < l {
				return errors.New("profile: bad length")
			}
			b = b[n:]
			if err := fn(field, 0, b[:l:l]); err != nil {
				return err
			}
			b = b[l:]
		case 5:
			if len(b) < 4 {
				return errors.New("profile: short fixed32")
			}
			b = b[4:]
		default:
			return fmt.Errorf("profile: wire type %d", wire)
		}
	}
	return nil
}

func pbPacked(b []byte, fn func(uint64)) error {
	for len(b) > 0 {
		v, n := pbVarint(b)
		if n == 0 {
			return errors.New("profile: bad packed varint")
		}
		fn(v)
		b = b[n:]
	}
	return nil
}

func pbVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}
