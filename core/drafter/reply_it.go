package drafter

import (
	"fmt"

	"github.com/sellerdesk/sellerdesk/core"
)

// it returns the paragraphs of an Italian reply; it mirrors en case by
// case, in the courtesy form (Lei) Italian customer service uses.
func (w *writer) it(in Intent) []string {
	f := w.f
	p := w.shop.Policy
	st := f.stage()
	s := func(sentences ...string) string { return para(" ", sentences...) }
	askID := "Potrebbe inviarci il numero d’ordine? Lo trova nell’e-mail di conferma dell’ordine."

	switch in {
	case TrackOrder:
		if st == noOrder {
			return []string{s("Controlliamo volentieri lo stato del Suo ordine.", askID)}
		}
		var extra string
		switch st {
		case shipped, partial:
			if f.tracking != "" && f.carrier != core.Other.DisplayName() {
				extra = fmt.Sprintf("Con questo numero può seguire la spedizione sul sito di %s.", f.carrier)
			}
		case delivered:
			extra = "Se non trova il pacco, La preghiamo di chiedere ai vicini e di controllare intorno al punto di consegna, poi ci scriva pure: La aiuteremo."
		case canceled:
			extra = w.itRefund()
		}
		return []string{s(w.itStatus(), extra)}

	case DeliveryTime:
		switch st {
		case noOrder:
			return []string{s(fmt.Sprintf("Spediamo gli ordini entro %d giorni lavorativi dall’acquisto; i tempi di consegna successivi dipendono dal metodo di spedizione scelto al momento dell’ordine.", p.HandlingDays),
				"Se ci invia il numero d’ordine, possiamo verificare il Suo.")}
		case shipped, partial:
			return []string{s(w.itStatus(), "La data di consegna prevista è indicata nella pagina di tracciamento del corriere.")}
		case unshipped:
			return []string{s(w.itStatus(), "Dopo la spedizione, i tempi di consegna dipendono dal metodo di spedizione scelto al momento dell’ordine.")}
		case canceled:
			return []string{s(w.itStatus(), w.itRefund())}
		}
		return []string{w.itStatus()}

	case CancelOrder:
		switch st {
		case noOrder:
			return []string{s("La aiutiamo volentieri.", "Potrebbe inviarci il numero dell’ordine che desidera annullare? Un ordine può essere annullato finché non è stato spedito.")}
		case pending:
			self := ""
			if f.buyerMayCancel() {
				self = fmt.Sprintf("Può anche annullarlo Lei stesso entro %d minuti dall’ordine, %s.", p.BuyerCancelMinutes, w.itOrdersPage())
			}
			return []string{s(fmt.Sprintf("Il pagamento del Suo ordine %s è ancora in fase di verifica, quindi per il momento non possiamo annullarlo da parte nostra.", f.id),
				"Il nostro team lo annullerà non appena sarà possibile e Le darà conferma qui.", self)}
		case unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Il Suo ordine %s è gestito %s, quindi l’annullamento va richiesto direttamente lì, con l’opzione di annullamento nei dettagli dell’ordine %s.", f.id, w.itFBA(), w.itOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito, quindi può ancora essere annullato.", f.id),
				"Il nostro team se ne occuperà e Le darà conferma qui non appena fatto.")}
		case partial:
			who := "Il nostro team esaminerà la Sua richiesta e Le risponderà qui."
			if f.marketplace {
				who = fmt.Sprintf("Questo ordine è gestito %s: La preghiamo di richiedere l’annullamento nei dettagli dell’ordine %s.", w.itFBA(), w.itOrdersPage())
			}
			return []string{s(fmt.Sprintf("Una parte del Suo ordine %s è già stata spedita (%s su %d; %s), quindi possono essere annullati solo gli articoli non ancora spediti.", f.id, itItems(f.unitsShipped), f.unitsTotal, w.itCarrier()),
				who, "Gli articoli già spediti potranno essere resi dopo la consegna.")}
		case shipped:
			return []string{s(fmt.Sprintf("Il Suo ordine %s è già stato spedito il %s (%s), quindi purtroppo non può più essere annullato.", f.id, dateIT(f.shipDay), w.itCarrier()),
				fmt.Sprintf("Una volta ricevuto, potrà restituirlo entro %d giorni dalla consegna.", p.ReturnWindowDays))}
		case delivered:
			return []string{s(w.itDelivered("quindi non può più essere annullato"), w.itReturnWindow())}
		case canceled:
			since := ""
			if !f.canceledDay.IsZero() {
				since = " (dal " + dateIT(f.canceledDay) + ")"
			}
			return []string{s(fmt.Sprintf("Il Suo ordine %s risulta già annullato%s: non deve fare nient’altro.", f.id, since), w.itRefund())}
		}
		return []string{w.itStatus()}

	case ChangeAddress:
		rule := "Una volta effettuato l’ordine, l’indirizzo di spedizione non può più essere modificato e il pacco non può essere reindirizzato: può essere consegnato solo all’indirizzo indicato nell’ordine."
		switch st {
		case noOrder:
			return []string{rule, s("Se il Suo ordine non è ancora stato spedito, la soluzione è annullarlo ed effettuare un nuovo ordine con l’indirizzo corretto.",
				"Potrebbe inviarci il numero d’ordine, così possiamo verificare?")}
		case pending:
			return []string{rule, s(fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito (il pagamento è in fase di verifica), quindi la soluzione è annullarlo ed effettuare un nuovo ordine con l’indirizzo corretto.", f.id),
				"Se lo desidera, ci risponda semplicemente per confermarlo e il nostro team lo annullerà il prima possibile.")}
		case unshipped:
			if f.marketplace {
				return []string{rule, s(fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito: può annullarlo nei dettagli dell’ordine %s ed effettuare un nuovo ordine con l’indirizzo corretto.", f.id, w.itOrdersPage()))}
			}
			return []string{rule, s(fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito, quindi la soluzione è annullarlo ed effettuare un nuovo ordine con l’indirizzo corretto.", f.id),
				"Se lo desidera, ci risponda semplicemente per confermarlo e il nostro team lo annullerà.")}
		case partial:
			return []string{rule, s(fmt.Sprintf("Una parte del Suo ordine %s è già stata spedita (%s).", f.id, w.itCarrier()),
				"Gli articoli non ancora spediti possono essere annullati, così potrà ordinarli di nuovo con l’indirizzo corretto: ci risponda per confermarlo e il nostro team se ne occuperà.")}
		case shipped:
			return []string{s(fmt.Sprintf("Il Suo ordine %s è già stato spedito il %s (%s), quindi l’indirizzo non può più essere modificato.", f.id, dateIT(f.shipDay), w.itCarrier()),
				"In caso di problemi con la consegna, ce lo faccia sapere e La aiuteremo.")}
		case delivered:
			return []string{s(w.itDelivered(""), "Se è stato consegnato all’indirizzo sbagliato, ci racconti cosa è successo e il nostro team La aiuterà.")}
		case canceled:
			return []string{s(fmt.Sprintf("Il Suo ordine %s è annullato, quindi non verrà spedito nulla a quell’indirizzo.", f.id),
				"Può effettuare senz’altro un nuovo ordine con l’indirizzo corretto.", w.itRefund())}
		}
		return []string{rule, w.itStatus()}

	case ReturnRequest:
		if st == noOrder {
			return []string{s(fmt.Sprintf("Gli articoli possono essere resi entro %d giorni dalla consegna.", p.ReturnWindowDays),
				"Potrebbe inviarci il numero d’ordine e indicarci quale articolo desidera restituire e per quale motivo? Così possiamo verificare per Lei.")}
		}
		if f.ret != nil {
			if t := w.itReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case f.returnOK:
			return []string{s(fmt.Sprintf("Il Suo ordine %s può essere reso fino al %s (%d giorni dalla %s).", f.id, dateIT(f.lastReturn), p.ReturnWindowDays, itFrom(f.windowFrom)),
				"Ci indichi quali articoli desidera restituire e per quale motivo: il nostro team esaminerà la richiesta e Le invierà le istruzioni per il reso.", w.itRefund())}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("Il periodo di reso del Suo ordine %s si è chiuso il %s (%d giorni dalla %s), quindi un reso ordinario non è più possibile.", f.id, dateIT(f.lastReturn), p.ReturnWindowDays, itFrom(f.windowFrom)),
				"Se l’articolo presenta un problema, ci racconti cosa è successo e il nostro team lo esaminerà.", w.itRefund())}
		case st == pending || st == unshipped:
			if f.marketplace {
				return []string{s(fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito, quindi non c’è nulla da restituire.", f.id),
					fmt.Sprintf("Se non lo desidera più, può annullarlo nei dettagli dell’ordine %s.", w.itOrdersPage()))}
			}
			return []string{s(fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito, quindi non c’è nulla da restituire.", f.id),
				"Se non lo desidera più, possiamo annullarlo: ci risponda semplicemente per confermarlo.")}
		case st == canceled:
			return []string{s(w.itCanceled(" e non è mai stato spedito, quindi non c’è nulla da restituire"), w.itRefund())}
		}
		return []string{w.itStatus()}

	case RefundStatus:
		if st == noOrder {
			return []string{s("Verifichiamo volentieri il Suo rimborso.", "Potrebbe inviarci il numero d’ordine?")}
		}
		if f.refundCount > 0 {
			return []string{s(w.itRefundDone(), "A seconda della banca o della carta, possono servire alcuni giorni lavorativi prima che l’importo compaia nell’estratto conto.")}
		}
		if f.ret != nil {
			if t := w.itReturnStatus(); t != "" {
				return []string{t}
			}
		}
		switch {
		case st == canceled:
			return []string{s(w.itCanceled(""), "Per questo ordine non risulta ancora alcun rimborso; il nostro team verificherà e Le risponderà qui.")}
		case f.returnOK:
			return []string{s(fmt.Sprintf("Per il Suo ordine %s non è ancora stato emesso alcun rimborso.", f.id),
				fmt.Sprintf("Il rimborso segue un reso, che può richiedere fino al %s: ci indichi quali articoli e per quale motivo, e il nostro team esaminerà la richiesta.", dateIT(f.lastReturn)))}
		case f.windowClosed:
			return []string{s(fmt.Sprintf("Per il Suo ordine %s non risulta alcun rimborso, e il periodo di reso si è chiuso il %s.", f.id, dateIT(f.lastReturn)),
				"Se l’articolo presenta un problema, ci racconti cosa è successo e il nostro team lo esaminerà.")}
		case st == pending || st == unshipped:
			return []string{s(fmt.Sprintf("Per il Suo ordine %s non risulta alcun rimborso: non è ancora stato spedito.", f.id),
				"Se preferisce annullarlo, ci risponda semplicemente per confermarlo.")}
		}
		return []string{s(fmt.Sprintf("Per il Suo ordine %s non è ancora stato emesso alcun rimborso.", f.id), "Il nostro team verificherà e Le risponderà qui.")}

	case DamagedOrWrongItem:
		photos := "Potrebbe inviarci una foto dell’articolo e dell’imballaggio? Il nostro team la esaminerà e Le indicherà le soluzioni possibili."
		if w.photos {
			photos = "La ringraziamo per le foto. Il nostro team le esaminerà e Le indicherà le soluzioni possibili."
		}
		switch {
		case st == noOrder:
			if w.photos {
				return []string{s("Ci dispiace che l’articolo Le sia arrivato in queste condizioni, e La ringraziamo per le foto.", "Potrebbe inviarci il numero d’ordine? Il nostro team esaminerà il caso e Le indicherà le soluzioni possibili.")}
			}
			return []string{s("Ci dispiace che l’articolo Le sia arrivato in queste condizioni.", "Potrebbe inviarci il numero d’ordine e una foto dell’articolo e dell’imballaggio? Il nostro team esaminerà il caso e Le indicherà le soluzioni possibili.")}
		case f.shipped || st == delivered:
			window := ""
			switch {
			case w.also(ReturnRequest):
			case f.returnOK:
				window = fmt.Sprintf("Il periodo di reso è ancora aperto (fino al %s).", dateIT(f.lastReturn))
			case f.windowClosed && w.photos:
				window = fmt.Sprintf("Il periodo di reso si è chiuso il %s, ma il nostro team esaminerà comunque il caso.", dateIT(f.lastReturn))
			case f.windowClosed:
				window = fmt.Sprintf("Il periodo di reso si è chiuso il %s, ma ci invii comunque le foto: il nostro team esaminerà il caso.", dateIT(f.lastReturn))
			}
			return []string{s(fmt.Sprintf("Ci dispiace per il problema con il Suo ordine %s.", f.id), photos, window)}
		}
		return []string{s("Ci dispiace molto.", fmt.Sprintf("Dai nostri dati risulta che il Suo ordine %s non è ancora stato spedito: potrebbe verificare con quale ordine è arrivato l’articolo e inviarci quel numero d’ordine?", f.id))}

	case Invoice:
		switch st {
		case noOrder:
			return []string{s("Potrebbe inviarci il numero dell’ordine per cui Le serve la fattura?", "Se deve riportare una ragione sociale o una partita IVA, ce le indichi pure.")}
		case canceled:
			return []string{s(w.itCanceled(""), w.itRefund(), "Se Le serve comunque un documento, ci dica a cosa Le serve e il nostro team La aiuterà.")}
		}
		return []string{s(fmt.Sprintf("Il nostro team preparerà la fattura per il Suo ordine %s e Gliela invierà qui.", f.id),
			"Se deve riportare una ragione sociale o una partita IVA, ce le indichi rispondendo a questo messaggio.")}

	case PaymentIssue:
		hold := "Al momento dell’ordine sulla carta viene solo bloccato un importo (un’autorizzazione); l’addebito vero e proprio avviene alla spedizione. Un’autorizzazione non utilizzata decade da sola, di solito entro pochi giorni lavorativi a seconda della banca."
		still := fmt.Sprintf("Se dopo %d giorni vede ancora due addebiti per questo ordine nell’estratto conto, ci invii data e importo di ciascuno (senza numero di carta, per favore): il nostro team verificherà con il marketplace.", duplicateChargeDays)
		other := "Se si tratta di altro, per esempio una carta rifiutata o un importo errato, ci dia qualche dettaglio in più."
		switch st {
		case noOrder:
			return []string{s("Ci dispiace per il problema con il pagamento.", "Se vede due addebiti per lo stesso ordine:", lowerFirst(hold)),
				"Potrebbe inviarci il numero d’ordine e descriverci cosa vede? Il nostro team se ne occuperà."}
		case pending:
			return []string{s(fmt.Sprintf("Il pagamento del Suo ordine %s è ancora in fase di verifica.", f.id),
				fmt.Sprintf("La verifica può richiedere fino a %d giorni; se il pagamento non può essere verificato, l’ordine viene annullato automaticamente.", p.PendingDays),
				"L’addebito avviene solo alla spedizione: un importo che vede ora è soltanto bloccato.",
				"Se la carta è stata rifiutata o è cambiata, aggiorni il metodo di pagamento nel Suo account.")}
		case unshipped:
			return []string{s(fmt.Sprintf("Il pagamento del Suo ordine %s è confermato. Poiché l’ordine non è ancora stato spedito, la carta non è stata ancora addebitata: quello che vede è un’autorizzazione, e l’addebito avverrà alla spedizione.", f.id),
				"Se compare una seconda autorizzazione, di solito decade da sola entro pochi giorni lavorativi, a seconda della banca."), s(still, other)}
		case partial:
			return []string{s(fmt.Sprintf("Il Suo ordine %s viene spedito in più colli e ogni spedizione viene addebitata alla partenza: può quindi vedere più addebiti che insieme formano il totale dell’ordine.", f.id), hold),
				s(still, other, w.itRefund())}
		case shipped, delivered:
			return []string{s(fmt.Sprintf("Il pagamento del Suo ordine %s è stato addebitato alla spedizione, il %s.", f.id, dateIT(f.shipDay)),
				"Se vede un secondo importo per lo stesso ordine, con ogni probabilità è l’autorizzazione bloccata al momento dell’ordine: decade da sola, di solito entro pochi giorni lavorativi a seconda della banca."),
				s(still, other, w.itRefund())}
		case canceled:
			return []string{s(w.itCanceled(""), w.itRefund(), "Se vede ancora un importo per questo ordine, con ogni probabilità è l’autorizzazione bloccata al momento dell’ordine, che la banca sblocca entro pochi giorni lavorativi."),
				fmt.Sprintf("Se dopo %d giorni è ancora presente, ci invii data e importo (senza numero di carta, per favore) e il nostro team se ne occuperà.", duplicateChargeDays)}
		}
		return []string{s(fmt.Sprintf("La ringraziamo per la segnalazione sul pagamento del Suo ordine %s.", f.id), hold), s(still, other)}

	case Complaint:
		about := ""
		if f.has {
			about = fmt.Sprintf(" con il Suo ordine %s", f.id)
		}
		return []string{s(fmt.Sprintf("Ci dispiace davvero per la Sua esperienza%s e La ringraziamo per avercelo fatto sapere.", about),
			"Un membro del nostro team leggerà personalmente il Suo messaggio e Le risponderà qui."), w.itStatus()}

	case HumanAgent:
		intro := "Sta scrivendo con il nostro team: ogni risposta qui è scritta o verificata da una persona."
		if !f.has {
			return []string{intro, "Come possiamo aiutarLa? Se si tratta di un ordine, ci indichi il numero d’ordine."}
		}
		return []string{intro, w.itStatus(), "Come possiamo aiutarLa?"}
	}

	if !f.has {
		return []string{s("La ringraziamo per il Suo messaggio. Il nostro team esaminerà la Sua domanda e Le risponderà qui.", "Se si tratta di un ordine, ci indichi il numero d’ordine.")}
	}
	return []string{s(fmt.Sprintf("La ringraziamo per il Suo messaggio sull’ordine %s.", f.id), "Il nostro team esaminerà la Sua domanda e Le risponderà qui.")}
}

