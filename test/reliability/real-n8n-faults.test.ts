/**
 * The fault run inside a real n8n 2.41.1 (harness/n8n.js): our package installed the way users get
 * it, a Code node making 2,000 ERP rows, and two ODP nodes (purchase events, refund events) with
 * "On Error → Continue (using error output)", against the sandbox injecting 10% 5xx, 5% 429 with
 * Retry-After: 1 and 1% dropped connections. Executed headless with `n8n execute`.
 */
import harness = require('../../harness/n8n');
import type { N8nHome } from '../../harness/n8n';

import { ODP_DEFAULT_IDENTIFIERS, startSandbox } from '../../sandbox';
import type { ReceivedRequest, Sandbox } from '../../sandbox';
import { printTable, seconds, trafficFigures } from './support';

const ORDERS = 2000;
const FIRST_ID = 300_000;
const BATCH = 20;
const WORKFLOW_ID = 'relFaultsOdp0001';
const CREDENTIAL_ID = 'relOdpSandbox001';
// A cold n8n install takes ~6 min on 2 cores (longer in CI without an npm cache).
const INSTALL_TIMEOUT_MS = 25 * 60 * 1000;
const RUN_TIMEOUT_MS = 5 * 60 * 1000;
const AMBIGUOUS = /not retried because the vendor may already have applied this request/;

const ROWS_CODE = [
	'const rows = [];',
	`for (let index = 0; index < ${ORDERS}; index++) {`,
	`\tconst id = String(${FIRST_ID} + index);`,
	'\trows.push({ json: {',
	"\t\torder_id: id, order_date: '2026-11-21T14:05:00+01:00', status: 'created', customer_id: 'cust-' + id,",
	"\t\temail: 'customer.' + id + '@example.com', currency: 'EUR', shipping: '4.90', tax: '3.00', subtotal: '10', total: '14.90',",
	"\t\tproduct_id: '500', sku: 'SKU-0', product_name: 'Product 0', quantity: '1', unit_price: '10.00',",
	'\t} });',
	'}',
	'return rows;',
].join('\n');

