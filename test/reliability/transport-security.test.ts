/**
 * Transport security: production hosts are https, in the nodes and in the credential tests (which
 * are n8n expressions and must say the same); a custom http:// URL is refused unless its host is
 * loopback — the node run fails with a clear message and sends nothing, the credential test fails,
 * and the Algonomy token request obeys the same rule.
 *
 * "Sends nothing" is checked on the wire: the refused URL is http://0.0.0.0:<port>, which on Linux
 * reaches a trap server listening on 127.0.0.1:<port>. A node that sent anything would hit it.
 */
import type { ICredentialType, INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AlgonomyOAuth2Api } from '../../credentials/AlgonomyOAuth2Api.credentials';
import { EsputnikApi } from '../../credentials/EsputnikApi.credentials';
import { OptimizelyDataPlatformApi } from '../../credentials/OptimizelyDataPlatformApi.credentials';
import { OptimizelyRecsApi } from '../../credentials/OptimizelyRecsApi.credentials';
import {
	ALGONOMY_BASE_URL_EXPRESSION,
	ESPUTNIK_BASE_URL_EXPRESSION,
	ODP_BASE_URL_EXPRESSION,
	OPTIMIZELY_RECS_BASE_URL_EXPRESSION,
	algonomyBaseUrl,
	checkCustomBaseUrl,
	esputnikBaseUrl,
	odpBaseUrl,
	optimizelyRecsBaseUrl,
} from '../../nodes/shared/endpoints';
import { testCredential } from '../helpers/engine';
import { ensureEngineEnvironment, useExpressionEngine } from '../helpers/environment';
import { NO_OP_TYPE, harnessNodeTypeClasses } from '../helpers/harness-node-types';
import { startTestServer } from '../helpers/http-test-server';
import type { TestServer } from '../helpers/http-test-server';
import { HarnessNodeTypes } from '../helpers/type-registry';
import { erpRows } from '../nodes/support';
import type { VendorNode } from '../nodes/support';
import { outputsOf, printTable, runNode } from './support';

const REFUSED_PLACEHOLDER = 'https://plain-http-refused.invalid';

/** Evaluates a credential-test expression the way n8n's RoutingNode does: `$credentials` as an additional key. */
async function evaluate(expression: string, credentials: Record<string, unknown>): Promise<unknown> {
	ensureEngineEnvironment();
	await useExpressionEngine('legacy');
	const node: INode = { id: 'temp', name: 'Temp', type: NO_OP_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new HarnessNodeTypes([...harnessNodeTypeClasses]) });
	return workflow.expression.getSimpleParameterValue(node, expression, 'internal', { $credentials: credentials } as never);
}

interface Endpoint {
	vendor: string;
	environment: string;
	credentials: Record<string, unknown>;
	resolve(credentials: Record<string, unknown>): string;
	expression: string;
}

const PRODUCTION: Endpoint[] = [
	...['uk', 'se', 'us', 'uat'].map((environment) => ({
		vendor: 'Optimizely Recs',
		environment,
		credentials: { environment, site: 'demo-site', baseUrl: '' },
		resolve: optimizelyRecsBaseUrl,
		expression: OPTIMIZELY_RECS_BASE_URL_EXPRESSION,
	})),
	...['production', 'qa', 'staging'].map((environment) => ({
		vendor: 'Algonomy',
		environment,
		credentials: { environment, baseUrl: '' },
		resolve: algonomyBaseUrl,
		expression: ALGONOMY_BASE_URL_EXPRESSION,
	})),
	{ vendor: 'eSputnik', environment: 'production', credentials: { environment: 'production', baseUrl: '' }, resolve: esputnikBaseUrl, expression: ESPUTNIK_BASE_URL_EXPRESSION },
	...[
		['us', 'k'],
		['eu', 'k'],
		['au', 'k'],
		['auto', 'key'],
		['auto', 'key-eu1'],
		['auto', 'key-au1'],
	].map(([region, apiKey]) => ({
		vendor: 'ODP',
		environment: region === 'auto' ? `auto, key …${apiKey.slice(-4)}` : region,
		credentials: { region, apiKey, baseUrl: '' },
		resolve: odpBaseUrl,
		expression: ODP_BASE_URL_EXPRESSION,
	})),
];

