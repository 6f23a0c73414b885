//go:build faults

// Fault tests (issue 7, item 3): real `bot serve` processes, two replicas
// on one schema of the machine's PostgreSQL, with the database restarted
// under them, a replica killed in the middle of a delivery (to Slack, and
// to Discord), and one drained with SIGTERM while it delivers. They
// restart the PostgreSQL cluster, so they are kept out of the ordinary
// `go test ./...` by the build tag; run them with scripts/faults.sh (as
// root, TEST_DATABASE_URL set).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/sellerdesk/sellerdesk/adapters/amazon"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
	"github.com/sellerdesk/sellerdesk/core/enginetest"
)

// faultPassword is put in the URL the bot gets (trust auth ignores it), so
// the tests can check it never reaches an answer, an error or a log line;
// the same goes for the other secrets the replicas get.
const (
	faultPassword      = "faultsPw-91c2e7d4"
	faultTokenPrefix   = "xoxb-faults-test-token-" // + a, b, …: one Slack bot token per replica
	faultSigningSecret = "faults0signing0secret0abcdef0123456789"
	faultSessionSecret = "faults0session0secret0abcdef0123456789"
	faultStaff         = "U0STAFF" // the Slack user running slash commands, an owner
	// One Discord bot for every replica: Discord's nonce check is per bot.
	faultDiscordToken   = "faults0discord0token.GhX2tw.Zm9vYmFyYmF6cXV4"
	faultDiscordApp     = "1000000000000000123"
	faultDiscordChannel = "1200000000000000456" // the staff channel
)

// faultDB is one test's schema: url (with password and search_path) is
// what the bot gets, admin is a connection of the test's own.
type faultDB struct {
	url    string
	schema string
	admin  *sql.DB
}

func newFaultDB(t *testing.T) faultDB {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_DATABASE_URL is not set: CI must run the fault tests")
		}
		t.Skip("fault tests skipped: set TEST_DATABASE_URL")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal("TEST_DATABASE_URL is not a URL")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "faults_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + pq.QuoteIdentifier(schema)); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		// PostgreSQL may still be coming back if the test failed mid-outage.
		var err error
		for range 30 {
			if _, err = admin.Exec("DROP SCHEMA " + pq.QuoteIdentifier(schema) + " CASCADE"); err == nil {
				return
			}
			time.Sleep(time.Second)
		}
		t.Errorf("drop schema %s: %v", schema, err)
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	u.User = url.UserPassword(u.User.Username(), faultPassword)
	return faultDB{url: u.String(), schema: schema, admin: admin}
}

// inSchema names the test's schema for $schema in q.
func (d faultDB) inSchema(q string) string {
	return strings.ReplaceAll(q, "$schema", pq.QuoteIdentifier(d.schema))
}

