import { z } from 'zod';
import { describe, guard, IssueList, OrderValidationError } from '../errors';
import { isIsoCurrency } from '../currencies';
import { formatLocal, inZone, resolveZone, type ZoneRef } from '../dates';
import { formatDecimal, roundMoney } from '../money';
import { optionsResolver } from '../options';
import { isBlank, isRecord, LIMITS, parseNumber } from '../values';
import type { Address, CanonicalOrder, OrderLine, OrderStatus } from '../model';
import { orderForWriter, setIf } from './common';

/** Body of POST https://esputnik.com/api/v1/event. Every params value is text. */
export interface EsputnikEventPayload {
	eventTypeKey: string;
	keyValue: string;
	params: EsputnikEventParam[];
}

export interface EsputnikEventParam {
	name: string;
	value: string;
}

/** One item as eSputnik shows it in order events ("items" JSON text) and in v1/orders. */
export interface EsputnikOrderItem {
	externalItemId: string;
	name?: string;
	category?: string;
	quantity: number;
	cost: number;
	url?: string;
	imageUrl?: string;
	description?: string;
}

export type EsputnikOrderStatus = 'INITIALIZED' | 'IN_PROGRESS' | 'DELIVERED' | 'CANCELLED';
export type EsputnikOrderEventType = 'orderCreated' | 'orderUpdated' | 'orderDelivered' | 'orderCancelled';
export type EsputnikContactIdentifier = 'email' | 'phone' | 'externalCustomerId' | 'contactId';

export interface EsputnikOrderEventOptions {
	eventTypeKey: EsputnikOrderEventType;
	/** which contact identifier finds the contact; its value becomes keyValue */
	contactIdentifier: EsputnikContactIdentifier;
	/** eSputnik contact id, required when contactIdentifier is 'contactId' */
	contactId?: string;
	/** also send "products" ({"array":[...]}) for e-mail templates */
	includeProducts?: boolean;
	/** IANA zone for the "date" param, which carries no offset (default: the order's own offset; the node v1.1 always passes its Time Zone, default UTC) */
	timeZone?: string;
}

/** One element of POST https://esputnik.com/api/v1/orders {"orders":[...]} (up to 1000 per request). */
export interface EsputnikBulkOrder {
	externalOrderId: string;
	externalCustomerId?: string;
	totalCost: number;
	status: EsputnikOrderStatus;
	/** local time of the order, "2020-05-14T10:11:00" */
	date: string;
	currency?: string;
	email?: string;
	phone?: string;
	firstName?: string;
	lastName?: string;
	shipping?: number;
	discount?: number;
	taxes?: number;
	source?: 'online' | 'offline';
	deliveryAddress?: string;
	paymentMethod?: string;
	storeId?: string;
	items?: EsputnikOrderItem[];
}

/** eSputnik limits from its v1/event documentation. */
export const ESPUTNIK_LIMITS = {
	eventTypeKey: 100,
	keyValue: 300,
	/** whole request body, UTF-8 bytes (20 kB, counted conservatively as 20 000) */
	bodyBytes: 20_000,
} as const;

const STATUS_MAP: Record<OrderStatus, EsputnikOrderStatus | undefined> = {
	created: 'INITIALIZED',
	in_progress: 'IN_PROGRESS',
	delivered: 'DELIVERED',
	cancelled: 'CANCELLED',
	returned: undefined,
	refunded: undefined,
};

function esputnikStatus(status: OrderStatus, issues: IssueList): EsputnikOrderStatus | undefined {
	const mapped = STATUS_MAP[status];
	if (mapped === undefined) {
		issues.add('status', `eSputnik has no status for ${status} orders (only INITIALIZED, IN_PROGRESS, DELIVERED, CANCELLED); send a whole refund or return as an orderCancelled event`);
	}
	return mapped;
}

