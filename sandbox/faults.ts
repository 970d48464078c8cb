import type { FaultConfig, Vendor } from './types';

const FAULT_KEYS: readonly (keyof FaultConfig)[] = [
	'seed',
	'serverErrorRate',
	'rateLimitRate',
	'retryAfterSeconds',
	'latencyMs',
	'dropRate',
	'hangRate',
	'tokenExpirySeconds',
];

const RATE_KEYS = ['serverErrorRate', 'rateLimitRate', 'dropRate', 'hangRate'] as const;

export const DEFAULT_FAULT_SEED = 1;

const SERVER_ERROR_STATUSES = [500, 502, 503] as const;

/** Checks a fault configuration (also from the control API, so unknown keys are typos and rejected). */
export function validateFaultConfig(value: unknown): FaultConfig {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new Error('fault configuration must be an object');
	}
	const input = value as Record<string, unknown>;
	for (const key of Object.keys(input)) {
		if (!(FAULT_KEYS as readonly string[]).includes(key)) {
			throw new Error(`unknown fault setting "${key}" (known: ${FAULT_KEYS.join(', ')})`);
		}
		const setting = input[key];
		if (setting === undefined) continue;
		if (typeof setting !== 'number' || !Number.isFinite(setting)) {
			throw new Error(`fault setting "${key}" must be a finite number`);
		}
	}
	const config = input as FaultConfig;
	let rateSum = 0;
	for (const key of RATE_KEYS) {
		const rate = config[key];
		if (rate === undefined) continue;
		if (rate < 0 || rate > 1) throw new Error(`fault setting "${key}" must be between 0 and 1`);
		rateSum += rate;
	}
	// The rates share one draw per request, so together they cannot exceed certainty.
	if (rateSum > 1 + 1e-9) throw new Error('dropRate + hangRate + serverErrorRate + rateLimitRate must not exceed 1');
	for (const key of ['retryAfterSeconds', 'latencyMs'] as const) {
		const setting = config[key];
		if (setting !== undefined && setting < 0) throw new Error(`fault setting "${key}" must not be negative`);
	}
	if (config.tokenExpirySeconds !== undefined && config.tokenExpirySeconds <= 0) {
		throw new Error('fault setting "tokenExpirySeconds" must be positive');
	}
	const copy: FaultConfig = {};
	for (const key of FAULT_KEYS) {
		if (config[key] !== undefined) copy[key] = config[key];
	}
	return copy;
}

/** mulberry32: small, fast, good enough for spreading faults, and fully determined by its seed. */
function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const VENDOR_SALT: Record<Vendor, number> = { optimizely: 0x1f3d5b79, algonomy: 0x2a4c6e80, esputnik: 0x3b5d7f91, odp: 0x4c6e80a2 };

export type FaultDecision =
	| { kind: 'none' }
	| { kind: 'drop' }
	| { kind: 'hang' }
	| { kind: 'serverError'; status: number }
	| { kind: 'rateLimit'; retryAfterSeconds: number };

/** One vendor's fault settings and its random stream. */
export class VendorFaults {
	private config: FaultConfig = {};
	private random: () => number = mulberry32(0);

	constructor(
		private readonly vendor: Vendor,
		config: FaultConfig = {},
	) {
		this.configure(config);
	}

	configure(config: FaultConfig): void {
		this.config = validateFaultConfig(config);
		this.restart();
	}

	/** Restarts the stream from the seed: the same requests then meet the same faults again. */
	restart(): void {
		const seed = this.config.seed ?? DEFAULT_FAULT_SEED;
		// Salted per vendor so that one seed does not give every vendor the same pattern.
		this.random = mulberry32((Math.trunc(seed) ^ VENDOR_SALT[this.vendor]) >>> 0);
	}

	settings(): FaultConfig {
		return { ...this.config };
	}

	get latencyMs(): number {
		return this.config.latencyMs ?? 0;
	}

	get tokenExpirySeconds(): number | undefined {
		return this.config.tokenExpirySeconds;
	}

	/** Two draws per data request, always, so the sequence depends only on the seed and the request count. */
	next(): FaultDecision {
		const pick = this.random();
		const variant = this.random();
		const { dropRate = 0, hangRate = 0, serverErrorRate = 0, rateLimitRate = 0 } = this.config;
		let threshold = dropRate;
		if (pick < threshold) return { kind: 'drop' };
		threshold += hangRate;
		if (pick < threshold) return { kind: 'hang' };
		threshold += serverErrorRate;
		if (pick < threshold) {
			const index = Math.min(SERVER_ERROR_STATUSES.length - 1, Math.floor(variant * SERVER_ERROR_STATUSES.length));
			return { kind: 'serverError', status: SERVER_ERROR_STATUSES[index] };
		}
		threshold += rateLimitRate;
		if (pick < threshold) return { kind: 'rateLimit', retryAfterSeconds: this.config.retryAfterSeconds ?? 1 };
		return { kind: 'none' };
	}
}
