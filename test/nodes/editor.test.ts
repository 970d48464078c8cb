/**
 * Issue 17: the nodes as the editor shows them. Subtitles are evaluated the way n8n's editor does
 * (getNodeSubtitle: the node's parameters with their defaults, `getSimpleParameterValue`), notices
 * with n8n-workflow's displayParameter (the function the editor's parameter list calls), and runs
 * go through n8n's engine against the sandbox.
 */
import type { ICredentialType, IDataObject, INode, INodeProperties, INodeType } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { ODP_DEFAULT_IDENTIFIERS, startSandbox } from '../../sandbox';
import type { Sandbox } from '../../sandbox';
import { testCredential } from '../helpers/engine';
import { ensureEngineEnvironment, useExpressionEngine } from '../helpers/environment';
import type { ExpressionEngineName } from '../helpers/environment';
import { HarnessNodeTypes } from '../helpers/type-registry';
import { CREDENTIAL_TYPES, NODE_TYPES, erpRows, mainOutput, runVendorNode, sandboxCredentials } from './support';
import type { VendorNode } from './support';

const NODE_CLASSES = Object.fromEntries(NODE_TYPES.map((Type) => [new Type().description.name, Type])) as Record<
	VendorNode,
	new () => INodeType
>;

function description(node: VendorNode) {
	return new NODE_CLASSES[node]().description;
}

/** The node's parameters as the editor holds them: the saved values plus every displayed default. */
function editorParameters(node: VendorNode, saved: IDataObject, typeVersion: number): IDataObject {
	const desc = description(node);
	const inode: INode = { id: 'n', name: 'Vendor', type: node, typeVersion, position: [0, 0], parameters: saved };
	return NodeHelpers.getNodeParameters(desc.properties, saved, true, false, inode, desc) as IDataObject;
}

/** The canvas subtitle, evaluated as n8n's editor does (useNodeHelpers.getNodeSubtitle). */
async function subtitle(node: VendorNode, saved: IDataObject, engine: ExpressionEngineName = 'legacy', typeVersion = 1): Promise<string> {
	ensureEngineEnvironment();
	await useExpressionEngine(engine);
	const desc = description(node);
	const inode: INode = { id: 'n', name: 'Vendor', type: node, typeVersion, position: [0, 0], parameters: editorParameters(node, saved, typeVersion) as INode['parameters'] };
	const workflow = new Workflow({ nodes: [inode], connections: {}, active: false, nodeTypes: new HarnessNodeTypes(NODE_TYPES) });
	return workflow.expression.getSimpleParameterValue(inode, desc.subtitle as string, 'internal', {}) as string;
}

function shownNotices(node: VendorNode, saved: IDataObject, typeVersion = 1): string[] {
	const desc = description(node);
	const inode: INode = { id: 'n', name: 'Vendor', type: node, typeVersion, position: [0, 0], parameters: saved };
	const values = editorParameters(node, saved, typeVersion);
	return desc.properties
		.filter((property: INodeProperties) => property.type === 'notice')
		.filter((property) => NodeHelpers.displayParameter(values, property, inode, desc))
		.map((property) => property.name);
}

/** The simplest order operation of each node, as a saved workflow of version 1 has it. */
const ORDER_PARAMETERS: Record<VendorNode, IDataObject> = {
	optimizelyRecs: { operation: 'trackOfflineOrder', orderSource: 'flatRows' },
	algonomy: { operation: 'importOrders', orderSource: 'flatRows' },
	esputnik: { operation: 'addOrders', orderSource: 'flatRows' },
	optimizelyDataPlatform: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows' },
};
const VENDORS = Object.keys(ORDER_PARAMETERS) as VendorNode[];
const SANDBOX_VENDOR: Record<VendorNode, string> = {
	optimizelyRecs: 'optimizely',
	algonomy: 'algonomy',
	esputnik: 'esputnik',
	optimizelyDataPlatform: 'odp',
};

