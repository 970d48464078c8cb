import { describe, guard, IssueList, OrderValidationError } from './errors';
import { isIsoCurrency } from './currencies';
import { formatCanonical, parseDate, type Moment } from './dates';
import { compareLineGross } from './money';
import { normalizeStatus, type Address, type CanonicalOrder, type Customer, type OrderLine, type OrderStatus } from './model';
import { resolveParseOptions, type ParseOptions, type ResolvedParseOptions } from './options';
import {
	isRecord,
	LIMITS,
	readAttributes,
	readInteger,
	readMoney,
	readQuantity,
	readText,
	readTextList,
} from './values';

/** A canonical order plus the moment of its dateTime, so writers need not parse the text again. */
export interface ReadOrder {
	order: CanonicalOrder;
	moment: Moment;
}

const ORDER_KEYS = new Set([
	'id', 'dateTime', 'status', 'customer', 'channel', 'storeId', 'regionId', 'currency', 'shipping', 'tax', 'discount',
	'subtotal', 'total', 'couponCode', 'couponValue', 'paymentMethod', 'ccHash', 'segmentIds', 'segmentNames',
	'language', 'attributes', 'lines',
]);
const CUSTOMER_KEYS = new Set(['id', 'email', 'emailHash', 'phone', 'firstName', 'lastName', 'billingAddress', 'shippingAddress']);
const ADDRESS_KEYS = new Set(['street1', 'street2', 'city', 'region', 'postalCode', 'country']);
const LINE_KEYS = new Set([
	'productId', 'sku', 'name', 'category', 'quantity', 'unitPrice', 'discount', 'subtotal', 'url', 'imageUrl',
	'description', 'attributes',
]);

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+?[0-9()\-.\s/]{3,40}$/;
const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/;
const STATUS_WORDS = 'created, in_progress, delivered, cancelled, returned, refunded, or a common word such as paid, completed, canceled';

function reportUnknownKeys(record: Record<string, unknown>, known: Set<string>, issues: IssueList, prefix: string): void {
	for (const key of Object.keys(record)) {
		if (!known.has(key)) issues.at(prefix, key.length > 60 ? `${key.slice(0, 60)}…` : key, 'is not a field of the order model');
	}
}

function readAddress(value: unknown, issues: IssueList, prefix: string, options: ResolvedParseOptions): Address | undefined {
	if (value === undefined || value === null) return undefined;
	if (!isRecord(value)) {
		issues.add(prefix, `expected an address object, got ${describe(value)}`);
		return undefined;
	}
	if (options.rejectUnknownFields) reportUnknownKeys(value, ADDRESS_KEYS, issues, prefix);
	const address: Address = {};
	let any = false;
	const street1 = readText(value.street1, issues, prefix, 'street1');
	if (street1 !== undefined) { address.street1 = street1; any = true; }
	const street2 = readText(value.street2, issues, prefix, 'street2');
	if (street2 !== undefined) { address.street2 = street2; any = true; }
	const city = readText(value.city, issues, prefix, 'city');
	if (city !== undefined) { address.city = city; any = true; }
	const region = readText(value.region, issues, prefix, 'region');
	if (region !== undefined) { address.region = region; any = true; }
	const postalCode = readText(value.postalCode, issues, prefix, 'postalCode');
	if (postalCode !== undefined) { address.postalCode = postalCode; any = true; }
	const country = readText(value.country, issues, prefix, 'country');
	if (country !== undefined) { address.country = country; any = true; }
	return any ? address : undefined;
}

function readCustomer(value: unknown, issues: IssueList, options: ResolvedParseOptions): Customer {
	const customer: Customer = {};
	if (value === undefined || value === null) return customer;
	if (!isRecord(value)) {
		issues.add('customer', `expected a customer object, got ${describe(value)}`);
		return customer;
	}
	if (options.rejectUnknownFields) reportUnknownKeys(value, CUSTOMER_KEYS, issues, 'customer');
	const id = readText(value.id, issues, 'customer', 'id');
	if (id !== undefined) customer.id = id;
	const email = readText(value.email, issues, 'customer', 'email', 254);
	if (email !== undefined) {
		if (EMAIL.test(email)) customer.email = email;
		else issues.add('customer.email', `is not an e-mail address, got ${describe(email)}`);
	}
	const emailHash = readText(value.emailHash, issues, 'customer', 'emailHash', 256);
	if (emailHash !== undefined) customer.emailHash = emailHash;
	const phone = readText(value.phone, issues, 'customer', 'phone', 64);
	if (phone !== undefined) {
		if (PHONE.test(phone) && /\d.*\d.*\d/.test(phone)) customer.phone = phone;
		else issues.add('customer.phone', `is not a phone number, got ${describe(phone)}`);
	}
	const firstName = readText(value.firstName, issues, 'customer', 'firstName');
	if (firstName !== undefined) customer.firstName = firstName;
	const lastName = readText(value.lastName, issues, 'customer', 'lastName');
	if (lastName !== undefined) customer.lastName = lastName;
	const billingAddress = readAddress(value.billingAddress, issues, 'customer.billingAddress', options);
	if (billingAddress !== undefined) customer.billingAddress = billingAddress;
	const shippingAddress = readAddress(value.shippingAddress, issues, 'customer.shippingAddress', options);
	if (shippingAddress !== undefined) customer.shippingAddress = shippingAddress;
	return customer;
}

