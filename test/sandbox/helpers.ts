// Shared helpers of the sandbox tests (not a test file itself).
import { readFileSync } from 'fs';
import { join } from 'path';
import { SANDBOX_DEFAULT_CREDENTIALS } from '../../sandbox';

export const credentials = SANDBOX_DEFAULT_CREDENTIALS;

/** Fixture bodies are edited freely by the tests, so they are loosely typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function fixture<T = Json>(name: string): T {
	return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sandbox', name), 'utf8')) as T;
}

export interface Answer {
	status: number;
	headers: Headers;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

/** One HTTP call; objects are sent as JSON, strings as they are. */
export async function call(
	url: string,
	init: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {},
): Promise<Answer> {
	const headers: Record<string, string> = { ...init.headers };
	let body: string | undefined;
	if (typeof init.body === 'string') body = init.body;
	else if (init.body !== undefined) {
		body = JSON.stringify(init.body);
		headers['content-type'] ??= 'application/json';
	}
	const response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: init.signal });
	const text = await response.text();
	let json: unknown;
	try {
		json = text === '' ? undefined : JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

export function optimizelyHeaders(overrides: Record<string, string> = {}): Record<string, string> {
	return {
		site: credentials.optimizely.site,
		siteToken: credentials.optimizely.siteToken,
		channel: 'store',
		...overrides,
	};
}

export function basicAuth(password: string, user = 'anyone'): Record<string, string> {
	return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

export const esputnikAuth = () => basicAuth(credentials.esputnik.apiKey);

export const odpHeaders = (apiKey: string = credentials.odp.apiKey) => ({ 'x-api-key': apiKey });

export async function algonomyToken(baseUrl: string): Promise<string> {
	const { clientId, clientSecret } = credentials.algonomy;
	const answer = await call(
		`${baseUrl}/omnichannel/v1/oauth2/token?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
		{ method: 'POST' },
	);
	if (answer.status !== 200) throw new Error(`token request failed: ${answer.status} ${answer.text}`);
	return answer.json.access_token as string;
}

export function algonomyOrdersUrl(baseUrl: string, mode?: string, apiKey: string = credentials.algonomy.apiKey): string {
	return `${baseUrl}/omnichannel/api/v1/${apiKey}/orders${mode === undefined ? '' : `?mode=${mode}`}`;
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 1)): { now: () => number; advance: (ms: number) => void } {
	let current = start;
	return { now: () => current, advance: (ms) => (current += ms) };
}
