import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { toAlgonomyOrder } from '../../mapping';
import type { AlgonomyOrderPayload } from '../../mapping';
import { deliver, deliveryOptionsProperty, executeOrFailEachItem, readDeliverySettings, vendorBaseUrl } from '../shared/delivery';
import type { BatchVerdict, DeliveryOperation } from '../shared/delivery';
import { algonomyBaseUrl } from '../shared/endpoints';
import { nonPurchaseProperties, nonPurchaseSkip, orderSourceProperties, readOrders, unitsFromOrders } from '../shared/orderSource';
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
		subtitle: '={{"Import orders (" + $parameter["mode"] + ")"}}',
		description: 'Import offline and online orders into Algonomy (RichRelevance) with the Omnichannel Order API',
		defaults: { name: 'Algonomy Omnichannel' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL, required: true }],
		properties: [
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
				displayName:
					'Order IDs must be whole numbers. Plain customer emails are never sent: they are replaced by their SHA-256 hash (emailHash).',
				name: 'piiNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['importOrders'] } },
			},
			...orderSourceProperties({ show: { operation: ['importOrders'] } }),
			...nonPurchaseProperties({ operation: ['importOrders'] }),
			deliveryOptionsProperty(MAX_BATCH, DEFAULT_BATCH),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOrFailEachItem(this, async () => await sendOrders(this));
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

	const units = unitsFromOrders(readOrders(context, items), (order) =>
		toAlgonomyOrder(order, channel ? { channel } : {}),
		nonPurchaseSkip(context, 'Algonomy Import Orders'),
	);
	return await deliver(context, items.length, units, importOperation(baseUrl, apiKey, mode, sendAs), settings);
}
