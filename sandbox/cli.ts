// `npm run sandbox [-- --port N --faults '{"odp":{"rateLimitRate":0.2}}']`: runs the vendor sandbox until SIGINT/SIGTERM.
import { validateFaultConfig } from './faults';
import { startSandbox } from './server';
import { VENDORS, type FaultConfig, type Sandbox, type Vendor } from './types';

export const CLI_DEFAULT_PORT = 8787;

export interface CliArgs {
	port: number;
	faults: Partial<Record<Vendor, FaultConfig>>;
	odpRateLimitPerSecond?: number;
	tokenLifetimeSeconds?: number;
	/** ODP identifier fields of the account (default email, phone, vuid, zaius_id). */
	odpIdentifiers?: string[];
	/** eSputnik contact import time, ms (default 200). */
	esputnikImportDelayMs?: number;
	quiet: boolean;
	help: boolean;
}

export interface CliIo {
	out(line: string): void;
	err(line: string): void;
	/** Registers the shutdown handler; the default listens once on the process signal. */
	onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
}

export const CLI_USAGE = [
	'Usage: npm run sandbox -- [options]',
	'  --port N              listen on 127.0.0.1:N (default 8787; 0 = any free port)',
	'  --faults JSON         per-vendor faults, e.g. {"odp":{"seed":7,"rateLimitRate":0.2},"algonomy":{"tokenExpirySeconds":30}}',
	'  --odp-rate-limit N    ODP requests per second per key (default 10; 0 = off)',
	'  --token-lifetime N    Algonomy token lifetime in seconds (default 3600)',
	'  --odp-identifiers L   ODP identifier fields of the account, comma-separated (default email,phone,vuid,zaius_id)',
	'  --esputnik-import-delay MS  how long an eSputnik v1/contacts import takes (default 200)',
	'  --quiet               no per-request log lines',
	'  --help                this text',
].join('\n');

function parseCount(name: string, text: string | undefined): number {
	const value = Number(text);
	if (text === undefined || text.trim() === '' || !Number.isInteger(value) || value < 0) {
		throw new Error(`${name} needs a whole number ≥ 0 (got ${text === undefined ? 'nothing' : JSON.stringify(text)})`);
	}
	return value;
}

