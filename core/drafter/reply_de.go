package drafter

import (
	"fmt"

	"github.com/sellerdesk/sellerdesk/core"
)

// de returns the paragraphs of a German reply; it mirrors en case by case,
// in the Sie form German shops write to customers.
func (w *writer) de(in Intent) []string {
	f := w.f
	p := w.shop.Policy
	st := f.stage()
	s := func(sentences ...string) string { return para(" ", sentences...) }
	askID := "Könnten Sie mir bitte Ihre Bestellnummer schicken? Sie finden sie in Ihrer Bestellbestätigung per E-Mail."

	switch in {
	case TrackOrder:
		if st == noOrder {
			return []string{s("Gerne sehe ich für Sie nach, wo Ihre Bestellung ist.", askID)}
		}
		var extra string
		switch st {
		case shipped, partial:
			if f.tracking != "" && f.carrier != core.Other.DisplayName() {
				extra = fmt.Sprintf("Mit dieser Sendungsnummer können Sie die Sendungsverfolgung auf der Website von %s nutzen.", f.carrier)
			}
		case delivered:
			extra = "Falls Sie das Paket nicht finden, fragen Sie bitte auch bei Ihren Nachbarn nach und sehen Sie an Ihrem Ablageort nach. Geben Sie uns danach gerne Bescheid, dann helfen wir Ihnen weiter."
		case canceled:
			extra = w.deRefund()
		}
		return []string{s(w.deStatus(), extra)}

	case DeliveryTime:
		switch st {
		case noOrder:
			return []string{s(fmt.Sprintf("Wir versenden Bestellungen innerhalb von %d Werktagen nach dem Kauf; die Lieferzeit danach hängt von der beim Kauf gewählten Versandart ab.", p.HandlingDays),
				"Wenn Sie mir Ihre Bestellnummer schicken, sehe ich gerne für Sie nach.")}
		case shipped, partial:
			return []string{s(w.deStatus(), "Das voraussichtliche Lieferdatum sehen Sie in der Sendungsverfolgung des Versanddienstleisters.")}
		case unshipped:
			return []string{s(w.deStatus(), "Nach dem Versand hängt die Lieferzeit von der beim Kauf gewählten Versandart ab.")}
		case canceled:
			return []string{s(w.deStatus(), w.deRefund())}
		}
		return []string{w.deStatus()}

	case CancelOrder:
		switch st {
		case noOrder:
			return []string{s("Dabei helfe ich Ihnen gerne.", "Könnten Sie mir bitte die Bestellnummer der Bestellung schicken, die Sie stornieren möchten? Eine Bestellung kann storniert werden, solange sie noch nicht versandt wurde.")}
		case pending:
			self := ""
			if f.buyerMayCancel() {
				self = fmt.Sprintf("Sie können sie innerhalb von %d Minuten nach der Bestellung auch selbst stornieren, %s.", p.BuyerCancelMinutes, w.deOrdersPage())
			}
			return []string{s(fmt.Sprintf("Für Ihre Bestellung %s wird die Zahlung noch geprüft; deshalb können wir sie im Moment noch nicht stornieren.", f.id),
				"Unser Team wird sie stornieren, sobald das möglich ist, und es Ihnen hier bestätigen.", self)}
		case unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Ihre Bestellung %s wird %s versandt; eine Stornierung beantragen Sie deshalb bitte direkt dort, über die Stornierungsoption in den Bestelldetails %s.", f.id, w.deFBA(), w.deOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt und kann daher noch storniert werden.", f.id),
				"Unser Team kümmert sich darum und bestätigt Ihnen die Stornierung hier, sobald sie erledigt ist.")}
		case partial:
			who := "Unser Team prüft Ihre Anfrage und meldet sich hier bei Ihnen."
			if f.marketplace {
				who = fmt.Sprintf("Diese Bestellung wird %s versandt; bitte beantragen Sie die Stornierung in den Bestelldetails %s.", w.deFBA(), w.deOrdersPage())
			}
			return []string{s(fmt.Sprintf("Ein Teil Ihrer Bestellung %s wurde bereits versandt (%d von %d Artikeln; %s), daher können nur noch die nicht versandten Artikel storniert werden.", f.id, f.unitsShipped, f.unitsTotal, w.deCarrier()),
				who, "Die bereits versandten Artikel können Sie nach Erhalt zurücksenden.")}
		case shipped:
			return []string{s(fmt.Sprintf("Ihre Bestellung %s wurde bereits am %s versandt (%s) und kann daher leider nicht mehr storniert werden.", f.id, dateDE(f.shipDay), w.deCarrier()),
				fmt.Sprintf("Nach Erhalt können Sie sie innerhalb von %d Tagen ab Zustellung zurücksenden.", p.ReturnWindowDays))}
		case delivered:
			return []string{s(w.deDelivered("und kann daher nicht mehr storniert werden"), w.deReturnWindow())}
		case canceled:
			since := ""
			if !f.canceledDay.IsZero() {
				since = " (seit dem " + dateDE(f.canceledDay) + ")"
			}
			return []string{s(fmt.Sprintf("Ihre Bestellung %s ist bereits storniert%s; Sie müssen nichts weiter tun.", f.id, since), w.deRefund())}
		}
		return []string{w.deStatus()}

	case ChangeAddress:
		rule := "Nach der Bestellung lässt sich die Lieferadresse leider nicht mehr ändern, und das Paket kann nicht umgeleitet werden: Es kann nur an die Adresse in der Bestellung geliefert werden."
		switch st {
		case noOrder:
			return []string{rule, s("Falls Ihre Bestellung noch nicht versandt wurde, ist die Lösung, sie zu stornieren und mit der richtigen Adresse neu zu bestellen.",
				"Könnten Sie mir bitte Ihre Bestellnummer schicken, damit ich das prüfen kann?")}
		case pending:
			return []string{rule, s(fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt (die Zahlung wird noch geprüft); die Lösung ist daher, sie zu stornieren und mit der richtigen Adresse neu zu bestellen.", f.id),
				"Wenn Sie das möchten, bestätigen Sie es uns bitte kurz mit einer Antwort; unser Team wird die Bestellung dann so bald wie möglich stornieren.")}
		case unshipped:
			if f.marketplace {
				return []string{rule, s(fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt: Sie können sie in den Bestelldetails %s stornieren und mit der richtigen Adresse neu bestellen.", f.id, w.deOrdersPage()))}
			}
			return []string{rule, s(fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt; die Lösung ist daher, sie zu stornieren und mit der richtigen Adresse neu zu bestellen.", f.id),
				"Wenn Sie das möchten, bestätigen Sie es uns bitte kurz mit einer Antwort; unser Team wird die Bestellung dann für Sie stornieren.")}
		case partial:
			return []string{rule, s(fmt.Sprintf("Ein Teil Ihrer Bestellung %s wurde bereits versandt (%s).", f.id, w.deCarrier()),
				"Die noch nicht versandten Artikel können storniert werden, damit Sie sie mit der richtigen Adresse neu bestellen: Bestätigen Sie uns das bitte kurz, dann kümmert sich unser Team darum.")}
		case shipped:
			return []string{s(fmt.Sprintf("Ihre Bestellung %s wurde bereits am %s versandt (%s); die Lieferadresse kann daher nicht mehr geändert werden.", f.id, dateDE(f.shipDay), w.deCarrier()),
				"Sollte das Paket nicht zugestellt werden können, geben Sie uns bitte Bescheid, dann helfen wir Ihnen weiter.")}
		case delivered:
			return []string{s(w.deDelivered(""), "Falls es an eine falsche Adresse ging, schildern Sie uns bitte, was passiert ist; unser Team hilft Ihnen dann weiter.")}
		case canceled:
			return []string{s(fmt.Sprintf("Ihre Bestellung %s ist storniert; an diese Adresse wird also nichts versandt.", f.id),
				"Sie können gerne mit der richtigen Adresse neu bestellen.", w.deRefund())}
		}
		return []string{rule, w.deStatus()}

	case ReturnRequest:
		if st == noOrder {
			return []string{s(fmt.Sprintf("Artikel können innerhalb von %d Tagen nach der Zustellung zurückgegeben werden.", p.ReturnWindowDays),
				"Könnten Sie mir bitte Ihre Bestellnummer schicken und mitteilen, welchen Artikel Sie zurücksenden möchten und warum? Dann prüfe ich das gerne für Sie.")}
		}
		if f.ret != nil {
			if t := w.deReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case f.returnOK:
			return []string{s(fmt.Sprintf("Ihre Bestellung %s kann bis zum %s zurückgegeben werden (%d Tage ab %s).", f.id, dateDE(f.lastReturn), p.ReturnWindowDays, deFrom(f.windowFrom)),
				"Teilen Sie uns bitte mit, welche Artikel Sie zurücksenden möchten und warum; unser Team prüft die Anfrage und schickt Ihnen dann die Rücksendeinformationen.", w.deRefund())}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("Die Rückgabefrist für Ihre Bestellung %s ist am %s abgelaufen (%d Tage ab %s); eine reguläre Rückgabe ist daher leider nicht mehr möglich.", f.id, dateDE(f.lastReturn), p.ReturnWindowDays, deFrom(f.windowFrom)),
				"Falls mit dem Artikel etwas nicht stimmt, schildern Sie uns bitte, was passiert ist; unser Team sieht sich das an.", w.deRefund())}
		case st == pending || st == unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt, es gibt also noch nichts zurückzusenden.", f.id),
					fmt.Sprintf("Wenn Sie sie nicht mehr möchten, können Sie sie in den Bestelldetails %s stornieren.", w.deOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt, es gibt also noch nichts zurückzusenden.", f.id),
				"Wenn Sie sie nicht mehr möchten, können wir sie stattdessen stornieren: Bestätigen Sie uns das einfach mit einer kurzen Antwort.")}
		case st == canceled:
			return []string{s(w.deCanceled(" und nie versandt; es gibt also nichts zurückzusenden"), w.deRefund())}
		}
		return []string{w.deStatus()}

	case RefundStatus:
		if st == noOrder {
			return []string{s("Gerne prüfe ich Ihre Erstattung.", "Könnten Sie mir bitte Ihre Bestellnummer schicken?")}
		}
		if f.refundCount > 0 {
			return []string{s(w.deRefundDone(), "Je nach Bank oder Karte kann es einige Werktage dauern, bis der Betrag auf Ihrem Kontoauszug erscheint.")}
		}
		if f.ret != nil {
			if t := w.deReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case st == canceled:
			return []string{s(w.deCanceled(""), "Eine Erstattung ist dafür bei uns noch nicht verbucht; unser Team prüft das und meldet sich hier bei Ihnen.")}
		case f.returnOK:
			return []string{s(fmt.Sprintf("Für Ihre Bestellung %s gibt es noch keine Erstattung.", f.id),
				fmt.Sprintf("Eine Erstattung setzt eine Rücksendung voraus, die Sie bis zum %s beantragen können: Teilen Sie uns mit, welche Artikel und warum, dann prüft unser Team die Anfrage.", dateDE(f.lastReturn)))}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("Für Ihre Bestellung %s gibt es keine Erstattung, und die Rückgabefrist ist am %s abgelaufen.", f.id, dateDE(f.lastReturn)),
				"Falls mit dem Artikel etwas nicht stimmt, schildern Sie uns bitte, was passiert ist; unser Team sieht sich das an.")}
		case st == pending || st == unshipped:
			return []string{s(fmt.Sprintf("Für Ihre Bestellung %s gibt es keine Erstattung: Sie wurde noch nicht versandt.", f.id),
				"Wenn Sie sie lieber stornieren möchten, bestätigen Sie uns das einfach mit einer kurzen Antwort.")}
		}
		return []string{s(fmt.Sprintf("Für Ihre Bestellung %s gibt es noch keine Erstattung.", f.id), "Unser Team prüft das und meldet sich hier bei Ihnen.")}

	case DamagedOrWrongItem:
		photos := "Könnten Sie uns bitte ein Foto des Artikels und der Verpackung schicken? Unser Team prüft es und meldet sich mit den möglichen Lösungen bei Ihnen."
		if w.photos {
			photos = "Vielen Dank für die Fotos. Unser Team prüft sie und meldet sich mit den möglichen Lösungen bei Ihnen."
		}
		switch {
		case st == noOrder:
			if w.photos {
				return []string{s("Es tut mir leid, dass Ihr Artikel so bei Ihnen angekommen ist, und vielen Dank für die Fotos.", "Könnten Sie mir bitte noch Ihre Bestellnummer schicken? Unser Team prüft den Fall dann und meldet sich mit den möglichen Lösungen bei Ihnen.")}
			}
			return []string{s("Es tut mir leid, dass Ihr Artikel so bei Ihnen angekommen ist.", "Könnten Sie mir bitte Ihre Bestellnummer und ein Foto des Artikels und der Verpackung schicken? Unser Team prüft den Fall und meldet sich mit den möglichen Lösungen bei Ihnen.")}
		case f.shipped || st == delivered:
			window := ""
			switch {
			case w.also(ReturnRequest):
			case f.returnOK:
				window = fmt.Sprintf("Die Rückgabefrist läuft noch bis zum %s.", dateDE(f.lastReturn))
			case f.windowClosed && w.photos:
				window = fmt.Sprintf("Die Rückgabefrist ist zwar am %s abgelaufen, unser Team sieht sich den Fall aber trotzdem an.", dateDE(f.lastReturn))
			case f.windowClosed:
				window = fmt.Sprintf("Die Rückgabefrist ist zwar am %s abgelaufen, schicken Sie uns die Fotos aber bitte trotzdem; unser Team sieht sich den Fall an.", dateDE(f.lastReturn))
			}
			return []string{s(fmt.Sprintf("Es tut mir leid, dass es mit Ihrer Bestellung %s ein Problem gibt.", f.id), photos, window)}
		}
		return []string{s("Das tut mir leid.", fmt.Sprintf("Laut unseren Unterlagen wurde Ihre Bestellung %s noch nicht versandt. Könnten Sie bitte prüfen, zu welcher Bestellung der Artikel gehört, und mir diese Bestellnummer schicken?", f.id))}

	case Invoice:
		switch st {
		case noOrder:
			return []string{s("Könnten Sie mir bitte die Bestellnummer der Bestellung schicken, für die Sie eine Rechnung benötigen?", "Falls ein Firmenname oder eine USt-IdNr. auf der Rechnung stehen soll, geben Sie diese bitte ebenfalls an.")}
		case canceled:
			return []string{s(w.deCanceled(""), w.deRefund(), "Falls Sie dafür trotzdem einen Beleg benötigen, teilen Sie uns bitte mit, wofür; unser Team hilft Ihnen gerne.")}
		}
		return []string{s(fmt.Sprintf("Unser Team erstellt die Rechnung für Ihre Bestellung %s und schickt sie Ihnen hier zu.", f.id),
			"Falls ein Firmenname oder eine USt-IdNr. auf der Rechnung stehen soll, teilen Sie uns diese bitte in Ihrer Antwort mit.")}

	case PaymentIssue:
		hold := "Bei der Bestellung wird auf Ihrer Karte zunächst nur ein Betrag vorgemerkt (eine Autorisierung); belastet wird die Karte erst beim Versand. Eine nicht genutzte Vormerkung verfällt von selbst, je nach Bank meist innerhalb weniger Werktage."
		still := fmt.Sprintf("Sollten nach %d Tagen immer noch zwei Abbuchungen für diese Bestellung auf Ihrem Kontoauszug stehen, schicken Sie uns bitte Datum und Betrag der beiden Buchungen (bitte keine Kartennummern); unser Team klärt das dann mit dem Marktplatz.", duplicateChargeDays)
		other := "Falls es um etwas anderes geht, etwa eine abgelehnte Karte oder einen falschen Betrag, schildern Sie uns bitte kurz, was passiert ist."
		switch st {
		case noOrder:
			return []string{s("Es tut mir leid, dass es bei der Zahlung Schwierigkeiten gibt.", "Falls Sie zwei Abbuchungen für eine Bestellung sehen:", hold),
				"Könnten Sie mir bitte Ihre Bestellnummer schicken und kurz schildern, was Sie sehen? Unser Team kümmert sich darum."}
		case pending:
			return []string{s(fmt.Sprintf("Die Zahlung für Ihre Bestellung %s wird noch geprüft.", f.id),
				fmt.Sprintf("Die Prüfung kann bis zu %d Tage dauern; kann die Zahlung nicht bestätigt werden, wird die Bestellung automatisch storniert.", p.PendingDays),
				"Belastet wird erst beim Versand; ein Betrag, den Sie jetzt sehen, ist nur vorgemerkt.",
				"Falls Ihre Karte abgelehnt wurde oder sich geändert hat, aktualisieren Sie bitte die Zahlungsart in Ihrem Kundenkonto.")}
		case unshipped:
			return []string{s(fmt.Sprintf("Die Zahlung für Ihre Bestellung %s ist bestätigt. Da die Bestellung noch nicht versandt wurde, ist Ihre Karte noch nicht belastet: Was Sie sehen, ist eine Vormerkung (Autorisierung), die Abbuchung erfolgt erst beim Versand.", f.id),
				"Eine zweite Vormerkung verfällt je nach Bank meist innerhalb weniger Werktage von selbst."), s(still, other)}
		case partial:
			return []string{s(fmt.Sprintf("Ihre Bestellung %s wird in mehreren Paketen versandt, und jede Sendung wird beim Versand einzeln abgebucht; Sie sehen daher möglicherweise mehrere Beträge, die zusammen die Bestellsumme ergeben.", f.id), hold),
				s(still, other, w.deRefund())}
		case shipped, delivered:
			return []string{s(fmt.Sprintf("Die Zahlung für Ihre Bestellung %s wurde beim Versand am %s abgebucht.", f.id, dateDE(f.shipDay)),
				"Sehen Sie für dieselbe Bestellung einen zweiten Betrag, ist das in der Regel die Vormerkung aus der Bestellung; sie verfällt von selbst, je nach Bank meist innerhalb weniger Werktage."),
				s(still, other, w.deRefund())}
		case canceled:
			return []string{s(w.deCanceled(""), w.deRefund(), "Sehen Sie dafür trotzdem noch einen Betrag, ist das in der Regel die Vormerkung aus der Bestellung, die Ihre Bank innerhalb weniger Werktage freigibt."),
				fmt.Sprintf("Ist der Betrag nach %d Tagen immer noch da, schicken Sie uns bitte Datum und Betrag (bitte keine Kartennummern); unser Team kümmert sich darum.", duplicateChargeDays)}
		}
		return []string{s(fmt.Sprintf("Vielen Dank für Ihren Hinweis zur Zahlung Ihrer Bestellung %s.", f.id), hold), s(still, other)}

	case Complaint:
		about := ""
		if f.has {
			about = fmt.Sprintf(" mit Ihrer Bestellung %s", f.id)
		}
		return []string{s(fmt.Sprintf("Es tut mir leid, dass Sie%s schlechte Erfahrungen gemacht haben, und vielen Dank, dass Sie uns das mitteilen.", about),
			"Eine Kollegin oder ein Kollege aus unserem Team liest Ihre Nachricht persönlich und antwortet Ihnen hier."), w.deStatus()}

	case HumanAgent:
		intro := "Sie schreiben direkt mit unserem Team: Jede Antwort hier wird von einem Menschen verfasst oder geprüft."
		if !f.has {
			return []string{intro, "Wie können wir Ihnen helfen? Wenn es um eine Bestellung geht, geben Sie bitte die Bestellnummer mit an."}
		}
		return []string{intro, w.deStatus(), "Wie können wir Ihnen helfen?"}
	}

	if !f.has {
		return []string{s("Vielen Dank für Ihre Nachricht. Unser Team sieht sich Ihre Frage an und antwortet Ihnen hier.", "Wenn es um eine Bestellung geht, geben Sie bitte die Bestellnummer mit an.")}
	}
	return []string{s(fmt.Sprintf("Vielen Dank für Ihre Nachricht zu Ihrer Bestellung %s.", f.id), "Unser Team sieht sich Ihre Frage an und antwortet Ihnen hier.")}
}

