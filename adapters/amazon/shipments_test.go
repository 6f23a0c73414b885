package amazon

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/sellerdesk/sellerdesk/core"
)

// defaultTop is how the default template's file starts: the template line
// (padded to the eight columns, as a spreadsheet saves it), then the
// column names.
const defaultTop = "TemplateType=OrderFulfillment\tVersion=2011.1102\t\t\t\t\t\t\n" +
	"order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method\n"

func TestWriteShipments(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	late := time.Date(2024, 5, 1, 20, 30, 0, 0, time.UTC) // 2024-05-02 in Tokyo
	tests := []struct {
		name string
		rows []core.OrderShipment
		loc  *time.Location
		want []string // lines after the header
	}{
		{"no_shipments_is_a_header_only_file", nil, nil, nil},
		{"one_line_per_shipment_line",
			[]core.OrderShipment{{OrderID: "111-1", Shipment: core.Shipment{Carrier: core.UPS, Tracking: "1Z999AA10123456784",
				ShipDate: late, Method: "Ground", Lines: []core.ShipmentLine{
					{OrderItemID: "A", SKU: "S1", Quantity: 1}, {OrderItemID: "B", SKU: "S2", Quantity: 3}}}}},
			nil,
			[]string{"111-1\tA\t1\t2024-05-01\tUPS\t\t1Z999AA10123456784\tGround",
				"111-1\tB\t3\t2024-05-01\tUPS\t\t1Z999AA10123456784\tGround"}},
		{"ship_date_is_the_day_in_loc",
			[]core.OrderShipment{{OrderID: "111-1", Shipment: core.Shipment{Carrier: core.USPS, Tracking: "9400",
				ShipDate: late, Lines: []core.ShipmentLine{{OrderItemID: "A", Quantity: 1}}}}},
			tokyo,
			[]string{"111-1\tA\t1\t2024-05-02\tUSPS\t\t9400\t"}},
		{"carrier_name_only_for_other",
			[]core.OrderShipment{
				{OrderID: "111-1", Shipment: core.Shipment{Carrier: core.Other, CarrierName: "Yamato Transport", Tracking: "4444",
					ShipDate: late, Lines: []core.ShipmentLine{{OrderItemID: "A", Quantity: 1}}}},
				{OrderID: "111-2", Shipment: core.Shipment{Carrier: core.FedEx, CarrierName: "ignored", Tracking: "7777",
					ShipDate: late, Lines: []core.ShipmentLine{{OrderItemID: "B", Quantity: 2}}}},
				{OrderID: "111-3", Shipment: core.Shipment{Carrier: core.DHL, Tracking: "1234567890",
					ShipDate: late, Lines: []core.ShipmentLine{{OrderItemID: "C", Quantity: 1}}}},
			},
			nil,
			[]string{"111-1\tA\t1\t2024-05-01\tOther\tYamato Transport\t4444\t",
				"111-2\tB\t2\t2024-05-01\tFedEx\t\t7777\t",
				"111-3\tC\t1\t2024-05-01\tDHL\t\t1234567890\t"}},
		{"tabs_and_line_ends_in_values_become_spaces",
			[]core.OrderShipment{{OrderID: "111-1", Shipment: core.Shipment{Carrier: core.Other, CarrierName: "Sagawa\tExpress\r\nJP",
				Tracking: "12\t34", ShipDate: late, Method: "Next\nDay", Lines: []core.ShipmentLine{{OrderItemID: "A\tB", Quantity: 1}}}}},
			nil,
			[]string{"111-1\tA B\t1\t2024-05-01\tOther\tSagawa Express  JP\t12 34\tNext Day"}},
		{"shipment_without_lines_confirms_the_whole_order",
			[]core.OrderShipment{{OrderID: "111-1", Shipment: core.Shipment{Carrier: core.UPS, Tracking: "1Z",
				ShipDate: late}}},
			nil,
			[]string{"111-1\t\t\t2024-05-01\tUPS\t\t1Z\t"}},
		{"lines_without_units_are_left_out",
			[]core.OrderShipment{{OrderID: "111-1", Shipment: core.Shipment{Carrier: core.UPS, Tracking: "1Z",
				ShipDate: late, Lines: []core.ShipmentLine{{OrderItemID: "A", Quantity: 0}, {OrderItemID: "B", Quantity: 1}}}}},
			nil,
			[]string{"111-1\tB\t1\t2024-05-01\tUPS\t\t1Z\t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteShipments(&buf, tt.rows, tt.loc); err != nil {
				t.Fatal(err)
			}
			want := defaultTop
			for _, l := range tt.want {
				want += l + "\n"
			}
			if got := buf.String(); got != want {
				t.Fatalf("file:\n%q\nwant:\n%q", got, want)
			}
		})
	}
}

