import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { toOdpOrderEvent, toOdpOrderObject } from '../../mapping';
import type { OdpIdentifierChoice, OdpIdentifierOptions, OdpOrderEvent, OdpOrderObject } from '../../mapping';
import { dryRunNotices, dryRunProperty, refuseCustomApiCall, subtitleWithDryRun } from '../shared/editor';
import { deliver, deliveryOptionsProperty, executeOrFailEachItem, readDeliverySettings, vendorBaseUrl } from '../shared/delivery';
import type { BatchVerdict, DeliveryOperation, DeliveryUnit } from '../shared/delivery';
import { odpBaseUrl } from '../shared/endpoints';
import { annotateOutput, nonPurchaseProperties, nonPurchaseSkip, orderSourceProperties, readOrders, unitsFromOrders } from '../shared/orderSource';
import { describeVendorAnswer, isSuccessStatus } from '../shared/vendorAnswers';
import type { VendorResponse } from '../shared/transport';

const CREDENTIAL = 'optimizelyDataPlatformApi';
const SECRET_FIELDS = ['apiKey'];
const MAX_BATCH = 500;

/** Actions that subtract from an order: ODP applies each one it receives, so a repeat counts twice. */
const SUBTRACTING_ACTIONS = new Set(['return', 'refund', 'cancel']);

/**
 * ODP answers 400 with `detail.invalids` naming the bad entries of a batch and takes none of it:
 * those entries fail, the others are sent once more.
 */
function readOdpVerdict(response: VendorResponse, count: number): BatchVerdict {
	if (isSuccessStatus(response.statusCode)) return { units: Array.from({ length: count }, () => ({ ok: true as const })) };
	const body = response.body as { detail?: { invalids?: unknown } } | undefined;
	const invalids = Array.isArray(body?.detail?.invalids) ? (body?.detail?.invalids as Array<Record<string, unknown>>) : [];
	const named = new Map<number, string>();
	for (const invalid of invalids) {
		const index = Number(invalid.event ?? invalid.record ?? invalid.index);
		if (Number.isInteger(index) && index >= 0 && index < count) {
			named.set(index, `ODP rejected this entry: ${String(invalid.message ?? 'invalid')}`);
		}
	}
	if (response.statusCode === 400 && named.size > 0) {
		return {
			units: Array.from({ length: count }, (_v, index) =>
				named.has(index) ? { ok: false as const, message: named.get(index) as string } : { ok: true as const },
			),
			resendOthers: true,
		};
	}
	const message = describeVendorAnswer(response.statusCode, response.body);
	return {
		units: Array.from({ length: count }, () => ({ ok: false as const, message })),
		// A 400 that names no entry: find the bad one by sending each alone.
		isolateUnits: response.statusCode === 400,
	};
}

/** What makes an ODP event distinct for the ledger: its action, order and amount (issue 13). */
function eventKey(event: OdpOrderEvent): string {
	const order = event.data.order;
	return JSON.stringify([event.action, order.order_id, order.total ?? null, order.subtotal ?? null]);
}

function eventsOperation(baseUrl: string, version: number): DeliveryOperation<OdpOrderEvent> {
	return {
		name: 'odp.sendOrderEvent',
		credentialType: CREDENTIAL,
		maxBatchSize: MAX_BATCH,
		// ODP events are immutable and each one counts: a purchase sent twice is two purchases, a refund
		// sent twice subtracts twice. After a lost answer we report instead of risking a second copy.
		retryAmbiguousFailures: false,
		secretFields: SECRET_FIELDS,
		// Version 1.2: a purchase or refund sent by an earlier run is skipped unless the user says otherwise.
		ledger: { kind: 'event', onByDefault: version >= 1.2, key: eventKey },
		buildRequest: (payloads) => ({ method: 'POST', url: `${baseUrl}/events`, body: payloads }),
		readVerdict: (response, payloads) => readOdpVerdict(response, payloads.length),
	};
}

function objectsOperation(baseUrl: string): DeliveryOperation<OdpOrderObject> {
	return {
		name: 'odp.upsertOrderObject',
		credentialType: CREDENTIAL,
		maxBatchSize: MAX_BATCH,
		// Upserting the same record twice leaves the same record.
		retryAmbiguousFailures: true,
		secretFields: SECRET_FIELDS,
		ledger: { kind: 'upsert', onByDefault: false },
		buildRequest: (payloads) => ({ method: 'POST', url: `${baseUrl}/objects/orders`, body: payloads }),
		readVerdict: (response, payloads) => readOdpVerdict(response, payloads.length),
	};
}

