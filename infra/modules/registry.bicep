// Container registry the app image is pulled from. No admin user and no anonymous pull (off
// unless enabled, and the 2023-07-01 API used here has no property for it):
// the Functions app pulls with its managed identity (AcrPull in rbac.bicep), and azd
// pushes with the deploying principal's Entra ID token.

@description('Name of the container registry (alphanumeric, globally unique).')
param name string

@description('Azure region of the registry.')
param location string

@description('Tags applied to the registry.')
param tags object

@description('Registry SKU. Basic is enough for one image; Premium adds geo-replication and private endpoints.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param sku string = 'Basic'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  // checkov:skip=CKV_AZURE_139:azd builds and pushes from the pipeline runner or a developer machine, so the registry stays public; admin user and anonymous pull are off and only Entra ID principals with AcrPush/AcrPull get in
  // checkov:skip=CKV_AZURE_163:image vulnerability scanning is Microsoft Defender for Containers, a subscription-level plan and not a registry property
  // checkov:skip=CKV_AZURE_166:quarantine is a Premium-only preview feature; images come only from this repository's pipeline
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    adminUserEnabled: false
    // azd builds the image with an ACR task (remoteBuild) from the CI runner or a
    // developer machine, so the registry stays reachable from the internet; only Entra ID
    // principals holding AcrPush/AcrPull can use it.
    publicNetworkAccess: 'Enabled'
  }
}

output id string = registry.id
output name string = registry.name
output loginServer string = registry.properties.loginServer
