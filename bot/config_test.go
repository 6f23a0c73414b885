package main

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestConfigExampleListsEveryDefault(t *testing.T) {
	f, err := os.Open("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := LoadConfig(f, nil)
	if err != nil {
		t.Fatalf("config.example.yaml does not load: %v", err)
	}
	if want := DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("config.example.yaml disagrees with the defaults:\n got %+v\nwant %+v", got, want)
	}
	// Every setting must be written out, not merely defaulted.
	data, _ := os.ReadFile("../config.example.yaml")
	var tree map[string]any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	for key := range envKeys(&cfg) {
		var node any = tree
		for _, part := range strings.Split(key, ".") {
			m, ok := node.(map[string]any)
			if !ok {
				node = nil
				break
			}
			node, ok = m[part]
			if !ok {
				t.Errorf("config.example.yaml does not list %s", key)
			}
		}
	}
}

func TestConfigRefusals(t *testing.T) {
	tests := []struct {
		name, yaml string
		env        []string
		wantInErr  []string
	}{
		{"unknown_key_refused", "shop:\n  handling_dayz: 3\n", nil, []string{"handling_dayz", "unknown setting"}},
		{"unknown_section_refused", "slak:\n  token: x\n", nil, []string{"slak"}},
		{"bad_int_refused", "shop:\n  handling_days: two\n", nil, []string{"two"}},
		{"out_of_range_refused", "shop:\n  handling_days: 90\n", nil, []string{"shop.handling_days", "SELLERDESK_SHOP_HANDLING_DAYS"}},
		{"digest_window_out_of_range_refused", "alerts:\n  digest_window: 2h\n", nil, []string{"alerts.digest_window", "SELLERDESK_ALERTS_DIGEST_WINDOW", "0s (no digests) to 30m"}},
		{"bad_database_url_refused", "database:\n  url: mysql://x\n", nil, []string{"database.url", "sqlite:PATH"}},
		{"password_not_shown", "database:\n  url: mysql://bob:hunter2@db/x\n", nil, []string{"database.url"}},
		{"bad_timezone_refused", "shop:\n  timezone: Mars/Olympus\n", nil, []string{"shop.timezone"}},
		{"bad_rate_refused", "health:\n  max_cancel_rate: 2.5\n", nil, []string{"health.max_cancel_rate"}},
		{"bad_amount_refused", "refunds:\n  owner_above: lots\n", nil, []string{"refunds.owner_above"}},
		{"bad_duration_refused", "orders:\n  sweep_interval: soon\n", nil, []string{"soon"}},
		{"unknown_env_refused", "", []string{"SELLERDESK_DATABSE_URL=sqlite:x"}, []string{"SELLERDESK_DATABSE_URL"}},
		{"bad_env_value_refused", "", []string{"SELLERDESK_SHOP_HANDLING_DAYS=abc"}, []string{"SELLERDESK_SHOP_HANDLING_DAYS", "abc"}},
		{"bad_addr_refused", "http:\n  addr: localhost\n", nil, []string{"http.addr"}},
		{"bad_metrics_addr_refused", "http:\n  metrics_addr: 9090\n", nil, []string{"http.metrics_addr"}},
		{"bad_trusted_proxy_refused", "", []string{"SELLERDESK_HTTP_TRUSTED_PROXIES=10.0.0.0/8, proxy.internal"}, []string{"http.trusted_proxies", "proxy.internal"}},
		{"read_timeout_out_of_range_refused", "http:\n  read_timeout: 0s\n", nil, []string{"http.read_timeout"}},
		{"order_tries_below_client_tries_refused", "messages:\n  verify_order_tries: 3\n", nil, []string{"messages.verify_order_tries", "messages.verify_tries (5)"}},
		{"order_window_out_of_range_refused", "messages:\n  verify_order_window: 48h\n", nil, []string{"messages.verify_order_window"}},
		{"message_limit_out_of_range_refused", "messages:\n  buyer_message_limit: 0\n", nil, []string{"messages.buyer_message_limit"}},
		{"message_window_out_of_range_refused", "messages:\n  buyer_message_window: 100ms\n", nil, []string{"messages.buyer_message_window"}},
		{"mail_half_set_refused", "mail:\n  imap_url: imaps://s@imap.example.com/INBOX\n", nil, []string{"mail.imap_url", "mail.smtp_url"}},
		{"mail_bad_from_refused", "mail:\n  imap_url: imaps://s@imap.example.com/INBOX\n  smtp_url: smtps://s@smtp.example.com\n  from: Seller <s@shop.example>\n", nil, []string{"mail.from", "registered with Amazon"}},
		{"mail_poll_out_of_range_refused", "", []string{"SELLERDESK_MAIL_IMAP_URL=imaps://s@i.example.com", "SELLERDESK_MAIL_SMTP_URL=smtps://s@m.example.com", "SELLERDESK_MAIL_FROM=s@shop.example", "SELLERDESK_MAIL_POLL_INTERVAL=1s"}, []string{"mail.poll_interval", "5s to 1h"}},
		{"mail_first_read_days_out_of_range_refused", "", []string{"SELLERDESK_MAIL_IMAP_URL=imaps://s@i.example.com", "SELLERDESK_MAIL_SMTP_URL=smtps://s@m.example.com", "SELLERDESK_MAIL_FROM=s@shop.example", "SELLERDESK_MAIL_FIRST_READ_DAYS=0"}, []string{"mail.first_read_days", "1 to 90"}},
		{"mail_missing_ca_file_refused", "", []string{"SELLERDESK_MAIL_IMAP_URL=imaps://s@i.example.com", "SELLERDESK_MAIL_SMTP_URL=smtps://s@m.example.com", "SELLERDESK_MAIL_FROM=s@shop.example", "SELLERDESK_MAIL_CA_FILE=/nonexistent/ca.pem"}, []string{"mail.ca_file", "/nonexistent/ca.pem"}},
		{"bad_role_id_refused", "roles:\n  owners: [\"a b\"]\n", nil, []string{"roles"}},
		{"slack_user_token_refused", "slack:\n  bot_token: xoxp-1\n  signing_secret: s\n  support_channel: C1\n", nil, []string{"slack.bot_token", "xoxb-"}},
		{"slack_without_secret_or_socket_refused", "slack:\n  bot_token: xoxb-1\n  support_channel: C1\n", nil, []string{"slack.signing_secret"}},
		{"slack_without_channel_refused", "", []string{"SELLERDESK_SLACK_BOT_TOKEN=xoxb-1", "SELLERDESK_SLACK_APP_TOKEN=xapp-1"}, []string{"slack.support_channel"}},
		{"slack_token_not_shown", "slack:\n  bot_token: xoxb-secret-token\n  app_token: nope\n", nil, []string{"slack.app_token"}},
		{"discord_bad_public_key_refused", "discord:\n  bot_token: t\n  application_id: \"1\"\n  public_key: abc\n  staff_channel: \"2\"\n", nil, []string{"discord.public_key"}},
		{"llm_link_with_scheme_refused", "llm:\n  allowed_links: [ups.com, \"https://usps.com/track\"]\n", nil, []string{"llm.allowed_links", "https://usps.com/track", "SELLERDESK_LLM_ALLOWED_LINKS"}},
		{"llm_link_not_a_host_refused", "", []string{"SELLERDESK_LLM_ALLOWED_LINKS=ups.com,localhost"}, []string{"llm.allowed_links", `"localhost"`}},
		{"discord_without_staff_channel_refused", "discord:\n  bot_token: t\n  application_id: \"1\"\n", nil, []string{"discord.staff_channel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(strings.NewReader(tt.yaml), tt.env)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.wantInErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "secret-token") {
				t.Errorf("error shows the password: %q", err)
			}
		})
	}
}

