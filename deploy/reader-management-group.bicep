// Reader on a management group (every subscription under it, present and future) for the app's managed identity.
// A resource-group deployment cannot assign roles at a management group, so this is its own deployment:
//   az deployment mg create --management-group-id <MG_ID> --location <region> \
//     --template-file deploy/reader-management-group.bicep --parameters principalId=<identityPrincipalId output of main.bicep>
// https://learn.microsoft.com/azure/azure-resource-manager/bicep/deploy-to-management-group
targetScope = 'managementGroup'

@description('principalId output of main.bicep (the user-assigned managed identity).')
param principalId string

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, principalId, readerRoleId)
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Lockdown Auditor: read-only live scans'
  }
}
