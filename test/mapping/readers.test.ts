import {
	OrderValidationError,
	parseCsv,
	readFlatRows,
	readShopifyOrder,
	readWooCommerceOrder,
	toOdpOrderEvent,
	type FlatRowGroup,
} from '../../mapping';
import { fixture, fixtureText, issuesOf } from './helpers';

function issuesOfGroup(group: FlatRowGroup): string[] {
	expect(group.order).toBeUndefined();
	expect(group.error).toBeInstanceOf(OrderValidationError);
	return (group.error as OrderValidationError).issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('parseCsv', () => {
	it('reads quoted fields, doubled quotes, CRLF and newlines inside quotes', () => {
		const rows = parseCsv('a,b,c\r\n1,"x, y","say ""hi"""\r\n2,"multi\r\nline",\r\n');
		expect(rows).toEqual([
			{ a: '1', b: 'x, y', c: 'say "hi"' },
			{ a: '2', b: 'multi\r\nline', c: '' },
		]);
	});

	it('takes another delimiter, drops a byte-order mark and skips blank lines', () => {
		expect(parseCsv('\ufeffid;name\n\n1;Ä\n2;"a;b"\n\n', { delimiter: ';' })).toEqual([
			{ id: '1', name: 'Ä' },
			{ id: '2', name: 'a;b' },
		]);
	});

	it('keeps a "__proto__" column as data without touching Object.prototype', () => {
		const rows = parseCsv('__proto__,constructor\npolluted,yes\n');
		expect(rows[0]['__proto__']).toBe('polluted');
		expect(Object.keys(rows[0])).toEqual(['__proto__', 'constructor']);
		expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
		expect({ ...rows[0] }).toHaveProperty('__proto__', 'polluted');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('reports ragged rows, unclosed quotes, text after quotes and duplicate headers', () => {
		expect(issuesOf(() => parseCsv('a,b\n1,2,3\n4\n'))).toEqual([
			{ path: 'rows[0]', message: 'has 3 fields but the header has 2 (line 2)' },
			{ path: 'rows[1]', message: 'has 1 fields but the header has 2 (line 3)' },
		]);
		expect(issuesOf(() => parseCsv('a,b\n1,"open\n'))[0].message).toContain('never closed');
		expect(issuesOf(() => parseCsv('a,b\n1,"x"y\n'))[0].message).toContain('after a closing quote');
		expect(issuesOf(() => parseCsv('a,a\n1,2\n'))).toEqual([{ path: 'header[1]', message: 'repeats the column name "a" (also column 1)' }]);
		expect(issuesOf(() => parseCsv('a,b', { delimiter: '"' }))[0].path).toBe('options.delimiter');
	});

	it('allows an unnamed trailing column only while it is empty', () => {
		expect(parseCsv('a,b,\n1,2,\n')).toEqual([{ a: '1', b: '2' }]);
		expect(issuesOf(() => parseCsv('a,b,\n1,2,3\n'))).toEqual([{ path: 'header[2]', message: 'is empty, but the column has values' }]);
	});
});

describe('readFlatRows on a multi-order CSV export', () => {
	const rows = parseCsv(fixtureText('orders-export.csv'));
	const groups = readFlatRows(rows, { timeZone: 'Europe/Berlin' });

	it('groups interleaved rows by order id, in order of first appearance', () => {
		expect(rows).toHaveLength(5);
		expect(groups.map((group) => [group.orderId, group.rowIndexes])).toEqual([
			['1001', [0, 2]],
			['1002', [1, 4]],
			['1003', [3]],
		]);
		expect(groups.every((group) => group.error === undefined)).toBe(true);
	});

	it('keeps order fields from the first row and one line per row, quoted text intact', () => {
		const order = groups[0].order;
		expect(order).toEqual({
			id: '1001',
			dateTime: '2024-11-20T09:15:00.000+01:00',
			status: 'delivered',
			customer: {
				id: 'C-77',
				email: 'anna@example.com',
				firstName: 'Anna',
				lastName: 'Müller, geb. Schmidt',
				billingAddress: { street1: 'Hauptstraße 5, Hinterhaus', city: 'Berlin', postalCode: '10115', country: 'DE' },
			},
			currency: 'EUR',
			shipping: 4.9,
			tax: 7.98,
			total: 62.88,
			lines: [
				{ productId: '4556', sku: 'sku1', name: 'Mug "Classic", 300 ml', quantity: 2, unitPrice: 12.5 },
				{ productId: '4557', sku: 'sku2', name: 'Tea towel\r\n(two-pack)', quantity: 1, unitPrice: 24.99, discount: 1 },
			],
		});
		expect(groups[1].order?.status).toBe('in_progress');
		expect(groups[2].order?.status).toBe('cancelled');
	});

	it('reports a conflicting order-level value, naming both rows', () => {
		const changed = rows.map((row) => ({ ...row }));
		changed[4].total = '21.00';
		const result = readFlatRows(changed);
		expect(result[0].order).toBeDefined();
		expect(issuesOfGroup(result[1])).toEqual(['rows[4].total: conflicts with rows[1] of the same order ("21.00" vs "19.99")']);
	});

	it('treats equal amounts written differently as agreeing', () => {
		const changed = rows.map((row) => ({ ...row }));
		changed[4].total = '19.990';
		expect(readFlatRows(changed)[1].error).toBeUndefined();
	});

	it('never drops a row: a row without order id is its own error group, bad cells name their row', () => {
		const changed = rows.map((row) => ({ ...row }));
		changed[2].order_id = '';
		changed[3].quantity = 'two';
		const result = readFlatRows([...changed, null]);
		expect(result.map((group) => [group.orderId, group.rowIndexes])).toEqual([
			['1001', [0]],
			['1002', [1, 4]],
			['', [2]],
			['1003', [3]],
			['', [5]],
		]);
		expect(result[0].order?.lines).toHaveLength(1);
		// That row continued order 1001, so its order fields are blank too: every problem is listed.
		expect(issuesOfGroup(result[2])).toEqual([
			'rows[2].order_id: is required (every row needs the order id)',
			'rows[2].order_date: is required',
			expect.stringMatching(/^rows\[2\]\.status: is required/),
		]);
		expect(issuesOfGroup(result[3])).toEqual(['rows[3].quantity: expected a positive number, got "two"']);
		expect(issuesOfGroup(result[4])).toEqual(['rows[5]: expected a row object (column → value), got null']);
	});

	it('lists every problem of a group at once', () => {
		const bad = [
			{ order_id: 'X1', order_date: '2024-02-30 10:00', status: 'shipped-ish', currency: 'EURO', product_id: 'p', quantity: '-1', unit_price: 'abc' },
			{ order_id: 'X1', order_date: '2024-02-30 10:00', status: 'shipped-ish', currency: 'EURO', product_id: '', quantity: '1', unit_price: 'NaN' },
		];
		const messages = issuesOfGroup(readFlatRows(bad)[0]);
		expect(messages).toEqual([
			'rows[0].order_date: is not a real date (February 2024 has no day 30), got "2024-02-30 10:00"',
			expect.stringMatching(/^rows\[0\]\.status: expected an order status/),
			'rows[0].currency: expected an ISO 4217 currency code such as "EUR", got "EURO"',
			'rows[0].quantity: expected a positive number, got "-1"',
			'rows[0].unit_price: expected an amount (a number, 0 or more), got "abc"',
			'rows[1].product_id: is required',
			'rows[1].unit_price: expected an amount (a number, 0 or more), got "NaN"',
		]);
	});

	it('maps custom columns and extra attribute columns', () => {
		const result = readFlatRows(
			[{ Order: 7, When: 1700000000, State: 'new', Item: 99, Qty: 3, Price: 1.1, store_name: 'Regent St', colour: 'red' }],
			{ columns: { orderId: 'Order', orderDate: 'When', status: 'State', productId: 'Item', quantity: 'Qty', unitPrice: 'Price' }, orderAttributeColumns: ['store_name'], lineAttributeColumns: ['colour'] },
		);
		expect(result[0].order).toEqual({
			id: '7',
			dateTime: '2023-11-14T22:13:20.000+00:00',
			status: 'created',
			customer: {},
			attributes: { store_name: 'Regent St' },
			lines: [{ productId: '99', quantity: 3, unitPrice: 1.1, attributes: { colour: 'red' } }],
		});
	});

	it('refuses bad options but never throws for bad rows', () => {
		expect(issuesOf(() => readFlatRows(rows, { columns: { orderId: 5 as unknown as string } }))[0].path).toBe('options.columns.orderId');
		expect(issuesOf(() => readFlatRows('rows' as unknown as unknown[]))[0].path).toBe('rows');
		expect(issuesOf(() => readFlatRows(rows, { timeZone: 'Mars/Olympus' }))[0].path).toBe('options.timeZone');
	});
});

describe('readFlatRows on an ERP export (own date format, zone, decimal comma)', () => {
	const rows = parseCsv(fixtureText('erp-export.csv'), { delimiter: ';' });
	const columns = {
		orderId: 'Beleg',
		orderDate: 'Datum',
		status: 'Status',
		customerId: 'Kunde',
		email: 'E-Mail',
		currency: 'Waehrung',
		total: 'Summe',
		productId: 'Artikel',
		quantity: 'Menge',
		unitPrice: 'Preis',
		lineDiscount: 'Rabatt',
	};

	const statusAliases = { Abgeschlossen: 'delivered' } as const;

	it('reads "22.11.2026 14:05" in Europe/Berlin, "1.234,50" as 1234.5 and the ERP status word', () => {
		const groups = readFlatRows(rows, { dateFormat: 'dd.MM.yyyy HH:mm', timeZone: 'Europe/Berlin', decimalComma: true, columns, statusAliases });
		expect(groups.map((group) => group.error)).toEqual([undefined, undefined]);
		expect(groups[0].order).toMatchObject({
			id: '70001',
			dateTime: '2026-11-22T14:05:00.000+01:00',
			status: 'delivered',
			total: 1234.5,
			lines: [
				{ productId: 'A-1', quantity: 2, unitPrice: 600 },
				{ productId: 'A-2', quantity: 1, unitPrice: 39.5, discount: 5 },
			],
		});
		expect(groups[1].order?.lines[0].quantity).toBe(0.5);
	});

	it('without decimalComma the comma amounts are errors that say why', () => {
		const groups = readFlatRows(rows, { dateFormat: 'dd.MM.yyyy HH:mm', timeZone: 'Europe/Berlin', columns, statusAliases });
		expect(issuesOfGroup(groups[1])).toEqual([
			'rows[2].Summe: expected an amount (a number, 0 or more), got "12,50" (a decimal comma is read only when the decimalComma option is on)',
			'rows[2].Menge: expected a positive number, got "0,5" (a decimal comma is read only when the decimalComma option is on)',
			'rows[2].Preis: expected an amount (a number, 0 or more), got "25,00" (a decimal comma is read only when the decimalComma option is on)',
		]);
	});

	it('without the date format the ERP dates are errors', () => {
		const groups = readFlatRows(rows, { decimalComma: true, columns, statusAliases });
		expect(issuesOfGroup(groups[1])[0]).toMatch(/^rows\[2\]\.Datum: expected a date and time/);
	});

	it('without the status words the ERP status is an error naming the cell', () => {
		const groups = readFlatRows(rows, { dateFormat: 'dd.MM.yyyy HH:mm', timeZone: 'Europe/Berlin', decimalComma: true, columns });
		expect(issuesOfGroup(groups[1])).toEqual([expect.stringMatching(/^rows\[2\]\.Status: expected an order status .*got "abgeschlossen"$/)]);
		expect(issuesOf(() => readFlatRows(rows, { statusAliases: { x: 'finished' as 'delivered' } }))[0].path).toBe('options.statusAliases.x');
	});
});

describe('readShopifyOrder', () => {
	const body = fixture<Record<string, unknown>>('shopify-orders-create.json');

	it('reads an orders/create body (also wrapped as n8n Webhook output)', () => {
		const order = readShopifyOrder({ headers: { 'x-shopify-topic': 'orders/create' }, params: {}, query: {}, body });
		expect(order).toEqual({
			id: '5940139491234',
			dateTime: '2024-11-10T10:30:00.000-05:00',
			status: 'in_progress',
			customer: {
				id: '6147919642668',
				email: 'jane.doe@example.com',
				phone: '+15555550134',
				firstName: 'Jane',
				lastName: 'Doe',
				billingAddress: { street1: '123 Amoebobacterieae St', street2: 'Suite 4, Floor 2', city: 'Ottawa', region: 'Ontario', postalCode: 'K2P 0V6', country: 'CA' },
				shippingAddress: { street1: '123 Amoebobacterieae St', city: 'Ottawa', region: 'Ontario', postalCode: 'K2P 0V6', country: 'CA' },
			},
			channel: 'web',
			currency: 'USD',
			shipping: 10,
			tax: 14.41,
			discount: 10,
			subtotal: 184.97,
			total: 209.38,
			couponCode: 'FALL10',
			couponValue: 10,
			paymentMethod: 'shopify_payments',
			language: 'en-US',
			lines: [
				{ productId: '632910392', sku: 'IPOD2008PINK', name: 'IPod Nano - 8GB - Pink', quantity: 1, unitPrice: 99.99, discount: 5.13 },
				{ productId: '921728736', sku: 'CASE-BLK', name: 'Silicone Case - Black', quantity: 2, unitPrice: 47.49, discount: 4.87 },
			],
		});
		expect(readShopifyOrder(JSON.stringify(body))).toEqual(readShopifyOrder(body));
	});

	it('maps the lifecycle: cancelled, fulfilled, refunded, pending', () => {
		expect(readShopifyOrder({ ...body, cancelled_at: '2024-11-11T08:00:00-05:00', financial_status: 'voided' }).status).toBe('cancelled');
		expect(readShopifyOrder({ ...body, fulfillment_status: 'fulfilled' }).status).toBe('delivered');
		expect(readShopifyOrder({ ...body, financial_status: 'refunded' }).status).toBe('refunded');
		expect(readShopifyOrder({ ...body, financial_status: 'pending' }).status).toBe('created');
	});

	it('keeps ids exact through admin_graphql_api_id even when the JSON number lost digits', () => {
		const order = readShopifyOrder({ ...body, id: 820982911946154500, admin_graphql_api_id: 'gid://shopify/Order/820982911946154508' });
		expect(order.id).toBe('820982911946154508');
		const { admin_graphql_api_id: _gid, ...withoutGid } = body;
		expect(issuesOf(() => readShopifyOrder({ ...withoutGid, id: 820982911946154500 }))[0]).toMatchObject({ path: 'id' });
	});

	it('reads a refunds/create body as a refunded order with the refunded lines and amount', () => {
		const refund = readShopifyOrder({ body: fixture('shopify-refunds-create.json') });
		expect(refund).toEqual({
			id: '5940139491234',
			dateTime: '2024-11-14T09:05:11.000-05:00',
			status: 'refunded',
			customer: {},
			currency: 'USD',
			tax: 3.49,
			subtotal: 45.06,
			total: 48.55,
			lines: [{ productId: '921728736', sku: 'CASE-BLK', name: 'Silicone Case - Black', quantity: 1, unitPrice: 47.49, subtotal: 45.06 }],
		});
		// A refund needs an identifier before ODP accepts it; the event then carries the refunded amounts.
		const event = toOdpOrderEvent({ ...refund, customer: { email: 'jane.doe@example.com' } }, { action: 'refund' });
		expect(event.data.order).toMatchObject({ order_id: '5940139491234', total: 48.55, items: [{ product_id: '921728736', quantity: 1, subtotal: 45.06 }] });
	});

	it('names Shopify fields in its errors', () => {
		const items = body.line_items as Record<string, unknown>[];
		const issues = issuesOf(() => readShopifyOrder({ ...body, total_price: 'free', line_items: [{ ...items[0], price: '-5' }] }));
		expect(issues.map((issue) => issue.path)).toEqual(['total_price', 'line_items[0].price']);
		expect(issuesOf(() => readShopifyOrder('not json'))).toEqual([{ path: '', message: 'expected a Shopify webhook body (JSON), got text that is not JSON' }]);
	});
});

describe('readWooCommerceOrder', () => {
	const body = fixture<Record<string, unknown>>('woocommerce-order-created.json');

	it('reads an order.created body', () => {
		expect(readWooCommerceOrder({ body })).toEqual({
			id: '727',
			dateTime: '2024-03-22T15:28:02.000+00:00',
			status: 'in_progress',
			customer: {
				id: '26',
				email: 'john.doe@example.com',
				phone: '(555) 555-5555',
				firstName: 'John',
				lastName: 'Doe',
				billingAddress: { street1: '969 Market', city: 'San Francisco', region: 'CA', postalCode: '94103', country: 'US' },
				shippingAddress: { street1: '969 Market', city: 'San Francisco', region: 'CA', postalCode: '94103', country: 'US' },
			},
			channel: 'checkout',
			currency: 'EUR',
			shipping: 10,
			tax: 1.35,
			discount: 5,
			// issue 12: the model's subtotal is Σ line amounts after line discounts: 6.00 + 19.00 = 25 (was 30, before discounts)
			subtotal: 25,
			total: 35.35,
			couponCode: 'spring5',
			couponValue: 5,
			paymentMethod: 'Direct Bank Transfer',
			lines: [
				{ productId: '93', sku: 'WOO-1', name: 'Woo Single #1', quantity: 2, unitPrice: 3, subtotal: 6, imageUrl: 'https://shop.example.com/wp-content/uploads/woo-single-1.jpg' },
				{ productId: '22', sku: 'Bar3', name: 'Ship Your Idea – Color: Black, Size: M Test', quantity: 1, unitPrice: 24, discount: 5, subtotal: 19 },
			],
		});
	});

	it.each([
		['pending', 'created'],
		['on-hold', 'created'],
		['processing', 'in_progress'],
		['completed', 'delivered'],
		['cancelled', 'cancelled'],
		['refunded', 'refunded'],
		['failed', 'cancelled'],
	])('maps status %s to %s', (status, expected) => {
		expect(readWooCommerceOrder({ ...body, status }).status).toBe(expected);
	});

	it('reads the shop-local date with the time zone when there is no GMT date', () => {
		const { date_created_gmt: _gmt, ...local } = body;
		expect(readWooCommerceOrder(local, { timeZone: 'Europe/Berlin' }).dateTime).toBe('2024-03-22T16:28:02.000+01:00');
	});

	it('refuses a webhook ping and unknown statuses with plain messages', () => {
		expect(issuesOf(() => readWooCommerceOrder({ body: { webhook_id: '12' } }))[0].message).toContain('webhook ping');
		expect(issuesOf(() => readWooCommerceOrder({ ...body, status: 'wc-mystery' }))).toEqual([
			{ path: 'status', message: 'is not a WooCommerce status this library knows (pending, on-hold, processing, completed, cancelled, refunded, failed), got "wc-mystery"' },
		]);
	});
});
