'use strict';
/**
 * `npm run demo -- --queue`: the two webhook examples (Shopify, WooCommerce → four vendors) in n8n's
 * queue mode, through harness/queue.js: a throw-away Postgres and redis-server on loopback, n8n main
 * and two `n8n worker` processes, our package installed on every one of them (community package,
 * unpacked into each process's ~/.n8n/nodes). The webhook workflows are published on main; the demo
 * posts `orders` distinct orders to each production webhook and waits until the workers have run
 * them. Checked: every vendor accepted one data request per order, nothing refused but 429s, every
 * execution ran on a worker, both workers ran some, main none.
 * Resolves with a report object ({ problems: [] } when all is well).
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const harness = require('../../harness/n8n');
const queue = require('../../harness/queue');
const examples = require('./examples');
const report = require('./report');
const { ensureProjectDependencies, dataDir, elapsed, REPO_ROOT } = require('./setup');

const WEBHOOKS = [
	{ key: 'shopify', path: 'order-sync/shopify/orders-create', headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' } },
	{ key: 'wooCommerce', path: 'order-sync/woocommerce/order-created', headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created' } },
];

/** The sample body of an example with order number `index` (its own ids, so every order is new). */
function sampleBody(key, index) {
	if (key === 'shopify') {
		const body = JSON.parse(fs.readFileSync(path.join(examples.DATA_DIR, examples.DATA_FILES.shopifyBody), 'utf8'));
		const id = 7300000000 + index;
		return { ...body, id, admin_graphql_api_id: `gid://shopify/Order/${id}`, name: `#D${index}`, order_number: 60000 + index };
	}
	const body = JSON.parse(fs.readFileSync(path.join(examples.DATA_DIR, examples.DATA_FILES.wooCommerceBody), 'utf8'));
	return { ...body, id: 830000 + index, number: String(830000 + index), order_key: `wc_order_demo${index}` };
}

