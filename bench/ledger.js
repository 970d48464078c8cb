'use strict';
/**
 * The sent-orders ledger (issue 13, nodes/shared/ledger.ts) in a real n8n, for `bench/run.js`:
 *
 * 1. Cost per order (`ledgerBench`): ODP "Send Order Event" over fresh orders (every order ID tagged
 *    per execution, so nothing is skipped) with options.skipSentBefore = true versus false, the
 *    ledger holding 0 / 100,000 / 1,000,000 recorded orders before each run. The ledger row
 *    (processed_data) is written straight into the home's SQLite database by lib/ledger-db.js
 *    before every ledger run, so each starts at exactly that size.
 * 2. Back-fill (`backfillBench`, opt-in): 500,000 orders (1.5 million ERP rows) through the ODP node
 *    with the ledger on, split the way the README tells users: one sub-workflow execution per chunk
 *    (Execute Workflow, "Run once for each item"), all chunks sharing the sub-workflow node's ledger.
 *    Peak RSS of the n8n process (and its task runner) and the total time; optionally the same with
 *    the ledger off.
 */
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const harness = require('../harness/n8n');
const { freshRowsCodeNodeSource, chunkRowsCodeNodeSource } = require('./lib/data');
const { OPERATIONS } = require('./lib/operations');
const { directWorkflow, nodeId, chain, inputNode, targetNode, START, TARGET, FIRST, RUN_SUB } = require('./lib/workflows');
const runner = require('./lib/n8n-runner');

const REPO = path.resolve(__dirname, '..');
const OPERATION = OPERATIONS.find((entry) => entry.key === 'odpEvents');
const FIRST_ORDER_ID = 1000000;
const CHUNKS = 'Chunks';

const median = (values) => {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const summarize = (values) => ({ median: median(values), values });

function workflowIdOf(text) {
	const clean = text.replace(/[^A-Za-z0-9]/g, '');
	return `${clean.slice(0, 8)}${crypto.createHash('sha1').update(clean).digest('hex').slice(0, 8)}`;
}

/** lib/ledger-db.js on n8n's Node 24 (its sqlite3 build). */
function ledgerDb(home, request) {
	const db = path.join(home.dir, '.n8n', 'database.sqlite');
	return new Promise((resolve, reject) => {
		const child = spawn(harness.paths.nodeBinary, ['--max-old-space-size=4096', path.join(__dirname, 'lib', 'ledger-db.js'), JSON.stringify({ db, ...request })], {
			cwd: REPO,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`ledger-db ${request.op} failed (${code}): ${err.slice(-2000)}`))));
	});
}

/**
 * The ODP node's default version and whether it has the ledger options (read from the built
 * package): the ledger bench means nothing against a build without them.
 */
function odpNodeInfo() {
	const { OptimizelyDataPlatform } = require(path.join(REPO, 'dist', 'nodes', 'OptimizelyDataPlatform', 'OptimizelyDataPlatform.node.js'));
	const description = new OptimizelyDataPlatform().description;
	const options = description.properties.find((property) => property.name === 'options');
	const names = new Set(((options && options.options) || []).map((option) => option.name));
	return { defaultVersion: description.defaultVersion ?? Math.max(...[].concat(description.version)), hasLedger: names.has('skipSentBefore') };
}

function assertLedgerBuild(info) {
	if (!info.hasLedger) {
		throw new Error(
			'the built ODP node has no "skipSentBefore" option: the ledger (issue 13) is not in this tree. Merge main with the ledger first, or run with --skip ledger.',
		);
	}
}

/** ODP Send Order Event with the given extra options. */
function odpWith(options) {
	return { ...OPERATION, parameters: { ...OPERATION.parameters, options } };
}

function outputItems(execution, name = TARGET) {
	const runs = execution.run.data.resultData.runData[name];
	const last = runs[runs.length - 1];
	return (last.data && last.data.main && last.data.main[0]) || [];
}

/** Every output item says the order was sent; with the ledger on, also that it was recorded. */
function checkOutput(items, expectedItems, ledgerOn, what) {
	if (items.length !== expectedItems) throw new Error(`${what}: ${items.length} output items, expected ${expectedItems}`);
	const counts = {};
	for (const item of items) {
		const key = `${item.json.status}/${item.json.ledger}`;
		counts[key] = (counts[key] || 0) + 1;
	}
	// Ledger off: sent, and no item claims it was recorded (the spec adds no ledger field then).
	const good = ledgerOn ? counts['sent/recorded'] || 0 : items.filter((item) => item.json.status === 'sent' && item.json.ledger !== 'recorded').length;
	if (good !== expectedItems) {
		throw new Error(
			`${what}: expected every item ${ledgerOn ? '"sent/recorded"' : 'sent and not recorded'} (status/ledger), got ${JSON.stringify(counts)}; first item: ${JSON.stringify(items[0] && items[0].json).slice(0, 800)}`,
		);
	}
}

