import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { toOptimizelyRecsOrder } from '../../mapping';
import type { OptimizelyRecsOrderPayload } from '../../mapping';
import { dryRunNotices, dryRunProperty, refuseCustomApiCall, subtitleWithDryRun } from '../shared/editor';
import { deliver, deliveryOptionsProperty, executeOrFailEachItem, readDeliverySettings, vendorBaseUrl } from '../shared/delivery';
import type { DeliveryOperation, DeliveryUnit } from '../shared/delivery';
import { optimizelyRecsBaseUrl } from '../shared/endpoints';
import { annotateOutput, nonPurchaseProperties, nonPurchaseSkip, orderSourceProperties, readOrders, unitsFromOrders } from '../shared/orderSource';
import { describeVendorAnswer, isSuccessStatus } from '../shared/vendorAnswers';

const CREDENTIAL = 'optimizelyRecsApi';
const SECRET_FIELDS = ['siteToken'];

/** Optimizely answers 200 with `status: "fail"` for a rejected order: that is a failure. */
function readOptimizelyVerdict(statusCode: number, body: unknown) {
	const status = body && typeof body === 'object' ? (body as { status?: unknown }).status : undefined;
	if (isSuccessStatus(statusCode) && status !== 'fail') return { ok: true as const };
	return { ok: false as const, message: describeVendorAnswer(statusCode, body) };
}

function trackOperation(baseUrl: string): DeliveryOperation<OptimizelyRecsOrderPayload> {
	return {
		name: 'optimizelyRecs.trackOfflineOrder',
		credentialType: CREDENTIAL,
		maxBatchSize: 1,
		// The vendor stores an order by its refCode, so a repeat after a lost answer updates, not duplicates.
		retryAmbiguousFailures: true,
		secretFields: SECRET_FIELDS,
		ledger: { kind: 'upsert', onByDefault: false },
		buildRequest: ([payload]) => ({ method: 'POST', url: `${baseUrl}/tracker/smart-api/orders/offline`, body: payload }),
		readVerdict: (response) => ({ units: [readOptimizelyVerdict(response.statusCode, response.body)] }),
	};
}

function cancelOperation(baseUrl: string): DeliveryOperation<{ refCode: string }> {
	return {
		name: 'optimizelyRecs.cancelOfflineOrder',
		credentialType: CREDENTIAL,
		maxBatchSize: 1,
		retryAmbiguousFailures: true,
		secretFields: SECRET_FIELDS,
		ledger: { kind: 'upsert', onByDefault: false },
		// Documented without "/tracker", unlike the tracking path.
		buildRequest: ([payload]) => ({
			method: 'DELETE',
			url: `${baseUrl}/smart-api/orders/offline/${encodeURIComponent(payload.refCode)}`,
		}),
		readVerdict: (response) => ({ units: [readOptimizelyVerdict(response.statusCode, response.body)] }),
	};
}

export class OptimizelyRecs implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Optimizely Product Recommendations',
		name: 'optimizelyRecs',
		icon: { light: 'file:optimizelyRecs.svg', dark: 'file:optimizelyRecs.dark.svg' },
		group: ['output'],
		// 1.1 (issue 12): refunded/cancelled/returned orders are skipped by default; v1 keeps sending them.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: subtitleWithDryRun('$parameter["operation"] === "cancelOfflineOrder" ? "Cancel offline order" : "Track offline order"'),
		description:
			'Track offline (store, call-centre, app, TV) orders in Optimizely Product Recommendations, one order per request',
		defaults: { name: 'Optimizely Product Recommendations' },
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
				options: [{ name: 'Offline Order', value: 'offlineOrder' }],
				default: 'offlineOrder',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['offlineOrder'] } },
				options: [
					{
						name: 'Track',
						value: 'trackOfflineOrder',
						action: 'Track an offline order',
						description: 'Send an order made outside the website, to enrich the customer profile',
					},
					{
						name: 'Cancel',
						value: 'cancelOfflineOrder',
						action: 'Cancel an offline order',
						description: 'Cancel an order tracked before (Optimizely must enable this for your site)',
					},
				],
				default: 'trackOfflineOrder',
			},
			...orderSourceProperties({ show: { operation: ['trackOfflineOrder'] } }),
			...nonPurchaseProperties({ operation: ['trackOfflineOrder'] }),
			{
				displayName: 'Language',
				name: 'lang',
				type: 'string',
				default: 'en-gb',
				description: 'Language code of the store',
				displayOptions: { show: { operation: ['trackOfflineOrder'] } },
			},
			{
				displayName: 'Order Reference',
				name: 'refCode',
				type: 'string',
				default: '={{ $json.order_id }}',
				required: true,
				description: 'The refCode of the order to cancel',
				hint: 'The order ID the order was tracked with',
				displayOptions: { show: { operation: ['cancelOfflineOrder'] } },
			},
			{
				displayName:
					'Customer emails are not sent: Optimizely deprecated them. Give a pseudonymised customer ID instead.',
				name: 'emailNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { operation: ['trackOfflineOrder'] } },
			},
			dryRunProperty,
			deliveryOptionsProperty(1, 1),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOrFailEachItem(this, async () => {
			refuseCustomApiCall(this, 'Optimizely Product Recommendations', 'Optimizely Product Recommendations API');
			return await sendOrders(this);
		});
	}
}

async function sendOrders(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const operation = context.getNodeParameter('operation', 0) as string;
	const settings = readDeliverySettings(context, 1, 1);
	const baseUrl = await vendorBaseUrl(context, CREDENTIAL, optimizelyRecsBaseUrl, settings.dryRun);

	if (operation === 'cancelOfflineOrder') {
		const units: Array<DeliveryUnit<{ refCode: string }>> = items.map((_item, itemIndex) => {
			const refCode = String(context.getNodeParameter('refCode', itemIndex, '') ?? '').trim();
			return refCode
				? { itemIndexes: [itemIndex], orderId: refCode, payload: { refCode } }
				: {
						itemIndexes: [itemIndex],
						orderId: '',
						error: { message: 'refCode: the order reference is empty', issues: [{ path: 'refCode', message: 'the order reference is empty' }] },
					};
		});
		return await deliver(context, items.length, units, cancelOperation(baseUrl), settings);
	}

	const lang = (context.getNodeParameter('lang', 0, 'en-gb') as string) || 'en-gb';
	const orders = readOrders(context, items);
	const units = unitsFromOrders(orders, (order) => toOptimizelyRecsOrder(order, { lang }), nonPurchaseSkip(context, 'Optimizely Track Offline Order'));
	return annotateOutput(await deliver(context, items.length, units, trackOperation(baseUrl), settings), orders);
}
