/**
 * The simulated customers and what they write: a cast of people (each with a stable email, phone
 * and chat handles, so a returning customer is the same contact on every channel) and short
 * support stories (an opening question, follow-ups once someone answers, nudges when nobody does).
 */

export interface Person {
  /** Stable id: the API channel's contact id and the key of every per-channel handle. */
  key: string;
  first: string;
  last: string;
  email: string;
  phone: string;
  /** A number unique to this person (their Telegram user id is derived from it). */
  index: number;
}

export interface Story {
  topic: string;
  opening: string;
  /** Said one by one, each after an agent's answer. */
  followUps: string[];
  /** The last line, after the last answer. */
  closing: string;
}

const NAMES: [string, string][] = [
  ["Ada", "Lovelace"],
  ["Grace", "Hopper"],
  ["Alan", "Turing"],
  ["Katherine", "Johnson"],
  ["Linus", "Torvalds"],
  ["Margaret", "Hamilton"],
  ["Hedy", "Lamarr"],
  ["Dennis", "Ritchie"],
  ["Barbara", "Liskov"],
  ["Ken", "Thompson"],
  ["Frances", "Allen"],
  ["Edsger", "Dijkstra"],
  ["Radia", "Perlman"],
  ["Tim", "Berners-Lee"],
  ["Sophie", "Wilson"],
  ["John", "McCarthy"],
  ["Jean", "Bartik"],
  ["Donald", "Knuth"],
  ["Lynn", "Conway"],
  ["Guido", "van Rossum"],
  ["Anita", "Borg"],
  ["Shafi", "Goldwasser"],
  ["Niklaus", "Wirth"],
  ["Evelyn", "Boyd"],
];

/** The cast. `prefix` keeps the people of two simulators (or two test runs) apart. */
export function cast(prefix = "sim"): Person[] {
  return NAMES.map(([first, last], index) => ({
    key: `${prefix}-${first.toLowerCase()}-${last.toLowerCase().replace(/[^a-z]/g, "")}`,
    first,
    last,
    email: `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, "")}@example.com`,
    phone: `+4915${String(10_000_000 + index * 7919).padStart(9, "0")}`,
    index,
  }));
}

export const STORIES: Story[] = [
  {
    topic: "late order",
    opening: "Hi! My order #{n} was due on Monday and still hasn't arrived. Can you check where it is?",
    followUps: ["The tracking page just says 'label created'. Is that normal?", "OK, and if it's lost, do you resend it or refund it?"],
    closing: "Great, thanks for your help!",
  },
  {
    topic: "double charge",
    opening: "Hello, I was charged twice for order #{n}. Could you refund one of the payments?",
    followUps: ["Both charges are on my card statement, same amount, same minute."],
    closing: "Perfect, thank you!",
  },
  {
    topic: "password reset",
    opening: "The password reset email never arrives. I've checked my spam folder twice.",
    followUps: ["Still nothing. Could it be that my account uses my old address?", "Yes, that's the one. Can you change it?"],
    closing: "It works now, thanks a lot!",
  },
  {
    topic: "app crash",
    opening: "Your app crashes every time I open the settings page (Android 15).",
    followUps: ["Version {n}, installed from the Play Store yesterday."],
    closing: "Reinstalling fixed it. Thanks!",
  },
  {
    topic: "plan change",
    opening: "Can I switch to the annual plan in the middle of my billing cycle?",
    followUps: ["And would I keep the discount code I used in January?"],
    closing: "Sounds good, I'll switch today.",
  },
  {
    topic: "wrong size",
    opening: "I received the shoes from order #{n} in the wrong size. How do I exchange them?",
    followUps: ["Do I need to print the label, or can you email a QR code?"],
    closing: "Got it, I'll drop them off tomorrow. Thank you!",
  },
];

export const NUDGES = ["Hello? Is anyone there?", "Any news on this?", "Sorry to insist, but I really need an answer today."];

/** What a customer says when they try another channel after waiting. */
export function switchLine(fromLabel: string): string {
  return `I wrote to you on ${fromLabel} earlier but got no answer, so trying here.`;
}

/** What a customer says when they go on with a conversation on another channel after an answer. */
export function continueLine(fromLabel: string): string {
  return `Following up by another channel on what we discussed on ${fromLabel}:`;
}

/** Fills `{n}` with a number that looks like an order or version. */
export function fill(text: string, random: () => number): string {
  return text.replaceAll("{n}", String(10_000 + Math.floor(random() * 90_000)));
}
