package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/lib/pq"
)

// TestBench runs bot bench in-process for a second per phase and checks the
// JSON is complete and sane. No timing thresholds: the figures depend on
// the machine.
func TestBench(t *testing.T) {
	if testing.Short() {
		t.Skip("bot bench takes several seconds")
	}
	stores := []struct{ name, url string }{{"sqlite", ""}}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		stores = append(stores, struct{ name, url string }{"postgres", u})
	} else {
		t.Log("PostgreSQL bench skipped: set TEST_DATABASE_URL to run it")
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"bench", "--duration", "1s", "--clients", "4", "--json"}
			if s.url != "" {
				args = append(args, "--database", s.url)
			}
			var out, errOut bytes.Buffer
			if code := run(context.Background(), args, nil, &out, &errOut, nil); code != 0 {
				t.Fatalf("bot bench exited %d: %s", code, errOut.String())
			}
			var fields map[string]any
			if err := json.Unmarshal(out.Bytes(), &fields); err != nil {
				t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
			}
			for _, k := range []string{"store", "duration", "requests", "lookup_ratio", "minimal_rps", "minimal_p99_ms", "lookup_p99_ratio", "raw_statement_per_s", "help_rps", "late_answers", "ship_ratio", "p50_ms", "p99_ms", "draft_p99_ms", "raw_draft_p99_ms", "draft_p99_ratio", "rss_mb"} {
				if _, ok := fields[k]; !ok {
					t.Errorf("JSON has no %q: %s", k, out.String())
				}
			}
			var r benchResult
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if r.Store != s.name || r.Duration != "1s" {
				t.Errorf("store %q, duration %q; want %s, 1s", r.Store, r.Duration, s.name)
			}
			checks := []struct {
				what string
				ok   bool
			}{
				{"requests > 0", r.Requests > 0},
				{"lookup_ratio > 0", r.LookupRatio > 0},
				{"minimal_rps > 0", r.MinimalRPS > 0},
				{"minimal_p99_ms >= minimal_p50_ms > 0", r.MinimalP50 > 0 && r.MinimalP99 >= r.MinimalP50},
				{"lookup_p99_ratio > 0", r.LookupP99Ratio > 0},
				{"raw_statement_per_s > 0", r.RawSQLPerSec > 0},
				{"help_rps > 0", r.FloorRPS > 0},
				{"ship_ratio > 0", r.ShipRatio > 0},
				{"p50_ms > 0", r.P50 > 0},
				{"p99_ms >= p50_ms", r.P99 >= r.P50},
				{"max_p99_ms >= max_p50_ms", r.MaxP99 >= r.MaxP50},
				{"drafts > 0", r.Drafts > 0},
				{"draft_p99_ms >= draft_p50_ms > 0", r.DraftP50 > 0 && r.DraftP99 >= r.DraftP50},
				{"raw_draft_p99_ms >= raw_draft_p50_ms > 0", r.RawDraftP50 > 0 && r.RawDraftP99 >= r.RawDraftP50},
				{"draft_p99_ratio > 0", r.DraftP99Ratio > 0},
				{"rss_mb > 0", r.RSSMB > 0},
			}
			for _, c := range checks {
				if !c.ok {
					t.Errorf("want %s: %s", c.what, out.String())
				}
			}
			if bytes.Contains(errOut.Bytes(), []byte("xoxb-bench")) {
				t.Errorf("the bot token reached the log: %s", errOut.String())
			}
		})
	}
}

// TestBenchFlags refuses bad flags with exit 2 and a clear message.
func TestBenchFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--database", "mysql://x"},
		{"bench", "--duration", "1ms"},
		{"bench", "--clients", "0"},
		{"bench", "extra"},
		{"bench", "--scale", "-1"},
		{"bench", "--keep"},
		{"bench", "--scale", "10", "--keep"}, // SQLite: the file is temporary
		{"bench", "--scale", "10", "--database", "postgres://127.0.0.1/x", "--reuse", "public"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, nil, &out, &errOut, nil); code != 2 || errOut.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut.String())
		}
	}
}

