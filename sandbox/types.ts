// Public types of the vendor sandbox. Other helpers code against these names: change them only additively.

export type Vendor = 'optimizely' | 'algonomy' | 'esputnik' | 'odp';

export const VENDORS: readonly Vendor[] = ['optimizely', 'algonomy', 'esputnik', 'odp'];

export interface FaultConfig {
	/** Seed of this vendor's fault stream; the same seed gives the same fault sequence. Default 1. */
	seed?: number;
	/** Share (0..1) of data requests answered 500, 502 or 503. */
	serverErrorRate?: number;
	/** Share (0..1) of data requests answered 429 with Retry-After. */
	rateLimitRate?: number;
	/** Retry-After of injected 429s, in seconds. Default 1. */
	retryAfterSeconds?: number;
	/** Delay added before every answer of this vendor (data routes and the Algonomy token route). */
	latencyMs?: number;
	/** Share (0..1) of data requests whose socket is destroyed without an answer. */
	dropRate?: number;
	/** Share (0..1) of data requests never answered (until the sandbox closes). */
	hangRate?: number;
	/** Algonomy only: tokens stop working N seconds after issuance, whatever expires_in said. */
	tokenExpirySeconds?: number;
}

export type FaultKind = 'serverError' | 'rateLimit' | 'drop' | 'hang';

export type OptimizelyChannel = 'store' | 'mobileapp' | 'tv' | 'callcentre';

export const OPTIMIZELY_CHANNELS: readonly OptimizelyChannel[] = ['store', 'mobileapp', 'tv', 'callcentre'];

export interface OptimizelyCredentials {
	site: string;
	siteToken: string;
	/** Channels this site accepts; default all documented ones. */
	channels?: string[];
}

export interface AlgonomyCredentials {
	clientId: string;
	clientSecret: string;
	apiKey: string;
}

export interface ApiKeyCredentials {
	apiKey: string;
}

export interface SandboxCredentials {
	optimizely?: OptimizelyCredentials;
	algonomy?: AlgonomyCredentials;
	esputnik?: ApiKeyCredentials;
	odp?: ApiKeyCredentials;
}

export interface SandboxOptions {
	/** 0 = random free port (tests); the CLI defaults to 8787. Default here: 0. */
	port?: number;
	/** Per vendor; a vendor given here replaces that vendor's defaults entirely. */
	credentials?: SandboxCredentials;
	faults?: Partial<Record<Vendor, FaultConfig>>;
	/** ODP requests per second per API key (sliding 1-second window). Default 10; 0 disables. */
	odpRateLimitPerSecond?: number;
	/** eSputnik account behaviour: contacts known from the start, import delay, identification. */
	esputnik?: EsputnikSandboxOptions;
	/** ODP account behaviour: which identifier fields exist. */
	odp?: OdpSandboxOptions;
	/** Algonomy token TTL announced as expires_in and enforced. Default 3600. */
	tokenLifetimeSeconds?: number;
	/** No per-request log line. */
	quiet?: boolean;
	/** Where log lines go when not quiet. Default console.log. */
	log?: (line: string) => void;
	/** Milliseconds since the epoch; tests replace it to step time (token expiry, rate windows). Default Date.now. */
	clock?: () => number;
}

/** A contact as the eSputnik sandbox keeps it. */
export interface EsputnikSandboxContact {
	/** eSputnik's contact id (assigned by the sandbox from 1). */
	id: number;
	email?: string;
	phone?: string;
	externalCustomerId?: string;
	firstName?: string;
	lastName?: string;
	address?: Record<string, string>;
}

export interface EsputnikSandboxOptions {
	/** Contacts that exist from the start (and again after a reset). Default none. */
	contacts?: Array<Omit<EsputnikSandboxContact, 'id'>>;
	/**
	 * How long a v1/contacts import takes, in ms of the sandbox clock: until then its status is
	 * IMPORTING and its contacts do not exist yet. Default 200.
	 */
	importDelayMs?: number;
	/**
	 * Whether the account finds contacts of events by an `externalCustomerId` param (an identification
	 * set up in eSputnik). Default false: only the vendor's default params (Email, Phone, ContactId, …).
	 */
	identifyByExternalCustomerId?: boolean;
}

