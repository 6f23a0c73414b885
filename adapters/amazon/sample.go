package amazon

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
	"time"
)

// OrderReportHeader is the header of the 29-column Order Report.
const OrderReportHeader = "order-id\torder-item-id\tpurchase-date\tpayments-date\tbuyer-email\tbuyer-name\t" +
	"buyer-phone-number\tsku\tproduct-name\tquantity-purchased\tcurrency\titem-price\titem-tax\t" +
	"shipping-price\tshipping-tax\tship-service-level\trecipient-name\tship-address-1\t" +
	"ship-address-2\tship-address-3\tship-city\tship-state\tship-postal-code\tship-country\t" +
	"ship-phone-number\tdelivery-start-date\tdelivery-end-date\tdelivery-time-zone\t" +
	"delivery-Instructions"

type sampleProduct struct {
	sku, name string
	usdCents  int64
}

// Product names carry what real catalogues do: inch marks and quotes
// (which break encoding/csv), dashes, and non-Latin scripts.
var sampleProducts = []sampleProduct{
	{"SKU-HOSE-050", `Garden Hose 1/2" x 50 ft, Kink-Free`, 2999},
	{"SKU-MUG-BHD", `Kaffeebecher "Bürohund" 350 ml`, 1499},
	{"SKU-BOTTLE-500", "ステンレス水筒 500ml", 2199},
	{"SKU-SHELF-OAK", "Étagère murale en chêne, 60 cm", 4599},
	{"SKU-CABLE-USBC-2M", "USB-C Cable 2 m (6.6 ft), 100W", 999},
	{"SKU-TEA-ASSAM", "Assam Tea, 250g — loose leaf", 1299},
	{"SKU-LAMP-LED", "LED Desk Lamp, dimmable, 3 colour modes", 3499},
	{"SKU-SOCKS-3P", "Merino Socks (3 pairs) – size M", 1899},
	{"SKU-BOOK-GOPL", "The Go Programming Language", 3999},
	{"SKU-KNIFE-SANTOKU", `Santoku Knife 7" / 三徳包丁`, 5999},
	{"SKU-WIDGET-BLUE", "Example Widget (Blue)", 1999},
	{"SKU-WIDGET-RED", "Example Widget (Red)", 1999},
}

type sampleCity struct{ city, state, postal string }

type sampleMarket struct {
	weight   int // out of 100
	currency currency
	zone     *time.Location
	country  string
	mailHost string
	phone    string // prefix
	street   string
	taxPct   int64
	shipping int64 // minor units for a paid shipping line
	perUSD   int64 // minor units per 100 US cents
	names    []string
	cities   []sampleCity
}

