// Algonomy (RichRelevance) Omnichannel Order API: OAuth2 client-credentials token and orders import (seed 002).
import { randomBytes } from 'crypto';
import { headerValue, type VendorCall, type VendorEmulator, type VendorReply } from '../routes';
import type { AlgonomyCredentials } from '../types';
import {
	isCurrencyCode,
	isFiniteNumber,
	isIsoDateTime,
	isNonEmptyString,
	isObject,
	parseJson,
} from '../validate';

export interface AlgonomyIssue {
	field: string;
	message: string;
}

const ORDERS_PATH = /^\/omnichannel\/api\/v1\/(?<apiKey>[^/]+)\/orders$/;

function error(status: number, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): VendorReply {
	return { status, body: { status: 'error', message, ...extra }, headers, accepted: false };
}

function oauthError(status: number, code: string, description: string): VendorReply {
	return { status, body: { error: code, error_description: description }, accepted: false };
}

/** Validates one order object; `at` prefixes field names (e.g. "[2]." inside a POST array). */
export function validateAlgonomyOrder(order: unknown, at = ''): AlgonomyIssue[] {
	const issues: AlgonomyIssue[] = [];
	const issue = (field: string, message: string) => issues.push({ field: `${at}${field}`, message: `${at}${field} ${message}` });
	if (!isObject(order)) {
		issues.push({ field: at.replace(/\.$/, '') || 'body', message: `${at.replace(/\.$/, '') || 'body'} must be an order object` });
		return issues;
	}
	if (order.id === undefined) issue('id', 'is mandatory');
	else if (typeof order.id !== 'number' || !Number.isInteger(order.id)) issue('id', 'must be an integer');
	if (order.userId === undefined) issue('userId', 'is mandatory');
	else if (!isNonEmptyString(order.userId)) issue('userId', 'must be a non-empty string');
	if (order.dateTime === undefined) issue('dateTime', 'is mandatory');
	else if (!isIsoDateTime(order.dateTime, 'required')) issue('dateTime', 'must be ISO 8601 with an offset, e.g. 2007-04-25T14:30:00+09:00');
	// PII: the API takes a hash of the email only.
	if (order.email !== undefined) issue('email', 'is not accepted (PII); send emailHash');
	if (order.emailHash !== undefined) {
		if (!isNonEmptyString(order.emailHash)) issue('emailHash', 'must be a non-empty string');
		else if (order.emailHash.includes('@')) issue('emailHash', 'looks like a plain email address (PII); send a hash');
	}
	for (const field of ['channel', 'paymentMethod', 'ccHash', 'storeId', 'couponCode'] as const) {
		if (order[field] !== undefined && typeof order[field] !== 'string') issue(field, 'must be a string');
	}
	if (order.regionId !== undefined && (typeof order.regionId !== 'number' || !Number.isInteger(order.regionId))) {
		issue('regionId', 'must be an integer');
	}
	for (const field of ['segmentIds', 'segmentNames'] as const) {
		const value = order[field];
		if (value !== undefined && (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string'))) {
			issue(field, 'must be an array of strings');
		}
	}
	if (order.currency !== undefined && !isCurrencyCode(order.currency)) issue('currency', 'must be an ISO 4217 code such as USD');
	if (order.couponValue !== undefined && !isFiniteNumber(order.couponValue)) issue('couponValue', 'must be a number');
	if (order.lineItems === undefined) issue('lineItems', 'is mandatory');
	else if (!Array.isArray(order.lineItems) || order.lineItems.length === 0) issue('lineItems', 'must be a non-empty array');
	else {
		order.lineItems.forEach((item: unknown, index: number) => {
			const field = `lineItems[${index}]`;
			if (!isObject(item)) return issue(field, 'must be an object');
			// The table says integer, real catalogues use string ids: accept both, refuse anything else.
			if (item.productId === undefined) issue(`${field}.productId`, 'is mandatory');
			else if (!isNonEmptyString(item.productId) && !(typeof item.productId === 'number' && Number.isInteger(item.productId))) {
				issue(`${field}.productId`, 'must be an integer or a non-empty string');
			}
			if (item.skuId !== undefined && !isNonEmptyString(item.skuId) && !(typeof item.skuId === 'number' && Number.isInteger(item.skuId))) {
				issue(`${field}.skuId`, 'must be an integer or a non-empty string');
			}
			if (item.quantity === undefined) issue(`${field}.quantity`, 'is mandatory');
			else if (!isFiniteNumber(item.quantity) || item.quantity <= 0) issue(`${field}.quantity`, 'must be a positive number');
			if (item.unitPrice === undefined) issue(`${field}.unitPrice`, 'is mandatory');
			else if (!isFiniteNumber(item.unitPrice)) issue(`${field}.unitPrice`, 'must be a number');
			return undefined;
		});
	}
	return issues;
}

/** Token route parameters: query string and form body both count (the seed shows both); the body wins. */
function tokenParameters(call: VendorCall): Record<string, string> {
	const parameters: Record<string, string> = { ...call.query };
	const contentType = headerValue(call.headers, 'content-type') ?? '';
	const text = call.rawBody.toString('utf8');
	if (text.trim() !== '' && (contentType.includes('application/x-www-form-urlencoded') || contentType === '')) {
		for (const [name, value] of new URLSearchParams(text)) parameters[name] = value;
	}
	return parameters;
}

export class AlgonomyEmulator implements VendorEmulator {
	readonly vendor = 'algonomy' as const;
	/** access_token → issuance time (ms). */
	private readonly tokens = new Map<string, number>();
	private issued = 0;

	constructor(
		private readonly credentials: AlgonomyCredentials,
		private readonly lifetimeSeconds: number,
		/** The tokenExpirySeconds fault, read at each check so that a later setFaults affects tokens already out. */
		private readonly faultExpirySeconds: () => number | undefined,
	) {}

	readonly routes = [
		{
			vendor: this.vendor,
			operation: 'token',
			method: 'POST',
			pattern: /^\/omnichannel\/v1\/oauth2\/token$/,
			dataRoute: false,
			handle: (call: VendorCall) => this.issueToken(call),
			recordBody: (call: VendorCall) => {
				const text = call.rawBody.toString('utf8');
				if (text.trim() === '') return undefined;
				const fields = Object.fromEntries(new URLSearchParams(text));
				if ('client_secret' in fields) fields.client_secret = '[redacted]';
				return fields;
			},
		},
		{
			vendor: this.vendor,
			operation: 'importOrder',
			method: 'PUT',
			pattern: ORDERS_PATH,
			dataRoute: true,
			handle: (call: VendorCall) => this.importOrders(call, 'single'),
			redactPath: (pathname: string) => pathname.replace(ORDERS_PATH, '/omnichannel/api/v1/[redacted]/orders'),
		},
		{
			vendor: this.vendor,
			operation: 'importOrders',
			method: 'POST',
			pattern: ORDERS_PATH,
			dataRoute: true,
			handle: (call: VendorCall) => this.importOrders(call, 'many'),
			redactPath: (pathname: string) => pathname.replace(ORDERS_PATH, '/omnichannel/api/v1/[redacted]/orders'),
		},
	];

	errorBody(status: number, message: string): unknown {
		return { status: 'error', message };
	}

	reset(): void {
		this.issued = 0;
	}

	tokensIssued(): number {
		return this.issued;
	}

	private issueToken(call: VendorCall): VendorReply {
		const parameters = tokenParameters(call);
		if (parameters.grant_type === undefined) return oauthError(400, 'invalid_request', 'grant_type is required');
		if (parameters.grant_type !== 'client_credentials') {
			return oauthError(400, 'unsupported_grant_type', 'only grant_type=client_credentials is supported');
		}
		if (!parameters.client_id || !parameters.client_secret) {
			return oauthError(400, 'invalid_request', 'client_id and client_secret are required');
		}
		if (parameters.client_id !== this.credentials.clientId || parameters.client_secret !== this.credentials.clientSecret) {
			return oauthError(401, 'invalid_client', 'client authentication failed');
		}
		const token = randomBytes(24).toString('base64url');
		this.tokens.set(token, call.now);
		this.issued += 1;
		return {
			status: 200,
			body: { token_type: 'bearer', access_token: token, expires_in: this.lifetimeSeconds },
			accepted: true,
		};
	}

	private tokenProblem(call: VendorCall): string | undefined {
		const authorization = headerValue(call.headers, 'authorization');
		const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
		if (!match) return 'missing bearer token (Authorization: Bearer <token>)';
		const issuedAt = this.tokens.get(match[1]);
		if (issuedAt === undefined) return 'invalid token';
		const faultSeconds = this.faultExpirySeconds();
		const validSeconds = faultSeconds === undefined ? this.lifetimeSeconds : Math.min(faultSeconds, this.lifetimeSeconds);
		if (call.now - issuedAt >= validSeconds * 1000) return 'token expired';
		return undefined;
	}

	private importOrders(call: VendorCall, shape: 'single' | 'many'): VendorReply {
		const tokenProblem = this.tokenProblem(call);
		if (tokenProblem) {
			return error(401, tokenProblem, {}, { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${tokenProblem}"` });
		}
		if (call.params.apiKey !== this.credentials.apiKey) return error(403, 'unknown apiKey');
		const mode = call.query.mode ?? 'offline';
		if (mode !== 'offline' && mode !== 'online') return error(400, 'mode must be offline or online', { field: 'mode' });
		if (call.rawBody.toString('utf8').trim() === '') {
			return error(400, `the body is empty: ${shape === 'single' ? 'PUT needs one order object' : 'POST needs a JSON array of orders'}`, { field: 'body' });
		}
		const parsed = parseJson(call.rawBody);
		if (!parsed.ok) return error(400, `malformed JSON: ${parsed.error}`, { field: 'body' });
		const body = parsed.value;
		let issues: AlgonomyIssue[];
		let count: number;
		if (shape === 'single') {
			if (!isObject(body)) return error(400, 'PUT imports one order: the body must be a JSON object (use POST for an array)', { field: 'body' });
			issues = validateAlgonomyOrder(body);
			count = 1;
		} else {
			if (!Array.isArray(body)) return error(400, 'POST imports many orders: the body must be a JSON array (use PUT for one object)', { field: 'body' });
			// An empty array imports nothing; the real answer is undocumented, the sandbox takes it (credential checks use it).
			issues = body.flatMap((order, index) => validateAlgonomyOrder(order, `[${index}].`));
			count = body.length;
		}
		if (issues.length > 0) return error(400, issues[0].message, { field: issues[0].field, errors: issues });
		return { status: 200, body: { status: 'success', mode, imported: count }, accepted: true };
	}
}
