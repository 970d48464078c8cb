/**
 * `node bench/run.js --smoke`: the whole benchmark at tiny sizes (mapping, every operation through a
 * real n8n against the sandbox, the raw client, NoOp, the ledger at two sizes), one run each, no
 * memory or back-fill run. Checks only that it completes and writes a well-formed report — never how
 * fast anything was.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
// A cold n8n install alone takes ~6 min on 2 cores; the smoke run itself a few minutes.
const TIMEOUT_MS = 30 * 60 * 1000;

interface SmokeRun {
	exitCode: number | null;
	stdout: string;
	stderr: string;
}

function runSmoke(outDir: string): Promise<SmokeRun> {
	return new Promise((resolve, reject) => {
		const env: NodeJS.ProcessEnv = {};
		// jest's NODE_ENV=test and npm's npm_* variables must not leak into npm and n8n.
		for (const [key, value] of Object.entries(process.env)) if (!/^(npm_|NODE_ENV$)/i.test(key)) env[key] = value;
		const child = spawn(process.execPath, [path.join(REPO, 'bench', 'run.js'), '--smoke', '--out', outDir], { cwd: REPO, env });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
		child.on('error', reject);
		child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
	});
}

/** The markdown tables of a report: header cells and the cells of each row. */
function tablesOf(markdown: string): Array<{ header: string[]; rows: string[][] }> {
	const cells = (line: string) => line.slice(1, -1).split('|').map((cell) => cell.trim());
	const tables: Array<{ header: string[]; rows: string[][] }> = [];
	const lines = markdown.split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i].startsWith('|') || !/^\|(---\|)+$/.test(lines[i + 1] ?? '')) continue;
		const table = { header: cells(lines[i]), rows: [] as string[][] };
		for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) table.rows.push(cells(lines[i]));
		tables.push(table);
	}
	return tables;
}

describe('bench --smoke', () => {
	let outDir: string;
	let run: SmokeRun;

	beforeAll(async () => {
		outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
		run = await runSmoke(outDir);
	}, TIMEOUT_MS);

	afterAll(() => {
		fs.rmSync(outDir, { recursive: true, force: true });
	});

	it('completes', () => {
		if (run.exitCode !== 0) throw new Error(`bench --smoke exited ${run.exitCode}:\n${run.stderr.slice(-4000)}`);
		expect(run.exitCode).toBe(0);
	});

	it('writes the same well-formed markdown report to stdout and latest.md', () => {
		const markdown = fs.readFileSync(path.join(outDir, 'latest.md'), 'utf8');
		expect(run.stdout).toBe(markdown);
		for (const heading of ['# Benchmarks', '## Machine', '## 1. Mapping', '## 2. End to end', '### NoOp node', '## 4. Ledger', '## Targets']) {
			expect(markdown).toContain(heading);
		}
		const tables = tablesOf(markdown);
		expect(tables.length).toBeGreaterThanOrEqual(5);
		for (const table of tables) {
			expect(table.rows.length).toBeGreaterThan(0);
			for (const row of table.rows) expect(row).toHaveLength(table.header.length);
		}
		const endToEnd = tables.find((table) => table.header[0] === 'Operation' && table.header.includes('Raw client floor (send)'));
		expect(endToEnd?.rows.map((row) => row[0])).toEqual([
			'Optimizely Recs: track offline order',
			'Algonomy: import orders (POST batches)',
			'eSputnik: add orders (v1/orders)',
			'eSputnik: send order event (v1/event)',
			'ODP: send order events',
			'ODP: upsert order objects',
		]);
		// Every measured cell holds a number of seconds (no "n/a" from a variant that did not run).
		for (const row of endToEnd?.rows ?? []) {
			for (const cell of row.slice(2, 9)) expect(cell).toMatch(/^\d[\d,]*\.\d+ s/);
		}
	});

	it('writes the numbers behind the report as JSON', () => {
		const results = JSON.parse(fs.readFileSync(path.join(outDir, 'latest.json'), 'utf8'));
		expect(results.kind).toBe('smoke');
		expect(results.machine.cores).toBeGreaterThan(0);
		expect(results.mapping[0].results.map((entry: { name: string }) => entry.name)).toEqual(
			expect.arrayContaining(['readFlatRows', 'toOptimizelyRecsOrder', 'toAlgonomyOrder', 'toEsputnikOrderEvent', 'toEsputnikOrder', 'toOdpOrderEvent', 'toOdpOrderObject']),
		);
		expect(results.e2e.operations).toHaveLength(6);
		for (const entry of results.e2e.operations) {
			expect(entry.ours.nodeMs.values).toHaveLength(1);
			expect(entry.http.nodeMs.values).toHaveLength(1);
			expect(entry.raw.wallMs.values).toHaveLength(1);
			expect(entry.raw.mapAndSendMs.values).toHaveLength(1);
		}
		expect(results.e2e.noop).toHaveLength(1);
		expect(results.e2e.memory).toBeUndefined();
		// Ledger: 20 fresh ODP purchase orders with the ledger on, at 0 and 1,000 recorded orders; each
		// sent event order leaves 2 entries (claimed, accepted) and each claim call one owner key (20
		// orders are one window: a claim and at most a few read-backs); the back-fill is opt-in.
		expect(results.ledger.latencies.map((entry: { latencyMs: number }) => entry.latencyMs)).toEqual([0]);
		const sizes = results.ledger.latencies[0].sizes;
		expect(sizes.map((size: { recordedOrders: number; seededEntries: number }) => [size.recordedOrders, size.seededEntries])).toEqual([
			[0, 0],
			[1000, 2000],
		]);
		for (const size of sizes) {
			expect(size.entriesAddedPerOrder * 20).toBeGreaterThanOrEqual(2 * 20 + 1);
			expect(size.entriesAddedPerOrder * 20).toBeLessThanOrEqual(2 * 20 + 4);
		}
		expect(results.backfill).toBeUndefined();
		expect(fs.readFileSync(path.join(outDir, 'ledger.md'), 'utf8')).toContain('## 4. Ledger');
	});
});
