package drafter

import (
	"fmt"
	"strings"
)

// staffWords are the words of the staff summary in one staff language.
// English and Chinese staff get a sentence (summary.go); the other staff
// languages get the same facts in a short labelled form, which reads
// naturally without inflecting "order" for every intent:
// "Käufer (fr): fragt, wo die Bestellung ist. Bestellung 113-…: versandt
// 2026-11-18 mit UPS 1Z…. (track_order)".
type staffWords struct {
	buyer   string // "Käufer (%s)"
	sep     string // after the buyer label and the order label
	stop    string // ends a part
	order   string // "Bestellung %s"
	noOrder string
	also    string // "Außerdem: %s"
	names   string // the intent names, for staff who search by them: " (%s)"
	gist    map[Intent]string
	// facts, in the order of the stage switch in staffFact
	pending, lateBy, shipBy, notShipped, partial, shipped, delivered, deliveredOn, canceled, canceledOn, refunded, unclear string
}

// staffLanguages are the staff languages with their own summary.
func staffWordsFor(lang string) (staffWords, bool) {
	switch lang {
	case "de":
		return staffWords{buyer: "Käufer (%s)", sep: ": ", stop: ". ", order: "Bestellung %s", noOrder: "Keine Bestellung angegeben", also: "Außerdem: %s", names: " (%s)",
			gist: map[Intent]string{TrackOrder: "fragt, wo die Bestellung ist", DeliveryTime: "fragt, wann die Bestellung ankommt", CancelOrder: "möchte die Bestellung stornieren",
				ChangeAddress: "möchte die Lieferadresse ändern", ReturnRequest: "möchte etwas zurückgeben oder fragt nach Rückgaben", RefundStatus: "fragt nach der Erstattung",
				DamagedOrWrongItem: "meldet einen beschädigten, defekten oder falschen Artikel", Invoice: "bittet um eine Rechnung", PaymentIssue: "meldet ein Zahlungsproblem",
				Complaint: "beschwert sich", HumanAgent: "möchte mit einem Menschen sprechen", NoResponseNeeded: "bedankt sich oder bestätigt; keine Antwort nötig",
				Other: "Anliegen vom Offline-Entwurf nicht erkannt"},
			pending: "Zahlung wird geprüft", lateBy: "nicht versandt, fällig war %s", shipBy: "nicht versandt, Versand bis %s", notShipped: "nicht versandt",
			partial: "%d von %d Einheiten versandt, zuletzt %s mit %s", shipped: "versandt %s mit %s", delivered: "zugestellt", deliveredOn: "zugestellt %s",
			canceled: "storniert", canceledOn: "storniert %s", refunded: ", erstattet %s", unclear: "Status %s, aber keine Sendung erfasst"}, true
	case "fr":
		return staffWords{buyer: "Acheteur (%s)", sep: " : ", stop: ". ", order: "Commande %s", noOrder: "Aucune commande indiquée", also: "Aussi : %s", names: " (%s)",
			gist: map[Intent]string{TrackOrder: "demande où en est sa commande", DeliveryTime: "demande quand sa commande arrivera", CancelOrder: "veut annuler sa commande",
				ChangeAddress: "veut changer l’adresse de livraison", ReturnRequest: "veut retourner un article ou pose une question sur les retours", RefundStatus: "demande où en est son remboursement",
				DamagedOrWrongItem: "signale un article endommagé, défectueux ou erroné", Invoice: "demande une facture", PaymentIssue: "signale un problème de paiement",
				Complaint: "se plaint", HumanAgent: "demande à parler à une personne", NoResponseNeeded: "remercie ou confirme ; pas de réponse nécessaire",
				Other: "demande non reconnue par le brouillon hors ligne"},
			pending: "paiement en cours de vérification", lateBy: "non expédiée, devait partir le %s", shipBy: "non expédiée, à expédier avant le %s", notShipped: "non expédiée",
			partial: "%d unités sur %d expédiées, dernier envoi %s avec %s", shipped: "expédiée %s avec %s", delivered: "livrée", deliveredOn: "livrée %s",
			canceled: "annulée", canceledOn: "annulée %s", refunded: ", remboursée %s", unclear: "statut %s mais aucune expédition enregistrée"}, true
	case "it":
		return staffWords{buyer: "Acquirente (%s)", sep: ": ", stop: ". ", order: "Ordine %s", noOrder: "Nessun ordine indicato", also: "Inoltre: %s", names: " (%s)",
			gist: map[Intent]string{TrackOrder: "chiede dove si trova il suo ordine", DeliveryTime: "chiede quando arriverà il suo ordine", CancelOrder: "vuole annullare l’ordine",
				ChangeAddress: "vuole cambiare l’indirizzo di spedizione", ReturnRequest: "vuole restituire un articolo o chiede dei resi", RefundStatus: "chiede del rimborso",
				DamagedOrWrongItem: "segnala un articolo danneggiato, difettoso o sbagliato", Invoice: "chiede una fattura", PaymentIssue: "segnala un problema di pagamento",
				Complaint: "presenta un reclamo", HumanAgent: "chiede di parlare con una persona", NoResponseNeeded: "ringrazia o conferma; nessuna risposta necessaria",
				Other: "richiesta non riconosciuta dalla bozza offline"},
			pending: "pagamento in verifica", lateBy: "non spedito, scadenza %s superata", shipBy: "non spedito, da spedire entro %s", notShipped: "non spedito",
			partial: "%d di %d unità spedite, ultima %s con %s", shipped: "spedito %s con %s", delivered: "consegnato", deliveredOn: "consegnato %s",
			canceled: "annullato", canceledOn: "annullato %s", refunded: ", rimborsato %s", unclear: "stato %s ma nessuna spedizione registrata"}, true
	case "es":
		return staffWords{buyer: "Comprador (%s)", sep: ": ", stop: ". ", order: "Pedido %s", noOrder: "Sin pedido indicado", also: "Además: %s", names: " (%s)",
			gist: map[Intent]string{TrackOrder: "pregunta dónde está su pedido", DeliveryTime: "pregunta cuándo llegará su pedido", CancelOrder: "quiere cancelar el pedido",
				ChangeAddress: "quiere cambiar la dirección de envío", ReturnRequest: "quiere devolver un artículo o pregunta por las devoluciones", RefundStatus: "pregunta por su reembolso",
				DamagedOrWrongItem: "informa de un artículo dañado, defectuoso o equivocado", Invoice: "pide una factura", PaymentIssue: "informa de un problema con el pago",
				Complaint: "presenta una queja", HumanAgent: "pide hablar con una persona", NoResponseNeeded: "da las gracias o confirma; no hace falta responder",
				Other: "consulta no reconocida por el borrador sin conexión"},
			pending: "pago en verificación", lateBy: "sin enviar, debía salir el %s", shipBy: "sin enviar, envío hasta el %s", notShipped: "sin enviar",
			partial: "%d de %d unidades enviadas, la última %s con %s", shipped: "enviado %s con %s", delivered: "entregado", deliveredOn: "entregado %s",
			canceled: "cancelado", canceledOn: "cancelado %s", refunded: ", reembolsado %s", unclear: "estado %s pero sin envío registrado"}, true
	case "ja":
		return staffWords{buyer: "購入者（%s）", sep: "：", stop: "。", order: "注文 %s", noOrder: "注文の指定なし", also: "ほかに：%s", names: "（%s）",
			gist: map[Intent]string{TrackOrder: "注文の配送状況を確認したい", DeliveryTime: "お届け予定日を知りたい", CancelOrder: "注文をキャンセルしたい",
				ChangeAddress: "お届け先を変更したい", ReturnRequest: "返品したい、または返品について質問", RefundStatus: "返金について質問",
				DamagedOrWrongItem: "商品の破損・不良・誤配送の報告", Invoice: "請求書・領収書の依頼", PaymentIssue: "支払いの問題の報告",
				Complaint: "苦情", HumanAgent: "スタッフとのやり取りを希望", NoResponseNeeded: "お礼・確認のみ、返信不要",
				Other: "オフライン下書きでは用件を特定できず"},
			pending: "支払い確認中", lateBy: "未発送（発送期限 %s を超過）", shipBy: "未発送（発送期限 %s）", notShipped: "未発送",
			partial: "%[2]d点中%[1]d点発送済み、直近 %[3]s %[4]s", shipped: "%s %s で発送済み", delivered: "お届け済み", deliveredOn: "%s お届け済み",
			canceled: "キャンセル済み", canceledOn: "%s キャンセル済み", refunded: "、返金済み %s", unclear: "ステータスは %s だが発送記録なし"}, true
	}
	return staffWords{}, false
}

