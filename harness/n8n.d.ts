// Types for harness/n8n.js (plain CommonJS so it runs without a build step).

export interface HarnessPaths {
	harnessDir: string;
	nodeModules: string;
	binDir: string;
	nodeBinary: string;
	n8nBin: string;
	nodeHeadersDir: string;
	stampFile: string;
}

export type LoadStyle = 'community' | 'custom' | 'none';

export interface N8nHome {
	dir: string;
	loadStyle: LoadStyle;
	packageName?: string;
	customExtensionsDir?: string;
	encryptionKey: string;
	brokerPort: number;
	/** Extra environment for every n8n command of this home. */
	env?: Record<string, string>;
	nodeTypePrefix?: string;
	nodeType(nodeName: string): string;
}

export interface ProcessResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export interface ExecutionResult extends ProcessResult {
	ok: boolean;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	run: any;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	error: any;
}

export interface CredentialToImport {
	id: string;
	name?: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowToImport {
	id: string;
	name?: string;
	nodes: unknown[];
	connections?: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface RunningN8n {
	baseUrl: string;
	port: number;
	pid: number;
	readyAfterMs: number;
	output(): string;
	exited(): { code?: number | null; signal?: NodeJS.Signals | null; error?: Error } | undefined;
	/** Resolves when n8n's output matches; rejects if n8n exits or the time runs out first. */
	waitForOutput(pattern: RegExp, options?: { timeoutMs?: number }): Promise<void>;
	/** Resolves once the production webhook /webhook/<path> takes `method` (default POST) requests. */
	waitForWebhook(path: string, options?: { method?: string; timeoutMs?: number }): Promise<void>;
	stop(options?: { timeoutMs?: number }): Promise<{ code?: number | null; signal?: NodeJS.Signals | null; error?: Error }>;
}

export interface Owner {
	email: string;
	password: string;
	cookie: string | undefined;
	user: Record<string, unknown>;
}

export const PACKAGE_NAME: string;
export const REPO_ROOT: string;
export const paths: HarnessPaths;
export function ensureN8n(options?: { force?: boolean; progress?: boolean }): Promise<HarnessPaths>;
export function isN8nInstalled(): boolean;
export function packPackage(options?: { packageDir?: string; build?: boolean }): Promise<string>;
export function extractTarball(tarballPath: string, targetDir: string): void;
export function createN8nHome(options?: {
	loadStyle?: LoadStyle;
	tarball?: string;
	baseDir?: string;
	env?: Record<string, string>;
}): Promise<N8nHome>;
export function removeN8nHome(home: N8nHome | string): void;
export function n8nEnv(home: N8nHome | string, extra?: Record<string, string>): Record<string, string>;
export function runN8n(
	home: N8nHome | string,
	args: string[],
	options?: { env?: Record<string, string>; timeoutMs?: number },
): Promise<ProcessResult>;
export function importCredentials(home: N8nHome | string, credentials: CredentialToImport[]): Promise<ProcessResult>;
export function importWorkflow(home: N8nHome | string, workflow: WorkflowToImport | WorkflowToImport[]): Promise<ProcessResult>;
export function publishWorkflow(home: N8nHome | string, id: string): Promise<ProcessResult>;
export function executeWorkflow(home: N8nHome | string, id: string, options?: { timeoutMs?: number }): Promise<ExecutionResult>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseRawOutput(stdout: string): any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function nodeOutput(execution: ExecutionResult, nodeName: string, outputIndex?: number): any[];
export function startN8n(
	home: N8nHome | string,
	options?: { port?: number; readyTimeoutMs?: number; env?: Record<string, string> },
): Promise<RunningN8n>;
export function setupOwner(
	baseUrl: string,
	owner?: { email?: string; password?: string; firstName?: string; lastName?: string },
): Promise<Owner>;
export function freePort(): Promise<number>;
