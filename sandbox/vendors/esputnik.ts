// eSputnik: order events through v1/event and bulk v1/orders (seed 003).
import { headerValue, type VendorCall, type VendorEmulator, type VendorReply } from '../routes';
import type { ApiKeyCredentials } from '../types';
import { isCurrencyCode, isFiniteNumber, isIsoDateTime, isNonEmptyString, isNumericString, isObject, parseJson } from '../validate';

export const ESPUTNIK_ORDER_STATUSES = ['INITIALIZED', 'IN_PROGRESS', 'DELIVERED', 'CANCELLED', 'ABANDONED_SHOPPING_CART'] as const;

/** Documented limit of a v1/event body ("20 kB"), taken as 20 KiB. */
export const ESPUTNIK_EVENT_MAX_BYTES = 20 * 1024;
export const ESPUTNIK_ORDERS_MAX = 1000;

const ORDER_CREATED_PARAMS = ['externalOrderId', 'externalCustomerId', 'totalCost', 'status', 'date'] as const;

function error(status: number, issues: string[] | string, headers?: Record<string, string>): VendorReply {
	const message = Array.isArray(issues) ? issues.join('; ') : issues;
	return { status, body: { message }, headers, accepted: false };
}

function isJsonArrayString(value: string): boolean {
	try {
		return Array.isArray(JSON.parse(value));
	} catch {
		return false;
	}
}

/** Checks the order params of order* events. `mustCreate` applies the orderCreated requirements. */
function validateOrderParams(params: Map<string, string>, mustCreate: boolean): string[] {
	const issues: string[] = [];
	const required = mustCreate ? ORDER_CREATED_PARAMS : (['externalOrderId'] as const);
	for (const name of required) {
		if (!isNonEmptyString(params.get(name))) issues.push(`param ${name} is required`);
	}
	const status = params.get('status');
	if (status !== undefined && !(ESPUTNIK_ORDER_STATUSES as readonly string[]).includes(status)) {
		issues.push(`param status must be one of ${ESPUTNIK_ORDER_STATUSES.join(', ')}`);
	}
	const totalCost = params.get('totalCost');
	if (totalCost !== undefined && !isNumericString(totalCost)) issues.push('param totalCost must be a number written as a string, e.g. "258.0"');
	const date = params.get('date');
	if (date !== undefined && !isIsoDateTime(date, 'optional')) issues.push('param date must look like 2020-05-14T10:11:00');
	const items = params.get('items');
	if (items !== undefined && !isJsonArrayString(items)) issues.push('param items must be a JSON string of an array of items');
	const products = params.get('products');
	if (products !== undefined) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(products);
		} catch {
			parsed = undefined;
		}
		if (!(isObject(parsed) && Array.isArray(parsed.array)) && !Array.isArray(parsed)) {
			issues.push('param products must be a JSON string of {"array":[...]}');
		}
	}
	return issues;
}

/** Validates one v1/event body; `knownOrders` decides whether orderUpdated creates (and so needs everything). */
export function validateEsputnikEvent(body: unknown, knownOrders: ReadonlySet<string>): string[] {
	if (!isObject(body)) return ['the body must be a JSON object'];
	const issues: string[] = [];
	if (!isNonEmptyString(body.eventTypeKey)) issues.push('eventTypeKey is required');
	else if (body.eventTypeKey.length > 100) issues.push('eventTypeKey must not exceed 100 characters');
	if (!isNonEmptyString(body.keyValue)) issues.push('keyValue is required');
	else if (body.keyValue.length > 300) issues.push('keyValue must not exceed 300 characters');
	const params = new Map<string, string>();
	if (body.params !== undefined) {
		if (!Array.isArray(body.params)) issues.push('params must be an array of {name, value}');
		else {
			body.params.forEach((param: unknown, index: number) => {
				if (!isObject(param) || !isNonEmptyString(param.name)) {
					issues.push(`params[${index}].name is required`);
					return;
				}
				if (typeof param.value !== 'string') {
					issues.push(`params[${index}].value (${param.name}) must be a string`);
					return;
				}
				params.set(param.name, param.value);
			});
		}
	}
	if (issues.length > 0) return issues;
	switch (body.eventTypeKey) {
		case 'orderCreated':
			return validateOrderParams(params, true);
		case 'orderUpdated': {
			const orderId = params.get('externalOrderId');
			// "If the transmitted order doesn't exist in the system, it's created anyway": then it needs what orderCreated needs.
			return validateOrderParams(params, orderId === undefined || !knownOrders.has(orderId));
		}
		case 'orderDelivered':
		case 'orderCancelled':
			return validateOrderParams(params, false);
		default:
			return [];
	}
}

function isIdentifier(value: unknown): boolean {
	return isNonEmptyString(value) || isFiniteNumber(value);
}