// summaryIn is the staff summary in a staff language with staffWords.
func summaryIn(w staffWords, lang string, ins []Intent, f *facts) string {
	var b strings.Builder
	b.WriteString(fmt.Sprintf(w.buyer, lang) + w.sep + w.gist[ins[0]] + w.stop)
	if ins[0] != NoResponseNeeded {
		if f.has {
			b.WriteString(fmt.Sprintf(w.order, f.id) + w.sep + staffFact(w, f) + w.stop)
		} else {
			b.WriteString(w.noOrder + w.stop)
		}
	}
	var also []string
	for _, in := range ins[1:] {
		also = append(also, string(in))
	}
	if len(also) > 0 {
		b.WriteString(fmt.Sprintf(w.also, strings.Join(also, ", ")) + w.stop)
	}
	return strings.TrimSpace(b.String()) + fmt.Sprintf(w.names, strings.Join(intentNames(ins), "+"))
}

func staffFact(w staffWords, f *facts) string {
	switch f.stage() {
	case pending:
		return w.pending
	case unshipped:
		switch {
		case f.late:
			return fmt.Sprintf(w.lateBy, iso(f.shipBy))
		case !f.shipBy.IsZero():
			return fmt.Sprintf(w.shipBy, iso(f.shipBy))
		}
		return w.notShipped
	case partial:
		return fmt.Sprintf(w.partial, f.unitsShipped, f.unitsTotal, iso(f.shipDay), carrierTracking(f))
	case shipped:
		return fmt.Sprintf(w.shipped, iso(f.shipDay), carrierTracking(f))
	case delivered:
		if f.deliveredDay.IsZero() {
			return w.delivered
		}
		return fmt.Sprintf(w.deliveredOn, iso(f.deliveredDay))
	case canceled:
		s := w.canceled
		if !f.canceledDay.IsZero() {
			s = fmt.Sprintf(w.canceledOn, iso(f.canceledDay))
		}
		if f.refundCount > 0 {
			s += fmt.Sprintf(w.refunded, f.refundText)
		}
		return s
	}
	return fmt.Sprintf(w.unclear, f.status)
}

// carrierTracking is "UPS 1Z…", or the carrier alone without tracking.
func carrierTracking(f *facts) string {
	return strings.TrimSpace(f.carrier + " " + f.tracking)
}

func intentNames(ins []Intent) []string {
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = string(in)
	}
	return out
}
