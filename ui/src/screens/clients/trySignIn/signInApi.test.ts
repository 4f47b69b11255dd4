import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as Platform from "../../../platform";
import { signInApi } from "./signInApi";

const call = vi.hoisted(() => vi.fn());
vi.mock("../../../platform", async (original) => ({ ...(await original<typeof Platform>()), call }));

beforeEach(() => {
  call.mockReset();
  call.mockResolvedValue({});
});

const CLIENT = { UserPoolId: "us-east-1_Pool", ClientId: "client1" };

describe("signInApi", () => {
  it("signs in through the admin operations, naming the pool, for ADMIN_USER_PASSWORD_AUTH", async () => {
    const api = signInApi(CLIENT, "ADMIN_USER_PASSWORD_AUTH");
    await api.initiate("ADMIN_USER_PASSWORD_AUTH", { USERNAME: "alice", PASSWORD: "pw" });
    expect(call).toHaveBeenLastCalledWith("AdminInitiateAuth", {
      UserPoolId: "us-east-1_Pool",
      ClientId: "client1",
      AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "alice", PASSWORD: "pw" },
    });
    await api.respond("SMS_MFA", "sess", { USERNAME: "alice", SMS_MFA_CODE: "123456" });
    expect(call).toHaveBeenLastCalledWith("AdminRespondToAuthChallenge", {
      UserPoolId: "us-east-1_Pool",
      ClientId: "client1",
      ChallengeName: "SMS_MFA",
      Session: "sess",
      ChallengeResponses: { USERNAME: "alice", SMS_MFA_CODE: "123456" },
    });
  });

  it("signs in through the app's operations, without the pool, for USER_PASSWORD_AUTH", async () => {
    const api = signInApi(CLIENT, "USER_PASSWORD_AUTH");
    await api.initiate("USER_PASSWORD_AUTH", { USERNAME: "bob", PASSWORD: "pw" });
    expect(call).toHaveBeenLastCalledWith("InitiateAuth", {
      ClientId: "client1",
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "bob", PASSWORD: "pw" },
    });
    await api.respond("NEW_PASSWORD_REQUIRED", "sess", { USERNAME: "bob", NEW_PASSWORD: "N3w!" });
    expect(call).toHaveBeenLastCalledWith("RespondToAuthChallenge", {
      ClientId: "client1",
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: "sess",
      ChallengeResponses: { USERNAME: "bob", NEW_PASSWORD: "N3w!" },
    });
  });

  it("refreshes tokens the way the sign-in that got them went", async () => {
    await signInApi(CLIENT, "ADMIN_USER_PASSWORD_AUTH").initiate("REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: "r" });
    expect(call).toHaveBeenLastCalledWith("AdminInitiateAuth", expect.objectContaining({ AuthFlow: "REFRESH_TOKEN_AUTH", UserPoolId: "us-east-1_Pool" }));
    await signInApi(CLIENT, "USER_PASSWORD_AUTH").initiate("REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: "r" });
    expect(call).toHaveBeenLastCalledWith("InitiateAuth", { ClientId: "client1", AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: "r" } });
  });
});
