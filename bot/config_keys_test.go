package main

import (
	"strings"
	"testing"
)

// A bad value in the config file names its key and says what was expected,
// as the environment's errors do, for every kind of value: never yaml's
// "cannot unmarshal !!str into main.Duration".
func TestConfigFileErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		kind, yaml, want string
	}{
		{"duration", "orders:\n  sweep_interval: 5 minutes\n", `config: orders.sweep_interval: "5 minutes" is not a duration (e.g. 5m), line 2`},
		{"duration_in_other_section", "llm:\n  timeout: ten seconds\n", `llm.timeout: "ten seconds" is not a duration (e.g. 5m)`},
		{"int", "shop:\n  handling_days: two\n", `config: shop.handling_days: "two" is not a whole number (e.g. 3), line 2`},
		{"int_given_a_fraction", "jobs:\n  draft_workers: 2.5\n", `jobs.draft_workers: "2.5" is not a whole number`},
		{"bool", "web:\n  secure_cookies: maybe\n", `config: web.secure_cookies: "maybe" is not true or false, line 2`},
		{"float", "health:\n  max_cancel_rate: high\n", `config: health.max_cancel_rate: "high" is not a number (e.g. 0.04), line 2`},
		{"list_given_one_value", "roles:\n  owners: slack:U1\n", `config: roles.owners: "slack:U1" is not a list`},
		{"list_given_a_section", "roles:\n  agents:\n    a: b\n", `roles.agents: a section is not a list`},
		{"list_of_durations_item", "messages:\n  reminders: [12h, soon, 1h]\n", `config: messages.reminders[1]: "soon" is not a duration (e.g. 5m), line 2`},
		{"amount", "refunds:\n  owner_above: lots\n", `refunds.owner_above`},
		{"string_given_a_list", "http:\n  addr: [a, b]\n", `config: http.addr: expected a single value, found a list, line 2`},
		{"section_given_a_value", "shop: big\n", `config: shop: expected a section of settings (key: value lines), found "big", line 1`},
		{"unknown_key_with_line", "shop:\n  name: x\n  handling_dayz: 3\n", `config: shop: unknown setting "handling_dayz", line 3`},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			_, err := LoadConfig(strings.NewReader(tt.yaml), nil)
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q\nwant it to say %q", msg, tt.want)
			}
			for _, raw := range []string{"unmarshal", "!!", "main.", "yaml:"} {
				if strings.Contains(msg, raw) {
					t.Errorf("error %q shows yaml's wording %q", msg, raw)
				}
			}
		})
	}
	t.Run("every_bad_key_at_once", func(t *testing.T) {
		_, err := LoadConfig(strings.NewReader("shop:\n  handling_days: two\norders:\n  sweep_interval: soon\n"), nil)
		if err == nil || !strings.Contains(err.Error(), "shop.handling_days") || !strings.Contains(err.Error(), "orders.sweep_interval") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("good_values_of_every_kind_load", func(t *testing.T) {
		cfg, err := LoadConfig(strings.NewReader("orders:\n  sweep_interval: 90s\nshop:\n  handling_days: 3\nweb:\n  secure_cookies: true\n"+
			"health:\n  max_cancel_rate: 0.02\nroles:\n  owners: [\"slack:U1\"]\n  agents:\n    - discord:2\nmessages:\n  reminders: [6h, 1h]\nrefunds:\n  owner_above: 250\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Orders.SweepInterval.Seconds() != 90 || cfg.Shop.HandlingDays != 3 || !cfg.Web.SecureCookies || cfg.Health.MaxCancelRate != 0.02 ||
			len(cfg.Roles.Owners) != 1 || cfg.Roles.Agents[0] != "discord:2" || len(cfg.Messages.Reminders) != 2 || cfg.Refunds.OwnerAbove != "250" {
			t.Fatalf("cfg = %+v", cfg)
		}
	})
}
