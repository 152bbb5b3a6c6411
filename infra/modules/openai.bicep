// Azure OpenAI account with a chat and an embedding deployment. Keys are disabled
// (disableLocalAuth); the app calls it with an Entra ID token ("Cognitive Services OpenAI
// User" in rbac.bicep), which is why the account needs a custom subdomain.

@description('Name (and custom subdomain) of the Azure OpenAI account.')
param name string

@description('Azure region of the account; pick one that offers the models below.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Disable public network access (set when the app reaches the account through a private endpoint).')
param privateOnly bool = false

@description('Chat model to deploy; one Azure still offers for new deployments (see docs/deployment.md, model lifecycle).')
param chatModel string = 'gpt-5.4'

@description('Version of the chat model (GA versions stay deployable for at least 12 months after release).')
param chatModelVersion string = '2026-03-05'

@description('Chat deployment overrides: name (AZURE_OPENAI_CHAT_DEPLOYMENT), model, version, sku, capacity (thousands of tokens per minute).')
param chatDeployment object = {}

@description('Embedding deployment overrides: name (AZURE_OPENAI_EMBEDDING_DEPLOYMENT), model, version, sku, capacity (thousands of tokens per minute).')
param embeddingDeployment object = {}

// Model versions and SKUs differ by region and quota; check both before changing them.
var chat = union({
  name: chatModel
  model: chatModel
  version: chatModelVersion
  sku: 'GlobalStandard'
  capacity: 30
}, chatDeployment)
var embedding = union({
  name: 'text-embedding-3-small'
  model: 'text-embedding-3-small'
  version: '1'
  sku: 'Standard'
  capacity: 30
}, embeddingDeployment)

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  // checkov:skip=CKV_AZURE_134:public endpoint by default because the app's outbound addresses on the Consumption profile are not fixed; Entra ID RBAC is the only way in (no keys), and vnetEnabled makes it private
  // checkov:skip=CKV_AZURE_238:the account calls nothing on its own (no customer-managed key, no data sources), so an identity would have no use
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateOnly ? 'Deny' : 'Allow'
    }
  }
}

resource chatModel 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: chat.name
  sku: {
    name: chat.sku
    capacity: chat.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: chat.model
      version: chat.version
    }
    raiPolicyName: 'Microsoft.DefaultV2'
  }
}

// One deployment at a time: the account rejects concurrent deployment operations.
resource embeddingModel 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: embedding.name
  sku: {
    name: embedding.sku
    capacity: embedding.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: embedding.model
      version: embedding.version
    }
  }
  dependsOn: [
    chatModel
  ]
}

output id string = account.id
output name string = account.name
output endpoint string = account.properties.endpoint
output chatDeploymentName string = chatModel.name
output embeddingDeploymentName string = embeddingModel.name
