'use strict';
/**
 * The vendor sandbox (build/sandbox, from `npm run build:tools`) in a child process on 127.0.0.1, so
 * it answers on its own core while n8n or the raw client works; driven through its control API.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');

const CLI = path.join(__dirname, '..', '..', 'build', 'sandbox', 'cli.js');

async function startSandbox() {
	const { SANDBOX_DEFAULT_CREDENTIALS } = require(path.join(__dirname, '..', '..', 'build', 'sandbox'));
	// No ODP rate limit: the bench measures throughput, not the 429 path (the reliability suite does that).
	// The bench's ODP nodes are version 1 (which sends customer_id): an ODP account that has it (issue 15).
	const child = spawn(process.execPath, [CLI, '--port', '0', '--quiet', '--odp-rate-limit', '0', '--odp-identifiers', 'email,phone,vuid,zaius_id,customer_id'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	const url = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${output}`)), 30000);
		child.stdout.on('data', (chunk) => {
			output += chunk.toString('utf8');
			const match = /Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(match[1]);
			}
		});
		child.stderr.on('data', (chunk) => {
			output += chunk.toString('utf8');
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`sandbox exited early (${code}): ${output}`));
		});
	});
	// Keep draining its output so the pipe never fills.
	child.stdout.resume();
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);

	async function control(route, body) {
		const response = await fetch(`${url}/_sandbox/${route}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`sandbox ${route}: HTTP ${response.status} ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : undefined;
	}

	return {
		url,
		pid: child.pid,
		credentials: SANDBOX_DEFAULT_CREDENTIALS,
		stats: () => control('stats'),
		reset: () => control('reset', {}),
		/** The same added latency for every vendor (replaces any other fault settings). */
		setLatency: async (latencyMs) => {
			for (const vendor of ['optimizely', 'algonomy', 'esputnik', 'odp']) await control('faults', { vendor, latencyMs });
		},
		close: async () => {
			process.removeListener('exit', killOnExit);
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		},
	};
}

module.exports = { startSandbox };
