import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { legacyDryRunOption } from './editor';
import { Ledger, ledgerOptions, payloadFingerprint, readLedgerSettings, sha256 } from './ledger';
import type { ClaimVerdict, LedgerKind, LedgerSettings, LedgerUnit } from './ledger';
import type { UnitError } from './orderSource';
import { chunk, executionCredentials, mapBounded, sendWithRetry } from './transport';
import type { RetryPolicy, VendorRequest, VendorResponse } from './transport';

/**
 * What every node does after reading its input: group payloads into requests, send them through the
 * shared transport, read the vendor's verdict, and give back exactly one output item per input item.
 */

/** One thing to send: an order (which may span several input items, e.g. ERP rows) or one item's event. */
export interface DeliveryUnit<P> {
	itemIndexes: number[];
	orderId: string;
	payload?: P;
	error?: UnitError;
	/** Set when the unit repeats an earlier one that must not be sent twice. */
	duplicateOf?: number;
	/** Set when the unit is deliberately not sent (e.g. a refunded order to a purchase operation): the reason. */
	skipped?: string;
}

/** Per-unit verdict read from one vendor response. */
export type UnitVerdict = { ok: true } | { ok: false; message: string };

export interface BatchVerdict {
	/** One entry per unit of the request, in order. */
	units: UnitVerdict[];
	/**
	 * The vendor rejected only some entries and took none: send the others once more
	 * (ODP answers 400 with `invalids` naming the bad events).
	 */
	resendOthers?: boolean;
	/** The whole request was refused for something one unit may have caused: try each unit alone. */
	isolateUnits?: boolean;
}

export interface DeliveryOperation<P> {
	/** Shown in output items, e.g. "odp.sendOrderEvent". */
	name: string;
	credentialType: string;
	/** Largest number of units one request may carry (1 = one request per unit). */
	maxBatchSize: number;
	buildRequest(payloads: P[]): VendorRequest;
	/** Request for one unit when a batch must be split to find the bad one (defaults to buildRequest([p])). */
	buildSingleRequest?(payload: P): VendorRequest;
	readVerdict(response: VendorResponse, payloads: P[]): BatchVerdict;
	/** False when the vendor must never apply a unit twice (see RetryPolicy.retryAmbiguousFailures). */
	retryAmbiguousFailures: boolean;
	/** Credential fields whose values must never appear in outputs or errors. */
	secretFields: string[];
	/**
	 * How the sent-orders ledger treats this operation: `event` for sends the vendor applies each
	 * time (claimed before sending, never resent when in doubt), `upsert` for sends that leave the
	 * same record when repeated. `key` says what makes a send distinct (default: the payload's
	 * fingerprint, so a changed order is sent again).
	 */
	ledger?: { kind: LedgerKind; onByDefault: boolean; key?(payload: P): string };
	/** Credential fields that tell one vendor account from another (default: secretFields). */
	accountFields?: string[];
}

export interface DeliverySettings {
	batchSize: number;
	concurrency: number;
	dryRun: boolean;
	includePayload: boolean;
	policy: RetryPolicy;
	ledger: LedgerSettings;
}

interface UnitResult {
	status: 'sent' | 'dryRun' | 'skipped' | 'failed';
	message?: string;
	issues?: UnitError['issues'];
	httpStatus?: number;
	response?: unknown;
	attempts?: number;
	batch?: { number: number; size: number };
	kind?: 'validation' | 'vendor';
	/** The request may have reached the vendor although no answer came back. */
	inDoubt?: boolean;
	ledger?: string;
}

/**
 * Requests in flight by default: one-order-per-request operations are latency-bound, so they get
 * many lanes. `npm run bench` at 20 ms, 10,000 orders (bench/results/profile.md), Optimizely Recs
 * track node time: 8 lanes 40.4 s, 16 lanes 26.9 s, 32 lanes 18.2 s (the HTTP Request node, which
 * sends every item at once, 55–60 s). Each vendor's 429 is retried with its Retry-After, so more
 * lanes cannot overrun a vendor for long. Bulk requests keep 4 (ODP allows 10 requests/s).
 */
export function defaultConcurrency(maxBatchSize: number): number {
	return maxBatchSize > 1 ? 4 : 32;
}

