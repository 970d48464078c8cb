import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

import { mainOutput, runVendorNode } from './support';

/** Issue 12, node side: the Shopify Currency parsing option, through n8n's engine (dry run: the payload is output). */
describe('Shopify Currency option', () => {
	const body = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'webhooks', 'shopify-orders-create-taxes-excluded.json'), 'utf8')) as IDataObject;

	async function payload(parsing: IDataObject): Promise<{ order: { currency: string; subtotal: number; total: number } }> {
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			items: [{ body }],
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'shopify', parsing, options: { dryRun: true } },
		});
		expect(result.status).toBe('success');
		const [item] = mainOutput(result);
		expect(item.status).toBe('dryRun');
		return (item.payload as unknown as { data: { order: { currency: string; subtotal: number; total: number } } }).data;
	}

	it('sends shop money by default and presentment money when chosen', async () => {
		// shop USD: 179.10 + 45.00 = 224.10, total 247.03 (see test/mapping/webhook-semantics.test.ts)
		expect((await payload({})).order).toMatchObject({ subtotal: 224.1, total: 247.03 });
		// presentment EUR: 163.80 + 41.22 = 205.02, total 205.02 + 4.58 + 16.40 = 226.00
		expect((await payload({ shopifyCurrency: 'presentment' })).order).toMatchObject({ subtotal: 205.02, total: 226 });
	});
});
