import { OptimizelyRecsApi } from '../../credentials/OptimizelyRecsApi.credentials';
import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { testCredential } from '../helpers/engine';
import { erpRows, errorOutput, mainOutput, runVendorNode, sandboxCredentials } from './support';

describe('Optimizely Product Recommendations node in the n8n engine, against the sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	it('tracks one order per request with the auth headers, in parallel lanes', async () => {
		const rows = erpRows(6, 2);
		const result = await runVendorNode({
			node: 'optimizelyRecs',
			credential: sandboxCredentials(sandbox).optimizelyRecs,
			items: rows,
			parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows', options: { concurrency: 3 } },
		});
		expect(result.status).toBe('success');
		const received = sandbox.received('optimizely');
		expect(received).toHaveLength(6);
		expect(received[0].headers.site).toBe('demo-site');
		expect(received[0].headers.channel).toBe('store');
		expect(received[0].headers.sitetoken).toBe('[redacted]');
		const body = received[0].body as { order: { orderDate: string; items: unknown[] } };
		expect(body.order.orderDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d GMT$/);
		expect(body.order.items).toHaveLength(2);
		expect(mainOutput(result)).toHaveLength(12);
	});

	it('treats a 200 with status "fail" as a failure of that order', async () => {
		const result = await runVendorNode({
			node: 'optimizelyRecs',
			credential: { ...sandboxCredentials(sandbox).optimizelyRecs, data: { ...sandboxCredentials(sandbox).optimizelyRecs.data, channel: 'tv' } },
			items: [{ refCode: 'does-not-exist' }],
			onError: 'continueErrorOutput',
			parameters: { operation: 'cancelOfflineOrder', refCode: '={{ $json.refCode }}', options: {} },
		});
		expect(result.status).toBe('success');
		const errors = errorOutput(result);
		expect(errors).toHaveLength(1);
		expect(String(errors[0].error)).toMatch(/HTTP \d{3}/);
	});

	it('cancels an order it tracked', async () => {
		const credential = sandboxCredentials(sandbox).optimizelyRecs;
		await runVendorNode({
			node: 'optimizelyRecs', credential, items: erpRows(1, 1, 4242),
			parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows', options: {} },
		});
		const result = await runVendorNode({
			node: 'optimizelyRecs', credential, items: [{ order_id: '4242' }],
			parameters: { operation: 'cancelOfflineOrder', refCode: '={{ $json.order_id }}', options: {} },
		});
		expect(result.status).toBe('success');
		const cancel = sandbox.received('optimizely').find((r) => r.method === 'DELETE');
		expect(cancel?.path).toBe('/smart-api/orders/offline/4242');
		expect(mainOutput(result)[0].status).toBe('sent');
	});

	it('credential test passes with the right token and fails with a wrong one', async () => {
		const data = sandboxCredentials(sandbox).optimizelyRecs.data;
		expect((await testCredential(OptimizelyRecsApi, { ...data })).status).toBe('OK');
		expect((await testCredential(OptimizelyRecsApi, { ...data, siteToken: 'wrong' })).status).toBe('Error');
	});
});
