import type { IAuthenticateRuleResponseCode } from 'n8n-workflow';

/**
 * Plain advice for a failing credential Test, per HTTP status (issue 17: the Test said only "Not
 * Found" or "Unauthorized"). n8n's CredentialsTester shows the message of the first `responseCode`
 * rule whose value is the status of the failed test request.
 */
export interface StatusAdvice {
	vendor: string;
	/** 401: what to check about the secret */
	unauthorized: string;
	/** 403: what to check about permissions */
	forbidden: string;
	/** 404: what to check about the address (environment, region, site, Custom Base URL) */
	notFound: string;
}

export function statusRules(advice: StatusAdvice): IAuthenticateRuleResponseCode[] {
	const rule = (value: number, message: string): IAuthenticateRuleResponseCode => ({
		type: 'responseCode',
		properties: { value, message: `${advice.vendor} answered ${value}: ${message}` },
	});
	const serverError = `${advice.vendor} (or the proxy at the Custom Base URL) could not answer right now; the credential may be fine. Try the Test again in a few minutes.`;
	return [
		rule(400, `the request was refused as malformed. Check the Custom Base URL (if used) points at ${advice.vendor}'s API and not at another service.`),
		rule(401, advice.unauthorized),
		rule(403, advice.forbidden),
		rule(404, advice.notFound),
		rule(407, 'a proxy between n8n and the vendor asks for its own login. Ask your administrator for the proxy settings of n8n.'),
		rule(429, 'too many requests for now (the vendor limits how often it may be called). Wait a minute and test again.'),
		rule(500, serverError),
		rule(502, serverError),
		rule(503, serverError),
		rule(504, serverError),
	];
}
