/**
 * Shared pieces of the reliability suite: a seeded random stream, an item source node that hands
 * the engine in-memory items (NaN, Infinity, own `__proto__` keys and 30,000-row inputs survive,
 * which a JSON parameter cannot carry), a runner for one vendor node, and figure tables.
 */
import type { IConnections, IDataObject, INodeExecutionData, INodeParameters, INodeType, INodeTypeDescription, IExecuteFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { ReceivedRequest } from '../../sandbox';
import { MANUAL_TRIGGER_TYPE, runWorkflow } from '../helpers/engine';
import type { EngineCredential, RunResult } from '../helpers/engine';
import { CREDENTIAL_OF, CREDENTIAL_TYPES, NODE_NAME, NODE_TYPES } from '../nodes/support';
import type { VendorNode } from '../nodes/support';

export { NODE_NAME };

/** mulberry32: a small seeded generator, so every generated input can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// ---------------------------------------------------------------------------------------------
// Item source node

const itemSources = new Map<string, IDataObject[]>();
let nextSourceKey = 1;

export const ITEM_SOURCE_TYPE = 'test.reliabilityItems';

/** Emits the in-memory items registered under its `source` parameter, each paired with input item 0. */
export class ReliabilityItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reliability Items',
		name: ITEM_SOURCE_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Emits items registered in memory by the reliability tests',
		defaults: { name: 'Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Source', name: 'source', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const key = this.getNodeParameter('source', 0) as string;
		const items = itemSources.get(key);
		if (!items) throw new NodeOperationError(this.getNode(), `No items registered under "${key}"`);
		return [items.map((json) => ({ json, pairedItem: { item: 0 } }))];
	}
}

export interface RunOptions {
	node: VendorNode;
	parameters: IDataObject;
	items: IDataObject[];
	credential?: EngineCredential;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	timeoutMs?: number;
}

/** Manual trigger → in-memory items → the vendor node, in n8n's engine (like runVendorNode, without a JSON parameter). */
export async function runNode(options: RunOptions): Promise<RunResult> {
	const key = `source-${nextSourceKey++}`;
	itemSources.set(key, options.items);
	const connections: IConnections = {
		Trigger: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
	};
	const credentialType = CREDENTIAL_OF[options.node];
	try {
		return await runWorkflow({
			nodeTypes: [...NODE_TYPES, ReliabilityItems],
			credentialTypes: CREDENTIAL_TYPES,
			credentials: options.credential ? [options.credential] : [],
			timeoutMs: options.timeoutMs ?? 170_000,
			workflow: {
				nodes: [
					{ name: 'Trigger', type: MANUAL_TRIGGER_TYPE, parameters: {} },
					{ name: 'Items', type: ITEM_SOURCE_TYPE, parameters: { source: key } },
					{
						name: NODE_NAME,
						type: options.node,
						parameters: options.parameters as INodeParameters,
						onError: options.onError,
						credentials: options.credential
							? { [credentialType]: { id: options.credential.name ?? credentialType, name: options.credential.name ?? credentialType } }
							: undefined,
					},
				],
				connections,
			},
		});
	} finally {
		itemSources.delete(key);
	}
}

/** The node's outputs as [main, error] item lists (error empty when the node has no error output). */
export function outputsOf(result: RunResult): { main: INodeExecutionData[]; error: INodeExecutionData[] } {
	const outputs = result.outputs(NODE_NAME);
	return { main: outputs[0] ?? [], error: outputs[1] ?? [] };
}

/**
 * Checks the one-item-per-input-item rule: every input index appears exactly once over the main
 * and error outputs (by pairedItem). Returns the counts for the figures.
 */
