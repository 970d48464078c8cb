import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';

import {
	ESPUTNIK_CONTACTS_MAX,
	esputnikContactKey,
	esputnikContactShape,
	toEsputnikContact,
	toEsputnikContactsRequest,
	toEsputnikOrder,
	toEsputnikOrderEvent,
	toEsputnikSiteEvent,
} from '../../mapping';
import type { CanonicalOrder, EsputnikBulkOrder, EsputnikContact, EsputnikContactKey, EsputnikEventPayload, EsputnikSiteEventInput } from '../../mapping';
import { asyncSessionIdOf, DEFAULT_IMPORT_WAIT_SECONDS, upsertContacts, waitForImport } from './contacts';
import type { ImportOutcome, ImportWait } from './contacts';
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

function contactsOperation(baseUrl: string, dedupeOn: EsputnikContactKey, groupNames: string[]): DeliveryOperation<EsputnikContact> {
	return {
		name: 'esputnik.upsertContacts',
		credentialType: CREDENTIAL,
		maxBatchSize: ESPUTNIK_CONTACTS_MAX,
		// The same contact upserted twice is the same contact.
		retryAmbiguousFailures: true,
		secretFields: SECRET_FIELDS,
		ledger: { kind: 'upsert', onByDefault: false },
		buildRequest: (payloads) => ({ method: 'POST', url: `${baseUrl}/v1/contacts`, body: toEsputnikContactsRequest(payloads, { dedupeOn, groupNames }) }),
		readVerdict: (response, payloads) => {
			const verdict = allOrNothing(response, payloads.length, true);
			if (isSuccessStatus(response.statusCode) && asyncSessionIdOf(response) === undefined && response.body !== undefined && response.body !== '') {
				// Not the documented answer: say so rather than report contacts that may not exist.
				const message = `eSputnik answered ${response.statusCode} without an asyncSessionId: ${describeVendorAnswer(response.statusCode, response.body)}`;
				return { units: payloads.map(() => ({ ok: false as const, message })) };
			}
			return verdict;
		},
	};
}

const CONTACT_DEDUPE_OPTIONS = [
	{ name: 'Email', value: 'email' },
	{ name: 'Phone', value: 'phone' },
	{ name: 'External Customer ID', value: 'externalCustomerId', description: "The order's customer ID; eSputnik then ignores e-mail and phone to find the contact" },
];

const upsertContactFirstBase = {
	displayName: 'Create or Update Contact First',
	name: 'upsertContactFirst',
	type: 'boolean' as const,
	description:
		"Whether to create or update the order's customer as an eSputnik contact (v1/contacts: name, e-mail, phone, address) and wait until eSputnik has imported it before the event is sent. eSputnik answers 200 to an event for a contact it does not know and drops it. On by default from node version 1.2 so that a new customer's order is not lost; off in workflows saved with versions 1 and 1.1, which only sent the event (kept as it was). An event whose contact could not be imported is not sent (it fails with the reason).",
};