func itFrom(from string) string {
	if from == "delivery" {
		return "consegna"
	}
	return "spedizione"
}

func (w *writer) itOrdersPage() string {
	if w.f.amazon {
		return "in «I miei ordini» del Suo account Amazon"
	}
	return "nel Suo account sul marketplace"
}

func (w *writer) itFBA() string {
	if w.f.amazon {
		return "dalla logistica di Amazon"
	}
	return "dal servizio logistico del marketplace"
}

func (w *writer) itStatus() string {
	f := w.f
	switch f.stage() {
	case pending:
		return fmt.Sprintf("Il pagamento del Suo ordine %s è in fase di verifica; lo prepareremo per la spedizione non appena sarà confermato.", f.id)
	case unshipped:
		by := ""
		if !f.shipBy.IsZero() {
			by = dateIT(f.shipBy)
		}
		switch {
		case f.marketplace:
			s := fmt.Sprintf("Il Suo ordine %s è gestito %s", f.id, w.itFBA())
			if by != "" {
				s += " e deve partire entro il " + by
			}
			return s + fmt.Sprintf("; il numero di tracciamento comparirà nei dettagli dell’ordine %s dopo la spedizione.", w.itOrdersPage())
		case f.late && by != "":
			return fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito. Doveva partire entro il %s e ci scusiamo per il ritardo. Le invieremo il numero di tracciamento non appena sarà spedito.", f.id, by)
		case by != "":
			return fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito; partirà entro il %s. Le invieremo il numero di tracciamento non appena sarà spedito.", f.id, by)
		}
		return fmt.Sprintf("Il Suo ordine %s non è ancora stato spedito. Le invieremo il numero di tracciamento non appena sarà spedito.", f.id)
	case partial:
		rest := ""
		if !f.shipBy.IsZero() {
			if f.late {
				rest = fmt.Sprintf(" Il resto doveva partire entro il %s e ci scusiamo per il ritardo.", dateIT(f.shipBy))
			} else {
				rest = fmt.Sprintf(" Il resto partirà entro il %s.", dateIT(f.shipBy))
			}
		}
		return fmt.Sprintf("Una parte del Suo ordine %s è stata spedita: finora %s su %d, l’ultima spedizione il %s (%s).%s", f.id, itItems(f.unitsShipped), f.unitsTotal, dateIT(f.shipDay), w.itCarrier(), rest)
	case shipped:
		if f.shipments > 1 {
			return fmt.Sprintf("Il Suo ordine %s è stato spedito in %d colli; l’ultimo è partito il %s (%s).", f.id, f.shipments, dateIT(f.shipDay), w.itCarrier())
		}
		if f.tracking != "" {
			return fmt.Sprintf("Il Suo ordine %s è stato spedito il %s con %s; il numero di tracciamento è %s.", f.id, dateIT(f.shipDay), f.carrier, f.tracking)
		}
		return fmt.Sprintf("Il Suo ordine %s è stato spedito il %s con %s.", f.id, dateIT(f.shipDay), f.carrier)
	case delivered:
		return w.itDelivered("")
	case canceled:
		if f.shipped {
			return w.itCanceled(fmt.Sprintf(" dopo che una parte era già stata spedita (%s)", w.itCarrier()))
		}
		return w.itCanceled(" e non verrà spedito")
	case unclear:
		return fmt.Sprintf("Il nostro team verificherà i dati di spedizione del Suo ordine %s e Le risponderà qui.", f.id)
	}
	return ""
}

