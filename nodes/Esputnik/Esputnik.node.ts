import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { toEsputnikOrder, toEsputnikOrderEvent, toEsputnikSiteEvent } from '../../mapping';
import type { EsputnikBulkOrder, EsputnikEventPayload, EsputnikSiteEventInput } from '../../mapping';
import { dryRunNotices, dryRunProperty, refuseCustomApiCall, subtitleWithDryRun } from '../shared/editor';
import { deliver, deliveryOptionsProperty, executeOrFailEachItem, readDeliverySettings, vendorBaseUrl } from '../shared/delivery';
import type { BatchVerdict, DeliveryOperation, DeliveryUnit } from '../shared/delivery';
import { esputnikBaseUrl } from '../shared/endpoints';
import { annotateOutput, errorFromException, nonPurchaseProperties, nonPurchaseSkip, orderSourceProperties, readOrders, unitsFromOrders } from '../shared/orderSource';
import { describeVendorAnswer, isSuccessStatus } from '../shared/vendorAnswers';

const CREDENTIAL = 'esputnikApi';
const SECRET_FIELDS = ['apiKey'];
const MAX_ORDERS_PER_REQUEST = 1000;
const DEFAULT_ORDERS_PER_REQUEST = 500;

type OrderEventKey = 'orderCreated' | 'orderUpdated' | 'orderDelivered' | 'orderCancelled';
type SiteEventKey = 'pageViewed' | 'productViewed' | 'productCategoryViewed' | 'cartUpdated';
type ContactIdentifier = 'email' | 'phone' | 'externalCustomerId' | 'contactId';

function allOrNothing(response: { statusCode: number; body: unknown }, count: number, isolateOn400: boolean): BatchVerdict {
	const ok = isSuccessStatus(response.statusCode);
	const message = describeVendorAnswer(response.statusCode, response.body);
	return {
		units: Array.from({ length: count }, () => (ok ? { ok: true as const } : { ok: false as const, message })),
		isolateUnits: isolateOn400 && response.statusCode === 400,
	};
}

function eventOperation(baseUrl: string, name: string, version: number, skipByDefault: boolean): DeliveryOperation<EsputnikEventPayload> {
	return {
		name,
		credentialType: CREDENTIAL,
		maxBatchSize: 1,
		// The order is keyed by externalOrderId, but every event received starts the contact's
		// workflows again (an e-mail, an SMS). Version 1.2 never repeats one: no retry after a lost
		// answer, and the ledger skips order events sent by earlier runs (site events, where the same
		// page view twice is two views, only when the user turns it on). Version 1 and 1.1 keep retrying.
		retryAmbiguousFailures: version < 1.2,
		ledger: { kind: 'event', onByDefault: skipByDefault && version >= 1.2 },
		secretFields: SECRET_FIELDS,
		buildRequest: ([payload]) => ({ method: 'POST', url: `${baseUrl}/v1/event`, body: payload }),
		readVerdict: (response) => allOrNothing(response, 1, false),
	};
}

function ordersOperation(baseUrl: string): DeliveryOperation<EsputnikBulkOrder> {
	return {
		name: 'esputnik.addOrders',
		credentialType: CREDENTIAL,
		maxBatchSize: MAX_ORDERS_PER_REQUEST,
		retryAmbiguousFailures: true,
		secretFields: SECRET_FIELDS,
		ledger: { kind: 'upsert', onByDefault: false },
		buildRequest: (payloads) => ({ method: 'POST', url: `${baseUrl}/v1/orders`, body: { orders: payloads } }),
		readVerdict: (response, payloads) => allOrNothing(response, payloads.length, true),
	};
}