/** Validates one v1/orders entry (JSON-typed fields, unlike event params). */
export function validateEsputnikOrder(order: unknown, index: number): string[] {
	const at = `orders[${index}]`;
	if (!isObject(order)) return [`${at} must be an object`];
	const issues: string[] = [];
	for (const field of ['externalOrderId', 'externalCustomerId'] as const) {
		if (order[field] === undefined) issues.push(`${at}.${field} is required`);
		else if (!isIdentifier(order[field])) issues.push(`${at}.${field} must be a non-empty string`);
	}
	if (order.totalCost === undefined) issues.push(`${at}.totalCost is required`);
	else if (!isFiniteNumber(order.totalCost) && !isNumericString(order.totalCost)) issues.push(`${at}.totalCost must be a number`);
	if (order.status === undefined) issues.push(`${at}.status is required`);
	else if (!(ESPUTNIK_ORDER_STATUSES as readonly unknown[]).includes(order.status)) {
		issues.push(`${at}.status must be one of ${ESPUTNIK_ORDER_STATUSES.join(', ')}`);
	}
	if (order.date === undefined) issues.push(`${at}.date is required`);
	else if (!isIsoDateTime(order.date, 'optional')) issues.push(`${at}.date must look like 2020-05-14T10:11:00`);
	if (order.currency !== undefined && !isCurrencyCode(order.currency)) issues.push(`${at}.currency must be an ISO 4217 code`);
	for (const field of ['shipping', 'discount', 'taxes'] as const) {
		const value = order[field];
		if (value !== undefined && !isFiniteNumber(value) && !isNumericString(value)) issues.push(`${at}.${field} must be a number`);
	}
	if (order.items !== undefined && (!Array.isArray(order.items) || !order.items.every(isObject))) {
		issues.push(`${at}.items must be an array of item objects`);
	}
	return issues;
}

export class EsputnikEmulator implements VendorEmulator {
	readonly vendor = 'esputnik' as const;
	/** externalOrderId of orders created through events or v1/orders. */
	private readonly orders = new Set<string>();

	constructor(private readonly credentials: ApiKeyCredentials) {}

	readonly routes = [
		{
			vendor: this.vendor,
			operation: 'event',
			method: 'POST',
			pattern: /^\/api\/v1\/event$/,
			dataRoute: true,
			maxBodyBytes: ESPUTNIK_EVENT_MAX_BYTES,
			handle: (call: VendorCall) => this.event(call),
		},
		{
			vendor: this.vendor,
			operation: 'orders',
			method: 'POST',
			pattern: /^\/api\/v1\/orders$/,
			dataRoute: true,
			handle: (call: VendorCall) => this.bulkOrders(call),
		},
		{
			// Read-only; credential checks use it. Not a data route: latency only, no other fault.
			vendor: this.vendor,
			operation: 'accountInfo',
			method: 'GET',
			pattern: /^\/api\/v1\/account\/info$/,
			dataRoute: false,
			handle: (call: VendorCall) => this.authenticate(call) ?? { status: 200, body: { userEmail: 'sandbox@example.com', organisationName: 'eSputnik sandbox' }, accepted: true },
		},
	];

	errorBody(status: number, message: string): unknown {
		return { message };
	}

	reset(): void {
		this.orders.clear();
	}

	/** HTTP Basic: any user name, the API key as the password. */
	private authenticate(call: VendorCall): VendorReply | undefined {
		const authorization = headerValue(call.headers, 'authorization');
		const match = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
		const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
		const colon = decoded.indexOf(':');
		if (colon >= 0 && decoded.slice(colon + 1) === this.credentials.apiKey) return undefined;
		return error(401, 'Unauthorized: use HTTP Basic with the API key as the password', { 'WWW-Authenticate': 'Basic realm="eSputnik sandbox"' });
	}

	private event(call: VendorCall): VendorReply {
		const denied = this.authenticate(call);
		if (denied) return denied;
		const parsed = parseJson(call.rawBody);
		if (!parsed.ok) return error(400, `malformed JSON: ${parsed.error}`);
		const issues = validateEsputnikEvent(parsed.value, this.orders);
		if (issues.length > 0) return error(400, issues);
		const body = parsed.value as { eventTypeKey: string; params?: { name: string; value: string }[] };
		const orderId = body.params?.find((param) => param.name === 'externalOrderId')?.value;
		if (orderId && (body.eventTypeKey === 'orderCreated' || body.eventTypeKey === 'orderUpdated')) this.orders.add(orderId);
		// Success body undocumented; the sandbox sends none so that clients do not come to depend on one.
		return { status: 200, accepted: true };
	}

	private bulkOrders(call: VendorCall): VendorReply {
		const denied = this.authenticate(call);
		if (denied) return denied;
		const parsed = parseJson(call.rawBody);
		if (!parsed.ok) return error(400, `malformed JSON: ${parsed.error}`);
		const body = parsed.value;
		if (!isObject(body) || !Array.isArray(body.orders)) return error(400, 'the body must be {"orders":[...]}');
		if (body.orders.length === 0) return error(400, 'orders must hold at least one order');
		if (body.orders.length > ESPUTNIK_ORDERS_MAX) return error(413, `at most ${ESPUTNIK_ORDERS_MAX} orders per request (got ${body.orders.length})`);
		const issues = body.orders.flatMap((order, index) => validateEsputnikOrder(order, index));
		if (issues.length > 0) return error(400, issues);
		for (const order of body.orders as { externalOrderId: string | number }[]) this.orders.add(String(order.externalOrderId));
		return { status: 200, accepted: true };
	}
}
