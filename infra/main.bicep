// Trellis on Azure, in one resource group (infra/README.md explains each choice):
//   - a user-assigned managed identity: pulls the image, reads Key Vault
//   - Key Vault: the Entra app's client secret, read by the containers through that identity
//   - a container registry the image is built in (`az acr build`, m365agents.yml deploy)
//   - Log Analytics + Application Insights
//   - Azure Container Apps: the web app (tab, REST API, /api/messages; at least one replica always
//     running) and a scheduled job for the review sweep (`node dist/scripts/job-sweep.js`)
//   - the Azure Bot, single-tenant on the Trellis Entra app, with the Microsoft Teams,
//     Microsoft 365 (Outlook, Microsoft 365 app) and Outlook (actionable messages) channels,
//     messaging https://<host>/api/messages
//
// Deployed by the Microsoft 365 Agents Toolkit (m365agents.yml, parameters from
// main.parameters.json and env/.env.<env>) or by hand:
//   az deployment group create -g <group> -f infra/main.bicep -p resourceBaseName=… entraClientId=… …
targetScope = 'resourceGroup'

@description('Names every resource: 3 to 12 lower-case letters and digits, starting with a letter (trellisdev gives trellisdev-web, trellisdev-sweep, …).')
@minLength(3)
@maxLength(12)
param resourceBaseName string