// TestBenchScale loads a small shop with --scale and checks every read,
// the sweeps and the store size are reported. No timing thresholds.
func TestBenchScale(t *testing.T) {
	if testing.Short() {
		t.Skip("bot bench --scale loads a store")
	}
	stores := []struct{ name, url string }{{"sqlite", ""}}
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		stores = append(stores, struct{ name, url string }{"postgres", u})
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			args := []string{"bench", "--scale", "3000", "--json"}
			if s.url != "" {
				args = append(args, "--database", s.url)
			}
			var out, errOut bytes.Buffer
			if code := run(context.Background(), args, nil, &out, &errOut, nil); code != 0 {
				t.Fatalf("bot bench --scale exited %d: %s", code, errOut.String())
			}
			var r scaleResult
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatalf("output is not one JSON object: %v\n%s", err, out.String())
			}
			if r.Store != s.name || r.Orders != 3000 || r.Conversations == 0 || r.StoreMB <= 0 {
				t.Errorf("store %q, %d orders, %d conversations, %.1f MB; want %s, 3000, some, > 0: %s", r.Store, r.Orders, r.Conversations, r.StoreMB, s.name, out.String())
			}
			want := []string{"order <id>", "orders due", "orders due page 50", "orders late", "orders late page 50", "inbox overdue", "health"}
			if len(r.Reads) != len(want) {
				t.Fatalf("reads %+v; want %v", r.Reads, want)
			}
			for i, rd := range r.Reads {
				if rd.Command != want[i] || rd.N == 0 || rd.P50 < 0 || rd.P99 < rd.P50 {
					t.Errorf("read %d: %+v; want %s with runs and p99 >= p50", i, rd, want[i])
				}
			}
			// The loaded history holds orders the sweep must act on (old
			// delivered ones, a few left unshipped): the first run changes
			// some, the second, right after, none.
			if len(r.Sweeps) != 2 || r.Sweeps[0].Changed == 0 || r.Sweeps[1].Changed != 0 {
				t.Errorf("sweeps %+v; want the first to change orders and the second none", r.Sweeps)
			}
		})
	}
}

// TestBenchScaleKeepAndReuse loads a small shop once with --keep and
// measures it again with --reuse, which refuses a count that is not the
// schema's and a schema that is not there.
func TestBenchScaleKeepAndReuse(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if testing.Short() || base == "" {
		t.Skip("needs PostgreSQL (TEST_DATABASE_URL) and a load")
	}
	bench := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"bench", "--database", base}, args...), nil, &out, &errOut, nil)
		return code, out.String(), errOut.String()
	}
	code, _, errOut := bench("--scale", "2000", "--keep", "--json")
	m := regexp.MustCompile(`kept schema (bench_[0-9a-f]{12})`).FindStringSubmatch(errOut)
	if code != 0 || m == nil {
		t.Fatalf("--keep exited %d without naming the schema kept: %s", code, errOut)
	}
	schema := m[1]
	// The hint is a command to copy: the schema's name alone, not the URL's
	// query after it.
	if !strings.Contains(errOut, "--reuse "+schema+",") {
		t.Errorf("--keep's hint does not give the schema alone: %s", errOut)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", base)
		if err == nil {
			_, err = db.Exec("DROP SCHEMA " + pq.QuoteIdentifier(schema) + " CASCADE")
			db.Close()
		}
		if err != nil {
			t.Errorf("drop %s: %v", schema, err)
		}
	})

	// Every loaded conversation points at its newest buyer message, as the
	// store keeps it (the loader sets the pointers in one statement).
	u, admin, err := schemaURL(base, schema)
	if err != nil {
		t.Fatal(err)
	}
	admin.Close()
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	var convs, wrong int
	err = db.QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE last_buyer_message_id IS DISTINCT FROM
		(SELECT MAX(m.id) FROM messages m WHERE m.conversation_id = c.id AND m.sender = 'buyer')) FROM conversations c`).Scan(&convs, &wrong)
	db.Close()
	if err != nil || convs == 0 || wrong != 0 {
		t.Errorf("loaded conversations: %d, %d not pointing at their newest buyer message (%v)", convs, wrong, err)
	}

	code, out, errOut := bench("--scale", "2000", "--reuse", schema, "--json")
	var r scaleResult
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("--reuse exited %d: %s %s", code, errOut, out)
	}
	if r.Reused != schema || r.Orders != 2000 || r.LoadSeconds != 0 || len(r.Reads) == 0 || r.Reads[0].N == 0 {
		t.Errorf("--reuse measured %+v; want schema %s's 2000 orders read, nothing loaded", r, schema)
	}
	if code, _, errOut := bench("--scale", "3000", "--reuse", schema); code != 1 || !bytes.Contains([]byte(errOut), []byte("holds 2000 orders")) {
		t.Errorf("--reuse with the wrong count: exit %d, %q; want 1 and the count it holds", code, errOut)
	}
	if code, _, errOut := bench("--scale", "2000", "--reuse", "bench_000000000000"); code != 1 || !bytes.Contains([]byte(errOut), []byte("no schema bench_000000000000")) {
		t.Errorf("--reuse of a missing schema: exit %d, %q; want 1 and the schema named", code, errOut)
	}
}