function readLine(value: unknown, issues: IssueList, prefix: string, options: ResolvedParseOptions): OrderLine | undefined {
	if (!isRecord(value)) {
		issues.add(prefix, `expected an order line object, got ${describe(value)}`);
		return undefined;
	}
	if (options.rejectUnknownFields) reportUnknownKeys(value, LINE_KEYS, issues, prefix);
	const before = issues.length;
	const comma = options.decimalComma;
	const productId = readText(value.productId, issues, prefix, 'productId', LIMITS.text, true);
	const quantity = readQuantity(value.quantity, issues, prefix, 'quantity', comma);
	const unitPrice = readMoney(value.unitPrice, issues, prefix, 'unitPrice', comma, true);
	const sku = readText(value.sku, issues, prefix, 'sku');
	const name = readText(value.name, issues, prefix, 'name');
	const category = readText(value.category, issues, prefix, 'category');
	const discount = readMoney(value.discount, issues, prefix, 'discount', comma);
	const subtotal = readMoney(value.subtotal, issues, prefix, 'subtotal', comma);
	const url = readText(value.url, issues, prefix, 'url', LIMITS.url);
	const imageUrl = readText(value.imageUrl, issues, prefix, 'imageUrl', LIMITS.url);
	const description = readText(value.description, issues, prefix, 'description', LIMITS.description);
	const attributes = readAttributes(value.attributes, issues, prefix, 'attributes');
	if (issues.length > before || productId === undefined || quantity === undefined || unitPrice === undefined) return undefined;
	if (discount !== undefined && compareLineGross(quantity, unitPrice, discount) < 0) {
		issues.add(`${prefix}.discount`, `is larger than quantity × unitPrice (${discount} > ${quantity} × ${unitPrice})`);
		return undefined;
	}
	const line = { productId } as OrderLine;
	if (sku !== undefined) line.sku = sku;
	if (name !== undefined) line.name = name;
	if (category !== undefined) line.category = category;
	line.quantity = quantity;
	line.unitPrice = unitPrice;
	if (discount !== undefined) line.discount = discount;
	if (subtotal !== undefined) line.subtotal = subtotal;
	if (url !== undefined) line.url = url;
	if (imageUrl !== undefined) line.imageUrl = imageUrl;
	if (description !== undefined) line.description = description;
	if (attributes !== undefined) line.attributes = attributes;
	return line;
}

function readStatus(value: unknown, issues: IssueList, options: ResolvedParseOptions): OrderStatus | undefined {
	if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
		if (options.defaultStatus !== undefined) return options.defaultStatus;
		issues.add('status', `is required (${STATUS_WORDS})`);
		return undefined;
	}
	if (typeof value !== 'string' || value.length > 60) {
		issues.add('status', `expected an order status (${STATUS_WORDS}), got ${describe(value)}`);
		return undefined;
	}
	const status = (options.statusAliases !== undefined ? options.statusAliases.get(value.trim().toLowerCase()) : undefined) ?? normalizeStatus(value);
	if (status === undefined) issues.add('status', `expected an order status (${STATUS_WORDS}), got ${describe(value)}`);
	return status;
}

function readCurrency(value: unknown, issues: IssueList, options: ResolvedParseOptions): string | undefined {
	if (value === undefined || value === null || value === '') return options.defaultCurrency;
	if (typeof value === 'string') {
		if (value.length === 3 && isIsoCurrency(value)) return value;
		const code = value.trim().toUpperCase();
		if (code === '') return options.defaultCurrency;
		if (code.length === 3 && isIsoCurrency(code)) return code;
	}
	issues.add('currency', `expected an ISO 4217 currency code such as "EUR", got ${describe(value)}`);
	return undefined;
}

/** Prebuilt path prefixes for the usual line counts (saves a string per line). */
const LINE_PREFIXES = Array.from({ length: 64 }, (_, i) => `lines[${i}]`);

const LIFECYCLE_NEEDS_LINES = new Set<OrderStatus>(['created', 'in_progress', 'delivered']);

/**
 * The canonical reader without the public wrapper: records issues instead of throwing.
 * Returns undefined when any issue was found.
 */
