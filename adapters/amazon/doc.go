// Package amazon reads and writes Amazon seller flat files: the order reports
// a seller downloads from Seller Central (the 29-column Order Report and the
// All Orders report) and the Shipping Confirmation file they upload back.
//
// The files are tab-separated, unquoted UTF-8 with a header row. Product
// names routinely contain `"`, so the reader splits lines on tabs itself
// instead of using encoding/csv, whose quote handling would swallow columns.
//
// ReadOrders streams: it holds one order being assembled and one batch of
// finished orders, never the file, so a report of any size imports in
// constant memory. Rows of one order are grouped while they are adjacent;
// a later repeat of the same order id becomes another core.Order value, and
// the engine merges them by order-item-id.
//
// How report values become core values:
//
//   - Money: item-price, item-tax, shipping-price and shipping-tax are line
//     totals; they are read into integer minor units with the currency's
//     decimal places from core.CurrencyDigits (JPY and KRW 0; BHD, JOD, KWD,
//     OMR, TND 3; most 2). Empty amounts are 0: Amazon leaves prices out on
//     pending lines. A line may omit its currency when its order's earlier
//     lines gave one, or when it has no amounts at all.
//     shipping-tax is added to Item.Tax: core.Item has no shipping-tax field,
//     Item.Paid must equal what the buyer paid, and Tax is "all tax on the
//     line" while Shipping stays the shipping charge before tax. The
//     item- and ship-promotion-discount columns (negative in the All Orders
//     report) become Item.Discount, so Paid is what the buyer really paid.
//     Gift wrap is not imported: it is not part of the goods' price.
//   - order-status: Pending and PendingAvailability (a pre-order whose payment
//     is taken when the item is released) are core.Pending; Unshipped and
//     Shipping (the marketplace is picking it, nothing has left) are
//     Unshipped; PartiallyShipped is PartiallyShipped; Shipped and
//     InvoiceUnconfirmed (all shipped, only the invoice confirmation is
//     missing) are Shipped; Canceled, Cancelled and Unfulfillable (a
//     multi-channel order that will never ship) are Canceled; Delivered is
//     Delivered. Without an order-status column Status stays "" and the
//     engine decides from PaymentsDate.
//   - fulfillment-channel: Merchant/MFN is core.Merchant, Amazon/AFN is
//     core.Marketplace; no column or an empty value means Merchant.
//   - item-status Cancelled (or Canceled) on a line makes that line
//     cancelled (core.Item.Canceled holds its units, Quantity and the
//     amounts are 0), whatever the order's status: a shipped order may have
//     a cancelled line, which is neither shipped nor paid.
//   - order-id must be Amazon's 3-7-7 digits; any other value is a bad line.
//   - promise-date or latest-ship-date (the Unshipped Orders report) is the
//     order's ship-by as the marketplace computed it; without one the
//     engine computes it. A report with no price or currency columns sets
//     Report.NoPrices.
package amazon
