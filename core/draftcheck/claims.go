package draftcheck

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sellerdesk/sellerdesk/core"
)

// family is a kind of thing a draft may say was done.
type family int

const (
	refunded family = iota
	cancelled
	shipped
	delivered
	returnRequested
	returnReceived
	returnApproved
)

// claimWords are the ways of saying a thing was done, on normalised text
// (lower case, accents off, ä as ae). Each names the thing as done — a
// participle, a past tense, a noun with "issued"/"processed" — never an
// infinitive or a future: "we can refund" says nothing was done, so
// nothing needs backing. Latin-script patterns are judged by the words in
// front of them (wordSoftened); the Chinese, Japanese and Korean ones carry
// their completion marker (已, 了, しました, 済み, 되었) and are judged by
// the characters around them (charSoftened).
type claimWords struct {
	fam   family
	latin bool
	// verbFinal marks German, where a modal or auxiliary stands far ahead of
	// the participle that ends the clause ("wird innerhalb von 2 Tagen
	// erstattet"); see clauseSoftened.
	verbFinal bool
	re        *regexp.Regexp
}

// gap is up to six words or numbers between a noun and the word that says
// it was done: "refund of 26.00 USD was issued". Negations and modals in
// the gap are looked for separately (spanSoftened).
const gap = `(?: (?:[^\s,;:!?]|,\d)+){0,6}? `

// done is a noun followed, within a gap, by one of the words that say it
// was done.
func done(noun, verbs string) string { return `(?:` + noun + `)` + gap + `(?:` + verbs + `)` }

func latin(fam family, patterns ...string) claimWords {
	return claimWords{fam: fam, latin: true, re: regexp.MustCompile(`\b(?:` + strings.Join(patterns, "|") + `)\b`)}
}

func german(fam family, patterns ...string) claimWords {
	cw := latin(fam, patterns...)
	cw.verbFinal = true
	return cw
}

func cjk(fam family, patterns ...string) claimWords {
	return claimWords{fam: fam, re: regexp.MustCompile(strings.Join(patterns, "|"))}
}

