/** Small readers for vendor answer bodies, shared by the operations. */

export function isSuccessStatus(statusCode: number): boolean {
	return statusCode >= 200 && statusCode < 300;
}

/** A short, human sentence from whatever a vendor put in an error body. */
export function describeVendorAnswer(statusCode: number, body: unknown): string {
	let detail = '';
	if (typeof body === 'string') {
		detail = body.trim();
	} else if (body && typeof body === 'object') {
		const record = body as Record<string, unknown>;
		const errors = Array.isArray(record.errors) ? record.errors : undefined;
		if (errors && errors.length > 0) {
			detail = errors
				.map((entry) => {
					if (entry && typeof entry === 'object') {
						const { code, message } = entry as Record<string, unknown>;
						return [code, message].filter((part) => part !== undefined && part !== '').join(': ');
					}
					return String(entry);
				})
				.join('; ');
		} else {
			for (const key of ['message', 'error_description', 'error', 'detail', 'title']) {
				const value = record[key];
				if (typeof value === 'string' && value) {
					detail = value;
					break;
				}
			}
			if (!detail) detail = JSON.stringify(body);
		}
	}
	if (detail.length > 500) detail = `${detail.slice(0, 500)}…`;
	return `HTTP ${statusCode}${detail ? `: ${detail}` : ''}`;
}
