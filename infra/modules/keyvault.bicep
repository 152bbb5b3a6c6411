// Key Vault for the secrets the platform itself cannot avoid (for example a third-party
// MCP server token), referenced from Container Apps secrets by URL with the managed
// identity. The app's own Azure connections use Entra ID and store nothing here.

@description('Name of the key vault (3-24 characters).')
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags object

@description('Days a deleted vault or secret can be recovered (7-90). Purge protection keeps the name reserved that long.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Disable public network access (set when the app reaches the vault through a private endpoint).')
param privateOnly bool = false

@secure()
@description('Key of the proofs the app puts on approvals and internal inputs (WORKFLOW_SIGNING_KEY); stored as the secret workflow-signing-key.')
param workflowSigningKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  // checkov:skip=CKV_AZURE_109:public endpoint by default because the app's outbound addresses on the Consumption profile are not fixed; Entra ID RBAC is the only way in (no keys), and vnetEnabled makes it private
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Azure RBAC instead of the article's access policies.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateOnly ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// The app reads it through a Key Vault reference with its managed identity (Key Vault Secrets User).
resource signingKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  // checkov:skip=CKV_AZURE_41:replaced by a new key at every provision; an expiry would stop the app reading it between deployments
  parent: vault
  name: 'workflow-signing-key'
  tags: tags
  properties: {
    value: workflowSigningKey
    contentType: 'text/plain'
  }
}

output id string = vault.id
output workflowSigningKeySecretUri string = '${vault.properties.vaultUri}secrets/${signingKey.name}'

output name string = vault.name
output uri string = vault.properties.vaultUri
