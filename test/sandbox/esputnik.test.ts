import { ESPUTNIK_CONTACTS_MAX, ESPUTNIK_EVENT_MAX_BYTES, startSandbox, type Sandbox } from '../../sandbox';
import { basicAuth, call, credentials, esputnikAuth, fixture, manualClock } from './helpers';

const EVENT = '/api/v1/event';
const ORDERS = '/api/v1/orders';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ quiet: true });
});

afterAll(() => sandbox.close());

beforeEach(() => sandbox.reset());

type Event = { eventTypeKey: string; keyValue: string; params: { name: string; value: unknown }[] };

function orderCreated(mutate: (event: Event) => void = () => undefined): Event {
	const event = fixture<Event>('esputnik-order-created.json');
	mutate(event);
	return event;
}

const withoutParam = (name: string) => (event: Event) => {
	event.params = event.params.filter((param) => param.name !== name);
};

const setParam = (name: string, value: unknown) => (event: Event) => {
	const param = event.params.find((entry) => entry.name === name);
	if (param) param.value = value;
	else event.params.push({ name, value });
};

describe('eSputnik v1/event', () => {
	test.each([
		'esputnik-order-created.json',
		'esputnik-order-created-with-products.json',
		'esputnik-page-viewed.json',
		'esputnik-product-viewed.json',
		'esputnik-product-category-viewed.json',
		'esputnik-cart-updated.json',
	])('accepts seed example %s with 200 and no body', async (name) => {
		const answer = await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: fixture(name) });
		expect(answer.status).toBe(200);
		expect(answer.text).toBe('');
		const [record] = sandbox.received('esputnik');
		expect(record).toMatchObject({ operation: 'event', status: 200, accepted: true, body: fixture(name) });
		expect(record.headers.authorization).toBe('[redacted]');
	});

	test.each([
		['no Authorization', {}],
		['a wrong API key', basicAuth('wrong-key')],
		['a Bearer header', { authorization: `Bearer ${credentials.esputnik.apiKey}` }],
		['the key as user name', { authorization: `Basic ${Buffer.from(`${credentials.esputnik.apiKey}:`).toString('base64')}` }],
	])('answers 401 for %s', async (_name, headers) => {
		const answer = await call(sandbox.url + EVENT, { headers, body: orderCreated() });
		expect(answer.status).toBe(401);
		expect(answer.json).toEqual({ message: expect.stringContaining('Unauthorized') });
		expect(answer.headers.get('www-authenticate')).toContain('Basic');
		expect(sandbox.received()).toHaveLength(0);
	});

	test('takes any user name, even an empty one', async () => {
		for (const user of ['', 'shop', 'x@y']) {
			const answer = await call(sandbox.url + EVENT, { headers: basicAuth(credentials.esputnik.apiKey, user), body: orderCreated() });
			expect(answer.status).toBe(200);
		}
	});

	const broken: [string, (event: Event) => void, string][] = [
		['a numeric param value', setParam('totalCost', 258), 'params[3].value (totalCost) must be a string'],
		['a null param value', setParam('externalCustomerId', null), 'params[2].value (externalCustomerId) must be a string'],
		['an eventTypeKey over 100 characters', (e) => (e.eventTypeKey = 'x'.repeat(101)), 'eventTypeKey must not exceed 100'],
		['a keyValue over 300 characters', (e) => (e.keyValue = '3'.repeat(301)), 'keyValue must not exceed 300'],
		['no keyValue', (e) => delete (e as Partial<Event>).keyValue, 'keyValue is required'],
		['params not an array', (e) => ((e as unknown as { params: unknown }).params = { phone: '1' }), 'params must be an array'],
		['no externalOrderId', withoutParam('externalOrderId'), 'param externalOrderId is required'],
		['no externalCustomerId', withoutParam('externalCustomerId'), 'param externalCustomerId is required'],
		['no totalCost', withoutParam('totalCost'), 'param totalCost is required'],
		['no status', withoutParam('status'), 'param status is required'],
		['no date', withoutParam('date'), 'param date is required'],
		['an unknown status', setParam('status', 'PAID'), 'param status must be one of'],
		['a non-numeric totalCost', setParam('totalCost', '258,00'), 'param totalCost must be a number'],
		['a date in another form', setParam('date', '14.05.2020 10:11'), 'param date must look like'],
		['items as a JSON object string', setParam('items', '{"externalItemId":"1"}'), 'param items must be a JSON string of an array'],
		['items not JSON', setParam('items', '[{externalItemId:1}]'), 'param items must be a JSON string of an array'],
	];

	test.each(broken)('answers 400 for %s', async (_name, mutate, message) => {
		const answer = await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: orderCreated(mutate) });
		expect(answer.status).toBe(400);
		expect(answer.json.message).toContain(message);
		expect(sandbox.received()).toHaveLength(0);
	});

	test.each(['INITIALIZED', 'IN_PROGRESS', 'DELIVERED', 'CANCELLED', 'ABANDONED_SHOPPING_CART'])('accepts status %s', async (status) => {
		const answer = await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: orderCreated(setParam('status', status)) });
		expect(answer.status).toBe(200);
	});

	test('answers 413 above 20 KiB and accepts just below', async () => {
		const padded = (size: number) => {
			const event = orderCreated(setParam('note', ''));
			const base = Buffer.byteLength(JSON.stringify(event));
			return orderCreated(setParam('note', 'n'.repeat(size - base)));
		};
		const atLimit = padded(ESPUTNIK_EVENT_MAX_BYTES);
		expect(Buffer.byteLength(JSON.stringify(atLimit))).toBe(ESPUTNIK_EVENT_MAX_BYTES);
		expect((await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: atLimit })).status).toBe(200);
		const over = padded(ESPUTNIK_EVENT_MAX_BYTES + 1);
		const answer = await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: over });
		expect(answer.status).toBe(413);
		expect(answer.json.message).toContain(String(ESPUTNIK_EVENT_MAX_BYTES));
	});

	test('orderUpdated of an unknown order needs the orderCreated params; of a known one only the id', async () => {
		const update = { eventTypeKey: 'orderUpdated', keyValue: '380501234567', params: [{ name: 'externalOrderId', value: '12345679' }, { name: 'status', value: 'DELIVERED' }] };
		const unknown = await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: update });
		expect(unknown.status).toBe(400);
		expect(unknown.json.message).toContain('param externalCustomerId is required');
		// The order exists only once an event of an existing contact created it.
		sandbox.addEsputnikContacts([{ phone: '380501234567' }]);
		expect((await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: orderCreated() })).status).toBe(200);
		expect(sandbox.esputnikEvents().saved).toHaveLength(1);
		expect((await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: update })).status).toBe(200);
	});

	test('orderCancelled and orderDelivered need externalOrderId', async () => {
		for (const eventTypeKey of ['orderCancelled', 'orderDelivered']) {
			const bad = await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: { eventTypeKey, keyValue: 'k', params: [] } });
			expect(bad.status).toBe(400);
			const good = await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: { eventTypeKey, keyValue: 'k', params: [{ name: 'externalOrderId', value: '1' }] } });
			expect(good.status).toBe(200);
		}
	});
});

