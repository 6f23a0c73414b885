//go:build faults

// Fault tests (issue 7, item 3): real `bot serve` processes on the machine's
// PostgreSQL, with the database restarted under them and a replica killed
// in the middle of a delivery. They restart the PostgreSQL cluster, so they
// are kept out of the ordinary `go test ./...` by the build tag; run them
// with scripts/faults.sh (as root, TEST_DATABASE_URL set).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
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
)

// faultPassword is put in the URL the bot gets (trust auth ignores it), so
// the tests can check it never reaches an answer, an error or a log line.
const faultPassword = "faultsPw-91c2e7d4"

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

// exec runs SQL in the test's schema.
func (d faultDB) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := d.admin.Exec(strings.ReplaceAll(q, "$schema", pq.QuoteIdentifier(d.schema)), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
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

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
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

// lockedBuffer collects a process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// botProc is a running `bot serve`.
type botProc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *lockedBuffer
	done   chan struct{} // closed when the process has exited
	err    error
}

func startServe(t *testing.T, bin, dir, addr string, env []string) *botProc {
	t.Helper()
	p := &botProc{addr: addr, stderr: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Dir, p.cmd.Env = dir, env
	p.cmd.Stdout, p.cmd.Stderr = p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
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
	stderr := &lockedBuffer{}
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

// healthSample is one /healthz answer of the load generator.
type healthSample struct {
	at      time.Time
	took    time.Duration
	code    int
	body    string
	errText string
}

// TestFaultPostgresRestart restarts PostgreSQL under a running `bot serve`
// (and a console kept open): during the outage requests fail fast with a
// clear error, and afterwards the same processes work again.
//
// The restart is a stop, a hold of outageHold, then a start: the same as
// pg_ctlcluster restart, with an outage long enough to observe.
func TestFaultPostgresRestart(t *testing.T) {
	const outageHold = 4 * time.Second
	version := pgCluster(t)
	db := newFaultDB(t)
	bin := buildBot(t)
	dir := t.TempDir()
	addr := freeAddr(t)
	env := botEnv("SELLERDESK_DATABASE_URL="+db.url, "SELLERDESK_HTTP_ADDR="+addr, "SELLERDESK_LOG_LEVEL=info")
	// Whatever happens, leave PostgreSQL running for whoever comes next.
	t.Cleanup(func() {
		if !pgReady() {
			exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start").Run()
		}
	})

	// Seed orders with the importer.
	var report bytes.Buffer
	if err := amazon.WriteSampleReport(&report, 50, 7); err != nil {
		t.Fatal(err)
	}
	orderID := strings.SplitN(strings.SplitN(report.String(), "\n", 3)[1], "\t", 2)[0]
	if err := os.WriteFile(filepath.Join(dir, "orders.txt"), report.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := execBot(t, bin, dir, env, "", "import", "orders", "orders.txt"); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}

	srv := startServe(t, bin, dir, addr, env)
	pid := srv.cmd.Process.Pid
	live := startConsole(t, bin, dir, env)
	lookup := "order " + orderID
	if r, _ := live.do(t, lookup); !r.OK {
		t.Fatalf("console before the outage: %s", r.raw)
	}
	if code, out, errOut := execBot(t, bin, dir, env, lookup+"\n", "console", "--json"); code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Fatalf("one-shot console before the outage: exit %d\n%s%s", code, out, errOut)
	}

	// Load: /healthz at about 50 requests a second.
	var (
		mu      sync.Mutex
		samples []healthSample
	)
	loadCtx, stopLoad := context.WithCancel(context.Background())
	var load sync.WaitGroup
	load.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		sem := make(chan struct{}, 64)
		var inner sync.WaitGroup
		defer inner.Wait()
		for {
			select {
			case <-loadCtx.Done():
				return
			case <-tick.C:
			}
			select {
			case sem <- struct{}{}:
			default:
				continue // 64 in flight: the server is hanging; the samples will show it
			}
			inner.Go(func() {
				defer func() { <-sem }()
				start := time.Now()
				code, body, err := getHealth(context.Background(), addr)
				s := healthSample{at: start, took: time.Since(start), code: code, body: body}
				if err != nil {
					s.errText = err.Error()
				}
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
			})
		}
	})
	defer func() { stopLoad(); load.Wait() }()
	time.Sleep(time.Second)

	// The outage.
	tStop := time.Now()
	pgctl(t, version, "stop")
	tDown := time.Now()
	t.Logf("PostgreSQL stopped in %v", tDown.Sub(tStop).Round(time.Millisecond))
	time.Sleep(500 * time.Millisecond)

	var consoleOutage []string
	r, took := live.do(t, lookup)
	consoleOutage = append(consoleOutage, r.raw)
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
	code, out, errOut := execBot(t, bin, dir, env, lookup+"\n", "console", "--json")
	took = time.Since(start)
	t.Logf("one-shot `bot console --json` during the outage (%v): exit %d, stdout %q, stderr %q", took.Round(time.Millisecond), code, out, errOut)
	consoleOutage = append(consoleOutage, out, errOut)
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

	time.Sleep(time.Until(tDown.Add(outageHold)))
	tUp := time.Now() // pg_ctlcluster start returns once the server accepts connections
	pgctl(t, version, "start")
	for !pgReady() && time.Since(tUp) < 30*time.Second {
		time.Sleep(100 * time.Millisecond)
	}
	tReady := time.Now()
	t.Logf("PostgreSQL down for %v (start took %v)", tReady.Sub(tDown).Round(time.Millisecond), tReady.Sub(tUp).Round(time.Millisecond))

	// Recovery, without restarting anything.
	var healthBack, consoleBack time.Time
	consoleFailsAfter := 0
	for time.Since(tReady) < 30*time.Second && (healthBack.IsZero() || consoleBack.IsZero()) {
		if healthBack.IsZero() {
			if code, _, err := getHealth(context.Background(), addr); err == nil && code == http.StatusOK {
				healthBack = time.Now()
			}
		}
		if consoleBack.IsZero() {
			if r, _ := live.do(t, lookup); r.OK {
				consoleBack = time.Now()
			} else {
				consoleFailsAfter++
				consoleOutage = append(consoleOutage, r.raw)
				t.Logf("open console, PostgreSQL back: %s", r.raw)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if healthBack.IsZero() {
		t.Errorf("/healthz not 200 within 30 s of PostgreSQL being back")
	} else {
		t.Logf("/healthz 200 again %v after PostgreSQL was ready", healthBack.Sub(tReady).Round(time.Millisecond))
	}
	if consoleBack.IsZero() {
		t.Errorf("open console not working within 30 s of PostgreSQL being back")
	} else {
		t.Logf("open console working again %v after PostgreSQL was ready (%d failed lookups after ready)", consoleBack.Sub(tReady).Round(time.Millisecond), consoleFailsAfter)
	}
	if code, out, errOut := execBot(t, bin, dir, env, lookup+"\n", "console", "--json"); code != 0 {
		t.Errorf("one-shot console after the outage: exit %d\n%s%s", code, out, errOut)
	}
	time.Sleep(time.Second) // a second of load after recovery
	stopLoad()
	load.Wait()

	if !srv.alive() || srv.cmd.Process.Pid != pid {
		t.Fatalf("bot serve did not survive the outage: %v", srv.err)
	}

	// What /healthz said, phase by phase.
	mu.Lock()
	defer mu.Unlock()
	type tally struct {
		n, ok, unavailable, other int
		maxTook                   time.Duration
		others                    []string
	}
	phase := func(from, to time.Time) tally {
		var c tally
		for _, s := range samples {
			if s.at.Before(from) || !s.at.Before(to) {
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
	before := phase(time.Time{}, tStop)
	outage := phase(tDown, tUp)
	after := phase(healthBack, time.Now().Add(time.Hour))
	t.Logf("/healthz before: %+v", before)
	t.Logf("/healthz stopping (%v): %+v", tDown.Sub(tStop).Round(time.Millisecond), phase(tStop, tDown))
	t.Logf("/healthz outage: %+v", outage)
	t.Logf("/healthz starting: %+v", phase(tUp, tReady))
	t.Logf("/healthz ready→200: %+v", phase(tReady, healthBack))
	t.Logf("/healthz after: %+v", after)
	if before.n == 0 || before.ok != before.n {
		t.Errorf("/healthz before the outage: %+v", before)
	}
	if outage.n < 50 || outage.unavailable != outage.n {
		t.Errorf("/healthz during the outage should all be 503 \"database unavailable\": %+v", outage)
	}
	if outage.maxTook > 5*time.Second {
		t.Errorf("/healthz hung during the outage: slowest %v", outage.maxTook)
	}
	if after.n == 0 || after.ok != after.n {
		t.Errorf("/healthz after recovery: %+v", after)
	}

	// No credentials anywhere the operator or a client sees.
	for _, s := range append(consoleOutage, srv.stderr.String()) {
		if strings.Contains(s, faultPassword) {
			t.Errorf("the database password leaked: %s", s)
		}
	}
	for _, s := range samples {
		if strings.Contains(s.body, faultPassword) {
			t.Errorf("the database password leaked in /healthz: %s", s.body)
		}
	}
}

// fakeSlack is a Slack Web API for the kill test. It posts what
// chat.postMessage sends (with its metadata) and answers
// conversations.history from that, as Slack does; it holds the first post
// unanswered, already posted, until the test releases it, noting which
// replica (by bot token) sent it.
type fakeSlack struct {
	srv     *httptest.Server
	blocked chan struct{} // closed when the first post arrives
	release chan struct{}

	mu       sync.Mutex
	authed   map[string]bool // bot tokens that called auth.test
	posts    []slackPost     // every message posted, oldest first
	held     slackPost       // the post held unanswered
	updates  []string        // ts of every chat.update
	lookups  map[string]int  // conversations.history calls, by token
	seq      atomic.Int64
	blockOne sync.Once
}

// slackPost is one message the fake Slack posted.
type slackPost struct {
	token, ts, text string
	metadata        json.RawMessage
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{blocked: make(chan struct{}), release: make(chan struct{}), authed: map[string]bool{}, lookups: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		select {
		case <-f.release:
		default:
			close(f.release)
		}
		f.srv.Close()
	})
	return f
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
	switch strings.TrimPrefix(r.URL.Path, "/") {
	case "auth.test":
		f.mu.Lock()
		f.authed[token] = true
		f.mu.Unlock()
		answer(map[string]any{"user_id": "U0BOT", "team_id": "T1", "user": "sellerdesk"})
	case "chat.postMessage":
		p := slackPost{token: token, ts: ts, text: r.Form.Get("text"), metadata: json.RawMessage(r.Form.Get("metadata"))}
		if len(p.metadata) == 0 {
			p.metadata = nil
		}
		f.mu.Lock()
		f.posts = append(f.posts, p) // posted, whatever becomes of the answer
		f.mu.Unlock()
		first := false
		f.blockOne.Do(func() { first = true })
		if first {
			f.mu.Lock()
			f.held = p
			f.mu.Unlock()
			close(f.blocked)
			select { // held: the replica is killed while it waits
			case <-f.release:
			case <-r.Context().Done():
				return
			}
		}
		answer(map[string]any{"channel": r.Form.Get("channel"), "ts": ts})
	case "chat.update":
		f.mu.Lock()
		f.updates = append(f.updates, r.Form.Get("ts"))
		f.mu.Unlock()
		answer(map[string]any{"channel": r.Form.Get("channel"), "ts": r.Form.Get("ts")})
	case "conversations.history":
		// Newest first, after oldest; metadata only when asked for. The
		// test's channel has few messages: one page.
		all := r.Form.Get("include_all_metadata") == "1"
		var msgs []map[string]any
		f.mu.Lock()
		f.lookups[token]++
		for i := len(f.posts) - 1; i >= 0; i-- {
			p := f.posts[i]
			if oldest := r.Form.Get("oldest"); oldest != "" && p.ts <= oldest { // same-width ts compare as strings
				continue
			}
			m := map[string]any{"type": "message", "ts": p.ts, "text": p.text, "user": "U0BOT", "bot_id": "B1"}
			if all && p.metadata != nil {
				m["metadata"] = p.metadata
			}
			msgs = append(msgs, m)
		}
		f.mu.Unlock()
		answer(map[string]any{"messages": msgs, "has_more": false})
	default:
		answer(map[string]any{"channel": r.Form.Get("channel"), "ts": ts})
	}
}

// count returns how many posts name conversation id, and how many of those
// carry the outbox id want in their metadata.
func (f *fakeSlack) count(id string, want int64) (posts, tagged int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.posts {
		if !strings.Contains(p.text, id) {
			continue
		}
		posts++
		var meta struct {
			EventType    string `json:"event_type"`
			EventPayload struct {
				OutboxID int64 `json:"outbox_id"`
			} `json:"event_payload"`
		}
		if json.Unmarshal(p.metadata, &meta) == nil && meta.EventType == "sellerdesk_outbox" && meta.EventPayload.OutboxID == want {
			tagged++
		}
	}
	return posts, tagged
}

func (f *fakeSlack) snapshot() (held slackPost, updates []string, lookups map[string]int, authed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	lookups = map[string]int{}
	for k, v := range f.lookups {
		lookups[k] = v
	}
	return f.held, append([]string(nil), f.updates...), lookups, len(f.authed)
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
	bin := buildBot(t)
	dir := t.TempDir()
	slack := newFakeSlack(t)
	// The replicas differ only in their bot token, so the fake Slack can
	// tell which one sent the post it holds.
	env := func(addr, token string) []string {
		return botEnv("SELLERDESK_DATABASE_URL="+db.url, "SELLERDESK_HTTP_ADDR="+addr, "SELLERDESK_LOG_LEVEL=debug",
			"SELLERDESK_SLACK_BOT_TOKEN="+token,
			"SELLERDESK_SLACK_SIGNING_SECRET=faults0signing0secret0abcdef0123456789",
			"SELLERDESK_SLACK_SUPPORT_CHANNEL=C1", "SELLERDESK_SLACK_API_URL="+slack.srv.URL+"/")
	}
	replicas := map[string]*botProc{}
	for _, token := range []string{"xoxb-faults-test-token-a", "xoxb-faults-test-token-b"} {
		addr := freeAddr(t)
		replicas[token] = startServe(t, bin, dir, addr, env(addr, token))
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, _, _, n := slack.snapshot(); n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replicas never both called auth.test")
		}
	}
	// The delivery loop's first round adds the sink's row (after the newest
	// outbox message); a message written before that would be skipped.
	sinkState := func() (afterID int64, next sql.NullTime, found bool) {
		err := db.admin.QueryRow(`SELECT after_id, next_attempt FROM `+pq.QuoteIdentifier(db.schema)+`.sink_state WHERE sink = 'slack'`).Scan(&afterID, &next)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, next, false
		}
		if err != nil {
			t.Fatal(err)
		}
		return afterID, next, true
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, _, ok := sinkState(); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the delivery loop never registered the slack sink")
		}
	}

	// A buyer writes (in the test process, on the same schema).
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	engine := core.NewEngine(store, core.Options{})
	conv, err := engine.BuyerMessage(ctx, core.BuyerMessageIn{Channel: "web", BuyerKey: "buyer-1", Text: "Where is my parcel?"})
	if err != nil {
		t.Fatal(err)
	}
	var msgID int64
	if err := db.admin.QueryRow(`SELECT max(id) FROM `+pq.QuoteIdentifier(db.schema)+`.outbox WHERE conversation_id = $1`, conv.ID).Scan(&msgID); err != nil {
		t.Fatal(err)
	}

	select {
	case <-slack.blocked:
	case <-time.After(30 * time.Second):
		t.Fatal("no replica posted the buyer message")
	}
	held, _, _, _ := slack.snapshot()
	victim := replicas[held.token]
	if victim == nil {
		t.Fatalf("the held post came with an unknown token")
	}
	var survivor *botProc
	var survivorToken string
	for token, p := range replicas {
		if p != victim {
			survivor, survivorToken = p, token
		}
	}
	if err := victim.cmd.Process.Kill(); err != nil { // kill -9
		t.Fatal(err)
	}
	<-victim.done
	t.Logf("replica (pid %d) killed while Slack held its chat.postMessage for %s (outbox id %d, ts %s)", victim.cmd.Process.Pid, conv.ID, msgID, held.ts)

	after, next, _ := sinkState()
	if after >= msgID {
		t.Fatalf("the killed replica recorded message %d as delivered (after_id %d)", msgID, after)
	}
	if !next.Valid {
		t.Fatalf("no lease on the sink after the kill")
	}
	t.Logf("the sink stays leased to the dead replica for another %v (core.Options.DeliveryLease)", time.Until(next.Time).Round(time.Second))

	// The survivor's delivery loop looks again at least every 10 s; the
	// lease is 30 s by default.
	deadline := time.Now().Add(90 * time.Second)
	for {
		if after, _, _ := sinkState(); after >= msgID {
			break
		}
		if time.Now().After(deadline) {
			posts, _ := slack.count(conv.ID, msgID)
			t.Fatalf("message %d not delivered after the takeover: %d posts for %s", msgID, posts, conv.ID)
		}
		if !survivor.alive() {
			t.Fatalf("the surviving replica exited: %v", survivor.err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	ref, err := engine.ChatRef(ctx, "slack", conv.ID)
	if err != nil {
		t.Fatalf("no chat ref for %s after the takeover: %v", conv.ID, err)
	}
	// The offline drafter drafts at once; its draft_ready message updates
	// the conversation's message, which must be the one found.
	var updates []string
	for deadline := time.Now().Add(30 * time.Second); len(updates) == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the conversation's message was never updated (draft)")
		}
		_, updates, _, _ = slack.snapshot()
	}
	posts, tagged := slack.count(conv.ID, msgID)
	_, _, lookups, _ := slack.snapshot()
	t.Logf("posts for %s: %d (tagged with outbox id %d: %d); survivor's conversations.history lookups: %d; updates of %v",
		conv.ID, posts, msgID, tagged, lookups[survivorToken], updates)
	if posts != 1 || tagged != 1 {
		t.Errorf("Slack got the conversation's message %d times (%d tagged with outbox id %d), want exactly once", posts, tagged, msgID)
	}
	if lookups[survivorToken] == 0 {
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
	for _, p := range replicas {
		if s := p.stderr.String(); strings.Contains(s, "xoxb-faults-test-token") || strings.Contains(s, faultPassword) {
			t.Errorf("a secret reached the log")
		}
	}
}
