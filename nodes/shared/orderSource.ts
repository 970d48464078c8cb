import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_FLAT_COLUMNS,
	detectFlatColumns,
	headersOf,
	OrderValidationError,
	parseCanonicalOrder,
	readFlatRows,
	readShopifyOrder,
	readWooCommerceOrder,
} from '../../mapping';
import type { CanonicalOrder, FlatColumnMapping, FlatColumns, OrderIssue, OrderLine, OrderStatus, ParseOptions } from '../../mapping';

/** Where the orders of a run come from; every node offers the same choice. */
export type OrderSourceKind = 'canonical' | 'flatRows' | 'shopify' | 'wooCommerce' | 'fields';

export interface UnitError {
	message: string;
	issues: OrderIssue[];
}

/** One order read from the input: the items it came from, and the order or why it could not be read. */
export interface SourcedOrder {
	itemIndexes: number[];
	orderId: string;
	order?: CanonicalOrder;
	error?: UnitError;
	/** ERP / POS rows: order fields the reader computed (not in the export), e.g. ['subtotal', 'total'] */
	derived?: string[];
	/** ERP / POS rows with "Split Off Returned Lines": the negative-quantity lines, not sent as a purchase */
	returnedLines?: OrderLine[];
	/** ERP / POS rows with column detection: field → column used (the same object for every order of the run) */
	columnMapping?: Partial<FlatColumns>;
}

type Show = { show: Record<string, string[]> };

/** The canonical order statuses, sorted by name for the editor. */
const STATUS_OPTIONS = [
	{ name: 'Cancelled', value: 'cancelled' },
	{ name: 'Created', value: 'created' },
	{ name: 'Delivered', value: 'delivered' },
	{ name: 'In Progress', value: 'in_progress' },
	{ name: 'Refunded', value: 'refunded' },
	{ name: 'Returned', value: 'returned' },
];

export function errorFromException(error: unknown, pathPrefix = ''): UnitError {
	if (error instanceof OrderValidationError) {
		const issues = error.issues.map((issue) => ({
			path: pathPrefix && issue.path ? `${pathPrefix}.${issue.path}` : pathPrefix || issue.path,
			message: issue.message,
		}));
		return { message: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues };
	}
	const message = error instanceof Error ? error.message : String(error);
	return { message, issues: [{ path: pathPrefix, message }] };
}

const COLUMN_LABELS: Record<keyof FlatColumns, string> = {
	orderId: 'Order ID',
	orderDate: 'Order Date',
	status: 'Status',
	customerId: 'Customer ID',
	email: 'Email',
	phone: 'Phone',
	firstName: 'First Name',
	lastName: 'Last Name',
	currency: 'Currency',
	shipping: 'Shipping',
	tax: 'Tax',
	discount: 'Discount',
	subtotal: 'Subtotal',
	total: 'Total',
	couponCode: 'Coupon Code',
	couponValue: 'Coupon Value',
	paymentMethod: 'Payment Method',
	storeId: 'Store ID',
	regionId: 'Region ID',
	channel: 'Channel',
	productId: 'Product ID',
	sku: 'SKU',
	productName: 'Product Name',
	category: 'Category',
	quantity: 'Quantity',
	unitPrice: 'Unit Price',
	lineDiscount: 'Line Discount',
	lineSubtotal: 'Line Subtotal',
	productUrl: 'Product URL',
	imageUrl: 'Image URL',
	emailHash: 'Email Hash',
	ccHash: 'Card Hash',
	language: 'Language',
	segmentIds: 'Segment IDs',
	segmentNames: 'Segment Names',
	billingStreet1: 'Billing Street 1',
	billingStreet2: 'Billing Street 2',
	billingCity: 'Billing City',
	billingRegion: 'Billing Region',
	billingPostalCode: 'Billing Postal Code',
	billingCountry: 'Billing Country',
	shippingStreet1: 'Shipping Street 1',
	shippingStreet2: 'Shipping Street 2',
	shippingCity: 'Shipping City',
	shippingRegion: 'Shipping Region',
	shippingPostalCode: 'Shipping Postal Code',
	shippingCountry: 'Shipping Country',
	productDescription: 'Product Description',
};