describe('eSputnik v1/orders', () => {
	type Orders = { orders: Record<string, unknown>[] };

	test('accepts the orders example with 200', async () => {
		const answer = await call(sandbox.url + ORDERS, { headers: esputnikAuth(), body: fixture('esputnik-orders.json') });
		expect(answer.status).toBe(200);
		expect(sandbox.received('esputnik')[0]).toMatchObject({ operation: 'orders', accepted: true });
	});

	test('accepts 1000 orders and answers 413 for 1001', async () => {
		const one = fixture<Orders>('esputnik-orders.json').orders[0];
		const batch = (count: number) => ({ orders: Array.from({ length: count }, (_, index) => ({ ...one, externalOrderId: `O-${index}` })) });
		expect((await call(sandbox.url + ORDERS, { headers: esputnikAuth(), body: batch(1000) })).status).toBe(200);
		const answer = await call(sandbox.url + ORDERS, { headers: esputnikAuth(), body: batch(1001) });
		expect(answer.status).toBe(413);
		expect(answer.json.message).toContain('1000');
	});

	test.each([
		['no status', (o: Record<string, unknown>) => delete o.status, 'orders[0].status is required'],
		['an unknown status', (o: Record<string, unknown>) => (o.status = 'NEW'), 'orders[0].status must be one of'],
		['no externalOrderId', (o: Record<string, unknown>) => delete o.externalOrderId, 'orders[0].externalOrderId is required'],
		['no externalCustomerId', (o: Record<string, unknown>) => delete o.externalCustomerId, 'orders[0].externalCustomerId is required'],
		['no totalCost', (o: Record<string, unknown>) => delete o.totalCost, 'orders[0].totalCost is required'],
		['no date', (o: Record<string, unknown>) => delete o.date, 'orders[0].date is required'],
		['items as a string', (o: Record<string, unknown>) => (o.items = '[]'), 'orders[0].items must be an array'],
	])('answers 400 for %s', async (_name, mutate, message) => {
		const body = fixture<Orders>('esputnik-orders.json');
		mutate(body.orders[0]);
		const answer = await call(sandbox.url + ORDERS, { headers: esputnikAuth(), body });
		expect(answer.status).toBe(400);
		expect(answer.json.message).toContain(message);
	});

	test('answers 400 for a body that is not {"orders":[...]} or holds no order', async () => {
		for (const body of [fixture<Orders>('esputnik-orders.json').orders, { orders: [] }, { order: {} }]) {
			const answer = await call(sandbox.url + ORDERS, { headers: esputnikAuth(), body });
			expect(answer.status).toBe(400);
		}
	});

	test('answers 401 without the API key', async () => {
		const answer = await call(sandbox.url + ORDERS, { headers: basicAuth('nope'), body: fixture('esputnik-orders.json') });
		expect(answer.status).toBe(401);
	});
});

