/**
 * Issue 12: credential Tests that misled. Each runs the credential's Test through n8n-core's
 * RoutingNode and credential helper (test/helpers/engine.ts testCredential) against a real local
 * HTTP server answering as the vendor would.
 */
import type { ICredentialType } from 'n8n-workflow';

import { AlgonomyOAuth2Api } from '../../credentials/AlgonomyOAuth2Api.credentials';
import { EsputnikApi } from '../../credentials/EsputnikApi.credentials';
import { OptimizelyDataPlatformApi } from '../../credentials/OptimizelyDataPlatformApi.credentials';
import { OptimizelyRecsApi } from '../../credentials/OptimizelyRecsApi.credentials';
import { testCredential } from '../helpers/engine';
import { startTestServer } from '../helpers/http-test-server';
import type { TestServer } from '../helpers/http-test-server';

describe('Optimizely Recs credential Test and a 200 {"status":"fail"} answer', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer(() => ({ status: 200, body: { status: 'OK' } }));
	});
	afterAll(async () => await server.close());
	beforeEach(() => server.requests.splice(0));

	const data = () => ({ environment: 'custom', baseUrl: server.url, site: 'demo-site', siteToken: 'wrong-token', channel: 'store' });

	it('fails when the vendor answers 200 status "fail" naming the site token', async () => {
		server.setHandler(() => ({ status: 200, body: { status: 'fail', errors: [{ code: 'Forbidden', message: 'unknown site or wrong siteToken' }] } }));
		const result = await testCredential(OptimizelyRecsApi, data());
		expect(result.status).toBe('Error');
		expect(result.message).toContain('site token');
	});

	it('fails on a 200 status "fail" about missing headers', async () => {
		server.setHandler(() => ({ status: 200, body: { status: 'fail', errors: [{ code: 'Unauthorized', message: 'missing request header(s): siteToken' }] } }));
		expect((await testCredential(OptimizelyRecsApi, data())).status).toBe('Error');
	});

	it('passes when the headers are accepted and only the empty test order is refused; n8n sends an empty body', async () => {
		server.setHandler(() => ({ status: 200, body: { status: 'fail', errors: [{ code: 'MalformedJson', message: 'the body must be a JSON object with an order' }] } }));
		expect(await testCredential(OptimizelyRecsApi, data())).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0].method).toBe('POST');
		expect(server.requests[0].path).toBe('/tracker/smart-api/orders/offline');
		// `body: {}` in the test request: n8n drops the empty object and sends no body at all.
		expect(server.requests[0].body).toBe('');
		expect(server.requests[0].headers.sitetoken).toBe('wrong-token');
	});
});

describe('a refused plain-http Custom Base URL: every credential Test says why', () => {
	const refused = 'http://orders.example.com';
	const cases: Array<[string, new () => ICredentialType, Record<string, unknown>]> = [
		['Optimizely Recs', OptimizelyRecsApi, { environment: 'custom', baseUrl: refused, site: 's', siteToken: 't', channel: 'store' }],
		['eSputnik', EsputnikApi, { environment: 'custom', baseUrl: refused, apiKey: 'k' }],
		['ODP', OptimizelyDataPlatformApi, { region: 'custom', baseUrl: refused, apiKey: 'k' }],
		['Algonomy', AlgonomyOAuth2Api, { environment: 'custom', baseUrl: refused, clientId: 'c', clientSecret: 's', apiKey: 'k', accessToken: '' }],
	];

	it.each(cases)('%s', async (_name, type, data) => {
		const result = await testCredential(type, data);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('uses plain http: only https is allowed, except for loopback hosts');
	});
});

/**
 * Issue 17: a failing Test gives plain advice per status code (n8n's `responseCode` rules), not a
 * bare "Not Found" or "Unauthorized". A real local server answers each status to the Test request.
 */
describe('a failing credential Test says what to check, per status code', () => {
	let server: TestServer;
	let status = 200;
	beforeAll(async () => {
		server = await startTestServer((request) =>
			// Algonomy's token request succeeds, so the status comes from the Test request itself.
			request.path.endsWith('/oauth2/token')
				? { status: 200, body: { access_token: 'token', token_type: 'bearer', expires_in: 3600 } }
				: { status, body: { message: 'refused' } },
		);
	});
	afterAll(async () => await server.close());

	const credentials: Array<[string, new () => ICredentialType, () => Record<string, unknown>]> = [
		['Optimizely Recs', OptimizelyRecsApi, () => ({ environment: 'custom', baseUrl: server.url, site: 's', siteToken: 't', channel: 'store' })],
		['eSputnik', EsputnikApi, () => ({ environment: 'custom', baseUrl: server.url, apiKey: 'k' })],
		['ODP', OptimizelyDataPlatformApi, () => ({ region: 'custom', baseUrl: server.url, apiKey: 'k' })],
		['Algonomy', AlgonomyOAuth2Api, () => ({ environment: 'custom', baseUrl: server.url, clientId: 'c', clientSecret: 's', apiKey: 'k', accessToken: '' })],
	];
	// What each message must name for the user to act on (by hand, per vendor and status).
	const expected: Record<string, Record<number, string[]>> = {
		'Optimizely Recs': { 401: ['Optimizely answered 401', 'Site Token'], 403: ['answered 403', 'Channel'], 404: ['answered 404', 'Environment', 'Site code'] },
		eSputnik: { 401: ['eSputnik answered 401', 'API key'], 403: ['answered 403', 'access'], 404: ['answered 404', '/api may be given or left out'] },
		ODP: { 401: ['Optimizely Data Platform answered 401', 'private API key', 'Region'], 403: ['answered 403', 'not the public one'], 404: ['answered 404', '/v3 may be given or left out'] },
		Algonomy: { 401: ['Algonomy answered 401', 'Client Secret'], 403: ['answered 403', 'API Key'], 404: ['answered 404', 'API Key'] },
	};
	const cases = credentials.flatMap(([name, type, data]) =>
		[401, 403, 404, 429, 503].map((code) => [name, code, type, data] as [string, number, new () => ICredentialType, () => Record<string, unknown>]),
	);

	it.each(cases)('%s, %d', async (name, code, type, data) => {
		status = code;
		const result = await testCredential(type, data());
		expect(result.status).toBe('Error');
		expect(result.message).not.toMatch(/^(Not Found|Unauthorized|Forbidden|Too Many Requests|Service Unavailable)$/);
		const words = expected[name][code] ?? [`answered ${code}`, code === 429 ? 'Wait a minute' : 'Try the Test again'];
		for (const word of words) expect(result.message).toContain(word);
	});

	it.each(credentials)('%s: a 2xx answer still passes', async (_name, type, data) => {
		status = 200;
		expect((await testCredential(type, data())).status).toBe('OK');
	});
});

describe('Algonomy: a refused token request gets the same advice', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer((request) =>
			request.path.endsWith('/oauth2/token') ? { status: 401, body: { error: 'invalid_client' } } : { status: 200, body: {} },
		);
	});
	afterAll(async () => await server.close());

	it('401 from the token endpoint names the client ID and secret', async () => {
		const result = await testCredential(AlgonomyOAuth2Api, { environment: 'custom', baseUrl: server.url, clientId: 'c', clientSecret: 'wrong', apiKey: 'k', accessToken: '' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('Algonomy answered 401');
		expect(result.message).toContain('Client Secret');
		// The order request was never made without a token.
		expect(server.requests.filter((request) => !request.path.endsWith('/oauth2/token'))).toEqual([]);
	});
});
