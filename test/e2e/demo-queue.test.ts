/**
 * `npm run demo -- --queue` end to end: the Shopify and WooCommerce webhook examples published on n8n
 * main in queue mode (Postgres, Redis, two workers, our package installed on every process); the
 * demo posts 20 orders to each webhook. Checked from its JSON report (the sandbox's own records):
 * it exits 0, every vendor accepted one data request per order (40 each), ODP got each order id
 * once, executions ran on both workers, nothing secret was printed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import harness = require('../../harness/n8n');
import queue = require('../../harness/queue');
import { SANDBOX_DEFAULT_CREDENTIALS } from '../../sandbox';
import { INSTALL_TIMEOUT_MS, RUN_TIMEOUT_MS, secretValues } from './support';
import type { RecordedRequest } from './support';

interface QueueDemoReport {
	mode: string;
	workers: number;
	orders: number;
	executionsPerWorker: number[];
	problems: string[];
	requests: RecordedRequest[];
}

const missing = queue.missingBinaries();
const describeQueue = missing.length && process.getuid?.() !== 0 ? describe.skip : describe;

describeQueue('npm run demo -- --queue (real n8n queue mode: main + 2 workers)', () => {
	let reportDir = '';
	let result: { code: number | null; stdout: string; stderr: string };
	let report: QueueDemoReport;

	beforeAll(async () => {
		await harness.ensureN8n();
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-sync-demo-queue-'));
		const reportFile = path.join(reportDir, 'report.json');
		result = await new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [path.join(harness.REPO_ROOT, 'scripts', 'demo.js'), '--queue', '--report', reportFile], {
				cwd: harness.REPO_ROOT,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk) => (stdout += chunk));
			child.stderr.on('data', (chunk) => (stderr += chunk));
			child.on('error', reject);
			child.on('close', (code) => resolve({ code, stdout, stderr }));
		});
		if (fs.existsSync(reportFile)) report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
	}, RUN_TIMEOUT_MS);

	afterAll(() => {
		if (reportDir) fs.rmSync(reportDir, { recursive: true, force: true });
	});

	it('exits 0; 40 orders reach each vendor once; executions ran on both workers; no secret printed', () => {
		expect(result.stderr).not.toContain('DEMO FAILED');
		expect(result.code).toBe(0);
		expect(report.problems).toEqual([]);
		expect(report.mode).toBe('queue');
		expect(result.stdout).toContain('queue mode: main + 2 workers');

		// 20 Shopify + 20 WooCommerce orders, each one execution.
		expect(report.executionsPerWorker.length).toBe(2);
		expect(report.executionsPerWorker.every((count) => count > 0)).toBe(true);
		expect(report.executionsPerWorker[0] + report.executionsPerWorker[1]).toBe(40);

		// Order requests: not Algonomy's token, nor eSputnik 1.2's contact import and its status polls.
		const support = ['token', 'contacts', 'importStatus'];
		const accepted = report.requests.filter((request) => request.accepted && !support.includes(request.operation));
		for (const vendor of ['optimizely', 'algonomy', 'esputnik', 'odp']) {
			expect([vendor, accepted.filter((request) => request.vendor === vendor).length]).toEqual([vendor, 40]);
		}
		// eSputnik 1.2 created the customers' contacts before their events.
		expect(report.requests.filter((request) => request.vendor === 'esputnik' && request.operation === 'contacts' && request.accepted).length).toBeGreaterThan(0);
		// The only refusals: ODP's shared rate limit (429, retried).
		const refused = report.requests.filter((request) => !request.accepted && request.operation !== 'token');
		expect([...new Set(refused.map((request) => `${request.vendor} ${request.status}`))].filter((entry) => entry !== 'odp 429')).toEqual([]);
		// Written out: Shopify ids 7300000000 + i, WooCommerce ids 830000 + i (scripts/lib/queue-demo.js).
		const odpIds = accepted
			.filter((request) => request.vendor === 'odp')
			.flatMap((request) => (request.body as Array<{ data: { order: { order_id: string | number } } }>).map((event) => String(event.data.order.order_id)));
		const expected = Array.from({ length: 20 }, (_, index) => [String(7300000000 + index), String(830000 + index)]).flat();
		expect([...odpIds].sort()).toEqual([...expected].sort());

		const printed = result.stdout + result.stderr + JSON.stringify(report.requests);
		for (const secret of secretValues(SANDBOX_DEFAULT_CREDENTIALS)) expect(printed).not.toContain(secret);
	});
});
