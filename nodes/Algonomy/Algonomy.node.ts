import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { toAlgonomyOrder } from '../../mapping';
import type { AlgonomyOrderPayload } from '../../mapping';
import { dryRunNotices, dryRunProperty, refuseCustomApiCall, subtitleWithDryRun } from '../shared/editor';
import { deliver, deliveryOptionsProperty, executeOrFailEachItem, readDeliverySettings, vendorBaseUrl } from '../shared/delivery';
import type { BatchVerdict, DeliveryOperation } from '../shared/delivery';
import { algonomyBaseUrl } from '../shared/endpoints';
import { annotateOutput, nonPurchaseProperties, nonPurchaseSkip, orderSourceProperties, readOrders, unitsFromOrders } from '../shared/orderSource';
import type { SourcedOrder } from '../shared/orderSource';
import { executionCredentials } from '../shared/transport';
import { describeVendorAnswer, isSuccessStatus } from '../shared/vendorAnswers';

const CREDENTIAL = 'algonomyOAuth2Api';
const SECRET_FIELDS = ['clientSecret', 'apiKey', 'accessToken'];
/** The vendor documents no batch limit; 1000 keeps a request well under common gateway body limits. */
const MAX_BATCH = 1000;
const DEFAULT_BATCH = 100;

function importOperation(
	baseUrl: string,
	apiKey: string,
	mode: string,
	sendAs: 'batch' | 'single',
): DeliveryOperation<AlgonomyOrderPayload> {
	const url = `${baseUrl}/omnichannel/api/v1/${encodeURIComponent(apiKey)}/orders`;
	const qs = { mode };
	return {
		name: 'algonomy.importOrders',
		credentialType: CREDENTIAL,
		maxBatchSize: sendAs === 'single' ? 1 : MAX_BATCH,
		// Orders are keyed by id and channel: importing one again replaces it.
		retryAmbiguousFailures: true,
		secretFields: SECRET_FIELDS,
		ledger: { kind: 'upsert', onByDefault: false },
		// The access token changes when it is renewed; the account does not.
		accountFields: ['environment', 'clientId', 'apiKey'],
		buildRequest: (payloads) => ({ method: 'POST', url, qs, body: payloads }),
		buildSingleRequest: (payload) => ({ method: 'PUT', url, qs, body: payload }),
		readVerdict: (response, payloads): BatchVerdict => {
			const ok = isSuccessStatus(response.statusCode);
			const message = describeVendorAnswer(response.statusCode, response.body);
			return {
				units: payloads.map(() => (ok ? { ok: true as const } : { ok: false as const, message })),
				// The vendor names no failing order in a batch: send each alone to find it.
				isolateUnits: response.statusCode === 400,
			};
		},
	};
}

export class Algonomy implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Algonomy Omnichannel',
		name: 'algonomy',
		icon: { light: 'file:algonomy.svg', dark: 'file:algonomy.dark.svg' },
		group: ['output'],
		// 1.1 (issue 12): refunded/cancelled/returned orders are skipped by default; v1 keeps sending them.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: subtitleWithDryRun('"Import orders: " + $parameter["mode"]'),
		description: 'Import offline and online orders into Algonomy (RichRelevance) with the Omnichannel Order API',
		defaults: { name: 'Algonomy Omnichannel' },
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
						name: 'Import',
						value: 'importOrders',
						action: 'Import orders',
						description: 'Import orders, many per request (POST) or one per request (PUT)',
					},
				],
				default: 'importOrders',
			},
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				description: 'Where the orders were made',
				options: [
					{ name: 'Offline', value: 'offline', description: 'Store, POS, call-centre orders' },
					{ name: 'Online', value: 'online', description: 'Treated like orders tracked on the website' },
				],
				default: 'offline',
				displayOptions: { show: { operation: ['importOrders'] } },
			},
			{
				displayName: 'Send As',
				name: 'sendAs',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Batches (POST, Many Orders per Request)', value: 'batch' },
					{ name: 'One Order per Request (PUT)', value: 'single' },
				],
				default: 'batch',
				hint: 'Batches (POST) are faster; one order per request (PUT) sends each order on its own',
				displayOptions: { show: { operation: ['importOrders'] } },
			},
			{
				displayName: 'Channel',
				name: 'channel',
				type: 'string',
				default: '',
				placeholder: 'store',
				description: "Channel sent with every order (e.g. store, POS, mPOS); empty keeps each order's own channel",
				displayOptions: { show: { operation: ['importOrders'] } },
			},
			{
				displayName: 'Order ID to Number',
				name: 'orderIdToNumber',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'ID Must Be a Whole Number',
						value: 'wholeNumber',
						description: 'An order ID that is not a whole number (e.g. "BN-2026110000") fails that order',
					},
					{
						name: 'Digits of the ID',
						value: 'digits',
						description:
							'Send the digits of the ID ("BN-2026110000" → 2026110000); the run is refused when two different IDs give the same number. The output item keeps the original ID as orderId and shows the number as algonomyId.',
					},
				],
				default: 'wholeNumber',
				description: "Algonomy's order ID is a whole number; how to get one from receipt numbers that are not",
				displayOptions: { show: { operation: ['importOrders'] } },
			},
			{
				displayName:
					'Order IDs must be whole numbers. Plain customer emails are never sent: they are replaced by their SHA-256 hash (emailHash).',
				name: 'piiNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['importOrders'] } },
			},
			...orderSourceProperties({ show: { operation: ['importOrders'] } }),
			...nonPurchaseProperties({ operation: ['importOrders'] }),
			dryRunProperty,
			deliveryOptionsProperty(MAX_BATCH, DEFAULT_BATCH),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOrFailEachItem(this, async () => {
			refuseCustomApiCall(this, 'Algonomy', 'Algonomy OAuth2 API');
			return await sendOrders(this);
		});
	}
}

