/**
 * Answers lost after the vendor accepted: a proxy in front of the sandbox lets every request through
 * but throws away every 25th answer and drops the connection. A node that retries then sends the
 * same data again and the vendor takes it twice; ODP returns/refunds/cancels must never be sent
 * twice, so the node reports them as ambiguous instead of retrying.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, ODP_DEFAULT_IDENTIFIERS } from '../../sandbox';
import type { Sandbox, Vendor } from '../../sandbox';
import { erpRows, sandboxCredentials } from '../nodes/support';
import type { VendorNode } from '../nodes/support';
import { startLossyProxy } from './lossy-proxy';
import { acceptance, outputsOf, pairingFigures, printTable, runNode } from './support';

/** ODP version 1 sends customer_id: an account where that identifier was created (a fresh one refuses it). */
const ODP_WITH_CUSTOMER_ID = [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'];

const LOSE_EVERY = 25;
const AMBIGUOUS = /connection failed \(ECONNRESET\); not retried because the vendor may already have applied this request/;

interface LostAnswerCase {
	label: string;
	node: VendorNode;
	vendor: Vendor;
	orders: number;
	batchSize?: number;
	parameters: IDataObject;
	subtracting?: boolean;
	/** What a second copy does at the vendor (from the vendor contracts). */
	effectOfCopy: string;
}

const CASES: LostAnswerCase[] = [
	{
		label: 'Optimizely: track offline order',
		node: 'optimizelyRecs',
		vendor: 'optimizely',
		orders: 1000,
		parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows' },
		effectOfCopy: 'same refCode again (the node assumes the vendor replaces it; undocumented)',
	},
	{
		label: 'Algonomy: import, POST batches',
		node: 'algonomy',
		vendor: 'algonomy',
		orders: 2000,
		batchSize: 20,
		parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows' },
		effectOfCopy: 'same id and channel: replaces the order',
	},
	{
		label: 'eSputnik: send order event',
		node: 'esputnik',
		vendor: 'esputnik',
		orders: 1000,
		parameters: { operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email', orderSource: 'flatRows' },
		effectOfCopy: 'a second orderCreated event for the same externalOrderId (may trigger its workflow again)',
	},
	{
		label: 'eSputnik: add orders (bulk)',
		node: 'esputnik',
		vendor: 'esputnik',
		orders: 2000,
		batchSize: 20,
		parameters: { operation: 'addOrders', orderSource: 'flatRows' },
		effectOfCopy: 'same externalOrderId: updates the order',
	},
	{
		label: 'ODP: purchase events',
		node: 'optimizelyDataPlatform',
		vendor: 'odp',
		orders: 2000,
		batchSize: 20,
		parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows' },
		subtracting: true,
		effectOfCopy: 'would be a second purchase (ODP events are immutable): never sent twice',
	},
	{
		label: 'ODP: order objects',
		node: 'optimizelyDataPlatform',
		vendor: 'odp',
		orders: 2000,
		batchSize: 20,
		parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows' },
		effectOfCopy: 'upsert of the same record: no change',
	},
	{
		label: 'ODP: refund events',
		node: 'optimizelyDataPlatform',
		vendor: 'odp',
		orders: 2000,
		batchSize: 20,
		parameters: { operation: 'sendOrderEvent', eventAction: 'refund', orderSource: 'flatRows' },
		subtracting: true,
		effectOfCopy: 'would subtract twice: never sent twice',
	},
];

describe(`lost answers: the vendor accepts, then every ${LOSE_EVERY}th answer is lost with the connection`, () => {
	let sandbox: Sandbox;
	const figures: Array<Record<string, string | number>> = [];

	beforeAll(async () => {
		sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0, odp: { identifiers: ODP_WITH_CUSTOMER_ID } });
	});
	afterAll(async () => {
		await sandbox?.close();
		printTable(`Lost answers: every ${LOSE_EVERY}th data request is accepted by the sandbox, then its answer is lost (connection reset)`, figures);
	});

	CASES.forEach((lostCase, caseIndex) => {
		it(`${lostCase.label}: ${lostCase.subtracting ? 'no refund accepted twice; lost ones reported ambiguous' : 'every order arrives; each lost answer costs exactly one accepted copy'}`, async () => {
			sandbox.reset();
			const proxy = await startLossyProxy(sandbox.url, {
				loseEvery: LOSE_EVERY,
				affects: (_method, path) => !path.includes('/oauth2/token'),
			});
			try {
				const firstId = 200_000 * (caseIndex + 1);
				const items = erpRows(lostCase.orders, 1, firstId);
				const credential = sandboxCredentials({ url: proxy.url, credentials: sandbox.credentials } as Sandbox)[lostCase.node];
				const result = await runNode({
					node: lostCase.node,
					credential,
					items,
					onError: 'continueErrorOutput',
					parameters: {
						...lostCase.parameters,
						options: { retryDelayMs: 5, maxTries: 8, concurrency: 8, ...(lostCase.batchSize ? { batchSize: lostCase.batchSize } : {}) },
					},
				});
				expect(result.status).toBe('success');
				const pairing = pairingFigures(result, items.length);
				expect(pairing.missing).toBe(0);
				expect(pairing.repeated).toBe(0);

				const accepted = acceptance(sandbox.received(lostCase.vendor));
				const { main, error } = outputsOf(result);
				// Every order reached the vendor (the lost answers were accepted ones).
				expect(accepted.acceptedOrders).toBe(lostCase.orders);
				expect(proxy.lost).toBeGreaterThan(0);
				const ordersPerRequest = lostCase.batchSize ?? 1;
				if (lostCase.subtracting) {
					expect(accepted.duplicates).toBe(0);
					// Each lost answer leaves its whole batch on the error output, marked ambiguous, not resent.
					expect(error).toHaveLength(proxy.lost * ordersPerRequest);
					expect(error.every((item) => AMBIGUOUS.test(String(item.json.error)))).toBe(true);
					expect(main.every((item) => item.json.status === 'sent')).toBe(true);
				} else {
					expect(error).toHaveLength(0);
					// A retried request carries the same orders again: one extra accepted copy per lost answer.
					expect(accepted.duplicates).toBe(proxy.lost * ordersPerRequest);
				}
				figures.push({
					operation: lostCase.label,
					'orders (per request)': `${lostCase.orders} (${ordersPerRequest})`,
					'requests through the proxy': proxy.forwarded,
					'answers lost after acceptance': proxy.lost,
					'orders accepted': accepted.acceptedOrders,
					'duplicate copies accepted': accepted.duplicates,
					'error items (ambiguous, not retried)': error.length,
					'what a copy does at the vendor': lostCase.effectOfCopy,
				});
			} finally {
				await proxy.close();
			}
		}, 120_000);
	});
});
