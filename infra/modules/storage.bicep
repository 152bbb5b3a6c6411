// Storage account of the Functions host and of the Durable task hub (queues, tables and
// blobs of the Azure Storage backend). Shared keys are disabled: the host connects with
// AzureWebJobsStorage__accountName + __credential=managedidentity + __clientId.

@description('Name of the storage account (3-24 lowercase letters and digits).')
param name string

@description('Azure region of the account.')
param location string

@description('Tags applied to the account.')
param tags object

@description('Replication. Standard_LRS for dev; Standard_ZRS or Standard_GZRS where the region supports it for prod.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param skuName string = 'Standard_LRS'

@description('Disable public network access (set when the app reaches storage through private endpoints).')
param privateOnly bool = false

@description('Days deleted blobs and containers can be restored.')
@minValue(1)
@maxValue(365)
param deleteRetentionDays int = 7

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  // checkov:skip=CKV_AZURE_35:public endpoint by default because the app's outbound addresses on the Consumption profile are not fixed; Entra ID RBAC is the only way in (no keys), and vnetEnabled makes it private
  // checkov:skip=CKV_AZURE_206:replication is chosen per environment (environment-profiles.json): LRS for dev and test, ZRS for prod
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      // Without a VNet the app's outbound addresses are not fixed, so the firewall cannot
      // list them; access is still limited to Entra ID principals with a data role.
      defaultAction: privateOnly ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: deleteRetentionDays
    }
  }
}

output id string = storage.id
output name string = storage.name
