import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { ESPUTNIK_BASE_URL_EXPRESSION, CUSTOM_BASE_URL_OPTION, customBaseUrlProperty } from '../nodes/shared/endpoints';

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
		customBaseUrlProperty('environment', 'https://esputnik.com/api', 'http://127.0.0.1:8787/api'),
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: 'n8n', password: '={{$credentials.apiKey}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: ESPUTNIK_BASE_URL_EXPRESSION,
			url: '/v1/account/info',
			method: 'GET',
		},
	};
}
