/**
 * A loopback HTTP proxy that forwards every request to the sandbox, waits for the sandbox's full
 * answer, and for every n-th affected request throws the answer away and destroys the client's
 * connection. The vendor has then taken the request, but the client sees a dropped connection:
 * the case the sandbox's own `dropRate` (decided before the vendor handles anything) cannot show.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LossyProxyOptions {
	/** Loses the answer of every n-th affected request (deterministic: the count does not depend on timing). */
	loseEvery: number;
	/** Which requests may lose their answer (e.g. data routes only, not the token route). */
	affects(method: string, path: string): boolean;
}

export interface LossyProxy {
	url: string;
	/** Answers thrown away after the sandbox answered. */
	readonly lost: number;
	/** Requests forwarded to the sandbox. */
	readonly forwarded: number;
	close(): Promise<void>;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('end', () => resolve(Buffer.concat(chunks)));
		stream.on('error', reject);
	});
}

export async function startLossyProxy(target: string, options: LossyProxyOptions): Promise<LossyProxy> {
	const upstream = new URL(target);
	let lost = 0;
	let forwarded = 0;
	let affected = 0;
	const server: Server = createServer((req, res) => {
		void (async () => {
			const body = await readAll(req);
			forwarded += 1;
			const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
				const outgoing = httpRequest(
					{ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false },
					(incoming) => {
						readAll(incoming).then((data) => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: data }), reject);
					},
				);
				outgoing.on('error', reject);
				outgoing.end(body);
			});
			const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
			if (options.affects(req.method ?? 'GET', path)) {
				affected += 1;
				if (affected % options.loseEvery === 0) {
					lost += 1;
					req.socket.destroy();
					return;
				}
			}
			res.writeHead(answer.status, answer.headers);
			res.end(answer.body);
		})().catch(() => req.socket.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		get lost() {
			return lost;
		},
		get forwarded() {
			return forwarded;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