var sampleMarkets = []sampleMarket{
	{weight: 48, currency: currency{"USD", 2}, zone: time.FixedZone("PDT", -7*3600), country: "US",
		mailHost: "@marketplace.amazon.com", phone: "+1 206-555-", street: " Main St", taxPct: 8, shipping: 499, perUSD: 100,
		names:  []string{"John Smith", "Mary Johnson", "José García", "Zoë O'Brien", "Aaliyah Williams", "Nguyễn Văn An"},
		cities: []sampleCity{{"Seattle", "WA", "98101"}, {"Springfield", "IL", "62701"}, {"Austin", "TX", "73301"}, {"Brooklyn", "NY", "11201"}}},
	{weight: 12, currency: currency{"EUR", 2}, zone: time.FixedZone("CEST", 2*3600), country: "DE",
		mailHost: "@marketplace.amazon.de", phone: "+49 30 5550", street: " Hauptstraße", taxPct: 19, shipping: 399, perUSD: 92,
		names:  []string{"Jürgen Müller", "Anna Schäfer", "Klaus Weiß", "Lena Groß"},
		cities: []sampleCity{{"München", "BY", "80331"}, {"Köln", "NW", "50667"}, {"Berlin", "BE", "10115"}}},
	{weight: 12, currency: currency{"GBP", 2}, zone: time.FixedZone("BST", 1*3600), country: "GB",
		mailHost: "@marketplace.amazon.co.uk", phone: "+44 20 7946 0", street: " High Street", taxPct: 20, shipping: 299, perUSD: 79,
		names:  []string{"Oliver Smith", "Siobhán Murphy", "Amelia Jones"},
		cities: []sampleCity{{"London", "", "SW1A 1AA"}, {"Manchester", "", "M1 1AE"}}},
	{weight: 10, currency: currency{"JPY", 0}, zone: time.FixedZone("JST", 9*3600), country: "JP",
		mailHost: "@marketplace.amazon.co.jp", phone: "03-5550-", street: "-2 神南1丁目", taxPct: 10, shipping: 350, perUSD: 150,
		names:  []string{"山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲"},
		cities: []sampleCity{{"渋谷区", "東京都", "150-0002"}, {"大阪市北区", "大阪府", "530-0001"}}},
	{weight: 10, currency: currency{"EUR", 2}, zone: time.FixedZone("CEST", 2*3600), country: "FR",
		mailHost: "@marketplace.amazon.fr", phone: "+33 1 55 50 ", street: " rue de la Paix", taxPct: 20, shipping: 349, perUSD: 92,
		names:  []string{"Éloïse Dubois", "François Lefèvre", "Chloé Martin"},
		cities: []sampleCity{{"Paris", "", "75002"}, {"Lyon", "", "69001"}}},
	{weight: 8, currency: currency{"CAD", 2}, zone: time.FixedZone("EDT", -4*3600), country: "CA",
		mailHost: "@marketplace.amazon.ca", phone: "+1 514-555-", street: " rue Sainte-Catherine", taxPct: 13, shipping: 599, perUSD: 136,
		names:  []string{"Émilie Tremblay", "Liam Roy", "Noah Gagnon"},
		cities: []sampleCity{{"Montréal", "QC", "H2X 1Y4"}, {"Toronto", "ON", "M5V 2T6"}}},
}

var sampleServiceLevels = []string{"Standard", "Standard", "Standard", "Standard", "Standard", "Standard", "Standard", "Expedited", "Expedited", "SecondDay", "NextDay"}

