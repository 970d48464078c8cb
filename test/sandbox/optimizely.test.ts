import { startSandbox, type Sandbox } from '../../sandbox';
import { call, type Json, fixture, optimizelyHeaders } from './helpers';

const TRACK = '/tracker/smart-api/orders/offline';
const CANCEL = '/smart-api/orders/offline/';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox({ quiet: true });
});

afterAll(() => sandbox.close());

beforeEach(() => sandbox.reset());

function order(mutate: (body: Json) => void = () => undefined) {
	const body = fixture('optimizely-offline-order.json');
	mutate(body);
	return body;
}

describe('Optimizely Recs offline order tracking', () => {
	test('accepts the seed example and records it with redacted siteToken', async () => {
		const answer = await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: fixture('optimizely-offline-order.json') });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ status: 'OK' });
		const [record] = sandbox.received('optimizely');
		expect(record).toMatchObject({ vendor: 'optimizely', operation: 'offlineOrder', method: 'POST', path: TRACK, status: 200, accepted: true });
		expect(record.body).toEqual(fixture('optimizely-offline-order.json'));
		expect(record.headers.sitetoken).toBe('[redacted]');
		expect(record.headers.site).toBe('demo-site');
		expect(JSON.stringify(sandbox.all())).not.toContain('sandbox-site-token');
	});

	test.each(['store', 'mobileapp', 'tv', 'callcentre'])('accepts channel %s', async (channel) => {
		const answer = await call(sandbox.url + TRACK, { headers: optimizelyHeaders({ channel }), body: order() });
		expect(answer.json).toEqual({ status: 'OK' });
	});

	test.each(['2016-05-16T14:25:00Z', '2016-05-16T14:25:00+01:00', '2016-05-16T14:25:00.123Z'])('accepts ISO date %s', async (orderDate) => {
		const answer = await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: order((b) => (b.order.orderDate = orderDate)) });
		expect(answer.json).toEqual({ status: 'OK' });
	});

	test('accepts an order without user (anonymous offline order)', async () => {
		const answer = await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: order((b) => delete b.user) });
		expect(answer.json).toEqual({ status: 'OK' });
	});

	test('answers a deprecated user.email with status warning, still accepted', async () => {
		const answer = await call(sandbox.url + TRACK, {
			headers: optimizelyHeaders(),
			body: order((b) => (b.user = { email: 'shopper@example.com' })),
		});
		expect(answer.status).toBe(200);
		expect(answer.json.status).toBe('warning');
		expect(answer.json.warnings[0].code).toBe('DeprecatedField');
		expect(sandbox.received('optimizely')).toHaveLength(1);
	});

	test('answers malformed JSON with 200 status fail MalformedJson and does not accept it', async () => {
		const answer = await call(sandbox.url + TRACK, { headers: { ...optimizelyHeaders(), 'content-type': 'application/json' }, body: '{"order": ' });
		expect(answer.status).toBe(200);
		expect(answer.json.status).toBe('fail');
		expect(answer.json.errors[0].code).toBe('MalformedJson');
		expect(sandbox.received()).toHaveLength(0);
		expect(sandbox.all('optimizely')).toHaveLength(1);
		expect(sandbox.all('optimizely')[0]).toMatchObject({ status: 200, accepted: false });
	});

	const broken: [string, (b: Json) => void, string, string][] = [
		['no order', (b) => delete b.order, 'MissingField', 'order'],
		['no refCode', (b) => delete b.order.refCode, 'MissingField', 'order.refCode'],
		['no orderDate', (b) => delete b.order.orderDate, 'MissingField', 'order.orderDate'],
		['no total', (b) => delete b.order.total, 'MissingField', 'order.total'],
		['total as text', (b) => (b.order.total = '90.0'), 'InvalidField', 'order.total'],
		['date without zone', (b) => (b.order.orderDate = '2016-05-16T14:25:00'), 'InvalidField', 'order.orderDate'],
		['impossible date', (b) => (b.order.orderDate = '2016-02-30T14:25:00 GMT'), 'InvalidField', 'order.orderDate'],
		['currency not ISO 4217', (b) => (b.order.currency = 'pounds'), 'InvalidField', 'order.currency'],
		['no items', (b) => delete b.order.items, 'MissingField', 'order.items'],
		['empty items', (b) => (b.order.items = []), 'InvalidField', 'order.items'],
		['item without refCode', (b) => delete b.order.items[1].refCode, 'MissingField', 'order.items[1].refCode'],
		['item without qty', (b) => delete b.order.items[0].qty, 'MissingField', 'order.items[0].qty'],
		['item without price', (b) => delete b.order.items[0].price, 'MissingField', 'order.items[0].price'],
		['user without id or email', (b) => (b.user = { info: { gender: 'male' } }), 'MissingField', 'user.id or user.email'],
		['body is an array', (b) => Object.assign(b, { order: [] }), 'InvalidField', 'order'],
	];

	test.each(broken)('rejects %s with 200 status fail', async (_name, mutate, code, field) => {
		const answer = await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: order(mutate) });
		expect(answer.status).toBe(200);
		expect(answer.json.status).toBe('fail');
		expect(answer.json.errors).toEqual(expect.arrayContaining([{ code, message: expect.stringContaining(field) }]));
		expect(sandbox.received()).toHaveLength(0);
	});

	test('reports every problem of a body at once', async () => {
		const answer = await call(sandbox.url + TRACK, {
			headers: optimizelyHeaders(),
			body: order((b) => {
				delete b.order.total;
				delete b.order.refCode;
			}),
		});
		expect(answer.json.errors.map((error: { message: string }) => error.message)).toEqual(['order.refCode is mandatory', 'order.total is mandatory']);
	});
});

