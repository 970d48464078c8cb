/**
 * The sent-orders ledger (issue 13, /work/wt/LEDGER-SPEC.md) in a real n8n 2.41.1: our package
 * installed as a community package, the ODP node at its default version 1.2, the vendor sandbox in
 * this process. What went over the wire is read from the sandbox; what the node said from n8n's run
 * data (or the webhook's answer). Expected ids and counts come from the test's own input.
 *
 * 1. Send Order Event over an ERP export, run twice: the second run sends nothing, every item
 *    "skipped" / "sentBefore".
 * 2. Upsert Order Object with Skip Orders Sent Before: one order's total changed → only it is sent.
 * 3. A published webhook workflow receiving the same Shopify body twice: ODP gets the order once.
 * 4. kill -9 of `n8n execute` in the middle of 20,000 orders, re-run: no order twice; every order is
 *    either at ODP or reported "inDoubt"; Resend Order IDs then completes the set, each once.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

import harness = require('../../harness/n8n');
import type { CredentialToImport, ExecutionResult, N8nHome, RunningN8n } from '../../harness/n8n';
import examples = require('../../scripts/lib/examples');
import { parseCsv } from '../../mapping';
import { startSandbox } from '../../sandbox';
import type { ReceivedRequest, Sandbox } from '../../sandbox';
import { INSTALL_TIMEOUT_MS, dataText, repeated } from './support';

const ODP_VERSION = 1.2;
const CASE_TIMEOUT_MS = 4 * 60 * 1000;

type Json = Record<string, unknown>;
interface RunItem {
	json: Json;
}

/** Main (0) and error (1) output items of a node's last run. */
function outputs(execution: ExecutionResult, name: string): { main: Json[]; error: Json[] } {
	const runs = execution.run?.data?.resultData?.runData?.[name];
	if (!runs?.length) throw new Error(`node "${name}" did not run: ${execution.error?.message ?? ''}\n${execution.stderr.slice(-3000)}`);
	const main = (runs[runs.length - 1].data?.main ?? []) as RunItem[][];
	return { main: (main[0] ?? []).map((item) => item.json), error: (main[1] ?? []).map((item) => item.json) };
}

/** Order ids of every accepted ODP event, one entry per event (repeats stay visible). */
function odpEventOrderIds(records: ReceivedRequest[]): string[] {
	return records
		.filter((record) => record.vendor === 'odp' && record.operation === 'events' && record.accepted)
		.flatMap((record) => (record.body as Array<{ data: { order: { order_id: string | number } } }>).map((event) => String(event.data.order.order_id)));
}

function odpOrderRecords(records: ReceivedRequest[]): Array<{ order_id: string; total?: number }> {
	return records
		.filter((record) => record.vendor === 'odp' && record.operation === 'ordersObject' && record.accepted)
		.flatMap((record) => record.body as Array<{ order_id: string; total?: number }>);
}

const sorted = (values: Iterable<string>) => [...values].sort();

/** The ERP export of examples/data as rows, each row one n8n item (what Extract From File gives). */
function erpRows(): Array<Record<string, string>> {
	return parseCsv(dataText(examples.DATA_FILES.erpCsv));
}

/** Order ids in order of first appearance. */
function orderIdsOf(rows: Array<Record<string, string>>): string[] {
	return [...new Set(rows.map((row) => row.order_id))];
}

function rowsCode(rows: Array<Record<string, string>>): string {
	return `return ${JSON.stringify(rows)}.map((json) => ({ json }));`;
}

