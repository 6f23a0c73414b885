package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/lib/pq"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
)

// OpenSQLite opens a store on a new SQLite file in the test's temp dir,
// closed when the test ends.
func OpenSQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "sellerdesk.db"))
	if err != nil {
		t.Fatalf("open SQLite store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenPostgres opens a store on a schema of the test's own (PostgresURL).
func OpenPostgres(t testing.TB) *sqlstore.DB {
	t.Helper()
	u := PostgresURL(t)
	db, err := sqlstore.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open PostgreSQL store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL creates a fresh schema t_<random> in the database named by
// TEST_DATABASE_URL and returns that URL with search_path set to it, so tests
// never see each other's rows; the schema is dropped when the test ends.
// Without TEST_DATABASE_URL the test is skipped, except under CI=true where
// a missing database must not pass silently.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_DATABASE_URL is not set: CI must run the PostgreSQL tests (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
		}
		t.Skip("PostgreSQL tests skipped: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL is not a URL")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])

	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	// The name is ours (random hex), not input; QuoteIdentifier all the same.
	if _, err := admin.Exec("CREATE SCHEMA " + pq.QuoteIdentifier(schema)); err != nil {
		admin.Close()
		t.Fatalf("create test schema: %v", err)
	}
	// Registered before the store is opened, so it runs after the store's
	// Close (cleanups run last-in first-out).
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + pq.QuoteIdentifier(schema) + " CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema) // lib/pq passes unknown keys as run-time parameters
	u.RawQuery = q.Encode()
	return u.String()
}
