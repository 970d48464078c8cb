#!/usr/bin/env node
'use strict';
/**
 * `npm start`: the demo's set-up (real n8n, our package installed from `npm pack`, vendor sandbox,
 * sandbox credentials, example workflows), then n8n's editor stays up on http://127.0.0.1:5678 (a free
 * port if that one is busy) with an owner login made for this run. The webhook examples are published,
 * so their production URLs take orders. Ctrl-C stops n8n and the sandbox and deletes the throw-away home.
 * Options: --port N (editor port, default 5678), --custom (load through N8N_CUSTOM_EXTENSIONS).
 */
const crypto = require('node:crypto');
const net = require('node:net');
const path = require('node:path');

const harness = require('../harness/n8n');
const examples = require('./lib/examples');
const { prepareDemo, elapsed, REPO_ROOT } = require('./lib/setup');

const DEFAULT_PORT = 5678;
const WEBHOOK_EXAMPLES = ['shopify', 'wooCommerce'];
const WEBHOOK_PATHS = ['order-sync/shopify/orders-create', 'order-sync/woocommerce/order-created'];

function log(line) {
	process.stderr.write(`[start] ${line}\n`);
}

function parseArgs(argv) {
	const options = { port: DEFAULT_PORT, loadStyle: 'community' };
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index];
		if (arg === '--custom') options.loadStyle = 'custom';
		else if (arg === '--port' || arg.startsWith('--port=')) {
			const value = Number(arg.includes('=') ? arg.split('=')[1] : argv[++index]);
			if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error('--port needs a port number (1–65535)');
			options.port = value;
		} else throw new Error(`unknown option ${arg} (known: --port N, --custom)`);
	}
	return options;
}

/** Whether 127.0.0.1:port can be listened on right now. */
function portIsFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** n8n's rules: 8+ characters with a digit and a capital letter. New for every run. */
function newPassword() {
	return `Order-Sync-${crypto.randomBytes(5).toString('hex')}-7`;
}

async function main() {
	const started = Date.now();
	const options = parseArgs(process.argv.slice(2));
	const demo = await prepareDemo({ loadStyle: options.loadStyle, log });
	let server;
	let stopping = false;
	const stopAll = async (reason) => {
		if (stopping) return;
		stopping = true;
		log(`${reason}: stopping n8n and the sandbox`);
		try {
			if (server) await server.stop();
		} finally {
			await demo.cleanup();
		}
	};
	try {
		// Published workflows register their production webhooks when the server starts.
		for (const key of WEBHOOK_EXAMPLES) await harness.publishWorkflow(demo.home, examples.WORKFLOW_IDS[key]);

		let port = options.port;
		let portNote = '';
		if (!(await portIsFree(port))) {
			port = await harness.freePort();
			portNote = ` (port ${options.port} is busy, so n8n uses ${port})`;
			log(`port ${options.port} is busy: using ${port}`);
		}
		log('starting the n8n editor');
		server = await harness.startN8n(demo.home, { port });
		// n8n activates published workflows in the background: say "ready" when their webhooks answer.
		for (const webhookPath of WEBHOOK_PATHS) await server.waitForWebhook(webhookPath);
		const owner = await harness.setupOwner(server.baseUrl, {
			email: 'owner@order-sync.example',
			password: newPassword(),
			firstName: 'Order',
			lastName: 'Sync',
		});
		printReady({ demo, server, owner, portNote, seconds: elapsed(started) });
	} catch (error) {
		await stopAll('set-up failed');
		throw error;
	}

	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			stopAll(`received ${signal}`).then(
				() => process.exit(0),
				(error) => {
					console.error(error.message);
					process.exit(1);
				},
			);
		});
	}
	// Leave when n8n stops by itself (a crash, or someone killed it).
	const watch = setInterval(() => {
		const exited = server.exited();
		if (!exited || stopping) return;
		clearInterval(watch);
		console.error(`\nn8n stopped by itself (${JSON.stringify(exited)}). Last output:\n${server.output().slice(-3000)}`);
		stopAll('n8n exited').finally(() => process.exit(1));
	}, 1000);
}

function printReady({ demo, server, owner, portNote, seconds }) {
	const out = (line = '') => process.stdout.write(`${line}\n`);
	const dataDir = path.relative(REPO_ROOT, examples.DATA_DIR);
	out();
	out(`n8n editor ready in ${seconds}: ${server.baseUrl}${portNote}`);
	out(`  Login:    ${owner.email}`);
	out(`  Password: ${owner.password}`);
	out();
	const how = demo.home.loadStyle === 'custom' ? 'through N8N_CUSTOM_EXTENSIONS' : 'as a community package (npm pack)';
	out(`Our nodes are installed ${how}: search "Optimizely", "Algonomy" or "eSputnik" in the nodes panel.`);
	out(`Credentials point at the vendor sandbox ${demo.sandbox.url} (control API: ${demo.sandbox.url}/_sandbox/stats).`);
	out('Example workflows (open one and press "Execute workflow"):');
	for (const example of demo.examples) out(`  ${server.baseUrl}/workflow/${example.workflow.id}  ${example.workflow.name}`);
	out();
	out(`The webhook examples are published; send them the sample orders from ${dataDir}/:`);
	out(
		`  curl -X POST -H 'content-type: application/json' --data @${dataDir}/${examples.DATA_FILES.shopifyBody} ${server.baseUrl}/webhook/${WEBHOOK_PATHS[0]}`,
	);
	out(
		`  curl -X POST -H 'content-type: application/json' --data @${dataDir}/${examples.DATA_FILES.wooCommerceBody} ${server.baseUrl}/webhook/${WEBHOOK_PATHS[1]}`,
	);
	out();
	out('Everything runs on 127.0.0.1 in a throw-away n8n home, deleted on exit. Press Ctrl-C to stop.');
}

main().catch((error) => {
	console.error(`\nSTART FAILED: ${error.message}`);
	process.exit(1);
});
