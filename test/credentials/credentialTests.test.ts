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
