import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { TOKEN_REQUEST_TIMEOUT_MS } from './endpoints';

/**
 * The one transport every node in this package uses: authentication through n8n's credential
 * helpers, retries with exponential backoff and jitter, Retry-After, timeouts, bounded concurrency.
 */

export interface VendorRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: unknown;
	qs?: IDataObject;
}

export interface RetryPolicy {
	/** Total attempts, the first one included. */
	maxTries: number;
	timeoutMs: number;
	baseDelayMs: number;
	/** Longest single wait, also the longest Retry-After we agree to honour. */
	maxDelayMs: number;
	/**
	 * False for calls the vendor cannot take twice (ODP refunds, returns, cancels): after a timeout
	 * or a dropped connection the vendor may already have applied the request, so we stop and say
	 * so instead of risking a second application.
	 */
	retryAmbiguousFailures: boolean;
	/**
	 * Total time a request may keep waiting on 429 answers without those tries counting toward
	 * maxTries (0: a 429 is a try like a 5xx). Several workers sharing one vendor limit take turns:
	 * a request refused five times in a row is not failing, it is queueing.
	 */
	rateLimitBudgetMs?: number;
}

export interface VendorResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
	attempts: number;
}

export type TransportFailureKind = 'network' | 'timeout' | 'ambiguous' | 'unauthorized';

/** A request that got no usable HTTP answer; returned, not thrown: it is an expected outcome. */
export interface TransportFailure {
	message: string;
	kind: TransportFailureKind;
	attempts: number;
	statusCode?: number;
}

export type SendOutcome = { response: VendorResponse; failure?: undefined } | { failure: TransportFailure; response?: undefined };

/** Connection failures where the request certainly never reached the vendor: always safe to retry. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

interface ErrorFacts {
	statusCode?: number;
	code?: string;
	/** The request URL, only to tell a failed token request apart; never shown (it may hold a key). */
	url?: string;
}

