// Log Analytics (the Container Apps environment's logs) and a workspace-based Application
// Insights resource; the containers get its connection string as APPLICATIONINSIGHTS_CONNECTION_STRING.

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights resource name.')
param insightsName string

param location string

@description('Days the workspace keeps data.')
param retentionDays int

param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: insightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

output workspaceName string = workspace.name
output appInsightsConnectionString string = insights.properties.ConnectionString
