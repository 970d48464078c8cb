/**
 * Where each vendor lives. Production hosts are HTTPS only; a custom base URL (a proxy, the local
 * sandbox) may use plain http only when its host is a loopback address.
 *
 * Credential "Test" buttons are declarative and can only use n8n expressions, so the same rules are
 * also written as expression text below (`*_BASE_URL_EXPRESSION`); test/nodes checks both agree.
 */

export const OPTIMIZELY_RECS_HOSTS = {
	uk: (site: string) => `https://${site}.peerius.com`,
	se: (site: string) => `https://${site}.peerius.episerver.net`,
	us: (site: string) => `https://${site}.uswe01.productrecs.episerver.net`,
	uat: () => 'https://uat.peerius.com',
} as const;

export const ALGONOMY_HOSTS = {
	production: 'https://gateway.richrelevance.com',
	qa: 'https://qa-gateway.richrelevance.com',
	staging: 'https://staging-gateway.richrelevance.com',
} as const;

export const ESPUTNIK_BASE_URL = 'https://esputnik.com/api';

/** How long an OAuth2 token request may take before the run gives up on it. */
export const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

export const ODP_HOSTS = {
	us: 'https://api.zaius.com/v3',
	eu: 'https://api.eu1.odp.optimizely.com/v3',
	au: 'https://api.au1.odp.optimizely.com/v3',
} as const;

export class UnsafeEndpointError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UnsafeEndpointError';
	}
}

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase();
	return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/** Validates a user-supplied base URL and returns it without a trailing slash. */