function workflow(home: N8nHome) {
	const odpNode = (id: string, name: string, eventAction: string, y: number) => ({
		id,
		name,
		type: home.nodeType('optimizelyDataPlatform'),
		typeVersion: 1,
		position: [440, y],
		onError: 'continueErrorOutput',
		parameters: {
			resource: 'order',
			operation: 'sendOrderEvent',
			eventAction,
			orderSource: 'flatRows',
			options: { batchSize: BATCH, concurrency: 8, maxTries: 8, retryDelayMs: 5 },
		},
		credentials: { optimizelyDataPlatformApi: { id: CREDENTIAL_ID, name: 'ODP sandbox' } },
	});
	return {
		id: WORKFLOW_ID,
		name: 'Reliability: ODP events under faults',
		nodes: [
			{ id: '6d1f0a00-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: '6d1f0a00-0000-4000-8000-000000000002', name: 'ERP Rows', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode: ROWS_CODE } },
			odpNode('6d1f0a00-0000-4000-8000-000000000003', 'Purchases', 'purchase', -120),
			odpNode('6d1f0a00-0000-4000-8000-000000000004', 'Refunds', 'refund', 120),
		],
		connections: {
			Start: { main: [[{ node: 'ERP Rows', type: 'main', index: 0 }]] },
			'ERP Rows': {
				main: [
					[
						{ node: 'Purchases', type: 'main', index: 0 },
						{ node: 'Refunds', type: 'main', index: 0 },
					],
				],
			},
		},
	};
}

interface RunItem {
	json: Record<string, unknown>;
	pairedItem?: { item: number } | Array<{ item: number }>;
}

function nodeItems(execution: { run: { data: { resultData: { runData: Record<string, Array<{ data?: { main?: RunItem[][] } }>> } } } }, name: string) {
	const task = execution.run.data.resultData.runData[name]?.[0];
	const main = task?.data?.main ?? [];
	return { main: main[0] ?? [], error: main[1] ?? [] };
}

function eventsOf(records: ReceivedRequest[], action: string): Map<string, number> {
	const counts = new Map<string, number>();
	for (const record of records) {
		for (const event of record.body as Array<{ action: string; data: { order: { order_id: string } } }>) {
			if (event.action !== action) continue;
			counts.set(event.data.order.order_id, (counts.get(event.data.order.order_id) ?? 0) + 1);
		}
	}
	return counts;
}

describe(`real n8n 2.41.1: ${ORDERS} orders through ODP purchase and refund events under faults`, () => {
	let sandbox: Sandbox;
	let home: N8nHome | undefined;

	beforeAll(async () => {
		await harness.ensureN8n();
		sandbox = await startSandbox({
			quiet: true,
			odpRateLimitPerSecond: 0,
			// The version-1 node sends customer_id: an ODP account that has that identifier.
			odp: { identifiers: [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'] },
			faults: { odp: { seed: 41, serverErrorRate: 0.1, rateLimitRate: 0.05, retryAfterSeconds: 1, dropRate: 0.01 } },
		});
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		if (home) harness.removeN8nHome(home);
		await sandbox?.close();
	});

	it(
		'every purchase and refund accepted once or reported ambiguous, one output item per input item',
		async () => {
			const tarball = await harness.packPackage();
			home = await harness.createN8nHome({ loadStyle: 'community', tarball });
			await harness.importCredentials(home, [
				{ id: CREDENTIAL_ID, name: 'ODP sandbox', type: 'optimizelyDataPlatformApi', data: { region: 'custom', baseUrl: `${sandbox.url}/v3`, apiKey: sandbox.credentials.odp.apiKey } },
			]);
			await harness.importWorkflow(home, workflow(home));

			const started = Date.now();
			const execution = await harness.executeWorkflow(home, WORKFLOW_ID, { timeoutMs: RUN_TIMEOUT_MS });
			const elapsedMs = Date.now() - started;
			expect(execution.error).toBeUndefined();
			expect(execution.exitCode).toBe(0);

			const records = sandbox.all('odp');
			const accepted = records.filter((record) => record.accepted);
			const rows: Array<Record<string, string | number>> = [];
			for (const [name, action] of [['Purchases', 'purchase'], ['Refunds', 'refund']] as const) {
				const { main, error } = nodeItems(execution, name);
				// One output item per input item, paired back to it.
				const paired = [...main, ...error].map((item) => (Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem)?.item);
				expect(paired.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: ORDERS }, (_, index) => index));

				const counts = eventsOf(accepted, action);
				const duplicates = [...counts.values()].reduce((sum, count) => sum + count - 1, 0);
				const ambiguous = new Set(error.filter((item) => AMBIGUOUS.test(String(item.json.error))).map((item) => String((item.json.details as { orderId: string }).orderId)));
				const actionRecords = records.filter((record) => (record.body as Array<{ action: string }>)[0]?.action === action);
				const traffic = trafficFigures(actionRecords);
				const missing = Array.from({ length: ORDERS }, (_, index) => String(FIRST_ID + index)).filter((id) => !counts.has(id) && !ambiguous.has(id));

				expect(missing).toEqual([]);
				expect(duplicates).toBe(0);
				// ODP events are never resent after a lost answer: purchases and refunds alike.
				expect(error.length).toBe(ambiguous.size);
				expect([...ambiguous].filter((id) => counts.has(id))).toEqual([]);
				rows.push({
					node: `${name} (ODP ${action} events)`,
					orders: ORDERS,
					'batch / lanes': `${BATCH} / 8`,
					requests: traffic.requests,
					'5xx answers': traffic.serverError,
					'429 answers': traffic.rateLimit,
					drops: traffic.drop,
					'orders accepted': counts.size,
					duplicates,
					'main / error items': `${main.length} / ${error.length}`,
					'ambiguous, not retried': ambiguous.size,
				});
			}
			printTable(`Faults in a real n8n 2.41.1 (n8n execute, package installed as a community node): ${ORDERS} orders, 10% 5xx, 5% 429 + Retry-After 1 s, 1% drops; run ${seconds(elapsedMs)} s`, rows);
		},
		RUN_TIMEOUT_MS + 5 * 60 * 1000,
	);
});
