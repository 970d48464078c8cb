// Local vendor sandbox: a loopback HTTP server emulating the four vendor APIs, for development, demos and tests.
// Not part of the published package (built by tsconfig.tools.json to build/sandbox/).
export { startSandbox, SANDBOX_DEFAULT_CREDENTIALS, DEFAULT_ODP_RATE_LIMIT_PER_SECOND, DEFAULT_TOKEN_LIFETIME_SECONDS } from './server';
export { validateFaultConfig, DEFAULT_FAULT_SEED } from './faults';
export { ESPUTNIK_EVENT_MAX_BYTES, ESPUTNIK_ORDERS_MAX, ESPUTNIK_ORDER_STATUSES, ESPUTNIK_CONTACTS_MAX, DEFAULT_ESPUTNIK_IMPORT_DELAY_MS } from './vendors/esputnik';
export { ODP_BATCH_MAX } from './vendors/odp';
export { VENDORS, OPTIMIZELY_CHANNELS, ODP_DEFAULT_IDENTIFIERS } from './types';
export type {
	Vendor,
	FaultConfig,
	FaultKind,
	OptimizelyChannel,
	OptimizelyCredentials,
	AlgonomyCredentials,
	ApiKeyCredentials,
	SandboxCredentials,
	SandboxOptions,
	ReceivedRequest,
	VendorStats,
	SandboxStats,
	Sandbox,
	EsputnikSandboxContact,
	EsputnikSandboxOptions,
	OdpSandboxOptions,
} from './types';