/** Custom base URLs, safe and unsafe, including ways of dressing a remote host up as loopback. */
const CUSTOM_URLS = [
	'https://proxy.example.com/orders/',
	'HTTPS://proxy.example.com',
	'http://127.0.0.1:8787',
	'http://localhost:8787/api',
	'http://127.0.0.1:8787/v3/',
	'https://proxy.example.com/prefix/API',
	'http://[::1]:8787',
	'http://127.1:8787',
	'http://example.com',
	'http://10.0.0.7:8080',
	'http://0.0.0.0:8787',
	'http://[::ffff:127.0.0.1]:8787',
	'http://127.0.0.1.evil.example',
	'http://localhost.evil.example',
	'http://127.0.0.1@evil.example',
	'http://localhost:8787@evil.example',
	'http://evil.example\\@127.0.0.1',
	'http://evil.example#@127.0.0.1',
	'https://user:password@proxy.example.com',
	'ftp://proxy.example.com',
	'javascript:alert(1)',
	' http://example.com',
	'',
];

function hostIsLoopback(url: string): boolean {
	try {
		const host = new URL(url.trim()).hostname;
		return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
	} catch {
		return false;
	}
}

describe('transport security', () => {
	const productionRows: Array<Record<string, string>> = [];
	const customRows: Array<Record<string, string>> = [];
	const unsafeRows: Array<Record<string, string | number>> = [];

	afterAll(() => {
		printTable('Transport: production endpoints (node code and credential-test expression)', productionRows);
		printTable('Transport: custom base URLs (node rule vs credential-test expression)', customRows);
		printTable('Transport: plain-http custom URL to a non-loopback host (http://0.0.0.0:<trap port>)', unsafeRows);
	});

	it('every production endpoint is https, and the credential test targets the same host as the node', async () => {
		for (const endpoint of PRODUCTION) {
			const nodeUrl = endpoint.resolve(endpoint.credentials);
			const testUrl = String(await evaluate(endpoint.expression, endpoint.credentials));
			productionRows.push({ vendor: endpoint.vendor, environment: endpoint.environment, 'node URL': nodeUrl, 'credential test URL': testUrl, same: nodeUrl === testUrl ? 'yes' : 'NO' });
		}
		expect(productionRows.filter((row) => !row['node URL'].startsWith('https://') || !row['credential test URL'].startsWith('https://'))).toEqual([]);
		expect(productionRows.filter((row) => row.same !== 'yes')).toEqual([]);
	});

	it('a custom plain-http URL passes only for loopback hosts, in the node rule and in every credential-test expression', async () => {
		const disagreements: string[] = [];
		const unsafeAccepted: string[] = [];
		for (const url of CUSTOM_URLS) {
			let nodeVerdict: string;
			let nodeAccepted = false;
			try {
				nodeVerdict = `uses ${checkCustomBaseUrl(url)}`;
				nodeAccepted = true;
			} catch (error) {
				nodeVerdict = `refused: ${(error as Error).message}`;
			}
			const testUrls = await Promise.all(
				[
					[OPTIMIZELY_RECS_BASE_URL_EXPRESSION, { environment: 'custom', baseUrl: url, site: 'demo-site' }],
					[ALGONOMY_BASE_URL_EXPRESSION, { environment: 'custom', baseUrl: url }],
					[ESPUTNIK_BASE_URL_EXPRESSION, { environment: 'custom', baseUrl: url }],
					[ODP_BASE_URL_EXPRESSION, { region: 'custom', baseUrl: url, apiKey: 'k' }],
				].map(async ([expression, credentials]) => String(await evaluate(expression as string, credentials as Record<string, unknown>))),
			);
			const testAccepted = testUrls[0] !== REFUSED_PLACEHOLDER;
			// Issue 17: each vendor puts its own path on a custom URL (eSputnik /api, ODP /v3, Recs none,
			// Algonomy as given); without it the four credential tests must say the same.
			const withoutVendorPath = testUrls.map((testUrl) => testUrl.replace(/\/(api|v3)$/i, ''));
			if (new Set(withoutVendorPath).size !== 1) disagreements.push(`${url}: the four credential tests disagree (${testUrls.join(' | ')})`);
			// And where both accept the URL, each vendor's node URL is its credential test's URL (where
			// only one side accepts, the table below says so, as before).
			const nodeUrls = [
				() => optimizelyRecsBaseUrl({ environment: 'custom', baseUrl: url }),
				() => algonomyBaseUrl({ environment: 'custom', baseUrl: url }),
				() => esputnikBaseUrl({ environment: 'custom', baseUrl: url }),
				() => odpBaseUrl({ region: 'custom', baseUrl: url }),
			].map((resolve) => {
				try {
					return new URL(resolve()).href;
				} catch {
					return REFUSED_PLACEHOLDER;
				}
			});
			testUrls.forEach((testUrl, index) => {
				const normalised = testUrl === REFUSED_PLACEHOLDER ? testUrl : new URL(testUrl).href;
				const bothAccept = normalised !== REFUSED_PLACEHOLDER && nodeUrls[index] !== REFUSED_PLACEHOLDER;
				if (bothAccept && normalised !== nodeUrls[index]) disagreements.push(`${url}: vendor ${index} node ${nodeUrls[index]} vs credential test ${testUrl}`);
			});
			const plainRemote = /^\s*http:/i.test(url) && !hostIsLoopback(url);
			if (plainRemote && (nodeAccepted || testAccepted)) unsafeAccepted.push(url);
			const agree = nodeAccepted === testAccepted;
			customRows.push({
				'custom URL': JSON.stringify(url),
				node: nodeVerdict.length > 90 ? `${nodeVerdict.slice(0, 90)}…` : nodeVerdict,
				'credential test': testAccepted ? `uses ${testUrls[0]}` : 'refused (plain-http-refused.invalid)',
				agree: agree ? 'yes' : nodeAccepted ? 'no: only the node accepts' : 'no: only the credential test accepts',
			});
		}
		// Security: no plain-http remote URL is ever used, by the node or by a credential test.
		expect(unsafeAccepted).toEqual([]);
		expect(disagreements).toEqual([]);
	});

	describe('on the wire', () => {
		let trap: TestServer;
		let refusedBase: string;
		beforeAll(async () => {
			trap = await startTestServer((request) =>
				request.path.endsWith('/oauth2/token')
					? { status: 200, body: { access_token: 'trap-token', token_type: 'bearer' } }
					: { status: 200, body: { status: 'OK' } },
			);
			refusedBase = trap.url.replace('127.0.0.1', '0.0.0.0');
		});
		afterAll(async () => await trap.close());

		it('the trap works: a plain request to http://0.0.0.0:<port> reaches the loopback trap server', async () => {
			const before = trap.requests.length;
			const response = await fetch(`${refusedBase}/probe`);
			expect(response.status).toBe(200);
			expect(trap.requests.length).toBe(before + 1);
		});

		const NODES: Array<{ node: VendorNode; credential: (base: string) => { type: string; name: string; data: Record<string, unknown> }; parameters: Record<string, unknown> }> = [
			{
				node: 'optimizelyRecs',
				credential: (base) => ({ type: 'optimizelyRecsApi', name: 'o', data: { environment: 'custom', baseUrl: base, site: 'demo-site', siteToken: 'secret-site-token', channel: 'store' } }),
				parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows' },
			},
			{
				node: 'algonomy',
				credential: (base) => ({ type: 'algonomyOAuth2Api', name: 'a', data: { environment: 'custom', baseUrl: base, clientId: 'c', clientSecret: 'secret-client', apiKey: 'secret-key', accessToken: '' } }),
				parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows' },
			},
			{
				node: 'esputnik',
				credential: (base) => ({ type: 'esputnikApi', name: 'e', data: { environment: 'custom', baseUrl: `${base}/api`, apiKey: 'secret-esputnik' } }),
				parameters: { operation: 'addOrders', orderSource: 'flatRows' },
			},
			{
				node: 'optimizelyDataPlatform',
				credential: (base) => ({ type: 'optimizelyDataPlatformApi', name: 'p', data: { region: 'custom', baseUrl: `${base}/v3`, apiKey: 'secret-odp' } }),
				parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows' },
			},
		];

		for (const { node, credential, parameters } of NODES) {
			it(`${node}: a plain-http non-loopback URL fails the run with a clear message and sends nothing; loopback works`, async () => {
				const before = trap.requests.length;
				const stopped = await runNode({ node, credential: credential(refusedBase), items: erpRows(2, 1), parameters: { ...parameters, options: {} } });
				const continued = await runNode({
					node,
					credential: credential(refusedBase),
					items: erpRows(2, 1),
					onError: 'continueErrorOutput',
					parameters: { ...parameters, options: {} },
				});
				const sentWhileRefused = trap.requests.length - before;
				expect(stopped.status).toBe('error');
				expect(stopped.error?.message).toMatch(/plain http: only https is allowed, except for loopback hosts/);
				const { main, error } = outputsOf(continued);
				expect(main).toHaveLength(0);
				expect(error).toHaveLength(2);
				expect(error.every((item) => /only https is allowed/.test(String(item.json.error)))).toBe(true);
				expect(sentWhileRefused).toBe(0);

				// The same node and credential on the loopback address do reach the server.
				const loopback = await runNode({ node, credential: credential(trap.url), items: erpRows(2, 1), parameters: { ...parameters, options: {} } });
				const sentOnLoopback = trap.requests.length - before;
				expect(sentOnLoopback).toBeGreaterThan(0);
				unsafeRows.push({
					check: `${node} node run`,
					'stop on error': String(stopped.error?.message).slice(0, 120),
					'continue (error output)': `${error.length} of 2 items`,
					'requests that reached the trap': sentWhileRefused,
					'same credential on 127.0.0.1': `${loopback.status}, ${sentOnLoopback} requests`,
				});
			});
		}

		const CREDENTIALS: Array<[string, new () => ICredentialType, (base: string) => Record<string, unknown>]> = [
			['optimizelyRecsApi', OptimizelyRecsApi, (base) => ({ environment: 'custom', baseUrl: base, site: 'demo-site', siteToken: 'secret-site-token', channel: 'store' })],
			['algonomyOAuth2Api (token request included)', AlgonomyOAuth2Api, (base) => ({ environment: 'custom', baseUrl: base, clientId: 'c', clientSecret: 'secret-client', apiKey: 'secret-key', accessToken: '' })],
			['esputnikApi', EsputnikApi, (base) => ({ environment: 'custom', baseUrl: `${base}/api`, apiKey: 'secret-esputnik' })],
			['optimizelyDataPlatformApi', OptimizelyDataPlatformApi, (base) => ({ region: 'custom', baseUrl: `${base}/v3`, apiKey: 'secret-odp' })],
		];

		it.each(CREDENTIALS)('credential test %s: refused over plain http to a non-loopback host, nothing sent', async (label, type, data) => {
			const before = trap.requests.length;
			const refused = await testCredential(type, data(refusedBase));
			const sentWhileRefused = trap.requests.length - before;
			const loopback = await testCredential(type, data(trap.url));
			expect(refused.status).toBe('Error');
			expect(sentWhileRefused).toBe(0);
			expect(trap.requests.length - before).toBeGreaterThan(0);
			unsafeRows.push({
				check: `credential test ${label}`,
				'stop on error': `${refused.status}: ${refused.message}`.slice(0, 120),
				'continue (error output)': '–',
				'requests that reached the trap': sentWhileRefused,
				'same credential on 127.0.0.1': `${loopback.status}, ${trap.requests.length - before} requests`,
			});
		});
	});
});
