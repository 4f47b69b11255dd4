/**
 * IAM-style policy documents on the console: the trust-policy templates the Roles screen offers,
 * and where the core's `MalformedPolicyDocument` refusal points (its member path and line). The
 * core parses and judges every policy; nothing here decides whether a policy is valid.
 */

export const COGNITO_IDENTITY = "cognito-identity.amazonaws.com";

export type TrustAudience = "authenticated" | "unauthenticated";

/**
 * The trust policy a role for an identity pool needs, as the Cognito developer guide writes it:
 * `cognito-identity.amazonaws.com` may call `sts:AssumeRoleWithWebIdentity` (and tag the session)
 * when `:aud` is the identity pool and `:amr` says signed in (or a guest).
 */
export function cognitoTrustPolicy(identityPoolId: string, audience: TrustAudience): string {
  const doc = {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: audience === "authenticated" ? "SignedInIdentities" : "GuestIdentities",
        Effect: "Allow",
        Principal: { Federated: COGNITO_IDENTITY },
        Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        Condition: {
          StringEquals: { [`${COGNITO_IDENTITY}:aud`]: identityPoolId },
          "ForAnyValue:StringLike": { [`${COGNITO_IDENTITY}:amr`]: audience },
        },
      },
    ],
  };
  return JSON.stringify(doc, null, 2);
}

/** An empty permission policy to start from. */
export const EMPTY_PERMISSIONS = JSON.stringify(
  { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::example-bucket/*"] }] },
  null,
  2,
);

export type PolicyProblemPlace = {
  /** 1-based line of the text, when the core named one. */
  line?: number;
  /** The member path inside the document (`Statement[0].Effect`), when named. */
  path?: string;
};

/** Where a `MalformedPolicyDocument` message points: `… Statement[0].Effect (line 7): …`. */
export function placeOfPolicyProblem(message: string): PolicyProblemPlace {
  const place: PolicyProblemPlace = {};
  const line = /\bline (\d+)/.exec(message);
  if (line?.[1] !== undefined) place.line = Number(line[1]);
  const path = /\b(Statement(?:\[\d+\])?(?:\.[A-Za-z][\w:-]*|\[\d+\]|\["[^"]*"\])*|Version|Id)\b/.exec(message);
  if (path?.[1] !== undefined) place.path = path[1];
  return place;
}

/** The text of a 1-based line (for quoting it beside the error). */
export function lineOf(text: string, line: number): string | undefined {
  return text.split("\n")[line - 1];
}

/** The character offsets of a 1-based line, for selecting it in a textarea. */
export function lineRange(text: string, line: number): [number, number] | undefined {
  const lines = text.split("\n");
  if (line < 1 || line > lines.length) return undefined;
  let start = 0;
  for (let i = 0; i < line - 1; i++) start += (lines[i] ?? "").length + 1;
  return [start, start + (lines[line - 1] ?? "").length];
}

/** A role's name from its ARN (`arn:aws:iam::123:role/path/Name` → `Name`). */
export function roleNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}
