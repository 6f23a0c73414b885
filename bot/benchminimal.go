package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// minimalHandler is bot bench's reference for /desk order: what a developer
// would write by hand to answer it, and nothing more — slack-go's signature
// verifier and form parser, one SQL statement for the order and its
// children (as JSON, on the same tables and data), a slack-go Block Kit
// card and encoding/json. No roles, audit, replay check or metrics.
type minimalHandler struct {
	secret string
	stmt   *sql.Stmt // minimalSQL, prepared on the raw pool
}

// minimalSQL is the reference's one statement, in either dialect: the order
// row and its children, each as a JSON array. Times in the JSON are
// microseconds since 1970 on both (SQLite stores them so).
func minimalSQL(pg bool) string {
	agg, obj, us := "json_group_array", "json_object", "%s"
	if pg {
		agg, obj, us = "json_agg", "json_build_object", "(extract(epoch from %s) * 1000000)::bigint"
	}
	child := func(table, order, fields string) string {
		return "(SELECT " + agg + "(" + obj + "(" + fields + ") ORDER BY " + order + ") FROM " + table + " WHERE order_id = o.id)"
	}
	q := `SELECT o.id, o.status, o.purchase_date, o.ship_by, o.buyer_name, o.currency, ` +
		child("order_items", "line_no", `'sku', sku, 'title', title, 'qty', quantity, 'shipped', shipped, 'price', price, 'tax', tax, 'shipping', shipping, 'discount', discount`) + `, ` +
		child("shipments", "ship_date, id", `'carrier', carrier, 'tracking', tracking, 'date', `+fmt.Sprintf(us, "ship_date")) + `, ` +
		child("returns", "requested_at, id", `'id', id, 'status', status, 'reason', reason`) + `, ` +
		child("refunds", "created_at, id", `'id', id, 'amount', amount`) + `
		FROM orders o WHERE o.id = ?`
	if pg {
		q = strings.Replace(q, "?", "$1", 1)
	}
	return q
}

func (h *minimalHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sv, err := slack.NewSecretsVerifier(r.Header, h.secret)
	if err != nil {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.TeeReader(http.MaxBytesReader(w, r.Body, 1<<20), &sv))
	if err != nil || sv.Ensure() != nil {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sc, err := slack.SlashCommandParse(r)
	if err != nil {
		http.Error(w, "bad slash command", http.StatusBadRequest)
		return
	}
	id, _ := strings.CutPrefix(strings.TrimSpace(sc.Text), "order ")
	var (
		oid, status, buyer, currency string
		purchased, shipBy            any
		items, ships, rets, refs     []byte
	)
	err = h.stmt.QueryRowContext(r.Context(), id).Scan(&oid, &status, &purchased, &shipBy, &buyer, &currency, &items, &ships, &rets, &refs)
	if err == sql.ErrNoRows {
		writeJSON(w, slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: "No order " + id})
		return
	}
	if err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	var (
		is []struct {
			SKU, Title                     string
			Qty, Shipped                   int
			Price, Tax, Shipping, Discount int64
		}
		ss []struct {
			Carrier, Tracking string
			Date              int64
		}
		rs []struct{ ID, Status, Reason string }
		fs []struct {
			ID     string
			Amount int64
		}
	)
	for _, c := range []struct {
		b []byte
		v any
	}{{items, &is}, {ships, &ss}, {rets, &rs}, {refs, &fs}} {
		if len(c.b) > 0 {
			if err := json.Unmarshal(c.b, c.v); err != nil {
				http.Error(w, "bad child rows", http.StatusInternalServerError)
				return
			}
		}
	}
	var paid int64
	lines := []string{"*Items*"}
	for _, it := range is {
		p := it.Price + it.Tax + it.Shipping - it.Discount
		paid += p
		lines = append(lines, fmt.Sprintf("• %d× `%s` — %s · %d shipped · %s", it.Qty, it.SKU, it.Title, it.Shipped, minimalAmount(p, currency)))
	}
	for _, s := range ss {
		lines = append(lines, fmt.Sprintf("• Shipped %s via %s `%s`", minimalTime(s.Date).Format("Mon 2 Jan 2006"), s.Carrier, s.Tracking))
	}
	for _, x := range rs {
		lines = append(lines, fmt.Sprintf("• Return `%s` %s: %s", x.ID, x.Status, x.Reason))
	}
	for _, f := range fs {
		lines = append(lines, fmt.Sprintf("• Refund `%s` %s", f.ID, minimalAmount(f.Amount, currency)))
	}
	md := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	pt := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(pt("Order " + oid)),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			md("*Status*\n" + status), md("*Purchased*\n" + minimalTime(purchased).Format("Mon 2 Jan 15:04 MST")),
			md("*Ship by*\n" + minimalTime(shipBy).Format("Mon 2 Jan 2006")), md("*Buyer*\n" + buyer),
			md("*Paid*\n" + minimalAmount(paid, currency)),
		}, nil),
		slack.NewSectionBlock(md(strings.Join(lines, "\n")), nil, nil),
		slack.NewActionBlock("", slack.NewButtonBlockElement("order_ship", oid, pt("Confirm shipment")),
			slack.NewButtonBlockElement("order_cancel", oid, pt("Cancel order")), slack.NewButtonBlockElement("order_buyer", oid, pt("Buyer details"))),
	}
	writeJSON(w, slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: "Order " + oid, Blocks: slack.Blocks{BlockSet: blocks}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// minimalTime reads a time column: microseconds on SQLite, a time on PostgreSQL.
func minimalTime(v any) time.Time {
	switch t := v.(type) {
	case int64:
		return time.UnixMicro(t).UTC()
	case time.Time:
		return t.UTC()
	}
	return time.Time{}
}

func minimalAmount(cents int64, currency string) string {
	return fmt.Sprintf("%s %d.%02d", currency, cents/100, cents%100)
}
