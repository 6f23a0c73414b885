package spapi

// The request and response bodies of the operations sellerdesk uses, typed
// by hand from Amazon's models (testdata/models; TestModelsMatch checks
// every field name here against them). Only what sellerdesk reads or sends
// is declared; unknown fields in a response are ignored.

// Orders API 2026-01-01 (orders_2026-01-01.json).

// SearchOrdersResponse is one page of searchOrders.
type SearchOrdersResponse struct {
	Orders            []Order     `json:"orders"`
	Pagination        *Pagination `json:"pagination,omitempty"`
	LastUpdatedBefore string      `json:"lastUpdatedBefore,omitempty"`
	CreatedBefore     string      `json:"createdBefore,omitempty"`
}

// Pagination carries the token of the next page, empty on the last.
type Pagination struct {
	NextToken string `json:"nextToken,omitempty"`
}

// GetOrderResponse is getOrder's answer.
type GetOrderResponse struct {
	Order Order `json:"order"`
}

// Order is an order as the Orders API 2026-01-01 returns it. Buyer and
// Recipient come only with a Restricted Data Token and includedData
// BUYER / RECIPIENT.
type Order struct {
	OrderID         string            `json:"orderId"`
	CreatedTime     string            `json:"createdTime"`
	LastUpdatedTime string            `json:"lastUpdatedTime"`
	SalesChannel    SalesChannel      `json:"salesChannel"`
	Buyer           *Buyer            `json:"buyer,omitempty"`
	Recipient       *Recipient        `json:"recipient,omitempty"`
	Proceeds        *OrderProceeds    `json:"proceeds,omitempty"`
	Fulfillment     *OrderFulfillment `json:"fulfillment,omitempty"`
	OrderItems      []OrderItem       `json:"orderItems"`
	Packages        []OrderPackage    `json:"packages,omitempty"`
}

// SalesChannel is where the order was placed.
type SalesChannel struct {
	ChannelName     string `json:"channelName"`
	MarketplaceID   string `json:"marketplaceId,omitempty"`
	MarketplaceName string `json:"marketplaceName,omitempty"`
}

// Buyer is the buyer's personal data (restricted).
type Buyer struct {
	BuyerName        string `json:"buyerName,omitempty"`
	BuyerEmail       string `json:"buyerEmail,omitempty"`
	BuyerCompanyName string `json:"buyerCompanyName,omitempty"`
}

// Recipient is where the order goes (restricted).
type Recipient struct {
	DeliveryAddress *CustomerAddress `json:"deliveryAddress,omitempty"`
}

// CustomerAddress is a delivery address.
type CustomerAddress struct {
	Name             string `json:"name,omitempty"`
	CompanyName      string `json:"companyName,omitempty"`
	AddressLine1     string `json:"addressLine1,omitempty"`
	AddressLine2     string `json:"addressLine2,omitempty"`
	AddressLine3     string `json:"addressLine3,omitempty"`
	City             string `json:"city,omitempty"`
	DistrictOrCounty string `json:"districtOrCounty,omitempty"`
	StateOrRegion    string `json:"stateOrRegion,omitempty"`
	PostalCode       string `json:"postalCode,omitempty"`
	CountryCode      string `json:"countryCode,omitempty"`
	Phone            string `json:"phone,omitempty"`
	AddressType      string `json:"addressType,omitempty"`
}

// OrderProceeds is what the order brings in.
type OrderProceeds struct {
	GrandTotal *Money `json:"grandTotal,omitempty"`
}

// Money is an amount as a decimal string, without loss of precision.
type Money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

// OrderFulfillment is the order's fulfillment state: FulfillmentStatus is
// one of the Fulfillment* constants, FulfilledBy MERCHANT or AMAZON.
type OrderFulfillment struct {
	FulfillmentStatus       string         `json:"fulfillmentStatus"`
	FulfilledBy             string         `json:"fulfilledBy,omitempty"`
	FulfillmentServiceLevel string         `json:"fulfillmentServiceLevel,omitempty"`
	ShipByWindow            *DateTimeRange `json:"shipByWindow,omitempty"`
	DeliverByWindow         *DateTimeRange `json:"deliverByWindow,omitempty"`
}

// The order fulfillment statuses of the 2026-01-01 model.
const (
	FulfillmentPendingAvailability = "PENDING_AVAILABILITY"
	FulfillmentPending             = "PENDING"
	FulfillmentUnshipped           = "UNSHIPPED"
	FulfillmentPartiallyShipped    = "PARTIALLY_SHIPPED"
	FulfillmentShipped             = "SHIPPED"
	FulfillmentCancelled           = "CANCELLED"
	FulfillmentUnfulfillable       = "UNFULFILLABLE"
)

// DateTimeRange is a time window in ISO 8601.
type DateTimeRange struct {
	EarliestDateTime string `json:"earliestDateTime,omitempty"`
	LatestDateTime   string `json:"latestDateTime,omitempty"`
}

