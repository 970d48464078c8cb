import { ODP_DEFAULT_IDENTIFIERS, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { OptimizelyDataPlatformApi } from '../../credentials/OptimizelyDataPlatformApi.credentials';
import { installEngineDedupStore } from '../helpers/dedup-store';
import type { MemoryDedupStore } from '../helpers/dedup-store';
import { testCredential } from '../helpers/engine';
import { errorOutput, erpRows, mainOutput, runVendorNode, sandboxCredentials } from './support';

/** ODP versions 1 and 1.1 send customer_id: an account where that identifier was created (a fresh one refuses it). */
const ODP_WITH_CUSTOMER_ID = [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'];

describe('Optimizely Data Platform node in the n8n engine, against the sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, odp: { identifiers: ODP_WITH_CUSTOMER_ID } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	const credential = () => sandboxCredentials(sandbox).optimizelyDataPlatform;

	it('groups interleaved ERP rows into orders and sends them in batches of the chosen size', async () => {
		const rows = erpRows(25, 3);
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: credential(),
			items: rows,
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options: { batchSize: 10 } },
		});
		expect(result.status).toBe('success');
		const requests = sandbox.received('odp');
		expect(requests.map((r) => (r.body as unknown[]).length)).toEqual([10, 10, 5]);
		const events = requests.flatMap((r) => r.body as Array<{ data: { order: { order_id: string; items: unknown[] } } }>);
		expect(new Set(events.map((e) => e.data.order.order_id)).size).toBe(25);
		expect(events.every((e) => e.data.order.items.length === 3)).toBe(true);
		expect(requests[0].headers['x-api-key']).toBe('[redacted]');

		const output = result.outputs('Vendor')[0];
		expect(output).toHaveLength(rows.length);
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.status).toBe('sent');
			expect(item.json.orderId).toBe(rows[index].order_id);
			expect(item.json.itemsInOrder).toBe(3);
		});
	});

	it('skips a repeated refund event (same order, action and amount) from separate items', async () => {
		const order = {
			id: '91', dateTime: '2026-11-21T10:00:00Z', status: 'refunded', currency: 'EUR', total: 12.5, subtotal: 12.5,
			customer: { email: 'x@y.example' }, lines: [{ productId: '5', quantity: 1, unitPrice: 12.5 }],
		};
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: credential(),
			items: [order, { ...order, id: '92' }, order],
			parameters: { operation: 'sendOrderEvent', eventAction: 'refund', orderSource: 'canonical', options: {} },
		});
		expect(result.status).toBe('success');
		const sent = sandbox.received('odp').flatMap((r) => r.body as Array<{ data: { order: { order_id: string } } }>);
		expect(sent.map((e) => e.data.order.order_id).sort()).toEqual(['91', '92']);
		const output = mainOutput(result);
		expect(output.map((o) => o.status)).toEqual(['sent', 'sent', 'skipped']);
		expect(String(output[2].message)).toContain('input item 0');
	});

	it('honours Retry-After on 429 and still delivers every order', async () => {
		sandbox.setFaults('odp', { seed: 7, rateLimitRate: 0.5, retryAfterSeconds: 1 });
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: credential(),
			items: erpRows(12, 1),
			parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows', options: { batchSize: 2, concurrency: 1, retryDelayMs: 10 } },
		});
		sandbox.setFaults('odp', {});
		expect(result.status).toBe('success');
		const all = sandbox.all('odp');
		const limited = all.filter((r) => r.status === 429);
		expect(limited.length).toBeGreaterThan(0);
		// With one lane, the request after a 429 is its retry: it must wait the 1 s the vendor asked for.
		for (const refused of limited) {
			const next = all.find((r) => r.seq > refused.seq);
			if (next) expect(Date.parse(next.at) - Date.parse(refused.at)).toBeGreaterThanOrEqual(950);
		}
		const records = sandbox.received('odp').flatMap((r) => r.body as Array<{ order_id: string }>);
		expect(records).toHaveLength(12);
		expect(mainOutput(result).every((o) => o.status === 'sent')).toBe(true);
	});

	it('routes an unreadable row to the error output with its field path and sends the good ones', async () => {
		const rows = erpRows(3, 1);
		rows[1] = { ...rows[1], quantity: 'two' };
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: credential(),
			items: rows,
			onError: 'continueErrorOutput',
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		expect(mainOutput(result).map((o) => o.orderId)).toEqual([rows[0].order_id, rows[2].order_id]);
		const errors = errorOutput(result);
		expect(errors).toHaveLength(1);
		expect(String(errors[0].error)).toMatch(/quantity/);
		const sent = sandbox.received('odp').flatMap((r) => r.body as Array<{ data: { order: { order_id: string } } }>);
		expect(sent.map((e) => e.data.order.order_id)).toEqual([rows[0].order_id, rows[2].order_id]);
	});

	it('stops with the item index and sends nothing when a row is bad and errors are not continued', async () => {
		const rows = erpRows(2, 1);
		rows[1] = { ...rows[1], order_date: '2026-02-30T10:00:00Z' };
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: credential(),
			items: rows,
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('error');
		expect(result.error?.itemIndex).toBe(1);
		expect(sandbox.all('odp')).toHaveLength(0);
	});

	it('dry run outputs the exact payloads and sends nothing', async () => {
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			items: erpRows(2, 2),
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options: { dryRun: true } },
		});
		expect(result.status).toBe('success');
		expect(sandbox.all()).toHaveLength(0);
		const output = mainOutput(result);
		expect(output.every((o) => o.status === 'dryRun')).toBe(true);
		expect((output[0].payload as { type: string }).type).toBe('order');
	});

	it('refuses a plain-http custom URL that is not loopback, before sending anything', async () => {
		const unsafe = credential();
		unsafe.data.baseUrl = 'http://example.com/v3';
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: unsafe,
			items: erpRows(1, 1),
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/only https is allowed/);
	});

	it('credential test passes with the right key and fails with a wrong one', async () => {
		const good = await testCredential(OptimizelyDataPlatformApi, credential().data);
		expect(good.status).toBe('OK');
		const bad = await testCredential(OptimizelyDataPlatformApi, { ...credential().data, apiKey: 'wrong-key' });
		expect(bad.status).toBe('Error');
	});

	it('version 1.2 waits out 429s without counting them as tries; version 1.1 counts them (Max Tries)', async () => {
		// 70% of requests refused with Retry-After 0.1 s; one try allowed for anything else.
		const run = (typeVersion: number) =>
			runVendorNode({
				node: 'optimizelyDataPlatform',
				typeVersion,
				credential: credential(),
				items: erpRows(6, 1),
				onError: 'continueErrorOutput',
				parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows', options: { batchSize: 1, concurrency: 1, maxTries: 1 } },
			});
		sandbox.setFaults('odp', { seed: 11, rateLimitRate: 0.7, retryAfterSeconds: 0.1 });
		const patient = await run(1.2);
		expect(mainOutput(patient).map((item) => item.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'sent']);
		expect(sandbox.all('odp').filter((r) => r.status === 429).length).toBeGreaterThan(0);
		const attempts = mainOutput(patient).map((item) => Number(item.attempts));
		expect(Math.max(...attempts)).toBeGreaterThan(1); // the output counts every request made

		sandbox.reset();
		sandbox.setFaults('odp', { seed: 11, rateLimitRate: 0.7, retryAfterSeconds: 0.1 });
		const counting = await run(1.1);
		sandbox.setFaults('odp', {});
		expect(errorOutput(counting).length).toBeGreaterThan(0);
	});
});

