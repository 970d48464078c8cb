/**
 * Issue 17 in a real n8n 2.41.1 (community package): what the editor is given for our nodes
 * (search aliases, the Dry Run parameter and subtitle), and runs of the saved
 * workflows a user has: Dry Run at the top level and in Options (version 1), a Custom Base URL
 * without eSputnik's /api, and Custom API Call left selected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import harness = require('../../harness/n8n');
import type { N8nHome } from '../../harness/n8n';

import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { INSTALL_TIMEOUT_MS, RUN_TIMEOUT_MS } from './support';

const order = (id: string, customer: string, total: string) => ({
	order_id: id,
	order_date: '2026-11-21T14:05:00+01:00',
	status: 'created',
	customer_id: customer,
	email: `${customer}@example.com`,
	currency: 'EUR',
	total,
});
const ROWS = [
	{ ...order('UX-1', 'cust-1', '20.00'), product_id: 'P1', quantity: '1', unit_price: '10.00' },
	{ ...order('UX-1', 'cust-1', '20.00'), product_id: 'P2', quantity: '2', unit_price: '5.00' },
	{ ...order('UX-2', 'cust-2', '10.00'), product_id: 'P1', quantity: '1', unit_price: '10.00' },
];

function workflow(id: string, home: N8nHome, vendor: { node: string; typeVersion: number; parameters: Record<string, unknown>; credential: [string, string] }) {
	return {
		id,
		name: `issue 17 ${id}`,
		nodes: [
			{ id: `${id}-1`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: `${id}-2`,
				name: 'Rows',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: `return ${JSON.stringify(ROWS)}.map((json) => ({ json }));` },
			},
			{
				id: `${id}-3`,
				name: 'Vendor',
				type: home.nodeType(vendor.node),
				typeVersion: vendor.typeVersion,
				position: [440, 0],
				parameters: vendor.parameters,
				credentials: { [vendor.credential[0]]: { id: vendor.credential[1], name: vendor.credential[1] } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Vendor', type: 'main', index: 0 }]] },
		},
	};
}

describe('issue 17 in real n8n 2.41.1', () => {
	let sandbox: Sandbox;
	let home: N8nHome;
	let tarball: string;

	beforeAll(async () => {
		await harness.ensureN8n();
		sandbox = await startSandbox({ quiet: true });
		tarball = await harness.packPackage();
		home = await harness.createN8nHome({ loadStyle: 'community', tarball });
		const c = sandbox.credentials;
		await harness.importCredentials(home, [
			// The sandbox's address without /api: the node adds eSputnik's path itself.
			{ id: 'uxEsputnik000001', name: 'uxEsputnik000001', type: 'esputnikApi', data: { environment: 'custom', baseUrl: sandbox.url, apiKey: c.esputnik.apiKey } },
			// And ODP's credential with eSputnik's /api: ODP's /v3 replaces it.
			{ id: 'uxOdp00000000001', name: 'uxOdp00000000001', type: 'optimizelyDataPlatformApi', data: { region: 'custom', baseUrl: `${sandbox.url}/api`, apiKey: c.odp.apiKey } },
		]);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		if (home) harness.removeN8nHome(home);
		if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
		await sandbox?.close();
	});
	beforeEach(() => sandbox.reset());

	const esputnik = (parameters: Record<string, unknown>, typeVersion = 1.2) => ({
		node: 'esputnik',
		typeVersion,
		parameters: { resource: 'order', operation: 'addOrders', orderSource: 'flatRows', ...parameters },
		credential: ['esputnikApi', 'uxEsputnik000001'] as [string, string],
	});
	const odp = (parameters: Record<string, unknown>, typeVersion = 1.2) => ({
		node: 'optimizelyDataPlatform',
		typeVersion,
		parameters: { resource: 'order', operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows', ...parameters },
		credential: ['optimizelyDataPlatformApi', 'uxOdp00000000001'] as [string, string],
	});

	const runs: Array<[string, ReturnType<typeof esputnik>, 'sent' | 'dryRun']> = [
		['eSputnik 1.2, top-level Dry Run', esputnik({ dryRun: true, options: {} }), 'dryRun'],
		['eSputnik 1, Options › Dry Run as saved before', esputnik({ options: { dryRun: true } }, 1), 'dryRun'],
		['ODP 1, Options › Dry Run as saved before', odp({ options: { dryRun: true } }, 1), 'dryRun'],
		['eSputnik 1.2, Custom Base URL without /api, sending', esputnik({ options: {} }), 'sent'],
		['ODP 1.2, Custom Base URL with /api, sending', odp({ options: {} }), 'sent'],
	];

	it.each(runs)(
		'%s',
		async (_label, vendor, status) => {
			const id = `uxRun${String(runs.findIndex((run) => run[1] === vendor)).padStart(11, '0')}`;
			await harness.importWorkflow(home, workflow(id, home, vendor));
			const execution = await harness.executeWorkflow(home, id);
			expect(execution.error).toBeUndefined();
			// 3 rows of 2 orders: one output item per row.
			expect(harness.nodeOutput(execution, 'Vendor').map((item) => item.status)).toEqual([status, status, status]);
			const received = sandbox.received(vendor.node === 'esputnik' ? 'esputnik' : 'odp');
			if (status === 'dryRun') expect(received).toEqual([]);
			// eSputnik: one bulk request of 2 orders; ODP: one request of 2 purchase events.
			else expect(received.map((request) => (vendor.node === 'esputnik' ? (request.body as { orders: unknown[] }).orders.length : (request.body as unknown[]).length))).toEqual([2]);
		},
		RUN_TIMEOUT_MS,
	);

	it(
		'Custom API Call left selected fails with advice, not "Could not get parameter", and sends nothing',
		async () => {
			await harness.importWorkflow(home, workflow('uxCustomApiCall1', home, esputnik({ resource: '__CUSTOM_API_CALL__', options: {} })));
			const execution = await harness.executeWorkflow(home, 'uxCustomApiCall1');
			expect(execution.ok).toBe(false);
			expect(execution.error.message).toContain('Custom API Call is not run by this node: use an HTTP Request node');
			expect(execution.error.message).not.toContain('Could not get parameter');
			expect(sandbox.received()).toEqual([]);
		},
		RUN_TIMEOUT_MS,
	);

	it(
		'the editor gets search aliases, the Dry Run parameter and its subtitle for each node',
		async () => {
			const server = await harness.startN8n(home);
			try {
				const owner = await harness.setupOwner(server.baseUrl);
				const response = await fetch(`${server.baseUrl}/types/nodes.json`, { headers: { cookie: owner.cookie ?? '' } });
				expect(response.status).toBe(200);
				type Description = {
					name: string;
					version: number | number[];
					subtitle?: string;
					codex?: { alias?: string[] };
					properties: Array<{ name: string; type: string }>;
				};
				const types = (await response.json()) as Description[];
				for (const node of ['optimizelyRecs', 'algonomy', 'esputnik', 'optimizelyDataPlatform']) {
					const descriptions = types.filter((type) => type.name === home.nodeType(node));
					expect(descriptions.length).toBeGreaterThan(0);
					for (const description of descriptions) {
						expect(description.codex?.alias).toEqual(expect.arrayContaining(['order', 'purchase', 'ecommerce', 'e-commerce', 'POS', 'ERP']));
						expect(description.subtitle).toContain('(dry run)');
						expect(description.properties.filter((property) => property.name === 'dryRun').map((property) => property.type)).toEqual(['boolean']);
					}
				}
				const odp = types.find((type) => type.name === home.nodeType('optimizelyDataPlatform'));
				expect(odp?.codex?.alias).toEqual(expect.arrayContaining(['Zaius', 'refund']));
				const algonomy = types.find((type) => type.name === home.nodeType('algonomy'));
				expect(algonomy?.codex?.alias).toContain('RichRelevance');
			} finally {
				await server.stop();
			}
		},
		RUN_TIMEOUT_MS,
	);
});
