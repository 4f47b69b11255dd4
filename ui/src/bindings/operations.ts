// Generated from the operation list in crates/console-api/src/ops/mod.rs. Do not edit.
import type { AccessTokenRequest } from "./AccessTokenRequest";
import type { AddCustomAttributesRequest } from "./AddCustomAttributesRequest";
import type { AddUserPoolClientSecretRequest } from "./AddUserPoolClientSecretRequest";
import type { AddUserPoolClientSecretResponse } from "./AddUserPoolClientSecretResponse";
import type { AdminConfirmSignUpRequest } from "./AdminConfirmSignUpRequest";
import type { AdminCreateUserRequest } from "./AdminCreateUserRequest";
import type { AdminCreateUserResponse } from "./AdminCreateUserResponse";
import type { AdminDeleteUserAttributesRequest } from "./AdminDeleteUserAttributesRequest";
import type { AdminDisableProviderForUserRequest } from "./AdminDisableProviderForUserRequest";
import type { AdminGetUserResponse } from "./AdminGetUserResponse";
import type { AdminInitiateAuthRequest } from "./AdminInitiateAuthRequest";
import type { AdminLinkProviderForUserRequest } from "./AdminLinkProviderForUserRequest";
import type { AdminListGroupsForUserRequest } from "./AdminListGroupsForUserRequest";
import type { AdminListUserAuthEventsRequest } from "./AdminListUserAuthEventsRequest";
import type { AdminListUserAuthEventsResponse } from "./AdminListUserAuthEventsResponse";
import type { AdminResetUserPasswordRequest } from "./AdminResetUserPasswordRequest";
import type { AdminRespondToAuthChallengeRequest } from "./AdminRespondToAuthChallengeRequest";
import type { AdminSetUserMfaPreferenceRequest } from "./AdminSetUserMfaPreferenceRequest";
import type { AdminSetUserPasswordRequest } from "./AdminSetUserPasswordRequest";
import type { AdminUpdateUserAttributesRequest } from "./AdminUpdateUserAttributesRequest";
import type { AssociateSoftwareTokenRequest } from "./AssociateSoftwareTokenRequest";
import type { AssociateSoftwareTokenResponse } from "./AssociateSoftwareTokenResponse";
import type { AssumeRoleWithSamlRequest } from "./AssumeRoleWithSamlRequest";
import type { AssumeRoleWithSamlResponse } from "./AssumeRoleWithSamlResponse";
import type { AssumeRoleWithWebIdentityRequest } from "./AssumeRoleWithWebIdentityRequest";
import type { AssumeRoleWithWebIdentityResponse } from "./AssumeRoleWithWebIdentityResponse";
import type { AuthResponse } from "./AuthResponse";
import type { BackendNameRequest } from "./BackendNameRequest";
import type { BackendType } from "./BackendType";
import type { ChangePasswordRequest } from "./ChangePasswordRequest";
import type { ClientIdRequest } from "./ClientIdRequest";
import type { CodeDeliveryResponse } from "./CodeDeliveryResponse";
import type { ConfirmForgotPasswordRequest } from "./ConfirmForgotPasswordRequest";
import type { ConfirmSignUpRequest } from "./ConfirmSignUpRequest";
import type { CreateAccessKeyResponse } from "./CreateAccessKeyResponse";
import type { CreateBackendRequest } from "./CreateBackendRequest";
import type { CreateIdentityPoolRequest } from "./CreateIdentityPoolRequest";
import type { CreateIdentityProviderRequest } from "./CreateIdentityProviderRequest";
import type { CreateManagedLoginBrandingRequest } from "./CreateManagedLoginBrandingRequest";
import type { CreateOpenIdConnectProviderRequest } from "./CreateOpenIdConnectProviderRequest";
import type { CreateOpenIdConnectProviderResponse } from "./CreateOpenIdConnectProviderResponse";
import type { CreateRoleRequest } from "./CreateRoleRequest";
import type { CreateSamlProviderRequest } from "./CreateSamlProviderRequest";
import type { CreateSamlProviderResponse } from "./CreateSamlProviderResponse";
import type { CreateUserPoolClientRequest } from "./CreateUserPoolClientRequest";
import type { CreateUserPoolRequest } from "./CreateUserPoolRequest";
import type { DecodeTokenRequest } from "./DecodeTokenRequest";
import type { DecodeTokenResponse } from "./DecodeTokenResponse";
import type { DeleteIdentitiesRequest } from "./DeleteIdentitiesRequest";
import type { DeleteIdentitiesResponse } from "./DeleteIdentitiesResponse";
import type { DeleteManagedLoginBrandingRequest } from "./DeleteManagedLoginBrandingRequest";
import type { DeleteRolePolicyRequest } from "./DeleteRolePolicyRequest";
import type { DeleteUserAttributesRequest } from "./DeleteUserAttributesRequest";
import type { DeleteUserPoolClientSecretRequest } from "./DeleteUserPoolClientSecretRequest";
import type { DeleteUserPoolDomainRequest } from "./DeleteUserPoolDomainRequest";
import type { DescribeManagedLoginBrandingByClientRequest } from "./DescribeManagedLoginBrandingByClientRequest";
import type { DescribeManagedLoginBrandingRequest } from "./DescribeManagedLoginBrandingRequest";
import type { DescribeRiskConfigurationRequest } from "./DescribeRiskConfigurationRequest";
import type { DescribeUserPoolDomainRequest } from "./DescribeUserPoolDomainRequest";
import type { DescribeUserPoolDomainResponse } from "./DescribeUserPoolDomainResponse";
import type { DescribeUserSecurityResponse } from "./DescribeUserSecurityResponse";
import type { DescribeWorkspaceResponse } from "./DescribeWorkspaceResponse";
import type { Empty } from "./Empty";
import type { EncodeTestTokenRequest } from "./EncodeTestTokenRequest";
import type { EncodeTestTokenResponse } from "./EncodeTestTokenResponse";
import type { ExchangeRun } from "./ExchangeRun";
import type { ExchangeRunIdRequest } from "./ExchangeRunIdRequest";
import type { ExplainRoleRequest } from "./ExplainRoleRequest";
import type { ExplainRoleResponse } from "./ExplainRoleResponse";
import type { GenerateUsersRequest } from "./GenerateUsersRequest";
import type { GenerateUsersResponse } from "./GenerateUsersResponse";
import type { GetCallerIdentityResponse } from "./GetCallerIdentityResponse";
import type { GetCredentialsForIdentityRequest } from "./GetCredentialsForIdentityRequest";
import type { GetCredentialsForIdentityResponse } from "./GetCredentialsForIdentityResponse";
import type { GetIdRequest } from "./GetIdRequest";
import type { GetIdentityPoolRolesResponse } from "./GetIdentityPoolRolesResponse";
import type { GetIdentityProviderByIdentifierRequest } from "./GetIdentityProviderByIdentifierRequest";
import type { GetOpenIdConnectProviderResponse } from "./GetOpenIdConnectProviderResponse";
import type { GetOpenIdTokenForDeveloperIdentityRequest } from "./GetOpenIdTokenForDeveloperIdentityRequest";
import type { GetOpenIdTokenRequest } from "./GetOpenIdTokenRequest";
import type { GetSamlProviderResponse } from "./GetSamlProviderResponse";
import type { GetTokensFromRefreshTokenRequest } from "./GetTokensFromRefreshTokenRequest";
import type { GetTokensFromRefreshTokenResponse } from "./GetTokensFromRefreshTokenResponse";
import type { GetUiCustomizationRequest } from "./GetUiCustomizationRequest";
import type { GetUserAttributeVerificationCodeRequest } from "./GetUserAttributeVerificationCodeRequest";
import type { GetUserResponse } from "./GetUserResponse";
import type { GroupNameRequest } from "./GroupNameRequest";
import type { GroupRequest } from "./GroupRequest";
import type { GroupResponse } from "./GroupResponse";
import type { IdentityDescription } from "./IdentityDescription";
import type { IdentityIdRequest } from "./IdentityIdRequest";
import type { IdentityIdResponse } from "./IdentityIdResponse";
import type { IdentityLogins } from "./IdentityLogins";
import type { IdentityPool } from "./IdentityPool";
import type { IdentityPoolIdRequest } from "./IdentityPoolIdRequest";
import type { IdentityProviderNameRequest } from "./IdentityProviderNameRequest";
import type { IdentityProviderResponse } from "./IdentityProviderResponse";
import type { ImportRoleRequest } from "./ImportRoleRequest";
import type { ImportRoleResponse } from "./ImportRoleResponse";
import type { InitiateAuthRequest } from "./InitiateAuthRequest";
import type { ListAuditEventsRequest } from "./ListAuditEventsRequest";
import type { ListAuditEventsResponse } from "./ListAuditEventsResponse";
import type { ListBackendsResponse } from "./ListBackendsResponse";
import type { ListExchangeRunsRequest } from "./ListExchangeRunsRequest";
import type { ListExchangeRunsResponse } from "./ListExchangeRunsResponse";
import type { ListGroupsRequest } from "./ListGroupsRequest";
import type { ListGroupsResponse } from "./ListGroupsResponse";
import type { ListHookInvocationsRequest } from "./ListHookInvocationsRequest";
import type { ListHookInvocationsResponse } from "./ListHookInvocationsResponse";
import type { ListIdentitiesRequest } from "./ListIdentitiesRequest";
import type { ListIdentitiesResponse } from "./ListIdentitiesResponse";
import type { ListIdentityLoginsRequest } from "./ListIdentityLoginsRequest";
import type { ListIdentityLoginsResponse } from "./ListIdentityLoginsResponse";
import type { ListIdentityPoolsRequest } from "./ListIdentityPoolsRequest";
import type { ListIdentityPoolsResponse } from "./ListIdentityPoolsResponse";
import type { ListIdentityProvidersRequest } from "./ListIdentityProvidersRequest";
import type { ListIdentityProvidersResponse } from "./ListIdentityProvidersResponse";
import type { ListOpenIdConnectProvidersResponse } from "./ListOpenIdConnectProvidersResponse";
import type { ListOutboxMessagesRequest } from "./ListOutboxMessagesRequest";
import type { ListOutboxMessagesResponse } from "./ListOutboxMessagesResponse";
import type { ListResourceServersRequest } from "./ListResourceServersRequest";
import type { ListResourceServersResponse } from "./ListResourceServersResponse";
import type { ListRolesRequest } from "./ListRolesRequest";
import type { ListRolesResponse } from "./ListRolesResponse";
import type { ListSamlProvidersResponse } from "./ListSamlProvidersResponse";
import type { ListSigningKeysResponse } from "./ListSigningKeysResponse";
import type { ListTagsForResourceRequest } from "./ListTagsForResourceRequest";
import type { ListTagsForResourceResponse } from "./ListTagsForResourceResponse";
import type { ListUserPoolClientSecretsRequest } from "./ListUserPoolClientSecretsRequest";
import type { ListUserPoolClientSecretsResponse } from "./ListUserPoolClientSecretsResponse";
import type { ListUserPoolClientsRequest } from "./ListUserPoolClientsRequest";
import type { ListUserPoolClientsResponse } from "./ListUserPoolClientsResponse";
import type { ListUserPoolsRequest } from "./ListUserPoolsRequest";
import type { ListUserPoolsResponse } from "./ListUserPoolsResponse";
import type { ListUsersInGroupRequest } from "./ListUsersInGroupRequest";
import type { ListUsersInGroupResponse } from "./ListUsersInGroupResponse";
import type { ListUsersRequest } from "./ListUsersRequest";
import type { ListUsersResponse } from "./ListUsersResponse";
import type { LookupDeveloperIdentityRequest } from "./LookupDeveloperIdentityRequest";
import type { LookupDeveloperIdentityResponse } from "./LookupDeveloperIdentityResponse";
import type { ManagedLoginBrandingResponse } from "./ManagedLoginBrandingResponse";
import type { MergeDeveloperIdentitiesRequest } from "./MergeDeveloperIdentitiesRequest";
import type { OpenIdConnectProviderArnRequest } from "./OpenIdConnectProviderArnRequest";
import type { OpenIdConnectProviderClientIdRequest } from "./OpenIdConnectProviderClientIdRequest";
import type { OpenIdTokenResponse } from "./OpenIdTokenResponse";
import type { PreviewUiCustomizationRequest } from "./PreviewUiCustomizationRequest";
import type { PreviewUiCustomizationResponse } from "./PreviewUiCustomizationResponse";
import type { PrincipalTagAttributeMapRequest } from "./PrincipalTagAttributeMapRequest";
import type { PrincipalTagAttributeMapResponse } from "./PrincipalTagAttributeMapResponse";
import type { PutRolePolicyRequest } from "./PutRolePolicyRequest";
import type { ResourceServerIdRequest } from "./ResourceServerIdRequest";
import type { ResourceServerRequest } from "./ResourceServerRequest";
import type { ResourceServerResponse } from "./ResourceServerResponse";
import type { RespondToAuthChallengeRequest } from "./RespondToAuthChallengeRequest";
import type { RevokeTokenRequest } from "./RevokeTokenRequest";
import type { RiskConfigurationResponse } from "./RiskConfigurationResponse";
import type { RoleNameRequest } from "./RoleNameRequest";
import type { RoleResponse } from "./RoleResponse";
import type { RunExchangeRequest } from "./RunExchangeRequest";
import type { SamlProviderArnRequest } from "./SamlProviderArnRequest";
import type { SearchUsersRequest } from "./SearchUsersRequest";
import type { SearchUsersResponse } from "./SearchUsersResponse";
import type { SetIdentityPoolRolesRequest } from "./SetIdentityPoolRolesRequest";
import type { SetPrincipalTagAttributeMapRequest } from "./SetPrincipalTagAttributeMapRequest";
import type { SetRiskConfigurationRequest } from "./SetRiskConfigurationRequest";
import type { SetUiCustomizationRequest } from "./SetUiCustomizationRequest";
import type { SetUserMfaPreferenceRequest } from "./SetUserMfaPreferenceRequest";
import type { SetUserPoolMfaConfigRequest } from "./SetUserPoolMfaConfigRequest";
import type { SignUpRequest } from "./SignUpRequest";
import type { SignUpResponse } from "./SignUpResponse";
import type { SimulateAccessRequest } from "./SimulateAccessRequest";
import type { SimulateAccessResponse } from "./SimulateAccessResponse";
import type { TagResourceRequest } from "./TagResourceRequest";
import type { UiCustomizationResponse } from "./UiCustomizationResponse";
import type { UnlinkDeveloperIdentityRequest } from "./UnlinkDeveloperIdentityRequest";
import type { UnlinkIdentityRequest } from "./UnlinkIdentityRequest";
import type { UntagResourceRequest } from "./UntagResourceRequest";
import type { UpdateBackendRequest } from "./UpdateBackendRequest";
import type { UpdateIdentityProviderRequest } from "./UpdateIdentityProviderRequest";
import type { UpdateManagedLoginBrandingRequest } from "./UpdateManagedLoginBrandingRequest";
import type { UpdateOpenIdConnectProviderThumbprintRequest } from "./UpdateOpenIdConnectProviderThumbprintRequest";
import type { UpdateRoleRequest } from "./UpdateRoleRequest";
import type { UpdateSamlProviderRequest } from "./UpdateSamlProviderRequest";
import type { UpdateSamlProviderResponse } from "./UpdateSamlProviderResponse";
import type { UpdateUserAttributesRequest } from "./UpdateUserAttributesRequest";
import type { UpdateUserAttributesResponse } from "./UpdateUserAttributesResponse";
import type { UpdateUserPoolClientRequest } from "./UpdateUserPoolClientRequest";
import type { UpdateUserPoolRequest } from "./UpdateUserPoolRequest";
import type { UpdateWorkspaceRequest } from "./UpdateWorkspaceRequest";
import type { UserGroupRequest } from "./UserGroupRequest";
import type { UserPoolClientResponse } from "./UserPoolClientResponse";
import type { UserPoolDomainRequest } from "./UserPoolDomainRequest";
import type { UserPoolDomainResponse } from "./UserPoolDomainResponse";
import type { UserPoolIdRequest } from "./UserPoolIdRequest";
import type { UserPoolMfaConfigResponse } from "./UserPoolMfaConfigResponse";
import type { UserPoolResponse } from "./UserPoolResponse";
import type { UserRequest } from "./UserRequest";
import type { UsernameClientRequest } from "./UsernameClientRequest";
import type { VendTestCredentialsRequest } from "./VendTestCredentialsRequest";
import type { VendTestCredentialsResponse } from "./VendTestCredentialsResponse";
import type { VerifySoftwareTokenRequest } from "./VerifySoftwareTokenRequest";
import type { VerifySoftwareTokenResponse } from "./VerifySoftwareTokenResponse";
import type { VerifyTokenRequest } from "./VerifyTokenRequest";
import type { VerifyTokenResponse } from "./VerifyTokenResponse";
import type { VerifyUserAttributeRequest } from "./VerifyUserAttributeRequest";