describe('ODP identifiers that exist in the account (issue 15)', () => {
	let fresh: Sandbox;
	let store: MemoryDedupStore;
	beforeAll(async () => {
		store = await installEngineDedupStore();
		// Like a fresh ODP account: email, phone, vuid and zaius_id only.
		fresh = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0 });
	});
	afterAll(async () => await fresh.close());
	beforeEach(() => {
		fresh.reset();
		store.reset();
	});
	const credential = () => sandboxCredentials(fresh).optimizelyDataPlatform;
	const purchase = (typeVersion: number, extra: Record<string, unknown> = {}, items = erpRows(2, 1)) =>
		runVendorNode({
			node: 'optimizelyDataPlatform',
			typeVersion,
			credential: credential(),
			items,
			onError: 'continueRegularOutput',
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options: {}, ...extra },
		});

	it('1.2 with the default settings: a purchase on a fresh account is accepted (e-mail and phone only)', async () => {
		const result = await purchase(1.2);
		expect(result.status).toBe('success');
		expect(mainOutput(result).map((o) => o.status)).toEqual(['sent', 'sent']);
		const [event] = fresh.received('odp').flatMap((r) => r.body as Array<{ identifiers: Record<string, string> }>);
		expect(event.identifiers).toEqual({ email: 'Customer.1000@Example.com', phone: '+380501234567' });
	});

	it('1.1 still sends customer_id, which a fresh account refuses like ODP', async () => {
		const result = await purchase(1.1);
		expect(fresh.received('odp')).toHaveLength(0);
		const refused = fresh.all('odp')[0];
		expect(refused.status).toBe(400);
		expect(String(mainOutput(result)[0].error)).toContain('customer_id is not an identifier of this account');
	});

	it('1.2: the customer ID goes under the custom identifier named, vuid from its field, only what is chosen', async () => {
		const custom = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, odp: { identifiers: [...ODP_DEFAULT_IDENTIFIERS, 'shop_customer_id'] } });
		try {
			const result = await runVendorNode({
				node: 'optimizelyDataPlatform',
				typeVersion: 1.2,
				credential: sandboxCredentials(custom).optimizelyDataPlatform,
				items: erpRows(1, 1).map((row) => ({ ...row, visitor: 'vuid-abc' })),
				parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', identifiers: ['email', 'vuid'], vuid: '={{ $json.visitor }}', customerIdField: 'shop_customer_id', options: {} },
			});
			expect(result.status).toBe('success');
			const [event] = custom.received('odp').flatMap((r) => r.body as Array<{ identifiers: Record<string, string> }>);
			expect(event.identifiers).toEqual({ email: 'Customer.1000@Example.com', vuid: 'vuid-abc', shop_customer_id: 'cust-1000' });
			// The orders object takes the same choice: no phone field, vuid and the custom identifier.
			const objects = await runVendorNode({
				node: 'optimizelyDataPlatform',
				typeVersion: 1.2,
				credential: sandboxCredentials(custom).optimizelyDataPlatform,
				items: erpRows(1, 1).map((row) => ({ ...row, visitor: 'vuid-abc' })),
				parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows', identifiers: ['email', 'vuid'], vuid: '={{ $json.visitor }}', customerIdField: 'shop_customer_id', options: {} },
			});
			expect(objects.status).toBe('success');
			const record = custom.received('odp').filter((r) => r.operation === 'ordersObject').flatMap((r) => r.body as Array<Record<string, unknown>>)[0];
			expect(record.phone).toBeUndefined();
			expect(record).toMatchObject({ email: 'Customer.1000@Example.com', vuid: 'vuid-abc', shop_customer_id: 'cust-1000' });
		} finally {
			await custom.close();
		}
	});

	it('1.2: an order with none of the chosen identifiers fails before sending', async () => {
		const result = await purchase(1.2, { identifiers: ['phone'] }, erpRows(1, 1).map((row) => ({ ...row, phone: '' })));
		expect(String(mainOutput(result)[0].error)).toContain('has none of the identifiers chosen (phone)');
		expect(fresh.all('odp')).toHaveLength(0);
	});

	it('upsert order object with the 1.2 defaults is accepted on a fresh account; a field the account lacks is refused', async () => {
		const ok = await runVendorNode({ node: 'optimizelyDataPlatform', typeVersion: 1.2, credential: credential(), items: erpRows(1, 1), parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows', options: {} } });
		expect(ok.status).toBe('success');
		const refused = await runVendorNode({
			node: 'optimizelyDataPlatform',
			typeVersion: 1.2,
			credential: credential(),
			items: erpRows(1, 1),
			onError: 'continueRegularOutput',
			parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows', customerIdField: 'crm_id', options: {} },
		});
		expect(String(mainOutput(refused)[0].error)).toContain('crm_id is not a field of the orders object nor an identifier of this account');
	});
});
