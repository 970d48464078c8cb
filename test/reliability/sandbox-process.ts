/**
 * The vendor sandbox in its own process, driven through its CLI and control API. The big fault runs
 * use it so the sandbox works on the second core while the engine and the nodes keep the first: on
 * a 2-core machine that takes about a third off every 10,000-order run.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';

import { SANDBOX_DEFAULT_CREDENTIALS } from '../../sandbox';
import type { FaultConfig, ReceivedRequest, Sandbox, SandboxStats, Vendor } from '../../sandbox';

/** Transpiles sandbox/*.ts to plain JavaScript in a temp dir (the same way test/sandbox/cli.test.ts does). */
function transpileSandbox(): string {
	const outDir = mkdtempSync(join(tmpdir(), 'reliability-sandbox-'));
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
	return outDir;
}

export interface ProcessSandboxOptions {
	faults?: Partial<Record<Vendor, FaultConfig>>;
	odpRateLimitPerSecond?: number;
	/** ODP identifier fields of the account (default: the sandbox's, those of a fresh account). */
	odpIdentifiers?: string[];
}

/** The parts of `Sandbox` the reliability tests use, served by a sandbox in a child process. */
export interface ProcessSandbox extends Pick<Sandbox, 'url' | 'port' | 'credentials'> {
	received(vendor?: Vendor): Promise<ReceivedRequest[]>;
	all(vendor?: Vendor): Promise<ReceivedRequest[]>;
	stats(): Promise<SandboxStats>;
	reset(): Promise<void>;
	setFaults(vendor: Vendor, faults: FaultConfig): Promise<void>;
	close(): Promise<void>;
}

export async function startProcessSandbox(options: ProcessSandboxOptions = {}): Promise<ProcessSandbox> {
	const outDir = transpileSandbox();
	const args = [join(outDir, 'cli.js'), '--port', '0', '--quiet', '--faults', JSON.stringify(options.faults ?? {})];
	if (options.odpRateLimitPerSecond !== undefined) args.push('--odp-rate-limit', String(options.odpRateLimitPerSecond));
	if (options.odpIdentifiers !== undefined) args.push('--odp-identifiers', options.odpIdentifiers.join(','));
	const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	const url = await new Promise<string>((resolve, reject) => {
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString('utf8');
			const match = /Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
			if (match) resolve(match[1]);
		});
		child.stderr?.on('data', (chunk: Buffer) => {
			output += chunk.toString('utf8');
		});
		child.once('exit', (code) => reject(new Error(`sandbox process exited early (${code}): ${output}`)));
	});
	const control = async (path: string, init?: RequestInit): Promise<unknown> => {
		const response = await fetch(`${url}/_sandbox/${path}`, init);
		const body = (await response.json()) as unknown;
		if (!response.ok) throw new Error(`sandbox control ${path}: HTTP ${response.status} ${JSON.stringify(body)}`);
		return body;
	};
	const query = (vendor?: Vendor) => (vendor ? `?vendor=${vendor}` : '');
	return {
		url,
		port: Number(new URL(url).port),
		credentials: structuredClone(SANDBOX_DEFAULT_CREDENTIALS) as Sandbox['credentials'],
		received: async (vendor) => (await control(`received${query(vendor)}`)) as ReceivedRequest[],
		all: async (vendor) => (await control(`all${query(vendor)}`)) as ReceivedRequest[],
		stats: async () => (await control('stats')) as SandboxStats,
		reset: async () => {
			await control('reset', { method: 'POST' });
		},
		setFaults: async (vendor, faults) => {
			await control('faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, ...faults }) });
		},
		close: async () => {
			if (child.exitCode === null) {
				const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(outDir, { recursive: true, force: true });
		},
	};
}