func (w *writer) itCarrier() string {
	if w.f.tracking == "" {
		return w.f.carrier
	}
	return fmt.Sprintf("%s, numero di tracciamento %s", w.f.carrier, w.f.tracking)
}

func (w *writer) itDelivered(so string) string {
	f := w.f
	s := fmt.Sprintf("Il Suo ordine %s è stato consegnato", f.id)
	if !f.deliveredDay.IsZero() {
		s = fmt.Sprintf("Il Suo ordine %s è stato consegnato il %s", f.id, dateIT(f.deliveredDay))
	}
	if f.shipped {
		s += " (" + w.itCarrier() + ")"
	}
	if so != "" {
		s += ", " + so
	}
	return s + "."
}

func (w *writer) itCanceled(tail string) string {
	f := w.f
	s := fmt.Sprintf("Il Suo ordine %s è stato annullato", f.id)
	if !f.canceledDay.IsZero() {
		s += " il " + dateIT(f.canceledDay)
	}
	if f.paymentFailed {
		s += " perché non è stato possibile verificare il pagamento"
	}
	return s + tail + "."
}

func (w *writer) itReturnWindow() string {
	f := w.f
	switch {
	case f.returnOK:
		return fmt.Sprintf("Può ancora restituirlo fino al %s.", dateIT(f.lastReturn))
	case f.windowClosed:
		return fmt.Sprintf("Il periodo di reso si è chiuso il %s.", dateIT(f.lastReturn))
	}
	return ""
}

