import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readShopifyOrder, readWooCommerceOrder, toOdpOrderEvent, toOptimizelyRecsOrder, type CanonicalOrder } from '../../mapping';
import { wire } from './helpers';

/**
 * Issue 12 golden tests: webhook bodies shaped after the platforms' documented examples (Shopify order and
 * refund webhook payloads, WooCommerce REST order resource) in test/fixtures/webhooks/. Every expected
 * amount is a literal worked out by hand from the body, with the arithmetic in a comment; none is computed
 * with the library. Vendor payloads (ODP order event, Optimizely Recs order) are checked on the wire.
 */

function body(name: string): Record<string, unknown> {
	return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'webhooks', name), 'utf8')) as Record<string, unknown>;
}

function odp(order: CanonicalOrder, action = 'purchase'): { order: Record<string, unknown>; items: Record<string, unknown>[] } {
	const event = wire(toOdpOrderEvent(order, { action })) as { data: { order: Record<string, unknown> & { items: Record<string, unknown>[] } } };
	return { order: event.data.order, items: event.data.order.items };
}

function recs(order: CanonicalOrder): Record<string, unknown> & { items: Record<string, unknown>[] } {
	return (wire(toOptimizelyRecsOrder(order)) as { order: Record<string, unknown> & { items: Record<string, unknown>[] } }).order;
}

describe('Shopify orders/create, taxes_included false, discount code and shipping discount', () => {
	const source = body('shopify-orders-create-taxes-excluded.json');

	it('sends shop-currency amounts that add up', () => {
		const order = readShopifyOrder(source);
		expect(order.currency).toBe('USD'); // the shop currency, not presentment_currency EUR
		const { order: sent, items } = odp(order);
		expect(items).toEqual([
			// price 199.00 before discounts; discount = allocation 19.90; 1 × 199.00 − 19.90 = 179.10
			{ product_id: '632910392', price: 199, quantity: 1, discount: 19.9, subtotal: 179.1 },
			// 2 × 25.00 − allocation 5.00 = 45.00
			{ product_id: '921728736', price: 25, quantity: 2, discount: 5, subtotal: 45 },
		]);
		// subtotal = 179.10 + 45.00 = 224.10 (= Shopify subtotal_price); shipping = discounted 10.00 − 5.00 = 5.00;
		// total = 224.10 + 5.00 + tax 17.93 = 247.03 (= total_price); discount as reported: 19.90 + 5.00 + 5.00 = 29.90
		expect(sent).toMatchObject({ subtotal: 224.1, shipping: 5, tax: 17.93, total: 247.03, discount: 29.9, coupon_code: 'SPRING10,FREESHIP5' });
		const recsOrder = recs(order);
		expect(recsOrder).toMatchObject({ currency: 'USD', subTotal: 224.1, shipping: 5, total: 247.03 });
		expect(recsOrder.items).toEqual([
			{ refCode: '632910392', qty: 1, price: 199 },
			{ refCode: '921728736', qty: 2, price: 25 },
		]);
	});

	it('sends presentment-currency amounts with money: presentment', () => {
		const order = readShopifyOrder(source, { money: 'presentment' });
		expect(order.currency).toBe('EUR');
		const { order: sent, items } = odp(order);
		expect(items).toEqual([
			// presentment 182.00 − 18.20 = 163.80
			{ product_id: '632910392', price: 182, quantity: 1, discount: 18.2, subtotal: 163.8 },
			// 2 × 22.90 − 4.58 = 45.80 − 4.58 = 41.22
			{ product_id: '921728736', price: 22.9, quantity: 2, discount: 4.58, subtotal: 41.22 },
		]);
		// 163.80 + 41.22 = 205.02; shipping discounted 4.58; 205.02 + 4.58 + tax 16.40 = 226.00
		expect(sent).toMatchObject({ subtotal: 205.02, shipping: 4.58, tax: 16.4, total: 226 });
		expect(sent.coupon_code).toBe('SPRING10,FREESHIP5');
		expect(order.couponValue).toBeUndefined(); // discount_codes carry shop money only
	});
});

describe('Shopify orders/create, taxes_included true', () => {
	it('keeps the tax-inclusive basis: total = subtotal + shipping', () => {
		const order = readShopifyOrder(body('shopify-orders-create-taxes-included.json'));
		const { order: sent, items } = odp(order);
		// 2 × 119.00 − 23.80 = 238.00 − 23.80 = 214.20 (prices include 19 % tax)
		expect(items).toEqual([{ product_id: '788032119', price: 119, quantity: 2, discount: 23.8, subtotal: 214.2 }]);
		// total = 214.20 + shipping 5.95 = 220.15; tax 34.20 + 0.95 = 35.15 is included, not added
		expect(sent).toMatchObject({ subtotal: 214.2, shipping: 5.95, tax: 35.15, total: 220.15, discount: 23.8 });
	});
});

