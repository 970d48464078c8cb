import type { IConnections, IDataObject } from 'n8n-workflow';

import { AlgonomyOAuth2Api } from '../../credentials/AlgonomyOAuth2Api.credentials';
import { EsputnikApi } from '../../credentials/EsputnikApi.credentials';
import { OptimizelyDataPlatformApi } from '../../credentials/OptimizelyDataPlatformApi.credentials';
import { OptimizelyRecsApi } from '../../credentials/OptimizelyRecsApi.credentials';
import { Algonomy } from '../../nodes/Algonomy/Algonomy.node';
import { Esputnik } from '../../nodes/Esputnik/Esputnik.node';
import { OptimizelyDataPlatform } from '../../nodes/OptimizelyDataPlatform/OptimizelyDataPlatform.node';
import { OptimizelyRecs } from '../../nodes/OptimizelyRecs/OptimizelyRecs.node';
import type { Sandbox } from '../../sandbox';
import { MANUAL_TRIGGER_TYPE, TEST_ITEMS_TYPE, runWorkflow } from '../helpers/engine';
import type { EngineCredential, RunResult } from '../helpers/engine';

export const NODE_TYPES = [OptimizelyRecs, Algonomy, Esputnik, OptimizelyDataPlatform];
export const CREDENTIAL_TYPES = [OptimizelyRecsApi, AlgonomyOAuth2Api, EsputnikApi, OptimizelyDataPlatformApi];

export type VendorNode = 'optimizelyRecs' | 'algonomy' | 'esputnik' | 'optimizelyDataPlatform';

export const CREDENTIAL_OF: Record<VendorNode, string> = {
	optimizelyRecs: 'optimizelyRecsApi',
	algonomy: 'algonomyOAuth2Api',
	esputnik: 'esputnikApi',
	optimizelyDataPlatform: 'optimizelyDataPlatformApi',
};

/** Credentials pointing at a sandbox, as a user would fill them in with "Custom Base URL". */
export function sandboxCredentials(sandbox: Sandbox): Record<VendorNode, EngineCredential> {
	const c = sandbox.credentials;
	return {
		optimizelyRecs: {
			type: 'optimizelyRecsApi',
			name: 'Optimizely sandbox',
			data: { environment: 'custom', baseUrl: sandbox.url, site: c.optimizely.site, siteToken: c.optimizely.siteToken, channel: 'store' },
		},
		algonomy: {
			type: 'algonomyOAuth2Api',
			name: 'Algonomy sandbox',
			data: { environment: 'custom', baseUrl: sandbox.url, clientId: c.algonomy.clientId, clientSecret: c.algonomy.clientSecret, apiKey: c.algonomy.apiKey, accessToken: '' },
		},
		esputnik: {
			type: 'esputnikApi',
			name: 'eSputnik sandbox',
			data: { environment: 'custom', baseUrl: `${sandbox.url}/api`, apiKey: c.esputnik.apiKey },
		},
		optimizelyDataPlatform: {
			type: 'optimizelyDataPlatformApi',
			name: 'ODP sandbox',
			data: { region: 'custom', baseUrl: `${sandbox.url}/v3`, apiKey: c.odp.apiKey },
		},
	};
}

export interface RunNodeOptions {
	node: VendorNode;
	parameters: IDataObject;
	items: IDataObject[];
	credential?: EngineCredential;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	timeoutMs?: number;
	/** node version of the saved workflow (default 1) */
	typeVersion?: number;
}

export const NODE_NAME = 'Vendor';

/** Manual trigger → fixed items → the vendor node, run in n8n's engine. */
export async function runVendorNode(options: RunNodeOptions): Promise<RunResult> {
	const connections: IConnections = {
		Trigger: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
	};
	const credentialType = CREDENTIAL_OF[options.node];
	return await runWorkflow({
		nodeTypes: NODE_TYPES,
		credentialTypes: CREDENTIAL_TYPES,
		credentials: options.credential ? [options.credential] : [],
		timeoutMs: options.timeoutMs ?? 120_000,
		workflow: {
			nodes: [
				{ name: 'Trigger', type: MANUAL_TRIGGER_TYPE, parameters: {} },
				{ name: 'Items', type: TEST_ITEMS_TYPE, parameters: { items: JSON.stringify(options.items) } },
				{
					name: NODE_NAME,
					type: options.node,
					typeVersion: options.typeVersion,
					parameters: options.parameters,
					onError: options.onError,
					credentials: options.credential
						? { [credentialType]: { id: options.credential.name ?? credentialType, name: options.credential.name ?? credentialType } }
						: undefined,
				},
			],
			connections,
		},
	});
}

/** Flat ERP rows: `orders` orders of `lines` lines each, rows of different orders interleaved. */
export function erpRows(orders: number, lines = 3, firstId = 1000): IDataObject[] {
	const rows: IDataObject[] = [];
	for (let line = 0; line < lines; line++) {
		for (let order = 0; order < orders; order++) {
			const id = firstId + order;
			rows.push({
				order_id: String(id),
				order_date: '2026-11-21T14:05:00+01:00',
				status: 'created',
				customer_id: `cust-${id}`,
				email: `Customer.${id}@Example.com`,
				phone: '+380501234567',
				first_name: 'Olena',
				last_name: 'Shevchenko',
				currency: 'EUR',
				shipping: '4.90',
				tax: '3.00',
				subtotal: String(10 * lines),
				total: String(10 * lines + 4.9),
				store_id: 'store-7',
				channel: 'store',
				product_id: String(500 + line),
				sku: `SKU-${line}`,
				product_name: `Product ${line}`,
				category: 'tools',
				quantity: '1',
				unit_price: '10.00',
			});
		}
	}
	return rows;
}

export function mainOutput(result: RunResult): IDataObject[] {
	return result.outputs(NODE_NAME)[0].map((item) => item.json);
}

export function errorOutput(result: RunResult): IDataObject[] {
	return (result.outputs(NODE_NAME)[1] ?? []).map((item) => item.json);
}