func (w *writer) itRefund() string {
	f := w.f
	switch f.refundCount {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("Il %s Le abbiamo rimborsato %s.", dateIT(f.refundDay), f.refundIn("it"))
	}
	return fmt.Sprintf("Le abbiamo rimborsato in totale %s, l’ultimo rimborso il %s.", f.refundIn("it"), dateIT(f.refundDay))
}

func (w *writer) itRefundDone() string {
	f := w.f
	if f.refundCount == 1 {
		return fmt.Sprintf("Il %s Le abbiamo rimborsato %s per il Suo ordine %s.", dateIT(f.refundDay), f.refundIn("it"), f.id)
	}
	return fmt.Sprintf("Per il Suo ordine %s Le abbiamo rimborsato in totale %s; l’ultimo rimborso è stato emesso il %s.", f.id, f.refundIn("it"), dateIT(f.refundDay))
}

func (w *writer) itReturnStatus() string {
	f := w.f
	p := w.shop.Policy
	switch f.ret.Status {
	case core.ReturnRequested:
		return fmt.Sprintf("Abbiamo ricevuto la Sua richiesta di reso per l’ordine %s e il nostro team la sta esaminando. Le confermeremo qui i prossimi passi.", f.id)
	case core.ReturnApproved:
		return fmt.Sprintf("Il Suo reso per l’ordine %s è stato approvato. La preghiamo di rispedirci gli articoli; il rimborso segue entro %d giorni lavorativi dal loro ricevimento.", f.id, p.RefundDays)
	case core.ReturnReceived:
		got := fmt.Sprintf("Abbiamo ricevuto il Suo reso per l’ordine %s.", f.id)
		if d := f.returnReceivedDay(); !d.IsZero() {
			got = fmt.Sprintf("Abbiamo ricevuto il Suo reso per l’ordine %s il %s.", f.id, dateIT(d))
		}
		if f.refundCount > 0 {
			return para(" ", got, w.itRefund())
		}
		if by := f.refundBy(); !by.IsZero() {
			return para(" ", got, fmt.Sprintf("Il rimborso è previsto entro il %s; Le daremo conferma qui non appena emesso.", dateIT(by)))
		}
		return para(" ", got, fmt.Sprintf("Il rimborso segue entro %d giorni lavorativi; Le daremo conferma qui non appena emesso.", p.RefundDays))
	case core.ReturnRefunded:
		if f.refundCount > 0 {
			return para(" ", fmt.Sprintf("Il Suo reso per l’ordine %s è concluso.", f.id), w.itRefund())
		}
		return fmt.Sprintf("Il nostro team verificherà il rimborso del Suo reso per l’ordine %s e Le risponderà qui.", f.id)
	case core.ReturnRejected:
		return fmt.Sprintf("La Sua richiesta di reso per l’ordine %s non è stata approvata. Se ha altri dettagli o delle foto, ce li invii e il nostro team riesaminerà il caso.", f.id)
	}
	return ""
}

