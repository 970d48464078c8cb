// The sandbox HTTP server: one loopback listener serving the four vendor emulators and the control API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { VendorFaults, validateFaultConfig } from './faults';
import type { VendorCall, VendorEmulator, VendorReply, VendorRoute } from './routes';
import {
	OPTIMIZELY_CHANNELS,
	VENDORS,
	type FaultConfig,
	type FaultKind,
	type ReceivedRequest,
	type Sandbox,
	type SandboxCredentials,
	type SandboxOptions,
	type SandboxStats,
	type EsputnikSandboxContact,
	type Vendor,
	type VendorStats,
} from './types';
import { AlgonomyEmulator } from './vendors/algonomy';
import { EsputnikEmulator } from './vendors/esputnik';
import { OdpEmulator } from './vendors/odp';
import { OptimizelyEmulator } from './vendors/optimizely';

/** Demo values only: the sandbox accepts them unless told otherwise. Frozen, so no caller can change them for others. */
export const SANDBOX_DEFAULT_CREDENTIALS: Readonly<Required<SandboxCredentials>> = deepFreeze({
	optimizely: { site: 'demo-site', siteToken: 'sandbox-site-token', channels: [...OPTIMIZELY_CHANNELS] },
	algonomy: { clientId: 'sandbox-client', clientSecret: 'sandbox-secret', apiKey: 'sandbox-api-key' },
	esputnik: { apiKey: 'sandbox-esputnik-key' },
	odp: { apiKey: 'sandbox-odp-key' },
});