var claimTable = []claimWords{
	// Money went back. Listed first: "your money was returned" is a refund,
	// and a later family does not read a refund claim's words again.
	latin(refunded,
		// en
		`refunded`, `reimbursed`, `repaid`, `credited(?: back)?`, `charge(?:back)? (?:was |has been )?reversed`,
		`(?:money|funds|payment|amount|purchase price|charge)(?: \w+){0,3}? (?:returned|reversed|paid back|sent back|given back|transferred back|credited|back on)`,
		`(?:returned|reversed|paid back|sent back|given back|transferred back) (?:\w+ ){0,2}?(?:money|funds|payment|amount|purchase price)`,
		`money back`, `paid (?:you )?back`, `received (?:\w+ ){0,2}?refund`,
		`(?:refund|reimbursement)(?: status)? ?[:=-] ?(?:done|completed?|processed|issued|sent|approved|confirmed|successful|yes|ok)`,
		done(`refunds?|reimbursement`, `issued|processed|completed?|approved|sent|made|done|initiated|credited|paid|finali[sz]ed|confirmed|successful|on its way|went through|gone through|through|granted|given|arranged|authori[sz]ed`),
		`(?:issued|processed|completed|approved|sent|made|initiated|given|granted|arranged|organi[sz]ed|triggered|started|put through) (?:you )?(?:a |an |the |your )?(?:full |partial |complete )?refund`,
		// fr
		`rembourse(?:e|s|es)?`, `procede (?:au|a votre|a un) remboursement`, `(?:effectue|emis|fait) (?:le |votre |un )?remboursement`, `(?:re)?credite(?:e|s|es)?`,
		done(`remboursement`, `effectue|emis|traite|envoye|fait|valide|realise|vire`),
		`argent(?: \w+){0,3}? (?:rendu|restitue|renvoye|retourne|vire)`,
		// es
		`reembolsad[oa]s?`, `reintegrad[oa]s?`, `abonad[oa]s?`,
		`(?:dinero|importe|pago)(?: \w+){0,3}? (?:devuelto|reintegrado|abonado)`, `devuelto (?:el |su )?(?:dinero|importe|pago)`,
		done(`reembolso`, `procesado|emitido|realizado|efectuado|completado|enviado|hecho|aprobado`),
		// it
		`rimborsat[oaie]`, `provveduto (?:al|a) rimborso`, `riaccreditat[oaie]`, `accreditat[oaie]`,
		`(?:importo|denaro|soldi|pagamento)(?: \w+){0,3}? (?:restituit[oaie]|resi?|rest?ituito)`,
		done(`rimborso`, `emesso|elaborato|effettuato|completato|inviato|eseguito|approvato|andato a buon fine`),
	),
	german(refunded,
		`(?:zurueck|rueck)?erstattet`, `gutgeschrieben`, `zurueckgezahlt`, `zurueckueberwiesen`, `zurueckerhalten`, `zurueckgebucht`,
		done(`(?:rueck)?erstattung`, `veranlasst|ausgefuehrt|bearbeitet|durchgefuehrt|erfolgt|abgeschlossen|angewiesen|ueberwiesen`),
	),
	cjk(refunded,
		// zh: 已 … 退款, 退款 … 成功/完成/到账, 退了/退款了
		`已经?(?:为您|給您|给您|向您|帮您|替您|将|把)?[^，。！？；,.!?;]{0,12}?(?:退款|退還|退还|退回|退钱|返还|退費|退费|返款|退了|退给|退給|退到|退至|打回|原路返回|原路退回|已退)`,
		`已退`, `退了`,
		`(?:退款|退还|退還|退回|返款)(?:已经?|都)?(?:成功|完成|办理完|处理完|到账|到帳|退回)`,
		`(?:退款|退钱|退了)了`, `退了[^，。！？；,.!?;]{0,8}?(?:款|钱|元)`,
		// ja
		`(?:返金|払い戻し|払戻し?|ご返金)(?:の|を|が|は)?(?:お?手続き|処理)?(?:を|が|は)?(?:完了|済み?)`,
		`(?:返金|払い戻し|払戻し?|ご返金)(?:の|を|が|は)?(?:お?手続き|処理)?(?:を|が|は)?(?:し|いたし|致し|され|させていただき|させて頂き|しておき|行い|済ませ|扱いとなり|となり)ました`,
		// ko
		`환불\s?(?:이|가|을|를)?\s?(?:되었|됐|완료|했|해\s?드렸|처리되었|처리했)`,
	),
	latin(cancelled,
		`cancell?ed`, `voided`, `called off`, `annulled`, `rescinded`,
		`(?:order|purchase)(?: \w+){0,3}? (?:terminated|withdrawn|revoked|scrapped|aborted|deleted|stopped|removed|killed)`,
		`cancell?ation(?: status)? ?[:=-] ?(?:done|completed?|processed|confirmed|successful|yes|ok)`,
		done(`cancell?ation`, `processed|completed?|confirmed|done|approved|went through|successful|finali[sz]ed|accepted`),
		`(?:processed|completed|confirmed|approved|accepted) (?:the |your )?cancell?ation`,
		`annule(?:e|s|es)?`, `procede a (?:l'|votre )?annulation`, done(`annulation`, `effectuee|confirmee|traitee|prise en compte|validee`),
		`cancelad[oa]s?`, `anulad[oa]s?`, done(`cancelacion`, `procesada|confirmada|completada|realizada|efectuada`),
		`annullat[oaie]`, `provveduto (?:all'|al )?annullamento`, `cancellat[oaie]`, `stornat[oaie]`,
	),
	german(cancelled,
		`storniert`, `annulliert`, done(`stornierung`, `durchgefuehrt|bestaetigt|abgeschlossen|erfolgt|bearbeitet`),
	),
	cjk(cancelled,
		`已经?(?:为您|给您|給您|帮您|替您|被|将|把)?[^，。！？；,.!?;]{0,10}?(?:取消|撤销|撤銷|作废|作廢|撤单)`,
		`(?:取消|撤销|撤銷|作废|作廢)(?:已经?)?(?:成功|完成)`, `(?:取消|撤销|作废)了`, `取消好了`,
		`(?:キャンセル|取り消し|取消し?)(?:の|を|が|は)?(?:お?手続き|処理)?(?:を|が|は)?(?:完了|済み?)`,
		`(?:キャンセル|取り消し|取消し?)(?:の|を|が|は)?(?:お?手続き|処理)?(?:を|が|は)?(?:し|いたし|致し|され|させていただき|させて頂き|しておき|行い|済ませ|扱いとなり|となり)ました`,
		`취소\s?(?:이|가|을|를)?\s?(?:되었|됐|완료|했|처리되었|처리했)`,
	),
	latin(shipped,
		`shipped`, `dispatched`, `sent out`, `mailed`, `in transit`, `on (?:its|their) way`, `out for delivery`,
		`(?:handed|given) (?:\w+ ){0,2}?(?:to|over to) (?:the )?(?:carrier|courier|ups|usps|fedex|dhl|post office|postal service|royal mail|amazon logistics)`,
		`left (?:our|the) (?:warehouse|facility|store|premises)`,
		`sent (?:you )?(?:your|the) (?:order|package|parcel|item|items|goods)`,
		`(?:order|package|parcel|item|items|shipment)(?: \w+){0,3}? (?:sent|posted)`,
		`expedie(?:e|s|es)?`, `en (?:cours de )?(?:route|livraison|acheminement)`, `en transit`,
		`(?:commande|colis|article|articles|paquet)(?: \w+){0,3}? envoye(?:e|s|es)?`, `envoye(?:e|s|es)? (?:votre|la|le|vos|les) (?:commande|colis|article|articles|paquet)`,
		`despachad[oa]s?`, `expedid[oa]s?`, `en camino`, `en transito`,
		`(?:pedido|paquete|articulo|articulos)(?: \w+){0,3}? enviad[oa]s?`, `enviad[oa]s? (?:su|el|sus|los) (?:pedido|paquete|articulo|articulos)`,
		`spedit[oaie]`, `in transito`, `in viaggio`, `in consegna`,
		`(?:ordine|pacco|articolo|articoli)(?: \w+){0,3}? inviat[oaie]`, `inviat[oaie] (?:il|suo|tuo|l'|i) ?(?:ordine|pacco|articolo|articoli)`,
	),
	german(shipped, `versandt`, `versendet`, `verschickt`, `abgeschickt`, `unterwegs`, `auf dem weg`),
	cjk(shipped,
		`已经?(?:为您|给您|給您|帮您|被|将|把)?[^，。！？；,.!?;]{0,10}?(?:发货|發貨|寄出|发出|發出|出库|出庫|发走|寄走|交给快递|交給快遞)`,
		`(?:发货|發貨|寄出|发出|出库)了`, `(?:正在|已在)(?:运输|配送|派送)(?:途中|中)`,
		`(?:発送|出荷)(?:の|を|が|は)?(?:お?手続き|処理)?(?:を|が|は)?(?:完了|済み?)`,
		`(?:発送|出荷)(?:の|を|が|は)?(?:お?手続き|処理)?(?:を|が|は)?(?:し|いたし|致し|され|させていただき|させて頂き|しておき|行い|済ませ|扱いとなり|となり)ました`,
		`(?:발송|배송|출고)\s?(?:이|가|을|를)?\s?(?:되었|됐|완료|했|처리되었)`,
	),
	latin(delivered,
		`delivered`, `livree?s?`, `entregad[oa]s?`, `consegnat[oaie]`,
	),
	german(delivered, `zugestellt`, `ausgeliefert`),
	cjk(delivered,
		`已经?(?:被)?(?:签收|簽收|送达|送達|妥投)`, `(?:签收|送达|妥投)了`,
		`(?:配達|お届け)(?:が|は)?(?:完了|済み?)`, `(?:配達|お届け)(?:いたし|致し|され|し)ました`,
		`배달\s?(?:이|가)?\s?(?:되었|됐|완료)`,
	),
	// A return request received is not a return received; listed before
	// the returns so "we received your return request" is only this.
	latin(returnRequested,
		`return request(?: \w+){0,3}? (?:received|submitted|registered|logged|recorded|noted)`,
		`(?:received|registered|logged|noted) (?:\w+ ){0,2}?return request`,
		`demande de retour(?: \w+){0,3}? (?:recue|enregistree)`,
		`solicitud de devolucion(?: \w+){0,3}? (?:recibida|registrada)`, `richiesta di reso(?: \w+){0,3}? (?:ricevuta|registrata)`,
	),
	german(returnRequested, `(?:retouren?|ruecksende)anfrage(?: \w+){0,3}? (?:erhalten|eingegangen)`),
	cjk(returnRequested,
		`(?:已经?)?(?:收到|受理)[^，。！？；,.!?;]{0,6}?退货(?:申请|请求)`, `退货(?:申请|请求)(?:已经?)(?:收到|提交|受理)`,
		`返品(?:の|を|が|は)?(?:ご?依頼|ご?申請|リクエスト)?(?:を|が|は)?受け付け(?:いたし|致し|し)?ました`,
	),
	latin(returnApproved,
		done(`return`, `approved|accepted|authori[sz]ed`),
		`(?:approved|accepted|authori[sz]ed) (?:your |the )?return`,
		done(`retour`, `accepte|approuve|valide|autorise`),
		done(`devolucion`, `aprobada|aceptada|autorizada`),
		done(`reso`, `approvato|accettato|autorizzato`),
	),
	german(returnApproved, done(`retoure|ruecksendung`, `genehmigt|akzeptiert|freigegeben`)),
	cjk(returnApproved,
		`退货(?:申请)?(?:已经?)(?:批准|通过|同意|受理)`, `已经?(?:批准|同意|通过)[^，。！？；,.!?;]{0,6}?退货`,
		`返品(?:の|を|が|は)?(?:ご?申請|リクエスト)?(?:を|が|は)?(?:承認|受理)(?:いたし|致し|され|し)ました`,
	),
	latin(returnReceived,
		`returned`,
		done(`return`, `received|arrived|processed|completed?|done|finali[sz]ed`),
		`received (?:\w+ ){0,3}?(?:return|returned (?:item|items|parcel|package)|(?:item|items|parcel|package) back)`,
		`retourne(?:e|s|es)?`, done(`retour`, `recu|receptionne|traite|arrive`), `recu (?:votre|le|l'|vos) ?(?:retour|colis retourne|article retourne)`,
		`devuelt[oa]s?`, done(`devolucion`, `recibida|procesada|completada`), `recibido (?:su |la )?devolucion`,
		`restituit[oaie]`, done(`reso`, `ricevuto|elaborato|arrivato`), `ricevuto (?:il )?(?:suo |tuo )?reso`,
	),
	german(returnReceived,
		`zurueckgeschickt`, `zurueckgesendet`, `zurueckgegeben`, `retourniert`,
		done(`retoure|ruecksendung`, `eingegangen|erhalten|angekommen|bearbeitet`),
	),
	cjk(returnReceived,
		`已经?(?:收到|签收|簽收)[^，。！？；,.!?;]{0,6}?(?:退货|退貨|退回的)`, `退货(?:已经?)(?:收到|签收|完成|入库)`, `已退货`,
		`返品(?:の|を|が|は)?(?:お?品物|商品)?(?:を|が|は)?(?:受け取り|受領|確認|到着)(?:いたし|致し|され|し)?ました`,
		`返品(?:が|は)?(?:完了|済み?)`,
		`반품\s?(?:이|가|을|를)?\s?(?:수령|완료|접수되었|처리되었)`,
	),
}

