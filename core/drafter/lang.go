package drafter

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/sellerdesk/sellerdesk/core/drafter/internal/features"
	"github.com/sellerdesk/sellerdesk/core/drafter/internal/modelfile"
)

// The language model tells English, German, French, Italian and Spanish
// apart in Latin script where stop words are too few ("Passt, verstanden.",
// "Ha la garanzia?"): logistic regression over words and accented
// character 1-4 grams, trained by ./gen with the intent model.
//
//go:embed model/languages.bin.gz
var languageData []byte

var loadLanguages = sync.OnceValue(func() *modelfile.Model {
	m, err := modelfile.Decode(languageData)
	if err != nil {
		panic(fmt.Sprintf("drafter: embedded language %v; run go generate ./core/drafter", err))
	}
	modelfile.Release(languageData)
	return m
})

// latinModelLanguages are the languages the language model knows.
var latinModelLanguages = map[string]bool{"en": true, "de": true, "fr": true, "it": true, "es": true}

// latinModel is the language model's probability for each of its languages.
func latinModel(text string) map[string]float64 {
	m := loadLanguages()
	var v features.Vector
	features.Extract(text, m.Config, &v)
	scores := make([]float32, len(m.Labels))
	m.Probabilities(&v, scores)
	out := make(map[string]float64, len(scores))
	for i, p := range scores {
		out[m.Labels[i]] += float64(p)
	}
	return out
}

// DetectLanguage names the language of a buyer message as an ISO 639-1 code.
//
// It works without a library or a model in two steps. The writing system
// decides most languages outright: Han without kana is Chinese, any kana
// makes it Japanese, Hangul is Korean, Cyrillic Russian (Ukrainian or
// Serbian by their own letters), Arabic script Arabic (Persian or Urdu by
// theirs), and so on. Latin script is split by short lists of the commonest
// words of each language (and letters like ß, ñ, ã), which is enough for
// "Danke!" or "¿Dónde está mi pedido?". Numbers, order ids, tracking numbers
// and emoji are ignored. When nothing points anywhere ("ok", "👍",
// "113-1234567-1234567") the answer is "en".
func DetectLanguage(text string) string {
	var (
		counts  [scriptCount]int
		latin   = map[string]float64{}
		hints   = map[string]float64{}
		letters int
	)
	for _, t := range features.Tokens(text) {
		if t.Text == features.NumToken || t.Text == features.MoneyToken {
			continue
		}
		for _, r := range t.Text {
			if !unicode.IsLetter(r) {
				continue
			}
			letters++
			sc := scriptOf(r)
			counts[sc]++
			if sc == latinScript {
				if l, ok := letterHint[r]; ok {
					hints[l] += 0.6
				}
			}
			if l := scriptLetterHint(r); l != "" {
				hints[l] += 1
			}
		}
		if t.CJK {
			continue
		}
		if langs := stopWords[t.Text]; len(langs) > 0 {
			for _, l := range langs {
				latin[l] += 1 / float64(len(langs))
			}
		}
	}
	if letters == 0 {
		return "en"
	}
	if strings.ContainsAny(text, "¿¡") {
		hints["es"] += 2
	}
	// A CJK character carries about as much as a short Latin word, so "我的
	// iPhone case 还没到" is Chinese and "where is order 12, 谢谢" English.
	best, bestN := latinScript, 0
	for sc := range scriptCount {
		n := counts[sc]
		if sc == hanScript || sc == kanaScript || sc == hangulScript {
			n *= 3
		}
		if n > bestN {
			best, bestN = script(sc), n
		}
	}
	switch best {
	case hanScript, kanaScript:
		if counts[kanaScript] > 0 || japaneseKanji(text) {
			return "ja"
		}
		return "zh"
	case hangulScript:
		return "ko"
	case cyrillicScript:
		return pickHint(hints, []string{"uk", "sr"}, "ru")
	case arabicScript:
		return pickHint(hints, []string{"fa", "ur"}, "ar")
	case latinScript:
		for l, h := range hints {
			latin[l] += h
		}
		// Stop words and letters first: they name Portuguese, Dutch,
		// Polish... which the language model does not know.
		lang, score := "", 0.0
		for _, l := range latinOrder {
			if latin[l] > score {
				lang, score = l, latin[l]
			}
		}
		if lang != "" && !latinModelLanguages[lang] {
			return lang
		}
		// Among the five the model knows, it decides, with the stop words
		// as a second opinion; with no evidence at all, English.
		probs := latinModel(text)
		best, bestScore := "", 0.0
		for l := range latinModelLanguages {
			if s := 2*probs[l] + latin[l]; s > bestScore {
				best, bestScore = l, s
			}
		}
		if lang == "" && probs[best] < 0.6 {
			return "en"
		}
		return best
	}
	return scriptLang[best]
}

