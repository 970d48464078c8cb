/**
 * Runs n8n workflow JSON in-process through n8n-core's own WorkflowExecute, with real HTTP through
 * n8n-core's request helpers, and runs credential tests the way n8n's CredentialsTester does.
 * See test/helpers/FINDINGS.md for what node authors need to know about the engine's behaviour.
 */
import { randomUUID } from 'node:crypto';

import {
	CredentialTestContext,
	ExecuteContext,
	ExecutionLifecycleHooks,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import { Workflow, deepCopy } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunction,
	ICredentialTestFunctions,
	ICredentialTestRequest,
	ICredentialType,
	ICredentialsDecrypted,
	IConnections,
	IDataObject,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	IRun,
	IRunData,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { HarnessCredentialsHelper } from './credentials-helper';
import type { StoredCredential } from './credentials-helper';
import {
	ensureEngineEnvironment,
	logMark,
	logsSince,
	useExpressionEngine,
} from './environment';
import type { ExpressionEngineName } from './environment';
import { MANUAL_TRIGGER_TYPE, NO_OP_TYPE, TEST_ITEMS_TYPE, harnessNodeTypeClasses } from './harness-node-types';
import { HarnessCredentialTypes, HarnessNodeTypes, allVersions } from './type-registry';
import type { CredentialTypeClass, NodeTypeClass } from './type-registry';

export { MANUAL_TRIGGER_TYPE, NO_OP_TYPE, TEST_ITEMS_TYPE };
export type { ExpressionEngineName };

export interface EngineCredential {
	type: string;
	/** Defaults to `name`, else `type`. Nodes reference it as `credentials: { [type]: { id, name } }`. */
	id?: string;
	name?: string;
	/**
	 * The stored (decrypted) data. Token write-backs by preAuthentication replace this object's
	 * contents in place, so passing the same object to a later run reuses the stored token.
	 */
	data: Record<string, unknown>;
}

export type EngineNode = Omit<INode, 'id' | 'position' | 'typeVersion'> &
	Partial<Pick<INode, 'id' | 'position' | 'typeVersion'>>;

export interface RunWorkflowOptions {
	nodeTypes: Array<new () => INodeType | IVersionedNodeType>;
	credentialTypes: Array<new () => ICredentialType>;
	credentials?: EngineCredential[];
	/** Workflow JSON. Start it with a node of type MANUAL_TRIGGER_TYPE; `settings` defaults to executionOrder v1. */
	workflow: { nodes: EngineNode[]; connections: IConnections; settings?: IWorkflowSettings; staticData?: IDataObject };
	/** Whole-run limit; on expiry the execution is cancelled and runWorkflow rejects. Default 30000. */
	timeoutMs?: number;
	/** Execution mode passed to the engine. Default 'cli' (what `n8n execute` uses). */
	mode?: WorkflowExecuteMode;
	/** Default 'legacy' unless ENGINE_EXPRESSION_ENGINE is set; see FINDINGS.md. */
	expressionEngine?: ExpressionEngineName;
}

export interface RunError {
	message: string;
	description?: string;
	nodeName?: string;
	itemIndex?: number;
	/** The error object the engine stored (NodeApiError, NodeOperationError, ...). */
	raw: unknown;
}

export interface RunResult {
	status: 'success' | 'error';
	error?: RunError;
	/**
	 * Items per output index of the node's last run (or `runIndex`): `[main, error]` when it has an
	 * error output. Throws if the node did not run or failed without output.
	 */
	outputs(nodeName: string, runIndex?: number): INodeExecutionData[][];
	runData: IRunData;
	/** How many times preAuthentication wrote a new token back to a stored credential during this run. */
	credentialUpdates: number;
	/** Everything the engine, nodes (this.logger / LoggerProxy) and console logged during this run. */
	logs: string[];
	/** The engine's full result, for anything not covered above. */
	run: IRun;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Workflow JSON for the common case: manual trigger → `test.items` emitting `items` → `nodes` in a
 * chain (each connected from the previous node's output 0). Node names: 'Start', 'Items', then yours.
 * Add branches (e.g. from an error output) with `extraConnections`.
 */
export function itemsWorkflow(
	items: IDataObject[],
	nodes: EngineNode[],
	extraConnections: IConnections = {},
): RunWorkflowOptions['workflow'] {
	const allNodes: EngineNode[] = [
		{ name: 'Start', type: MANUAL_TRIGGER_TYPE, parameters: {} },
		{ name: 'Items', type: TEST_ITEMS_TYPE, parameters: { items: JSON.stringify(items) } },
		...nodes,
	];
	const connections: IConnections = {};
	const chain = allNodes.filter((node) => !Object.keys(extraConnections).some((source) =>
		(extraConnections[source].main ?? []).some((targets) => (targets ?? []).some((target) => target.node === node.name)),
	));
	for (let index = 1; index < chain.length; index++) {
		connections[chain[index - 1].name] = { main: [[{ node: chain[index].name, type: 'main', index: 0 }]] };
	}
	for (const [source, byType] of Object.entries(extraConnections)) {
		const existing = connections[source]?.main ?? [];
		const extra = byType.main ?? [];
		const merged = Array.from({ length: Math.max(existing.length, extra.length) }, (_, output) => [
			...(existing[output] ?? []),
			...(extra[output] ?? []),
		]);
		connections[source] = { ...byType, main: merged };
	}
	return { nodes: allNodes, connections };
}

function defaultExpressionEngine(): ExpressionEngineName {
	return process.env.ENGINE_EXPRESSION_ENGINE === 'quickjs' ? 'quickjs' : 'legacy';
}

function toStoredCredentials(credentials: EngineCredential[] = []): StoredCredential[] {
	return credentials.map((credential) => ({
		id: credential.id ?? credential.name ?? credential.type,
		name: credential.name ?? credential.id ?? credential.type,
		type: credential.type,
		// Same object on purpose: write-backs land in the caller's credential.
		data: credential.data,
	}));
}

/** The IWorkflowExecuteAdditionalData the CLI's getBase() builds, reduced to what an in-process run uses. */
function buildAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	hooks: ExecutionLifecycleHooks | undefined,
	executionId: string,
): IWorkflowExecuteAdditionalData {
	const notAvailable = (what: string) => async () => {
		throw new Error(`${what} is not available in the engine test harness`);
	};
	return {
		credentialsHelper,
		hooks,
		executionId,
		userId: 'engine-harness-user',
		workflowId: 'engine-harness-workflow',
		projectId: 'engine-harness-project',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		executeWorkflow: notAvailable('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: notAvailable('startRunnerTask'),
	} as unknown as IWorkflowExecuteAdditionalData;
}

function completeNodes(nodes: EngineNode[]): INode[] {
	// Copied because Workflow writes parameter defaults into the node objects it is given.
	return deepCopy(nodes).map((node, index) => ({
		...node,
		id: node.id ?? `node-${index}`,
		typeVersion: node.typeVersion ?? 1,
		position: node.position ?? [index * 200, 0],
	})) as INode[];
}

function describeError(error: unknown): RunError {
	const source = (error ?? {}) as {
		message?: string;
		description?: string | null;
		node?: { name?: string };
		context?: { itemIndex?: number };
		itemIndex?: number;
	};
	return {
		message: source.message ?? String(error),
		description: source.description ?? undefined,
		nodeName: source.node?.name,
		itemIndex: source.context?.itemIndex ?? source.itemIndex,
		raw: error,
	};
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => void): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			onTimeout();
			reject(new Error(`Engine harness: workflow did not finish within ${timeoutMs} ms`));
		}, timeoutMs);
	});
	try {
		return await Promise.race([work, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunResult> {
	ensureEngineEnvironment();
	await useExpressionEngine(options.expressionEngine ?? defaultExpressionEngine());
	const mark = logMark();

	const nodeTypes = new HarnessNodeTypes([...harnessNodeTypeClasses, ...options.nodeTypes]);
	const credentialTypes = new HarnessCredentialTypes(options.credentialTypes, nodeTypes);
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, toStoredCredentials(options.credentials));

	const mode = options.mode ?? 'cli';
	const nodes = completeNodes(options.workflow.nodes);
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.workflow.settings };
	const workflow = new Workflow({
		id: 'engine-harness-workflow',
		name: 'Engine harness workflow',
		nodes,
		connections: options.workflow.connections,
		active: false,
		nodeTypes,
		settings,
		staticData: options.workflow.staticData,
	});

	const startNode = nodes.find((node) => node.type === MANUAL_TRIGGER_TYPE);
	if (!startNode) {
		throw new Error(`Engine harness: the workflow needs a start node of type "${MANUAL_TRIGGER_TYPE}"`);
	}

	const executionId = randomUUID();
	const workflowData = {
		id: workflow.id,
		name: workflow.name,
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes,
		connections: options.workflow.connections,
		settings,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const additionalData = buildAdditionalData(credentialsHelper, hooks, executionId);

	const workflowExecute = new WorkflowExecute(additionalData, mode);
	const execution = workflowExecute.run({ workflow, startNode: workflow.getNode(startNode.name) ?? undefined });
	const run = await withTimeout(execution, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => execution.cancel());

	const { runData } = run.data.resultData;
	const runError = run.data.resultData.error;
	return {
		status: runError ? 'error' : 'success',
		error: runError ? describeError(runError) : undefined,
		outputs(nodeName: string, runIndex?: number): INodeExecutionData[][] {
			const tasks = runData[nodeName];
			if (!tasks || tasks.length === 0) {
				throw new Error(
					`Engine harness: node "${nodeName}" did not run (ran: ${Object.keys(runData).join(', ') || 'nothing'})`,
				);
			}
			const task = tasks[runIndex ?? tasks.length - 1];
			if (!task) throw new Error(`Engine harness: node "${nodeName}" has no run ${runIndex}`);
			if (task.error && !task.data) {
				throw new Error(`Engine harness: node "${nodeName}" failed and has no output: ${task.error.message}`);
			}
			return (task.data?.main ?? []).map((items) => items ?? []);
		},
		runData,
		credentialUpdates: credentialsHelper.credentialUpdates,
		logs: logsSince(mark),
		run,
	};
}

type CredentialTestTarget =
	| { kind: 'function'; test: ICredentialTestFunction }
	| { kind: 'request'; testRequest: ICredentialTestRequest; nodeType?: INodeType };

/** Where n8n finds a credential's test: its own `test`, or a node's `testedBy` (name or request). */
function findCredentialTest(
	credentialTypeName: string,
	credentialTypes: HarnessCredentialTypes,
	nodeTypes: HarnessNodeTypes,
): CredentialTestTarget | undefined {
	const credentialType = credentialTypes.getByName(credentialTypeName);
	if (credentialType.test) return { kind: 'request', testRequest: credentialType.test };

	for (const { nodeType } of nodeTypes.entries()) {
		for (const version of allVersions(nodeType)) {
			for (const { name, testedBy } of version.description.credentials ?? []) {
				if (name !== credentialTypeName || !testedBy) continue;
				if (typeof testedBy === 'string') {
					const test = version.methods?.credentialTest?.[testedBy];
					if (test) return { kind: 'function', test };
					continue;
				}
				return { kind: 'request', testRequest: testedBy, nodeType: version };
			}
		}
	}
	return undefined;
}

/** n8n's CredentialsTester result for a failed test request. */
function credentialTestError(error: unknown, testRequest: ICredentialTestRequest): INodeCredentialTestResult {
	const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }).cause;
	if (cause?.response) {
		const statusCode = cause.response.status;
		for (const rule of testRequest.rules ?? []) {
			if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		if (statusCode < 199 || statusCode > 299) {
			return { status: 'Error', message: cause.response.statusText || `Received HTTP status code: ${statusCode}` };
		}
	} else if (cause?.code) {
		return { status: 'Error', message: cause.code };
	}
	return { status: 'Error', message: String((error as Error)?.message ?? error) };
}

function getByPath(source: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((current, key) => (current as Record<string, unknown> | undefined)?.[key], source);
}

/**
 * Tests a credential as the n8n UI's "Test" button does (CredentialsTester): the `test` request
 * (or a node's `testedBy`) runs through n8n-core's RoutingNode with expressions resolved against the
 * credential data, `authenticate` and `preAuthentication` applied, and `rules` checked, over real HTTP.
 * `credentialTypes` lists parent types the tested type `extends`.
 */
export async function testCredential(
	credentialType: new () => ICredentialType,
	data: Record<string, unknown>,
	nodeTypes: Array<new () => INodeType | IVersionedNodeType> = [],
	credentialTypes: Array<new () => ICredentialType> = [],
	expressionEngine: ExpressionEngineName = defaultExpressionEngine(),
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	ensureEngineEnvironment();
	await useExpressionEngine(expressionEngine);

	const nodeTypeRegistry = new HarnessNodeTypes([...harnessNodeTypeClasses, ...(nodeTypes as NodeTypeClass[])]);
	const credentialTypeRegistry = new HarnessCredentialTypes(
		[credentialType, ...(credentialTypes as CredentialTypeClass[])],
		nodeTypeRegistry,
	);
	const typeName = new credentialType().name;
	const stored: StoredCredential = {
		id: 'credential-under-test',
		name: 'Credential under test',
		type: typeName,
		data: deepCopy(data),
	};
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypeRegistry, [stored]);
	const additionalData = buildAdditionalData(credentialsHelper, undefined, randomUUID());

	const target = findCredentialTest(typeName, credentialTypeRegistry, nodeTypeRegistry);
	if (!target) return { status: 'Error', message: 'No testing function found for this credential.' };

	const credentialsDecrypted: ICredentialsDecrypted = { id: stored.id, name: stored.name, type: typeName };
	try {
		credentialsDecrypted.data = await credentialsHelper.applyDefaultsAndOverwrites(
			additionalData,
			deepCopy(data) as ICredentialDataDecryptedObject,
			typeName,
			'internal',
		);
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message) };
	}

	if (target.kind === 'function') {
		const context = new CredentialTestContext() as unknown as ICredentialTestFunctions;
		const result = await target.test.call(context, credentialsDecrypted);
		return { status: result.status, message: result.message };
	}

	// The CLI runs the test request as the `temp` parameter's routing on a copy of the node type
	// (No Op unless a node's testedBy supplied one), so RoutingNode resolves and sends it.
	const baseType = target.nodeType ?? nodeTypeRegistry.getByNameAndVersion(NO_OP_TYPE);
	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: baseType.description.name,
		typeVersion: Array.isArray(baseType.description.version)
			? baseType.description.version.slice(-1)[0]
			: baseType.description.version,
		position: [0, 0],
		credentials: { [typeName]: { id: stored.id, name: stored.name } },
	};
	const nodeTypeCopy: INodeType = {
		description: {
			...baseType.description,
			credentials: [{ name: typeName, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: target.testRequest.request },
					default: '',
				},
			],
		},
	};
	const testNodeTypes = new HarnessNodeTypes([]);
	testNodeTypes.add(nodeTypeCopy);
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: testNodeTypes });

	const runExecutionData = { resultData: { runData: {} } } as IRunExecutionData;
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	// A sandboxed expression engine (quickjs/vm) evaluates only while the workflow holds an isolate.
	const acquired = await workflow.expression.acquireIsolate();
	try {
		response = await routingNode.runNode();
	} catch (error) {
		return credentialTestError(error, target.testRequest);
	} finally {
		if (acquired) await workflow.expression.releaseIsolate();
	}

	for (const rule of target.testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response?.[0]?.[0]?.json;
			if (getByPath(responseData, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