function toItem(line: OrderLine): EsputnikOrderItem {
	// Key order as in eSputnik's example, so the JSON text matches it.
	const item = { externalItemId: line.productId } as EsputnikOrderItem;
	setIf(item, 'name', line.name);
	setIf(item, 'category', line.category);
	item.quantity = line.quantity;
	item.cost = line.unitPrice;
	setIf(item, 'url', line.url);
	setIf(item, 'imageUrl', line.imageUrl);
	setIf(item, 'description', line.description);
	return item;
}

function utf8Length(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}

/**
 * Refuses bodies over the limit. A cheap bound first: JSON text never takes more than 6 bytes per UTF-16
 * unit of the strings it holds (a \uXXXX escape), so small events skip the exact count.
 */
function checkBodySize(payload: EsputnikEventPayload): void {
	let units = payload.eventTypeKey.length + payload.keyValue.length + 64;
	for (const param of payload.params) units += param.name.length + param.value.length + 32;
	if (units * 6 <= ESPUTNIK_LIMITS.bodyBytes) return;
	const bytes = utf8Length(JSON.stringify(payload));
	if (bytes > ESPUTNIK_LIMITS.bodyBytes) {
		throw new OrderValidationError([
			{
				path: '',
				message: `the eSputnik event body is ${bytes} bytes; eSputnik accepts at most ${ESPUTNIK_LIMITS.bodyBytes} bytes (20 kB) — send fewer lines or leave out products`,
			},
		]);
	}
}

function checkKeyValue(keyValue: string, path: string, issues: IssueList): void {
	if (keyValue.length > ESPUTNIK_LIMITS.keyValue) {
		issues.add(path, `is too long for eSputnik's keyValue (${keyValue.length} characters; at most ${ESPUTNIK_LIMITS.keyValue})`);
	}
}

const resolveEventOptions = optionsResolver(
	z.object({
		eventTypeKey: z.enum(['orderCreated', 'orderUpdated', 'orderDelivered', 'orderCancelled']),
		contactIdentifier: z.enum(['email', 'phone', 'externalCustomerId', 'contactId']),
		contactId: z.union([z.string().max(LIMITS.text), z.number().int()]).nullish(),
		includeProducts: z.boolean().nullish(),
		timeZone: z.string().min(1).max(64).nullish(),
	}),
	['eventTypeKey', 'contactIdentifier', 'contactId', 'includeProducts', 'timeZone'],
	(checked, issues) => {
		let zone: ZoneRef | undefined;
		if (checked.timeZone) {
			zone = resolveZone(checked.timeZone);
			if (zone === undefined) issues.add('options.timeZone', `is not a known time zone, got ${describe(checked.timeZone)}`);
		}
		const contactId = checked.contactId === undefined || checked.contactId === null ? undefined : String(checked.contactId).trim() || undefined;
		if (checked.contactIdentifier === 'contactId' && contactId === undefined) {
			issues.add('options.contactId', 'is required when contactIdentifier is "contactId"');
		}
		return {
			eventTypeKey: checked.eventTypeKey,
			contactIdentifier: checked.contactIdentifier,
			contactId,
			includeProducts: checked.includeProducts === true,
			zone,
		};
	},
);

/**
 * eSputnik order event (v1/event): orderCreated / orderUpdated / orderDelivered / orderCancelled.
 * Params follow the vendor's example order: the identifier param (email, phone or ContactId; none for
 * externalCustomerId, which is sent anyway), externalOrderId, externalCustomerId, totalCost, status, date,
 * items, products. orderCreated/orderUpdated need customer.id and total (eSputnik ignores the event
 * otherwise). The status param follows the event type for orderDelivered/orderCancelled.
 */