export class Esputnik implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'eSputnik',
		name: 'esputnik',
		icon: { light: 'file:esputnik.svg', dark: 'file:esputnik.dark.svg' },
		group: ['output'],
		// 1.1 (issue 12): refunded/cancelled/returned orders are skipped by default; v1 keeps sending them.
		// 1.2 (issue 13): events are never repeated (no retry after a lost answer; the sent-orders
		// ledger skips what earlier runs sent).
		version: [1, 1.1, 1.2],
		defaultVersion: 1.2,
		subtitle: subtitleWithDryRun(
			'$parameter["operation"] === "addOrders" ? "Add orders: " + $parameter["source"] : $parameter["operation"] === "sendSiteEvent" ? "Send site event: " + ({ cartUpdated: "cart updated", pageViewed: "page viewed", productCategoryViewed: "product category viewed", productViewed: "product viewed" })[$parameter["siteEventType"]] : "Send order event: " + ({ orderCreated: "order created", orderUpdated: "order updated", orderDelivered: "order delivered", orderCancelled: "order cancelled" })[$parameter["eventTypeKey"]]',
		),
		description: 'Send order events, bulk orders and site events to eSputnik',
		defaults: { name: 'eSputnik' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL, required: true }],
		properties: [
			...dryRunNotices,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Order', value: 'order' },
					{ name: 'Site Event', value: 'siteEvent' },
				],
				default: 'order',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['order'] } },
				options: [
					{
						name: 'Send Order Event',
						value: 'sendOrderEvent',
						action: 'Send an order event',
						description: 'OrderCreated, orderUpdated, orderDelivered or orderCancelled through v1/event',
					},
					{
						name: 'Add Orders',
						value: 'addOrders',
						action: 'Add orders in bulk',
						description: 'Up to 1000 orders per request through v1/orders, for back-fills',
					},
				],
				default: 'sendOrderEvent',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['siteEvent'] } },
				options: [
					{
						name: 'Send Site Event',
						value: 'sendSiteEvent',
						action: 'Send a site event',
						description: 'PageViewed, productViewed, productCategoryViewed or cartUpdated',
					},
				],
				default: 'sendSiteEvent',
			},
			{
				displayName: 'Event Type',
				name: 'eventTypeKey',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { operation: ['sendOrderEvent'] } },
				options: [
					{ name: 'Order Created', value: 'orderCreated' },
					{ name: 'Order Updated', value: 'orderUpdated', description: 'Creates the order when it does not exist' },
					{ name: 'Order Delivered', value: 'orderDelivered' },
					{ name: 'Order Cancelled', value: 'orderCancelled' },
				],
				default: 'orderCreated',
			},
			{
				displayName: 'Contact Identifier',
				name: 'contactIdentifier',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { operation: ['sendOrderEvent'] } },
				description: 'Which contact field finds the contact in eSputnik (the contact must exist)',
				hint: 'The contact must already exist in eSputnik',
				options: [
					{ name: 'Email', value: 'email' },
					{ name: 'Phone', value: 'phone' },
					{ name: 'External Customer ID', value: 'externalCustomerId' },
					{ name: 'ESputnik Contact ID', value: 'contactId' },
				],
				default: 'email',
			},
			{
				displayName: 'Contact ID',
				name: 'contactId',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { operation: ['sendOrderEvent'], contactIdentifier: ['contactId'] } },
			},
			{
				displayName: 'Include Products for Email Templates',
				name: 'includeProducts',
				type: 'boolean',
				default: false,
				description: 'Whether to add the "products" parameter that eSputnik email templates read',
				displayOptions: { show: { operation: ['sendOrderEvent'] } },
			},
			{
				// "Mode" as in the Algonomy node (issue 17: "Source" read like a twin of Order Source).
				displayName: 'Mode',
				name: 'source',
				type: 'options',
				description: 'Where the orders were made; eSputnik stores it as the order source',
				options: [
					{ name: 'Offline', value: 'offline', description: 'Store, POS, call-centre orders' },
					{ name: 'Online', value: 'online', description: 'Orders made on the website or in the app' },
				],
				default: 'offline',
				displayOptions: { show: { operation: ['addOrders'] } },
			},
			...orderSourceProperties({ show: { resource: ['order'] } }),
			...nonPurchaseProperties({ operation: ['sendOrderEvent'], eventTypeKey: ['orderCreated', 'orderUpdated', 'orderDelivered'] }),
			{
				displayName: 'Event Type',
				name: 'siteEventType',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { operation: ['sendSiteEvent'] } },
				options: [
					{ name: 'Cart Updated', value: 'cartUpdated' },
					{ name: 'Page Viewed', value: 'pageViewed' },
					{ name: 'Product Category Viewed', value: 'productCategoryViewed' },
					{ name: 'Product Viewed', value: 'productViewed' },
				],
				default: 'productViewed',
			},
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@email.com',
				default: '={{ $json.email }}',
				description: 'Contact email; email or phone is needed',
				displayOptions: { show: { operation: ['sendSiteEvent'] } },
			},
			{
				displayName: 'Phone',
				name: 'phone',
				type: 'string',
				default: '',
				description: 'Contact phone in international format',
				displayOptions: { show: { operation: ['sendSiteEvent'] } },
			},
			{
				displayName: 'Page URL',
				name: 'location',
				type: 'string',
				default: '',
				required: true,
				description: 'Page URL or deeplink',
				displayOptions: { show: { operation: ['sendSiteEvent'], siteEventType: ['pageViewed'] } },
			},
			{
				displayName: 'Product ID',
				name: 'productId',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { operation: ['sendSiteEvent'], siteEventType: ['productViewed'] } },
			},
			{
				displayName: 'Price',
				name: 'price',
				type: 'number',
				default: 0,
				displayOptions: { show: { operation: ['sendSiteEvent'], siteEventType: ['productViewed'] } },
			},
			{
				displayName: 'In Stock',
				name: 'isInStock',
				type: 'boolean',
				default: true,
				description: 'Whether the product is available',
				displayOptions: { show: { operation: ['sendSiteEvent'], siteEventType: ['productViewed'] } },
			},
			{
				displayName: 'Category ID',
				name: 'productCategoryId',
				type: 'string',
				default: '',
				required: true,
				displayOptions: { show: { operation: ['sendSiteEvent'], siteEventType: ['productCategoryViewed'] } },
			},
			{
				displayName: 'Cart Products',
				name: 'products',
				type: 'json',
				default: '={{ $json.products }}',
				description: 'Array of {"productId", "quantity", "price"} (name, category, discount optional); empty for an emptied cart',
				displayOptions: { show: { operation: ['sendSiteEvent'], siteEventType: ['cartUpdated'] } },
			},
			{
				displayName: 'Cart ID (RecycleStateId)',
				name: 'recycleStateId',
				type: 'string',
				default: '',
				required: true,
				description: 'A new random ID each time the cart changes; it links cart events to the purchase',
				displayOptions: { show: { operation: ['sendSiteEvent'], siteEventType: ['cartUpdated'] } },
			},
			{
				displayName: 'Currency Code',
				name: 'currencyCode',
				type: 'string',
				default: '',
				placeholder: 'USD',
				displayOptions: { show: { operation: ['sendSiteEvent'], siteEventType: ['productViewed', 'cartUpdated'] } },
			},
			dryRunProperty,
			deliveryOptionsProperty(MAX_ORDERS_PER_REQUEST, DEFAULT_ORDERS_PER_REQUEST),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOrFailEachItem(this, async () => {
			refuseCustomApiCall(this, 'eSputnik', 'eSputnik API');
			return await sendOrders(this);
		});
	}
}