function columnOptions(): INodeProperties[] {
	const defaults = DEFAULT_FLAT_COLUMNS as unknown as Record<string, string>;
	return (Object.keys(COLUMN_LABELS) as Array<keyof FlatColumns & string>)
		.map((key) => ({
			displayName: `${COLUMN_LABELS[key]} Column`,
			name: key,
			type: 'string' as const,
			default: defaults[key] ?? '',
			description: `Name of the column holding the ${COLUMN_LABELS[key].toLowerCase()}`,
		}))
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The order-source parameters, shown for the given operations. */
export function orderSourceProperties(displayOptions: Show): INodeProperties[] {
	const when = (sources: OrderSourceKind[]): Show => ({
		show: { ...displayOptions.show, orderSource: sources },
	});
	return [
		{
			displayName: 'Order Source',
			name: 'orderSource',
			type: 'options',
			noDataExpression: true,
			displayOptions,
			options: [
				{
					name: 'Define Below',
					value: 'fields',
					description: 'Set the order fields in this node, with expressions',
				},
				{
					name: 'ERP / POS Rows (One Row per Order Line)',
					value: 'flatRows',
					description: 'Rows of an export, e.g. from Extract From File; rows of one order are grouped by the order ID column, even when interleaved',
				},
				{
					name: 'Order Model (JSON)',
					value: 'canonical',
					description: "Items already in this package's order model",
				},
				{
					name: 'Shopify Order Webhook',
					value: 'shopify',
					description: 'Bodies of orders/create, orders/paid, orders/updated, orders/cancelled or refunds/create webhooks',
				},
				{
					name: 'WooCommerce Order Webhook',
					value: 'wooCommerce',
					description: 'Bodies of order.created or order.updated webhooks',
				},
			],
			default: 'flatRows',
			hint: 'ERP / POS exports: one row per order line. Shopify / WooCommerce: the order body of their trigger or webhook.',
		},
		{
			displayName: 'Input Field',
			name: 'sourceField',
			type: 'string',
			default: '',
			placeholder: 'body',
			hint: 'Empty: the whole item (or its "body")',
			description:
				'Dot path of the field that holds the order in each item; leave empty to use the whole item (webhook bodies under "body" are found either way)',
			displayOptions: when(['canonical', 'shopify', 'wooCommerce']),
		},
		{
			displayName: 'Column Names',
			name: 'columns',
			type: 'collection',
			placeholder: 'Change Column Name',
			default: {},
			hint: 'Needed only for columns not named order_id, order_date, product_id, quantity, unit_price, …',
			description: 'Only needed when your export uses other column names than the defaults (order_id, product_id, quantity, ...)',
			displayOptions: when(['flatRows']),
			options: columnOptions(),
		},
		{
			displayName: 'ERP / POS Options',
			name: 'erpOptions',
			type: 'collection',
			placeholder: 'Add ERP / POS Option',
			default: {},
			description: 'How to read real exports: header detection, amounts derived from the lines, returns on the same receipt',
			displayOptions: when(['flatRows']),
			options: [
				{
					displayName: 'Derive Missing Amounts',
					name: 'deriveAmounts',
					type: 'boolean',
					default: true,
					description:
						'Whether to compute a missing order subtotal (Σ quantity × unit price − line discount, or the line subtotal) and total (subtotal − discount + shipping, + tax for net prices). Values in the export always win; each output item lists the derived fields under "derived".',
				},
				{
					displayName: 'Detect Columns',
					name: 'detectColumns',
					type: 'boolean',
					default: true,
					description:
						'Whether to find columns from their header names (English, German, French, Spanish, Italian, Dutch, Polish; table in mapping/README.md). Column Names typed above win; two headers meaning one field are an error. Each output item shows the mapping under "columnMapping".',
				},
				{
					displayName: 'Negative Quantities',
					name: 'negativeQuantities',
					type: 'options',
					options: [
						{ name: 'Refuse the Order', value: 'refuse', description: 'A line with a negative quantity is an error for its order' },
						{
							name: 'Send the Purchase, Report Returned Lines',
							value: 'splitReturns',
							description:
								'Send the positive lines as the purchase (totals recomputed from them); the returned lines are listed in the output item under "returnedLines" to send as a return separately',
						},
					],
					default: 'splitReturns',
					description: 'What a line with a negative quantity (a return on the same receipt) does. Never sent as a purchase.',
				},
				{
					displayName: 'Unit Prices Include Tax',
					name: 'pricesIncludeTax',
					type: 'boolean',
					default: true,
					description: 'Whether unit prices are gross (as on most European tills): then the tax column is not added to a derived total',
				},
			],
		},
		{
			displayName: 'Order ID',
			name: 'orderId',
			type: 'string',
			default: '={{ $json.order_id }}',
			required: true,
			displayOptions: when(['fields']),
		},
		{
			displayName: 'Order Date',
			name: 'orderDate',
			type: 'string',
			default: '={{ $json.order_date }}',
			required: true,
			hint: 'ISO 8601 (2026-11-21T14:05:00+01:00), epoch seconds or milliseconds',
			description: 'ISO 8601, epoch seconds or milliseconds, or your own format set under Parsing',
			displayOptions: when(['fields']),
		},
		{
			displayName: 'Lines',
			name: 'lines',
			type: 'json',
			default: '={{ $json.lines }}',
			required: true,
			hint: 'A JSON array: [{"productId": "A1", "quantity": 1, "unitPrice": 9.99}]',
			description:
				'Array of lines: [{"productId": "A1", "quantity": 1, "unitPrice": 9.99, "sku": "...", "name": "..."}]',
			displayOptions: when(['fields']),
		},
		{
			displayName: 'Order Fields',
			name: 'orderFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions: when(['fields']),
			options: [
				{ displayName: 'Channel', name: 'channel', type: 'string', default: '' },
				{ displayName: 'Coupon Code', name: 'couponCode', type: 'string', default: '' },
				{ displayName: 'Coupon Value', name: 'couponValue', type: 'string', default: '' },
				{ displayName: 'Currency', name: 'currency', type: 'string', default: '', placeholder: 'EUR' },
				{ displayName: 'Customer Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
				{ displayName: 'Customer First Name', name: 'firstName', type: 'string', default: '' },
				{ displayName: 'Customer ID', name: 'customerId', type: 'string', default: '' },
				{ displayName: 'Customer Last Name', name: 'lastName', type: 'string', default: '' },
				{ displayName: 'Customer Phone', name: 'phone', type: 'string', default: '' },
				{ displayName: 'Discount', name: 'discount', type: 'string', default: '' },
				{ displayName: 'Payment Method', name: 'paymentMethod', type: 'string', default: '' },
				{ displayName: 'Shipping', name: 'shipping', type: 'string', default: '' },
				{
					displayName: 'Status',
					name: 'status',
					type: 'options',
					options: STATUS_OPTIONS,
					default: 'created',
				},
				{ displayName: 'Store ID', name: 'storeId', type: 'string', default: '' },
				{ displayName: 'Subtotal', name: 'subtotal', type: 'string', default: '' },
				{ displayName: 'Tax', name: 'tax', type: 'string', default: '' },
				{ displayName: 'Total', name: 'total', type: 'string', default: '' },
			],
		},
		{
			displayName: 'Parsing',
			name: 'parsing',
			type: 'collection',
			placeholder: 'Add Parsing Option',
			default: {},
			displayOptions: { show: { ...displayOptions.show } },
			options: [
				{
					displayName: 'Customer E-Mail (When Missing)',
					name: 'customerEmail',
					type: 'string',
					placeholder: 'e.g. {{ $json.customer.email }}',
					default: '',
					description:
						'E-mail for orders that carry none, e.g. Shopify refunds/create bodies (they have no customer): an expression reading it from the original order looked up before this node',
				},
				{
					displayName: 'Customer ID (When Missing)',
					name: 'customerId',
					type: 'string',
					default: '',
					description: 'Customer ID for orders that carry none (see Customer E-Mail)',
				},
				{
					displayName: 'Date Format',
					name: 'dateFormat',
					type: 'string',
					default: '',
					placeholder: 'dd.MM.yyyy HH:mm',
					description:
						'Luxon format of dates that are not ISO 8601 or epoch numbers, e.g. "dd.MM.yyyy HH:mm" for 22.11.2026 14:05',
				},
				{
					displayName: 'Decimal Comma',
					name: 'decimalComma',
					type: 'boolean',
					default: false,
					description: 'Whether amounts use a decimal comma, like 1.234,50',
				},
				{
					displayName: 'Default Currency',
					name: 'defaultCurrency',
					type: 'string',
					default: '',
					placeholder: 'EUR',
					description: 'ISO 4217 code used when an order has none',
				},
				{
					displayName: 'Default Status',
					name: 'defaultStatus',
					type: 'options',
					// Written out (not built from STATUS_OPTIONS): n8n's lint checks the default against a literal list.
					options: [
						{ name: 'Cancelled', value: 'cancelled' },
						{ name: 'Created', value: 'created' },
						{ name: 'Delivered', value: 'delivered' },
						{ name: 'In Progress', value: 'in_progress' },
						{ name: 'None (Status Required)', value: '' },
						{ name: 'Refunded', value: 'refunded' },
						{ name: 'Returned', value: 'returned' },
					],
					default: 'created',
					description: 'Status of orders that carry none (ERP exports often have no status column)',
				},
				{
					displayName: 'Shopify Currency',
					name: 'shopifyCurrency',
					type: 'options',
					options: [
						{ name: 'Presentment Currency', value: 'presentment', description: 'The currency the buyer saw and paid in (presentment_currency, presentment_money)' },
						{ name: 'Shop Currency', value: 'shop', description: 'The shop\'s own currency (currency, shop_money)' },
					],
					default: 'shop',
					description: 'For Shopify orders paid in another currency than the shop\'s: which amounts and currency are sent',
				},
				{
					displayName: 'Time Zone',
					name: 'timeZone',
					type: 'string',
					default: 'UTC',
					placeholder: 'Europe/Berlin',
					description: 'IANA zone for dates written without an offset',
				},
			],
		},
	];
}

function pickField(json: IDataObject, path: string): unknown {
	if (!path) return json;
	let current: unknown = json;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) {
			return undefined;
		}
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

function compact(values: Record<string, unknown>): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(values)) {
		if (value !== '' && value !== undefined && value !== null) result[key] = value;
	}
	return result;
}

