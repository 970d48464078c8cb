// Types for scripts/lib/examples.js (plain CommonJS, used by the scripts and the end-to-end tests).
import type { CredentialToImport } from '../../harness/n8n';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
	webhookId?: string;
}

export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	[key: string]: unknown;
}

export type ExampleKey = 'erp' | 'shopify' | 'wooCommerce' | 'refunds';

export interface Example {
	key: ExampleKey;
	file: string;
	workflow: ExampleWorkflow;
}

export type Vendor = 'optimizely' | 'algonomy' | 'esputnik' | 'odp';

export interface SandboxLike {
	url: string;
	credentials: {
		optimizely: { site: string; siteToken: string };
		algonomy: { clientId: string; clientSecret: string; apiKey: string };
		esputnik: { apiKey: string };
		odp: { apiKey: string };
	};
}

export const REPO_ROOT: string;
export const EXAMPLES_DIR: string;
export const DATA_DIR: string;
export const DATA_FILES: { erpCsv: string; refundsCsv: string; shopifyBody: string; wooCommerceBody: string };
export const PACKAGE_NAME: string;
export const SHIPPED_FILE_DIR: string;
export const CREDENTIALS: Record<string, { id: string; name: string }>;
export const VENDOR_NODES: Record<string, { credential: string; vendor: Vendor; label: string; typeVersion: number }>;
export const WORKFLOW_IDS: Record<ExampleKey, string>;
export const FILES: Record<ExampleKey, string>;
export function buildExamples(): Example[];
export function serialize(workflow: ExampleWorkflow): string;
export function loadExamples(): Example[];
export function adaptWorkflow(workflow: ExampleWorkflow, options?: { nodeTypePrefix?: string; dataDir?: string }): ExampleWorkflow;
export function vendorNodesOf(
	workflow: ExampleWorkflow,
): Array<{ name: string; nodeName: string; vendor: Vendor; parameters: Record<string, unknown> }>;
export function sandboxCredentials(sandbox: SandboxLike): CredentialToImport[];
export function sandboxSecrets(sandbox: SandboxLike): string[];
