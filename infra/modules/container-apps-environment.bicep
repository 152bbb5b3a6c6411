// Container Apps environment with workload profiles. Logs go to Azure Monitor through a
// diagnostic setting, so the environment never holds the workspace's shared key (the
// article's 'log-analytics' destination needs listKeys()).

@description('Name of the Container Apps environment.')
param name string

@description('Azure region of the environment.')
param location string

@description('Tags applied to the environment.')
param tags object

@description('Resource id of the Log Analytics workspace that receives the console and system logs.')
param logAnalyticsId string

@description('Subnet delegated to Microsoft.App/environments; empty runs the environment without VNet integration.')
param infrastructureSubnetId string = ''

@description('With VNet integration, expose the environment only inside the virtual network.')
param internal bool = false

@description('Spread replicas over availability zones (needs VNet integration and a region with zones).')
param zoneRedundant bool = false

resource environment 'Microsoft.App/managedEnvironments@2024-10-02-preview' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    vnetConfiguration: empty(infrastructureSubnetId) ? null : {
      infrastructureSubnetId: infrastructureSubnetId
      internal: internal
    }
    zoneRedundant: !empty(infrastructureSubnetId) && zoneRedundant
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-workspace'
  scope: environment
  properties: {
    workspaceId: logAnalyticsId
    // Resource-specific tables (ContainerAppConsoleLogs, ContainerAppSystemLogs) rather than
    // the shared AzureDiagnostics table.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output id string = environment.id
output name string = environment.name
output defaultDomain string = environment.properties.defaultDomain
