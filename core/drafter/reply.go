package drafter

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Languages lists the languages drafts are written in; a buyer writing in
// any other language is answered in English.
func Languages() []string { return []string{"en", "de", "fr", "it", "es", "ja", "zh"} }

// replyLanguage is the language a buyer writing in lang is answered in.
func replyLanguage(lang string) string {
	if slices.Contains(Languages(), lang) {
		return lang
	}
	return "en"
}

// writer writes one reply. The templates of each language (reply_en.go,
// reply_de.go, …) follow the same structure, intent by intent and stage by
// stage, so a change to one is easy to carry to the others; they are
// written as a native support agent writes, not translated word for word.
type writer struct {
	shop Shop
	f    *facts
	lang string // one of Languages()
	// photos: the buyer says photos are attached, so the damaged-item
	// answer thanks them instead of asking again.
	photos bool
	// points are the intents this reply answers; a paragraph leaves out
	// what another point of the same reply says (see also).
	points []point
}

// point is one thing the reply answers: an intent, and whether the draft
// only asks the buyer to confirm it (an action the model is unsure of).
type point struct {
	in      Intent
	confirm bool
}

// also reports whether the reply answers in as another point too.
func (w *writer) also(in Intent) bool {
	for _, p := range w.points {
		if p.in == in {
			return true
		}
	}
	return false
}

// answerOrder is the order the points of one reply are answered in: an
// apology first, then what happened to the item, where the order is, what
// the buyer wants done with it, money, paperwork, and the rest.
func answerOrder() []Intent {
	return []Intent{Complaint, DamagedOrWrongItem, TrackOrder, DeliveryTime, CancelOrder, ChangeAddress,
		ReturnRequest, RefundStatus, PaymentIssue, Invoice, HumanAgent, Other}
}

// plan turns what the model read into the points of one reply: in a
// sensible order, without points another one already answers.
func plan(intents []Scored, f *facts) []point {
	var ps []point
	for _, in := range answerOrder() {
		for _, s := range intents {
			if s.Intent == in {
				ps = append(ps, point{in: in, confirm: in.Action() && s.Confidence < actionThreshold})
				break
			}
		}
	}
	has := func(in Intent) bool {
		return slices.ContainsFunc(ps, func(p point) bool { return p.in == in && !p.confirm })
	}
	ps = slices.DeleteFunc(ps, func(p point) bool {
		switch p.in {
		case Other:
			return len(ps) > 1 // a recognised point says more than the generic answer
		case DeliveryTime:
			return has(TrackOrder) // the tracking answer gives the dates
		case RefundStatus:
			return has(ReturnRequest) && f.refundCount == 0 // no refund yet: the return answer says how one comes
		}
		return false
	})
	if len(ps) == 0 {
		ps = []point{{in: Other}}
	}
	return ps
}

// reply is one greeting, a paragraph or two per point, one sign-off.
func (w *writer) reply() string {
	var body []string
	multi := len(w.points) > 1
	asked := false // without an order, the order number is asked for once
	var later []Intent
	for _, p := range w.points {
		if p.confirm {
			body = append(body, w.confirm(p.in))
			continue
		}
		if !w.f.has && multi && asksForOrder(p.in) {
			if asked {
				later = append(later, p.in)
				continue
			}
			asked = true
		}
		ps := w.paragraphs(p.in)
		if multi && (p.in == Complaint || p.in == HumanAgent) && len(ps) > 1 {
			ps = ps[:1] // the other points say where the order stands
		}
		body = append(body, ps...)
	}
	if len(later) > 0 {
		body = append(body, w.onceWeHaveTheOrder(later))
	}
	var b strings.Builder
	b.WriteString(w.greeting())
	seen := map[string]bool{}
	for _, p := range body {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			b.WriteString("\n\n")
			b.WriteString(p)
		}
	}
	b.WriteString("\n\n")
	b.WriteString(w.closing())
	if w.shop.Name != "" {
		b.WriteString("\n" + w.shop.Name)
	}
	return b.String()
}