async function sendOrders(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const operation = context.getNodeParameter('operation', 0) as string;
	const isBulk = operation === 'addOrders';
	const settings = readDeliverySettings(
		context,
		isBulk ? MAX_ORDERS_PER_REQUEST : 1,
		isBulk ? DEFAULT_ORDERS_PER_REQUEST : 1,
	);
	const baseUrl = await vendorBaseUrl(context, CREDENTIAL, esputnikBaseUrl, settings.dryRun);

	if (operation === 'sendSiteEvent') {
		const units: Array<DeliveryUnit<EsputnikEventPayload>> = items.map((_item, itemIndex) => {
			const eventTypeKey = context.getNodeParameter('siteEventType', itemIndex) as SiteEventKey;
			const read = (name: string, fallback: unknown = '') => context.getNodeParameter(name, itemIndex, fallback);
			try {
				const input: EsputnikSiteEventInput = { eventTypeKey, email: String(read('email') ?? ''), phone: String(read('phone') ?? '') };
				if (eventTypeKey === 'pageViewed') input.pageLocation = String(read('location') ?? '');
				if (eventTypeKey === 'productViewed') {
					input.product = { productId: String(read('productId') ?? ''), price: read('price', 0) as number, isInStock: read('isInStock', true) as boolean };
					input.currencyCode = String(read('currencyCode') ?? '');
				}
				if (eventTypeKey === 'productCategoryViewed') input.categoryId = String(read('productCategoryId') ?? '');
				if (eventTypeKey === 'cartUpdated') {
					const products = read('products', []);
					input.products = (typeof products === 'string' && products.trim() ? JSON.parse(products) : products || []) as EsputnikSiteEventInput['products'];
					input.recycleStateId = String(read('recycleStateId') ?? '');
					input.currencyCode = String(read('currencyCode') ?? '');
				}
				const payload = toEsputnikSiteEvent(input);
				return { itemIndexes: [itemIndex], orderId: '', payload };
			} catch (error) {
				return { itemIndexes: [itemIndex], orderId: '', error: errorFromException(error) };
			}
		});
		return await deliver(context, items.length, units, eventOperation(baseUrl, 'esputnik.sendSiteEvent', context.getNode().typeVersion, false), settings);
	}

	const orders = readOrders(context, items);
	// eSputnik's `date` has no offset (issue 12). Version 1.1: one rule for every source, the wall-clock
	// time in Parsing Options → Time Zone (default UTC). Version 1 keeps the order's own offset, which
	// depended on the source (WooCommerce UTC, Shopify the shop's offset, ERP rows the Time Zone).
	const parsing = context.getNodeParameter('parsing', 0, {}) as { timeZone?: string };
	const timeZone = context.getNode().typeVersion >= 1.1 ? String(parsing.timeZone ?? '').trim() || 'UTC' : undefined;
	if (isBulk) {
		const source = context.getNodeParameter('source', 0, 'offline') as 'online' | 'offline';
		const units = unitsFromOrders(orders, (order) => toEsputnikOrder(order, { source, timeZone }));
		return annotateOutput(await deliver(context, items.length, units, ordersOperation(baseUrl), settings), orders);
	}

	const eventTypeKey = context.getNodeParameter('eventTypeKey', 0) as OrderEventKey;
	const contactIdentifier = context.getNodeParameter('contactIdentifier', 0) as ContactIdentifier;
	const includeProducts = context.getNodeParameter('includeProducts', 0, false) as boolean;
	const units = unitsFromOrders(orders, (order, itemIndex) => {
		const contactId =
			contactIdentifier === 'contactId' ? String(context.getNodeParameter('contactId', itemIndex, '')).trim() : undefined;
		return toEsputnikOrderEvent(order, { eventTypeKey, contactIdentifier, contactId, includeProducts, timeZone });
	}, eventTypeKey === 'orderCancelled' ? undefined : nonPurchaseSkip(context, `eSputnik ${eventTypeKey}`));
	return annotateOutput(await deliver(context, items.length, units, eventOperation(baseUrl, 'esputnik.sendOrderEvent', context.getNode().typeVersion, true), settings), orders);
}
