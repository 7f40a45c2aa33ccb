// Key Vault for what must stay secret: the Trellis Entra app's client secret (Graph app-only
// tokens and the bot's Bot Framework tokens). Access by Azure RBAC only; the containers' managed
// identity may read secrets and nothing else. No access policies, no keys in app settings.

@description('Vault name: 3 to 24 letters, digits and hyphens, globally unique.')
param name string

param location string

@description('Principal id of the managed identity that reads the secret.')
param readerPrincipalId string

@secure()
@description('The Entra app client secret; empty keeps the secret already in the vault.')
param entraClientSecret string

param tags object

// Built-in role "Key Vault Secrets User": read secret values.
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'
var clientSecretName = 'entra-client-secret'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource clientSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(entraClientSecret)) {
  parent: vault
  name: clientSecretName
  properties: {
    value: entraClientSecret
    contentType: 'Client secret of the Trellis Entra app registration'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
// Versionless: Container Apps picks up a rotated secret within about 30 minutes.
output clientSecretUri string = '${vault.properties.vaultUri}secrets/${clientSecretName}'
