/**
 * Secrets: canary values in every secret credential field, and a fake vendor that refuses every
 * request (400 or 500) and echoes back what it received — headers, URL, body, the bare bearer token.
 * Nothing of a canary may appear in output items (main and error), the run's error (message,
 * description, everything stored), the execution data, or the logs; in either error mode.
 */
import type { IDataObject } from 'n8n-workflow';

import { AlgonomyOAuth2Api } from '../../credentials/AlgonomyOAuth2Api.credentials';
import { EsputnikApi } from '../../credentials/EsputnikApi.credentials';
import { OptimizelyDataPlatformApi } from '../../credentials/OptimizelyDataPlatformApi.credentials';
import { OptimizelyRecsApi } from '../../credentials/OptimizelyRecsApi.credentials';
import { testCredential } from '../helpers/engine';
import type { EngineCredential, RunResult } from '../helpers/engine';
import { startTestServer } from '../helpers/http-test-server';
import type { RecordedRequest, TestServer } from '../helpers/http-test-server';
import { erpRows } from '../nodes/support';
import type { VendorNode } from '../nodes/support';
import { printTable, runNode } from './support';

interface CanarySet {
	label: string;
	siteToken: string;
	clientSecret: string;
	apiKey: string;
	accessToken: string;
	esputnikKey: string;
	odpKey: string;
	/** Prefix of the tokens the fake token endpoint issues during the run. */
	issuedToken: string;
}

const PLAIN: CanarySet = {
	label: 'letters and digits',
	siteToken: 'CanarySiteToken7f3a91',
	clientSecret: 'CanaryClientSecret8b2c44',
	apiKey: 'CanaryAlgonomyApiKey1d9e07',
	accessToken: 'CanaryStoredAccessToken5a6b',
	esputnikKey: 'CanaryEsputnikKey3c8d52',
	odpKey: 'CanaryOdpKey9e1f60',
	issuedToken: 'CanaryIssuedToken',
};

/**
 * Characters that URL or form encoding changes: a secret must not leak in its encoded form either.
 * Found by this suite (fixed in 6d8348b, nodes/shared/delivery.ts): the Algonomy apiKey travels
 * percent-encoded in the URL path; a vendor echoing the URL carried "Canary%2BApi%2FKey…" past the
 * scrubber into the error output, the run error and n8n's log.
 */
const SPECIAL: CanarySet = {
	label: 'with + / = & ? and space',
	siteToken: 'Canary+Site/Token=7f3a',
	clientSecret: 'Canary Client+Secret&x=8b2c',
	apiKey: 'Canary+Api/Key?x=1d9e',
	accessToken: 'Canary+Stored/Access=5a6b',
	esputnikKey: 'Canary+Esputnik/Key=3c8d',
	odpKey: 'Canary+Odp/Key=9e1f',
	issuedToken: 'Canary+Issued/Token=',
};

/** Every written form of a secret that could reach an output: as is, URL/form encoded, JSON escaped, Base64. */
function forms(secret: string): string[] {
	const variants = new Set([
		secret,
		encodeURIComponent(secret),
		new URLSearchParams({ s: secret }).toString().slice(2),
		JSON.stringify(secret).slice(1, -1),
		Buffer.from(secret).toString('base64'),
		Buffer.from(`n8n:${secret}`).toString('base64'),
	]);
	return [...variants].filter((variant) => variant.length >= 8);
}

function stringifyAll(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, entry: unknown) => {
		if (entry && typeof entry === 'object') {
			if (seen.has(entry)) return '[Circular]';
			seen.add(entry);
		}
		if (entry instanceof Error) return { ...entry, name: entry.name, message: entry.message, stack: entry.stack };
		return entry;
	});
}

interface Leak {
	where: string;
	secret: string;
	form: string;
}

function findLeaks(places: Record<string, string>, secrets: Record<string, string>): Leak[] {
	const leaks: Leak[] = [];
	for (const [where, text] of Object.entries(places)) {
		for (const [secret, value] of Object.entries(secrets)) {
			for (const form of forms(value)) {
				if (text.includes(form)) leaks.push({ where, secret, form });
			}
		}
	}
	return leaks;
}