function upsertContactFirstProperties(): INodeProperties[] {
	const hide = { contactIdentifier: ['contactId'] };
	return [
		{ ...upsertContactFirstBase, default: false, displayOptions: { show: { operation: ['sendOrderEvent'], '@version': [1, 1.1] }, hide } },
		{ ...upsertContactFirstBase, default: true, displayOptions: { show: { operation: ['sendOrderEvent'], '@version': [{ _cnd: { gte: 1.2 } }] }, hide } },
	];
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
			'$parameter["operation"] === "upsertContacts" ? "Create or update contacts" : $parameter["operation"] === "addOrders" ? "Add orders: " + $parameter["source"] : $parameter["operation"] === "sendSiteEvent" ? "Send site event: " + ({ cartUpdated: "cart updated", pageViewed: "page viewed", productCategoryViewed: "product category viewed", productViewed: "product viewed" })[$parameter["siteEventType"]] : "Send order event: " + ({ orderCreated: "order created", orderUpdated: "order updated", orderDelivered: "order delivered", orderCancelled: "order cancelled" })[$parameter["eventTypeKey"]]',
		),
		description: 'Send order events, bulk orders, contacts and site events to eSputnik',
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
					{ name: 'Contact', value: 'contact' },
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
				displayOptions: { show: { resource: ['contact'] } },
				options: [
					{
						name: 'Create or Update Contacts',
						value: 'upsertContacts',
						action: 'Create or update contacts',
						description: "The customer of each order as a contact, up to 3,000 per request through v1/contacts; waits until eSputnik has imported them",
					},
				],
				default: 'upsertContacts',
			},
			{
				displayName: 'Find Contacts By',
				name: 'contactDedupeOn',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { operation: ['upsertContacts'] } },
				description: 'Which identifier finds an existing contact to update (eSputnik\'s dedupeOn); a customer without it fails. Each contact is sent once per run.',
				options: CONTACT_DEDUPE_OPTIONS,
				default: 'email',
			},
			{
				displayName: 'Add to Segments',
				name: 'groupNames',
				type: 'string',
				default: '',
				placeholder: 'Customers, Shop',
				description: 'Names of eSputnik segments (groups) the contacts are added to, separated by commas',
				displayOptions: { show: { operation: ['upsertContacts'] } },
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
				description:
					'Which contact field finds the contact in eSputnik. The contact must exist when the event arrives (eSputnik drops events of unknown contacts): turn on Create or Update Contact First, or import contacts beforehand. eSputnik finds contacts of events by an e-mail or phone param; External Customer ID needs event identification by externalCustomerId set up in your eSputnik account.',
				hint: 'The contact must exist in eSputnik when the event arrives: Create or Update Contact First does that',
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
			...upsertContactFirstProperties(),
			{
				displayName: 'Contact Import Wait (Seconds)',
				name: 'contactImportWait',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: DEFAULT_IMPORT_WAIT_SECONDS,
				description: 'The longest time to wait for an import to finish (eSputnik imports contacts asynchronously) before the contacts, and their events, fail',
				displayOptions: { show: { operation: ['upsertContacts', 'sendOrderEvent'] }, hide: { contactIdentifier: ['contactId'], upsertContactFirst: [false] } },
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
			...orderSourceProperties({ show: { resource: ['order', 'contact'] } }),
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
			{ ...deliveryOptionsProperty(MAX_ORDERS_PER_REQUEST, DEFAULT_ORDERS_PER_REQUEST), displayOptions: { show: { resource: ['order', 'siteEvent'] } } },
			{ ...deliveryOptionsProperty(ESPUTNIK_CONTACTS_MAX, ESPUTNIK_CONTACTS_MAX), displayOptions: { show: { resource: ['contact'] } } },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOrFailEachItem(this, async () => {
			refuseCustomApiCall(this, 'eSputnik', 'eSputnik API');
			return await sendOrders(this);
		});
	}
}

function importWait(context: IExecuteFunctions): ImportWait {
	const seconds = Number(context.getNodeParameter('contactImportWait', 0, DEFAULT_IMPORT_WAIT_SECONDS));
	return { maxWaitMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_IMPORT_WAIT_SECONDS) * 1000, firstPollMs: 100 };
}

/** Create or Update Contacts: one contact per order's customer, each sent once, then the imports awaited. */
async function sendContacts(context: IExecuteFunctions, baseUrl: string): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const settings = readDeliverySettings(context, ESPUTNIK_CONTACTS_MAX, ESPUTNIK_CONTACTS_MAX);
	const dedupeOn = context.getNodeParameter('contactDedupeOn', 0, 'email') as EsputnikContactKey;
	const groupNames = String(context.getNodeParameter('groupNames', 0, '') ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
	const orders = readOrders(context, items);
	const units: Array<DeliveryUnit<EsputnikContact>> = unitsFromOrders(orders, (order) => toEsputnikContact(order, { dedupeOn }));
	const firstItemOf = new Map<string, number>();
	for (const unit of units) {
		if (!unit.payload) continue;
		const key = esputnikContactKey(unit.payload, dedupeOn);
		if (key === undefined) continue;
		const first = firstItemOf.get(key);
		if (first === undefined) firstItemOf.set(key, unit.itemIndexes[0]);
		else unit.skipped = `Not sent: same contact as input item ${first}, which was sent for it`;
	}
	// Contacts carrying the same fields go together, so that every field of a request is updated (see contactFields).
	const shaped = units.map((unit, index) => ({ unit, index, shape: unit.payload ? esputnikContactShape(unit.payload) : '' }));
	shaped.sort((a, b) => (a.shape < b.shape ? -1 : a.shape > b.shape ? 1 : a.index - b.index));
	const output = await deliver(context, items.length, shaped.map((entry) => entry.unit), contactsOperation(baseUrl, dedupeOn, groupNames), settings);
	if (settings.dryRun) return annotateOutput(output, orders);
	// The contacts exist once eSputnik has imported them: wait for each import.
	const sessions = new Map<string, ImportOutcome>();
	for (const item of output[0]) {
		const sessionId = asyncSessionIdOf({ statusCode: 200, headers: {}, body: item.json.response, attempts: 1 });
		if (item.json.status === 'sent' && sessionId !== undefined && !sessions.has(sessionId)) {
			sessions.set(sessionId, await waitForImport(context, CREDENTIAL, baseUrl, sessionId, settings.policy, importWait(context)));
		}
	}
	output[0].forEach((item, itemIndex) => {
		const sessionId = asyncSessionIdOf({ statusCode: 200, headers: {}, body: item.json.response, attempts: 1 });
		const outcome = sessionId === undefined ? undefined : sessions.get(sessionId);
		if (outcome === undefined || item.json.status !== 'sent') return;
		if (outcome.ok) {
			item.json.import = { sessionId, status: 'FINISHED' };
			return;
		}
		if (!context.continueOnFail()) {
			throw new NodeApiError(context.getNode(), { message: outcome.message } as JsonObject, { message: `Contact of order "${String(item.json.orderId)}" was not imported: ${outcome.message}`, itemIndex });
		}
		output[0][itemIndex] = { json: { error: outcome.message, details: { ...item.json, status: 'failed', import: { sessionId } } as IDataObject }, pairedItem: { item: itemIndex } };
	});
	return annotateOutput(output, orders);
}

