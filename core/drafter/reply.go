package drafter

import (
	"fmt"
	"strings"
	"time"
)

// writer writes one reply. The English and Chinese templates (reply_en.go,
// reply_zh.go) follow the same structure, intent by intent and stage by
// stage, so a change to one is easy to carry to the other.
type writer struct {
	shop Shop
	f    *facts
	lang string // "en" or "zh"
}

// reply is greeting, body and sign-off.
func (w *writer) reply(in Intent) string {
	var body []string
	if w.lang == "zh" {
		body = w.zh(in)
	} else {
		body = w.en(in)
	}
	var b strings.Builder
	if w.lang == "zh" {
		if w.f.fullName != "" {
			b.WriteString(w.f.fullName + "，您好！")
		} else {
			b.WriteString("您好！")
		}
	} else {
		if w.f.name != "" {
			b.WriteString("Hi " + w.f.name + ",")
		} else {
			b.WriteString("Hello,")
		}
	}
	for _, p := range body {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("\n\n")
			b.WriteString(p)
		}
	}
	b.WriteString("\n\n")
	if w.lang == "zh" {
		b.WriteString("祝好！")
	} else {
		b.WriteString("Best regards,")
	}
	if w.shop.Name != "" {
		b.WriteString("\n" + w.shop.Name)
	}
	return b.String()
}

// para joins sentences into a paragraph, skipping empty ones.
func para(sep string, sentences ...string) string {
	var kept []string
	for _, s := range sentences {
		if s != "" {
			kept = append(kept, s)
		}
	}
	return strings.Join(kept, sep)
}

func dateEN(t time.Time) string { return t.Format("January 2, 2006") }

func dateZH(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// refundBy is the day a received return's refund is due, or zero.
func (f *facts) refundBy() time.Time {
	if f.ret == nil || f.ret.RefundBy == nil {
		return time.Time{}
	}
	return f.policy.Day(*f.ret.RefundBy)
}

func (f *facts) returnReceivedDay() time.Time {
	if f.ret == nil || f.ret.ReceivedAt == nil {
		return time.Time{}
	}
	return f.policy.Day(*f.ret.ReceivedAt)
}

// buyerMayCancel reports whether the buyer can still cancel a pending order
// themselves (the marketplace allows it shortly after purchase).
func (f *facts) buyerMayCancel() bool {
	return !f.purchase.IsZero() && f.now.Before(f.purchase.Add(time.Duration(f.policy.BuyerCancelMinutes)*time.Minute))
}