export function checkCustomBaseUrl(raw: unknown): string {
	const text = typeof raw === 'string' ? raw.trim() : '';
	const url = parseUrl(text);
	if (!url) throw new UnsafeEndpointError(`Custom Base URL "${text}" is not a valid URL`);
	if (url.username || url.password) {
		throw new UnsafeEndpointError('Custom Base URL must not contain a user name or password');
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		throw new UnsafeEndpointError(
			`Custom Base URL "${url.origin}" uses plain http: only https is allowed, except for loopback hosts (127.0.0.1, localhost)`,
		);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new UnsafeEndpointError(`Custom Base URL must start with https:// (got "${url.protocol}")`);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/**
 * A Custom Base URL may be written with or without the vendor's path (issue 17): eSputnik's API
 * lives under /api, ODP's under /v3, Optimizely Recs at the root. Whichever of the three a user
 * types (e.g. the sandbox's address with /api for every vendor), the vendor's own path replaces it.
 */
export type VendorPath = '' | '/api' | '/v3';

export function withVendorPath(base: string, path: VendorPath): string {
	return base.replace(/\/(api|v3)$/i, '') + path;
}

function siteLabel(site: unknown): string {
	const text = typeof site === 'string' ? site.trim() : '';
	// The site code becomes part of a host name: letters, digits and dashes only.
	if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(text)) {
		throw new UnsafeEndpointError(`Site "${text}" is not a valid Optimizely site code (letters, digits, dashes)`);
	}
	return text.toLowerCase();
}

export function optimizelyRecsBaseUrl(credentials: { environment?: unknown; site?: unknown; baseUrl?: unknown }): string {
	switch (credentials.environment) {
		case 'uk':
		case 'se':
		case 'us':
			return OPTIMIZELY_RECS_HOSTS[credentials.environment](siteLabel(credentials.site));
		case 'uat':
			return OPTIMIZELY_RECS_HOSTS.uat();
		case 'custom':
			return withVendorPath(checkCustomBaseUrl(credentials.baseUrl), '');
		default:
			throw new UnsafeEndpointError(`Unknown Optimizely environment "${String(credentials.environment)}"`);
	}
}

export function algonomyBaseUrl(credentials: { environment?: unknown; baseUrl?: unknown }): string {
	const environment = credentials.environment;
	if (environment === 'custom') return checkCustomBaseUrl(credentials.baseUrl);
	if (environment === 'production' || environment === 'qa' || environment === 'staging') {
		return ALGONOMY_HOSTS[environment];
	}
	throw new UnsafeEndpointError(`Unknown Algonomy environment "${String(environment)}"`);
}

export function esputnikBaseUrl(credentials: { environment?: unknown; baseUrl?: unknown }): string {
	return credentials.environment === 'custom' ? withVendorPath(checkCustomBaseUrl(credentials.baseUrl), '/api') : ESPUTNIK_BASE_URL;
}

/** ODP keys end in "-eu1" or "-au1" outside the US region. */
export function odpRegionFromKey(apiKey: unknown): 'us' | 'eu' | 'au' {
	const key = typeof apiKey === 'string' ? apiKey.trim() : '';
	if (key.endsWith('-eu1')) return 'eu';
	if (key.endsWith('-au1')) return 'au';
	return 'us';
}

export function odpBaseUrl(credentials: { region?: unknown; apiKey?: unknown; baseUrl?: unknown }): string {
	const region = credentials.region ?? 'auto';
	if (region === 'custom') return withVendorPath(checkCustomBaseUrl(credentials.baseUrl), '/v3');
	if (region === 'auto') return ODP_HOSTS[odpRegionFromKey(credentials.apiKey)];
	if (region === 'us' || region === 'eu' || region === 'au') return ODP_HOSTS[region];
	throw new UnsafeEndpointError(`Unknown ODP region "${String(region)}"`);
}

/**
 * Expression text for a credential test: the custom URL when it is https or loopback http,
 * otherwise an address that cannot resolve, so the test fails instead of sending secrets in clear.
 */
const safeCustomUrl = (path: VendorPath | undefined) =>
	"(!/^[a-z][a-z0-9+.-]*:\\/\\/[^\\/?#]*@/i.test($credentials.baseUrl) && (/^https:\\/\\//i.test($credentials.baseUrl) || /^http:\\/\\/(localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1\\])(:\\d+)?(\\/|$)/i.test($credentials.baseUrl)) ? $credentials.baseUrl.replace(/\\/+$/, '')" +
	// The same as withVendorPath (undefined: no vendor path rule, Algonomy).
	(path === undefined ? '' : `.replace(/\\/(api|v3)$/i, '') + '${path}'`) +
	" : 'https://plain-http-refused.invalid')";

export const OPTIMIZELY_RECS_BASE_URL_EXPRESSION =
	"={{ $credentials.environment === 'custom' ? " +
	safeCustomUrl('') +
	" : $credentials.environment === 'uat' ? 'https://uat.peerius.com' : 'https://' + $credentials.site + ($credentials.environment === 'se' ? '.peerius.episerver.net' : $credentials.environment === 'us' ? '.uswe01.productrecs.episerver.net' : '.peerius.com') }}";

export const ALGONOMY_BASE_URL_EXPRESSION =
	"={{ $credentials.environment === 'custom' ? " +
	safeCustomUrl(undefined) +
	" : $credentials.environment === 'qa' ? 'https://qa-gateway.richrelevance.com' : $credentials.environment === 'staging' ? 'https://staging-gateway.richrelevance.com' : 'https://gateway.richrelevance.com' }}";

export const ESPUTNIK_BASE_URL_EXPRESSION =
	"={{ $credentials.environment === 'custom' ? " + safeCustomUrl('/api') + " : 'https://esputnik.com/api' }}";

export const ODP_BASE_URL_EXPRESSION =
	"={{ $credentials.region === 'custom' ? " +
	safeCustomUrl('/v3') +
	" : ($credentials.region === 'eu' || ($credentials.region === 'auto' && $credentials.apiKey.trim().endsWith('-eu1'))) ? 'https://api.eu1.odp.optimizely.com/v3' : ($credentials.region === 'au' || ($credentials.region === 'auto' && $credentials.apiKey.trim().endsWith('-au1'))) ? 'https://api.au1.odp.optimizely.com/v3' : 'https://api.zaius.com/v3' }}";

/**
 * Throws the reason (UnsafeEndpointError) when the credential uses a Custom Base URL that is refused.
 * Called from the credentials' `authenticate`, so the Test button says why instead of the generic
 * network error of the `.invalid` host the test expression falls back to.
 */
export function refuseUnsafeCustomBaseUrl(credentials: Record<string, unknown>, switchName: 'environment' | 'region'): void {
	if (credentials[switchName] === 'custom') checkCustomBaseUrl(credentials.baseUrl);
}

/** The "Custom Base URL" credential field, shown when `switchName` is set to 'custom'. */
export function customBaseUrlProperty(switchName: string, replaces: string, placeholder: string, path?: VendorPath) {
	const pathRule =
		path === undefined
			? ''
			: path === ''
				? '. Give the address without a path: a trailing /api or /v3 is dropped'
				: `. The path ${path} may be given or left out (it is added when missing; a trailing ${path === '/api' ? '/v3' : '/api'} is replaced)`;
	return {
		displayName: 'Custom Base URL',
		name: 'baseUrl',
		type: 'string' as const,
		default: '',
		placeholder,
		description: `Replaces ${replaces} (a proxy, or the local sandbox). Must be https, except for loopback hosts (127.0.0.1, localhost)${pathRule}.`,
		displayOptions: { show: { [switchName]: ['custom'] } },
	};
}

export const CUSTOM_BASE_URL_OPTION = { name: 'Custom Base URL', value: 'custom', description: 'A proxy or the local sandbox' };
