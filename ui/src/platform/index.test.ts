import { afterEach, describe, expect, it, vi } from "vitest";
import { OPERATIONS } from "../api/types";
import { amzTarget, call, commandName, consoleSecret, endpointOrigin, endpointUrl, isLoopbackHost, servedUiDir } from "./index";
import { ApiError } from "./errors";
import { snakeCase } from "../lib/naming";

describe("operation naming", () => {
  it("names Tauri commands in snake_case", () => {
    expect(commandName("CreateUserPool")).toBe("create_user_pool");
    expect(commandName("AdminListGroupsForUser")).toBe("admin_list_groups_for_user");
    expect(commandName("ListUsersInGroup")).toBe("list_users_in_group");
  });

  it("agrees with the generated list on every command name", () => {
    expect(OPERATIONS.length).toBeGreaterThan(0);
    for (const op of OPERATIONS) expect(snakeCase(op.name)).toBe(op.command);
  });

  it("prefixes X-Amz-Target by service", () => {
    expect(amzTarget("AdminCreateUser")).toBe("AWSCognitoIdentityProviderService.AdminCreateUser");
    expect(amzTarget("SearchUsers")).toBe("Poolhouse.SearchUsers");
    expect(amzTarget("ListAuditEvents")).toBe("Poolhouse.ListAuditEvents");
  });
});

describe("endpointUrl", () => {
  it("uses the page's origin by default", () => {
    expect(endpointUrl("", undefined, "http://127.0.0.1:4100")).toBe("http://127.0.0.1:4100/");
  });
  it("prefers ?endpoint= over the build-time setting", () => {
    expect(endpointUrl("?endpoint=http://127.0.0.1:9229", "http://10.0.0.1:1", "http://127.0.0.1:5173")).toBe(
      "http://127.0.0.1:9229/",
    );
    expect(endpointUrl("", "http://127.0.0.1:8000/x", "http://127.0.0.1:5173")).toBe("http://127.0.0.1:8000/");
  });
  it("takes ?endpoint= only for this page's origin or this computer", () => {
    const page = "http://devbox.lan:9229";
    for (const ok of [
      "http://devbox.lan:9229/x",
      "http://127.0.0.1:9229",
      "http://127.1.2.3:80",
      "http://localhost:4000",
      "https://console.localhost",
      "http://[::1]:9229",
    ]) {
      expect(endpointUrl(`?endpoint=${encodeURIComponent(ok)}`, undefined, page)).toBe(new URL("/", ok).toString());
    }
    for (const refused of [
      "https://attacker.example",
      "http://devbox.lan:9230",
      "https://devbox.lan:9229",
      "http://127.0.0.1.attacker.example",
      "http://localhost.attacker.example:9229",
      "http://10.0.0.1:9229",
      "javascript:alert(1)",
      "file:///etc/passwd",
      "not a url",
    ]) {
      let thrown: unknown;
      try {
        endpointUrl(`?endpoint=${encodeURIComponent(refused)}`, undefined, page);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, refused).toBeInstanceOf(ApiError);
      expect(thrown).toMatchObject({ code: "InvalidEndpoint", message: expect.stringContaining("?endpoint=") });
    }
  });
  it("knows loopback names", () => {
    expect(["localhost", "a.localhost", "127.0.0.1", "127.255.0.9", "[::1]"].every(isLoopbackHost)).toBe(true);
    expect(["localhost.example", "127.0.0.1.nip.io", "10.0.0.1", "example.com", "[::2]"].some(isLoopbackHost)).toBe(false);
  });
});

describe("a crafted ?endpoint=", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    window.history.replaceState(null, "", "/");
  });

  it("gets no operation: the call is refused before anything is sent, naming the origin", async () => {
    const fetchMock = vi.fn(async () => new Response("{}", { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    window.history.replaceState(null, "", "/?endpoint=https://attacker.example/collect");
    const err = await call("AdminSetUserPassword", { UserPoolId: "p", Username: "u", Password: "Secret1!", Permanent: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "InvalidEndpoint", message: expect.stringContaining("https://attacker.example") });
    expect(fetchMock).not.toHaveBeenCalled();
    expect(endpointOrigin()).toBe(window.location.origin);
  });
});

describe("the console's launch secret", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.head.querySelector('meta[name="poolhouse-console-secret"]')?.remove();
    window.history.replaceState(null, "", "/");
  });

  function serveSecret(secret: string) {
    const meta = document.createElement("meta");
    meta.name = "poolhouse-console-secret";
    meta.content = secret;
    document.head.append(meta);
  }

  it("is read from the page the endpoint served", () => {
    expect(consoleSecret(document)).toBeUndefined();
    serveSecret("s3cret");
    expect(consoleSecret(document)).toBe("s3cret");
  });

  it("reads the --ui folder the endpoint names in the page, for the command that starts it again", () => {
    expect(servedUiDir(document)).toBeUndefined();
    const meta = document.createElement("meta");
    meta.name = "poolhouse-ui-dir";
    meta.content = "/opt/poolhouse/ui";
    document.head.append(meta);
    expect(servedUiDir(document)).toBe("/opt/poolhouse/ui");
    meta.remove();
  });

  it("goes with every call to the page's own endpoint, and to no other", async () => {
    serveSecret("s3cret");
    const fetchMock = vi.fn(async () => new Response("{}", { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    await call("ListUserPools", { MaxResults: 1 });
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.headers).toMatchObject({ "X-Poolhouse-Console": "s3cret" });
    window.history.replaceState(null, "", "/?endpoint=http://127.0.0.1:1");
    await call("ListUserPools", { MaxResults: 1 });
    const [url, other] = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect(url).toBe("http://127.0.0.1:1/");
    expect(other.headers).not.toHaveProperty("X-Poolhouse-Console");
  });
});

describe("call over HTTP", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("posts Cognito JSON with the operation's target and returns the parsed body", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ UserPools: [] }), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    const out = await call("ListUserPools", { MaxResults: 60 });
    expect(out).toEqual({ UserPools: [] });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`${window.location.origin}/`);
    expect(init.method).toBe("POST");
    expect(init.headers).toMatchObject({
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
    });
    expect(JSON.parse(init.body as string)).toEqual({ MaxResults: 60 });
  });

  it("treats an empty 200 body as an empty output", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("", { status: 200 })));
    await expect(call("AdminDisableUser", { UserPoolId: "p", Username: "u" })).resolves.toEqual({});
  });

  it("rejects with the core's code and field on a 4xx", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({ __type: "InvalidParameterException", message: "too short", field: "PoolName" }),
            { status: 400 },
          ),
      ),
    );
    const err = await call("CreateUserPool", { PoolName: "" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "InvalidParameterException", field: "PoolName" });
  });

  it("reports an unreachable endpoint as NetworkError", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    await expect(call("ListUserPools", { MaxResults: 1 })).rejects.toMatchObject({ code: "NetworkError" });
  });
});