func deFrom(from string) string {
	if from == "delivery" {
		return "Zustellung"
	}
	return "Versand"
}

// deOrdersPage names where the buyer manages the order: Amazon's own page
// only for an Amazon order.
func (w *writer) deOrdersPage() string {
	if w.f.amazon {
		return "in Ihrem Amazon-Konto unter „Meine Bestellungen“"
	}
	return "in Ihrem Kundenkonto auf dem Marktplatz"
}

// deFBA says who ships a marketplace-fulfilled order.
func (w *writer) deFBA() string {
	if w.f.amazon {
		return "von Amazon (Versand durch Amazon)"
	}
	return "vom Versandservice des Marktplatzes"
}

func (w *writer) deStatus() string {
	f := w.f
	switch f.stage() {
	case pending:
		return fmt.Sprintf("Für Ihre Bestellung %s wird die Zahlung noch geprüft; sobald sie bestätigt ist, bereiten wir den Versand vor.", f.id)
	case unshipped:
		by := ""
		if !f.shipBy.IsZero() {
			by = dateDE(f.shipBy)
		}
		switch {
		case f.marketplace:
			s := fmt.Sprintf("Ihre Bestellung %s wird %s versandt", f.id, w.deFBA())
			if by != "" {
				s += " und soll bis zum " + by + " verschickt werden"
			}
			return s + fmt.Sprintf("; die Sendungsnummer finden Sie nach dem Versand in den Bestelldetails %s.", w.deOrdersPage())
		case f.late && by != "":
			return fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt. Der Versand war bis zum %s vorgesehen; bitte entschuldigen Sie die Verzögerung. Sobald sie unterwegs ist, schicken wir Ihnen die Sendungsnummer.", f.id, by)
		case by != "":
			return fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt; sie wird spätestens am %s verschickt. Sobald sie unterwegs ist, schicken wir Ihnen die Sendungsnummer.", f.id, by)
		}
		return fmt.Sprintf("Ihre Bestellung %s wurde noch nicht versandt. Sobald sie unterwegs ist, schicken wir Ihnen die Sendungsnummer.", f.id)
	case partial:
		rest := ""
		if !f.shipBy.IsZero() {
			if f.late {
				rest = fmt.Sprintf(" Der Versand des Rests war bis zum %s vorgesehen; bitte entschuldigen Sie die Verzögerung.", dateDE(f.shipBy))
			} else {
				rest = fmt.Sprintf(" Der Rest wird spätestens am %s verschickt.", dateDE(f.shipBy))
			}
		}
		return fmt.Sprintf("Ein Teil Ihrer Bestellung %s ist bereits unterwegs: bisher %d von %d Artikeln, zuletzt versandt am %s (%s).%s", f.id, f.unitsShipped, f.unitsTotal, dateDE(f.shipDay), w.deCarrier(), rest)
	case shipped:
		if f.shipments > 1 {
			return fmt.Sprintf("Ihre Bestellung %s wurde in %d Paketen versandt; das letzte ging am %s raus (%s).", f.id, f.shipments, dateDE(f.shipDay), w.deCarrier())
		}
		if f.tracking != "" {
			return fmt.Sprintf("Ihre Bestellung %s wurde am %s mit %s versandt; die Sendungsnummer lautet %s.", f.id, dateDE(f.shipDay), f.carrier, f.tracking)
		}
		return fmt.Sprintf("Ihre Bestellung %s wurde am %s mit %s versandt.", f.id, dateDE(f.shipDay), f.carrier)
	case delivered:
		return w.deDelivered("")
	case canceled:
		if f.shipped {
			return w.deCanceled(fmt.Sprintf(", nachdem ein Teil bereits versandt war (%s)", w.deCarrier()))
		}
		return w.deCanceled(" und wird nicht versandt")
	case unclear:
		return fmt.Sprintf("Unser Team prüft die Versanddaten Ihrer Bestellung %s und meldet sich hier bei Ihnen.", f.id)
	}
	return ""
}