function checkRequests(stats, expected, what) {
	const vendor = stats.vendors[OPERATION.vendor];
	const got = vendor.byOperation[OPERATION.sandboxOperation] || 0;
	if (got !== expected || vendor.rejected !== 0) {
		throw new Error(`${what}: the sandbox got ${got} ${OPERATION.sandboxOperation} requests (expected ${expected}), ${vendor.rejected} refused: ${JSON.stringify(vendor.byStatus)}`);
	}
}

// ---------------------------------------------------------------------------------------------
// 1. Cost per order at several ledger sizes

/**
 * config: { orders, lines, sizes: [recorded orders], entriesPerOrder, latencies, runs, runsBySize?: { [size]: runs } }
 * shared: { home, sandbox, credentials, log }
 */
async function ledgerBench(config, { home, sandbox, credentials, log }) {
	const info = odpNodeInfo();
	assertLedgerBuild(info);
	const credential = credentials[OPERATION.credentialType];
	const input = { kind: 'code', jsCode: freshRowsCodeNodeSource(config.orders, config.lines, FIRST_ORDER_ID) };
	const target = (options) => ({ kind: 'ours', operation: odpWith(options), nodeType: home.nodeType(OPERATION.nodeName), credential, typeVersion: info.defaultVersion });
	const onId = workflowIdOf(`bledgeron${config.orders}`);
	const offId = workflowIdOf(`bledgeroff${config.orders}`);
	log(`ledger: importing 2 workflows (ODP node v${info.defaultVersion}, ${config.orders.toLocaleString('en-US')} fresh orders per run)`);
	const file = path.join(home.dir, 'bench-ledger-workflows.json');
	require('node:fs').writeFileSync(
		file,
		JSON.stringify([
			directWorkflow(onId, `bench ledger on ${config.orders}`, input, target({ skipSentBefore: true })),
			directWorkflow(offId, `bench ledger off ${config.orders}`, input, target({ skipSentBefore: false })),
		]),
	);
	const imported = await harness.runN8n(home, ['import:workflow', `--input=${file}`]);
	require('node:fs').rmSync(file, { force: true });
	if (imported.exitCode !== 0) throw new Error(`import:workflow failed: ${(imported.stdout + imported.stderr).slice(-3000)}`);

	const context = `n:${nodeId(onId, TARGET)}`;
	const schema = await ledgerDb(home, { op: 'schema' });
	const expectedColumns = ['workflowId', 'context', 'createdAt', 'updatedAt', 'value'];
	const columnNames = schema.columns.map((column) => column.name);
	if (!expectedColumns.every((name) => columnNames.includes(name))) throw new Error(`processed_data has columns ${columnNames.join(', ')}; expected ${expectedColumns.join(', ')}`);

	const expectedItems = config.orders * config.lines;
	const expectedRequests = Math.ceil(config.orders / OPERATION.batchSize);
	const results = { orders: config.orders, lines: config.lines, nodeVersion: info.defaultVersion, entriesPerOrder: config.entriesPerOrder, schema: schema.columns, latencies: [] };

	const timed = async (id, ledgerOn, what) => {
		await sandbox.reset();
		const execution = await runner.execute(home, id);
		checkRequests(await sandbox.stats(), expectedRequests, what);
		checkOutput(outputItems(execution), expectedItems, ledgerOn, what);
		return { nodeMs: execution.nodes[TARGET].executionTimeMs, executionMs: execution.executionMs, commandMs: execution.commandMs };
	};

	const storeCalls = new Map();
	for (const latencyMs of config.latencies) {
		await sandbox.setLatency(latencyMs);
		const off = [];
		const bySize = new Map(config.sizes.map((size) => [size, { runs: [], seed: undefined, entriesAdded: [], storeCall: storeCalls.get(size) }]));
		for (let repeat = 0; repeat < config.runs; repeat++) {
			const runOff = await timed(offId, false, `ledger off, ${latencyMs} ms`);
			off.push(runOff);
			log(`  ledger off @${latencyMs} ms run ${repeat + 1}: node ${runOff.nodeMs} ms, execution ${runOff.executionMs} ms`);
			for (const size of config.sizes) {
				if (repeat >= ((config.runsBySize && config.runsBySize[size]) ?? config.runs)) continue;
				const entry = bySize.get(size);
				const seed = await ledgerDb(home, { op: 'seed', workflowId: onId, context, orders: size, entriesPerOrder: config.entriesPerOrder, tag: `s${size}` });
				entry.seed = seed;
				// What one store call costs at this size, outside n8n (the first repeat only).
				if (repeat === 0 && latencyMs === config.latencies[0]) entry.storeCall = await ledgerDb(home, { op: 'storeCall', workflowId: onId, context, keys: 2 * config.orders });
				const run = await timed(onId, true, `ledger on (${size} recorded orders), ${latencyMs} ms`);
				const after = await ledgerDb(home, { op: 'count', workflowId: onId, context });
				entry.entriesAdded.push(after.entries - seed.entries);
				if (entry.storeCall) storeCalls.set(size, entry.storeCall);
				entry.bytesAfter = after.bytes;
				entry.runs.push(run);
				log(`  ledger on  @${latencyMs} ms, ${size.toLocaleString('en-US')} recorded, run ${repeat + 1}: node ${run.nodeMs} ms, execution ${run.executionMs} ms (+${after.entries - seed.entries} entries)`);
			}
		}
		const offNode = summarize(off.map((r) => r.nodeMs));
		const offExecution = summarize(off.map((r) => r.executionMs));
		results.latencies.push({
			latencyMs,
			off: { nodeMs: offNode, executionMs: offExecution },
			sizes: config.sizes.map((size) => {
				const entry = bySize.get(size);
				const nodeMs = summarize(entry.runs.map((r) => r.nodeMs));
				const executionMs = summarize(entry.runs.map((r) => r.executionMs));
				return {
					recordedOrders: size,
					seededEntries: entry.seed.entries,
					seededBytes: entry.seed.bytes,
					storeCall: entry.storeCall,
					bytesAfter: entry.bytesAfter,
					entriesAddedPerOrder: median(entry.entriesAdded) / config.orders,
					nodeMs,
					executionMs,
					costPerOrderMs: (nodeMs.median - offNode.median) / config.orders,
					costPerOrderExecutionMs: (executionMs.median - offExecution.median) / config.orders,
					ratio: nodeMs.median / offNode.median,
					ratioExecution: executionMs.median / offExecution.median,
				};
			}),
		});
	}
	// Leave no 81 MB row behind in a kept home.
	await ledgerDb(home, { op: 'seed', workflowId: onId, context, orders: 0, entriesPerOrder: config.entriesPerOrder });
	return results;
}

