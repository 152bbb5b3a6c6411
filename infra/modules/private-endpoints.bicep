// Private endpoints (vnetEnabled) for the data services, each with its private DNS zone
// linked to the virtual network so the Container Apps environment resolves the private IPs.
// The services themselves disable public network access when this module is used.

@description('Azure region of the private endpoints.')
param location string

@description('Tags applied to the private endpoints and DNS zones.')
param tags object

@description('Resource id of the virtual network the DNS zones are linked to.')
param vnetId string

@description('Resource id of the subnet the private endpoints are placed in.')
param subnetId string

@description('Prefix of the private endpoint names.')
param namePrefix string

@description('Resource id of the storage account (blob, queue and table endpoints).')
param storageAccountId string

@description('Resource id of the Cosmos DB account.')
param cosmosAccountId string

@description('Resource id of the Azure OpenAI account.')
param openAiAccountId string

@description('Resource id of the key vault.')
param keyVaultId string

var storageSuffix = environment().suffixes.storage
var endpoints = [
  {
    name: 'blob'
    serviceId: storageAccountId
    groupId: 'blob'
    zone: 'privatelink.blob.${storageSuffix}'
  }
  {
    name: 'queue'
    serviceId: storageAccountId
    groupId: 'queue'
    zone: 'privatelink.queue.${storageSuffix}'
  }
  {
    name: 'table'
    serviceId: storageAccountId
    groupId: 'table'
    zone: 'privatelink.table.${storageSuffix}'
  }
  {
    name: 'cosmos'
    serviceId: cosmosAccountId
    groupId: 'Sql'
    zone: 'privatelink.documents.azure.com'
  }
  {
    name: 'openai'
    serviceId: openAiAccountId
    groupId: 'account'
    zone: 'privatelink.openai.azure.com'
  }
  {
    name: 'vault'
    serviceId: keyVaultId
    groupId: 'vault'
    zone: 'privatelink.vaultcore.azure.net'
  }
]

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [for endpoint in endpoints: {
  name: endpoint.zone
  location: 'global'
  tags: tags
}]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [for (endpoint, i) in endpoints: {
  parent: zones[i]
  name: 'link-${endpoint.name}'
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnetId
    }
  }
}]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-01-01' = [for endpoint in endpoints: {
  name: '${namePrefix}${endpoint.name}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: endpoint.name
        properties: {
          privateLinkServiceId: endpoint.serviceId
          groupIds: [
            endpoint.groupId
          ]
        }
      }
    ]
  }
}]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-01-01' = [for (endpoint, i) in endpoints: {
  parent: privateEndpoints[i]
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: replace(endpoint.zone, '.', '-')
        properties: {
          privateDnsZoneId: zones[i].id
        }
      }
    ]
  }
}]
