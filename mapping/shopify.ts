import { guard, IssueList, OrderValidationError } from './errors';
import { lineAmount, roundMoney, sumMoney } from './money';
import { isRecord, parseNumber } from './values';
import type { OrderStatus } from './model';
import type { ParseOptions } from './options';
import { finishVendorOrder, idText, list, record, sumAmounts, unwrapBody } from './vendorInput';

const GID = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)$/;

function looksLikeShopifyBody(value: Record<string, unknown>): boolean {
	return 'line_items' in value || 'refund_line_items' in value || 'order_id' in value || 'admin_graphql_api_id' in value;
}

/** Order id: the exact digits from admin_graphql_api_id when present (JSON numbers may have lost digits). */
function shopifyId(value: Record<string, unknown>, key: string, issues: IssueList): string | undefined {
	const gid = value.admin_graphql_api_id;
	if (key === 'id' && typeof gid === 'string') {
		const match = GID.exec(gid);
		if (match !== null) return match[1];
	}
	return idText(value[key], key, issues);
}

function orderStatus(body: Record<string, unknown>): OrderStatus {
	if (body.cancelled_at !== null && body.cancelled_at !== undefined && body.cancelled_at !== '') return 'cancelled';
	const financial = typeof body.financial_status === 'string' ? body.financial_status : '';
	const fulfillment = typeof body.fulfillment_status === 'string' ? body.fulfillment_status : '';
	if (financial === 'refunded') return 'refunded';
	if (financial === 'voided') return 'cancelled';
	if (fulfillment === 'restocked') return 'returned';
	if (fulfillment === 'fulfilled') return 'delivered';
	if (fulfillment === 'partial') return 'in_progress';
	if (financial === 'paid' || financial === 'partially_paid' || financial === 'partially_refunded') return 'in_progress';
	return 'created';
}

function address(value: unknown): Record<string, unknown> | undefined {
	if (!isRecord(value)) return undefined;
	return {
		street1: value.address1,
		street2: value.address2,
		city: value.city,
		region: value.province ?? value.province_code,
		postalCode: value.zip,
		country: value.country_code ?? value.country,
	};
}

function productIdOf(item: Record<string, unknown>, path: string, issues: IssueList): string | undefined {
	const id = idText(item.product_id, `${path}.product_id`, issues) ?? idText(item.variant_id, `${path}.variant_id`, issues);
	if (id !== undefined) return id;
	if (typeof item.sku === 'string' && item.sku.trim() !== '') return item.sku;
	return idText(item.id, `${path}.id`, issues);
}

/** Which of Shopify's two money columns is read: the shop's currency (default) or the buyer's presentment one. */
export type ShopifyMoney = 'shop' | 'presentment';

export interface ShopifyReadOptions extends ParseOptions {
	/** 'shop' (default): amounts and currency in the shop currency (`*_set.shop_money`, `currency`);
	 * 'presentment': in the currency the buyer saw (`*_set.presentment_money`, `presentment_currency`). */
	money?: ShopifyMoney;
}

/** The amount of a Shopify money field in the chosen currency. Shop: `<field>` (shop currency), else
 * `<field>_set.shop_money.amount`; presentment: `<field>_set.presentment_money.amount`, else `<field>`. */
function moneyOf(value: Record<string, unknown>, field: string, money: ShopifyMoney): unknown {
	const set = record(value[`${field}_set`]);
	if (money === 'shop') return present(value[field]) ? value[field] : record(set.shop_money).amount;
	const chosen = record(set.presentment_money).amount;
	return present(chosen) ? chosen : value[field];
}

