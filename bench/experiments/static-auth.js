'use strict';
/**
 * Experiment behind the transport proposal in bench/results/profile.md: what our one-request-per-
 * order operations gain when each request no longer goes through httpRequestWithAuthentication
 * (which, in n8n 2.41, loads and decrypts the credential and evaluates the credential's
 * `authenticate` expressions in the isolated-vm expression engine on *every* request).
 *
 * It never edits nodes/: it patches the built copy of the package unpacked in a throw-away n8n home
 * (dist/nodes/shared/transport.js), so `httpRequest` gets headers resolved once per execution for
 * the header/basic credentials (Algonomy's OAuth2 credential keeps the n8n helper). Then it runs the
 * same workflows on the original and the patched copy, at 0 and 20 ms, concurrency 4 and 16.
 *
 *   node bench/experiments/static-auth.js [--orders 1000] [--ops optimizelyTrack,esputnikOrderEvent] [--latencies 0,20] [--concurrency 4,16]
 */
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../../harness/n8n');
const { OPERATIONS, sandboxCredentials } = require('../lib/operations');
const { directWorkflow, TARGET } = require('../lib/workflows');
const runner = require('../lib/n8n-runner');
const { startSandbox } = require('../lib/sandbox');

const PATCH_MARK = '/* bench experiment: static auth */';
const PATCH = `${PATCH_MARK}
const __staticAuthByContext = new WeakMap();
async function __send(context, credentialType, options) {
	if (credentialType === 'algonomyOAuth2Api') return await context.helpers.httpRequestWithAuthentication.call(context, credentialType, options);
	let headers = __staticAuthByContext.get(context);
	if (!headers) {
		headers = context.getCredentials(credentialType).then((c) => {
			if (credentialType === 'optimizelyRecsApi') return { site: c.site, siteToken: c.siteToken, channel: c.channel };
			if (credentialType === 'esputnikApi') return { authorization: 'Basic ' + Buffer.from('n8n:' + c.apiKey).toString('base64') };
			if (credentialType === 'optimizelyDataPlatformApi') return { 'x-api-key': c.apiKey };
			throw new Error('no static auth for ' + credentialType);
		});
		__staticAuthByContext.set(context, headers);
	}
	return await context.helpers.httpRequest({ ...options, headers: { ...(options.headers || {}), ...(await headers) } });
}
`;

function patchTransport(home) {
	const file = path.join(home.dir, '.n8n', 'nodes', 'node_modules', home.packageName, 'dist', 'nodes', 'shared', 'transport.js');
	let source = fs.readFileSync(file, 'utf8');
	const call = 'context.helpers.httpRequestWithAuthentication.call(context, credentialType, {';
	if (!source.includes(call)) throw new Error(`transport.js changed: "${call}" not found; update the experiment`);
	source = source.replace(call, '__send(context, credentialType, {');
	source = source.replace('"use strict";', `"use strict";\n${PATCH}`);
	fs.writeFileSync(file, source);
}

function parseArgs(argv) {
	const args = { orders: 1000, ops: ['optimizelyTrack', 'esputnikOrderEvent'], latencies: [0, 20], concurrency: [4, 16] };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--orders') args.orders = Number(argv[++i]);
		else if (argv[i] === '--ops') args.ops = argv[++i].split(',');
		else if (argv[i] === '--latencies') args.latencies = argv[++i].split(',').map(Number);
		else if (argv[i] === '--concurrency') args.concurrency = argv[++i].split(',').map(Number);
		else throw new Error(`unknown option ${argv[i]}`);
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const sandbox = await startSandbox();
	const credentials = sandboxCredentials(sandbox);
	await harness.ensureN8n();
	const tarball = await harness.packPackage();
	const homes = {};
	for (const variant of ['original', 'patched']) {
		const home = await harness.createN8nHome({ loadStyle: 'community', tarball });
		if (variant === 'patched') patchTransport(home);
		await harness.importCredentials(home, Object.values(credentials));
		homes[variant] = home;
	}
	fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	const rows = [];
	try {
		const workflows = [];
		for (const key of args.ops) {
			const operation = OPERATIONS.find((entry) => entry.key === key);
			for (const concurrency of args.concurrency) {
				const id = `bx${key.slice(0, 8)}c${concurrency}`.padEnd(16, '0').slice(0, 16);
				const parameters = { ...operation.parameters, options: concurrency === 4 ? {} : { concurrency } };
				workflows.push({
					id,
					operation,
					concurrency,
					build: (home) =>
						directWorkflow(id, id, { kind: 'rows', orders: args.orders, lines: 3, firstOrderId: 1000000 }, {
							kind: 'ours',
							operation: { ...operation, parameters },
							nodeType: home.nodeType(operation.nodeName),
							credential: credentials[operation.credentialType],
						}),
				});
			}
		}
		for (const home of Object.values(homes)) {
			const file = path.join(home.dir, 'experiment-workflows.json');
			fs.writeFileSync(file, JSON.stringify(workflows.map((workflow) => workflow.build(home))));
			const imported = await harness.runN8n(home, ['import:workflow', `--input=${file}`]);
			if (imported.exitCode !== 0) throw new Error(imported.stdout + imported.stderr);
		}
		for (const latencyMs of args.latencies) {
			await sandbox.setLatency(latencyMs);
			for (const workflow of workflows) {
				const row = { op: workflow.operation.key, latencyMs, concurrency: workflow.concurrency };
				for (const [variant, home] of Object.entries(homes)) {
					await sandbox.reset();
					const execution = await runner.execute(home, workflow.id);
					const stats = await sandbox.stats();
					const got = stats.vendors[workflow.operation.vendor].byOperation[workflow.operation.sandboxOperation];
					if (got !== args.orders) throw new Error(`${variant} ${workflow.id}: sandbox got ${got} requests`);
					row[variant] = execution.nodes[TARGET].executionTimeMs;
				}
				rows.push(row);
				console.log(
					`${row.op.padEnd(20)} ${String(latencyMs).padStart(3)} ms  concurrency ${String(row.concurrency).padStart(2)}  ` +
						`original ${(row.original / 1000).toFixed(2)} s  patched ${(row.patched / 1000).toFixed(2)} s  (${args.orders} orders; ×${(row.original / row.patched).toFixed(2)})`,
				);
			}
		}
	} finally {
		await sandbox.close();
		for (const home of Object.values(homes)) harness.removeN8nHome(home);
	}
	return rows;
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