export function toEsputnikOrderEvent(order: CanonicalOrder, options: EsputnikOrderEventOptions): EsputnikEventPayload {
	return guard(() => {
		const settings = resolveEventOptions(options);
		const { order: source, moment } = orderForWriter(order);
		const issues = new IssueList();
		const customer = source.customer;
		let keyValue: string | undefined;
		let identifierParam: EsputnikEventParam | undefined;
		switch (settings.contactIdentifier) {
			case 'email':
				keyValue = customer.email;
				if (keyValue === undefined) issues.add('customer.email', 'is required (contactIdentifier is "email")');
				else identifierParam = { name: 'email', value: keyValue };
				break;
			case 'phone':
				keyValue = customer.phone;
				if (keyValue === undefined) issues.add('customer.phone', 'is required (contactIdentifier is "phone")');
				else identifierParam = { name: 'phone', value: keyValue };
				break;
			case 'externalCustomerId':
				keyValue = customer.id;
				if (keyValue === undefined) issues.add('customer.id', 'is required (contactIdentifier is "externalCustomerId")');
				break;
			case 'contactId':
				keyValue = settings.contactId;
				if (keyValue !== undefined) identifierParam = { name: 'ContactId', value: keyValue };
				break;
		}
		if (keyValue !== undefined) {
			checkKeyValue(keyValue, settings.contactIdentifier === 'contactId' ? 'options.contactId' : settings.contactIdentifier === 'externalCustomerId' ? 'customer.id' : `customer.${settings.contactIdentifier}`, issues);
		}
		const createsOrder = settings.eventTypeKey === 'orderCreated' || settings.eventTypeKey === 'orderUpdated';
		let status: EsputnikOrderStatus | undefined;
		if (settings.eventTypeKey === 'orderDelivered') status = 'DELIVERED';
		else if (settings.eventTypeKey === 'orderCancelled') status = 'CANCELLED';
		else status = esputnikStatus(source.status, issues);
		if (createsOrder) {
			if (customer.id === undefined) issues.add('customer.id', `is required for ${settings.eventTypeKey} (eSputnik's externalCustomerId)`);
			if (source.total === undefined) issues.add('total', `is required for ${settings.eventTypeKey} (eSputnik's totalCost)`);
		}
		if (issues.length > 0) throw new OrderValidationError(issues.items);

		const params: EsputnikEventParam[] = [];
		if (identifierParam !== undefined) params.push(identifierParam);
		params.push({ name: 'externalOrderId', value: source.id });
		if (customer.id !== undefined) params.push({ name: 'externalCustomerId', value: customer.id });
		if (source.total !== undefined) params.push({ name: 'totalCost', value: formatDecimal(source.total) });
		params.push({ name: 'status', value: status as string });
		const when = settings.zone !== undefined ? inZone(moment, settings.zone) : moment;
		params.push({ name: 'date', value: formatLocal(when) });
		if (source.lines.length > 0) {
			const itemsJson = JSON.stringify(source.lines.map(toItem));
			params.push({ name: 'items', value: itemsJson });
			// Same text as JSON.stringify({ array: items }) without serializing the items twice.
			if (settings.includeProducts) params.push({ name: 'products', value: `{"array":${itemsJson}}` });
		}
		const payload: EsputnikEventPayload = { eventTypeKey: settings.eventTypeKey, keyValue: keyValue as string, params };
		checkBodySize(payload);
		return payload;
	});
}

function formatAddress(address: Address | undefined): string | undefined {
	if (address === undefined) return undefined;
	const parts = [address.street1, address.street2, address.city, address.region, address.postalCode, address.country].filter(
		(part): part is string => part !== undefined,
	);
	return parts.length > 0 ? parts.join(', ') : undefined;
}

const resolveBulkOptions = optionsResolver(
	z.object({ source: z.enum(['online', 'offline']).nullish(), timeZone: z.string().min(1).max(64).nullish() }),
	['source', 'timeZone'],
	(checked, issues) => {
		let zone: ZoneRef | undefined;
		if (checked.timeZone) {
			zone = resolveZone(checked.timeZone);
			if (zone === undefined) issues.add('options.timeZone', `is not a known time zone, got ${describe(checked.timeZone)}`);
		}
		return { source: checked.source ?? undefined, zone };
	},
);

/**
 * One order for eSputnik's bulk v1/orders. Needs an e-mail, phone or customer.id to find the contact and a
 * total; returned/refunded orders have no eSputnik status and are refused (send them as CANCELLED events
 * when the whole order was undone).
 */
