import { z } from 'zod';
import { describe, guard, IssueList, OrderValidationError } from '../errors';
import { formatGmt } from '../dates';
import { optionsResolver } from '../options';
import { copyAttributes, isRecord, LIMITS } from '../values';
import type { CanonicalOrder } from '../model';
import { orderForWriter, setIf } from './common';

/** Body of POST https://<site>.peerius.com/tracker/smart-api/orders/offline (one order per request). */
export interface OptimizelyRecsOrderPayload {
	lang?: string;
	user?: { id: string; info?: Record<string, string> };
	order: {
		refCode: string;
		/** "2016-05-16T14:25:00 GMT" */
		orderDate: string;
		customerId?: string;
		currency?: string;
		shipping?: number;
		subTotal?: number;
		total: number;
		items: OptimizelyRecsOrderItem[];
		attributes?: Record<string, string>;
	};
}

export interface OptimizelyRecsOrderItem {
	refCode: string;
	qty: number;
	price: number;
	attributes?: Record<string, string>;
}

export interface OptimizelyRecsOrderOptions {
	/** store language such as "en-gb" (default: order.language; when neither is set the vendor uses en-gb) */
	lang?: string;
	/** user info key/values (keys must be defined with Optimizely first) */
	userInfo?: Record<string, string>;
	/**
	 * Pseudonymised user id for `user.id` (default: customer.id). Set it when the shop's customer number
	 * (sent as `order.customerId`) is not the id Optimizely knows the user by.
	 */
	userId?: string;
	/** Which line field becomes the item `refCode` (default 'productId'). */
	itemRefCode?: 'productId' | 'sku';
}

const LANG = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/;

const resolveOptions = optionsResolver(
	z.object({
		lang: z.string().min(1).max(35).nullish(),
		userId: z.string().min(1).max(LIMITS.text).nullish(),
		itemRefCode: z.enum(['productId', 'sku']).nullish(),
	}),
	['lang', 'userId', 'itemRefCode'],
	(checked, issues) => {
		if (checked.lang && !LANG.test(checked.lang)) issues.add('options.lang', `expected a language code such as "en-gb", got ${describe(checked.lang)}`);
		return {
			lang: checked.lang ? checked.lang.toLowerCase().replace('_', '-') : undefined,
			userId: checked.userId ?? undefined,
			itemRefCode: checked.itemRefCode ?? 'productId',
		};
	},
);

function readUserInfo(value: unknown, issues: IssueList): Record<string, string> | undefined {
	if (value === undefined || value === null) return undefined;
	if (!isRecord(value)) {
		issues.add('options.userInfo', `expected an object of key/value texts, got ${describe(value)}`);
		return undefined;
	}
	const info: Record<string, string> = {}; // reserved keys are refused below, so a plain object is safe
	let count = 0;
	for (const key of Object.keys(value)) {
		const item = value[key];
		if (key === '__proto__' || key === 'constructor' || key === 'prototype' || key.length === 0 || key.length > LIMITS.attributeKey) {
			issues.add('options.userInfo', `has an entry with an unusable name (${describe(key)})`);
		} else if (typeof item === 'string' && item.length <= LIMITS.attributeValue) {
			info[key] = item;
			count++;
		} else if ((typeof item === 'number' && Number.isFinite(item)) || typeof item === 'boolean') {
			info[key] = String(item);
			count++;
		} else if (item !== undefined && item !== null) {
			issues.add(`options.userInfo.${key}`, `expected text, got ${describe(item)}`);
		}
	}
	return count > 0 ? info : undefined;
}

/**
 * Optimizely Product Recommendations offline order. orderDate is converted to UTC ("… GMT"); `total` is
 * mandatory for the vendor. Attribute values are sent as text, as in the vendor's examples.
 */
export function toOptimizelyRecsOrder(order: CanonicalOrder, options?: OptimizelyRecsOrderOptions): OptimizelyRecsOrderPayload {
	return guard(() => {
		const settings = resolveOptions(options);
		const { order: source, moment } = orderForWriter(order);
		const issues = new IssueList();
		const userInfo = readUserInfo(isRecord(options) ? options.userInfo : undefined, issues);
		if (source.total === undefined) issues.add('total', 'is required by Optimizely');
		const userId = settings.userId ?? source.customer.id;
		if (userInfo !== undefined && userId === undefined) {
			issues.add('customer.id', 'is required when userInfo is given (Optimizely needs user.id)');
		}
		const items: OptimizelyRecsOrderItem[] = [];
		for (let i = 0; i < source.lines.length; i++) {
			const line = source.lines[i];
			const refCode = settings.itemRefCode === 'sku' ? line.sku : line.productId;
			if (refCode === undefined) {
				issues.add(`lines[${i}].sku`, 'is required (itemRefCode is "sku")');
				continue;
			}
			const item: OptimizelyRecsOrderItem = { refCode, qty: line.quantity, price: line.unitPrice };
			if (line.attributes !== undefined) item.attributes = copyAttributes(line.attributes, true) as Record<string, string>;
			items.push(item);
		}
		if (issues.length > 0) throw new OrderValidationError(issues.items);

		const body = {} as OptimizelyRecsOrderPayload;
		const lang = settings.lang ?? source.language?.toLowerCase().replace('_', '-');
		if (lang !== undefined) body.lang = lang;
		if (userId !== undefined) body.user = userInfo !== undefined ? { id: userId, info: userInfo } : { id: userId };
		const target = { refCode: source.id, orderDate: formatGmt(moment) } as OptimizelyRecsOrderPayload['order'];
		setIf(target, 'customerId', source.customer.id);
		setIf(target, 'currency', source.currency);
		setIf(target, 'shipping', source.shipping);
		setIf(target, 'subTotal', source.subtotal);
		target.total = source.total as number;
		target.items = items;
		if (source.attributes !== undefined) target.attributes = copyAttributes(source.attributes, true) as Record<string, string>;
		body.order = target;
		return body;
	});
}
