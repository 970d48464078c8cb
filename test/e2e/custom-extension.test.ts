/**
 * The developer's way of loading the package, N8N_CUSTOM_EXTENSIONS (node types `CUSTOM.<name>`):
 * the same set-up as the demo, then the Shopify example executed in a real n8n reaches all four
 * vendors of the sandbox with the expected payloads. (demo.test.ts covers the community package.)
 */
import harness = require('../../harness/n8n');
import setup = require('../../scripts/lib/setup');
import { startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { INSTALL_TIMEOUT_MS, RUN_TIMEOUT_MS, WORKFLOW_IDS, bodiesOf, countByOperation, esputnikImportPolls, shopifyOrder, webhookPayloads } from './support';

describe('example workflow with the package loaded through N8N_CUSTOM_EXTENSIONS', () => {
	let demo: setup.PreparedDemo<Sandbox> | undefined;

	beforeAll(async () => {
		await harness.ensureN8n();
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		demo = await setup.prepareDemo({ loadStyle: 'custom', startSandbox, log: () => undefined });
	}, RUN_TIMEOUT_MS);

	afterAll(async () => {
		await demo?.cleanup();
	});

	it(
		'runs the Shopify example with CUSTOM.* node types and every vendor receives the order',
		async () => {
			if (!demo) throw new Error('set-up failed');
			expect(demo.home.loadStyle).toBe('custom');
			const imported = demo.examples.find((example) => example.key === 'shopify')?.workflow;
			const ourTypes = imported?.nodes.map((node) => node.type).filter((type) => !type.startsWith('n8n-nodes-base.'));
			expect(ourTypes?.sort()).toEqual(['CUSTOM.algonomy', 'CUSTOM.esputnik', 'CUSTOM.optimizelyDataPlatform', 'CUSTOM.optimizelyRecs']);

			const execution = await harness.executeWorkflow(demo.home, WORKFLOW_IDS.shopify);
			expect(execution.error).toBeUndefined();
			expect(execution.ok).toBe(true);

			const received = demo.sandbox.all();
			expect(received.filter((request) => !request.accepted)).toEqual([]);
			const { 'esputnik.importStatus': importStatusPolls, ...counts } = countByOperation(received);
			expect(counts).toEqual({
				'optimizely.offlineOrder': 1,
				'algonomy.token': 1,
				'algonomy.importOrder': 1,
				// eSputnik 1.2: the customer as a contact first, its import polled until finished, then the event.
				'esputnik.contacts': 1,
				'esputnik.event': 1,
				'odp.events': 1,
			});
			const polls = Object.values(esputnikImportPolls(received));
			expect(polls).toHaveLength(1);
			expect(polls[0]).toBeGreaterThanOrEqual(1);
			expect(importStatusPolls).toBe(polls[0]);
			const expected = webhookPayloads(shopifyOrder());
			expect(bodiesOf(received, 'optimizely', 'offlineOrder')).toEqual([expected.optimizely]);
			expect(bodiesOf(received, 'algonomy', 'importOrder')).toEqual([expected.algonomy]);
			expect(bodiesOf(received, 'esputnik', 'contacts')).toEqual([expected.esputnikContacts]);
			expect(bodiesOf(received, 'esputnik', 'event')).toEqual([expected.esputnik]);
			// eSputnik saved it: the contact existed when the event came.
			expect(demo.sandbox.esputnikEvents()).toEqual({ saved: [expect.objectContaining({ operation: 'event' })], ignored: [] });
			expect(bodiesOf(received, 'odp', 'events')).toEqual([[expected.odp]]);
			for (const nodeName of ['Optimizely Recs: track order', 'Algonomy: import order', 'eSputnik: orderCreated event', 'ODP: purchase event']) {
				expect(harness.nodeOutput(execution, nodeName)).toEqual([
					expect.objectContaining({ orderId: '5940139491234', status: 'sent' }),
				]);
				expect(harness.nodeOutput(execution, nodeName, 1)).toEqual([]);
			}
		},
		RUN_TIMEOUT_MS,
	);
});
