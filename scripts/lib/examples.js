'use strict';
/**
 * The example workflows shipped in examples/: their definitions (the JSON files there are generated
 * from this module by `node scripts/build-examples.js`, so the sample bodies embedded in them always
 * equal the files in examples/data/), and how to adapt them to one n8n home before importing.
 * Node built-ins only.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const DATA_DIR = path.join(EXAMPLES_DIR, 'data');
const PACKAGE_NAME = 'n8n-nodes-order-sync';

/**
 * Where the shipped workflows look for their CSV exports: n8n 2.x lets nodes read files only below
 * ~/.n8n-files unless N8N_RESTRICT_FILE_ACCESS_TO names other folders; /home/node is the home of n8n's
 * Docker image. The demo replaces this folder with examples/data and allows that folder.
 */
const SHIPPED_FILE_DIR = '/home/node/.n8n-files';

/** Credential ids and names the example nodes refer to; the demo imports sandbox credentials under them. */
const CREDENTIALS = {
	optimizelyRecsApi: { id: 'osCredOptRecs001', name: 'Optimizely Recs (sandbox)' },
	algonomyOAuth2Api: { id: 'osCredAlgonomy01', name: 'Algonomy (sandbox)' },
	esputnikApi: { id: 'osCredEsputnik01', name: 'eSputnik (sandbox)' },
	optimizelyDataPlatformApi: { id: 'osCredOdp0000001', name: 'ODP (sandbox)' },
};

/**
 * Our node names (description.name), the credential each uses, and the node version the examples are
 * saved with: each node's newest (its defaultVersion, what a node added in the editor gets). From those
 * versions refunded/cancelled orders are not sent as purchases (1.1), ODP sends e-mail and phone only
 * and eSputnik creates the contact before an order event (1.2), and the ODP and eSputnik order events
 * skip what an earlier run sent (1.2). demo.test.ts checks these against the nodes' defaultVersion.
 */
const VENDOR_NODES = {
	optimizelyRecs: { credential: 'optimizelyRecsApi', vendor: 'optimizely', label: 'Optimizely Product Recommendations', typeVersion: 1.1 },
	algonomy: { credential: 'algonomyOAuth2Api', vendor: 'algonomy', label: 'Algonomy Omnichannel', typeVersion: 1.1 },
	esputnik: { credential: 'esputnikApi', vendor: 'esputnik', label: 'eSputnik', typeVersion: 1.2 },
	optimizelyDataPlatform: { credential: 'optimizelyDataPlatformApi', vendor: 'odp', label: 'Optimizely Data Platform', typeVersion: 1.2 },
};

const WORKFLOW_IDS = {
	erp: 'osExampleErpCsv1',
	shopify: 'osExampleShopify',
	wooCommerce: 'osExampleWooComm',
	refunds: 'osExampleRefunds',
};

const FILES = {
	erp: '01-nightly-erp-export.json',
	shopify: '02-shopify-order-webhook.json',
	wooCommerce: '03-woocommerce-order-webhook.json',
	refunds: '04-refunds-and-cancellations.json',
};

const DATA_FILES = {
	erpCsv: 'erp-orders.csv',
	refundsCsv: 'refunds-and-cancellations.csv',
	shopifyBody: 'shopify-orders-create.json',
	wooCommerceBody: 'woocommerce-order-created.json',
};

// ---------------------------------------------------------------------------------------------
// Node builders

