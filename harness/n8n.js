'use strict';
/**
 * Drives a real n8n (installed by harness/install.js) as child processes: make a throw-away n8n home,
 * load our package into it the way users do, import credentials and workflows, execute workflows
 * headless, or start the editor server. Node built-ins only; n8n always runs on the harness's Node 24.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const zlib = require('node:zlib');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');
const install = require('./install');

const REPO_ROOT = path.resolve(__dirname, '..');
const PACKAGE_NAME = 'n8n-nodes-order-sync';
/** Written into each home: what the harness chose for it (encryption key, broker port, load style). */
const HOME_RECORD = 'harness-home.json';

// ---------------------------------------------------------------------------------------------
// Processes

/**
 * Runs a command and collects its output; never rejects on a non-zero exit (the caller decides).
 * Rejects only if the command cannot be started or outlives timeoutMs.
 */
function runProcess(command, args, { cwd, env, timeoutMs = 10 * 60 * 1000, input } = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
		const stdout = [];
		const stderr = [];
		child.stdout.on('data', (chunk) => stdout.push(chunk));
		child.stderr.on('data', (chunk) => stderr.push(chunk));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(
				new Error(
					`${path.basename(command)} ${args.join(' ')} did not finish within ${timeoutMs} ms.\n` +
						`stderr: ${tail(Buffer.concat(stderr).toString())}`,
				),
			);
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({
				exitCode: code,
				signal,
				stdout: Buffer.concat(stdout).toString(),
				stderr: Buffer.concat(stderr).toString(),
				durationMs: Date.now() - started,
			});
		});
		child.stdin.end(input);
	});
}

function tail(text, length = 4000) {
	return text.length > length ? `…${text.slice(-length)}` : text;
}

/** The environment for npm run from the project: no npm_config_* inherited from a parent npm. */
function cleanEnvironment() {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key)) continue;
		env[key] = value;
	}
	return env;
}

/** A TCP port that is free on 127.0.0.1 right now. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

// ---------------------------------------------------------------------------------------------
// Our package

/**
 * Builds the package (npm run build) and packs it (npm pack) into a fresh temp dir.
 * Returns the absolute path of the .tgz. `packageDir` defaults to the repository; `build: false`
 * skips the build (for a package that has no build step).
 */
async function packPackage({ packageDir = REPO_ROOT, build = true } = {}) {
	// Parallel jest workers would otherwise run tsc into the same dist/ at once.
	const release = await acquirePackLock();
	try {
		return await buildAndPack(packageDir, build);
	} finally {
		release();
	}
}

const PACK_LOCK_DIR = path.join(REPO_ROOT, '.harness', 'pack.lock');

function processIsAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** A lock held by this process (a folder with the holder's pid); a dead holder's lock is taken over. */
async function acquirePackLock() {
	fs.mkdirSync(path.dirname(PACK_LOCK_DIR), { recursive: true });
	for (;;) {
		try {
			fs.mkdirSync(PACK_LOCK_DIR);
			fs.writeFileSync(path.join(PACK_LOCK_DIR, 'pid'), String(process.pid));
			return () => fs.rmSync(PACK_LOCK_DIR, { recursive: true, force: true });
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
		}
		let holder = 0;
		try {
			holder = Number(fs.readFileSync(path.join(PACK_LOCK_DIR, 'pid'), 'utf8')) || 0;
		} catch {
			// The holder has made the folder but not yet written its pid.
		}
		if (holder && !processIsAlive(holder)) fs.rmSync(PACK_LOCK_DIR, { recursive: true, force: true });
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

async function buildAndPack(packageDir, build) {
	const env = cleanEnvironment();
	if (build) {
		const built = await runProcess('npm', ['run', 'build'], { cwd: packageDir, env });
		if (built.exitCode !== 0) {
			throw new Error(`npm run build failed in ${packageDir} (exit ${built.exitCode}):\n${tail(built.stdout + built.stderr)}`);
		}
	}
	const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-pack-'));
	const packed = await runProcess('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
		cwd: packageDir,
		env,
	});
	if (packed.exitCode !== 0) {
		throw new Error(`npm pack failed in ${packageDir} (exit ${packed.exitCode}):\n${tail(packed.stdout + packed.stderr)}`);
	}
	const [entry] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
	const tarball = path.join(destination, entry.filename);
	if (!fs.existsSync(tarball)) throw new Error(`npm pack reported ${entry.filename} but ${tarball} does not exist`);
	return tarball;
}

/**
 * Unpacks an npm tarball (gzip'd ustar, entries under "package/") into targetDir.
 * Handles regular files, directories and pax/GNU long names — all that npm pack writes.
 */
function extractTarball(tarballPath, targetDir) {
	const archive = zlib.gunzipSync(fs.readFileSync(tarballPath));
	const root = path.resolve(targetDir);
	let offset = 0;
	let longName;
	const text = (start, length) => {
		const raw = archive.subarray(start, start + length);
		const end = raw.indexOf(0);
		return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
	};
	while (offset + 512 <= archive.length) {
		const header = archive.subarray(offset, offset + 512);
		if (header.every((byte) => byte === 0)) break;
		const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
		const type = String.fromCharCode(header[156] || 48);
		const prefix = text(offset + 345, 155);
		let name = longName ?? (prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100));
		longName = undefined;
		const body = archive.subarray(offset + 512, offset + 512 + size);
		offset += 512 + Math.ceil(size / 512) * 512;
		if (type === 'x') {
			const match = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
			if (match) longName = match[1];
			continue;
		}
		if (type === 'L') {
			longName = body.toString('utf8').replace(/\0+$/, '');
			continue;
		}
		if (type === 'g') continue;
		// npm pack puts everything under "package/"; strip the first path segment.
		const relative = name.split('/').slice(1).join('/');
		if (!relative) continue;
		const destination = path.resolve(root, relative);
		if (!destination.startsWith(root + path.sep)) throw new Error(`tar entry escapes target: ${name}`);
		if (type === '5') {
			fs.mkdirSync(destination, { recursive: true });
		} else if (type === '0' || type === '7') {
			fs.mkdirSync(path.dirname(destination), { recursive: true });
			fs.writeFileSync(destination, body);
		}
		// Links and devices do not occur in npm tarballs; ignore them.
	}
}

function readPackageJson(dir) {
	return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// n8n homes

/**
 * Creates a throw-away N8N_USER_FOLDER and loads a package of nodes into it.
 * - loadStyle 'community' (default): unpacks the tarball into <home>/.n8n/nodes/node_modules/<name>/
 *   the way n8n installs community packages; node types are `<package name>.<nodeName>`.
 * - loadStyle 'custom': copies the tarball's contents into <home>/custom/<name>/ and points
 *   N8N_CUSTOM_EXTENSIONS at its dist/ (the developer way); node types are `CUSTOM.<nodeName>`.
 * - loadStyle 'none': no package (built-in nodes only).
 * The package is always a copy outside the repository, so it can resolve nothing from our
 * node_modules: what loads in n8n loads without our devDependencies.
 * `tarball` is required unless loadStyle is 'none' (see packPackage()).
 * `env`: extra environment for every n8n command of this home (e.g. N8N_RESTRICT_FILE_ACCESS_TO),
 * kept in the home's record.
 * Returns a home object: { dir, loadStyle, packageName, nodeTypePrefix, nodeType(name), encryptionKey, brokerPort, env }.
 */
async function createN8nHome({ loadStyle = 'community', tarball, baseDir = os.tmpdir(), env = {} } = {}) {
	if (!['community', 'custom', 'none'].includes(loadStyle)) throw new Error(`unknown loadStyle: ${loadStyle}`);
	if (loadStyle !== 'none' && !tarball) throw new Error('createN8nHome: pass { tarball } (from packPackage())');
	const dir = fs.mkdtempSync(path.join(baseDir, 'n8n-home-'));
	assertNoNodeModulesAbove(dir);
	fs.mkdirSync(path.join(dir, '.n8n'), { recursive: true });
	let packageName;
	let customExtensionsDir;
	if (loadStyle !== 'none') {
		const unpacked = fs.mkdtempSync(path.join(dir, 'unpack-'));
		extractTarball(tarball, unpacked);
		packageName = readPackageJson(unpacked).name;
		let target;
		if (loadStyle === 'community') {
			target = path.join(dir, '.n8n', 'nodes', 'node_modules', packageName);
		} else {
			target = path.join(dir, 'custom', packageName);
			customExtensionsDir = path.join(target, 'dist');
		}
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.renameSync(unpacked, target);
	}
	const record = {
		loadStyle,
		packageName,
		customExtensionsDir,
		encryptionKey: crypto.randomBytes(24).toString('base64url'),
		// Each home gets its own task-broker port so several n8n processes can run at once.
		brokerPort: await freePort(),
		env: { ...env },
	};
	fs.writeFileSync(path.join(dir, HOME_RECORD), JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
	return homeObject(dir);
}

/**
 * Node resolves require() by walking up the folders; a node_modules above the home (say, the
 * repository's) would let our package load its devDependencies there and hide a missing dependency.
 */
function assertNoNodeModulesAbove(dir) {
	for (let folder = path.dirname(dir); ; folder = path.dirname(folder)) {
		if (fs.existsSync(path.join(folder, 'node_modules'))) {
			fs.rmSync(dir, { recursive: true, force: true });
			throw new Error(`createN8nHome: ${folder}/node_modules is above the home; choose another baseDir`);
		}
		if (path.dirname(folder) === folder) return;
	}
}

function homeObject(dir) {
	const record = JSON.parse(fs.readFileSync(path.join(dir, HOME_RECORD), 'utf8'));
	const nodeTypePrefix =
		record.loadStyle === 'community' ? record.packageName : record.loadStyle === 'custom' ? 'CUSTOM' : undefined;
	return {
		dir,
		...record,
		nodeTypePrefix,
		/** The workflow `type` of one of our nodes in this home, e.g. nodeType('esputnik'). */
		nodeType: (nodeName) => {
			if (!nodeTypePrefix) throw new Error('this home has no package loaded');
			return `${nodeTypePrefix}.${nodeName}`;
		},
	};
}

/** Accepts a home object or a home dir path. */
function homeOf(home) {
	return typeof home === 'string' ? homeObject(home) : home;
}

/** Deletes a home (all of its files, including the database). */
function removeN8nHome(home) {
	fs.rmSync(homeOf(home).dir, { recursive: true, force: true });
}

/**
 * The environment n8n runs with for a home: only what n8n needs, the harness's Node 24 and n8n
 * first on PATH, no npm_* or NODE_* variables from the caller (jest sets NODE_ENV=test).
 */
function n8nEnv(home, extra = {}) {
	const { dir, encryptionKey, brokerPort, customExtensionsDir, env: homeEnv } = homeOf(home);
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(npm_|NODE_|N8N_|DB_|EXECUTIONS_|GENERIC_|QUEUE_|WEBHOOK_)/i.test(key)) continue;
		env[key] = value;
	}
	Object.assign(env, {
		PATH: [install.paths.binDir, process.env.PATH].filter(Boolean).join(path.delimiter),
		HOME: dir,
		N8N_USER_FOLDER: dir,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
	});
	if (customExtensionsDir) env.N8N_CUSTOM_EXTENSIONS = customExtensionsDir;
	// Loopback traffic (our nodes → local vendor sandbox) must never go through a proxy from the environment.
	const noProxy = [env.NO_PROXY ?? env.no_proxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
	env.NO_PROXY = noProxy;
	env.no_proxy = noProxy;
	return { ...env, ...(homeEnv ?? {}), ...extra };
}

function assertInstalled() {
	if (!install.isInstalled()) {
		throw new Error('The real n8n is not installed: run `node harness/install.js` (or call ensureN8n()) first.');
	}
}

/** Installs n8n if needed (see harness/install.js). */
function ensureN8n(options) {
	return install.ensureInstalled(options);
}

/** Runs `n8n <args>` for a home on the harness's Node 24. Resolves with { exitCode, stdout, stderr, durationMs }. */
function runN8n(home, args, { env: extraEnv, timeoutMs } = {}) {
	assertInstalled();
	const { dir } = homeOf(home);
	return runProcess(install.paths.nodeBinary, [install.paths.n8nBin, ...args], {
		cwd: dir,
		env: n8nEnv(home, extraEnv),
		timeoutMs,
	});
}

async function runN8nOrThrow(home, args, what) {
	const result = await runN8n(home, args);
	if (result.exitCode !== 0) {
		throw new Error(`${what} failed (n8n ${args.join(' ')}, exit ${result.exitCode}):\n${tail(result.stdout + result.stderr)}`);
	}
	return result;
}

function writeInputFile(home, stem, content) {
	const file = path.join(homeOf(home).dir, `${stem}-${crypto.randomBytes(4).toString('hex')}.json`);
	fs.writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600 });
	return file;
}