export function pairingFigures(result: RunResult, inputCount: number): { main: number; error: number; missing: number; repeated: number } {
	const { main, error } = outputsOf(result);
	const seen = new Uint8Array(inputCount);
	let repeated = 0;
	for (const item of [...main, ...error]) {
		const paired = item.pairedItem as { item: number } | undefined;
		const index = paired?.item ?? -1;
		if (index < 0 || index >= inputCount) {
			repeated += 1;
			continue;
		}
		if (seen[index]) repeated += 1;
		seen[index] = 1;
	}
	let missing = 0;
	for (let index = 0; index < inputCount; index++) if (!seen[index]) missing += 1;
	return { main: main.length, error: error.length, missing, repeated };
}

// ---------------------------------------------------------------------------------------------
// Sandbox records

/** Order ids carried by one accepted request, per vendor operation. */
export function orderIdsIn(request: ReceivedRequest): string[] {
	const body = request.body as unknown;
	switch (`${request.vendor}.${request.operation}`) {
		case 'optimizely.offlineOrder':
			return [String((body as { order: { refCode: unknown } }).order.refCode)];
		case 'algonomy.importOrders':
			return (body as Array<{ id: unknown }>).map((order) => String(order.id));
		case 'algonomy.importOrder':
			return [String((body as { id: unknown }).id)];
		case 'esputnik.event': {
			const params = (body as { params: Array<{ name: string; value: string }> }).params;
			return [String(params.find((param) => param.name === 'externalOrderId')?.value)];
		}
		case 'esputnik.orders':
			return (body as { orders: Array<{ externalOrderId: unknown }> }).orders.map((order) => String(order.externalOrderId));
		case 'odp.events': {
			const events = Array.isArray(body) ? body : [body];
			return (events as Array<{ data: { order: { order_id: unknown } } }>).map((event) => String(event.data.order.order_id));
		}
		case 'odp.ordersObject': {
			const records = Array.isArray(body) ? body : [body];
			return (records as Array<{ order_id: unknown }>).map((record) => String(record.order_id));
		}
		default:
			return [];
	}
}

export interface AcceptanceFigures {
	/** Distinct orders the sandbox accepted. */
	acceptedOrders: number;
	/** Accepted copies beyond the first, summed over orders. */
	duplicates: number;
	ids: Map<string, number>;
}

export function acceptance(requests: ReceivedRequest[]): AcceptanceFigures {
	const ids = new Map<string, number>();
	for (const request of requests) {
		for (const id of orderIdsIn(request)) ids.set(id, (ids.get(id) ?? 0) + 1);
	}
	let duplicates = 0;
	for (const count of ids.values()) duplicates += count - 1;
	return { acceptedOrders: ids.size, duplicates, ids };
}

/** Request counts by fault and status over sandbox records (accepted, refused and faulted ones). */
export function trafficFigures(records: ReceivedRequest[]) {
	const count = (predicate: (record: ReceivedRequest) => boolean) => records.filter(predicate).length;
	return {
		requests: records.length,
		accepted: count((record) => record.accepted),
		serverError: count((record) => record.fault === 'serverError'),
		rateLimit: count((record) => record.fault === 'rateLimit'),
		drop: count((record) => record.fault === 'drop'),
		hang: count((record) => record.fault === 'hang'),
		unauthorized: count((record) => record.status === 401),
		otherRejected: count((record) => !record.accepted && !record.fault && record.status !== 401),
	};
}

// ---------------------------------------------------------------------------------------------
// Figures

/** Prints a compact Markdown table (copy-ready for the README) and returns its text. */
export function printTable(title: string, rows: Array<Record<string, string | number | boolean>>): string {
	if (rows.length === 0) {
		console.log(`${title}\n(no rows)`);
		return '';
	}
	const headers = Object.keys(rows[0]);
	const line = (cells: Array<string | number | boolean>) => `| ${cells.map(String).join(' | ')} |`;
	const text = [
		`**${title}**`,
		'',
		line(headers),
		line(headers.map(() => '---')),
		...rows.map((row) => line(headers.map((header) => row[header] ?? ''))),
	].join('\n');
	console.log(text);
	return text;
}

export function seconds(ms: number): string {
	return (ms / 1000).toFixed(1);
}