// asksForOrder reports whether in's answer without an order asks for the
// order number (the apology of a complaint and the word on who answers do
// not).
func asksForOrder(in Intent) bool {
	return in != Complaint && in != HumanAgent && in != Other
}

// onceWeHaveTheOrder says, after one answer has asked for the order
// number, which other points will be looked at once it comes, instead of
// asking again in every paragraph.
func (w *writer) onceWeHaveTheOrder(ins []Intent) string {
	var topic map[Intent]string
	var say, and, comma string
	switch w.lang {
	case "de":
		say, and, comma = "Sobald ich Ihre Bestellnummer habe, kümmere ich mich auch um %s.", " und ", ", "
		topic = map[Intent]string{TrackOrder: "die Sendungsverfolgung", DeliveryTime: "den Liefertermin", CancelOrder: "die Stornierung",
			ChangeAddress: "die Lieferadresse", ReturnRequest: "die Rücksendung", RefundStatus: "Ihre Erstattung",
			DamagedOrWrongItem: "den beschädigten Artikel", Invoice: "Ihre Rechnung", PaymentIssue: "die Zahlung"}
	case "fr":
		say, and, comma = "Dès que j’aurai votre numéro de commande, je m’occuperai aussi %s.", " et ", ", "
		topic = map[Intent]string{TrackOrder: "du suivi de votre colis", DeliveryTime: "de la date de livraison", CancelOrder: "de l’annulation",
			ChangeAddress: "de l’adresse de livraison", ReturnRequest: "de votre retour", RefundStatus: "de votre remboursement",
			DamagedOrWrongItem: "de l’article endommagé", Invoice: "de votre facture", PaymentIssue: "de votre paiement"}
	case "it":
		say, and, comma = "Appena avremo il numero d’ordine, ci occuperemo anche %s.", " e ", ", "
		topic = map[Intent]string{TrackOrder: "della spedizione", DeliveryTime: "della data di consegna", CancelOrder: "dell’annullamento",
			ChangeAddress: "dell’indirizzo di spedizione", ReturnRequest: "del reso", RefundStatus: "del Suo rimborso",
			DamagedOrWrongItem: "dell’articolo danneggiato", Invoice: "della Sua fattura", PaymentIssue: "del pagamento"}
	case "es":
		say, and, comma = "En cuanto tengamos su número de pedido, revisaremos también %s.", " y ", ", "
		topic = map[Intent]string{TrackOrder: "el seguimiento del envío", DeliveryTime: "la fecha de entrega", CancelOrder: "la cancelación",
			ChangeAddress: "la dirección de envío", ReturnRequest: "la devolución", RefundStatus: "su reembolso",
			DamagedOrWrongItem: "el artículo dañado", Invoice: "su factura", PaymentIssue: "el pago"}
	case "ja":
		say, and, comma = "注文番号を確認でき次第、%sについてもあわせてご案内いたします。", "・", "・"
		topic = map[Intent]string{TrackOrder: "配送状況", DeliveryTime: "お届け予定日", CancelOrder: "キャンセル",
			ChangeAddress: "お届け先", ReturnRequest: "返品", RefundStatus: "ご返金",
			DamagedOrWrongItem: "商品の不具合", Invoice: "請求書", PaymentIssue: "お支払い"}
	case "zh":
		say, and, comma = "收到订单号后，我们也会一并处理%s。", "和", "、"
		topic = map[Intent]string{TrackOrder: "物流查询", DeliveryTime: "送达时间", CancelOrder: "取消",
			ChangeAddress: "收货地址", ReturnRequest: "退货", RefundStatus: "退款",
			DamagedOrWrongItem: "商品问题", Invoice: "发票", PaymentIssue: "付款问题"}
	default:
		say, and, comma = "Once I have your order number, I'll also look into %s.", " and ", ", "
		topic = map[Intent]string{TrackOrder: "where your parcel is", DeliveryTime: "the delivery date", CancelOrder: "the cancellation",
			ChangeAddress: "the delivery address", ReturnRequest: "your return", RefundStatus: "your refund",
			DamagedOrWrongItem: "the damaged item", Invoice: "your invoice", PaymentIssue: "the payment"}
	}
	var ts []string
	for _, in := range ins {
		ts = append(ts, topic[in])
	}
	list := ts[0]
	if n := len(ts); n > 1 {
		list = strings.Join(ts[:n-1], comma) + and + ts[n-1]
	}
	return fmt.Sprintf(say, list)
}

