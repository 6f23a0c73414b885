package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// A database password never reaches the start-up error, in whichever form
// database.url carries it: URL user info, URL query, or key=value (quoted,
// with spaces, too). Some forms fail validation, others fail to connect.
func TestStartupErrorRedactsTheDatabasePassword(t *testing.T) {
	t.Chdir(t.TempDir())
	cases := []struct{ name, url, secret string }{
		{"url_user_info", "postgres://bob:hunter2@127.0.0.1:1/shop?sslmode=disable&connect_timeout=2", "hunter2"},
		{"url_query", "postgres://bob@127.0.0.1:1/shop?sslmode=disable&connect_timeout=2&password=hunter2", "hunter2"},
		{"url_query_unparsable_url", "postgres://bob@127.0.0.1:notaport/shop?password=hunter2", "hunter2"},
		{"key_value", "host=db user=bob password=hunter2 dbname=shop", "hunter2"},
		{"key_value_quoted_with_spaces", "host=db user=bob password='correct horse battery' dbname=shop", "horse"},
		{"key_value_spaces_around_equals", "host=db password = hunter2", "hunter2"},
		{"other_scheme_user_info", "mysql://bob:hunter2@db/shop", "hunter2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"migrate"}, strings.NewReader(""), &out, &errOut,
				[]string{"SELLERDESK_DATABASE_URL=" + c.url})
			if code == 0 {
				t.Fatalf("started with %q", c.url)
			}
			all := out.String() + errOut.String()
			if !strings.Contains(all, "database") {
				t.Errorf("the error does not say what failed: %q", all)
			}
			if strings.Contains(all, c.secret) {
				t.Errorf("the start-up error shows the password: %q", all)
			}
		})
	}
}
