// The Functions app, hosted natively on Container Apps (kind 'functionapp'). It runs as the
// user-assigned identity, pulls its image from ACR with that identity and reaches every
// Azure service with Entra ID: no setting below carries a key or a connection secret.

@description('Name of the container app.')
param name string

@description('Azure region of the app.')
param location string

@description('Tags applied to the app; include azd-service-name so azd deploy finds it.')
param tags object

@description('Resource id of the Container Apps environment.')
param environmentId string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (AZURE_CLIENT_ID and the identity-based connections).')
param identityClientId string

@description('Login server of the container registry the image is pulled from.')
param registryLoginServer string

@description('Image to run. Empty runs the placeholder until azd deploy pushes the real image.')
param image string = ''

@description('Image used before the first azd deploy: the Functions Python base image, which starts a host with no functions.')
param placeholderImage string = 'mcr.microsoft.com/azure-functions/python:4-python3.11'

@description('vCPU of the container (Consumption profile pairs 0.25 vCPU with 0.5Gi).')
param cpu string = '1.0'

@description('Memory of the container, twice the vCPU in Gi on the Consumption profile.')
param memory string = '2Gi'

// Durable Functions on Container Apps only scales to zero with the MSSQL backend; with the
// Azure Storage backend or the Durable Task Scheduler the minimum must stay above zero.
@description('Fewest replicas; at least 1 because the Durable backends used here do not scale from zero.')
@minValue(1)
param minReplicas int = 1

@description('Most replicas the platform-managed scaler may start.')
@minValue(1)
param maxReplicas int = 3

@description('Address ranges allowed to call the ingress; empty allows all. Objects with name, ipAddressRange and action (Allow).')
param ipSecurityRestrictions array = []

@description('Name of the storage account of the Functions host (AzureWebJobsStorage).')
param storageAccountName string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Use the Durable Task Scheduler as the Durable backend instead of Azure Storage.')
param useDurableTaskScheduler bool = false

@description('Endpoint of the Durable Task Scheduler (only with useDurableTaskScheduler).')
param durableTaskSchedulerEndpoint string = ''

@description('Name of the Durable task hub.')
param taskHubName string

@description('Cosmos DB account endpoint (COSMOS_ENDPOINT).')
param cosmosEndpoint string

@description('Cosmos DB database of the agent logs.')
param cosmosDatabaseName string

@description('Cosmos DB container of the agent logs.')
param cosmosContainerName string

@description('Retention of agent logs in days; the same value sets the container TTL.')
param agentLogTtlDays int

@description('Azure OpenAI endpoint (AZURE_OPENAI_ENDPOINT).')
param openAiEndpoint string

@description('Name of the chat deployment.')
param openAiChatDeployment string

@description('Name of the embedding deployment.')
param openAiEmbeddingDeployment string

@description('Azure OpenAI data-plane API version the app requests.')
param openAiApiVersion string = '2025-04-01-preview'

@description('Require Entra ID bearer tokens on the protected endpoints.')
param authEnabled bool = true

@description('Entra ID tenant that issues the tokens.')
param authTenantId string

@description('Audience the tokens must carry (the API app registration client id or Application ID URI).')
param authAudience string

@description('Origins allowed by CORS; never "*". The app answers CORS itself, so the ingress has no CORS policy of its own.')
param corsAllowedOrigins array = []

@description('Workflow limits and client timeouts; keys missing here keep the defaults below.')
param workflow object = {}

@description('Extra app settings (objects with name and value), e.g. MCP_*_URL when tool servers run elsewhere. Never put a key here; use a Key Vault reference.')
param extraAppSettings array = []

@description('Key Vault URL of the secret holding WORKFLOW_SIGNING_KEY, read with the app identity.')
param workflowSigningKeySecretUri string

@description('Settings read from Key Vault secrets with the app identity, as {setting, secretUri} objects (e.g. a remote MCP server\'s token that agents.yaml names as ${SETTING}).')
param keyVaultSecretSettings array = []