function readParseOptions(context: IExecuteFunctions): ParseOptions {
	const parsing = context.getNodeParameter('parsing', 0, {}) as IDataObject;
	return compact({
		defaultStatus: parsing.defaultStatus === undefined ? 'created' : parsing.defaultStatus,
		dateFormat: parsing.dateFormat,
		timeZone: parsing.timeZone,
		decimalComma: parsing.decimalComma === true ? true : undefined,
		defaultCurrency: parsing.defaultCurrency,
	}) as ParseOptions;
}

function orderIdGuess(value: unknown): string {
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		for (const key of ['id', 'order_id', 'orderId', 'number', 'order_number']) {
			const candidate = record[key];
			if (typeof candidate === 'string' || typeof candidate === 'number') return String(candidate);
		}
	}
	return '';
}

function readOneByOne(
	items: INodeExecutionData[],
	read: (itemIndex: number) => { order: CanonicalOrder } | { error: UnitError; idGuess: string },
): SourcedOrder[] {
	return items.map((_item, itemIndex) => {
		const result = read(itemIndex);
		return 'order' in result
			? { itemIndexes: [itemIndex], orderId: result.order.id, order: result.order }
			: { itemIndexes: [itemIndex], orderId: result.idGuess, error: result.error };
	});
}

/**
 * Reads the orders of this run from the input items, as the user configured. Every item index
 * appears in exactly one returned entry; nothing is dropped. Customer fields the order lacks are
 * filled from Parsing Options → Customer E-Mail / Customer ID (When Missing), per item (issue 12:
 * Shopify refunds carry no customer).
 */
