package main

import (
	"strings"
	"testing"
)

// spapi.auto_review: off by default, set from the file or the environment
// like the other spapi keys, and refused without an Amazon connection to
// send through.
func TestAutoReviewSetting(t *testing.T) {
	cfg, err := LoadConfig(nil, nil)
	if err != nil || cfg.SPAPI.AutoReview {
		t.Fatalf("default: auto_review %v, %v; want off", cfg.SPAPI.AutoReview, err)
	}
	creds := []string{"SELLERDESK_SPAPI_CLIENT_ID=id", "SELLERDESK_SPAPI_CLIENT_SECRET=s", "SELLERDESK_SPAPI_REFRESH_TOKEN=r", "SELLERDESK_SPAPI_MARKETPLACE_IDS=ATVPDKIKX0DER"}
	cfg, err = LoadConfig(nil, append(creds, EnvName("spapi.auto_review")+"=true"))
	if err != nil || !cfg.SPAPI.AutoReview {
		t.Fatalf("from %s: %v, %v", EnvName("spapi.auto_review"), cfg.SPAPI.AutoReview, err)
	}
	cfg, err = LoadConfig(strings.NewReader("spapi:\n  auto_review: true\n"), creds)
	if err != nil || !cfg.SPAPI.AutoReview {
		t.Fatalf("from the file: %v, %v", cfg.SPAPI.AutoReview, err)
	}
	_, err = LoadConfig(strings.NewReader("spapi:\n  auto_review: true\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "spapi.auto_review") || !strings.Contains(err.Error(), "no Amazon connection") {
		t.Fatalf("auto_review without a connection: %v", err)
	}
}
