// Azure deployment of the durable agent coordinator: the Functions app on Container Apps
// (kind 'functionapp') and everything it uses. This file only composes modules/; names come
// from abbreviations.json plus one resource token, and every resource carries azd-env-name.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource token and names the resource group.')
param environmentName string

@minLength(1)
@description('Primary region of every resource (Azure OpenAI may use openAiLocation instead).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the user or pipeline running azd; gets data access for debugging. Empty skips it.')
param principalId string = ''

@description('Grant principalId read/write access to the agent logs, Azure OpenAI and the task hub. The pipeline turns it off: deploying needs none of it.')
param grantPrincipalDataAccess bool = true

@description('Kind of principal principalId is: User from a terminal, ServicePrincipal from the pipeline.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Sizing profile: replicas, throughput, redundancy and retention per environment.')
@allowed([
  'dev'
  'test'
  'prod'
])
param environmentType string = 'dev'

@description('Region of Azure OpenAI when the models are not offered in location; empty uses location.')
param openAiLocation string = ''

@description('Use the Durable Task Scheduler as the Durable backend instead of the Storage account.')
param useDurableTaskScheduler bool = false

@description('Integrate the Container Apps environment with a VNet and reach Storage, Cosmos DB, Azure OpenAI and Key Vault through private endpoints only.')
param vnetEnabled bool = false

@description('With vnetEnabled, make the app reachable only inside the VNet.')
param internalOnly bool = false

@description('Spread the Container Apps environment and Cosmos DB over availability zones (region must support zones; the environment also needs vnetEnabled).')
param zoneRedundant bool = false

@description('Image azd deployed last (azd: SERVICE_API_IMAGE_NAME); empty falls back to the running image or the placeholder.')
param apiImageName string = ''

@description('Whether the app already exists (azd: SERVICE_API_RESOURCE_EXISTS); then re-provisioning keeps its image.')
param apiExists bool = false

@description('Audience of the Entra ID tokens the API accepts; empty means api://<app name>.')
param authAudience string = ''

@description('Comma-separated origins allowed by CORS; empty allows none. Never "*".')
param corsAllowedOrigins string = ''

@description('Comma-separated e-mail addresses the alerts notify.')
param alertEmails string = ''

@description('Days agent logs are kept (Cosmos DB TTL and AGENT_LOG_TTL_DAYS).')
@minValue(1)
param agentLogTtlDays int = 30

@description('Optional second Cosmos DB region for failover; empty keeps one region.')
param cosmosFailoverLocation string = ''

@description('Name of the Durable task hub.')
param taskHubName string = 'AgentCoordinatorHub'

@description('Overrides of the workflow limits and client timeouts (see modules/function-app.bicep).')
param appTuning object = {}

@description('Extra app settings ({name, value}), e.g. MCP_*_URL for tool servers hosted elsewhere, or the URL of a remote MCP server that agents.yaml names as ${NAME}. No keys.')
param extraAppSettings array = []

@description('Settings read from Key Vault secrets with the app identity ({setting, secretUri}), e.g. a token a remote MCP server needs in a header.')
param keyVaultSecretSettings array = []

@description('Chat model of the Azure OpenAI deployment (AZURE_OPENAI_CHAT_MODEL); docs/deployment.md lists its retirement date.')
param openAiChatModel string = 'gpt-5.4'

@description('Version of the chat model (AZURE_OPENAI_CHAT_MODEL_VERSION).')
param openAiChatModelVersion string = '2026-03-05'

// Generated at each provision (newGuid is allowed only as a parameter default), so the key
// never lives in a file or the azd environment; proofs are checked seconds after they are made,
// so a new key on re-provision only refuses decisions that were in flight at that moment.
@secure()
@description('Key of the proofs on approvals and internal inputs; leave it to its generated default.')
param workflowSigningKey string = newGuid() // checkov:skip=CKV_AZURE_131:newGuid() is generated per deployment, not a hard-coded value

@description('Overrides of the chat deployment (name, model, version, sku, capacity).')
param openAiChatDeployment object = {}

@description('Overrides of the embedding deployment (name, model, version, sku, capacity).')
param openAiEmbeddingDeployment object = {}

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'durable-agent-coordinator'
  'environment-type': environmentType
}

// Replicas, throughput, redundancy and retention per environment type.
var profiles = loadJsonContent('environment-profiles.json')
var profile = profiles[environmentType]

var appName = '${abbrs.appContainerApps}api-${resourceToken}'
var placeholderImage = 'mcr.microsoft.com/azure-functions/python:4-python3.11'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: profile.logRetentionDays
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module network 'modules/network.bicep' = if (vnetEnabled) {
  name: 'network'
  scope: rg
  params: {
    name: '${abbrs.networkVirtualNetworks}${resourceToken}'
    networkSecurityGroupName: '${abbrs.networkNetworkSecurityGroups}${resourceToken}'
    location: location
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: '${abbrs.containerRegistryRegistries}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: profile.storageSku
    privateOnly: vnetEnabled
  }
}