/** A stable UUID-shaped node id, so regenerating the examples changes nothing. */
function nodeId(workflowId, name) {
	const hex = crypto.createHash('sha1').update(`${workflowId}/${name}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function node(workflowId, name, type, typeVersion, position, parameters, extra = {}) {
	return { parameters, id: nodeId(workflowId, name), name, type, typeVersion, position, ...extra };
}

function vendorNode(workflowId, name, nodeName, position, parameters) {
	const { credential, typeVersion } = VENDOR_NODES[nodeName];
	return node(workflowId, name, `${PACKAGE_NAME}.${nodeName}`, typeVersion, position, parameters, {
		credentials: { [credential]: { ...CREDENTIALS[credential] } },
		// A bad order goes to the node's second ("error") output; the good ones are still sent.
		onError: 'continueErrorOutput',
	});
}

function sticky(workflowId, name, position, width, height, content, color = 7) {
	return node(workflowId, name, 'n8n-nodes-base.stickyNote', 1, position, { content, height, width, color });
}

function manualTrigger(workflowId, name, position) {
	return node(workflowId, name, 'n8n-nodes-base.manualTrigger', 1, position, {});
}

function nightlySchedule(workflowId, name, position, hour, minute = 0) {
	return node(workflowId, name, 'n8n-nodes-base.scheduleTrigger', 1.2, position, {
		rule: { interval: [{ triggerAtHour: hour, ...(minute ? { triggerAtMinute: minute } : {}) }] },
	});
}

function readFile(workflowId, name, position, fileName) {
	return node(workflowId, name, 'n8n-nodes-base.readWriteFile', 1.1, position, {
		operation: 'read',
		fileSelector: `${SHIPPED_FILE_DIR}/${fileName}`,
		options: {},
	});
}

function extractCsv(workflowId, name, position) {
	return node(workflowId, name, 'n8n-nodes-base.extractFromFile', 1.1, position, {
		operation: 'csv',
		binaryPropertyName: 'data',
		options: {},
	});
}

function rejectedOrders(workflowId, position) {
	return node(workflowId, 'Rejected orders (review)', 'n8n-nodes-base.noOp', 1, position, {});
}

/** A Set node whose output is the sample webhook item: { headers, body } as n8n's Webhook node gives it. */
function sampleWebhookItem(workflowId, name, position, headers, body) {
	return node(workflowId, name, 'n8n-nodes-base.set', 3.4, position, {
		mode: 'raw',
		jsonOutput: JSON.stringify({ headers, body }, null, 2),
		options: {},
	});
}

function webhook(workflowId, name, position, urlPath) {
	return node(
		workflowId,
		name,
		'n8n-nodes-base.webhook',
		2.1,
		position,
		{ httpMethod: 'POST', path: urlPath, responseMode: 'onReceived', options: {} },
		{ webhookId: nodeId(workflowId, `${name}/webhook`) },
	);
}

// ---------------------------------------------------------------------------------------------
// Connections

function connect(connections, from, to, outputIndex = 0) {
	const outputs = (connections[from] ??= { main: [] }).main;
	while (outputs.length <= outputIndex) outputs.push([]);
	outputs[outputIndex].push({ node: to, type: 'main', index: 0 });
}

function fanOut(connections, from, vendorNames) {
	for (const name of vendorNames) connect(connections, from, name);
}

function errorsTo(connections, vendorNames, target) {
	for (const name of vendorNames) {
		connections[name] ??= { main: [] };
		// Output 0 (sent) stays open for the user's next steps; output 1 is the error output.
		while (connections[name].main.length < 1) connections[name].main.push([]);
		connect(connections, name, target, 1);
	}
}

function workflow(id, name, nodes, connections, description) {
	return {
		id,
		name,
		nodes,
		connections,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		meta: { templateCredsSetupCompleted: true, description },
		tags: [],
	};
}

function readData(fileName) {
	return fs.readFileSync(path.join(DATA_DIR, fileName), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// The four examples

const FILE_ACCESS_NOTE = [
	'**Where the file comes from.** n8n 2.x lets nodes read files only below `~/.n8n-files`',
	'unless `N8N_RESTRICT_FILE_ACCESS_TO` lists other folders (separate several with `;`).',
	'Put your export there, or allow its folder, and set **File(s) Selector** in the read node',
	'(the example expects n8n\'s Docker home, `/home/node`).',
].join('\n');

function erpExport() {
	const id = WORKFLOW_IDS.erp;
	const vendors = {
		optimizely: 'Optimizely Recs: track order',
		algonomy: 'Algonomy: import orders',
		esputnik: 'eSputnik: add orders',
		odp: 'ODP: purchase events',
	};
	const nodes = [
		// The Manual Trigger comes first: `n8n execute` starts at the first Manual Trigger.
		manualTrigger(id, 'Run now', [0, 80]),
		nightlySchedule(id, 'Every night at 02:00', [0, 280], 2),
		readFile(id, 'Read ERP export', [240, 180], DATA_FILES.erpCsv),
		extractCsv(id, 'Parse CSV rows', [460, 180]),
		vendorNode(id, vendors.optimizely, 'optimizelyRecs', [760, -80], {
			resource: 'offlineOrder',
			operation: 'trackOfflineOrder',
			orderSource: 'flatRows',
			lang: 'de-de',
			options: {},
		}),
		vendorNode(id, vendors.algonomy, 'algonomy', [760, 100], {
			resource: 'order',
			operation: 'importOrders',
			mode: 'offline',
			sendAs: 'batch',
			orderSource: 'flatRows',
			options: {},
		}),
		vendorNode(id, vendors.esputnik, 'esputnik', [760, 280], {
			resource: 'order',
			operation: 'addOrders',
			source: 'offline',
			orderSource: 'flatRows',
			options: {},
		}),
		vendorNode(id, vendors.odp, 'optimizelyDataPlatform', [760, 460], {
			resource: 'order',
			operation: 'sendOrderEvent',
			eventAction: 'purchase',
			orderSource: 'flatRows',
			options: {},
		}),
		rejectedOrders(id, [1100, 380]),
		sticky(
			id,
			'About this workflow',
			[-60, -260],
			700,
			240,
			[
				'## Nightly ERP export → four vendors',
				'Reads the ERP/POS export (CSV, **one row per order line**; rows of one order may be interleaved),',
				'groups the rows into orders and sends each order to Optimizely Product Recommendations,',
				'Algonomy, eSputnik (bulk) and Optimizely Data Platform (purchase events).',
				'An order with a bad row goes to each node\'s **error** output; the other orders are still sent.',
				'',
				FILE_ACCESS_NOTE,
			].join('\n'),
		),
	];
	const connections = {};
	connect(connections, 'Run now', 'Read ERP export');
	connect(connections, 'Every night at 02:00', 'Read ERP export');
	connect(connections, 'Read ERP export', 'Parse CSV rows');
	fanOut(connections, 'Parse CSV rows', Object.values(vendors));
	errorsTo(connections, Object.values(vendors), 'Rejected orders (review)');
	return workflow(
		id,
		'Order sync: nightly ERP export → 4 vendors',
		nodes,
		connections,
		'Nightly CSV export of store/POS orders sent to all four vendors; bad orders on the error outputs.',
	);
}

function webhookExample({ id, shop, webhookName, urlPath, sampleName, headers, body, source, note }) {
	const vendors = {
		optimizely: 'Optimizely Recs: track order',
		algonomy: 'Algonomy: import order',
		esputnik: 'eSputnik: orderCreated event',
		odp: 'ODP: purchase event',
	};
	const nodes = [
		manualTrigger(id, 'Run with the sample order', [0, 280]),
		sampleWebhookItem(id, sampleName, [240, 280], headers, body),
		webhook(id, webhookName, [240, 80], urlPath),
		vendorNode(id, vendors.optimizely, 'optimizelyRecs', [560, -80], {
			resource: 'offlineOrder',
			operation: 'trackOfflineOrder',
			orderSource: source,
			options: {},
		}),
		vendorNode(id, vendors.algonomy, 'algonomy', [560, 100], {
			resource: 'order',
			operation: 'importOrders',
			mode: 'online',
			sendAs: 'single',
			orderSource: source,
			options: {},
		}),
		vendorNode(id, vendors.esputnik, 'esputnik', [560, 280], {
			resource: 'order',
			operation: 'sendOrderEvent',
			eventTypeKey: 'orderCreated',
			contactIdentifier: 'email',
			orderSource: source,
			options: {},
		}),
		vendorNode(id, vendors.odp, 'optimizelyDataPlatform', [560, 460], {
			resource: 'order',
			operation: 'sendOrderEvent',
			eventAction: 'purchase',
			orderSource: source,
			options: {},
		}),
		rejectedOrders(id, [900, 380]),
		sticky(id, 'About this workflow', [-60, -280], 580, 260, note),
	];
	const connections = {};
	connect(connections, 'Run with the sample order', sampleName);
	fanOut(connections, webhookName, Object.values(vendors));
	fanOut(connections, sampleName, Object.values(vendors));
	errorsTo(connections, Object.values(vendors), 'Rejected orders (review)');
	return workflow(
		id,
		`Order sync: ${shop} order webhook → 4 vendors`,
		nodes,
		connections,
		`${shop} order webhook sent to all four vendors as it arrives.`,
	);
}

function shopifyWebhook() {
	return webhookExample({
		id: WORKFLOW_IDS.shopify,
		shop: 'Shopify',
		webhookName: 'Shopify orders/create',
		urlPath: 'order-sync/shopify/orders-create',
		sampleName: 'Sample orders/create webhook',
		headers: {
			'content-type': 'application/json',
			'x-shopify-topic': 'orders/create',
			'x-shopify-shop-domain': 'example-shop.myshopify.com',
			'x-shopify-api-version': '2024-10',
		},
		body: JSON.parse(readData(DATA_FILES.shopifyBody)),
		source: 'shopify',
		note: [
			'## Shopify order webhook → four vendors',
			'In Shopify: **Settings › Notifications › Webhooks › Create webhook**, event *Order creation*,',
			'format *JSON*, URL = the production URL of **Shopify orders/create**; then publish this workflow.',
			'Check the `X-Shopify-Hmac-Sha256` header before you trust a body (e.g. a Crypto node and an If node).',
			'',
			'**Run with the sample order** sends `examples/data/shopify-orders-create.json` through the same nodes.',
		].join('\n'),
	});
}

function wooCommerceWebhook() {
	return webhookExample({
		id: WORKFLOW_IDS.wooCommerce,
		shop: 'WooCommerce',
		webhookName: 'WooCommerce order.created',
		urlPath: 'order-sync/woocommerce/order-created',
		sampleName: 'Sample order.created webhook',
		headers: {
			'content-type': 'application/json',
			'x-wc-webhook-topic': 'order.created',
			'x-wc-webhook-resource': 'order',
			'x-wc-webhook-event': 'created',
			'x-wc-webhook-source': 'https://shop.example.com/',
		},
		body: JSON.parse(readData(DATA_FILES.wooCommerceBody)),
		source: 'wooCommerce',
		note: [
			'## WooCommerce order webhook → four vendors',
			'In WordPress: **WooCommerce › Settings › Advanced › Webhooks › Add webhook**, topic *Order created*,',
			'delivery URL = the production URL of **WooCommerce order.created**; then publish this workflow.',
			'Check the `X-WC-Webhook-Signature` header before you trust a body.',
			'',
			'**Run with the sample order** sends `examples/data/woocommerce-order-created.json` through the same nodes.',
			'Its phone is a US national number; an order a vendor cannot take lands on that node\'s error output.',
		].join('\n'),
	});
}

/** Switch rule: items whose status column equals `status` go to the output named `outputKey`. */
function statusRule(outputKey, status) {
	return {
		renameOutput: true,
		outputKey,
		conditions: {
			options: { caseSensitive: false, leftValue: '', typeValidation: 'strict', version: 2 },
			conditions: [
				{
					id: nodeId(WORKFLOW_IDS.refunds, `rule/${status}`),
					leftValue: '={{ $json.status }}',
					rightValue: status,
					operator: { type: 'string', operation: 'equals' },
				},
			],
			combinator: 'and',
		},
	};
}

function refundsAndCancellations() {
	const id = WORKFLOW_IDS.refunds;
	// The refunds export names its date and amount columns differently: the nodes map them.
	const columns = { orderDate: 'refund_date', total: 'refund_total' };
	const odp = (name, action, position) =>
		vendorNode(id, name, 'optimizelyDataPlatform', position, {
			resource: 'order',
			operation: 'sendOrderEvent',
			eventAction: action,
			orderSource: 'flatRows',
			columns,
			options: {},
		});
	const nodes = [
		manualTrigger(id, 'Run now', [0, 80]),
		nightlySchedule(id, 'Every night at 02:30', [0, 280], 2, 30),
		readFile(id, 'Read refunds export', [240, 180], DATA_FILES.refundsCsv),
		extractCsv(id, 'Parse CSV rows', [460, 180]),
		node(id, 'By status', 'n8n-nodes-base.switch', 3.2, [680, 180], {
			rules: {
				values: [statusRule('Cancelled', 'cancelled'), statusRule('Refunded', 'refunded'), statusRule('Returned', 'returned')],
			},
			options: {},
		}),
		odp('ODP: cancel events', 'cancel', [1000, -60]),
		vendorNode(id, 'eSputnik: orderCancelled events', 'esputnik', [1000, 120], {
			resource: 'order',
			operation: 'sendOrderEvent',
			eventTypeKey: 'orderCancelled',
			contactIdentifier: 'email',
			orderSource: 'flatRows',
			columns,
			options: {},
		}),
		odp('ODP: refund events', 'refund', [1000, 300]),
		odp('ODP: return events', 'return', [1000, 480]),
		rejectedOrders(id, [1340, 380]),
		sticky(
			id,
			'About this workflow',
			[-60, -280],
			720,
			260,
			[
				'## Refunds and cancellations → ODP and eSputnik',
				'Reads the ERP\'s refunds export (one row per refunded or cancelled line; `status` is',
				'`cancelled`, `refunded` or `returned`; `refund_date` and `refund_total` are mapped in each node',
				'under *Column Names*). Cancellations go to ODP (cancel) and eSputnik (orderCancelled),',
				'refunds and returns to ODP. ODP subtracts every return/refund/cancel it receives; the ODP and',
				'eSputnik nodes remember what each vendor accepted (*Skip Orders Sent Before*), so a re-run or an',
				'export that repeats yesterday\'s refunds sends each (order, action, amount) once. eSputnik: each',
				'customer is created or updated as a contact first, so the event of a new customer is saved.',
				'',
				FILE_ACCESS_NOTE,
			].join('\n'),
		),
	];
	const connections = {};
	connect(connections, 'Run now', 'Read refunds export');
	connect(connections, 'Every night at 02:30', 'Read refunds export');
	connect(connections, 'Read refunds export', 'Parse CSV rows');
	connect(connections, 'Parse CSV rows', 'By status');
	connect(connections, 'By status', 'ODP: cancel events', 0);
	connect(connections, 'By status', 'eSputnik: orderCancelled events', 0);
	connect(connections, 'By status', 'ODP: refund events', 1);
	connect(connections, 'By status', 'ODP: return events', 2);
	const vendorNames = ['ODP: cancel events', 'eSputnik: orderCancelled events', 'ODP: refund events', 'ODP: return events'];
	errorsTo(connections, vendorNames, 'Rejected orders (review)');
	return workflow(
		id,
		'Order sync: refunds and cancellations → ODP + eSputnik',
		nodes,
		connections,
		'Refunds, returns and cancellations from the ERP sent to ODP and eSputnik.',
	);
}

/** Every example as { key, file, workflow }, in the order the demo runs them. */
function buildExamples() {
	return [
		{ key: 'erp', file: FILES.erp, workflow: erpExport() },
		{ key: 'shopify', file: FILES.shopify, workflow: shopifyWebhook() },
		{ key: 'wooCommerce', file: FILES.wooCommerce, workflow: wooCommerceWebhook() },
		{ key: 'refunds', file: FILES.refunds, workflow: refundsAndCancellations() },
	];
}

function serialize(workflowObject) {
	return JSON.stringify(workflowObject, null, '\t') + '\n';
}

/** The example workflows as committed in examples/ (what users import). */
function loadExamples() {
	return Object.entries(FILES).map(([key, file]) => ({
		key,
		file,
		workflow: JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')),
	}));
}

/**
 * A copy of a shipped workflow for one n8n home: our node types with the home's prefix
 * (`CUSTOM.` when loaded through N8N_CUSTOM_EXTENSIONS) and the read nodes pointed at `dataDir`.
 */
function adaptWorkflow(workflowObject, { nodeTypePrefix = PACKAGE_NAME, dataDir = DATA_DIR } = {}) {
	const copy = JSON.parse(JSON.stringify(workflowObject));
	for (const item of copy.nodes) {
		if (item.type.startsWith(`${PACKAGE_NAME}.`)) item.type = `${nodeTypePrefix}.${item.type.slice(PACKAGE_NAME.length + 1)}`;
		const selector = item.parameters?.fileSelector;
		if (typeof selector === 'string' && selector.startsWith(`${SHIPPED_FILE_DIR}/`)) {
			item.parameters.fileSelector = path.join(dataDir, selector.slice(SHIPPED_FILE_DIR.length + 1));
		}
	}
	return copy;
}

/** Our vendor nodes in a workflow: [{ name, nodeName, vendor, parameters }]. */
function vendorNodesOf(workflowObject) {
	return workflowObject.nodes
		.map((item) => {
			const nodeName = item.type.split('.').pop();
			const known = VENDOR_NODES[nodeName];
			return known && !item.type.startsWith('n8n-nodes-base.')
				? { name: item.name, nodeName, vendor: known.vendor, parameters: item.parameters }
				: undefined;
		})
		.filter(Boolean);
}

/**
 * Credentials for a running sandbox, as a user fills them in with "Custom Base URL", under the ids
 * the examples refer to. `sandbox` is the object startSandbox() returns.
 */
function sandboxCredentials(sandbox) {
	const c = sandbox.credentials;
	return [
		{
			...CREDENTIALS.optimizelyRecsApi,
			type: 'optimizelyRecsApi',
			data: { environment: 'custom', baseUrl: sandbox.url, site: c.optimizely.site, siteToken: c.optimizely.siteToken, channel: 'store' },
		},
		{
			...CREDENTIALS.algonomyOAuth2Api,
			type: 'algonomyOAuth2Api',
			data: {
				environment: 'custom',
				baseUrl: sandbox.url,
				clientId: c.algonomy.clientId,
				clientSecret: c.algonomy.clientSecret,
				apiKey: c.algonomy.apiKey,
				accessToken: '',
			},
		},
		{
			...CREDENTIALS.esputnikApi,
			type: 'esputnikApi',
			data: { environment: 'custom', baseUrl: `${sandbox.url}/api`, apiKey: c.esputnik.apiKey },
		},
		{
			...CREDENTIALS.optimizelyDataPlatformApi,
			type: 'optimizelyDataPlatformApi',
			data: { region: 'custom', baseUrl: `${sandbox.url}/v3`, apiKey: c.odp.apiKey },
		},
	];
}

/** Every secret value of the sandbox credentials (to redact them from anything printed). */
function sandboxSecrets(sandbox) {
	const c = sandbox.credentials;
	return [c.optimizely.siteToken, c.algonomy.clientSecret, c.algonomy.apiKey, c.esputnik.apiKey, c.odp.apiKey].filter(
		(value) => typeof value === 'string' && value.length > 0,
	);
}

module.exports = {
	REPO_ROOT,
	EXAMPLES_DIR,
	DATA_DIR,
	DATA_FILES,
	PACKAGE_NAME,
	SHIPPED_FILE_DIR,
	CREDENTIALS,
	VENDOR_NODES,
	WORKFLOW_IDS,
	FILES,
	buildExamples,
	serialize,
	loadExamples,
	adaptWorkflow,
	vendorNodesOf,
	sandboxCredentials,
	sandboxSecrets,
};