function parseFaults(text: string | undefined): Partial<Record<Vendor, FaultConfig>> {
	if (text === undefined) throw new Error('--faults needs a JSON object');
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new Error('--faults must be JSON, e.g. {"odp":{"rateLimitRate":0.2}}');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('--faults must be a JSON object keyed by vendor');
	const faults: Partial<Record<Vendor, FaultConfig>> = {};
	for (const [vendor, config] of Object.entries(parsed)) {
		if (!(VENDORS as readonly string[]).includes(vendor)) throw new Error(`--faults: unknown vendor "${vendor}" (known: ${VENDORS.join(', ')})`);
		try {
			faults[vendor as Vendor] = validateFaultConfig(config);
		} catch (error) {
			throw new Error(`--faults ${vendor}: ${(error as Error).message}`);
		}
	}
	return faults;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
	const args: CliArgs = { port: CLI_DEFAULT_PORT, faults: {}, quiet: false, help: false };
	for (let index = 0; index < argv.length; index += 1) {
		const [flag, inline] = argv[index].startsWith('--') && argv[index].includes('=') ? argv[index].split(/=(.*)/s, 2) : [argv[index], undefined];
		const value = () => (inline !== undefined ? inline : argv[++index]);
		switch (flag) {
			case '--port': {
				const port = parseCount('--port', value());
				if (port > 65535) throw new Error('--port must be at most 65535');
				args.port = port;
				break;
			}
			case '--faults':
				args.faults = parseFaults(value());
				break;
			case '--odp-rate-limit':
				args.odpRateLimitPerSecond = parseCount('--odp-rate-limit', value());
				break;
			case '--token-lifetime': {
				const seconds = parseCount('--token-lifetime', value());
				if (seconds === 0) throw new Error('--token-lifetime must be positive');
				args.tokenLifetimeSeconds = seconds;
				break;
			}
			case '--odp-identifiers': {
				const list = String(value() ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
				if (list.length === 0) throw new Error('--odp-identifiers needs a comma-separated list of field names');
				args.odpIdentifiers = list;
				break;
			}
			case '--esputnik-import-delay':
				args.esputnikImportDelayMs = parseCount('--esputnik-import-delay', value());
				break;
			case '--quiet':
				args.quiet = true;
				break;
			case '--help':
			case '-h':
				args.help = true;
				break;
			default:
				throw new Error(`unknown option ${argv[index]}`);
		}
	}
	return args;
}

/** What the CLI prints once listening: where to point each node, and the demo credentials it accepts. */
export function describeSandbox(sandbox: Sandbox, faults: Partial<Record<Vendor, FaultConfig>>): string[] {
	const { optimizely, algonomy, esputnik, odp } = sandbox.credentials;
	const lines = [
		`Sandbox listening on ${sandbox.url}`,
		'Demo credentials it accepts (sandbox-only values):',
		`  Optimizely Recs  POST ${sandbox.url}/tracker/smart-api/orders/offline, DELETE ${sandbox.url}/smart-api/orders/offline/<refCode>`,
		`                   headers site=${optimizely.site} siteToken=${optimizely.siteToken} channel=${(optimizely.channels ?? []).join('|')}`,
		`  Algonomy         POST ${sandbox.url}/omnichannel/v1/oauth2/token, PUT|POST ${sandbox.url}/omnichannel/api/v1/<apiKey>/orders`,
		`                   clientId=${algonomy.clientId} clientSecret=${algonomy.clientSecret} apiKey=${algonomy.apiKey}`,
		`  eSputnik         POST ${sandbox.url}/api/v1/event, POST ${sandbox.url}/api/v1/orders, POST ${sandbox.url}/api/v1/contacts, GET ${sandbox.url}/api/v1/importstatus/<id>`,
		`                   HTTP Basic, any user, password=${esputnik.apiKey}`,
		`  ODP              POST ${sandbox.url}/v3/events, POST ${sandbox.url}/v3/objects/orders`,
		`                   x-api-key=${odp.apiKey}`,
		`Control API: ${sandbox.url}/_sandbox/{health,received,all,stats,faults,reset,esputnik/contacts,esputnik/events}`,
	];
	const faulted = Object.entries(faults);
	lines.push(faulted.length === 0 ? 'Faults: none' : `Faults: ${JSON.stringify(faults)}`);
	return lines;
}

const processIo: CliIo = {
	out: (line) => console.log(line),
	err: (line) => console.error(line),
	onSignal: (signal, handler) => {
		process.once(signal, handler);
	},
};

/** Starts the sandbox from command-line arguments; resolves once listening (undefined for --help). */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<{ sandbox: Sandbox; stopped: Promise<void> } | undefined> {
	const args = parseCliArgs(argv);
	if (args.help) {
		io.out(CLI_USAGE);
		return undefined;
	}
	const sandbox = await startSandbox({
		port: args.port,
		faults: args.faults,
		odpRateLimitPerSecond: args.odpRateLimitPerSecond,
		tokenLifetimeSeconds: args.tokenLifetimeSeconds,
		...(args.odpIdentifiers ? { odp: { identifiers: args.odpIdentifiers } } : {}),
		...(args.esputnikImportDelayMs !== undefined ? { esputnik: { importDelayMs: args.esputnikImportDelayMs } } : {}),
		quiet: args.quiet,
		log: io.out,
	});
	for (const line of describeSandbox(sandbox, args.faults)) io.out(line);
	const stopped = new Promise<void>((resolve) => {
		const stop = (signal: string) => () => {
			io.out(`Received ${signal}, closing the sandbox`);
			sandbox.close().then(resolve, resolve);
		};
		io.onSignal('SIGINT', stop('SIGINT'));
		io.onSignal('SIGTERM', stop('SIGTERM'));
	});
	return { sandbox, stopped };
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error: Error) => {
		console.error(`sandbox: ${error.message}`);
		console.error(CLI_USAGE);
		process.exitCode = 1;
	});
}