// exec runs SQL in the test's schema.
func (d faultDB) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := d.admin.Exec(d.inSchema(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// count runs a query of one number (NULL is 0) in the test's schema.
func (d faultDB) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := d.admin.QueryRow(d.inSchema(q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n.Int64
}

// sinkState reads where a sink stands: the last outbox message it has had,
// and the end of its lease or the time of its retry.
func (d faultDB) sinkState(t *testing.T, sink string) (afterID int64, next sql.NullTime, found bool) {
	t.Helper()
	err := d.admin.QueryRow(d.inSchema(`SELECT after_id, next_attempt FROM $schema.sink_state WHERE sink = $1`), sink).Scan(&afterID, &next)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, next, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return afterID, next, true
}

// awaitSink waits for a replica's job queue to register the sink. Its row
// starts after the newest outbox message: one written before would be
// skipped.
func (d faultDB) awaitSink(t *testing.T, sink string) {
	t.Helper()
	if !await(20*time.Second, func() bool { _, _, ok := d.sinkState(t, sink); return ok }) {
		t.Fatalf("no replica registered the %s sink in 20 s", sink)
	}
}

// awaitDelivered waits until sink has had every outbox message written so
// far, failing as soon as one of procs (replicas expected to keep running)
// exits.
func (d faultDB) awaitDelivered(t *testing.T, sink string, within time.Duration, procs ...*botProc) {
	t.Helper()
	want := d.count(t, `SELECT max(id) FROM $schema.outbox`)
	if !await(within, func() bool {
		for _, p := range procs {
			if !p.alive() {
				t.Fatalf("replica %s exited: %v", p.addr, p.err)
			}
		}
		after, _, _ := d.sinkState(t, sink)
		return after >= want
	}) {
		after, _, _ := d.sinkState(t, sink)
		t.Fatalf("%s has had the outbox up to message %d, not to %d, after %v", sink, after, want, within)
	}
}

// engine is an engine of the test's own on the schema (a buyer writing in,
// staff reading), drafting with the offline drafter when asked to.
func (d faultDB) engine(t *testing.T) *core.Engine {
	t.Helper()
	store, err := sqlstore.Open(context.Background(), d.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return core.NewEngine(store, core.Options{Drafter: drafter.Offline{D: drafter.New(drafter.Shop{Name: "Our shop"})}})
}

// buyersWriteIn has n buyers (keys key-0, key-1, …) write in on the web
// channel through engine, each message drafted, and returns their
// conversations.
func buyersWriteIn(t *testing.T, engine *core.Engine, key string, n int) (convs []string) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		c, err := engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: fmt.Sprintf("%s-%d", key, i), Text: "Where is my parcel?"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := engine.Draft(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		convs = append(convs, c.ID)
	}
	return convs
}

// await polls cond until it holds (true) or within has passed (false).
func await(within time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(within); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

var (
	botBinOnce sync.Once
	botBin     string
	botBinErr  error
)

// buildBot builds this package's binary once per test run.
func buildBot(t *testing.T) string {
	t.Helper()
	botBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sellerdesk-faults-")
		if err != nil {
			botBinErr = err
			return
		}
		botBin = filepath.Join(dir, "bot")
		out, err := exec.Command("go", "build", "-o", botBin, ".").CombinedOutput()
		if err != nil {
			botBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if botBinErr != nil {
		t.Fatal(botBinErr)
	}
	return botBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if botBin != "" {
		os.RemoveAll(filepath.Dir(botBin))
	}
	os.Exit(code)
}

// botEnv is the process environment without any SELLERDESK_ setting of the
// caller's, plus extra.
func botEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SELLERDESK_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// botProc is a running `bot serve`.
type botProc struct {
	cmd    *exec.Cmd
	addr   string
	token  string // replicas: what the fake chat platform knows it by (its Slack bot token, its Discord API path)
	stderr *enginetest.LogBuffer
	done   chan struct{} // closed when the process has exited
	err    error
	exited time.Time

	metricsAddr string // replicas: http.metrics_addr (replicas on one host each need their own)
}

func startServe(t *testing.T, bin, dir, addr string, env []string) *botProc {
	t.Helper()
	p := &botProc{addr: addr, stderr: &enginetest.LogBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Dir, p.cmd.Env = dir, env
	p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); p.exited = time.Now(); close(p.done) }()
	t.Cleanup(func() {
		if p.alive() {
			p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(15 * time.Second):
				p.cmd.Process.Kill()
				<-p.done
			}
		}
		if t.Failed() || testing.Verbose() {
			t.Logf("bot serve (pid %d) log:\n%s", p.cmd.Process.Pid, squeezeLog(p.stderr.String()))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if !p.alive() {
			t.Fatalf("bot serve exited at start: %v\n%s", p.err, p.stderr.String())
		}
		if code, _, err := getHealth(context.Background(), addr); err == nil && code == http.StatusOK {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("bot serve not healthy after 30 s:\n%s", p.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// squeezeLog keeps the first of each run of identical log messages (the
// health check's warning, fifty times a second during an outage) and
// counts the rest.
func squeezeLog(log string) string {
	var out []string
	prev, repeats := "", 0
	flush := func() {
		if repeats > 0 {
			out = append(out, fmt.Sprintf("    … and %d more like it", repeats))
		}
		repeats = 0
	}
	for _, line := range strings.Split(strings.TrimRight(log, "\n"), "\n") {
		key := line
		if i := strings.Index(line, " level="); i >= 0 {
			key = line[i:] // without the time
		}
		if key == prev {
			repeats++
			continue
		}
		flush()
		out = append(out, line)
		prev = key
	}
	flush()
	return strings.Join(out, "\n")
}

func (p *botProc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

var healthClient = &http.Client{Timeout: 10 * time.Second}

func getHealth(ctx context.Context, addr string) (int, string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	resp, err := healthClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body)), nil
}

// runBot runs a one-shot bot command and returns its exit code and output.
func execBot(t *testing.T, bin, dir string, env []string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("bot %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}

// consoleReply is one line of `bot console --json`.
type consoleReply struct {
	OK     bool `json:"ok"`
	Result struct {
		Orders []struct {
			ID string `json:"order_id"`
		} `json:"orders"`
	} `json:"result"`
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	raw string
}

// liveConsole is one `bot console --json` kept open across the outage: its
// store connection pool lives through the restart, like the server's.
type liveConsole struct {
	stdin io.WriteCloser
	lines chan string
	cmd   *exec.Cmd
}

func startConsole(t *testing.T, bin, dir string, env []string) *liveConsole {
	t.Helper()
	cmd := exec.Command(bin, "console", "--json")
	cmd.Dir, cmd.Env = dir, env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &enginetest.LogBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &liveConsole{stdin: stdin, lines: make(chan string, 16), cmd: cmd}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if s := stderr.String(); s != "" {
			t.Logf("bot console stderr:\n%s", s)
		}
	})
	return c
}

// do runs one line; the reply must come within 10 s (no hanging).
func (c *liveConsole) do(t *testing.T, line string) (consoleReply, time.Duration) {
	t.Helper()
	start := time.Now()
	if _, err := io.WriteString(c.stdin, line+"\n"); err != nil {
		t.Fatalf("console stdin: %v", err)
	}
	select {
	case l, ok := <-c.lines:
		if !ok {
			t.Fatal("bot console exited")
		}
		var r consoleReply
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("console printed %q, not JSON", l)
		}
		r.raw = l
		return r, time.Since(start)
	case <-time.After(10 * time.Second):
		t.Fatalf("console: no answer to %q in 10 s", line)
	}
	panic("unreachable")
}

// pgCluster returns the version of the machine's cluster ("15"), skipping
// (failing under CI) when the test can't restart it.
func pgCluster(t *testing.T) string {
	t.Helper()
	skip := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	if os.Geteuid() != 0 {
		skip("restarting PostgreSQL needs root (pg_ctlcluster)")
	}
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
		skip("pg_ctlcluster not found")
	}
	ents, err := os.ReadDir("/etc/postgresql")
	if err != nil || len(ents) == 0 {
		skip("no cluster in /etc/postgresql")
	}
	return ents[0].Name()
}

func pgctl(t *testing.T, version, action string) {
	t.Helper()
	out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctlcluster %s: %v\n%s", action, err, out)
	}
}

func pgReady() bool {
	return exec.Command("pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q").Run() == nil
}

// replicas are the `bot serve` processes of a test: one schema, one fake
// chat platform, one web session secret. Replica i has an address and a
// name the fake tells it apart by (see chatFake), kept when it is started
// again.
type replicas struct {
	t        *testing.T
	bin, dir string
	env      []string   // every replica's settings; also the console's and import's
	chat     chatFake   // the platform the replicas post to
	procs    []*botProc // replica i, as last started
	all      []*botProc // every process started, for the log checks
}

// chatFake is a fake chat platform (fakeSlack, fakeDiscord) as the replica
// set and the kill test see it.
type chatFake interface {
	// replicaEnv is replica i's settings for the platform, and the name
	// the fake knows the replica by.
	replicaEnv(i int) (name string, env []string)
	// started says the replica named has set itself up with the platform
	// (Slack's auth.test, Discord's command registration).
	started(name string) bool
	// heldBy names the replica whose post is held (holdFirst), "" if none.
	heldBy() string
	arrived() <-chan struct{} // closed when the post to hold has arrived
}

// newReplicas sets up the replicas of a test; settings (SELLERDESK_…=…)
// come after the defaults, so they may override them.
func newReplicas(t *testing.T, db faultDB, chat chatFake, settings ...string) *replicas {
	t.Helper()
	env := botEnv(append([]string{"SELLERDESK_DATABASE_URL=" + db.url, "SELLERDESK_LOG_LEVEL=debug",
		"SELLERDESK_WEB_SESSION_SECRET=" + faultSessionSecret, "SELLERDESK_ROLES_OWNERS=slack:" + faultStaff}, settings...)...)
	return &replicas{t: t, bin: buildBot(t), dir: t.TempDir(), env: env, chat: chat}
}

// start starts replica i: a new one (i == len(procs)), or one that has
// exited, again.
func (r *replicas) start(i int) *botProc {
	r.t.Helper()
	if i == len(r.procs) {
		r.procs = append(r.procs, &botProc{addr: unusedAddr(r.t), metricsAddr: unusedAddr(r.t)})
	}
	addr, metrics := r.procs[i].addr, r.procs[i].metricsAddr
	token, chatEnv := r.chat.replicaEnv(i)
	p := startServe(r.t, r.bin, r.dir, addr, slices.Concat(r.env, chatEnv, []string{"SELLERDESK_HTTP_ADDR=" + addr, "SELLERDESK_HTTP_METRICS_ADDR=" + metrics}))
	p.token, p.metricsAddr = token, metrics
	r.procs[i] = p
	r.all = append(r.all, p)
	return p
}

// sampleOrder is an order of the sample report, and what proves a buyer's.
type sampleOrder struct{ id, email string }

// importOrders imports a sample order report (lines lines, from seed) with
// `bot import` and returns its orders in report order. The orders are from
// 2024: the first sweep cancels them (the 30-day rule), with an alert each.
func (r *replicas) importOrders(lines int, seed int64) []sampleOrder {
	t := r.t
	t.Helper()
	var report bytes.Buffer
	if err := amazon.WriteSampleReport(&report, lines, seed); err != nil {
		t.Fatal(err)
	}
	file := fmt.Sprintf("orders-%d.txt", seed)
	if err := os.WriteFile(filepath.Join(r.dir, file), report.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := execBot(t, r.bin, r.dir, r.env, "", "import", "orders", file); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	rows := strings.Split(strings.TrimSpace(report.String()), "\n")
	head := strings.Split(rows[0], "\t")
	idCol, emailCol := slices.Index(head, "order-id"), slices.Index(head, "buyer-email")
	var orders []sampleOrder
	for _, row := range rows[1:] { // an order's items are on consecutive lines
		f := strings.Split(row, "\t")
		if len(orders) == 0 || orders[len(orders)-1].id != f[idCol] {
			orders = append(orders, sampleOrder{id: f[idCol], email: f[emailCol]})
		}
	}
	return orders
}

// checkNoSecrets fails the test if a secret reached a replica's log or one
// of texts (answers, errors).
func checkNoSecrets(t *testing.T, procs []*botProc, texts ...string) {
	t.Helper()
	for _, p := range procs {
		texts = append(texts, p.stderr.String())
	}
	for _, s := range texts {
		for _, secret := range []string{faultPassword, faultTokenPrefix, faultSigningSecret, faultSessionSecret, faultDiscordToken} {
			if i := strings.Index(s, secret); i >= 0 {
				t.Errorf("a secret leaked: …%s…", s[max(0, i-200):min(len(s), i+len(secret)+50)])
			}
		}
	}
}

// jobsCompleted sums sellerdesk_jobs_total{kind,outcome="completed"} over
// the replicas' /metrics; one that does not answer counts 0.
func jobsCompleted(kind string, procs ...*botProc) float64 {
	prefix := `sellerdesk_jobs_total{kind="` + kind + `",outcome="completed"} `
	var sum float64
	for _, p := range procs {
		res, err := healthClient.Get("http://" + p.metricsAddr + "/metrics")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, prefix); ok {
				n, _ := strconv.ParseFloat(v, 64)
				sum += n
			}
		}
	}
	return sum
}

// webBuyer is a buyer signed in on the help page. The session is good on
// every replica: they share web.session_secret, and cookies don't tell
// ports apart.
type webBuyer struct {
	c    *http.Client
	csrf string // the session's
}

func newWebBuyer(t *testing.T, addr string, o sampleOrder) *webBuyer {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &webBuyer{c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	res, err := b.c.PostForm("http://"+addr+"/verify", url.Values{"csrf": {b.token(t, addr)}, "order_id": {o.id}, "secret": {o.email}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify as the buyer of %s: status %d", o.id, res.StatusCode)
	}
	b.csrf = b.token(t, addr)
	return b
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token reads the CSRF token off the help page.
func (b *webBuyer) token(t *testing.T, addr string) string {
	t.Helper()
	res, err := b.c.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on the help page (status %d)", res.StatusCode)
	}
	return html.UnescapeString(string(m[1]))
}

// form is the body of a message with text.
func (b *webBuyer) form(text string) string {
	return url.Values{"csrf": {b.csrf}, "text": {text}}.Encode()
}

// sentMessage is the help page's answer to a buyer message.
type sentMessage struct {
	status int
	body   string
	conv   string // accepted (201): the conversation and the message's id
	id     int64
}

// send posts a buyer message to the help page on addr, as the page's
// script does. The form (see form) is read from body, which a test may hold
// back to keep the request under way.
func (b *webBuyer) send(addr string, body io.Reader) (sentMessage, error) {
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/messages", body)
	if err != nil {
		return sentMessage{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := b.c.Do(req)
	if err != nil {
		return sentMessage{}, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	m := sentMessage{status: res.StatusCode, body: string(raw)}
	if m.status == http.StatusCreated {
		var v struct {
			Message struct {
				ID   int64  `json:"id"`
				Conv string `json:"conversation_id"`
			} `json:"message"`
		}
		if err := json.Unmarshal(raw, &v); err != nil || v.Message.Conv == "" {
			return m, fmt.Errorf("accepted, but the answer %q names no message", raw)
		}
		m.conv, m.id = v.Message.Conv, v.Message.ID
	}
	return m, nil
}

// healthSample is one /healthz answer of the load generator.
type healthSample struct {
	at      time.Time
	replica int
	took    time.Duration
	code    int
	body    string
	errText string
}

// buyerSample is one buyer message of the load generator.
type buyerSample struct {
	at      time.Time
	replica int
	sentMessage
	errText string
}

// TestFaultPostgresRestart restarts PostgreSQL under two replicas of `bot
// serve` on one schema (and a console kept open) while /healthz and buyer
// messages on the help page load both. During the outage every answer is a
// clear, fast "unavailable" (503 on the web, the database named on Slack
// and the console), free of credentials; afterwards the same processes
// work again, and the work queued around the outage is done once: every
// accepted buyer message gets its draft, every outbox message reaches
// Slack once and in order, and the periodic jobs run again.
//
// The restart is a stop, a hold of outageHold, then a start: the same as
// pg_ctlcluster restart, with an outage long enough to observe.
func TestFaultPostgresRestart(t *testing.T) {
	const outageHold = 4 * time.Second
	version := pgCluster(t)
	db := newFaultDB(t)
	// A Slack a little slow (40 ms a call) under a message every 100 ms:
	// a round of delivery is under way when PostgreSQL stops.
	slack := newFakeSlack(t, 40*time.Millisecond, false)
	// Short cadences: the periodic jobs must be seen running again after the outage.
	// Each load buyer writes twice a second, more than the limit per
	// conversation lets a person: lifted here, the load is the point.
	set := newReplicas(t, db, slack, "SELLERDESK_LOG_LEVEL=info", "SELLERDESK_ORDERS_SWEEP_INTERVAL=1s",
		"SELLERDESK_JOBS_REMINDER_INTERVAL=1s", "SELLERDESK_JOBS_OUTBOX_CHECK=1s", "SELLERDESK_JOBS_DELIVERY_LEASE=5s",
		"SELLERDESK_MESSAGES_BUYER_MESSAGE_LIMIT=1000",
		// Alerts posted one by one, so an outage catches a burst mid-way.
		"SELLERDESK_ALERTS_DIGEST_WINDOW=0s")
	// Whatever happens, leave PostgreSQL running for whoever comes next.
	t.Cleanup(func() {
		if !pgReady() {
			exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start").Run()
		}
	})

	orders := set.importOrders(50, 7)
	reps := []*botProc{set.start(0), set.start(1)}
	pids := []int{reps[0].cmd.Process.Pid, reps[1].cmd.Process.Pid}
	db.awaitSink(t, "slack")
	ctx := context.Background()
	engine := db.engine(t)

	live := startConsole(t, set.bin, set.dir, set.env)
	lookup := "order " + orders[0].id
	if r, _ := live.do(t, lookup); !r.OK {
		t.Fatalf("console before the outage: %s", r.raw)
	}
	if code, out, errOut := execBot(t, set.bin, set.dir, set.env, lookup+"\n", "console", "--json"); code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Fatalf("one-shot console before the outage: exit %d\n%s%s", code, out, errOut)
	}
	for i, p := range reps {
		if ans, err := slack.command(p.addr, lookup); err != nil || !strings.Contains(ans, orders[0].id) {
			t.Fatalf("replica %d: /desk %s before the outage: %q, %v", i, lookup, ans, err)
		}
	}
	// An odd number of buyers, so each one's messages alternate between the replicas.
	const nBuyers = 5
	buyers := make([]*webBuyer, nBuyers)
	for i := range buyers {
		buyers[i] = newWebBuyer(t, reps[i%2].addr, orders[1+i])
	}

	// Load on both replicas: /healthz at about 50 requests a second, and a
	// buyer message every 100 ms.
	var (
		mu      sync.Mutex
		samples []healthSample
		sent    []buyerSample
	)
	loadCtx, stopLoad := context.WithCancel(context.Background())
	var load sync.WaitGroup
	load.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		sem := make(chan struct{}, 64)
		var inner sync.WaitGroup
		defer inner.Wait()
		for n := 0; ; n++ {
			select {
			case <-loadCtx.Done():
				return
			case <-tick.C:
			}
			select {
			case sem <- struct{}{}:
			default:
				continue // 64 in flight: the servers are hanging; the samples will show it
			}
			inner.Go(func() {
				defer func() { <-sem }()
				start := time.Now()
				code, body, err := getHealth(context.Background(), reps[n%2].addr)
				s := healthSample{at: start, replica: n % 2, took: time.Since(start), code: code, body: body}
				if err != nil {
					s.errText = err.Error()
				}
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
			})
		}
	})
	load.Go(func() {
		for n := 0; ; n++ {
			select {
			case <-loadCtx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			b := buyers[n%nBuyers]
			s := buyerSample{at: time.Now(), replica: n % 2}
			var err error
			s.sentMessage, err = b.send(reps[n%2].addr, strings.NewReader(b.form(fmt.Sprintf("Where is my parcel? (message %d)", n))))
			if err != nil {
				s.errText = err.Error()
			}
			mu.Lock()
			sent = append(sent, s)
			mu.Unlock()
		}
	})
	defer func() { stopLoad(); load.Wait() }()
	time.Sleep(2 * time.Second)
	// A burst of alerts (more old orders, cancelled by a sweep in the test
	// process): when PostgreSQL stops, a round of delivery is under way
	// with messages still to post, and posting an alert needs no database.
	burstFrom := db.count(t, `SELECT max(id) FROM $schema.outbox`)
	set.importOrders(40, 8)
	// sellerdesk never cancels orders it first saw already past the 30-day
	// limit (an old report): these are made orders it knew when they were
	// new, which the sweep then must cancel.
	if _, err := db.admin.Exec(db.inSchema(`UPDATE $schema.orders SET created_at = purchase_date WHERE id NOT IN (SELECT id FROM $schema.orders WHERE status = 'canceled')`)); err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Sweep(ctx); err != nil { // or a replica's sweep did it first
		t.Fatal(err)
	}
	burst := db.count(t, `SELECT count(*) FROM $schema.outbox WHERE id > $1 AND kind = $2`, burstFrom, core.EventAutoCanceled)
	third := db.count(t, `SELECT id FROM $schema.outbox WHERE id > $1 AND kind = $2 ORDER BY id OFFSET 2 LIMIT 1`, burstFrom, core.EventAutoCanceled)
	if burst < 10 {
		t.Fatalf("the second import's orders made %d auto-cancel alerts, want 10 or more", burst)
	}
	if !await(20*time.Second, func() bool { after, _, _ := db.sinkState(t, "slack"); return after >= third }) {
		t.Fatal("the burst of alerts is not being delivered")
	}
	t.Logf("a burst of %d alerts; PostgreSQL stops as the third is posted (outbox message %d)", burst, third)

	// The outage.
	tStop := time.Now()
	pgctl(t, version, "stop")
	tDown := time.Now()
	t.Logf("PostgreSQL stopped in %v", tDown.Sub(tStop).Round(time.Millisecond))
	time.Sleep(500 * time.Millisecond)

	var seen []string // every answer and error shown, checked for credentials
	r, took := live.do(t, lookup)
	seen = append(seen, r.raw)
	if r.OK {
		t.Errorf("console during the outage answered ok: %s", r.raw)
	} else if r.Error.Code != string(core.Unavailable) {
		t.Errorf("FINDING: console error code during the outage is %q, want %q: %s", r.Error.Code, core.Unavailable, r.raw)
	}
	if took > 5*time.Second {
		t.Errorf("console took %v to fail during the outage", took)
	}
	t.Logf("open console during the outage (%v): %s", took.Round(time.Millisecond), r.raw)

	start := time.Now()
	code, out, errOut := execBot(t, set.bin, set.dir, set.env, lookup+"\n", "console", "--json")
	took = time.Since(start)
	t.Logf("one-shot `bot console --json` during the outage (%v): exit %d, stdout %q, stderr %q", took.Round(time.Millisecond), code, out, errOut)
	seen = append(seen, out, errOut)
	if code != 1 {
		t.Errorf("one-shot console during the outage: exit %d, want 1", code)
	}
	if took > 5*time.Second {
		t.Errorf("one-shot console took %v to fail during the outage", took)
	}
	// The store is opened before the console runs, so the failure is the
	// open's: a JSON error on stdout for scripts and a sentence on stderr.
	if !strings.Contains(out, `"code":"unavailable"`) || !strings.Contains(errOut, "The database is unreachable") {
		t.Errorf("one-shot console during the outage gave no clear error: stdout %q stderr %q", out, errOut)
	}
	for i, p := range reps {
		start := time.Now()
		ans, err := slack.command(p.addr, lookup)
		t.Logf("replica %d: /desk %s during the outage (%v): %q, %v", i, lookup, time.Since(start).Round(time.Millisecond), ans, err)
		seen = append(seen, ans)
		if err != nil || !strings.Contains(ans, "The database is unreachable") {
			t.Errorf("replica %d: /desk %s during the outage: %q, %v; want the database named unreachable", i, lookup, ans, err)
		}
	}

	time.Sleep(time.Until(tDown.Add(outageHold)))
	tUp := time.Now() // pg_ctlcluster start returns once the server accepts connections
	pgctl(t, version, "start")
	for !pgReady() && time.Since(tUp) < 30*time.Second {
		time.Sleep(100 * time.Millisecond)
	}
	tReady := time.Now()
	t.Logf("PostgreSQL down for %v (start took %v)", tReady.Sub(tDown).Round(time.Millisecond), tReady.Sub(tUp).Round(time.Millisecond))

	// Recovery, without restarting anything.
	healthBack, slashBack := make([]time.Time, len(reps)), make([]time.Time, len(reps))
	var consoleBack time.Time
	consoleFailsAfter := 0
	recovered := func() bool {
		return !consoleBack.IsZero() && !slices.ContainsFunc(slices.Concat(healthBack, slashBack), time.Time.IsZero)
	}
	for time.Since(tReady) < 30*time.Second && !recovered() {
		for i, p := range reps {
			if healthBack[i].IsZero() {
				if code, _, err := getHealth(context.Background(), p.addr); err == nil && code == http.StatusOK {
					healthBack[i] = time.Now()
				}
			}
			if slashBack[i].IsZero() {
				if ans, err := slack.command(p.addr, lookup); err == nil && strings.Contains(ans, orders[0].id) {
					slashBack[i] = time.Now()
				} else {
					seen = append(seen, ans)
				}
			}
		}
		if consoleBack.IsZero() {
			if r, _ := live.do(t, lookup); r.OK {
				consoleBack = time.Now()
			} else {
				consoleFailsAfter++
				seen = append(seen, r.raw)
				t.Logf("open console, PostgreSQL back: %s", r.raw)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i := range reps {
		if healthBack[i].IsZero() || slashBack[i].IsZero() {
			t.Fatalf("replica %d not working within 30 s of PostgreSQL being back: /healthz 200 at %v, /desk at %v", i, healthBack[i], slashBack[i])
		}
		t.Logf("replica %d: /healthz 200 again %v and /desk %v after PostgreSQL was ready", i,
			healthBack[i].Sub(tReady).Round(time.Millisecond), slashBack[i].Sub(tReady).Round(time.Millisecond))
	}
	if consoleBack.IsZero() {
		t.Fatalf("open console not working within 30 s of PostgreSQL being back")
	}
	t.Logf("open console working again %v after PostgreSQL was ready (%d failed lookups after ready)", consoleBack.Sub(tReady).Round(time.Millisecond), consoleFailsAfter)
	if code, out, errOut := execBot(t, set.bin, set.dir, set.env, lookup+"\n", "console", "--json"); code != 0 {
		t.Errorf("one-shot console after the outage: exit %d\n%s%s", code, out, errOut)
	}
	back := slices.MaxFunc(healthBack, time.Time.Compare)
	// The periodic jobs' count so far: it must grow from here.
	jobsBack := map[string]float64{}
	for _, kind := range []string{"sellerdesk_sweep", "sellerdesk_remind"} {
		jobsBack[kind] = jobsCompleted(kind, reps...)
	}
	if !await(30*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		var ok [2]bool
		for _, s := range sent {
			ok[s.replica] = ok[s.replica] || s.status == http.StatusCreated && s.at.After(back)
		}
		return ok[0] && ok[1]
	}) {
		t.Errorf("the replicas did not both accept a buyer message within 30 s of recovering")
	}
	time.Sleep(time.Second) // a second more of load after recovery
	stopLoad()
	load.Wait()

	for i, p := range reps {
		if !p.alive() || p.cmd.Process.Pid != pids[i] {
			t.Fatalf("replica %d did not survive the outage: %v", i, p.err)
		}
	}

	// What /healthz said, phase by phase, on each replica.
	type tally struct {
		n, ok, unavailable, other int
		maxTook                   time.Duration
		others                    []string
	}
	phase := func(replica int, from, to time.Time) tally {
		var c tally
		for _, s := range samples {
			if s.replica != replica || s.at.Before(from) || !s.at.Before(to) {
				continue
			}
			c.n++
			c.maxTook = max(c.maxTook, s.took)
			switch {
			case s.code == http.StatusOK:
				c.ok++
			case s.code == http.StatusServiceUnavailable && s.body == "database unavailable":
				c.unavailable++
			default:
				c.other++
				if len(c.others) < 5 {
					c.others = append(c.others, fmt.Sprintf("%d %q %s", s.code, s.body, s.errText))
				}
			}
		}
		return c
	}
	for i := range reps {
		before := phase(i, time.Time{}, tStop)
		outage := phase(i, tDown, tUp)
		after := phase(i, healthBack[i], time.Now().Add(time.Hour))
		t.Logf("replica %d /healthz before: %+v", i, before)
		t.Logf("replica %d /healthz stopping (%v): %+v", i, tDown.Sub(tStop).Round(time.Millisecond), phase(i, tStop, tDown))
		t.Logf("replica %d /healthz outage: %+v", i, outage)
		t.Logf("replica %d /healthz starting: %+v", i, phase(i, tUp, tReady))
		t.Logf("replica %d /healthz ready→200: %+v", i, phase(i, tReady, healthBack[i]))
		t.Logf("replica %d /healthz after: %+v", i, after)
		if before.n == 0 || before.ok != before.n {
			t.Errorf("replica %d: /healthz before the outage: %+v", i, before)
		}
		if outage.n < 20 || outage.unavailable != outage.n {
			t.Errorf("replica %d: /healthz during the outage should all be 503 \"database unavailable\": %+v", i, outage)
		}
		if outage.maxTook > 5*time.Second {
			t.Errorf("replica %d: /healthz hung during the outage: slowest %v", i, outage.maxTook)
		}
		if after.n == 0 || after.ok != after.n {
			t.Errorf("replica %d: /healthz after recovery: %+v", i, after)
		}
	}
	for _, s := range samples {
		seen = append(seen, s.body)
	}

	// What the help page said to buyers: accepted, or 503 while the
	// database was away; never anything else.
	last := map[string]int64{} // conversation → its newest accepted buyer message
	var refused [2]int
	for _, s := range sent {
		seen = append(seen, s.body, s.errText)
		switch {
		case s.status == http.StatusCreated:
			last[s.conv] = max(last[s.conv], s.id)
			if !s.at.Before(tDown) && s.at.Before(tUp) {
				t.Errorf("replica %d accepted a buyer message while PostgreSQL was stopped: %s", s.replica, s.body)
			}
		case s.status == http.StatusServiceUnavailable && !s.at.Before(tStop):
			if s.at.Before(tUp) {
				refused[s.replica]++
			}
		default:
			t.Errorf("buyer message to replica %d at %s: status %d %q %s; want 201, or 503 while the database is away",
				s.replica, s.at.Sub(tStop).Round(time.Millisecond), s.status, s.body, s.errText)
		}
	}
	t.Logf("buyer messages: %d sent, %d accepted in %d conversations; refused during the outage: %v", len(sent), len(sent)-refused[0]-refused[1], len(last), refused)
	for i, n := range refused {
		if n == 0 {
			t.Errorf("replica %d refused no buyer message during the outage", i)
		}
	}

	// The work queued around the outage is done, once. Drafts: the
	// replica that took a message drafts it at once; one that failed in the
	// outage is retried as a job or by the catch-up job (every 30 s).
	var undrafted []string
	if !await(90*time.Second, func() bool {
		undrafted = undrafted[:0]
		for conv, id := range last {
			if c, _, err := engine.Conversation(ctx, conv); err != nil || c.Draft == nil || c.Draft.ForMessage < id {
				undrafted = append(undrafted, conv)
			}
		}
		return len(undrafted) == 0
	}) {
		t.Errorf("no draft of the newest accepted buyer message after 90 s in %v", undrafted)
	}
	db.awaitDelivered(t, "slack", 60*time.Second, reps...)
	posts := slack.checkPosts(t, slices.Collect(maps.Keys(last)))
	t.Logf("Slack: %d posts, each once and in order", len(posts))

	// The periodic jobs run again: queued after PostgreSQL was back, and
	// counted in /metrics.
	for _, kind := range []string{"sellerdesk_sweep", "sellerdesk_remind"} {
		if !await(60*time.Second, func() bool {
			return db.count(t, `SELECT count(*) FROM $schema.river_job WHERE kind = $1 AND state = 'completed' AND created_at > $2`, kind, tReady) > 0
		}) {
			t.Errorf("no %s job queued after the outage has completed in 60 s", kind)
		}
		if !await(60*time.Second, func() bool { return jobsCompleted(kind, reps...) > jobsBack[kind] }) {
			t.Errorf("sellerdesk_jobs_total{kind=%q,outcome=\"completed\"} did not grow after the outage (%v)", kind, jobsBack[kind])
		}
	}

	// No credentials anywhere the operator or a client sees.
	checkNoSecrets(t, set.all, seen...)
}

// fakeChatBase is what the fake chat platforms share. Timing: each post
// and update takes delay to answer, made meanwhile; with holdFirst the
// first post is made and held unanswered until the test releases it
// (blocked says it arrived). And the replicas, by the name the fake knows
// each by: which have set themselves up, and whose post is held.
type fakeChatBase struct {
	delay     time.Duration
	holdFirst bool
	blocked   chan struct{} // closed when the first post arrives (holdFirst)
	release   chan struct{}
	blockOne  sync.Once
	unblocked sync.Once

	replicasMu sync.Mutex
	up         map[string]bool
	holder     string
}

func newFakeChatBase(delay time.Duration, holdFirst bool) *fakeChatBase {
	return &fakeChatBase{delay: delay, holdFirst: holdFirst, blocked: make(chan struct{}), release: make(chan struct{}), up: map[string]bool{}}
}

// setUp notes that replica name has set itself up with the platform.
func (h *fakeChatBase) setUp(name string) {
	h.replicasMu.Lock()
	defer h.replicasMu.Unlock()
	h.up[name] = true
}

func (h *fakeChatBase) started(name string) bool {
	h.replicasMu.Lock()
	defer h.replicasMu.Unlock()
	return h.up[name]
}

func (h *fakeChatBase) heldBy() string {
	h.replicasMu.Lock()
	defer h.replicasMu.Unlock()
	return h.holder
}

// first says a post of replica name is the one to hold: the first, with
// holdFirst.
func (h *fakeChatBase) first(name string) (hold bool) {
	h.blockOne.Do(func() {
		if hold = h.holdFirst; hold {
			h.replicasMu.Lock()
			h.holder = name
			h.replicasMu.Unlock()
		}
	})
	return hold
}

// hold says the post to hold has arrived and waits until the test
// releases it (true) or gone is closed (false): the caller's context, or
// nil to answer whatever has become of the caller.
func (h *fakeChatBase) hold(gone <-chan struct{}) bool {
	close(h.blocked)
	select {
	case <-h.release:
		return true
	case <-gone:
		return false
	}
}

// unblock releases the held post, if any; a fake's cleanup does it before
// its server closes, which waits for the handlers.
func (h *fakeChatBase) unblock() { h.unblocked.Do(func() { close(h.release) }) }

func (h *fakeChatBase) arrived() <-chan struct{} { return h.blocked }

// slow waits out the fake's delay; false if the caller gave up meanwhile.
func (h *fakeChatBase) slow(r *http.Request) bool {
	select {
	case <-time.After(h.delay):
		return true
	case <-r.Context().Done():
		return false
	}
}

// fakeSlack is a Slack Web API with one channel. It posts what
// chat.postMessage sends (with its metadata and thread) and answers
// conversations.history and .replies from that, as Slack does, paced
// by its fakeChatBase. It also takes the answers slash commands post
// to their response_url. It tells the replicas apart by their bot tokens.
type fakeSlack struct {
	srv *httptest.Server
	*fakeChatBase

	mu        sync.Mutex
	posts     []slackPost       // every message posted, oldest first
	held      slackPost         // the post held unanswered
	updates   []string          // ts of every chat.update
	lookups   map[string]int    // conversations.history and .replies calls, by token
	responses map[string]string // bodies posted to response_urls, by id
	seq       atomic.Int64
}

// slackPost is one message the fake Slack posted.
type slackPost struct {
	token, ts, thread, text string
	metadata                json.RawMessage
	at                      time.Time
}

func (p slackPost) String() string {
	return fmt.Sprintf("ts %s, thread %q, by %s at %s: %.60q", p.ts, p.thread, p.token, p.at.Format("15:04:05.000"), p.text)
}

// shows says the post is conversation id's message in the channel (not
// in a thread).
func (p slackPost) shows(id string) bool { return p.thread == "" && strings.Contains(p.text, id) }

// outboxID is the outbox id in the post's metadata, 0 if none.
func (p slackPost) outboxID() int64 {
	var meta struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			OutboxID int64 `json:"outbox_id"`
		} `json:"event_payload"`
	}
	if json.Unmarshal(p.metadata, &meta) != nil || meta.EventType != "sellerdesk_outbox" {
		return 0
	}
	return meta.EventPayload.OutboxID
}

func newFakeSlack(t *testing.T, delay time.Duration, holdFirst bool) *fakeSlack {
	f := &fakeSlack{fakeChatBase: newFakeChatBase(delay, holdFirst),
		lookups: map[string]int{}, responses: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() { f.unblock(); f.srv.Close() })
	return f
}

// replicaEnv gives replica i a bot token of its own (a, b, …).
func (f *fakeSlack) replicaEnv(i int) (string, []string) {
	token := fmt.Sprintf("%s%c", faultTokenPrefix, 'a'+i)
	return token, []string{"SELLERDESK_SLACK_BOT_TOKEN=" + token, "SELLERDESK_SLACK_SIGNING_SECRET=" + faultSigningSecret,
		"SELLERDESK_SLACK_SUPPORT_CHANNEL=C1", "SELLERDESK_SLACK_API_URL=" + f.srv.URL + "/"}
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = r.Form.Get("token")
	}
	w.Header().Set("Content-Type", "application/json")
	answer := func(v map[string]any) { v["ok"] = true; json.NewEncoder(w).Encode(v) }
	// Slack's ts is its clock's time: the lookup starts from the outbox
	// message's time, so it must not be far from ours.
	ts := fmt.Sprintf("%d.%06d", time.Now().Unix(), f.seq.Add(1)%1000000)
	switch method := strings.TrimPrefix(r.URL.Path, "/"); method {
	case "auth.test":
		f.setUp(token)
		answer(map[string]any{"user_id": "U0BOT", "team_id": "T1", "user": "sellerdesk"})
	case "chat.postMessage":
		p := slackPost{token: token, ts: ts, thread: r.Form.Get("thread_ts"), text: r.Form.Get("text"),
			metadata: json.RawMessage(r.Form.Get("metadata")), at: time.Now()}
		if len(p.metadata) == 0 {
			p.metadata = nil
		}
		f.mu.Lock()
		f.posts = append(f.posts, p) // posted, whatever becomes of the answer
		f.mu.Unlock()
		if f.first(token) {
			f.mu.Lock()
			f.held = p
			f.mu.Unlock()
			if !f.hold(r.Context().Done()) { // the replica is killed while it waits
				return
			}
		}
		if !f.slow(r) {
			return
		}
		answer(map[string]any{"channel": r.Form.Get("channel"), "ts": ts})
	case "chat.update":
		f.mu.Lock()
		f.updates = append(f.updates, r.Form.Get("ts"))
		f.mu.Unlock()
		if !f.slow(r) {
			return
		}
		answer(map[string]any{"channel": r.Form.Get("channel"), "ts": r.Form.Get("ts")})
	case "conversations.history", "conversations.replies":
		// Newest first, after oldest; metadata only when asked for. The
		// channel has few messages: one page. History lists the messages
		// in the channel; replies a thread's, its parent included.
		all := r.Form.Get("include_all_metadata") == "1"
		thread := r.Form.Get("ts")
		var msgs []map[string]any
		f.mu.Lock()
		f.lookups[token]++
		for _, p := range slices.Backward(f.posts) {
			if oldest := r.Form.Get("oldest"); oldest != "" && p.ts <= oldest { // same-width ts compare as strings
				continue
			}
			if method == "conversations.history" && p.thread != "" || method == "conversations.replies" && p.thread != thread && p.ts != thread {
				continue
			}
			m := map[string]any{"type": "message", "ts": p.ts, "text": p.text, "user": "U0BOT", "bot_id": "B1"}
			if p.thread != "" {
				m["thread_ts"] = p.thread
			}
			if all && p.metadata != nil {
				m["metadata"] = p.metadata
			}
			msgs = append(msgs, m)
		}
		f.mu.Unlock()
		answer(map[string]any{"messages": msgs, "has_more": false})
	default:
		if id, ok := strings.CutPrefix(method, "response/"); ok {
			body, _ := io.ReadAll(r.Body)
			f.mu.Lock()
			f.responses[id] = string(body)
			f.mu.Unlock()
		}
		answer(map[string]any{"channel": r.Form.Get("channel"), "ts": ts})
	}
}

// command runs `/desk text` on a replica's Slack endpoint, signed as Slack
// signs it, and returns the answer's text: inline, or posted to the
// response_url when the command outlasted Slack's wait.
func (f *fakeSlack) command(addr, text string) (string, error) {
	id := strconv.FormatInt(f.seq.Add(1), 10)
	body := url.Values{"command": {"/desk"}, "text": {text}, "user_id": {faultStaff}, "user_name": {"staff"},
		"team_id": {"T1"}, "channel_id": {"C1"}, "response_url": {f.srv.URL + "/response/" + id}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(faultSigningSecret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	res, err := healthClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", res.StatusCode, raw)
	}
	if len(bytes.TrimSpace(raw)) == 0 && !await(15*time.Second, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		raw = []byte(f.responses[id])
		return len(raw) > 0
	}) {
		return "", errors.New("no answer, inline or at the response_url, in 15 s")
	}
	var ans struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &ans); err != nil {
		return "", fmt.Errorf("answer %q: %v", raw, err)
	}
	return ans.Text, nil
}

// count returns how many messages in the channel (not in threads) name
// conversation id, and how many of those carry the outbox id want.
func (f *fakeSlack) count(id string, want int64) (posts, tagged int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.posts {
		if !p.shows(id) {
			continue
		}
		posts++
		if p.outboxID() == want {
			tagged++
		}
	}
	return posts, tagged
}

// checkPosts checks the posts Slack has (checkOnceInOrder) and returns
// them.
func (f *fakeSlack) checkPosts(t *testing.T, convs []string) []slackPost {
	t.Helper()
	f.mu.Lock()
	posts := slices.Clone(f.posts)
	f.mu.Unlock()
	checkOnceInOrder(t, posts, convs)
	return posts
}

// chatMessage is a message a fake chat platform made.
type chatMessage interface {
	fmt.Stringer
	outboxID() int64        // the outbox id it carries, 0 if none
	shows(conv string) bool // it is the conversation's message in the channel
}

// checkOnceInOrder checks that every message carries an outbox id, none
// twice, in outbox order, and that each conversation in convs has exactly
// one message in the channel.
func checkOnceInOrder[M chatMessage](t *testing.T, msgs []M, convs []string) {
	t.Helper()
	for _, c := range convs {
		if n := len(slices.DeleteFunc(slices.Clone(msgs), func(m M) bool { return !m.shows(c) })); n != 1 {
			t.Errorf("conversation %s has %d messages in the channel, want 1", c, n)
		}
	}
	var last int64
	for i, m := range msgs {
		switch id := m.outboxID(); {
		case id == 0:
			t.Errorf("message %d (%s) carries no outbox id", i, m)
		case id <= last:
			t.Errorf("message %d (%s) is for outbox message %d, after one for %d: posted twice or out of order", i, m, id, last)
			if j := slices.IndexFunc(msgs, func(q M) bool { return q.outboxID() == id }); j < i {
				t.Errorf("    message %d (%s) was for it", j, msgs[j])
			}
		default:
			last = id
		}
	}
}

// lastPoster is the bot token of the newest post.
func (f *fakeSlack) lastPoster() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.posts) == 0 {
		return ""
	}
	return f.posts[len(f.posts)-1].token
}

// postsBy counts the posts sent with bot token ("": any), and says when
// the newest of them was made.
func (f *fakeSlack) postsBy(token string) (n int, last time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.posts {
		if token == "" || p.token == token {
			n, last = n+1, p.at
		}
	}
	return n, last
}

func (f *fakeSlack) snapshot() (held slackPost, updates []string, lookups map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	lookups = map[string]int{}
	for k, v := range f.lookups {
		lookups[k] = v
	}
	return f.held, append([]string(nil), f.updates...), lookups
}

// midPost is where killMidPost leaves a kill test.
type midPost struct {
	engine           *core.Engine // the test's own, on the schema
	conv             string       // the buyer's conversation
	msgID            int64        // its first outbox message, the buyer's: the post held
	victim, survivor *botProc
}

// killMidPost runs two replicas on one PostgreSQL posting to the set's
// fake platform (holdFirst), has a buyer write in, and kills with SIGKILL
// the replica whose post of the buyer's message the platform holds (made
// there; the answer never comes). It checks that the sink was left with
// the message undelivered and leased to the dead replica.
func killMidPost(t *testing.T, db faultDB, set *replicas, sink string) midPost {
	t.Helper()
	for i := range 2 {
		set.start(i)
	}
	if !await(20*time.Second, func() bool {
		return set.chat.started(set.procs[0].token) && set.chat.started(set.procs[1].token)
	}) {
		t.Fatalf("the replicas did not both set themselves up with %s in 20 s", sink)
	}
	db.awaitSink(t, sink)

	// A buyer writes (in the test process, on the same schema), drafted in
	// the same transaction: the buyer's message and its draft are
	// consecutive outbox messages.
	engine := db.engine(t)
	conv := buyersWriteIn(t, engine, "buyer", 1)[0]
	msgID := db.count(t, `SELECT min(id) FROM $schema.outbox WHERE conversation_id = $1`, conv)

	select {
	case <-set.chat.arrived():
	case <-time.After(30 * time.Second):
		t.Fatal("no replica posted the buyer message")
	}
	victimIdx := slices.IndexFunc(set.procs, func(p *botProc) bool { return p.token == set.chat.heldBy() })
	if victimIdx < 0 {
		t.Fatalf("the held post came from an unknown replica %q", set.chat.heldBy())
	}
	victim, survivor := set.procs[victimIdx], set.procs[1-victimIdx]
	if err := victim.cmd.Process.Kill(); err != nil { // kill -9
		t.Fatal(err)
	}
	<-victim.done
	t.Logf("replica %d (pid %d) killed while %s held its post of %s (outbox id %d)", victimIdx, victim.cmd.Process.Pid, sink, conv, msgID)

	after, next, _ := db.sinkState(t, sink)
	if after >= msgID {
		t.Fatalf("the killed replica recorded message %d as delivered (after_id %d)", msgID, after)
	}
	if !next.Valid {
		t.Fatalf("no lease on the sink after the kill")
	}
	t.Logf("the sink stays leased to the dead replica for another %v (core.Options.DeliveryLease)", time.Until(next.Time).Round(time.Second))
	return midPost{engine: engine, conv: conv, msgID: msgID, victim: victim, survivor: survivor}
}

// takeOver waits for the surviving replica to take the sink over once the
// dead one's lease has run out (30 s by default; its delivery job looks
// again every few seconds) and deliver the outbox, and returns where the
// conversation's message is.
func (k midPost) takeOver(t *testing.T, db faultDB, sink string) core.ChatRef {
	t.Helper()
	db.awaitDelivered(t, sink, 90*time.Second, k.survivor)
	ref, err := k.engine.ChatRef(context.Background(), sink, k.conv)
	if err != nil {
		t.Fatalf("no chat ref for %s after the takeover: %v", k.conv, err)
	}
	return ref
}

// staffReplies sends the draft of conversation conv from the console, as
// staff would: the reply's outbox message redraws the conversation's
// message on every chat.
func staffReplies(t *testing.T, set *replicas, conv string) {
	t.Helper()
	if code, out, errOut := execBot(t, set.bin, set.dir, set.env, "reply "+conv+"\n", "console"); code != 0 {
		t.Fatalf("console reply %s: exit %d\n%s%s", conv, code, out, errOut)
	}
}

// TestFaultKillDuringDelivery runs two replicas on one PostgreSQL and
// kills the one posting a buyer's conversation to Slack with SIGKILL
// while Slack holds its chat.postMessage (Slack has posted it; the answer
// never comes). The other replica, already running, takes the sink over
// once the dead one's lease runs out, finds the message by the outbox id
// in its metadata, and does not post it again: Slack has it exactly once,
// and later updates go to that message.
func TestFaultKillDuringDelivery(t *testing.T) {
	db := newFaultDB(t)
	slack := newFakeSlack(t, 0, true)
	set := newReplicas(t, db, slack)
	k := killMidPost(t, db, set, "slack")
	held, _, _ := slack.snapshot()
	t.Logf("the held chat.postMessage: ts %s", held.ts)
	ref := k.takeOver(t, db, "slack")
	// The buyer's message and its draft went out as one post (delivery
	// groups a conversation's news). A reply sent now updates the
	// conversation's message, which must be the one found.
	staffReplies(t, set, k.conv)
	var updates []string
	if !await(60*time.Second, func() bool { _, updates, _ = slack.snapshot(); return len(updates) > 0 }) {
		t.Fatalf("the conversation's message was never updated (reply)")
	}
	posts, tagged := slack.count(k.conv, k.msgID)
	_, _, lookups := slack.snapshot()
	t.Logf("posts for %s: %d (tagged with outbox id %d: %d); survivor's conversations.history lookups: %d; updates of %v",
		k.conv, posts, k.msgID, tagged, lookups[k.survivor.token], updates)
	if posts != 1 || tagged != 1 {
		t.Errorf("Slack got the conversation's message %d times (%d tagged with outbox id %d), want exactly once", posts, tagged, k.msgID)
	}
	if lookups[k.survivor.token] == 0 {
		t.Errorf("the surviving replica never looked for the message in flight")
	}
	if ref.MessageID != held.ts {
		t.Errorf("chat ref %s, want the message posted by the killed replica (%s)", ref.MessageID, held.ts)
	}
	for _, ts := range updates {
		if ts != held.ts {
			t.Errorf("chat.update of %s, want only of the conversation's message %s", ts, held.ts)
		}
	}
	slack.checkPosts(t, []string{k.conv})
	checkNoSecrets(t, set.all)
}

// fakeDiscord is Discord's REST API (v9, as discordgo calls it) for one
// bot and its staff channel, paced by its fakeChatBase: PUT of the
// application's commands, POST /channels/{id}/messages with nonce and
// enforce_nonce as Discord takes them (a create whose nonce the same bot
// used in the last few minutes gets that message back, 200, and creates
// nothing), and PATCH /channels/{id}/messages/{id}. Any other route is
// 404, as Discord answers one it does not have; so the gateway does not
// open. The replicas share the bot token, as they do in production (the
// nonce check is per bot); each calls the API under a path of its own
// (/r-a/api/v9/…), which is how the fake tells them apart. The post held
// (holdFirst) is answered when the test releases it, whatever has become
// of the caller.
type fakeDiscord struct {
	srv *httptest.Server
	*fakeChatBase
	heldDone chan struct{} // closed when the held create has been answered

	mu      sync.Mutex
	msgs    []discordMsg   // every message created, oldest first
	held    discordMsg     // the create held
	nonces  map[string]int // index in msgs, by bot and enforced nonce
	repeats map[string]int // creates answered with their nonce's message, by replica
	edits   []discordEdit  // every edit, oldest first
	unknown []string       // requests for routes the fake does not have
	seq     atomic.Int64
}

// discordNonceWindow is how long Discord keeps an enforced nonce: "the
// past few minutes"; the fake takes the least of that.
const discordNonceWindow = 2 * time.Minute

// discordMsg is one message the fake Discord created.
type discordMsg struct {
	replica, bot, channel, id, nonce, content string
	reply                                     bool // a reply to another message (message_reference)
	embeds, components                        json.RawMessage
	at, edited                                time.Time
}

func (m discordMsg) String() string {
	return fmt.Sprintf("id %s, nonce %q, reply %v, by %s at %s: %.60q", m.id, m.nonce, m.reply, m.replica, m.at.Format("15:04:05.000"), m.content)
}

// shows says the message is conversation id's in the staff channel (not a
// reply to it).
func (m discordMsg) shows(id string) bool {
	return m.channel == faultDiscordChannel && !m.reply && strings.Contains(m.content, id)
}

var discordNonce = regexp.MustCompile(`^sd([0-9]+)[a-z]$`)

// outboxID is the outbox id in the message's nonce (discordapp's
// "sd<id><part>"), 0 if none.
func (m discordMsg) outboxID() int64 {
	sm := discordNonce.FindStringSubmatch(m.nonce)
	if sm == nil {
		return 0
	}
	id, _ := strconv.ParseInt(sm[1], 10, 64)
	return id
}

// wire is the message object Discord answers with.
func (m discordMsg) wire() map[string]any {
	v := map[string]any{"id": m.id, "channel_id": m.channel, "type": 0, "content": m.content, "tts": false,
		"author":    map[string]any{"id": "1100000000000000999", "username": "sellerdesk", "bot": true},
		"timestamp": m.at.UTC().Format(time.RFC3339Nano), "edited_timestamp": nil, "mention_everyone": false,
		"mentions": []any{}, "mention_roles": []any{}, "attachments": []any{}, "embeds": []any{}, "components": []any{}, "pinned": false}
	if m.reply {
		v["type"] = 19
	}
	if m.nonce != "" {
		v["nonce"] = m.nonce
	}
	if len(m.embeds) > 0 {
		v["embeds"] = m.embeds
	}
	if len(m.components) > 0 {
		v["components"] = m.components
	}
	if !m.edited.IsZero() {
		v["edited_timestamp"] = m.edited.UTC().Format(time.RFC3339Nano)
	}
	return v
}

// discordEdit is one edit of a message.
type discordEdit struct {
	replica, id string
	at          time.Time
}

func (e discordEdit) String() string {
	return fmt.Sprintf("%s by %s at %s", e.id, e.replica, e.at.Format("15:04:05.000"))
}

func newFakeDiscord(t *testing.T, delay time.Duration, holdFirst bool) *fakeDiscord {
	f := &fakeDiscord{fakeChatBase: newFakeChatBase(delay, holdFirst), heldDone: make(chan struct{}),
		nonces: map[string]int{}, repeats: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() { f.unblock(); f.srv.Close() })
	return f
}

// replicaEnv gives replica i the bot's settings and the API under a path
// of its own (r-a, r-b, …).
func (f *fakeDiscord) replicaEnv(i int) (string, []string) {
	name := fmt.Sprintf("r-%c", 'a'+i)
	return name, []string{"SELLERDESK_DISCORD_BOT_TOKEN=" + faultDiscordToken, "SELLERDESK_DISCORD_APPLICATION_ID=" + faultDiscordApp,
		"SELLERDESK_DISCORD_STAFF_CHANNEL=" + faultDiscordChannel, "SELLERDESK_DISCORD_PUBLIC_KEY=" + strings.Repeat("ab", 32),
		"SELLERDESK_DISCORD_API_URL=" + f.srv.URL + "/" + name}
}

var discordRoute = regexp.MustCompile(`^/([^/]+)/api/v[0-9]+/(.*)$`)

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	answer := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	bot := strings.TrimPrefix(r.Header.Get("Authorization"), "Bot ")
	if bot != faultDiscordToken {
		answer(http.StatusUnauthorized, map[string]any{"message": "401: Unauthorized", "code": 0})
		return
	}
	var replica string
	var parts []string
	if m := discordRoute.FindStringSubmatch(r.URL.Path); m != nil {
		replica, parts = m[1], strings.Split(m[2], "/")
	}
	switch {
	case r.Method == http.MethodPut && len(parts) == 3 && parts[0] == "applications" && parts[2] == "commands":
		f.setUp(replica)
		answer(http.StatusOK, json.RawMessage(body))
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		f.create(r, answer, replica, bot, parts[1], body)
	case r.Method == http.MethodPatch && len(parts) == 4 && parts[0] == "channels" && parts[2] == "messages":
		f.edit(r, answer, replica, parts[1], parts[3], body)
	default:
		f.mu.Lock()
		f.unknown = append(f.unknown, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		answer(http.StatusNotFound, map[string]any{"message": "404: Not Found", "code": 0})
	}
}

// create is Discord's create message.
func (f *fakeDiscord) create(r *http.Request, answer func(int, any), replica, bot, channel string, body []byte) {
	var req struct {
		Content      string          `json:"content"`
		Embeds       json.RawMessage `json:"embeds"`
		Components   json.RawMessage `json:"components"`
		Reference    json.RawMessage `json:"message_reference"`
		Nonce        string          `json:"nonce"`
		EnforceNonce bool            `json:"enforce_nonce"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Nonce) > 25 {
		answer(http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	if channel != faultDiscordChannel {
		answer(http.StatusNotFound, map[string]any{"message": "Unknown Channel", "code": 10003})
		return
	}
	key := bot + "\x00" + req.Nonce
	f.mu.Lock()
	if i, ok := f.nonces[key]; ok && req.EnforceNonce && req.Nonce != "" && time.Since(f.msgs[i].at) < discordNonceWindow {
		f.repeats[replica]++
		m := f.msgs[i]
		f.mu.Unlock()
		if f.slow(r) {
			answer(http.StatusOK, m.wire())
		}
		return
	}
	m := discordMsg{replica: replica, bot: bot, channel: channel, id: strconv.FormatInt(1300000000000000000+f.seq.Add(1), 10),
		nonce: req.Nonce, content: req.Content, reply: len(req.Reference) > 0 && string(req.Reference) != "null",
		embeds: req.Embeds, components: req.Components, at: time.Now()}
	f.msgs = append(f.msgs, m) // made, whatever becomes of the answer
	if req.EnforceNonce && req.Nonce != "" {
		f.nonces[key] = len(f.msgs) - 1
	}
	held := f.first(replica)
	if held {
		f.held = m
	}
	f.mu.Unlock()
	if held {
		defer close(f.heldDone)
		f.hold(nil) // the replica is killed meanwhile; the answer goes nowhere
	}
	if f.slow(r) || held {
		answer(http.StatusOK, m.wire())
	}
}

// edit is Discord's edit message.
func (f *fakeDiscord) edit(r *http.Request, answer func(int, any), replica, channel, id string, body []byte) {
	var req struct {
		Content    *string         `json:"content"`
		Embeds     json.RawMessage `json:"embeds"`
		Components json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		answer(http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	f.mu.Lock()
	i := slices.IndexFunc(f.msgs, func(m discordMsg) bool { return m.id == id && m.channel == channel })
	if i < 0 {
		f.mu.Unlock()
		answer(http.StatusNotFound, map[string]any{"message": "Unknown Message", "code": 10008})
		return
	}
	m := &f.msgs[i]
	if req.Content != nil {
		m.content = *req.Content
	}
	if req.Embeds != nil {
		m.embeds = req.Embeds
	}
	if req.Components != nil {
		m.components = req.Components
	}
	m.edited = time.Now()
	f.edits = append(f.edits, discordEdit{replica: replica, id: id, at: m.edited})
	edited := *m
	f.mu.Unlock()
	if f.slow(r) {
		answer(http.StatusOK, edited.wire())
	}
}

// snapshot is what the fake has: the messages created, the held one, the
// edits, the creates answered from their nonce (by replica), and the
// requests for unknown routes.
func (f *fakeDiscord) snapshot() (msgs []discordMsg, held discordMsg, edits []discordEdit, repeats map[string]int, unknown []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.msgs), f.held, slices.Clone(f.edits), maps.Clone(f.repeats), slices.Clone(f.unknown)
}

// TestFaultKillDuringDiscordDelivery is TestFaultKillDuringDelivery with
// Discord: the replica whose create of the conversation's message Discord
// holds (made there; the answer comes only after the replica is dead) is
// killed with SIGKILL. The other takes the sink over once the lease runs
// out and sends the create again with the same enforced nonce; Discord
// answers with the message made the first time and makes none. The staff
// channel has one message per outbox message, in order, and the draft's
// edit goes to the one message.
func TestFaultKillDuringDiscordDelivery(t *testing.T) {
	db := newFaultDB(t)
	discord := newFakeDiscord(t, 0, true)
	set := newReplicas(t, db, discord)
	k := killMidPost(t, db, set, "discord")
	discord.unblock() // Discord finishes the held create: its answer goes to a dead process
	select {
	case <-discord.heldDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the held create was not answered in 10 s after its release")
	}
	_, held, _, _, _ := discord.snapshot()
	t.Logf("the held create: %s", held)
	ref := k.takeOver(t, db, "discord")
	// The buyer's message and its draft went out as one create (delivery
	// groups a conversation's news). A reply sent now edits the
	// conversation's message, which must be the one made.
	staffReplies(t, set, k.conv)
	var edits []discordEdit
	if !await(60*time.Second, func() bool { _, _, edits, _, _ = discord.snapshot(); return len(edits) > 0 }) {
		t.Fatalf("the conversation's message was never edited (reply)")
	}
	msgs, _, edits, repeats, unknown := discord.snapshot()
	posts, tagged := 0, 0
	for _, m := range msgs {
		if m.shows(k.conv) {
			posts++
			if m.outboxID() == k.msgID {
				tagged++
			}
		}
	}
	t.Logf("messages for %s: %d (nonce for outbox id %d: %d); creates answered from their nonce, by replica: %v; edits: %v; requests for routes the fake does not have: %q",
		k.conv, posts, k.msgID, tagged, repeats, edits, unknown)
	if posts != 1 || tagged != 1 {
		t.Errorf("Discord made the conversation's message %d times (%d with the nonce of outbox id %d), want exactly once", posts, tagged, k.msgID)
	}
	if repeats[k.survivor.token] == 0 {
		t.Errorf("the surviving replica never sent the create again with its nonce")
	}
	if ref.Channel != faultDiscordChannel || ref.MessageID != held.id {
		t.Errorf("chat ref %s/%s, want the message made for the killed replica (%s/%s)", ref.Channel, ref.MessageID, faultDiscordChannel, held.id)
	}
	for _, e := range edits {
		if e.id != held.id || e.replica != k.survivor.token {
			t.Errorf("edit of %s by %s, want only of the conversation's message %s, by the surviving replica %s", e.id, e.replica, held.id, k.survivor.token)
		}
	}
	checkOnceInOrder(t, msgs, []string{k.conv})
	checkNoSecrets(t, set.all)
}

// TestFaultGracefulDrain sends SIGTERM to one of two replicas while it
// delivers a backlog to a slow Slack (200 ms a call) and while requests
// to it are under way. The replica stops taking requests, answers those
// under way, lets its delivery run until jobs.shutdown_grace, records what
// it posted and exits 0; the other replica delivers the rest. Slack gets
// every outbox message once and in order, also after the drained replica
// is started again.
func TestFaultGracefulDrain(t *testing.T) {
	const (
		grace   = 3 * time.Second
		backlog = 30 // conversations: a post and an update each, 12 s at 200 ms a call
	)
	db := newFaultDB(t)
	slack := newFakeSlack(t, 200*time.Millisecond, false)
	set := newReplicas(t, db, slack, "SELLERDESK_JOBS_SHUTDOWN_GRACE="+grace.String(),
		"SELLERDESK_JOBS_OUTBOX_CHECK=1s", "SELLERDESK_JOBS_DELIVERY_LEASE=5s")
	orders := set.importOrders(10, 7)
	set.start(0)
	set.start(1)
	db.awaitSink(t, "slack")
	buyers := []*webBuyer{newWebBuyer(t, set.procs[0].addr, orders[0]), newWebBuyer(t, set.procs[1].addr, orders[1])}

	// The backlog: buyers writing in (in the test process, on the same
	// schema), each drafted at once.
	ctx := context.Background()
	engine := db.engine(t)
	convs := buyersWriteIn(t, engine, "drain-buyer", backlog)
	backlogEnd := db.count(t, `SELECT max(id) FROM $schema.outbox`)
	if !await(30*time.Second, func() bool { n, _ := slack.postsBy(""); return n >= 3 }) {
		t.Fatal("no replica delivered the backlog")
	}
	victimIdx := slices.IndexFunc(set.procs, func(p *botProc) bool { return p.token == slack.lastPoster() })
	if victimIdx < 0 {
		t.Fatal("the posts came with an unknown token")
	}
	victim, survivor := set.procs[victimIdx], set.procs[1-victimIdx]

	// Requests under way: the buyers' messages to the victim, their bodies
	// half sent when it gets SIGTERM.
	type answer struct {
		m   sentMessage
		err error
	}
	answers := make(chan answer, len(buyers))
	var finish []func()
	for i, b := range buyers {
		pr, pw := io.Pipe()
		form := b.form(fmt.Sprintf("Is my order still coming? (buyer %d, as the replica drains)", i))
		go func() {
			m, err := b.send(victim.addr, pr)
			pr.CloseWithError(errors.New("answered"))
			answers <- answer{m, err}
		}()
		if _, err := io.WriteString(pw, form[:len(form)/2]); err != nil {
			t.Fatal(err)
		}
		finish = append(finish, func() { io.WriteString(pw, form[len(form)/2:]); pw.Close() })
	}
	time.Sleep(300 * time.Millisecond) // the requests' heads have reached the replica
	if after, _, _ := db.sinkState(t, "slack"); after >= backlogEnd {
		t.Fatalf("the backlog was delivered before the drain began: make it longer")
	}
	tTerm := time.Now()
	if err := victim.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	for _, f := range finish {
		f()
	}
	for range buyers {
		select {
		case a := <-answers:
			if a.err != nil || a.m.status != http.StatusCreated {
				t.Errorf("a request under way at SIGTERM: status %d %q, %v; want 201", a.m.status, a.m.body, a.err)
			} else {
				convs = append(convs, a.m.conv)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("a request under way at SIGTERM got no answer in 20 s")
		}
	}
	select {
	case <-victim.done:
	case <-time.After(grace + 10*time.Second):
		t.Fatalf("the replica was still running %v after SIGTERM (jobs.shutdown_grace %v)", grace+10*time.Second, grace)
	}
	made, _ := slack.postsBy("")
	t.Logf("replica %d (pid %d) got SIGTERM with %d posts made; exited after %v (jobs.shutdown_grace %v): %v",
		victimIdx, victim.cmd.Process.Pid, made, victim.exited.Sub(tTerm).Round(time.Millisecond), grace, victim.err)
	if victim.err != nil {
		t.Errorf("the drained replica exited with %v, want status 0", victim.err)
	}
	if !survivor.alive() {
		t.Fatalf("the other replica exited: %v", survivor.err)
	}

	// The other replica finishes the backlog: the drained replica's work,
	// and the messages it took while draining (drafted by it, or by the
	// catch-up job every 30 s).
	var undrafted []string
	if !await(90*time.Second, func() bool {
		undrafted = undrafted[:0]
		for _, id := range convs {
			if c, _, err := engine.Conversation(ctx, id); err != nil || c.NeedsDraft() {
				undrafted = append(undrafted, id)
			}
		}
		return len(undrafted) == 0
	}) {
		t.Errorf("conversations still without a draft after 90 s: %v", undrafted)
	}
	db.awaitDelivered(t, "slack", 90*time.Second, survivor)
	posts := slack.checkPosts(t, convs)
	n, at := slack.postsBy(survivor.token)
	drainPosts := 0
	for _, p := range posts {
		if p.token == victim.token && p.at.After(tTerm) {
			drainPosts++
		}
	}
	_, _, lookups := slack.snapshot()
	t.Logf("Slack: %d posts, each once and in order; the drained replica's while draining: %d; the other's: %d, the last %v after the drained one exited; the other's lookups of a post in doubt: %d",
		len(posts), drainPosts, n, at.Sub(victim.exited).Round(time.Millisecond), lookups[survivor.token])
	if !at.After(victim.exited) {
		t.Errorf("the other replica posted nothing after the drained one exited: it did not finish the backlog")
	}

	// Started again, the drained replica posts nothing twice.
	set.start(victimIdx)
	convs = append(convs, buyersWriteIn(t, engine, "after-restart", 5)...)
	db.awaitDelivered(t, "slack", 60*time.Second, set.procs...)
	time.Sleep(2 * time.Second) // a few more rounds of the delivery job on both
	posts = slack.checkPosts(t, convs)
	n, _ = slack.postsBy(victim.token)
	t.Logf("after the restart: %d posts in all; by the restarted replica (before and after): %d", len(posts), n)
	checkNoSecrets(t, set.all)
}
