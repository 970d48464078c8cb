import { isIsoCurrency } from './currencies';
import { canonicalMoment, type Moment } from './dates';
import { compareLineGross, roundMoney } from './money';
import type { CanonicalOrder, OrderStatus } from './model';
import { LIMITS } from './values';

/**
 * Fast path for writers: true only when the value is already exactly what the canonical reader would
 * return for it (a fixed point: trimmed non-empty texts within limits, rounded amounts in range, a listed
 * currency, a canonical status and dateTime, …). Then the writer can use it as is, without rebuilding the
 * order; anything else goes through the full reader, which normalizes it or reports every problem.
 * The test suite checks the fixed-point property against the reader on thousands of generated orders.
 */

const STATUSES = new Set<string>(['created', 'in_progress', 'delivered', 'cancelled', 'returned', 'refunded']);
const NEEDS_LINES = new Set<string>(['created', 'in_progress', 'delivered']);
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+?[0-9()\-.\s/]{3,40}$/;
const PHONE_DIGITS = /\d.*\d.*\d/;
const LANGUAGE = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

type Bag = Record<string, unknown>;

function isBag(value: unknown): value is Bag {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Mirrors readText: text whose ends are above U+0020 is kept as is, other text only if trim() keeps it. */
function text(value: unknown, max: number): boolean {
	if (typeof value !== 'string' || value.length === 0 || value.length > max) return false;
	return (value.charCodeAt(0) > 32 && value.charCodeAt(value.length - 1) > 32) || value.trim() === value;
}

function optionalText(value: unknown, max: number = LIMITS.text): boolean {
	return value === undefined || text(value, max);
}

function amount(value: unknown): boolean {
	return typeof value === 'number' && value >= 0 && value <= LIMITS.money && roundMoney(value) === value;
}

function optionalAmount(value: unknown): boolean {
	return value === undefined || amount(value);
}

function textList(value: unknown): boolean {
	if (value === undefined) return true;
	if (!Array.isArray(value) || value.length === 0 || value.length > LIMITS.listItems) return false;
	for (let i = 0; i < value.length; i++) if (!text(value[i], LIMITS.text)) return false;
	return true;
}

function attributes(value: unknown): boolean {
	if (value === undefined) return true;
	if (!isBag(value)) return false;
	const keys = Object.keys(value);
	if (keys.length === 0 || keys.length > LIMITS.attributes) return false;
	for (const key of keys) {
		if (key.length === 0 || key.length > LIMITS.attributeKey || RESERVED.has(key)) return false;
		const item = value[key];
		if (typeof item === 'string') {
			if (item.length > LIMITS.attributeValue) return false;
		} else if (typeof item === 'number') {
			if (!Number.isFinite(item)) return false;
		} else if (typeof item !== 'boolean') return false;
	}
	return true;
}

function address(value: unknown): boolean {
	if (value === undefined) return true;
	if (!isBag(value)) return false;
	const { street1, street2, city, region, postalCode, country } = value;
	if (street1 === undefined && street2 === undefined && city === undefined && region === undefined && postalCode === undefined && country === undefined) return false;
	return optionalText(street1) && optionalText(street2) && optionalText(city) && optionalText(region) && optionalText(postalCode) && optionalText(country);
}

function customer(value: unknown): boolean {
	if (!isBag(value)) return false;
	const { id, email, emailHash, phone, firstName, lastName } = value;
	if (!optionalText(id) || !optionalText(emailHash, 256) || !optionalText(firstName) || !optionalText(lastName)) return false;
	if (email !== undefined && !(text(email, 254) && EMAIL.test(email as string))) return false;
	if (phone !== undefined && !(text(phone, 64) && PHONE.test(phone as string) && PHONE_DIGITS.test(phone as string))) return false;
	return address(value.billingAddress) && address(value.shippingAddress);
}

function line(value: unknown): boolean {
	if (!isBag(value)) return false;
	const { productId, quantity, unitPrice, discount } = value;
	if (!text(productId, LIMITS.text)) return false;
	if (typeof quantity !== 'number' || !(quantity > 0) || quantity > LIMITS.quantity || roundMoney(quantity) !== quantity) return false;
	if (!amount(unitPrice) || !optionalAmount(discount) || !optionalAmount(value.subtotal)) return false;
	if (!optionalText(value.sku) || !optionalText(value.name) || !optionalText(value.category)) return false;
	if (!optionalText(value.url, LIMITS.url) || !optionalText(value.imageUrl, LIMITS.url) || !optionalText(value.description, LIMITS.description)) return false;
	if (!attributes(value.attributes)) return false;
	return discount === undefined || compareLineGross(quantity, unitPrice as number, discount as number) >= 0;
}

/** The order's moment when `value` is a canonical fixed point, else undefined (use the full reader). */
export function canonicalFixedPoint(value: unknown): { order: CanonicalOrder; moment: Moment } | undefined {
	if (!isBag(value)) return undefined;
	const status = value.status;
	if (typeof status !== 'string' || !STATUSES.has(status)) return undefined;
	if (!text(value.id, LIMITS.text)) return undefined;
	const moment = canonicalMoment(value.dateTime);
	if (moment === undefined) return undefined;
	if (!customer(value.customer)) return undefined;
	if (!optionalText(value.channel) || !optionalText(value.storeId) || !optionalText(value.couponCode) || !optionalText(value.paymentMethod)) return undefined;
	if (!optionalText(value.ccHash, 256)) return undefined;
	const regionId = value.regionId;
	if (regionId !== undefined && !Number.isSafeInteger(regionId)) return undefined;
	const currency = value.currency;
	if (currency !== undefined && !(typeof currency === 'string' && currency.length === 3 && isIsoCurrency(currency))) return undefined;
	if (!optionalAmount(value.shipping) || !optionalAmount(value.tax) || !optionalAmount(value.discount)) return undefined;
	if (!optionalAmount(value.subtotal) || !optionalAmount(value.total) || !optionalAmount(value.couponValue)) return undefined;
	if (!textList(value.segmentIds) || !textList(value.segmentNames)) return undefined;
	const language = value.language;
	if (language !== undefined && !(text(language, 35) && LANGUAGE.test(language as string))) return undefined;
	if (!attributes(value.attributes)) return undefined;
	const lines = value.lines;
	if (!Array.isArray(lines) || lines.length > LIMITS.lines) return undefined;
	if (lines.length === 0 && NEEDS_LINES.has(status as OrderStatus)) return undefined;
	for (let i = 0; i < lines.length; i++) if (!line(lines[i])) return undefined;
	return { order: value as unknown as CanonicalOrder, moment };
}
