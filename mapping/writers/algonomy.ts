import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describe, guard, IssueList, OrderValidationError } from '../errors';
import { formatIsoSeconds } from '../dates';
import { optionsResolver } from '../options';
import { LIMITS } from '../values';
import type { CanonicalOrder } from '../model';
import { orderForWriter, setIf } from './common';

/** One order for PUT/POST https://<host>/omnichannel/api/v1/<apiKey>/orders (POST takes an array of these). */
export interface AlgonomyOrderPayload {
	id: number;
	channel?: string;
	userId: string;
	/** ISO 8601 with offset, no milliseconds: "2022-04-25T14:30:00+09:00" */
	dateTime: string;
	paymentMethod?: string;
	emailHash?: string;
	ccHash?: string;
	storeId?: string;
	regionId?: number;
	segmentIds?: string[];
	segmentNames?: string[];
	currency?: string;
	couponCode?: string;
	couponValue?: number;
	lineItems: AlgonomyLineItem[];
}

export interface AlgonomyLineItem {
	/** a number when the product id is a plain whole number ("4556" → 4556), else the text */
	productId: number | string;
	/** always text, as in the vendor's examples ("sku1", "123") */
	skuId?: string;
	quantity: number;
	unitPrice: number;
}

export interface AlgonomyOrderOptions {
	/** channel such as "store" or "POS" (default: order.channel) */
	channel?: string;
}

const resolveOptions = optionsResolver(
	z.object({ channel: z.string().min(1).max(LIMITS.text).nullish() }),
	['channel'],
	(checked) => ({ channel: checked.channel?.trim() || undefined }),
);

const WHOLE_NUMBER = /^(?:0|[1-9]\d{0,15})$/;
const LOOKS_LIKE_EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;

/** SHA-256 hex of the trimmed, lower-cased e-mail address (how Algonomy's emailHash is built here). */
export function hashEmail(email: string): string {
	if (typeof email !== 'string') throw new OrderValidationError([{ path: '', message: `expected an e-mail address, got ${describe(email)}` }]);
	return createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('hex');
}

function asWholeNumber(text: string): number | undefined {
	if (!WHOLE_NUMBER.test(text)) return undefined;
	const value = Number(text);
	return Number.isSafeInteger(value) ? value : undefined;
}

/** PII rule: no plain e-mail address may leave in an Algonomy payload, in any field. */
function refuseEmail(value: string | undefined, path: string, issues: IssueList): void {
	if (value !== undefined && value.indexOf('@') >= 0 && LOOKS_LIKE_EMAIL.test(value)) {
		issues.add(path, 'looks like an e-mail address; Algonomy must never receive a plain e-mail address (use a pseudonymous id)');
	}
}

/**
 * Algonomy (RichRelevance) Omnichannel order. `id` must be a whole number (the vendor's type is integer).
 * `emailHash` = customer.emailHash, else SHA-256 hex of the trimmed lower-cased e-mail; the plain e-mail is
 * never written. `userId` = customer.id (mandatory).
 *
 * productId/skuId typing, decided from the vendor's examples: the field table says "integer" for both, but
 * every example sends productId as a number (4556) and skuId as text ("sku1", and "123" even when it is
 * digits). So productId becomes a number when it is a plain whole number that fits exactly, otherwise it
 * stays text (catalogs with alphanumeric ids); skuId is always text.
 */
export function toAlgonomyOrder(order: CanonicalOrder, options?: AlgonomyOrderOptions): AlgonomyOrderPayload {
	return guard(() => {
		const settings = resolveOptions(options);
		const { order: source, moment } = orderForWriter(order);
		const issues = new IssueList();
		const id = asWholeNumber(source.id);
		if (id === undefined) issues.add('id', `Algonomy needs a whole-number order id, got ${describe(source.id)}`);
		const userId = source.customer.id;
		if (userId === undefined) issues.add('customer.id', 'is required by Algonomy (userId)');
		refuseEmail(userId, 'customer.id', issues);
		const channel = settings.channel ?? source.channel;
		refuseEmail(channel, settings.channel !== undefined ? 'options.channel' : 'channel', issues);
		refuseEmail(source.paymentMethod, 'paymentMethod', issues);
		refuseEmail(source.storeId, 'storeId', issues);
		refuseEmail(source.couponCode, 'couponCode', issues);
		refuseEmail(source.ccHash, 'ccHash', issues);
		refuseEmail(source.customer.emailHash, 'customer.emailHash', issues);
		source.segmentIds?.forEach((value, i) => refuseEmail(value, `segmentIds[${i}]`, issues));
		source.segmentNames?.forEach((value, i) => refuseEmail(value, `segmentNames[${i}]`, issues));
		if (source.lines.length === 0) issues.add('lines', 'must have at least one line (Algonomy lineItems are mandatory)');
		const lineItems: AlgonomyLineItem[] = [];
		for (let i = 0; i < source.lines.length; i++) {
			const line = source.lines[i];
			if (!Number.isInteger(line.quantity)) {
				issues.add(`lines[${i}].quantity`, `Algonomy needs a whole-number quantity, got ${line.quantity}`);
			}
			refuseEmail(line.productId, `lines[${i}].productId`, issues);
			refuseEmail(line.sku, `lines[${i}].sku`, issues);
			const item: AlgonomyLineItem = { productId: asWholeNumber(line.productId) ?? line.productId } as AlgonomyLineItem;
			if (line.sku !== undefined) item.skuId = line.sku;
			item.quantity = line.quantity;
			item.unitPrice = line.unitPrice;
			lineItems.push(item);
		}
		if (issues.length > 0) throw new OrderValidationError(issues.items);

		const payload = { id } as AlgonomyOrderPayload;
		setIf(payload, 'channel', channel);
		payload.userId = userId as string;
		payload.dateTime = formatIsoSeconds(moment);
		setIf(payload, 'paymentMethod', source.paymentMethod);
		const emailHash = source.customer.emailHash ?? (source.customer.email !== undefined ? hashEmail(source.customer.email) : undefined);
		setIf(payload, 'emailHash', emailHash);
		setIf(payload, 'ccHash', source.ccHash);
		setIf(payload, 'storeId', source.storeId);
		setIf(payload, 'regionId', source.regionId);
		if (source.segmentIds !== undefined) payload.segmentIds = source.segmentIds.slice();
		if (source.segmentNames !== undefined) payload.segmentNames = source.segmentNames.slice();
		setIf(payload, 'currency', source.currency);
		setIf(payload, 'couponCode', source.couponCode);
		setIf(payload, 'couponValue', source.couponValue);
		payload.lineItems = lineItems;
		return payload;
	});
}
