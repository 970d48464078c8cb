import { ODP_BATCH_MAX, startSandbox, type Sandbox } from '../../sandbox';
import { call, fixture, manualClock, odpHeaders } from './helpers';

const EVENTS = '/v3/events';
const ORDERS = '/v3/objects/orders';

let sandbox: Sandbox;

beforeAll(async () => {
	// The rate limit has its own tests below; here it would only get in the way.
	sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0 });
});

afterAll(() => sandbox.close());

beforeEach(() => sandbox.reset());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const purchase = (): any => fixture('odp-order-events.json')[0];

describe('ODP events', () => {
	test('accepts one event object with 202 Accepted', async () => {
		const answer = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: purchase() });
		expect(answer.status).toBe(202);
		expect(answer.json).toEqual({ title: 'Accepted', status: 202, timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
		const [record] = sandbox.received('odp');
		expect(record).toMatchObject({ operation: 'events', status: 202, body: purchase() });
		expect(record.headers['x-api-key']).toBe('[redacted]');
	});

	test('accepts an array of events (purchase + refund)', async () => {
		const answer = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: fixture('odp-order-events.json') });
		expect(answer.status).toBe(202);
	});

	test('accepts non-order events without data.order', async () => {
		const answer = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: { type: 'pageview', identifiers: { vuid: 'abc' } } });
		expect(answer.status).toBe(202);
	});

	test.each([
		['no key', {}, 'missing x-api-key'],
		['a wrong key', odpHeaders('wrong'), 'invalid API key'],
	])('answers 403 for %s', async (_name, headers, message) => {
		const answer = await call(sandbox.url + EVENTS, { headers, body: purchase() });
		expect(answer.status).toBe(403);
		expect(answer.json).toMatchObject({ title: 'Forbidden', status: 403, detail: { message: expect.stringContaining(message) } });
		expect(sandbox.received()).toHaveLength(0);
	});

	test('names every invalid event by index and accepts nothing of the batch', async () => {
		const valid = purchase();
		const noIdentifiers = { ...purchase(), identifiers: {} };
		const noOrderId = purchase();
		delete noOrderId.data.order.order_id;
		const millis = purchase();
		millis.data.ts = 1588696800000;
		const noType = purchase();
		delete noType.type;
		const textTs = purchase();
		textTs.data.ts = '1588696800';
		const answer = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: [valid, noIdentifiers, valid, noOrderId, millis, noType, textTs] });
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ title: 'Bad Request', status: 400 });
		expect(answer.json.detail.invalids).toEqual([
			{ event: 1, message: 'identifiers must be a non-empty object' },
			{ event: 3, message: 'data.order.order_id is required' },
			{ event: 4, message: 'data.ts must be epoch seconds (this looks like milliseconds)' },
			{ event: 5, message: 'type is required' },
			{ event: 6, message: 'data.ts must be a number (epoch seconds)' },
		]);
		expect(sandbox.received()).toHaveLength(0);
		expect(sandbox.all('odp')[0]).toMatchObject({ status: 400, accepted: false });
	});

	test('an invalid single event is index 0', async () => {
		const answer = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: { type: 'order', identifiers: { email: 'a@b.c' }, data: {} } });
		expect(answer.status).toBe(400);
		expect(answer.json.detail.invalids).toEqual([{ event: 0, message: 'data.order is required for type order' }]);
	});

	test(`accepts ${ODP_BATCH_MAX} events and refuses ${ODP_BATCH_MAX + 1}`, async () => {
		const batch = (count: number) => Array.from({ length: count }, () => purchase());
		expect((await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: batch(ODP_BATCH_MAX) })).status).toBe(202);
		const answer = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: batch(ODP_BATCH_MAX + 1) });
		expect(answer.status).toBe(400);
		expect(answer.json.detail.message).toContain(String(ODP_BATCH_MAX));
	});

	test('answers malformed JSON and an empty array with 400', async () => {
		const malformed = await call(sandbox.url + EVENTS, { headers: { ...odpHeaders(), 'content-type': 'application/json' }, body: '[{"type":' });
		expect(malformed.status).toBe(400);
		expect(malformed.json.detail.message).toContain('malformed JSON');
		const empty = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: [] });
		expect(empty.status).toBe(400);
	});
});

describe('ODP orders object', () => {
	test('accepts the orders-object records with 202', async () => {
		const answer = await call(sandbox.url + ORDERS, { headers: odpHeaders(), body: fixture('odp-orders-object.json') });
		expect(answer.status).toBe(202);
		expect(answer.json.title).toBe('Accepted');
		expect(sandbox.received('odp')[0].operation).toBe('ordersObject');
	});

	test('names invalid records by "record" index and accepts nothing', async () => {
		const [record] = fixture('odp-orders-object.json');
		const answer = await call(sandbox.url + ORDERS, {
			headers: odpHeaders(),
			body: [record, { ...record, order_id: '' }, { ...record, phone: '0617 555 0123' }, { ...record, total: '54.5' }],
		});
		expect(answer.status).toBe(400);
		expect(answer.json.detail.invalids).toEqual([
			{ record: 1, message: 'order_id is required' },
			{ record: 2, message: 'phone must be in E.164 format, e.g. +441234567890' },
			{ record: 3, message: 'total must be a number' },
		]);
		expect(sandbox.received()).toHaveLength(0);
	});

	test('answers 403 for a bad key', async () => {
		const answer = await call(sandbox.url + ORDERS, { headers: odpHeaders('nope'), body: fixture('odp-orders-object.json') });
		expect(answer.status).toBe(403);
	});
});