describe('eSputnik v1/account/info', () => {
	test('answers 200 with the key and 401 without', async () => {
		const good = await call(`${sandbox.url}/api/v1/account/info`, { headers: esputnikAuth() });
		expect(good.status).toBe(200);
		expect(good.json).toEqual({ userEmail: expect.any(String), organisationName: expect.any(String) });
		expect((await call(`${sandbox.url}/api/v1/account/info`, { headers: basicAuth('nope') })).status).toBe(401);
		expect(sandbox.all('esputnik').map((record) => record.operation)).toEqual(['accountInfo', 'accountInfo']);
	});

	test('is not a data route: faults other than latency leave it alone', async () => {
		const faulty = await startSandbox({ quiet: true, faults: { esputnik: { dropRate: 0.5, serverErrorRate: 0.5 } } });
		try {
			expect((await call(`${faulty.url}/api/v1/account/info`, { headers: esputnikAuth() })).status).toBe(200);
		} finally {
			await faulty.close();
		}
	});
});

describe('eSputnik contacts: events of unknown contacts are taken and ignored, like the vendor', () => {
	const CONTACTS = '/api/v1/contacts';
	const contact = (email: string, phone?: string) => ({ channels: [{ type: 'email', value: email }, ...(phone ? [{ type: 'sms', value: phone }] : [])], firstName: 'Ann' });
	const eventFor = (name: string, value: string) => ({ eventTypeKey: 'orderCreated', keyValue: value, params: [{ name, value }, ...orderCreated().params.filter((param) => param.name !== 'phone')] });

	test('an event for an unknown contact is answered 200 and not saved; the control API shows it as ignored', async () => {
		const answer = await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: orderCreated() });
		expect(answer.status).toBe(200);
		const [record] = sandbox.received('esputnik');
		expect(record).toMatchObject({ accepted: true, saved: false, note: expect.stringContaining('no contact') });
		const control = await call(`${sandbox.url}/_sandbox/esputnik/events`, { method: 'GET' });
		expect(control.json.saved).toHaveLength(0);
		expect(control.json.ignored).toHaveLength(1);
		// An orderUpdated that only updates still needs the order, which the ignored event did not create.
		const update = { eventTypeKey: 'orderUpdated', keyValue: '380501234567', params: [{ name: 'externalOrderId', value: '12345679' }] };
		expect((await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: update })).status).toBe(400);
	});

	test('v1/contacts imports asynchronously: IMPORTING until the import delay passed, then FINISHED and the contact exists', async () => {
		const clock = manualClock();
		const timed = await startSandbox({ quiet: true, clock: clock.now, esputnik: { importDelayMs: 1000 } });
		try {
			const posted = await call(timed.url + CONTACTS, { headers: esputnikAuth(), body: { contacts: [contact('Ann@Example.com')], dedupeOn: 'email' } });
			expect(posted.status).toBe(200);
			const sessionId = posted.json.asyncSessionId as string;
			expect(typeof sessionId).toBe('string');
			const status = async () => (await call(`${timed.url}/api/v1/importstatus/${sessionId}`, { method: 'GET', headers: esputnikAuth() })).json.status;
			expect(await status()).toBe('IMPORTING');
			// Before the import finished the contact does not exist: the event is ignored.
			await call(timed.url + EVENT, { headers: esputnikAuth(), body: eventFor('email', 'ann@example.com') });
			expect(timed.esputnikEvents().ignored).toHaveLength(1);
			clock.advance(1000);
			expect(await status()).toBe('FINISHED');
			expect(timed.esputnikContacts()).toEqual([{ id: 1, email: 'Ann@Example.com', firstName: 'Ann' }]);
			// E-mail matched without case, in a param the vendor searches by default.
			await call(timed.url + EVENT, { headers: esputnikAuth(), body: eventFor('Email', 'ann@example.com') });
			expect(timed.esputnikEvents().saved).toHaveLength(1);
			expect((await call(`${timed.url}/api/v1/importstatus/nope`, { method: 'GET', headers: esputnikAuth() })).status).toBe(404);
		} finally {
			await timed.close();
		}
	});

	test('contacts are updated, not duplicated, by the dedupeOn identifier; at most 3,000 per request', async () => {
		const instant = await startSandbox({ quiet: true, esputnik: { importDelayMs: 0 } });
		try {
			for (const phone of ['+380501111111', '+380502222222']) {
				expect((await call(instant.url + CONTACTS, { headers: esputnikAuth(), body: { contacts: [contact('a@b.co', phone)], dedupeOn: 'email' } })).status).toBe(200);
			}
			expect(instant.esputnikContacts()).toEqual([{ id: 1, email: 'a@b.co', phone: '+380502222222', firstName: 'Ann' }]);
			const many = (count: number) => ({ contacts: Array.from({ length: count }, (_, index) => contact(`c${index}@b.co`)) });
			expect((await call(instant.url + CONTACTS, { headers: esputnikAuth(), body: many(ESPUTNIK_CONTACTS_MAX) })).status).toBe(200);
			const over = await call(instant.url + CONTACTS, { headers: esputnikAuth(), body: many(ESPUTNIK_CONTACTS_MAX + 1) });
			expect(over.status).toBe(400);
			expect(over.json.message).toContain('3000');
			const noChannel = await call(instant.url + CONTACTS, { headers: esputnikAuth(), body: { contacts: [{ firstName: 'x' }] } });
			expect(noChannel.status).toBe(400);
			expect(noChannel.json.message).toContain('channels');
			expect((await call(instant.url + CONTACTS, { headers: basicAuth('nope'), body: many(1) })).status).toBe(401);
		} finally {
			await instant.close();
		}
	});

	test('externalCustomerId identifies a contact only when the account is set up for it; v1/orders creates contacts', async () => {
		for (const identifyByExternalCustomerId of [false, true]) {
			const box = await startSandbox({ quiet: true, esputnik: { identifyByExternalCustomerId } });
			try {
				expect((await call(box.url + ORDERS, { headers: esputnikAuth(), body: fixture('esputnik-orders.json') })).status).toBe(200);
				const [created] = box.esputnikContacts();
				expect(created.externalCustomerId).toBeDefined();
				const event = { eventTypeKey: 'orderCreated', keyValue: created.externalCustomerId as string, params: orderCreated().params.filter((param) => param.name !== 'phone').map((param) => (param.name === 'externalCustomerId' ? { ...param, value: created.externalCustomerId as string } : param)) };
				await call(box.url + EVENT, { headers: esputnikAuth(), body: event });
				expect(box.esputnikEvents().saved).toHaveLength(identifyByExternalCustomerId ? 1 : 0);
			} finally {
				await box.close();
			}
		}
	});

	test('contacts given to the sandbox exist from the start and after a reset; the control API adds more', async () => {
		const box = await startSandbox({ quiet: true, esputnik: { contacts: [{ phone: '380501234567' }] } });
		try {
			box.reset();
			await call(box.url + EVENT, { headers: esputnikAuth(), body: orderCreated() });
			expect(box.esputnikEvents().saved).toHaveLength(1);
			const added = await call(`${box.url}/_sandbox/esputnik/contacts`, { body: [{ email: 'x@y.co' }] });
			expect(added.status).toBe(200);
			expect(added.json.map((entry: { email?: string }) => entry.email)).toEqual([undefined, 'x@y.co']);
			expect((await call(`${box.url}/_sandbox/esputnik/contacts`, { body: [{ name: 'no identifier' }] })).status).toBe(400);
		} finally {
			await box.close();
		}
	});
});