func TestWriteShipments_refusesAShipmentWithoutDate(t *testing.T) {
	err := WriteShipments(&bytes.Buffer{}, []core.OrderShipment{{OrderID: "1", Shipment: core.Shipment{Carrier: core.UPS}}}, nil)
	if core.ErrorCode(err) != core.Invalid {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteShipments_fileIsUTF8WithoutBOMAndLF(t *testing.T) {
	var buf bytes.Buffer
	err := WriteShipments(&buf, []core.OrderShipment{{OrderID: "1", Shipment: core.Shipment{Carrier: core.Other,
		CarrierName: "ヤマト運輸 \xff", Tracking: "1", ShipDate: time.Now(), Lines: []core.ShipmentLine{{OrderItemID: "A", Quantity: 1}}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if bytes.HasPrefix(b, bomUTF8) || bytes.Contains(b, []byte("\r")) || !strings.Contains(buf.String(), "ヤマト運輸 \uFFFD") {
		t.Fatalf("file = %q", b)
	}
}

// The export round trip: orders read from a report are shipped and exported,
// and the file read back names every unit of every order once.
func TestWriteShipments_roundTripFromImportedOrders(t *testing.T) {
	var report bytes.Buffer
	if err := WriteSampleReport(&report, 500, 3); err != nil {
		t.Fatal(err)
	}
	type unit struct {
		order, item string
	}
	want := map[unit]int{}
	var rows []core.OrderShipment
	carriers := core.Carriers()
	day := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	_, err := ReadOrders(context.Background(), &report, Options{BatchSize: 7}, func(orders []core.Order) error {
		for _, o := range orders {
			sh := core.Shipment{Carrier: carriers[len(rows)%len(carriers)], Tracking: "T" + strconv.Itoa(len(rows)),
				ShipDate: day, Method: o.ShipServiceLevel}
			if sh.Carrier == core.Other {
				sh.CarrierName = "Royal Mail"
			}
			for _, it := range o.Items {
				sh.Lines = append(sh.Lines, core.ShipmentLine{OrderItemID: it.OrderItemID, SKU: it.SKU, Quantity: it.Quantity})
				want[unit{o.ID, it.OrderItemID}] += it.Quantity
			}
			rows = append(rows, core.OrderShipment{OrderID: o.ID, Shipment: sh})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteShipments(&out, rows, nil); err != nil {
		t.Fatal(err)
	}

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if lines[0]+"\n"+lines[1]+"\n" != defaultTop {
		t.Fatalf("header = %q", lines[:2])
	}
	got := map[unit]int{}
	for i, l := range lines[2:] {
		f := strings.Split(l, "\t")
		if len(f) != 8 {
			t.Fatalf("line %d has %d fields: %q", i+3, len(f), l)
		}
		q, err := strconv.Atoi(f[2])
		if err != nil || f[3] != "2024-05-10" {
			t.Fatalf("line %d: %q", i+2, l)
		}
		code, name := f[4], f[5]
		if code == "Other" && name != "Royal Mail" || code != "Other" && name != "" {
			t.Fatalf("line %d: carrier %q name %q", i+2, code, name)
		}
		got[unit{f[0], f[1]}] += q
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines shipped, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%v: exported %d units, want %d", k, got[k], v)
		}
	}
}

// Amazon.co.jp's template: the template line with its notice, a row of
// Japanese labels, nine columns ending in cod-collection-method, in
// Shift_JIS; a character Shift_JIS lacks becomes "?", never a control byte.
func TestWriteShipments_japanTemplate(t *testing.T) {
	day := time.Date(2024, 5, 1, 20, 30, 0, 0, time.UTC) // 2024-05-02 in Tokyo
	tokyo := time.FixedZone("JST", 9*3600)
	rows := []core.OrderShipment{{OrderID: "250-1234567-1234567", Shipment: core.Shipment{Carrier: core.Other, CarrierName: "ヤマト運輸 😀",
		Tracking: "4444-5555-6666", ShipDate: day, Method: "宅急便", Lines: []core.ShipmentLine{{OrderItemID: "12345678901234", Quantity: 2}}}}}
	var buf bytes.Buffer
	if err := WriteTemplateShipments(&buf, rows, tokyo, ShipmentTemplateFor("Amazon.co.jp")); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte{0x1a}) || bytes.Contains(buf.Bytes(), []byte("\r")) {
		t.Fatalf("control bytes in %q", buf.Bytes())
	}
	text, err := japanese.ShiftJIS.NewDecoder().String(buf.String())
	if err != nil {
		t.Fatal(err)
	}
	want := "TemplateType=OrderFulfillment\tVersion=2011.1102\tこの行はAmazonが使用しますので変更や削除しないでください。\t\t\t\t\t\t\n" +
		"注文番号\t注文商品番号\t出荷数\t出荷日\t配送業者コード\t配送業者名\tお問い合わせ伝票番号\t配送方法\t代金引換\n" +
		"order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method\tcod-collection-method\n" +
		"250-1234567-1234567\t12345678901234\t2\t2024-05-02\tOther\tヤマト運輸 ?\t4444-5555-6666\t宅急便\t\n"
	if text != want {
		t.Fatalf("file:\n%q\nwant:\n%q", text, want)
	}
}

// The template follows the marketplace: Japan has its own, every other
// marketplace the eight-column form; the --marketplace names agree.
func TestShipmentTemplateFor(t *testing.T) {
	for channel, jp := range map[string]bool{"Amazon.co.jp": true, "amazon.co.jp": true, "JP": true, "Amazon.com": false,
		"Amazon.de": false, "Amazon.co.uk": false, "": false, "Non-Amazon": false, "US": false} {
		got := ShipmentTemplateNamed(channel)
		if (got.Marketplace == "JP") != jp {
			t.Errorf("%q: template %q", channel, got.Marketplace)
		}
		if jp && (len(got.Columns) != 9 || got.Columns[8] != "cod-collection-method" || !got.ShiftJIS) {
			t.Errorf("%q: %+v", channel, got)
		}
		if !jp && (strings.Join(got.Columns, "\t") != ShipmentHeader || got.ShiftJIS) {
			t.Errorf("%q: %+v", channel, got)
		}
	}
}