export const deliveryOptionsProperty = (maxBatchSize: number, defaultBatchSize: number): INodeProperties => ({
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		...(maxBatchSize > 1
			? [
					{
						displayName: 'Batch Size',
						name: 'batchSize',
						type: 'number' as const,
						typeOptions: { minValue: 1, maxValue: maxBatchSize },
						default: defaultBatchSize,
						description: `How many orders go in one request (at most ${maxBatchSize})`,
					},
				]
			: []),
		{
			displayName: 'Concurrent Requests',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 64 },
			default: defaultConcurrency(maxBatchSize),
			description:
				'How many requests may be in flight at once (when not set: 32 for one-order-per-request operations, 4 for batches; lower it if the vendor answers 429 often)',
		},
		...ledgerOptions.slice(0, 1),
		legacyDryRunOption,
		{
			displayName: 'Include Sent Payload',
			name: 'includePayload',
			type: 'boolean',
			default: false,
			description: 'Whether to add the payload sent for each order to its output item',
		},
		{
			displayName: 'Max Tries',
			name: 'maxTries',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: 5,
			description:
				"Attempts per request when the vendor answers 429 or 5xx or the network fails. These retries are the node's own, request by request; n8n's Settings › Retry On Fail is separate and runs the whole node again after it fails, sending every order of the run once more (except those Skip Orders Sent Before recorded), so leave Retry On Fail off.",
		},
		{
			displayName: 'Max Wait (Milliseconds)',
			name: 'maxDelayMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60000,
			description: 'Longest wait before a retry; a vendor asking to wait longer fails the request instead',
		},
		...ledgerOptions.slice(1),
		{
			displayName: 'Rate Limit Patience (Milliseconds)',
			name: 'rateLimitWaitMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 300000,
			description:
				'How long in total a request keeps retrying while the vendor answers 429 (each wait as its Retry-After says); those retries do not count toward Max Tries. 0: a 429 counts as a try. When not added: 5 minutes for the ODP and eSputnik nodes from version 1.2 (several workers share one vendor limit and take turns), 0 otherwise.',
		},
		{
			displayName: 'Retry Delay (Milliseconds)',
			name: 'retryDelayMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 500,
			description: 'First wait before a retry; it doubles on each try (with jitter). A Retry-After from the vendor takes precedence.',
		},
		{
			displayName: 'Timeout (Milliseconds)',
			name: 'timeoutMs',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30000,
			description: 'How long to wait for each answer',
		},
	],
});

/** Nodes whose version 1.2 waits out rate limits without counting them as tries (see rateLimitWaitMs). */
const PATIENT_FROM_1_2 = new Set(['optimizelyDataPlatform', 'esputnik']);

export function readDeliverySettings(context: IExecuteFunctions, maxBatchSize: number, defaultBatchSize: number): DeliverySettings {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const node = context.getNode();
	const patientByDefault = node.typeVersion >= 1.2 && PATIENT_FROM_1_2.has(node.type.split('.').pop() ?? '');
	const number = (value: unknown, fallback: number) =>
		typeof value === 'number' && Number.isFinite(value) ? value : fallback;
	return {
		batchSize: Math.max(1, Math.min(maxBatchSize, Math.floor(number(options.batchSize, defaultBatchSize)))),
		concurrency: Math.max(1, Math.floor(number(options.concurrency, defaultConcurrency(maxBatchSize)))),
		// The top-level Dry Run (issue 17), or Options › Dry Run of workflows saved before it.
		dryRun: context.getNodeParameter('dryRun', 0, false) === true || options.dryRun === true,
		includePayload: options.includePayload === true,
		policy: {
			maxTries: Math.max(1, Math.floor(number(options.maxTries, 5))),
			timeoutMs: Math.max(1, number(options.timeoutMs, 30000)),
			baseDelayMs: Math.max(0, number(options.retryDelayMs, 500)),
			maxDelayMs: Math.max(0, number(options.maxDelayMs, 60000)),
			retryAmbiguousFailures: true,
			rateLimitBudgetMs: Math.max(0, number(options.rateLimitWaitMs, patientByDefault ? 300000 : 0)),
		},
		ledger: readLedgerSettings(options),
	};
}