export function toEsputnikOrder(order: CanonicalOrder, options?: { source?: 'online' | 'offline'; timeZone?: string }): EsputnikBulkOrder {
	return guard(() => {
		const settings = resolveBulkOptions(options);
		const { order: source, moment } = orderForWriter(order);
		const issues = new IssueList();
		const customer = source.customer;
		const status = esputnikStatus(source.status, issues);
		if (source.total === undefined) issues.add('total', 'is required by eSputnik (totalCost)');
		// v1/orders requires externalCustomerId on every order (the vendor answers 400 without it).
		if (customer.id === undefined) issues.add('customer.id', "is required by eSputnik's v1/orders (externalCustomerId)");
		if (issues.length > 0) throw new OrderValidationError(issues.items);
		const bulk = { externalOrderId: source.id } as EsputnikBulkOrder;
		setIf(bulk, 'externalCustomerId', customer.id);
		bulk.totalCost = source.total as number;
		bulk.status = status as EsputnikOrderStatus;
		// Same rule as the event's `date`: wall-clock time in options.timeZone, else the order's own offset.
		bulk.date = formatLocal(settings.zone !== undefined ? inZone(moment, settings.zone) : moment);
		setIf(bulk, 'currency', source.currency);
		setIf(bulk, 'email', customer.email);
		setIf(bulk, 'phone', customer.phone);
		setIf(bulk, 'firstName', customer.firstName);
		setIf(bulk, 'lastName', customer.lastName);
		setIf(bulk, 'shipping', source.shipping);
		setIf(bulk, 'discount', source.discount);
		setIf(bulk, 'taxes', source.tax);
		setIf(bulk, 'source', settings.source);
		setIf(bulk, 'deliveryAddress', formatAddress(customer.shippingAddress));
		setIf(bulk, 'paymentMethod', source.paymentMethod);
		setIf(bulk, 'storeId', source.storeId);
		if (source.lines.length > 0) bulk.items = source.lines.map(toItem);
		return bulk;
	});
}

/** Site-activity events of eSputnik's recommendation tracking (seed: pageViewed … cartUpdated). */
export type EsputnikSiteEventType = 'pageViewed' | 'productViewed' | 'productCategoryViewed' | 'cartUpdated';

export interface EsputnikViewedProduct {
	productId: string;
	price?: number;
	/** true/1 in stock, false/0 not */
	isInStock?: boolean | 0 | 1;
	/** extra product properties, each a list of texts (the vendor's "someProductProperty") */
	properties?: Record<string, string[] | string>;
}

export interface EsputnikCartProduct {
	productId: string;
	quantity: number;
	price: number;
	name?: string;
	category?: string;
	/** discount amount per item (eSputnik documents it as text) */
	discount?: number | string;
	properties?: Record<string, string[] | string>;
}

export interface EsputnikSiteEventInput {
	eventTypeKey: EsputnikSiteEventType;
	/** at least one of email / phone; keyValue defaults to email, then phone */
	email?: string;
	phone?: string;
	keyValue?: string;
	/** pageViewed: page url or deep link */
	pageLocation?: string;
	/** productViewed */
	product?: EsputnikViewedProduct;
	/** productCategoryViewed */
	categoryId?: string;
	/** cartUpdated: the whole cart (empty list = emptied cart) */
	products?: EsputnikCartProduct[];
	/** cartUpdated: links cart events to the purchase (required) */
	recycleStateId?: string;
	/** productViewed / cartUpdated, ISO 4217 */
	currencyCode?: string;
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function siteText(record: Record<string, unknown>, key: string, issues: IssueList, prefix: string, required: boolean, max: number = LIMITS.text): string | undefined {
	const value = record[key];
	const path = prefix === '' ? key : `${prefix}.${key}`;
	if (isBlank(value)) {
		if (required) issues.add(path, 'is required');
		return undefined;
	}
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') {
		issues.add(path, `expected text, got ${describe(value)}`);
		return undefined;
	}
	const text = value.trim();
	if (text.length > max) {
		issues.add(path, `is too long (${text.length} characters; at most ${max})`);
		return undefined;
	}
	return text;
}

