import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	INodeProperties,
} from 'n8n-workflow';

import { statusRules } from '../nodes/shared/credentialAdvice';
import {
	ALGONOMY_BASE_URL_EXPRESSION,
	algonomyBaseUrl,
	CUSTOM_BASE_URL_OPTION,
	customBaseUrlProperty,
	TOKEN_REQUEST_TIMEOUT_MS,
} from '../nodes/shared/endpoints';

/**
 * OAuth2 client credentials through `preAuthentication` and an expirable hidden token, not by
 * extending n8n's `oAuth2Api`: Algonomy's token host depends on the environment picked here (an
 * oAuth2Api credential has one fixed token URL and needs a "Connect" click in the editor), and with
 * preAuthentication n8n fetches the token on first use, stores it with the credential, reuses it
 * across executions, renews it when the API answers 401 and repeats that request — and the
 * credential's Test button runs the whole exchange.
 */
export class AlgonomyOAuth2Api implements ICredentialType {
	name = 'algonomyOAuth2Api';

	displayName = 'Algonomy OAuth2 API';

	icon = { light: 'file:algonomy.svg', dark: 'file:algonomy.dark.svg' } as const;

	documentationUrl = 'https://algonomy.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'https://gateway.richrelevance.com' },
				{ name: 'QA', value: 'qa', description: 'https://qa-gateway.richrelevance.com' },
				{ name: 'Staging', value: 'staging', description: 'https://staging-gateway.richrelevance.com' },
				CUSTOM_BASE_URL_OPTION,
			],
			default: 'production',
		},
		customBaseUrlProperty('environment', 'https://gateway.richrelevance.com (token and order calls)', 'http://127.0.0.1:8787'),
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The apiKey of your site environment (part of the order URL)',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		// Tokens are per environment, so the token host is the same one the orders go to.
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${algonomyBaseUrl(credentials)}/omnichannel/v1/oauth2/token`,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				client_id: String(credentials.clientId ?? ''),
				client_secret: String(credentials.clientSecret ?? ''),
			}).toString(),
			json: false,
			// A token endpoint that never answers must not hang the execution.
			timeout: TOKEN_REQUEST_TIMEOUT_MS,
		})) as string | { access_token?: string };
		const parsed = typeof response === 'string' ? (JSON.parse(response) as { access_token?: string }) : response;
		if (!parsed?.access_token) {
			throw new Error('Algonomy did not return an access token');
		}
		return { accessToken: parsed.access_token };
	}

	// A function rather than a generic `={{$credentials.…}}` object: n8n calls it as it is, where the
	// generic form has every header expression evaluated by the expression engine on every request
	// (a third of a one-order request's time in bench/results/profile.md). Same headers as before:
	// test/credentials/authenticate.test.ts compares both forms on the wire.
	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		requestOptions.headers = { ...requestOptions.headers, Authorization: `Bearer ${(credentials.accessToken as string | undefined) ?? ''}` };
		return requestOptions;
	};

	// Importing an empty list stores nothing but needs a valid token and API key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: ALGONOMY_BASE_URL_EXPRESSION,
			url: '=/omnichannel/api/v1/{{encodeURIComponent($credentials.apiKey)}}/orders',
			qs: { mode: 'offline' },
			method: 'POST',
			// As text: n8n drops an empty JSON array body, and the API needs the array itself.
			headers: { 'Content-Type': 'application/json' },
			body: '[]' as unknown as object,
			json: false,
		},
		rules: statusRules({
			vendor: 'Algonomy',
			unauthorized:
				'the client ID, client secret or token was not accepted. Check Client ID and Client Secret (the OAuth2 client credentials Algonomy gave you) and the Environment.',
			forbidden:
				'the client may not import orders for this API key. Check that the API Key belongs to the same site as the client ID, and the Environment (production, QA, staging).',
			notFound: 'nothing at this address. Check the API Key (it is part of the order path) and the Environment or Custom Base URL.',
		}),
	};
}