@description('Azure region of the resources (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('The Microsoft 365 tenant: whose people sign in, where the SharePoint site and the Trellis Entra app are.')
param entraTenantId string = tenant().tenantId

@description('The Trellis Entra app registration (client id): the audience of sign-in tokens, the app Graph is called as, and the bot.')
param entraClientId string

@secure()
@description('That app registration\'s client secret. Written to Key Vault when given; leave empty to keep the one already there (rotate with az keyvault secret set).')
param entraClientSecret string = ''

@description('The SharePoint site of the Trellis lists: contoso.sharepoint.com,<site guid>,<web guid>.')
param graphSiteId string

@description('The Teams app id (the manifest id), so Trellis can install the app for someone before their first card.')
param teamsAppId string = ''

@description('The image to run (<registry>/trellis:<tag>). Empty on the first provision: the web app and the job are created by the first deploy, once the image exists.')
param containerImage string = ''

@description('A host name you have bound to the web app yourself (trellis.provider.ac.uk); empty for the Container Apps address.')
param customHostname string = ''

@description('TRELLIS_COURSE_TEAM_PROGRAMMES: programmes the CourseTeam app role sees, separated by ";" ("*" for all).')
param courseTeamProgrammes string = '*'

@description('TRELLIS_MAIL_FROM: the mailbox Trellis sends email from.')
param mailFrom string = ''

@description('TRELLIS_COURSE_MAILBOXES: each provider\'s course mailbox, "providerId=address;…".')
param courseMailboxes string = ''

@description('TRELLIS_COURSE_MAILBOX: the course mailbox for providers not named in courseMailboxes.')
param courseMailbox string = ''

@description('TRELLIS_OFFICE_MAILBOXES: mailboxes of the offices the procedures name, "providerId:office=address;…".')
param officeMailboxes string = ''

@description('TRELLIS_SWEEP_AT: when the review sweep runs on London working days, "HH:MM" Europe/London. The job fires at 06:30 and 07:30 UTC, which is 07:30 London in summer and in winter.')
param sweepAt string = '07:30'

@description('TRELLIS_REVIEW_LEAD_DAYS: "review coming up" this many working days ahead.')
param reviewLeadDays string = '2'

@description('TRELLIS_ESCALATE_AFTER_DAYS: overdue this many working days before the course team is told.')
param escalateAfterDays string = '3'

@description('TRELLIS_SENDING_PROCESSES: how many Trellis processes may send notifications at once (web replicas at most, plus the sweep job), 1 to 7; each keeps to that share of Teams\' and Exchange\'s sending limits. 1 gives every process the whole of each limit; maxReplicas + 1 keeps them inside it together, each sending that many times more slowly.')
param sendingProcesses string = '1'

@description('TRELLIS_SCHEDULER for the web app: "on" also runs the sweep and the five-minute delivery pass in each web replica; "off" leaves the daily sweep to the job.')
@allowed([
  'on'
  'off'
])
param inProcessScheduler string = 'on'

@description('Web replicas always running (1 or more keeps the bot and the in-process scheduler warm, like App Service\'s Always On).')
@minValue(1)
param minReplicas int = 1

@description('Most web replicas under load (each is stateless: all state is in SharePoint).')
@minValue(1)
param maxReplicas int = 3

@description('Days Log Analytics keeps logs.')
@minValue(30)
param logRetentionDays int = 30

@description('Azure Bot pricing tier: F0 is free for the Teams and Microsoft 365 channels.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Tags on every resource.')
param tags object = {}

var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var allTags = union({ application: 'trellis' }, tags)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-id'
  location: location
  tags: allTags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'trellis-monitoring'
  params: {
    workspaceName: '${resourceBaseName}-logs'
    insightsName: '${resourceBaseName}-insights'
    location: location
    retentionDays: logRetentionDays
    tags: allTags
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'trellis-key-vault'
  params: {
    name: take('${resourceBaseName}kv${suffix}', 24)
    location: location
    readerPrincipalId: identity.properties.principalId
    entraClientSecret: entraClientSecret
    tags: allTags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'trellis-registry'
  params: {
    name: take('${resourceBaseName}acr${suffix}', 50)
    location: location
    pullerPrincipalId: identity.properties.principalId
    tags: allTags
  }
}

module apps 'modules/container-apps.bicep' = {
  name: 'trellis-container-apps'
  params: {
    environmentName: '${resourceBaseName}-env'
    webName: '${resourceBaseName}-web'
    sweepJobName: '${resourceBaseName}-sweep'
    location: location
    tags: allTags
    identityId: identity.id
    workspaceName: monitoring.outputs.workspaceName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    registryServer: registry.outputs.loginServer
    clientSecretUri: keyVault.outputs.clientSecretUri
    containerImage: containerImage
    customHostname: customHostname
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    inProcessScheduler: inProcessScheduler
    settings: {
      GRAPH_TENANT_ID: entraTenantId
      GRAPH_CLIENT_ID: entraClientId
      GRAPH_SITE_ID: graphSiteId
      ENTRA_TENANT_ID: entraTenantId
      ENTRA_CLIENT_ID: entraClientId
      TEAMS_APP_ID: teamsAppId
      TRELLIS_COURSE_TEAM_PROGRAMMES: courseTeamProgrammes
      TRELLIS_MAIL_FROM: mailFrom
      TRELLIS_COURSE_MAILBOXES: courseMailboxes
      TRELLIS_COURSE_MAILBOX: courseMailbox
      TRELLIS_OFFICE_MAILBOXES: officeMailboxes
      TRELLIS_SWEEP_AT: sweepAt
      TRELLIS_REVIEW_LEAD_DAYS: reviewLeadDays
      TRELLIS_ESCALATE_AFTER_DAYS: escalateAfterDays
      TRELLIS_SENDING_PROCESSES: sendingProcesses
    }
  }
}

module bot 'modules/bot.bicep' = {
  name: 'trellis-bot'
  params: {
    name: take('${resourceBaseName}-bot-${suffix}', 64)
    displayName: 'Trellis'
    endpoint: '${apps.outputs.publicUrl}/api/messages'
    msaAppId: entraClientId
    msaAppTenantId: entraTenantId
    sku: botSku
    tags: allTags
  }
}

// Upper-case names: the Agents Toolkit writes each output to env/.env.<env> under its own name.
output PUBLIC_URL string = apps.outputs.publicUrl
output PUBLIC_HOSTNAME string = apps.outputs.publicHostname
output BOT_ENDPOINT string = bot.outputs.endpoint
output AZURE_BOT_NAME string = bot.outputs.name
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_SERVER string = registry.outputs.loginServer
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_CONTAINER_APP_NAME string = apps.outputs.webName
output AZURE_SWEEP_JOB_NAME string = apps.outputs.sweepJobName
output MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
