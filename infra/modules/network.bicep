// Optional virtual network (vnetEnabled): one subnet delegated to the Container Apps
// environment and one for the private endpoints of the data services.

@description('Name of the virtual network.')
param name string

@description('Name of the network security group shared by both subnets.')
param networkSecurityGroupName string

@description('Azure region of the network.')
param location string

@description('Tags applied to the network resources.')
param tags object

@description('Address space of the virtual network.')
param addressPrefix string = '10.40.0.0/16'

@description('Subnet of the Container Apps environment; a workload-profiles environment needs at least a /27.')
param appsSubnetPrefix string = '10.40.0.0/23'

@description('Subnet of the private endpoints.')
param privateEndpointsSubnetPrefix string = '10.40.2.0/24'

// No custom rules: the default rules already deny inbound traffic from the internet and
// Container Apps manages the ingress it needs. Attaching the group keeps it auditable.
resource nsg 'Microsoft.Network/networkSecurityGroups@2024-01-01' = {
  name: networkSecurityGroupName
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-01-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'snet-apps'
        properties: {
          addressPrefix: appsSubnetPrefix
          networkSecurityGroup: {
            id: nsg.id
          }
          delegations: [
            {
              name: 'Microsoft.App.environments'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: 'snet-private-endpoints'
        properties: {
          addressPrefix: privateEndpointsSubnetPrefix
          networkSecurityGroup: {
            id: nsg.id
          }
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
    ]
  }
}

output id string = vnet.id
output appsSubnetId string = vnet.properties.subnets[0].id
output privateEndpointsSubnetId string = vnet.properties.subnets[1].id