func TestConfigEnvironmentOverridesFile(t *testing.T) {
	cfg, err := LoadConfig(strings.NewReader("shop:\n  handling_days: 3\ndatabase:\n  url: sqlite:a.db\n"), []string{
		"SELLERDESK_DATABASE_URL=postgres://u@h/db", "SELLERDESK_ROLES_OWNERS=slack:U1, console:alice",
		"SELLERDESK_ORDERS_SWEEP_INTERVAL=30s", "SELLERDESK_HEALTH_MAX_CANCEL_RATE=0.02", "PATH=/bin",
		"SELLERDESK_LLM_ALLOWED_LINKS=ups.com, usps.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database.URL != "postgres://u@h/db" || cfg.Shop.HandlingDays != 3 || cfg.Orders.SweepInterval.Duration != 30*time.Second || cfg.Health.MaxCancelRate != 0.02 {
		t.Fatalf("got %+v", cfg)
	}
	if !reflect.DeepEqual(cfg.Roles.Owners, []string{"slack:U1", "console:alice"}) {
		t.Fatalf("owners %q", cfg.Roles.Owners)
	}
	if !reflect.DeepEqual(cfg.LLM.AllowedLinks, []string{"ups.com", "usps.com"}) {
		t.Fatalf("llm.allowed_links %q", cfg.LLM.AllowedLinks)
	}
	if p := cfg.Policy(); p.HandlingDays != 3 || p.MaxCancelRate != 0.02 {
		t.Fatalf("policy %+v", p)
	}
}

// The new settings reach the help page and the engine.
func TestHTTPAndBuyerLimitSettings(t *testing.T) {
	cfg, err := LoadConfig(strings.NewReader("http:\n  trusted_proxies: [10.0.0.0/8, 192.0.2.10, \"2001:db8::/32\"]\nmessages:\n  verify_order_tries: 20\n  verify_order_window: 30m\n  buyer_message_limit: 5\n  buyer_message_window: 2m\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	proxies, err := cfg.HTTP.Proxies()
	if err != nil || fmt.Sprint(proxies) != "[10.0.0.0/8 192.0.2.10/32 2001:db8::/32]" {
		t.Fatalf("proxies %v, %v", proxies, err)
	}
	p := cfg.Policy()
	if p.VerifyOrderTries != 20 || p.VerifyOrderWindow != 30*time.Minute || p.BuyerMessageLimit != 5 || p.BuyerMessageWindow != 2*time.Minute {
		t.Fatalf("policy %+v", p)
	}
	if d := DefaultConfig(); len(d.HTTP.TrustedProxies) != 0 {
		t.Fatalf("proxies trusted by default: %v", d.HTTP.TrustedProxies)
	}
}

func TestNoConfigMeansDemo(t *testing.T) {
	t.Chdir(t.TempDir())
	m, err := NewMain("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Demo || m.Config.Database.URL != "sqlite:"+demoDB {
		t.Fatalf("demo %v url %s", m.Demo, m.Config.Database.URL)
	}
	m, err = NewMain("", []string{"SELLERDESK_DATABASE_URL=sqlite:x.db"})
	if err != nil || m.Demo {
		t.Fatalf("with a database url from the environment: demo %v err %v", m.Demo, err)
	}
	if err := os.WriteFile("config.yaml", []byte("shop:\n  handling_days: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err = NewMain("", nil)
	if err != nil || m.Demo || m.Config.Shop.HandlingDays != 1 {
		t.Fatalf("with ./config.yaml: %+v %v", m, err)
	}
	if _, err := NewMain("missing.yaml", nil); err == nil {
		t.Fatal("a missing --config file was accepted")
	}
}