export type Operations = {
  CreateUserPool: { input: CreateUserPoolRequest; output: UserPoolResponse };
  DescribeUserPool: { input: UserPoolIdRequest; output: UserPoolResponse };
  UpdateUserPool: { input: UpdateUserPoolRequest; output: Empty };
  DeleteUserPool: { input: UserPoolIdRequest; output: Empty };
  ListUserPools: { input: ListUserPoolsRequest; output: ListUserPoolsResponse };
  AddCustomAttributes: { input: AddCustomAttributesRequest; output: Empty };
  CreateUserPoolClient: { input: CreateUserPoolClientRequest; output: UserPoolClientResponse };
  DescribeUserPoolClient: { input: ClientIdRequest; output: UserPoolClientResponse };
  UpdateUserPoolClient: { input: UpdateUserPoolClientRequest; output: UserPoolClientResponse };
  DeleteUserPoolClient: { input: ClientIdRequest; output: Empty };
  ListUserPoolClients: { input: ListUserPoolClientsRequest; output: ListUserPoolClientsResponse };
  CreateUserPoolDomain: { input: UserPoolDomainRequest; output: UserPoolDomainResponse };
  DescribeUserPoolDomain: { input: DescribeUserPoolDomainRequest; output: DescribeUserPoolDomainResponse };
  UpdateUserPoolDomain: { input: UserPoolDomainRequest; output: UserPoolDomainResponse };
  DeleteUserPoolDomain: { input: DeleteUserPoolDomainRequest; output: Empty };
  CreateResourceServer: { input: ResourceServerRequest; output: ResourceServerResponse };
  DescribeResourceServer: { input: ResourceServerIdRequest; output: ResourceServerResponse };
  UpdateResourceServer: { input: ResourceServerRequest; output: ResourceServerResponse };
  DeleteResourceServer: { input: ResourceServerIdRequest; output: Empty };
  ListResourceServers: { input: ListResourceServersRequest; output: ListResourceServersResponse };
  AddUserPoolClientSecret: { input: AddUserPoolClientSecretRequest; output: AddUserPoolClientSecretResponse };
  ListUserPoolClientSecrets: { input: ListUserPoolClientSecretsRequest; output: ListUserPoolClientSecretsResponse };
  DeleteUserPoolClientSecret: { input: DeleteUserPoolClientSecretRequest; output: Empty };
  CreateIdentityProvider: { input: CreateIdentityProviderRequest; output: IdentityProviderResponse };
  DescribeIdentityProvider: { input: IdentityProviderNameRequest; output: IdentityProviderResponse };
  UpdateIdentityProvider: { input: UpdateIdentityProviderRequest; output: IdentityProviderResponse };
  DeleteIdentityProvider: { input: IdentityProviderNameRequest; output: Empty };
  ListIdentityProviders: { input: ListIdentityProvidersRequest; output: ListIdentityProvidersResponse };
  GetIdentityProviderByIdentifier: { input: GetIdentityProviderByIdentifierRequest; output: IdentityProviderResponse };
  AdminLinkProviderForUser: { input: AdminLinkProviderForUserRequest; output: Empty };
  AdminDisableProviderForUser: { input: AdminDisableProviderForUserRequest; output: Empty };
  SetUICustomization: { input: SetUiCustomizationRequest; output: UiCustomizationResponse };
  GetUICustomization: { input: GetUiCustomizationRequest; output: UiCustomizationResponse };
  CreateManagedLoginBranding: { input: CreateManagedLoginBrandingRequest; output: ManagedLoginBrandingResponse };
  DescribeManagedLoginBranding: { input: DescribeManagedLoginBrandingRequest; output: ManagedLoginBrandingResponse };
  DescribeManagedLoginBrandingByClient: { input: DescribeManagedLoginBrandingByClientRequest; output: ManagedLoginBrandingResponse };
  UpdateManagedLoginBranding: { input: UpdateManagedLoginBrandingRequest; output: ManagedLoginBrandingResponse };
  DeleteManagedLoginBranding: { input: DeleteManagedLoginBrandingRequest; output: Empty };
  AdminCreateUser: { input: AdminCreateUserRequest; output: AdminCreateUserResponse };
  AdminGetUser: { input: UserRequest; output: AdminGetUserResponse };
  AdminUpdateUserAttributes: { input: AdminUpdateUserAttributesRequest; output: Empty };
  AdminDeleteUserAttributes: { input: AdminDeleteUserAttributesRequest; output: Empty };
  AdminEnableUser: { input: UserRequest; output: Empty };
  AdminDisableUser: { input: UserRequest; output: Empty };
  AdminDeleteUser: { input: UserRequest; output: Empty };
  AdminSetUserPassword: { input: AdminSetUserPasswordRequest; output: Empty };
  ListUsers: { input: ListUsersRequest; output: ListUsersResponse };
  CreateGroup: { input: GroupRequest; output: GroupResponse };
  GetGroup: { input: GroupNameRequest; output: GroupResponse };
  UpdateGroup: { input: GroupRequest; output: GroupResponse };
  DeleteGroup: { input: GroupNameRequest; output: Empty };
  ListGroups: { input: ListGroupsRequest; output: ListGroupsResponse };
  AdminAddUserToGroup: { input: UserGroupRequest; output: Empty };
  AdminRemoveUserFromGroup: { input: UserGroupRequest; output: Empty };
  AdminListGroupsForUser: { input: AdminListGroupsForUserRequest; output: ListGroupsResponse };
  ListUsersInGroup: { input: ListUsersInGroupRequest; output: ListUsersInGroupResponse };
  InitiateAuth: { input: InitiateAuthRequest; output: AuthResponse };
  AdminInitiateAuth: { input: AdminInitiateAuthRequest; output: AuthResponse };
  RespondToAuthChallenge: { input: RespondToAuthChallengeRequest; output: AuthResponse };
  AdminRespondToAuthChallenge: { input: AdminRespondToAuthChallengeRequest; output: AuthResponse };
  GetUser: { input: AccessTokenRequest; output: GetUserResponse };
  GlobalSignOut: { input: AccessTokenRequest; output: Empty };
  AdminUserGlobalSignOut: { input: UserRequest; output: Empty };
  RevokeToken: { input: RevokeTokenRequest; output: Empty };
  GetTokensFromRefreshToken: { input: GetTokensFromRefreshTokenRequest; output: GetTokensFromRefreshTokenResponse };
  SignUp: { input: SignUpRequest; output: SignUpResponse };
  ConfirmSignUp: { input: ConfirmSignUpRequest; output: Empty };
  ResendConfirmationCode: { input: UsernameClientRequest; output: CodeDeliveryResponse };
  AdminConfirmSignUp: { input: AdminConfirmSignUpRequest; output: Empty };
  ForgotPassword: { input: UsernameClientRequest; output: CodeDeliveryResponse };
  ConfirmForgotPassword: { input: ConfirmForgotPasswordRequest; output: Empty };
  AdminResetUserPassword: { input: AdminResetUserPasswordRequest; output: Empty };
  ChangePassword: { input: ChangePasswordRequest; output: Empty };
  AdminListUserAuthEvents: { input: AdminListUserAuthEventsRequest; output: AdminListUserAuthEventsResponse };
  AssociateSoftwareToken: { input: AssociateSoftwareTokenRequest; output: AssociateSoftwareTokenResponse };
  VerifySoftwareToken: { input: VerifySoftwareTokenRequest; output: VerifySoftwareTokenResponse };
  SetUserMFAPreference: { input: SetUserMfaPreferenceRequest; output: Empty };
  AdminSetUserMFAPreference: { input: AdminSetUserMfaPreferenceRequest; output: Empty };
  AdminDeleteSoftwareToken: { input: UserRequest; output: Empty };
  SetUserPoolMfaConfig: { input: SetUserPoolMfaConfigRequest; output: UserPoolMfaConfigResponse };
  GetUserPoolMfaConfig: { input: UserPoolIdRequest; output: UserPoolMfaConfigResponse };
  SetRiskConfiguration: { input: SetRiskConfigurationRequest; output: RiskConfigurationResponse };
  DescribeRiskConfiguration: { input: DescribeRiskConfigurationRequest; output: RiskConfigurationResponse };
  UpdateUserAttributes: { input: UpdateUserAttributesRequest; output: UpdateUserAttributesResponse };
  GetUserAttributeVerificationCode: { input: GetUserAttributeVerificationCodeRequest; output: CodeDeliveryResponse };
  VerifyUserAttribute: { input: VerifyUserAttributeRequest; output: Empty };
  DeleteUserAttributes: { input: DeleteUserAttributesRequest; output: Empty };
  DeleteUser: { input: AccessTokenRequest; output: Empty };
  CreateIdentityPool: { input: CreateIdentityPoolRequest; output: IdentityPool };
  DescribeIdentityPool: { input: IdentityPoolIdRequest; output: IdentityPool };
  UpdateIdentityPool: { input: IdentityPool; output: IdentityPool };
  DeleteIdentityPool: { input: IdentityPoolIdRequest; output: Empty };
  ListIdentityPools: { input: ListIdentityPoolsRequest; output: ListIdentityPoolsResponse };
  SetIdentityPoolRoles: { input: SetIdentityPoolRolesRequest; output: Empty };
  GetIdentityPoolRoles: { input: IdentityPoolIdRequest; output: GetIdentityPoolRolesResponse };
  TagResource: { input: TagResourceRequest; output: Empty };
  UntagResource: { input: UntagResourceRequest; output: Empty };
  ListTagsForResource: { input: ListTagsForResourceRequest; output: ListTagsForResourceResponse };
  SetPrincipalTagAttributeMap: { input: SetPrincipalTagAttributeMapRequest; output: PrincipalTagAttributeMapResponse };
  GetPrincipalTagAttributeMap: { input: PrincipalTagAttributeMapRequest; output: PrincipalTagAttributeMapResponse };
  GetId: { input: GetIdRequest; output: IdentityIdResponse };
  GetOpenIdToken: { input: GetOpenIdTokenRequest; output: OpenIdTokenResponse };
  UnlinkIdentity: { input: UnlinkIdentityRequest; output: Empty };
  GetCredentialsForIdentity: { input: GetCredentialsForIdentityRequest; output: GetCredentialsForIdentityResponse };
  ListIdentities: { input: ListIdentitiesRequest; output: ListIdentitiesResponse };
  DescribeIdentity: { input: IdentityIdRequest; output: IdentityDescription };
  DeleteIdentities: { input: DeleteIdentitiesRequest; output: DeleteIdentitiesResponse };
  GetOpenIdTokenForDeveloperIdentity: { input: GetOpenIdTokenForDeveloperIdentityRequest; output: OpenIdTokenResponse };
  LookupDeveloperIdentity: { input: LookupDeveloperIdentityRequest; output: LookupDeveloperIdentityResponse };
  MergeDeveloperIdentities: { input: MergeDeveloperIdentitiesRequest; output: IdentityIdResponse };
  UnlinkDeveloperIdentity: { input: UnlinkDeveloperIdentityRequest; output: Empty };
  SearchUsers: { input: SearchUsersRequest; output: SearchUsersResponse };
  ListAuditEvents: { input: ListAuditEventsRequest; output: ListAuditEventsResponse };
  ListOutboxMessages: { input: ListOutboxMessagesRequest; output: ListOutboxMessagesResponse };
  ListHookInvocations: { input: ListHookInvocationsRequest; output: ListHookInvocationsResponse };
  DescribeWorkspace: { input: Empty; output: DescribeWorkspaceResponse };
  UpdateWorkspace: { input: UpdateWorkspaceRequest; output: DescribeWorkspaceResponse };
  CreateAccessKey: { input: Empty; output: CreateAccessKeyResponse };
  GenerateUsers: { input: GenerateUsersRequest; output: GenerateUsersResponse };
  DescribeUserSecurity: { input: UserRequest; output: DescribeUserSecurityResponse };
  UnlockUser: { input: UserRequest; output: Empty };
  PreviewUICustomization: { input: PreviewUiCustomizationRequest; output: PreviewUiCustomizationResponse };
  ListSigningKeys: { input: UserPoolIdRequest; output: ListSigningKeysResponse };
  RotateSigningKeys: { input: UserPoolIdRequest; output: ListSigningKeysResponse };
  DecodeToken: { input: DecodeTokenRequest; output: DecodeTokenResponse };
  VerifyToken: { input: VerifyTokenRequest; output: VerifyTokenResponse };
  EncodeTestToken: { input: EncodeTestTokenRequest; output: EncodeTestTokenResponse };
  CreateOpenIDConnectProvider: { input: CreateOpenIdConnectProviderRequest; output: CreateOpenIdConnectProviderResponse };
  GetOpenIDConnectProvider: { input: OpenIdConnectProviderArnRequest; output: GetOpenIdConnectProviderResponse };
  ListOpenIDConnectProviders: { input: Empty; output: ListOpenIdConnectProvidersResponse };
  AddClientIDToOpenIDConnectProvider: { input: OpenIdConnectProviderClientIdRequest; output: Empty };
  RemoveClientIDFromOpenIDConnectProvider: { input: OpenIdConnectProviderClientIdRequest; output: Empty };
  UpdateOpenIDConnectProviderThumbprint: { input: UpdateOpenIdConnectProviderThumbprintRequest; output: Empty };
  DeleteOpenIDConnectProvider: { input: OpenIdConnectProviderArnRequest; output: Empty };
  CreateSAMLProvider: { input: CreateSamlProviderRequest; output: CreateSamlProviderResponse };
  GetSAMLProvider: { input: SamlProviderArnRequest; output: GetSamlProviderResponse };
  ListSAMLProviders: { input: Empty; output: ListSamlProvidersResponse };
  UpdateSAMLProvider: { input: UpdateSamlProviderRequest; output: UpdateSamlProviderResponse };
  DeleteSAMLProvider: { input: SamlProviderArnRequest; output: Empty };
  CreateRole: { input: CreateRoleRequest; output: RoleResponse };
  GetRole: { input: RoleNameRequest; output: RoleResponse };
  UpdateRole: { input: UpdateRoleRequest; output: RoleResponse };
  PutRolePolicy: { input: PutRolePolicyRequest; output: RoleResponse };
  DeleteRolePolicy: { input: DeleteRolePolicyRequest; output: RoleResponse };
  DeleteRole: { input: RoleNameRequest; output: Empty };
  ListRoles: { input: ListRolesRequest; output: ListRolesResponse };
  ImportRole: { input: ImportRoleRequest; output: ImportRoleResponse };
  VendTestCredentials: { input: VendTestCredentialsRequest; output: VendTestCredentialsResponse };
  SimulateAccess: { input: SimulateAccessRequest; output: SimulateAccessResponse };
  ListIdentityLogins: { input: ListIdentityLoginsRequest; output: ListIdentityLoginsResponse };
  DescribeIdentityLogins: { input: IdentityIdRequest; output: IdentityLogins };
  GetCallerIdentity: { input: Empty; output: GetCallerIdentityResponse };
  AssumeRoleWithWebIdentity: { input: AssumeRoleWithWebIdentityRequest; output: AssumeRoleWithWebIdentityResponse };
  AssumeRoleWithSAML: { input: AssumeRoleWithSamlRequest; output: AssumeRoleWithSamlResponse };
  ExplainRole: { input: ExplainRoleRequest; output: ExplainRoleResponse };
  CreateBackend: { input: CreateBackendRequest; output: BackendType };
  ListBackends: { input: Empty; output: ListBackendsResponse };
  UpdateBackend: { input: UpdateBackendRequest; output: BackendType };
  DeleteBackend: { input: BackendNameRequest; output: Empty };
  RunExchange: { input: RunExchangeRequest; output: ExchangeRun };
  ListExchangeRuns: { input: ListExchangeRunsRequest; output: ListExchangeRunsResponse };
  GetExchangeRun: { input: ExchangeRunIdRequest; output: ExchangeRun };
};

