// Optimizely Data Platform: order events and the orders object (seed 004).
import { headerValue, STATUS_TEXT, type VendorCall, type VendorEmulator, type VendorReply } from '../routes';
import { ODP_DEFAULT_IDENTIFIERS, type ApiKeyCredentials, type OdpSandboxOptions } from '../types';
import { isFiniteNumber, isNonEmptyString, isObject, parseJson } from '../validate';

export const ODP_BATCH_MAX = 500;

/** Above this, data.ts is surely milliseconds (year 5138 in seconds), a classic mapping slip. */
const TS_SECONDS_CEILING = 1e11;

/** A short answer for GET /v3/schema/objects (the real one lists every field). */
const SCHEMA_OBJECTS = [
	{ name: 'customers', display_name: 'Customers' },
	{ name: 'events', display_name: 'Events' },
	{ name: 'orders', display_name: 'Orders' },
	{ name: 'products', display_name: 'Products' },
];

export interface OdpInvalid {
	event?: number;
	record?: number;
	message: string;
}

function problem(status: number, now: number, detail: unknown, headers?: Record<string, string>): VendorReply {
	return {
		status,
		body: { title: STATUS_TEXT[status] ?? 'Error', status, timestamp: new Date(now).toISOString(), detail },
		headers,
		accepted: false,
	};
}

function isIdentifierValue(value: unknown): boolean {
	return isNonEmptyString(value) || isFiniteNumber(value);
}

/** Problems of one event, or undefined. */
export function odpEventProblem(event: unknown): string | undefined {
	if (!isObject(event)) return 'event must be an object';
	if (!isNonEmptyString(event.type)) return 'type is required';
	if (event.action !== undefined && !isNonEmptyString(event.action)) return 'action must be a non-empty string';
	if (!isObject(event.identifiers) || Object.keys(event.identifiers).length === 0) return 'identifiers must be a non-empty object';
	for (const [name, value] of Object.entries(event.identifiers)) {
		if (!isIdentifierValue(value)) return `identifiers.${name} must be a non-empty string`;
	}
	const data = event.data;
	if (data !== undefined && !isObject(data)) return 'data must be an object';
	if (isObject(data) && data.ts !== undefined) {
		if (!isFiniteNumber(data.ts)) return 'data.ts must be a number (epoch seconds)';
		if (data.ts > TS_SECONDS_CEILING) return 'data.ts must be epoch seconds (this looks like milliseconds)';
	}
	if (event.type === 'order') {
		const order = isObject(data) ? data.order : undefined;
		if (!isObject(order)) return 'data.order is required for type order';
		if (!isIdentifierValue(order.order_id)) return 'data.order.order_id is required';
		for (const field of ['total', 'subtotal', 'tax', 'shipping', 'discount'] as const) {
			if (order[field] !== undefined && !isFiniteNumber(order[field])) return `data.order.${field} must be a number`;
		}
		if (order.items !== undefined) {
			if (!Array.isArray(order.items)) return 'data.order.items must be an array';
			for (const [index, item] of order.items.entries()) {
				if (!isObject(item) || !isIdentifierValue(item.product_id)) return `data.order.items[${index}].product_id is required`;
				for (const field of ['price', 'quantity', 'discount', 'subtotal'] as const) {
					if (item[field] !== undefined && !isFiniteNumber(item[field])) return `data.order.items[${index}].${field} must be a number`;
				}
			}
		}
	}
	return undefined;
}

/** Fields of ODP's orders object (seed 004); any other field must be an identifier of the account. */
const ORDER_OBJECT_FIELDS = new Set(['order_id', 'status', 'tax', 'discount', 'shipping', 'subtotal', 'total', 'bill_address', 'ship_address', 'phone', 'coupon_code', 'first_name', 'last_name', 'name', 'email']);

/** An identifier the account does not have, in an event's identifiers, or undefined. */
export function odpUnknownIdentifier(event: unknown, identifiers: ReadonlySet<string>): string | undefined {
	if (!isObject(event) || !isObject(event.identifiers)) return undefined;
	const unknown = Object.keys(event.identifiers).find((name) => !identifiers.has(name));
	return unknown === undefined ? undefined : `identifiers.${unknown} is not an identifier of this account (create it in ODP first; known: ${[...identifiers].join(', ')})`;
}

/** A field of an orders-object record that is neither an order field nor an identifier of the account, or undefined. */
export function odpUnknownRecordField(record: unknown, identifiers: ReadonlySet<string>): string | undefined {
	if (!isObject(record)) return undefined;
	const unknown = Object.keys(record).find((name) => !ORDER_OBJECT_FIELDS.has(name) && !identifiers.has(name));
	return unknown === undefined ? undefined : `${unknown} is not a field of the orders object nor an identifier of this account (create it in ODP first)`;
}