// ---------------------------------------------------------------------------------------------
// 2. Back-fill

/** Parent: Manual Trigger → Chunks (one item per chunk) → Execute Workflow (once per item, waits) → sub: rows → ODP → Limit 1. */
function backfillWorkflows(config, ledgerOn, home, credential, nodeVersion) {
	const suffix = `${ledgerOn ? 'on' : 'off'}${config.orders}x${config.chunkOrders}`;
	const subId = workflowIdOf(`bbfsub${suffix}`);
	const parentId = workflowIdOf(`bbfpar${suffix}`);
	const chunks = [];
	for (let first = 0; first < config.orders; first += config.chunkOrders) {
		chunks.push({ firstOrderId: FIRST_ORDER_ID + first, orders: Math.min(config.chunkOrders, config.orders - first) });
	}
	const sub = {
		id: subId,
		name: `bench back-fill ${suffix} (one chunk)`,
		nodes: [
			{ id: nodeId(subId, START), name: START, type: 'n8n-nodes-base.executeWorkflowTrigger', typeVersion: 1.1, position: [0, 0], parameters: { inputSource: 'passthrough' } },
			inputNode(subId, { kind: 'code', jsCode: chunkRowsCodeNodeSource(config.lines) }),
			targetNode(subId, { kind: 'ours', operation: odpWith({ skipSentBefore: ledgerOn }), nodeType: home.nodeType(OPERATION.nodeName), credential, typeVersion: nodeVersion }),
			{ id: nodeId(subId, FIRST), name: FIRST, type: 'n8n-nodes-base.limit', typeVersion: 1, position: [660, 0], parameters: { maxItems: 1 } },
		],
		connections: chain([START, 'Input', TARGET, FIRST]),
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false, callerPolicy: 'any' },
	};
	const parent = {
		id: parentId,
		name: `bench back-fill ${suffix}`,
		nodes: [
			{ id: nodeId(parentId, START), name: START, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: nodeId(parentId, CHUNKS),
				name: CHUNKS,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: `return ${JSON.stringify(chunks)}.map((json) => ({ json }));` },
			},
			{
				id: nodeId(parentId, RUN_SUB),
				name: RUN_SUB,
				type: 'n8n-nodes-base.executeWorkflow',
				typeVersion: 1.2,
				position: [440, 0],
				parameters: { source: 'database', workflowId: { __rl: true, mode: 'id', value: subId }, mode: 'each', options: { waitForSubWorkflow: true } },
			},
		],
		connections: chain([START, CHUNKS, RUN_SUB]),
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false },
	};
	return { sub, parent, chunks, context: `n:${nodeId(subId, TARGET)}` };
}

