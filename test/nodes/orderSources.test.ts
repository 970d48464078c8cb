import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseCsv } from '../../mapping';
import { ODP_DEFAULT_IDENTIFIERS, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { mainOutput, runVendorNode, sandboxCredentials } from './support';

/** ODP versions 1 and 1.1 send customer_id: an account where that identifier was created (a fresh one refuses it). */
const ODP_WITH_CUSTOMER_ID = [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'];

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'mapping', name), 'utf8');

/** Each order source a user can pick, end to end through one node (ODP objects keep the assertions short). */
describe('order sources in the nodes', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, odp: { identifiers: ODP_WITH_CUSTOMER_ID } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	const sentRecords = () => sandbox.received('odp').flatMap((r) => r.body as Array<Record<string, unknown>>);

	it('Shopify order webhook bodies, as the Webhook node outputs them ({ body })', async () => {
		const body = JSON.parse(fixture('shopify-orders-create.json'));
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items: [{ headers: { 'x-shopify-topic': 'orders/create' }, body }],
			parameters: { operation: 'upsertOrderObject', orderSource: 'shopify', options: {} },
		});
		expect(result.status).toBe('success');
		expect(sentRecords()).toHaveLength(1);
		expect(String(sentRecords()[0].order_id)).toBe(String(mainOutput(result)[0].orderId));
	});

	it('WooCommerce order webhook bodies', async () => {
		const body = JSON.parse(fixture('woocommerce-order-created.json'));
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items: [body],
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'wooCommerce', options: {} },
		});
		expect(result.status).toBe('success');
		const events = sandbox.received('odp').flatMap((r) => r.body as Array<{ data: { order: { order_id: string } } }>);
		expect(events[0].data.order.order_id).toBe(String(body.id));
	});

	it('a CSV export parsed into rows (as Extract From File gives them)', async () => {
		const rows = parseCsv(fixture('orders-export.csv'));
		const orderIds = [...new Set(rows.map((row) => row.order_id))];
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items: rows,
			onError: 'continueErrorOutput',
			parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		const outputs = [...result.outputs('Vendor')[0], ...(result.outputs('Vendor')[1] ?? [])];
		expect(outputs).toHaveLength(rows.length);
		expect(sentRecords().length + new Set((result.outputs('Vendor')[1] ?? []).map((i) => i.json.orderId)).size).toBeLessThanOrEqual(orderIds.length);
	});

	it('fields defined in the node with expressions', async () => {
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items: [
				{ ref: 'W-1', when: 1763820000, mail: 'a@shop.example', amount: '19.90', cart: [{ productId: 'P1', quantity: 2, unitPrice: 9.95 }] },
			],
			parameters: {
				operation: 'upsertOrderObject',
				orderSource: 'fields',
				orderId: '={{ $json.ref }}',
				orderDate: '={{ $json.when }}',
				lines: '={{ $json.cart }}',
				orderFields: { email: '={{ $json.mail }}', total: '={{ $json.amount }}', currency: 'EUR' },
				options: {},
			},
		});
		expect(result.status).toBe('success');
		expect(sentRecords()).toEqual([expect.objectContaining({ order_id: 'W-1', email: 'a@shop.example', total: 19.9 })]);
	});
});