/** Problems of one orders-object record, or undefined. */
export function odpOrderRecordProblem(record: unknown): string | undefined {
	if (!isObject(record)) return 'record must be an object';
	if (!isIdentifierValue(record.order_id)) return 'order_id is required';
	for (const field of ['tax', 'discount', 'shipping', 'subtotal', 'total'] as const) {
		if (record[field] !== undefined && record[field] !== null && !isFiniteNumber(record[field])) return `${field} must be a number`;
	}
	if (record.phone !== undefined && record.phone !== null && !(typeof record.phone === 'string' && /^\+[1-9]\d{1,14}$/.test(record.phone))) {
		return 'phone must be in E.164 format, e.g. +441234567890';
	}
	for (const field of ['bill_address', 'ship_address', 'status', 'coupon_code', 'first_name', 'last_name', 'name', 'email'] as const) {
		if (record[field] !== undefined && record[field] !== null && typeof record[field] !== 'string') return `${field} must be a string`;
	}
	return undefined;
}

export class OdpEmulator implements VendorEmulator {
	readonly vendor = 'odp' as const;
	/** API key → arrival times (ms) of the requests let through in the last second. */
	private readonly windows = new Map<string, number[]>();

	/** Identifier fields of the account (ODP's defaults unless the sandbox is told otherwise). */
	private readonly identifiers: ReadonlySet<string>;

	constructor(
		private readonly credentials: ApiKeyCredentials,
		private readonly rateLimitPerSecond: number,
		options: OdpSandboxOptions = {},
	) {
		const identifiers = options.identifiers ?? ODP_DEFAULT_IDENTIFIERS;
		if (!Array.isArray(identifiers) || !identifiers.every((name) => typeof name === 'string' && /^[a-z][a-z0-9_]*$/.test(name))) {
			throw new Error('odp.identifiers must be a list of ODP field names (lower case, digits, _)');
		}
		this.identifiers = new Set(identifiers);
	}

	readonly routes = [
		{
			vendor: this.vendor,
			operation: 'events',
			method: 'POST',
			pattern: /^\/v3\/events$/,
			dataRoute: true,
			handle: (call: VendorCall) => this.ingest(call, 'event', (entry) => odpEventProblem(entry) ?? odpUnknownIdentifier(entry, this.identifiers)),
		},
		{
			vendor: this.vendor,
			operation: 'ordersObject',
			method: 'POST',
			pattern: /^\/v3\/objects\/orders$/,
			dataRoute: true,
			handle: (call: VendorCall) => this.ingest(call, 'record', (entry) => odpOrderRecordProblem(entry) ?? odpUnknownRecordField(entry, this.identifiers)),
		},
		{
			// Read-only; credential checks use it. Not a data route: latency only, but the rate limit counts it.
			vendor: this.vendor,
			operation: 'schemaObjects',
			method: 'GET',
			pattern: /^\/v3\/schema\/objects$/,
			dataRoute: false,
			handle: (call: VendorCall) => this.admit(call) ?? { status: 200, body: SCHEMA_OBJECTS, accepted: true },
		},
	];

	errorBody(status: number, message: string, now: number): unknown {
		return { title: STATUS_TEXT[status] ?? 'Error', status, timestamp: new Date(now).toISOString(), detail: { message } };
	}

	reset(): void {
		this.windows.clear();
	}

	/** Sliding one-second window per key; only requests let through count, so a client that waits gets in. */
	private rateLimited(apiKey: string, now: number): number | undefined {
		if (this.rateLimitPerSecond <= 0) return undefined;
		const recent = (this.windows.get(apiKey) ?? []).filter((at) => at > now - 1000);
		if (recent.length >= this.rateLimitPerSecond) {
			this.windows.set(apiKey, recent);
			return Math.max(1, Math.ceil((recent[0] + 1000 - now) / 1000));
		}
		recent.push(now);
		this.windows.set(apiKey, recent);
		return undefined;
	}

	/** Key check, then rate limit: a refusal, or undefined to go on. */
	private admit(call: VendorCall): VendorReply | undefined {
		const apiKey = headerValue(call.headers, 'x-api-key');
		if (apiKey !== this.credentials.apiKey) {
			return problem(403, call.now, { message: apiKey ? 'invalid API key' : 'missing x-api-key header' });
		}
		const retryAfter = this.rateLimited(apiKey, call.now);
		if (retryAfter !== undefined) {
			return problem(429, call.now, { message: `rate limit of ${this.rateLimitPerSecond} requests per second exceeded` }, { 'Retry-After': String(retryAfter) });
		}
		return undefined;
	}

	private ingest(call: VendorCall, indexKey: 'event' | 'record', problemOf: (entry: unknown) => string | undefined): VendorReply {
		const refused = this.admit(call);
		if (refused) return refused;
		const parsed = parseJson(call.rawBody);
		if (!parsed.ok) return problem(400, call.now, { message: `malformed JSON: ${parsed.error}` });
		const entries = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
		if (entries.length === 0) return problem(400, call.now, { message: 'the batch is empty' });
		if (entries.length > ODP_BATCH_MAX) return problem(400, call.now, { message: `at most ${ODP_BATCH_MAX} per request (got ${entries.length})` });
		const invalids: OdpInvalid[] = [];
		entries.forEach((entry, index) => {
			const message = problemOf(entry);
			if (message !== undefined) invalids.push({ [indexKey]: index, message });
		});
		// One bad entry rejects the whole batch; the client resends the valid ones.
		if (invalids.length > 0) return problem(400, call.now, { invalids });
		return {
			status: 202,
			body: { title: 'Accepted', status: 202, timestamp: new Date(call.now).toISOString() },
			accepted: true,
		};
	}
}