async function runQueueDemo({ log, orders = 20, workers = 2 }) {
	const started = Date.now();
	await ensureProjectDependencies(log);
	const missing = queue.missingBinaries();
	if (missing.length) {
		log(`installing ${missing.join(', ')} (scripts/ensure-queue-deps.sh)`);
		execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'ensure-queue-deps.sh')], { stdio: 'inherit' });
	}
	if (!harness.isN8nInstalled()) log('installing a real n8n 2.41.1 into .harness/ (once; about 5–7 minutes)');
	await harness.ensureN8n();
	log('building the package and the sandbox');
	execFileSync('npm', ['run', 'build:tools', '--silent'], { cwd: REPO_ROOT, stdio: 'pipe' });
	// eslint-disable-next-line global-require
	const { startSandbox } = require(path.join(REPO_ROOT, 'build', 'sandbox'));
	const tarball = await harness.packPackage();
	const sandbox = await startSandbox({ port: 0, quiet: true });
	let setup;
	try {
		log(`starting Postgres, Redis, n8n main and ${workers} workers (package installed on each)`);
		const setupStarted = Date.now();
		setup = await queue.startQueueMode({
			tarball,
			workers,
			concurrency: 5,
			setup: async (home) => {
				await harness.importCredentials(home, examples.sandboxCredentials(sandbox));
				const webhookExamples = examples
					.loadExamples()
					.filter((entry) => WEBHOOKS.some((webhook) => webhook.key === entry.key))
					.map((entry) => examples.adaptWorkflow(entry.workflow, { nodeTypePrefix: home.nodeTypePrefix, dataDir: dataDir() }));
				await harness.importWorkflow(home, webhookExamples);
				for (const workflow of webhookExamples) await harness.publishWorkflow(home, workflow.id);
			},
		});
		for (const webhook of WEBHOOKS) await setup.main.waitForWebhook(webhook.path);
		const setupMs = Date.now() - setupStarted;
		log(`queue mode ready in ${elapsed(setupStarted)}; posting ${orders} orders to each of the ${WEBHOOKS.length} webhooks`);

		const finished = () => setup.workers.flatMap((worker) => queue.finishedExecutionIds(worker.process.output()));
		const postStarted = Date.now();
		const statuses = [];
		for (let start = 0; start < orders; start += 10) {
			const batch = [];
			for (let index = start; index < Math.min(orders, start + 10); index++) {
				for (const webhook of WEBHOOKS) {
					batch.push(
						fetch(`${setup.main.baseUrl}/webhook/${webhook.path}`, { method: 'POST', headers: webhook.headers, body: JSON.stringify(sampleBody(webhook.key, index)) }).then(
							async (response) => `${response.status} ${(await response.text()).slice(0, 200)}`,
						),
					);
				}
			}
			statuses.push(...(await Promise.all(batch)));
		}
		const executions = orders * WEBHOOKS.length;
		const until = Date.now() + 5 * 60 * 1000;
		while (finished().length < executions && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 500));
		const runMs = Date.now() - postStarted;

		const perWorker = setup.workers.map((worker) => queue.startedExecutionIds(worker.process.output()).length);
		const sandboxSummary = report.summarizeSandbox(sandbox);
		const problems = [];
		const refusedPosts = statuses.filter((status) => !status.startsWith('200 '));
		if (refusedPosts.length) problems.push(`${refusedPosts.length} webhook posts were not answered 200 (first: ${refusedPosts[0]})`);
		if (finished().length !== executions) problems.push(`${finished().length} of ${executions} executions finished on the workers`);
		if (perWorker.filter((count) => count > 0).length !== workers) problems.push(`executions per worker ${perWorker.join(' + ')}: not every worker ran some`);
		if (/Worker started execution/.test(setup.main.output())) problems.push('main ran executions itself');
		for (const [vendor, summary] of Object.entries(sandboxSummary.vendors)) {
			// One order per request in the webhook examples; 429 is the only refusal allowed (retried).
			// Not order requests: Algonomy's token, and eSputnik's contact import and its status polls
			// (version 1.2 creates each customer's contact before the event).
			const support = new Set(['token', 'contacts', 'importStatus']);
			const accepted = sandbox.all(vendor).filter((request) => request.accepted && !support.has(request.operation)).length;
			if (accepted !== executions) problems.push(`${vendor}: ${accepted} data requests accepted, expected ${executions} (one per order)`);
			const refused = sandbox.all(vendor).filter((request) => !request.accepted && request.status !== 429 && request.operation !== 'token');
			if (refused.length) problems.push(`${vendor}: ${refused.length} requests refused (first: ${refused[0].status})`);
		}
		return {
			n8n: '2.41.1',
			mode: 'queue',
			workers,
			concurrency: 5,
			orders: executions,
			executionsPerWorker: perWorker,
			setupSeconds: Math.round(setupMs / 100) / 10,
			runSeconds: Math.round(runMs / 100) / 10,
			ordersPerSecond: Math.round((executions / (runMs / 1000)) * 10) / 10,
			totalSeconds: Math.round((Date.now() - started) / 100) / 10,
			sandbox: sandboxSummary,
			problems,
			// Every vendor request the sandbox saw, in order of arrival (secrets redacted), for tests and debugging.
			requests: report.redact(sandbox.all(), examples.sandboxSecrets(sandbox)),
		};
	} finally {
		await setup?.stop();
		await sandbox.close();
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

function formatQueueReport(result) {
	const lines = [
		'',
		`Order sync demo in n8n ${result.n8n} queue mode: main + ${result.workers} workers (concurrency ${result.concurrency}), Postgres, Redis, package installed on every process`,
		`Set-up ${result.setupSeconds} s; ${result.orders} webhook orders (Shopify and WooCommerce examples, each to four vendors) in ${result.runSeconds} s (${result.ordersPerSecond} orders/s)`,
		`Executions per worker: ${result.executionsPerWorker.join(' + ')}`,
		'',
		'What the sandbox received (accepted requests per operation, records they carried):',
		...report.formatSandbox(result.sandbox),
	];
	return lines;
}

module.exports = { runQueueDemo, formatQueueReport };