var workflowDefaults = {
  openAiTimeoutSeconds: 60
  openAiMaxRetries: 3
  mcpToolTimeoutSeconds: 30
  defaultBudgetTokens: 50000
  maxAgentSteps: 6
  approvalTimeoutSeconds: 3600
  orchestrateWaitSeconds: 5
  maxQueryChars: 4000
  batchSweepSchedule: '0 */30 * * * *'
  batchSweepMaxParallel: 3
}
var limits = union(workflowDefaults, workflow)

var containerImage = empty(image) ? placeholderImage : image
// The placeholder has no /api/health, so probes start with the first real image.
var probesEnabled = !empty(image)

// Settings of the Functions host itself.
var hostSettings = [
  {
    name: 'FUNCTIONS_WORKER_RUNTIME'
    value: 'python'
  }
  // The worker loads the HTTP streams extension (triggers/shared/http_streams.py) only with
  // indexing at init, which Python before 3.13 has to be asked for.
  {
    name: 'PYTHON_ENABLE_INIT_INDEXING'
    value: '1'
  }
  // One Python worker per replica (1 vCPU): the work is I/O-bound and async, so more
  // processes would only split the MCP sessions and model clients; docs/operations.md.
  {
    name: 'FUNCTIONS_WORKER_PROCESS_COUNT'
    value: '1'
  }
  // The worker's pool for sync functions (the orchestrators): as many as host.json's
  // maxConcurrentOrchestratorFunctions, so none waits for a thread.
  {
    name: 'PYTHON_THREADPOOL_THREAD_COUNT'
    value: '20'
  }
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storageAccountName
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identityClientId
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsightsConnectionString
  }
  {
    // Application Insights has local auth disabled: telemetry is sent with this identity.
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identityClientId};Authorization=AAD'
  }
  {
    // host.json names the hub as %DURABLE_TASK_HUB_NAME%.
    name: 'DURABLE_TASK_HUB_NAME'
    value: taskHubName
  }
  {
    // Also override durableTask.hubName itself, so the Bicep is the one source of the hub
    // name in Azure whatever host.json says.
    name: 'AzureFunctionsJobHost__extensions__durableTask__hubName'
    value: taskHubName
  }
]

// Durable Task Scheduler backend: host.json values overridden through app settings, so the
// same image runs on either backend.
var durableTaskSchedulerSettings = useDurableTaskScheduler ? [
  {
    name: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
    value: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
  }
  {
    name: 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__type'
    value: 'azureManaged'
  }
  {
    name: 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName'
    value: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
  }
] : []

// Settings the app reads (core/settings.py). Keys (AZURE_OPENAI_API_KEY, COSMOS_KEY) and
// local-only settings are deliberately absent; tests/infra lists each one with its reason.
var appSettings = [
  {
    name: 'AZURE_OPENAI_ENDPOINT'
    value: openAiEndpoint
  }
  {
    name: 'AZURE_OPENAI_CHAT_DEPLOYMENT'
    value: openAiChatDeployment
  }
  {
    name: 'AZURE_OPENAI_EMBEDDING_DEPLOYMENT'
    value: openAiEmbeddingDeployment
  }
  {
    name: 'AZURE_OPENAI_API_VERSION'
    value: openAiApiVersion
  }
  {
    name: 'AZURE_OPENAI_TIMEOUT_SECONDS'
    value: string(limits.openAiTimeoutSeconds)
  }
  {
    name: 'AZURE_OPENAI_MAX_RETRIES'
    value: string(limits.openAiMaxRetries)
  }
  {
    name: 'COSMOS_ENDPOINT'
    value: cosmosEndpoint
  }
  {
    name: 'COSMOS_DATABASE'
    value: cosmosDatabaseName
  }
  {
    name: 'COSMOS_CONTAINER'
    value: cosmosContainerName
  }
  {
    name: 'AGENT_LOG_TTL_DAYS'
    value: string(agentLogTtlDays)
  }
  {
    name: 'HISTORY_RETENTION_DAYS'
    value: '30'
  }
  {
    name: 'RETENTION_SCHEDULE'
    value: '0 0 3 * * *'
  }
  {
    name: 'MCP_TOOL_TIMEOUT_SECONDS'
    value: string(limits.mcpToolTimeoutSeconds)
  }
  {
    name: 'DEFAULT_BUDGET_TOKENS'
    value: string(limits.defaultBudgetTokens)
  }
  {
    name: 'MAX_AGENT_STEPS'
    value: string(limits.maxAgentSteps)
  }
  {
    name: 'APPROVAL_TIMEOUT_SECONDS'
    value: string(limits.approvalTimeoutSeconds)
  }
  {
    name: 'ORCHESTRATE_WAIT_SECONDS'
    value: string(limits.orchestrateWaitSeconds)
  }
  {
    name: 'MAX_QUERY_CHARS'
    value: string(limits.maxQueryChars)
  }
  {
    name: 'BATCH_SWEEP_SCHEDULE'
    value: limits.batchSweepSchedule
  }
  {
    name: 'BATCH_SWEEP_MAX_PARALLEL'
    value: string(limits.batchSweepMaxParallel)
  }
  {
    name: 'AUTH_ENABLED'
    value: authEnabled ? 'true' : 'false'
  }
  {
    name: 'AUTH_TENANT_ID'
    value: authTenantId
  }
  {
    name: 'AUTH_AUDIENCE'
    value: authAudience
  }
  {
    // No Container Apps authentication is configured in front of the app, so an
    // X-MS-CLIENT-PRINCIPAL header could come from anyone and must not be trusted.
    name: 'AUTH_TRUST_PLATFORM_PRINCIPAL'
    value: 'false'
  }
  {
    name: 'CORS_ALLOWED_ORIGINS'
    value: join(corsAllowedOrigins, ',')
  }
  {
    // One JSON object per log record, with the workflow and agent ids.
    name: 'LOG_FORMAT'
    value: 'json'
  }
]

