'use strict';
/**
 * The "send" floor: Node's own http client with keep-alive, outside n8n, sending the same requests
 * our node sends with the same concurrency (the first request alone, then `concurrency` lanes, as
 * nodes/shared/transport.ts mapBounded does). Serializing each body is part of sending, so it is timed.
 */
const http = require('node:http');

function vendorHeaders(vendor, credentials, algonomyToken) {
	switch (vendor) {
		case 'optimizely':
			return { site: credentials.optimizely.site, siteToken: credentials.optimizely.siteToken, channel: 'store' };
		case 'algonomy':
			return { authorization: `Bearer ${algonomyToken}` };
		case 'esputnik':
			return { authorization: `Basic ${Buffer.from(`n8n:${credentials.esputnik.apiKey}`).toString('base64')}` };
		case 'odp':
			return { 'x-api-key': credentials.odp.apiKey };
		default:
			throw new Error(`unknown vendor ${vendor}`);
	}
}

function send(agent, baseUrl, request, headers) {
	return new Promise((resolve, reject) => {
		const body = request.body === undefined ? undefined : JSON.stringify(request.body);
		const url = new URL(request.path, baseUrl);
		const req = http.request(
			url,
			{
				method: request.method,
				agent,
				headers: {
					accept: 'application/json',
					...headers,
					...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
				},
			},
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed;
					try {
						parsed = text ? JSON.parse(text) : undefined;
					} catch {
						parsed = text;
					}
					resolve({ statusCode: res.statusCode, body: parsed });
				});
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

async function algonomyToken(baseUrl, credentials) {
	const response = await fetch(`${baseUrl}/omnichannel/v1/oauth2/token`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: credentials.algonomy.clientId,
			client_secret: credentials.algonomy.clientSecret,
		}).toString(),
	});
	const body = await response.json();
	if (!body.access_token) throw new Error(`no Algonomy token: HTTP ${response.status}`);
	return body.access_token;
}

/**
 * Sends `requests` ({method, path, body}) with at most `concurrency` in flight. Resolves with the wall
 * time and the count of 2xx answers whose body is not an Optimizely `status: "fail"`.
 */
async function sendAll({ baseUrl, vendor, credentials, requests, concurrency }) {
	const token = vendor === 'algonomy' ? await algonomyToken(baseUrl, credentials) : undefined;
	const headers = vendorHeaders(vendor, credentials, token);
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	let accepted = 0;
	const failures = [];
	const record = (response) => {
		const failed = response.statusCode < 200 || response.statusCode >= 300 || (response.body && response.body.status === 'fail');
		if (failed) failures.push(response);
		else accepted++;
	};
	const started = process.hrtime.bigint();
	if (requests.length > 0) {
		record(await send(agent, baseUrl, requests[0], headers));
		let next = 1;
		const lanes = Math.max(1, Math.min(concurrency, requests.length - 1));
		await Promise.all(
			Array.from({ length: lanes }, async () => {
				while (next < requests.length) {
					const index = next++;
					record(await send(agent, baseUrl, requests[index], headers));
				}
			}),
		);
	}
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	agent.destroy();
	return { wallMs, accepted, failed: failures.length, firstFailure: failures[0] };
}

module.exports = { sendAll };