// Words in front of a claim that make it not a claim: a negation, or a
// modal, future, condition or offer. Checked before fillers. "After"
// (nachdem, après, después, dopo) is left out on purpose: "after we
// refunded you" says the refund happened. "About" is left out too ("about
// your order it was cancelled"), and "this" and "that" are not fillers, so
// "before that it was cancelled" reaches no softening word.
var (
	negations = wordSet(`not no never nor cannot cant without nicht kein keine keinen keiner keinem keines nie niemals
		ne pas jamais aucun aucune ni non nunca ningun ninguna tampoco mai nessun nessuna nessuno neanche`)
	hypotheticals = wordSet(`can could will would may might shall should must if once when whenever before until unless
		whether soon able going want wants like need needs hope expect expected due scheduled ready eligible pending
		planned please
		kann koennen koennte koennten wird werden wuerde wuerden sobald wenn falls muss muessen soll sollen sollte
		moechten moechte bitte bevor
		peut peuvent pouvons pouvez pourra pourrons pourrez pourrait pourraient sera seront serait seraient si lorsque quand
		fois doit doivent devra souhaitez voulez voudriez afin pour avant
		puede pueden podemos podra podran podria sera seran seria cuando vez debe deben debera quiere quieres
		desea para antes cuanto va vamos van pendiente
		puo possono possiamo potra potrebbe sara saranno sarebbe verra verranno quando appena volta deve devono dovra
		vuole desidera per prima`)
	// fillers may stand between the softening word and the claim:
	// auxiliaries (the infinitive too: "peut encore être annulée", "può
	// essere consegnato"), pronouns, articles, adverbs and the order's nouns.
	fillers = wordSet(`be been being is are was were am has have had do does did get gets got gotten it its they them their
		the a an your you we us our i he she order orders item items package parcel amount money
		payment full fully already also just now then still all both successfully partially partly entirely completely
		automatically officially to ever today yesterday recently indeed actually yet longer
		wir sie ihnen ihr ihre ihren ihrer ihrem die der das den dem des ein eine einen einem bestellung betrag geld artikel
		paket wurde wurden worden ist sind war waren hat haben habe hatte hatten bereits schon jetzt nun vollstaendig komplett
		auch mehr es er heute gestern erfolgreich noch uns
		nous vous votre vos la le les l un une a ai as ont avons avez ete est sont etait etaient commande montant colis
		article articles deja encore bien maintenant integralement entierement aussi plus y en lui leur hier il ils elle elles je
		hemos he ha han has habia sido fue fueron es esta estan son su sus el los las le les lo pedido importe dinero
		paquete articulo ya todavia aun completamente totalmente tambien se nos usted ustedes hoy ayer correctamente te me mi
		abbiamo ho hanno e stato stata stati state sono era il lo gli suo sua suoi vostro vostra tuo tua ordine importo
		pacco articolo gia ancora anche vi ti ci ora oggi ieri correttamente interamente viene vengono
		etre donc essere quindi piu ser`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// wordSoftened reports whether the words in front of a claim at s[at:]
// negate it or make it a future, a condition or an offer. Only a softening
// word joined to the claim by fillers counts: "we have not cancelled" and
// "it can no longer be cancelled" are softened, "no worries we've refunded
// you" is not. A sentence that opens with a condition ("if it can't be
// verified, the order is cancelled") also softens a present passive after
// its comma, but not a past or perfect one: "if you wondered, we have
// refunded you" is a claim.
func wordSoftened(s string, at int) bool {
	words := wordsBefore(s, at)
	// "once we receive the returned item": a participle used as an
	// adjective in a clause that opens with a condition.
	if len(words) > 1 && articles[words[0]] && conditions[words[len(words)-1]] {
		return true
	}
	present := false
	for _, w := range words {
		switch wordKind(w) {
		case 'n', 'h':
			return true
		case 'f':
			present = present || presentPassive[w]
			continue
		}
		break
	}
	if !present {
		return false
	}
	first := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	return len(first) > 0 && conditions[first[0]]
}

var (
	// presentPassive are the auxiliaries of a present passive ("is
	// cancelled", "wird storniert", "est annulée", "viene annullato").
	presentPassive = wordSet(`is are be gets get ist sind est sont es son esta estan e viene vengono`)
	// articles make the participle after them an adjective.
	articles = wordSet(`the a an your its their our der die das den dem ihre ihren le la les votre vos el la los las su sus il lo gli suo sua`)
	// conditions open a conditional sentence.
	conditions = wordSet(`if once when whenever unless falls wenn sobald si lorsque quand cuando se quando appena`)
)

// wordKind sorts a word: 'n' negation, 'h' hypothetical, 'f' filler, 0
// anything else. Contractions count by their ending: "hasn't" negates,
// "we'll" is a future, "we've" is a filler; French "n'a" negates.
func wordKind(w string) byte {
	switch {
	case negations[w]:
		return 'n'
	case hypotheticals[w]:
		return 'h'
	case fillers[w]:
		return 'f'
	case strings.HasSuffix(w, "n't"), strings.HasPrefix(w, "n'"):
		return 'n'
	case strings.HasSuffix(w, "'ll"), strings.HasPrefix(w, "s'il"), w == "qu'il":
		return 'h'
	case strings.HasSuffix(w, "'ve"), strings.HasSuffix(w, "'s"), strings.HasSuffix(w, "'re"), strings.HasSuffix(w, "'m"),
		strings.HasPrefix(w, "l'"), strings.HasPrefix(w, "j'"), strings.HasPrefix(w, "s'"), strings.HasPrefix(w, "c'"):
		return 'f'
	}
	return 0
}

// Characters right in front of a Chinese, Japanese or Korean claim that
// negate it or make it a condition, and endings right after it that negate
// it ("完了していません") or make it a condition ("発送しましたら").
var (
	cjkBefore = regexp.MustCompile(`(?:未|没|沒|没有|沒有|尚未|还没|還沒|还没有|还未|不|无法|無法|不能|不会|不會|并未|並未|并没有|从未|從未|将|將|会|會|可以|可|能|待|如果|若|假如|一旦|是否)$`)
	cjkAfter  = regexp.MustCompile(`^(?:していません|しておりません|されていません|ておりません|ていません|ません|ではありません|ではございません|でき|ら|後|次第|吗|嗎|되지|하지|않|못)`)
)

// charSoftened reports whether a Chinese, Japanese or Korean claim at
// s[start:end] is negated or conditional.
func charSoftened(s string, start, end int) bool {
	return cjkBefore.MatchString(strings.TrimRight(s[:start], " ")) || cjkAfter.MatchString(strings.TrimLeft(s[end:], " "))
}

// claim is one thing a sentence says was done, at s[start:end].
type claim struct {
	fam        family
	start, end int
}

// sentenceClaims returns what s says was done, leaving out negated and
// hypothetical mentions. Words taken by a claim of a family earlier in the
// table are not read again for a later one: money said to be returned is a
// refund, not also a return or a shipment ("your refund is on its way"), and
// a return request received is not a return received.
func sentenceClaims(s string) []claim {
	var out []claim
	for _, cw := range claimTable {
		for _, loc := range cw.re.FindAllStringIndex(s, -1) {
			if takenByEarlier(loc, cw.fam, out) {
				continue
			}
			if cw.latin && (wordSoftened(s, loc[0]) || spanSoftened(s[loc[0]:loc[1]]) || generic(s, loc)) ||
				cw.verbFinal && clauseSoftened(s, loc[0]) ||
				!cw.latin && charSoftened(s, loc[0], loc[1]) {
				continue
			}
			if cw.fam == shipped && shippedByOthers.MatchString(s[loc[1]:]) {
				continue
			}
			out = append(out, claim{fam: cw.fam, start: loc[0], end: loc[1]})
		}
	}
	return out
}

// shippedByOthers follows "shipped" when it says who ships an order
// ("is shipped by the marketplace's fulfilment service"), not that it has.
var shippedByOthers = regexp.MustCompile(`^ by (?:the )?(?:marketplace|amazon|fulfil|fba)`)

// spanSoftened reports whether a negation or modal sits inside a claim's
// own words: "refund has not been issued", "pedido no ha sido enviado".
func spanSoftened(span string) bool {
	for _, w := range strings.FieldsFunc(span, func(r rune) bool { return !(unicode.IsLetter(r) || r == '\'') }) {
		if k := wordKind(w); k == 'n' || k == 'h' {
			return true
		}
	}
	return false
}

// clauseSoftened reads a German clause back from its final participle to
// the first auxiliary: a modal, future or negation there softens it ("die
// Bestellung kann noch bis morgen storniert werden"), a past or perfect one
// does not ("das wird Sie freuen, Ihr Geld wurde erstattet").
func clauseSoftened(s string, at int) bool {
	for _, w := range wordsBefore(s, at) {
		switch {
		case perfect[w] || w == "ist" || w == "sind" || w == "hat" || w == "haben" || w == "habe":
			return false
		case wordKind(w) == 'n' || wordKind(w) == 'h':
			return true
		}
	}
	return false
}

// takenByEarlier reports whether loc overlaps a claim of another family;
// the table is grouped by family, so those families came earlier.
func takenByEarlier(loc []int, fam family, found []claim) bool {
	for _, c := range found {
		if c.fam != fam && loc[0] < c.end && c.start < loc[1] {
			return true
		}
	}
	return false
}

// generic reports whether a claim at s[loc[0]:loc[1]] is a present-tense
// statement of policy, not of this order: a present passive followed by a
// time frame ("refunds are processed within 2 business days", "wird
// innerhalb von 2 Tagen erstattet"). A perfect or past one is still a claim
// ("has been refunded within the hour").
func generic(s string, loc []int) bool {
	if !timeFrame.MatchString(s[loc[1]:]) {
		return false
	}
	words := strings.FieldsFunc(s[loc[0]:loc[1]], func(r rune) bool { return !(unicode.IsLetter(r) || r == '\'') })
	for _, w := range wordsBefore(s, loc[0]) {
		if wordKind(w) != 'f' {
			break
		}
		words = append(words, w)
	}
	present := false
	for _, w := range words {
		if perfect[w] {
			return false
		}
		present = present || presentPassive[w] || w == "wird" || w == "werden"
	}
	return present
}

var (
	// timeFrame opens a policy's time frame.
	timeFrame = regexp.MustCompile(`^ (?:\w+ )?(?:within|in \d|once|after|when|as soon as|innerhalb|binnen|nach|sobald|dans|sous|apres|des|en \d|dentro|tras|despues|en cuanto|entro|dopo|appena)\b`)
	// perfect are the auxiliaries of a perfect or past tense.
	perfect = wordSet(`has have had was were been wurde wurden worden war waren avons avez ont ai ete ha han hemos sido fue fueron stato stata stati state abbiamo hanno`)
)

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// fullRefund finds words saying a refund was for everything paid.
var fullRefund = regexp.MustCompile(`\b(?:full|fully|in full|entire|entirely|whole|complete|completely|total|vollstaendig|komplett|gesamte[nm]?|integralement|integral|totalite|totalmente|completo|completa|integro|intero|interamente|totale)\b|全额|全額|全部|全款|全て|전액`)

// inTotal sums several refunds ("refunds of 20.00 USD in total"); it does
// not say the order was refunded in full.
var inTotal = regexp.MustCompile(`\b(?:in|en|au) totale?\b|\binsgesamt\b`)

// checkClaims checks each sentence's claims and amounts against the order.
func checkClaims(n normalized, o *core.Order) []Problem {
	var out []Problem
	for _, s := range sentences(n.text) {
		claims := sentenceClaims(s.text)
		refund := false
		for _, c := range claims {
			if c.fam == refunded {
				refund = true
			}
			word := clip(strings.TrimSpace(n.original(s.at+c.start, s.at+c.end)), 40)
			if p := unbacked(c.fam, word, o); p != nil {
				out = append(out, *p)
			}
		}
		if refund && o != nil && len(o.Refunds) > 0 && o.Refunded() < o.Paid() && fullRefund.MatchString(inTotal.ReplaceAllString(s.text, "")) {
			out = append(out, problemf(RefundClaim, "says the order was refunded in full, but %s of %s was refunded",
				core.FormatAmount(o.Refunded(), o.Currency), core.FormatAmount(o.Paid(), o.Currency)))
		}
		for _, a := range findAmounts(s.text) {
			a.text = n.original(s.at+a.start, s.at+a.end)
			if p := checkAmount(a, o, refund); p != nil {
				out = append(out, *p)
			}
		}
	}
	return out
}

// unbacked returns the problem with a claim the order does not back, or nil.
func unbacked(fam family, word string, o *core.Order) *Problem {
	if o == nil {
		r := map[family]Rule{refunded: RefundClaim, cancelled: CancelClaim, shipped: ShipClaim, delivered: ShipClaim,
			returnRequested: ReturnClaim, returnReceived: ReturnClaim, returnApproved: ReturnClaim}[fam]
		p := problemf(r, "says %q, but the buyer has not verified an order", word)
		return &p
	}
	var p Problem
	switch fam {
	case refunded:
		if len(o.Refunds) > 0 {
			return nil
		}
		p = problemf(RefundClaim, "says %q, but the order has no refund", word)
	case cancelled:
		if o.Status == core.Canceled {
			return nil
		}
		p = problemf(CancelClaim, "says %q, but the order is %s, not cancelled", word, strings.ReplaceAll(string(o.Status), "_", " "))
	case shipped:
		if len(o.Shipments) > 0 || o.Status == core.Shipped || o.Status == core.PartiallyShipped || o.Status == core.Delivered || o.Status == core.Completed {
			return nil
		}
		p = problemf(ShipClaim, "says %q, but the order has not shipped", word)
	case delivered:
		if o.DeliveredAt != nil || o.Status == core.Delivered || o.Status == core.Completed {
			return nil
		}
		p = problemf(ShipClaim, "says %q, but the order is not delivered", word)
	case returnRequested:
		if len(o.Returns) > 0 {
			return nil
		}
		p = problemf(ReturnClaim, "says %q, but the order has no return request", word)
	case returnReceived:
		if hasReturn(o, core.ReturnReceived, core.ReturnRefunded) {
			return nil
		}
		p = problemf(ReturnClaim, "says %q, but no return of the order was received", word)
	case returnApproved:
		if hasReturn(o, core.ReturnApproved, core.ReturnReceived, core.ReturnRefunded) {
			return nil
		}
		p = problemf(ReturnClaim, "says %q, but no return of the order was approved", word)
	}
	return &p
}

func hasReturn(o *core.Order, statuses ...core.ReturnStatus) bool {
	for _, r := range o.Returns {
		for _, s := range statuses {
			if r.Status == s {
				return true
			}
		}
	}
	return false
}