function present(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

function readOrderBody(body: Record<string, unknown>, issues: IssueList, pathMap: Map<string, string>, money: ShopifyMoney): Record<string, unknown> {
	const customer = record(body.customer);
	const billing = record(body.billing_address);
	const shipping = record(body.shipping_address);
	const discountCodes = list(body.discount_codes);
	const shippingLines = list(body.shipping_lines).map(record);
	// Shipping is what the buyer pays for it: each line's discounted price (price − its discount allocations).
	const shippingTotal =
		shippingLines.length > 0
			? sumAmounts(
					shippingLines.map((line, i) => {
						const discounted = moneyOf(line, 'discounted_price', money);
						if (present(discounted)) return { value: discounted, path: `shipping_lines[${i}].discounted_price` };
						return { value: moneyOf(line, 'price', money), path: `shipping_lines[${i}].price` };
					}),
					issues,
				)
			: moneyOf(body, 'total_shipping_price', money);
	const gateways = list(body.payment_gateway_names).filter((name): name is string => typeof name === 'string' && name !== '');
	const codes = discountCodes.map((code) => record(code).code).filter((code): code is string => typeof code === 'string' && code !== '');
	const lineAmounts: number[] = [];
	let linesBad = false;
	let editedLines = false;
	const lines: Record<string, unknown>[] = [];
	list(body.line_items).forEach((raw, i) => {
		const path = `line_items[${i}]`;
		const item = record(raw);
		const ordered = parseNumber(item.quantity, false);
		const current = parseNumber(item.current_quantity, false);
		// An order edited after creation (orders/updated) keeps removed units in `quantity`; current_quantity
		// is what the buyer still gets. A line edited down to 0 is no longer part of the order.
		const edited = current.ok && ordered.ok && current.value !== ordered.value;
		if (edited) editedLines = true;
		if (current.ok && current.value === 0) return;
		const index = lines.length;
		pathMap.set(`lines[${index}]`, path);
		pathMap.set(`lines[${index}].productId`, `${path}.product_id`);
		pathMap.set(`lines[${index}].unitPrice`, `${path}.price`);
		pathMap.set(`lines[${index}].quantity`, edited ? `${path}.current_quantity` : `${path}.quantity`);
		pathMap.set(`lines[${index}].name`, `${path}.name`);
		pathMap.set(`lines[${index}].discount`, `${path}.discount_allocations`);
		const allocations = list(item.discount_allocations);
		let discount: unknown =
			allocations.length > 0
				? sumAmounts(allocations.map((allocation, k) => ({ value: moneyOf(record(allocation), 'amount', money), path: `${path}.discount_allocations[${k}].amount` })), issues)
				: moneyOf(item, 'total_discount', money);
		const parsedDiscount = parseNumber(discount, false);
		// Discount allocations are for the ordered quantity; an edited line keeps the share of the units left.
		if (edited && parsedDiscount.ok && ordered.value > 0) discount = roundMoney((parsedDiscount.value * current.value) / ordered.value);
		const quantity = edited ? current.value : ordered.ok ? ordered.value : item.quantity;
		const unitPrice = moneyOf(item, 'price', money);
		const parsedPrice = parseNumber(unitPrice, false);
		const cut = parseNumber(discount, false);
		const lineValue = typeof quantity === 'number' && parsedPrice.ok && (cut.ok || !present(discount)) ? lineAmount(quantity, parsedPrice.value, cut.ok ? cut.value : 0) : Number.NaN;
		// A bad line is reported at its own fields; the order subtotal is then left out rather than reported twice.
		if (lineValue >= 0 && parsedPrice.ok && parsedPrice.value >= 0) lineAmounts.push(lineValue);
		else linesBad = true;
		lines.push({
			productId: productIdOf(item, path, issues),
			sku: item.sku,
			name: item.name ?? item.title,
			quantity,
			unitPrice,
			discount,
		});
	});
	// The model's subtotal: Σ line amounts after line discounts (Shopify allocates order-level discount codes
	// onto the lines), before shipping and tax. For an unedited order this equals Shopify's subtotal_price.
	const subtotal = linesBad ? undefined : lineAmounts.length > 0 ? sumMoney(lineAmounts) : moneyOf(body, 'subtotal_price', money);
	// current_* totals are read only for an edited order: an unedited one has them equal to the originals,
	// and reading the originals keeps errors naming the fields users know (total_price, total_tax).
	const scalar = (value: unknown): value is string | number => typeof value === 'string' || typeof value === 'number';
	// Only plain text/numbers are compared (String() of a hostile object can throw); anything else is reported by the reader.
	const orderEdited =
		editedLines ||
		(scalar(body.current_subtotal_price) && scalar(body.subtotal_price) && String(body.current_subtotal_price) !== String(body.subtotal_price));
	const currentOr = (field: string): unknown => {
		const now = moneyOf(body, `current_${field}`, money);
		return orderEdited && present(now) ? now : moneyOf(body, field, money);
	};
	const cur = (field: string): string => (orderEdited && present(body[`current_${field}`]) ? `current_${field}` : field);
	pathMap.set('total', cur('total_price')).set('subtotal', 'line_items').set('tax', cur('total_tax')).set('discount', cur('total_discounts'));
	pathMap.set('dateTime', body.processed_at ? 'processed_at' : 'created_at').set('couponValue', 'discount_codes').set('shipping', 'total_shipping_price_set');
	pathMap.set('customer.email', body.email ? 'email' : 'customer.email').set('customer.phone', body.phone ? 'phone' : 'customer.phone');
	pathMap.set('customer.billingAddress', 'billing_address').set('customer.shippingAddress', 'shipping_address').set('language', 'customer_locale');
	pathMap.set('channel', 'source_name').set('storeId', 'location_id').set('customer.id', 'customer.id');
	return {
		id: shopifyId(body, 'id', issues),
		dateTime: body.processed_at || body.created_at,
		status: orderStatus(body),
		customer: {
			id: idText(customer.id, 'customer.id', issues),
			email: body.email || body.contact_email || customer.email,
			phone: body.phone || customer.phone || billing.phone || shipping.phone,
			firstName: customer.first_name ?? billing.first_name,
			lastName: customer.last_name ?? billing.last_name,
			billingAddress: address(body.billing_address),
			shippingAddress: address(body.shipping_address),
		},
		channel: body.source_name,
		storeId: idText(body.location_id, 'location_id', issues),
		currency: money === 'presentment' && present(body.presentment_currency) ? body.presentment_currency : body.currency,
		shipping: shippingTotal,
		tax: currentOr('total_tax'),
		discount: currentOr('total_discounts'),
		subtotal,
		total: currentOr('total_price'),
		couponCode: codes.length > 0 ? codes.join(',') : undefined,
		// discount_codes carry no presentment amount; in presentment money the code value is left out.
		couponValue:
			money === 'presentment' && present(body.presentment_currency) && body.presentment_currency !== body.currency
				? undefined
				: sumAmounts(discountCodes.map((code, i) => ({ value: record(code).amount, path: `discount_codes[${i}].amount` })), issues),
		paymentMethod: gateways.length > 0 ? gateways.join(', ') : body.gateway,
		language: body.customer_locale,
		lines: Array.isArray(body.line_items) ? lines : body.line_items,
	};
}

function readRefundBody(body: Record<string, unknown>, issues: IssueList, pathMap: Map<string, string>, money: ShopifyMoney): Record<string, unknown> {
	const refundLines = list(body.refund_line_items);
	const transactions = list(body.transactions).map(record);
	const refunds = transactions.filter((transaction) => transaction.kind === 'refund' && (transaction.status === undefined || transaction.status === 'success'));
	const lines = refundLines.map((raw, i) => {
		const path = `refund_line_items[${i}]`;
		const entry = record(raw);
		const item = record(entry.line_item);
		pathMap.set(`lines[${i}]`, path);
		pathMap.set(`lines[${i}].quantity`, `${path}.quantity`);
		pathMap.set(`lines[${i}].unitPrice`, `${path}.line_item.price`);
		pathMap.set(`lines[${i}].productId`, `${path}.line_item.product_id`);
		pathMap.set(`lines[${i}].subtotal`, `${path}.subtotal`);
		return {
			productId: productIdOf(item, `${path}.line_item`, issues) ?? idText(entry.line_item_id, `${path}.line_item_id`, issues),
			sku: item.sku,
			name: item.name ?? item.title,
			quantity: entry.quantity,
			unitPrice: moneyOf(item, 'price', money),
			subtotal: moneyOf(entry, 'subtotal', money),
		};
	});
	const subtotal = sumAmounts(refundLines.map((entry, i) => ({ value: moneyOf(record(entry), 'subtotal', money), path: `refund_line_items[${i}].subtotal` })), issues);
	const tax = sumAmounts(refundLines.map((entry, i) => ({ value: moneyOf(record(entry), 'total_tax', money), path: `refund_line_items[${i}].total_tax` })), issues);
	const adjustments = list(body.order_adjustments).map(record);
	const shipping = sumAmounts(
		adjustments.map((adjustment, i) => ({ value: adjustment.kind === 'shipping_refund' ? adjustment.amount : undefined, path: `order_adjustments[${i}].amount` })),
		issues,
		true,
	);
	let total = sumAmounts(refunds.map((transaction) => ({ value: transaction.amount, path: `transactions[${transactions.indexOf(transaction)}].amount` })), issues);
	if (total === undefined && subtotal !== undefined) total = sumAmounts([{ value: subtotal, path: 'refund_line_items' }, { value: tax, path: 'refund_line_items' }, { value: shipping, path: 'order_adjustments' }], issues);
	const firstLine = record(refundLines[0]);
	const currency = refunds[0]?.currency ?? record(record(firstLine.subtotal_set).shop_money).currency_code;
	pathMap.set('id', 'order_id').set('dateTime', body.processed_at ? 'processed_at' : 'created_at').set('total', 'transactions').set('currency', 'transactions[0].currency');
	return {
		id: idText(body.order_id, 'order_id', issues),
		dateTime: body.processed_at || body.created_at,
		status: 'refunded',
		customer: {},
		currency,
		shipping,
		tax,
		subtotal,
		total,
		lines,
	};
}

/**
 * Shopify webhook body → canonical order. orders/create, orders/paid, orders/updated and orders/cancelled
 * carry the order: unitPrice = `price` (before discounts), line discount = Σ discount_allocations (line and
 * allocated order-level discounts), quantity = current_quantity (an edited order; lines edited to 0 are
 * dropped, the discount keeps the share of the units left), subtotal = Σ line amounts, shipping =
 * Σ shipping_lines discounted prices, tax/discount/total = current_* when present. taxes_included true:
 * prices, subtotal and shipping include tax (total = subtotal + shipping); false: total = subtotal +
 * shipping + tax. Money in the shop currency unless options.money = 'presentment'. refunds/create
 * carries a refund refunds/create carries a refund (status 'refunded', lines = refunded line items,
 * total = successful refund transactions, else refunded subtotal + tax + shipping). The order id comes from
 * admin_graphql_api_id when present, so ids beyond 2^53 stay exact. Accepts the body itself, JSON text,
 * or n8n's Webhook output {headers, body}.
 */
export function readShopifyOrder(body: unknown, options?: ShopifyReadOptions): import('./model').CanonicalOrder {
	return guard(() => {
		const { money: moneyOption, ...parseOptions } = options ?? {};
		if (moneyOption !== undefined && moneyOption !== 'shop' && moneyOption !== 'presentment') {
			throw new OrderValidationError([{ path: 'options.money', message: `expected "shop" or "presentment", got ${JSON.stringify(moneyOption)}` }]);
		}
		const money: ShopifyMoney = moneyOption ?? 'shop';
		const source = unwrapBody(body, looksLikeShopifyBody, 'Shopify');
		const issues = new IssueList();
		const pathMap = new Map<string, string>();
		const isRefund = Array.isArray(source.refund_line_items) || ('order_id' in source && !('line_items' in source));
		const input = isRefund ? readRefundBody(source, issues, pathMap, money) : readOrderBody(source, issues, pathMap, money);
		return finishVendorOrder(input, issues, pathMap, options === undefined ? undefined : parseOptions);
	});
}
