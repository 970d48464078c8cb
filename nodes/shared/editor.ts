import type { INodeProperties } from 'n8n-workflow';

/**
 * What the editor shows around a run (issue 17): the Dry Run parameter, its notice and canvas
 * subtitle. Reading the setting stays in delivery.ts (readDeliverySettings).
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
