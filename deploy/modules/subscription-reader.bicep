// Reader on one subscription for the app's managed identity: everything a live scan reads (network lists, service
// tags, Resource Graph). https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/general#reader
targetScope = 'subscription'

@description('Object (principal) id of the user-assigned managed identity.')
param principalId string

@description('Resource id of that identity: names the assignment, so a redeploy (and what-if) sees the same one.')
param identityResourceId string

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, identityResourceId, readerRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Lockdown Auditor: read-only live scans'
  }
}