// OrderItem is one line of an order.
type OrderItem struct {
	OrderItemID     string            `json:"orderItemId"`
	QuantityOrdered int               `json:"quantityOrdered"`
	Product         ItemProduct       `json:"product"`
	Proceeds        *ItemProceeds     `json:"proceeds,omitempty"`
	Cancellation    *ItemCancellation `json:"cancellation,omitempty"`
	Fulfillment     *ItemFulfillment  `json:"fulfillment,omitempty"`
}

// ItemProduct is what the line sells.
type ItemProduct struct {
	ASIN      string     `json:"asin,omitempty"`
	Title     string     `json:"title,omitempty"`
	SellerSKU string     `json:"sellerSku,omitempty"`
	Price     *ItemPrice `json:"price,omitempty"`
}

// ItemPrice is a line's unit price.
type ItemPrice struct {
	UnitPrice *Money `json:"unitPrice,omitempty"`
}

// ItemProceeds is what a line brings in.
type ItemProceeds struct {
	ProceedsTotal *Money `json:"proceedsTotal,omitempty"`
}

// ItemCancellation is a line's cancellation: requested (by the buyer) or
// executed (by the buyer, the merchant or Amazon).
type ItemCancellation struct {
	CancellationRequest   *ItemCancellationRequest   `json:"cancellationRequest,omitempty"`
	CancellationExecution *ItemCancellationExecution `json:"cancellationExecution,omitempty"`
}

// ItemCancellationRequest is a cancellation asked for; Requester is BUYER.
type ItemCancellationRequest struct {
	Requester    string `json:"requester,omitempty"`
	CancelReason string `json:"cancelReason,omitempty"`
}

// ItemCancellationExecution is a cancellation done; CancelledBy is BUYER,
// MERCHANT or AMAZON.
type ItemCancellationExecution struct {
	CancelledBy  string `json:"cancelledBy,omitempty"`
	CancelReason string `json:"cancelReason,omitempty"`
}

// ItemFulfillment counts a line's shipped and unshipped units.
type ItemFulfillment struct {
	QuantityFulfilled   int `json:"quantityFulfilled,omitempty"`
	QuantityUnfulfilled int `json:"quantityUnfulfilled,omitempty"`
}

// OrderPackage is a shipped package.
type OrderPackage struct {
	PackageReferenceID string         `json:"packageReferenceId"`
	CreatedTime        string         `json:"createdTime,omitempty"`
	PackageStatus      *PackageStatus `json:"packageStatus,omitempty"`
	Carrier            string         `json:"carrier,omitempty"`
	ShipTime           string         `json:"shipTime,omitempty"`
	ShippingService    string         `json:"shippingService,omitempty"`
	TrackingNumber     string         `json:"trackingNumber,omitempty"`
	PackageItems       []PackageItem  `json:"packageItems,omitempty"`
}

// PackageStatus is a package's place in delivery.
type PackageStatus struct {
	Status         string `json:"status"`
	DetailedStatus string `json:"detailedStatus,omitempty"`
}

// PackageItem is a line's units in a package.
type PackageItem struct {
	OrderItemID string `json:"orderItemId"`
	Quantity    int    `json:"quantity"`
}

// ErrorList is Amazon's error body: the messages are for staff.
type ErrorList struct {
	Errors []Error `json:"errors"`
}

// Error is one of Amazon's errors.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

// Orders API v0 (ordersV0.json): confirmShipment.

// ConfirmShipmentRequest is confirmShipment's body.
type ConfirmShipmentRequest struct {
	PackageDetail PackageDetail `json:"packageDetail"`
	MarketplaceID string        `json:"marketplaceId"`
}

// PackageDetail is the package being confirmed. CarrierCode is Amazon's
// code ("Other" with CarrierName for a carrier it doesn't list); ShipDate
// is ISO 8601; PackageReferenceID a positive number unique in the order.
type PackageDetail struct {
	PackageReferenceID string                     `json:"packageReferenceId"`
	CarrierCode        string                     `json:"carrierCode"`
	CarrierName        string                     `json:"carrierName,omitempty"`
	ShippingMethod     string                     `json:"shippingMethod,omitempty"`
	TrackingNumber     string                     `json:"trackingNumber"`
	ShipDate           string                     `json:"shipDate"`
	OrderItems         []ConfirmShipmentOrderItem `json:"orderItems"`
}

// ConfirmShipmentOrderItem is a line's units in the package.
type ConfirmShipmentOrderItem struct {
	OrderItemID string `json:"orderItemId"`
	Quantity    int    `json:"quantity"`
}

// Tokens API 2021-03-01 (tokens_2021-03-01.json).

// CreateRestrictedDataTokenRequest asks for an RDT for some resources.
type CreateRestrictedDataTokenRequest struct {
	RestrictedResources []RestrictedResource `json:"restrictedResources"`
}

// RestrictedResource is an operation returning personal data; DataElements
// names which (buyerInfo, shippingAddress).
type RestrictedResource struct {
	Method       string   `json:"method"`
	Path         string   `json:"path"`
	DataElements []string `json:"dataElements,omitempty"`
}

// CreateRestrictedDataTokenResponse is the RDT and its lifetime in seconds.
type CreateRestrictedDataTokenResponse struct {
	RestrictedDataToken string `json:"restrictedDataToken"`
	ExpiresIn           int    `json:"expiresIn"`
}