describe('Dry Run is a top-level parameter, shown on the canvas and by a notice', () => {
	it.each(VENDORS)('%s: a top-level boolean "Dry Run", default off, and Options › Dry Run no longer offered', (node) => {
		const properties = description(node).properties;
		const dryRun = properties.filter((property) => property.name === 'dryRun');
		expect(dryRun).toEqual([expect.objectContaining({ displayName: 'Dry Run', type: 'boolean', default: false })]);
		// A new node's Options list does not offer the old place (hidden while not set)…
		const options = properties.find((property) => property.name === 'options') as INodeProperties;
		const legacy = (options.options as INodeProperties[]).find((option) => option.name === 'dryRun') as INodeProperties;
		const inode: INode = { id: 'n', name: 'Vendor', type: node, typeVersion: 1, position: [0, 0], parameters: {} };
		expect(NodeHelpers.displayParameter({}, legacy, inode, description(node))).toBe(false);
		// …but a saved workflow that has it on still shows it, so it can be switched off there.
		expect(NodeHelpers.displayParameter({ dryRun: true }, legacy, inode, description(node))).toBe(true);
		const saved = editorParameters(node, { ...ORDER_PARAMETERS[node], options: { dryRun: true } }, 1);
		expect((saved.options as IDataObject).dryRun).toBe(true);
		expect(saved.dryRun).toBe(false);
	});

	// The editor evaluates subtitles in the browser with the legacy (tmpl) engine.
	it.each(VENDORS)('%s: the subtitle says "(dry run)" while either Dry Run is on', async (node) => {
		const off = await subtitle(node, { ...ORDER_PARAMETERS[node] });
		expect(off).not.toContain('dry run');
		expect(off.length).toBeGreaterThan(5);
		expect(await subtitle(node, { ...ORDER_PARAMETERS[node], dryRun: true })).toBe(`${off} (dry run)`);
		expect(await subtitle(node, { ...ORDER_PARAMETERS[node], options: { dryRun: true } })).toBe(`${off} (dry run)`);
		expect(await subtitle(node, { ...ORDER_PARAMETERS[node], options: { dryRun: false } })).toBe(off);
	});

	it.each(VENDORS)('%s: a notice only while a dry run is on', (node) => {
		const base = ORDER_PARAMETERS[node];
		expect(shownNotices(node, base)).not.toEqual(expect.arrayContaining(['dryRunNotice']));
		expect(shownNotices(node, base).filter((name) => name.startsWith('dryRun'))).toEqual([]);
		expect(shownNotices(node, { ...base, dryRun: true }).filter((name) => name.startsWith('dryRun'))).toEqual(['dryRunNotice']);
		expect(shownNotices(node, { ...base, options: { dryRun: true } }).filter((name) => name.startsWith('dryRun'))).toEqual(['dryRunOptionNotice']);
		expect(shownNotices(node, { ...base, dryRun: true, options: { dryRun: true } }).filter((name) => name.startsWith('dryRun'))).toEqual(['dryRunNotice']);
	});
});

