import { describe, guard, IssueList, OrderValidationError } from './errors';
import { lineAmount, subtractMoney, sumMoney, toScaled } from './money';
import { normalizeStatus, type CanonicalOrder, type OrderStatus } from './model';
import type { ParseOptions } from './options';
import { isRecord, parseNumber } from './values';
import { finishVendorOrder, idText, list, record, sumAmounts, unwrapBody } from './vendorInput';

const WOO_STATUSES: Record<string, OrderStatus> = {
	pending: 'created',
	'on-hold': 'created',
	'checkout-draft': 'created',
	processing: 'in_progress',
	completed: 'delivered',
	cancelled: 'cancelled',
	failed: 'cancelled',
	trash: 'cancelled',
	refunded: 'refunded',
};

function looksLikeWooBody(value: Record<string, unknown>): boolean {
	return 'line_items' in value || 'order_key' in value || 'webhook_id' in value;
}

function address(value: unknown): Record<string, unknown> | undefined {
	if (!isRecord(value)) return undefined;
	return {
		street1: value.address_1,
		street2: value.address_2,
		city: value.city,
		region: value.state,
		postalCode: value.postcode,
		country: value.country,
	};
}

/** date_created_gmt has no offset but is UTC; mark it so the time-zone option does not move it. */
function gmtDate(value: unknown): unknown {
	if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(value.trim())) return `${value.trim()}Z`;
	return value;
}

function status(value: unknown, issues: IssueList): OrderStatus | undefined {
	if (typeof value !== 'string') {
		issues.add('status', `expected a WooCommerce order status, got ${describe(value)}`);
		return undefined;
	}
	const key = value.trim().toLowerCase().replace(/^wc-/, '');
	const mapped = WOO_STATUSES[key] ?? normalizeStatus(key);
	if (mapped === undefined) {
		issues.add('status', `is not a WooCommerce status this library knows (pending, on-hold, processing, completed, cancelled, refunded, failed), got ${describe(value)}`);
	}
	return mapped;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '–', mdash: '—', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“' };

/** WooCommerce's REST output HTML-encodes product names ("Ship Your Idea &ndash; Black"). */
function decodeEntities(value: unknown): unknown {
	if (typeof value !== 'string' || value.indexOf('&') < 0) return value;
	return value.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]{2,6});/g, (whole, entity: string) => {
		if (entity.startsWith('#')) {
			const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
			return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
		}
		return ENTITIES[entity] ?? whole;
	});
}

function amount(value: unknown): number | undefined {
	const parsed = parseNumber(value, false);
	return parsed.ok ? parsed.value : undefined;
}

/**
 * WooCommerce order.created / order.updated webhook body (the REST order resource) → canonical order.
 * date_created_gmt is read as UTC (date_created, the shop's local time, uses options.timeZone). Line
 * unitPrice = subtotal ÷ quantity (WooCommerce's `price` is after the coupon, so it is not used when the
 * subtotal is there); discount = subtotal − total; line subtotal = total. Order subtotal = Σ line totals
 * (the model's meaning: after line discounts, before shipping and tax; coupons are allocated to lines,
 * so no order-level discount remains). prices_include_tax true: every line amount, shipping and the
 * discount include their tax (subtotal + subtotal_tax, total + total_tax, shipping_total + shipping_tax,
 * discount_total + discount_tax), so total = subtotal + shipping (+ fees); `tax` is the included tax.
 * false: amounts without tax, total = subtotal + shipping + tax (+ fees). Fee lines are not read.
 * Accepts the body itself, JSON text or n8n's Webhook output {headers, body}; a webhook ping is an error.
 */
