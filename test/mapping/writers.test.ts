import {
	ESPUTNIK_LIMITS,
	odpActionForStatus,
	parseCanonicalOrder,
	toAlgonomyOrder,
	toE164,
	callingCodeForCountry,
	toEsputnikOrder,
	toEsputnikOrderEvent,
	toEsputnikSiteEvent,
	toEsputnikContact,
	toEsputnikContactsRequest,
	esputnikContactKey,
	esputnikContactShape,
	ESPUTNIK_CONTACTS_MAX,
	toOdpOrderEvent,
	toOdpOrderObject,
	toOptimizelyRecsOrder,
	type CanonicalOrder,
} from '../../mapping';
import { issuesOf } from './helpers';

const order: CanonicalOrder = parseCanonicalOrder({
	id: '5001',
	dateTime: '2024-03-31T01:30:00.500+01:00',
	status: 'delivered',
	customer: {
		id: 'cust-1',
		email: 'Ann@Example.com',
		phone: '0151 2345678',
		firstName: 'Ann',
		lastName: 'Lee',
		shippingAddress: { street1: 'Main St 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
	},
	currency: 'EUR',
	shipping: 4.9,
	tax: 3.8,
	discount: 1,
	subtotal: 20,
	total: 27.7,
	paymentMethod: 'card',
	storeId: 'B-01',
	lines: [
		{ productId: '100', sku: 'S-100', name: 'Cup', category: 'kitchen', quantity: 2, unitPrice: 5, discount: 1 },
		{ productId: 'X-7', name: 'Plate', quantity: 1, unitPrice: 11 },
	],
});

describe('toOptimizelyRecsOrder', () => {
	it('writes user and customer ids, UTC date, items and text attributes', () => {
		expect(toOptimizelyRecsOrder(order)).toEqual({
			user: { id: 'cust-1' },
			order: {
				refCode: '5001',
				orderDate: '2024-03-31T00:30:00 GMT',
				customerId: 'cust-1',
				currency: 'EUR',
				shipping: 4.9,
				subTotal: 20,
				total: 27.7,
				items: [
					{ refCode: '100', qty: 2, price: 5 },
					{ refCode: 'X-7', qty: 1, price: 11 },
				],
			},
		});
	});

	it('needs a total and (with userInfo) a user id; item refCode may be the SKU', () => {
		const { total: _total, ...noTotal } = order;
		expect(issuesOf(() => toOptimizelyRecsOrder(noTotal as CanonicalOrder))).toEqual([{ path: 'total', message: 'is required by Optimizely' }]);
		expect(issuesOf(() => toOptimizelyRecsOrder({ ...order, customer: {} }, { userInfo: { diet: 'vegan' } }))[0].path).toBe('customer.id');
		expect(issuesOf(() => toOptimizelyRecsOrder(order, { itemRefCode: 'sku' }))).toEqual([{ path: 'lines[1].sku', message: 'is required (itemRefCode is "sku")' }]);
		expect(issuesOf(() => toOptimizelyRecsOrder(order, { lang: 'english please' }))[0].path).toBe('options.lang');
	});
});

describe('toAlgonomyOrder', () => {
	it('refuses non-integer ids and quantities, a missing userId and any plain e-mail', () => {
		expect(issuesOf(() => toAlgonomyOrder({ ...order, id: 'A-5001' }))).toEqual([{ path: 'id', message: 'Algonomy needs a whole-number order id, got "A-5001"' }]);
		expect(issuesOf(() => toAlgonomyOrder({ ...order, customer: { email: 'a@b.co' } }))).toEqual([{ path: 'customer.id', message: 'is required by Algonomy (userId)' }]);
		expect(issuesOf(() => toAlgonomyOrder({ ...order, customer: { id: 'ann@example.com' } }))[0].path).toBe('customer.id');
		expect(issuesOf(() => toAlgonomyOrder({ ...order, storeId: 'owner ann@example.com' }))[0].path).toBe('storeId');
		expect(issuesOf(() => toAlgonomyOrder({ ...order, lines: [{ productId: '1', quantity: 1.5, unitPrice: 2 }] }))[0].path).toBe('lines[0].quantity');
	});

	it('numbers product ids that are plain whole numbers, keeps others and all SKUs as text', () => {
		const payload = toAlgonomyOrder({ ...order, lines: [
			{ productId: '4556', sku: '123', quantity: 10, unitPrice: 256.678 },
			{ productId: '007', quantity: 1, unitPrice: 1 },
			{ productId: '99999999999999999', quantity: 1, unitPrice: 1 },
		] });
		expect(payload.lineItems).toEqual([
			{ productId: 4556, skuId: '123', quantity: 10, unitPrice: 256.678 },
			{ productId: '007', quantity: 1, unitPrice: 1 },
			{ productId: '99999999999999999', quantity: 1, unitPrice: 1 },
		]);
		expect(payload.dateTime).toBe('2024-03-31T01:30:00+01:00');
		expect(JSON.stringify(payload)).not.toMatch(/ann@example\.com/i);
	});
});

describe('toEsputnikOrderEvent', () => {
	it('maps statuses and event types; every param value is text', () => {
		const created = toEsputnikOrderEvent({ ...order, status: 'created' }, { eventTypeKey: 'orderCreated', contactIdentifier: 'email' });
		expect(created.keyValue).toBe('Ann@Example.com');
		expect(created.params.slice(0, 6)).toEqual([
			{ name: 'email', value: 'Ann@Example.com' },
			{ name: 'externalOrderId', value: '5001' },
			{ name: 'externalCustomerId', value: 'cust-1' },
			{ name: 'totalCost', value: '27.7' },
			{ name: 'status', value: 'INITIALIZED' },
			{ name: 'date', value: '2024-03-31T01:30:00' },
		]);
		expect(created.params.every((param) => typeof param.value === 'string')).toBe(true);
		expect(JSON.parse(created.params[6].value)).toEqual([
			{ externalItemId: '100', name: 'Cup', category: 'kitchen', quantity: 2, cost: 5 },
			{ externalItemId: 'X-7', name: 'Plate', quantity: 1, cost: 11 },
		]);
		const status = (o: CanonicalOrder, eventTypeKey: 'orderUpdated' | 'orderDelivered' | 'orderCancelled') =>
			toEsputnikOrderEvent(o, { eventTypeKey, contactIdentifier: 'externalCustomerId' }).params.find((param) => param.name === 'status')?.value;
		expect(status({ ...order, status: 'in_progress' }, 'orderUpdated')).toBe('IN_PROGRESS');
		expect(status({ ...order, status: 'delivered' }, 'orderUpdated')).toBe('DELIVERED');
		expect(status({ ...order, status: 'created' }, 'orderDelivered')).toBe('DELIVERED');
		expect(status({ ...order, status: 'refunded' }, 'orderCancelled')).toBe('CANCELLED');
		expect(issuesOf(() => status({ ...order, status: 'refunded' }, 'orderUpdated'))[0].path).toBe('status');
	});

	it('converts the date to another zone when asked', () => {
		const event = toEsputnikOrderEvent(order, { eventTypeKey: 'orderUpdated', contactIdentifier: 'phone', timeZone: 'UTC' });
		expect(event.params.find((param) => param.name === 'date')?.value).toBe('2024-03-31T00:30:00');
		expect(event.keyValue).toBe('0151 2345678');
	});

	it('uses a given contact id and checks the identifier', () => {
		const event = toEsputnikOrderEvent(order, { eventTypeKey: 'orderDelivered', contactIdentifier: 'contactId', contactId: '77' });
		expect(event.params[0]).toEqual({ name: 'ContactId', value: '77' });
		expect(issuesOf(() => toEsputnikOrderEvent(order, { eventTypeKey: 'orderDelivered', contactIdentifier: 'contactId' }))[0].path).toBe('options.contactId');
		expect(issuesOf(() => toEsputnikOrderEvent({ ...order, customer: { id: 'c' } }, { eventTypeKey: 'orderCreated', contactIdentifier: 'email' }))[0].path).toBe('customer.email');
		expect(issuesOf(() => toEsputnikOrderEvent(order, { eventTypeKey: 'orderShipped' as 'orderCreated', contactIdentifier: 'email' }))[0]).toEqual({
			path: 'options.eventTypeKey',
			message: 'expected one of "orderCreated", "orderUpdated", "orderDelivered", "orderCancelled", got "orderShipped"',
		});
		expect(issuesOf(() => toEsputnikOrderEvent({ ...order, customer: { ...order.customer, id: 'i'.repeat(301) } }, { eventTypeKey: 'orderCreated', contactIdentifier: 'externalCustomerId' }))[0].path).toBe('customer.id');
	});

	it('refuses bodies over 20 kB, naming the size (UTF-8 bytes)', () => {
		const lines = Array.from({ length: 40 }, (_, i) => ({ productId: `p${i}`, name: 'Ä'.repeat(100), quantity: 1, unitPrice: 1 }));
		const big = { ...order, lines };
		expect(() => toEsputnikOrderEvent(big, { eventTypeKey: 'orderCreated', contactIdentifier: 'email' })).not.toThrow();
		const [issue] = issuesOf(() => toEsputnikOrderEvent(big, { eventTypeKey: 'orderCreated', contactIdentifier: 'email', includeProducts: true }));
		expect(issue.message).toMatch(new RegExp(`^the eSputnik event body is \\d+ bytes; eSputnik accepts at most ${ESPUTNIK_LIMITS.bodyBytes} bytes`));
		const bytes = Number(/is (\d+) bytes/.exec(issue.message)?.[1]);
		expect(bytes).toBeGreaterThan(ESPUTNIK_LIMITS.bodyBytes);
		expect(bytes).toBeGreaterThan(JSON.stringify(toEsputnikOrderEvent(big, { eventTypeKey: 'orderCreated', contactIdentifier: 'email' })).length);
	});
});

describe('toEsputnikSiteEvent', () => {
	it('requires an identifier and the fields of its type', () => {
		expect(issuesOf(() => toEsputnikSiteEvent({ eventTypeKey: 'pageViewed', pageLocation: 'https://x' }))).toEqual([{ path: '', message: 'needs an email or phone to identify the contact' }]);
		expect(issuesOf(() => toEsputnikSiteEvent({ eventTypeKey: 'cartUpdated', email: 'a@b.co', products: [{ productId: 'p', quantity: -1, price: 1 }] })).map((issue) => issue.path)).toEqual([
			'products[0].quantity',
			'recycleStateId',
		]);
		expect(toEsputnikSiteEvent({ eventTypeKey: 'cartUpdated', email: 'a@b.co', products: [], recycleStateId: 'r1' }).params[1]).toEqual({ name: 'products', value: '[]' });
	});
});

describe('toEsputnikOrder (bulk v1/orders)', () => {
	it('writes numbers as numbers and the delivery address as one text', () => {
		expect(toEsputnikOrder(order, { source: 'offline' })).toEqual({
			externalOrderId: '5001',
			externalCustomerId: 'cust-1',
			totalCost: 27.7,
			status: 'DELIVERED',
			date: '2024-03-31T01:30:00',
			currency: 'EUR',
			email: 'Ann@Example.com',
			phone: '0151 2345678',
			firstName: 'Ann',
			lastName: 'Lee',
			shipping: 4.9,
			discount: 1,
			taxes: 3.8,
			source: 'offline',
			deliveryAddress: 'Main St 1, Berlin, 10115, DE',
			paymentMethod: 'card',
			storeId: 'B-01',
			items: [
				{ externalItemId: '100', name: 'Cup', category: 'kitchen', quantity: 2, cost: 5 },
				{ externalItemId: 'X-7', name: 'Plate', quantity: 1, cost: 11 },
			],
		});
		expect(issuesOf(() => toEsputnikOrder({ ...order, customer: {} }))[0].path).toBe('customer.id');
		expect(issuesOf(() => toEsputnikOrder({ ...order, customer: { email: 'a@b.example' } }))[0].path).toBe('customer.id');
		expect(issuesOf(() => toEsputnikOrder(order, { source: 'pos' as 'online' }))[0].path).toBe('options.source');
	});
});

describe('ODP writers', () => {
	it('E.164 phones', () => {
		expect(toE164('+49 151 2345-678')).toBe('+491512345678');
		expect(toE164('0049 151 2345678')).toBe('+491512345678');
		expect(toE164('0151 2345678', '49')).toBe('+491512345678');
		expect(toE164('0151 2345678')).toBeUndefined();
		expect(toE164('+12')).toBeUndefined();
		expect(toE164('(555) 555-5555', '1')).toBe('+15555555555');
		expect(toE164('1 555 555 5555', '1')).toBe('+15555555555');
		expect(toE164('555-5555', '1')).toBeUndefined();
		expect(toE164('06 1234 5678', '39')).toBe('+390612345678');
		expect(callingCodeForCountry('us')).toBe('1');
		expect(callingCodeForCountry('ZZ')).toBeUndefined();
	});

	it('a national phone takes the calling code of the address country', () => {
		const national = { ...order, customer: { ...order.customer, phone: '(555) 555-5555', billingAddress: { country: 'US' }, shippingAddress: undefined } };
		expect(toOdpOrderEvent(national, { action: 'purchase' }).identifiers.phone).toBe('+15555555555');
		expect(toOdpOrderObject(national).phone).toBe('+15555555555');
	});

	it('event: identifiers, ts in epoch seconds, item subtotals computed without drift', () => {
		const event = toOdpOrderEvent(order, { action: 'purchase', defaultCallingCode: '49' });
		expect(event.identifiers).toEqual({ email: 'Ann@Example.com', customer_id: 'cust-1', phone: '+491512345678' });
		expect(event.data.ts).toBe(Math.floor(Date.parse('2024-03-31T01:30:00.500+01:00') / 1000));
		expect(event.data.order.items).toEqual([
			{ product_id: '100', price: 5, quantity: 2, discount: 1, subtotal: 9 },
			{ product_id: 'X-7', price: 11, quantity: 1, subtotal: 11 },
		]);
		expect(toOdpOrderEvent(order, { action: 'purchase' }).identifiers.phone).toBe('+491512345678'); // from the DE address
		const noCountry = { ...order, customer: { ...order.customer, shippingAddress: undefined, billingAddress: undefined } };
		expect(issuesOf(() => toOdpOrderEvent(noCountry, { action: 'purchase' }))[0].path).toBe('customer.phone');
		expect(issuesOf(() => toOdpOrderEvent({ ...order, customer: {} }, { action: 'refund' }))[0].path).toBe('customer');
		expect(issuesOf(() => toOdpOrderEvent(order, { action: 'buy it!' }))[0].path).toBe('options.action');
		expect(odpActionForStatus('returned')).toBe('return');
	});

	it('object: addresses keep empty parts, a bad phone is an error, identifiers are required', () => {
		const record = toOdpOrderObject(order, { defaultCallingCode: '49', customerIdField: 'shop_customer_id' });
		expect(record).toMatchObject({ order_id: '5001', status: 'purchase', ship_address: 'Main St 1,,Berlin,,10115,DE', phone: '+491512345678', name: 'Ann Lee', shop_customer_id: 'cust-1' });
		expect(record).not.toHaveProperty('bill_address');
		const noCountry = { ...order, customer: { ...order.customer, shippingAddress: undefined, billingAddress: undefined } };
		expect(issuesOf(() => toOdpOrderObject(noCountry))[0].message).toContain('cannot be written in E.164');
		expect(issuesOf(() => toOdpOrderObject({ ...order, customer: { id: 'c' } }))[0].path).toBe('customer');
		expect(issuesOf(() => toOdpOrderObject(order, { customerIdField: 'email' }))[0].path).toBe('options.customerIdField');
	});
});

describe('every writer re-checks what it is given', () => {
	const writers: [string, (value: CanonicalOrder) => unknown][] = [
		['Optimizely', (value) => toOptimizelyRecsOrder(value)],
		['Algonomy', (value) => toAlgonomyOrder(value)],
		['eSputnik event', (value) => toEsputnikOrderEvent(value, { eventTypeKey: 'orderCreated', contactIdentifier: 'email' })],
		['eSputnik bulk', (value) => toEsputnikOrder(value)],
		['ODP event', (value) => toOdpOrderEvent(value, { action: 'purchase' })],
		['ODP object', (value) => toOdpOrderObject(value)],
	];
	it.each(writers)('%s', (_name, write) => {
		const broken = { ...order, lines: [{ ...order.lines[0], quantity: Number.NaN }] };
		expect(issuesOf(() => write(broken))).toContainEqual({ path: 'lines[0].quantity', message: 'expected a positive number, got NaN' });
		expect(issuesOf(() => write(null as unknown as CanonicalOrder))).toEqual([{ path: '', message: 'expected an order object, got null' }]);
	});
});

describe('eSputnik contacts (v1/contacts)', () => {
	it('maps the customer: names, e-mail and phone channels, billing else shipping address; externalCustomerId only when contacts are found by it', () => {
		const byEmail = toEsputnikContact(order, { dedupeOn: 'email' });
		expect(byEmail).toEqual({
			firstName: 'Ann',
			lastName: 'Lee',
			channels: [
				{ type: 'email', value: 'Ann@Example.com' },
				{ type: 'sms', value: '0151 2345678' },
			],
			address: { town: 'Berlin', address: 'Main St 1', postcode: '10115' },
		});
		expect(toEsputnikContact(order, { dedupeOn: 'externalCustomerId' }).externalCustomerId).toBe('cust-1');
		const billed = parseCanonicalOrder({ ...order, customer: { ...order.customer, billingAddress: { street1: 'A 1', street2: 'Flat 2', city: 'Kyiv', region: 'Kyiv', postalCode: '01001' } } });
		expect(toEsputnikContact(billed, { dedupeOn: 'phone' }).address).toEqual({ region: 'Kyiv', town: 'Kyiv', address: 'A 1, Flat 2', postcode: '01001' });
	});

	it('needs the chosen identifier and a channel', () => {
		expect(issuesOf(() => toEsputnikContact({ ...order, customer: { id: 'c', phone: '+380501234567' } }, { dedupeOn: 'email' }))[0].path).toBe('customer.email');
		expect(issuesOf(() => toEsputnikContact({ ...order, customer: { email: 'a@b.co' } }, { dedupeOn: 'phone' }))[0].path).toBe('customer.phone');
		expect(issuesOf(() => toEsputnikContact({ ...order, customer: { email: 'a@b.co' } }, { dedupeOn: 'externalCustomerId' }))[0].path).toBe('customer.id');
		expect(issuesOf(() => toEsputnikContact({ ...order, customer: { id: 'c' } }, { dedupeOn: 'externalCustomerId' }))[0].path).toBe('customer');
		expect(issuesOf(() => toEsputnikContact(order, { dedupeOn: 'contactId' as 'email' }))[0].path).toBe('options.dedupeOn');
	});

	it('keys contacts by the identifier (e-mail without case)', () => {
		const contact = toEsputnikContact(order, { dedupeOn: 'email' });
		expect(esputnikContactKey(contact, 'email')).toBe('ann@example.com');
		expect(esputnikContactKey(contact, 'phone')).toBe('0151 2345678');
		expect(esputnikContactKey(contact, 'externalCustomerId')).toBeUndefined();
	});

	it('builds the request: dedupeOn sms for phone, contactFields only what every contact carries, segments, at most 3,000', () => {
		const full = toEsputnikContact(order, { dedupeOn: 'phone' });
		const bare = toEsputnikContact({ ...order, customer: { phone: '+380501234567' } }, { dedupeOn: 'phone' });
		const body = toEsputnikContactsRequest([full, bare], { dedupeOn: 'phone', groupNames: [' Customers ', ''] });
		expect(body.dedupeOn).toBe('sms');
		expect(body.contactFields).toEqual(['sms']);
		expect(body.groupNames).toEqual(['Customers']);
		expect(toEsputnikContactsRequest([full], { dedupeOn: 'email' }).contactFields).toEqual(['firstName', 'lastName', 'email', 'sms', 'address', 'town', 'postcode']);
		expect(esputnikContactShape(bare)).toBe('sms');
		expect(ESPUTNIK_CONTACTS_MAX).toBe(3000);
		expect(issuesOf(() => toEsputnikContactsRequest(Array.from({ length: 3001 }, () => bare), { dedupeOn: 'phone' }))[0].path).toBe('contacts');
		expect(issuesOf(() => toEsputnikContactsRequest([], { dedupeOn: 'phone' }))[0].path).toBe('contacts');
	});
});

describe('ODP identifiers chosen by the user (node 1.2)', () => {
	it('events: without a choice e-mail, customer_id and phone; with one only what is chosen, the customer ID under the field named', () => {
		expect(Object.keys(toOdpOrderEvent(order, { action: 'purchase' }).identifiers)).toEqual(['email', 'customer_id', 'phone']);
		expect(toOdpOrderEvent(order, { action: 'purchase', identifiers: ['email', 'phone'] }).identifiers).toEqual({ email: 'Ann@Example.com', phone: '+491512345678' });
		expect(toOdpOrderEvent(order, { action: 'purchase', identifiers: ['vuid'], vuid: ' v-1 ', customerIdField: 'shop_customer_id' }).identifiers).toEqual({ vuid: 'v-1', shop_customer_id: 'cust-1' });
		// A national phone without a country cannot be E.164: an error only when phone is chosen.
		const national = { ...order, customer: { email: 'a@b.co', phone: '0151 2345678' } };
		expect(issuesOf(() => toOdpOrderEvent(national, { action: 'purchase', identifiers: ['email', 'phone'] }))[0].path).toBe('customer.phone');
		expect(toOdpOrderEvent(national, { action: 'purchase', identifiers: ['email'] }).identifiers).toEqual({ email: 'a@b.co' });
		expect(issuesOf(() => toOdpOrderEvent(order, { action: 'purchase', identifiers: ['vuid'] }))[0]).toEqual({ path: 'customer', message: expect.stringContaining('has none of the identifiers chosen (vuid)') });
		expect(issuesOf(() => toOdpOrderEvent(order, { action: 'purchase', identifiers: ['email'], customerIdField: 'email' }))[0].path).toBe('options.customerIdField');
	});

	it('objects: only the chosen e-mail / phone / vuid are written', () => {
		const record = toOdpOrderObject(order, { identifiers: ['phone', 'vuid'], vuid: 'v-2' });
		expect(record.email).toBeUndefined();
		expect(record).toMatchObject({ phone: '+491512345678', vuid: 'v-2' });
		expect(toOdpOrderObject(order).email).toBe('Ann@Example.com');
	});
});