export function readOrders(context: IExecuteFunctions, items: INodeExecutionData[]): SourcedOrder[] {
	const parsing = context.getNodeParameter('parsing', 0, {}) as IDataObject;
	const sourced = readOrdersAsGiven(context, items);
	if (parsing.customerEmail === undefined && parsing.customerId === undefined) return sourced;
	return sourced.map((entry) => (entry.order ? fillCustomer(context, entry) : entry));
}

function fillCustomer(context: IExecuteFunctions, entry: SourcedOrder): SourcedOrder {
	const order = entry.order as CanonicalOrder;
	const itemIndex = entry.itemIndexes[0];
	const email = order.customer.email === undefined ? String(context.getNodeParameter('parsing.customerEmail', itemIndex, '') ?? '').trim() : '';
	const id = order.customer.id === undefined ? String(context.getNodeParameter('parsing.customerId', itemIndex, '') ?? '').trim() : '';
	if (email === '' && id === '') return entry;
	try {
		// Re-read so the filled values get the same checks as any other (a bad e-mail is this order's error).
		const filled = parseCanonicalOrder({ ...order, customer: { ...order.customer, ...compact({ email, id }) } });
		return { ...entry, order: filled };
	} catch (error) {
		return { itemIndexes: entry.itemIndexes, orderId: entry.orderId, error: errorFromException(error) };
	}
}

