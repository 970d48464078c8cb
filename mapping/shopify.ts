import { guard, IssueList } from './errors';
import { isRecord } from './values';
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

function readOrderBody(body: Record<string, unknown>, issues: IssueList, pathMap: Map<string, string>): Record<string, unknown> {
	const customer = record(body.customer);
	const billing = record(body.billing_address);
	const shipping = record(body.shipping_address);
	const discountCodes = list(body.discount_codes);
	const shippingSet = record(record(body.total_shipping_price_set).shop_money);
	const shippingTotal =
		shippingSet.amount ?? sumAmounts(list(body.shipping_lines).map((line, i) => ({ value: record(line).price, path: `shipping_lines[${i}].price` })), issues);
	const gateways = list(body.payment_gateway_names).filter((name): name is string => typeof name === 'string' && name !== '');
	const codes = discountCodes.map((code) => record(code).code).filter((code): code is string => typeof code === 'string' && code !== '');
	const lines = list(body.line_items).map((raw, i) => {
		const path = `line_items[${i}]`;
		const item = record(raw);
		pathMap.set(`lines[${i}]`, path);
		pathMap.set(`lines[${i}].productId`, `${path}.product_id`);
		pathMap.set(`lines[${i}].unitPrice`, `${path}.price`);
		pathMap.set(`lines[${i}].quantity`, `${path}.quantity`);
		pathMap.set(`lines[${i}].name`, `${path}.name`);
		pathMap.set(`lines[${i}].discount`, `${path}.discount_allocations`);
		const allocations = list(item.discount_allocations);
		const discount =
			allocations.length > 0
				? sumAmounts(allocations.map((allocation, k) => ({ value: record(allocation).amount, path: `${path}.discount_allocations[${k}].amount` })), issues)
				: item.total_discount;
		return {
			productId: productIdOf(item, path, issues),
			sku: item.sku,
			name: item.name ?? item.title,
			quantity: item.quantity,
			unitPrice: item.price,
			discount,
		};
	});
	pathMap.set('total', 'total_price').set('subtotal', 'subtotal_price').set('tax', 'total_tax').set('discount', 'total_discounts');
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
		currency: body.currency,
		shipping: shippingTotal,
		tax: body.total_tax,
		discount: body.total_discounts,
		subtotal: body.subtotal_price,
		total: body.total_price,
		couponCode: codes.length > 0 ? codes.join(',') : undefined,
		couponValue: sumAmounts(discountCodes.map((code, i) => ({ value: record(code).amount, path: `discount_codes[${i}].amount` })), issues),
		paymentMethod: gateways.length > 0 ? gateways.join(', ') : body.gateway,
		language: body.customer_locale,
		lines: Array.isArray(body.line_items) ? lines : body.line_items,
	};
}

function readRefundBody(body: Record<string, unknown>, issues: IssueList, pathMap: Map<string, string>): Record<string, unknown> {
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
			unitPrice: item.price,
			subtotal: entry.subtotal,
		};
	});
	const subtotal = sumAmounts(refundLines.map((entry, i) => ({ value: record(entry).subtotal, path: `refund_line_items[${i}].subtotal` })), issues);
	const tax = sumAmounts(refundLines.map((entry, i) => ({ value: record(entry).total_tax, path: `refund_line_items[${i}].total_tax` })), issues);
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
 * carry the order; refunds/create carries a refund (status 'refunded', lines = refunded line items,
 * total = successful refund transactions, else refunded subtotal + tax + shipping). The order id comes from
 * admin_graphql_api_id when present, so ids beyond 2^53 stay exact. Accepts the body itself, JSON text,
 * or n8n's Webhook output {headers, body}.
 */
export function readShopifyOrder(body: unknown, options?: ParseOptions): import('./model').CanonicalOrder {
	return guard(() => {
		const source = unwrapBody(body, looksLikeShopifyBody, 'Shopify');
		const issues = new IssueList();
		const pathMap = new Map<string, string>();
		const isRefund = Array.isArray(source.refund_line_items) || ('order_id' in source && !('line_items' in source));
		const input = isRefund ? readRefundBody(source, issues, pathMap) : readOrderBody(source, issues, pathMap);
		return finishVendorOrder(input, issues, pathMap, options);
	});
}