async function sendOrders(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const sendAs = context.getNodeParameter('sendAs', 0, 'batch') as 'batch' | 'single';
	const mode = context.getNodeParameter('mode', 0, 'offline') as string;
	const channel = String(context.getNodeParameter('channel', 0, '') ?? '').trim();
	const settings = readDeliverySettings(context, sendAs === 'single' ? 1 : MAX_BATCH, DEFAULT_BATCH);
	const baseUrl = await vendorBaseUrl(context, CREDENTIAL, algonomyBaseUrl, settings.dryRun);
	const apiKey = settings.dryRun ? '' : String((await executionCredentials(context, CREDENTIAL)).apiKey ?? '');

	const orders = readOrders(context, items);
	const idRule = context.getNodeParameter('orderIdToNumber', 0, 'wholeNumber') as string;
	const numbers = idRule === 'digits' ? orderIdsAsDigits(context, orders) : undefined;
	const units = unitsFromOrders(
		orders,
		(order) => toAlgonomyOrder(order, channel ? { channel } : {}),
		nonPurchaseSkip(context, 'Algonomy Import Orders'),
	);
	const output = await deliver(context, items.length, units, importOperation(baseUrl, apiKey, mode, sendAs), settings);
	return annotateOutput(output, orders, numbers === undefined ? undefined : (sourced) => {
		const number = numbers.get(sourced);
		return number === undefined ? undefined : { algonomyId: number };
	});
}

/**
 * "Digits of the ID": each order is sent with the number made of its id's digits (leading zeros do not
 * count). Two different ids that give one number would overwrite each other at Algonomy, so the whole
 * run is refused, naming both. An id without digits fails only its order. sourced.orderId (the original
 * id) is left as it is, so output items keep it.
 */
function orderIdsAsDigits(context: IExecuteFunctions, orders: SourcedOrder[]): Map<SourcedOrder, number> {
	const numbers = new Map<SourcedOrder, number>();
	const owners = new Map<string, string>();
	for (const sourced of orders) {
		const order = sourced.order;
		if (order === undefined) continue;
		const digits = order.id.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
		const number = Number(digits);
		if (digits === '' || !Number.isSafeInteger(number)) {
			const message = digits === '' ? `has no digits to make a whole-number Algonomy id from, got "${order.id}"` : `has too many digits for a whole-number Algonomy id, got "${order.id}"`;
			sourced.order = undefined;
			sourced.error = { message: `id: ${message}`, issues: [{ path: 'id', message }] };
			continue;
		}
		const previous = owners.get(digits);
		if (previous !== undefined && previous !== order.id) {
			throw new NodeOperationError(context.getNode(), `Order IDs "${previous}" and "${order.id}" both become Algonomy id ${digits}`, {
				description: 'With "Order ID to Number: Digits of the ID" every order id must give a different number; nothing was sent',
			});
		}
		owners.set(digits, order.id);
		sourced.order = { ...order, id: digits };
		numbers.set(sourced, number);
	}
	return numbers;
}
