import { connect } from 'net';
import { networkInterfaces } from 'os';
import { SANDBOX_DEFAULT_CREDENTIALS, startSandbox, type ReceivedRequest, type Sandbox } from '../../sandbox';
import { algonomyOrdersUrl, algonomyToken, call, credentials, esputnikAuth, fixture, odpHeaders, optimizelyHeaders } from './helpers';

const TRACK = '/tracker/smart-api/orders/offline';
const EVENTS = '/v3/events';

describe('control API', () => {
	let sandbox: Sandbox;

	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true });
	});

	afterAll(() => sandbox.close());

	beforeEach(() => sandbox.reset());

	async function sendOneOfEach(): Promise<void> {
		await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: fixture('optimizely-offline-order.json') });
		const token = await algonomyToken(sandbox.url);
		await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: fixture('algonomy-order-offline-put.json') });
		await call(`${sandbox.url}/api/v1/event`, { headers: esputnikAuth(), body: fixture('esputnik-order-created.json') });
		await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: fixture('odp-order-events.json') });
		await call(sandbox.url + EVENTS, { headers: odpHeaders('wrong'), body: fixture('odp-order-events.json') });
	}

	test('health', async () => {
		const answer = await call(`${sandbox.url}/_sandbox/health`);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ status: 'ok', vendors: ['optimizely', 'algonomy', 'esputnik', 'odp'] });
	});

	test('received lists accepted requests in order, per vendor on request; all adds the refused ones', async () => {
		await sendOneOfEach();
		const received: ReceivedRequest[] = (await call(`${sandbox.url}/_sandbox/received`)).json;
		expect(received.map((record) => `${record.vendor}.${record.operation}`)).toEqual([
			'optimizely.offlineOrder',
			'algonomy.token',
			'algonomy.importOrder',
			'esputnik.event',
			'odp.events',
		]);
		expect(received.map((record) => record.seq)).toEqual([1, 2, 3, 4, 5]);
		expect(received).toEqual(sandbox.received());
		const odpOnly: ReceivedRequest[] = (await call(`${sandbox.url}/_sandbox/received?vendor=odp`)).json;
		expect(odpOnly).toHaveLength(1);
		expect(odpOnly[0]).toMatchObject({ vendor: 'odp', method: 'POST', path: EVENTS, status: 202, accepted: true, query: {} });
		expect(new Date(odpOnly[0].at).toISOString()).toBe(odpOnly[0].at);
		const all: ReceivedRequest[] = (await call(`${sandbox.url}/_sandbox/all?vendor=odp`)).json;
		expect(all.map((record) => record.status)).toEqual([202, 403]);
		expect((await call(`${sandbox.url}/_sandbox/received?vendor=shopify`)).status).toBe(400);
	});

	test('no secret reaches the recorded requests', async () => {
		await sendOneOfEach();
		const recorded = (await call(`${sandbox.url}/_sandbox/all`)).text;
		for (const secret of [
			credentials.optimizely.siteToken,
			credentials.algonomy.clientSecret,
			credentials.algonomy.apiKey,
			credentials.esputnik.apiKey,
			credentials.odp.apiKey,
			Buffer.from(`anyone:${credentials.esputnik.apiKey}`).toString('base64'),
		]) {
			expect(recorded).not.toContain(secret);
		}
		expect(recorded).toContain('[redacted]');
	});

	test('stats count per vendor, status and operation', async () => {
		await sendOneOfEach();
		await call(`${sandbox.url}/no/such/route`);
		const stats = (await call(`${sandbox.url}/_sandbox/stats`)).json;
		expect(stats).toEqual(sandbox.stats());
		expect(stats).toMatchObject({ total: 6, accepted: 5, unmatched: 1, tokensIssued: 1 });
		expect(stats.vendors.odp).toEqual({
			requests: 2,
			accepted: 1,
			rejected: 1,
			byStatus: { '202': 1, '403': 1 },
			byOperation: { events: 2 },
			faults: { serverError: 0, rateLimit: 0, drop: 0, hang: 0 },
		});
		expect(stats.vendors.algonomy.byOperation).toEqual({ token: 1, importOrder: 1 });
	});

	test('reset clears records, counters and token count but keeps issued tokens valid', async () => {
		const token = await algonomyToken(sandbox.url);
		await sendOneOfEach();
		const answer = await call(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
		expect(answer.json).toEqual({ status: 'reset' });
		expect(sandbox.all()).toEqual([]);
		expect(sandbox.stats()).toMatchObject({ total: 0, accepted: 0, unmatched: 0, tokensIssued: 0 });
		const put = await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: fixture('algonomy-order-offline-put.json') });
		expect(put.status).toBe(200);
	});

	test('unknown control routes answer 404, wrong methods 405; unknown vendor paths 404', async () => {
		expect((await call(`${sandbox.url}/_sandbox/nothing`)).status).toBe(404);
		expect((await call(`${sandbox.url}/_sandbox/reset`)).status).toBe(405);
		const unknown = await call(`${sandbox.url}/v2/events`, { body: {} });
		expect(unknown.status).toBe(404);
		expect(unknown.json.message).toContain('/v2/events');
		expect(sandbox.all()).toEqual([]);
	});

	test('returned records are copies', async () => {
		await sendOneOfEach();
		const [first] = sandbox.received();
		first.status = 999;
		expect(sandbox.received()[0].status).not.toBe(999);
	});
});

