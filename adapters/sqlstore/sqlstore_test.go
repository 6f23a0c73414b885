package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/adapters/sqlstore"
	"github.com/sellerdesk/sellerdesk/adapters/sqlstore/storetest"
	"github.com/sellerdesk/sellerdesk/core"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return storetest.OpenSQLite(t) })
}

func TestSQLiteMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store {
		db, err := sqlstore.Open(context.Background(), "sqlite::memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestPostgres(t *testing.T) {
	storetest.PostgresURL(t) // skips (or fails under CI) before any subtest without a database
	storetest.Run(t, func(t *testing.T) core.Store { return storetest.OpenPostgres(t) })
}

func TestOpenRefusesBadURLs(t *testing.T) {
	cases := []struct {
		name, url string
		code      core.Code
		mention   string
	}{
		{"unknown_scheme", "mysql://root@localhost/db", core.Invalid, "database.url"},
		{"empty", "", core.Invalid, "sqlite:PATH"},
		{"sqlite_without_path", "sqlite:", core.Invalid, "database.url"},
		{"postgres_bad_url_hides_password", "postgres://bob:s3cret@host:notaport/db", core.Invalid, "database.url"},
		{"postgres_unreachable_hides_password", "postgres://bob:s3cret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", core.Unavailable, "unreachable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := sqlstore.Open(context.Background(), c.url)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if core.ErrorCode(err) != c.code {
				t.Fatalf("code %q (%v), want %q", core.ErrorCode(err), err, c.code)
			}
			msg := core.ErrorMessage(err)
			if !strings.Contains(msg, c.mention) {
				t.Errorf("message %q does not mention %q", msg, c.mention)
			}
			if strings.Contains(msg, "s3cret") {
				t.Errorf("message %q shows the password", msg)
			}
		})
	}
}
