/**
 * Self-test of the engine harness: demo node + credentials from ./fixtures run inside n8n-core's
 * WorkflowExecute against a real HTTP server on 127.0.0.1.
 */
import type { NodeApiError } from 'n8n-workflow';

import { itemsWorkflow, runWorkflow, testCredential } from './engine';
import type { EngineCredential, EngineNode } from './engine';
import { getActiveExpressionEngine, stringifyForLog } from './environment';
import { DemoBinary } from './fixtures/DemoBinary.node';
import { DemoGenericApi } from './fixtures/DemoGenericApi.credentials';
import { DemoOrders } from './fixtures/DemoOrders.node';
import { DemoRegionalApi } from './fixtures/DemoRegionalApi.credentials';
import { DemoSessionApi } from './fixtures/DemoSessionApi.credentials';
import { startTestServer } from './http-test-server';
import type { RecordedRequest, TestServer } from './http-test-server';

const API_KEY = 'demo-api-key-7f3a9c';
const PASSWORD = 'demo-password-51bd';

const nodeTypes = [DemoOrders];
const credentialTypes = [DemoGenericApi, DemoSessionApi, DemoRegionalApi];

function demoNode(parameters: Record<string, unknown>, credentialType = 'demoGenericApi', extra: Partial<EngineNode> = {}): EngineNode {
	return {
		name: 'Demo',
		type: 'demoOrders',
		parameters: { authentication: credentialType, ...parameters },
		credentials: { [credentialType]: { id: `${credentialType}-1`, name: 'Demo credential' } },
		...extra,
	} as EngineNode;
}

function genericCredential(server: TestServer): EngineCredential {
	return { type: 'demoGenericApi', id: 'demoGenericApi-1', data: { baseUrl: server.url, apiKey: API_KEY } };
}

const ordersTo = (server: TestServer) => server.requests.filter((request) => request.path === '/orders');
const loginsTo = (server: TestServer) => server.requests.filter((request) => request.path === '/login');