/** config: { orders, chunkOrders, lines, compareWithout } */
async function backfillBench(config, { home, sandbox, credentials, log }) {
	const info = odpNodeInfo();
	assertLedgerBuild(info);
	const credential = credentials[OPERATION.credentialType];
	const variants = config.compareWithout ? [true, false] : [true];
	const plans = variants.map((ledgerOn) => ({ ledgerOn, ...backfillWorkflows(config, ledgerOn, home, credential, info.defaultVersion) }));
	const file = path.join(home.dir, 'bench-backfill-workflows.json');
	require('node:fs').writeFileSync(file, JSON.stringify(plans.flatMap((plan) => [plan.sub, plan.parent])));
	const imported = await harness.runN8n(home, ['import:workflow', `--input=${file}`]);
	require('node:fs').rmSync(file, { force: true });
	if (imported.exitCode !== 0) throw new Error(`import:workflow failed: ${(imported.stdout + imported.stderr).slice(-3000)}`);
	for (const plan of plans) {
		const published = await harness.runN8n(home, ['publish:workflow', `--id=${plan.sub.id}`]);
		if (published.exitCode !== 0) throw new Error(`publish:workflow failed: ${(published.stdout + published.stderr).slice(-2000)}`);
	}
	await sandbox.setLatency(config.latencyMs ?? 0);
	const results = { orders: config.orders, rows: config.orders * config.lines, chunkOrders: config.chunkOrders, chunks: plans[0].chunks.length, latencyMs: config.latencyMs ?? 0, nodeVersion: info.defaultVersion, runs: [] };
	for (const plan of plans) {
		await sandbox.reset();
		await ledgerDb(home, { op: 'seed', workflowId: plan.sub.id, context: plan.context, orders: 0, entriesPerOrder: 2 });
		log(`back-fill: ${config.orders.toLocaleString('en-US')} orders in ${plan.chunks.length} chunks of ${config.chunkOrders.toLocaleString('en-US')}, ledger ${plan.ledgerOn ? 'on' : 'off'}`);
		const execution = await runner.execute(home, plan.parent.id, {
			sampleMemory: true,
			timeoutMs: (config.timeoutMinutes ?? 90) * 60 * 1000,
			env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' },
		});
		const expectedRequests = plan.chunks.reduce((sum, chunk) => sum + Math.ceil(chunk.orders / OPERATION.batchSize), 0);
		checkRequests(await sandbox.stats(), expectedRequests, `back-fill, ledger ${plan.ledgerOn ? 'on' : 'off'}`);
		// One item back per chunk: the first output item of the ODP node in that chunk.
		const back = outputItems(execution, RUN_SUB);
		if (back.length !== plan.chunks.length) throw new Error(`back-fill: ${back.length} items back from ${plan.chunks.length} chunks`);
		for (const item of back) {
			if (item.json.status !== 'sent' || (plan.ledgerOn && item.json.ledger !== 'recorded')) throw new Error(`back-fill: a chunk's first item is ${JSON.stringify(item.json).slice(0, 600)}`);
		}
		const ledger = await ledgerDb(home, { op: 'count', workflowId: plan.sub.id, context: plan.context });
		const run = {
			ledgerOn: plan.ledgerOn,
			executionMs: execution.executionMs,
			commandMs: execution.commandMs,
			ordersPerSecond: config.orders / (execution.executionMs / 1000),
			requests: expectedRequests,
			ledgerEntries: ledger.entries,
			ledgerBytes: ledger.bytes,
			...execution.memory,
		};
		results.runs.push(run);
		log(`  ledger ${plan.ledgerOn ? 'on' : 'off'}: execution ${(execution.executionMs / 1000).toFixed(1)} s, n8n peak RSS ${Math.round(execution.memory.mainPeakDuringExecutionKb / 1024)} MiB, tree ${Math.round(execution.memory.treePeakDuringExecutionKb / 1024)} MiB, ledger ${ledger.entries} entries`);
		await ledgerDb(home, { op: 'seed', workflowId: plan.sub.id, context: plan.context, orders: 0, entriesPerOrder: 2 });
	}
	return results;
}

module.exports = { ledgerBench, backfillBench, odpNodeInfo, ledgerDb };
