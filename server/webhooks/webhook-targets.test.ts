import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endpointPoster } from "./post-to-endpoint";
import { assertTargetAllowed, isPublicAddress } from "./webhook-targets";

const production = { allowPrivate: false };

describe("webhook targets (SSRF)", () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end();
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("classifies addresses with ipaddr.js: only unicast is public", () => {
    for (const address of ["8.8.8.8", "2606:4700:4700::1111", "93.184.216.34"]) expect(isPublicAddress(address), address).toBe(true);
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1", "not-an-address"]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("refuses at registration, in production: http, private literals, names resolving to private addresses, credentials", async () => {
    await expect(assertTargetAllowed("http://example.com/hook", production)).rejects.toThrow(/must be https/);
    await expect(assertTargetAllowed("https://127.0.0.1/hook", production)).rejects.toThrow(/127\.0\.0\.1, which is not a public address/);
    await expect(assertTargetAllowed("https://[::1]/hook", production)).rejects.toThrow(/not a public address/);
    await expect(assertTargetAllowed("https://169.254.169.254/latest/meta-data", production)).rejects.toThrow(/not a public address/);
    await expect(assertTargetAllowed("https://localhost/hook", production)).rejects.toThrow(/not a public address/);
    await expect(assertTargetAllowed("https://user:pw@8.8.8.8/hook", production)).rejects.toThrow(/credentials/);
    await expect(assertTargetAllowed("ftp://8.8.8.8/", production)).rejects.toThrow(/must be https/);
    await expect(assertTargetAllowed(`https://8.8.8.8/${"x".repeat(2048)}`, production)).rejects.toThrow(/longer than 2048/);
    await expect(assertTargetAllowed("https://8.8.8.8/hook", production)).resolves.toBeInstanceOf(URL);
  });

  it("allows http and private targets when WEBHOOK_ALLOW_PRIVATE_TARGETS is on", async () => {
    await expect(assertTargetAllowed(`http://127.0.0.1:${port}/hook`, { allowPrivate: true })).resolves.toBeInstanceOf(URL);
    await expect(assertTargetAllowed("http://localhost/hook", { allowPrivate: true })).resolves.toBeInstanceOf(URL);
  });

  it("refuses at connection time: a name that resolves to 127.0.0.1 gets no request (DNS rebinding), nor does a private literal", async () => {
    // https to a public-looking name is what registration accepted; at delivery time it resolves to loopback.
    const viaName = await endpointPoster(production)(`https://localhost:${port}/hook`, {}, "{}");
    expect(viaName.statusCode).toBeUndefined();
    expect(viaName.error).toMatch(/not a public address/);
    const viaLiteral = await endpointPoster(production)(`https://127.0.0.1:${port}/hook`, {}, "{}");
    expect(viaLiteral.error).toMatch(/not a public address/);
    expect(requests).toBe(0);
    // The same name is reached once private targets are allowed: the guard, not the network, refused it.
    const allowed = await endpointPoster({ allowPrivate: true })(`http://localhost:${port}/hook`, {}, "{}");
    expect(allowed.statusCode).toBe(200);
    expect(requests).toBe(1);
  });
});
