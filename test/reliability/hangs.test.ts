/**
 * A vendor that never answers: each request gives up after the node's Timeout option, is retried
 * (except ODP refunds: a request that timed out may have been applied), the failure names the
 * timeout, and the execution ends. Items whose requests get answers are still sent in the same run.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { startTestServer } from '../helpers/http-test-server';
import type { TestServer } from '../helpers/http-test-server';
import { erpRows, sandboxCredentials } from '../nodes/support';
import { acceptance, outputsOf, pairingFigures, printTable, runNode } from './support';

describe('hangs: a vendor that never answers', () => {
	let sandbox: Sandbox;
	const figures: Array<Record<string, string | number>> = [];

	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0 });
	});
	afterAll(async () => {
		await sandbox?.close();
		printTable('Hangs: vendor never answers (sandbox hang fault)', figures);
	});
	beforeEach(() => {
		sandbox.reset();
		for (const vendor of ['optimizely', 'algonomy', 'esputnik', 'odp'] as const) sandbox.setFaults(vendor, {});
	});

	it('every request hangs: each order fails after its tries with a message naming the timeout; the run ends', async () => {
		sandbox.setFaults('optimizely', { hangRate: 1 });
		const items = erpRows(3, 1);
		const result = await runNode({
			node: 'optimizelyRecs',
			credential: sandboxCredentials(sandbox).optimizelyRecs,
			items,
			onError: 'continueErrorOutput',
			timeoutMs: 30_000,
			parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows', options: { timeoutMs: 500, maxTries: 3, retryDelayMs: 5, concurrency: 3 } },
		});
		expect(result.status).toBe('success');
		const { main, error } = outputsOf(result);
		expect(main).toHaveLength(0);
		expect(error).toHaveLength(3);
		for (const item of error) {
			expect(item.json.error).toBe('no answer within 500 ms, after 3 attempts');
			expect((item.json.details as IDataObject).attempts).toBe(3);
		}
		const records = sandbox.all('optimizely');
		expect(records).toHaveLength(9);
		expect(records.every((record) => record.fault === 'hang' && !record.accepted)).toBe(true);
		figures.push({
			scenario: 'hangRate 1, continue on error',
			'orders': 3,
			'timeout / maxTries': '500 ms / 3',
			requests: records.length,
			'hung': records.length,
			sent: main.length,
			failed: error.length,
			message: String(error[0].json.error),
		});
	});

	it('every request hangs, stop on error: the run fails with the timeout in its message and ends', async () => {
		sandbox.setFaults('optimizely', { hangRate: 1 });
		const result = await runNode({
			node: 'optimizelyRecs',
			credential: sandboxCredentials(sandbox).optimizelyRecs,
			items: erpRows(2, 1),
			timeoutMs: 30_000,
			parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows', options: { timeoutMs: 500, maxTries: 2, retryDelayMs: 5, concurrency: 2 } },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Order "1000" was not accepted: no answer within 500 ms, after 2 attempts');
		expect(result.error?.itemIndex).toBe(0);
		figures.push({
			scenario: 'hangRate 1, stop on error',
			'orders': 2,
			'timeout / maxTries': '500 ms / 2',
			requests: sandbox.all('optimizely').length,
			'hung': sandbox.all('optimizely').filter((record) => record.fault === 'hang').length,
			sent: 0,
			failed: 'run failed',
			message: String(result.error?.message),
		});
	});

	it('30% of requests hang (seeded): the others are sent in the same run, the stuck ones fail naming the timeout', async () => {
		// One lane: the seeded fault stream then meets the requests in a fixed order, so the outcome is reproducible.
		sandbox.setFaults('optimizely', { seed: 5, hangRate: 0.3 });
		const items = erpRows(30, 2);
		const result = await runNode({
			node: 'optimizelyRecs',
			credential: sandboxCredentials(sandbox).optimizelyRecs,
			items,
			onError: 'continueErrorOutput',
			timeoutMs: 60_000,
			parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows', options: { timeoutMs: 200, maxTries: 2, retryDelayMs: 5, concurrency: 1 } },
		});
		expect(result.status).toBe('success');
		const pairing = pairingFigures(result, items.length);
		expect(pairing.missing).toBe(0);
		expect(pairing.repeated).toBe(0);
		const { main, error } = outputsOf(result);
		const accepted = acceptance(sandbox.received('optimizely'));
		const sentIds = new Set(main.map((item) => String(item.json.orderId)));
		const failedIds = new Set(error.map((item) => String((item.json.details as IDataObject).orderId)));
		expect(sentIds.size).toBeGreaterThan(0);
		expect(failedIds.size).toBeGreaterThan(0);
		expect(sentIds.size + failedIds.size).toBe(30);
		expect([...accepted.ids.keys()].sort()).toEqual([...sentIds].sort());
		expect(error.every((item) => item.json.error === 'no answer within 200 ms, after 2 attempts')).toBe(true);
		const records = sandbox.all('optimizely');
		figures.push({
			scenario: 'hangRate 0.3 (seed 5), continue on error',
			'orders': '30 (60 rows)',
			'timeout / maxTries': '200 ms / 2',
			requests: records.length,
			'hung': records.filter((record) => record.fault === 'hang').length,
			sent: sentIds.size,
			failed: failedIds.size,
			message: String(error[0].json.error),
		});
	});

	it('an ODP refund whose request hangs is not retried: it may have been applied', async () => {
		sandbox.setFaults('odp', { hangRate: 1 });
		const result = await runNode({
			node: 'optimizelyDataPlatform',
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items: erpRows(4, 1),
			onError: 'continueErrorOutput',
			timeoutMs: 30_000,
			parameters: { operation: 'sendOrderEvent', eventAction: 'refund', orderSource: 'flatRows', options: { timeoutMs: 300, maxTries: 5, retryDelayMs: 5, batchSize: 2 } },
		});
		expect(result.status).toBe('success');
		const { error } = outputsOf(result);
		expect(error).toHaveLength(4);
		for (const item of error) {
			expect(item.json.error).toBe(
				'no answer within 300 ms; not retried because the vendor may already have applied this request and it must not be applied twice',
			);
			expect((item.json.details as IDataObject).attempts).toBe(1);
		}
		expect(sandbox.all('odp')).toHaveLength(2);
		figures.push({
			scenario: 'ODP refunds, hangRate 1',
			'orders': '4 (batches of 2)',
			'timeout / maxTries': '300 ms / 5',
			requests: 2,
			'hung': 2,
			sent: 0,
			failed: error.length,
			message: String(error[0].json.error),
		});
	});

	describe('Algonomy token endpoint that never answers', () => {
		let tokenServer: TestServer;
		beforeAll(async () => {
			tokenServer = await startTestServer(async (request) => {
				if (request.path.endsWith('/oauth2/token')) await new Promise(() => undefined);
				return { status: 200, body: { status: 'success' } };
			});
		});
		afterAll(async () => await tokenServer.close());

		// Found here first: the token request had no timeout, so n8n's axios default (300 s) held the run.
		// preAuthentication now gives up after 10 s (credentials/AlgonomyOAuth2Api.credentials.ts); the
		// node's own Timeout option does not reach the token request.
		it('the token endpoint hangs: the run still ends, the item fails naming the timeout', async () => {
			const credential = {
				type: 'algonomyOAuth2Api',
				name: 'Algonomy hanging token',
				data: { environment: 'custom', baseUrl: tokenServer.url, clientId: 'c', clientSecret: 's-secret', apiKey: 'k-key', accessToken: '' },
			};
			const result = await runNode({
				node: 'algonomy',
				credential,
				items: erpRows(1, 1),
				onError: 'continueErrorOutput',
				timeoutMs: 20_000,
				parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows', options: { timeoutMs: 500, maxTries: 1 } },
			});
			expect(result.status).toBe('success');
			const { error } = outputsOf(result);
			expect(error).toHaveLength(1);
			expect(String(error[0].json.error)).toMatch(/no answer within|timeout|timed out/i);
			figures.push({
				scenario: 'Algonomy token endpoint never answers',
				'orders': 1,
				'timeout / maxTries': '500 ms / 1 (token: 10 s)',
				requests: tokenServer.requests.length,
				'hung': tokenServer.requests.filter((request) => request.path.endsWith('/oauth2/token')).length,
				sent: 0,
				failed: error.length,
				message: String(error[0].json.error),
			});
		}, 30_000);
	});
});