func (w *writer) deCarrier() string {
	if w.f.tracking == "" {
		return w.f.carrier
	}
	return fmt.Sprintf("%s, Sendungsnummer %s", w.f.carrier, w.f.tracking)
}

// deDelivered says the order was delivered; so continues the sentence
// ("und kann daher nicht mehr storniert werden").
func (w *writer) deDelivered(so string) string {
	f := w.f
	s := fmt.Sprintf("Ihre Bestellung %s wurde zugestellt", f.id)
	if !f.deliveredDay.IsZero() {
		s = fmt.Sprintf("Ihre Bestellung %s wurde am %s zugestellt", f.id, dateDE(f.deliveredDay))
	}
	if f.shipped {
		s += " (" + w.deCarrier() + ")"
	}
	if so != "" {
		s += " " + so
	}
	return s + "."
}

// deCanceled says the order was cancelled; tail continues the sentence.
func (w *writer) deCanceled(tail string) string {
	f := w.f
	s := fmt.Sprintf("Ihre Bestellung %s wurde", f.id)
	if !f.canceledDay.IsZero() {
		s += " am " + dateDE(f.canceledDay)
	}
	if f.paymentFailed {
		s += ", da die Zahlung nicht bestätigt werden konnte,"
	}
	return s + " storniert" + tail + "."
}

