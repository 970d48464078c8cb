'use strict';
/**
 * n8n 2.41.1 in queue mode on one machine, for tests: a throw-away PostgreSQL and redis-server on
 * loopback, n8n main (`n8n start`, receives webhooks, enqueues) and `n8n worker` processes (run the
 * executions). Binaries come from scripts/ensure-queue-deps.sh. Node built-ins only.
 *
 * How the package gets to the workers: the way queue-mode users do it, installed on main AND on
 * every worker (each process here has its own n8n home with the packed package unpacked into
 * .n8n/nodes/node_modules, i.e. one per container image). A package installed through the editor
 * reaches main only (n8n issue #30313); a worker without it fails the execution.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const h = require('./n8n');

const PG_DIRS = ['/usr/local/bin', ...globDirs('/usr/lib/postgresql', 'bin')];

function globDirs(root, leaf) {
	try {
		return fs.readdirSync(root).map((entry) => path.join(root, entry, leaf));
	} catch {
		return [];
	}
}

function findBinary(name, dirs = []) {
	for (const dir of [...dirs, ...(process.env.PATH ?? '').split(path.delimiter)]) {
		const candidate = path.join(dir, name);
		if (dir && fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

/** What is missing to run queue mode here ([] when everything is there). */
function missingBinaries() {
	const missing = [];
	if (!findBinary('redis-server')) missing.push('redis-server');
	for (const name of ['initdb', 'postgres']) if (!findBinary(name, PG_DIRS)) missing.push(name);
	return missing;
}

