import { setTimeout as sleep } from 'timers/promises';
import { startSandbox, type Sandbox } from '../../sandbox';
import { type Json, algonomyOrdersUrl, algonomyToken, call, credentials, fixture, manualClock } from './helpers';

const TOKEN = '/omnichannel/v1/oauth2/token';
const { clientId, clientSecret, apiKey } = credentials.algonomy;

let sandbox: Sandbox;
let token: string;

beforeAll(async () => {
	sandbox = await startSandbox({ quiet: true });
	token = await algonomyToken(sandbox.url);
});

afterAll(() => sandbox.close());

beforeEach(() => sandbox.reset());

const bearer = (value = token) => ({ authorization: `Bearer ${value}` });

describe('Algonomy token', () => {
	test('issues a bearer token for query-string credentials', async () => {
		const answer = await call(`${sandbox.url}${TOKEN}?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`, { method: 'POST' });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ token_type: 'bearer', access_token: expect.stringMatching(/^[\w-]{20,}$/), expires_in: 3600 });
		expect(sandbox.tokensIssued()).toBe(1);
		const [record] = sandbox.received('algonomy');
		expect(record.operation).toBe('token');
		expect(record.query).toEqual({ grant_type: 'client_credentials', client_id: clientId, client_secret: '[redacted]' });
	});

	test('issues a bearer token for form-body credentials', async () => {
		const answer = await call(sandbox.url + TOKEN, {
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
		});
		expect(answer.status).toBe(200);
		expect(answer.json.token_type).toBe('bearer');
		const orders = await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: bearer(answer.json.access_token), body: fixture('algonomy-order-offline-put.json') });
		expect(orders.status).toBe(200);
		expect(sandbox.received('algonomy')[0].body).toEqual({ grant_type: 'client_credentials', client_id: clientId, client_secret: '[redacted]' });
		expect(JSON.stringify(sandbox.all())).not.toContain(clientSecret);
	});

	test('issues a different token on each request', async () => {
		const first = await algonomyToken(sandbox.url);
		const second = await algonomyToken(sandbox.url);
		expect(first).not.toBe(second);
		expect(sandbox.tokensIssued()).toBe(2);
	});

	test.each([
		['a wrong secret', `client_id=${clientId}&client_secret=nope`],
		['an unknown client', `client_id=someone&client_secret=${clientSecret}`],
	])('answers 401 invalid_client for %s', async (_name, query) => {
		const answer = await call(`${sandbox.url}${TOKEN}?grant_type=client_credentials&${query}`, { method: 'POST' });
		expect(answer.status).toBe(401);
		expect(answer.json).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
		expect(sandbox.tokensIssued()).toBe(0);
	});

	test.each([
		['no grant_type', `client_id=${clientId}&client_secret=${clientSecret}`, 'invalid_request'],
		['another grant_type', `grant_type=password&client_id=${clientId}&client_secret=${clientSecret}`, 'unsupported_grant_type'],
		['no client_secret', `grant_type=client_credentials&client_id=${clientId}`, 'invalid_request'],
	])('answers 400 for %s', async (_name, query, error) => {
		const answer = await call(`${sandbox.url}${TOKEN}?${query}`, { method: 'POST' });
		expect(answer.status).toBe(400);
		expect(answer.json.error).toBe(error);
	});

	test('expires tokens after their lifetime (sandbox clock)', async () => {
		const clock = manualClock();
		const timed = await startSandbox({ quiet: true, tokenLifetimeSeconds: 60, clock: clock.now });
		try {
			const shortToken = await algonomyToken(timed.url);
			const put = () => call(algonomyOrdersUrl(timed.url), { method: 'PUT', headers: bearer(shortToken), body: fixture('algonomy-order-offline-put.json') });
			clock.advance(59_999);
			expect((await put()).status).toBe(200);
			clock.advance(1);
			const expired = await put();
			expect(expired.status).toBe(401);
			expect(expired.json).toEqual({ status: 'error', message: 'token expired' });
			expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
			const fresh = await algonomyToken(timed.url);
			expect((await call(algonomyOrdersUrl(timed.url), { method: 'PUT', headers: bearer(fresh), body: fixture('algonomy-order-offline-put.json') })).status).toBe(200);
		} finally {
			await timed.close();
		}
	});

	test('expires a 1-second token in real time', async () => {
		const timed = await startSandbox({ quiet: true, tokenLifetimeSeconds: 1 });
		try {
			const answer = await call(`${timed.url}${TOKEN}?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`, { method: 'POST' });
			expect(answer.json.expires_in).toBe(1);
			await sleep(1100);
			const late = await call(algonomyOrdersUrl(timed.url), { method: 'PUT', headers: bearer(answer.json.access_token), body: fixture('algonomy-order-offline-put.json') });
			expect(late.status).toBe(401);
			expect(late.json.message).toBe('token expired');
		} finally {
			await timed.close();
		}
	});

	test('tokenExpirySeconds fault ends tokens early although expires_in promised more', async () => {
		const clock = manualClock();
		const faulty = await startSandbox({ quiet: true, clock: clock.now, faults: { algonomy: { tokenExpirySeconds: 30 } } });
		try {
			const answer = await call(`${faulty.url}${TOKEN}?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`, { method: 'POST' });
			expect(answer.json.expires_in).toBe(3600);
			const put = () => call(algonomyOrdersUrl(faulty.url), { method: 'PUT', headers: bearer(answer.json.access_token), body: fixture('algonomy-order-offline-put.json') });
			expect((await put()).status).toBe(200);
			clock.advance(30_000);
			expect((await put()).status).toBe(401);
			faulty.setFaults('algonomy', {});
			expect((await put()).status).toBe(200);
		} finally {
			await faulty.close();
		}
	});
});

