import { z } from 'zod';
import { describe, guard, IssueList, OrderValidationError } from '../errors';
import { lineAmount } from '../money';
import { optionsResolver } from '../options';
import type { Address, CanonicalOrder, OrderStatus } from '../model';
import { callingCodeForCountry, toE164 } from '../phones';
import { orderForWriter, setIf } from './common';

/** One event for POST https://api.zaius.com/v3/events (or the EU/AU hosts); batches are arrays of these. */
export interface OdpOrderEvent {
	type: 'order';
	action: string;
	/** email, phone, vuid, customer_id (legacy), or the custom identifier field named in the options */
	identifiers: { email?: string; customer_id?: string; phone?: string; vuid?: string; [identifierField: string]: string | undefined };
	data: {
		/** epoch seconds */
		ts: number;
		order: {
			order_id: string;
			total?: number;
			subtotal?: number;
			tax?: number;
			shipping?: number;
			discount?: number;
			coupon_code?: string;
			items: OdpOrderItem[];
		};
	};
}

export interface OdpOrderItem {
	product_id: string;
	price: number;
	quantity: number;
	discount?: number;
	/** line subtotal after discount; computed as quantity × price − discount when the line has none */
	subtotal: number;
}

/** One record for POST /v3/objects/orders. */
export interface OdpOrderObject {
	order_id: string;
	status: string;
	tax?: number;
	discount?: number;
	shipping?: number;
	subtotal?: number;
	total?: number;
	/** "Street 1,Street 2,City,Region,Postal code,Country", empty fields kept */
	bill_address?: string;
	ship_address?: string;
	/** E.164 */
	phone?: string;
	coupon_code?: string;
	first_name?: string;
	last_name?: string;
	name?: string;
	email?: string;
	/** customer.id under the field named by options.customerIdField */
	[identifierField: string]: string | number | undefined;
}

export type OdpOrderAction = 'purchase' | 'return' | 'refund' | 'cancel';

const ACTION_FOR_STATUS: Record<OrderStatus, OdpOrderAction> = {
	created: 'purchase',
	in_progress: 'purchase',
	delivered: 'purchase',
	cancelled: 'cancel',
	returned: 'return',
	refunded: 'refund',
};

/** The ODP order action that matches a canonical status (purchase, cancel, return, refund). */
export function odpActionForStatus(status: OrderStatus): OdpOrderAction {
	return Object.prototype.hasOwnProperty.call(ACTION_FOR_STATUS, status) ? ACTION_FOR_STATUS[status] : (undefined as unknown as OdpOrderAction);
}

// The phone rule lives in mapping/phones.ts (one rule for every source); re-exported here for existing imports.
export { callingCodeForCountry, toE164 } from '../phones';

/** The calling code for a customer's national phone number: the option, else the address country's. */
function callingCodeFor(customer: CanonicalOrder['customer'], option: string | undefined): string | undefined {
	return option ?? callingCodeForCountry(customer.billingAddress?.country) ?? callingCodeForCountry(customer.shippingAddress?.country);
}

const ACTION = /^[A-Za-z0-9_-]{1,64}$/;
const CALLING_CODE = /^\+?[1-9]\d{0,3}$/;

function callingCode(value: string | null | undefined, issues: IssueList): string | undefined {
	if (!value) return undefined;
	if (!CALLING_CODE.test(value.trim())) {
		issues.add('options.defaultCallingCode', `expected a country calling code such as "49", got ${describe(value)}`);
		return undefined;
	}
	return value.trim().replace('+', '');
}

/** Identifier fields every ODP account has (a fresh account has no others). */
export const ODP_DEFAULT_IDENTIFIER_FIELDS: readonly string[] = ['email', 'phone', 'vuid', 'zaius_id'];

/** The identifiers a user can choose to send; the customer ID goes under a custom identifier field. */
export type OdpIdentifierChoice = 'email' | 'phone' | 'vuid';

/**
 * Which identifiers to send (node version 1.2). Absent: the earlier behaviour (events: e-mail,
 * customer_id and phone; objects: e-mail and phone).
 */
export interface OdpIdentifierOptions {
	identifiers?: OdpIdentifierChoice[];
	/** the visitor id (vuid) to send when identifiers has "vuid" */
	vuid?: string;
	/** send customer.id under this identifier field (one created in ODP, e.g. "customer_id" or "shop_customer_id") */
	customerIdField?: string;
}

const FIELD = /^[a-z][a-z0-9_]{0,63}$/;
const OBJECT_FIELDS = new Set(['order_id', 'status', 'tax', 'discount', 'shipping', 'subtotal', 'total', 'bill_address', 'ship_address', 'phone', 'coupon_code', 'first_name', 'last_name', 'name', 'email']);

