'use strict';
/**
 * The set-up shared by `npm run demo`, `npm start` and the end-to-end tests: the project's own
 * dependencies, a real n8n (harness), our package built and packed the way users get it, the local
 * vendor sandbox, and an n8n home with sandbox credentials and the example workflows imported.
 * Node built-ins only (the sandbox comes from build/sandbox, which `npm run build:tools` makes).
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const harness = require('../../harness/n8n');
const examples = require('./examples');

const REPO_ROOT = examples.REPO_ROOT;

function elapsed(started) {
	return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** Runs a command in the repository, its output shown only when it fails. Rejects with npm's last lines. */
function run(command, args, { label, showOutput = false } = {}) {
	return new Promise((resolve, reject) => {
		const env = {};
		// A parent `npm run` passes npm_config_* (e.g. ignore-scripts) that must not leak into npm ci.
		for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
		const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', showOutput ? 'inherit' : 'pipe', showOutput ? 'inherit' : 'pipe'] });
		let output = '';
		const keep = (chunk) => {
			output = (output + chunk.toString()).slice(-8000);
		};
		child.stdout?.on('data', keep);
		child.stderr?.on('data', keep);
		child.on('error', (error) => reject(new Error(`${label ?? command}: cannot run ${command}: ${error.message}`)));
		child.on('close', (code) => {
			if (code === 0) resolve(output);
			else reject(new Error(`${label ?? `${command} ${args.join(' ')}`} failed (exit ${code}):\n${output.trim()}`));
		});
	});
}

/** `npm ci` when the project's node_modules is missing or lacks the TypeScript compiler. */
async function ensureProjectDependencies(log) {
	if (fs.existsSync(path.join(REPO_ROOT, 'node_modules', 'typescript', 'package.json'))) return false;
	log('node_modules is missing: running npm ci (about a minute)');
	const started = Date.now();
	try {
		await run('npm', ['ci', '--no-audit', '--no-fund'], { label: 'npm ci' });
	} catch (error) {
		// npm ci refuses a lock file that lacks optional platform packages the registry does not serve
		// (EUSAGE "… package.json and package-lock.json … in sync"); npm install takes the same lock as is.
		if (!/in sync|EUSAGE/.test(error.message)) throw error;
		log('npm ci refused the lock file (optional platform packages missing from it): running npm install --no-save instead');
		await run('npm', ['install', '--no-save', '--no-audit', '--no-fund'], { label: 'npm install --no-save' });
	}
	log(`dependencies installed in ${elapsed(started)}`);
	return true;
}

/** Builds the sandbox (build/sandbox) and loads it. */
async function loadSandboxModule() {
	await run('npm', ['run', 'build:tools', '--silent'], { label: 'npm run build:tools' });
	// eslint-disable-next-line global-require
	return require(path.join(REPO_ROOT, 'build', 'sandbox'));
}

/** The folder the example workflows read their CSV files from, as n8n sees it (no symlinks). */
function dataDir() {
	return fs.realpathSync(examples.DATA_DIR);
}

/**
 * Everything up to a ready n8n home:
 * - options.loadStyle: 'community' (default; `npm pack` unpacked as a community package) or 'custom'
 * - options.sandboxPort: 0 (default) for a free port
 * - options.log: progress lines (default: stderr)
 * - options.startSandbox: the sandbox's startSandbox (default: from build/sandbox after
 *   `npm run build:tools`; tests pass the TypeScript one)
 * Resolves with { sandbox, home, tarball, examples: [{ key, file, workflow (as imported) }], timings,
 * cleanup() } — cleanup() closes the sandbox and deletes the home and the tarball.
 */
async function prepareDemo({
	loadStyle = 'community',
	sandboxPort = 0,
	log = (line) => process.stderr.write(`${line}\n`),
	startSandbox,
} = {}) {
	const timings = {};
	const step = async (name, work) => {
		const started = Date.now();
		const result = await work();
		timings[name] = Date.now() - started;
		return result;
	};
	await step('dependencies', () => ensureProjectDependencies(log));
	if (!harness.isN8nInstalled()) log('installing a real n8n 2.41.1 into .harness/ (once; about 5–7 minutes)');
	await step('n8n', () => harness.ensureN8n());
	log(startSandbox ? 'building and packing the package' : 'building the package and the sandbox');
	const start = startSandbox ?? (await step('buildTools', () => loadSandboxModule())).startSandbox;
	const tarball = await step('buildAndPack', () => harness.packPackage());

	// An account as a new user has it: ODP with only its default identifiers (email, phone, vuid, zaius_id;
	// the examples' ODP nodes, version 1.2, send e-mail and phone), eSputnik with no contacts yet (the
	// eSputnik nodes, version 1.2, create each customer as a contact before its order event).
	const sandbox = await start({ port: sandboxPort, quiet: true });
	let home;
	const cleanup = async () => {
		await sandbox.close();
		if (home) harness.removeN8nHome(home);
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	};
	try {
		const allowedDir = dataDir();
		home = await harness.createN8nHome({
			loadStyle,
			tarball,
			// n8n 2.x reads files only below ~/.n8n-files unless this lists other folders.
			env: { N8N_RESTRICT_FILE_ACCESS_TO: allowedDir },
		});
		log(`importing sandbox credentials and ${Object.keys(examples.FILES).length} example workflows into n8n (${loadStyle} package)`);
		await step('importCredentials', () => harness.importCredentials(home, examples.sandboxCredentials(sandbox)));
		const imported = examples.loadExamples().map((entry) => ({
			...entry,
			workflow: examples.adaptWorkflow(entry.workflow, { nodeTypePrefix: home.nodeTypePrefix, dataDir: allowedDir }),
		}));
		await step('importWorkflows', () => harness.importWorkflow(home, imported.map((entry) => entry.workflow)));
		return { sandbox, home, tarball, examples: imported, timings, cleanup };
	} catch (error) {
		await cleanup();
		throw error;
	}
}

module.exports = { prepareDemo, ensureProjectDependencies, dataDir, elapsed, REPO_ROOT };