export function readWooCommerceOrder(body: unknown, options?: ParseOptions): CanonicalOrder {
	return guard(() => {
		const source = unwrapBody(body, looksLikeWooBody, 'WooCommerce');
		if ('webhook_id' in source && !('id' in source)) {
			throw new OrderValidationError([{ path: '', message: 'this is a WooCommerce webhook ping (it carries only webhook_id), not an order' }]);
		}
		const issues = new IssueList();
		const pathMap = new Map<string, string>();
		const billing = record(source.billing);
		const customerId = idText(source.customer_id, 'customer_id', issues);
		// One price basis per order: WooCommerce stores line amounts without tax; when the shop enters prices
		// with tax (prices_include_tax) the amounts the shop showed are the stored ones plus their tax.
		const withTax = source.prices_include_tax === true || source.prices_include_tax === 'true';
		const gross = (net: unknown, taxPart: unknown): number | undefined => {
			const value = amount(net);
			if (value === undefined || !withTax) return value;
			const part = amount(taxPart);
			return part === undefined ? value : sumMoney([value, part]);
		};
		const lineSubtotals: { value: unknown; path: string }[] = [];
		const lines = list(source.line_items).map((raw, i) => {
			const path = `line_items[${i}]`;
			const item = record(raw);
			pathMap.set(`lines[${i}]`, path).set(`lines[${i}].productId`, `${path}.product_id`).set(`lines[${i}].quantity`, `${path}.quantity`);
			pathMap.set(`lines[${i}].unitPrice`, `${path}.subtotal`).set(`lines[${i}].discount`, `${path}.subtotal`).set(`lines[${i}].subtotal`, `${path}.total`);
			pathMap.set(`lines[${i}].imageUrl`, `${path}.image.src`).set(`lines[${i}].name`, `${path}.name`);
			const quantity = amount(item.quantity);
			const before = gross(item.subtotal, item.subtotal_tax);
			const after = gross(item.total, item.total_tax);
			// WooCommerce's `price` is total ÷ quantity, i.e. already after the coupon: the unit price before the
			// discount is subtotal ÷ quantity, and the line discount is subtotal − total (issue 12).
			let unitPrice: unknown = item.price;
			if (before !== undefined && quantity !== undefined && quantity > 0) unitPrice = before / quantity;
			else if (withTax && after !== undefined && quantity !== undefined && quantity > 0) unitPrice = after / quantity;
			let discount: number | undefined;
			if (before !== undefined && after !== undefined && toScaled(before) > toScaled(after)) discount = subtractMoney(before, after);
			// subtotal ÷ quantity rounded to 6 decimals (e.g. 3.333333) can make quantity × price fall a hair under the discount.
			const price = amount(unitPrice);
			if (discount !== undefined && price !== undefined && quantity !== undefined && lineAmount(quantity, price, discount) < 0) discount = undefined;
			const lineTotal = after ?? item.total;
			lineSubtotals.push({ value: lineTotal, path: `${path}.total` });
			const productId = idText(item.product_id, `${path}.product_id`, issues);
			return {
				productId: productId === '0' ? (typeof item.sku === 'string' && item.sku !== '' ? item.sku : undefined) : productId,
				sku: item.sku,
				name: decodeEntities(item.name),
				quantity: item.quantity,
				unitPrice,
				discount,
				subtotal: lineTotal,
				imageUrl: record(item.image).src,
			};
		});
		const couponLines = list(source.coupon_lines).map(record);
		const codes = couponLines.map((coupon) => coupon.code).filter((code): code is string => typeof code === 'string' && code !== '');
		const hasGmt = typeof source.date_created_gmt === 'string' && source.date_created_gmt !== '';
		pathMap.set('dateTime', hasGmt ? 'date_created_gmt' : 'date_created').set('shipping', 'shipping_total').set('tax', 'total_tax');
		pathMap.set('discount', 'discount_total').set('customer.id', 'customer_id').set('customer.email', 'billing.email').set('customer.phone', 'billing.phone');
		pathMap.set('customer.billingAddress', 'billing').set('customer.shippingAddress', 'shipping').set('couponValue', 'coupon_lines').set('channel', 'created_via');
		const input: Record<string, unknown> = {
			id: idText(source.id, 'id', issues),
			dateTime: hasGmt ? gmtDate(source.date_created_gmt) : source.date_created,
			status: status(source.status, issues),
			customer: {
				id: customerId === '0' ? undefined : customerId,
				email: billing.email,
				phone: billing.phone,
				firstName: billing.first_name,
				lastName: billing.last_name,
				billingAddress: address(source.billing),
				shippingAddress: address(source.shipping),
			},
			channel: source.created_via,
			currency: source.currency,
			shipping: gross(source.shipping_total, source.shipping_tax) ?? source.shipping_total,
			tax: source.total_tax,
			discount: gross(source.discount_total, source.discount_tax) ?? source.discount_total,
			subtotal: sumAmounts(lineSubtotals, issues),
			total: source.total,
			couponCode: codes.length > 0 ? codes.join(',') : undefined,
			couponValue: sumAmounts(couponLines.map((coupon, i) => ({ value: coupon.discount, path: `coupon_lines[${i}].discount` })), issues),
			paymentMethod: source.payment_method_title || source.payment_method,
			lines: Array.isArray(source.line_items) ? lines : source.line_items,
		};
		if (input.status === undefined) delete input.status;
		return finishVendorOrder(input, issues, pathMap, options);
	});
}
