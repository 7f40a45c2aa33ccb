// The Azure Bot: registers Trellis's /api/messages with the Bot Framework and connects it to
// Microsoft Teams (chat, cards, the message extension), to Microsoft 365 (the message
// extension in Outlook and the Microsoft 365 app) and to Outlook's actionable messages (the
// review reminder emails' cards, whose actions come to the bot through this channel).
//
// Single-tenant on the Trellis Entra app: the bot's app id is ENTRA_CLIENT_ID and it gets Bot
// Framework tokens with that app's credential, which the container reads from Key Vault.
// (msaAppType UserAssignedMSI would make the managed identity itself the bot; Trellis uses one
// app registration for sign-in, Graph and the bot instead. infra/README.md says how to go
// secretless with a federated credential on that app.)

@description('Bot resource name: globally unique, letters, digits, ".", "_" and "-".')
param name string

param displayName string

@description('The messaging endpoint: https://<host>/api/messages.')
param endpoint string

@description('The Entra app (client) id the bot runs as.')
param msaAppId string

@description('The tenant of that Entra app.')
param msaAppTenantId string

@allowed([
  'F0'
  'S1'
])
param sku string

param tags object

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  kind: 'azurebot'
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: endpoint
    msaAppId: msaAppId
    msaAppTenantId: msaAppTenantId
    msaAppType: 'SingleTenant'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      acceptedTerms: true
    }
  }
}

// "Microsoft 365" in the portal's channel list: message extensions in Outlook and the Microsoft 365 app.
resource microsoft365 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'M365Extensions'
  location: 'global'
  properties: {
    channelName: 'M365Extensions'
  }
}

// "Outlook" in the portal's channel list: Universal Actions (Action.Execute) from actionable
// messages reach /api/messages through it. The channel has no settings of its own; the
// actionable-message provider (originator) it is registered with is configured separately
// (TRELLIS_OUTLOOK_ORIGINATOR, see README "Reviews from Outlook").
resource outlook 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'OutlookChannel'
  location: 'global'
  properties: {
    channelName: 'OutlookChannel'
  }
}

output name string = bot.name
output endpoint string = bot.properties.endpoint
