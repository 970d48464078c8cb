/**
 * In-memory registries of node and credential types, built from the classes a test passes in,
 * answering the questions n8n's own NodeTypes / CredentialTypes services answer.
 */
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	INodeProperties,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

export type NodeTypeClass = new () => INodeType | IVersionedNodeType;
export type CredentialTypeClass = new () => ICredentialType;

/** The package name real n8n prefixes our node names with once the package is installed. */
export const PACKAGE_NODE_PREFIX = 'n8n-nodes-order-sync.';
/** The prefix n8n uses for nodes loaded from N8N_CUSTOM_EXTENSIONS. */
export const CUSTOM_NODE_PREFIX = 'CUSTOM.';

function descriptionOf(nodeType: INodeType | IVersionedNodeType) {
	return nodeType.description;
}

/** Every INodeType version behind a (possibly versioned) node type. */
export function allVersions(nodeType: INodeType | IVersionedNodeType): INodeType[] {
	if ('nodeVersions' in nodeType) return Object.values(nodeType.nodeVersions);
	return [nodeType];
}

export class HarnessNodeTypes implements INodeTypes {
	private readonly byName = new Map<string, INodeType | IVersionedNodeType>();

	constructor(classes: NodeTypeClass[]) {
		for (const NodeClass of classes) {
			this.add(new NodeClass());
		}
	}

	/**
	 * A bare name (no dot) is reachable as itself, as `n8n-nodes-order-sync.<name>` (installed
	 * package) and as `CUSTOM.<name>` (custom extensions), so workflow JSON can use any of them.
	 */
	add(nodeType: INodeType | IVersionedNodeType): void {
		const { name } = descriptionOf(nodeType);
		const aliases = name.includes('.') ? [name] : [name, PACKAGE_NODE_PREFIX + name, CUSTOM_NODE_PREFIX + name];
		for (const alias of aliases) this.byName.set(alias, nodeType);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const found = this.byName.get(nodeType);
		if (!found) throw new UnexpectedError(`Unrecognized node type: ${nodeType}`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.byName.keys()].map((name) => [name, { className: name, sourcePath: '' }]));
	}

	/** Every registered type name (aliases included) with its node type. */
	entries(): Array<{ typeName: string; nodeType: INodeType | IVersionedNodeType }> {
		return [...this.byName].map(([typeName, nodeType]) => ({ typeName, nodeType }));
	}
}

export class HarnessCredentialTypes {
	private readonly byName = new Map<string, ICredentialType>();

	constructor(
		classes: CredentialTypeClass[],
		private readonly nodeTypes?: HarnessNodeTypes,
	) {
		for (const CredentialClass of classes) {
			const credentialType = new CredentialClass();
			this.byName.set(credentialType.name, credentialType);
		}
	}

	recognizes(typeName: string): boolean {
		return this.byName.has(typeName);
	}

	getByName(typeName: string): ICredentialType {
		const found = this.byName.get(typeName);
		if (!found) throw new UnexpectedError(`Unknown credential type: ${typeName}`);
		return found;
	}

	/** All ancestors through `extends`, nearest first (what n8n's CredentialTypes.getParentTypes returns). */
	getParentTypes(typeName: string): string[] {
		const credentialType = this.byName.get(typeName);
		if (credentialType?.extends === undefined) return [];
		const parents: string[] = [];
		for (const parentName of credentialType.extends) {
			parents.push(parentName, ...this.getParentTypes(parentName));
		}
		return parents;
	}

	/**
	 * Properties including inherited ones; a child's property overrides its parent's of the same
	 * name, as n8n's CredentialsHelper.getCredentialsProperties does.
	 */
	getCredentialsProperties(typeName: string): INodeProperties[] {
		const credentialType = this.getByName(typeName);
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parentName of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parentName));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	/** Node type names (all aliases) whose descriptions list this credential type. */
	getSupportedNodes(typeName: string): string[] {
		if (!this.nodeTypes) return [];
		const supported: string[] = [];
		for (const { typeName: nodeTypeName, nodeType } of this.nodeTypes.entries()) {
			const usesIt = allVersions(nodeType).some((version) =>
				(version.description.credentials ?? []).some((credential) => credential.name === typeName),
			);
			if (usesIt) supported.push(nodeTypeName);
		}
		return supported;
	}
}
