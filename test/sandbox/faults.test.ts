import { setTimeout as sleep } from 'timers/promises';
import { startSandbox, type FaultConfig, type Sandbox } from '../../sandbox';
import { algonomyToken, call, credentials, esputnikAuth, fixture, odpHeaders, optimizelyHeaders } from './helpers';

const EVENTS = '/v3/events';
const ESPUTNIK_EVENT = '/api/v1/event';
const TOKEN_QUERY = `/omnichannel/v1/oauth2/token?grant_type=client_credentials&client_id=${credentials.algonomy.clientId}&client_secret=${credentials.algonomy.clientSecret}`;

const opened: Sandbox[] = [];

async function open(faults: Partial<Record<'optimizely' | 'algonomy' | 'esputnik' | 'odp', FaultConfig>>): Promise<Sandbox> {
	const sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, faults });
	opened.push(sandbox);
	return sandbox;
}

afterEach(async () => {
	await Promise.all(opened.splice(0).map((sandbox) => sandbox.close()));
});

const odpEvent = () => fixture('odp-order-events.json')[0];

/** Sends `count` ODP events one after the other (order matters for the fault stream) and lists the statuses. */
async function odpStatuses(sandbox: Sandbox, count: number): Promise<number[]> {
	const statuses: number[] = [];
	for (let index = 0; index < count; index += 1) {
		statuses.push((await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent() })).status);
	}
	return statuses;
}

/** Waits until the sandbox has seen `count` requests of a vendor (no time limit of its own: jest's applies). */
async function seen(sandbox: Sandbox, vendor: 'esputnik' | 'odp', count: number): Promise<void> {
	while (sandbox.all(vendor).length < count) await sleep(10);
}

describe('server errors', () => {
	test('serverErrorRate 0.5 over 200 requests lands near 100, with 500/502/503, identical for the same seed', async () => {
		const first = await odpStatuses(await open({ odp: { seed: 42, serverErrorRate: 0.5 } }), 200);
		const again = await odpStatuses(await open({ odp: { seed: 42, serverErrorRate: 0.5 } }), 200);
		const other = await odpStatuses(await open({ odp: { seed: 43, serverErrorRate: 0.5 } }), 200);
		const errors = first.filter((status) => status >= 500);
		expect(errors.length).toBeGreaterThanOrEqual(70);
		expect(errors.length).toBeLessThanOrEqual(130);
		expect(new Set(first)).toEqual(new Set([202, 500, 502, 503]));
		expect(again).toEqual(first);
		expect(other).not.toEqual(first);
	});

	test('answers injected errors in the vendor error shape, records and counts them', async () => {
		const sandbox = await open({ odp: { serverErrorRate: 1 }, optimizely: { serverErrorRate: 1 } });
		const odp = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent() });
		expect(odp.json).toMatchObject({ status: odp.status, title: expect.any(String), detail: { message: expect.stringContaining('fault') } });
		const optimizely = await call(sandbox.url + '/tracker/smart-api/orders/offline', { headers: optimizelyHeaders(), body: fixture('optimizely-offline-order.json') });
		expect(optimizely.status).toBeGreaterThanOrEqual(500);
		expect(optimizely.json.status).toBe('fail');
		expect(sandbox.received()).toHaveLength(0);
		expect(sandbox.all().map((record) => record.fault)).toEqual(['serverError', 'serverError']);
		expect(sandbox.stats().vendors.odp.faults.serverError).toBe(1);
	});

	test('faults one vendor only', async () => {
		const sandbox = await open({ odp: { serverErrorRate: 1 } });
		const answer = await call(sandbox.url + ESPUTNIK_EVENT, { headers: esputnikAuth(), body: fixture('esputnik-order-created.json') });
		expect(answer.status).toBe(200);
	});
});

