import { AlgonomyOAuth2Api } from '../../credentials/AlgonomyOAuth2Api.credentials';
import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { testCredential } from '../helpers/engine';
import { erpRows, mainOutput, runVendorNode, sandboxCredentials } from './support';

describe('Algonomy node in the n8n engine, against the sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults('algonomy', {});
	});

	it('imports orders in POST batches, fetching the token once and reusing it', async () => {
		const credential = sandboxCredentials(sandbox).algonomy;
		const rows = erpRows(7, 2);
		const result = await runVendorNode({
			node: 'algonomy',
			credential,
			items: rows,
			parameters: { mode: 'online', sendAs: 'batch', orderSource: 'flatRows', options: { batchSize: 3 } },
		});
		expect(result.status).toBe('success');
		const orders = sandbox.received('algonomy').filter((r) => r.operation !== 'token');
		expect(orders.map((r) => [r.method, (r.body as unknown[]).length, r.query.mode])).toEqual([
			['POST', 3, 'online'],
			['POST', 3, 'online'],
			['PUT', undefined, 'online'],
		].map(([m, n, q]) => [m, n === undefined ? undefined : n, q]));
		expect(sandbox.tokensIssued()).toBe(1);
		expect(result.credentialUpdates).toBe(1);
		expect(credential.data.accessToken).not.toBe('');
		expect(mainOutput(result).every((o) => o.status === 'sent')).toBe(true);

		// A second run reuses the stored token.
		sandbox.reset();
		const again = await runVendorNode({
			node: 'algonomy',
			credential,
			items: erpRows(2, 1),
			parameters: { mode: 'offline', sendAs: 'single', orderSource: 'flatRows', options: {} },
		});
		expect(again.status).toBe('success');
		expect(sandbox.tokensIssued()).toBe(0);
		expect(sandbox.received('algonomy').map((r) => r.method)).toEqual(['PUT', 'PUT']);
	});

	it('never sends a plain email: only its SHA-256 as emailHash', async () => {
		const result = await runVendorNode({
			node: 'algonomy',
			credential: sandboxCredentials(sandbox).algonomy,
			items: erpRows(3, 1),
			parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		const bodies = JSON.stringify(sandbox.all('algonomy').map((r) => r.body));
		expect(bodies).not.toMatch(/@/);
		const first = (sandbox.received('algonomy').find((r) => r.operation === 'importOrders')?.body as Array<{ emailHash: string }>)[0];
		expect(first.emailHash).toMatch(/^[0-9a-f]{64}$/);
	});

	it('renews an expired token on 401 without losing the request', async () => {
		sandbox.setFaults('algonomy', { tokenExpirySeconds: 1 });
		const credential = sandboxCredentials(sandbox).algonomy;
		const first = await runVendorNode({
			node: 'algonomy', credential, items: erpRows(1, 1, 1),
			parameters: { mode: 'offline', sendAs: 'single', orderSource: 'flatRows', options: {} },
		});
		expect(first.status).toBe('success');
		await new Promise((resolve) => setTimeout(resolve, 1200));
		const second = await runVendorNode({
			node: 'algonomy', credential, items: erpRows(1, 1, 2),
			parameters: { mode: 'offline', sendAs: 'single', orderSource: 'flatRows', options: {} },
		});
		expect(second.status).toBe('success');
		expect(sandbox.tokensIssued()).toBe(2);
		const statuses = sandbox.all('algonomy').filter((r) => r.operation === 'importOrder').map((r) => r.status);
		expect(statuses).toEqual([200, 401, 200]);
		expect(mainOutput(second)[0].status).toBe('sent');
	});

	it('puts an order whose id is not a whole number on the error output', async () => {
		const rows = erpRows(2, 1);
		rows[0] = { ...rows[0], order_id: 'A-17' };
		const result = await runVendorNode({
			node: 'algonomy',
			credential: sandboxCredentials(sandbox).algonomy,
			items: rows,
			onError: 'continueErrorOutput',
			parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		const errors = result.outputs('Vendor')[1].map((i) => i.json);
		expect(errors).toHaveLength(1);
		expect(String(errors[0].error)).toMatch(/^id/);
		expect(result.outputs('Vendor')[1][0].pairedItem).toEqual({ item: 0 });
		expect(mainOutput(result).map((o) => o.orderId)).toEqual([rows[1].order_id]);
	});

	it('credential test passes with the right client and fails with a wrong secret', async () => {
		const data = sandboxCredentials(sandbox).algonomy.data;
		expect((await testCredential(AlgonomyOAuth2Api, { ...data })).status).toBe('OK');
		expect((await testCredential(AlgonomyOAuth2Api, { ...data, clientSecret: 'nope' })).status).toBe('Error');
	});

	it('refuses to fetch a token over plain http from a non-loopback host', async () => {
		const data = { ...sandboxCredentials(sandbox).algonomy.data, baseUrl: 'http://example.com' };
		const outcome = await testCredential(AlgonomyOAuth2Api, data);
		expect(outcome.status).toBe('Error');
		expect(sandbox.all()).toHaveLength(0);
	});
});