// japaneseKanji reports Han text written with Japanese-only character forms
// (円, 払, 戻, 様, 込, 発, 売, 領収 ...: Japanese shinjitai and kokuji that
// neither simplified nor traditional Chinese uses) and no simplified-only
// ones, so "返品希望、返金済" without kana is still Japanese.
func japaneseKanji(text string) bool {
	jp, cn := 0, 0
	for _, r := range text {
		switch {
		case strings.ContainsRune(japaneseOnly, r):
			jp++
		case strings.ContainsRune(simplifiedOnly, r):
			cn++
		}
	}
	return jp > cn
}

const (
	japaneseOnly   = "込様円払戻済売読変気帰発険駅図楽薬広伝続関営労歳単価覧実県択沢浜縦辺転軽鉄銭渋畳悪黒検験桜歩毎経総緑線練絵継縁権観駆騒処剰剤勧拡拠挙両乗亜仏仮圧囲栄衛塩収戸"
	simplifiedOnly = "们这么还没货发单让说话时见东车门问间开长认语请读买卖钱银张个为对给吗呢吧啊过运输递邮购订贵质补换变钟络费电视关"
)

func pickHint(hints map[string]float64, langs []string, fallback string) string {
	for _, l := range langs {
		if hints[l] > 0 {
			return l
		}
	}
	return fallback
}

type script int

const (
	latinScript script = iota
	hanScript
	kanaScript
	hangulScript
	cyrillicScript
	arabicScript
	hebrewScript
	greekScript
	thaiScript
	devanagariScript
	bengaliScript
	tamilScript
	georgianScript
	armenianScript
	otherScript
	scriptCount
)

var scriptTables = []struct {
	s script
	t *unicode.RangeTable
}{
	{latinScript, unicode.Latin},
	{hanScript, unicode.Han},
	{kanaScript, unicode.Hiragana},
	{kanaScript, unicode.Katakana},
	{hangulScript, unicode.Hangul},
	{cyrillicScript, unicode.Cyrillic},
	{arabicScript, unicode.Arabic},
	{hebrewScript, unicode.Hebrew},
	{greekScript, unicode.Greek},
	{thaiScript, unicode.Thai},
	{devanagariScript, unicode.Devanagari},
	{bengaliScript, unicode.Bengali},
	{tamilScript, unicode.Tamil},
	{georgianScript, unicode.Georgian},
	{armenianScript, unicode.Armenian},
}

func scriptOf(r rune) script {
	if r < 0x250 {
		return latinScript
	}
	if r == 'ー' {
		return kanaScript
	}
	for _, st := range scriptTables {
		if unicode.Is(st.t, r) {
			return st.s
		}
	}
	return otherScript
}

var scriptLang = map[script]string{
	hebrewScript:     "he",
	greekScript:      "el",
	thaiScript:       "th",
	devanagariScript: "hi",
	bengaliScript:    "bn",
	tamilScript:      "ta",
	georgianScript:   "ka",
	armenianScript:   "hy",
	otherScript:      "en",
}

// scriptLetterHint names the language a letter belongs to within a
// non-Latin script shared by several languages.
func scriptLetterHint(r rune) string {
	switch r {
	case 'і', 'ї', 'є', 'ґ':
		return "uk"
	case 'ђ', 'ћ', 'џ', 'ј', 'љ', 'њ':
		return "sr"
	case 'پ', 'چ', 'ژ', 'گ', 'ک', 'ی':
		return "fa"
	case 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ھ':
		return "ur"
	}
	return ""
}

// letterHint: Latin letters that (nearly) only one of the languages we tell
// apart uses.
var letterHint = map[rune]string{
	'ß': "de", 'ä': "de", 'ö': "de", 'ü': "de",
	'ñ': "es", 'á': "es", 'í': "es", 'ó': "es", 'ú': "es",
	'ç': "fr", 'è': "fr", 'ê': "fr", 'â': "fr", 'î': "fr", 'ô': "fr", 'û': "fr", 'ë': "fr", 'ï': "fr", 'œ': "fr",
	'ã': "pt", 'õ': "pt",
	'ì': "it", 'ò': "it",
	'ł': "pl", 'ą': "pl", 'ę': "pl", 'ś': "pl", 'ź': "pl", 'ż': "pl", 'ń': "pl", 'ć': "pl",
	'ş': "tr", 'ğ': "tr", 'ı': "tr",
	'đ': "vi", 'ơ': "vi", 'ư': "vi", 'ạ': "vi", 'ả': "vi", 'ấ': "vi", 'ầ': "vi", 'ậ': "vi", 'ẩ': "vi", 'ế': "vi", 'ề': "vi", 'ệ': "vi", 'ộ': "vi", 'ố': "vi", 'ồ': "vi", 'ờ': "vi", 'ớ': "vi", 'ợ': "vi", 'ủ': "vi", 'ữ': "vi", 'ự': "vi", 'ứ': "vi", 'ừ': "vi",
	'å': "sv",
}

