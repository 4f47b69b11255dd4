import { describe, expect, it } from "vitest";
import { cognitoTrustPolicy, lineOf, lineRange, placeOfPolicyProblem, roleNameOfArn } from "./policies";

describe("the Cognito identity pool trust template", () => {
  it("names the pool as aud and the sign-in kind as amr, for cognito-identity.amazonaws.com", () => {
    const doc = JSON.parse(cognitoTrustPolicy("us-east-1:1234", "authenticated")) as {
      Statement: Array<{ Effect: string; Principal: { Federated: string }; Action: string[]; Condition: Record<string, Record<string, string>> }>;
    };
    const s = doc.Statement[0];
    expect(s?.Effect).toBe("Allow");
    expect(s?.Principal.Federated).toBe("cognito-identity.amazonaws.com");
    expect(s?.Action).toContain("sts:AssumeRoleWithWebIdentity");
    expect(s?.Condition.StringEquals?.["cognito-identity.amazonaws.com:aud"]).toBe("us-east-1:1234");
    expect(s?.Condition["ForAnyValue:StringLike"]?.["cognito-identity.amazonaws.com:amr"]).toBe("authenticated");
  });
  it("gives guests the unauthenticated amr", () => {
    expect(cognitoTrustPolicy("us-east-1:1", "unauthenticated")).toContain('"cognito-identity.amazonaws.com:amr": "unauthenticated"');
  });
});

describe("where a MalformedPolicyDocument points", () => {
  it("reads the member path and the line", () => {
    expect(placeOfPolicyProblem('AssumeRolePolicyDocument: Statement[0].Effect (line 5): must be "Allow" or "Deny", got "Allw"')).toEqual({
      line: 5,
      path: "Statement[0].Effect",
    });
  });
  it("reads a JSON syntax error's line", () => {
    expect(placeOfPolicyProblem("line 3, column 9: not valid JSON: expected value")).toEqual({ line: 3 });
  });
  it("finds nothing in a message that names no place", () => {
    expect(placeOfPolicyProblem("is longer than 2048 characters")).toEqual({});
  });
  it("quotes and selects a line", () => {
    const text = "{\n  \"a\": 1,\n  \"b\": 2\n}";
    expect(lineOf(text, 2)).toBe('  "a": 1,');
    expect(lineRange(text, 2)).toEqual([2, 11]);
    expect(lineRange(text, 9)).toBeUndefined();
  });
  it("names a role by its ARN's last part", () => {
    expect(roleNameOfArn("arn:aws:iam::123:role/app/Admins")).toBe("Admins");
  });
});