export const DEFAULT_ODP_RATE_LIMIT_PER_SECOND = 10;
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
const HOST = '127.0.0.1';
/** Hard cap on any request body; beyond it the sandbox answers 413 without parsing. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const REDACTED = '[redacted]';
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'sitetoken', 'cookie']);
const SECRET_QUERY = new Set(['client_secret']);

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null) {
		for (const inner of Object.values(value)) deepFreeze(inner);
		Object.freeze(value);
	}
	return value;
}

function requireText(value: unknown, name: string): void {
	if (typeof value !== 'string' || value === '') throw new Error(`sandbox credentials: ${name} must be a non-empty string`);
}

function resolveCredentials(given: SandboxCredentials = {}): Required<SandboxCredentials> {
	const defaults = SANDBOX_DEFAULT_CREDENTIALS;
	const optimizely = given.optimizely ?? defaults.optimizely;
	const credentials: Required<SandboxCredentials> = {
		optimizely: { ...optimizely, channels: [...(optimizely.channels ?? OPTIMIZELY_CHANNELS)] },
		algonomy: { ...(given.algonomy ?? defaults.algonomy) },
		esputnik: { ...(given.esputnik ?? defaults.esputnik) },
		odp: { ...(given.odp ?? defaults.odp) },
	};
	requireText(credentials.optimizely.site, 'optimizely.site');
	requireText(credentials.optimizely.siteToken, 'optimizely.siteToken');
	requireText(credentials.algonomy.clientId, 'algonomy.clientId');
	requireText(credentials.algonomy.clientSecret, 'algonomy.clientSecret');
	requireText(credentials.algonomy.apiKey, 'algonomy.apiKey');
	requireText(credentials.esputnik.apiKey, 'esputnik.apiKey');
	requireText(credentials.odp.apiKey, 'odp.apiKey');
	return credentials;
}

function emptyVendorStats(): VendorStats {
	return { requests: 0, accepted: 0, rejected: 0, byStatus: {}, byOperation: {}, faults: { serverError: 0, rateLimit: 0, drop: 0, hang: 0 } };
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		flat[name] = SECRET_HEADERS.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}

function queryOf(url: URL): Record<string, string> {
	return Object.fromEntries(url.searchParams);
}

function redactQuery(query: Record<string, string>): Record<string, string> {
	const copy = { ...query };
	for (const name of Object.keys(copy)) if (SECRET_QUERY.has(name)) copy[name] = REDACTED;
	return copy;
}

function bodyForRecord(raw: Buffer): unknown {
	const text = raw.toString('utf8');
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** Reads the whole body; past the cap it keeps draining (so the client sees the answer) but stores nothing. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too large'> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too large' : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function send(res: ServerResponse, reply: Pick<VendorReply, 'status' | 'body' | 'headers'>): void {
	if (res.headersSent || res.destroyed) return;
	let payload: Buffer;
	let contentType: string | undefined;
	if (reply.body === undefined) payload = Buffer.alloc(0);
	else if (typeof reply.body === 'string') {
		payload = Buffer.from(reply.body, 'utf8');
		contentType = 'text/plain; charset=utf-8';
	} else {
		payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
		contentType = 'application/json; charset=utf-8';
	}
	const headers: Record<string, string | number> = { ...reply.headers, 'Content-Length': payload.length };
	if (contentType) headers['Content-Type'] = contentType;
	res.writeHead(reply.status, headers);
	res.end(payload);
}

class SandboxServer {
	private readonly clock: () => number;
	private readonly log: (line: string) => void;
	readonly credentials: Required<SandboxCredentials>;
	private readonly vendorFaults: Record<Vendor, VendorFaults>;
	private readonly emulators: Record<Vendor, VendorEmulator>;
	private readonly algonomy: AlgonomyEmulator;
	private readonly esputnik: EsputnikEmulator;
	private readonly routes: VendorRoute[];
	private records: ReceivedRequest[] = [];
	private seq = 0;
	private unmatched = 0;
	private vendorStats: Record<Vendor, VendorStats>;
	/** Latency waits in progress: cancelled on close. */
	private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: (finished: boolean) => void }>();
	/** Responses held open by the hang fault: destroyed on close. */
	private readonly hanging = new Set<ServerResponse>();
	private readonly server: Server;
	private closing: Promise<void> | undefined;

	constructor(options: SandboxOptions) {
		this.clock = options.clock ?? Date.now;
		this.log = options.quiet ? () => undefined : (options.log ?? ((line: string) => console.log(line)));
		this.credentials = resolveCredentials(options.credentials);
		const odpRate = options.odpRateLimitPerSecond ?? DEFAULT_ODP_RATE_LIMIT_PER_SECOND;
		if (!Number.isFinite(odpRate) || odpRate < 0) throw new Error('odpRateLimitPerSecond must be a number ≥ 0');
		const lifetime = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
		if (!Number.isFinite(lifetime) || lifetime <= 0) throw new Error('tokenLifetimeSeconds must be a positive number');
		const faults = options.faults ?? {};
		for (const vendor of Object.keys(faults)) {
			if (!(VENDORS as readonly string[]).includes(vendor)) throw new Error(`faults: unknown vendor "${vendor}"`);
		}
		this.vendorFaults = {
			optimizely: new VendorFaults('optimizely', faults.optimizely),
			algonomy: new VendorFaults('algonomy', faults.algonomy),
			esputnik: new VendorFaults('esputnik', faults.esputnik),
			odp: new VendorFaults('odp', faults.odp),
		};
		this.esputnik = new EsputnikEmulator(this.credentials.esputnik, options.esputnik);
		this.algonomy = new AlgonomyEmulator(this.credentials.algonomy, lifetime, () => this.vendorFaults.algonomy.tokenExpirySeconds);
		this.emulators = {
			optimizely: new OptimizelyEmulator(this.credentials.optimizely),
			algonomy: this.algonomy,
			esputnik: this.esputnik,
			odp: new OdpEmulator(this.credentials.odp, odpRate, options.odp),
		};
		this.routes = VENDORS.flatMap((vendor) => this.emulators[vendor].routes);
		this.vendorStats = this.freshStats();
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: Error) => {
				this.log(`[sandbox] internal error: ${error.message}`);
				send(res, { status: 500, body: { message: 'sandbox internal error' } });
			});
		});
	}

	listen(port: number): Promise<number> {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, HOST, () => {
				this.server.off('error', reject);
				resolve((this.server.address() as AddressInfo).port);
			});
		});
	}

	close(): Promise<void> {
		if (!this.closing) {
			for (const wait of this.waits) {
				clearTimeout(wait.timer);
				wait.resolve(false);
			}
			this.waits.clear();
			for (const res of this.hanging) res.destroy();
			this.hanging.clear();
			this.closing = new Promise((resolve) => {
				this.server.close(() => resolve());
				this.server.closeAllConnections();
			});
		}
		return this.closing;
	}

	private freshStats(): Record<Vendor, VendorStats> {
		return { optimizely: emptyVendorStats(), algonomy: emptyVendorStats(), esputnik: emptyVendorStats(), odp: emptyVendorStats() };
	}

	received(vendor?: Vendor): ReceivedRequest[] {
		return structuredClone(this.records.filter((record) => record.accepted && (!vendor || record.vendor === vendor)));
	}

	all(vendor?: Vendor): ReceivedRequest[] {
		return structuredClone(this.records.filter((record) => !vendor || record.vendor === vendor));
	}

	reset(): void {
		this.records = [];
		this.unmatched = 0;
		this.vendorStats = this.freshStats();
		for (const vendor of VENDORS) {
			this.emulators[vendor].reset();
			this.vendorFaults[vendor].restart();
		}
	}

	setFaults(vendor: Vendor, faults: FaultConfig): void {
		if (!(VENDORS as readonly string[]).includes(vendor)) throw new Error(`unknown vendor "${vendor}"`);
		this.vendorFaults[vendor].configure(validateFaultConfig(faults));
	}

	faults(): Record<Vendor, FaultConfig> {
		return {
			optimizely: this.vendorFaults.optimizely.settings(),
			algonomy: this.vendorFaults.algonomy.settings(),
			esputnik: this.vendorFaults.esputnik.settings(),
			odp: this.vendorFaults.odp.settings(),
		};
	}

	stats(): SandboxStats {
		const vendors = structuredClone(this.vendorStats);
		return {
			total: VENDORS.reduce((sum, vendor) => sum + vendors[vendor].requests, 0),
			accepted: VENDORS.reduce((sum, vendor) => sum + vendors[vendor].accepted, 0),
			unmatched: this.unmatched,
			tokensIssued: this.algonomy.tokensIssued(),
			vendors,
		};
	}

	tokensIssued(): number {
		return this.algonomy.tokensIssued();
	}

	esputnikContacts(): EsputnikSandboxContact[] {
		return this.esputnik.knownContacts(this.clock());
	}

	addEsputnikContacts(contacts: Array<Omit<EsputnikSandboxContact, 'id'>>): void {
		this.esputnik.addContacts(contacts);
	}

	esputnikEvents(): { saved: ReceivedRequest[]; ignored: ReceivedRequest[] } {
		const events = this.received('esputnik').filter((record) => record.operation === 'event');
		return { saved: events.filter((record) => record.saved === true), ignored: events.filter((record) => record.saved === false) };
	}

	/** Resolves true after `ms`, or false when the sandbox closes first. */
	private wait(ms: number): Promise<boolean> {
		if (ms <= 0) return Promise.resolve(true);
		return new Promise((resolve) => {
			const entry = {
				timer: setTimeout(() => {
					this.waits.delete(entry);
					resolve(true);
				}, ms),
				resolve,
			};
			this.waits.add(entry);
		});
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const url = new URL(req.url ?? '/', `http://${HOST}`);
		const body = await readBody(req);
		if (url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')) {
			// The control API is never faulted, delayed or recorded.
			send(res, this.control(method, url, body));
			return;
		}
		const candidates = this.routes.filter((route) => route.pattern.test(url.pathname));
		if (candidates.length === 0) {
			this.unmatched += 1;
			send(res, { status: 404, body: { message: `no sandbox route for ${method} ${url.pathname}` } });
			this.log(`[sandbox] ${method} ${url.pathname} 404 (no route)`);
			return;
		}
		const route = candidates.find((candidate) => candidate.method === method);
		const known = route ?? candidates[0];
		const emulator = this.emulators[known.vendor];
		const rawBody = body === 'too large' ? Buffer.alloc(0) : body;
		const call: VendorCall = {
			method,
			pathname: url.pathname,
			params: { ...(known.pattern.exec(url.pathname)?.groups ?? {}) },
			query: queryOf(url),
			headers: req.headers,
			rawBody,
			now: this.clock(),
		};
		for (const [name, value] of Object.entries(call.params)) {
			try {
				call.params[name] = decodeURIComponent(value);
			} catch {
				// Keep the raw segment: an undecodable refCode is simply unknown.
			}
		}
		const record = this.record(known, call, body === 'too large' ? '[body too large]' : undefined, req);
		const logPath = known.redactPath ? known.redactPath(url.pathname) : url.pathname;
		const finish = (reply: Pick<VendorReply, 'status' | 'body' | 'headers' | 'saved' | 'note'> & { accepted?: boolean }, fault?: FaultKind) => {
			if (reply.saved !== undefined) record.saved = reply.saved;
			if (reply.note !== undefined) record.note = reply.note;
			this.complete(record, reply.status, reply.accepted ?? false, fault);
			send(res, reply);
			this.log(`[sandbox] ${method} ${logPath} ${reply.status}${fault ? ` (fault: ${fault})` : ''}`);
		};

		if (!route) {
			const allowed = candidates.map((candidate) => candidate.method).join(', ');
			finish({ status: 405, headers: { Allow: allowed }, body: emulator.errorBody(405, `use ${allowed}`, call.now) });
			return;
		}
		const faults = this.vendorFaults[route.vendor];
		if (!(await this.wait(faults.latencyMs))) return;
		if (route.dataRoute) {
			const decision = faults.next();
			switch (decision.kind) {
				case 'drop':
					this.complete(record, 0, false, 'drop');
					this.log(`[sandbox] ${method} ${logPath} dropped (fault: drop)`);
					req.socket.destroy();
					return;
				case 'hang':
					this.complete(record, 0, false, 'hang');
					this.log(`[sandbox] ${method} ${logPath} hanging (fault: hang)`);
					this.hanging.add(res);
					res.on('close', () => this.hanging.delete(res));
					return;
				case 'serverError':
					finish({ status: decision.status, body: emulator.errorBody(decision.status, 'sandbox fault injection: server error', call.now) }, 'serverError');
					return;
				case 'rateLimit':
					finish(
						{
							status: 429,
							headers: { 'Retry-After': String(decision.retryAfterSeconds) },
							body: emulator.errorBody(429, 'sandbox fault injection: too many requests', call.now),
						},
						'rateLimit',
					);
					return;
				case 'none':
					break;
			}
		}
		const limit = Math.min(route.maxBodyBytes ?? MAX_BODY_BYTES, MAX_BODY_BYTES);
		if (body === 'too large' || rawBody.length > limit) {
			finish({ status: 413, body: emulator.errorBody(413, `the body must not exceed ${limit} bytes`, call.now) });
			return;
		}
		finish(route.handle(call));
	}

	/** Records the request on arrival (status 0 until answered), so order follows arrival even under latency. */
	private record(route: VendorRoute, call: VendorCall, bodyOverride: unknown, req: IncomingMessage): ReceivedRequest {
		this.seq += 1;
		const record: ReceivedRequest = {
			seq: this.seq,
			vendor: route.vendor,
			operation: route.operation,
			method: call.method,
			path: route.redactPath ? route.redactPath(call.pathname) : call.pathname,
			query: redactQuery(call.query),
			headers: flattenHeaders(req.headers),
			body: bodyOverride ?? (route.recordBody ? route.recordBody(call) : bodyForRecord(call.rawBody)),
			status: 0,
			accepted: false,
			at: new Date(call.now).toISOString(),
		};
		this.records.push(record);
		const stats = this.vendorStats[route.vendor];
		stats.requests += 1;
		stats.byOperation[route.operation] = (stats.byOperation[route.operation] ?? 0) + 1;
		return record;
	}

	private complete(record: ReceivedRequest, status: number, accepted: boolean, fault?: FaultKind): void {
		record.status = status;
		record.accepted = accepted;
		if (fault) record.fault = fault;
		// A reset between arrival and answer leaves this record out of the new counters.
		if (!this.records.includes(record)) return;
		const stats = this.vendorStats[record.vendor];
		if (accepted) stats.accepted += 1;
		else stats.rejected += 1;
		if (status > 0) stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
		if (fault) stats.faults[fault] += 1;
	}

	private control(method: string, url: URL, body: Buffer | 'too large'): VendorReply {
		const ok = (payload: unknown, status = 200): VendorReply => ({ status, body: payload, accepted: true });
		const bad = (status: number, message: string): VendorReply => ({ status, body: { message }, accepted: false });
		const vendorParam = url.searchParams.get('vendor') ?? undefined;
		if (vendorParam !== undefined && !(VENDORS as readonly string[]).includes(vendorParam)) {
			return bad(400, `vendor must be one of ${VENDORS.join(', ')}`);
		}
		const vendor = vendorParam as Vendor | undefined;
		const route = `${method} ${url.pathname}`;
		switch (route) {
			case 'GET /_sandbox/health':
				return ok({ status: 'ok', vendors: VENDORS });
			case 'GET /_sandbox/received':
				return ok(this.received(vendor));
			case 'GET /_sandbox/all':
				return ok(this.all(vendor));
			case 'GET /_sandbox/stats':
				return ok(this.stats());
			case 'POST /_sandbox/reset':
				this.reset();
				return ok({ status: 'reset' });
			case 'GET /_sandbox/faults':
				return ok(this.faults());
			case 'GET /_sandbox/esputnik/contacts':
				return ok(this.esputnikContacts());
			case 'GET /_sandbox/esputnik/events':
				return ok(this.esputnikEvents());
			case 'POST /_sandbox/esputnik/contacts': {
				if (body === 'too large') return bad(413, 'body too large');
				let parsed: unknown;
				try {
					parsed = JSON.parse(body.toString('utf8'));
				} catch {
					return bad(400, 'body must be JSON: [{"email": "...", "phone": "...", "externalCustomerId": "..."}]');
				}
				const list = Array.isArray(parsed) ? parsed : [parsed];
				if (!list.every((entry) => typeof entry === 'object' && entry !== null && ['email', 'phone', 'externalCustomerId'].some((key) => typeof (entry as Record<string, unknown>)[key] === 'string'))) {
					return bad(400, 'each contact needs an email, phone or externalCustomerId (text)');
				}
				this.addEsputnikContacts(list as Array<Omit<EsputnikSandboxContact, 'id'>>);
				return ok(this.esputnikContacts());
			}
			case 'POST /_sandbox/faults': {
				if (body === 'too large') return bad(413, 'body too large');
				let parsed: unknown;
				try {
					parsed = JSON.parse(body.toString('utf8'));
				} catch {
					return bad(400, 'body must be JSON: {"vendor": "...", ...faults}');
				}
				if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return bad(400, 'body must be a JSON object');
				const { vendor: target, ...config } = parsed as Record<string, unknown>;
				if (typeof target !== 'string' || !(VENDORS as readonly string[]).includes(target)) {
					return bad(400, `vendor must be one of ${VENDORS.join(', ')}`);
				}
				try {
					this.setFaults(target as Vendor, config as FaultConfig);
				} catch (error) {
					return bad(400, (error as Error).message);
				}
				return ok({ vendor: target, faults: this.vendorFaults[target as Vendor].settings() });
			}
			default: {
				const knownPaths = ['/_sandbox/health', '/_sandbox/received', '/_sandbox/all', '/_sandbox/stats', '/_sandbox/reset', '/_sandbox/faults', '/_sandbox/esputnik/contacts', '/_sandbox/esputnik/events'];
				if (knownPaths.includes(url.pathname)) return bad(405, `method ${method} not allowed on ${url.pathname}`);
				return bad(404, `no control route ${url.pathname}; see ${knownPaths.join(', ')}`);
			}
		}
	}
}

/** Starts a sandbox on 127.0.0.1. Each call is independent: several can run side by side. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const server = new SandboxServer(options);
	const port = await server.listen(options.port ?? 0);
	return {
		url: `http://${HOST}:${port}`,
		port,
		credentials: structuredClone(server.credentials),
		close: () => server.close(),
		received: (vendor) => server.received(vendor),
		all: (vendor) => server.all(vendor),
		reset: () => server.reset(),
		setFaults: (vendor, faults) => server.setFaults(vendor, faults),
		faults: () => server.faults(),
		stats: () => server.stats(),
		tokensIssued: () => server.tokensIssued(),
		esputnikContacts: () => server.esputnikContacts(),
		addEsputnikContacts: (contacts) => server.addEsputnikContacts(contacts),
		esputnikEvents: () => server.esputnikEvents(),
	};
}
