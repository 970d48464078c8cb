'use strict';
/**
 * Runs bench workflows in a real n8n (harness/n8n.js): one `n8n execute` process per measurement,
 * sampling the memory of its process tree from /proc while it runs, and reading the execution's own
 * timings (startedAt/stoppedAt and each node's executionTime) from the run data it prints.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const harness = require('../../harness/n8n');

const SAMPLE_INTERVAL_MS = 20;

/** Environment for every bench execution: no execution data written to the database afterwards. */
const EXECUTION_ENV = {
	EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
	EXECUTIONS_DATA_SAVE_ON_ERROR: 'none',
	EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'false',
	EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'false',
	// 100,000-order runs print large run data; never let a slow run be cut short by the task runner.
	N8N_RUNNERS_TASK_TIMEOUT: '1200',
	N8N_LOG_LEVEL: 'info',
};

function readStatusKb(pid) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const rss = /VmRSS:\s+(\d+) kB/.exec(text);
		const hwm = /VmHWM:\s+(\d+) kB/.exec(text);
		return { rss: rss ? Number(rss[1]) : 0, hwm: hwm ? Number(hwm[1]) : 0 };
	} catch {
		return undefined;
	}
}

function childrenOf(pid) {
	const result = [];
	let tasks;
	try {
		tasks = fs.readdirSync(`/proc/${pid}/task`);
	} catch {
		return result;
	}
	for (const task of tasks) {
		try {
			const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
			if (text) for (const child of text.split(/\s+/)) result.push(Number(child));
		} catch {
			// The task ended between the listing and the read.
		}
	}
	return result;
}

/** All descendants of pid (the task runner n8n starts, and anything it starts). */
function descendants(pid) {
	const all = [];
	const queue = childrenOf(pid);
	while (queue.length > 0) {
		const next = queue.shift();
		all.push(next);
		queue.push(...childrenOf(next));
	}
	return all;
}

/**
 * Samples VmRSS of the main process and of its whole tree, and VmHWM (the kernel's own peak) of each
 * process, every SAMPLE_INTERVAL_MS until stopped.
 */
function startMemorySampler(pid) {
	const samples = [];
	const hwmByPid = new Map();
	const timer = setInterval(() => {
		const at = Date.now();
		const main = readStatusKb(pid);
		if (!main) return;
		hwmByPid.set(pid, Math.max(hwmByPid.get(pid) || 0, main.hwm));
		let treeRss = main.rss;
		for (const child of descendants(pid)) {
			const status = readStatusKb(child);
			if (!status) continue;
			treeRss += status.rss;
			hwmByPid.set(child, Math.max(hwmByPid.get(child) || 0, status.hwm));
		}
		samples.push({ at, mainRss: main.rss, treeRss });
	}, SAMPLE_INTERVAL_MS);
	return {
		stop: () => {
			clearInterval(timer);
			const mainHwmKb = hwmByPid.get(pid) || 0;
			let childHwmKb = 0;
			for (const [child, hwm] of hwmByPid) if (child !== pid) childHwmKb += hwm;
			return { samples, mainHwmKb, childHwmKb };
		},
	};
}

/** The run data JSON that `n8n execute --rawOutput` prints after its log lines. */
function parseRunData(stdout) {
	const start = stdout.startsWith('{') ? 0 : stdout.indexOf('\n{') + 1;
	if (start <= 0 && !stdout.startsWith('{')) return undefined;
	const end = stdout.lastIndexOf('\n}');
	if (end < start) return undefined;
	try {
		return JSON.parse(stdout.slice(start, end + 2));
	} catch {
		return harness.parseRawOutput(stdout);
	}
}

/**
 * Executes workflow `id` in `home`. Resolves with the execution's own duration (stoppedAt − startedAt),
 * each node's executionTime, the whole command's wall time, memory figures and the parsed run data.
 * Throws when the workflow fails (a benchmark of a failing run means nothing).
 */
