package drafter

import "fmt"

// note is one kind of staff note; notes are written in the staff language
// (English, German, French, Italian, Spanish, Japanese or Chinese; any
// other staff language reads English).
type note int

const (
	noteCloser        note = iota // no args
	noteUnclear                   // no args
	noteUnclearGuess              // intent, percent
	noteMayAlsoMean               // intent, percent
	noteNotSure                   // intent, percent
	noteNotSureAlso               // intent, percent
	noteInEnglish                 // language name or code
	noteNoOrder                   // no args
	noteSeveralPoints             // intents, comma-separated
	noteConfirm                   // intent, percent, threshold percent
	noteSuggested                 // desk command
	noteTwoCharges                // order id, days
	notePhotos                    // no args
	noteOtherOrder                // named order, own order, own order
)

// staffNote writes a note in the staff language.
func staffNote(staff string, n note, args ...any) string {
	return fmt.Sprintf(noteFormat(staff, n), args...)
}

func noteFormat(staff string, n note) string {
	switch staff {
	case "zh":
		return [...]string{
			"看起来是结束语：可以标记为无需回复（请确认）。",
			"意图不明确：请检查草稿。",
			"意图不明确（最可能是 %s，%.0f%%）：请检查草稿。",
			"买家可能还想问 %s（%.0f%%）；草稿未回答这一点：请检查。",
			"不确定买家的意图是 %s（%.0f%%）：请检查草稿。",
			"不确定买家是否还想问 %s（%.0f%%）：请检查这一段。",
			"买家使用%s；草稿为英文。",
			"没有已验证的订单：草稿请买家提供订单号。",
			"草稿回答了多个问题：%s。",
			"不确定买家是否要 %s（%.0f%%，低于提出办理所需的 %.0f%%）：草稿请买家确认。",
			"建议：%s",
			"如果%[2]d天后买家仍看到订单 %[1]s 有两笔扣款，请索取交易明细并联系平台卖家支持：款项由平台收取。",
			"买家说已附上照片：回复前请查看。",
			"买家提到订单 %s，不是其已验证的订单 %s；草稿只涉及 %s。",
		}[n]
	case "de":
		return [...]string{
			"Sieht nach einer Abschlussnachricht aus: Sie können sie als „keine Antwort nötig“ markieren (bitte prüfen).",
			"Anliegen unklar: Entwurf bitte prüfen.",
			"Anliegen unklar (am ehesten %s, %.0f %%): Entwurf bitte prüfen.",
			"Der Käufer meint vielleicht auch %s (%.0f %%); der Entwurf geht nicht darauf ein: bitte prüfen.",
			"Nicht sicher, ob der Käufer %s meint (%.0f %%): Entwurf bitte prüfen.",
			"Nicht sicher, ob der Käufer auch %s meint (%.0f %%): diesen Absatz bitte prüfen.",
			"Der Käufer schreibt in einer anderen Sprache (%s); der Entwurf ist auf Englisch.",
			"Keine verifizierte Bestellung: Der Entwurf fragt nach der Bestellnummer.",
			"Der Entwurf beantwortet mehrere Punkte: %s.",
			"Nicht sicher, ob der Käufer %s möchte (%.0f %%, unter den %.0f %%, ab denen der Entwurf es anbietet): Der Entwurf bittet um Bestätigung.",
			"Vorschlag: %s",
			"Sieht der Käufer nach %[2]d Tagen immer noch zwei Abbuchungen für %[1]s, Buchungsdetails erfragen und beim Seller Support des Marktplatzes melden: Der Marktplatz wickelt die Zahlung ab.",
			"Der Käufer sagt, Fotos seien angehängt: bitte vor der Antwort ansehen.",
			"Der Käufer nennt die Bestellung %s, die nicht seine verifizierte Bestellung %s ist; der Entwurf behandelt nur %s.",
		}[n]
	case "fr":
		return [...]string{
			"Cela ressemble à un message de clôture : vous pouvez le marquer « pas de réponse nécessaire » (à confirmer).",
			"Demande peu claire : vérifiez le brouillon.",
			"Demande peu claire (probablement %s, %.0f %%) : vérifiez le brouillon.",
			"L’acheteur parle peut-être aussi de %s (%.0f %%) ; le brouillon n’y répond pas : à vérifier.",
			"Pas sûr que l’acheteur veuille dire %s (%.0f %%) : vérifiez le brouillon.",
			"Pas sûr que l’acheteur parle aussi de %s (%.0f %%) : vérifiez ce paragraphe.",
			"L’acheteur écrit dans une autre langue (%s) ; le brouillon est en anglais.",
			"Aucune commande vérifiée : le brouillon demande le numéro de commande.",
			"Le brouillon répond à plusieurs points : %s.",
			"Pas sûr que l’acheteur demande %s (%.0f %%, sous les %.0f %% requis pour le proposer) : le brouillon lui demande de confirmer.",
			"Suggestion : %s",
			"Si l’acheteur voit encore deux débits pour %[1]s après %[2]d jours, demandez le détail des transactions et signalez-le au support vendeur de la plateforme : c’est elle qui encaisse le paiement.",
			"L’acheteur dit avoir joint des photos : regardez-les avant de répondre.",
			"L’acheteur mentionne la commande %s, qui n’est pas sa commande vérifiée %s ; le brouillon ne traite que %s.",
		}[n]
	case "it":
		return [...]string{
			"Sembra un messaggio di chiusura: può segnarlo come «nessuna risposta necessaria» (da confermare).",
			"Richiesta poco chiara: controllare la bozza.",
			"Richiesta poco chiara (probabilmente %s, %.0f%%): controllare la bozza.",
			"L’acquirente forse intende anche %s (%.0f%%); la bozza non ne parla: controllare.",
			"Non è sicuro che l’acquirente intenda %s (%.0f%%): controllare la bozza.",
			"Non è sicuro che l’acquirente intenda anche %s (%.0f%%): controllare quel paragrafo.",
			"L’acquirente scrive in un’altra lingua (%s); la bozza è in inglese.",
			"Nessun ordine verificato: la bozza chiede il numero d’ordine.",
			"La bozza risponde a più punti: %s.",
			"Non è sicuro che l’acquirente voglia %s (%.0f%%, sotto il %.0f%% necessario per proporlo): la bozza chiede conferma.",
			"Suggerimento: %s",
			"Se dopo %[2]d giorni l’acquirente vede ancora due addebiti per %[1]s, chiedere i dettagli delle transazioni e segnalarlo al supporto venditori del marketplace: è il marketplace a incassare il pagamento.",
			"L’acquirente dice di aver allegato delle foto: guardarle prima di rispondere.",
			"L’acquirente cita l’ordine %s, che non è il suo ordine verificato %s; la bozza tratta solo %s.",
		}[n]
	case "es":
		return [...]string{
			"Parece un mensaje de cierre: puede marcarlo como «no necesita respuesta» (confírmelo).",
			"Consulta poco clara: revise el borrador.",
			"Consulta poco clara (lo más probable: %s, %.0f %%): revise el borrador.",
			"Puede que el comprador también se refiera a %s (%.0f %%); el borrador no lo responde: revíselo.",
			"No es seguro que el comprador se refiera a %s (%.0f %%): revise el borrador.",
			"No es seguro que el comprador también se refiera a %s (%.0f %%): revise ese párrafo.",
			"El comprador escribe en otro idioma (%s); el borrador está en inglés.",
			"Sin pedido verificado: el borrador pide el número de pedido.",
			"El borrador responde a varios puntos: %s.",
			"No es seguro que el comprador quiera %s (%.0f %%, por debajo del %.0f %% necesario para ofrecerlo): el borrador le pide que lo confirme.",
			"Sugerencia: %s",
			"Si pasados %[2]d días el comprador sigue viendo dos cargos por %[1]s, pida los datos de las transacciones y consúltelo con el soporte para vendedores del marketplace: el cobro lo gestiona el marketplace.",
			"El comprador dice que adjunta fotos: revíselas antes de responder.",
			"El comprador menciona el pedido %s, que no es su pedido verificado %s; el borrador solo trata %s.",
		}[n]
	case "ja":
		return [...]string{
			"締めくくりのメッセージのようです。「返信不要」にできます（要確認）。",
			"用件が不明確です。下書きを確認してください。",
			"用件が不明確です（推定 %s、%.0f%%）。下書きを確認してください。",
			"購入者は %s についても尋ねている可能性があります（%.0f%%）。下書きでは触れていないため確認してください。",
			"購入者の用件が %s か確信が持てません（%.0f%%）。下書きを確認してください。",
			"購入者が %s についても尋ねているか確信が持てません（%.0f%%）。該当の段落を確認してください。",
			"購入者は別の言語（%s）で書いています。下書きは英語です。",
			"確認済みの注文がありません。下書きでは注文番号を尋ねています。",
			"下書きは複数の用件に回答しています：%s。",
			"購入者が %s を希望しているか確信が持てません（%.0f%%、対応を申し出る基準 %.0f%% 未満）。下書きでは購入者に確認を求めています。",
			"提案：%s",
			"%[2]d日たっても %[1]s で2件の請求が残っている場合は、取引の詳細を購入者に確認し、マーケットプレイスのセラーサポートに連絡してください（決済はマーケットプレイスが行っています）。",
			"購入者は写真を添付したと言っています。返信前に確認してください。",
			"購入者は注文 %s に言及していますが、確認済みの注文は %s です。下書きは %s のみを扱っています。",
		}[n]
	}
	return [...]string{
		"Looks like a closing message: you may mark it no response needed (please confirm).",
		"Request unclear: check the draft.",
		"Request unclear (best guess %s, %.0f%%): check the draft.",
		"The buyer may also mean %s (%.0f%%); the draft does not answer it: check.",
		"Not sure the buyer means %s (%.0f%%): check the draft.",
		"Not sure the buyer also means %s (%.0f%%): check that paragraph.",
		"Buyer wrote in %s; the draft is in English.",
		"No verified order: the draft asks for the order number.",
		"The draft answers several points: %s.",
		"Not sure the buyer wants %s (%.0f%%, below the %.0f%% needed to offer it): the draft asks them to confirm.",
		"Suggested: %s",
		"If the buyer still sees two charges for %[1]s after %[2]d days, ask for the transaction details and raise it with the marketplace's seller support: the marketplace holds the payment.",
		"The buyer says photos are attached: check them before replying.",
		"Buyer mentions order %s, which is not their verified order %s; the draft covers %s only.",
	}[n]
}
