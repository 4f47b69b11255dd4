import { describe, expect, it } from "vitest";
import type { UserPool } from "../../api/types";
import { ApiError } from "../../platform";
import {
  HOOK_TRIGGERS,
  TRIGGER_NAMES,
  draftOf,
  hookErrors,
  lambdaConfigOf,
  localErrors,
  sameHooks,
  updateRequest,
  type HooksDraft,
} from "./hookConfig";

function draft(urls: Partial<HooksDraft["urls"]>, tokenVersion: HooksDraft["tokenVersion"] = "V1_0"): HooksDraft {
  const blank = draftOf(undefined);
  return { urls: { ...blank.urls, ...urls }, tokenVersion };
}

/** The request as it goes over the wire: undefined members are not sent at all. */
function wire<T>(v: T): unknown {
  return JSON.parse(JSON.stringify(v));
}

describe("the trigger rows", () => {
  it("have one row per trigger the core accepts, each with a description and a placeholder", () => {
    expect(HOOK_TRIGGERS.map((t) => t.name)).toEqual([...TRIGGER_NAMES]);
    for (const t of HOOK_TRIGGERS) {
      expect(t.description.length, t.name).toBeGreaterThan(20);
      expect(t.placeholder, t.name).toMatch(/^http:\/\/127\.0\.0\.1:8080\/[a-z-]+$/);
    }
  });
});

describe("draftOf", () => {
  it("leaves every row blank for a pool without hooks", () => {
    const d = draftOf(undefined);
    expect(Object.values(d.urls).every((u) => u === "")).toBe(true);
    expect(d.tokenVersion).toBe("V1_0");
  });

  it("reads the pre token hook from PreTokenGenerationConfig first, as the core calls it", () => {
    const d = draftOf({
      PreSignUp: "http://a/pre",
      PreTokenGeneration: "http://a/old",
      PreTokenGenerationConfig: { LambdaVersion: "V2_0", LambdaArn: "http://a/v2" },
      CustomSMSSender: undefined,
      CustomEmailSender: undefined,
    });
    expect(d.urls.PreSignUp).toBe("http://a/pre");
    expect(d.urls.PreTokenGeneration).toBe("http://a/v2");
    expect(d.tokenVersion).toBe("V2_0");
  });

  it("reads an older pool's PreTokenGeneration alone as a V1_0 hook", () => {
    const d = draftOf({ PreTokenGeneration: "http://a/v1", CustomSMSSender: undefined, CustomEmailSender: undefined });
    expect(d.urls.PreTokenGeneration).toBe("http://a/v1");
    expect(d.tokenVersion).toBe("V1_0");
  });
});

describe("lambdaConfigOf", () => {
  it("sends trimmed URLs and leaves blank rows out, which clears those hooks", () => {
    const c = lambdaConfigOf(draft({ PreSignUp: "  http://127.0.0.1:9/p ", PostConfirmation: "   " }));
    expect(wire(c)).toEqual({ PreSignUp: "http://127.0.0.1:9/p" });
  });

  it("writes the pre token hook into both members, with the chosen version", () => {
    const c = lambdaConfigOf(draft({ PreTokenGeneration: "http://h/t" }, "V2_0"));
    expect(wire(c)).toEqual({
      PreTokenGeneration: "http://h/t",
      PreTokenGenerationConfig: { LambdaVersion: "V2_0", LambdaArn: "http://h/t" },
    });
  });

  it("drops the version when the pre token hook is cleared", () => {
    expect(wire(lambdaConfigOf(draft({}, "V2_0")))).toEqual({});
  });

  it("round-trips a described config", () => {
    const described = {
      PreSignUp: "http://h/1",
      PostAuthentication: "http://h/2",
      PreTokenGeneration: "http://h/3",
      PreTokenGenerationConfig: { LambdaVersion: "V1_0", LambdaArn: "http://h/3" },
      VerifyAuthChallengeResponse: "http://h/4",
    };
    const c = lambdaConfigOf(draftOf({ ...described, CustomSMSSender: undefined, CustomEmailSender: undefined }));
    expect(wire(c)).toEqual(described);
  });

  it("carries over members the form has no row for", () => {
    const sender = { LambdaVersion: "V1_0", LambdaArn: "arn:x" };
    const c = lambdaConfigOf(draft({}), { KMSKeyID: "k", CustomSMSSender: sender, CustomEmailSender: undefined });
    expect(wire(c)).toEqual({ KMSKeyID: "k", CustomSMSSender: sender });
  });
});

