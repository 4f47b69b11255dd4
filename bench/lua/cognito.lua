-- wrk script: Cognito JSON 1.1 requests (POST / with X-Amz-Target) against a local endpoint,
-- Poolhouse's or cognito-local's. Used by bench/endpoint.py, e.g.
--
--   OP=AdminGetUser POOL_ID=us-east-1_abc USERS=1000000 \
--     wrk -t1 -c8 -d8s --latency -s bench/lua/cognito.lua http://127.0.0.1:PORT/
--
-- Environment:
--   OP        AdminGetUser (default) | ListUsers | ListUsersFirst | DescribeWorkspace |
--             GetUser | RefreshTokenAuth | UserPasswordAuth | GetId | GetCredentialsForIdentity
--   POOL_ID   the user pool
--   USERS     AdminGetUser and UserPasswordAuth ask for user%07d with a random index below
--             this (the names Poolhouse's generator and bench/endpoint.py's seeding give)
--   TOKENS    a file of tokens, one a line; each request takes a random one: PaginationTokens
--             (ListUsers), access tokens (GetUser) or refresh tokens (RefreshTokenAuth)
--   CLIENT_ID the app client (RefreshTokenAuth, UserPasswordAuth)
--   PASSWORD  every user's password (UserPasswordAuth)
--   IDENTITY_POOL_ID, LOGINS_KEY, LOGIN_TOKEN  GetId and GetCredentialsForIdentity: the identity
--             pool and the one login (a Logins key and its token) every request carries
--   IDENTITY_ID  GetCredentialsForIdentity: the identity that login resolves to
--
-- done() prints one line "WRKJSON {...}" that bench/endpoint.py parses.

local op = os.getenv("OP") or "AdminGetUser"
local pool = os.getenv("POOL_ID") or ""
local users = tonumber(os.getenv("USERS") or "1") or 1
local client = os.getenv("CLIENT_ID") or ""
local password = os.getenv("PASSWORD") or ""
local tokens = {}

local targets = {
  AdminGetUser = "AWSCognitoIdentityProviderService.AdminGetUser",
  ListUsers = "AWSCognitoIdentityProviderService.ListUsers",
  ListUsersFirst = "AWSCognitoIdentityProviderService.ListUsers",
  DescribeWorkspace = "Poolhouse.DescribeWorkspace",
  GetUser = "AWSCognitoIdentityProviderService.GetUser",
  RefreshTokenAuth = "AWSCognitoIdentityProviderService.InitiateAuth",
  UserPasswordAuth = "AWSCognitoIdentityProviderService.InitiateAuth",
  GetId = "AWSCognitoIdentityService.GetId",
  GetCredentialsForIdentity = "AWSCognitoIdentityService.GetCredentialsForIdentity",
}

-- GetId and GetCredentialsForIdentity send one body (a known login) again and again.
local identity_pool = os.getenv("IDENTITY_POOL_ID") or ""
local logins = string.format('{"%s":"%s"}', os.getenv("LOGINS_KEY") or "",
  os.getenv("LOGIN_TOKEN") or "")
local identity_bodies = {
  GetId = string.format('{"IdentityPoolId":"%s","Logins":%s}', identity_pool, logins),
  GetCredentialsForIdentity = string.format('{"IdentityId":"%s","Logins":%s}',
    os.getenv("IDENTITY_ID") or "", logins),
}

if op == "ListUsers" or op == "GetUser" or op == "RefreshTokenAuth" then
  local path = os.getenv("TOKENS")
  local f = path and io.open(path, "r")
  if f then
    for line in f:lines() do
      if #line > 0 then tokens[#tokens + 1] = line end
    end
    f:close()
  end
  if #tokens == 0 then
    if op ~= "ListUsers" then error(op .. " needs TOKENS, a file of tokens") end
    op = "ListUsersFirst"
  end
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = targets[op] or targets.AdminGetUser

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local body
  if op == "ListUsers" then
    body = string.format('{"UserPoolId":"%s","Limit":60,"PaginationToken":"%s"}',
      pool, tokens[math.random(#tokens)])
  elseif op == "ListUsersFirst" then
    body = string.format('{"UserPoolId":"%s","Limit":60}', pool)
  elseif op == "DescribeWorkspace" then
    body = "{}"
  elseif identity_bodies[op] then
    body = identity_bodies[op]
  elseif op == "GetUser" then
    body = string.format('{"AccessToken":"%s"}', tokens[math.random(#tokens)])
  elseif op == "RefreshTokenAuth" then
    body = string.format(
      '{"ClientId":"%s","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"%s"}}',
      client, tokens[math.random(#tokens)])
  elseif op == "UserPasswordAuth" then
    body = string.format(
      '{"ClientId":"%s","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":' ..
      '{"USERNAME":"user%07d","PASSWORD":"%s"}}',
      client, math.random(0, users - 1), password)
  else
    body = string.format('{"UserPoolId":"%s","Username":"user%07d"}',
      pool, math.random(0, users - 1))
  end
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    latency.max))
end
