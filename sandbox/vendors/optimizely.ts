// Optimizely Product Recommendations: offline order tracking and cancel (seeds 000, 001).
import { headerValue, type VendorCall, type VendorEmulator, type VendorReply } from '../routes';
import { OPTIMIZELY_CHANNELS, type OptimizelyCredentials } from '../types';
import { isCurrencyCode, isFiniteNumber, isGmtDateTime, isIsoDateTime, isNonEmptyString, isObject, parseJson } from '../validate';

export interface OptimizelyIssue {
	code: string;
	message: string;
}

const ERROR_CODES: Record<number, string> = {
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'NotFound',
	405: 'MethodNotAllowed',
	413: 'PayloadTooLarge',
	429: 'TooManyRequests',
	500: 'InternalError',
	502: 'BadGateway',
	503: 'ServiceUnavailable',
};

function fail(status: number, errors: OptimizelyIssue[]): VendorReply {
	return { status, body: { status: 'fail', errors }, accepted: false };
}

/** Validates one offline order body; every problem found, not just the first. */
export function validateOfflineOrder(body: unknown): OptimizelyIssue[] {
	const issues: OptimizelyIssue[] = [];
	const missing = (field: string) => issues.push({ code: 'MissingField', message: `${field} is mandatory` });
	const invalid = (field: string, why: string) => issues.push({ code: 'InvalidField', message: `${field} ${why}` });
	if (!isObject(body)) {
		issues.push({ code: 'MalformedJson', message: 'the body must be a JSON object with an order' });
		return issues;
	}
	if (body.lang !== undefined && !isNonEmptyString(body.lang)) invalid('lang', 'must be a language code such as en-gb');
	if (body.user !== undefined) {
		if (!isObject(body.user)) invalid('user', 'must be an object');
		else {
			const { id, email, info } = body.user;
			if (!isNonEmptyString(id) && !isNonEmptyString(email)) missing('user.id or user.email (when user is given)');
			if (id !== undefined && !isNonEmptyString(id)) invalid('user.id', 'must be a non-empty string');
			if (email !== undefined && !isNonEmptyString(email)) invalid('user.email', 'must be a non-empty string');
			if (info !== undefined && !isObject(info)) invalid('user.info', 'must be an object of key/value pairs');
		}
	}
	const order = body.order;
	if (order === undefined || order === null) {
		missing('order');
		return issues;
	}
	if (!isObject(order)) {
		invalid('order', 'must be an object');
		return issues;
	}
	if (order.refCode === undefined) missing('order.refCode');
	else if (!isNonEmptyString(order.refCode)) invalid('order.refCode', 'must be a non-empty string');
	if (order.orderDate === undefined) missing('order.orderDate');
	else if (!isGmtDateTime(order.orderDate) && !isIsoDateTime(order.orderDate, 'required')) {
		invalid('order.orderDate', 'must look like 2016-05-16T14:25:00 GMT (or ISO 8601 with a zone)');
	}
	if (order.total === undefined) missing('order.total');
	else if (!isFiniteNumber(order.total)) invalid('order.total', 'must be a number');
	for (const field of ['shipping', 'subTotal'] as const) {
		if (order[field] !== undefined && !isFiniteNumber(order[field])) invalid(`order.${field}`, 'must be a number');
	}
	if (order.currency !== undefined && !isCurrencyCode(order.currency)) invalid('order.currency', 'must be an ISO 4217 code such as GBP');
	if (order.customerId !== undefined && !isNonEmptyString(order.customerId)) invalid('order.customerId', 'must be a non-empty string');
	if (order.attributes !== undefined && !isObject(order.attributes)) invalid('order.attributes', 'must be an object');
	if (order.items === undefined) missing('order.items');
	else if (!Array.isArray(order.items) || order.items.length === 0) invalid('order.items', 'must be a non-empty array');
	else {
		order.items.forEach((item: unknown, index: number) => {
			const at = `order.items[${index}]`;
			if (!isObject(item)) return invalid(at, 'must be an object');
			if (item.refCode === undefined) missing(`${at}.refCode`);
			else if (!isNonEmptyString(item.refCode)) invalid(`${at}.refCode`, 'must be a non-empty string');
			if (item.qty === undefined) missing(`${at}.qty`);
			else if (!isFiniteNumber(item.qty) || item.qty <= 0) invalid(`${at}.qty`, 'must be a positive number');
			if (item.price === undefined) missing(`${at}.price`);
			else if (!isFiniteNumber(item.price)) invalid(`${at}.price`, 'must be a number');
			if (item.attributes !== undefined && !isObject(item.attributes)) invalid(`${at}.attributes`, 'must be an object');
			return undefined;
		});
	}
	return issues;
}

