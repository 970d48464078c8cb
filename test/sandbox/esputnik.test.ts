import { ESPUTNIK_EVENT_MAX_BYTES, startSandbox, type Sandbox } from '../../sandbox';
import { basicAuth, call, credentials, esputnikAuth, fixture } from './helpers';

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
		expect((await call(sandbox.url + EVENT, { headers: esputnikAuth(), body: orderCreated() })).status).toBe(200);
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