// WriteSampleReport writes a realistic 29-column Order Report of exactly
// lines data lines, the same for the same seed: orders of one to four items
// on adjacent rows (about 1.6 on average), six marketplaces and their
// currencies (JPY without decimals), buyer names in several scripts, product
// names with quotes, and about one order in twelve still pending (no
// payments-date). It writes hundreds of megabytes a second, for benchmarks.
func WriteSampleReport(w io.Writer, lines int, seed int64) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if _, err := bw.WriteString(OrderReportHeader + "\n"); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5e11e7de5c))
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(86400)) * time.Second)
	var (
		buf      = make([]byte, 0, 4096)
		purchase = make([]byte, 0, 32)
		payments = make([]byte, 0, 32)
		email    [14]byte
	)
	for seq, n := 0, 0; n < lines; seq++ {
		items := 1
		switch r := rng.IntN(100); {
		case r >= 97:
			items = 4
		case r >= 90:
			items = 3
		case r >= 55:
			items = 2
		}
		items = min(items, lines-n)

		mk := &sampleMarkets[0]
		for r, i := rng.IntN(100), 0; i < len(sampleMarkets); i++ {
			if r < sampleMarkets[i].weight {
				mk = &sampleMarkets[i]
				break
			}
			r -= sampleMarkets[i].weight
		}
		at := start.Add(time.Duration(seq)*40*time.Second + time.Duration(rng.IntN(40))*time.Second)
		purchase = at.In(mk.zone).AppendFormat(purchase[:0], time.RFC3339)
		payments = payments[:0]
		if rng.IntN(12) != 0 {
			payments = at.Add(time.Duration(60+rng.IntN(1800))*time.Second).In(mk.zone).AppendFormat(payments, time.RFC3339)
		}
		for i := range email {
			email[i] = 'a' + byte(rng.IntN(26))
		}
		buyer := mk.names[rng.IntN(len(mk.names))]
		recipient := buyer
		if rng.IntN(7) == 0 {
			recipient = mk.names[rng.IntN(len(mk.names))]
		}
		city := mk.cities[rng.IntN(len(mk.cities))]
		phone := 1000 + rng.IntN(9000)
		house := 1 + rng.IntN(999)
		apt := rng.IntN(5) == 0
		level := sampleServiceLevels[rng.IntN(len(sampleServiceLevels))]
		prefix := 100 + rng.IntN(900)
		middle := rng.IntN(10_000_000)
		first := rng.IntN(len(sampleProducts))
		instructions := rng.IntN(30) == 0

		buf = buf[:0]
		for i := 0; i < items; i++ {
			p := &sampleProducts[(first+i*5)%len(sampleProducts)]
			qty := int64(1)
			if r := rng.IntN(100); r >= 95 {
				qty = 3
			} else if r >= 80 {
				qty = 2
			}
			price := p.usdCents * mk.perUSD / 100
			price *= qty
			shipping := int64(0)
			if i == 0 && level != "Standard" {
				shipping = mk.shipping
			}

			buf = appendPadded(buf, prefix, 3)
			buf = append(buf, '-')
			buf = appendPadded(buf, middle, 7)
			buf = append(buf, '-')
			buf = appendPadded(buf, seq%10_000_000, 7)
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, 10_000_000_000_000+int64(seq)*8+int64(i), 10)
			buf = append(buf, '\t')
			buf = append(buf, purchase...)
			buf = append(buf, '\t')
			buf = append(buf, payments...)
			buf = append(buf, '\t')
			buf = append(buf, email[:]...)
			buf = append(buf, mk.mailHost...)
			buf = append(buf, '\t')
			buf = append(buf, buyer...)
			buf = append(buf, '\t')
			buf = append(buf, mk.phone...)
			buf = strconv.AppendInt(buf, int64(phone), 10)
			buf = append(buf, '\t')
			buf = append(buf, p.sku...)
			buf = append(buf, '\t')
			buf = append(buf, p.name...)
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, qty, 10)
			buf = append(buf, '\t')
			buf = append(buf, mk.currency.code...)
			buf = append(buf, '\t')
			buf = appendMoney(buf, price, mk.currency.places)
			buf = append(buf, '\t')
			buf = appendMoney(buf, price*mk.taxPct/100, mk.currency.places)
			buf = append(buf, '\t')
			buf = appendMoney(buf, shipping, mk.currency.places)
			buf = append(buf, '\t')
			buf = appendMoney(buf, shipping*mk.taxPct/100, mk.currency.places)
			buf = append(buf, '\t')
			buf = append(buf, level...)
			buf = append(buf, '\t')
			buf = append(buf, recipient...)
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, int64(house), 10)
			buf = append(buf, mk.street...)
			buf = append(buf, '\t')
			if apt {
				buf = append(buf, "Apt "...)
				buf = strconv.AppendInt(buf, int64(house%40+1), 10)
			}
			buf = append(buf, '\t', '\t')
			buf = append(buf, city.city...)
			buf = append(buf, '\t')
			buf = append(buf, city.state...)
			buf = append(buf, '\t')
			buf = append(buf, city.postal...)
			buf = append(buf, '\t')
			buf = append(buf, mk.country...)
			buf = append(buf, '\t')
			buf = append(buf, mk.phone...)
			buf = strconv.AppendInt(buf, int64(phone), 10)
			buf = append(buf, "\t\t\t\t"...)
			if instructions {
				buf = append(buf, "Leave at the back door, the bell is broken"...)
			}
			buf = append(buf, '\n')
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
		n += items
	}
	return bw.Flush()
}

func appendPadded(b []byte, v, width int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendMoney writes minor units as Amazon does: "1299.00", "-5.00", "1299".
func appendMoney(b []byte, v int64, places int) []byte {
	if places == 0 {
		return strconv.AppendInt(b, v, 10)
	}
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	div := int64(1)
	for range places {
		div *= 10
	}
	b = strconv.AppendInt(b, v/div, 10)
	b = append(b, '.')
	return appendPadded(b, int(v%div), places)
}