function errorFacts(error: unknown): ErrorFacts {
	const facts: ErrorFacts = {};
	let current = error as
		| { code?: unknown; httpCode?: unknown; cause?: unknown; response?: { status?: unknown }; config?: { url?: unknown } }
		| undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (facts.url === undefined && typeof current.config?.url === 'string') facts.url = current.config.url;
		if (facts.statusCode === undefined) {
			const status = current.response?.status ?? current.httpCode;
			const parsed = Number(status);
			if (status !== undefined && status !== null && Number.isInteger(parsed) && parsed >= 100) {
				facts.statusCode = parsed;
			}
		}
		// axios' ERR_BAD_REQUEST / ERR_BAD_RESPONSE only restate an HTTP status; socket codes look like ECONNRESET.
		if (facts.code === undefined && typeof current.code === 'string' && /^E[A-Z]+$/.test(current.code)) {
			facts.code = current.code;
		}
		current = current.cause as typeof current;
	}
	return facts;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, unknown>, now = Date.now()): number | undefined {
	const raw = headers['retry-after'] ?? headers['Retry-After'];
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (value === undefined || value === null || value === '') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** Up to half the vendor's wait, at most 1 s, at random (never less than the vendor asked for). */
export function retryAfterJitterMs(vendorWaitMs: number): number {
	return Math.round(Math.random() * Math.min(1000, Math.max(100, vendorWaitMs / 2)));
}

function isRetryableStatus(statusCode: number): boolean {
	return statusCode === 429 || statusCode >= 500;
}

/**
 * One read of a credential per execution. n8n would otherwise load and decrypt it again for every
 * request (bench/results/profile.md: 11–15% of the node's time per request). The object is shared on
 * purpose: when n8n renews an expirable token (preAuthentication) it writes the new token into this
 * object and into its database, so the next requests and the secret scrubbing see it.
 */
const credentialReads = new WeakMap<object, Map<string, Promise<ICredentialDataDecryptedObject>>>();

export function executionCredentials(context: IExecuteFunctions, credentialType: string): Promise<ICredentialDataDecryptedObject> {
	let reads = credentialReads.get(context);
	if (!reads) {
		reads = new Map();
		credentialReads.set(context, reads);
	}
	let read = reads.get(credentialType);
	if (!read) {
		read = context.getCredentials(credentialType);
		// A failed read is not kept: the caller reports it, and a later call may try again.
		read.catch(() => reads?.delete(credentialType));
		reads.set(credentialType, read);
	}
	return read;
}

export async function sendWithRetry(
	context: IExecuteFunctions,
	credentialType: string,
	request: VendorRequest,
	policy: RetryPolicy,
): Promise<SendOutcome> {
	const credentialsDecrypted = { id: '', name: credentialType, type: credentialType, data: await executionCredentials(context, credentialType) };
	let rateLimitWaited = 0;
	let requests = 0;
	for (let attempt = 1; ; attempt++) {
		requests++;
		const isLastAttempt = attempt >= policy.maxTries;
		try {
			const response = (await context.helpers.httpRequestWithAuthentication.call(context, credentialType, {
				method: request.method,
				url: request.url,
				body: request.body as IDataObject,
				qs: request.qs,
				json: true,
				timeout: policy.timeoutMs,
				returnFullResponse: true,
				// Every status comes back as a response except 401, which must throw so that n8n
				// refreshes an expirable token (preAuthentication) and repeats the request once.
				ignoreHttpStatusErrors: { ignore: true, except: [401] },
			}, { credentialsDecrypted })) as { statusCode: number; headers: Record<string, unknown>; body: unknown };

			const budget = policy.rateLimitBudgetMs ?? 0;
			if (response.statusCode === 429 && budget > 0) {
				const vendorWait = retryAfterMs(response.headers) ?? backoffMs(Math.min(attempt, 6), policy);
				const wait = vendorWait + retryAfterJitterMs(vendorWait);
				if (vendorWait <= policy.maxDelayMs && rateLimitWaited + wait <= budget) {
					rateLimitWaited += wait;
					await sleep(wait);
					attempt--; // a rate-limited try is a turn in the queue, not a failure
					continue;
				}
			}
			if (isRetryableStatus(response.statusCode) && !isLastAttempt) {
				const vendorWait = retryAfterMs(response.headers);
				if (vendorWait !== undefined && vendorWait > policy.maxDelayMs) {
					// Waiting longer than the user allowed would stall the whole execution: give up clearly.
					return { response: { ...response, attempts: requests } };
				}
				// At least what the vendor asked for, plus jitter: lanes and workers refused in the same
				// second would otherwise all come back in the same second again and be refused again.
				await sleep(vendorWait !== undefined ? vendorWait + retryAfterJitterMs(vendorWait) : backoffMs(attempt, policy));
				continue;
			}
			return {
				response: { statusCode: response.statusCode, headers: response.headers, body: response.body, attempts: requests },
			};
		} catch (error) {
			const facts = errorFacts(error);
			if (facts.statusCode === 401) {
				return {
					failure: {
						message:
							'The vendor refused the credentials (HTTP 401); check the credential (an expiring access token is renewed once automatically)',
						kind: 'unauthorized',
						attempts: requests,
						statusCode: 401,
					},
				};
			}
			if (facts.statusCode !== undefined && facts.code === undefined) {
				// An HTTP answer that still surfaced as an error: hand it back as a response.
				return { response: { statusCode: facts.statusCode, headers: {}, body: undefined, attempts: requests } };
			}
			const neverSent = facts.code !== undefined && NOT_SENT_CODES.has(facts.code);
			const timedOut = facts.code !== undefined && TIMEOUT_CODES.has(facts.code);
			const tokenRequest = facts.url?.includes('/oauth2/token') === true;
			const description = tokenRequest
				? timedOut
					? `the access-token request got no answer within ${TOKEN_REQUEST_TIMEOUT_MS / 1000} s`
					: `the access-token request failed (${facts.code ?? 'network error'})`
				: timedOut
					? `no answer within ${policy.timeoutMs} ms`
					: `connection failed (${facts.code ?? 'unknown network error'})`;
			if (!neverSent && !policy.retryAmbiguousFailures) {
				return {
					failure: {
						message: `${description}; not retried because the vendor may already have applied this request and it must not be applied twice`,
						kind: 'ambiguous',
						attempts: requests,
					},
				};
			}
			if (isLastAttempt) {
				return {
					failure: {
						message: `${description}, after ${attempt} attempt${attempt === 1 ? '' : 's'}`,
						kind: timedOut ? 'timeout' : 'network',
						attempts: requests,
					},
				};
			}
			await sleep(backoffMs(attempt, policy));
		}
	}
}

/**
 * Runs `worker` over `inputs` with at most `concurrency` in flight, results in input order.
 * The first input runs alone (unless `firstAlone` is false: a later window of the same run) so
 * that a credential with an expirable token fetches it once instead of once per parallel request.
 */
export async function mapBounded<I, O>(
	inputs: readonly I[],
	concurrency: number,
	worker: (input: I, index: number) => Promise<O>,
	firstAlone = true,
): Promise<O[]> {
	const results = new Array<O>(inputs.length);
	if (inputs.length === 0) return results;
	let next = 0;
	if (firstAlone) results[next++] = await worker(inputs[0], 0);
	const lanes = Math.max(1, Math.min(concurrency, inputs.length - next));
	await Promise.all(
		Array.from({ length: lanes }, async () => {
			while (next < inputs.length) {
				const index = next++;
				results[index] = await worker(inputs[index], index);
			}
		}),
	);
	return results;
}

/** Splits `values` into chunks of at most `size`. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
	return chunks;
}