// latinOrder breaks ties: English first, as the likeliest language of a
// message with little to go on.
var latinOrder = []string{"en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "tr", "vi", "id"}

// stopWords maps a lower-cased word to the languages it is common in.
var stopWords = func() map[string][]string {
	lists := map[string]string{
		"en": `the a an and or is are was were be been i you my your me we our us it this that to of in on for
			with at from have has had do does did not no can could would will please where when what how why order
			package parcel thanks thank hi hello still yet got get received item refund return cancel thx ty
			arrived there just but if so am im dont its any wrong broken damaged address invoice want need help`,
		"de": `der die das und ist nicht ich sie es mein meine meinen meiner ein eine einen mit auf für von zu den dem
			des wo wann warum wie bitte danke hallo noch schon bestellung paket habe haben kann können sind war wurde
			mir mich uns kein keine nur auch aber oder wenn dass vielen dank schön guten tag lieferung rücksendung geld
			zurück erhalten angekommen immer heute gestern artikel sendungsnummer stornieren möchte`,
		"fr": `le la les un une des et est je vous mon ma mes ne pas pour avec dans sur de du au aux où quand comment
			pourquoi merci bonjour bonsoir commande colis reçu toujours encore ai avez pouvez suis cest quil que qui
			mais ou si très beaucoup remboursement livraison salut svp numéro suivi annuler article jai`,
		"es": `el la los las un una y es no mi mis por para con en de del al que qué dónde donde cuándo cuando cómo
			como gracias hola pedido paquete todavía aún he ha tengo puede pueden quiero está estoy muy pero o si sí
			buenos días reembolso envío llegado recibido favor número seguimiento cancelar`,
		"it": `il lo la i gli le un una e è non mio mia miei per con in di da del della che dove quando come perché
			grazie ciao buongiorno ordine pacco ancora ho ha sono può potete vorrei molto ma o se rimborso spedizione
			arrivato ricevuto mille annullare`,
		"pt": `o a os as um uma e é não meu minha para com em de do da no na que onde quando como porque obrigado
			obrigada olá oi pedido encomenda ainda tenho pode podem quero está estou muito mas ou se sim reembolso
			entrega chegou recebi você`,
		"nl": `de het een en is niet ik mijn u je jij voor met in op van te dat die waar wanneer hoe waarom bedankt
			dank wel hallo bestelling pakket nog al heb hebt heeft kan kunt wil graag maar of als geen terugbetaling
			levering ontvangen aangekomen alstublieft`,
		"sv": `och är inte jag min mitt mina för med på av till det den var när hur varför tack hej beställning paket
			har kan vill men eller om`,
		"pl": `i w nie jest moje moja mój do na z że gdzie kiedy jak dziękuję dzięki cześć zamówienie paczka jeszcze
			mam proszę`,
		"tr": `ve bir bu değil benim için ile nerede ne zaman nasıl teşekkürler teşekkür ederim merhaba sipariş
			siparişim kargo hala`,
		"vi": `tôi của không đơn hàng cảm ơn xin chào đâu khi nào bạn đã chưa`,
		"id": `saya tidak ini itu dan di ke dari untuk dengan pesanan terima kasih kapan mana sudah belum tolong`,
	}
	m := map[string][]string{}
	for _, l := range latinOrder {
		for _, w := range strings.Fields(lists[l]) {
			m[w] = append(m[w], l)
		}
	}
	return m
}()

// languageName is how a staff note names a language, in English and Chinese.
var languageNames = map[string][2]string{
	"en": {"English", "英语"}, "zh": {"Chinese", "中文"}, "ja": {"Japanese", "日语"}, "ko": {"Korean", "韩语"},
	"de": {"German", "德语"}, "fr": {"French", "法语"}, "es": {"Spanish", "西班牙语"}, "it": {"Italian", "意大利语"},
	"pt": {"Portuguese", "葡萄牙语"}, "nl": {"Dutch", "荷兰语"}, "sv": {"Swedish", "瑞典语"}, "pl": {"Polish", "波兰语"},
	"tr": {"Turkish", "土耳其语"}, "vi": {"Vietnamese", "越南语"}, "id": {"Indonesian", "印尼语"}, "ru": {"Russian", "俄语"},
	"uk": {"Ukrainian", "乌克兰语"}, "sr": {"Serbian", "塞尔维亚语"}, "ar": {"Arabic", "阿拉伯语"}, "fa": {"Persian", "波斯语"},
	"ur": {"Urdu", "乌尔都语"}, "he": {"Hebrew", "希伯来语"}, "el": {"Greek", "希腊语"}, "th": {"Thai", "泰语"},
	"hi": {"Hindi", "印地语"}, "bn": {"Bengali", "孟加拉语"}, "ta": {"Tamil", "泰米尔语"}, "ka": {"Georgian", "格鲁吉亚语"},
	"hy": {"Armenian", "亚美尼亚语"},
}

// languageName names code in the staff language (English unless "zh").
func languageName(code, staff string) string {
	n, ok := languageNames[code]
	if !ok {
		return code
	}
	if staff == "zh" {
		return n[1]
	}
	return n[0]
}
