package drafter_test

import (
	"testing"

	"github.com/sellerdesk/sellerdesk/core/drafter"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"english_question", "Where is my package? I ordered it last week.", "en"},
		{"english_thx", "thx", "en"},
		{"english_ok", "ok", "en"},
		{"english_with_order_id", "where is 113-1234567-7654321", "en"},
		{"only_order_id", "113-1234567-7654321", "en"},
		{"only_emoji", "👍", "en"},
		{"empty", "", "en"},
		{"chinese_simplified", "我的包裹在哪里？", "zh"},
		{"chinese_thanks", "谢谢", "zh"},
		{"chinese_ok", "好的", "zh"},
		{"chinese_traditional", "我的貨到哪裡了", "zh"},
		{"chinese_with_brand_and_id", "我的iPhone壳还没到 113-1234567-7654321", "zh"},
		{"chinese_with_emoji", "收到👍", "zh"},
		{"english_with_chinese_thanks", "where is my order? I have waited two weeks 谢谢", "en"},
		{"japanese_kana", "荷物はまだ届いていません", "ja"},
		{"japanese_thanks", "ありがとう", "ja"},
		{"korean", "제 주문은 어디에 있나요?", "ko"},
		{"korean_thanks", "감사합니다", "ko"},
		{"russian", "Где мой заказ?", "ru"},
		{"russian_thanks", "спасибо", "ru"},
		{"ukrainian", "Де моє замовлення? Дякую, і все", "uk"},
		{"arabic", "أين طلبي؟", "ar"},
		{"hebrew", "איפה ההזמנה שלי", "he"},
		{"thai", "พัสดุของฉันอยู่ที่ไหน", "th"},
		{"greek", "Πού είναι η παραγγελία μου;", "el"},
		{"hindi", "मेरा ऑर्डर कहाँ है", "hi"},
		{"german", "Wo ist meine Bestellung? Ich warte schon seit einer Woche.", "de"},
		{"german_danke", "Danke!", "de"},
		{"german_umlaut_only", "Rücksendung", "de"},
		{"french", "Bonjour, où est mon colis ?", "fr"},
		{"french_merci", "Merci beaucoup", "fr"},
		{"spanish", "¿Dónde está mi pedido?", "es"},
		{"spanish_gracias", "gracias", "es"},
		{"italian", "Dov'è il mio ordine? Grazie", "it"},
		{"portuguese", "Onde está a minha encomenda? Obrigado", "pt"},
		{"dutch", "Waar is mijn pakket? Bedankt", "nl"},
		{"polish", "Gdzie jest moje zamówienie?", "pl"},
		{"turkish", "Siparişim nerede?", "tr"},
		{"vietnamese", "Đơn hàng của tôi ở đâu?", "vi"},
		{"fullwidth_latin", "ｗｈｅｒｅ ｉｓ ｍｙ ｏｒｄｅｒ", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := drafter.DetectLanguage(tt.text); got != tt.want {
				t.Errorf("DetectLanguage(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestDetectLanguageShortMessages: the seven languages the drafter answers
// in, told apart on a few words (Italian, Spanish and Portuguese share most
// of theirs; Japanese may be written in kanji alone).
func TestDetectLanguageShortMessages(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Passt, verstanden.", "de"},
		{"Bieten Sie Expressversand an?", "de"},
		{"Im Karton fehlt ein Teil.", "de"},
		{"Rechnung bitte", "de"},
		{"Ok parfait, compris.", "fr"},
		{"Génial, bonne journée !", "fr"},
		{"on peut payer en plusieurs fois ?", "fr"},
		{"Ha la garanzia?", "it"},
		{"Posso pagare con PayPal?", "it"},
		{"Mi avete mandato l'articolo sbagliato.", "it"},
		{"Va bene, capito.", "it"},
		{"Siete in Italia?", "it"},
		{"Vale, entendido.", "es"},
		{"necesito factura porfa", "es"},
		{"No lo envíen, ya no lo necesito.", "es"},
		{"De acuerdo, perfecto.", "es"},
		{"Obrigado, recebi a encomenda", "pt"},
		{"Wo ist mein Paket? Die Tracking-ID funktioniert nicht", "de"},
		{"Hallo, mein Order ist noch nicht da, können Sie den Status checken?", "de"},
		{"where is my order", "en"},
		{"ok", "en"},
		{"返品希望、返金済みか確認", "ja"},
		{"領収書発行", "ja"},
		{"払戻", "ja"},
		{"退货退款", "zh"},
		{"发票", "zh"},
		{"訂單幫我取消", "zh"},
	}
	for _, tt := range tests {
		if got := drafter.DetectLanguage(tt.text); got != tt.want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