describe('injected rate limits', () => {
	test('rateLimitRate answers 429 with the configured Retry-After', async () => {
		const sandbox = await open({ esputnik: { rateLimitRate: 1, retryAfterSeconds: 7 } });
		const answer = await call(sandbox.url + ESPUTNIK_EVENT, { headers: esputnikAuth(), body: fixture('esputnik-order-created.json') });
		expect(answer.status).toBe(429);
		expect(answer.headers.get('retry-after')).toBe('7');
		expect(answer.json).toEqual({ message: expect.stringContaining('too many requests') });
		expect(sandbox.all('esputnik')[0].fault).toBe('rateLimit');
	});

	test('Retry-After defaults to 1 second, and a 0.25 share lands near a quarter', async () => {
		const sandbox = await open({ odp: { seed: 5, rateLimitRate: 0.25 } });
		const statuses = await odpStatuses(sandbox, 200);
		const limited = statuses.filter((status) => status === 429).length;
		expect(limited).toBeGreaterThanOrEqual(25);
		expect(limited).toBeLessThanOrEqual(75);
		expect(statuses.filter((status) => status !== 429).every((status) => status === 202)).toBe(true);
		sandbox.setFaults('odp', { rateLimitRate: 1 });
		const refused = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent() });
		expect(refused.status).toBe(429);
		expect(refused.headers.get('retry-after')).toBe('1');
	});
});

describe('dropped connections', () => {
	test('dropRate 1 destroys the socket: fetch rejects, nothing is accepted', async () => {
		const sandbox = await open({ odp: { dropRate: 1 } });
		await expect(call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent() })).rejects.toThrow('fetch failed');
		expect(sandbox.received()).toHaveLength(0);
		expect(sandbox.all('odp')).toEqual([expect.objectContaining({ status: 0, fault: 'drop', accepted: false })]);
		expect(sandbox.stats().vendors.odp.faults.drop).toBe(1);
		// The server itself carries on.
		expect((await call(`${sandbox.url}/_sandbox/health`)).status).toBe(200);
	});

	test('dropRate 0.3 drops some requests and answers the others', async () => {
		const sandbox = await open({ odp: { seed: 11, dropRate: 0.3 } });
		let dropped = 0;
		let answered = 0;
		for (let index = 0; index < 40; index += 1) {
			try {
				expect((await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent() })).status).toBe(202);
				answered += 1;
			} catch {
				dropped += 1;
			}
		}
		expect(dropped).toBeGreaterThan(0);
		expect(answered).toBeGreaterThan(0);
		expect(sandbox.stats().vendors.odp.faults.drop).toBe(dropped);
		expect(sandbox.received('odp')).toHaveLength(answered);
	});
});

describe('hanging responses', () => {
	test('hangRate 1 never answers: the client times out, and close() ends the ones still waiting', async () => {
		const sandbox = await startSandbox({ quiet: true, faults: { esputnik: { hangRate: 1 } } });
		try {
			const timedOut = call(sandbox.url + ESPUTNIK_EVENT, { headers: esputnikAuth(), body: fixture('esputnik-order-created.json'), signal: AbortSignal.timeout(300) });
			await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
			const waiting = call(sandbox.url + ESPUTNIK_EVENT, { headers: esputnikAuth(), body: fixture('esputnik-order-created.json') });
			const outcome = waiting.then(
				() => 'answered',
				() => 'failed',
			);
			await seen(sandbox, 'esputnik', 2);
			expect(sandbox.all('esputnik').map((record) => record.fault)).toEqual(['hang', 'hang']);
			expect((await call(`${sandbox.url}/_sandbox/health`)).status).toBe(200);
			await sandbox.close();
			expect(await outcome).toBe('failed');
		} finally {
			await sandbox.close();
		}
	});
});

