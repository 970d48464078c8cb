import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { statusRules } from '../nodes/shared/credentialAdvice';
import { ODP_BASE_URL_EXPRESSION, CUSTOM_BASE_URL_OPTION, customBaseUrlProperty, refuseUnsafeCustomBaseUrl } from '../nodes/shared/endpoints';

export class OptimizelyDataPlatformApi implements ICredentialType {
	name = 'optimizelyDataPlatformApi';

	displayName = 'Optimizely Data Platform API';

	icon = { light: 'file:odp.svg', dark: 'file:odp.dark.svg' } as const;

	documentationUrl = 'https://docs.developers.optimizely.com/optimizely-data-platform/docs/orders';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The public API key (sent as the x-api-key header)',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'Auto (From the Key Suffix)', value: 'auto', description: 'Keys ending in -eu1 are EU, -au1 are AU, others US' },
				{ name: 'US', value: 'us', description: 'https://api.zaius.com/v3' },
				{ name: 'EU', value: 'eu', description: 'https://api.eu1.odp.optimizely.com/v3' },
				{ name: 'AU', value: 'au', description: 'https://api.au1.odp.optimizely.com/v3' },
				CUSTOM_BASE_URL_OPTION,
			],
			default: 'auto',
		},
		customBaseUrlProperty('region', 'https://api.zaius.com/v3', 'http://127.0.0.1:8787/v3', '/v3'),
	];

	// A function rather than a generic `={{$credentials.…}}` object: n8n calls it as it is, where the
	// generic form has every header expression evaluated by the expression engine on every request
	// (a third of a one-order request's time in bench/results/profile.md). Same headers as before:
	// test/credentials/authenticate.test.ts compares both forms on the wire.
	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		// A refused Custom Base URL says why (the Test's request would otherwise go to an .invalid host).
		refuseUnsafeCustomBaseUrl(credentials, 'region');
		requestOptions.headers = { ...requestOptions.headers, 'x-api-key': credentials.apiKey };
		return requestOptions;
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: ODP_BASE_URL_EXPRESSION,
			url: '/schema/objects',
			method: 'GET',
		},
		rules: statusRules({
			vendor: 'Optimizely Data Platform',
			unauthorized:
				'the API key was not accepted. Use the private API key from ODP › Settings › APIs, and check the Region (EU keys end in -eu1, AU keys in -au1).',
			forbidden:
				'the API key may not do this. Use the private API key (not the public one) from ODP › Settings › APIs, and check the Region (EU keys end in -eu1, AU keys in -au1).',
			notFound: 'nothing at this address. Check the Region; with a Custom Base URL, check the host: the path /v3 may be given or left out.',
		}),
	};
}