export class OptimizelyEmulator implements VendorEmulator {
	readonly vendor = 'optimizely' as const;
	/** refCode → state; cancel needs a known order. */
	private readonly orders = new Map<string, 'active' | 'cancelled'>();
	private readonly channels: string[];

	constructor(private readonly credentials: OptimizelyCredentials) {
		this.channels = credentials.channels ?? [...OPTIMIZELY_CHANNELS];
	}

	readonly routes = [
		{
			vendor: this.vendor,
			operation: 'offlineOrder',
			method: 'POST',
			pattern: /^\/tracker\/smart-api\/orders\/offline$/,
			dataRoute: true,
			handle: (call: VendorCall) => this.trackOrder(call),
		},
		{
			vendor: this.vendor,
			operation: 'cancelOrder',
			method: 'DELETE',
			pattern: /^\/smart-api\/orders\/offline\/(?<refCode>[^/]+)$/,
			dataRoute: true,
			handle: (call: VendorCall) => this.cancelOrder(call),
		},
	];

	errorBody(status: number, message: string): unknown {
		return { status: 'fail', errors: [{ code: ERROR_CODES[status] ?? 'Error', message }] };
	}

	reset(): void {
		this.orders.clear();
	}

	/** 401 when an authentication header is missing, 403 when one is wrong. */
	private authenticate(call: VendorCall): VendorReply | undefined {
		const site = headerValue(call.headers, 'site');
		const siteToken = headerValue(call.headers, 'sitetoken');
		const channel = headerValue(call.headers, 'channel');
		const absent = [
			['site', site],
			['siteToken', siteToken],
			['channel', channel],
		]
			.filter(([, value]) => !value)
			.map(([name]) => name);
		if (absent.length > 0) return fail(401, [{ code: 'Unauthorized', message: `missing request header(s): ${absent.join(', ')}` }]);
		if (site !== this.credentials.site || siteToken !== this.credentials.siteToken) {
			return fail(403, [{ code: 'Forbidden', message: 'unknown site or wrong siteToken' }]);
		}
		if (!(OPTIMIZELY_CHANNELS as readonly string[]).includes(channel as string)) {
			return fail(403, [{ code: 'Forbidden', message: `channel must be one of ${OPTIMIZELY_CHANNELS.join(', ')}` }]);
		}
		if (!this.channels.includes(channel as string)) {
			return fail(403, [{ code: 'Forbidden', message: 'this channel is not enabled for the site' }]);
		}
		return undefined;
	}

	private trackOrder(call: VendorCall): VendorReply {
		const denied = this.authenticate(call);
		if (denied) return denied;
		const parsed = parseJson(call.rawBody);
		// The vendor answers body problems with 200 and status "fail" (documented on its personalization API pages).
		if (!parsed.ok) return fail(200, [{ code: 'MalformedJson', message: `the body is not valid JSON: ${parsed.error}` }]);
		const issues = validateOfflineOrder(parsed.value);
		if (issues.length > 0) return fail(200, issues);
		const body = parsed.value as { user?: { id?: unknown; email?: unknown }; order: { refCode: string } };
		this.orders.set(body.order.refCode, 'active');
		if (body.user && body.user.email !== undefined && body.user.id === undefined) {
			return {
				status: 200,
				body: { status: 'warning', warnings: [{ code: 'DeprecatedField', message: 'user.email is deprecated; send user.id' }] },
				accepted: true,
			};
		}
		return { status: 200, body: { status: 'OK' }, accepted: true };
	}

	/** Unknown refCode: 404 fail (nothing to cancel). Second cancel: 200 warning, so a retried cancel is harmless. */
	private cancelOrder(call: VendorCall): VendorReply {
		const denied = this.authenticate(call);
		if (denied) return denied;
		const refCode = call.params.refCode;
		const state = this.orders.get(refCode);
		if (state === undefined) return fail(404, [{ code: 'OrderNotFound', message: `no order with refCode ${refCode}` }]);
		if (state === 'cancelled') {
			return {
				status: 200,
				body: { status: 'warning', warnings: [{ code: 'AlreadyCancelled', message: `order ${refCode} was already cancelled` }] },
				accepted: true,
			};
		}
		this.orders.set(refCode, 'cancelled');
		return { status: 200, body: { status: 'OK' }, accepted: true };
	}
}