module scheduler 'modules/durable-task-scheduler.bicep' = if (useDurableTaskScheduler) {
  name: 'durable-task-scheduler'
  scope: rg
  params: {
    name: '${abbrs.durableTaskSchedulers}${resourceToken}'
    location: location
    tags: tags
    taskHubName: taskHubName
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    logTtlDays: agentLogTtlDays
    autoscaleMaxThroughput: profile.cosmosMaxThroughput
    backupTier: profile.cosmosBackupTier
    zoneRedundant: zoneRedundant
    failoverLocation: cosmosFailoverLocation
    privateOnly: vnetEnabled
  }
}

module openAi 'modules/openai.bicep' = {
  name: 'openai'
  scope: rg
  params: {
    name: '${abbrs.cognitiveServicesOpenAI}${resourceToken}'
    location: empty(openAiLocation) ? location : openAiLocation
    tags: tags
    privateOnly: vnetEnabled
    chatModel: openAiChatModel
    chatModelVersion: openAiChatModelVersion
    chatDeployment: openAiChatDeployment
    embeddingDeployment: openAiEmbeddingDeployment
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    softDeleteRetentionInDays: profile.keyVaultRetentionDays
    privateOnly: vnetEnabled
    workflowSigningKey: workflowSigningKey
  }
}

module privateEndpoints 'modules/private-endpoints.bicep' = if (vnetEnabled) {
  name: 'private-endpoints'
  scope: rg
  params: {
    location: location
    tags: tags
    vnetId: vnetEnabled ? network!.outputs.id : ''
    subnetId: vnetEnabled ? network!.outputs.privateEndpointsSubnetId : ''
    namePrefix: '${abbrs.networkPrivateEndpoints}${resourceToken}-'
    storageAccountId: storage.outputs.id
    cosmosAccountId: cosmos.outputs.id
    openAiAccountId: openAi.outputs.id
    keyVaultId: keyVault.outputs.id
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: grantPrincipalDataAccess ? principalId : ''
    userPrincipalType: principalType
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    openAiAccountName: openAi.outputs.name
    keyVaultName: keyVault.outputs.name
    registryName: registry.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    useDurableTaskScheduler: useDurableTaskScheduler
    durableTaskSchedulerName: useDurableTaskScheduler ? scheduler!.outputs.name : ''
    taskHubName: taskHubName
  }
}

module containerAppsEnvironment 'modules/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    name: '${abbrs.appManagedEnvironments}${resourceToken}'
    location: location
    tags: tags
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    infrastructureSubnetId: vnetEnabled ? network!.outputs.appsSubnetId : ''
    internal: internalOnly
    zoneRedundant: zoneRedundant
  }
}

module currentImage 'modules/current-image.bicep' = if (apiExists && empty(apiImageName)) {
  name: 'current-image'
  scope: rg
  params: {
    appName: appName
  }
}

var knownImage = !empty(apiImageName) ? apiImageName : (apiExists ? currentImage!.outputs.image : '')

module api 'modules/function-app.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: appName
    location: location
    tags: union(tags, {
      'azd-service-name': 'api'
    })
    environmentId: containerAppsEnvironment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryLoginServer: registry.outputs.loginServer
    image: (knownImage == placeholderImage) ? '' : knownImage
    placeholderImage: placeholderImage
    minReplicas: profile.minReplicas
    maxReplicas: profile.maxReplicas
    storageAccountName: storage.outputs.name
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    useDurableTaskScheduler: useDurableTaskScheduler
    durableTaskSchedulerEndpoint: useDurableTaskScheduler ? scheduler!.outputs.endpoint : ''
    taskHubName: taskHubName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    cosmosContainerName: cosmos.outputs.containerName
    agentLogTtlDays: agentLogTtlDays
    openAiEndpoint: openAi.outputs.endpoint
    openAiChatDeployment: openAi.outputs.chatDeploymentName
    openAiEmbeddingDeployment: openAi.outputs.embeddingDeploymentName
    authEnabled: true
    authTenantId: tenant().tenantId
    authAudience: empty(authAudience) ? 'api://${appName}' : authAudience
    corsAllowedOrigins: empty(corsAllowedOrigins) ? [] : split(corsAllowedOrigins, ',')
    workflow: appTuning
    workflowSigningKeySecretUri: keyVault.outputs.workflowSigningKeySecretUri
    extraAppSettings: extraAppSettings
    keyVaultSecretSettings: keyVaultSecretSettings
  }
  // The identity must hold AcrPull (and its data roles) before the first revision starts.
  dependsOn: [
    rbac
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    alertNamePrefix: '${abbrs.insightsMetricAlerts}${resourceToken}-'
    tags: tags
    containerAppId: api.outputs.id
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    emails: empty(alertEmails) ? [] : split(alertEmails, ',')
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_ENVIRONMENT_NAME string = containerAppsEnvironment.outputs.name
output AZURE_APP_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_APP_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_OPENAI_ENDPOINT string = openAi.outputs.endpoint
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output DURABLE_TASK_SCHEDULER_ENDPOINT string = useDurableTaskScheduler ? scheduler!.outputs.endpoint : ''
output DURABLE_TASK_HUB_NAME string = taskHubName
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = 'https://${api.outputs.fqdn}'
output SERVICE_API_PROBES_ENABLED bool = api.outputs.probesEnabled