var healthProbes = [
  {
    type: 'Startup'
    httpGet: {
      path: '/api/health'
      port: 80
      scheme: 'HTTP'
    }
    initialDelaySeconds: 10
    periodSeconds: 10
    timeoutSeconds: 5
    failureThreshold: 10
  }
  {
    type: 'Liveness'
    httpGet: {
      // Liveness checks only that the app answers: a dependency outage must not restart
      // replicas (readiness takes them out of rotation instead).
      path: '/api/health/live'
      port: 80
      scheme: 'HTTP'
    }
    periodSeconds: 30
    timeoutSeconds: 10
    failureThreshold: 3
  }
  {
    type: 'Readiness'
    httpGet: {
      path: '/api/health'
      port: 80
      scheme: 'HTTP'
    }
    periodSeconds: 10
    timeoutSeconds: 5
    failureThreshold: 3
  }
]

// A Key Vault reference: the value never appears in the app's configuration.
var signingKeySettings = [
  {
    name: 'WORKFLOW_SIGNING_KEY'
    secretRef: 'workflow-signing-key'
  }
]

// Container Apps secret names are lower-case with dashes; each comes from its setting's name.
var secretSettings = [for item in keyVaultSecretSettings: {
  name: item.setting
  secretRef: toLower(replace(item.setting, '_', '-'))
}]

var secretReferences = [for item in keyVaultSecretSettings: {
  name: toLower(replace(item.setting, '_', '-'))
  keyVaultUrl: item.secretUri
  identity: identityId
}]

resource app 'Microsoft.App/containerApps@2024-10-02-preview' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 80
        transport: 'auto'
        allowInsecure: false
        ipSecurityRestrictions: ipSecurityRestrictions
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      secrets: concat([
        {
          name: 'workflow-signing-key'
          keyVaultUrl: workflowSigningKeySecretUri
          identity: identityId
        }
      ], secretReferences)
    }
    template: {
      containers: [
        {
          name: 'functions'
          image: containerImage
          env: concat(hostSettings, durableTaskSchedulerSettings, appSettings, signingKeySettings, secretSettings, extraAppSettings)
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          probes: probesEnabled ? healthProbes : []
        }
      ]
      // No scale rules: for kind 'functionapp' the platform derives KEDA rules from the
      // app's triggers (user rules are rejected unless allowScalingRuleOverride is set).
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

output id string = app.id
output name string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
output image string = containerImage
output probesEnabled bool = probesEnabled
