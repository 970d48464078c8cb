'use strict';
/**
 * `npm run bench`: every comparison in one run, side by side.
 *   1. Mapping: canonical orders through each vendor writer (and ERP rows through the reader) versus
 *      JSON.stringify of the same output objects.
 *   2. End to end in a real n8n 2.41.1 against the vendor sandbox on loopback, at 0 and 20 ms added
 *      latency: our node (defaults) / n8n's HTTP Request node (one request per order, as users do it
 *      today) / a raw keep-alive Node client sending our node's batches (the floor for "send") /
 *      a NoOp node on the same rows (the engine's floor).
 *   3. Memory: peak RSS of the n8n process for 100,000 orders through our node versus NoOp.
 *   4. Ledger (bench/ledger.js): cost per order of the sent-orders ledger at 0 / 100,000 / 1,000,000
 *      recorded orders. 5. Back-fill (opt-in, --backfill): 500,000 orders with the ledger on.
 * Writes a markdown report to stdout and to <out>/latest.md, with all numbers in <out>/latest.json;
 * when the ledger or back-fill ran, also <out>/ledger.md (+ ledger.json) with just those sections.
 *
 *   node bench/run.js [--smoke] [--out DIR] [--skip mapping,e2e,memory,ledger] [--only section|op,...] [--backfill]
 *                     [--ledger-latencies 0,20] [--keep-home]
 *   --only takes section names (mapping, e2e, memory, ledger, backfill: run only those) and/or
 *   operation keys (odpEvents, ...: the e2e operations measured).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const harness = require('../harness/n8n');
const { generateRows } = require('./lib/data');
const { OPERATIONS, nodeConcurrency, sandboxCredentials, batches } = require('./lib/operations');
const { directWorkflow, subWorkflowRun, TARGET, RUN_SUB } = require('./lib/workflows');
const runner = require('./lib/n8n-runner');
const rawClient = require('./lib/raw-client');
const { startSandbox } = require('./lib/sandbox');
const report = require('./lib/report');
const ledger = require('./ledger');

const REPO = path.resolve(__dirname, '..');
const FIRST_ORDER_ID = 1000000;

/**
 * Sizes and repetitions. One-request-per-order operations (Optimizely, eSputnik events) and the HTTP
 * Request baseline send one request per order through n8n's per-request machinery (several ms each),
 * so they are measured on fewer orders and scaled linearly to `reportOrders` (the report says so).
 */
const CONFIGS = {
	full: {
		mapping: { orders: 100000, lines: 3, runs: 5 },
		e2e: {
			latencies: [0, 20],
			lines: 3,
			reportOrders: 10000,
			bulkOrders: 10000,
			perOrderOrders: 500,
			httpOrders: 500,
			runs: { ours: 3, raw: 3, noop: 3, http: 1 },
		},
		memory: { orders: 100000, operation: 'odpEvents' },
		// 2,000 fresh orders per run (4 ODP requests); the ledger seeded with N recorded orders, 2 entries each (c|, s|; main since bd770f7).
		// One run at 1,000,000 (~35 s, its cost dwarfs the noise); 20 ms with --ledger-latencies 0,20 (+1.5 min).
		ledger: { orders: 2000, lines: 3, sizes: [0, 100000, 1000000], entriesPerOrder: 2, latencies: [0], runs: 3, runsBySize: { 1000000: 1 } },
		// Opt-in (--backfill): 500,000 orders = 1.5 million ERP rows, one sub-workflow execution per 50,000-order chunk.
		backfill: { orders: 500000, chunkOrders: 50000, lines: 3, latencyMs: 0, compareWithout: true, timeoutMinutes: 120 },
	},
	smoke: {
		mapping: { orders: 2000, lines: 3, runs: 1 },
		e2e: {
			latencies: [20],
			lines: 3,
			reportOrders: 20,
			bulkOrders: 20,
			perOrderOrders: 10,
			httpOrders: 10,
			runs: { ours: 1, raw: 1, noop: 1, http: 1 },
		},
		memory: undefined,
		ledger: { orders: 20, lines: 3, sizes: [0, 1000], entriesPerOrder: 2, latencies: [0], runs: 1 },
		backfill: { orders: 40, chunkOrders: 20, lines: 3, latencyMs: 0, compareWithout: false, timeoutMinutes: 10 },
	},
};

