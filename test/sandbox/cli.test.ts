import { spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as ts from 'typescript';
import { CLI_DEFAULT_PORT, main, parseCliArgs, type CliIo } from '../../sandbox/cli';
import { call, credentials, fixture, odpHeaders } from './helpers';

function fakeIo(): CliIo & { lines: string[]; errors: string[]; signal(name: 'SIGINT' | 'SIGTERM'): void } {
	const handlers = new Map<string, () => void>();
	const lines: string[] = [];
	const errors: string[] = [];
	return {
		lines,
		errors,
		out: (line) => lines.push(line),
		err: (line) => errors.push(line),
		onSignal: (name, handler) => handlers.set(name, handler),
		signal: (name) => handlers.get(name)?.(),
	};
}

describe('sandbox CLI arguments', () => {
	test('defaults to port 8787, no faults, logging on', () => {
		expect(parseCliArgs([])).toEqual({ port: CLI_DEFAULT_PORT, faults: {}, quiet: false, help: false });
		expect(CLI_DEFAULT_PORT).toBe(8787);
	});

	test('reads --port N, --port=N (0 allowed), --faults, --odp-rate-limit, --token-lifetime, --quiet', () => {
		expect(parseCliArgs(['--port', '0']).port).toBe(0);
		expect(parseCliArgs(['--port=9000']).port).toBe(9000);
		const args = parseCliArgs(['--faults', '{"odp":{"seed":7,"rateLimitRate":0.2}}', '--odp-rate-limit', '3', '--token-lifetime=5', '--quiet']);
		expect(args).toEqual({ port: 8787, faults: { odp: { seed: 7, rateLimitRate: 0.2 } }, odpRateLimitPerSecond: 3, tokenLifetimeSeconds: 5, quiet: true, help: false });
	});

	test.each([
		[['--port'], '--port needs a whole number'],
		[['--port', 'abc'], '--port needs a whole number'],
		[['--port', '70000'], 'at most 65535'],
		[['--faults', '{odp}'], '--faults must be JSON'],
		[['--faults', '{"shop":{}}'], 'unknown vendor'],
		[['--faults', '{"odp":{"dropRate":3}}'], 'between 0 and 1'],
		[['--token-lifetime', '0'], 'positive'],
		[['--verbose'], 'unknown option --verbose'],
	])('refuses %j', (argv, message) => {
		expect(() => parseCliArgs(argv)).toThrow(message);
	});
});

describe('sandbox CLI', () => {
	test('starts, prints its URL and the demo credentials, serves, and closes on SIGTERM', async () => {
		const io = fakeIo();
		const started = await main(['--port', '0', '--faults', '{"odp":{"latencyMs":1}}'], io);
		expect(started).toBeDefined();
		const { sandbox, stopped } = started!;
		try {
			expect(io.lines[0]).toBe(`Sandbox listening on ${sandbox.url}`);
			expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const printed = io.lines.join('\n');
			expect(printed).toContain(credentials.odp.apiKey);
			expect(printed).toContain(credentials.algonomy.clientSecret);
			expect(printed).toContain('Faults: {"odp":{"latencyMs":1}}');
			expect((await call(`${sandbox.url}/v3/events`, { headers: odpHeaders(), body: fixture('odp-order-events.json') })).status).toBe(202);
			expect(io.lines[io.lines.length - 1]).toBe('[sandbox] POST /v3/events 202');
			io.signal('SIGTERM');
			await stopped;
			expect(io.lines).toContain('Received SIGTERM, closing the sandbox');
			await expect(fetch(`${sandbox.url}/_sandbox/health`)).rejects.toThrow();
		} finally {
			await sandbox.close();
		}
	});

	test('--quiet keeps request lines out; SIGINT closes too', async () => {
		const io = fakeIo();
		const { sandbox, stopped } = (await main(['--port=0', '--quiet'], io))!;
		try {
			const before = io.lines.length;
			await call(`${sandbox.url}/v3/events`, { headers: odpHeaders(), body: fixture('odp-order-events.json') });
			expect(io.lines).toHaveLength(before);
			io.signal('SIGINT');
			await stopped;
		} finally {
			await sandbox.close();
		}
	});

	test('--help prints usage and starts nothing', async () => {
		const io = fakeIo();
		expect(await main(['--help'], io)).toBeUndefined();
		expect(io.lines.join('\n')).toContain('Usage: npm run sandbox');
	});
});

describe('sandbox CLI as a process', () => {
	let outDir: string;

	beforeAll(() => {
		// Transpile sandbox/ alone (type checking is tsc's job) so the real entry point runs under plain node.
		outDir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
		const sourceDir = join(__dirname, '..', '..', 'sandbox');
		const transpile = (relative: string) => {
			for (const entry of readdirSync(join(sourceDir, relative), { withFileTypes: true })) {
				const path = join(relative, entry.name);
				if (entry.isDirectory()) transpile(path);
				else if (entry.name.endsWith('.ts')) {
					const { outputText } = ts.transpileModule(readFileSync(join(sourceDir, path), 'utf8'), {
						compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true },
					});
					mkdirSync(join(outDir, relative), { recursive: true });
					writeFileSync(join(outDir, path.replace(/\.ts$/, '.js')), outputText);
				}
			}
		};
		transpile('.');
	});

	afterAll(() => rmSync(outDir, { recursive: true, force: true }));

	test('node cli.js --port 0 prints its URL, serves, and exits 0 on SIGTERM', async () => {
		const child = spawn(process.execPath, [join(outDir, 'cli.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
		try {
			let output = '';
			const url = await new Promise<string>((resolve, reject) => {
				child.stdout.on('data', (chunk: Buffer) => {
					output += chunk.toString('utf8');
					const match = /Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
					if (match) resolve(match[1]);
				});
				child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${output}`)));
			});
			expect((await call(`${url}/_sandbox/health`)).json.status).toBe('ok');
			const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
			expect(output).toContain('Received SIGTERM, closing the sandbox');
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	});

	test('a bad argument exits 1 with the usage', async () => {
		const child = spawn(process.execPath, [join(outDir, 'cli.js'), '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
		let errors = '';
		child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
		const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
		expect(code).toBe(1);
		expect(errors).toContain('--port needs a whole number');
		expect(errors).toContain('Usage:');
	});
});