describe('latency', () => {
	test('latencyMs holds the answer back; the control API is never delayed; close() ends the wait', async () => {
		const sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, faults: { odp: { latencyMs: 60_000 } } });
		try {
			const aborted = call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent(), signal: AbortSignal.timeout(200) });
			await expect(aborted).rejects.toMatchObject({ name: 'TimeoutError' });
			expect((await call(`${sandbox.url}/_sandbox/health`)).status).toBe(200);
			const waiting = call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent() }).then(
				() => 'answered',
				() => 'failed',
			);
			await seen(sandbox, 'odp', 2);
			await sandbox.close();
			expect(await waiting).toBe('failed');
		} finally {
			await sandbox.close();
		}
	});

	test('a short latency still answers normally, no sooner than configured', async () => {
		const sandbox = await open({ odp: { latencyMs: 250 } });
		const started = performance.now();
		const answer = await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent() });
		expect(answer.status).toBe(202);
		expect(performance.now() - started).toBeGreaterThanOrEqual(240);
	});

	test('latency applies to the Algonomy token route, other faults do not', async () => {
		const slow = await open({ algonomy: { latencyMs: 60_000 } });
		await expect(call(slow.url + TOKEN_QUERY, { method: 'POST', signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
		const broken = await open({ algonomy: { dropRate: 0.5, serverErrorRate: 0.5 } });
		const token = await algonomyToken(broken.url);
		expect(token).toEqual(expect.any(String));
		await expect(
			call(`${broken.url}/omnichannel/api/v1/${credentials.algonomy.apiKey}/orders`, {
				method: 'PUT',
				headers: { authorization: `Bearer ${token}` },
				body: fixture('algonomy-order-offline-put.json'),
			}).then((answer) => answer.status, () => 'dropped'),
		).resolves.not.toBe(200);
	});
});

describe('fault configuration', () => {
	test('rejects invalid settings at start, in setFaults and in the control API', async () => {
		await expect(startSandbox({ quiet: true, faults: { odp: { serverErrorRate: 1.5 } } })).rejects.toThrow('between 0 and 1');
		await expect(startSandbox({ quiet: true, faults: { nope: {} } as never })).rejects.toThrow('unknown vendor');
		const sandbox = await open({});
		expect(() => sandbox.setFaults('odp', { serverErrorsRate: 0.1 } as FaultConfig)).toThrow('unknown fault setting');
		expect(() => sandbox.setFaults('odp', { dropRate: 0.6, hangRate: 0.6 })).toThrow('must not exceed 1');
		expect(() => sandbox.setFaults('odp', { latencyMs: -1 })).toThrow('must not be negative');
		expect(() => sandbox.setFaults('algonomy', { tokenExpirySeconds: 0 })).toThrow('positive');
		const answer = await call(`${sandbox.url}/_sandbox/faults`, { body: { vendor: 'odp', hangRate: 'sometimes' } });
		expect(answer.status).toBe(400);
		expect(answer.json.message).toContain('finite number');
		expect(sandbox.faults().odp).toEqual({});
	});

	test('setFaults replaces the settings and restarts the stream; reset() restarts it too', async () => {
		const sandbox = await open({});
		sandbox.setFaults('odp', { seed: 9, serverErrorRate: 0.5 });
		const first = await odpStatuses(sandbox, 30);
		sandbox.setFaults('odp', { seed: 9, serverErrorRate: 0.5 });
		expect(await odpStatuses(sandbox, 30)).toEqual(first);
		sandbox.reset();
		expect(await odpStatuses(sandbox, 30)).toEqual(first);
		expect(sandbox.faults().odp).toEqual({ seed: 9, serverErrorRate: 0.5 });
		sandbox.setFaults('odp', {});
		expect(await odpStatuses(sandbox, 30)).toEqual(Array(30).fill(202));
	});

	test('the control API sets faults like setFaults', async () => {
		const sandbox = await open({});
		const answer = await call(`${sandbox.url}/_sandbox/faults`, { body: { vendor: 'odp', seed: 3, serverErrorRate: 1 } });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ vendor: 'odp', faults: { seed: 3, serverErrorRate: 1 } });
		expect((await call(sandbox.url + EVENTS, { headers: odpHeaders(), body: odpEvent() })).status).toBeGreaterThanOrEqual(500);
		expect((await call(`${sandbox.url}/_sandbox/faults`)).json.odp).toEqual({ seed: 3, serverErrorRate: 1 });
		const unknownVendor = await call(`${sandbox.url}/_sandbox/faults`, { body: { vendor: 'shopify', dropRate: 1 } });
		expect(unknownVendor.status).toBe(400);
	});

	test('the control API is never faulted', async () => {
		const sandbox = await open({
			optimizely: { dropRate: 1 },
			algonomy: { hangRate: 1 },
			esputnik: { serverErrorRate: 1 },
			odp: { rateLimitRate: 1 },
		});
		for (const path of ['health', 'received', 'all', 'stats', 'faults']) {
			expect((await call(`${sandbox.url}/_sandbox/${path}`)).status).toBe(200);
		}
		expect((await call(`${sandbox.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(200);
	});
});
