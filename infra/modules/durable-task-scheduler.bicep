// Durable Task Scheduler (useDurableTaskScheduler): the managed backend of the Durable
// task hub, in place of the Storage account's queues and tables. The app connects with
// its managed identity (Authentication=ManagedIdentity in the connection string).

@description('Name of the scheduler.')
param name string

@description('Azure region of the scheduler.')
param location string

@description('Tags applied to the scheduler.')
param tags object

@description('Name of the task hub the app uses.')
param taskHubName string

@description('Scheduler SKU: Consumption (pay per action) or Dedicated (reserved capacity units).')
@allowed([
  'Consumption'
  'Dedicated'
])
param skuName string = 'Consumption'

@description('Capacity units of a Dedicated scheduler (ignored for Consumption).')
@minValue(1)
param capacity int = 1

@description('Client address ranges allowed to reach the scheduler. An empty list denies everyone, so the default admits all addresses and leaves access control to Entra ID RBAC.')
param ipAllowlist array = [
  '0.0.0.0/0'
]

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    ipAllowlist: ipAllowlist
    sku: (skuName == 'Dedicated') ? {
      name: skuName
      capacity: capacity
    } : {
      name: skuName
    }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
