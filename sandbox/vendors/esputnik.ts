// eSputnik: order events through v1/event and bulk v1/orders (seed 003), contacts through v1/contacts
// (imported asynchronously, status at v1/importstatus/{sessionId}). Like eSputnik, an event whose
// contact does not exist is answered 200 and not saved (seed 003: "You can send v1/event only for the
// existing contact").
import { headerValue, type VendorCall, type VendorEmulator, type VendorReply } from '../routes';
import type { ApiKeyCredentials, EsputnikSandboxContact, EsputnikSandboxOptions } from '../types';
import { isCurrencyCode, isFiniteNumber, isIsoDateTime, isNonEmptyString, isNumericString, isObject, parseJson } from '../validate';

export const ESPUTNIK_ORDER_STATUSES = ['INITIALIZED', 'IN_PROGRESS', 'DELIVERED', 'CANCELLED', 'ABANDONED_SHOPPING_CART'] as const;

/** Documented limit of a v1/event body ("20 kB"), taken as 20 KiB. */
export const ESPUTNIK_EVENT_MAX_BYTES = 20 * 1024;
export const ESPUTNIK_ORDERS_MAX = 1000;
/** Documented limit of one v1/contacts request. */
export const ESPUTNIK_CONTACTS_MAX = 3000;
export const DEFAULT_ESPUTNIK_IMPORT_DELAY_MS = 200;

/**
 * Event params eSputnik searches for the contact by default (seed 003), lower case: the name is
 * matched without case; the value too for e-mail addresses only.
 */
const EMAIL_PARAMS = new Set(['email', 'emailaddress', 'useremail', 'contactemail']);
const PHONE_PARAMS = new Set(['phone', 'sms', 'phonenumber']);
const CONTACT_ID_PARAMS = new Set(['contactid', 'contact_id']);
const DEDUPE_ON = ['email', 'sms', 'externalCustomerId', 'id'] as const;

type ContactData = Omit<EsputnikSandboxContact, 'id'>;

interface ImportSession {
	id: string;
	readyAt: number;
	contacts: ContactData[];
	dedupeOn: string;
	done: boolean;
}

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