describe('sent-orders ledger in a real n8n 2.41.1 (ODP node v1.2, community package)', () => {
	let sandbox: Sandbox;
	let home: N8nHome;
	let server: RunningN8n | undefined;
	let odpCredential: CredentialToImport;

	beforeAll(async () => {
		await harness.ensureN8n();
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		// No ODP rate limit: the 20,000-order runs would only meet (and retry) 429s.
		sandbox = await startSandbox({ quiet: true, odpRateLimitPerSecond: 0 });
		const tarball = await harness.packPackage();
		home = await harness.createN8nHome({ loadStyle: 'community', tarball });
		odpCredential = examples.sandboxCredentials(sandbox).find((credential) => credential.type === 'optimizelyDataPlatformApi')!;
		await harness.importCredentials(home, [odpCredential]);
	}, 3 * 60 * 1000);

	afterAll(async () => {
		await server?.stop();
		if (home) harness.removeN8nHome(home);
		await sandbox?.close();
	}, 60 * 1000);

	beforeEach(() => {
		sandbox.setFaults('odp', {});
		sandbox.reset();
	});

	function odpNode(id: string, name: string, parameters: Json, position: [number, number] = [440, 0]) {
		return {
			id,
			name,
			type: home.nodeType('optimizelyDataPlatform'),
			typeVersion: ODP_VERSION,
			position,
			onError: 'continueErrorOutput',
			parameters: { resource: 'order', ...parameters },
			credentials: { optimizelyDataPlatformApi: { id: odpCredential.id, name: odpCredential.name } },
		};
	}

	/** Manual Trigger → Code node → ODP node; node ids fixed per workflow, so a re-import keeps the ledger. */
	function codeWorkflow(id: string, jsCode: string, odpParameters: Json) {
		const hex = createHash('sha1').update(id).digest('hex');
		const nodeId = (n: number) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4000-8000-00000000000${n}`;
		return {
			id,
			name: `Ledger e2e ${id}`,
			nodes: [
				{ id: nodeId(1), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: nodeId(2), name: 'Orders', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode } },
				odpNode(nodeId(3), 'ODP', odpParameters),
			],
			connections: {
				Start: { main: [[{ node: 'Orders', type: 'main', index: 0 }]] },
				Orders: { main: [[{ node: 'ODP', type: 'main', index: 0 }]] },
			},
		};
	}

	// ---------------------------------------------------------------------------------------------
	it(
		'1. Send Order Event over an ERP export, run twice: the second run sends nothing and reports every order sent before',
		async () => {
			const rows = erpRows();
			// Order 100017 has a line with quantity "two": it goes to the error output both times.
			const badId = '100017';
			const goodIds = orderIdsOf(rows).filter((id) => id !== badId);
			expect(goodIds.length).toBe(35);
			const goodRowCount = rows.filter((row) => row.order_id !== badId).length;
			const badRowCount = rows.length - goodRowCount;

			const workflow = codeWorkflow('osLedgerOdpEvt01', rowsCode(rows), {
				operation: 'sendOrderEvent',
				eventAction: 'purchase',
				orderSource: 'flatRows',
				options: {},
			});
			await harness.importWorkflow(home, workflow);

			const first = await harness.executeWorkflow(home, workflow.id);
			expect(first.error).toBeUndefined();
			const firstOut = outputs(first, 'ODP');
			expect(sorted(odpEventOrderIds(sandbox.received('odp')))).toEqual(sorted(goodIds));
			expect(firstOut.main.length).toBe(goodRowCount);
			for (const item of firstOut.main) expect([item.orderId, item.status, item.ledger]).toEqual([item.orderId, 'sent', 'recorded']);
			expect(firstOut.error.length).toBe(badRowCount);
			const requestsAfterFirst = sandbox.stats().vendors.odp.requests;
			expect(requestsAfterFirst).toBe(1); // 35 orders, batch 500

			const second = await harness.executeWorkflow(home, workflow.id);
			expect(second.error).toBeUndefined();
			const secondOut = outputs(second, 'ODP');
			expect(sandbox.stats().vendors.odp.requests).toBe(requestsAfterFirst);
			expect(secondOut.main.length).toBe(goodRowCount);
			for (const item of secondOut.main) {
				expect([item.status, item.ledger]).toEqual(['skipped', 'sentBefore']);
				expect(typeof item.message).toBe('string');
			}
			expect(sorted(new Set(secondOut.main.map((item) => String(item.orderId))))).toEqual(sorted(goodIds));
			// The invalid order was never sent, so the ledger has nothing on it: still an error.
			expect(secondOut.error.length).toBe(badRowCount);
			console.log(`case 1: first run ${first.durationMs} ms, second run ${second.durationMs} ms`);
		},
		CASE_TIMEOUT_MS,
	);

	// ---------------------------------------------------------------------------------------------
	it(
		'2. Upsert Order Object with Skip Orders Sent Before: after one total changes, only that order is sent',
		async () => {
			const all = erpRows().filter((row) => row.order_id !== '100017');
			const ids = orderIdsOf(all).slice(0, 30);
			const rows = all.filter((row) => ids.includes(row.order_id));
			const changedId = '100005';
			expect(ids).toContain(changedId);
			const parameters = { operation: 'upsertOrderObject', orderSource: 'flatRows', options: { skipSentBefore: true } };

			const workflow = codeWorkflow('osLedgerOdpUps01', rowsCode(rows), parameters);
			await harness.importWorkflow(home, workflow);
			const first = await harness.executeWorkflow(home, workflow.id);
			expect(first.error).toBeUndefined();
			const firstOut = outputs(first, 'ODP');
			expect(firstOut.error).toEqual([]);
			expect(sorted(odpOrderRecords(sandbox.received('odp')).map((record) => String(record.order_id)))).toEqual(sorted(ids));
			for (const item of firstOut.main) expect([item.status, item.ledger]).toEqual(['sent', 'recorded']);

			// The same workflow and node ids, one order's total changed in the export.
			const changedRows = rows.map((row) => (row.order_id === changedId ? { ...row, total: '31.80' } : row));
			expect(rows.find((row) => row.order_id === changedId)?.total).toBe('25.80');
			await harness.importWorkflow(home, codeWorkflow(workflow.id, rowsCode(changedRows), parameters));
			sandbox.reset();
			const second = await harness.executeWorkflow(home, workflow.id);
			expect(second.error).toBeUndefined();
			const secondOut = outputs(second, 'ODP');
			expect(secondOut.error).toEqual([]);
			const sent = odpOrderRecords(sandbox.received('odp'));
			expect(sent.map((record) => [String(record.order_id), record.total])).toEqual([[changedId, 31.8]]);
			expect(sandbox.stats().vendors.odp.requests).toBe(1);
			for (const item of secondOut.main) {
				const expected = String(item.orderId) === changedId ? ['sent', 'recorded'] : ['skipped', 'sentBefore'];
				expect([item.orderId, item.status, item.ledger]).toEqual([item.orderId, ...expected]);
			}
			console.log(`case 2: first run ${first.durationMs} ms, second run ${second.durationMs} ms`);
		},
		CASE_TIMEOUT_MS,
	);

	// ---------------------------------------------------------------------------------------------
	const KILL_ORDERS = 20_000;
	const KILL_FIRST_ID = 400_000;
	const KILL_LATENCY_MS = 2500;
	const KILL_BATCH = 500;
	const KILL_LANES = 4;

	const killRowsCode = [
		'const rows = [];',
		`for (let index = 0; index < ${KILL_ORDERS}; index++) {`,
		`\tconst id = String(${KILL_FIRST_ID} + index);`,
		'\tconst quantity = 1 + (index % 3);',
		'\trows.push({ json: {',
		"\t\torder_id: id, order_date: '2026-11-21T14:05:00+01:00', status: 'completed', customer_id: 'K-' + id,",
		"\t\temail: 'customer.' + id + '@example.com', currency: 'EUR', shipping: '4.90', tax: '3.00',",
		"\t\ttotal: (quantity * 10 + 4.9 + 3).toFixed(2), store_id: 'store-berlin', channel: 'store', payment_method: 'card',",
		"\t\tproduct_id: String(4700 + (index % 50)), sku: 'SKU-' + (index % 50), product_name: 'Product ' + (index % 50),",
		"\t\tquantity: String(quantity), unit_price: '10.00',",
		'\t} });',
		'}',
		'return rows;',
	].join('\n');

	/** What the sub-workflow's last node returns: the ODP node's 20,000 output items grouped by "status/ledger". */
	const summaryCode = [
		'const groups = {};',
		'const errors = [];',
		'const items = $input.all();',
		'for (const item of items) {',
		'\tconst json = item.json;',
		"\tconst key = json.error !== undefined ? 'error' : json.status + '/' + json.ledger;",
		'\tconst orderId = String(json.orderId ?? (json.details && json.details.orderId));',
		'\t(groups[key] = groups[key] || []).push(orderId);',
		'\tif (json.error !== undefined && errors.length < 5) errors.push({ orderId, error: json.error });',
		'}',
		'return [{ json: { items: items.length, groups, errors } }];',
	].join('\n');

	/**
	 * Parent (Manual Trigger → Execute Workflow) and sub-workflow (trigger → 20,000 rows → ODP → summary):
	 * the run data `n8n execute` prints holds only the parent's nodes, one summary item (the whole
	 * run data of 20,000 items does not come out of `n8n execute --rawOutput` whole). The ledger is the
	 * sub-workflow's ODP node's. The CLI runs only published sub-workflows, without the publication
	 * service (see bench/lib/workflows.js).
	 */
	function killWorkflows(odpOptions: Json) {
		const parentId = 'osLedgerKillMain';
		const subId = 'osLedgerKillSub1';
		const id = (workflowId: string, n: number) => {
			const hex = createHash('sha1').update(workflowId).digest('hex');
			return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4000-8000-00000000000${n}`;
		};
		const chain = (names: string[]) =>
			Object.fromEntries(names.slice(0, -1).map((name, index) => [name, { main: [[{ node: names[index + 1], type: 'main', index: 0 }]] }]));
		const settings = { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false };
		const odp = odpNode(id(subId, 3), 'ODP', { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', options: odpOptions });
		const sub = {
			id: subId,
			name: 'Ledger e2e: 20,000 orders (sub-workflow)',
			nodes: [
				{ id: id(subId, 1), name: 'Called', type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: [0, 0], parameters: { inputSource: 'passthrough' } },
				{ id: id(subId, 2), name: 'Orders', type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode: killRowsCode } },
				// Failed orders stay on the main output (with an "error" field), so the summary sees every item.
				{ ...odp, onError: 'continueRegularOutput' },
				{ id: id(subId, 4), name: 'Summary', type: 'n8n-nodes-base.code', typeVersion: 2, position: [660, 0], parameters: { jsCode: summaryCode } },
			],
			connections: chain(['Called', 'Orders', 'ODP', 'Summary']),
			settings: { ...settings, callerPolicy: 'any' },
		};
		const parent = {
			id: parentId,
			name: 'Ledger e2e: 20,000 orders',
			nodes: [
				{ id: id(parentId, 1), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: id(parentId, 2),
					name: 'Send 20,000',
					type: 'n8n-nodes-base.executeWorkflow',
					typeVersion: 1.2,
					position: [220, 0],
					parameters: { source: 'database', workflowId: { __rl: true, mode: 'id', value: subId }, mode: 'once', options: { waitForSubWorkflow: true } },
				},
			],
			connections: chain(['Start', 'Send 20,000']),
			settings,
		};
		return { parent, sub };
	}

	const CLI_ENV = { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' };

	async function importKillWorkflows(odpOptions: Json, { replace = false } = {}): Promise<string> {
		const { parent, sub } = killWorkflows(odpOptions);
		if (replace) {
			// n8n refuses to import over a published workflow: unpublish, import the new version (same ids), publish.
			const unpublished = await harness.runN8n(home, ['unpublish:workflow', `--id=${sub.id}`]);
			if (unpublished.exitCode !== 0) throw new Error(`unpublish:workflow failed: ${unpublished.stdout}${unpublished.stderr}`);
		}
		await harness.importWorkflow(home, [sub, parent]);
		await harness.publishWorkflow(home, sub.id);
		return parent.id;
	}

	interface Summary {
		items: number;
		groups: Record<string, string[]>;
		errors: unknown[];
	}

	async function runKillWorkflow(parentId: string): Promise<{ summary: Summary; durationMs: number }> {
		const result = await harness.runN8n(home, ['execute', `--id=${parentId}`, '--rawOutput'], { env: CLI_ENV, timeoutMs: 4 * 60 * 1000 });
		const run = harness.parseRawOutput(result.stdout);
		const execution = { ...result, run, ok: result.exitCode === 0, error: run?.data?.resultData?.error } as ExecutionResult;
		if (run === undefined || execution.error) {
			throw new Error(`run failed (exit ${result.exitCode}): ${execution.error?.message ?? ''}\n${(result.stdout + result.stderr).slice(-4000)}`);
		}
		const [summary] = harness.nodeOutput(execution, 'Send 20,000') as Summary[];
		return { summary, durationMs: result.durationMs };
	}

	it(
		'4. kill -9 in the middle of 20,000 orders, re-run: none twice, the rest sent or in doubt; Resend Order IDs completes the set once each',
		async () => {
			const expectedIds = Array.from({ length: KILL_ORDERS }, (_, index) => String(KILL_FIRST_ID + index));
			const parentId = await importKillWorkflows({});

			// Run 1, slowed down, killed with SIGKILL when ODP has taken 20–80 % of the orders.
			sandbox.setFaults('odp', { latencyMs: KILL_LATENCY_MS });
			const started = Date.now();
			const child = spawn(harness.paths.nodeBinary, [harness.paths.n8nBin, 'execute', `--id=${parentId}`, '--rawOutput'], {
				cwd: home.dir,
				env: harness.n8nEnv(home, CLI_ENV),
				stdio: ['ignore', 'pipe', 'pipe'],
				// Its own process group: the kill reaches the JavaScript task runner it starts too.
				detached: true,
			});
			let log = '';
			const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20000));
			child.stdout!.on('data', keep);
			child.stderr!.on('data', keep);
			const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
				child.on('exit', (code, signal) => resolve({ code, signal })),
			);
			let exitedEarly: { code: number | null; signal: NodeJS.Signals | null } | undefined;
			void exited.then((result) => (exitedEarly = result));
			const pending = () => {
				const stats = sandbox.stats().vendors.odp;
				return stats.requests - stats.accepted - stats.rejected;
			};
			// Kill once 30 % of the orders are answered and several requests of the next window are at ODP,
			// unanswered. (Each window goes through mapBounded, which sends its first request alone and then
			// the rest on min(lanes, n − 1) lanes: at most 3 of a window's 4 requests are in flight together.)
			const killAtRequests = Math.ceil((0.3 * KILL_ORDERS) / KILL_BATCH); // 12 of 40 requests
			while (!exitedEarly && !(sandbox.stats().vendors.odp.accepted >= killAtRequests && pending() >= KILL_LANES - 1) && Date.now() - started < 3 * 60 * 1000) {
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			if (exitedEarly) throw new Error(`n8n execute ended before the kill: ${JSON.stringify(exitedEarly)}\n${log}`);
			process.kill(-child.pid!, 'SIGKILL');
			const acceptedAtKill = sandbox.stats().vendors.odp.accepted;
			// Orders of the requests ODP has received but not answered yet: n8n never sees their answer.
			const inFlightIds = sandbox
				.all('odp')
				.filter((record) => record.operation === 'events' && record.status === 0)
				.flatMap((record) => (record.body as Array<{ data: { order: { order_id: string } } }>).map((event) => String(event.data.order.order_id)));
			const killed = await exited;
			expect(killed.signal).toBe('SIGKILL');
			const killedAfterMs = Date.now() - started;
			// The test's own precondition: killed in the middle, not at the start or the end.
			expect(inFlightIds.length).toBeGreaterThan(0);
			expect(acceptedAtKill * KILL_BATCH).toBeGreaterThanOrEqual(0.2 * KILL_ORDERS);
			expect(acceptedAtKill * KILL_BATCH + inFlightIds.length).toBeLessThanOrEqual(0.8 * KILL_ORDERS);
			const progressLines = log.split('\n').filter((line) => /order-sync .*sent, .*skipped, .*failed/.test(line));

			// Requests in flight at the kill still reach ODP (they were sent); let them finish.
			sandbox.setFaults('odp', {});
			for (const until = Date.now() + 20_000; pending() > 0 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 100));
			expect(pending()).toBe(0);
			const afterKill = odpEventOrderIds(sandbox.received('odp'));
			expect(repeated(afterKill)).toEqual([]);

			// Run 2, no fault.
			const second = await runKillWorkflow(parentId);
			expect(second.summary.errors).toEqual([]);
			expect(second.summary.items).toBe(KILL_ORDERS);
			const afterSecond = odpEventOrderIds(sandbox.received('odp'));
			expect(repeated(afterSecond)).toEqual([]);
			const atOdp = new Set(afterSecond);
			const groups = second.summary.groups;
			expect(Object.keys(groups).filter((key) => !['skipped/inDoubt', 'skipped/sentBefore', 'sent/recorded'].includes(key))).toEqual([]);
			const inDoubt = groups['skipped/inDoubt'] ?? [];
			const sentBefore = groups['skipped/sentBefore'] ?? [];
			const sentNow = groups['sent/recorded'] ?? [];
			// Sent before = accepted before the kill; sent now = not at ODP before run 2.
			const beforeSecond = new Set(afterKill);
			expect(sentBefore.filter((id) => !beforeSecond.has(id))).toEqual([]);
			expect(sentNow.filter((id) => beforeSecond.has(id))).toEqual([]);
			// Every order is at ODP or reported in doubt.
			const inDoubtSet = new Set(inDoubt);
			expect(expectedIds.filter((id) => !atOdp.has(id) && !inDoubtSet.has(id))).toEqual([]);
			const inDoubtAtOdp = inDoubt.filter((id) => atOdp.has(id));
			const inDoubtMissing = inDoubt.filter((id) => !atOdp.has(id));
			// What was in flight at the kill reached ODP with no answer to n8n: in doubt, never sent again.
			expect(inFlightIds.filter((id) => !inDoubtSet.has(id))).toEqual([]);
			// In flight plus at most two windows claimed but not sent: 500 × 4 × 3.
			expect(inDoubt.length).toBeLessThanOrEqual(KILL_BATCH * KILL_LANES * 3);
			console.log(
				`case 4: killed after ${killedAfterMs} ms, ${acceptedAtKill} requests (${acceptedAtKill * KILL_BATCH} orders) answered, ` +
					`${inFlightIds.length} orders in flight; at ODP after the kill ${afterKill.length}; progress lines before the kill: ${progressLines.length}\n` +
					`re-run ${second.durationMs} ms: sentBefore ${sentBefore.length}, sent ${sentNow.length}, inDoubt ${inDoubt.length} ` +
					`(${inDoubtAtOdp.length} at ODP: in flight at the kill; ${inDoubtMissing.length} not: claimed, never sent)`,
			);

			// Run 3: resend exactly the in-doubt orders ODP does not have.
			await importKillWorkflows({ resendOrderIds: inDoubtMissing.join(',') }, { replace: true });
			const third = await runKillWorkflow(parentId);
			expect(third.summary.errors).toEqual([]);
			expect(third.summary.items).toBe(KILL_ORDERS);
			const afterThird = odpEventOrderIds(sandbox.received('odp'));
			expect(repeated(afterThird)).toEqual([]);
			expect(afterThird.length).toBe(KILL_ORDERS);
			expect(sorted(afterThird)).toEqual(sorted(expectedIds));
			expect(sorted(third.summary.groups['sent/recorded'] ?? [])).toEqual(sorted(inDoubtMissing));
			expect(sorted(third.summary.groups['skipped/inDoubt'] ?? [])).toEqual(sorted(inDoubtAtOdp));
			console.log(`case 4: third run (Resend Order IDs: ${inDoubtMissing.length} ids) ${third.durationMs} ms; groups ${JSON.stringify(Object.fromEntries(Object.entries(third.summary.groups).map(([key, ids]) => [key, ids.length])))}`);
		},
		CASE_TIMEOUT_MS,
	);

	// ---------------------------------------------------------------------------------------------
	it(
		'3. the same Shopify webhook delivered twice to a published workflow: ODP gets the order once, the second execution skips it',
		async () => {
			const workflowId = 'osLedgerOdpHook1';
			const path = 'ledger/shopify-orders-create';
			const body = dataText(examples.DATA_FILES.shopifyBody);
			const orderId = String(JSON.parse(body).id);
			await harness.importWorkflow(home, {
				id: workflowId,
				name: 'Ledger e2e: Shopify webhook → ODP',
				nodes: [
					{
						id: '7a2b3c4d-2e00-4000-8000-000000000001',
						name: 'Shopify orders/create',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2.1,
						position: [0, 0],
						webhookId: '7a2b3c4d-2e00-4000-8000-0000000000aa',
						// Answer with the ODP node's output item, so each delivery shows what the node did.
						parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
					},
					odpNode('7a2b3c4d-2e00-4000-8000-000000000002', 'ODP', {
						operation: 'sendOrderEvent',
						eventAction: 'purchase',
						orderSource: 'shopify',
						options: {},
					}, [300, 0]),
				],
				connections: { 'Shopify orders/create': { main: [[{ node: 'ODP', type: 'main', index: 0 }]] } },
			});
			await harness.publishWorkflow(home, workflowId);
			server = await harness.startN8n(home);
			await server.waitForWebhook(path);

			const deliver = async () => {
				const response = await fetch(`${server!.baseUrl}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' },
					body,
				});
				return { status: response.status, json: (await response.json()) as Json };
			};
			const first = await deliver();
			expect(first.status).toBe(200);
			expect([first.json.orderId, first.json.status, first.json.ledger]).toEqual([orderId, 'sent', 'recorded']);
			const requestsAfterFirst = sandbox.stats().vendors.odp.requests;
			expect(odpEventOrderIds(sandbox.received('odp'))).toEqual([orderId]);

			const second = await deliver();
			expect(second.status).toBe(200);
			expect([second.json.orderId, second.json.status, second.json.ledger]).toEqual([orderId, 'skipped', 'sentBefore']);
			expect(sandbox.stats().vendors.odp.requests).toBe(requestsAfterFirst);
			expect(odpEventOrderIds(sandbox.received('odp'))).toEqual([orderId]);
		},
		CASE_TIMEOUT_MS,
	);
});
