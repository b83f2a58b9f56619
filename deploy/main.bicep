// Lockdown Auditor as a team service on Azure Container Apps (README "Deploy"):
//   - a user-assigned managed identity, Reader on the given subscriptions (live scans read as it),
//   - Azure Database for PostgreSQL Flexible Server holding the shared history (DATABASE_URL), so replicas agree,
//   - the Container App (HTTPS ingress, health probes on /api/health, 1..maxReplicas replicas) with sign-in through
//     Microsoft Entra ID; the client secret comes from Key Vault (or a secure parameter), never a parameters file.
// Deploy into an existing resource group:  az deployment group create -g <rg> -f deploy/main.bicep -p deploy/main.bicepparam
// Preview first (nothing changes):          az deployment group what-if -g <rg> -f deploy/main.bicep -p deploy/main.bicepparam
// Every name and role assignment is derived from parameters, so a redeploy with the same values changes nothing.

@description('Region for every resource. Default: the resource group\'s.')
param location string = resourceGroup().location

@description('Prefix of resource names (letters, digits, hyphens).')
@minLength(3)
@maxLength(20)
param name string = 'lockdown'

@description('Image to run, e.g. myregistry.azurecr.io/lockdown-auditor:1.0 (docker build -t … . && docker push …).')
param image string

@description('Name of an Azure Container Registry holding the image, pulled with the managed identity. Empty: a public image.')
param registryName string = ''

@description('Resource group of that registry. Default: this one.')
param registryResourceGroup string = resourceGroup().name

@description('Subscriptions the app reads (Reader is assigned on each). For a management group, deploy reader-management-group.bicep as well.')
param readerSubscriptionIds array = array(subscription().subscriptionId)

@description('Directory (tenant) id users sign in from.')
param tenantId string = tenant().tenantId

@description('Application (client) id of the Entra ID app registration used for sign-in (README "Sign-in with Microsoft Entra ID").')
param entraClientId string

@description('Key Vault secret URI of the app registration\'s client secret, e.g. https://<vault>.vault.azure.net/secrets/lockdown-entra (versionless: rotations are picked up). Preferred over entraClientSecret.')
param entraClientSecretUri string = ''

@description('Resource group of that Key Vault (RBAC permission model). Default: this one.')
param keyVaultResourceGroup string = resourceGroup().name

@secure()
@description('The client secret itself, when it is not in Key Vault. Pass it on the command line or from the environment, never in a file.')
param entraClientSecret string = ''

@secure()
@minLength(32)
@description('Session encryption key (AUTH_SECRET): openssl rand -base64 32. Keep it across deployments or every user signs in again.')
param authSecret string

@description('Entra group object ids allowed in (AUTH_ALLOWED_GROUPS). Empty: anyone the tenant signs in.')
param allowedGroupIds array = []

@description('Live scans read Azure as the signed-in user (on-behalf-of) instead of the managed identity.')
param liveScanAsUser bool = false

@description('PostgreSQL administrator login (also the app\'s login).')
param postgresAdminLogin string = 'lockdown'

@secure()
@minLength(16)
@description('PostgreSQL administrator password. Pass it on the command line or from the environment, never in a file.')
param postgresAdminPassword string

@description('PostgreSQL compute: Burstable B1ms suits a team; raise for big estates.')
param postgresSkuName string = 'Standard_B1ms'

@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@description('Most replicas the app scales out to (each one can serve and run the one live scan).')
@minValue(1)
@maxValue(10)
param maxReplicas int = 2

var suffix = uniqueString(resourceGroup().id, name)
var appName = '${name}-app'
var readerList = join(readerSubscriptionIds, ',')
var useKeyVault = !empty(entraClientSecretUri)
// https://<vault>.vault.azure.net/secrets/<name>: the third '/'-separated part is the host, whose first label is the vault.
var keyVaultName = useKeyVault ? split(split(entraClientSecretUri, '/')[2], '.')[0] : ''
var issuer = '${environment().authentication.loginEndpoint}${tenantId}/v2.0'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

module readers 'modules/subscription-reader.bicep' = [
  for subscriptionId in readerSubscriptionIds: {
    name: 'reader-${uniqueString(subscriptionId, name)}'
    scope: subscription(subscriptionId)
    params: {
      principalId: identity.properties.principalId
      identityResourceId: identity.id
    }
  }
]