describe('Shopify orders/updated after an order edit', () => {
	it('sends what the buyer still gets (current_quantity, current_* totals)', () => {
		const order = readShopifyOrder(body('shopify-orders-updated-edited.json'));
		const { order: sent, items } = odp(order);
		expect(items).toEqual([
			// Mug: 3 ordered, 1 left; discount share 9.00 × 1 / 3 = 3.00; 1 × 30.00 − 3.00 = 27.00
			{ product_id: '1001', price: 30, quantity: 1, discount: 3, subtotal: 27 },
			// Spoon edited to 0: left out. Tea: 2 × 8.00 = 16.00
			{ product_id: '1003', price: 8, quantity: 2, discount: 0, subtotal: 16 },
		]);
		// 27.00 + 16.00 = 43.00 (= current_subtotal_price); 43.00 + 4.90 + current tax 4.30 = 52.20 (= current_total_price)
		expect(sent).toMatchObject({ subtotal: 43, shipping: 4.9, tax: 4.3, total: 52.2, discount: 3 });
	});
});

describe('Shopify refunds/create, partial, with the customer supplied', () => {
	it('sends the refunded line and amounts', () => {
		const refund = readShopifyOrder(body('shopify-refunds-create-partial.json'));
		expect(refund.status).toBe('refunded');
		expect(refund.customer).toEqual({}); // refunds/create carries no customer
		const { order: sent, items } = odp({ ...refund, customer: { email: 'ana.silva@example.com' } }, 'refund');
		// 1 of 2 cases refunded: subtotal 22.50 (after its share of the discount), unit price 25.00
		expect(items).toEqual([{ product_id: '921728736', price: 25, quantity: 1, subtotal: 22.5 }]);
		// total = refund transaction 24.30 = 22.50 + tax 1.80
		expect(sent).toMatchObject({ order_id: '450789469', subtotal: 22.5, tax: 1.8, total: 24.3 });
	});
});

describe('WooCommerce, prices_include_tax false, with a coupon', () => {
	const source = body('woocommerce-order-coupon-prices-exclude-tax.json');

	it('does not count the coupon twice (issue 12 example line)', () => {
		const order = readWooCommerceOrder(source);
		const { order: sent, items } = odp(order);
		expect(items).toEqual([
			// unit price before discount = subtotal 23.80 ÷ 2 = 11.90 (not `price` 10.65 = total ÷ 2);
			// discount = 23.80 − 21.30 = 2.50; 2 × 11.90 − 2.50 = 21.30 = line total
			{ product_id: '93', price: 11.9, quantity: 2, discount: 2.5, subtotal: 21.3 },
			// 10.00 ÷ 1 = 10.00, no discount
			{ product_id: '94', price: 10, quantity: 1, subtotal: 10 },
		]);
		// subtotal = 21.30 + 10.00 = 31.30; total = 31.30 + shipping 5.00 + tax 3.63 = 39.93 (= WooCommerce total)
		expect(sent).toMatchObject({ subtotal: 31.3, shipping: 5, tax: 3.63, total: 39.93, discount: 2.5, coupon_code: 'hoodie250' });
		expect(recs(order)).toMatchObject({ subTotal: 31.3, shipping: 5, total: 39.93, items: [{ refCode: '93', qty: 2, price: 11.9 }, { refCode: '94', qty: 1, price: 10 }] });
	});

	it.each([
		['refunded', 'refunded'],
		['cancelled', 'cancelled'],
	])('reads a %s order with the same amounts and status %s', (status, expected) => {
		const order = readWooCommerceOrder({ ...source, status });
		expect(order.status).toBe(expected);
		// same hand figures as above: 31.30 subtotal, 39.93 total, line 1 = 11.90 × 2 − 2.50
		expect(order).toMatchObject({ subtotal: 31.3, total: 39.93, lines: [{ unitPrice: 11.9, discount: 2.5, subtotal: 21.3 }, { unitPrice: 10, subtotal: 10 }] });
	});
});

describe('WooCommerce, prices_include_tax true', () => {
	it('sends tax-inclusive amounts: total = subtotal + shipping', () => {
		const order = readWooCommerceOrder(body('woocommerce-order-prices-include-tax.json'));
		const { order: sent, items } = odp(order);
		// unit = (subtotal 20.00 + subtotal_tax 3.80) ÷ 2 = 11.90; line = total 18.00 + total_tax 3.42 = 21.42;
		// discount = 23.80 − 21.42 = 2.38; 2 × 11.90 − 2.38 = 21.42
		expect(items).toEqual([{ product_id: '95', price: 11.9, quantity: 2, discount: 2.38, subtotal: 21.42 }]);
		// shipping = 4.20 + 0.80 = 5.00; discount = 2.00 + 0.38 = 2.38; total = 21.42 + 5.00 = 26.42 (tax 4.22 included)
		expect(sent).toMatchObject({ subtotal: 21.42, shipping: 5, tax: 4.22, discount: 2.38, total: 26.42 });
	});
});
