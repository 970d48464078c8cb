import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

// The same rule sets n8n's own `n8n-node lint` (@n8n/node-cli) applies to community packages:
// ESLint + typescript-eslint recommended, the community-nodes plugin's recommended set, and the
// classic n8n-nodes-base sets (minus the rules node-cli switches off because they contradict the
// newer plugin: connection-type constants, URL documentation links).
export default tseslint.config(
	{ ignores: ['dist/**', 'build/**', 'node_modules/**', '.harness/**', 'test/**', 'sandbox/**', 'harness/**', 'bench/**', 'scripts/**', '*.js', '*.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended, n8nCommunityNodesPlugin.configs.recommended],
		rules: { 'prefer-spread': 'off', 'no-console': 'error' },
	},
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{
		files: ['package.json'],
		extends: [n8nCommunityNodesPlugin.configs.recommended],
		rules: { ...n8nNodesBase.configs.community.rules },
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		// The mapping library must import nothing from n8n (it is used and tested alone), so it cannot
		// throw NodeApiError/NodeOperationError: it throws its own OrderValidationError, which the
		// nodes turn into per-item errors.
		files: ['mapping/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
);