/** Spawns a long-running process, keeps the tail of its output; { child, output(), exited(), stop(), waitFor() }. */
function spawnLogged(label, command, args, { env, cwd } = {}) {
	const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	const keep = (chunk) => {
		log = (log + chunk.toString()).slice(-2_000_000);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	let exited;
	const killOnExit = () => {
		if (!exited) child.kill('SIGKILL');
	};
	process.once('exit', killOnExit);
	const exitPromise = new Promise((resolve) => {
		const done = (value) => {
			exited = value;
			process.removeListener('exit', killOnExit);
			resolve(value);
		};
		child.on('close', (code, signal) => done({ code, signal }));
		child.on('error', (error) => done({ error: error.message }));
	});
	async function stop({ timeoutMs = 20000 } = {}) {
		if (exited) return exited;
		child.kill('SIGTERM');
		const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		const result = await exitPromise;
		clearTimeout(killer);
		return result;
	}
	/** Resolves when the output matches; rejects if the process exits or timeoutMs passes. */
	async function waitFor(pattern, { timeoutMs = 2 * 60 * 1000 } = {}) {
		const until = Date.now() + timeoutMs;
		for (;;) {
			if (pattern.test(log)) return;
			if (exited) throw new Error(`${label} exited (${JSON.stringify(exited)}) while waiting for ${pattern}:\n${log.slice(-4000)}`);
			if (Date.now() > until) throw new Error(`${label} did not log ${pattern} within ${timeoutMs} ms:\n${log.slice(-4000)}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
	return { label, pid: child.pid, output: () => log, exited: () => exited, stop, waitFor };
}

/**
 * Starts a throw-away PostgreSQL on 127.0.0.1:<free port>, trust auth for user "postgres", database
 * "n8n". postgres refuses to run as root, so as root the data folder belongs to `nobody` and the
 * server runs through runuser. Resolves with { port, user, database, dir, process, stop() }.
 */
async function startPostgres() {
	const initdb = findBinary('initdb', PG_DIRS);
	const postgres = findBinary('postgres', PG_DIRS);
	if (!initdb || !postgres) throw new Error('PostgreSQL binaries missing: run bash scripts/ensure-queue-deps.sh');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-pg-'));
	const dataDir = path.join(dir, 'data');
	const asRoot = process.getuid?.() === 0;
	const wrap = (command, args) => (asRoot ? ['runuser', ['-u', 'nobody', '--', command, ...args]] : [command, args]);
	if (asRoot) {
		fs.chmodSync(dir, 0o755);
		execFileSync('chown', ['nobody', dir]);
	}
	const [initCommand, initArgs] = wrap(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
	execFileSync(initCommand, initArgs, { stdio: 'pipe' });
	const port = await h.freePort();
	// No persistence worth the name: a test database (fsync off), sockets in the temp folder.
	const [command, args] = wrap(postgres, [
		'-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', dir,
		'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100',
	]);
	const server = spawnLogged('postgres', command, args);
	await server.waitFor(/database system is ready to accept connections/);
	const createdb = findBinary('createdb', PG_DIRS);
	if (createdb) {
		const [createCommand, createArgs] = wrap(createdb, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'n8n']);
		execFileSync(createCommand, createArgs, { stdio: 'pipe' });
	}
	return {
		port,
		user: 'postgres',
		database: createdb ? 'n8n' : 'postgres',
		dir,
		process: server,
		async stop() {
			await server.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Starts redis-server on 127.0.0.1:<free port> without persistence (no RDB, no AOF). */
async function startRedis() {
	const binary = findBinary('redis-server');
	if (!binary) throw new Error('redis-server missing: run bash scripts/ensure-queue-deps.sh');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-redis-'));
	const port = await h.freePort();
	const server = spawnLogged('redis-server', binary, [
		'--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no',
	]);
	await server.waitFor(/Ready to accept connections/);
	return {
		port,
		process: server,
		async stop() {
			await server.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** The queue-mode environment every n8n process shares (main, workers, CLI commands). */
function queueEnv({ postgres, redis, encryptionKey }) {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		// Every process must decrypt the same credentials.
		N8N_ENCRYPTION_KEY: encryptionKey,
	};
}

/**
 * Starts the whole set-up: Postgres, Redis, one home per n8n process with the package installed in
 * each (community style), then `setup(mainHome)` (import credentials/workflows, publish: run while
 * nothing of n8n is running), then main and `workers` workers; `env` is extra environment for main
 * and the workers (e.g. QUEUE_WORKER_LOCK_DURATION, N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL). Resolves with
 * { main, workers: [{ process, home }], mainHome, postgres, redis, env, stop() }.
 */
async function startQueueMode({ tarball, workers = 2, concurrency = 10, setup, env: extraEnv = {} } = {}) {
	const started = [];
	const homes = [];
	const cleanup = async () => {
		for (const item of started.reverse()) await item.stop().catch(() => undefined);
		for (const home of homes) h.removeN8nHome(home);
	};
	try {
		const postgres = await startPostgres();
		started.push(postgres);
		const redis = await startRedis();
		started.push(redis);
		const mainHome = await h.createN8nHome({ loadStyle: 'community', tarball });
		homes.push(mainHome);
		const env = queueEnv({ postgres, redis, encryptionKey: mainHome.encryptionKey });
		// The home's record env reaches every CLI command of the home (import, publish).
		const recordFile = path.join(mainHome.dir, 'harness-home.json');
		const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
		record.env = { ...record.env, ...env };
		fs.writeFileSync(recordFile, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
		// The helpers read the env from the object when given one (else import goes to a SQLite file).
		mainHome.env = record.env;
		if (setup) await setup(mainHome);
		const main = await h.startN8n(mainHome, { env: { ...env, ...extraEnv } });
		started.push(main);
		const workerList = [];
		for (let index = 0; index < workers; index++) {
			const home = await h.createN8nHome({ loadStyle: 'community', tarball });
			homes.push(home);
			const healthPort = await h.freePort();
			const child = spawnLogged(
				`worker ${index + 1}`,
				h.paths.nodeBinary,
				[h.paths.n8nBin, 'worker', `--concurrency=${concurrency}`],
				{
					cwd: home.dir,
					env: h.n8nEnv(home, {
						...env,
						...extraEnv,
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(healthPort),
						N8N_RUNNERS_BROKER_PORT: String(await h.freePort()),
					}),
				},
			);
			started.push(child);
			workerList.push({ process: child, home, healthPort });
		}
		for (const worker of workerList) await waitHealthy(worker);
		return { main, workers: workerList, mainHome, postgres, redis, env, stop: cleanup };
	} catch (error) {
		await cleanup();
		throw error;
	}
}

async function waitHealthy(worker, timeoutMs = 3 * 60 * 1000) {
	const until = Date.now() + timeoutMs;
	for (;;) {
		if (worker.process.exited()) throw new Error(`${worker.process.label} exited:\n${worker.process.output().slice(-4000)}`);
		try {
			const response = await fetch(`http://127.0.0.1:${worker.healthPort}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
			if (response.status === 200) return;
		} catch {
			// Not listening yet.
		}
		if (Date.now() > until) throw new Error(`${worker.process.label} not ready within ${timeoutMs} ms:\n${worker.process.output().slice(-4000)}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** Execution ids a worker's log says it started ("Worker started execution <id> (job <job>)"). */
function startedExecutionIds(output) {
	return [...output.matchAll(/Worker started execution (\d+)/g)].map((match) => match[1]);
}

/** Execution ids a worker's log says it finished ("Worker finished execution <id> (job <job>)"). */
function finishedExecutionIds(output) {
	return [...output.matchAll(/Worker finished execution (\d+)/g)].map((match) => match[1]);
}

module.exports = { missingBinaries, startPostgres, startRedis, queueEnv, startQueueMode, startedExecutionIds, finishedExecutionIds };