/** Where a run could show a secret to a user or an operator. */
function placesOf(result: RunResult): Record<string, string> {
	const outputs = (() => {
		try {
			return result.outputs('Vendor');
		} catch {
			return [];
		}
	})();
	return {
		'main output': stringifyAll(outputs[0] ?? []),
		'error output': stringifyAll(outputs[1] ?? []),
		'run error (message, description, stored error)': stringifyAll(result.error ?? null),
		'execution data': stringifyAll(result.run),
		logs: result.logs.join('\n'),
	};
}

/** A vendor that refuses everything and echoes all it received, token endpoint excepted. */
function echoingVendor(canaries: CanarySet, dataStatus: () => number, tokenStatus: () => number) {
	let issued = 0;
	return (request: RecordedRequest) => {
		if (request.path.endsWith('/oauth2/token')) {
			if (tokenStatus() !== 200) {
				return { status: tokenStatus(), body: { error: 'invalid_client', error_description: `refused ${request.body} ${JSON.stringify(request.headers)}` } };
			}
			issued += 1;
			return { status: 200, body: { token_type: 'bearer', access_token: `${canaries.issuedToken}${issued}x`, expires_in: 3600 } };
		}
		const authorization = String(request.headers.authorization ?? '');
		const bareToken = authorization.replace(/^Bearer\s+/i, '');
		return {
			status: dataStatus(),
			headers: { 'x-echo-authorization': authorization || undefined, 'x-echo-api-key': String(request.headers['x-api-key'] ?? '') || undefined },
			body: {
				message: `Refused. You sent ${request.method} ${request.url} with headers ${JSON.stringify(request.headers)} and token ${bareToken}`,
				errors: [{ code: 'Echo', message: `auth=${authorization} site=${String(request.headers.sitetoken ?? '')} key=${String(request.headers['x-api-key'] ?? '')} token=${bareToken}` }],
				received: { url: request.url, headers: request.headers, body: request.body.slice(0, 2000), token: bareToken },
			},
		};
	};
}

function credentialFor(node: VendorNode, url: string, canaries: CanarySet): EngineCredential {
	switch (node) {
		case 'optimizelyRecs':
			return { type: 'optimizelyRecsApi', name: 'Optimizely canary', data: { environment: 'custom', baseUrl: url, site: 'demo-site', siteToken: canaries.siteToken, channel: 'store' } };
		case 'algonomy':
			return {
				type: 'algonomyOAuth2Api',
				name: 'Algonomy canary',
				data: { environment: 'custom', baseUrl: url, clientId: 'canary-client', clientSecret: canaries.clientSecret, apiKey: canaries.apiKey, accessToken: canaries.accessToken },
			};
		case 'esputnik':
			return { type: 'esputnikApi', name: 'eSputnik canary', data: { environment: 'custom', baseUrl: `${url}/api`, apiKey: canaries.esputnikKey } };
		case 'optimizelyDataPlatform':
			return { type: 'optimizelyDataPlatformApi', name: 'ODP canary', data: { region: 'custom', baseUrl: `${url}/v3`, apiKey: canaries.odpKey } };
	}
}

interface SecretCase {
	label: string;
	node: VendorNode;
	parameters: IDataObject;
	/** Start without a stored token, so the token is fetched during the run. */
	fetchToken?: boolean;
	tokenStatus?: number;
}