/** Replaces every occurrence of a secret in any string of `value` (vendors may echo headers back). */
export function redactSecrets(value: unknown, secrets: string[]): unknown {
	if (secrets.length === 0) return value;
	if (typeof value === 'string') {
		let text = value;
		for (const secret of secrets) text = text.split(secret).join('[redacted]');
		return text.replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 [redacted]');
	}
	if (Array.isArray(value)) return value.map((entry) => redactSecrets(entry, secrets));
	if (value && typeof value === 'object') {
		const result: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) result[key] = redactSecrets(entry, secrets);
		return result;
	}
	return value;
}

/** Every written form of a secret that a vendor answer could echo: as is, URL- or form-encoded, JSON-escaped, Base64. */
function secretForms(secret: string): string[] {
	const forms = [
		secret,
		encodeURIComponent(secret),
		new URLSearchParams({ s: secret }).toString().slice(2),
		JSON.stringify(secret).slice(1, -1),
		Buffer.from(secret).toString('base64'),
		Buffer.from(`n8n:${secret}`).toString('base64'),
	];
	// Longest first, so a form is never half-replaced by a shorter one it contains.
	return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

async function collectSecrets(context: IExecuteFunctions, operation: DeliveryOperation<unknown>): Promise<string[]> {
	const credentials = await executionCredentials(context, operation.credentialType);
	return operation.secretFields
		.map((field) => credentials[field])
		.filter((value): value is string => typeof value === 'string' && value.length >= 4)
		.flatMap(secretForms);
}

async function sendBatch<P>(
	context: IExecuteFunctions,
	operation: DeliveryOperation<P>,
	settings: DeliverySettings,
	units: Array<DeliveryUnit<P>>,
	results: Map<DeliveryUnit<P>, UnitResult>,
	batchNumber: number,
	secrets: string[],
	allowResend = true,
): Promise<void> {
	const payloads = units.map((unit) => unit.payload as P);
	const request = units.length === 1 && operation.buildSingleRequest
		? operation.buildSingleRequest(payloads[0])
		: operation.buildRequest(payloads);
	const policy = { ...settings.policy, retryAmbiguousFailures: operation.retryAmbiguousFailures };
	const outcome = await sendWithRetry(context, operation.credentialType, request, policy);
	if (outcome.failure) {
		const { attempts, statusCode: httpStatus } = outcome.failure;
		const message = redactSecrets(outcome.failure.message, secrets) as string;
		const inDoubt = outcome.failure.kind === 'ambiguous';
		for (const unit of units) {
			results.set(unit, { status: 'failed', kind: 'vendor', message, attempts, httpStatus, inDoubt, batch: { number: batchNumber, size: units.length } });
		}
		return;
	}
	const response: VendorResponse = outcome.response;
	const verdict = operation.readVerdict(response, payloads);
	const body = redactSecrets(response.body, secrets);
	if (verdict.isolateUnits && allowResend && units.length > 1) {
		// One bad order must not sink the whole batch: send each one alone to find it.
		await mapBounded(units, settings.concurrency, (unit) =>
			sendBatch(context, operation, settings, [unit], results, batchNumber, secrets, false),
		);
		return;
	}
	const resend: Array<DeliveryUnit<P>> = [];
	units.forEach((unit, index) => {
		const unitVerdict = verdict.units[index] ?? { ok: false, message: 'The vendor gave no verdict for this order' };
		if (unitVerdict.ok && verdict.resendOthers && allowResend) {
			resend.push(unit);
			return;
		}
		results.set(unit, {
			status: unitVerdict.ok ? 'sent' : 'failed',
			kind: 'vendor',
			message: unitVerdict.ok ? undefined : (redactSecrets(unitVerdict.message, secrets) as string),
			httpStatus: response.statusCode,
			response: body,
			attempts: response.attempts,
			batch: { number: batchNumber, size: units.length },
		});
	});
	if (resend.length > 0) {
		await sendBatch(context, operation, settings, resend, results, batchNumber, secrets, false);
	}
}

function outputJson<P>(
	unit: DeliveryUnit<P>,
	result: UnitResult,
	operation: DeliveryOperation<P>,
	settings: DeliverySettings,
): IDataObject {
	const json: IDataObject = {
		orderId: unit.orderId,
		status: result.status,
		operation: operation.name,
	};
	if (unit.itemIndexes.length > 1) json.itemsInOrder = unit.itemIndexes.length;
	if (result.message) json.message = result.message;
	if (result.httpStatus !== undefined) json.httpStatus = result.httpStatus;
	if (result.response !== undefined) json.response = result.response as IDataObject;
	if (result.attempts !== undefined) json.attempts = result.attempts;
	if (result.batch) json.batch = result.batch;
	if (result.ledger) json.ledger = result.ledger;
	if (unit.payload !== undefined && (settings.includePayload || settings.dryRun)) {
		json.payload = unit.payload as unknown as IDataObject;
	}
	return json;
}

/** Logs progress at info level every few seconds while a run sends (back-fills run for hours). */
class Progress {
	private readonly started = Date.now();
	private lastLog = Date.now();
	constructor(
		private readonly context: IExecuteFunctions,
		private readonly total: number,
	) {}

	report(results: Map<unknown, UnitResult>, force = false): void {
		const now = Date.now();
		if (!force && now - this.lastLog < PROGRESS_EVERY_MS) return;
		this.lastLog = now;
		let sent = 0;
		let skipped = 0;
		let failed = 0;
		for (const result of results.values()) {
			if (result.status === 'sent') sent++;
			else if (result.status === 'skipped') skipped++;
			else if (result.status === 'failed') failed++;
		}
		const done = sent + skipped + failed;
		const seconds = Math.max(0.001, (now - this.started) / 1000);
		const rate = done / seconds;
		const left = rate > 0 ? Math.round((this.total - done) / rate) : undefined;
		this.context.logger.info(
			`order-sync ${this.context.getNode().name}: ${done}/${this.total} done (${sent} sent, ${skipped} skipped, ${failed} failed), ${rate.toFixed(1)} orders/s, ~${left ?? '?'} s left`,
		);
	}
}

const PROGRESS_EVERY_MS = 5000;

function ledgerUnit<P>(operation: DeliveryOperation<P>, unit: DeliveryUnit<P>): LedgerUnit {
	const payload = unit.payload as P;
	return { orderId: unit.orderId, key: operation.ledger?.key ? operation.ledger.key(payload) : payloadFingerprint(payload) };
}

/** The ledger for this run, or the reason there is none. */
async function openLedger<P>(
	context: IExecuteFunctions,
	operation: DeliveryOperation<P>,
	settings: DeliverySettings,
): Promise<Ledger | string | undefined> {
	if (!operation.ledger || !(settings.ledger.skipSentBefore ?? operation.ledger.onByDefault)) return undefined;
	if (!context.getWorkflow().id) return 'off (workflow not saved: save it to keep a record of sent orders)';
	const credentials = await executionCredentials(context, operation.credentialType);
	const account = sha256(
		JSON.stringify((operation.accountFields ?? operation.secretFields).map((field) => credentials[field] ?? null)),
		16,
	);
	const ledger = Ledger.forExecution(context, `${operation.name}|${account}`, operation.ledger.kind, settings.ledger);
	if (settings.ledger.forgetSentOrders) await ledger.forgetAll();
	return ledger;
}

/**
 * Each store call reads and rewrites the node's whole record (bench/results/ledger.md: 0.02 s at 0
 * recorded orders, 0.12 s at 100,000, 2.3 s at 1,000,000), and a window costs a few calls whatever
 * its size: the window grows with the slowest call seen, ~10,000 orders per second of call, up to
 * 50,000, so the cost per order stays near what it is on a small ledger.
 */
const WINDOW_ORDERS_PER_CALL_SECOND = 10000;
const MAX_WINDOW = 50000;

/** Windows of `units`; each window's size is decided when it is reached, from the calls made so far. */
function* nextWindows<U>(units: U[], baseWindow: number, batchSize: number, slowestCallMs: () => number): Generator<U[]> {
	for (let start = 0; start < units.length; ) {
		const wanted = Math.min(MAX_WINDOW, Math.max(baseWindow, Math.round((slowestCallMs() / 1000) * WINDOW_ORDERS_PER_CALL_SECOND)));
		// Whole batches only: a window that ends mid-batch would cost one more request.
		const size = Math.ceil(wanted / batchSize) * batchSize;
		yield units.slice(start, start + size);
		start += size;
	}
}

/**
 * Sends the units window by window. With the ledger on, each window is claimed (events) while the
 * window before it is being sent, so a run killed mid-way leaves at most two windows in doubt.
 */
async function sendWithLedger<P>(
	context: IExecuteFunctions,
	operation: DeliveryOperation<P>,
	settings: DeliverySettings,
	sendable: Array<DeliveryUnit<P>>,
	results: Map<DeliveryUnit<P>, UnitResult>,
	secrets: string[],
): Promise<void> {
	const opened = await openLedger(context, operation, settings);
	const ledger = opened instanceof Ledger ? opened : undefined;
	const batchSize = operation.maxBatchSize > 1 ? settings.batchSize : 1;
	const baseWindow = Math.max(64, batchSize * settings.concurrency * (batchSize > 1 ? 1 : 4));
	const windows = ledger ? nextWindows(sendable, baseWindow, batchSize, () => ledger.slowestCallMs) : [sendable];
	const progress = new Progress(context, sendable.length);
	// The key of a unit is computed once (a payload fingerprint hashes the whole payload).
	const keys = new Map<DeliveryUnit<P>, LedgerUnit>();
	const keyOf = (unit: DeliveryUnit<P>) => {
		let key = keys.get(unit);
		if (!key) keys.set(unit, (key = ledgerUnit(operation, unit)));
		return key;
	};
	const claimOf = (window: Array<DeliveryUnit<P>>) => (ledger ? ledger.claim(window.map(keyOf)) : Promise.resolve(undefined));
	const iterator = windows[Symbol.iterator]();
	let current = iterator.next();
	let nextClaim: Promise<ClaimVerdict[] | undefined> = current.done ? Promise.resolve(undefined) : claimOf(current.value);
	let batchCount = 0;
	for (let windowIndex = 0; !current.done; windowIndex++) {
		const window = current.value;
		const verdicts = await nextClaim;
		const following = iterator.next();
		if (!following.done) {
			nextClaim = claimOf(following.value);
			nextClaim.catch(() => undefined); // awaited in the next round; a failure surfaces there
		}
		const toSend = window.filter((unit, index) => {
			const verdict = verdicts?.[index];
			if (!verdict || verdict.send) return true;
			results.set(unit, { status: 'skipped', message: verdict.message, ledger: verdict.ledger });
			return false;
		});
		const batches = chunk(toSend, batchSize);
		const first = batchCount;
		batchCount += batches.length;
		await mapBounded(batches, settings.concurrency, async (batch, index) => {
			await sendBatch(context, operation, settings, batch, results, first + index + 1, secrets);
			progress.report(results);
			if (!ledger) return;
			for (const unit of batch) {
				const result = results.get(unit) as UnitResult;
				if (result.status === 'sent') {
					ledger.accepted(keyOf(unit));
					result.ledger = 'recorded';
				} else if (!result.inDoubt) {
					ledger.refused(keyOf(unit));
				}
			}
		}, windowIndex === 0);
		current = following;
	}
	if (ledger) await ledger.flush();
	if (typeof opened === 'string') for (const unit of sendable) (results.get(unit) as UnitResult).ledger = opened;
	if (sendable.length >= 1000) progress.report(results, true);
}

/**
 * Sends the units and returns the node's output: one item per input item, failed ones as error
 * items when the node continues on fail (n8n then routes them to the error output), otherwise the
 * first failure is thrown with its item index.
 */
export async function deliver<P>(
	context: IExecuteFunctions,
	itemCount: number,
	units: Array<DeliveryUnit<P>>,
	operation: DeliveryOperation<P>,
	settings: DeliverySettings,
): Promise<INodeExecutionData[][]> {
	const continueOnFail = context.continueOnFail();
	const results = new Map<DeliveryUnit<P>, UnitResult>();

	for (const unit of units) {
		if (unit.error) {
			results.set(unit, { status: 'failed', kind: 'validation', message: unit.error.message, issues: unit.error.issues });
		} else if (unit.skipped !== undefined) {
			results.set(unit, { status: 'skipped', message: unit.skipped });
		} else if (unit.duplicateOf !== undefined) {
			results.set(unit, {
				status: 'skipped',
				message: `Not sent: same order, action and amount as input item ${unit.duplicateOf} of this run, which was sent instead (the vendor would apply it twice)`,
			});
		}
	}
	const firstInvalid = units.find((unit) => unit.error);
	if (firstInvalid && !continueOnFail) {
		// Nothing is sent when the run will fail anyway: the user fixes the input and runs again.
		throw new NodeOperationError(context.getNode(), `Order "${firstInvalid.orderId}" is invalid: ${firstInvalid.error?.message}`, {
			itemIndex: firstInvalid.itemIndexes[0],
			description: firstInvalid.error?.issues.map((issue) => `${issue.path || '(order)'}: ${issue.message}`).join('\n'),
		});
	}

	const sendable = units.filter((unit) => !results.has(unit));
	if (settings.dryRun) {
		for (const unit of sendable) results.set(unit, { status: 'dryRun' });
	} else if (sendable.length > 0) {
		const secrets = await collectSecrets(context, operation as DeliveryOperation<unknown>);
		await sendWithLedger(context, operation, settings, sendable, results, secrets);
		// A token fetched or renewed while sending is a new secret: scrub answers for it too.
		const renewed = (await collectSecrets(context, operation as DeliveryOperation<unknown>)).filter(
			(secret) => !secrets.includes(secret),
		);
		if (renewed.length > 0) {
			for (const result of results.values()) {
				if (result.message) result.message = redactSecrets(result.message, renewed) as string;
				if (result.response !== undefined) result.response = redactSecrets(result.response, renewed);
			}
		}
	}

	const output = new Array<INodeExecutionData>(itemCount);
	let firstFailure: { unit: DeliveryUnit<P>; result: UnitResult } | undefined;
	for (const unit of units) {
		const result = results.get(unit) as UnitResult;
		const json = outputJson(unit, result, operation, settings);
		for (const itemIndex of unit.itemIndexes) {
			if (result.status === 'failed') {
				firstFailure ??= { unit, result };
				output[itemIndex] = {
					json: {
						error: result.message ?? 'Failed',
						details: { ...json, ...(result.issues ? { issues: result.issues as unknown as IDataObject[] } : {}) },
					},
					pairedItem: { item: itemIndex },
				};
			} else {
				output[itemIndex] = { json: { ...json }, pairedItem: { item: itemIndex } };
			}
		}
	}

	if (firstFailure && !continueOnFail) {
		const { unit, result } = firstFailure;
		const itemIndex = unit.itemIndexes[0];
		const message = `Order "${unit.orderId}" was not accepted: ${result.message ?? 'failed'}`;
		throw new NodeApiError(context.getNode(), { message, httpCode: String(result.httpStatus ?? '') } as JsonObject, {
			message,
			itemIndex,
			httpCode: result.httpStatus !== undefined ? String(result.httpStatus) : undefined,
			description: typeof result.response === 'object' ? JSON.stringify(result.response) : undefined,
		});
	}
	for (let index = 0; index < itemCount; index++) {
		if (!output[index]) {
			// A unit list that misses an item is a programming error; never lose the item silently.
			throw new NodeOperationError(context.getNode(), `Internal error: input item ${index} got no result`, { itemIndex: index });
		}
	}
	return [output];
}

/**
 * The vendor base URL from the node's credential; an unsafe custom URL stops the run before
 * anything is sent. A dry run needs no credential.
 */
export async function vendorBaseUrl(
	context: IExecuteFunctions,
	credentialType: string,
	resolve: (credentials: IDataObject) => string,
	dryRun: boolean,
): Promise<string> {
	if (dryRun) return '';
	const credentials = await executionCredentials(context, credentialType);
	try {
		return resolve(credentials);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
}

/**
 * Runs a node's work. A problem that stops the whole run (an unsafe URL, a bad setting) becomes one
 * error item per input item when the node continues on fail: n8n would otherwise pass the input
 * items through to the success output as if they had been sent.
 */
export async function executeOrFailEachItem(
	context: IExecuteFunctions,
	work: () => Promise<INodeExecutionData[][]>,
): Promise<INodeExecutionData[][]> {
	try {
		return await work();
	} catch (error) {
		if (!context.continueOnFail()) {
			throw error instanceof NodeApiError || error instanceof NodeOperationError
				? error
				: new NodeOperationError(context.getNode(), error as Error);
		}
		const message = error instanceof Error ? error.message : String(error);
		return [
			context.getInputData().map((_item, itemIndex) => ({
				json: { error: message, details: { status: 'failed', itemIndex } },
				pairedItem: { item: itemIndex },
			})),
		];
	}
}