const SECTIONS = ['mapping', 'e2e', 'memory', 'ledger', 'backfill'];

function parseArgs(argv) {
	const args = { smoke: false, out: undefined, skip: new Set(), only: undefined, onlySections: new Set(), backfill: false, keepHome: false };
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		if (flag === '--smoke') args.smoke = true;
		else if (flag === '--out') args.out = path.resolve(argv[++i]);
		else if (flag === '--skip') for (const part of argv[++i].split(',')) args.skip.add(part);
		else if (flag === '--only') {
			const parts = argv[++i].split(',');
			for (const part of parts.filter((entry) => SECTIONS.includes(entry))) args.onlySections.add(part);
			const operations = parts.filter((entry) => !SECTIONS.includes(entry));
			if (operations.length > 0) args.only = operations;
		} else if (flag === '--backfill') args.backfill = true;
		else if (flag === '--ledger-latencies') args.ledgerLatencies = argv[++i].split(',').map(Number);
		else if (flag === '--keep-home') args.keepHome = true;
		else throw new Error(`unknown option ${flag}`);
	}
	// Whether a section runs: --only <sections> runs just those; otherwise all but --skip ones. The
	// back-fill (minutes of work) only with --backfill or --only backfill.
	args.wants = (section) => {
		if (args.onlySections.size > 0) return args.onlySections.has(section) || (section === 'backfill' && args.backfill);
		if (args.skip.has(section)) return false;
		if (section === 'memory' && args.skip.has('e2e')) return false;
		return section !== 'backfill' || args.backfill;
	};
	// Smoke runs never overwrite the committed results.
	args.out ??= args.smoke ? path.join(REPO, '.bench-results', 'smoke') : path.join(__dirname, 'results');
	return args;
}