const CASES: SecretCase[] = [
	{ label: 'Optimizely track', node: 'optimizelyRecs', parameters: { operation: 'trackOfflineOrder', orderSource: 'flatRows' } },
	{ label: 'Algonomy import (stored token)', node: 'algonomy', parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows' } },
	{ label: 'Algonomy import (token fetched in the run)', node: 'algonomy', fetchToken: true, parameters: { mode: 'offline', sendAs: 'batch', orderSource: 'flatRows' } },
	{ label: 'Algonomy import (token endpoint refuses, echoing the form)', node: 'algonomy', fetchToken: true, tokenStatus: 400, parameters: { mode: 'offline', sendAs: 'single', orderSource: 'flatRows' } },
	{ label: 'eSputnik order event', node: 'esputnik', parameters: { operation: 'sendOrderEvent', eventTypeKey: 'orderCreated', contactIdentifier: 'email', orderSource: 'flatRows' } },
	{ label: 'eSputnik add orders', node: 'esputnik', parameters: { operation: 'addOrders', orderSource: 'flatRows' } },
	{ label: 'ODP purchase events', node: 'optimizelyDataPlatform', parameters: { operation: 'sendOrderEvent', eventAction: 'purchase', orderSource: 'flatRows' } },
	{ label: 'ODP refund events', node: 'optimizelyDataPlatform', parameters: { operation: 'sendOrderEvent', eventAction: 'refund', orderSource: 'flatRows' } },
	{ label: 'ODP order objects', node: 'optimizelyDataPlatform', parameters: { operation: 'upsertOrderObject', orderSource: 'flatRows' } },
];

const ERROR_MODES = ['continueErrorOutput', 'stopWorkflow'] as const;
const STATUSES = [400, 500];

describe.each([PLAIN, SPECIAL])('secrets (canaries $label): vendors that echo the request back', (canaries) => {
	let server: TestServer;
	let dataStatus = 400;
	let tokenStatus = 200;
	const figures: Array<Record<string, string | number>> = [];
	const secrets: Record<string, string> = {
		'Optimizely siteToken': canaries.siteToken,
		'Algonomy clientSecret': canaries.clientSecret,
		'Algonomy apiKey': canaries.apiKey,
		'Algonomy accessToken (stored)': canaries.accessToken,
		'Algonomy accessToken (issued in the run)': canaries.issuedToken,
		'eSputnik apiKey': canaries.esputnikKey,
		'ODP apiKey': canaries.odpKey,
	};

	beforeAll(async () => {
		server = await startTestServer(echoingVendor(canaries, () => dataStatus, () => tokenStatus));
	});
	afterAll(async () => {
		await server?.close();
		printTable(`Secrets (canaries ${canaries.label}): occurrences in outputs, errors, execution data and logs, vendor echoing headers, URL, body and token`, figures);
	});

	for (const secretCase of CASES) {
		for (const onError of ERROR_MODES) {
			for (const status of STATUSES) {
				it(`${secretCase.label}, vendor answers ${status}, ${onError}: no canary anywhere`, async () => {
					dataStatus = status;
					tokenStatus = secretCase.tokenStatus ?? 200;
					const before = server.requests.length;
					const credential = credentialFor(secretCase.node, server.url, canaries);
					if (secretCase.fetchToken) credential.data.accessToken = '';
					const result = await runNode({
						node: secretCase.node,
						credential,
						items: erpRows(2, 2),
						onError,
						timeoutMs: 30_000,
						parameters: { ...secretCase.parameters, options: { maxTries: 2, retryDelayMs: 5, timeoutMs: 5000 } },
					});
					// The fake vendor refused everything: the run must say so (error output or failed run).
					if (onError === 'stopWorkflow') expect(result.status).toBe('error');
					else expect(result.outputs('Vendor')[1]?.length ?? 0).toBe(4);
					const requests = server.requests.length - before;
					expect(requests).toBeGreaterThan(0);
					const leaks = findLeaks(placesOf(result), secrets);
					figures.push({
						operation: secretCase.label,
						'vendor answer': status,
						'on error': onError,
						requests,
						'canary occurrences': leaks.length,
						where: leaks.length ? [...new Set(leaks.map((leak) => `${leak.secret} in ${leak.where}`))].join('; ') : '–',
					});
					expect(leaks.map((leak) => `${leak.secret} (${leak.form}) in ${leak.where}`)).toEqual([]);
				});
			}
		}
	}

	it('credential tests against the echoing vendor: no canary in their messages', async () => {
		dataStatus = 400;
		tokenStatus = 200;
		const results = [
			await testCredential(OptimizelyRecsApi, credentialFor('optimizelyRecs', server.url, canaries).data),
			await testCredential(AlgonomyOAuth2Api, { ...credentialFor('algonomy', server.url, canaries).data, accessToken: '' }),
			await testCredential(EsputnikApi, credentialFor('esputnik', server.url, canaries).data),
			await testCredential(OptimizelyDataPlatformApi, credentialFor('optimizelyDataPlatform', server.url, canaries).data),
		];
		expect(results.map((result) => result.status)).toEqual(['Error', 'Error', 'Error', 'Error']);
		const leaks = findLeaks({ 'credential test messages': stringifyAll(results) }, secrets);
		figures.push({ operation: 'credential tests (4)', 'vendor answer': 400, 'on error': '–', requests: 4, 'canary occurrences': leaks.length, where: leaks.length ? leaks.map((leak) => leak.secret).join('; ') : '–' });
		expect(leaks).toEqual([]);
	});
});
