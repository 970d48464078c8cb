/**
 * Issue 16: each credential's `authenticate` became a function (n8n calls it directly instead of
 * evaluating `={{$credentials.…}}` expressions per request). This test keeps the generic objects the
 * credentials had before, word for word, and checks on the wire that both forms send exactly the
 * same request: the credential Test runs through n8n-core's RoutingNode and credential helper
 * against a real HTTP server, once with today's class and once with the old `authenticate`.
 */
import type { IAuthenticateGeneric, ICredentialType } from 'n8n-workflow';

import { AlgonomyOAuth2Api } from '../../credentials/AlgonomyOAuth2Api.credentials';
import { EsputnikApi } from '../../credentials/EsputnikApi.credentials';
import { OptimizelyDataPlatformApi } from '../../credentials/OptimizelyDataPlatformApi.credentials';
import { OptimizelyRecsApi } from '../../credentials/OptimizelyRecsApi.credentials';
import { testCredential } from '../helpers/engine';
import { startTestServer } from '../helpers/http-test-server';
import type { RecordedRequest, TestServer } from '../helpers/http-test-server';

/** The `authenticate` objects of version 0.1.0, copied from git history (commit cdb1ba7). */
const PREVIOUS_AUTHENTICATE: Record<string, IAuthenticateGeneric> = {
	optimizelyRecsApi: {
		type: 'generic',
		properties: {
			headers: {
				site: '={{$credentials.site}}',
				siteToken: '={{$credentials.siteToken}}',
				channel: '={{$credentials.channel}}',
			},
		},
	},
	esputnikApi: {
		type: 'generic',
		properties: { auth: { username: 'n8n', password: '={{$credentials.apiKey}}' } },
	},
	optimizelyDataPlatformApi: {
		type: 'generic',
		properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } },
	},
	algonomyOAuth2Api: {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	},
};

type CredentialClass = new () => ICredentialType;

/** The same credential type with the previous generic `authenticate` put back. */
function withPreviousAuthenticate(Current: CredentialClass): CredentialClass {
	const name = new Current().name;
	return class Previous extends Current {
		authenticate = PREVIOUS_AUTHENTICATE[name];
	};
}

/** Everything of a request that authentication could change; the port-free host is the same server. */
function wireView(request: RecordedRequest) {
	return { method: request.method, url: request.url, headers: request.headers, body: request.body };
}

const cases: Array<{ title: string; type: CredentialClass; data: (url: string) => Record<string, unknown> }> = [
	{
		title: 'Optimizely Recs (site, siteToken, channel headers)',
		type: OptimizelyRecsApi,
		data: (url) => ({ environment: 'custom', baseUrl: url, site: 'acme-shop', siteToken: 'Zx9+/=_-.~!tok', channel: 'callcentre' }),
	},
	{
		title: 'eSputnik (HTTP Basic, key as password)',
		type: EsputnikApi,
		data: (url) => ({ environment: 'custom', baseUrl: `${url}/api`, apiKey: 'k3y:with/colon+plus=' }),
	},
	{
		title: 'Optimizely Data Platform (x-api-key)',
		type: OptimizelyDataPlatformApi,
		data: (url) => ({ region: 'custom', baseUrl: `${url}/v3`, apiKey: 'W4WzcEs-ABgXorzY7h1LCQ.eu1' }),
	},
	{
		title: 'Algonomy (Bearer token from preAuthentication)',
		type: AlgonomyOAuth2Api,
		data: (url) => ({ environment: 'custom', baseUrl: url, clientId: 'client-1', clientSecret: 's3cr3t', apiKey: 'site-key-9' }),
	},
];

describe('credential authenticate functions send what the generic objects sent', () => {
	let server: TestServer;

	beforeEach(async () => {
		server = await startTestServer((request) =>
			request.path.endsWith('/oauth2/token')
				? { body: { access_token: 'tok-4f9a.b_c', token_type: 'bearer', expires_in: 3600 } }
				: { body: { status: 'success' } },
		);
	});

	afterEach(async () => {
		await server.close();
	});

	it.each(cases)('$title', async ({ type, data }) => {
		expect(typeof new type().authenticate).toBe('function');

		await expect(testCredential(type, data(server.url))).resolves.toEqual({ status: 'OK', message: 'Connection successful!' });
		const current = server.requests.map(wireView);
		server.requests.length = 0;

		await expect(testCredential(withPreviousAuthenticate(type), data(server.url))).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const previous = server.requests.map(wireView);

		expect(current.length).toBeGreaterThan(0);
		expect(current).toEqual(previous);
	});

	it('a credential with an authentication value the old form rendered differently is still the same: empty channel', async () => {
		const data = { environment: 'custom', baseUrl: server.url, site: 'acme', siteToken: 'tok', channel: '' };
		await testCredential(OptimizelyRecsApi, data);
		await testCredential(withPreviousAuthenticate(OptimizelyRecsApi), data);
		const [current, previous] = server.requests.map(wireView);
		expect(current).toEqual(previous);
	});
});