const identifierSchema = {
	identifiers: z.array(z.enum(['email', 'phone', 'vuid'])).max(3).nullish(),
	vuid: z.string().max(256).nullish(),
	customerIdField: z.string().min(1).max(64).nullish(),
};

function checkCustomerIdField(field: string | null | undefined, issues: IssueList): string | undefined {
	if (!field) return undefined;
	if (!FIELD.test(field) || OBJECT_FIELDS.has(field) || (ODP_DEFAULT_IDENTIFIER_FIELDS.includes(field) && field !== 'zaius_id')) {
		issues.add('options.customerIdField', `expected an ODP identifier field name (lower case, digits, _) that is not an order field nor email/phone/vuid, got ${describe(field)}`);
		return undefined;
	}
	return field;
}

const resolveEventOptions = optionsResolver(
	z.object({ action: z.string().min(1).max(64), defaultCallingCode: z.string().max(8).nullish(), ...identifierSchema }),
	['action', 'defaultCallingCode', 'identifiers', 'vuid', 'customerIdField'],
	(checked, issues) => {
		if (!ACTION.test(checked.action)) {
			issues.add('options.action', `expected purchase, return, refund, cancel or a custom action (letters, digits, _ or -), got ${describe(checked.action)}`);
		}
		return {
			action: checked.action,
			defaultCallingCode: callingCode(checked.defaultCallingCode, issues),
			identifiers: checked.identifiers ?? undefined,
			vuid: checked.vuid?.trim() || undefined,
			customerIdField: checkCustomerIdField(checked.customerIdField, issues),
		};
	},
);

function e164OrIssue(phone: string | undefined, code: string | undefined, issues: IssueList): string | undefined {
	if (phone === undefined) return undefined;
	const e164 = toE164(phone, code);
	if (e164 === undefined) {
		issues.add('customer.phone', `cannot be written in E.164 (a "+", the country code and the number), got ${describe(phone)}${code === undefined ? '; give the number with its country code (+…), or an address country or default calling code for national numbers' : ''}`);
	}
	return e164;
}

/**
 * ODP order event. Identifiers without options.identifiers (node versions 1 and 1.1): customer e-mail,
 * id (customer_id) and phone (E.164). With options.identifiers: only those chosen (e-mail, phone,
 * vuid), and customer.id under options.customerIdField when set: a fresh ODP account knows email,
 * phone, vuid and zaius_id only, and refuses others. At least one identifier is needed.
 * Send a refund/return/cancel only once: ODP subtracts every one it receives.
 */
export function toOdpOrderEvent(order: CanonicalOrder, options: { action: string; defaultCallingCode?: string } & OdpIdentifierOptions): OdpOrderEvent {
	return guard(() => {
		const settings = resolveEventOptions(options);
		const { order: source, moment } = orderForWriter(order);
		const issues = new IssueList();
		const customer = source.customer;
		const chosen = settings.identifiers;
		const wants = (field: OdpIdentifierChoice) => chosen === undefined || chosen.includes(field);
		const phone = wants('phone') ? e164OrIssue(customer.phone, callingCodeFor(customer, settings.defaultCallingCode), issues) : undefined;
		const identifiers: OdpOrderEvent['identifiers'] = {};
		if (wants('email')) setIf(identifiers, 'email', customer.email);
		if (chosen === undefined) setIf(identifiers, 'customer_id', customer.id);
		setIf(identifiers, 'phone', phone);
		if (chosen?.includes('vuid')) setIf(identifiers, 'vuid', settings.vuid);
		if (chosen !== undefined && settings.customerIdField !== undefined && customer.id !== undefined) identifiers[settings.customerIdField] = customer.id;
		if (Object.keys(identifiers).length === 0 && issues.length === 0) {
			issues.add(
				'customer',
				chosen === undefined
					? 'needs an e-mail, id or phone: ODP requires at least one identifier'
					: `has none of the identifiers chosen (${[...chosen, ...(settings.customerIdField ? [`customer ID as ${settings.customerIdField}`] : [])].join(', ') || 'none'}): ODP requires at least one identifier`,
			);
		}
		if (issues.length > 0) throw new OrderValidationError(issues.items);
		const items: OdpOrderItem[] = source.lines.map((line) => {
			const item = { product_id: line.productId, price: line.unitPrice, quantity: line.quantity } as OdpOrderItem;
			setIf(item, 'discount', line.discount);
			item.subtotal = line.subtotal ?? lineAmount(line.quantity, line.unitPrice, line.discount);
			return item;
		});
		const body = { order_id: source.id } as OdpOrderEvent['data']['order'];
		setIf(body, 'total', source.total);
		setIf(body, 'subtotal', source.subtotal);
		setIf(body, 'tax', source.tax);
		setIf(body, 'shipping', source.shipping);
		setIf(body, 'discount', source.discount);
		setIf(body, 'coupon_code', source.couponCode);
		body.items = items;
		return { type: 'order', action: settings.action, identifiers, data: { ts: Math.floor(moment.epochMs / 1000), order: body } };
	});
}

