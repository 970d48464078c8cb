import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * What the editor shows around a run (issue 17): the Dry Run parameter, its notice and canvas
 * subtitle, and the Custom API Call n8n adds to the Resource and Operation lists. Reading the Dry Run
 * setting stays in delivery.ts (readDeliverySettings).
 */

/**
 * Expression text, true when a dry run is on: the top-level Dry Run parameter, or Options › Dry Run
 * of workflows saved before it moved (both are read, see readDeliverySettings).
 */
const DRY_RUN_ON = '($parameter["dryRun"] === true || ($parameter["options"] || {})["dryRun"] === true)';

/** A node subtitle (an expression without `={{ }}`) followed by " (dry run)" while a dry run is on. */
export function subtitleWithDryRun(expression: string): string {
	return `={{ (${expression}) + (${DRY_RUN_ON} ? " (dry run)" : "") }}`;
}

const DRY_RUN_DESCRIPTION = 'Whether to only validate and output the exact vendor payloads, sending nothing';

/** The top-level Dry Run toggle; default false, so saved workflows are unchanged. */
export const dryRunProperty: INodeProperties = {
	displayName: 'Dry Run',
	name: 'dryRun',
	type: 'boolean',
	default: false,
	hint: 'On: nothing is sent; each output item shows the payload that would be sent',
	description: DRY_RUN_DESCRIPTION,
};

const NOTICE =
	'Dry run: nothing is sent to the vendor. Output items show the exact payloads (status "dryRun"). Turn Dry Run off to send.';

/** Shown while a dry run is on, wherever it was switched on. */
export const dryRunNotices: INodeProperties[] = [
	{
		displayName: NOTICE,
		name: 'dryRunNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { dryRun: [true] } },
	},
	{
		displayName: `${NOTICE.replace('Turn Dry Run off', 'Turn Options › Dry Run off')}`,
		name: 'dryRunOptionNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { 'options.dryRun': [true] }, hide: { dryRun: [true] } },
	},
];

/**
 * Options › Dry Run, kept for workflows saved with it: listed in Options only while it is on, so a
 * new node offers the top-level parameter alone and a saved one can still be switched off there.
 */
export const legacyDryRunOption: INodeProperties = {
	displayName: 'Dry Run',
	name: 'dryRun',
	type: 'boolean',
	default: false,
	description:
		'Whether to only validate and output the exact vendor payloads, sending nothing. Kept for workflows saved with it; the Dry Run parameter does the same.',
	displayOptions: { show: { dryRun: [true] } },
};

/** The value n8n gives "Custom API Call" in the Resource and Operation lists of nodes whose credential can authenticate any request. */
export const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

/**
 * n8n lists "Custom API Call" in this node's Resource and Operation lists (its credentials
 * authenticate any request), but it is the HTTP Request node that makes such calls. Run here with
 * an order operation's parameters left over, the node failed every item with `Could not get
 * parameter "orderSource"` (issue 17): this says what to do instead, before anything is read.
 */
export function refuseCustomApiCall(context: IExecuteFunctions, vendor: string, credentialDisplayName: string): void {
	const resource = String(context.getNodeParameter('resource', 0, '') ?? '');
	const operation = String(context.getNodeParameter('operation', 0, '') ?? '');
	if (!resource.includes(CUSTOM_API_CALL) && !operation.includes(CUSTOM_API_CALL)) return;
	throw new NodeOperationError(
		context.getNode(),
		`Custom API Call is not run by this node: use an HTTP Request node to call any ${vendor} endpoint, or pick one of this node's operations`,
		{
			description: `In an HTTP Request node set Authentication to "Predefined Credential Type" and Credential Type to "${credentialDisplayName}": it signs the request with this node's credential. Here, choose a Resource and Operation other than Custom API Call.`,
		},
	);
}
