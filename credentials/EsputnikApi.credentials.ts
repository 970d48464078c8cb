import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { statusRules } from '../nodes/shared/credentialAdvice';
import { ESPUTNIK_BASE_URL_EXPRESSION, CUSTOM_BASE_URL_OPTION, customBaseUrlProperty, refuseUnsafeCustomBaseUrl } from '../nodes/shared/endpoints';

export class EsputnikApi implements ICredentialType {
	name = 'esputnikApi';

	displayName = 'eSputnik API';

	icon = { light: 'file:esputnik.svg', dark: 'file:esputnik.dark.svg' } as const;

	documentationUrl = 'https://docs.esputnik.com/';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Sent as the password of HTTP Basic authentication, as eSputnik documents',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: 'https://esputnik.com/api' },
				CUSTOM_BASE_URL_OPTION,
			],
			default: 'production',
		},
		customBaseUrlProperty('environment', 'https://esputnik.com/api', 'http://127.0.0.1:8787/api', '/api'),
	];

	// A function rather than a generic `={{$credentials.…}}` object: n8n calls it as it is, where the
	// generic form has every header expression evaluated by the expression engine on every request
	// (a third of a one-order request's time in bench/results/profile.md). Same headers as before:
	// test/credentials/authenticate.test.ts compares both forms on the wire.
	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		// A refused Custom Base URL says why (the Test's request would otherwise go to an .invalid host).
		refuseUnsafeCustomBaseUrl(credentials, 'environment');
		requestOptions.auth = { ...requestOptions.auth, username: 'n8n', password: credentials.apiKey as string };
		return requestOptions;
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: ESPUTNIK_BASE_URL_EXPRESSION,
			url: '/v1/account/info',
			method: 'GET',
		},
		rules: statusRules({
			vendor: 'eSputnik',
			unauthorized:
				'the API key was not accepted. Copy it again from the API keys of your eSputnik account settings, without spaces (it is sent as the password of Basic authentication).',
			forbidden: 'the API key is valid but may not do this. In eSputnik, give the key access to the API (account, orders and events).',
			notFound:
				'nothing at this address. With a Custom Base URL, check the host: the path /api may be given or left out.',
		}),
	};
}
