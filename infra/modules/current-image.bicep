// Reads the image the Functions app runs now, so that re-provisioning (azd provision, or
// the pipeline on a fresh runner) keeps the image azd deploy put there instead of
// resetting the app to the placeholder.

@description('Name of the existing container app.')
param appName string

resource app 'Microsoft.App/containerApps@2024-10-02-preview' existing = {
  name: appName
}

output image string = app.properties.template.containers[0].image
