/**
 * The real-n8n harness itself: installs (or reuses) n8n 2.41.1, executes a workflow of built-in
 * nodes headless, and starts the editor server. If n8n cannot be installed these tests fail with
 * the reason — they never skip.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import harness = require('../../harness/n8n');
import type { N8nHome } from '../../harness/n8n';

// A cold install takes ~6 min on 2 cores (longer in CI without an npm cache).
const INSTALL_TIMEOUT_MS = 20 * 60 * 1000;
const TEST_TIMEOUT_MS = 5 * 60 * 1000;

const WORKFLOW_ID = 'hrnsSmoke0000001';

/** Manual Trigger → Code (makes three items) → Set (adds a field per item) → NoOp. */
const builtInWorkflow = {
	id: WORKFLOW_ID,
	name: 'Harness smoke: built-in nodes',
	nodes: [
		{
			id: '0d4bd7a0-0000-4000-8000-000000000001',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: '0d4bd7a0-0000-4000-8000-000000000002',
			name: 'Make Orders',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: {
				jsCode: [
					"return ['A-1', 'A-2', 'A-3'].map((orderId, index) => ({",
					'\tjson: { orderId, total: (index + 1) * 10.5 },',
					'}));',
				].join('\n'),
			},
		},
		{
			id: '0d4bd7a0-0000-4000-8000-000000000003',
			name: 'Add Currency',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [440, 0],
			parameters: {
				mode: 'manual',
				includeOtherFields: true,
				assignments: {
					assignments: [
						{ id: 'a1', name: 'currency', value: 'EUR', type: 'string' },
						{ id: 'a2', name: 'totalCents', value: '={{ Math.round($json.total * 100) }}', type: 'number' },
					],
				},
				options: {},
			},
		},
		{
			id: '0d4bd7a0-0000-4000-8000-000000000004',
			name: 'Done',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [660, 0],
			parameters: {},
		},
	],
	connections: {
		Start: { main: [[{ node: 'Make Orders', type: 'main', index: 0 }]] },
		'Make Orders': { main: [[{ node: 'Add Currency', type: 'main', index: 0 }]] },
		'Add Currency': { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
	},
};

describe('real n8n harness', () => {
	const homes: N8nHome[] = [];

	beforeAll(async () => {
		// Throws with the reason if the install fails: the suite then fails, it does not skip.
		await harness.ensureN8n();
	}, INSTALL_TIMEOUT_MS);

	afterAll(() => {
		for (const home of homes) harness.removeN8nHome(home);
	});

	it(
		'executes a workflow of built-in nodes headless and returns its run data',
		async () => {
			const home = await harness.createN8nHome({ loadStyle: 'none' });
			homes.push(home);
			await harness.importWorkflow(home, builtInWorkflow);

			const execution = await harness.executeWorkflow(home, WORKFLOW_ID);

			expect(execution.error).toBeUndefined();
			expect(execution.exitCode).toBe(0);
			expect(execution.ok).toBe(true);
			expect(execution.run.data.resultData.lastNodeExecuted).toBe('Done');
			expect(harness.nodeOutput(execution, 'Done')).toEqual([
				{ orderId: 'A-1', total: 10.5, currency: 'EUR', totalCents: 1050 },
				{ orderId: 'A-2', total: 21, currency: 'EUR', totalCents: 2100 },
				{ orderId: 'A-3', total: 31.5, currency: 'EUR', totalCents: 3150 },
			]);
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'reports a failing workflow with exit code 1 and the node error',
		async () => {
			const home = await harness.createN8nHome({ loadStyle: 'none' });
			homes.push(home);
			const failing = {
				...builtInWorkflow,
				id: 'hrnsSmokeFail001',
				nodes: builtInWorkflow.nodes.map((node) =>
					node.name === 'Make Orders'
						? { ...node, parameters: { jsCode: "throw new Error('order feed unavailable');" } }
						: node,
				),
			};
			await harness.importWorkflow(home, failing);

			const execution = await harness.executeWorkflow(home, failing.id);

			expect(execution.exitCode).toBe(1);
			expect(execution.ok).toBe(false);
			expect(execution.error.message).toContain('order feed unavailable');
			expect(execution.run.data.resultData.lastNodeExecuted).toBe('Make Orders');
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'starts the editor server on a free loopback port, sets up the owner, and stops',
		async () => {
			const home = await harness.createN8nHome({ loadStyle: 'none' });
			homes.push(home);
			const server = await harness.startN8n(home);
			try {
				expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
				const owner = await harness.setupOwner(server.baseUrl);
				expect(owner.user.email).toBe(owner.email);
				expect(owner.cookie).toMatch(/^n8n-auth=/);

				// The session cookie from setup works for an authenticated REST call.
				const me = await fetch(`${server.baseUrl}/rest/login`, { headers: { cookie: owner.cookie ?? '' } });
				expect(me.status).toBe(200);
				expect((await me.json()).data.email).toBe(owner.email);
			} finally {
				await server.stop();
			}
			expect(server.exited()).toBeDefined();
			// Stopped means the port is closed again.
			await expect(fetch(`${server.baseUrl}/healthz`)).rejects.toThrow();
		},
		TEST_TIMEOUT_MS,
	);

	it(
		'loads our packed package without its devDependencies, as a community package and as a custom extension',
		async () => {
			const tarball = await harness.packPackage();
			const expectedNodeNames = builtNodeNames();
			expect(expectedNodeNames.length).toBeGreaterThan(0);

			for (const loadStyle of ['community', 'custom'] as const) {
				const home = await harness.createN8nHome({ loadStyle, tarball });
				homes.push(home);
				const server = await harness.startN8n(home);
				try {
					const owner = await harness.setupOwner(server.baseUrl);
					const response = await fetch(`${server.baseUrl}/types/nodes.json`, { headers: { cookie: owner.cookie ?? '' } });
					expect(response.status).toBe(200);
					const loadedTypes = ((await response.json()) as Array<{ name: string }>).map((type) => type.name);
					for (const nodeName of expectedNodeNames) {
						expect(loadedTypes).toContain(home.nodeType(nodeName));
					}
				} finally {
					await server.stop();
				}
			}
			fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
		},
		TEST_TIMEOUT_MS,
	);
});

/** The `description.name` of every node the package declares (package.json n8n.nodes), read from dist. */
function builtNodeNames(): string[] {
	const packageJson = JSON.parse(fs.readFileSync(path.join(harness.REPO_ROOT, 'package.json'), 'utf8'));
	return (packageJson.n8n.nodes as string[]).map((file) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const exported = require(path.join(harness.REPO_ROOT, file)) as Record<string, new () => { description: { name: string } }>;
		const className = path.basename(file, '.node.js');
		return new exported[className]().description.name;
	});
}
