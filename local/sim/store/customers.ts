/** Customer generator. Orders map to customers by a modular bijection, so a customer's orders are computable. */
import { COUNTRIES, FIRST_NAMES, LAST_NAMES, STREETS } from "./catalog.ts";
import { gid, legacyId } from "./ids.ts";
import { moneyV2 } from "./money.ts";
import { rngFor, STREAMS } from "./random.ts";
import { DAY_MS, iso, type SimNode, type StoreConfig } from "./types.ts";

const MULTIPLIER_CANDIDATES = [7919, 7927, 7933, 7937, 7949];

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function modInverse(a: number, m: number): number {
  let [oldR, r, oldS, s] = [a % m, m, 1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/** order index -> customer index is i*K mod C; its inverse tells which orders a customer placed. */
export class CustomerMapping {
  private readonly multiplier: number;
  private readonly inverse: number;
  constructor(private readonly customers: number) {
    this.multiplier = MULTIPLIER_CANDIDATES.find((k) => customers === 1 || gcd(k, customers) === 1) ?? 1;
    this.inverse = customers === 1 ? 0 : modInverse(this.multiplier, customers);
  }
  customerOfOrder(orderIndex: number): number {
    return (orderIndex % this.customers) * this.multiplier % this.customers;
  }
  /** Indices of orders < totalOrders placed by the customer, ascending. */
  *ordersOf(customerIndex: number, totalOrders: number): Generator<number> {
    const first = (customerIndex * this.inverse) % this.customers;
    for (let i = first; i < totalOrders; i += this.customers) yield i;
  }
  firstOrderOf(customerIndex: number): number {
    return (customerIndex * this.inverse) % this.customers;
  }
}

export interface CustomerBasics {
  index: number;
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  isWholesale: boolean;
  tags: string[];
  countryCode: string;
  address: { address1: string; city: string; province: string | null; provinceCode: string | null; zip: string; country: string; countryCodeV2: string };
  acceptsMarketing: boolean;
}

// Small bounded caches: these are recomputed for every order otherwise.
const foreignCountries = new Map<string, string[]>();
const emailLocals = new Map<string, string>();

function emailLocalPart(firstName: string, lastName: string): string {
  const key = `${firstName}.${lastName}`;
  let local = emailLocals.get(key);
  if (local === undefined) emailLocals.set(key, (local = key.toLowerCase().normalize("NFD").replace(/[^a-z.]/g, "")));
  return local;
}

export function customerBasics(cfg: StoreConfig, c: number): CustomerBasics {
  const rng = rngFor(cfg.seed, STREAMS.customer, c);
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const isWholesale = rng.chance(0.05);
  const tags: string[] = [];
  if (isWholesale) tags.push("wholesale");
  if (rng.chance(0.03)) tags.push("vip");
  const acceptsMarketing = rng.chance(0.3);
  if (acceptsMarketing) tags.push("newsletter");
  const domestic = rng.chance(0.8);
  let foreign = foreignCountries.get(cfg.shop.countryCode);
  if (!foreign) foreignCountries.set(cfg.shop.countryCode, (foreign = Object.keys(COUNTRIES).filter((code) => code !== cfg.shop.countryCode)));
  const countryCode = domestic ? cfg.shop.countryCode : rng.pick(foreign);
  const country = COUNTRIES[countryCode]!;
  const place = rng.pick(country.addresses);
  const emailLocal = emailLocalPart(firstName, lastName);
  return {
    index: c,
    id: gid("Customer", c),
    firstName,
    lastName,
    email: `${emailLocal}+${c + 1}@example.com`,
    phone: rng.chance(0.4) ? `+1416555${String(c % 10000).padStart(4, "0")}` : null,
    isWholesale,
    tags: tags.sort(),
    countryCode,
    address: { address1: `${rng.int(1, 999)} ${rng.pick(STREETS)}`, city: place.city, province: place.province, provinceCode: place.provinceCode, zip: place.zip, country: country.name, countryCodeV2: country.code },
    acceptsMarketing,
  };
}

export interface CustomerStats {
  numberOfOrders: number;
  amountSpentCents: number;
  firstOrderAtMs: number | null;
  lastOrderAtMs: number | null;
}

export function customerRecord(cfg: StoreConfig, basics: CustomerBasics, stats: CustomerStats): SimNode {
  const rng = rngFor(cfg.seed, STREAMS.customer ^ 0x27d4eb2f, basics.index);
  const createdAtMs = (stats.firstOrderAtMs ?? cfg.startMs) - rng.int(0, 30) * DAY_MS - rng.int(60, 3600) * 1000;
  // A customer is touched when created and again by each order they place.
  const updatedAtMs = Math.max(Math.min(createdAtMs + rng.int(60, 86_400) * 1000, cfg.nowMs - 1000), stats.lastOrderAtMs ?? 0);
  return {
    __typename: "Customer",
    id: basics.id,
    legacyResourceId: legacyId("Customer", basics.index),
    firstName: basics.firstName,
    lastName: basics.lastName,
    displayName: `${basics.firstName} ${basics.lastName}`,
    defaultEmailAddress: { __typename: "CustomerEmailAddress", emailAddress: basics.email, marketingState: basics.acceptsMarketing ? "SUBSCRIBED" : "NOT_SUBSCRIBED" },
    defaultPhoneNumber: basics.phone ? { __typename: "CustomerPhoneNumber", phoneNumber: basics.phone, marketingState: "NOT_SUBSCRIBED" } : null,
    state: rng.chance(0.7) ? "ENABLED" : "DISABLED",
    tags: basics.tags,
    note: basics.isWholesale ? "Wholesale account, net 30" : null,
    numberOfOrders: String(stats.numberOfOrders),
    amountSpent: moneyV2(stats.amountSpentCents, cfg.shop.currencyCode),
    createdAt: iso(createdAtMs),
    updatedAt: iso(updatedAtMs),
    verifiedEmail: true,
    taxExempt: basics.isWholesale,
    locale: "en",
    defaultAddress: { __typename: "MailingAddress", firstName: basics.firstName, lastName: basics.lastName, name: `${basics.firstName} ${basics.lastName}`, address2: null, company: basics.isWholesale ? `${basics.lastName} Trading` : null, phone: basics.phone, ...basics.address },
  };
}