function siteNumber(record: Record<string, unknown>, key: string, issues: IssueList, prefix: string, required: boolean, positive: boolean): number | undefined {
	const value = record[key];
	const path = `${prefix}.${key}`;
	if (isBlank(value)) {
		if (required) issues.add(path, 'is required');
		return undefined;
	}
	const result = parseNumber(value, false);
	if (!result.ok || result.value < 0 || (positive && result.value === 0) || result.value > LIMITS.money) {
		issues.add(path, `expected ${positive ? 'a positive number' : 'a number, 0 or more'}, ${result.ok ? `got ${describe(value)}` : result.reason}`);
		return undefined;
	}
	return roundMoney(result.value);
}

function siteProperties(value: unknown, target: Record<string, unknown>, issues: IssueList, path: string, taken: readonly string[]): void {
	if (value === undefined || value === null) return;
	if (!isRecord(value)) {
		issues.add(path, `expected an object of property lists, got ${describe(value)}`);
		return;
	}
	for (const key of Object.keys(value)) {
		if (RESERVED.has(key) || taken.includes(key) || key.length === 0 || key.length > LIMITS.attributeKey) {
			issues.add(path, `has an unusable property name ${describe(key)}`);
			continue;
		}
		const item = value[key];
		const list = typeof item === 'string' ? [item] : item;
		if (!Array.isArray(list) || list.length > LIMITS.listItems || !list.every((entry) => typeof entry === 'string' && entry.length <= LIMITS.attributeValue)) {
			issues.add(`${path}.${key}`, `expected a list of texts, got ${describe(item)}`);
			continue;
		}
		target[key] = list.slice();
	}
}

function siteCurrency(record: Record<string, unknown>, issues: IssueList): string | undefined {
	const code = siteText(record, 'currencyCode', issues, '', false, 10);
	if (code === undefined) return undefined;
	const upper = code.toUpperCase();
	if (!isIsoCurrency(upper)) {
		issues.add('currencyCode', `expected an ISO 4217 currency code such as "USD", got ${describe(code)}`);
		return undefined;
	}
	return upper;
}

const SITE_EVENT_TYPES: readonly string[] = ['pageViewed', 'productViewed', 'productCategoryViewed', 'cartUpdated'];

/**
 * eSputnik site-activity event (v1/event) for the "Send Site Event" operation. Params in the vendor's
 * order: phone, email, then page / product / category / products, currencyCode, recycleStateId. Nested
 * values are JSON text, as eSputnik requires.
 */
