// The Container Apps environment, the Trellis web app and the review-sweep job, all running the
// same image as the same user-assigned managed identity (image pull, Key Vault secret).

param environmentName string
param webName string
param sweepJobName string
param location string
param tags object

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('The Log Analytics workspace that receives the environment\'s logs.')
param workspaceName string

param appInsightsConnectionString string

@description('Login server of the container registry (<name>.azurecr.io).')
param registryServer string

@description('Key Vault URI of the Entra app client secret (versionless).')
param clientSecretUri string

@description('Image to run; empty creates the environment only (the first provision, before any image exists).')
param containerImage string

@description('A host name bound to the web app by hand; empty for the Container Apps address.')
param customHostname string

param minReplicas int
param maxReplicas int

@description('TRELLIS_SCHEDULER for the web app.')
param inProcessScheduler string

@description('Trellis settings shared by the web app and the job (environment variable name to value); empty ones are left out.')
param settings object

// The port the image listens on (PORT in the Dockerfile).
var port = 3978
var clientSecretRef = 'entra-client-secret'

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
}

resource managedEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

// An app's address is <app name>.<environment default domain>: known before the app exists, so
// the bot's endpoint and the Entra app's URIs can be set on the first provision.
var publicHostname = empty(customHostname) ? '${webName}.${managedEnvironment.properties.defaultDomain}' : customHostname
var publicUrl = 'https://${publicHostname}'

var sharedSettings = union(settings, {
  NODE_ENV: 'production'
  PUBLIC_URL: publicUrl
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
})
var settingsEnv = map(filter(items(sharedSettings), setting => !empty(setting.value)), setting => {
  name: setting.key
  value: setting.value
})
// The client secret is a Key Vault reference, read with the managed identity; it is both the
// Graph app's secret and the bot's (one Entra app: BOT_ID defaults to ENTRA_CLIENT_ID).
var secretEnv = [
  {
    name: 'GRAPH_CLIENT_SECRET'
    secretRef: clientSecretRef
  }
]

var registries = [
  {
    server: registryServer
    identity: identityId
  }
]
var secrets = [
  {
    name: clientSecretRef
    keyVaultUrl: clientSecretUri
    identity: identityId
  }
]

resource web 'Microsoft.App/containerApps@2024-03-01' = if (!empty(containerImage)) {
  name: webName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: managedEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: registries
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'trellis'
          image: containerImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(settingsEnv, secretEnv, [
            {
              name: 'TRELLIS_SCHEDULER'
              value: inProcessScheduler
            }
          ])
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: '/api/health'
                port: port
              }
              initialDelaySeconds: 5
              periodSeconds: 10
              failureThreshold: 10
              timeoutSeconds: 5
            }
            {
              type: 'Liveness'
              httpGet: {
                path: '/api/health'
                port: port
              }
              periodSeconds: 30
              failureThreshold: 3
              timeoutSeconds: 5
            }
            {
              // Readiness asks whether Graph answers and the lists exist (one cached Graph request):
              // an instance that cannot reach them gets no traffic but is not restarted.
              type: 'Readiness'
              httpGet: {
                path: '/api/ready'
                port: port
              }
              periodSeconds: 10
              failureThreshold: 3
              timeoutSeconds: 5
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-requests'
            http: {
              metadata: {
                concurrentRequests: '50'
              }
            }
          }
        ]
      }
    }
  }
}

// The review sweep as a scheduled job. Container Apps evaluates cron in UTC, so it fires at 06:30
// and 07:30 UTC on weekdays: one of the two is 07:30 in London whether BST or GMT is in force.
// The job itself decides whether to sweep (a London working day, at or after TRELLIS_SWEEP_AT, not
// yet swept that day); a second run the same day finds every notification already claimed in the
// outbox, so nothing is sent twice.
resource sweepJob 'Microsoft.App/jobs@2024-03-01' = if (!empty(containerImage)) {
  name: sweepJobName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: managedEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      triggerType: 'Schedule'
      scheduleTriggerConfig: {
        cronExpression: '30 6,7 * * 1-5'
        parallelism: 1
        replicaCompletionCount: 1
      }
      replicaTimeout: 1800
      replicaRetryLimit: 1
      registries: registries
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'review-sweep'
          image: containerImage
          command: [
            'node'
            'dist/scripts/job-sweep.js'
          ]
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(settingsEnv, secretEnv)
        }
      ]
    }
  }
}

output publicHostname string = publicHostname
output publicUrl string = publicUrl
output webName string = webName
output sweepJobName string = sweepJobName