/**
 * Imports credentials: each { id, name, type, data } with `data` in plain text (n8n encrypts it on
 * import with the home's key). The input file is deleted afterwards.
 */
async function importCredentials(home, credentials) {
	const list = credentials.map((credential) => {
		if (!credential.id || !credential.type || !credential.data) {
			throw new Error('importCredentials: each credential needs id, type and data');
		}
		return { name: credential.name ?? credential.id, ...credential };
	});
	const file = writeInputFile(home, 'credentials', list);
	try {
		return await runN8nOrThrow(home, ['import:credentials', `--input=${file}`], 'import:credentials');
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * Imports one workflow ({ id, name, nodes, connections, ... }), or an array of them in one n8n
 * command; ids are kept, so they can be executed by id. Re-importing the same id replaces it.
 */
async function importWorkflow(home, workflowOrList) {
	const list = Array.isArray(workflowOrList) ? workflowOrList : [workflowOrList];
	const complete = list.map((workflow) => {
		if (!workflow.id) throw new Error('importWorkflow: give the workflow a fixed id');
		return {
			name: workflow.id,
			active: false,
			settings: { executionOrder: 'v1' },
			connections: {},
			...workflow,
		};
	});
	const file = writeInputFile(home, 'workflow', Array.isArray(workflowOrList) ? complete : complete[0]);
	try {
		return await runN8nOrThrow(home, ['import:workflow', `--input=${file}`], 'import:workflow');
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * Publishes (activates) an imported workflow so its triggers (e.g. a Webhook) run once the server
 * starts. Run it while no server of this home is running.
 */
async function publishWorkflow(home, id) {
	return await runN8nOrThrow(home, ['publish:workflow', `--id=${id}`], 'publish:workflow');
}

/**
 * Parses the JSON that `n8n execute --rawOutput` prints after its log lines: from the first line
 * that starts with `{` to the last line that starts with `}`.
 */
function parseRawOutput(stdout) {
	const lines = stdout.split('\n');
	const first = lines.findIndex((line) => line.startsWith('{'));
	if (first === -1) return undefined;
	for (let last = lines.length - 1; last >= first; last--) {
		if (!lines[last].startsWith('}')) continue;
		try {
			return JSON.parse(lines.slice(first, last + 1).join('\n'));
		} catch {
			// A later log line may start with '}' — keep looking backwards.
		}
	}
	return undefined;
}

/**
 * Executes an imported workflow headless (`n8n execute --id=<id> --rawOutput`).
 * Resolves with { exitCode, ok, run, error, stdout, stderr, durationMs } where `run` is the parsed
 * run data ({ data: { resultData: { runData, lastNodeExecuted, error? } }, status, … }) and `error`
 * the workflow error if there is one. A failing workflow exits 1 and still prints its run data.
 * An error before the run starts (e.g. "Unrecognized node type") prints no JSON: then `run` is
 * undefined and `error.message` is the message n8n logged. Does not throw on failures — tests
 * check failures too; throws only if n8n exits 0 without printing JSON.
 */
async function executeWorkflow(home, id, { timeoutMs = 5 * 60 * 1000 } = {}) {
	const result = await runN8n(home, ['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
	const run = parseRawOutput(result.stdout);
	if (run === undefined) {
		if (result.exitCode === 0) {
			throw new Error(`n8n execute --id=${id} exited 0 but printed no JSON.\nstdout: ${tail(result.stdout)}\nstderr: ${tail(result.stderr)}`);
		}
		return { ...result, ok: false, run: undefined, error: { message: loggedExecutionError(result.stdout + result.stderr) } };
	}
	const error = run?.data?.resultData?.error;
	return { ...result, ok: result.exitCode === 0 && !error, run, error };
}

/** The message n8n's execute command logs after "Execution error:" and a line of "=". */
function loggedExecutionError(output) {
	const match = /Execution error:\s*\n=+\s*\n([^\n]*)/.exec(output);
	return match ? match[1].trim() : tail(output.trim(), 2000);
}

/**
 * The output items (json only) of a node's last run in an execute result, for output index 0
 * unless given. Throws if the node did not run.
 */
function nodeOutput(execution, nodeName, outputIndex = 0) {
	const runData = execution.run?.data?.resultData?.runData ?? {};
	const runs = runData[nodeName];
	if (!runs || runs.length === 0) {
		const why = execution.error?.message ? ` (workflow error: ${execution.error.message})` : '';
		throw new Error(`node "${nodeName}" did not run${why}; nodes that ran: ${Object.keys(runData).join(', ') || 'none'}`);
	}
	const lastRun = runs[runs.length - 1];
	if (lastRun.error) throw new Error(`node "${nodeName}" failed: ${lastRun.error.message}`);
	const items = lastRun.data?.main?.[outputIndex] ?? [];
	return items.map((item) => item.json);
}

// ---------------------------------------------------------------------------------------------
// Editor server

/**
 * Starts `n8n start` for a home on 127.0.0.1:<port> (a free port unless given) and waits until
 * /healthz/readiness answers 200. Resolves with { baseUrl, port, pid, output(), stop() }.
 * Rejects (after killing n8n) if n8n exits or is not ready within readyTimeoutMs.
 */
async function startN8n(home, { port, readyTimeoutMs = 3 * 60 * 1000, env: extraEnv } = {}) {
	assertInstalled();
	const { dir } = homeOf(home);
	const listenPort = port ?? (await freePort());
	const baseUrl = `http://127.0.0.1:${listenPort}`;
	const env = n8nEnv(home, {
		// Its own task-broker port, so CLI commands (which use the home's port) can still run.
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_PORT: String(listenPort),
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: baseUrl,
		N8N_WEBHOOK_URL: `${baseUrl}/`,
		...extraEnv,
	});
	const started = Date.now();
	const child = spawn(install.paths.nodeBinary, [install.paths.n8nBin, 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	const keep = (chunk) => {
		log = (log + chunk.toString()).slice(-200000);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	let exited;
	// Never leave an n8n server behind when the caller exits without stop() (e.g. a crash).
	const killOnExit = () => {
		if (!exited) child.kill('SIGKILL');
	};
	process.once('exit', killOnExit);
	const exitPromise = new Promise((resolve) => {
		child.on('close', (code, signal) => {
			exited = { code, signal };
			process.removeListener('exit', killOnExit);
			resolve(exited);
		});
		child.on('error', (error) => {
			exited = { error };
			process.removeListener('exit', killOnExit);
			resolve(exited);
		});
	});

	async function stop({ timeoutMs = 30000 } = {}) {
		if (exited) return exited;
		child.kill('SIGTERM');
		const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const result = await exitPromise;
		clearTimeout(killer);
		return result;
	}

	const deadline = started + readyTimeoutMs;
	for (;;) {
		if (exited) {
			throw new Error(`n8n start exited before it was ready (${JSON.stringify(exited)}):\n${tail(log)}`);
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`n8n start was not ready within ${readyTimeoutMs} ms at ${baseUrl}:\n${tail(log)}`);
		}
		try {
			const response = await fetch(`${baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
			if (response.status === 200) break;
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	/** Resolves when n8n's output matches `pattern`; rejects if n8n exits or timeoutMs passes first. */
	async function waitForOutput(pattern, { timeoutMs = 2 * 60 * 1000 } = {}) {
		const until = Date.now() + timeoutMs;
		for (;;) {
			if (pattern.test(log)) return;
			if (exited) throw new Error(`n8n exited while waiting for ${pattern}:\n${tail(log)}`);
			if (Date.now() > until) throw new Error(`n8n did not log ${pattern} within ${timeoutMs} ms:\n${tail(log)}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}

	/**
	 * Resolves once the production webhook at /webhook/<path> takes `method` requests. n8n 2.x
	 * activates published workflows in the background after it is ready, so a webhook may answer 404
	 * at first; a GET tells without running anything ("… Did you mean to make a POST request?").
	 */
	async function waitForWebhook(webhookPath, { method = 'POST', timeoutMs = 3 * 60 * 1000 } = {}) {
		const until = Date.now() + timeoutMs;
		const url = `${baseUrl}/webhook/${webhookPath.replace(/^\/+/, '')}`;
		let last = '';
		for (;;) {
			if (exited) throw new Error(`n8n exited while waiting for webhook ${url}:\n${tail(log)}`);
			try {
				const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(5000) });
				last = `${response.status} ${await response.text()}`;
				if (method === 'GET' && response.status !== 404) return;
				const registered = /Did you mean to make a (.+?) request\?/.exec(last)?.[1].split(/, | or /) ?? [];
				if (registered.includes(method)) return;
			} catch (error) {
				last = error.message;
			}
			if (Date.now() > until) throw new Error(`webhook ${method} ${url} was not registered within ${timeoutMs} ms (last answer: ${last.slice(0, 300)})`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}

	return {
		baseUrl,
		port: listenPort,
		pid: child.pid,
		readyAfterMs: Date.now() - started,
		output: () => log,
		exited: () => exited,
		waitForOutput,
		waitForWebhook,
		stop,
	};
}

/**
 * Creates the instance owner via POST /rest/owner/setup. Resolves with { email, password, cookie, user }
 * (cookie is the n8n-auth cookie for later REST calls). Password rules: 8+ chars, a digit, a capital.
 */
async function setupOwner(
	baseUrl,
	{ email = 'owner@example.com', password = 'Harness-Owner-1', firstName = 'Harness', lastName = 'Owner' } = {},
) {
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password, firstName, lastName }),
	});
	const body = await response.text();
	if (response.status !== 200) {
		throw new Error(`POST /rest/owner/setup answered ${response.status}: ${body.slice(0, 2000)}`);
	}
	const setCookie = response.headers.getSetCookie?.() ?? [response.headers.get('set-cookie') ?? ''];
	const authCookie = setCookie.map((cookie) => cookie.split(';')[0]).find((cookie) => cookie.startsWith('n8n-auth='));
	return { email, password, cookie: authCookie, user: JSON.parse(body).data };
}

module.exports = {
	PACKAGE_NAME,
	REPO_ROOT,
	paths: install.paths,
	ensureN8n,
	isN8nInstalled: install.isInstalled,
	packPackage,
	extractTarball,
	createN8nHome,
	removeN8nHome,
	n8nEnv,
	runN8n,
	importCredentials,
	importWorkflow,
	publishWorkflow,
	executeWorkflow,
	parseRawOutput,
	nodeOutput,
	startN8n,
	setupOwner,
	freePort,
};