export function toEsputnikSiteEvent(input: EsputnikSiteEventInput): EsputnikEventPayload {
	return guard(() => {
		const issues = new IssueList();
		if (!isRecord(input)) throw new OrderValidationError([{ path: '', message: `expected a site event object, got ${describe(input)}` }]);
		const record = input as unknown as Record<string, unknown>;
		const eventTypeKey = record.eventTypeKey;
		if (typeof eventTypeKey !== 'string' || !SITE_EVENT_TYPES.includes(eventTypeKey)) {
			issues.add('eventTypeKey', `expected one of ${SITE_EVENT_TYPES.map((type) => JSON.stringify(type)).join(', ')}, got ${describe(eventTypeKey)}`);
		}
		const phone = siteText(record, 'phone', issues, '', false, 64);
		const email = siteText(record, 'email', issues, '', false, 254);
		if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) issues.add('email', `is not an e-mail address, got ${describe(email)}`);
		if (phone === undefined && email === undefined) issues.add('', 'needs an email or phone to identify the contact');
		const keyValue = siteText(record, 'keyValue', issues, '', false, ESPUTNIK_LIMITS.keyValue) ?? email ?? phone;
		const params: EsputnikEventParam[] = [];
		if (phone !== undefined) params.push({ name: 'phone', value: phone });
		if (email !== undefined) params.push({ name: 'email', value: email });
		switch (eventTypeKey) {
			case 'pageViewed': {
				const location = siteText(record, 'pageLocation', issues, '', true, LIMITS.url);
				if (location !== undefined) params.push({ name: 'page', value: JSON.stringify({ location }) });
				break;
			}
			case 'productViewed': {
				const product = record.product;
				if (!isRecord(product)) {
					issues.add('product', product === undefined || product === null ? 'is required' : `expected a product object, got ${describe(product)}`);
					break;
				}
				const out: Record<string, unknown> = Object.create(null);
				const productId = siteText(product, 'productId', issues, 'product', true);
				if (productId !== undefined) out.productId = productId;
				const price = siteNumber(product, 'price', issues, 'product', false, false);
				if (price !== undefined) out.price = price;
				const stock = product.isInStock;
				if (stock === true || stock === 1) out.isInStock = 1;
				else if (stock === false || stock === 0) out.isInStock = 0;
				else if (stock !== undefined && stock !== null) issues.add('product.isInStock', `expected true/false or 1/0, got ${describe(stock)}`);
				siteProperties(product.properties, out, issues, 'product.properties', ['productId', 'price', 'isInStock']);
				params.push({ name: 'product', value: JSON.stringify(out) });
				const currency = siteCurrency(record, issues);
				if (currency !== undefined) params.push({ name: 'currencyCode', value: currency });
				break;
			}
			case 'productCategoryViewed': {
				const categoryId = siteText(record, 'categoryId', issues, '', true);
				if (categoryId !== undefined) params.push({ name: 'category', value: JSON.stringify({ productCategoryId: categoryId }) });
				break;
			}
			case 'cartUpdated': {
				const products = record.products;
				const list: Record<string, unknown>[] = [];
				if (products !== undefined && products !== null && !Array.isArray(products)) {
					issues.add('products', `expected a list of cart products, got ${describe(products)}`);
				} else if (Array.isArray(products)) {
					if (products.length > LIMITS.lines) issues.add('products', `has too many products (${products.length}; at most ${LIMITS.lines})`);
					else {
						products.forEach((product: unknown, i: number) => {
							const path = `products[${i}]`;
							if (!isRecord(product)) {
								issues.add(path, `expected a product object, got ${describe(product)}`);
								return;
							}
							const out: Record<string, unknown> = Object.create(null);
							const productId = siteText(product, 'productId', issues, path, true);
							if (productId !== undefined) out.productId = productId;
							const quantity = siteNumber(product, 'quantity', issues, path, true, true);
							if (quantity !== undefined) out.quantity = quantity;
							const price = siteNumber(product, 'price', issues, path, true, false);
							if (price !== undefined) out.price = price;
							const name = siteText(product, 'name', issues, path, false);
							if (name !== undefined) out.name = name;
							const category = siteText(product, 'category', issues, path, false);
							if (category !== undefined) out.category = category;
							const discount = siteNumber(product, 'discount', issues, path, false, false);
							if (discount !== undefined) out.discount = String(discount);
							siteProperties(product.properties, out, issues, `${path}.properties`, ['productId', 'quantity', 'price', 'name', 'category', 'discount']);
							list.push(out);
						});
					}
				}
				params.push({ name: 'products', value: JSON.stringify(list) });
				const currency = siteCurrency(record, issues);
				if (currency !== undefined) params.push({ name: 'currencyCode', value: currency });
				const recycleStateId = siteText(record, 'recycleStateId', issues, '', true, 200);
				if (recycleStateId !== undefined) params.push({ name: 'recycleStateId', value: recycleStateId });
				break;
			}
		}
		if (issues.length > 0) throw new OrderValidationError(issues.items);
		const payload: EsputnikEventPayload = { eventTypeKey: eventTypeKey as string, keyValue: keyValue as string, params };
		checkBodySize(payload);
		return payload;
	});
}
