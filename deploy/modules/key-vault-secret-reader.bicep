// Lets the app's managed identity read secrets of an existing Key Vault (RBAC permission model), so the Container
// App can resolve its Entra client secret as a Key Vault reference.
// https://learn.microsoft.com/azure/container-apps/manage-secrets#reference-secret-from-key-vault
param keyVaultName string
param principalId string
param identityResourceId string

var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityResourceId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
