/**
 * 10,000 orders through every sending operation, in n8n's engine, against the sandbox injecting
 * 10% 5xx, 5% 429 with Retry-After: 1, 1% dropped connections, and (Algonomy) tokens that expire
 * every 2 seconds. Every order must arrive, every input item must come out exactly once, and no ODP
 * refund may arrive twice.
 *
 * Where the sandbox drops a connection: it decides the fault *before* the vendor emulator handles
 * the request (sandbox/server.ts: route → latency → fault → handler), so a dropped request was never
 * accepted and its retry cannot duplicate anything here. A vendor that accepts and then loses the
 * answer is covered by lost-answers.test.ts (a proxy that drops the answer after the sandbox
 * accepted).
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import type { FaultConfig, ReceivedRequest, Vendor } from '../../sandbox';
import { erpRows, sandboxCredentials } from '../nodes/support';
import type { VendorNode } from '../nodes/support';
import { startProcessSandbox } from './sandbox-process';
import type { ProcessSandbox } from './sandbox-process';
import { acceptance, orderIdsIn, outputsOf, pairingFigures, printTable, runNode, seconds, trafficFigures } from './support';

const ORDERS = 10_000;
const FAULTS: FaultConfig = { seed: 20261122, serverErrorRate: 0.1, rateLimitRate: 0.05, retryAfterSeconds: 1, dropRate: 0.01 };
const TOKEN_EXPIRY_SECONDS = 2;
/**
 * Fast retries for the test; Retry-After (1 s) still applies to every 429. With 16% of attempts
 * failing, 8 tries leave about a 1% chance per suite run that one of the ~21,000 requests fails
 * eight times in a row; 10 tries (the node's maximum) make that about 0.02%.
 */
const RETRY_OPTIONS = { retryDelayMs: 5, maxTries: 10 };
const AMBIGUOUS = /not retried because the vendor may already have applied this request/;

interface FaultCase {
	label: string;
	node: VendorNode;
	vendor: Vendor;
	lines: number;
	/**
	 * 8 for batched operations. One-order-per-request operations use 32: with 5% of requests told to
	 * wait 1 s, 8 lanes spend ~80 s sleeping per 10,000 orders, 32 lanes ~20 s.
	 */
	concurrency: number;
	batchSize?: number;
	parameters: IDataObject;
	/** ODP events (purchase, return, refund, cancel): never resent after an ambiguous failure. */
	subtracting?: boolean;
}