function readOrdersAsGiven(context: IExecuteFunctions, items: INodeExecutionData[]): SourcedOrder[] {
	if (items.length === 0) return [];
	const source = context.getNodeParameter('orderSource', 0) as OrderSourceKind;
	const parseOptions = readParseOptions(context);

	if (source === 'flatRows') {
		let columns = compact(context.getNodeParameter('columns', 0, {}) as IDataObject) as Partial<FlatColumns>;
		// Options not added to the collection keep the behaviour of workflows saved before they existed.
		const erp = context.getNodeParameter('erpOptions', 0, {}) as IDataObject;
		const rows = items.map((item) => item.json);
		let columnMapping: Partial<FlatColumns> | undefined;
		if (erp.detectColumns === true) {
			try {
				columnMapping = detectFlatColumns(headersOf(rows), columns).columns;
			} catch (error) {
				throw new NodeOperationError(context.getNode(), errorFromException(error).message, {
					description: 'Name the right column under Column Names, or switch off Detect Columns',
				});
			}
			columns = columnMapping;
		}
		const groups = readFlatRows(rows, {
			...parseOptions,
			columns: columns as Partial<FlatColumnMapping>,
			deriveAmounts: erp.deriveAmounts === true,
			pricesIncludeTax: erp.pricesIncludeTax !== false,
			splitReturns: erp.negativeQuantities === 'splitReturns',
		});
		return groups.map((group) => {
			const sourced: SourcedOrder = {
				itemIndexes: group.rowIndexes,
				orderId: group.orderId,
				order: group.order,
				error: group.error ? errorFromException(group.error) : undefined,
			};
			if (group.derived !== undefined) sourced.derived = group.derived;
			if (group.returnLines !== undefined) sourced.returnedLines = group.returnLines;
			if (columnMapping !== undefined) sourced.columnMapping = columnMapping;
			return sourced;
		});
	}

	if (source === 'fields') {
		return readOneByOne(items, (itemIndex) => {
			const orderFields = context.getNodeParameter('orderFields', itemIndex, {}) as IDataObject;
			const input: Record<string, unknown> = {
				id: context.getNodeParameter('orderId', itemIndex, ''),
				dateTime: context.getNodeParameter('orderDate', itemIndex, ''),
				lines: context.getNodeParameter('lines', itemIndex, []),
				status: orderFields.status ?? 'created',
				customer: compact({
					id: orderFields.customerId,
					email: orderFields.email,
					phone: orderFields.phone,
					firstName: orderFields.firstName,
					lastName: orderFields.lastName,
				}),
				...compact({
					channel: orderFields.channel,
					storeId: orderFields.storeId,
					currency: orderFields.currency,
					shipping: orderFields.shipping,
					tax: orderFields.tax,
					discount: orderFields.discount,
					subtotal: orderFields.subtotal,
					total: orderFields.total,
					couponCode: orderFields.couponCode,
					couponValue: orderFields.couponValue,
					paymentMethod: orderFields.paymentMethod,
				}),
			};
			if (typeof input.lines === 'string') {
				try {
					input.lines = JSON.parse(input.lines);
				} catch {
					return {
						error: { message: 'lines: expected a JSON array of lines', issues: [{ path: 'lines', message: 'expected a JSON array of lines' }] },
						idGuess: String(input.id ?? ''),
					};
				}
			}
			try {
				return { order: parseCanonicalOrder(input, parseOptions) };
			} catch (error) {
				return { error: errorFromException(error), idGuess: String(input.id ?? '') };
			}
		});
	}

	const parsing = context.getNodeParameter('parsing', 0, {}) as IDataObject;
	const money = parsing.shopifyCurrency === 'presentment' ? 'presentment' : 'shop';
	const reader =
		source === 'shopify'
			? (value: unknown, options: ParseOptions) => readShopifyOrder(value, { ...options, money })
			: source === 'wooCommerce'
				? readWooCommerceOrder
				: parseCanonicalOrder;
	const sourceField = (context.getNodeParameter('sourceField', 0, '') as string).trim();
	return readOneByOne(items, (itemIndex) => {
		const value = pickField(items[itemIndex].json, sourceField);
		try {
			return { order: reader(value, parseOptions) };
		} catch (error) {
			return { error: errorFromException(error), idGuess: orderIdGuess(value) };
		}
	});
}

/** Statuses that are not a purchase: a purchase operation does not send them unless told to (issue 12). */
const NON_PURCHASE_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['cancelled', 'returned', 'refunded']);

const SEND_NON_PURCHASE = 'sendNonPurchaseOrders';