/** ODP's default identifier fields: a fresh account has these and no others. */
export const ODP_DEFAULT_IDENTIFIERS: readonly string[] = ['email', 'phone', 'vuid', 'zaius_id'];

export interface OdpSandboxOptions {
	/** Identifier fields that exist in the account; events and objects naming others are refused (400). Default ODP_DEFAULT_IDENTIFIERS. */
	identifiers?: string[];
}

export interface ReceivedRequest {
	/** Order of arrival in this sandbox, from 1, across vendors. */
	seq: number;
	vendor: Vendor;
	/** optimizely: offlineOrder, cancelOrder; algonomy: token, importOrder (PUT), importOrders (POST);
	 * esputnik: event, orders, accountInfo; odp: events, ordersObject, schemaObjects */
	operation: string;
	method: string;
	/** Path without query; the Algonomy apiKey segment is shown as [redacted]. */
	path: string;
	/** Query parameters; client_secret shown as [redacted]. */
	query: Record<string, string>;
	/** Lower-case names; authorization, x-api-key, sitetoken, cookie shown as [redacted]. */
	headers: Record<string, string>;
	/** Parsed JSON (or form fields for the token route, client_secret redacted); the raw text when it is not JSON. */
	body: unknown;
	/** HTTP status answered; 0 when the connection was dropped or is hanging. */
	status: number;
	/** True when the vendor would have taken the data (2xx, not an Optimizely status "fail", no fault). */
	accepted: boolean;
	/** Set when an injected fault decided the answer. */
	fault?: FaultKind;
	/**
	 * eSputnik v1/event: true when the event was saved, false when eSputnik would answer 200 and
	 * ignore it (no such contact, like the vendor); `note` says why. Absent for other requests.
	 */
	saved?: boolean;
	note?: string;
	/** ISO time of arrival (sandbox clock). */
	at: string;
}

export interface VendorStats {
	requests: number;
	accepted: number;
	rejected: number;
	/** Answered statuses, e.g. { "200": 3, "400": 1 }; dropped and hanging requests are only in faults. */
	byStatus: Record<string, number>;
	byOperation: Record<string, number>;
	faults: Record<FaultKind, number>;
}

export interface SandboxStats {
	total: number;
	accepted: number;
	/** Requests to paths no vendor route matched (answered 404). */
	unmatched: number;
	tokensIssued: number;
	vendors: Record<Vendor, VendorStats>;
}

export interface Sandbox {
	/** http://127.0.0.1:PORT, no trailing slash. */
	url: string;
	port: number;
	/** Stops listening, ends hanging and pending requests, closes every connection. */
	close(): Promise<void>;
	/** Accepted requests only, in order of arrival. */
	received(vendor?: Vendor): ReceivedRequest[];
	/** Every vendor request, rejected and faulted ones included. */
	all(vendor?: Vendor): ReceivedRequest[];
	/** Forgets recorded requests, counters, known orders and rate windows; restarts fault streams from their seeds.
	 * Fault settings and already issued tokens stay valid. */
	reset(): void;
	/** Replaces this vendor's fault settings (not a merge) and restarts its fault stream. Throws on invalid settings. */
	setFaults(vendor: Vendor, faults: FaultConfig): void;
	faults(): Record<Vendor, FaultConfig>;
	stats(): SandboxStats;
	/** Algonomy tokens issued since start or the last reset. */
	tokensIssued(): number;
	credentials: Required<SandboxCredentials>;
	/** eSputnik contacts that exist now (imports finished by the sandbox clock). */
	esputnikContacts(): EsputnikSandboxContact[];
	/** Adds eSputnik contacts at once (as if imported before). */
	addEsputnikContacts(contacts: Array<Omit<EsputnikSandboxContact, 'id'>>): void;
	/** Accepted eSputnik v1/event requests, split into those saved and those eSputnik ignored (unknown contact). */
	esputnikEvents(): { saved: ReceivedRequest[]; ignored: ReceivedRequest[] };
}