/** Validates a v1/contacts body; gives the contacts to import or the problems. */
export function validateEsputnikContacts(body: unknown): { issues: string[]; contacts: ContactData[]; dedupeOn: string } {
	const none = { contacts: [], dedupeOn: 'email' };
	if (!isObject(body) || !Array.isArray(body.contacts)) return { ...none, issues: ['the body must be {"contacts":[...], ...}'] };
	if (body.contacts.length === 0) return { ...none, issues: ['contacts must hold at least one contact'] };
	if (body.contacts.length > ESPUTNIK_CONTACTS_MAX) return { ...none, issues: [`at most ${ESPUTNIK_CONTACTS_MAX} contacts per request (got ${body.contacts.length})`] };
	const issues: string[] = [];
	const dedupeOn = body.dedupeOn === undefined ? 'email' : body.dedupeOn;
	if (typeof dedupeOn !== 'string' || !(DEDUPE_ON as readonly string[]).includes(dedupeOn)) issues.push(`dedupeOn must be one of ${DEDUPE_ON.join(', ')}`);
	if (body.contactFields !== undefined && (!Array.isArray(body.contactFields) || !body.contactFields.every((field) => typeof field === 'string'))) {
		issues.push('contactFields must be an array of field names');
	}
	if (body.groupNames !== undefined && (!Array.isArray(body.groupNames) || !body.groupNames.every(isNonEmptyString))) issues.push('groupNames must be an array of names');
	const contacts: ContactData[] = [];
	body.contacts.forEach((contact: unknown, index: number) => {
		const at = `contacts[${index}]`;
		if (!isObject(contact)) {
			issues.push(`${at} must be an object`);
			return;
		}
		if (!Array.isArray(contact.channels) || contact.channels.length === 0) {
			issues.push(`${at}.channels must hold at least one channel`);
			return;
		}
		const data: ContactData = {};
		contact.channels.forEach((channel: unknown, c: number) => {
			if (!isObject(channel) || !isNonEmptyString(channel.type) || !isNonEmptyString(channel.value)) {
				issues.push(`${at}.channels[${c}] must be {"type", "value"}`);
				return;
			}
			if (channel.type === 'email') {
				if (!/^[^\s@]+@[^\s@]+$/.test(channel.value)) issues.push(`${at}.channels[${c}].value is not an e-mail address`);
				data.email = channel.value;
			} else if (channel.type === 'sms') data.phone = channel.value;
		});
		for (const field of ['firstName', 'lastName', 'externalCustomerId'] as const) {
			const value = contact[field];
			if (value === undefined) continue;
			if (!isNonEmptyString(value) && !isFiniteNumber(value)) issues.push(`${at}.${field} must be a string`);
			else data[field] = String(value);
		}
		if (contact.address !== undefined) {
			if (!isObject(contact.address)) issues.push(`${at}.address must be an object`);
			else data.address = Object.fromEntries(Object.entries(contact.address).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
		}
		if (dedupeOn === 'email' && data.email === undefined && data.externalCustomerId === undefined) issues.push(`${at} has no email channel (dedupeOn is email)`);
		if (dedupeOn === 'sms' && data.phone === undefined && data.externalCustomerId === undefined) issues.push(`${at} has no sms channel (dedupeOn is sms)`);
		if (dedupeOn === 'externalCustomerId' && data.externalCustomerId === undefined) issues.push(`${at}.externalCustomerId is required (dedupeOn is externalCustomerId)`);
		contacts.push(data);
	});
	return { issues, contacts, dedupeOn: String(dedupeOn) };
}

export class EsputnikEmulator implements VendorEmulator {
	readonly vendor = 'esputnik' as const;
	/** externalOrderId of orders created through events or v1/orders. */
	private readonly orders = new Set<string>();
	private contacts: EsputnikSandboxContact[] = [];
	private nextContactId = 1;
	private readonly sessions = new Map<string, ImportSession>();
	private nextSession = 1;
	private readonly importDelayMs: number;

	constructor(
		private readonly credentials: ApiKeyCredentials,
		private readonly options: EsputnikSandboxOptions = {},
	) {
		const delay = options.importDelayMs ?? DEFAULT_ESPUTNIK_IMPORT_DELAY_MS;
		if (!Number.isFinite(delay) || delay < 0) throw new Error('esputnik.importDelayMs must be a number ≥ 0');
		this.importDelayMs = delay;
		this.reset();
	}

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
			vendor: this.vendor,
			operation: 'contacts',
			method: 'POST',
			pattern: /^\/api\/v1\/contacts$/,
			dataRoute: true,
			handle: (call: VendorCall) => this.importContacts(call),
		},
		{
			// Read-only status of an import. Not a data route: latency only, no other fault.
			vendor: this.vendor,
			operation: 'importStatus',
			method: 'GET',
			pattern: /^\/api\/v1\/importstatus\/(?<sessionId>[^/]+)$/,
			dataRoute: false,
			handle: (call: VendorCall) => this.importStatus(call),
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
		this.sessions.clear();
		this.contacts = [];
		this.nextContactId = 1;
		for (const contact of this.options.contacts ?? []) this.upsert({ ...contact }, contact.externalCustomerId !== undefined ? 'externalCustomerId' : contact.email !== undefined ? 'email' : 'sms');
	}

	/** Contacts that exist at `now` (finished imports applied). */
	knownContacts(now: number): EsputnikSandboxContact[] {
		this.settle(now);
		return structuredClone(this.contacts);
	}

	addContacts(contacts: ContactData[]): void {
		for (const contact of contacts) this.upsert({ ...contact }, contact.externalCustomerId !== undefined ? 'externalCustomerId' : contact.email !== undefined ? 'email' : 'sms');
	}

	/** Creates or updates one contact, found like eSputnik finds it: by externalCustomerId when given, else by dedupeOn. */
	private upsert(data: ContactData, dedupeOn: string): void {
		const same = (contact: EsputnikSandboxContact): boolean => {
			if (data.externalCustomerId !== undefined) return contact.externalCustomerId === data.externalCustomerId;
			if (dedupeOn === 'sms') return data.phone !== undefined && contact.phone === data.phone;
			return data.email !== undefined && contact.email?.toLowerCase() === data.email.toLowerCase();
		};
		const existing = this.contacts.find(same);
		if (existing) Object.assign(existing, data);
		else this.contacts.push({ id: this.nextContactId++, ...data });
	}

	/** Applies the imports whose time has come. */
	private settle(now: number): void {
		for (const session of this.sessions.values()) {
			if (session.done || now < session.readyAt) continue;
			for (const contact of session.contacts) this.upsert(contact, session.dedupeOn);
			session.done = true;
		}
	}

	/** The contact an event names through its identifier params, or why there is none. */
	private contactOf(params: ReadonlyArray<{ name: string; value: string }>): { contact?: EsputnikSandboxContact; note?: string } {
		let named = false;
		for (const { name, value } of params) {
			const key = name.toLowerCase();
			let contact: EsputnikSandboxContact | undefined;
			if (EMAIL_PARAMS.has(key)) contact = this.contacts.find((entry) => entry.email?.toLowerCase() === value.toLowerCase());
			else if (PHONE_PARAMS.has(key)) contact = this.contacts.find((entry) => entry.phone === value);
			else if (CONTACT_ID_PARAMS.has(key)) contact = this.contacts.find((entry) => String(entry.id) === value);
			else if (key === 'externalcustomerid' && this.options.identifyByExternalCustomerId) contact = this.contacts.find((entry) => entry.externalCustomerId === value);
			else continue;
			named = true;
			if (contact) return { contact };
		}
		return {
			note: named
				? 'ignored: no contact with this identifier exists (import it first through v1/contacts or v1/orders)'
				: 'ignored: the event names no contact identifier this account searches (Email, Phone, ContactId, …)',
		};
	}

	private importContacts(call: VendorCall): VendorReply {
		const denied = this.authenticate(call);
		if (denied) return denied;
		const parsed = parseJson(call.rawBody);
		if (!parsed.ok) return error(400, `malformed JSON: ${parsed.error}`);
		const { issues, contacts, dedupeOn } = validateEsputnikContacts(parsed.value);
		if (issues.length > 0) return error(400, issues);
		this.settle(call.now);
		const id = `sandbox-import-${this.nextSession++}`;
		this.sessions.set(id, { id, readyAt: call.now + this.importDelayMs, contacts, dedupeOn, done: false });
		this.settle(call.now);
		return { status: 200, body: { asyncSessionId: id }, accepted: true };
	}

	private importStatus(call: VendorCall): VendorReply {
		const denied = this.authenticate(call);
		if (denied) return denied;
		this.settle(call.now);
		const session = this.sessions.get(call.params.sessionId ?? '');
		if (!session) return error(404, `no import session ${call.params.sessionId ?? ''}`);
		return { status: 200, body: { status: session.done ? 'FINISHED' : 'IMPORTING' }, accepted: true };
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
		this.settle(call.now);
		const found = this.contactOf(body.params ?? []);
		// Success body undocumented; the sandbox sends none so that clients do not come to depend on one.
		if (!found.contact) return { status: 200, accepted: true, saved: false, note: found.note };
		const orderId = body.params?.find((param) => param.name === 'externalOrderId')?.value;
		if (orderId && (body.eventTypeKey === 'orderCreated' || body.eventTypeKey === 'orderUpdated')) this.orders.add(orderId);
		return { status: 200, accepted: true, saved: true, note: `saved for contact ${found.contact.id}` };
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
		this.settle(call.now);
		// v1/orders creates the contacts it names (seed 003: a new contact may be imported "via v1/orders").
		for (const order of body.orders as Array<{ externalOrderId: string | number; externalCustomerId: string | number; email?: unknown; phone?: unknown; firstName?: unknown; lastName?: unknown }>) {
			this.orders.add(String(order.externalOrderId));
			const contact: ContactData = { externalCustomerId: String(order.externalCustomerId) };
			if (isNonEmptyString(order.email)) contact.email = order.email;
			if (isNonEmptyString(order.phone)) contact.phone = order.phone;
			if (isNonEmptyString(order.firstName)) contact.firstName = order.firstName;
			if (isNonEmptyString(order.lastName)) contact.lastName = order.lastName;
			this.upsert(contact, 'externalCustomerId');
		}
		return { status: 200, accepted: true };
	}
}