/**
 * The "Send Refunded or Cancelled Orders" switch of a purchase operation. Light node versioning: the
 * node's version 1 always sent them (as a sale), so saved v1 workflows keep that (default true);
 * version 1.1, what new nodes get, leaves them out by default (status `skipped` with the reason).
 */
export function nonPurchaseProperties(show: Record<string, string[]>): INodeProperties[] {
	const base = {
		displayName: 'Send Refunded or Cancelled Orders',
		name: SEND_NON_PURCHASE,
		type: 'boolean' as const,
		hint: 'Off: refunded, cancelled and returned orders are skipped, with the reason in their output item',
		description:
			'Whether to send orders whose status is cancelled, returned or refunded as a purchase anyway. When off, they are not sent and their output item has status "skipped" with the reason.',
	};
	return [
		{ ...base, default: true, displayOptions: { show: { ...show, '@version': [1] } } },
		{ ...base, default: false, displayOptions: { show: { ...show, '@version': [{ _cnd: { gte: 1.1 } }] } } },
	];
}

/**
 * For a purchase operation: a function giving the reason an order is not sent, or undefined to send it.
 * Reads the switch; a node without it (not shown) falls back to sending, the v1 behaviour.
 */
export function nonPurchaseSkip(context: IExecuteFunctions, operationLabel: string): ((order: CanonicalOrder) => string | undefined) | undefined {
	const sendAnyway = context.getNodeParameter(SEND_NON_PURCHASE, 0, true) as boolean;
	if (sendAnyway) return undefined;
	return (order) =>
		NON_PURCHASE_STATUSES.has(order.status)
			? `Not sent: the order's status is "${order.status}", which is not a purchase, and ${operationLabel} would record it as a sale (turn on Send Refunded or Cancelled Orders to send it anyway)`
			: undefined;
}

/**
 * Turns read orders into delivery units by running a vendor writer; writer errors fail only that order.
 * `skip` names why an order is deliberately not sent (the unit is then `skipped`, the writer not run).
 */
export function unitsFromOrders<P>(
	orders: SourcedOrder[],
	write: (order: CanonicalOrder, firstItemIndex: number) => P,
	skip?: (order: CanonicalOrder) => string | undefined,
): Array<{ itemIndexes: number[]; orderId: string; payload?: P; error?: UnitError; order?: CanonicalOrder; skipped?: string }> {
	return orders.map((sourced) => {
		if (!sourced.order) return { itemIndexes: sourced.itemIndexes, orderId: sourced.orderId, error: sourced.error };
		const reason = skip?.(sourced.order);
		if (reason !== undefined) return { itemIndexes: sourced.itemIndexes, orderId: sourced.orderId, order: sourced.order, skipped: reason };
		try {
			return { itemIndexes: sourced.itemIndexes, orderId: sourced.orderId, payload: write(sourced.order, sourced.itemIndexes[0]), order: sourced.order };
		} catch (error) {
			return { itemIndexes: sourced.itemIndexes, orderId: sourced.orderId, error: errorFromException(error) };
		}
	});
}

/**
 * Adds what the reader did to each output item of an order (ERP / POS rows): `derived`, `returnedLines`,
 * `columnMapping`, and any `extra` fields a node adds (e.g. the number Algonomy got as id). Error items
 * get them in `details`. Output items are one per input item, in input order.
 */
export function annotateOutput(
	output: INodeExecutionData[][],
	orders: SourcedOrder[],
	extra?: (sourced: SourcedOrder) => IDataObject | undefined,
): INodeExecutionData[][] {
	const items = output[0];
	if (items === undefined) return output;
	for (const sourced of orders) {
		const fields: IDataObject = {};
		if (sourced.derived !== undefined) fields.derived = sourced.derived;
		if (sourced.returnedLines !== undefined) fields.returnedLines = sourced.returnedLines as unknown as IDataObject[];
		if (sourced.columnMapping !== undefined) fields.columnMapping = sourced.columnMapping as IDataObject;
		const more = extra?.(sourced);
		if (more !== undefined) Object.assign(fields, more);
		if (Object.keys(fields).length === 0) continue;
		for (const itemIndex of sourced.itemIndexes) {
			const item = items[itemIndex];
			if (item === undefined) continue;
			const details = item.json.details;
			if (item.json.error !== undefined && details !== null && typeof details === 'object' && !Array.isArray(details)) {
				item.json.details = { ...(details as IDataObject), ...fields };
			} else item.json = { ...item.json, ...fields };
		}
	}
	return output;
}
