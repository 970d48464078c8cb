/** The canonical order every reader produces and every writer consumes. */

export type OrderStatus = 'created' | 'in_progress' | 'delivered' | 'cancelled' | 'returned' | 'refunded';

export const ORDER_STATUSES: readonly OrderStatus[] = ['created', 'in_progress', 'delivered', 'cancelled', 'returned', 'refunded'];

export interface Address {
	street1?: string;
	street2?: string;
	city?: string;
	region?: string;
	postalCode?: string;
	country?: string;
}

export interface Customer {
	id?: string;
	email?: string;
	emailHash?: string;
	phone?: string;
	firstName?: string;
	lastName?: string;
	billingAddress?: Address;
	shippingAddress?: Address;
}

export interface OrderLine {
	productId: string;
	sku?: string;
	name?: string;
	category?: string;
	/** > 0; fractions allowed (weights) */
	quantity: number;
	/** unit price BEFORE the line's discount, ≥ 0, up to 6 decimals */
	unitPrice: number;
	/** discount on the whole line (not per unit, includes order-level discounts the shop allocated to the line), ≥ 0 */
	discount?: number;
	/** line amount after its discount = quantity × unitPrice − discount (computed so when missing and a vendor needs it) */
	subtotal?: number;
	url?: string;
	imageUrl?: string;
	description?: string;
	attributes?: Record<string, string | number | boolean>;
}

/**
 * Amounts are magnitudes (never negative): a refund of 30 has total 30 and status "refunded".
 * All amounts keep at most 6 decimals. All amounts of one order are in one price basis, the shop's:
 * tax included when the shop enters prices with tax (WooCommerce prices_include_tax, Shopify
 * taxes_included), else without tax; `tax` is the order's tax either way (included or added).
 */
export interface CanonicalOrder {
	id: string;
	/** normalized ISO 8601 with numeric offset, e.g. 2022-04-25T14:30:00.000+09:00 */
	dateTime: string;
	status: OrderStatus;
	customer: Customer;
	channel?: string;
	storeId?: string;
	regionId?: number;
	/** ISO 4217, upper case */
	currency?: string;
	/** what the buyer pays for shipping (after shipping discounts) */
	shipping?: number;
	/** the order's tax (included in the amounts or added to them, see the price basis above) */
	tax?: number;
	/** all discounts of the order as the shop reports them (line discounts included): information, not a term of the total */
	discount?: number;
	/**
	 * ONE meaning for every reader (issue 12): Σ line amounts after line discounts (Σ lines[].subtotal),
	 * before any order-level discount not allocated to lines, shipping and tax.
	 */
	subtotal?: number;
	/** what the buyer pays: subtotal − unallocated order-level discount + shipping (+ tax when not included) */
	total?: number;
	couponCode?: string;
	couponValue?: number;
	paymentMethod?: string;
	ccHash?: string;
	segmentIds?: string[];
	segmentNames?: string[];
	language?: string;
	attributes?: Record<string, string | number | boolean>;
	lines: OrderLine[];
}

/** Status words accepted on input (after lower-casing and turning spaces/hyphens into "_"). */
const STATUS_ALIASES: Record<string, OrderStatus> = {
	created: 'created',
	create: 'created',
	new: 'created',
	open: 'created',
	placed: 'created',
	pending: 'created',
	pending_payment: 'created',
	on_hold: 'created',
	authorized: 'created',
	initialized: 'created',
	checkout_draft: 'created',
	in_progress: 'in_progress',
	inprogress: 'in_progress',
	processing: 'in_progress',
	paid: 'in_progress',
	partially_paid: 'in_progress',
	shipped: 'in_progress',
	partially_shipped: 'in_progress',
	partially_fulfilled: 'in_progress',
	partial: 'in_progress',
	dispatched: 'in_progress',
	delivered: 'delivered',
	completed: 'delivered',
	complete: 'delivered',
	fulfilled: 'delivered',
	closed: 'delivered',
	done: 'delivered',
	cancelled: 'cancelled',
	canceled: 'cancelled',
	cancel: 'cancelled',
	voided: 'cancelled',
	void: 'cancelled',
	failed: 'cancelled',
	declined: 'cancelled',
	returned: 'returned',
	return: 'returned',
	refunded: 'refunded',
	refund: 'refunded',
};

const STATUS_LOOKUP = new Map<string, OrderStatus>(Object.entries(STATUS_ALIASES));

/** Canonical status for an input word, or undefined when the word is unknown. */
export function normalizeStatus(text: string): OrderStatus | undefined {
	if (typeof text !== 'string' || text.length > 100) return undefined;
	const direct = STATUS_LOOKUP.get(text);
	if (direct !== undefined) return direct;
	return STATUS_LOOKUP.get(text.trim().toLowerCase().replace(/[\s-]+/g, '_'));
}
