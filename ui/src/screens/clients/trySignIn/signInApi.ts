import type { AuthResponse, UserPoolClient } from "../../../api/types";
import type { PasswordFlow } from "../../../lib/signIn";
import { call } from "../../../platform";

/** The two calls of a sign-in: starting it (or refreshing its tokens), and answering a challenge. */
export type SignInApi = {
  initiate: (authFlow: string, parameters: Record<string, string>) => Promise<AuthResponse>;
  respond: (challenge: string, session: string, responses: Record<string, string>) => Promise<AuthResponse>;
};

/**
 * The API a sign-in started with `flow` goes through at every step, as an app would call it:
 * ADMIN_USER_PASSWORD_AUTH is a back end's, so AdminInitiateAuth and
 * AdminRespondToAuthChallenge (which name the pool); USER_PASSWORD_AUTH is an app's on the
 * user's device, so InitiateAuth and RespondToAuthChallenge. A refresh of the tokens goes the
 * same way as the sign-in that got them.
 */
export function signInApi(client: Pick<UserPoolClient, "UserPoolId" | "ClientId">, flow: PasswordFlow): SignInApi {
  if (flow === "ADMIN_USER_PASSWORD_AUTH") {
    const admin = { UserPoolId: client.UserPoolId, ClientId: client.ClientId };
    return {
      initiate: (AuthFlow, AuthParameters) => call("AdminInitiateAuth", { ...admin, AuthFlow, AuthParameters }),
      respond: (ChallengeName, Session, ChallengeResponses) =>
        call("AdminRespondToAuthChallenge", { ...admin, ChallengeName, Session, ChallengeResponses }),
    };
  }
  const app = { ClientId: client.ClientId };
  return {
    initiate: (AuthFlow, AuthParameters) => call("InitiateAuth", { ...app, AuthFlow, AuthParameters }),
    respond: (ChallengeName, Session, ChallengeResponses) =>
      call("RespondToAuthChallenge", { ...app, ChallengeName, Session, ChallengeResponses }),
  };
}