describe('several sandboxes at once', () => {
	test('keep their own credentials, records, faults and state', async () => {
		const [left, right] = await Promise.all([
			startSandbox({ quiet: true, credentials: { odp: { apiKey: 'left-key' } } }),
			startSandbox({ quiet: true, credentials: { odp: { apiKey: 'right-key' } }, faults: { odp: { serverErrorRate: 1 } } }),
		]);
		try {
			expect(left.port).not.toBe(right.port);
			expect(left.url).toBe(`http://127.0.0.1:${left.port}`);
			expect((await call(left.url + EVENTS, { headers: odpHeaders('left-key'), body: fixture('odp-order-events.json') })).status).toBe(202);
			expect((await call(left.url + EVENTS, { headers: odpHeaders('right-key'), body: fixture('odp-order-events.json') })).status).toBe(403);
			expect((await call(right.url + EVENTS, { headers: odpHeaders('right-key'), body: fixture('odp-order-events.json') })).status).toBeGreaterThanOrEqual(500);
			expect(left.received()).toHaveLength(1);
			expect(right.received()).toHaveLength(0);
			expect(right.all()).toHaveLength(1);
			// Other vendors keep the defaults.
			expect(left.credentials.esputnik).toEqual(SANDBOX_DEFAULT_CREDENTIALS.esputnik);
			await right.close();
			expect((await call(`${left.url}/_sandbox/health`)).status).toBe(200);
		} finally {
			await Promise.all([left.close(), right.close()]);
		}
	});

	test('tokens of one sandbox mean nothing to another', async () => {
		const [one, two] = await Promise.all([startSandbox({ quiet: true }), startSandbox({ quiet: true })]);
		try {
			const token = await algonomyToken(one.url);
			const answer = await call(algonomyOrdersUrl(two.url), { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: fixture('algonomy-order-offline-put.json') });
			expect(answer.status).toBe(401);
			expect(one.tokensIssued()).toBe(1);
			expect(two.tokensIssued()).toBe(0);
		} finally {
			await Promise.all([one.close(), two.close()]);
		}
	});
});

describe('lifecycle, options and logging', () => {
	test('binds to 127.0.0.1 only and close() can be called twice', async () => {
		const sandbox = await startSandbox({ quiet: true });
		expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		await sandbox.close();
		await sandbox.close();
		await expect(fetch(`${sandbox.url}/_sandbox/health`)).rejects.toThrow();
	});

	const external = Object.values(networkInterfaces())
		.flat()
		.find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

	(external ? test : test.skip)('is not reachable on a non-loopback address', async () => {
		const sandbox = await startSandbox({ quiet: true });
		try {
			const outcome = await new Promise<string>((resolve) => {
				const socket = connect(sandbox.port, external as string);
				socket.once('connect', () => {
					socket.destroy();
					resolve('connected');
				});
				socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
			});
			expect(outcome).toBe('ECONNREFUSED');
		} finally {
			await sandbox.close();
		}
	});

	test('a taken port is refused', async () => {
		const first = await startSandbox({ quiet: true });
		try {
			await expect(startSandbox({ quiet: true, port: first.port })).rejects.toThrow('EADDRINUSE');
		} finally {
			await first.close();
		}
	});

	test('default credentials are frozen', () => {
		expect(Object.isFrozen(SANDBOX_DEFAULT_CREDENTIALS.odp)).toBe(true);
		expect(() => {
			(SANDBOX_DEFAULT_CREDENTIALS.odp as { apiKey: string }).apiKey = 'changed';
		}).toThrow();
	});

	test('invalid options are refused', async () => {
		await expect(startSandbox({ quiet: true, odpRateLimitPerSecond: -1 })).rejects.toThrow('odpRateLimitPerSecond');
		await expect(startSandbox({ quiet: true, tokenLifetimeSeconds: 0 })).rejects.toThrow('tokenLifetimeSeconds');
		await expect(startSandbox({ quiet: true, credentials: { odp: { apiKey: '' } } })).rejects.toThrow('odp.apiKey');
	});

	test('logs one line per request with method, path and status, and no secret', async () => {
		const lines: string[] = [];
		const sandbox = await startSandbox({ log: (line) => lines.push(line), faults: { esputnik: { dropRate: 1 } } });
		try {
			await call(sandbox.url + TRACK, { headers: optimizelyHeaders(), body: fixture('optimizely-offline-order.json') });
			const token = await algonomyToken(sandbox.url);
			await call(algonomyOrdersUrl(sandbox.url), { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: fixture('algonomy-order-offline-put.json') });
			await call(`${sandbox.url}/api/v1/event`, { headers: esputnikAuth(), body: fixture('esputnik-order-created.json') }).catch(() => undefined);
			await call(sandbox.url + EVENTS, { headers: odpHeaders('not-the-key'), body: fixture('odp-order-events.json') });
			await call(`${sandbox.url}/_sandbox/stats`);
			expect(lines).toEqual([
				`[sandbox] POST ${TRACK} 200`,
				'[sandbox] POST /omnichannel/v1/oauth2/token 200',
				'[sandbox] PUT /omnichannel/api/v1/[redacted]/orders 200',
				'[sandbox] POST /api/v1/event dropped (fault: drop)',
				'[sandbox] POST /v3/events 403',
			]);
			const text = lines.join('\n');
			for (const secret of [...Object.values(credentials.algonomy), credentials.optimizely.siteToken, credentials.esputnik.apiKey, 'not-the-key', token]) {
				expect(text).not.toContain(secret);
			}
		} finally {
			await sandbox.close();
		}
	});

	test('quiet logs nothing', async () => {
		const lines: string[] = [];
		const sandbox = await startSandbox({ quiet: true, log: (line) => lines.push(line) });
		try {
			await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: fixture('odp-order-events.json') });
			expect(lines).toEqual([]);
		} finally {
			await sandbox.close();
		}
	});
});