/**
 * Create or Update Contact First: upserts the customers of the events about to be sent and waits for
 * their imports. Events whose contact could not be made or imported become errors and are not sent.
 */
async function contactsFirst(
	context: IExecuteFunctions,
	baseUrl: string,
	units: Array<DeliveryUnit<EsputnikEventPayload> & { order?: CanonicalOrder }>,
	dedupeOn: EsputnikContactKey,
	policy: ReturnType<typeof readDeliverySettings>['policy'],
): Promise<void> {
	const contacts: EsputnikContact[] = [];
	const contactOfUnit = new Map<DeliveryUnit<EsputnikEventPayload>, number>();
	const indexByKey = new Map<string, number>();
	for (const unit of units) {
		if (!unit.payload || !unit.order || unit.skipped !== undefined || unit.error) continue;
		let contact: EsputnikContact;
		try {
			contact = toEsputnikContact(unit.order, { dedupeOn });
		} catch (error) {
			const read = errorFromException(error);
			unit.error = { message: `the contact for this event cannot be created: ${read.message}`, issues: read.issues };
			unit.payload = undefined;
			continue;
		}
		const key = esputnikContactKey(contact, dedupeOn) ?? `#${contacts.length}`;
		let index = indexByKey.get(key);
		if (index === undefined) {
			index = contacts.push(contact) - 1;
			indexByKey.set(key, index);
		}
		contactOfUnit.set(unit, index);
	}
	if (contacts.length === 0) return;
	const outcomes = await upsertContacts(context, CREDENTIAL, baseUrl, contacts, { dedupeOn }, policy, importWait(context));
	for (const [unit, index] of contactOfUnit) {
		const outcome = outcomes[index];
		if (outcome.ok) continue;
		unit.error = { message: `not sent, its contact does not exist in eSputnik: ${outcome.message}`, issues: [] };
		unit.payload = undefined;
	}
}

async function sendOrders(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const operation = context.getNodeParameter('operation', 0) as string;
	if (operation === 'upsertContacts') {
		const dryRun = (context.getNodeParameter('options', 0, {}) as IDataObject).dryRun === true;
		return await sendContacts(context, await vendorBaseUrl(context, CREDENTIAL, esputnikBaseUrl, dryRun));
	}
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
	const upsertFirst = contactIdentifier !== 'contactId' && (context.getNodeParameter('upsertContactFirst', 0, context.getNode().typeVersion >= 1.2) as boolean);
	const units: Array<DeliveryUnit<EsputnikEventPayload> & { order?: CanonicalOrder }> = unitsFromOrders(orders, (order, itemIndex) => {
		const contactId =
			contactIdentifier === 'contactId' ? String(context.getNodeParameter('contactId', itemIndex, '')).trim() : undefined;
		return toEsputnikOrderEvent(order, { eventTypeKey, contactIdentifier, contactId, includeProducts, timeZone });
	}, eventTypeKey === 'orderCancelled' ? undefined : nonPurchaseSkip(context, `eSputnik ${eventTypeKey}`));
	if (upsertFirst && !settings.dryRun) {
		await contactsFirst(context, baseUrl, units, contactIdentifier as EsputnikContactKey, settings.policy);
	}
	return annotateOutput(await deliver(context, items.length, units, eventOperation(baseUrl, 'esputnik.sendOrderEvent', context.getNode().typeVersion, true), settings), orders);
}