describe('Dry Run in n8n\'s engine against the sandbox: either place sends nothing', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		// The version-1 nodes these tests run send customer_id: an ODP account that has that identifier.
		sandbox = await startSandbox({ quiet: true, odp: { identifiers: [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'] } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	const cases: Array<[VendorNode, string, IDataObject]> = VENDORS.flatMap((node) => [
		[node, 'top-level Dry Run', { dryRun: true, options: {} }] as [VendorNode, string, IDataObject],
		[node, 'Options › Dry Run of a saved version 1 workflow', { options: { dryRun: true } }] as [VendorNode, string, IDataObject],
	]);

	it.each(cases)('%s, %s', async (node, _label, dryRun) => {
		const result = await runVendorNode({
			node,
			credential: sandboxCredentials(sandbox)[node],
			items: erpRows(2, 2),
			parameters: { ...ORDER_PARAMETERS[node], ...dryRun },
		});
		expect(result.status).toBe('success');
		expect(sandbox.received(SANDBOX_VENDOR[node] as never)).toEqual([]);
		const output = mainOutput(result);
		// 2 orders of 2 rows each: one output item per input row.
		expect(output).toHaveLength(4);
		expect(output.map((item) => item.status)).toEqual(['dryRun', 'dryRun', 'dryRun', 'dryRun']);
		expect(output.every((item) => item.payload !== undefined)).toBe(true);
	});

	it.each(VENDORS)('%s: with Dry Run off (the default) the same workflow sends', async (node) => {
		const result = await runVendorNode({
			node,
			credential: sandboxCredentials(sandbox)[node],
			items: erpRows(2, 2),
			parameters: { ...ORDER_PARAMETERS[node], dryRun: false, options: {} },
		});
		expect(result.status).toBe('success');
		expect(sandbox.received(SANDBOX_VENDOR[node] as never).length).toBeGreaterThan(0);
		expect(mainOutput(result).map((item) => item.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
	});
});

describe('one vocabulary across the four nodes (issue 17 item 9)', () => {
	// What the canvas shows under each node: words, never raw values such as "addOrders".
	const cases: Array<[VendorNode, IDataObject, string]> = [
		['optimizelyRecs', { operation: 'trackOfflineOrder' }, 'Track offline order'],
		['optimizelyRecs', { operation: 'cancelOfflineOrder' }, 'Cancel offline order'],
		['algonomy', { operation: 'importOrders' }, 'Import orders: offline'],
		['algonomy', { operation: 'importOrders', mode: 'online' }, 'Import orders: online'],
		['esputnik', { operation: 'sendOrderEvent' }, 'Send order event: order created'],
		['esputnik', { operation: 'sendOrderEvent', eventTypeKey: 'orderCancelled' }, 'Send order event: order cancelled'],
		['esputnik', { operation: 'addOrders' }, 'Add orders: offline'],
		['esputnik', { operation: 'addOrders', source: 'online' }, 'Add orders: online'],
		['esputnik', { resource: 'siteEvent', operation: 'sendSiteEvent' }, 'Send site event: product viewed'],
		['esputnik', { resource: 'siteEvent', operation: 'sendSiteEvent', siteEventType: 'cartUpdated' }, 'Send site event: cart updated'],
		['optimizelyDataPlatform', { operation: 'sendOrderEvent' }, 'Send order event: purchase'],
		['optimizelyDataPlatform', { operation: 'sendOrderEvent', eventAction: 'refund' }, 'Send order event: refund'],
		['optimizelyDataPlatform', { operation: 'sendOrderEvent', eventAction: 'custom', customAction: 'exchange' }, 'Send order event: exchange'],
		['optimizelyDataPlatform', { operation: 'upsertOrderObject' }, 'Upsert order object'],
		['optimizelyDataPlatform', { operation: 'upsertOrderObject', dryRun: true }, 'Upsert order object (dry run)'],
	];

	it.each(cases)('%s %j: "%s"', async (node, saved, expected) => {
		expect(await subtitle(node, saved)).toBe(expected);
	});

	it('the online/offline choice is called Mode in both nodes that have it, with the same options', () => {
		const esputnik = description('esputnik').properties.find((property) => property.name === 'source') as INodeProperties;
		const algonomy = description('algonomy').properties.find((property) => property.name === 'mode') as INodeProperties;
		expect(esputnik.displayName).toBe('Mode');
		expect(algonomy.displayName).toBe('Mode');
		const names = (property: INodeProperties) => (property.options as Array<{ name: string; value: string }>).map((option) => [option.name, option.value]);
		expect(names(esputnik)).toEqual(names(algonomy));
		expect(names(esputnik)).toEqual([['Offline', 'offline'], ['Online', 'online']]);
	});

	it.each(VENDORS)('%s: delivery options in n8n casing, and Max Tries says how it relates to Settings › Retry On Fail', (node) => {
		const options = (description(node).properties.find((property) => property.name === 'options') as INodeProperties).options as INodeProperties[];
		const labels = Object.fromEntries(options.map((option) => [option.name, option.displayName]));
		expect(labels.maxDelayMs).toBe('Max Wait (Milliseconds)');
		expect(labels.retryDelayMs).toBe('Retry Delay (Milliseconds)');
		expect(labels.timeoutMs).toBe('Timeout (Milliseconds)');
		expect(Object.values(labels).filter((label) => /\(Ms\)/.test(label))).toEqual([]);
		const maxTries = options.find((option) => option.name === 'maxTries') as INodeProperties;
		expect(maxTries.description).toContain('Retry On Fail');
	});
});

describe('a Custom Base URL in any of the three spellings (issue 17 item 10), against the sandbox', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		// The version-1 nodes these tests run send customer_id: an ODP account that has that identifier.
		sandbox = await startSandbox({ quiet: true, odp: { identifiers: [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'] } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	// The sandbox serves eSputnik under /api, ODP under /v3 and Optimizely Recs at the root, as the vendors do.
	const spellings = ['', '/api', '/v3', '/api/', '/v3/'];
	const cases: Array<[VendorNode, string]> = (['optimizelyRecs', 'esputnik', 'optimizelyDataPlatform'] as VendorNode[]).flatMap((node) =>
		spellings.map((path) => [node, path] as [VendorNode, string]),
	);

	it.each(cases)('%s with "<sandbox>%s": the credential Test passes and the node sends', async (node, path) => {
		const credential = sandboxCredentials(sandbox)[node];
		const data = { ...credential.data, baseUrl: `${sandbox.url}${path}` };
		const type = CREDENTIAL_TYPES.find((Type) => new Type().name === credential.type) as new () => ICredentialType;
		expect(await testCredential(type, data)).toEqual({ status: 'OK', message: 'Connection successful!' });
		const result = await runVendorNode({
			node,
			credential: { ...credential, data },
			items: erpRows(2, 1),
			parameters: { ...ORDER_PARAMETERS[node], options: {} },
		});
		expect(result.status).toBe('success');
		expect(mainOutput(result).map((item) => item.status)).toEqual(['sent', 'sent']);
		expect(sandbox.received(SANDBOX_VENDOR[node] as never).length).toBeGreaterThan(0);
	});
});

describe('Custom API Call run in this node (issue 17 item 10): a clear error, nothing sent', () => {
	let sandbox: Sandbox;
	beforeAll(async () => {
		// The version-1 nodes these tests run send customer_id: an ODP account that has that identifier.
		sandbox = await startSandbox({ quiet: true, odp: { identifiers: [...ODP_DEFAULT_IDENTIFIERS, 'customer_id'] } });
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.reset());

	const CREDENTIAL_NAME: Record<VendorNode, string> = {
		optimizelyRecs: 'Optimizely Product Recommendations API',
		algonomy: 'Algonomy OAuth2 API',
		esputnik: 'eSputnik API',
		optimizelyDataPlatform: 'Optimizely Data Platform API',
	};
	const RESOURCE: Record<VendorNode, string> = { optimizelyRecs: 'offlineOrder', algonomy: 'order', esputnik: 'order', optimizelyDataPlatform: 'order' };
	// What the editor leaves in a node switched from an order operation to Custom API Call.
	const cases: Array<[VendorNode, string, IDataObject]> = VENDORS.flatMap((node) => [
		[node, 'Resource', { ...ORDER_PARAMETERS[node], resource: '__CUSTOM_API_CALL__', options: {} }] as [VendorNode, string, IDataObject],
		[node, 'Operation', { ...ORDER_PARAMETERS[node], resource: RESOURCE[node], operation: '__CUSTOM_API_CALL__', options: {} }] as [VendorNode, string, IDataObject],
	]);

	it.each(cases)('%s, Custom API Call as the %s', async (node, _where, parameters) => {
		const result = await runVendorNode({ node, credential: sandboxCredentials(sandbox)[node], items: erpRows(2, 1), parameters });
		expect(result.status).toBe('error');
		const message = String(result.error?.message);
		expect(message).not.toContain('Could not get parameter');
		expect(message).toContain('Custom API Call is not run by this node: use an HTTP Request node');
		expect(String(result.error?.description)).toContain(`Credential Type to "${CREDENTIAL_NAME[node]}"`);
		expect(sandbox.received()).toEqual([]);
	});

	it.each(VENDORS)('%s: with the error output on, every item goes there with the same advice', async (node) => {
		const result = await runVendorNode({
			node,
			credential: sandboxCredentials(sandbox)[node],
			items: erpRows(3, 1),
			parameters: { ...ORDER_PARAMETERS[node], resource: '__CUSTOM_API_CALL__', options: {} },
			onError: 'continueErrorOutput',
		});
		expect(result.status).toBe('success');
		expect(mainOutput(result)).toEqual([]);
		const errors = result.outputs('Vendor')[1].map((item) => item.json);
		expect(errors).toHaveLength(3);
		for (const error of errors) expect(String(error.error)).toContain('use an HTTP Request node');
		expect(sandbox.received()).toEqual([]);
	});
});

describe('key help under the fields, not only in tooltips (issue 17 item 7)', () => {
	// The fields a new user must get right, per node (by hand from the issue): each shows a hint.
	const KEY_FIELDS: Record<VendorNode, string[]> = {
		optimizelyRecs: ['dryRun', 'orderSource', 'sourceField', 'columns', 'orderDate', 'lines', 'sendNonPurchaseOrders', 'refCode'],
		algonomy: ['dryRun', 'orderSource', 'sourceField', 'columns', 'orderDate', 'lines', 'sendNonPurchaseOrders', 'sendAs'],
		esputnik: ['dryRun', 'orderSource', 'sourceField', 'columns', 'orderDate', 'lines', 'sendNonPurchaseOrders', 'contactIdentifier'],
		optimizelyDataPlatform: ['dryRun', 'orderSource', 'sourceField', 'columns', 'orderDate', 'lines', 'sendNonPurchaseOrders', 'eventAction', 'customerIdField', 'defaultCallingCode'],
	};

	it.each(VENDORS)('%s', (node) => {
		const properties = description(node).properties;
		for (const name of KEY_FIELDS[node]) {
			const found = properties.filter((property) => property.name === name);
			expect({ name, count: found.length > 0 }).toEqual({ name, count: true });
			for (const property of found) {
				expect({ name, hint: typeof property.hint === 'string' && property.hint.length > 10 }).toEqual({ name, hint: true });
				// A hint is the short form, not the tooltip repeated.
				expect(property.hint).not.toBe(property.description);
				expect((property.hint as string).length).toBeLessThan(120);
			}
		}
	});
});
