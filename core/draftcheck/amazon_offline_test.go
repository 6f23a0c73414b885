package draftcheck_test

import (
	"testing"

	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// Drafts for Amazon buyers must keep Amazon's message rules, so staff can
// send them as they are: every offline template, for every intent, in
// every language the drafter writes, at every stage of an order.
func TestAmazonRules_offline_drafts_pass(t *testing.T) {
	shop := drafter.Shop{Name: "Acme Goods", Policy: core.DefaultPolicy(), StaffLanguage: "en"}
	d := drafter.New(shop)
	checked := 0
	for name, o := range orderStages() {
		for _, in := range drafter.Intents() {
			for _, lang := range drafter.Languages() {
				text := d.Reply(in, lang, drafter.Facts{Order: o, Now: now})
				if text == "" {
					continue // no response needed: nothing is sent
				}
				checked++
				if err := core.CheckAmazonReply(text, o); err != nil {
					t.Errorf("%s / %s / %s: offline draft breaks Amazon's rules: %v\n%s", name, in, lang, err, text)
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d drafts checked", checked)
	}
}