async function execute(home, id, { sampleMemory = false, timeoutMs = 20 * 60 * 1000, env: extraEnv = {} } = {}) {
	const env = harness.n8nEnv(home, { ...EXECUTION_ENV, ...extraEnv });
	// Output goes to files, not pipes: n8n exits right after printing the run data, and a pipe
	// would lose whatever was still buffered (tens of MB here); file writes are synchronous.
	const stdoutFile = path.join(home.dir, `bench-${id}-${process.pid}.stdout`);
	const stderrFile = path.join(home.dir, `bench-${id}-${process.pid}.stderr`);
	const stdoutFd = fs.openSync(stdoutFile, 'w');
	const stderrFd = fs.openSync(stderrFile, 'w');
	const started = Date.now();
	const child = spawn(harness.paths.nodeBinary, [harness.paths.n8nBin, 'execute', `--id=${id}`, '--rawOutput'], {
		cwd: home.dir,
		env,
		stdio: ['ignore', stdoutFd, stderrFd],
	});
	fs.closeSync(stdoutFd);
	fs.closeSync(stderrFd);
	const sampler = sampleMemory ? startMemorySampler(child.pid) : undefined;
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	const exitCode = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`n8n execute --id=${id} did not finish within ${timeoutMs} ms`));
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve(code);
		});
	});
	process.removeListener('exit', killOnExit);
	const commandMs = Date.now() - started;
	const memory = sampler ? sampler.stop() : undefined;
	const out = fs.readFileSync(stdoutFile, 'utf8');
	const errText = fs.readFileSync(stderrFile, 'utf8');
	fs.rmSync(stdoutFile, { force: true });
	fs.rmSync(stderrFile, { force: true });
	const run = parseRunData(out);
	const error = run && run.data && run.data.resultData && run.data.resultData.error;
	if (exitCode !== 0 || !run || error) {
		if (process.env.BENCH_DUMP_DIR) fs.writeFileSync(path.join(process.env.BENCH_DUMP_DIR, `${id}.stdout.txt`), out);
		const message = error ? error.message : `exit ${exitCode}`;
		const tail = (text) => text.slice(-3000);
		throw new Error(`workflow ${id} failed: ${message}\nstdout: ${tail(out.length > 20000 ? out.slice(0, 20000) : out)}\nstderr: ${tail(errText)}`);
	}
	const startedAt = Date.parse(run.startedAt);
	const stoppedAt = Date.parse(run.stoppedAt);
	const nodes = {};
	for (const [name, runs] of Object.entries(run.data.resultData.runData)) {
		const last = runs[runs.length - 1];
		nodes[name] = {
			executionTimeMs: last.executionTime,
			items: ((last.data && last.data.main && last.data.main[0]) || []).length,
		};
	}
	const result = {
		id,
		executionMs: stoppedAt - startedAt,
		commandMs,
		// Process start until the execution began, and from its end until the process exited (printing).
		startupMs: startedAt - started,
		teardownMs: started + commandMs - stoppedAt,
		nodes,
		run,
		stdoutBytes: out.length,
	};
	if (memory) {
		// Peak while the execution ran (excludes printing the run data afterwards), and the kernel's peaks.
		const during = memory.samples.filter((sample) => sample.at >= startedAt - SAMPLE_INTERVAL_MS && sample.at <= stoppedAt + SAMPLE_INTERVAL_MS);
		const peak = (key, list) => list.reduce((max, sample) => Math.max(max, sample[key]), 0);
		result.memory = {
			samples: memory.samples.length,
			samplesDuringExecution: during.length,
			mainPeakDuringExecutionKb: peak('mainRss', during),
			treePeakDuringExecutionKb: peak('treeRss', during),
			mainRssAtStartKb: during.length > 0 ? during[0].mainRss : undefined,
			mainHwmKb: memory.mainHwmKb,
			childHwmKb: memory.childHwmKb,
		};
	}
	return result;
}

/** Builds, packs and loads our package into a fresh n8n home, with the given credentials imported. */
async function prepareHome(credentials) {
	await harness.ensureN8n();
	const tarball = await harness.packPackage();
	const home = await harness.createN8nHome({ loadStyle: 'community', tarball });
	fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	await harness.importCredentials(home, credentials);
	return home;
}

module.exports = { execute, prepareHome, parseRunData, EXECUTION_ENV };
