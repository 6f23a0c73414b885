// Command bot runs sellerdesk: the HTTP service, the console desk, Amazon
// flat-file import and export, and migrations. It is wiring only: the rules
// live in core, the outside world in adapters.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"os/user"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/term"

	"github.com/sellerdesk/sellerdesk/adapters/console"
	"github.com/sellerdesk/sellerdesk/adapters/discordapp"
	"github.com/sellerdesk/sellerdesk/adapters/jobqueue"
	"github.com/sellerdesk/sellerdesk/adapters/slackapp"
	"github.com/sellerdesk/sellerdesk/adapters/spapi"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/web"
	"github.com/sellerdesk/sellerdesk/core"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

const demoDB = "sellerdesk-demo.db"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

const usage = `sellerdesk — a chat-ops desk for online sellers

Usage: bot [--config FILE] [command]

Commands:
  serve                      run the service (the default): /healthz, the help page, timed order rules;
                             /metrics on http.metrics_addr (127.0.0.1:8081)
  console [--json] [--as ROLE] [--dry-run]
                             a desk in the terminal speaking the command language
  import orders FILE [--encoding E] [--as ROLE] [--demo]
                             import an Amazon order report (tab-separated; FILE - reads stdin);
                             without a config file only with --demo, into the demo database
  export shipments [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--out FILE] [--marketplace JP|US]
                             write the shipping confirmation file for Seller Central
  sync orders [--since YYYY-MM-DD]
                             read the orders updated on Amazon (SP-API, spapi.* settings) once
  draft [--order ID] [--json]
                             draft an answer to a buyer message read from stdin; stores nothing
  sweep                      apply the timed order rules once (30-day rule, pending limit)
  bench [--database URL] [--duration 7s] [--json]
                             measure Slack lookups, ship and drafts on a fresh store against raw SQL
  simulate month [--seed N] [--no-escalation] [--png FILE]
                             a month of buyer messages on a throwaway store: staff answering to
                             messages.schedule, reminders and escalation; prints the 24-hour figures
  migrate                    create or update the database schema
  version                    print the version

With no config file (./config.yaml or --config) sellerdesk runs a demo on
sellerdesk-demo.db. Every setting can also come from the environment:
database.url is SELLERDESK_DATABASE_URL.
`

// Main is the program built from its config; tests start it in-process.
type Main struct {
	Config Config
	Demo   bool
	Log    *slog.Logger
	Store  *sqlstore.DB
	Engine *core.Engine

	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Interactive    bool // stdin and stdout are a terminal

	registry  *prometheus.Registry
	demoInfo  *DemoInfo
	events    *notifier // every committed outbox message: this replica's and (Store.Listen) the others'
	local     *notifier // this replica's only
	drafter   core.Drafter
	jobMetric *prometheus.CounterVec // job outcomes by kind (jobs.go)
	help      *web.Server
	// healthLogged is when /healthz last logged a failure (unix ns).
	healthLogged atomic.Int64
	slack        *slackapp.App
	discord      *discordapp.App
	sinks        []core.Sink   // where the outbox goes (chat adapters); Run delivers to each
	mailIn       *mailIn       // the mailbox reader (mailin.go); nil without mail
	amazonIn     *amazonIn     // the SP-API order sync (amazon.go); nil without spapi
	spapi        *spapi.Client // the Amazon connection (spapiClient), made once
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	global := flag.NewFlagSet("bot", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.Usage = func() { fmt.Fprint(stderr, usage) }
	configPath := global.String("config", "", "config file (default ./config.yaml when present)")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	args = global.Args()
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "sellerdesk", Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "bench": // on a fresh store of its own: the configured database is never opened
		return runBench(ctx, args, stdout, stderr)
	case "simulate": // on a throwaway store too
		return runSimulate(ctx, *configPath, args, environ, stdout, stderr)
	}
	m, err := NewMain(*configPath, environ)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	m.Stdin, m.Stdout, m.Stderr = stdin, stdout, stderr
	m.Interactive = isTerminal(stdin) && isTerminal(stdout)
	if cmd == "import" && m.Demo && !slices.Contains(args, "--demo") {
		// Before Open, which would seed the demo's made-up orders: a seller
		// who forgot --config must not find their orders mixed in with them.
		fmt.Fprintf(stderr, "bot import: there is no config file (./config.yaml or --config) and no SELLERDESK_DATABASE_URL, "+
			"so this would import into the demo database %s, among made-up orders. Nothing was imported.\n"+
			"Point to your shop's database with --config FILE, or add --demo to import into the demo anyway.\n", demoDB)
		return 2
	}
	if cmd == "serve" && m.Demo && m.Interactive && m.Config.Log.Level == "info" {
		m.Config.Log.Level = "warn" // info lines would break into the demo's prompt
	}
	m.Log = newLogger(m.Config.Log, stderr)
	if err := m.Open(ctx, cmd == "migrate"); err != nil {
		if cmd == "console" && slices.Contains(args, "--json") {
			// Scripts parse stdout: a store that can't be opened is an answer too.
			enc := json.NewEncoder(stdout)
			_ = enc.Encode(map[string]any{"ok": false, "error": map[string]any{"code": core.ErrorCode(err), "message": core.ErrorMessage(err)}})
		}
		fmt.Fprintln(stderr, "sellerdesk:", core.ErrorMessage(err))
		if core.ErrorCode(err) == core.Internal {
			m.Log.Error("open", "err", err)
		}
		return 1
	}
	defer m.Close()
	switch cmd {
	case "serve":
		err = m.Run(ctx)
	case "console":
		return m.runConsole(ctx, args)
	case "import":
		return m.runImport(ctx, args)
	case "export":
		return m.runExport(ctx, args)
	case "sync":
		return m.runSync(ctx, args)
	case "draft":
		return m.runDraft(ctx, args)
	case "sweep":
		var res core.SweepResult
		res, err = m.Engine.Sweep(ctx)
		if err == nil {
			fmt.Fprintf(stdout, "Warned %d, auto-cancelled %d, expired %d pending, completed %d.\n", len(res.Warned), len(res.AutoCanceled), len(res.Expired), len(res.Completed))
		}
	case "migrate":
		fmt.Fprintln(stdout, "Schema is up to date.")
	default:
		fmt.Fprintf(stderr, "There is no command %q.", cmd)
		if s := core.DidYouMean(cmd, []string{"serve", "console", "import", "export", "sync", "draft", "sweep", "migrate", "version"}); s != "" {
			fmt.Fprintf(stderr, " Did you mean %q?", s)
		}
		fmt.Fprintln(stderr, " Run bot help for the list.")
		return 2
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "sellerdesk:", core.ErrorMessage(err))
		if core.ErrorCode(err) == core.Internal {
			m.Log.Error(cmd, "err", err)
		}
		return 1
	}
	return 0
}