export type OperationName = keyof Operations;

export type ServiceName = "cognito-idp" | "cognito-identity" | "sts" | "poolhouse";

/** Each service's `X-Amz-Target` prefix. */
export const TARGET_PREFIXES: Readonly<Record<ServiceName, string>> = {
  "cognito-idp": "AWSCognitoIdentityProviderService",
  "cognito-identity": "AWSCognitoIdentityService",
  "sts": "AWSSecurityTokenServiceV20110615",
  "poolhouse": "Poolhouse",
};

export const OPERATIONS: ReadonlyArray<{ name: OperationName; service: ServiceName; command: string }> = [
  { name: "CreateUserPool", service: "cognito-idp", command: "create_user_pool" },
  { name: "DescribeUserPool", service: "cognito-idp", command: "describe_user_pool" },
  { name: "UpdateUserPool", service: "cognito-idp", command: "update_user_pool" },
  { name: "DeleteUserPool", service: "cognito-idp", command: "delete_user_pool" },
  { name: "ListUserPools", service: "cognito-idp", command: "list_user_pools" },
  { name: "AddCustomAttributes", service: "cognito-idp", command: "add_custom_attributes" },
  { name: "CreateUserPoolClient", service: "cognito-idp", command: "create_user_pool_client" },
  { name: "DescribeUserPoolClient", service: "cognito-idp", command: "describe_user_pool_client" },
  { name: "UpdateUserPoolClient", service: "cognito-idp", command: "update_user_pool_client" },
  { name: "DeleteUserPoolClient", service: "cognito-idp", command: "delete_user_pool_client" },
  { name: "ListUserPoolClients", service: "cognito-idp", command: "list_user_pool_clients" },
  { name: "CreateUserPoolDomain", service: "cognito-idp", command: "create_user_pool_domain" },
  { name: "DescribeUserPoolDomain", service: "cognito-idp", command: "describe_user_pool_domain" },
  { name: "UpdateUserPoolDomain", service: "cognito-idp", command: "update_user_pool_domain" },
  { name: "DeleteUserPoolDomain", service: "cognito-idp", command: "delete_user_pool_domain" },
  { name: "CreateResourceServer", service: "cognito-idp", command: "create_resource_server" },
  { name: "DescribeResourceServer", service: "cognito-idp", command: "describe_resource_server" },
  { name: "UpdateResourceServer", service: "cognito-idp", command: "update_resource_server" },
  { name: "DeleteResourceServer", service: "cognito-idp", command: "delete_resource_server" },
  { name: "ListResourceServers", service: "cognito-idp", command: "list_resource_servers" },
  { name: "AddUserPoolClientSecret", service: "cognito-idp", command: "add_user_pool_client_secret" },
  { name: "ListUserPoolClientSecrets", service: "cognito-idp", command: "list_user_pool_client_secrets" },
  { name: "DeleteUserPoolClientSecret", service: "cognito-idp", command: "delete_user_pool_client_secret" },
  { name: "CreateIdentityProvider", service: "cognito-idp", command: "create_identity_provider" },
  { name: "DescribeIdentityProvider", service: "cognito-idp", command: "describe_identity_provider" },
  { name: "UpdateIdentityProvider", service: "cognito-idp", command: "update_identity_provider" },
  { name: "DeleteIdentityProvider", service: "cognito-idp", command: "delete_identity_provider" },
  { name: "ListIdentityProviders", service: "cognito-idp", command: "list_identity_providers" },
  { name: "GetIdentityProviderByIdentifier", service: "cognito-idp", command: "get_identity_provider_by_identifier" },
  { name: "AdminLinkProviderForUser", service: "cognito-idp", command: "admin_link_provider_for_user" },
  { name: "AdminDisableProviderForUser", service: "cognito-idp", command: "admin_disable_provider_for_user" },
  { name: "SetUICustomization", service: "cognito-idp", command: "set_ui_customization" },
  { name: "GetUICustomization", service: "cognito-idp", command: "get_ui_customization" },
  { name: "CreateManagedLoginBranding", service: "cognito-idp", command: "create_managed_login_branding" },
  { name: "DescribeManagedLoginBranding", service: "cognito-idp", command: "describe_managed_login_branding" },
  { name: "DescribeManagedLoginBrandingByClient", service: "cognito-idp", command: "describe_managed_login_branding_by_client" },
  { name: "UpdateManagedLoginBranding", service: "cognito-idp", command: "update_managed_login_branding" },
  { name: "DeleteManagedLoginBranding", service: "cognito-idp", command: "delete_managed_login_branding" },
  { name: "AdminCreateUser", service: "cognito-idp", command: "admin_create_user" },
  { name: "AdminGetUser", service: "cognito-idp", command: "admin_get_user" },
  { name: "AdminUpdateUserAttributes", service: "cognito-idp", command: "admin_update_user_attributes" },
  { name: "AdminDeleteUserAttributes", service: "cognito-idp", command: "admin_delete_user_attributes" },
  { name: "AdminEnableUser", service: "cognito-idp", command: "admin_enable_user" },
  { name: "AdminDisableUser", service: "cognito-idp", command: "admin_disable_user" },
  { name: "AdminDeleteUser", service: "cognito-idp", command: "admin_delete_user" },
  { name: "AdminSetUserPassword", service: "cognito-idp", command: "admin_set_user_password" },
  { name: "ListUsers", service: "cognito-idp", command: "list_users" },
  { name: "CreateGroup", service: "cognito-idp", command: "create_group" },
  { name: "GetGroup", service: "cognito-idp", command: "get_group" },
  { name: "UpdateGroup", service: "cognito-idp", command: "update_group" },
  { name: "DeleteGroup", service: "cognito-idp", command: "delete_group" },
  { name: "ListGroups", service: "cognito-idp", command: "list_groups" },
  { name: "AdminAddUserToGroup", service: "cognito-idp", command: "admin_add_user_to_group" },
  { name: "AdminRemoveUserFromGroup", service: "cognito-idp", command: "admin_remove_user_from_group" },
  { name: "AdminListGroupsForUser", service: "cognito-idp", command: "admin_list_groups_for_user" },
  { name: "ListUsersInGroup", service: "cognito-idp", command: "list_users_in_group" },
  { name: "InitiateAuth", service: "cognito-idp", command: "initiate_auth" },
  { name: "AdminInitiateAuth", service: "cognito-idp", command: "admin_initiate_auth" },
  { name: "RespondToAuthChallenge", service: "cognito-idp", command: "respond_to_auth_challenge" },
  { name: "AdminRespondToAuthChallenge", service: "cognito-idp", command: "admin_respond_to_auth_challenge" },
  { name: "GetUser", service: "cognito-idp", command: "get_user" },
  { name: "GlobalSignOut", service: "cognito-idp", command: "global_sign_out" },
  { name: "AdminUserGlobalSignOut", service: "cognito-idp", command: "admin_user_global_sign_out" },
  { name: "RevokeToken", service: "cognito-idp", command: "revoke_token" },
  { name: "GetTokensFromRefreshToken", service: "cognito-idp", command: "get_tokens_from_refresh_token" },
  { name: "SignUp", service: "cognito-idp", command: "sign_up" },
  { name: "ConfirmSignUp", service: "cognito-idp", command: "confirm_sign_up" },
  { name: "ResendConfirmationCode", service: "cognito-idp", command: "resend_confirmation_code" },
  { name: "AdminConfirmSignUp", service: "cognito-idp", command: "admin_confirm_sign_up" },
  { name: "ForgotPassword", service: "cognito-idp", command: "forgot_password" },
  { name: "ConfirmForgotPassword", service: "cognito-idp", command: "confirm_forgot_password" },
  { name: "AdminResetUserPassword", service: "cognito-idp", command: "admin_reset_user_password" },
  { name: "ChangePassword", service: "cognito-idp", command: "change_password" },
  { name: "AdminListUserAuthEvents", service: "cognito-idp", command: "admin_list_user_auth_events" },
  { name: "AssociateSoftwareToken", service: "cognito-idp", command: "associate_software_token" },
  { name: "VerifySoftwareToken", service: "cognito-idp", command: "verify_software_token" },
  { name: "SetUserMFAPreference", service: "cognito-idp", command: "set_user_mfa_preference" },
  { name: "AdminSetUserMFAPreference", service: "cognito-idp", command: "admin_set_user_mfa_preference" },
  { name: "AdminDeleteSoftwareToken", service: "cognito-idp", command: "admin_delete_software_token" },
  { name: "SetUserPoolMfaConfig", service: "cognito-idp", command: "set_user_pool_mfa_config" },
  { name: "GetUserPoolMfaConfig", service: "cognito-idp", command: "get_user_pool_mfa_config" },
  { name: "SetRiskConfiguration", service: "cognito-idp", command: "set_risk_configuration" },
  { name: "DescribeRiskConfiguration", service: "cognito-idp", command: "describe_risk_configuration" },
  { name: "UpdateUserAttributes", service: "cognito-idp", command: "update_user_attributes" },
  { name: "GetUserAttributeVerificationCode", service: "cognito-idp", command: "get_user_attribute_verification_code" },
  { name: "VerifyUserAttribute", service: "cognito-idp", command: "verify_user_attribute" },
  { name: "DeleteUserAttributes", service: "cognito-idp", command: "delete_user_attributes" },
  { name: "DeleteUser", service: "cognito-idp", command: "delete_user" },
  { name: "CreateIdentityPool", service: "cognito-identity", command: "create_identity_pool" },
  { name: "DescribeIdentityPool", service: "cognito-identity", command: "describe_identity_pool" },
  { name: "UpdateIdentityPool", service: "cognito-identity", command: "update_identity_pool" },
  { name: "DeleteIdentityPool", service: "cognito-identity", command: "delete_identity_pool" },
  { name: "ListIdentityPools", service: "cognito-identity", command: "list_identity_pools" },
  { name: "SetIdentityPoolRoles", service: "cognito-identity", command: "set_identity_pool_roles" },
  { name: "GetIdentityPoolRoles", service: "cognito-identity", command: "get_identity_pool_roles" },
  { name: "TagResource", service: "cognito-identity", command: "tag_resource" },
  { name: "UntagResource", service: "cognito-identity", command: "untag_resource" },
  { name: "ListTagsForResource", service: "cognito-identity", command: "list_tags_for_resource" },
  { name: "SetPrincipalTagAttributeMap", service: "cognito-identity", command: "set_principal_tag_attribute_map" },
  { name: "GetPrincipalTagAttributeMap", service: "cognito-identity", command: "get_principal_tag_attribute_map" },
  { name: "GetId", service: "cognito-identity", command: "get_id" },
  { name: "GetOpenIdToken", service: "cognito-identity", command: "get_open_id_token" },
  { name: "UnlinkIdentity", service: "cognito-identity", command: "unlink_identity" },
  { name: "GetCredentialsForIdentity", service: "cognito-identity", command: "get_credentials_for_identity" },
  { name: "ListIdentities", service: "cognito-identity", command: "list_identities" },
  { name: "DescribeIdentity", service: "cognito-identity", command: "describe_identity" },
  { name: "DeleteIdentities", service: "cognito-identity", command: "delete_identities" },
  { name: "GetOpenIdTokenForDeveloperIdentity", service: "cognito-identity", command: "get_open_id_token_for_developer_identity" },
  { name: "LookupDeveloperIdentity", service: "cognito-identity", command: "lookup_developer_identity" },
  { name: "MergeDeveloperIdentities", service: "cognito-identity", command: "merge_developer_identities" },
  { name: "UnlinkDeveloperIdentity", service: "cognito-identity", command: "unlink_developer_identity" },
  { name: "SearchUsers", service: "poolhouse", command: "search_users" },
  { name: "ListAuditEvents", service: "poolhouse", command: "list_audit_events" },
  { name: "ListOutboxMessages", service: "poolhouse", command: "list_outbox_messages" },
  { name: "ListHookInvocations", service: "poolhouse", command: "list_hook_invocations" },
  { name: "DescribeWorkspace", service: "poolhouse", command: "describe_workspace" },
  { name: "UpdateWorkspace", service: "poolhouse", command: "update_workspace" },
  { name: "CreateAccessKey", service: "poolhouse", command: "create_access_key" },
  { name: "GenerateUsers", service: "poolhouse", command: "generate_users" },
  { name: "DescribeUserSecurity", service: "poolhouse", command: "describe_user_security" },
  { name: "UnlockUser", service: "poolhouse", command: "unlock_user" },
  { name: "PreviewUICustomization", service: "poolhouse", command: "preview_ui_customization" },
  { name: "ListSigningKeys", service: "poolhouse", command: "list_signing_keys" },
  { name: "RotateSigningKeys", service: "poolhouse", command: "rotate_signing_keys" },
  { name: "DecodeToken", service: "poolhouse", command: "decode_token" },
  { name: "VerifyToken", service: "poolhouse", command: "verify_token" },
  { name: "EncodeTestToken", service: "poolhouse", command: "encode_test_token" },
  { name: "CreateOpenIDConnectProvider", service: "poolhouse", command: "create_open_id_connect_provider" },
  { name: "GetOpenIDConnectProvider", service: "poolhouse", command: "get_open_id_connect_provider" },
  { name: "ListOpenIDConnectProviders", service: "poolhouse", command: "list_open_id_connect_providers" },
  { name: "AddClientIDToOpenIDConnectProvider", service: "poolhouse", command: "add_client_id_to_open_id_connect_provider" },
  { name: "RemoveClientIDFromOpenIDConnectProvider", service: "poolhouse", command: "remove_client_id_from_open_id_connect_provider" },
  { name: "UpdateOpenIDConnectProviderThumbprint", service: "poolhouse", command: "update_open_id_connect_provider_thumbprint" },
  { name: "DeleteOpenIDConnectProvider", service: "poolhouse", command: "delete_open_id_connect_provider" },
  { name: "CreateSAMLProvider", service: "poolhouse", command: "create_saml_provider" },
  { name: "GetSAMLProvider", service: "poolhouse", command: "get_saml_provider" },
  { name: "ListSAMLProviders", service: "poolhouse", command: "list_saml_providers" },
  { name: "UpdateSAMLProvider", service: "poolhouse", command: "update_saml_provider" },
  { name: "DeleteSAMLProvider", service: "poolhouse", command: "delete_saml_provider" },
  { name: "CreateRole", service: "poolhouse", command: "create_role" },
  { name: "GetRole", service: "poolhouse", command: "get_role" },
  { name: "UpdateRole", service: "poolhouse", command: "update_role" },
  { name: "PutRolePolicy", service: "poolhouse", command: "put_role_policy" },
  { name: "DeleteRolePolicy", service: "poolhouse", command: "delete_role_policy" },
  { name: "DeleteRole", service: "poolhouse", command: "delete_role" },
  { name: "ListRoles", service: "poolhouse", command: "list_roles" },
  { name: "ImportRole", service: "poolhouse", command: "import_role" },
  { name: "VendTestCredentials", service: "poolhouse", command: "vend_test_credentials" },
  { name: "SimulateAccess", service: "poolhouse", command: "simulate_access" },
  { name: "ListIdentityLogins", service: "poolhouse", command: "list_identity_logins" },
  { name: "DescribeIdentityLogins", service: "poolhouse", command: "describe_identity_logins" },
  { name: "GetCallerIdentity", service: "sts", command: "get_caller_identity" },
  { name: "AssumeRoleWithWebIdentity", service: "sts", command: "assume_role_with_web_identity" },
  { name: "AssumeRoleWithSAML", service: "sts", command: "assume_role_with_saml" },
  { name: "ExplainRole", service: "poolhouse", command: "explain_role" },
  { name: "CreateBackend", service: "poolhouse", command: "create_backend" },
  { name: "ListBackends", service: "poolhouse", command: "list_backends" },
  { name: "UpdateBackend", service: "poolhouse", command: "update_backend" },
  { name: "DeleteBackend", service: "poolhouse", command: "delete_backend" },
  { name: "RunExchange", service: "poolhouse", command: "run_exchange" },
  { name: "ListExchangeRuns", service: "poolhouse", command: "list_exchange_runs" },
  { name: "GetExchangeRun", service: "poolhouse", command: "get_exchange_run" },
];
