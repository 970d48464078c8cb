import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import type { IAuthenticateRuleResponseCode } from 'n8n-workflow';

import { statusRules } from '../nodes/shared/credentialAdvice';
import { OPTIMIZELY_RECS_BASE_URL_EXPRESSION, CUSTOM_BASE_URL_OPTION, customBaseUrlProperty, refuseUnsafeCustomBaseUrl } from '../nodes/shared/endpoints';

export class OptimizelyRecsApi implements ICredentialType {
	name = 'optimizelyRecsApi';

	displayName = 'Optimizely Product Recommendations API';

	icon = { light: 'file:optimizelyRecs.svg', dark: 'file:optimizelyRecs.dark.svg' } as const;

	documentationUrl = 'https://docs.developers.optimizely.com/product-recommendations/docs/offline-order-tracking-endpoint';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'United Kingdom (UK) Cluster', value: 'uk', description: 'https://<site>.peerius.com' },
				{ name: 'Sweden (SE) Cluster', value: 'se', description: 'https://<site>.peerius.episerver.net' },
				{ name: 'United States West (US) Cluster', value: 'us', description: 'https://<site>.uswe01.productrecs.episerver.net' },
				{ name: 'UAT (Testing)', value: 'uat', description: 'https://uat.peerius.com' },
				CUSTOM_BASE_URL_OPTION,
			],
			default: 'uk',
		},
		customBaseUrlProperty('environment', 'https://<site>.peerius.com', 'http://127.0.0.1:8787', ''),
		{
			displayName: 'Site',
			name: 'site',
			type: 'string',
			default: '',
			required: true,
			description: 'The site code Optimizely assigned to you (also the first part of the host name)',
		},
		{
			displayName: 'Site Token',
			name: 'siteToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The token of the channel below (Optimizely issues one token per channel)',
		},
		{
			displayName: 'Channel',
			name: 'channel',
			type: 'options',
			options: [
				{ name: 'Call Centre', value: 'callcentre' },
				{ name: 'Mobile App', value: 'mobileapp' },
				{ name: 'Store', value: 'store' },
				{ name: 'TV', value: 'tv' },
			],
			default: 'store',
		},
	];

	// A function rather than a generic `={{$credentials.…}}` object: n8n calls it as it is, where the
	// generic form has every header expression evaluated by the expression engine on every request
	// (a third of a one-order request's time in bench/results/profile.md). Same headers as before:
	// test/credentials/authenticate.test.ts compares both forms on the wire.
	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		// A refused Custom Base URL says why (the Test's request would otherwise go to an .invalid host).
		refuseUnsafeCustomBaseUrl(credentials, 'environment');
		requestOptions.headers = {
			...requestOptions.headers,
			site: credentials.site,
			siteToken: credentials.siteToken,
			channel: credentials.channel,
		};
		return requestOptions;
	};

	// The vendor documents no "ping". An empty order is harmless: with good headers the vendor answers
	// 200 with status "fail" for the body (MalformedJson/MissingField: nothing is stored); with bad headers
	// it answers 401/403, or 200 with status "fail" naming the site token (issue 12). n8n drops the empty
	// object: the request goes out with an empty body (test/credentials/credentialTests.test.ts records
	// it), which stores nothing either. A 200 "fail" whose error is
	// about the headers (code Unauthorized / Forbidden, the codes of its 401/403 answers) fails the Test;
	// n8n's rules compare one field for equality (lodash get path), so only the first error's code is looked at.
	test: ICredentialTestRequest = {
		request: {
			baseURL: OPTIMIZELY_RECS_BASE_URL_EXPRESSION,
			url: '/tracker/smart-api/orders/offline',
			method: 'POST',
			body: {},
			json: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'errors.0.code', value: 'Forbidden', message: 'Optimizely refused the site, site token or channel (it answered status "fail": Forbidden)' },
			},
			{
				type: 'responseSuccessBody',
				properties: { key: 'errors.0.code', value: 'Unauthorized', message: 'Optimizely refused the request headers (it answered status "fail": Unauthorized)' },
			},
			// n8n reads both kinds from one list (responseCode on a failed request, responseSuccessBody on
			// a 2xx); its type allows a list of only one kind, hence the cast.
			...statusRules({
				vendor: 'Optimizely',
				unauthorized: 'the site token was not accepted. Check Site and Site Token (Optimizely gives both for offline order tracking) and the Environment of the site.',
				forbidden:
					'the site, channel or site token may not track offline orders. Check Site, Channel and Site Token, and that Optimizely has enabled offline order tracking for the site.',
				notFound:
					'no tracking endpoint at this address. Check the Environment and the Site code (part of the host name); a Custom Base URL is given without a path.',
			}),
		] as unknown as IAuthenticateRuleResponseCode[],
	};
}
