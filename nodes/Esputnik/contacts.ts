import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { chunk, sendWithRetry } from '../shared/transport';
import type { RetryPolicy, VendorResponse } from '../shared/transport';
import { describeVendorAnswer, isSuccessStatus } from '../shared/vendorAnswers';
import { ESPUTNIK_CONTACTS_MAX, esputnikContactShape, toEsputnikContactsRequest } from '../../mapping';
import type { EsputnikContact, EsputnikContactKey } from '../../mapping';

/**
 * eSputnik's v1/contacts imports asynchronously: it answers {"asyncSessionId": ...} and the contacts
 * exist once GET v1/importstatus/{sessionId} says FINISHED (ERROR when the import failed). Waiting is
 * bounded: polls at growing intervals, at most `maxWaitMs` in all.
 */
export interface ImportWait {
	/** Longest time to wait for one import, ms. */
	maxWaitMs: number;
	/** First wait between polls, ms; it doubles up to 5 s. */
	firstPollMs: number;
}

export const DEFAULT_IMPORT_WAIT_SECONDS = 60;

export type ImportOutcome = { ok: true; sessionId: string; polls: number } | { ok: false; message: string; sessionId?: string };

/** The asyncSessionId of a v1/contacts answer, or undefined. */
export function asyncSessionIdOf(response: VendorResponse): string | undefined {
	const body = response.body as { asyncSessionId?: unknown } | undefined;
	const id = body?.asyncSessionId;
	return (typeof id === 'string' && id !== '') || typeof id === 'number' ? String(id) : undefined;
}

/** Polls v1/importstatus/{sessionId} until FINISHED, ERROR or the wait runs out. */
export async function waitForImport(
	context: IExecuteFunctions,
	credentialType: string,
	baseUrl: string,
	sessionId: string,
	policy: RetryPolicy,
	wait: ImportWait,
): Promise<ImportOutcome> {
	const started = Date.now();
	let delay = Math.max(1, wait.firstPollMs);
	let lastStatus = 'no status yet';
	for (let polls = 1; ; polls++) {
		const outcome = await sendWithRetry(
			context,
			credentialType,
			{ method: 'GET', url: `${baseUrl}/v1/importstatus/${encodeURIComponent(sessionId)}` },
			{ ...policy, retryAmbiguousFailures: true },
		);
		if (outcome.failure) return { ok: false, sessionId, message: `could not read the status of eSputnik contact import ${sessionId}: ${outcome.failure.message}` };
		const { response } = outcome;
		if (!isSuccessStatus(response.statusCode)) {
			return { ok: false, sessionId, message: `could not read the status of eSputnik contact import ${sessionId}: ${describeVendorAnswer(response.statusCode, response.body)}` };
		}
		const body = (response.body ?? {}) as { status?: unknown; error?: unknown };
		const status = typeof body.status === 'string' ? body.status.toUpperCase() : '';
		if (status === 'FINISHED') return { ok: true, sessionId, polls };
		if (status === 'ERROR') {
			const reason = typeof body.error === 'string' && body.error !== '' ? `: ${body.error}` : '';
			return { ok: false, sessionId, message: `eSputnik could not import the contact (import ${sessionId} ended with ERROR${reason})` };
		}
		lastStatus = status || 'no status';
		const elapsed = Date.now() - started;
		if (elapsed + delay > wait.maxWaitMs) {
			return {
				ok: false,
				sessionId,
				message: `eSputnik had not finished importing the contact after ${Math.round(elapsed / 1000)} s (import ${sessionId}, last status ${lastStatus}); raise Contact Import Wait or run again later`,
			};
		}
		await sleep(delay);
		delay = Math.min(delay * 2, 5000);
	}
}

/**
 * Creates or updates contacts through v1/contacts (at most 3,000 per request) and waits for each
 * import to finish. Contacts of the same shape go together so that contactFields covers them (see
 * toEsputnikContactsRequest). Returns one outcome per contact, in input order.
 */
export async function upsertContacts(
	context: IExecuteFunctions,
	credentialType: string,
	baseUrl: string,
	contacts: EsputnikContact[],
	options: { dedupeOn: EsputnikContactKey; groupNames?: string[]; batchSize?: number },
	policy: RetryPolicy,
	wait: ImportWait,
): Promise<ImportOutcome[]> {
	const outcomes = new Array<ImportOutcome>(contacts.length);
	const order = contacts.map((contact, index) => ({ contact, index, shape: esputnikContactShape(contact) }));
	order.sort((a, b) => (a.shape < b.shape ? -1 : a.shape > b.shape ? 1 : a.index - b.index));
	const size = Math.max(1, Math.min(ESPUTNIK_CONTACTS_MAX, options.batchSize ?? ESPUTNIK_CONTACTS_MAX));
	for (const batch of chunk(order, size)) {
		const body = toEsputnikContactsRequest(batch.map((entry) => entry.contact), options);
		// Upserting the same contact twice leaves the same contact: safe to retry.
		const sent = await sendWithRetry(context, credentialType, { method: 'POST', url: `${baseUrl}/v1/contacts`, body }, { ...policy, retryAmbiguousFailures: true });
		let outcome: ImportOutcome;
		if (sent.failure) outcome = { ok: false, message: `eSputnik v1/contacts: ${sent.failure.message}` };
		else if (!isSuccessStatus(sent.response.statusCode)) outcome = { ok: false, message: `eSputnik v1/contacts refused the contact: ${describeVendorAnswer(sent.response.statusCode, sent.response.body)}` };
		else {
			const sessionId = asyncSessionIdOf(sent.response);
			// No session id: the vendor took the contacts without telling us to wait.
			outcome = sessionId === undefined ? { ok: true, sessionId: '', polls: 0 } : await waitForImport(context, credentialType, baseUrl, sessionId, policy, wait);
		}
		for (const entry of batch) outcomes[entry.index] = outcome;
	}
	return outcomes;
}