// NewMain loads the configuration. No config file and no database.url in
// the environment means demo mode.
func NewMain(configPath string, environ []string) (*Main, error) {
	f, _, err := openConfig(configPath)
	if err != nil {
		return nil, err
	}
	var r io.Reader
	if f != nil {
		defer f.Close()
		r = f
	}
	cfg, err := LoadConfig(r, environ)
	if err != nil {
		return nil, err
	}
	m := &Main{Config: cfg}
	if f == nil && !hasEnv(environ, EnvName("database.url")) {
		m.Demo = true
		m.Config.Database.URL = "sqlite:" + demoDB
	}
	return m, nil
}

func hasEnv(environ []string, name string) bool {
	for _, kv := range environ {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

func isTerminal(f any) bool {
	x, ok := f.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(x.Fd()))
}

func newLogger(c LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open connects the store (running migrations) and builds the engine; in
// demo mode it seeds an empty database.
func (m *Main) Open(ctx context.Context, migrateOnly bool) error {
	if m.Log == nil {
		m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if m.Store == nil { // tests may hand in a store of their own
		store, err := sqlstore.Open(ctx, m.Config.Database.URL, sqlstore.WithLogger(m.Log))
		if err != nil {
			return err
		}
		m.Store = store
	}
	store := m.Store
	qdb, pg := store.QueueDB()
	if n, err := jobqueue.Migrate(ctx, jobqueue.Database{DB: qdb, Postgres: pg}); err != nil {
		return err
	} else if n > 0 {
		m.Log.Info("job queue migrations applied (riverqueue/river)", "count", n)
	}
	if migrateOnly {
		return nil
	}
	m.registry = prometheus.NewRegistry()
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	commands := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sellerdesk_commands_total", Help: "Commands run, by command and outcome (ok or an error code)."}, []string{"command", "outcome"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sellerdesk_command_duration_seconds", Help: "Time to run a command.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}, []string{"command"})
	m.jobMetric = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sellerdesk_jobs_total",
		Help: "Jobs finished (drafts, sweeps, reminders, deliveries), by kind and outcome: completed, failed (retried), snoozed, cancelled."},
		[]string{"kind", "outcome"})
	m.registry.MustRegister(commands, latency, m.jobMetric)
	policy := m.Config.Policy()
	if m.drafter == nil {
		d, err := m.newDrafter(policy)
		if err != nil {
			return err
		}
		m.drafter = d
	}
	m.registerMetrics() // outbox, inbox and drafting series (metrics.go); counts m.drafter's drafts
	m.events, m.local = &notifier{}, &notifier{}
	notify := func(ev core.Event) {
		m.local.publish(ev)
		m.events.publish(ev)
	}
	m.Engine = core.NewEngine(store, core.Options{Policy: &policy, Drafter: m.drafter, Notify: notify,
		DeliveryLease: m.Config.Jobs.DeliveryLease.Duration, DigestWindow: m.Config.Alerts.DigestWindow.Duration,
		AmazonConnected: m.Config.SPAPI.Enabled(),
		Observe: func(cmd string, code core.Code, d time.Duration) {
			outcome := "ok"
			if code != "" {
				outcome = string(code)
			}
			commands.WithLabelValues(cmd, outcome).Inc()
			latency.WithLabelValues(cmd).Observe(d.Seconds())
		}})
	if err := m.openHelpPage(); err != nil {
		return err
	}
	if err := m.openSlack(); err != nil {
		return err
	}
	if err := m.openDiscord(); err != nil {
		return err
	}
	m.openMailSource(ctx)
	if err := m.openMailSink(); err != nil {
		return err
	}
	if err := m.openAmazonSink(ctx); err != nil {
		return err
	}
	if m.Demo {
		return m.seedDemo(ctx)
	}
	return nil
}

// openSlack connects the Slack app when it is configured: its endpoints,
// and a sink for the outbox.
func (m *Main) openSlack() error {
	s := m.Config.Slack
	if s.BotToken == "" {
		return nil
	}
	app, err := slackapp.New(slackapp.Config{BotToken: s.BotToken, AppToken: s.AppToken, SigningSecret: s.SigningSecret,
		SupportChannel: s.SupportChannel, AlertsChannel: s.AlertsChannel, APIURL: s.APIURL,
		Roles: m.Config.Roles, Engine: m.Engine, Log: m.Log})
	if err != nil {
		return err
	}
	m.slack = app
	m.sinks = append(m.sinks, app)
	return nil
}

// openDiscord connects the Discord bot when it is configured: the
// interactions endpoint, and a sink for the outbox. The gateway opens in Run.
func (m *Main) openDiscord() error {
	d := m.Config.Discord
	if d.BotToken == "" {
		return nil
	}
	app, err := discordapp.New(discordapp.Config{BotToken: d.BotToken, ApplicationID: d.ApplicationID, PublicKey: d.PublicKey,
		GuildID: d.GuildID, StaffChannel: d.StaffChannel, HelpChannel: d.HelpChannel, APIURL: d.APIURL,
		Roles: m.Config.Roles, Engine: m.Engine, Log: m.Log})
	if err != nil {
		return err
	}
	m.discord = app
	m.sinks = append(m.sinks, app)
	return nil
}

// openHelpPage builds the buyer help page and subscribes it to replies.
func (m *Main) openHelpPage() error {
	secret := []byte(m.Config.Web.SessionSecret)
	if len(secret) == 0 {
		secret = make([]byte, 32)
		_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms
		if !m.Demo {
			m.Log.Warn("web.session_secret is not set: buyers are signed out of the help page when sellerdesk restarts")
		}
	}
	proxies, err := m.Config.HTTP.Proxies() // checked by LoadConfig
	if err != nil {
		return err
	}
	h, err := web.New(web.Config{Engine: m.Engine, ShopName: m.Config.Shop.Name, SessionSecret: secret, Log: m.Log,
		SecureCookies: m.Config.Web.SecureCookies, TrustedProxies: proxies})
	if err != nil {
		return err
	}
	m.help = h
	m.events.subscribe(h.Publish)
	return nil
}

func (m *Main) seedDemo(ctx context.Context) error {
	res, err := m.Engine.RunLine(ctx, core.Actor{ID: "console:demo", Role: core.Owner, Source: "console"}, "orders limit 1", false)
	if err != nil {
		return err
	}
	if len(res.Orders) > 0 {
		return nil // seeded on an earlier run
	}
	info, err := SeedDemo(ctx, m.Engine)
	if err != nil {
		return err
	}
	m.demoInfo = &info
	return nil
}

// Close releases the store.
func (m *Main) Close() error {
	m.closeMail()
	m.closeAmazon()
	if m.Store == nil {
		return nil
	}
	return m.Store.Close()
}

// consoleActor is the person at this terminal. Locally the operator is
// trusted with the role they ask for; chat adapters resolve roles from config.
func consoleActor(role core.Role) core.Actor {
	name := "operator"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return core.Actor{ID: "console:" + name, Name: name, Role: role, Source: "console"}
}

func (m *Main) newConsole(role core.Role) *console.Console {
	return &console.Console{
		Engine: m.Engine, Actor: consoleActor(role), In: m.Stdin, Out: m.Stdout, Log: m.Log,
		Render: console.Renderer{Policy: m.Engine.Policy(), Now: m.Engine.Now},
	}
}

func (m *Main) runConsole(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per command")
	as := fs.String("as", "owner", "role: owner, agent or viewer")
	dry := fs.Bool("dry-run", false, "preview changing commands without doing them")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	role, ok := core.ParseRole(*as)
	if !ok {
		fmt.Fprintf(m.Stderr, "--as %q is not a role; use owner, agent or viewer.\n", *as)
		return 2
	}
	c := m.newConsole(role)
	c.JSON, c.DryRun = *asJSON, *dry
	c.Interactive = m.Interactive && !*asJSON
	if c.Interactive {
		c.HistoryFile = console.DefaultHistoryFile()
		m.banner("")
	}
	failed, err := c.Run(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(m.Stderr, "sellerdesk:", err)
		return 1
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// banner tells a demo user what they are looking at and what to try.
// addr is where the help page is served ("" when it is not).
func (m *Main) banner(addr string) {
	if !m.Demo {
		return
	}
	w := m.Stdout
	fmt.Fprintf(w, "\n*** DEMO MODE *** sellerdesk is running on %s with made-up orders.\n", demoDB)
	fmt.Fprintln(w, "    Delete that file to start the demo afresh; create config.yaml (see config.example.yaml) for a real shop.")
	var info DemoInfo
	if m.demoInfo != nil {
		info = *m.demoInfo
	}
	fmt.Fprintf(w, "    Staff, try here:  %s\n", strings.Join(info.StaffTries(), "    "))
	if addr != "" {
		fmt.Fprintf(w, "    Buyers write at   http://%s/\n", addr)
		if order, email := m.demoBuyer(); order != "" {
			fmt.Fprintf(w, "                      verify with order %s and email %s\n", order, email)
		}
		fmt.Fprintln(w, "                      then see it here with: inbox, show <id>, reply <id>")
	}
	fmt.Fprintln(w)
}

// demoBuyer finds a demo order a buyer can verify with: from this run's
// seed, or any shipped demo order on later runs.
func (m *Main) demoBuyer() (orderID, email string) {
	if m.demoInfo != nil && m.demoInfo.BuyerOrderID != "" {
		return m.demoInfo.BuyerOrderID, m.demoInfo.BuyerEmail
	}
	res, err := m.Engine.RunLine(context.Background(), consoleActor(core.Owner), "orders shipped limit 1", false)
	if err != nil || len(res.Orders) == 0 {
		return "", ""
	}
	return res.Orders[0].ID, res.Orders[0].Buyer.Email
}

// Run serves HTTP (health and metrics), applies the timed order rules on a
// schedule, and in demo mode on a terminal opens the console in the same
// process. It returns when ctx ends or the demo console is closed.
func (m *Main) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ln, err := net.Listen("tcp", m.Config.HTTP.Addr)
	if err != nil {
		return core.Errorf(core.Unavailable, "Can't listen on %s (http.addr): %v. Is another sellerdesk running? Set SELLERDESK_HTTP_ADDR to another port.", m.Config.HTTP.Addr, err)
	}
	srv := m.httpServer(m.Handler())
	if m.help != nil {
		srv.RegisterOnShutdown(m.help.Close) // ends the help page's live streams
	}
	servers := []*http.Server{srv}
	listeners := []net.Listener{ln}
	if a := m.Config.HTTP.MetricsAddr; a != "" && a != m.Config.HTTP.Addr {
		mln, err := net.Listen("tcp", a)
		if err != nil {
			_ = ln.Close()
			return core.Errorf(core.Unavailable, "Can't listen on %s (http.metrics_addr): %v. Set SELLERDESK_HTTP_METRICS_ADDR to another port, or empty for no metrics.", a, err)
		}
		servers, listeners = append(servers, m.httpServer(m.MetricsHandler())), append(listeners, mln)
		m.Log.Info("serving metrics", "addr", mln.Addr().String())
	}
	m.Log.Info("serving", "addr", ln.Addr().String(), "demo", m.Demo)
	var wg sync.WaitGroup
	errc := make(chan error, len(servers))
	for i, srv := range servers {
		wg.Go(func() {
			if err := srv.Serve(listeners[i]); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
				cancel()
			}
		})
	}
	closeAll := func() {
		for _, srv := range servers {
			_ = srv.Close()
		}
	}
	jobs, err := m.startJobs(ctx)
	if err != nil {
		cancel()
		closeAll()
		wg.Wait()
		return err
	}
	// Other replicas' outbox messages (PostgreSQL LISTEN/NOTIFY; on SQLite
	// Listen returns at once), for the help page's live updates. This
	// process's own come back this way too; Publish doesn't mind twice. The
	// job queue hears only this process's own (m.local).
	wg.Go(func() {
		if err := m.Store.Listen(ctx, m.events.publish); err != nil {
			m.Log.Error("outbox notifications stopped; replicas fall back to polling", "err", err)
		}
	})
	if m.slack != nil {
		if err := m.slack.Check(ctx); err != nil {
			m.Log.Warn("slack: the bot token does not work yet", "err", err)
		}
		if m.Config.Slack.AppToken != "" {
			wg.Go(func() {
				if err := m.slack.RunSocketMode(ctx); err != nil && ctx.Err() == nil {
					m.Log.Error("slack socket mode stopped", "err", err)
				}
			})
		}
		defer m.slack.Close() // after wg.Wait: answers still being posted finish
	}
	if m.discord != nil {
		if err := m.discord.RegisterCommands(ctx); err != nil {
			m.Log.Warn("discord: /desk could not be registered", "err", err)
		}
		// The gateway brings buyer messages (and interactions when there is
		// no public endpoint).
		if err := m.discord.Open(ctx); err != nil {
			m.Log.Warn("discord: the gateway did not open", "err", err)
		} else {
			defer m.discord.Close()
		}
	}
	if m.Demo && m.Interactive {
		wg.Go(func() {
			defer cancel() // closing the demo console stops the demo
			c := m.newConsole(core.Owner)
			c.Interactive, c.HistoryFile = true, console.DefaultHistoryFile()
			m.banner(ln.Addr().String())
			_, _ = c.Run(ctx)
		})
	} else if m.Demo {
		m.banner(ln.Addr().String())
		fmt.Fprintln(m.Stdout, "Work the orders and the inbox from another terminal with: go run ./bot console")
	}
	<-ctx.Done()
	// Drain: stop taking requests and let those under way answer, then
	// let running jobs finish (a delivery records what it posted).
	// One grace for both.
	shutdown, done := context.WithTimeout(context.Background(), m.Config.Jobs.ShutdownGrace.Duration)
	defer done()
	for _, srv := range servers {
		_ = srv.Shutdown(shutdown)
	}
	if err := jobs.Stop(shutdown); err != nil {
		m.Log.Warn("jobs stopped before they finished; they run again at next start", "err", err)
	}
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// httpServer serves h with the configured timeouts. A slow body or an
// idle connection is cut off; the help page's live streams set deadlines
// of their own.
func (m *Main) httpServer(h http.Handler) *http.Server {
	c := m.Config.HTTP
	return &http.Server{Handler: h, ReadHeaderTimeout: min(10*time.Second, c.ReadTimeout.Duration),
		ReadTimeout: c.ReadTimeout.Duration, WriteTimeout: c.WriteTimeout.Duration, IdleTimeout: c.IdleTimeout.Duration}
}

// MetricsHandler serves /metrics (Prometheus) for http.metrics_addr.
func (m *Main) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	return mux
}

// Handler serves /healthz and the configured endpoints, each request with
// an id (X-Request-Id); /metrics only when http.metrics_addr is http.addr.
func (m *Main) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := m.Engine.Ping(ctx); err != nil {
			// One line per outage minute, not one per probe.
			if now := time.Now(); now.Sub(time.Unix(0, m.healthLogged.Load())) > time.Minute {
				m.healthLogged.Store(now.UnixNano())
				m.Log.Warn("health check", "err", err)
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
		fmt.Fprintln(w, "ok")
		if line := m.mailHealth(); line != "" {
			fmt.Fprintln(w, line) // still 200: mail down leaves every other channel serving
		}
		if line := m.amazonHealth(); line != "" {
			fmt.Fprintln(w, line) // still 200, as for mail
		}
	})
	if m.Config.HTTP.MetricsAddr == m.Config.HTTP.Addr {
		mux.Handle("GET /metrics", m.MetricsHandler())
	}
	if m.help != nil {
		mux.Handle("/", m.help.Handler())
	}
	if m.slack != nil && m.Config.Slack.SigningSecret != "" {
		mux.Handle("/slack/", m.slack.Handler())
	}
	if m.discord != nil && m.Config.Discord.PublicKey != "" {
		mux.Handle("/discord/interactions", m.discord.Handler())
	}
	return m.logRequests(mux) // request ids and debug logs (metrics.go)
}
