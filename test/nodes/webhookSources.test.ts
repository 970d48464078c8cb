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

/** Issue 12: eSputnik `date` (no offset) follows one rule in node v1.1: the wall-clock time in Time Zone, default UTC. */
describe('eSputnik date: one rule for every source (v1.1)', () => {
	const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'webhooks', name), 'utf8')) as IDataObject;
	// Shopify: processed_at 2025-03-10T11:20:00-04:00 = 15:20 UTC. WooCommerce: date_created_gmt 2025-03-10T15:28:02 (UTC).
	const sources: Array<[string, IDataObject, string, string]> = [
		['shopify', fixture('shopify-orders-create-taxes-excluded.json'), '2025-03-10T15:20:00', '2025-03-10T16:20:00'],
		['wooCommerce', fixture('woocommerce-order-coupon-prices-exclude-tax.json'), '2025-03-10T15:28:02', '2025-03-10T16:28:02'],
	];

	async function date(orderSource: string, body: IDataObject, parsing: IDataObject, typeVersion?: number): Promise<string> {
		const result = await runVendorNode({
			node: 'esputnik',
			typeVersion,
			items: [{ body }],
			parameters: { operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email', orderSource, parsing, options: { dryRun: true } },
		});
		expect(result.status).toBe('success');
		const [item] = mainOutput(result);
		const params = (item.payload as unknown as { params: Array<{ name: string; value: string }> }).params;
		return params.find((param) => param.name === 'date')?.value ?? '';
	}

	it.each(sources)('%s: UTC by default, Time Zone when set (Berlin is UTC+1 in March)', async (orderSource, body, utc, berlin) => {
		expect((await date(orderSource, body, {}, 1.1)).startsWith(utc)).toBe(true);
		expect((await date(orderSource, body, { timeZone: 'Europe/Berlin' }, 1.1)).startsWith(berlin)).toBe(true);
	});

	it('v1 keeps the order\'s own offset (Shopify: the shop\'s 11:20)', async () => {
		expect((await date('shopify', sources[0][1], {})).startsWith('2025-03-10T11:20:00')).toBe(true);
	});
});

describe('ODP Customer ID Field', () => {
	it('upserts an order with a customer id but no e-mail or phone when the field is named', async () => {
		const order = { id: '9', dateTime: '2026-11-21T10:00:00Z', status: 'in_progress', total: 5, customer: { id: 'C-77' }, lines: [{ productId: 'p', quantity: 1, unitPrice: 5 }] };
		const run = async (parameters: IDataObject) =>
			await runVendorNode({
				node: 'optimizelyDataPlatform',
				items: [order],
				onError: 'continueRegularOutput',
				parameters: { operation: 'upsertOrderObject', orderSource: 'canonical', options: { dryRun: true }, ...parameters },
			});
		const without = mainOutput(await run({}));
		expect(String(without[0].error)).toContain("Customer ID Field");
		const withField = mainOutput(await run({ customerIdField: 'customer_number' }));
		expect(withField[0].status).toBe('dryRun');
		expect(withField[0].payload).toMatchObject({ order_id: '9', customer_number: 'C-77' });
	});
});

/** Issue 12: Shopify refunds/create carries no customer and may carry no lines; ODP accepts both with an identifier. */
describe('Shopify refunds through the ODP node', () => {
	const refund = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'webhooks', 'shopify-refunds-create-partial.json'), 'utf8')) as IDataObject;

	async function run(body: IDataObject, parsing: IDataObject) {
		return await runVendorNode({
			node: 'optimizelyDataPlatform',
			typeVersion: 1.1,
			items: [{ body, original: { email: 'ana.silva@example.com' } }],
			onError: 'continueRegularOutput',
			parameters: { operation: 'sendOrderEvent', eventAction: 'refund', orderSource: 'shopify', parsing, options: { dryRun: true } },
		});
	}

	it('takes the customer from Customer E-Mail (When Missing), per item', async () => {
		const [without] = mainOutput(await run(refund, {}));
		expect(String(without.error)).toContain('needs an e-mail, id or phone');
		const [item] = mainOutput(await run(refund, { customerEmail: '={{ $json.original.email }}' }));
		expect(item.status).toBe('dryRun');
		const event = item.payload as unknown as { identifiers: IDataObject; data: { order: IDataObject } };
		expect(event.identifiers).toEqual({ email: 'ana.silva@example.com' });
		// refunded: 22.50 + tax 1.80 = transaction 24.30
		expect(event.data.order).toMatchObject({ order_id: '450789469', total: 24.3, subtotal: 22.5 });
	});

	it('sends a refund without lines (an amount only, e.g. a goodwill refund)', async () => {
		const lineless = { ...refund, refund_line_items: [], transactions: [{ kind: 'refund', status: 'success', amount: '10.00', currency: 'USD' }] };
		const [item] = mainOutput(await run(lineless, { customerEmail: 'ana.silva@example.com' }));
		expect(item.status).toBe('dryRun');
		const event = item.payload as unknown as { data: { order: IDataObject } };
		expect(event.data.order).toMatchObject({ order_id: '450789469', total: 10, items: [] });
	});
});
