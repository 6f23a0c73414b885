package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/sellerdesk/sellerdesk/adapters/llm"
	"github.com/sellerdesk/sellerdesk/core"
	"github.com/sellerdesk/sellerdesk/core/drafter"
)

// newDrafter builds the drafter from config: the offline one always, the
// model in front of it when llm.base_url and llm.model are set.
func (m *Main) newDrafter(policy core.Policy) (core.Drafter, error) {
	offline := drafter.Offline{D: drafter.New(drafter.Shop{Name: m.Config.Shop.Name, Policy: policy, StaffLanguage: m.Config.Messages.StaffLanguage})}
	c := m.Config.LLM
	if c.BaseURL == "" {
		return offline, nil
	}
	log := m.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return llm.New(llm.Config{BaseURL: c.BaseURL, Model: c.Model, APIKey: c.APIKey, Timeout: c.Timeout.Duration, Translate: c.Translate,
		AllowedLinks: c.AllowedLinks, ShopName: m.Config.Shop.Name, Policy: policy, StaffLanguage: m.Config.Messages.StaffLanguage, Log: log}, offline)
}

// runDraft drafts an answer to one buyer message from stdin and stores
// nothing, so a seller can try wording and policies before going live.
func (m *Main) runDraft(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("draft", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	orderID := fs.String("order", "", "draft as if the buyer had verified this order")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	data, err := io.ReadAll(io.LimitReader(m.Stdin, core.MaxMessageBytes+1))
	if err != nil {
		fmt.Fprintln(m.Stderr, "bot draft:", err)
		return 1
	}
	text := strings.TrimSpace(string(data))
	if text == "" {
		fmt.Fprintln(m.Stderr, "bot draft: write the buyer's message on standard input, e.g. echo 'where is my package?' | bot draft")
		return 2
	}
	if len(text) > core.MaxMessageBytes {
		fmt.Fprintf(m.Stderr, "bot draft: the message is longer than %d bytes; buyers can't send that much.\n", core.MaxMessageBytes)
		return 2
	}
	var order *core.Order
	if *orderID != "" {
		res, err := m.Engine.RunLine(ctx, consoleActor(core.Viewer), "order "+*orderID, false)
		if err != nil {
			fmt.Fprintln(m.Stderr, "bot draft:", core.ErrorMessage(err))
			return 1
		}
		order = res.Order
	}
	now := m.Engine.Now()
	conv := &core.Conversation{ID: "C-TRY", Channel: "try", Messages: []core.Message{{ID: 1, From: core.FromBuyer, Text: text, At: now}}}
	if order != nil {
		conv.OrderID = order.ID
	}
	d, err := m.drafter.Draft(ctx, core.DraftRequest{Conversation: conv, Order: order, Now: now})
	if err != nil {
		fmt.Fprintln(m.Stderr, "bot draft:", core.ErrorMessage(err))
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(struct {
			Language      string `json:"language"`
			Intent        string `json:"intent"`
			NeedsResponse bool   `json:"needs_response"`
			Draft         string `json:"draft"`
			Drafter       string `json:"drafter"`
			Note          string `json:"note,omitempty"`
			Summary       string `json:"summary,omitempty"`
			Translation   string `json:"translation,omitempty"`
		}{d.Language, d.Intent, d.NeedsResponse, d.Text, d.Drafter, d.Note, d.Summary, d.Translation})
		return 0
	}
	fmt.Fprintf(m.Stdout, "Language: %s\nIntent: %s\nNeeds a response: %v\nDrafter: %s\n", d.Language, d.Intent, d.NeedsResponse, d.Drafter)
	if d.Summary != "" {
		fmt.Fprintf(m.Stdout, "Summary: %s\n", d.Summary)
	}
	if d.Translation != "" {
		fmt.Fprintf(m.Stdout, "Translation:\n%s\n", d.Translation)
	}
	if d.Note != "" {
		fmt.Fprintf(m.Stdout, "Note: %s\n", d.Note)
	}
	if d.NeedsResponse {
		fmt.Fprintf(m.Stdout, "\n%s\n", d.Text)
	}
	return 0
}