/** Marks repeats of a subtracting event (same action, order and amount) so only the first is sent. */
function markRepeatedSubtractions(units: Array<DeliveryUnit<OdpOrderEvent>>, action: string): void {
	if (!SUBTRACTING_ACTIONS.has(action)) return;
	const firstItemByKey = new Map<string, number>();
	for (const unit of units) {
		if (!unit.payload) continue;
		const order = (unit.payload.data as { order?: { order_id?: unknown; total?: unknown; subtotal?: unknown } }).order ?? {};
		const key = JSON.stringify([action, order.order_id, order.total ?? null, order.subtotal ?? null]);
		const first = firstItemByKey.get(key);
		if (first === undefined) firstItemByKey.set(key, unit.itemIndexes[0]);
		else unit.duplicateOf = first;
	}
}

export class OptimizelyDataPlatform implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Optimizely Data Platform',
		name: 'optimizelyDataPlatform',
		icon: { light: 'file:odp.svg', dark: 'file:odp.dark.svg' },
		group: ['output'],
		// 1.1 (issue 12): refunded/cancelled/returned orders are skipped by default; v1 keeps sending them.
		// 1.2 (issue 13): Send Order Event skips orders this node sent before (the sent-orders ledger).
		version: [1, 1.1, 1.2],
		defaultVersion: 1.2,
		subtitle: subtitleWithDryRun('$parameter["operation"] === "upsertOrderObject" ? "Upsert order object" : "Send order event: " + ($parameter["eventAction"] === "custom" ? $parameter["customAction"] || "custom" : $parameter["eventAction"])'),
		description: 'Send order events (purchase, return, refund, cancel) and order records to Optimizely Data Platform',
		defaults: { name: 'Optimizely Data Platform' },
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
				options: [{ name: 'Order', value: 'order' }],
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
						description: 'Purchase, return, refund, cancel or a custom action; up to 500 per request',
					},
					{
						name: 'Upsert Order Object',
						value: 'upsertOrderObject',
						action: 'Create or update an order object',
						description: 'Totals, addresses and customer of an order; creates no event',
					},
				],
				default: 'sendOrderEvent',
			},
			{
				displayName: 'Action',
				name: 'eventAction',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { operation: ['sendOrderEvent'] } },
				options: [
					{ name: 'Cancel', value: 'cancel', description: 'The order was cancelled' },
					{ name: 'Custom', value: 'custom', description: 'Your own action name; does not change existing orders' },
					{ name: 'Purchase', value: 'purchase' },
					{ name: 'Refund', value: 'refund', description: 'Money was refunded' },
					{ name: 'Return', value: 'return', description: 'Items came back and money was refunded' },
				],
				default: 'purchase',
				hint: 'Return, refund and cancel subtract from the order each time ODP receives one',
			},
			{
				displayName: 'Customer ID Field',
				name: 'customerIdField',
				type: 'string',
				default: '',
				placeholder: 'customer_number',
				hint: 'Empty: the customer ID is not sent',
				description:
					'ODP field (lower case, digits, _) that receives the customer ID, so orders with a customer ID but no e-mail or phone can be upserted. Empty: the customer ID is not sent.',
				displayOptions: { show: { operation: ['upsertOrderObject'] } },
			},
			{
				displayName: 'Customer ID Field',
				name: 'customerIdField',
				type: 'string',
				default: '',
				placeholder: 'shop_customer_id',
				description:
					'Name of a custom identifier field you created in ODP (Settings › Identifiers) to receive the customer ID. Empty: the customer ID is not sent (a fresh ODP account has no such field and refuses unknown identifiers).',
				hint: 'A custom identifier that exists in your ODP account; empty: no customer ID is sent',
				displayOptions: { show: { operation: ['sendOrderEvent'], '@version': [{ _cnd: { gte: 1.2 } }] } },
			},
			{
				displayName: 'Identifiers',
				name: 'identifiers',
				type: 'multiOptions',
				options: [
					{ name: 'Email', value: 'email', description: "The customer's e-mail" },
					{ name: 'Phone', value: 'phone', description: "The customer's phone, in E.164" },
					{ name: 'VUID', value: 'vuid', description: 'The visitor ID of the ODP web SDK, from the VUID field' },
				],
				default: ['email', 'phone'],
				description:
					'Which customer identifiers to send. ODP takes only identifiers that exist in the account: e-mail, phone, vuid and zaius_id on a fresh account. The default works on any account; the customer ID is sent only under the Customer ID Field you name.',
				displayOptions: { show: { resource: ['order'], '@version': [{ _cnd: { gte: 1.2 } }] } },
			},
			{
				displayName: 'VUID',
				name: 'vuid',
				type: 'string',
				default: '',
				placeholder: '={{ $json.vuid }}',
				description: 'The visitor ID (vuid cookie of the ODP web SDK) of the customer, sent when Identifiers includes VUID',
				displayOptions: { show: { resource: ['order'], identifiers: ['vuid'], '@version': [{ _cnd: { gte: 1.2 } }] } },
			},
			{
				displayName: 'Custom Action',
				name: 'customAction',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'exchange',
				displayOptions: { show: { operation: ['sendOrderEvent'], eventAction: ['custom'] } },
			},
			{
				displayName:
					'Returns, refunds and cancels subtract from the order each time ODP receives them. This node sends each (order, action, amount) once per run and never resends an event whose answer was lost. Across runs, feed each refund once, e.g. by remembering sent refund IDs or filtering on the refund date.',
				name: 'refundNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['sendOrderEvent'], eventAction: ['return', 'refund', 'cancel'], '@version': [1, 1.1] } },
			},
			{
				displayName:
					'Each (order, action, amount) is sent once: this node keeps a record of what ODP accepted in n8n\'s database and skips it on later runs, re-delivered webhooks and manual re-runs (Options › Skip Orders Sent Before). An event whose answer was lost is reported, never resent on its own.',
				name: 'ledgerNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['sendOrderEvent'], '@version': [{ _cnd: { gte: 1.2 } }] } },
			},
			...orderSourceProperties({ show: { resource: ['order'] } }),
			...nonPurchaseProperties({ operation: ['sendOrderEvent'], eventAction: ['purchase'] }),
			{
				displayName: 'Default Calling Code',
				name: 'defaultCallingCode',
				type: 'string',
				default: '',
				placeholder: '49',
				hint: "Only for phone numbers without a country code; empty: from the address's country",
				description:
					"Country calling code for phone numbers written without one (ODP needs E.164). Empty: taken from the order's address country.",
				displayOptions: { show: { resource: ['order'] } },
			},
			dryRunProperty,
			deliveryOptionsProperty(MAX_BATCH, MAX_BATCH),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOrFailEachItem(this, async () => {
			refuseCustomApiCall(this, 'Optimizely Data Platform', 'Optimizely Data Platform API');
			return await sendOrders(this);
		});
	}
}

