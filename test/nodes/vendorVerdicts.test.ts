import { startTestServer } from '../helpers/http-test-server';
import type { TestServer } from '../helpers/http-test-server';
import { erpRows, errorOutput, mainOutput, runVendorNode } from './support';

/**
 * Vendor answers the sandbox does not produce on demand, from a scripted fake vendor:
 * ODP naming bad entries of a batch, Optimizely's 200 with status "fail", an Algonomy batch 400.
 */
describe('vendor-level verdicts', () => {
	let vendor: TestServer;
	afterEach(async () => await vendor?.close());

	it('ODP 400 invalids: fails only the named events and sends the others once more', async () => {
		vendor = await startTestServer((_request, index) =>
			index === 0
				? { status: 400, body: { title: 'Bad Request', status: 400, detail: { invalids: [{ event: 1, message: 'bad product_id' }] } } }
				: { status: 202, body: { title: 'Accepted', status: 202, timestamp: '2026-11-22T00:00:00Z' } },
		);
		const rows = erpRows(4, 1);
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: { type: 'optimizelyDataPlatformApi', name: 'fake', data: { region: 'custom', baseUrl: `${vendor.url}/v3`, apiKey: 'k-123456' } },
			items: rows,
			onError: 'continueErrorOutput',
			parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		expect(vendor.requests).toHaveLength(2);
		const resent = (vendor.requests[1].json as Array<{ data: { order: { order_id: string } } }>).map((e) => e.data.order.order_id);
		expect(resent).toEqual([rows[0].order_id, rows[2].order_id, rows[3].order_id]);
		expect(mainOutput(result).map((o) => o.orderId)).toEqual(resent);
		const errors = errorOutput(result);
		expect(errors).toHaveLength(1);
		expect(String(errors[0].error)).toContain('bad product_id');
		expect(result.outputs('Vendor')[1][0].pairedItem).toEqual({ item: 1 });
	});

	it('Optimizely 200 with status "fail" is a failed order, not a success', async () => {
		vendor = await startTestServer(() => ({
			status: 200,
			body: { status: 'fail', errors: [{ code: 'MalformedJson', message: 'unexpected token' }] },
		}));
		const result = await runVendorNode({
			node: 'optimizelyRecs',
			credential: { type: 'optimizelyRecsApi', name: 'fake', data: { environment: 'custom', baseUrl: vendor.url, site: 'demo', siteToken: 'tok-123456', channel: 'store' } },
			items: erpRows(1, 1),
			onError: 'continueErrorOutput',
			parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows', options: {} },
		});
		expect(result.status).toBe('success');
		expect(mainOutput(result)).toHaveLength(0);
		expect(String(errorOutput(result)[0].error)).toBe('HTTP 200: MalformedJson: unexpected token');
	});

	it('Algonomy batch 400: each order is tried alone so only the bad one fails', async () => {
		vendor = await startTestServer((request) => {
			if (request.path.endsWith('/oauth2/token')) return { status: 200, body: { token_type: 'bearer', access_token: 'token-abcdef' } };
			const orders = Array.isArray(request.json) ? request.json : [request.json];
			const bad = orders.some((order: { id: number }) => order.id === 1001);
			return bad ? { status: 400, body: { status: 'error', message: 'lineItems[0].productId unknown' } } : { status: 200, body: { status: 'success' } };
		});
		const result = await runVendorNode({
			node: 'algonomy',
			credential: { type: 'algonomyOAuth2Api', name: 'fake', data: { environment: 'custom', baseUrl: vendor.url, clientId: 'c', clientSecret: 's-123456', apiKey: 'key-123456', accessToken: '' } },
			items: erpRows(3, 1),
			onError: 'continueErrorOutput',
			parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows', options: { concurrency: 1 } },
		});
		expect(result.status).toBe('success');
		const orderCalls = vendor.requests.filter((r) => r.path.endsWith('/orders')).map((r) => r.method);
		expect(orderCalls).toEqual(['POST', 'PUT', 'PUT', 'PUT']);
		expect(mainOutput(result).map((o) => o.orderId)).toEqual(['1000', '1002']);
		expect(String(errorOutput(result)[0].error)).toContain('productId unknown');
	});

	it('a 5xx is retried with backoff and a persistent one fails the item with the attempts made', async () => {
		vendor = await startTestServer(() => ({ status: 503, body: { message: 'maintenance' } }));
		const result = await runVendorNode({
			node: 'esputnik',
			credential: { type: 'esputnikApi', name: 'fake', data: { environment: 'custom', baseUrl: vendor.url, apiKey: 'key-123456' } },
			items: erpRows(1, 1),
			onError: 'continueErrorOutput',
			parameters: { operation: 'addOrders', orderSource: 'flatRows', options: { maxTries: 3, retryDelayMs: 5 } },
		});
		expect(vendor.requests).toHaveLength(3);
		const error = errorOutput(result)[0];
		expect(String(error.error)).toBe('HTTP 503: maintenance');
		expect((error.details as { attempts: number }).attempts).toBe(3);
	});

	it.each([
		['refund event', 'sendOrderEvent', 'refund', 1, 'failed'],
		['purchase event', 'sendOrderEvent', 'purchase', 1, 'failed'],
		['order object (an upsert)', 'upsertOrderObject', 'purchase', 2, 'sent'],
	])('a timed-out ODP %s is retried only when a repeat cannot count twice', async (_label, operation, action, requests, status) => {
		let hangFirst = true;
		vendor = await startTestServer(async () => {
			if (hangFirst) {
				hangFirst = false;
				await new Promise((resolve) => setTimeout(resolve, 700));
			}
			return { status: 202, body: { title: 'Accepted', status: 202 } };
		});
		const result = await runVendorNode({
			node: 'optimizelyDataPlatform',
			credential: { type: 'optimizelyDataPlatformApi', name: 'fake', data: { region: 'custom', baseUrl: `${vendor.url}/v3`, apiKey: 'k-123456' } },
			items: erpRows(1, 1),
			onError: 'continueRegularOutput',
			parameters: { operation, eventAction: action, orderSource: 'flatRows', options: { timeoutMs: 300, retryDelayMs: 5 } },
		});
		expect(result.status).toBe('success');
		expect(vendor.requests).toHaveLength(requests);
		const output = result.outputs('Vendor')[0][0].json;
		if (status === 'failed') {
			expect(String(output.error)).toMatch(/no answer within 300 ms; not retried because the vendor may already have applied/);
		} else {
			expect(output.status).toBe('sent');
		}
	});
});