module secretAccess 'modules/key-vault-secret-reader.bicep' = if (useKeyVault) {
  name: 'kv-secrets-${suffix}'
  scope: resourceGroup(keyVaultResourceGroup)
  params: {
    keyVaultName: keyVaultName
    principalId: identity.properties.principalId
    identityResourceId: identity.id
  }
}

module pull 'modules/acr-pull.bicep' = if (!empty(registryName)) {
  name: 'acr-pull-${suffix}'
  scope: resourceGroup(registryResourceGroup)
  params: {
    registryName: registryName
    principalId: identity.properties.principalId
    identityResourceId: identity.id
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${name}-pg-${suffix}'
  location: location
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    authConfig: {
      passwordAuth: 'Enabled'
      activeDirectoryAuth: 'Disabled'
    }
    storage: { storageSizeGB: 32 }
    // Point-in-time restore to any second of the last 7 days (README "Storage and backup").
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
    network: { publicNetworkAccess: 'Enabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'lockdown'
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0: connections from Azure services only (Container Apps has no fixed outbound address on the consumption
// plan); the password and TLS protect the rest. For a private server, use VNet integration (README "Deploy").
resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource containerEnv 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var publicUrl = 'https://${appName}.${containerEnv.properties.defaultDomain}'
var databaseUrl = 'postgres://${uriComponent(postgresAdminLogin)}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${database.name}?sslmode=verify-full'

var entraSecret = useKeyVault
  ? { name: 'entra-client-secret', keyVaultUrl: entraClientSecretUri, identity: identity.id }
  : { name: 'entra-client-secret', value: entraClientSecret }

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    managedEnvironmentId: containerEnv.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 3000
        transport: 'auto'
        allowInsecure: false
      }
      registries: empty(registryName) ? [] : [{ server: '${registryName}${environment().suffixes.acrLoginServer}', identity: identity.id }]
      secrets: [
        { name: 'database-url', value: databaseUrl }
        { name: 'auth-secret', value: authSecret }
        entraSecret
      ]
    }
    template: {
      // Time for a running live scan to finish or be handed back (SHUTDOWN_GRACE_MS below stays under it).
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'lockdown-auditor'
          image: image
          resources: { cpu: json('1.0'), memory: '2Gi' }
          env: [
            { name: 'HOST', value: '0.0.0.0' }
            { name: 'PORT', value: '3000' }
            { name: 'DATABASE_URL', secretRef: 'database-url' }
            { name: 'AUTH_MICROSOFT_ENTRA_ID_ID', value: entraClientId }
            { name: 'AUTH_MICROSOFT_ENTRA_ID_SECRET', secretRef: 'entra-client-secret' }
            { name: 'AUTH_MICROSOFT_ENTRA_ID_ISSUER', value: issuer }
            { name: 'AUTH_SECRET', secretRef: 'auth-secret' }
            { name: 'AUTH_URL', value: publicUrl }
            { name: 'AUTH_ALLOWED_GROUPS', value: join(allowedGroupIds, ',') }
            { name: 'LIVE_SCAN_AS_USER', value: liveScanAsUser ? '1' : '0' }
            // The ingress is a reverse proxy that sets X-Forwarded-Proto/Host.
            { name: 'TRUST_PROXY', value: '1' }
            // DefaultAzureCredential picks the user-assigned identity by its client id.
            { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
            { name: 'AZURE_SUBSCRIPTION_IDS', value: readerList }
            { name: 'SHUTDOWN_GRACE_MS', value: '45000' }
          ]
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/api/health', port: 3000 }
              periodSeconds: 5
              failureThreshold: 24
            }
            // Liveness asks only whether the process accepts connections: a database outage is not cured by a restart.
            {
              type: 'Liveness'
              tcpSocket: { port: 3000 }
              periodSeconds: 30
              failureThreshold: 3
            }
            // Readiness does: a replica that cannot reach the database gets no traffic until it can.
            {
              type: 'Readiness'
              httpGet: { path: '/api/health', port: 3000 }
              periodSeconds: 10
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: maxReplicas
      }
    }
  }
  // The identity must hold its roles before the app resolves the Key Vault secret and pulls the image.
  dependsOn: [
    secretAccess
    pull
    azureServices
  ]
}

@description('The team URL: sign in here.')
output url string = publicUrl

@description('Add this as a Web redirect URI of the app registration.')
output redirectUri string = '${publicUrl}/api/auth/callback/microsoft-entra-id'

@description('The managed identity\'s object id (reader-management-group.bicep takes it).')
output principalId string = identity.properties.principalId

output postgresServer string = postgres.properties.fullyQualifiedDomainName