const log = (line) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const median = (values) => {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${(result.stdout || '') + (result.stderr || '')}`.slice(-4000));
	return result.stdout;
}

/** An environment for npm without the npm_* variables of a parent `npm run` (as harness/n8n.js does). */
function npmEnv() {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
	return env;
}

function machineInfo() {
	const cpus = os.cpus();
	const n8nNode = fs.existsSync(harness.paths.nodeBinary) ? run(harness.paths.nodeBinary, ['-v']).trim() : undefined;
	let n8nVersion;
	try {
		n8nVersion = JSON.parse(fs.readFileSync(path.join(harness.paths.nodeModules, 'n8n', 'package.json'), 'utf8')).version;
	} catch {
		n8nVersion = undefined;
	}
	let commit;
	try {
		commit = run('git', ['rev-parse', '--short', 'HEAD']).trim();
		if (run('git', ['status', '--porcelain', '--untracked-files=no']).trim()) commit += ' (with uncommitted changes in the tree)';
	} catch {
		commit = undefined;
	}
	return {
		cores: cpus.length,
		cpuModel: cpus[0] ? cpus[0].model : 'unknown',
		memoryGb: Math.round(os.totalmem() / 1024 ** 3),
		os: `${os.type()} ${os.release()}`,
		benchNode: process.version,
		n8nNode,
		n8nVersion,
		commit,
		loadAverageAtStart: os.loadavg().map((value) => Number(value.toFixed(2))),
	};
}

// ---------------------------------------------------------------------------------------------
// 1. Mapping

function runMappingChild(nodeBinary, config) {
	return new Promise((resolve, reject) => {
		const child = spawn(
			nodeBinary,
			['--expose-gc', '--max-old-space-size=4096', path.join(__dirname, 'mapping.js'), '--json', '--orders', String(config.orders), '--lines', String(config.lines), '--runs', String(config.runs)],
			{ cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let out = '';
		let err = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.stderr.on('data', (chunk) => (err += chunk));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code !== 0) return reject(new Error(`mapping bench failed (${code}): ${err.slice(-3000)}`));
			resolve(JSON.parse(out.trim().split('\n').pop()));
		});
	});
}

async function mappingBench(config) {
	// On n8n's own Node, where the nodes run (the project's Node when n8n is not installed).
	const results = [];
	const binaries = fs.existsSync(harness.paths.nodeBinary) ? [[harness.paths.nodeBinary, "n8n's runtime"]] : [[process.execPath, 'project']];
	for (const [binary, role] of binaries) {
		log(`mapping: ${config.orders.toLocaleString('en-US')} orders × ${config.lines} lines, ${config.runs} run(s), ${role} Node`);
		const result = await runMappingChild(binary, config);
		results.push({ role, ...result });
	}
	return results;
}

// ---------------------------------------------------------------------------------------------
// 2. End to end

function ordersFor(operation, e2e) {
	return operation.bulk ? e2e.bulkOrders : e2e.perOrderOrders;
}

function workflowId(kind, operationKey, orders) {
	// n8n workflow ids: 16 characters, letters and digits.
	const text = `b${kind}${operationKey}${orders}`.replace(/[^A-Za-z0-9]/g, '');
	const hash = require('node:crypto').createHash('sha1').update(text).digest('hex');
	return `${text.slice(0, 8)}${hash.slice(0, 8)}`;
}

async function importWorkflows(home, workflows) {
	const file = path.join(home.dir, 'bench-workflows.json');
	fs.writeFileSync(file, JSON.stringify(workflows));
	const result = await harness.runN8n(home, ['import:workflow', `--input=${file}`]);
	fs.rmSync(file, { force: true });
	if (result.exitCode !== 0) throw new Error(`import:workflow failed: ${(result.stdout + result.stderr).slice(-3000)}`);
}

/** Checks that the sandbox took exactly the expected requests of the operation and refused none. */
function checkSandbox(stats, operation, expectedRequests, what) {
	const vendor = stats.vendors[operation.vendor];
	const got = vendor.byOperation[operation.sandboxOperation] || 0;
	if (got !== expectedRequests || vendor.rejected !== 0) {
		throw new Error(
			`${what}: the sandbox got ${got} ${operation.sandboxOperation} requests (expected ${expectedRequests}), ` +
				`${vendor.rejected} refused: ${JSON.stringify(vendor.byStatus)}`,
		);
	}
}

function summarizeRuns(runs, pick) {
	const values = runs.map(pick).filter((value) => typeof value === 'number');
	return { median: median(values), values };
}

async function e2eBench(e2e, memoryConfig, args, mapping, { home, sandbox, credentials }) {
	const operations = args.wants('e2e') ? OPERATIONS.filter((operation) => !args.only || args.only.includes(operation.key)) : [];
	{
		// Canonical orders (and the payloads the HTTP Request baseline sends) from the same rows the Code node makes.
		const maxOrders = Math.max(e2e.bulkOrders, e2e.perOrderOrders, e2e.httpOrders);
		const allOrders = mapping.readFlatRows(generateRows(maxOrders, e2e.lines, FIRST_ORDER_ID)).map((group) => group.order);

		const plan = [];
		const workflows = [];
		for (const operation of operations) {
			const credential = credentials[operation.credentialType];
			const orders = ordersFor(operation, e2e);
			const oursId = workflowId('ours', operation.key, orders);
			workflows.push(
				directWorkflow(
					oursId,
					`bench ours ${operation.key} ${orders}`,
					{ kind: 'rows', orders, lines: e2e.lines, firstOrderId: FIRST_ORDER_ID },
					{ kind: 'ours', operation, nodeType: home.nodeType(operation.nodeName), credential },
				),
			);
			const httpPath = typeof operation.httpBaseline.path === 'function' ? operation.httpBaseline.path(sandbox.credentials) : operation.httpBaseline.path;
			const httpId = workflowId('http', operation.key, e2e.httpOrders);
			workflows.push(
				directWorkflow(
					httpId,
					`bench http ${operation.key} ${e2e.httpOrders}`,
					{ kind: 'items', values: allOrders.slice(0, e2e.httpOrders).map((order) => operation.write(mapping, order)) },
					{ kind: 'http', operation, url: `${sandbox.url}${httpPath}`, credential },
				),
			);
			plan.push({ operation, orders, oursId, httpId });
		}
		// The engine floor on the bulk size (the one-request-per-order runs are dominated by their requests).
		const noopIds = new Map();
		for (const orders of operations.length > 0 ? [e2e.bulkOrders] : []) {
			const id = workflowId('noop', 'rows', orders);
			noopIds.set(orders, id);
			workflows.push(directWorkflow(id, `bench noop ${orders}`, { kind: 'rows', orders, lines: e2e.lines, firstOrderId: FIRST_ORDER_ID }, { kind: 'noop' }));
		}
		let memoryPlan;
		if (memoryConfig) {
			const operation = OPERATIONS.find((entry) => entry.key === memoryConfig.operation);
			const input = { kind: 'rows', orders: memoryConfig.orders, lines: e2e.lines, firstOrderId: FIRST_ORDER_ID };
			const ours = subWorkflowRun(workflowId('memo', operation.key, memoryConfig.orders), workflowId('mems', operation.key, memoryConfig.orders), 'bench memory ours', input, {
				kind: 'ours',
				operation,
				nodeType: home.nodeType(operation.nodeName),
				credential: credentials[operation.credentialType],
			});
			const noop = subWorkflowRun(workflowId('memo', 'noop', memoryConfig.orders), workflowId('mems', 'noop', memoryConfig.orders), 'bench memory noop', input, { kind: 'noop' });
			workflows.push(ours.sub, ours.parent, noop.sub, noop.parent);
			memoryPlan = { operation, ours, noop };
		}
		log(`e2e: importing ${workflows.length} workflows`);
		await importWorkflows(home, workflows);
		if (memoryPlan) {
			for (const pair of [memoryPlan.ours, memoryPlan.noop]) {
				const published = await harness.runN8n(home, ['publish:workflow', `--id=${pair.sub.id}`]);
				if (published.exitCode !== 0) throw new Error(`publish:workflow failed: ${(published.stdout + published.stderr).slice(-2000)}`);
			}
		}

		const results = { operations: [], noop: [], memory: undefined };
		const oursRuns = new Map();
		const httpRuns = new Map();
		const rawRuns = new Map();

		for (const latencyMs of e2e.latencies) {
			await sandbox.setLatency(latencyMs);
			for (const entry of plan) {
				const { operation, orders } = entry;
				const key = `${operation.key}@${latencyMs}`;
				const expectedRequests = Math.ceil(orders / operation.batchSize);
				const payloads = allOrders.slice(0, orders).map((order) => operation.write(mapping, order));
				const requests = batches(payloads, operation.batchSize).map((batch) => operation.request(batch, sandbox.credentials));
				const rows = generateRows(orders, e2e.lines, FIRST_ORDER_ID);
				oursRuns.set(key, []);
				rawRuns.set(key, []);
				for (let repeat = 0; repeat < Math.max(e2e.runs.ours, e2e.runs.raw); repeat++) {
					if (repeat < e2e.runs.ours) {
						await sandbox.reset();
						const execution = await runner.execute(home, entry.oursId);
						const stats = await sandbox.stats();
						checkSandbox(stats, operation, expectedRequests, `our node, ${key}`);
						const target = execution.nodes[TARGET];
						if (target.items !== orders * e2e.lines) throw new Error(`our node gave ${target.items} items for ${orders * e2e.lines} rows`);
						oursRuns.get(key).push({
							nodeMs: target.executionTimeMs,
							executionMs: execution.executionMs,
							inputMs: execution.nodes.Input.executionTimeMs,
							commandMs: execution.commandMs,
							startupMs: execution.startupMs,
							teardownMs: execution.teardownMs,
						});
						log(`  ours ${key} run ${repeat + 1}: node ${target.executionTimeMs} ms, execution ${execution.executionMs} ms, command ${execution.commandMs} ms`);
					}
					if (repeat < e2e.runs.raw) {
						await sandbox.reset();
						const raw = await rawClient.sendAll({ baseUrl: sandbox.url, vendor: operation.vendor, credentials: sandbox.credentials, requests, concurrency: nodeConcurrency(operation) });
						if (raw.failed > 0) throw new Error(`raw client ${key}: ${raw.failed} failed: ${JSON.stringify(raw.firstFailure).slice(0, 500)}`);
						checkSandbox(await sandbox.stats(), operation, expectedRequests, `raw client, ${key}`);
						// The same floor with the mapping done in it: rows → canonical orders → payloads → batches, then send.
						await sandbox.reset();
						const mapStarted = process.hrtime.bigint();
						const mapped = mapping.readFlatRows(rows).map((group) => operation.write(mapping, group.order));
						const mappedRequests = batches(mapped, operation.batchSize).map((batch) => operation.request(batch, sandbox.credentials));
						const mapMs = Number(process.hrtime.bigint() - mapStarted) / 1e6;
						const rawMapped = await rawClient.sendAll({ baseUrl: sandbox.url, vendor: operation.vendor, credentials: sandbox.credentials, requests: mappedRequests, concurrency: nodeConcurrency(operation) });
						if (rawMapped.failed > 0) throw new Error(`raw client (map + send) ${key}: ${rawMapped.failed} failed`);
						checkSandbox(await sandbox.stats(), operation, expectedRequests, `raw client (map + send), ${key}`);
						rawRuns.get(key).push({ wallMs: raw.wallMs, mapAndSendMs: mapMs + rawMapped.wallMs });
						log(`  raw  ${key} run ${repeat + 1}: send ${Math.round(raw.wallMs)} ms, map + send ${Math.round(mapMs + rawMapped.wallMs)} ms`);
					}
				}
				httpRuns.set(key, []);
				for (let repeat = 0; repeat < e2e.runs.http; repeat++) {
					await sandbox.reset();
					const execution = await runner.execute(home, entry.httpId);
					checkSandbox(await sandbox.stats(), operation, e2e.httpOrders, `HTTP Request node, ${key}`);
					const target = execution.nodes[TARGET];
					if (target.items !== e2e.httpOrders) throw new Error(`HTTP Request node gave ${target.items} items for ${e2e.httpOrders} orders`);
					httpRuns.get(key).push({
						nodeMs: target.executionTimeMs,
						executionMs: execution.executionMs,
						inputMs: execution.nodes.Input.executionTimeMs,
						commandMs: execution.commandMs,
					});
					log(`  http ${key} run ${repeat + 1}: node ${target.executionTimeMs} ms, execution ${execution.executionMs} ms (${e2e.httpOrders} orders)`);
				}
				const scale = e2e.reportOrders / orders;
				const httpScale = e2e.reportOrders / e2e.httpOrders;
				results.operations.push({
					key: operation.key,
					label: operation.label,
					latencyMs,
					bulk: operation.bulk,
					batchSize: operation.batchSize,
					concurrency: nodeConcurrency(operation),
					orders,
					requests: expectedRequests,
					scale,
					httpOrders: e2e.httpOrders,
					httpScale,
					ours: {
						nodeMs: summarizeRuns(oursRuns.get(key), (r) => r.nodeMs),
						executionMs: summarizeRuns(oursRuns.get(key), (r) => r.executionMs),
						inputMs: summarizeRuns(oursRuns.get(key), (r) => r.inputMs),
						commandMs: summarizeRuns(oursRuns.get(key), (r) => r.commandMs),
						startupMs: summarizeRuns(oursRuns.get(key), (r) => r.startupMs),
						teardownMs: summarizeRuns(oursRuns.get(key), (r) => r.teardownMs),
					},
					raw: {
						wallMs: summarizeRuns(rawRuns.get(key), (r) => r.wallMs),
						mapAndSendMs: summarizeRuns(rawRuns.get(key), (r) => r.mapAndSendMs),
					},
					http: {
						nodeMs: summarizeRuns(httpRuns.get(key), (r) => r.nodeMs),
						executionMs: summarizeRuns(httpRuns.get(key), (r) => r.executionMs),
						inputMs: summarizeRuns(httpRuns.get(key), (r) => r.inputMs),
						commandMs: summarizeRuns(httpRuns.get(key), (r) => r.commandMs),
					},
				});
			}
		}

		// The engine's floor: the same Code node rows into a NoOp node (no vendor, so latency does not apply).
		for (const [orders, id] of noopIds) {
			const runs = [];
			for (let repeat = 0; repeat < e2e.runs.noop; repeat++) {
				const execution = await runner.execute(home, id);
				runs.push({ nodeMs: execution.nodes[TARGET].executionTimeMs, executionMs: execution.executionMs, inputMs: execution.nodes.Input.executionTimeMs, commandMs: execution.commandMs });
				log(`  noop ${orders} orders run ${repeat + 1}: node ${execution.nodes[TARGET].executionTimeMs} ms, execution ${execution.executionMs} ms, command ${execution.commandMs} ms`);
			}
			results.noop.push({
				orders,
				rows: orders * e2e.lines,
				nodeMs: summarizeRuns(runs, (r) => r.nodeMs),
				executionMs: summarizeRuns(runs, (r) => r.executionMs),
				inputMs: summarizeRuns(runs, (r) => r.inputMs),
				commandMs: summarizeRuns(runs, (r) => r.commandMs),
			});
		}

		// 3. Memory (full runs only): one run each, sampled; 0 ms latency.
		if (memoryPlan) {
			await sandbox.setLatency(0);
			const memoryRuns = {};
			for (const [name, pair] of [['ours', memoryPlan.ours], ['noop', memoryPlan.noop]]) {
				await sandbox.reset();
				log(`memory: ${memoryConfig.orders.toLocaleString('en-US')} orders through ${name === 'ours' ? memoryPlan.operation.label : 'NoOp'}`);
				const execution = await runner.execute(home, pair.parent.id, {
					sampleMemory: true,
					env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' },
				});
				if (name === 'ours') checkSandbox(await sandbox.stats(), memoryPlan.operation, Math.ceil(memoryConfig.orders / memoryPlan.operation.batchSize), 'memory run');
				memoryRuns[name] = { executionMs: execution.executionMs, commandMs: execution.commandMs, subWorkflowMs: execution.nodes[RUN_SUB].executionTimeMs, ...execution.memory };
				log(`  ${name}: execution ${execution.executionMs} ms, main RSS peak ${Math.round(execution.memory.mainPeakDuringExecutionKb / 1024)} MiB`);
			}
			results.memory = { orders: memoryConfig.orders, rows: memoryConfig.orders * e2e.lines, operation: memoryPlan.operation.label, runs: memoryRuns };
		}
		return results;
	}
}

/** The vendor sandbox and one n8n home with our package and the sandbox credentials, shared by every n8n section. */
async function sharedN8n() {
	log('starting the vendor sandbox');
	const sandbox = await startSandbox();
	const credentials = sandboxCredentials(sandbox);
	try {
		log('building and packing the package, preparing an n8n home (npm run build, npm pack, credentials)');
		const home = await runner.prepareHome(Object.values(credentials));
		return { sandbox, credentials, home, log };
	} catch (error) {
		await sandbox.close();
		throw error;
	}
}

// ---------------------------------------------------------------------------------------------

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const config = args.smoke ? CONFIGS.smoke : CONFIGS.full;
	const startedAt = Date.now();
	log(`${args.smoke ? 'smoke' : 'full'} run; results go to ${args.out}`);

	log('building: npm run build:tools (sandbox); the package is built by npm run build before packing');
	run('npm', ['run', 'build:tools', '--silent'], { env: npmEnv() });
	const n8nSections = ['e2e', 'memory', 'ledger', 'backfill'].filter((section) => args.wants(section));
	if (n8nSections.length === 0) run('npm', ['run', 'build', '--silent'], { env: npmEnv() });
	else {
		log('installing the real n8n if needed (harness/install.js)');
		await harness.ensureN8n();
	}
	const machine = machineInfo();

	const results = { kind: args.smoke ? 'smoke' : 'full', config, machine, startedAt: new Date(startedAt).toISOString(), sections: SECTIONS.filter((section) => args.wants(section)) };
	if (n8nSections.length > 0) {
		// npm run build happens here (packPackage); the mapping bench below uses the same dist/.
		const shared = await sharedN8n();
		try {
			if (args.wants('e2e') || args.wants('memory')) {
				const mapping = () => require(path.join(REPO, 'dist', 'mapping'));
				results.e2e = await e2eBench(config.e2e, args.wants('memory') ? config.memory : undefined, args, lazyMapping(mapping), shared);
			}
			if (args.ledgerLatencies) config.ledger = { ...config.ledger, latencies: args.ledgerLatencies };
			if (args.wants('ledger')) results.ledger = await ledger.ledgerBench(config.ledger, shared);
			if (args.wants('backfill')) results.backfill = await ledger.backfillBench(config.backfill, shared);
		} finally {
			await shared.sandbox.close();
			if (args.keepHome) log(`n8n home kept at ${shared.home.dir}`);
			else harness.removeN8nHome(shared.home);
		}
	}
	if (args.wants('mapping')) results.mapping = await mappingBench(config.mapping);
	results.machine.loadAverageAtEnd = os.loadavg().map((value) => Number(value.toFixed(2)));
	results.totalSeconds = (Date.now() - startedAt) / 1000;

	const markdown = report.markdown(results);
	fs.mkdirSync(args.out, { recursive: true });
	fs.writeFileSync(path.join(args.out, 'latest.md'), markdown);
	fs.writeFileSync(path.join(args.out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
	if (results.ledger || results.backfill) {
		fs.writeFileSync(path.join(args.out, 'ledger.md'), report.ledgerReport(results));
		fs.writeFileSync(path.join(args.out, 'ledger.json'), JSON.stringify({ kind: results.kind, machine: results.machine, startedAt: results.startedAt, totalSeconds: results.totalSeconds, config: { ledger: config.ledger, backfill: config.backfill }, ledger: results.ledger, backfill: results.backfill }, null, 2) + '\n');
	}
	process.stdout.write(markdown);
	log(`done in ${results.totalSeconds.toFixed(0)} s; wrote ${path.join(args.out, 'latest.md')} and latest.json`);
}

/** The compiled mapping library, loaded on first use (after npm run build has written dist/). */
function lazyMapping(load) {
	const names = ['readFlatRows', 'toOptimizelyRecsOrder', 'toAlgonomyOrder', 'toEsputnikOrderEvent', 'toEsputnikOrder', 'toOdpOrderEvent', 'toOdpOrderObject'];
	const lazy = {};
	for (const name of names) lazy[name] = (...values) => load()[name](...values);
	return lazy;
}

main().catch((error) => {
	log(`FAILED: ${error.stack || error.message}`);
	process.exitCode = 1;
});