describe('ODP schema objects', () => {
	test('GET /v3/schema/objects answers 200 with the key and 403 without', async () => {
		const good = await call(`${sandbox.url}/v3/schema/objects`, { headers: odpHeaders() });
		expect(good.status).toBe(200);
		expect(good.json.map((object: { name: string }) => object.name)).toContain('orders');
		expect((await call(`${sandbox.url}/v3/schema/objects`, { headers: odpHeaders('nope') })).status).toBe(403);
	});
});

describe('ODP rate limit', () => {
	test('lets 10 requests per second per key through, then 429 with Retry-After, then again after the window', async () => {
		const clock = manualClock();
		const limited = await startSandbox({ quiet: true, clock: clock.now });
		try {
			const send = () => call(limited.url + EVENTS, { headers: odpHeaders(), body: purchase() });
			const statuses: number[] = [];
			for (let index = 0; index < 12; index += 1) statuses.push((await send()).status);
			expect(statuses).toEqual([...Array(10).fill(202), 429, 429]);
			const refused = await send();
			expect(refused.headers.get('retry-after')).toBe('1');
			expect(refused.json).toMatchObject({ title: 'Too Many Requests', status: 429 });
			// Sliding window: 999 ms later the first ten are still inside it.
			clock.advance(999);
			expect((await send()).status).toBe(429);
			clock.advance(1);
			expect((await send()).status).toBe(202);
			expect(limited.received('odp')).toHaveLength(11);
			expect(limited.stats().vendors.odp.byStatus).toEqual({ '202': 11, '429': 4 });
		} finally {
			await limited.close();
		}
	});

	test('counts every ODP route against the same key, and a wrong key is refused before counting', async () => {
		const clock = manualClock();
		const limited = await startSandbox({ quiet: true, clock: clock.now, odpRateLimitPerSecond: 2 });
		try {
			expect((await call(limited.url + EVENTS, { headers: odpHeaders('wrong'), body: purchase() })).status).toBe(403);
			expect((await call(limited.url + EVENTS, { headers: odpHeaders(), body: purchase() })).status).toBe(202);
			expect((await call(limited.url + ORDERS, { headers: odpHeaders(), body: fixture('odp-orders-object.json') })).status).toBe(202);
			expect((await call(limited.url + ORDERS, { headers: odpHeaders(), body: fixture('odp-orders-object.json') })).status).toBe(429);
			expect((await call(`${limited.url}/v3/schema/objects`, { headers: odpHeaders() })).status).toBe(429);
		} finally {
			await limited.close();
		}
	});

	test('Retry-After covers the wait until the oldest request leaves the window', async () => {
		const clock = manualClock();
		const limited = await startSandbox({ quiet: true, clock: clock.now, odpRateLimitPerSecond: 1 });
		try {
			await call(limited.url + EVENTS, { headers: odpHeaders(), body: purchase() });
			clock.advance(200);
			const refused = await call(limited.url + EVENTS, { headers: odpHeaders(), body: purchase() });
			expect(refused.status).toBe(429);
			expect(refused.headers.get('retry-after')).toBe('1');
		} finally {
			await limited.close();
		}
	});

	test('0 disables the limit', async () => {
		const clock = manualClock();
		const open = await startSandbox({ quiet: true, clock: clock.now, odpRateLimitPerSecond: 0 });
		try {
			for (let index = 0; index < 25; index += 1) {
				expect((await call(open.url + EVENTS, { headers: odpHeaders(), body: purchase() })).status).toBe(202);
			}
		} finally {
			await open.close();
		}
	});
});

describe('ODP identifiers: only those that exist in the account', () => {
	test('a fresh account (the default) knows email, phone, vuid and zaius_id and refuses others by index', async () => {
		const known = { ...purchase(), identifiers: { email: 'a@b.co', phone: '+441234567890', vuid: 'v-1', zaius_id: 'z-1' } };
		expect((await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: known })).status).toBe(202);
		const unknown = { ...purchase(), identifiers: { email: 'a@b.co', customer_id: 'c-1' } };
		const answer = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: [known, unknown] });
		expect(answer.status).toBe(400);
		expect(answer.json.detail.invalids).toEqual([{ event: 1, message: expect.stringContaining('identifiers.customer_id is not an identifier of this account') }]);
	});

	test('the list is configurable per sandbox; orders-object fields outside the schema must be identifiers', async () => {
		const custom = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, odp: { identifiers: ['email', 'customer_id'] } });
		try {
			const withId = { ...purchase(), identifiers: { customer_id: 'c-1' } };
			expect((await call(custom.url + EVENTS, { headers: odpHeaders(), body: withId })).status).toBe(202);
			const withPhone = { ...purchase(), identifiers: { phone: '+441234567890' } };
			expect((await call(custom.url + EVENTS, { headers: odpHeaders(), body: withPhone })).status).toBe(400);
			expect((await call(custom.url + ORDERS, { headers: odpHeaders(), body: [{ order_id: '1', customer_id: 'c-1', email: 'a@b.co' }] })).status).toBe(202);
			const stray = await call(custom.url + ORDERS, { headers: odpHeaders(), body: [{ order_id: '1', crm_id: 'c-1' }] });
			expect(stray.status).toBe(400);
			expect(stray.json.detail.invalids[0]).toEqual({ record: 0, message: expect.stringContaining('crm_id is not a field of the orders object') });
		} finally {
			await custom.close();
		}
		await expect(startSandbox({ quiet: true, odp: { identifiers: ['Bad-Name'] } })).rejects.toThrow('odp.identifiers');
	});
});