func (w *writer) deReturnWindow() string {
	f := w.f
	switch {
	case f.returnOK:
		return fmt.Sprintf("Sie können sie noch bis zum %s zurückgeben.", dateDE(f.lastReturn))
	case f.windowClosed:
		return fmt.Sprintf("Die Rückgabefrist ist am %s abgelaufen.", dateDE(f.lastReturn))
	}
	return ""
}

// deRefund mentions refunds only when one exists.
func (w *writer) deRefund() string {
	f := w.f
	switch f.refundCount {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("Am %s haben wir Ihnen einen Betrag von %s erstattet.", dateDE(f.refundDay), f.refundIn("de"))
	}
	return fmt.Sprintf("Wir haben Ihnen insgesamt %s erstattet, zuletzt am %s.", f.refundIn("de"), dateDE(f.refundDay))
}

func (w *writer) deRefundDone() string {
	f := w.f
	if f.refundCount == 1 {
		return fmt.Sprintf("Für Ihre Bestellung %s haben wir Ihnen am %s einen Betrag von %s erstattet.", f.id, dateDE(f.refundDay), f.refundIn("de"))
	}
	return fmt.Sprintf("Für Ihre Bestellung %s haben wir Ihnen insgesamt %s erstattet; die letzte Erstattung erfolgte am %s.", f.id, f.refundIn("de"), dateDE(f.refundDay))
}

