import type { IDataObject } from 'n8n-workflow';

import { ODP_DEFAULT_IDENTIFIERS, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { mainOutput, runVendorNode, sandboxCredentials } from './support';
import type { VendorNode } from './support';

/** ODP versions 1 and 1.1 send customer_id: an account where that identifier was created (a fresh one refuses it). */
const ODP_WITH_CUSTOMER_ID = [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'];

/**
 * Issue 12: an order whose status is not a purchase (cancelled, returned, refunded) sent to a purchase
 * operation. Node version 1.1 (new nodes) skips it with the reason; "Send Refunded or Cancelled Orders"
 * sends it anyway; version 1 (saved workflows) keeps sending it as before.
 */
describe('orders that are not a purchase, sent to purchase operations', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, odp: { identifiers: ODP_WITH_CUSTOMER_ID } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	const order = (id: string, status: string): IDataObject => ({
		id,
		dateTime: '2026-11-21T10:00:00Z',
		status,
		currency: 'EUR',
		total: 12.5,
		customer: { id: '77', email: 'x@y.example' },
		lines: [{ productId: '5', quantity: 1, unitPrice: 12.5 }],
	});

	const cases: Array<{ node: VendorNode; vendor: 'optimizely' | 'algonomy' | 'esputnik' | 'odp'; parameters: IDataObject }> = [
		{ node: 'optimizelyRecs', vendor: 'optimizely', parameters: { operation: 'trackOfflineOrder' } },
		{ node: 'algonomy', vendor: 'algonomy', parameters: { mode: 'offline', sendAs: 'single' } },
		{ node: 'esputnik', vendor: 'esputnik', parameters: { operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email' } },
		{ node: 'optimizelyDataPlatform', vendor: 'odp', parameters: { operation: 'sendOrderEvent', eventAction: 'purchase' } },
	];

	it.each(cases)('$node v1.1 skips a cancelled order with the reason and sends the purchase', async ({ node, vendor, parameters }) => {
		const result = await runVendorNode({
			node,
			typeVersion: 1.1,
			credential: sandboxCredentials(sandbox)[node],
			items: [order('501', 'in_progress'), order('502', 'cancelled')],
			parameters: { ...parameters, orderSource: 'canonical', options: {} },
		});
		expect(result.status).toBe('success');
		const output = mainOutput(result);
		expect(output.map((item) => item.status)).toEqual(['sent', 'skipped']);
		expect(String(output[1].message)).toContain('"cancelled", which is not a purchase');
		// one order request (Algonomy's OAuth token request is not an order)
		expect(sandbox.received(vendor).filter((request) => request.operation !== 'token')).toHaveLength(1);
	});

	it('v1.1 with Send Refunded or Cancelled Orders on sends a refunded order', async () => {
		const result = await runVendorNode({
			node: 'optimizelyRecs',
			typeVersion: 1.1,
			credential: sandboxCredentials(sandbox).optimizelyRecs,
			items: [order('503', 'refunded')],
			parameters: { operation: 'trackOfflineOrder', orderSource: 'canonical', sendNonPurchaseOrders: true, options: {} },
		});
		expect(result.status).toBe('success');
		expect(mainOutput(result).map((item) => item.status)).toEqual(['sent']);
		expect(sandbox.received('optimizely')).toHaveLength(1);
	});

	it('v1 (saved workflows) keeps sending a refunded order', async () => {
		const result = await runVendorNode({
			node: 'optimizelyRecs',
			credential: sandboxCredentials(sandbox).optimizelyRecs,
			items: [order('504', 'refunded')],
			parameters: { operation: 'trackOfflineOrder', orderSource: 'canonical', options: {} },
		});
		expect(result.status).toBe('success');
		expect(mainOutput(result).map((item) => item.status)).toEqual(['sent']);
		expect(sandbox.received('optimizely')).toHaveLength(1);
	});

	it('an ODP refund event is not a purchase operation: the refunded order is sent', async () => {
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			typeVersion: 1.1,
			credential: sandboxCredentials(sandbox).optimizelyDataPlatform,
			items: [order('505', 'refunded')],
			parameters: { operation: 'sendOrderEvent', eventAction: 'refund', orderSource: 'canonical', options: {} },
		});
		expect(result.status).toBe('success');
		expect(mainOutput(result).map((item) => item.status)).toEqual(['sent']);
	});
});