const CASES: FaultCase[] = [
	{
		label: 'Optimizely: track offline order',
		node: 'optimizelyRecs',
		vendor: 'optimizely',
		lines: 1,
		concurrency: 32,
		parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows' },
	},
	{
		label: 'Algonomy: import, POST batches',
		node: 'algonomy',
		vendor: 'algonomy',
		lines: 3,
		concurrency: 8,
		batchSize: 25,
		parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows' },
	},
	{
		label: 'eSputnik: send order event',
		node: 'esputnik',
		vendor: 'esputnik',
		lines: 1,
		concurrency: 32,
		parameters: { operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email', orderSource: 'flatRows' },
	},
	{
		label: 'eSputnik: add orders (bulk)',
		node: 'esputnik',
		vendor: 'esputnik',
		lines: 3,
		concurrency: 8,
		batchSize: 100,
		parameters: { operation: 'addOrders', orderSource: 'flatRows' },
	},
	{
		label: 'ODP: purchase events',
		node: 'optimizelyDataPlatform',
		vendor: 'odp',
		lines: 3,
		concurrency: 8,
		batchSize: 100,
		parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows' },
		subtracting: true,
	},
	{
		label: 'ODP: order objects',
		node: 'optimizelyDataPlatform',
		vendor: 'odp',
		lines: 1,
		concurrency: 8,
		batchSize: 100,
		parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows' },
	},
	{
		label: 'ODP: refund events',
		node: 'optimizelyDataPlatform',
		vendor: 'odp',
		lines: 1,
		concurrency: 8,
		batchSize: 50,
		parameters: { operation: 'sendOrderEvent', eventAction: 'refund', orderSource: 'flatRows' },
		subtracting: true,
	},
];

const isDataRecord = (record: ReceivedRequest) => record.operation !== 'token';

describe(`faults: ${ORDERS} orders per operation, 10% 5xx, 5% 429 (Retry-After 1 s), 1% drops, Algonomy token expiry ${TOKEN_EXPIRY_SECONDS} s`, () => {
	let sandbox: ProcessSandbox;
	const figures: Array<Record<string, string | number>> = [];
	const piiFigures: Array<Record<string, string | number>> = [];

	beforeAll(async () => {
		sandbox = await startProcessSandbox({
			faults: {
				optimizely: FAULTS,
				algonomy: { ...FAULTS, tokenExpirySeconds: TOKEN_EXPIRY_SECONDS },
				esputnik: FAULTS,
				odp: FAULTS,
			},
			// The injected 429s exercise Retry-After; the sandbox's own 10/s ODP limit would only slow the run.
			odpRateLimitPerSecond: 0,
			// ODP version 1 sends customer_id: an account where that identifier was created.
			odpIdentifiers: ['email', 'phone', 'vuid', 'zaius_id', 'customer_id'],
		});
	});

	afterAll(async () => {
		await sandbox?.close();
		printTable(`Faults: ${ORDERS} orders per operation in the n8n engine (10% 5xx, 5% 429 + Retry-After 1 s, 1% dropped connections; Algonomy tokens expire every ${TOKEN_EXPIRY_SECONDS} s; retryDelayMs 5, maxTries 10)`, figures);
		printTable('PII: Algonomy request bodies during the fault run', piiFigures);
	});

	CASES.forEach((faultCase, caseIndex) => {
		it(`${faultCase.label}: every order accepted once${faultCase.subtracting ? ' or reported ambiguous' : ''}, one output item per input item`, async () => {
			await sandbox.reset();
			const firstId = 100_000 * (caseIndex + 1);
			const items = erpRows(ORDERS, faultCase.lines, firstId);
			const expectedIds = Array.from({ length: ORDERS }, (_, index) => String(firstId + index));
			const started = Date.now();
			const result = await runNode({
				node: faultCase.node,
				credential: sandboxCredentials(sandbox as never)[faultCase.node],
				items,
				onError: 'continueErrorOutput',
				timeoutMs: 170_000,
				parameters: {
					...faultCase.parameters,
					options: {
						...RETRY_OPTIONS,
						concurrency: faultCase.concurrency,
						...(faultCase.batchSize ? { batchSize: faultCase.batchSize } : {}),
					},
				},
			});
			const elapsedMs = Date.now() - started;
			expect(result.status).toBe('success');

			// Exactly one output item per input item, over the main and the error output.
			const pairing = pairingFigures(result, items.length);
			expect(pairing.missing).toBe(0);
			expect(pairing.repeated).toBe(0);
			expect(pairing.main + pairing.error).toBe(items.length);

			const records = (await sandbox.all(faultCase.vendor)).filter(isDataRecord);
			const traffic = trafficFigures(records);
			const accepted = acceptance(records.filter((record) => record.accepted));
			const { main, error } = outputsOf(result);

			// The sandbox drops before it accepts: a dropped request is never an accepted one.
			const dropped = records.filter((record) => record.fault === 'drop');
			expect(dropped.every((record) => !record.accepted && record.status === 0)).toBe(true);

			const ambiguousIds = new Set<string>();
			for (const item of error) {
				const details = item.json.details as IDataObject;
				if (faultCase.subtracting && AMBIGUOUS.test(String(item.json.error))) ambiguousIds.add(String(details.orderId));
			}
			// Only ambiguous refunds may fail; nothing else may land on the error output.
			expect(error.map((item) => String(item.json.error)).filter((message) => !faultCase.subtracting || !AMBIGUOUS.test(message))).toEqual([]);
			expect(main.every((item) => item.json.status === 'sent')).toBe(true);

			const missingIds = expectedIds.filter((id) => !accepted.ids.has(id) && !ambiguousIds.has(id));
			expect(missingIds).toEqual([]);
			if (faultCase.subtracting) {
				expect(accepted.duplicates).toBe(0);
				// Each ambiguous refund is one the sandbox never took (it dropped before accepting).
				expect([...ambiguousIds].filter((id) => accepted.ids.has(id))).toEqual([]);
				const droppedIds = new Set(dropped.flatMap(orderIdsIn));
				expect([...ambiguousIds].sort()).toEqual([...droppedIds].sort());
			} else {
				expect(accepted.acceptedOrders).toBe(ORDERS);
				// Drops happen before acceptance (see above), so no retry here can duplicate an order.
				expect(accepted.duplicates).toBe(0);
			}

			const stats = faultCase.vendor === 'algonomy' ? await sandbox.stats() : undefined;
			const attempts = main.map((item) => Number(item.json.attempts ?? 0));
			figures.push({
				operation: faultCase.label,
				'orders × lines': `${ORDERS} × ${faultCase.lines}`,
				'batch / lanes': `${faultCase.batchSize ?? 1} / ${faultCase.concurrency}`,
				requests: traffic.requests,
				'5xx answers': traffic.serverError,
				'429 answers': traffic.rateLimit,
				drops: traffic.drop,
				'401 (token expired)': traffic.unauthorized,
				'tokens issued': stats ? stats.tokensIssued : '–',
				'orders accepted': accepted.acceptedOrders,
				duplicates: accepted.duplicates,
				'main / error items': `${main.length} / ${error.length}`,
				'ambiguous, not retried': faultCase.subtracting ? ambiguousIds.size : '–',
				'max attempts': attempts.length ? Math.max(...attempts) : 0,
				seconds: seconds(elapsedMs),
			});

			if (faultCase.vendor === 'algonomy') {
				// PII: no plain e-mail in anything sent to Algonomy, refused and faulted requests included.
				const bodies = records.map((record) => JSON.stringify(record.body));
				const withAt = bodies.filter((body) => body.includes('@')).length;
				const emails = new Set(items.map((row) => String(row.email).trim().toLowerCase()));
				const hashes = new Map([...emails].map((email) => [createHash('sha256').update(email).digest('hex'), email]));
				const sentOrders = records.flatMap((record) => (Array.isArray(record.body) ? record.body : [record.body]) as Array<{ emailHash?: string }>);
				const badHashes = sentOrders.filter((order) => !order.emailHash || !hashes.has(order.emailHash)).length;
				expect(withAt).toBe(0);
				expect(badHashes).toBe(0);
				piiFigures.push({
					run: `${faultCase.label} (fault run)`,
					'requests scanned': records.length,
					'orders in them': sentOrders.length,
					'bodies containing "@"': withAt,
					'emailHash ≠ SHA-256(trim(lower(email)))': badHashes,
				});
			}
		}, 180_000);
	});
});