func (w *writer) itConfirm(in Intent) string {
	f := w.f
	order, ofOrder := "un ordine", "di un ordine"
	if f.has {
		order, ofOrder = "il Suo ordine "+f.id, "del Suo ordine "+f.id
	}
	var q string
	switch in {
	case CancelOrder:
		q = fmt.Sprintf("Desidera annullare %s?", order)
	case ChangeAddress:
		q = fmt.Sprintf("Il Suo messaggio riguarda l’indirizzo di spedizione %s?", ofOrder)
	case ReturnRequest:
		q = fmt.Sprintf("Desidera restituire un articolo %s?", ofOrder)
	default:
		q = fmt.Sprintf("Il Suo messaggio riguarda un rimborso %s?", ofOrder)
	}
	ask := "Ce lo confermi rispondendo a questo messaggio e Le diremo cosa è possibile fare."
	if !f.has {
		ask = "Se è così, ci invii il numero d’ordine e Le diremo cosa è possibile fare."
	}
	return para(" ", "Vorremmo essere sicuri di aver capito bene la Sua richiesta.", q, ask)
}

// itItems is "1 articolo", "2 articoli".
func itItems(n int) string {
	if n == 1 {
		return "1 articolo"
	}
	return fmt.Sprintf("%d articoli", n)
}
