/**
 * A tiny real HTTP server on 127.0.0.1 (random port) that records every request it receives and
 * answers through a handler the test supplies.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	/** Path with query string, e.g. `/orders?region=eu`. */
	url: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	/** Raw body text. */
	body: string;
	/** Body parsed as JSON when it is JSON, else undefined. */
	json: unknown;
}

export interface TestResponse {
	status?: number;
	/** Entries whose value is undefined are not sent. */
	headers?: Record<string, string | undefined>;
	/** Objects are sent as JSON; strings as they are. */
	body?: unknown;
}

export type TestHandler = (request: RecordedRequest, index: number) => TestResponse | Promise<TestResponse>;

export interface TestServer {
	/** e.g. `http://127.0.0.1:40123` (no trailing slash). */
	url: string;
	requests: RecordedRequest[];
	/** Replaces the handler (e.g. between phases of a test). */
	setHandler(handler: TestHandler): void;
	close(): Promise<void>;
}

export async function startTestServer(handler: TestHandler): Promise<TestServer> {
	let currentHandler = handler;
	const requests: RecordedRequest[] = [];

	const server: Server = createServer((incoming, outgoing) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			let json: unknown;
			try {
				json = body ? JSON.parse(body) : undefined;
			} catch {
				json = undefined;
			}
			const parsedUrl = new URL(incoming.url ?? '/', 'http://127.0.0.1');
			const recorded: RecordedRequest = {
				method: incoming.method ?? 'GET',
				url: incoming.url ?? '/',
				path: parsedUrl.pathname,
				query: Object.fromEntries(parsedUrl.searchParams),
				headers: incoming.headers,
				body,
				json,
			};
			const index = requests.push(recorded) - 1;
			Promise.resolve()
				.then(async () => await currentHandler(recorded, index))
				.then((response) => {
					const isText = typeof response.body === 'string';
					const payload = response.body === undefined ? '' : isText ? (response.body as string) : JSON.stringify(response.body);
					const headers: Record<string, string> = payload && !isText ? { 'content-type': 'application/json' } : {};
					for (const [name, value] of Object.entries(response.headers ?? {})) {
						if (value !== undefined) headers[name] = value;
					}
					outgoing.writeHead(response.status ?? 200, headers);
					outgoing.end(payload);
				})
				.catch((error: Error) => {
					outgoing.writeHead(500, { 'content-type': 'text/plain' });
					outgoing.end(`test handler failed: ${error.message}`);
				});
		});
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		setHandler(next: TestHandler) {
			currentHandler = next;
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
		},
	};
}