describe('runWorkflow', () => {
	let server: TestServer;

	beforeEach(async () => {
		server = await startTestServer((request) => ({ body: { received: request.json } }));
	});

	afterEach(async () => {
		await server.close();
	});

	it('runs items through the node with pairedItem, per-item expressions and generic auth on the wire', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [genericCredential(server)],
			workflow: itemsWorkflow(
				[{ order_id: 'A-1' }, { order_id: 'B-2' }, { order_id: 'C-3' }],
				[demoNode({ orderId: '={{ $json.order_id }}/{{ $itemIndex }}' }), { name: 'After', type: 'n8n-nodes-base.noOp', parameters: {} }],
			),
		});

		expect(result.status).toBe('success');
		expect(getActiveExpressionEngine()).toBe(process.env.ENGINE_EXPRESSION_ENGINE === 'quickjs' ? 'quickjs' : 'legacy');
		const [main] = result.outputs('Demo');
		expect(main.map((item) => item.json)).toEqual([
			{ received: { orderId: 'A-1/0' } },
			{ received: { orderId: 'B-2/1' } },
			{ received: { orderId: 'C-3/2' } },
		]);
		expect(main.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.outputs('After')[0]).toHaveLength(3);

		const orders = ordersTo(server);
		expect(orders).toHaveLength(3);
		for (const request of orders) {
			expect(request.method).toBe('POST');
			expect(request.headers['x-api-key']).toBe(API_KEY);
		}
		expect(JSON.stringify(result.runData)).not.toContain(API_KEY);
		expect(result.logs.join('\n')).not.toContain(API_KEY);
		expect(result.logs.some((line) => line.includes('Workflow execution finished successfully'))).toBe(true);
	});

	it('evaluates n8n expression features: extensions, $now, paired-item lookups', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [genericCredential(server)],
			workflow: itemsWorkflow(
				[{ order_id: 'a-1', lines: [2, 3] }, { order_id: 'b-2', lines: [5] }],
				[
					{ name: 'Pass', type: 'n8n-nodes-base.noOp', parameters: {} },
					demoNode({
						orderId:
							"={{ $('Items').item.json.order_id.toUpperCase() }}|{{ $json.lines.sum() }}|{{ $now.isValid }}|{{ $json.missing ?? 'none' }}",
					}),
				],
			),
		});

		expect(result.status).toBe('success');
		expect(ordersTo(server).map((request) => (request.json as { orderId: string }).orderId)).toEqual([
			'A-1|5|true|none',
			'B-2|5|true|none',
		]);
	});

	it('applies a credential that extends another: inherited fields, overridden default, own qs', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [{ type: 'demoRegionalApi', id: 'demoRegionalApi-1', data: { baseUrl: server.url, apiKey: API_KEY } }],
			workflow: itemsWorkflow([{ order_id: 'R-1' }], [demoNode({ orderId: '={{ $json.order_id }}' }, 'demoRegionalApi')]),
		});

		expect(result.status).toBe('success');
		const [request] = ordersTo(server);
		expect(request.headers['x-regional-key']).toBe(API_KEY);
		expect(request.headers['x-api-key']).toBeUndefined();
		expect(request.query).toEqual({ region: 'eu' });
	});

	it('fetches a preAuthentication token once, reuses it, refreshes it after a 401 without losing the request, and stores it', async () => {
		let issued = 0;
		const validTokens = new Set<string>();
		server.setHandler((request: RecordedRequest) => {
			if (request.path === '/login') {
				const body = request.json as { username?: string; password?: string };
				if (body.username !== 'shop' || body.password !== PASSWORD) return { status: 403, body: { message: 'bad login' } };
				const token = `session-${++issued}`;
				validTokens.add(token);
				return { body: { token } };
			}
			const token = String(request.headers.authorization ?? '').replace('Bearer ', '');
			// The server expires the first session when it sees order C.
			if ((request.json as { orderId?: string }).orderId === 'C' && token === 'session-1') validTokens.delete(token);
			if (!validTokens.has(token)) return { status: 401, body: { message: 'session expired' } };
			return { body: { accepted: (request.json as { orderId: string }).orderId, token } };
		});
		const sessionCredential: EngineCredential = {
			type: 'demoSessionApi',
			id: 'demoSessionApi-1',
			data: { baseUrl: server.url, username: 'shop', password: PASSWORD, sessionToken: '' },
		};
		const workflow = itemsWorkflow(
			[{ id: 'A' }, { id: 'B' }, { id: 'C' }, { id: 'D' }],
			[demoNode({ orderId: '={{ $json.id }}' }, 'demoSessionApi')],
		);

		const first = await runWorkflow({ nodeTypes, credentialTypes, credentials: [sessionCredential], workflow });

		expect(first.status).toBe('success');
		expect(first.outputs('Demo')[0].map((item) => item.json)).toEqual([
			{ accepted: 'A', token: 'session-1' },
			{ accepted: 'B', token: 'session-1' },
			{ accepted: 'C', token: 'session-2' },
			{ accepted: 'D', token: 'session-2' },
		]);
		expect(loginsTo(server)).toHaveLength(2);
		expect(ordersTo(server).map((request) => [(request.json as { orderId: string }).orderId, request.headers.authorization])).toEqual([
			['A', 'Bearer session-1'],
			['B', 'Bearer session-1'],
			['C', 'Bearer session-1'],
			['C', 'Bearer session-2'],
			['D', 'Bearer session-2'],
		]);
		expect(first.credentialUpdates).toBe(2);
		expect(sessionCredential.data.sessionToken).toBe('session-2');
		expect(first.logs.join('\n')).not.toContain(PASSWORD);

		// A later execution reuses the stored token.
		const second = await runWorkflow({ nodeTypes, credentialTypes, credentials: [sessionCredential], workflow });
		expect(second.status).toBe('success');
		expect(second.credentialUpdates).toBe(0);
		expect(loginsTo(server)).toHaveLength(2);
		expect(ordersTo(server).slice(5).map((request) => request.headers.authorization)).toEqual(
			Array(4).fill('Bearer session-2'),
		);
	});

	it('does not refresh on 401 when ignoreHttpStatusErrors is set: the 401 comes back as a response', async () => {
		server.setHandler((request) =>
			request.path === '/login' ? { body: { token: 'fresh' } } : { status: 401, body: { message: 'session expired' } },
		);
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [
				{
					type: 'demoSessionApi',
					id: 'demoSessionApi-1',
					data: { baseUrl: server.url, username: 'shop', password: PASSWORD, sessionToken: 'stale' },
				},
			],
			workflow: itemsWorkflow(
				[{ id: 'A' }],
				[demoNode({ orderId: '={{ $json.id }}', ignoreHttpStatusErrors: true, returnFullResponse: true }, 'demoSessionApi')],
			),
		});

		expect(result.status).toBe('success');
		expect(result.outputs('Demo')[0][0].json).toMatchObject({ statusCode: 401, body: { message: 'session expired' } });
		expect(loginsTo(server)).toHaveLength(0);
		expect(result.credentialUpdates).toBe(0);
	});

	it('routes failed items to the error output with continueErrorOutput, merged over the paired input item', async () => {
		server.setHandler((request) =>
			(request.json as { orderId: string }).orderId === 'B' ? { status: 400, body: { message: 'unknown product' } } : { body: { ok: true } },
		);
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [genericCredential(server)],
			workflow: itemsWorkflow(
				[{ id: 'A' }, { id: 'B' }, { id: 'C' }],
				[
					demoNode({ orderId: '={{ $json.id }}' }, 'demoGenericApi', { onError: 'continueErrorOutput' }),
					{ name: 'Sent', type: 'n8n-nodes-base.noOp', parameters: {} },
					{ name: 'Failed', type: 'n8n-nodes-base.noOp', parameters: {} },
				],
				{ Demo: { main: [[{ node: 'Sent', type: 'main', index: 0 }], [{ node: 'Failed', type: 'main', index: 0 }]] } },
			),
		});

		expect(result.status).toBe('success');
		const [sent, failed] = result.outputs('Demo');
		expect(sent.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toEqual({
			id: 'B',
			error: 'Bad request - please check your parameters',
			details: { httpCode: '400' },
		});
		expect(failed[0].pairedItem).toEqual({ item: 1 });
		expect(result.outputs('Sent')[0]).toHaveLength(2);
		expect(result.outputs('Failed')[0]).toHaveLength(1);
		expect(result.logs).toContain('warn: Demo order request failed {"itemIndex":1,"httpCode":"400"}');
	});

	it('passes the input items to the MAIN output when a node throws under continueErrorOutput (n8n-core behaviour)', async () => {
		const result = await runWorkflow({
			nodeTypes: [],
			credentialTypes: [],
			workflow: itemsWorkflow(
				[{ id: 'A' }, { id: 'B' }],
				[
					// test.items throws a NodeOperationError when its parameter is not an array
					{ name: 'Throws', type: 'test.items', parameters: { items: '{"not":"an array"}' }, onError: 'continueErrorOutput' },
					{ name: 'Sent', type: 'n8n-nodes-base.noOp', parameters: {} },
					{ name: 'Failed', type: 'n8n-nodes-base.noOp', parameters: {} },
				],
				{ Throws: { main: [[{ node: 'Sent', type: 'main', index: 0 }], [{ node: 'Failed', type: 'main', index: 0 }]] } },
			),
		});

		expect(result.status).toBe('success');
		expect(result.runData.Throws[0].error?.message).toBe('Parameter "items" must be a JSON array');
		expect(result.outputs('Sent')[0].map((item) => item.json)).toEqual([{ id: 'A' }, { id: 'B' }]);
		expect(result.runData.Failed).toBeUndefined();
	});

	it('keeps failed items on the main output with continueRegularOutput', async () => {
		server.setHandler(() => ({ status: 500, body: 'down' }));
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [genericCredential(server)],
			workflow: itemsWorkflow([{ id: 'A' }], [demoNode({ orderId: '={{ $json.id }}' }, 'demoGenericApi', { onError: 'continueRegularOutput' })]),
		});

		expect(result.status).toBe('success');
		const outputs = result.outputs('Demo');
		expect(outputs).toHaveLength(1);
		expect(outputs[0][0].json).toEqual({ error: 'The service was not able to process your request', details: { httpCode: '500' } });
	});

	it('fails the workflow with the NodeApiError when the node does not continue on fail', async () => {
		server.setHandler((request) =>
			(request.json as { orderId: string }).orderId === 'B'
				? { status: 429, headers: { 'retry-after': '30' }, body: { message: 'slow down' } }
				: { body: { ok: true } },
		);
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [genericCredential(server)],
			workflow: itemsWorkflow([{ id: 'A' }, { id: 'B' }], [demoNode({ orderId: '={{ $json.id }}' })]),
		});

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			message: 'The service is receiving too many requests from you',
			description: 'slow down',
			nodeName: 'Demo',
			itemIndex: 1,
		});
		// The engine stores a plain copy of the error's own fields (no class, no `cause`).
		const raw = result.error?.raw as NodeApiError;
		expect(raw).not.toHaveProperty('cause');
		expect(raw.name).toBe('NodeApiError');
		expect(raw.httpCode).toBe('429');
		expect(raw.context).toEqual({ data: { message: 'slow down' }, itemIndex: 1 });
		expect(JSON.stringify(result.error?.raw)).not.toContain(API_KEY);
		expect(() => result.outputs('Demo')).toThrow('failed and has no output');
		expect(result.runData.Demo[0].error?.message).toBe('The service is receiving too many requests from you');
	});

	it('returns status and Retry-After without a throw when both returnFullResponse and ignoreHttpStatusErrors are set', async () => {
		server.setHandler(() => ({ status: 429, headers: { 'retry-after': '12' }, body: { message: 'slow down' } }));
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [genericCredential(server)],
			workflow: itemsWorkflow([{ id: 'A' }], [demoNode({ orderId: 'A', returnFullResponse: true, ignoreHttpStatusErrors: true })]),
		});

		const response = result.outputs('Demo')[0][0].json as { statusCode: number; headers: Record<string, string> };
		expect(response.statusCode).toBe(429);
		expect(response.headers['retry-after']).toBe('12');
	});

	it('lets a node wait with sleep from n8n-workflow and retry', async () => {
		server.setHandler((_, index) =>
			index === 0 ? { status: 429, headers: { 'retry-after': '0.05' }, body: { message: 'slow down' } } : { body: { ok: true } },
		);
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [genericCredential(server)],
			workflow: itemsWorkflow([{ id: 'A' }], [demoNode({ orderId: 'A', retryOnTooManyRequests: true })]),
		});

		expect(result.status).toBe('success');
		expect(result.outputs('Demo')[0][0].json).toEqual({ ok: true, retriedAfterSeconds: 0.05 });
		expect(ordersTo(server)).toHaveLength(2);
	});

	it('cancels the execution and rejects when it runs past timeoutMs', async () => {
		server.setHandler(async () => await new Promise<never>(() => {}));
		await expect(
			runWorkflow({
				nodeTypes,
				credentialTypes,
				credentials: [genericCredential(server)],
				workflow: itemsWorkflow([{ id: 'A' }], [demoNode({ orderId: 'A' })]),
				timeoutMs: 300,
			}),
		).rejects.toThrow('did not finish within 300 ms');
	});

	it('reports a missing credential the way n8n does', async () => {
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: [],
			workflow: itemsWorkflow([{ id: 'A' }], [demoNode({ orderId: 'A' })]),
		});

		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('does not exist for type "demoGenericApi"');
		expect(server.requests).toHaveLength(0);
	});
});