describe('Optimizely Recs authentication headers', () => {
	test.each(['site', 'siteToken', 'channel'])('answers 401 status fail when %s is missing', async (name) => {
		const headers = optimizelyHeaders();
		delete headers[name];
		const answer = await call(sandbox.url + TRACK, { headers, body: order() });
		expect(answer.status).toBe(401);
		expect(answer.json).toEqual({ status: 'fail', errors: [{ code: 'Unauthorized', message: expect.stringContaining(name) }] });
	});

	test.each([
		['a wrong siteToken', { siteToken: 'guess' }],
		['another site', { site: 'other-site' }],
		['an undocumented channel', { channel: 'web' }],
	])('answers 403 status fail for %s', async (_name, override) => {
		const answer = await call(sandbox.url + TRACK, { headers: optimizelyHeaders(override), body: order() });
		expect(answer.status).toBe(403);
		expect(answer.json.status).toBe('fail');
		expect(answer.json.errors[0].code).toBe('Forbidden');
		expect(answer.text).not.toContain('sandbox-site-token');
	});

	test('answers 403 for a documented channel the site has not enabled', async () => {
		const storeOnly = await startSandbox({ quiet: true, credentials: { optimizely: { site: 's1', siteToken: 't1', channels: ['store'] } } });
		try {
			const headers = { site: 's1', siteToken: 't1' };
			expect((await call(storeOnly.url + TRACK, { headers: { ...headers, channel: 'store' }, body: order() })).status).toBe(200);
			const answer = await call(storeOnly.url + TRACK, { headers: { ...headers, channel: 'tv' }, body: order() });
			expect(answer.status).toBe(403);
			expect(answer.json.errors[0].message).toContain('not enabled');
		} finally {
			await storeOnly.close();
		}
	});

	test('answers a wrong method with 405 and Allow', async () => {
		const answer = await call(sandbox.url + TRACK, { method: 'GET', headers: optimizelyHeaders() });
		expect(answer.status).toBe(405);
		expect(answer.headers.get('allow')).toBe('POST');
		expect(answer.json.status).toBe('fail');
	});
});

describe('Optimizely Recs order cancel', () => {
	test('answers 404 status fail for an unknown refCode', async () => {
		const answer = await call(`${sandbox.url}${CANCEL}never-sent`, { method: 'DELETE', headers: optimizelyHeaders() });
		expect(answer.status).toBe(404);
		expect(answer.json).toEqual({ status: 'fail', errors: [{ code: 'OrderNotFound', message: expect.stringContaining('never-sent') }] });
	});

	test('cancels a tracked order once, then warns AlreadyCancelled', async () => {
		await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: order((b) => (b.order.refCode = 'POS/42 A')) });
		const first = await call(`${sandbox.url}${CANCEL}${encodeURIComponent('POS/42 A')}`, { method: 'DELETE', headers: optimizelyHeaders() });
		expect(first.status).toBe(200);
		expect(first.json).toEqual({ status: 'OK' });
		const second = await call(`${sandbox.url}${CANCEL}${encodeURIComponent('POS/42 A')}`, { method: 'DELETE', headers: optimizelyHeaders() });
		expect(second.status).toBe(200);
		expect(second.json.status).toBe('warning');
		expect(second.json.warnings[0].code).toBe('AlreadyCancelled');
		expect(sandbox.received('optimizely').map((record) => record.operation)).toEqual(['offlineOrder', 'cancelOrder', 'cancelOrder']);
	});

	test('checks the headers on cancel too', async () => {
		await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: order() });
		const answer = await call(`${sandbox.url}${CANCEL}orderRef`, { method: 'DELETE', headers: optimizelyHeaders({ siteToken: 'wrong' }) });
		expect(answer.status).toBe(403);
	});

	test('forgets tracked orders on reset', async () => {
		await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: order() });
		sandbox.reset();
		const answer = await call(`${sandbox.url}${CANCEL}orderRef`, { method: 'DELETE', headers: optimizelyHeaders() });
		expect(answer.status).toBe(404);
	});
});
