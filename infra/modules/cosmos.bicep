// Cosmos DB (NoSQL) account of the agent logs: database AgentCoordination, container
// AgentLogs partitioned by /agent_id with a 30-day default TTL. Keys are disabled
// (disableLocalAuth); the app is granted the data-plane role in rbac.bicep.

@description('Name of the Cosmos DB account.')
param name string

@description('Azure region of the write region.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Name of the database.')
param databaseName string = 'AgentCoordination'

@description('Name of the agent-log container.')
param containerName string = 'AgentLogs'

@description('Days an agent-log item lives before Cosmos DB deletes it (default TTL of the container).')
@minValue(1)
param logTtlDays int = 30

@description('Autoscale ceiling of the container in RU/s; it scales between 10% of this value and the value.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@description('Continuous backup tier: point-in-time restore over the last 7 or 30 days.')
@allowed([
  'Continuous7Days'
  'Continuous30Days'
])
param backupTier string = 'Continuous7Days'

@description('Spread the write region over availability zones (the region must support it; adds cost).')
param zoneRedundant bool = false

@description('Optional read region for region failover; empty keeps a single region.')
param failoverLocation string = ''

@description('Disable public network access (set when the app reaches Cosmos DB through a private endpoint).')
param privateOnly bool = false

var primaryLocation = [
  {
    locationName: location
    failoverPriority: 0
    isZoneRedundant: zoneRedundant
  }
]
var secondaryLocation = empty(failoverLocation) ? [] : [
  {
    locationName: failoverLocation
    failoverPriority: 1
    isZoneRedundant: false
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  // checkov:skip=CKV_AZURE_101:public endpoint by default because the app's outbound addresses on the Consumption profile are not fixed; Entra ID RBAC is the only way in (no keys), and vnetEnabled makes it private
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: concat(primaryLocation, secondaryLocation)
    enableAutomaticFailover: !empty(failoverLocation)
    enableMultipleWriteLocations: false
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    // The article kept public access on next to its private endpoint; here the endpoint
    // replaces it.
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    networkAclBypass: 'None'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: backupTier
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource agentLogs 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: {
        paths: [
          '/agent_id'
        ]
        kind: 'Hash'
      }
      // The article's policy (timestamp, workflow_id, query_type) plus the paths the store
      // also filters or sorts on (core/agent_logs/cosmos_config.py). Cosmos DB needs the root
      // path in one of the lists, so everything else is excluded explicitly.
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/timestamp/?'
          }
          {
            path: '/workflow_id/?'
          }
          {
            path: '/query_type/?'
          }
          {
            path: '/agent_id/?'
          }
          {
            path: '/step/?'
          }
          {
            path: '/latency_ms/?'
          }
        ]
        excludedPaths: [
          {
            path: '/*'
          }
        ]
      }
      defaultTtl: logTtlDays * 86400
    }
    options: {
      autoscaleSettings: {
        maxThroughput: autoscaleMaxThroughput
      }
    }
  }
}

output id string = account.id
output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output containerName string = agentLogs.name
