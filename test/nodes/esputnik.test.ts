import { EsputnikApi } from '../../credentials/EsputnikApi.credentials';
import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { testCredential } from '../helpers/engine';
import { erpRows, mainOutput, runVendorNode, sandboxCredentials } from './support';

describe('eSputnik node in the n8n engine, against the sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	it('sends orderCreated events with string params and the chosen contact identifier', async () => {
		const result = await runVendorNode({
			node: 'esputnik',
			credential: sandboxCredentials(sandbox).esputnik,
			items: erpRows(3, 2),
			parameters: { operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'phone', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		const events = sandbox.received('esputnik');
		expect(events).toHaveLength(3);
		const body = events[0].body as { eventTypeKey: string; keyValue: string; params: Array<{ name: string; value: unknown }> };
		expect(body.eventTypeKey).toBe('orderCreated');
		expect(body.keyValue).toBe('+380501234567');
		expect(body.params.every((p) => typeof p.value === 'string')).toBe(true);
		const items = JSON.parse(String(body.params.find((p) => p.name === 'items')?.value));
		expect(items).toHaveLength(2);
		expect(events[0].headers.authorization).toBe('[redacted]');
	});

	it('adds orders in bulk, at most the batch size per request', async () => {
		const result = await runVendorNode({
			node: 'esputnik',
			credential: sandboxCredentials(sandbox).esputnik,
			items: erpRows(5, 1),
			parameters: { operation: 'addOrders', orderSource: 'flatRows', options: { batchSize: 2 } },
		});
		expect(result.status).toBe('success');
		expect(sandbox.received('esputnik').map((r) => (r.body as { orders: unknown[] }).orders.length)).toEqual([2, 2, 1]);
		expect(mainOutput(result).every((o) => o.status === 'sent')).toBe(true);
	});

	it('sends a productViewed site event', async () => {
		const result = await runVendorNode({
			node: 'esputnik',
			credential: sandboxCredentials(sandbox).esputnik,
			items: [{ email: 'example@email.com', sku: 'WS01-L-Green' }],
			parameters: { resource: 'siteEvent', operation: 'sendSiteEvent', siteEventType: 'productViewed', email: '={{ $json.email }}', productId: '={{ $json.sku }}', price: 45.5, currencyCode: 'USD', options: {} },
		});
		expect(result.status).toBe('success');
		const body = sandbox.received('esputnik')[0].body as { eventTypeKey: string; params: Array<{ name: string; value: string }> };
		expect(body.eventTypeKey).toBe('productViewed');
		const product = JSON.parse(body.params.find((p) => p.name === 'product')?.value ?? '{}');
		expect(product.productId).toBe('WS01-L-Green');
	});

	it('credential test passes with the right key and fails with a wrong one', async () => {
		const data = sandboxCredentials(sandbox).esputnik.data;
		expect((await testCredential(EsputnikApi, { ...data })).status).toBe('OK');
		expect((await testCredential(EsputnikApi, { ...data, apiKey: 'wrong' })).status).toBe('Error');
	});
});
