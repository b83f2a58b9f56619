// Parameters for deploy/main.bicep: copy, put in your values, deploy (README "Deploy"). No secret belongs here:
// the two secure values are read from the deploying shell's environment, the Entra client secret from Key Vault.
using './main.bicep'

param name = 'lockdown'
param image = 'myregistry.azurecr.io/lockdown-auditor:1.0'
param registryName = 'myregistry'
param readerSubscriptionIds = [
  '00000000-0000-0000-0000-000000000000'
]
param entraClientId = '00000000-0000-0000-0000-000000000000'
param entraClientSecretUri = 'https://my-vault.vault.azure.net/secrets/lockdown-entra'
param allowedGroupIds = []
param maxReplicas = 2

// export LOCKDOWN_AUTH_SECRET="$(openssl rand -base64 32)" LOCKDOWN_PG_PASSWORD="$(openssl rand -base64 24)"
param authSecret = readEnvironmentVariable('LOCKDOWN_AUTH_SECRET')
param postgresAdminPassword = readEnvironmentVariable('LOCKDOWN_PG_PASSWORD')
