'use strict';
/**
 * Bench workflows: Manual Trigger → Code node (the input items) → the node under test. The same
 * Code node feeds our node and the NoOp node (ERP rows); the HTTP Request node gets the payloads
 * the mapping library made, one item per order, so it only has to send.
 */
const crypto = require('node:crypto');
const { rowsCodeNodeSource, itemsCodeNodeSource } = require('./data');

const START = 'Start';
const INPUT = 'Input';
const TARGET = 'Target';
const FIRST = 'First';
const RUN_SUB = 'Run Sub-workflow';

function nodeId(workflowId, name) {
	const hex = crypto.createHash('sha256').update(`${workflowId}/${name}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function chain(names) {
	const connections = {};
	for (let i = 0; i < names.length - 1; i++) connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	return connections;
}

function inputNode(workflowId, input) {
	const jsCode =
		input.kind === 'code'
			? input.jsCode
			: input.kind === 'rows'
				? rowsCodeNodeSource(input.orders, input.lines, input.firstOrderId)
				: itemsCodeNodeSource(input.values);
	return {
		id: nodeId(workflowId, INPUT),
		name: INPUT,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
		parameters: { jsCode },
	};
}

function credentialRef(credential) {
	return { [credential.type]: { id: credential.id, name: credential.name } };
}

/**
 * The node under test:
 * - { kind: 'ours', operation, nodeType, credential, typeVersion? }: our node with the operation's parameters (version 1 unless given);
 * - { kind: 'http', operation, url, credential }: HTTP Request, the credential as "predefined credential type";
 * - { kind: 'noop' }.
 */
function targetNode(workflowId, target) {
	const base = { id: nodeId(workflowId, TARGET), name: TARGET, position: [440, 0] };
	if (target.kind === 'noop') return { ...base, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
	if (target.kind === 'ours') {
		return {
			...base,
			type: target.nodeType,
			typeVersion: target.typeVersion ?? 1,
			parameters: target.operation.parameters,
			credentials: credentialRef(target.credential),
		};
	}
	if (target.kind === 'http') {
		const { method, jsonBody } = target.operation.httpBaseline;
		return {
			...base,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.5,
			parameters: {
				method,
				url: target.url,
				authentication: 'predefinedCredentialType',
				nodeCredentialType: target.credential.type,
				sendBody: true,
				specifyBody: 'json',
				jsonBody,
				// Batching off (the default): the baseline n8n users have today.
				options: {},
			},
			credentials: credentialRef(target.credential),
		};
	}
	throw new Error(`unknown target ${target.kind}`);
}

/** Manual Trigger → Input → Target. */
function directWorkflow(id, name, input, target) {
	return {
		id,
		name,
		nodes: [
			{ id: nodeId(id, START), name: START, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			inputNode(id, input),
			targetNode(id, target),
		],
		connections: chain([START, INPUT, TARGET]),
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false },
	};
}

/**
 * For 100,000-order runs: the parent calls a sub-workflow (Input → Target → First) and gets one
 * item back, so what `n8n execute` prints afterwards stays small (the whole run data of 300,000
 * items does not fit in one JSON string). The work happens in the same process. The CLI runs only
 * published sub-workflows: publish `sub` (`n8n publish:workflow`) and execute with
 * N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false (the CLI does not run the publication service).
 */
function subWorkflowRun(parentId, subId, name, input, target) {
	const sub = {
		id: subId,
		name: `${name} (sub-workflow)`,
		nodes: [
			{
				id: nodeId(subId, START),
				name: START,
				type: 'n8n-nodes-base.executeWorkflowTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				parameters: { inputSource: 'passthrough' },
			},
			inputNode(subId, input),
			targetNode(subId, target),
			{
				id: nodeId(subId, FIRST),
				name: FIRST,
				type: 'n8n-nodes-base.limit',
				typeVersion: 1,
				position: [660, 0],
				parameters: { maxItems: 1 },
			},
		],
		connections: chain([START, INPUT, TARGET, FIRST]),
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false, callerPolicy: 'any' },
	};
	const parent = {
		id: parentId,
		name,
		nodes: [
			{ id: nodeId(parentId, START), name: START, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: nodeId(parentId, RUN_SUB),
				name: RUN_SUB,
				type: 'n8n-nodes-base.executeWorkflow',
				typeVersion: 1.2,
				position: [220, 0],
				parameters: {
					source: 'database',
					workflowId: { __rl: true, mode: 'id', value: subId },
					mode: 'once',
					options: { waitForSubWorkflow: true },
				},
			},
		],
		connections: chain([START, RUN_SUB]),
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'none', saveManualExecutions: false },
	};
	return { parent, sub };
}

module.exports = { directWorkflow, subWorkflowRun, nodeId, chain, inputNode, targetNode, START, TARGET, INPUT, FIRST, RUN_SUB };
