package sqlstore

import (
	"strings"
	"testing"
)

// Every way PostgreSQL takes a password must come out redacted, and the
// rest of the string must stay readable enough to find the mistake.
func TestRedact_everyPasswordForm(t *testing.T) {
	cases := []struct {
		name, dsn, secret, want string
	}{
		{"url_user_info", "postgres://bob:hunter2@db:5432/shop", "hunter2", "postgres://bob:xxxxx@db:5432/shop"},
		{"url_user_info_with_at_sign", "postgres://bob:hun@ter2@db/shop", "hun@ter2", "postgres://bob:xxxxx@db/shop"},
		{"url_query", "postgres://bob@db/shop?sslmode=disable&password=hunter2", "hunter2", "postgres://bob@db/shop?sslmode=disable&password=xxxxx"},
		{"url_query_first", "postgresql://db/shop?password=hunter2&sslmode=require", "hunter2", "postgresql://db/shop?password=xxxxx&sslmode=require"},
		{"url_query_upper_case_key", "postgres://db/shop?PASSWORD=hunter2", "hunter2", "postgres://db/shop?PASSWORD=xxxxx"},
		{"url_sslpassword", "postgres://db/shop?sslpassword=hunter2", "hunter2", "postgres://db/shop?sslpassword=xxxxx"},
		{"url_both_places", "postgres://bob:first1@db/shop?password=second2", "first1", "postgres://bob:xxxxx@db/shop?password=xxxxx"},
		{"key_value", "host=db user=bob password=hunter2 dbname=shop", "hunter2", "host=db user=bob password=xxxxx dbname=shop"},
		{"key_value_last", "host=db password=hunter2", "hunter2", "host=db password=xxxxx"},
		{"key_value_first", "password=hunter2 host=db", "hunter2", "password=xxxxx host=db"},
		{"key_value_spaces_around_equals", "host=db password = hunter2 user=bob", "hunter2", "host=db password = xxxxx user=bob"},
		{"key_value_quoted_with_spaces", "host=db password='correct horse battery' user=bob", "correct horse battery", "host=db password=xxxxx user=bob"},
		{"key_value_quoted_with_escaped_quote", `host=db password='it\'s secret' user=bob`, "it's secret", "host=db password=xxxxx user=bob"},
		{"key_value_unterminated_quote", "host=db password='never ends", "never ends", "host=db password=xxxxx"},
		{"key_value_sslpassword", "host=db sslpassword=hunter2", "hunter2", "host=db sslpassword=xxxxx"},
		{"no_password", "postgres://bob@db/shop?sslmode=disable", "", "postgres://bob@db/shop?sslmode=disable"},
		{"sqlite_path", "sqlite:sellerdesk.db", "", "sqlite:sellerdesk.db"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Redact(c.dsn)
			if got != c.want {
				t.Errorf("Redact(%q) = %q, want %q", c.dsn, got, c.want)
			}
			if c.secret != "" && strings.Contains(got, c.secret) {
				t.Errorf("Redact(%q) = %q still shows the password", c.dsn, got)
			}
			// Error text quoting the password alone is scrubbed too.
			db := &DB{secrets: passwords(c.dsn)}
			if c.secret != "" && strings.Contains(db.scrub("driver said: "+c.secret+" is wrong"), c.secret) {
				t.Errorf("scrub leaves %q (secrets %q)", c.secret, db.secrets)
			}
		})
	}
}

// A password written URL-escaped in the URL may come back decoded in a
// driver's message; both spellings are scrubbed.
func TestScrub_decodedPassword(t *testing.T) {
	db := &DB{secrets: passwords("postgres://bob:p%40ss%20word@db/shop?password=a%26b")}
	for _, s := range []string{"p@ss word", "p%40ss%20word"} {
		if got := db.scrub("x " + s + " y"); strings.Contains(got, s) {
			t.Errorf("scrub(%q) = %q", s, got)
		}
	}
}
