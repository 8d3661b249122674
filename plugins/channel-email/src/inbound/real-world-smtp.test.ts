// Issue 15 through the real SMTP server: one hand-written fixture per class of real-world email
// (test-support/real-world.ts), delivered by nodemailer on loopback. Every one is answered 250 and
// stored as the fixture says; permanent refusals (too big, unknown recipient) stay 5xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withAttachment } from "../../test-support/corpus.ts";
import { expectStoredAsFixture } from "../../test-support/expect-fixture.ts";
import { type EmailHarness, startEmailHarness } from "../../test-support/harness.ts";
import { realWorldFixtures } from "../../test-support/real-world.ts";
import { rawSmtp } from "../../test-support/smtp-raw.ts";

let email: EmailHarness;
beforeAll(async () => {
  email = await startEmailHarness({ max_message_bytes: 2 * 1024 * 1024 });
}, 15_000);
afterAll(async () => email?.close());

describe("real-world classes through the SMTP server (issue 15)", () => {
  for (const fixture of realWorldFixtures()) {
    it(`${fixture.name}: answered 250 and stored`, async () => {
      const before = (await email.messages()).length;
      const answer = await email.deliver(fixture.raw);
      expect(answer.response).toMatch(/^250 /);
      const stored = await email.messages();
      expect(stored).toHaveLength(before + 1);
      await expectStoredAsFixture(email.harness, stored.at(-1)!, fixture);
    }, 10_000);
  }

  it("a resend of the same odd message is answered 250 again and stored once", async () => {
    const fixture = realWorldFixtures().find((f) => f.name === "bang path")!;
    const count = (await email.messages()).length;
    expect((await email.deliver(fixture.raw)).response).toMatch(/^250 /);
    expect(await email.messages()).toHaveLength(count);
  }, 10_000);

  it("takes an envelope sender that strict RFC 5321 syntax refuses (a dot before the @, as firmware writes it)", async () => {
    const fixture = realWorldFixtures().find((f) => f.name === "domain without a dot")!;
    const raw = Buffer.from(
      fixture.raw.toString("latin1").replace("<localhost@fixtures.example>", "<envelope-odd@fixtures.example>"),
      "latin1",
    );
    // Written unquoted on the wire, as the firmware does (nodemailer would quote it).
    const replies = await rawSmtp(email.smtpPort, { from: "ilo.@example.com", to: "support@acme.com", data: raw });
    expect(replies.filter((line) => /^[45]/.test(line))).toEqual([]);
    const last = (await email.messages()).at(-1)!;
    expect(last.metadata.email).toMatchObject({ received: { via: "smtp", mailFrom: "ilo.@example.com" } });
  }, 10_000);

  it("permanent refusals stay 5xx: too big (552), unknown recipient (550)", async () => {
    await expect(email.deliver(withAttachment("too-big", 3 * 1024 * 1024))).rejects.toMatchObject({ responseCode: 552 });
    await expect(email.deliver(realWorldFixtures()[0]!.raw, { to: ["nobody@elsewhere.example"] })).rejects.toMatchObject({
      responseCode: 550,
    });
  }, 15_000);
});
