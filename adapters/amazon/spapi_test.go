package amazon

import (
	"encoding/json"
	"os"
	"testing"
)

// Every OrderStatus and FulfillmentChannel the Selling Partner API defines
// must map onto a sellerdesk status, so a report carrying any of them
// imports. The enums are read from Amazon's own model.
func TestSPAPIEnumsAreHandled(t *testing.T) {
	data, err := os.ReadFile("testdata/sp-api/ordersV0.json") // see testdata/sp-api/SOURCE.txt
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Definitions struct {
			Order struct {
				Properties struct {
					OrderStatus        struct{ Enum []string } `json:"OrderStatus"`
					FulfillmentChannel struct{ Enum []string } `json:"FulfillmentChannel"`
				} `json:"properties"`
			} `json:"Order"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(data, &model); err != nil {
		t.Fatal(err)
	}
	props := model.Definitions.Order.Properties
	if len(props.OrderStatus.Enum) < 8 || len(props.FulfillmentChannel.Enum) != 2 {
		t.Fatalf("model enums not found: %+v", props)
	}
	for _, s := range props.OrderStatus.Enum {
		if st, ok := parseStatus(s); !ok || !st.Valid() {
			t.Errorf("SP-API OrderStatus %q has no sellerdesk status", s)
		}
	}
	for _, f := range props.FulfillmentChannel.Enum {
		if _, ok := parseFulfillment(f); !ok {
			t.Errorf("SP-API FulfillmentChannel %q is not understood", f)
		}
	}
}