async function sendOrders(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const operation = context.getNodeParameter('operation', 0) as string;
	const settings = readDeliverySettings(context, MAX_BATCH, MAX_BATCH);
	const baseUrl = await vendorBaseUrl(context, CREDENTIAL, odpBaseUrl, settings.dryRun);
	const orders = readOrders(context, items);
	const defaultCallingCode = String(context.getNodeParameter('defaultCallingCode', 0, '') ?? '').trim() || undefined;
	// Version 1.2: only the identifiers the user chose (default e-mail and phone, which every ODP account has).
	const chooses = context.getNode().typeVersion >= 1.2;
	const customerIdField = String(context.getNodeParameter('customerIdField', 0, '') ?? '').trim() || undefined;
	const identifierOptions = (itemIndex: number): OdpIdentifierOptions => {
		if (!chooses) return {};
		const identifiers = context.getNodeParameter('identifiers', 0, ['email', 'phone']) as OdpIdentifierChoice[];
		const vuid = identifiers.includes('vuid') ? String(context.getNodeParameter('vuid', itemIndex, '') ?? '').trim() || undefined : undefined;
		return { identifiers, vuid, customerIdField };
	};

	if (operation === 'upsertOrderObject') {
		const units = unitsFromOrders(orders, (order, itemIndex) => toOdpOrderObject(order, { defaultCallingCode, customerIdField, ...identifierOptions(itemIndex) }));
		return annotateOutput(await deliver(context, items.length, units, objectsOperation(baseUrl), settings), orders);
	}

	let action = context.getNodeParameter('eventAction', 0) as string;
	if (action === 'custom') {
		action = String(context.getNodeParameter('customAction', 0, '')).trim();
		if (!/^[a-z][a-z0-9_]{0,63}$/.test(action)) {
			throw new NodeOperationError(context.getNode(), `Custom Action "${action}" must be lower-case letters, digits and underscores`);
		}
	}
	const units: Array<DeliveryUnit<OdpOrderEvent>> = unitsFromOrders(
		orders,
		(order, itemIndex) => toOdpOrderEvent(order, { action, defaultCallingCode, ...identifierOptions(itemIndex) }),
		action === 'purchase' ? nonPurchaseSkip(context, 'an ODP purchase event') : undefined,
	);
	markRepeatedSubtractions(units, action);
	return annotateOutput(await deliver(context, items.length, units, eventsOperation(baseUrl, context.getNode().typeVersion), settings), orders);
}