describe('binary data', () => {
	it('keeps binary data inline in the items (in memory) and reads it back', async () => {
		const result = await runWorkflow({
			nodeTypes: [DemoBinary],
			credentialTypes: [],
			workflow: itemsWorkflow(
				[{ text: 'order A' }, { text: 'order B' }],
				[
					{ name: 'Store', type: 'demoBinary', parameters: {} },
					{ name: 'Read', type: 'demoBinary', parameters: {} },
				],
			),
		});

		expect(result.status).toBe('success');
		const stored = result.outputs('Store')[0][0].binary?.data;
		expect(stored).toMatchObject({ data: Buffer.from('order A').toString('base64'), mimeType: 'text/plain', fileName: 'order.txt' });
		expect(stored?.id).toBeUndefined();
		expect(result.outputs('Read')[0].map((item) => item.json.readBack)).toEqual(['order A', 'order B']);
	});
});

describe('testCredential', () => {
	let server: TestServer;

	beforeEach(async () => {
		server = await startTestServer((request) => {
			if (request.path === '/ping') {
				if (request.headers['x-api-key'] === API_KEY) return { body: { pong: true } };
				if (request.headers['x-api-key'] === 'blocked-key') return { status: 403, body: { message: 'forbidden' } };
				return { status: 401, body: { message: 'who are you' } };
			}
			if (request.path === '/login') return { body: { token: 'test-session' } };
			if (request.path === '/me') {
				if (request.headers.authorization !== 'Bearer test-session') return { status: 401, body: {} };
				return { body: { account: { active: true } } };
			}
			return { status: 404, body: {} };
		});
	});

	afterEach(async () => {
		await server.close();
	});

	it('is OK when the test request, with baseURL from the credential and its auth header, succeeds', async () => {
		await expect(testCredential(DemoGenericApi, { baseUrl: server.url, apiKey: API_KEY })).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(server.requests[0].path).toBe('/ping');
		expect(server.requests[0].headers['x-api-key']).toBe(API_KEY);
	});

	it('reports a responseCode rule message, else the HTTP status text', async () => {
		await expect(testCredential(DemoGenericApi, { baseUrl: server.url, apiKey: 'blocked-key' })).resolves.toEqual({
			status: 'Error',
			message: 'The API key is not allowed here',
		});
		await expect(testCredential(DemoGenericApi, { baseUrl: server.url, apiKey: 'wrong-key' })).resolves.toEqual({
			status: 'Error',
			message: 'Unauthorized',
		});
	});

	it('reports the connection error code when nothing listens', async () => {
		const closed = await startTestServer(() => ({}));
		await closed.close();
		await expect(testCredential(DemoGenericApi, { baseUrl: closed.url, apiKey: API_KEY })).resolves.toEqual({
			status: 'Error',
			message: 'ECONNREFUSED',
		});
	});

	it('runs preAuthentication first and checks responseSuccessBody rules', async () => {
		await expect(
			testCredential(DemoSessionApi, { baseUrl: server.url, username: 'shop', password: PASSWORD }),
		).resolves.toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(server.requests.map((request) => request.path)).toEqual(['/login', '/me']);

		server.setHandler((request) => (request.path === '/login' ? { body: { token: 'x' } } : { body: { account: { active: false } } }));
		await expect(
			testCredential(DemoSessionApi, { baseUrl: server.url, username: 'shop', password: PASSWORD }),
		).resolves.toEqual({ status: 'Error', message: 'The account is disabled' });
	});

	it('tests a credential that extends another with the parent passed along', async () => {
		server.setHandler((request) =>
			request.headers['x-regional-key'] === API_KEY && request.query.region === 'us' ? { body: {} } : { status: 401, body: {} },
		);
		class DemoRegionalApiWithTest extends DemoRegionalApi {
			test = new DemoGenericApi().test;
		}
		await expect(
			testCredential(DemoRegionalApiWithTest, { baseUrl: server.url, apiKey: API_KEY, region: 'us' }, [], [DemoGenericApi]),
		).resolves.toEqual({ status: 'OK', message: 'Connection successful!' });
	});
});

describe('log capture', () => {
	it('serialises error causes, where request configs with auth headers hide', () => {
		const cause = Object.assign(new Error('Request failed'), { config: { headers: { 'X-Api-Key': API_KEY } } });
		const error = Object.defineProperty(new Error('wrapped'), 'cause', { value: cause, enumerable: false });
		expect(JSON.stringify(error)).not.toContain(API_KEY);
		expect(stringifyForLog({ error })).toContain(API_KEY);
	});
});