export function readCanonical(input: unknown, options: ResolvedParseOptions, issues: IssueList): ReadOrder | undefined {
	if (!isRecord(input)) {
		issues.add('', `expected an order object, got ${describe(input)}`);
		return undefined;
	}
	const before = issues.length;
	if (options.rejectUnknownFields) reportUnknownKeys(input, ORDER_KEYS, issues, '');
	const comma = options.decimalComma;
	const id = readText(input.id, issues, '', 'id', LIMITS.text, true);
	let moment: Moment | undefined;
	const rawDate = input.dateTime;
	if (rawDate === undefined || rawDate === null || rawDate === '') {
		issues.add('dateTime', 'is required');
	} else {
		const parsed = parseDate(rawDate, options);
		if (parsed.ok) moment = parsed.moment;
		else issues.add('dateTime', parsed.reason);
	}
	const status = readStatus(input.status, issues, options);
	const customer = readCustomer(input.customer, issues, options);
	const channel = readText(input.channel, issues, '', 'channel');
	const storeId = readText(input.storeId, issues, '', 'storeId');
	const regionId = readInteger(input.regionId, issues, '', 'regionId');
	const currency = readCurrency(input.currency, issues, options);
	const shipping = readMoney(input.shipping, issues, '', 'shipping', comma);
	const tax = readMoney(input.tax, issues, '', 'tax', comma);
	const discount = readMoney(input.discount, issues, '', 'discount', comma);
	const subtotal = readMoney(input.subtotal, issues, '', 'subtotal', comma);
	const total = readMoney(input.total, issues, '', 'total', comma);
	const couponCode = readText(input.couponCode, issues, '', 'couponCode');
	const couponValue = readMoney(input.couponValue, issues, '', 'couponValue', comma);
	const paymentMethod = readText(input.paymentMethod, issues, '', 'paymentMethod');
	const ccHash = readText(input.ccHash, issues, '', 'ccHash', 256);
	const segmentIds = readTextList(input.segmentIds, issues, '', 'segmentIds');
	const segmentNames = readTextList(input.segmentNames, issues, '', 'segmentNames');
	const language = readText(input.language, issues, '', 'language', 35);
	if (language !== undefined && !LANGUAGE.test(language)) issues.add('language', `expected a language code such as "en-gb", got ${describe(language)}`);
	const attributes = readAttributes(input.attributes, issues, '', 'attributes');

	const lines: OrderLine[] = [];
	const rawLines = input.lines;
	if (rawLines === undefined || rawLines === null) {
		issues.add('lines', 'is required (a list of order lines)');
	} else if (!Array.isArray(rawLines)) {
		issues.add('lines', `expected a list of order lines, got ${describe(rawLines)}`);
	} else if (rawLines.length > LIMITS.lines) {
		issues.add('lines', `has too many lines (${rawLines.length}; at most ${LIMITS.lines})`);
	} else {
		for (let i = 0; i < rawLines.length; i++) {
			const line = readLine(rawLines[i], issues, i < LINE_PREFIXES.length ? LINE_PREFIXES[i] : `lines[${i}]`, options);
			if (line !== undefined) lines.push(line);
		}
		if (rawLines.length === 0 && status !== undefined && LIFECYCLE_NEEDS_LINES.has(status)) {
			issues.add('lines', `must have at least one line for a ${status} order`);
		}
	}
	if (issues.length > before || id === undefined || moment === undefined || status === undefined) return undefined;

	const order = { id, dateTime: formatCanonical(moment), status, customer } as CanonicalOrder;
	if (channel !== undefined) order.channel = channel;
	if (storeId !== undefined) order.storeId = storeId;
	if (regionId !== undefined) order.regionId = regionId;
	if (currency !== undefined) order.currency = currency;
	if (shipping !== undefined) order.shipping = shipping;
	if (tax !== undefined) order.tax = tax;
	if (discount !== undefined) order.discount = discount;
	if (subtotal !== undefined) order.subtotal = subtotal;
	if (total !== undefined) order.total = total;
	if (couponCode !== undefined) order.couponCode = couponCode;
	if (couponValue !== undefined) order.couponValue = couponValue;
	if (paymentMethod !== undefined) order.paymentMethod = paymentMethod;
	if (ccHash !== undefined) order.ccHash = ccHash;
	if (segmentIds !== undefined) order.segmentIds = segmentIds;
	if (segmentNames !== undefined) order.segmentNames = segmentNames;
	if (language !== undefined) order.language = language;
	if (attributes !== undefined) order.attributes = attributes;
	order.lines = lines;
	return { order, moment };
}

/**
 * The canonical reader: lenient input (numeric text, many date forms, status words such as "paid",
 * "completed", "canceled", "in progress"), strict output. Throws OrderValidationError listing every problem.
 */
export function parseCanonicalOrder(input: unknown, options?: ParseOptions): CanonicalOrder {
	return guard(() => {
		const resolved = resolveParseOptions(options);
		const issues = new IssueList();
		const result = readCanonical(input, resolved, issues);
		if (result === undefined) throw new OrderValidationError(issues.items);
		return result.order;
	});
}

/** For writers: re-reads (and so re-checks) whatever order they are given; throws on any problem. */
export function readOrderForWriter(order: unknown, resolved: ResolvedParseOptions): ReadOrder {
	const issues = new IssueList();
	const result = readCanonical(order, resolved, issues);
	if (result === undefined) throw new OrderValidationError(issues.items);
	return result;
}