describe("sameHooks", () => {
  it("ignores blanks around URLs but not a changed version", () => {
    expect(sameHooks(draft({ PreSignUp: "http://a/" }), draft({ PreSignUp: " http://a/ " }))).toBe(true);
    expect(sameHooks(draft({ PreTokenGeneration: "http://a/" }), draft({ PreTokenGeneration: "http://a/" }, "V2_0"))).toBe(
      false,
    );
    // Without a pre token hook, its version is not saved, so changing it alone changes nothing.
    expect(sameHooks(draft({}), draft({}, "V2_0"))).toBe(true);
  });
});

describe("updateRequest", () => {
  it("resends every other setting of the pool, since UpdateUserPool resets absent ones", () => {
    const pool = {
      Id: "us-east-1_abc",
      Name: "p",
      Arn: "arn",
      CreationDate: 1,
      LastModifiedDate: 2,
      EstimatedNumberOfUsers: 0,
      SchemaAttributes: [],
      UsernameAttributes: ["email"],
      MfaConfiguration: "OPTIONAL",
      DeletionProtection: "ACTIVE",
      AutoVerifiedAttributes: ["email"],
      Policies: { PasswordPolicy: { MinimumLength: 12 } },
      LambdaConfig: { PreSignUp: "http://old/" },
    } as unknown as UserPool;
    const r = updateRequest(pool, lambdaConfigOf(draft({ PostConfirmation: "http://new/" }), pool.LambdaConfig));
    expect(wire(r)).toEqual({
      UserPoolId: "us-east-1_abc",
      MfaConfiguration: "OPTIONAL",
      DeletionProtection: "ACTIVE",
      AutoVerifiedAttributes: ["email"],
      Policies: { PasswordPolicy: { MinimumLength: 12 } },
      LambdaConfig: { PostConfirmation: "http://new/" },
    });
    // Fixed-at-creation members are refused by UpdateUserPool, so they must not be sent.
    expect(r).not.toHaveProperty("UsernameAttributes");
  });
});

describe("localErrors", () => {
  it("accepts blank rows and http(s):// URLs, and leaves the rest of the checking to the core", () => {
    expect(
      localErrors(
        draft({ PreSignUp: "http://x", PostConfirmation: "", UserMigration: "http://", CustomMessage: "https://h/m" }),
      ),
    ).toEqual({});
  });

  it("explains the likely mistakes on their rows", () => {
    const e = localErrors(
      draft({
        PreSignUp: "ftp://hooks.example/pre",
        PreAuthentication: "arn:aws:lambda:us-east-1:1:function:f",
        PreTokenGeneration: "127.0.0.1:8080/t",
      }),
    );
    expect(Object.keys(e).sort()).toEqual(["PreAuthentication", "PreSignUp", "PreTokenGeneration"]);
    expect(e.PreSignUp).toMatch(/http:\/\//);
    expect(e.PreAuthentication).toMatch(/not a Lambda ARN/);
    expect(e.PreTokenGeneration).toBe("Must be an http:// or https:// URL");
  });
});

describe("hookErrors", () => {
  it("places a member's error on its row, without the member's name", () => {
    const v = hookErrors(
      new ApiError("InvalidParameterException", "LambdaConfig.PostAuthentication: has no host", "LambdaConfig.PostAuthentication"),
    );
    expect(v).toEqual({ rows: { PostAuthentication: "Has no host" }, general: undefined });
  });

  it("places both pre token members on the one pre token row", () => {
    const arn = hookErrors(
      new ApiError(
        "InvalidParameterException",
        "LambdaConfig.PreTokenGenerationConfig.LambdaArn: must be an http:// URL",
        "LambdaConfig.PreTokenGenerationConfig.LambdaArn",
      ),
    );
    expect(arn.rows).toEqual({ PreTokenGeneration: "Must be an http:// URL" });
    const v1 = hookErrors(new ApiError("InvalidParameterException", "differs", "LambdaConfig.PreTokenGeneration"));
    expect(v1.rows).toEqual({ PreTokenGeneration: "differs" });
  });

  it("keeps errors about no row general", () => {
    for (const field of ["LambdaConfig.CustomEmailSender", "LambdaConfig", "MfaConfiguration", undefined]) {
      const e = new ApiError("InvalidParameterException", "no", field);
      expect(hookErrors(e)).toEqual({ rows: {}, general: e });
    }
    expect(hookErrors(undefined)).toEqual({ rows: {}, general: undefined });
  });
});
