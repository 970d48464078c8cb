'use strict';
/**
 * The six vendor operations the bench measures: how our node is configured for each, what it sends
 * (so the raw client can send the same batches), and how an n8n user would do the same job with the
 * HTTP Request node (one request per order payload).
 */

/**
 * Our nodes' batch defaults (nodes/*: DEFAULT_BATCH / MAX_BATCH). Requests in flight come from the
 * built package itself (`defaultConcurrency` in nodes/shared/delivery.ts), so the raw floor always
 * runs the lanes the node runs.
 */
function nodeConcurrency(operation) {
	const { defaultConcurrency } = require('../../dist/nodes/shared/delivery');
	return defaultConcurrency(operation.batchSize);
}

const OPERATIONS = [
	{
		key: 'optimizelyTrack',
		label: 'Optimizely Recs: track offline order',
		vendor: 'optimizely',
		/** The sandbox's name for the data route (its stats count requests by it). */
		sandboxOperation: 'offlineOrder',
		nodeName: 'optimizelyRecs',
		credentialType: 'optimizelyRecsApi',
		parameters: { resource: 'offlineOrder', operation: 'trackOfflineOrder', orderSource: 'flatRows', lang: 'en-gb' },
		batchSize: 1,
		bulk: false,
		write: (mapping, order) => mapping.toOptimizelyRecsOrder(order, { lang: 'en-gb' }),
		request: (batch) => ({ method: 'POST', path: '/tracker/smart-api/orders/offline', body: batch[0] }),
		httpBaseline: { method: 'POST', path: '/tracker/smart-api/orders/offline', jsonBody: '={{ $json }}' },
	},
	{
		key: 'algonomyImport',
		label: 'Algonomy: import orders (POST batches)',
		vendor: 'algonomy',
		sandboxOperation: 'importOrders',
		nodeName: 'algonomy',
		credentialType: 'algonomyOAuth2Api',
		parameters: { resource: 'order', operation: 'importOrders', mode: 'offline', sendAs: 'batch', orderSource: 'flatRows' },
		batchSize: 100,
		bulk: true,
		write: (mapping, order) => mapping.toAlgonomyOrder(order, {}),
		request: (batch, credentials) => ({
			method: 'POST',
			path: `/omnichannel/api/v1/${encodeURIComponent(credentials.algonomy.apiKey)}/orders?mode=offline`,
			body: batch,
		}),
		// The same POST endpoint with one order in the array, as a user would type it.
		httpBaseline: { method: 'POST', path: (credentials) => `/omnichannel/api/v1/${credentials.algonomy.apiKey}/orders?mode=offline`, jsonBody: '={{ [$json] }}' },
	},
	{
		key: 'esputnikAddOrders',
		label: 'eSputnik: add orders (v1/orders)',
		vendor: 'esputnik',
		sandboxOperation: 'orders',
		nodeName: 'esputnik',
		credentialType: 'esputnikApi',
		parameters: { resource: 'order', operation: 'addOrders', source: 'offline', orderSource: 'flatRows' },
		batchSize: 500,
		bulk: true,
		write: (mapping, order) => mapping.toEsputnikOrder(order, { source: 'offline' }),
		request: (batch) => ({ method: 'POST', path: '/api/v1/orders', body: { orders: batch } }),
		httpBaseline: { method: 'POST', path: '/api/v1/orders', jsonBody: '={{ { orders: [$json] } }}' },
	},
	{
		key: 'esputnikOrderEvent',
		label: 'eSputnik: send order event (v1/event)',
		vendor: 'esputnik',
		sandboxOperation: 'event',
		nodeName: 'esputnik',
		credentialType: 'esputnikApi',
		parameters: {
			resource: 'order',
			operation: 'sendOrderEvent',
			eventTypeKey: 'orderCreated',
			contactIdentifier: 'email',
			orderSource: 'flatRows',
		},
		batchSize: 1,
		bulk: false,
		write: (mapping, order) => mapping.toEsputnikOrderEvent(order, { eventTypeKey: 'orderCreated', contactIdentifier: 'email', includeProducts: false }),
		request: (batch) => ({ method: 'POST', path: '/api/v1/event', body: batch[0] }),
		httpBaseline: { method: 'POST', path: '/api/v1/event', jsonBody: '={{ $json }}' },
	},
	{
		key: 'odpEvents',
		label: 'ODP: send order events',
		vendor: 'odp',
		sandboxOperation: 'events',
		nodeName: 'optimizelyDataPlatform',
		credentialType: 'optimizelyDataPlatformApi',
		parameters: { resource: 'order', operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows' },
		batchSize: 500,
		bulk: true,
		write: (mapping, order) => mapping.toOdpOrderEvent(order, { action: 'purchase' }),
		request: (batch) => ({ method: 'POST', path: '/v3/events', body: batch }),
		httpBaseline: { method: 'POST', path: '/v3/events', jsonBody: '={{ $json }}' },
	},
	{
		key: 'odpObjects',
		label: 'ODP: upsert order objects',
		vendor: 'odp',
		sandboxOperation: 'ordersObject',
		nodeName: 'optimizelyDataPlatform',
		credentialType: 'optimizelyDataPlatformApi',
		parameters: { resource: 'order', operation: 'upsertOrderObject', orderSource: 'flatRows' },
		batchSize: 500,
		bulk: true,
		write: (mapping, order) => mapping.toOdpOrderObject(order, {}),
		request: (batch) => ({ method: 'POST', path: '/v3/objects/orders', body: batch }),
		httpBaseline: { method: 'POST', path: '/v3/objects/orders', jsonBody: '={{ $json }}' },
	},
];

/** Credentials pointing at the sandbox, as a user fills them in with "Custom Base URL" (as test/nodes/support.ts). */
function sandboxCredentials(sandbox) {
	const c = sandbox.credentials;
	return {
		optimizelyRecsApi: {
			id: 'benchCredOptRecs',
			name: 'Optimizely sandbox',
			type: 'optimizelyRecsApi',
			data: { environment: 'custom', baseUrl: sandbox.url, site: c.optimizely.site, siteToken: c.optimizely.siteToken, channel: 'store' },
		},
		algonomyOAuth2Api: {
			id: 'benchCredAlgonomy',
			name: 'Algonomy sandbox',
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
		esputnikApi: {
			id: 'benchCredEsputnik',
			name: 'eSputnik sandbox',
			type: 'esputnikApi',
			data: { environment: 'custom', baseUrl: `${sandbox.url}/api`, apiKey: c.esputnik.apiKey },
		},
		optimizelyDataPlatformApi: {
			id: 'benchCredOdp',
			name: 'ODP sandbox',
			type: 'optimizelyDataPlatformApi',
			data: { region: 'custom', baseUrl: `${sandbox.url}/v3`, apiKey: c.odp.apiKey },
		},
	};
}

/** Splits payloads into the batches our node sends (nodes/shared/transport.ts chunk()). */
function batches(payloads, size) {
	const result = [];
	for (let start = 0; start < payloads.length; start += size) result.push(payloads.slice(start, start + size));
	return result;
}

module.exports = { OPERATIONS, nodeConcurrency, sandboxCredentials, batches };