func (w *writer) paragraphs(in Intent) []string {
	switch w.lang {
	case "zh":
		return w.zh(in)
	case "de":
		return w.de(in)
	case "fr":
		return w.fr(in)
	case "it":
		return w.it(in)
	case "es":
		return w.es(in)
	case "ja":
		return w.ja(in)
	}
	return w.en(in)
}

// confirm asks the buyer to confirm an action the model is not sure they
// asked for, without offering to do it.
func (w *writer) confirm(in Intent) string {
	switch w.lang {
	case "zh":
		return w.zhConfirm(in)
	case "de":
		return w.deConfirm(in)
	case "fr":
		return w.frConfirm(in)
	case "it":
		return w.itConfirm(in)
	case "es":
		return w.esConfirm(in)
	case "ja":
		return w.jaConfirm(in)
	}
	return w.enConfirm(in)
}

func (w *writer) greeting() string {
	f := w.f
	switch w.lang {
	case "zh":
		if f.fullName != "" {
			return f.fullName + "，您好！"
		}
		return "您好！"
	case "de":
		if f.fullName != "" {
			return "Guten Tag " + f.fullName + ","
		}
		return "Guten Tag,"
	case "fr":
		if f.fullName != "" {
			return "Bonjour " + f.fullName + ","
		}
		return "Bonjour,"
	case "it":
		if f.fullName != "" {
			return "Gentile " + f.fullName + ","
		}
		return "Gentile cliente,"
	case "es":
		if f.fullName != "" {
			return "Hola, " + f.fullName + ":"
		}
		return "Hola:"
	case "ja":
		name := "お客様"
		if f.fullName != "" {
			name = f.fullName + "様"
		}
		thanks := "このたびはお問い合わせいただき、誠にありがとうございます。"
		if w.shop.Name != "" {
			thanks = "このたびは" + w.shop.Name + "をご利用いただき、誠にありがとうございます。"
		}
		return name + "\n\n" + thanks
	}
	if f.name != "" {
		return "Hi " + f.name + ","
	}
	return "Hello,"
}

func (w *writer) closing() string {
	switch w.lang {
	case "zh":
		return "祝好！"
	case "de":
		return "Mit freundlichen Grüßen"
	case "fr":
		return "Bien cordialement,"
	case "it":
		return "Cordiali saluti,"
	case "es":
		return "Un cordial saludo,"
	case "ja":
		return "今後ともどうぞよろしくお願い申し上げます。"
	}
	return "Best regards,"
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

// dateJA is the date as Japanese support mail writes it, with the weekday:
// 2026年12月5日（土）.
func dateJA(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), int(t.Month()), t.Day(), [...]string{"日", "月", "火", "水", "木", "金", "土"}[t.Weekday()])
}

func dateDE(t time.Time) string {
	months := [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}
	return fmt.Sprintf("%d. %s %d", t.Day(), months[t.Month()-1], t.Year())
}

func dateFR(t time.Time) string {
	months := [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, months[t.Month()-1], t.Year())
}

func dateIT(t time.Time) string {
	months := [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1°"
	}
	return fmt.Sprintf("%s %s %d", day, months[t.Month()-1], t.Year())
}

func dateES(t time.Time) string {
	months := [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
	return fmt.Sprintf("%d de %s de %d", t.Day(), months[t.Month()-1], t.Year())
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

// A second authorisation for one order usually drops off the buyer's
// statement within a few business days (banks differ); two charges still
// there after duplicateChargeDays are worth raising with the marketplace,
// which holds the payment.
const duplicateChargeDays = 7