/** ODP's address text: six comma-separated parts, empty ones kept; commas inside a part become spaces. */
export function formatOdpAddress(address: Address | undefined): string | undefined {
	if (typeof address !== 'object' || address === null) return undefined;
	const part = (value: unknown) => (typeof value === 'string' ? value.replace(/\s*,\s*/g, ' ').trim() : typeof value === 'number' ? String(value) : '');
	return [part(address.street1), part(address.street2), part(address.city), part(address.region), part(address.postalCode), part(address.country)].join(',');
}

export interface OdpOrderObjectOptions extends OdpIdentifierOptions {
	/** country calling code for national phone numbers, e.g. "49" */
	defaultCallingCode?: string;
	/** status text (default: the action matching the order status: purchase, cancel, return, refund) */
	status?: string;
}

const resolveObjectOptions = optionsResolver(
	z.object({
		defaultCallingCode: z.string().max(8).nullish(),
		status: z.string().min(1).max(64).nullish(),
		...identifierSchema,
	}),
	['defaultCallingCode', 'customerIdField', 'status', 'identifiers', 'vuid'],
	(checked, issues) => {
		if (checked.customerIdField && (!FIELD.test(checked.customerIdField) || OBJECT_FIELDS.has(checked.customerIdField))) {
			issues.add('options.customerIdField', `expected an ODP field name (lower case, digits, _) that is not an order field, got ${describe(checked.customerIdField)}`);
		}
		return {
			defaultCallingCode: callingCode(checked.defaultCallingCode, issues),
			customerIdField: checked.customerIdField ?? undefined,
			status: checked.status ?? undefined,
			identifiers: checked.identifiers ?? undefined,
			vuid: checked.vuid?.trim() || undefined,
		};
	},
);

/**
 * ODP orders object record. Needs at least one identifier (e-mail, phone, or customer.id when
 * customerIdField is set); a phone that cannot be made E.164 is an error. With options.identifiers
 * (node version 1.2) only the chosen e-mail / phone / vuid are written.
 */
export function toOdpOrderObject(order: CanonicalOrder, options?: OdpOrderObjectOptions): OdpOrderObject {
	return guard(() => {
		const settings = resolveObjectOptions(options);
		const { order: source } = orderForWriter(order);
		const issues = new IssueList();
		const customer = source.customer;
		const chosen = settings.identifiers;
		const wants = (field: OdpIdentifierChoice) => chosen === undefined || chosen.includes(field);
		const email = wants('email') ? customer.email : undefined;
		const phone = wants('phone') ? e164OrIssue(customer.phone, callingCodeFor(customer, settings.defaultCallingCode), issues) : undefined;
		const vuid = chosen?.includes('vuid') ? settings.vuid : undefined;
		const hasId = settings.customerIdField !== undefined && customer.id !== undefined;
		if (email === undefined && (wants('phone') ? customer.phone : undefined) === undefined && vuid === undefined && !hasId) {
			issues.add(
				'customer',
				chosen === undefined
					? 'needs an e-mail or phone (or a customer id with customerIdField set, the node\'s Customer ID Field option): ODP requires at least one identifier'
					: `has none of the identifiers chosen (${[...chosen, ...(settings.customerIdField ? [`customer ID as ${settings.customerIdField}`] : [])].join(', ') || 'none'}): ODP requires at least one identifier`,
			);
		}
		if (issues.length > 0) throw new OrderValidationError(issues.items);
		const record = { order_id: source.id, status: settings.status ?? odpActionForStatus(source.status) } as OdpOrderObject;
		setIf(record, 'tax', source.tax);
		setIf(record, 'discount', source.discount);
		setIf(record, 'shipping', source.shipping);
		setIf(record, 'subtotal', source.subtotal);
		setIf(record, 'total', source.total);
		setIf(record, 'bill_address', formatOdpAddress(customer.billingAddress));
		setIf(record, 'ship_address', formatOdpAddress(customer.shippingAddress));
		setIf(record, 'phone', phone);
		setIf(record, 'coupon_code', source.couponCode);
		setIf(record, 'first_name', customer.firstName);
		setIf(record, 'last_name', customer.lastName);
		const name = [customer.firstName, customer.lastName].filter((part) => part !== undefined).join(' ');
		if (name !== '') record.name = name;
		setIf(record, 'email', email);
		setIf(record, 'vuid', vuid);
		if (hasId) record[settings.customerIdField as string] = customer.id;
		return record;
	});
}
