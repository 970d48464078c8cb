/**
 * `npm run demo` end to end: the script installs our packed package into a real n8n as a community
 * package, imports sandbox credentials and the four example workflows, executes them headless and
 * reports. Checked here: it exits 0, prints its report, prints no secret, and the vendor sandbox
 * received exactly the expected requests and payloads; the bad ERP row went to the error outputs
 * while the good orders were sent.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import harness = require('../../harness/n8n');
import examples = require('../../scripts/lib/examples');
import { SANDBOX_DEFAULT_CREDENTIALS } from '../../sandbox';
import { Algonomy } from '../../nodes/Algonomy/Algonomy.node';
import { Esputnik } from '../../nodes/Esputnik/Esputnik.node';
import { OptimizelyDataPlatform } from '../../nodes/OptimizelyDataPlatform/OptimizelyDataPlatform.node';
import { OptimizelyRecs } from '../../nodes/OptimizelyRecs/OptimizelyRecs.node';
import {
	INSTALL_TIMEOUT_MS,
	RUN_TIMEOUT_MS,
	bodiesOf,
	countByOperation,
	erpExport,
	erpPayloads,
	odpEventBodies,
	esputnikImportPolls,
	refundOrders,
	refundPayloads,
	secretValues,
	shopifyOrder,
	sortedContactsRequest,
	webhookPayloads,
	wooCommerceOrder,
} from './support';
import type { RecordedRequest } from './support';

interface VendorNodeSummary {
	node: string;
	vendor: string;
	ran: boolean;
	operation?: string;
	orders: number;
	sent: number;
	batches: number;
	errorItems: number;
	errorOrders: Array<{ orderId: string; items: number; kind: string; message: string }>;
}

interface DemoReport {
	loadStyle: string;
	workflows: Array<{ key: string; ok: boolean; exitCode: number; vendorNodes: VendorNodeSummary[] }>;
	sandbox: { esputnikEvents: { saved: number; ignored: number; ignoredNotes: string[] } };
	problems: string[];
	requests: RecordedRequest[];
}

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(harness.REPO_ROOT, 'scripts', 'demo.js'), ...args], {
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
}

describe('npm run demo (real n8n, community package)', () => {
	let reportDir = '';
	let reportFile = '';
	let result: { code: number | null; stdout: string; stderr: string };
	let report: DemoReport;
	let accepted: RecordedRequest[];

	beforeAll(async () => {
		// Install outside the demo so a slow cold install has its own, longer time limit.
		await harness.ensureN8n();
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-sync-demo-'));
		reportFile = path.join(reportDir, 'report.json');
		result = await runDemo(['--report', reportFile]);
		if (fs.existsSync(reportFile)) {
			report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
			accepted = report.requests.filter((request) => request.accepted);
		}
	}, RUN_TIMEOUT_MS);

	afterAll(() => {
		if (reportDir) fs.rmSync(reportDir, { recursive: true, force: true });
	});

	const workflow = (key: string) => {
		const found = report.workflows.find((entry) => entry.key === key);
		if (!found) throw new Error(`no workflow ${key} in the report`);
		return found;
	};

	it('exits 0 and prints a report per workflow, per vendor and of what the sandbox received', () => {
		expect(result.stderr).not.toContain('DEMO FAILED');
		expect(result.code).toBe(0);
		expect(report.problems).toEqual([]);
		expect(report.loadStyle).toBe('community');
		for (const heading of [
			'installed from npm pack as a community package',
			'1. Order sync: nightly ERP export',
			'2. Order sync: Shopify order webhook',
			'3. Order sync: WooCommerce order webhook',
			'4. Order sync: refunds and cancellations',
			'Per vendor, all workflows:',
			'What the sandbox received',
			'eSputnik events saved: 4 of 4',
			'One sample payload per vendor',
			'Demo OK',
		]) {
			expect(result.stdout).toContain(heading);
		}
		expect(result.stdout).toMatch(/order 100017, invalid input: rows\[\d+\]\.quantity: expected a positive number, got "two"/);
		expect(report.workflows.map((entry) => [entry.key, entry.ok, entry.exitCode])).toEqual([
			['erp', true, 0],
			['shopify', true, 0],
			['wooCommerce', true, 0],
			['refunds', true, 0],
		]);
	});

	it('prints no secret and records none (headers and the Algonomy key in the path are redacted)', () => {
		const printed = result.stdout + result.stderr + fs.readFileSync(reportFile, 'utf8');
		for (const secret of secretValues(SANDBOX_DEFAULT_CREDENTIALS)) expect(printed).not.toContain(secret);
		expect(printed).toContain('[redacted]');
	});

	it('the sandbox accepted every request, exactly these per vendor and operation', () => {
		expect(report.requests.filter((request) => !request.accepted)).toEqual([]);
		const { 'esputnik.importStatus': importStatusPolls, ...counts } = countByOperation(accepted);
		expect(counts).toEqual({
			// 35 valid ERP orders one by one, the Shopify and the WooCommerce order.
			'optimizely.offlineOrder': 37,
			// One token for the whole demo: n8n stores it with the credential and reuses it across executions.
			'algonomy.token': 1,
			'algonomy.importOrders': 1,
			'algonomy.importOrder': 2,
			'esputnik.orders': 1,
			// eSputnik 1.2 creates the customers first: one v1/contacts for each webhook order, one for
			// the two cancellations together.
			'esputnik.contacts': 3,
			// orderCreated for the two webhook orders, orderCancelled for the two cancellations.
			'esputnik.event': 4,
			// ERP purchases (one batch), Shopify, WooCommerce, and one batch each of cancel, refund and return.
			'odp.events': 6,
		});
		// Each of the 3 imports is polled (v1/importstatus/{id}) until eSputnik has finished it: at least
		// once each; how often depends on the import's duration (200 ms in the sandbox) and timing.
		const polls = esputnikImportPolls(accepted);
		expect(Object.keys(polls)).toHaveLength(3);
		for (const count of Object.values(polls)) expect(count).toBeGreaterThanOrEqual(1);
		expect(importStatusPolls).toBe(Object.values(polls).reduce((sum, count) => sum + count, 0));
		// Each event came after the v1/contacts request that carried its customer, and after a poll.
		for (const event of accepted.filter((entry) => entry.vendor === 'esputnik' && entry.operation === 'event')) {
			const email = (event.body as { keyValue: string }).keyValue;
			const contacts = accepted.find((entry) => entry.operation === 'contacts' && JSON.stringify(entry.body).includes(`"value":"${email}"`));
			expect(contacts?.seq).toBeLessThan(event.seq);
			expect(accepted.some((entry) => entry.operation === 'importStatus' && entry.seq > (contacts?.seq ?? Infinity) && entry.seq < event.seq)).toBe(true);
		}
	});

	it('eSputnik saved every order event: each customer was created as a contact before its event', () => {
		const events = accepted.filter((request) => request.vendor === 'esputnik' && request.operation === 'event');
		expect(events).toHaveLength(4);
		expect(events.map((request) => request.saved)).toEqual([true, true, true, true]);
		expect(report.sandbox.esputnikEvents).toEqual({ saved: 4, ignored: 0, ignoredNotes: [] });
	});

	it('the examples are saved with each node\'s newest version (what a node added in the editor gets)', () => {
		const newest: Record<string, number> = {
			optimizelyRecs: new OptimizelyRecs().description.defaultVersion as number,
			algonomy: new Algonomy().description.defaultVersion as number,
			esputnik: new Esputnik().description.defaultVersion as number,
			optimizelyDataPlatform: new OptimizelyDataPlatform().description.defaultVersion as number,
		};
		// Written out: the versions this file was checked against.
		expect(newest).toEqual({ optimizelyRecs: 1.1, algonomy: 1.1, esputnik: 1.2, optimizelyDataPlatform: 1.2 });
		for (const { workflow } of examples.loadExamples()) {
			for (const node of workflow.nodes.filter((entry) => entry.type.startsWith('n8n-nodes-order-sync.'))) {
				expect([node.name, node.typeVersion]).toEqual([node.name, newest[node.type.split('.').pop() as string]]);
			}
		}
	});

	it('nightly ERP export: the 35 good orders reach every vendor; order 100017 (bad row) goes to each error output', () => {
		const erp = erpExport();
		expect(erp.orders).toHaveLength(35);
		expect(erp.invalid.map((entry) => entry.orderId)).toEqual(['100017']);
		const expected = erpPayloads(erp.orders);
		const erpIds = new Set(erp.orders.map((order) => order.id));

		const optimizely = bodiesOf(accepted, 'optimizely', 'offlineOrder') as Array<{ order: { refCode: string } }>;
		const erpTracked = optimizely.filter((body) => erpIds.has(body.order.refCode));
		// One request per order, sent concurrently: compare by refCode.
		const byRefCode = (list: Array<{ order: { refCode: string } }>) =>
			[...list].sort((a, b) => a.order.refCode.localeCompare(b.order.refCode));
		expect(byRefCode(erpTracked)).toEqual(byRefCode(expected.optimizely as Array<{ order: { refCode: string } }>));

		const algonomyBatch = accepted.find((request) => request.vendor === 'algonomy' && request.operation === 'importOrders');
		expect(algonomyBatch?.method).toBe('POST');
		expect(algonomyBatch?.query).toEqual({ mode: 'offline' });
		expect(algonomyBatch?.path).toBe('/omnichannel/api/v1/[redacted]/orders');
		expect(algonomyBatch?.body).toEqual(expected.algonomy);

		expect(bodiesOf(accepted, 'esputnik', 'orders')).toEqual([expected.esputnik]);

		const purchases = odpEventBodies(accepted).filter((events) => events.length > 1 && events[0].action === 'purchase');
		expect(purchases).toEqual([expected.odp]);

		// Key fields written out, not only computed: the first order of the export.
		expect(expected.algonomy[0]).toMatchObject({ id: 100001, userId: 'K-2001', storeId: 'store-berlin', currency: 'EUR' });
		expect(expected.odp[0]).toMatchObject({ action: 'purchase', identifiers: { email: 'anna.mueller@example.com' }, data: { order: { order_id: '100001', total: 77.3 } } });
		// ODP 1.2: e-mail and phone only, no customer_id (K-2001 in the export); the demo account has only
		// ODP's default identifiers and would refuse customer_id.
		expect(expected.odp[0].identifiers).toEqual({ email: 'anna.mueller@example.com', phone: '+491512000000' });
		// eSputnik 1.1+: the wall-clock time in UTC (the export says 08:00 at +01:00).
		expect(expected.esputnik.orders[0]).toMatchObject({ externalOrderId: '100001', date: '2026-11-21T07:00:00' });

		// The bad order is in no request at all.
		expect(JSON.stringify(accepted.map((request) => request.body))).not.toContain('100017');
		for (const node of workflow('erp').vendorNodes) {
			expect(node).toMatchObject({ ran: true, orders: 36, sent: 35, errorItems: 2 });
			expect(node.errorOrders).toEqual([
				expect.objectContaining({ orderId: '100017', items: 2, kind: 'validation', message: expect.stringContaining('expected a positive number, got "two"') }),
			]);
		}
	});

	it('Shopify and WooCommerce webhook orders reach all four vendors', () => {
		for (const [key, order] of [
			['shopify', shopifyOrder()],
			['wooCommerce', wooCommerceOrder()],
		] as const) {
			const expected = webhookPayloads(order);
			const tracked = bodiesOf(accepted, 'optimizely', 'offlineOrder').filter(
				(body) => (body as { order: { refCode: string } }).order.refCode === order.id,
			);
			expect(tracked).toEqual([expected.optimizely]);
			const imported = accepted.filter(
				(request) => request.operation === 'importOrder' && (request.body as { id: number }).id === Number(order.id),
			);
			expect(imported.map((request) => [request.method, request.query, request.body])).toEqual([['PUT', { mode: 'online' }, expected.algonomy]]);
			const events = bodiesOf(accepted, 'esputnik', 'event').filter((body) => JSON.stringify(body).includes(`"externalOrderId","value":"${order.id}"`));
			expect(events).toEqual([expected.esputnik]);
			const email = order.customer.email as string;
			const contacts = bodiesOf(accepted, 'esputnik', 'contacts').filter((body) => JSON.stringify(body).includes(`"value":"${email}"`));
			expect(contacts).toEqual([expected.esputnikContacts]);
			const odp = odpEventBodies(accepted).filter((body) => body.some((event) => event.data.order.order_id === order.id));
			expect(odp).toEqual([[expected.odp]]);
			for (const node of workflow(key).vendorNodes) expect(node).toMatchObject({ ran: true, orders: 1, sent: 1, errorItems: 0 });
		}
		// The WooCommerce sample's US national phone reaches ODP in E.164 (calling code from the billing country).
		expect(webhookPayloads(wooCommerceOrder()).odp.identifiers).toMatchObject({ phone: '+15555555555' });
	});

	it('refunds and cancellations: ODP cancel/refund/return events and eSputnik orderCancelled, each once', () => {
		const orders = refundOrders();
		const expected = refundPayloads(orders);
		const odp = odpEventBodies(accepted);
		expect(odp.filter((events) => events[0].action === 'cancel')).toEqual([expected.odpCancel]);
		expect(odp.filter((events) => events[0].action === 'refund')).toEqual([expected.odpRefund]);
		expect(odp.filter((events) => events[0].action === 'return')).toEqual([expected.odpReturn]);
		expect(expected.odpCancel.map((event) => event.data.order.order_id)).toEqual(['100009', '100026']);
		expect(expected.odpRefund.map((event) => [event.data.order.order_id, event.data.order.total])).toEqual([
			['100005', 8.6],
			['100021', 18],
		]);
		expect(expected.odpReturn.map((event) => event.data.order.order_id)).toEqual(['100012', '100030']);
		const cancelled = bodiesOf(accepted, 'esputnik', 'event').filter((body) => (body as { eventTypeKey: string }).eventTypeKey === 'orderCancelled');
		expect(cancelled.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
			[...expected.esputnikCancelled].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
		);
		// Before them, the two cancelling customers as eSputnik contacts, in one v1/contacts request.
		const contacts = bodiesOf(accepted, 'esputnik', 'contacts').filter((body) => JSON.stringify(body).includes('sofia.schulz@example.com'));
		expect(contacts.map(sortedContactsRequest)).toEqual([sortedContactsRequest(expected.esputnikContacts)]);
		expect(expected.esputnikContacts).toMatchObject({ dedupeOn: 'email', contacts: [{ channels: [{ type: 'email' }] }, { channels: [{ type: 'email' }] }] });
		for (const node of workflow('refunds').vendorNodes) expect(node).toMatchObject({ ran: true, orders: 2, sent: 2, errorItems: 0 });
	});
});

describe('the shipped example files', () => {
	it('are exactly what scripts/lib/examples.js builds (sample bodies equal examples/data)', () => {
		for (const built of examples.buildExamples()) {
			const committed = fs.readFileSync(path.join(examples.EXAMPLES_DIR, built.file), 'utf8');
			expect(committed).toBe(examples.serialize(built.workflow));
		}
	});

	it('use the package as users install it, fixed ids, and send bad orders to the error output', () => {
		const shipped = examples.loadExamples();
		expect(shipped.map((entry) => entry.workflow.id)).toEqual(Object.values(examples.WORKFLOW_IDS));
		for (const { workflow } of shipped) {
			const ours = workflow.nodes.filter((node) => node.type.startsWith('n8n-nodes-order-sync.'));
			expect(ours.length).toBeGreaterThanOrEqual(4);
			for (const node of ours) expect(node.onError).toBe('continueErrorOutput');
			// n8n's CLI starts a workflow at its Manual Trigger.
			expect(workflow.nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger')).toBe(true);
		}
	});
});