describe('Algonomy orders import', () => {
	test.each([
		['PUT', 'algonomy-order-offline-put.json', 'offline', 1],
		['PUT', 'algonomy-order-online-put.json', 'online', 1],
		['POST', 'algonomy-orders-offline-post.json', 'offline', 2],
		['POST', 'algonomy-orders-online-post.json', 'online', 2],
	])('accepts %s of seed example %s', async (method, name, mode, imported) => {
		const answer = await call(algonomyOrdersUrl(sandbox.url, mode), { method, headers: bearer(), body: fixture(name) });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ status: 'success', mode, imported });
		const [record] = sandbox.received('algonomy');
		expect(record).toMatchObject({ operation: method === 'PUT' ? 'importOrder' : 'importOrders', path: '/omnichannel/api/v1/[redacted]/orders', query: { mode } });
		expect(record.headers.authorization).toBe('[redacted]');
	});

	test('defaults mode to offline and refuses other modes', async () => {
		const plain = await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: bearer(), body: fixture('algonomy-order-offline-put.json') });
		expect(plain.json.mode).toBe('offline');
		const odd = await call(algonomyOrdersUrl(sandbox.url, 'batch'), { method: 'PUT', headers: bearer(), body: fixture('algonomy-order-offline-put.json') });
		expect(odd.status).toBe(400);
		expect(odd.json).toMatchObject({ status: 'error', field: 'mode' });
	});

	test.each([
		['no Authorization header', {}, 'missing bearer token'],
		['an unknown token', { authorization: 'Bearer not-a-token' }, 'invalid token'],
		['Basic instead of Bearer', { authorization: 'Basic abc' }, 'missing bearer token'],
	])('answers 401 for %s', async (_name, headers, message) => {
		const answer = await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers, body: fixture('algonomy-order-offline-put.json') });
		expect(answer.status).toBe(401);
		expect(answer.json.message).toContain(message);
		expect(sandbox.received()).toHaveLength(0);
	});

	test('answers 403 for an unknown apiKey and does not record the key', async () => {
		const answer = await call(algonomyOrdersUrl(sandbox.url, 'offline', 'other-key'), { method: 'PUT', headers: bearer(), body: fixture('algonomy-order-offline-put.json') });
		expect(answer.status).toBe(403);
		expect(answer.json).toEqual({ status: 'error', message: 'unknown apiKey' });
		expect(JSON.stringify(sandbox.all())).not.toContain('other-key');
		expect(JSON.stringify(sandbox.all())).not.toContain(apiKey);
	});

	test('refuses an array on PUT and an object on POST', async () => {
		const put = await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: bearer(), body: fixture('algonomy-orders-offline-post.json') });
		expect(put.status).toBe(400);
		expect(put.json.message).toContain('JSON object');
		const post = await call(algonomyOrdersUrl(sandbox.url), { method: 'POST', headers: bearer(), body: fixture('algonomy-order-offline-put.json') });
		expect(post.status).toBe(400);
		expect(post.json.message).toContain('JSON array');
	});

	test('takes an empty POST array as a no-op (what credential checks send)', async () => {
		const empty = await call(algonomyOrdersUrl(sandbox.url, 'offline'), { method: 'POST', headers: bearer(), body: [] });
		expect(empty.status).toBe(200);
		expect(empty.json).toEqual({ status: 'success', mode: 'offline', imported: 0 });
		const noBody = await call(algonomyOrdersUrl(sandbox.url, 'offline'), { method: 'POST', headers: bearer() });
		expect(noBody.status).toBe(400);
		expect(noBody.json.message).toBe('the body is empty: POST needs a JSON array of orders');
		const unauthorised = await call(algonomyOrdersUrl(sandbox.url, 'offline'), { method: 'POST', headers: bearer('stale'), body: [] });
		expect(unauthorised.status).toBe(401);
	});

	test('answers malformed JSON with 400', async () => {
		const answer = await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: { ...bearer(), 'content-type': 'application/json' }, body: '{"id": 1,' });
		expect(answer.status).toBe(400);
		expect(answer.json.message).toContain('malformed JSON');
	});

	type Order = Json;
	const broken: [string, (order: Order) => void, string][] = [
		['no id', (o) => delete o.id, 'id'],
		['a text id', (o) => (o.id = '123'), 'id'],
		['a decimal id', (o) => (o.id = 12.5), 'id'],
		['no userId', (o) => delete o.userId, 'userId'],
		['no dateTime', (o) => delete o.dateTime, 'dateTime'],
		['a dateTime without offset', (o) => (o.dateTime = '2022-04-25T14:30:00'), 'dateTime'],
		['the Optimizely date style', (o) => (o.dateTime = '2022-04-25T14:30:00 GMT'), 'dateTime'],
		['no lineItems', (o) => delete o.lineItems, 'lineItems'],
		['empty lineItems', (o) => (o.lineItems = []), 'lineItems'],
		['a line without productId', (o) => delete o.lineItems[1].productId, 'lineItems[1].productId'],
		['a line without quantity', (o) => delete o.lineItems[0].quantity, 'lineItems[0].quantity'],
		['a line without unitPrice', (o) => delete o.lineItems[2].unitPrice, 'lineItems[2].unitPrice'],
		['a text unitPrice', (o) => (o.lineItems[2].unitPrice = '4.5'), 'lineItems[2].unitPrice'],
		['a plain email (PII)', (o) => (o.email = 'shopper@example.com'), 'email'],
		['an email in emailHash (PII)', (o) => (o.emailHash = 'shopper@example.com'), 'emailHash'],
		['segmentIds of numbers', (o) => (o.segmentIds = [44, 55]), 'segmentIds'],
		['a lowercase currency', (o) => (o.currency = 'usd'), 'currency'],
	];

	test.each(broken)('PUT with %s answers 400 naming the field', async (_name, mutate, field) => {
		const order = fixture('algonomy-order-offline-put.json');
		mutate(order);
		const answer = await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: bearer(), body: order });
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ status: 'error', field });
		expect(answer.json.message).toContain(field);
		expect(sandbox.received()).toHaveLength(0);
	});

	test('POST names the index of the bad order and imports none', async () => {
		const orders = fixture('algonomy-orders-offline-post.json');
		delete orders[1].userId;
		const answer = await call(algonomyOrdersUrl(sandbox.url), { method: 'POST', headers: bearer(), body: orders });
		expect(answer.status).toBe(400);
		expect(answer.json.field).toBe('[1].userId');
		expect(answer.json.errors).toEqual([{ field: '[1].userId', message: '[1].userId is mandatory' }]);
		expect(sandbox.received()).toHaveLength(0);
	});

	test('accepts string product ids (real catalogues) and string skuIds', async () => {
		const order = fixture('algonomy-order-offline-put.json');
		order.lineItems[0].productId = 'SKU-4556';
		const answer = await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: bearer(), body: order });
		expect(answer.status).toBe(200);
	});
});