func (w *writer) deReturnStatus() string {
	f := w.f
	p := w.shop.Policy
	switch f.ret.Status {
	case core.ReturnRequested:
		return fmt.Sprintf("Ihre Rücksendeanfrage zur Bestellung %s liegt uns vor, und unser Team prüft sie gerade. Die nächsten Schritte bestätigen wir Ihnen hier.", f.id)
	case core.ReturnApproved:
		return fmt.Sprintf("Ihre Rücksendung zur Bestellung %s wurde genehmigt. Bitte senden Sie die Artikel zurück; wir erstatten den Betrag innerhalb von %d Werktagen nach Eingang bei uns.", f.id, p.RefundDays)
	case core.ReturnReceived:
		got := fmt.Sprintf("Ihre Rücksendung zur Bestellung %s ist bei uns eingegangen.", f.id)
		if d := f.returnReceivedDay(); !d.IsZero() {
			got = fmt.Sprintf("Ihre Rücksendung zur Bestellung %s ist am %s bei uns eingegangen.", f.id, dateDE(d))
		}
		if f.refundCount > 0 {
			return para(" ", got, w.deRefund())
		}
		if by := f.refundBy(); !by.IsZero() {
			return para(" ", got, fmt.Sprintf("Wir erstatten den Betrag bis spätestens %s und bestätigen es Ihnen hier, sobald es so weit ist.", dateDE(by)))
		}
		return para(" ", got, fmt.Sprintf("Wir erstatten den Betrag innerhalb von %d Werktagen und bestätigen es Ihnen hier, sobald es so weit ist.", p.RefundDays))
	case core.ReturnRefunded:
		if f.refundCount > 0 {
			return para(" ", fmt.Sprintf("Ihre Rücksendung zur Bestellung %s ist abgeschlossen.", f.id), w.deRefund())
		}
		return fmt.Sprintf("Unser Team prüft die Erstattung zu Ihrer Rücksendung für die Bestellung %s und meldet sich hier bei Ihnen.", f.id)
	case core.ReturnRejected:
		return fmt.Sprintf("Ihre Rücksendeanfrage zur Bestellung %s wurde leider nicht genehmigt. Wenn Sie weitere Angaben oder Fotos haben, schicken Sie sie uns bitte; unser Team sieht sich den Fall dann noch einmal an.", f.id)
	}
	return ""
}

func (w *writer) deConfirm(in Intent) string {
	f := w.f
	acc, dat := "eine Bestellung", "einer Bestellung" // accusative; dative and genitive
	if f.has {
		acc, dat = "Ihre Bestellung "+f.id, "Ihrer Bestellung "+f.id
	}
	var q string
	switch in {
	case CancelOrder:
		q = fmt.Sprintf("Möchten Sie %s stornieren?", acc)
	case ChangeAddress:
		q = fmt.Sprintf("Geht es Ihnen um die Lieferadresse %s?", dat)
	case ReturnRequest:
		q = fmt.Sprintf("Möchten Sie einen Artikel aus %s zurücksenden?", dat)
	default:
		q = fmt.Sprintf("Geht es Ihnen um eine Erstattung für %s?", acc)
	}
	ask := "Bitte bestätigen Sie uns das kurz; wir teilen Ihnen dann mit, was möglich ist."
	if !f.has {
		ask = "Falls ja, schicken Sie mir bitte die Bestellnummer; wir teilen Ihnen dann mit, was möglich ist."
	}
	return para(" ", "Damit ich Ihr Anliegen richtig verstehe, eine kurze Rückfrage:", q, ask)
}
